//! Faults the tests can inject into `POST /api/chat`: by flag (every request), through
//! `POST /__dev/fault` (the next N requests), or by the `fault` query parameter (this request);
//! and into `POST /api/chat/contact`, through `POST /__dev/fault` with `"route":"contact"` (the
//! error-status kinds only: the contact form has no stream to disturb).
//!
//! Plain data plus parsing, and a bounded queue (a full one is the crate's 503); the chat
//! route decides what each fault does.

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Queued entries `POST /__dev/fault` keeps at most (each may cover many requests).
pub const MAX_QUEUED_FAULTS: usize = 1_000;

/// One fault. JSON form: `{"kind":"drop-after","bytes":200}`; text form (flag and query):
/// `drop-after:200`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fault {
    /// The reply stops after `after_tokens` text tokens with Helper's error part
    /// (`3:"Error generating AI response"`); the reply is not saved.
    ErrorPart {
        #[serde(default = "default_after_tokens")]
        after_tokens: usize,
    },
    /// The connection is cut after `bytes` body bytes, with no end-of-body marker.
    DropAfter { bytes: usize },
    /// 401 `{"error":"Invalid session token"}`, exactly what an expired token gets.
    Unauthorized,
    /// 500 with no CORS headers, whatever the gap flag says.
    ServerError,
    /// A slow drip: `pace_ms` before every token.
    Slow {
        #[serde(default = "default_slow_ms")]
        pace_ms: u64,
    },
    /// One byte per write.
    OneByte,
    /// An HTTP error status with Helper's `{"error": …}` body and CORS headers: a failure the
    /// widget can read (unlike `server-error`).
    HttpError { status: u16 },
}

fn default_after_tokens() -> usize {
    3
}
fn default_slow_ms() -> u64 {
    400
}

impl std::str::FromStr for Fault {
    type Err = String;

    /// `error-part[:TOKENS]`, `drop-after:BYTES`, `unauthorized`, `server-error`,
    /// `slow[:MS]`, `one-byte`, `http-error:STATUS`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (kind, arg) = s.split_once(':').map_or((s, None), |(k, a)| (k, Some(a)));
        let num = |default: Option<u64>| -> Result<u64, String> {
            match (arg, default) {
                (Some(a), _) => a.parse().map_err(|_| format!("bad number in fault {s:?}")),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(format!("fault {kind:?} needs a number, e.g. {kind}:200")),
            }
        };
        Ok(match kind {
            // A count beyond `usize` is as good as endless: the reply ends first.
            "error-part" => Fault::ErrorPart {
                after_tokens: usize::try_from(num(Some(3))?).unwrap_or(usize::MAX),
            },
            "drop-after" => Fault::DropAfter {
                bytes: usize::try_from(num(None)?).unwrap_or(usize::MAX),
            },
            "unauthorized" => Fault::Unauthorized,
            "server-error" => Fault::ServerError,
            "slow" => Fault::Slow { pace_ms: num(Some(default_slow_ms()))? },
            "one-byte" => Fault::OneByte,
            "http-error" => Fault::HttpError {
                status: u16::try_from(num(None)?)
                    .ok()
                    .filter(|s| (400..600).contains(s))
                    .ok_or_else(|| format!("fault {s:?} needs a status from 400 to 599"))?,
            },
            _ => {
                return Err(format!(
                    "unknown fault {kind:?} (error-part, drop-after, unauthorized, server-error, slow, one-byte, http-error)"
                ))
            }
        })
    }
}

/// Body of `POST /__dev/fault`: a fault, how many requests it applies to, and to which route's.
#[derive(Clone, Debug, Deserialize)]
pub struct QueuedFault {
    #[serde(flatten)]
    pub fault: Fault,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub route: FaultRoute,
}

/// The route a queued fault waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultRoute {
    /// `POST /api/chat`.
    #[default]
    Chat,
    /// `POST /api/chat/contact`.
    Contact,
}

fn one() -> u32 {
    1
}

/// Faults waiting for the next chat requests, first in first out.
#[derive(Debug, Default)]
pub struct FaultQueue(VecDeque<QueuedFault>);

impl FaultQueue {
    /// Queues a fault, unless [`MAX_QUEUED_FAULTS`] are already waiting.
    pub fn push(&mut self, q: QueuedFault) -> Result<(), Error> {
        if self.0.len() >= MAX_QUEUED_FAULTS {
            return Err(Error::Full("Too many faults queued; POST /__dev/reset"));
        }
        if q.count > 0 {
            self.0.push_back(q);
        }
        Ok(())
    }

    /// Takes the fault for one request to `route`, if any is queued for it.
    pub fn take(&mut self, route: FaultRoute) -> Option<Fault> {
        let at = self.0.iter().position(|q| q.route == route)?;
        let entry = self.0.get_mut(at)?;
        // Entries with a count of 0 are never queued, so this takes one of at least one.
        entry.count = entry.count.saturating_sub(1);
        let fault = entry.fault.clone();
        if entry.count == 0 {
            self.0.remove(at);
        }
        Some(fault)
    }

    /// Requests still to be faulted, all entries together (each count may be `u32::MAX`).
    pub fn pending(&self) -> u64 {
        self.0
            .iter()
            .fold(0u64, |sum, q| sum.saturating_add(u64::from(q.count)))
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_json_forms_agree() {
        let from_text: Fault = "drop-after:200".parse().unwrap();
        let from_json: QueuedFault =
            serde_json::from_str(r#"{"kind":"drop-after","bytes":200,"count":2}"#).unwrap();
        assert_eq!(from_text, from_json.fault);
        assert_eq!(from_json.count, 2);
        assert!("drop-after".parse::<Fault>().is_err());
        assert_eq!(
            "slow".parse::<Fault>().unwrap(),
            Fault::Slow { pace_ms: 400 }
        );
    }

    #[test]
    fn queue_counts_down() {
        let mut q = FaultQueue::default();
        q.push(QueuedFault {
            fault: Fault::OneByte,
            count: 2,
            route: FaultRoute::Chat,
        })
        .unwrap();
        q.push(QueuedFault {
            fault: Fault::ServerError,
            count: 1,
            route: FaultRoute::Contact,
        })
        .unwrap();
        q.push(QueuedFault {
            fault: Fault::Unauthorized,
            count: 1,
            route: FaultRoute::Chat,
        })
        .unwrap();
        assert_eq!(q.take(FaultRoute::Chat), Some(Fault::OneByte));
        assert_eq!(q.take(FaultRoute::Chat), Some(Fault::OneByte));
        assert_eq!(q.take(FaultRoute::Chat), Some(Fault::Unauthorized));
        assert_eq!(q.take(FaultRoute::Chat), None);
        assert_eq!(q.take(FaultRoute::Contact), Some(Fault::ServerError));
        assert_eq!(q.take(FaultRoute::Contact), None);
    }
}
