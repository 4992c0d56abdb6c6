//! Widget configuration (filled in by the foundation work).
