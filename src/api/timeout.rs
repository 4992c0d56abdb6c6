//! Time limits for requests. A fetch has none of its own: a server that accepts the connection
//! and then says nothing would leave the visitor waiting forever. A [`Deadline`] is an abort
//! signal that fires when the caller aborts (Stop, a new prompt, `destroy()`) or when its time
//! runs out, and remembers which, so a time-out can be told apart from a Stop.
//!
//! A streamed reply's limit is on silence, and the stream reports progress with
//! [`Deadline::touch`], which only sets a flag: the per-chunk path makes no timer calls. The
//! timer ticks every half limit and gives up after two ticks in a row without progress, so a
//! limit of `ms` fires after `ms` to `1.5 × ms` of silence.

use super::ApiError;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

/// Conversation and history requests: small JSON answers.
pub const REQUEST_MS: u32 = 20_000;
/// `POST /api/chat` until the reply's headers arrive.
pub const REPLY_START_MS: u32 = 60_000;
/// The longest silence between two chunks of a streamed reply. Helper stops a generation after
/// 60 s; a tool call can keep the stream quiet for most of that.
pub const REPLY_IDLE_MS: u32 = 75_000;
/// The page's `refreshAuth()`: a round trip to the site's own server.
pub const REFRESH_AUTH_MS: u32 = 20_000;

/// An abort signal with a time limit, linked to an optional outer signal.
pub struct Deadline {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    /// Progress since the last tick ([`Deadline::touch`]).
    touched: Rc<Cell<bool>>,
    /// Ticks in a row without progress.
    idle_ticks: Rc<Cell<u8>>,
    timer: Cell<Option<i32>>,
    on_tick: Closure<dyn FnMut()>,
    outer: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Deadline {
    /// A signal that aborts after `ms`, or as soon as `outer` does.
    pub fn new(ms: u32, outer: Option<&AbortSignal>) -> Result<Deadline, ApiError> {
        let controller = AbortController::new().map_err(|_| no_abort_controller())?;
        let timed_out = Rc::new(Cell::new(false));
        let touched = Rc::new(Cell::new(false));
        let idle_ticks = Rc::new(Cell::new(0u8));
        let on_tick = {
            let controller = controller.clone();
            let (timed_out, touched, idle_ticks) = (
                Rc::clone(&timed_out),
                Rc::clone(&touched),
                Rc::clone(&idle_ticks),
            );
            Closure::<dyn FnMut()>::new(move || {
                if touched.replace(false) {
                    idle_ticks.set(0);
                    return;
                }
                idle_ticks.set(idle_ticks.get().saturating_add(1));
                if idle_ticks.get() >= 2 && !controller.signal().aborted() {
                    timed_out.set(true);
                    controller.abort();
                }
            })
        };
        let outer = match outer {
            Some(signal) if signal.aborted() => {
                controller.abort();
                None
            }
            Some(signal) => {
                let inner = controller.clone();
                let forward = Closure::<dyn FnMut()>::new(move || inner.abort());
                signal
                    .add_event_listener_with_callback("abort", forward.as_ref().unchecked_ref())
                    .map_err(|_| no_abort_controller())?;
                Some((signal.clone(), forward))
            }
            None => None,
        };
        let deadline = Deadline {
            controller,
            timed_out,
            touched,
            idle_ticks,
            timer: Cell::new(None),
            on_tick,
            outer,
        };
        deadline.restart(ms);
        Ok(deadline)
    }

    /// The signal to give the request.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Whether the time ran out (rather than the outer signal aborting).
    pub fn timed_out(&self) -> bool {
        self.timed_out.get()
    }

    /// Starts the time limit again from now, with `ms` (at reply start: from "until it starts"
    /// to "at most this much silence").
    pub fn restart(&self, ms: u32) {
        let window = leptos::prelude::window();
        if let Some(id) = self.timer.take() {
            window.clear_interval_with_handle(id);
        }
        self.touched.set(false);
        self.idle_ticks.set(0);
        if self.controller.signal().aborted() {
            return;
        }
        let id = window.set_interval_with_callback_and_timeout_and_arguments_0(
            self.on_tick.as_ref().unchecked_ref(),
            i32::try_from(ms / 2).unwrap_or(i32::MAX).max(1),
        );
        self.timer.set(id.ok());
    }

    /// Something arrived: the silence starts again. A flag, no timer call (the chunk path).
    pub fn touch(&self) {
        self.touched.set(true);
    }

    /// The error a request aborted through this deadline ends with.
    pub fn aborted_error(&self) -> ApiError {
        if self.timed_out() {
            ApiError::TimedOut
        } else {
            ApiError::Aborted
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(id) = self.timer.take() {
            leptos::prelude::window().clear_interval_with_handle(id);
        }
        if let Some((signal, forward)) = &self.outer {
            let _ = signal
                .remove_event_listener_with_callback("abort", forward.as_ref().unchecked_ref());
        }
    }
}

fn no_abort_controller() -> ApiError {
    ApiError::Network("this browser cannot abort requests".into())
}

/// A promise that rejects with `Error(message)` after `ms`, for `Promise.race` against one the
/// page controls, such as `refreshAuth()`.
pub fn rejects_after(ms: u32, message: &str) -> js_sys::Promise {
    let error = js_sys::Error::new(message);
    js_sys::Promise::new(&mut |_, reject| {
        let _ = leptos::prelude::window().set_timeout_with_callback_and_timeout_and_arguments_1(
            &reject,
            i32::try_from(ms).unwrap_or(i32::MAX),
            &error,
        );
    })
}

/// A promise that resolves after `ms`: a pause between polls or reconnection attempts.
pub fn sleep(ms: u32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        let _ = leptos::prelude::window().set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            i32::try_from(ms).unwrap_or(i32::MAX),
        );
    })
}
