//! The chat panel: a dialog labelled by its title, holding the transcript and the composer, or
//! in their place the earlier conversations or the contact form.

use super::{
    use_chat, Composer, ComposerFocus, ContactForm, EscalatedBanner, HistoryView, PanelBody,
    Transcript, UiState,
};
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What Tab can reach inside the panel.
const FOCUSABLE: &str =
    "button:not([disabled]), textarea, input, a[href], [tabindex]:not([tabindex='-1'])";
/// Below this viewport width the panel covers the whole screen (the stylesheet's breakpoint).
const FULL_SCREEN_BELOW_PX: f64 = 640.0;
/// The minimize/maximize button's chevron. Both names follow it, of which the stylesheet shows
/// the one for what a press does (and turns the chevron up) from the panel's
/// `hw-panel--minimized` class, so nothing updates the button itself. No aria-pressed besides,
/// since a toggle whose name also changes is announced twice over.
const SIZE_ICON: &str = r#"<svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9l6 6 6-6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>"#;

/// The chat panel. Non-modal on desktop (visitors may Tab back to the page); full screen
/// below 640 px (see the stylesheet).
#[component]
pub fn Panel(
    /// Header title: the site's, or the language's default.
    title: Option<String>,
    /// Panel state.
    ui: UiState,
) -> impl IntoView {
    let title = title.unwrap_or_else(|| t("panel.title").into());
    let composer_ref = NodeRef::<html::Textarea>::new();
    provide_context(ComposerFocus(composer_ref));
    let panel_ref = NodeRef::<html::Section>::new();
    // Focus goes back to whatever opened the panel: the loader does that on `close`.
    let close = move || ui.hide();
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            close();
        } else if ev.key() == "Tab" {
            keep_focus_inside_when_full_screen(&ev, panel_ref);
        }
    };
    focus_composer_when_opened(ui, composer_ref);
    let chat = use_chat();
    let store = chat.store();
    let history_ref = NodeRef::<html::Button>::new();
    let toggle_history = move |_| {
        let showing = ui.body.get_untracked() == PanelBody::History;
        ui.body.set(if showing {
            PanelBody::Chat
        } else {
            PanelBody::History
        });
    };
    let showing = move |body: PanelBody| ui.body.get() == body;
    let new_conversation = move |_| {
        ui.body.set(PanelBody::Chat);
        chat.run(|chat| chat.new_conversation());
        if let Some(textarea) = composer_ref.get_untracked() {
            let _ = textarea.focus();
        }
    };
    let notice = move || store.notice.get();
    view! {
        <section
            node_ref=panel_ref
            id="hw-panel"
            class="hw-panel"
            class:hw-panel--minimized=move || ui.minimized.get()
            data-testid="widget-panel"
            role="dialog"
            aria-labelledby="hw-title"
            hidden=move || !ui.open.get()
            on:keydown=on_keydown
        >
            <header class="hw-header">
                <h2 id="hw-title" class="hw-title">{title}</h2>
                <button
                    type="button"
                    class="hw-icon-button"
                    aria-label=t("panel.new")
                    title=t("panel.new_hint")
                    on:click=new_conversation
                >
                    <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 5v14M5 12h14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
                <button
                    node_ref=history_ref
                    type="button"
                    class="hw-icon-button"
                    data-testid="history-button"
                    aria-label=t("panel.history")
                    title=t("panel.history_hint")
                    on:click=toggle_history
                >
                    <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
                // The minimize/maximize button goes here (`add_size_button`).
                <button
                    type="button"
                    class="hw-icon-button"
                    aria-label=t("panel.close")
                    on:click=move |_| close()
                >
                    <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
            </header>
            <Show when=move || notice().is_some()>
                <p class="hw-notice" role="alert">{notice}</p>
            </Show>
            // Kept mounted while hidden: the draft and the reading position survive a look at
            // the history.
            <div class="hw-body" hidden=move || !showing(PanelBody::Chat)>
                <Transcript />
                <EscalatedBanner />
                <Composer composer_ref=composer_ref />
            </div>
            // (`ui.body` is only set on a change: setting a pane shown again would make it anew.)
            {move || showing(PanelBody::History).then(|| view! { <HistoryView ui=ui return_to=history_ref /> })}
            {move || showing(PanelBody::Contact).then(|| view! { <ContactForm ui=ui /> })}
        </section>
    }
}

/// Puts the minimize/maximize button into the header of the panel mounted in `within`, before
/// Close (the header's last button); it works while the returned listener is kept. Desktop
/// only: the stylesheet hides it where the panel is full screen. Made with DOM calls once the
/// panel is mounted, not in the view: one more button in the typed view tree costs every
/// visitor about 0.7 KB of wasm, this a fraction of that.
pub fn add_size_button(within: &web_sys::Element, ui: UiState) -> Option<Closure<dyn FnMut()>> {
    let header = within.query_selector(".hw-header").ok()??;
    let close = header.last_element_child()?;
    let button = document().create_element("button").ok()?;
    button.set_class_name("hw-icon-button hw-size");
    button.set_attribute("type", "button").ok()?;
    button.set_inner_html(SIZE_ICON);
    for (class, key) in [
        ("hw-sr hw-size__min", "panel.minimize"),
        ("hw-sr hw-size__max", "panel.maximize"),
    ] {
        let name = document().create_element("span").ok()?;
        name.set_class_name(class);
        name.set_text_content(Some(crate::i18n::t(key)));
        button.append_child(&name).ok()?;
    }
    let listener = Closure::<dyn FnMut()>::new(move || ui.toggle_minimized());
    button
        .add_event_listener_with_callback("click", listener.as_ref().unchecked_ref())
        .ok()?;
    header.insert_before(&button, Some(&close)).ok()?;
    Some(listener)
}

/// On a phone the panel covers the page, which the visitor can no longer see: Tab and Shift+Tab
/// wrap around inside it (APG modal dialog) instead of walking into the hidden page.
fn keep_focus_inside_when_full_screen(
    ev: &web_sys::KeyboardEvent,
    panel_ref: NodeRef<html::Section>,
) {
    let full_screen = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < FULL_SCREEN_BELOW_PX);
    let Some(panel) = panel_ref.get_untracked() else {
        return;
    };
    if !full_screen {
        return;
    }
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
        return;
    };
    let item = |i: u32| {
        list.item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let (Some(first), Some(last)) = (item(0), item(list.length().saturating_sub(1))) else {
        return;
    };
    let active = panel
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|root| root.active_element());
    let at = |el: &web_sys::HtmlElement| active.as_ref() == Some(el.unchecked_ref());
    let wrap_to = if ev.shift_key() && at(&first) {
        Some(last)
    } else if !ev.shift_key() && at(&last) {
        Some(first)
    } else {
        None
    };
    if let Some(target) = wrap_to {
        ev.prevent_default();
        let _ = target.focus();
    }
}

/// Moves focus into the composer whenever the panel opens, so keyboard and screen-reader users
/// land where they can type (APG dialog pattern).
fn focus_composer_when_opened(ui: UiState, composer_ref: NodeRef<html::Textarea>) {
    Effect::new(move |was_open: Option<bool>| {
        let open = ui.open.get();
        // The first run counts as "was closed": calls queued before the chat code arrived may
        // open the panel before this effect first runs.
        if open && was_open != Some(true) && ui.focus_on_open.try_get_value() != Some(false) {
            // After this tick's DOM update has removed `hidden`: a hidden element can't be focused.
            request_animation_frame(move || {
                // `try_`: the widget may have been destroyed before this frame.
                if let Some(textarea) = composer_ref.try_get_untracked().flatten() {
                    let _ = textarea.focus();
                }
            });
        }
        open
    });
}
