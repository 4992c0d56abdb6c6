//! Size probe: a wasm module that only renders markdown, to measure what the renderer and
//! pulldown-cmark add to the widget. Not part of the widget; browser-free like the crate.
//!
//! ```sh
//! export CARGO_TARGET_DIR=/work/main/target-core
//! cargo build --release --target wasm32-unknown-unknown -p helper-widget-core --example markdown_size
//! .tools/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
//!   --enable-sign-ext --enable-mutable-globals \
//!   target-core/wasm32-unknown-unknown/release/examples/markdown_size.wasm -o /tmp/md.wasm
//! gzip -9c /tmp/md.wasm | wc -c
//! ```
//! Measured (0.13.6 with the compact entity table of vendor/pulldown-cmark, release profile of
//! the workspace): 182 KB after wasm-opt, 84 KB gzip -9 (upstream's table: 210 KB / 95 KB); the
//! same probe without markdown (only allocation, formatting and `Debug`) is 25 KB / 12 KB. For
//! the floor of the whole stack (Leptos + markdown) see bench/size-floor.

use helper_widget_core::markdown::{render, IncrementalMarkdown, Node};

fn weight(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|n| match n {
            Node::Text(t) => t.len(),
            Node::Element(e) => e.tag.len() + e.attrs.len() + weight(&e.children),
        })
        .sum()
}

/// Renders the input whole and streamed, so both paths are kept in the module.
///
/// # Safety
/// `ptr` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn markdown_probe(ptr: *const u8, len: usize) -> usize {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    let input = &*String::from_utf8_lossy(bytes);
    let mut md = IncrementalMarkdown::new();
    let pushed = md.push(input);
    let finished = md.finish();
    format!("{:?}", pushed.tail).len()
        + weight(&render(input))
        + weight(&pushed.settled)
        + weight(&finished.settled)
}

#[allow(dead_code)]
fn main() {}
