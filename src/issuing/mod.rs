//! The issuing body (J-LIS in life): accepted express card requests go to it through [`IssuingBody`], and it
//! reports each card's production back over HTTP to `POST /callbacks/issuing-body`.
//!
//! Both directions are signed with one shared key: HMAC-SHA256 over `timestamp.body`, the timestamp (Unix
//! seconds) in `X-Madoguchi-Timestamp` and the hex signature in `X-Madoguchi-Signature`. A message older than
//! [`MAX_AGE_SECONDS`] (or from the future) is refused, so a captured one cannot be replayed later; within that
//! time, the portal applies each callback once (see `store::card_production`).

pub mod dispatcher;
pub mod simulator;

use futures_util::future::BoxFuture;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-madoguchi-timestamp";
pub const SIGNATURE_HEADER: &str = "x-madoguchi-signature";
/// How old a signed message may be, in seconds, when it arrives.
pub const MAX_AGE_SECONDS: i64 = 300;
/// How far ahead of our clock a timestamp may be (clocks differ a little).
const MAX_SKEW_SECONDS: i64 = 60;
/// The portal's callback path.
pub const CALLBACK_PATH: &str = "callbacks/issuing-body";
/// The issuing body's order path.
pub const ORDER_PATH: &str = "orders";

/// The signature of `body` sent at `timestamp` (Unix seconds), hex.
pub fn sign(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Why a signed message was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureRefused {
    /// No key is configured: nothing can be trusted.
    NoKey,
    /// A header is missing or malformed.
    Unsigned,
    /// The signature does not match the body and timestamp.
    WrongSignature,
    /// Too old, or too far in the future.
    Stale,
}

/// Checks the headers' signature over `body`, in constant time, against the clock `now_seconds`. Returns the
/// signed timestamp.
pub fn verify(
    key: Option<&[u8]>,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_seconds: i64,
) -> Result<i64, SignatureRefused> {
    let key = key.ok_or(SignatureRefused::NoKey)?;
    let timestamp: i64 = timestamp.and_then(|t| t.trim().parse().ok()).ok_or(SignatureRefused::Unsigned)?;
    let given = signature.and_then(|s| hex::decode(s.trim()).ok()).ok_or(SignatureRefused::Unsigned)?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| SignatureRefused::WrongSignature)?;
    if now_seconds - timestamp > MAX_AGE_SECONDS || timestamp - now_seconds > MAX_SKEW_SECONDS {
        return Err(SignatureRefused::Stale);
    }
    Ok(timestamp)
}

/// A stage the issuing body reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductionEvent {
    ProductionStarted,
    Mailed,
    Delivered,
    Failed,
}

impl ProductionEvent {
    pub fn code(self) -> &'static str {
        match self {
            ProductionEvent::ProductionStarted => "production_started",
            ProductionEvent::Mailed => "mailed",
            ProductionEvent::Delivered => "delivered",
            ProductionEvent::Failed => "failed",
        }
    }

    /// The timeline's name for it (`request-event-<event>`, hyphens for underscores like the other events).
    pub fn message_key(self) -> &'static str {
        match self {
            ProductionEvent::ProductionStarted => "request-event-production-started",
            ProductionEvent::Mailed => "request-event-mailed",
            ProductionEvent::Delivered => "request-event-delivered",
            ProductionEvent::Failed => "request-event-failed",
        }
    }

    /// What happens next, for the applicant.
    pub fn next_step_key(self) -> &'static str {
        match self {
            ProductionEvent::ProductionStarted => "express-next-production-started",
            ProductionEvent::Mailed => "express-next-mailed",
            ProductionEvent::Delivered => "express-next-delivered",
            ProductionEvent::Failed => "express-next-failed",
        }
    }

    /// The stage a production may be in for this report to be the next one.
    pub fn follows(self, stage: &str) -> bool {
        match self {
            ProductionEvent::ProductionStarted => stage == "sent",
            ProductionEvent::Mailed => stage == "production_started",
            ProductionEvent::Delivered => stage == "mailed",
            ProductionEvent::Failed => matches!(stage, "sent" | "production_started" | "mailed"),
        }
    }
}

/// Why the issuing body could not make a card; the applicant reads it in their language.
pub const FAILURE_REASONS: [&str; 3] = ["photo_unusable", "data_mismatch", "other"];

pub fn failure_reason_key(code: &str) -> &'static str {
    match code {
        "photo_unusable" => "express-failure-photo_unusable",
        "data_mismatch" => "express-failure-data_mismatch",
        _ => "express-failure-other",
    }
}

/// One report from the issuing body: the `sequence` numbers of one request's reports count up from 1.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Callback {
    pub request_id: String,
    pub sequence: i64,
    pub event: ProductionEvent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

impl Callback {
    /// A report the portal can apply: a tracking number (letters, digits, hyphens) with `mailed`, a known
    /// reason with `failed`.
    pub fn is_well_formed(&self) -> bool {
        let tracking_ok =
            |t: &str| (4..=40).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        self.sequence >= 1
            && match self.event {
                ProductionEvent::Mailed => self.tracking_number.as_deref().is_some_and(tracking_ok),
                ProductionEvent::Failed => self.failure_reason.as_deref().is_some_and(|r| FAILURE_REASONS.contains(&r)),
                _ => true,
            }
    }
}

/// What the issuing body is given to make a card. No personal number and no photo travel in the simulation;
/// a real adapter would add what J-LIS needs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CardOrder {
    pub request_id: String,
    pub reference: String,
    pub card_type: String,
    /// Whether the card carries a photo (not for infants under one).
    pub photo_required: bool,
    pub has_photo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IssuingBodyError {
    #[error("the issuing body cannot be reached: {0}")]
    Unreachable(String),
    #[error("the issuing body refused the order: HTTP {0}")]
    Refused(u16),
}

/// Where accepted requests go. The portal holds one; the default is the simulated issuing body.
pub trait IssuingBody: Send + Sync {
    fn send(&self, order: CardOrder) -> BoxFuture<'_, Result<(), IssuingBodyError>>;
}

/// An issuing body in its own process (`madoguchi issuing-body`), reached over HTTP with signed orders.
pub struct HttpIssuingBody {
    orders_url: url::Url,
    key: Vec<u8>,
    client: reqwest::Client,
}

impl HttpIssuingBody {
    pub fn new(base: &url::Url, key: Vec<u8>) -> HttpIssuingBody {
        let orders_url = base.join(ORDER_PATH).unwrap_or_else(|_| base.clone());
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        HttpIssuingBody { orders_url, key, client }
    }
}

impl IssuingBody for HttpIssuingBody {
    fn send(&self, order: CardOrder) -> BoxFuture<'_, Result<(), IssuingBodyError>> {
        Box::pin(async move {
            let body = serde_json::to_vec(&order).map_err(|e| IssuingBodyError::Unreachable(e.to_string()))?;
            post_signed(&self.client, &self.orders_url, &self.key, body)
                .await
                .and_then(|status| if status < 300 { Ok(()) } else { Err(IssuingBodyError::Refused(status)) })
        })
    }
}

/// POSTs a signed JSON body; returns the response status.
pub async fn post_signed(
    client: &reqwest::Client,
    url: &url::Url,
    key: &[u8],
    body: Vec<u8>,
) -> Result<u16, IssuingBodyError> {
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign(key, timestamp, &body);
    let response = client
        .post(url.as_str())
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await
        .map_err(|e| IssuingBodyError::Unreachable(e.to_string()))?;
    Ok(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_the_body_the_time_and_the_key() {
        let key = b"0123456789abcdef0123456789abcdef";
        let body = br#"{"request_id":"r1","sequence":1,"event":"production_started"}"#;
        let now = 1_800_000_000;
        let sig = sign(key, now, body);
        assert_eq!(verify(Some(key), Some(&now.to_string()), Some(&sig), body, now + 10), Ok(now));
        assert_eq!(verify(None, Some(&now.to_string()), Some(&sig), body, now), Err(SignatureRefused::NoKey));
        assert_eq!(verify(Some(key), None, Some(&sig), body, now), Err(SignatureRefused::Unsigned));
        assert_eq!(verify(Some(key), Some(&now.to_string()), None, body, now), Err(SignatureRefused::Unsigned));
        assert_eq!(
            verify(Some(b"another key, just as long as the first"), Some(&now.to_string()), Some(&sig), body, now),
            Err(SignatureRefused::WrongSignature)
        );
        assert_eq!(
            verify(Some(key), Some(&now.to_string()), Some(&sig), b"{}", now),
            Err(SignatureRefused::WrongSignature),
            "another body"
        );
        assert_eq!(
            verify(Some(key), Some(&(now + 1).to_string()), Some(&sig), body, now),
            Err(SignatureRefused::WrongSignature),
            "another time"
        );
        assert_eq!(
            verify(Some(key), Some(&now.to_string()), Some(&sig), body, now + MAX_AGE_SECONDS + 1),
            Err(SignatureRefused::Stale)
        );
        assert_eq!(
            verify(Some(key), Some(&now.to_string()), Some(&sig), body, now - 3600),
            Err(SignatureRefused::Stale),
            "from the future"
        );
    }

    #[test]
    fn stages_follow_each_other_in_one_order() {
        use ProductionEvent::*;
        assert!(ProductionStarted.follows("sent"));
        assert!(Mailed.follows("production_started"));
        assert!(Delivered.follows("mailed"));
        assert!(!Delivered.follows("production_started"), "delivered before mailed");
        assert!(!Mailed.follows("sent"));
        assert!(!ProductionStarted.follows("mailed"), "never backwards");
        assert!(Failed.follows("production_started"));
        assert!(!Failed.follows("delivered"));
        assert!(!ProductionStarted.follows("waiting"), "not sent yet");
    }

    #[test]
    fn a_mailed_report_needs_a_tracking_number() {
        let c = Callback {
            request_id: "r".into(),
            sequence: 2,
            event: ProductionEvent::Mailed,
            tracking_number: None,
            failure_reason: None,
        };
        assert!(!c.is_well_formed());
        assert!(Callback { tracking_number: Some("1234-5678-9012".into()), ..c.clone() }.is_well_formed());
        assert!(!Callback { tracking_number: Some("<script>".into()), ..c.clone() }.is_well_formed());
        let failed = Callback { event: ProductionEvent::Failed, failure_reason: Some("fire".into()), ..c };
        assert!(!failed.is_well_formed());
        assert!(Callback { failure_reason: Some("photo_unusable".into()), ..failed }.is_well_formed());
    }
}
