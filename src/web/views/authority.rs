//! An authority to act for someone (代理), as the people in it and the municipality's officers see it.

use crate::domain::{ProxyReason, Relationship, Scope};
use crate::store::representation::RepresentationRow;
use crate::web::page::Page;

/// The message for a state, as the representative or the ward sees it.
pub fn state_key(state: &str) -> &'static str {
    match state {
        "pending" => "representation-state-pending",
        "approved" => "representation-state-approved",
        "declined" => "representation-state-declined",
        _ => "representation-state-ended",
    }
}

/// The reasons a municipality may give for declining, each with its message.
pub const DECLINE_REASONS: [&str; 5] =
    ["document_unreadable", "document_not_accepted", "reason_not_shown", "relationship_not_shown", "details_differ"];

pub fn decline_reason_key(code: &str) -> &'static str {
    match code {
        "document_unreadable" => "representation-decline-document-unreadable",
        "document_not_accepted" => "representation-decline-document-not-accepted",
        "reason_not_shown" => "representation-decline-reason-not-shown",
        "relationship_not_shown" => "representation-decline-relationship-not-shown",
        _ => "representation-decline-details-differ",
    }
}

/// An authority as shown on a page, in the viewer's language.
pub struct AuthorityView {
    pub id: String,
    pub ward_name: String,
    pub representative_name: String,
    pub relationship: String,
    pub reason: String,
    pub scopes: Vec<String>,
    pub ends_on: String,
    pub state: String,
    pub state_key: &'static str,
    pub decline_reason: String,
    pub ended: String,
    pub can_end: bool,
    /// The representative may ask to renew it (set by the list of people they act for).
    pub can_renew: bool,
    /// It renews another authority.
    pub is_renewal: bool,
    /// A renewal of it was asked for and waits for the municipality (set by the list).
    pub renewal_pending: bool,
}

pub fn authority_view(page: &Page, r: &RepresentationRow) -> AuthorityView {
    let relationship = r
        .relationship
        .parse::<Relationship>()
        .map(|x| page.message_plain(x.message_key(), &[]))
        .unwrap_or_else(|_| r.relationship.clone());
    let reason = r
        .reason
        .parse::<ProxyReason>()
        .map(|x| page.message_plain(x.message_key(), &[]))
        .unwrap_or_else(|_| r.reason.clone());
    // An approved authority whose end date has passed is over, whatever the row still says.
    let today = crate::store::today_jst().format("%Y-%m-%d").to_string();
    let lapsed = r.state == "approved" && r.ends_on.as_deref().is_some_and(|e| e < today.as_str());
    let state = if lapsed { "ended" } else { r.state.as_str() };
    AuthorityView {
        id: r.id.clone(),
        ward_name: r.ward_name.clone(),
        representative_name: r.representative_name.clone(),
        relationship,
        reason,
        scopes: Scope::parse_list(&r.scope).into_iter().map(|s| page.message_plain(s.message_key(), &[])).collect(),
        ends_on: r.ends_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
        state: state.to_string(),
        state_key: state_key(state),
        decline_reason: r
            .decline_reason
            .as_deref()
            .map(|c| page.message_plain(decline_reason_key(c), &[]))
            .unwrap_or_default(),
        // Ended by someone: when; lapsed: its last day (no one ended it, so `ended_at` is empty).
        ended: match (r.ended_at, r.ends_on.as_deref()) {
            (Some(t), _) => page.time(t),
            (None, Some(last_day)) if lapsed => page.date(last_day),
            _ => String::new(),
        },
        can_end: matches!(state, "pending" | "approved"),
        can_renew: false,
        is_renewal: r.renews_id.is_some(),
        renewal_pending: false,
    }
}
