//! End-to-end tests of helper-dev-server over real sockets: every route and error path, CORS
//! and its gaps, session continuity and HMAC, the three stream formats byte for byte, each
//! fault, decoding with the widget's own stream decoder, the realtime websocket's framing and
//! broadcasts, and notifications.

mod common;

mod chat;
mod conversations;
mod cors;
mod decode;
mod faults;
mod limits;
mod notifications;
mod realtime;
mod sessions;
