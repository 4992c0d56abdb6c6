//! What the server streams decodes with the widget's own decoder, in every format and chunking.

use crate::common::*;
use helper_widget_core::protocol::{Decoder, StreamEvent};

struct Decoded {
    text: String,
    sources: Vec<String>,
    saved_id: Option<String>,
    tools: Vec<String>,
    errors: Vec<String>,
    oddities: Vec<StreamEvent>,
}

fn decode(mut decoder: Decoder, chunks: &[Vec<u8>]) -> Decoded {
    let mut events = Vec::new();
    for c in chunks {
        events.extend(decoder.push(c));
    }
    events.extend(decoder.finish());
    let mut d = Decoded {
        text: String::new(),
        sources: vec![],
        saved_id: None,
        tools: vec![],
        errors: vec![],
        oddities: vec![],
    };
    for e in events {
        if let Some(id) = e.saved_message_id() {
            d.saved_id = Some(id);
        }
        match e {
            StreamEvent::TextDelta { delta, .. } => d.text += &delta,
            StreamEvent::Source { url, .. } => d.sources.extend(url),
            StreamEvent::ToolCall { name, .. } => d.tools.push(name),
            StreamEvent::Error { message } => d.errors.push(message),
            e @ (StreamEvent::Malformed { .. } | StreamEvent::Unknown { .. }) => d.oddities.push(e),
            _ => {}
        }
    }
    d
}

#[tokio::test]
async fn every_format_and_chunking_decodes_to_the_knowledge_base_answer() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let question = "How do I change my plan?";
    for format in ["v4", "v5", "seed"] {
        for chunking in ["token", "byte", "whole"] {
            let (headers, chunks, failed) = s
                .chat_chunks(
                    &t,
                    &slug,
                    question,
                    &format!("?format={format}&chunking={chunking}"),
                )
                .await;
            assert!(!failed);
            let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
            let c = s
                .get(
                    &format!("/api/chat/conversation/{slug}?markRead=false"),
                    Some(&t),
                )
                .await
                .json();
            let saved = c["messages"].as_array().unwrap().last().unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();

            // Same origin (all headers readable), and cross-origin (only Content-Type).
            for decoder in [
                Decoder::from_headers(
                    h("content-type"),
                    h("x-vercel-ai-data-stream"),
                    h("x-vercel-ai-ui-message-stream"),
                ),
                Decoder::from_headers(h("content-type"), None, None),
                Decoder::new(),
            ] {
                let d = decode(decoder, &chunks);
                let what = format!("{format}/{chunking}");
                assert!(d.oddities.is_empty(), "{what}: {:?}", d.oddities);
                assert_eq!(d.text, answer(question), "{what}");
                assert_eq!(
                    d.sources,
                    [
                        "https://help.example.com/billing/change-plan",
                        "https://help.example.com/billing/proration"
                    ],
                    "{what}"
                );
                assert_eq!(d.saved_id.as_deref(), Some(saved.as_str()), "{what}");
                assert_eq!(d.tools, ["knowledge_base"], "{what}");
                assert!(d.errors.is_empty(), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn error_parts_and_cached_replies_decode_in_every_format() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    for format in ["v4", "v5", "seed"] {
        let (headers, chunks, _) = s
            .chat_chunks(
                &t,
                &slug,
                "refund",
                &format!("?format={format}&fault=error-part:3"),
            )
            .await;
        let ct = headers.get("content-type").and_then(|v| v.to_str().ok());
        let d = decode(Decoder::from_headers(ct, None, None), &chunks);
        assert_eq!(d.errors, ["Error generating AI response"], "{format}");
        assert_eq!(
            d.text,
            helper_dev_server::kb::tokens(answer("refund"))[..3].concat(),
            "{format}"
        );
        assert!(d.oddities.is_empty(), "{format}: {:?}", d.oddities);
    }

    // The cached-prompt shape (`8` then one `0`).
    let first = s.conversation(&t, true).await;
    s.chat(&t, &first, "Where is my invoice?", "").await;
    for format in ["v4", "v5", "seed"] {
        let prompt = s.conversation(&t, true).await;
        let (_, chunks, _) = s
            .chat_chunks(
                &t,
                &prompt,
                "Where is my invoice?",
                &format!("?format={format}"),
            )
            .await;
        let d = decode(Decoder::new(), &chunks);
        assert_eq!(d.text, answer("invoice"), "{format}");
        assert!(d.saved_id.is_some(), "{format}");
        assert!(d.tools.is_empty() && d.sources.is_empty(), "{format}");
        assert!(d.oddities.is_empty(), "{format}: {:?}", d.oddities);
    }
}
