//! Writes `$OUT_DIR/widget.min.css`, the widget's stylesheet without comments and needless
//! whitespace, for `src/style.rs` to compile into the wasm (every visitor downloads it).

#[path = "build/minify_css.rs"]
mod minify_css;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const SOURCE: &str = "style/widget.css";
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-changed=build/minify_css.rs");
    let css = std::fs::read_to_string(SOURCE).map_err(|e| format!("reading {SOURCE}: {e}"))?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?;
    let target = PathBuf::from(out_dir).join("widget.min.css");
    std::fs::write(&target, minify_css::minify_css(&css))
        .map_err(|e| format!("writing {}: {e}", target.display()))?;
    Ok(())
}
