//! One message of the transcript.

use super::{attachment_list, MessageContent, MessageTime, Reactions, Sources};
use crate::chat::Row;
use helper_widget_core::chat::Role;
use leptos::prelude::*;

/// A message bubble: its rendered content and, for replies, the sources under it.
#[component]
pub fn MessageView(
    /// The message.
    row: Row,
) -> impl IntoView {
    let streaming = row.streaming.clone();
    let busy = move || if streaming.get() { "true" } else { "false" };
    let class = match row.role {
        Role::User => "hw-message hw-message--user",
        Role::Assistant => "hw-message hw-message--assistant",
        Role::Staff => "hw-message hw-message--assistant hw-message--staff",
    };
    let staff = row.staff_name.clone();
    let dom_role = row.role.dom_role();
    let sources = row.sources.clone();
    let time = row.created_at.clone();
    let attachments = row.attachments.clone();
    let reactions = row.clone();
    view! {
        <div class=class data-testid="message" data-message-role=dom_role aria-busy=busy>
            {staff.map(|name| view! { <p class="hw-staff-name" data-testid="staff-name">{name}</p> })}
            <MessageContent row=row />
            <div class="hw-attachments" use:attachment_list=attachments></div>
            <Sources sources=sources />
            <div class="hw-meta">
                {time.map(|iso| view! { <MessageTime iso=iso /> })}
                <Reactions row=reactions />
            </div>
        </div>
    }
}
