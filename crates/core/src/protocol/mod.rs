//! Stream decoder (issue 3): bytes of a chat reply in, typed events out.
