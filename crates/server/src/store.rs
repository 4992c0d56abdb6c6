//! In-memory state for the process's life: conversations and messages per session owner, the
//! prompt-answer cache, and the JSON shapes Helper returns for them.
//!
//! Bounded, because any page can create sessions and conversations on a running server (the
//! API routes answer every origin, as Helper's do): at most [`MAX_CONVERSATIONS`], each with
//! its latest [`MAX_MESSAGES_PER_CONVERSATION`] messages, all within [`MAX_STORED_BYTES`]. Past
//! a bound the oldest conversations (then the oldest messages) are forgotten rather than new
//! ones refused, so a long-running demo keeps working. Sessions themselves are signed tokens
//! and take no room here.
//!
//! No HTTP, no auth, no clock reads except through [`now_ms`]: routes pass owners in and get
//! plain data out.

use crate::auth::Owner;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

/// Conversations kept; creating one more forgets the oldest.
pub const MAX_CONVERSATIONS: usize = 1_000;
/// Messages kept per conversation; adding one more forgets its oldest.
pub const MAX_MESSAGES_PER_CONVERSATION: usize = 1_000;
/// Text kept in all conversations together (contents, attachments' data URLs, subjects,
/// feedback). Five messages with Helper's largest attachments fit. The one exception is a
/// conversation's newest message, which is kept even alone over the bound (a request body is
/// far smaller than it).
pub const MAX_STORED_BYTES: usize = 256 << 20;
/// Prompt answers cached; caching one more forgets the oldest.
pub const MAX_CACHED_PROMPTS: usize = 1_000;
/// A prompt and its answer longer than this together are answered but not cached: the
/// cache is for `data-helper-prompt` links, which are short.
pub const MAX_CACHED_PROMPT_BYTES: usize = 64 << 10;

/// What a message or conversation costs beyond its text (ids, times, flags, `Vec` slots).
const RECORD_BYTES: usize = 128;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `2026-11-21T10:00:00.000Z`, as JavaScript's `toISOString`.
pub fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
    Staff,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Staff => "staff",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Reaction {
    pub kind: String,
    pub feedback: Option<String>,
    pub created_at: i64,
}

impl Reaction {
    pub fn to_json(&self) -> Value {
        json!({
            "reactionType": self.kind,
            "reactionFeedback": self.feedback,
            "reactionCreatedAt": iso(self.created_at),
        })
    }
}

#[derive(Clone, Debug)]
pub struct Attachment {
    pub name: Option<String>,
    pub content_type: Option<String>,
    pub url: String,
}

#[derive(Clone, Debug)]
pub struct Message {
    pub id: u64,
    pub role: Role,
    pub content: String,
    pub staff_name: Option<String>,
    pub created_at: i64,
    pub reaction: Option<Reaction>,
    pub attachments: Vec<Attachment>,
}

impl Message {
    /// Bytes this message holds, for [`MAX_STORED_BYTES`].
    fn bytes(&self) -> usize {
        let attachments = self.attachments.iter().fold(0usize, |sum, a| {
            sum.saturating_add(a.url.len())
                .saturating_add(a.name.as_ref().map_or(0, String::len))
                .saturating_add(a.content_type.as_ref().map_or(0, String::len))
        });
        let reaction = self.reaction.as_ref().map_or(0, |r| {
            r.kind
                .len()
                .saturating_add(r.feedback.as_ref().map_or(0, String::len))
        });
        RECORD_BYTES
            .saturating_add(self.content.len())
            .saturating_add(self.staff_name.as_ref().map_or(0, String::len))
            .saturating_add(attachments)
            .saturating_add(reaction)
    }

    /// The widget's `Message` (§1.4), as `GET conversation` lists it and `agent-reply`
    /// carries it.
    pub fn to_json(&self) -> Value {
        let r = self.reaction.as_ref();
        json!({
            "id": self.id.to_string(),
            "content": self.content,
            "role": self.role.as_str(),
            "staffName": self.staff_name,
            "reactionType": r.map(|r| r.kind.clone()),
            "reactionFeedback": r.and_then(|r| r.feedback.clone()),
            "reactionCreatedAt": r.map(|r| iso(r.created_at)),
            "createdAt": iso(self.created_at),
            "publicAttachments": self.attachments.iter().map(|a| json!({
                "name": a.name, "contentType": a.content_type, "url": a.url
            })).collect::<Vec<_>>(),
            "privateAttachments": [],
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
}

#[derive(Clone, Debug)]
pub struct Conversation {
    pub slug: String,
    pub owner: Owner,
    pub subject: Option<String>,
    pub is_prompt: bool,
    pub assigned_to_ai: bool,
    pub status: Status,
    pub created_at: i64,
    pub last_read_at: Option<i64>,
    pub messages: Vec<Message>,
}

impl Conversation {
    /// Bytes this conversation holds, for [`MAX_STORED_BYTES`].
    fn bytes(&self) -> usize {
        self.messages.iter().fold(
            RECORD_BYTES.saturating_add(self.subject.as_ref().map_or(0, String::len)),
            |sum, m| sum.saturating_add(m.bytes()),
        )
    }

    pub fn user_messages(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| m.role == Role::User)
            .count()
    }

    /// Everything in the conversation so far counts as read (message times can run a little
    /// ahead of the clock, see [`Store::add_message`]).
    pub fn mark_read(&mut self) {
        let latest = self.messages.last().map_or(i64::MIN, |m| m.created_at);
        self.last_read_at = Some(now_ms().max(latest));
    }

    /// A reply from the assistant or staff that the visitor has not opened yet.
    pub fn is_unread(&self) -> bool {
        let seen = self.last_read_at.unwrap_or(i64::MIN);
        self.messages
            .iter()
            .any(|m| m.role != Role::User && m.created_at > seen)
    }

    /// `ConversationDetails` (helper-api.md §1.4).
    pub fn details_json(&self) -> Value {
        json!({
            "slug": self.slug,
            "subject": self.subject,
            "isEscalated": !self.assigned_to_ai,
            "messages": self.messages.iter().map(Message::to_json).collect::<Vec<_>>(),
            "experimental_guideSessions": [],
        })
    }

    /// One entry of the conversation list (§1.6).
    pub fn summary_json(&self) -> Value {
        // Helper's latest message is the latest from the visitor or staff; AI text is left out.
        let latest = self
            .messages
            .iter()
            .rev()
            .find(|m| m.role != Role::Assistant);
        json!({
            "slug": self.slug,
            "subject": self.subject.clone().unwrap_or_else(|| "(no subject)".into()),
            "createdAt": iso(self.created_at),
            "latestMessage": latest.map(|m| m.content.clone()),
            "latestMessageAt": latest.map(|m| iso(m.created_at)),
            "messageCount": self.messages.len(),
            "isEscalated": !self.assigned_to_ai,
            "isUnread": self.is_unread(),
        })
    }
}

/// Notifications `POST /__dev/notify` keeps; one more forgets the oldest.
pub const MAX_NOTIFICATIONS: usize = 1_000;
/// Helper's session returns this many of a visitor's pending or sent notifications at most.
pub const NOTIFICATIONS_PER_SESSION: usize = 10;

/// Where a notification stands (Helper's `messageNotifications.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationStatus {
    Pending,
    Sent,
    Read,
    Dismissed,
}

#[derive(Clone, Debug)]
pub struct Notification {
    pub id: u64,
    pub email: String,
    pub text: String,
    pub conversation_slug: String,
    pub status: NotificationStatus,
}

/// Why a notification's status could not be changed (the store's only failure; the route
/// turns it into Helper's status).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotificationMiss {
    /// The email has no notifications at all (Helper: no platform customer, 403).
    #[error("Unauthorized")]
    NoCustomer,
    /// Not this customer's notification, or none with that id (404).
    #[error("Notification not found")]
    NotFound,
}

/// Notifications for identified visitors, oldest first, at most [`MAX_NOTIFICATIONS`]. An
/// email with at least one notification stands in for Helper's platform customer.
#[derive(Debug, Default)]
pub struct Notifications {
    list: VecDeque<Notification>,
    next_id: u64,
}

impl Notifications {
    /// Adds a pending notification and returns its id.
    pub fn add(&mut self, email: String, text: String, conversation_slug: String) -> u64 {
        while self.list.len() >= MAX_NOTIFICATIONS {
            self.list.pop_front();
        }
        self.next_id = self.next_id.saturating_add(1);
        self.list.push_back(Notification {
            id: self.next_id,
            email,
            text,
            conversation_slug,
            status: NotificationStatus::Pending,
        });
        self.next_id
    }

    /// What Helper's session returns an identified visitor: the newest pending or sent
    /// notifications, now all marked sent, as `{id, text, conversationSlug}`.
    pub fn take_for_session(&mut self, email: &str) -> Vec<Value> {
        self.list
            .iter_mut()
            .rev()
            .filter(|n| {
                n.email == email
                    && matches!(
                        n.status,
                        NotificationStatus::Pending | NotificationStatus::Sent
                    )
            })
            .take(NOTIFICATIONS_PER_SESSION)
            .map(|n| {
                n.status = NotificationStatus::Sent;
                json!({ "id": n.id, "text": n.text, "conversationSlug": n.conversation_slug })
            })
            .collect()
    }

    /// `PATCH /api/widget/notification/{id}`.
    pub fn set_status(
        &mut self,
        email: &str,
        id: u64,
        status: NotificationStatus,
    ) -> Result<(), NotificationMiss> {
        if !self.list.iter().any(|n| n.email == email) {
            return Err(NotificationMiss::NoCustomer);
        }
        let n = self
            .list
            .iter_mut()
            .find(|n| n.id == id && n.email == email)
            .ok_or(NotificationMiss::NotFound)?;
        n.status = status;
        Ok(())
    }

    pub fn get(&self, id: u64) -> Option<&Notification> {
        self.list.iter().find(|n| n.id == id)
    }
}

/// Helper's 24 h answer cache for prompt conversations, keyed by the prompt text; the oldest
/// entry goes first once [`MAX_CACHED_PROMPTS`] are cached.
#[derive(Debug, Default)]
pub struct PromptCache {
    answers: HashMap<String, String>,
    order: VecDeque<String>,
}

impl PromptCache {
    pub fn get(&self, prompt: &str) -> Option<&String> {
        self.answers.get(prompt)
    }

    pub fn insert(&mut self, prompt: String, answer: String) {
        if prompt.len().saturating_add(answer.len()) > MAX_CACHED_PROMPT_BYTES {
            return;
        }
        if let Some(cached) = self.answers.get_mut(&prompt) {
            *cached = answer;
            return;
        }
        while self.order.len() >= MAX_CACHED_PROMPTS {
            match self.order.pop_front() {
                Some(old) => self.answers.remove(&old),
                None => break,
            };
        }
        self.order.push_back(prompt.clone());
        self.answers.insert(prompt, answer);
    }

    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// Everything the server remembers.
#[derive(Debug)]
pub struct Store {
    next_id: u64,
    /// Oldest first.
    conversations: Vec<Conversation>,
    /// [`Conversation::bytes`] of each conversation, index for index.
    sizes: Vec<usize>,
    /// The sum of `sizes`.
    bytes: usize,
    /// [`MAX_STORED_BYTES`], or less in unit tests.
    max_bytes: usize,
    pub prompt_cache: PromptCache,
    pub notifications: Notifications,
}

impl Default for Store {
    fn default() -> Self {
        // Message ids look like Helper's bigint ids rather than 1, 2, 3.
        Store {
            next_id: 48_213,
            conversations: Vec::new(),
            sizes: Vec::new(),
            bytes: 0,
            max_bytes: MAX_STORED_BYTES,
            prompt_cache: PromptCache::default(),
            notifications: Notifications::default(),
        }
    }
}

impl Store {
    pub fn create_conversation(
        &mut self,
        owner: Owner,
        subject: Option<String>,
        is_prompt: bool,
        status: Status,
    ) -> String {
        while self.conversations.len() >= MAX_CONVERSATIONS {
            self.forget(0);
        }
        let slug = uuid::Uuid::new_v4().simple().to_string();
        let conversation = Conversation {
            slug: slug.clone(),
            owner,
            subject,
            is_prompt,
            assigned_to_ai: true,
            status,
            created_at: now_ms(),
            last_read_at: None,
            messages: Vec::new(),
        };
        let size = conversation.bytes();
        self.conversations.push(conversation);
        self.sizes.push(size);
        self.bytes = self.bytes.saturating_add(size);
        self.settle(&slug);
        slug
    }

    /// Forgets the conversation at `index`.
    fn forget(&mut self, index: usize) {
        if index < self.conversations.len() {
            self.conversations.remove(index);
            let size = self.sizes.remove(index);
            self.bytes = self.bytes.saturating_sub(size);
        }
    }

    /// Brings the store back within its bounds after conversation `slug` changed: recounts
    /// its size, then forgets the oldest other conversations and, if that is not enough, the
    /// oldest messages of this one (its newest message always stays). Whoever changes a
    /// conversation through [`Store::conversation_mut`] in a way that can grow it (subject,
    /// reaction feedback) calls this afterwards; [`Store::add_message`] does it itself.
    pub fn settle(&mut self, slug: &str) {
        let Some(mut index) = self.conversations.iter().position(|c| c.slug == slug) else {
            return;
        };
        if let (Some(conv), Some(size)) = (self.conversations.get(index), self.sizes.get_mut(index))
        {
            let now = conv.bytes();
            self.bytes = self.bytes.saturating_sub(*size).saturating_add(now);
            *size = now;
        }
        while self.bytes > self.max_bytes && self.conversations.len() > 1 {
            // The oldest conversation that is not this one.
            let oldest = usize::from(index == 0);
            self.forget(oldest);
            if oldest < index {
                index = index.saturating_sub(1);
            }
        }
        let (Some(conv), Some(size)) =
            (self.conversations.get_mut(index), self.sizes.get_mut(index))
        else {
            return;
        };
        while self.bytes > self.max_bytes && conv.messages.len() > 1 {
            let freed = conv.messages.remove(0).bytes();
            *size = size.saturating_sub(freed);
            self.bytes = self.bytes.saturating_sub(freed);
        }
    }

    /// The owner's conversation with this slug; someone else's is as good as missing.
    pub fn conversation_mut(&mut self, owner: &Owner, slug: &str) -> Option<&mut Conversation> {
        self.conversations
            .iter_mut()
            .find(|c| c.slug == slug && &c.owner == owner)
    }

    /// Any owner's conversation (dev endpoints only).
    pub fn conversation_any_mut(&mut self, slug: &str) -> Option<&mut Conversation> {
        self.conversations.iter_mut().find(|c| c.slug == slug)
    }

    /// Any owner's conversation (what realtime publishes is addressed by slug alone).
    pub fn conversation_any(&self, slug: &str) -> Option<&Conversation> {
        self.conversations.iter().find(|c| c.slug == slug)
    }

    /// The widget's JSON of message `id` in conversation `slug`, if both are still kept.
    pub fn message_json(&self, slug: &str, id: u64) -> Option<Value> {
        self.conversation_any(slug)?
            .messages
            .iter()
            .find(|m| m.id == id)
            .map(Message::to_json)
    }

    /// Newest first. Conversations are appended as they are created, so reverse insertion order
    /// is creation order even within one millisecond.
    pub fn conversations_of(&self, owner: &Owner) -> Vec<&Conversation> {
        self.conversations
            .iter()
            .rev()
            .filter(|c| &c.owner == owner)
            .collect()
    }

    fn next_message_id(&mut self) -> u64 {
        self.next_id = self.next_id.saturating_add(1);
        self.next_id
    }

    /// Appends a message and returns its id; past [`MAX_MESSAGES_PER_CONVERSATION`] the
    /// conversation's oldest message is forgotten.
    pub fn add_message(
        &mut self,
        owner: &Owner,
        slug: &str,
        role: Role,
        content: String,
        staff_name: Option<String>,
        attachments: Vec<Attachment>,
    ) -> Option<u64> {
        let id = self.next_message_id();
        let conv = self
            .conversations
            .iter_mut()
            .find(|c| c.slug == slug && &c.owner == owner)?;
        // Strictly after the previous message and the last read, so ordering and unread checks
        // never tie within a millisecond.
        let created_at = conv
            .messages
            .last()
            .map(|m| m.created_at.saturating_add(1))
            .into_iter()
            .chain(conv.last_read_at.map(|r| r.saturating_add(1)))
            .fold(now_ms(), i64::max);
        if conv.messages.len() >= MAX_MESSAGES_PER_CONVERSATION {
            conv.messages.remove(0);
        }
        conv.messages.push(Message {
            id,
            role,
            content,
            staff_name,
            created_at,
            reaction: None,
            attachments,
        });
        self.settle(slug);
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anon() -> Owner {
        Owner::Anonymous("a".into())
    }

    fn add(store: &mut Store, slug: &str, text: &str) -> Option<u64> {
        store.add_message(&anon(), slug, Role::User, text.into(), None, Vec::new())
    }

    #[test]
    fn stored_text_stays_within_its_budget() {
        let mut store = Store {
            max_bytes: 10_000,
            ..Store::default()
        };
        let old = store.create_conversation(anon(), None, false, Status::Closed);
        add(&mut store, &old, &"x".repeat(4_000));
        let new = store.create_conversation(anon(), None, false, Status::Closed);
        add(&mut store, &new, &"y".repeat(4_000));
        assert!(store.conversation_mut(&anon(), &old).is_some(), "both fit");

        // The old conversation goes first.
        add(&mut store, &new, &"z".repeat(4_000));
        assert!(store.conversation_mut(&anon(), &old).is_none());
        assert_eq!(store.conversations_of(&anon()).len(), 1);
        assert!(store.bytes <= store.max_bytes);

        // Then this conversation's oldest messages; the newest always stays.
        add(&mut store, &new, &"w".repeat(9_000));
        let conv = store
            .conversation_mut(&anon(), &new)
            .map(|c| c.messages.clone());
        let contents: Vec<char> = conv
            .unwrap_or_default()
            .iter()
            .filter_map(|m| m.content.chars().next())
            .collect();
        assert_eq!(contents, ['w']);
        assert!(store.bytes <= store.max_bytes);
        let counted: usize = store.conversations.iter().map(Conversation::bytes).sum();
        assert_eq!(store.bytes, counted);

        // A subject set through `conversation_mut` counts once settled.
        if let Some(c) = store.conversation_mut(&anon(), &new) {
            c.subject = Some("s".repeat(500));
        }
        store.settle(&new);
        let counted: usize = store.conversations.iter().map(Conversation::bytes).sum();
        assert_eq!(store.bytes, counted);
        assert!(store.bytes <= store.max_bytes);
    }

    #[test]
    fn prompt_cache_keeps_the_newest_short_prompts() {
        let mut cache = PromptCache::default();
        for i in 0..=MAX_CACHED_PROMPTS {
            cache.insert(format!("prompt {i}"), "answer".into());
        }
        assert_eq!(cache.len(), MAX_CACHED_PROMPTS);
        assert!(cache.get("prompt 0").is_none());
        assert!(cache.get(&format!("prompt {MAX_CACHED_PROMPTS}")).is_some());
        cache.insert("prompt 1".into(), "again".into());
        assert_eq!(cache.len(), MAX_CACHED_PROMPTS);
        cache.insert("long".into(), "x".repeat(MAX_CACHED_PROMPT_BYTES));
        assert!(cache.get("long").is_none());
    }

    #[test]
    fn iso_matches_javascript() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_737_367_200_123), "2025-01-20T10:00:00.123Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
