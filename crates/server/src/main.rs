//! Placeholder: the local Helper-compatible server lands with issue 4.
fn main() {}
