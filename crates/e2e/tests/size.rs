//! The size budgets of what a visitor downloads, measured gzip -9 as a CDN would serve them.
//! Size is deterministic, so these are tests, not benchmarks.
//!
//! - Every page view: `sdk.js`, and nothing else until the visitor shows intent (embed-contract
//!   §8; `crates/e2e/tests/loading.rs` checks in a browser that nothing else is fetched). Goal:
//!   5,000 bytes, a sixth of Helper's own loader (30.8 KB); budget: see below.
//! - Page views of visitors who can have conversations (identified, or a browser that started
//!   one): also the notifications module `notify-<hash>.js` (bubbles, unread badge), imported
//!   by `sdk.js` before any intent.
//! - Opening the panel: `sdk.js`, the wasm-bindgen glue and the `.wasm` (the panel's
//!   stylesheet is compiled into the wasm). A ratchet, not the goal: it fails any change that
//!   makes the download bigger without lowering the constant deliberately.
//! - A screenshot, only for visitors who tick "Include a screenshot": the capture module
//!   `screenshot-<hash>.js` (modern-screenshot), in neither figure above.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

/// What every page view may cost: the loader alone. History: 5,000 (5 KB in decimal units, the
/// stricter reading) until 4,996 measured; 5,210, raised on purpose for what only the loader can
/// do before the chat code loads (5,207 measured): `theme` and `position` read and checked with
/// the other fields (one helper for every choice field, `preload`'s included) and the launcher
/// and load-error note mirrored for the left corner, about 135 B; black or white on the accent
/// by WCAG contrast instead of Helper's brightness rule, which fails AA on reds and greens,
/// about 55 B; the root put back into a `<body>` a single-page app swapped in, about 20 B.
/// 5,250 with the screenshot opt-in (5,246 measured): the bridge's `screenshot()`, which names
/// the capture module and imports it only when a visitor asks, 39 B; the module itself is in
/// no page view. 5,750 with languages (5,742 measured): the page's language read from config
/// `locale`, `<html lang>` or the browser and checked by `Intl`, the one catalogue a page in
/// another language needs fetched before the launcher is drawn (so its name is never in the
/// wrong language), the site's `messages` laid over it, `dir` and `lang` on the root and the
/// left corner for right-to-left languages, and the loader's own English texts: about 500 B.
/// English pages fetch nothing more.
const PAGE_VIEW_BUDGET_GZIP: usize = 5_750;
/// What the notifications module may cost on top of `sdk.js` (about 1.8 KB measured, plus
/// slack): together under 8 KB for the page views that load it. 2,100 with languages (2,083
/// measured): its English texts and the plural form of the unread count's name.
const NOTIFY_BUDGET_GZIP: usize = 2_100;
/// What opening the panel may cost (current size plus a little slack for toolchain noise).
/// Lower it whenever an optimisation lands. History: 305 KB at the first release build (301 KB
/// measured); 262 KB after the compact entity table and Value-only JSON parsing (257.4 KB);
/// 252 KB once the launcher, page attributes and colour parsing moved to the loader (249.3 KB);
/// 256 KB with time limits on every request and restore-aware turns (254.1 KB); 230 KB, the
/// facade's budget, after the second pass of size cuts (minified glue and stylesheet, short
/// import names, pulldown-cmark's unused extensions out, no serde-wasm-bindgen, promises
/// instead of shared futures, `wasm-opt -Os --converge`: 228.8 KB); 270 KB, raised on purpose
/// for the human side of support, which a visitor who needs a person cannot do without (live
/// staff replies over realtime with polling, reactions, "talk to a human", message times,
/// unread counts: about 17 KB; earlier conversations and the contact form: about 16 KB; both
/// already built with DOM calls where Leptos view trees cost twice as much: 268.8 KB); 280 KB
/// with theme, position and the size button (+0.9 KB) and attachments as Helper accepts them
/// (attach, drop, paste, previews, refusals, files shown in messages: +9.7 KB, DOM-built, the
/// files read and serialised by the browser: 278.4 KB); 282 KB with the screenshot opt-in
/// (Helper's keyword rule and shortcut, the checkbox, the capture previewed in the attachment
/// tray before sending: +3.0 KB, DOM-built, one listener for the tray and the option, the
/// keywords matched on bytes so no Unicode case table is linked; the capture library is not
/// in it: 281.6 KB); 288 KB with languages (every text from the message catalogue, English
/// built in as the reference JSON, the loader's catalogue and the site's overrides laid over
/// it, plural forms, ages and dates worded by `Intl`, texts handed to the views as static
/// strings so they keep their literal types: +4.7 KB, of which the English catalogue is
/// 1.7 KB and the `Intl` calls 1.0 KB; 286.8 KB).
const OPEN_BUDGET_GZIP: usize = 288 * 1024;
/// What the capture module may cost when a visitor asks for a screenshot (modern-screenshot
/// and the masking, about 10.5 KB measured, plus slack). Helper's loader carries the same
/// library on every page view.
const SCREENSHOT_BUDGET_GZIP: usize = 12 * 1024;

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory").len()
}

fn dist_file(name: &str) -> Vec<u8> {
    std::fs::read(helper_widget_e2e::dist_dir().join(name))
        .unwrap_or_else(|e| panic!("dist/{name}: {e}"))
}

/// The dist/ file whose name starts with `prefix` and ends with `suffix` (a hashed name).
fn dist_name(prefix: &str, suffix: &str) -> String {
    std::fs::read_dir(helper_widget_e2e::dist_dir())
        .expect("dist/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with(prefix) && n.ends_with(suffix) && !n.ends_with("_bg.js"))
        .unwrap_or_else(|| panic!("no {prefix}*{suffix} in dist/"))
}

/// Prints dist/`name`'s size and fails if its gzip is over `budget`; `what` says what it costs.
fn assert_within(name: &str, budget: usize, what: &str) {
    let bytes = dist_file(name);
    let gz = gzip_len(&bytes);
    println!(
        "{name} {:>7} raw {gz:>6} gzip (budget {budget})",
        bytes.len()
    );
    assert!(
        gz <= budget,
        "{name} grew past {what}: {gz} B gzip > {budget} B"
    );
}

#[test]
fn a_page_view_costs_only_the_loader_within_its_budget() {
    assert_within(
        "sdk.js",
        PAGE_VIEW_BUDGET_GZIP,
        "what every page view may cost",
    );
}

#[test]
fn the_notifications_module_is_named_by_the_loader_and_within_its_budget() {
    let dist = helper_widget_e2e::dist_dir();
    let sdk = std::fs::read_to_string(dist.join("sdk.js")).expect("dist/sdk.js");
    let name = dist_name("notify-", ".js");
    assert!(sdk.contains(&name), "sdk.js does not import {name}");
    assert_within(&name, NOTIFY_BUDGET_GZIP, "its budget");
    // Served precompressed like the other files, where the host supports it.
    for ext in ["gz", "br"] {
        assert!(
            dist.join(format!("{name}.{ext}")).is_file(),
            "no {name}.{ext} in dist/ (is it a release build?)"
        );
    }
}

#[test]
fn the_screenshot_module_is_named_by_the_loader_and_within_its_budget() {
    let dist = helper_widget_e2e::dist_dir();
    let sdk = std::fs::read_to_string(dist.join("sdk.js")).expect("dist/sdk.js");
    let name = dist_name("screenshot-", ".js");
    assert!(sdk.contains(&name), "sdk.js does not import {name}");
    // Only an import() when asked: no static reference the page view would fetch.
    assert!(
        sdk.matches(&name).count() == 1,
        "sdk.js names {name} more than once"
    );
    assert_within(&name, SCREENSHOT_BUDGET_GZIP, "its budget");
    for ext in ["gz", "br"] {
        assert!(
            dist.join(format!("{name}.{ext}")).is_file(),
            "no {name}.{ext} in dist/ (is it a release build?)"
        );
    }
}

#[test]
fn files_loaded_until_the_panel_is_open_fit_the_budget() {
    let dist = helper_widget_e2e::dist_dir();
    let sdk = std::fs::read_to_string(dist.join("sdk.js")).expect("dist/sdk.js");
    // The loader names exactly what it loads; measure those, not whatever else is in dist/.
    let mut files = vec!["sdk.js".to_owned()];
    for ext in [".js", "_bg.wasm"] {
        let name = dist_name("helper-widget-", ext);
        assert!(sdk.contains(&name), "sdk.js does not load {name}");
        files.push(name);
    }
    let mut total_raw = 0;
    let mut total_gzip = 0;
    for name in &files {
        let bytes = std::fs::read(dist.join(name)).expect("read dist file");
        let gz = gzip_len(&bytes);
        println!("{name:48} {:>9} raw {:>9} gzip", bytes.len(), gz);
        total_raw += bytes.len();
        total_gzip += gz;
    }
    println!(
        "{:48} {total_raw:>9} raw {total_gzip:>9} gzip (budget {OPEN_BUDGET_GZIP})",
        "total"
    );
    assert!(
        total_gzip <= OPEN_BUDGET_GZIP,
        "the widget grew: {total_gzip} B gzip > budget {OPEN_BUDGET_GZIP} B \
         (is dist/ a release build? `trunk build --release`)"
    );
}
