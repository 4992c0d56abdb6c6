//! In-memory state for the process's life: conversations and messages per session owner, the
//! prompt-answer cache, and the JSON shapes Helper returns for them.
//!
//! No HTTP, no auth, no clock reads except through [`now_ms`]: routes pass owners in and get
//! plain data out.

use crate::auth::Owner;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

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
    fn to_json(&self) -> Value {
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

/// Everything the server remembers.
#[derive(Debug)]
pub struct Store {
    next_id: u64,
    conversations: Vec<Conversation>,
    /// Helper's 24 h answer cache for prompt conversations, keyed by the prompt text.
    pub prompt_cache: HashMap<String, String>,
}

impl Default for Store {
    fn default() -> Self {
        // Message ids look like Helper's bigint ids rather than 1, 2, 3.
        Store {
            next_id: 48_213,
            conversations: Vec::new(),
            prompt_cache: HashMap::new(),
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
        let slug = uuid::Uuid::new_v4().simple().to_string();
        self.conversations.push(Conversation {
            slug: slug.clone(),
            owner,
            subject,
            is_prompt,
            assigned_to_ai: true,
            status,
            created_at: now_ms(),
            last_read_at: None,
            messages: Vec::new(),
        });
        slug
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
        self.next_id += 1;
        self.next_id
    }

    /// Appends a message and returns its id.
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
        conv.messages.push(Message {
            id,
            role,
            content,
            staff_name,
            // Strictly after the previous message and the last read, so ordering and unread
            // checks never tie within a millisecond.
            created_at: conv
                .messages
                .last()
                .map(|m| m.created_at + 1)
                .into_iter()
                .chain(conv.last_read_at.map(|r| r + 1))
                .fold(now_ms(), i64::max),
            reaction: None,
            attachments,
        });
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_matches_javascript() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_737_367_200_123), "2025-01-20T10:00:00.123Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
