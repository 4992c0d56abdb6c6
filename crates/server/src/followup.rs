//! What happens after a reply, off the request: the realtime broadcasts Helper's background
//! jobs send (`agent-reply` for every saved message not from the visitor, AI replies included;
//! `conversation-subject` when a subject is generated), and the simulated staff member who,
//! after an escalation, is typing and then replies ([`crate::Options::staff_reply_after`]).
//!
//! Acts only through the shared [`App`] (its store and realtime hub); knows nothing of HTTP.
//! Every task it starts ends: it publishes a fixed number of events, with at most one typing
//! event per [`TYPING_EVERY`] of the configured delay.

use crate::store::{now_ms, Role};
use crate::App;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Helper publishes from a background job once the reply is saved; this stands for the job
/// queue's latency.
pub const JOB_LATENCY: Duration = Duration::from_millis(50);
/// Helper's dashboard sends `agent-typing` at most this often while an agent types (clients
/// hide the indicator 10 s after the last one).
pub const TYPING_EVERY: Duration = Duration::from_secs(8);
/// What the simulated staff member says.
pub const STAFF_REPLY: &str = "Hi, thanks for waiting! I've read through your conversation and \
I'm looking into it now. I'll follow up here as soon as I have an answer.";

/// What a request left to publish.
#[derive(Debug, Default)]
pub struct After {
    /// Saved messages not from the visitor, in order (a reply saves one).
    pub messages: Vec<u64>,
    /// A newly generated subject.
    pub subject: Option<String>,
    /// The AI handed the conversation to a human.
    pub escalated: bool,
}

/// Publishes message `id` of `slug` as `agent-reply`, if it is still kept.
pub fn publish_message(app: &App, slug: &str, id: u64) {
    let message = app.store().message_json(slug, id);
    if let Some(message) = message {
        app.hub.publish(slug, "agent-reply", &message);
    }
}

/// Publishes what `after` holds once the job latency has passed, then runs the staff member's
/// turn if the conversation was escalated and [`crate::Options::staff_reply_after`] is set.
pub fn spawn(app: Arc<App>, slug: String, after: After) {
    let staff = app.options.staff_reply_after.filter(|_| after.escalated);
    if after.messages.is_empty() && after.subject.is_none() && staff.is_none() {
        return;
    }
    // Only a server shutting down drops a reply outside the runtime; nobody is listening then.
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        tokio::time::sleep(JOB_LATENCY).await;
        for id in after.messages {
            publish_message(&app, &slug, id);
        }
        if let Some(subject) = after.subject {
            app.hub.publish(
                &slug,
                "conversation-subject",
                &json!({ "subject": subject }),
            );
        }
        if let Some(delay) = staff {
            staff_turn(&app, &slug, delay).await;
        }
    });
}

/// Runs [`spawn`] when dropped: held by a streamed reply's body, which hyper drops once the
/// last byte is written (or the visitor went away; Helper's `onFinish` runs either way), so a
/// broadcast never overtakes the end of the reply it repeats.
pub struct WhenSent(Option<(Arc<App>, String, After)>);

impl WhenSent {
    pub fn new(app: Arc<App>, slug: String, after: After) -> Self {
        WhenSent(Some((app, slug, after)))
    }

    /// Ties the guard to whatever holds it (a closure that must own it).
    pub fn hold(&self) {}
}

impl Drop for WhenSent {
    fn drop(&mut self) {
        if let Some((app, slug, after)) = self.0.take() {
            spawn(app, slug, after);
        }
    }
}

/// A staff member types for `delay` (repeating `agent-typing` as Helper's dashboard does), then
/// their reply is saved and published.
async fn staff_turn(app: &App, slug: &str, delay: Duration) {
    let start = Instant::now();
    // A delay past the clock's range means the staff member never gets to it.
    let Some(end) = start.checked_add(delay) else {
        app.hub.publish_typing(slug, now_ms());
        return;
    };
    let mut next = start;
    while next < end {
        app.hub.publish_typing(slug, now_ms());
        next = match next.checked_add(TYPING_EVERY) {
            Some(n) if n < end => n,
            _ => break,
        };
        tokio::time::sleep_until(next).await;
    }
    if delay.is_zero() {
        app.hub.publish_typing(slug, now_ms());
    }
    tokio::time::sleep_until(end).await;
    let id = {
        let mut store = app.store();
        let owner = store.conversation_any(slug).map(|c| c.owner.clone());
        owner.and_then(|owner| {
            store.add_message(
                &owner,
                slug,
                Role::Staff,
                STAFF_REPLY.to_string(),
                Some(app.options.staff_name.clone()),
                Vec::new(),
            )
        })
    };
    if let Some(id) = id {
        publish_message(app, slug, id);
    }
}
