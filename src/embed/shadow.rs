//! The panel's stylesheet in the widget's shadow root.
//!
//! The loader made the open shadow root and adopted the launcher's stylesheet; the panel's is
//! added beside it as a constructable stylesheet. Not a `<style>` element: a page whose
//! Content-Security-Policy has no `'unsafe-inline'` in `style-src` refuses those, and the widget
//! would render unstyled in the page's flow. The stylesheet is compiled into the wasm, so it
//! costs no extra request and never flashes unstyled.

use super::EmbedError;
use web_sys::{CssStyleSheet, ShadowRoot};

/// The panel's whole stylesheet, minified at build time (`build.rs`).
pub const WIDGET_CSS: &str = crate::style::WIDGET_CSS;

/// The panel's stylesheet, adopted by a shadow root until this is dropped.
pub struct AdoptedSheet {
    shadow: ShadowRoot,
    sheet: CssStyleSheet,
}

impl AdoptedSheet {
    /// Appends the panel's stylesheet to `shadow`'s adopted stylesheets.
    pub fn adopt(shadow: &ShadowRoot) -> Result<AdoptedSheet, EmbedError> {
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(WIDGET_CSS)?;
        let sheets = shadow.adopted_style_sheets();
        sheets.push(&sheet);
        shadow.set_adopted_style_sheets(&sheets);
        Ok(AdoptedSheet {
            shadow: shadow.clone(),
            sheet,
        })
    }
}

impl Drop for AdoptedSheet {
    fn drop(&mut self) {
        let mine: &wasm_bindgen::JsValue = self.sheet.as_ref();
        let kept = self
            .shadow
            .adopted_style_sheets()
            .filter(&mut |s, _, _| &s != mine);
        self.shadow.set_adopted_style_sheets(&kept);
    }
}
