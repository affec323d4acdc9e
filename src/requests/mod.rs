//! Requests of every kind: reference numbers, one state machine whose transitions are enforced here and
//! nowhere else, and the timeline. Each service (certificates first) adds its answers and its page flow.

pub mod card;
pub mod certificate;
pub mod enrolment_match;
pub mod service;

use crate::accounts::Roles;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    Certificate,
    /// An express My Number Card request (特急発行): infant, lost card, newly registered.
    Card,
}

impl RequestKind {
    pub const ALL: [RequestKind; 2] = [RequestKind::Certificate, RequestKind::Card];

    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Certificate => "certificate",
            RequestKind::Card => "card",
        }
    }
    pub fn from_code(code: &str) -> Option<RequestKind> {
        match code {
            "certificate" => Some(RequestKind::Certificate),
            "card" => Some(RequestKind::Card),
            _ => None,
        }
    }
    pub fn message_key(self) -> &'static str {
        match self {
            RequestKind::Certificate => "request-kind-certificate",
            RequestKind::Card => "request-kind-card",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    /// Being filled in; only the person filling it in sees it.
    Draft,
    Submitted,
    InReview,
    /// Done: the certificate (or card) has been issued.
    Issued,
    Declined,
    Withdrawn,
    /// Sent back by the officer for the applicant to correct (the numbers did not match the insurer's records);
    /// the applicant corrects and sends it again, which makes it `Submitted` once more.
    Returned,
}

impl RequestState {
    pub const ALL: [RequestState; 7] = [
        RequestState::Draft,
        RequestState::Submitted,
        RequestState::InReview,
        RequestState::Issued,
        RequestState::Declined,
        RequestState::Withdrawn,
        RequestState::Returned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequestState::Draft => "draft",
            RequestState::Submitted => "submitted",
            RequestState::InReview => "in_review",
            RequestState::Issued => "issued",
            RequestState::Declined => "declined",
            RequestState::Withdrawn => "withdrawn",
            RequestState::Returned => "returned",
        }
    }

    pub fn from_code(code: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The state's name for people.
    pub fn message_key(self) -> &'static str {
        match self {
            RequestState::Draft => "request-state-draft",
            RequestState::Submitted => "request-state-submitted",
            RequestState::InReview => "request-state-in-review",
            RequestState::Issued => "request-state-issued",
            RequestState::Declined => "request-state-declined",
            RequestState::Withdrawn => "request-state-withdrawn",
            RequestState::Returned => "request-state-returned",
        }
    }

    /// What happens next, for the person who asked.
    pub fn next_step_key(self) -> &'static str {
        match self {
            RequestState::Draft => "request-next-draft",
            RequestState::Submitted => "request-next-submitted",
            RequestState::InReview => "request-next-in-review",
            RequestState::Issued => "request-next-issued",
            RequestState::Declined => "request-next-declined",
            RequestState::Withdrawn => "request-next-withdrawn",
            RequestState::Returned => "request-next-returned",
        }
    }

    /// Waiting for the officer's decision.
    pub fn is_open(self) -> bool {
        matches!(self, RequestState::Submitted | RequestState::InReview)
    }

    /// Not finished: waiting for the officer, or for the applicant's correction.
    pub fn is_unfinished(self) -> bool {
        self.is_open() || self == RequestState::Returned
    }
}

/// A stored code that names no value of its list (the database holds something this code does not write).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

impl TryFrom<String> for RequestState {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<RequestState, UnknownCode> {
        RequestState::from_code(&code).ok_or(UnknownCode(code))
    }
}

impl TryFrom<String> for RequestKind {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<RequestKind, UnknownCode> {
        RequestKind::from_code(&code).ok_or(UnknownCode(code))
    }
}

impl TryFrom<String> for FiledAs {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<FiledAs, UnknownCode> {
        [FiledAs::SelfFiled, FiledAs::Representative, FiledAs::Facility]
            .into_iter()
            .find(|f| f.code() == code)
            .ok_or(UnknownCode(code))
    }
}

/// Who is moving a request along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The person who filed it, or the person it is for.
    Requester,
    /// An officer of the responsible insurer or municipality.
    Officer,
    /// The card's issuing body, reporting that the card was mailed (a signed callback).
    IssuingBody,
}

impl Actor {
    pub fn code(self) -> &'static str {
        match self {
            Actor::Requester => "requester",
            Actor::Officer => "officer",
            Actor::IssuingBody => "issuing_body",
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("a request cannot go from {from:?} to {to:?} by {by:?}")]
pub struct TransitionRefused {
    pub from: RequestState,
    pub to: RequestState,
    pub by: Actor,
}

/// The state machine: every change of state goes through here.
pub fn check_transition(from: RequestState, to: RequestState, by: Actor) -> Result<(), TransitionRefused> {
    use RequestState::*;
    let allowed = match by {
        Actor::Requester => {
            matches!(
                (from, to),
                (Draft, Submitted)
                    | (Draft, Withdrawn)
                    | (Submitted, Withdrawn)
                    | (Returned, Submitted)
                    | (Returned, Withdrawn)
            )
        }
        // An officer sends only the application they took at an outreach session themself (its draft is never
        // seen by anyone else: it is made and sent in one transaction).
        Actor::Officer => matches!(
            (from, to),
            (Draft, Submitted)
                | (Submitted, InReview)
                | (Submitted, Issued)
                | (InReview, Issued)
                | (Submitted, Declined)
                | (InReview, Declined)
                | (Submitted, Returned)
                | (InReview, Returned)
        ),
        // The issuing body only says the card was mailed: that finishes an accepted card request.
        Actor::IssuingBody => matches!((from, to), (InReview, Issued)),
    };
    if allowed { Ok(()) } else { Err(TransitionRefused { from, to, by }) }
}

/// How a request was filed, which decides who else may see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiledAs {
    SelfFiled,
    Representative,
    Facility,
}

impl FiledAs {
    pub fn code(self) -> &'static str {
        match self {
            FiledAs::SelfFiled => "self",
            FiledAs::Representative => "representative",
            FiledAs::Facility => "facility",
        }
    }
}

/// Whether this person may start requests at all (officers work requests; they do not file them).
pub fn may_file(roles: &Roles) -> bool {
    !roles.is_officer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requesters_submit_and_withdraw_officers_decide() {
        use RequestState::*;
        assert!(check_transition(Draft, Submitted, Actor::Requester).is_ok());
        assert!(check_transition(Submitted, Withdrawn, Actor::Requester).is_ok());
        assert!(check_transition(Draft, Withdrawn, Actor::Requester).is_ok(), "a draft given up");
        assert!(check_transition(InReview, Withdrawn, Actor::Requester).is_err(), "not while the insurer decides");
        assert!(check_transition(Submitted, Issued, Actor::Requester).is_err(), "nobody approves their own request");
        assert!(check_transition(Draft, Issued, Actor::Officer).is_err(), "officers never see drafts");
        assert!(check_transition(Draft, Submitted, Actor::Officer).is_ok(), "an application taken at a session");
        assert!(check_transition(InReview, Issued, Actor::Officer).is_ok());
        assert!(check_transition(InReview, Declined, Actor::Officer).is_ok());
        assert!(check_transition(Issued, Declined, Actor::Officer).is_err(), "a decision is final");
        assert!(check_transition(Declined, Submitted, Actor::Requester).is_err());
        assert!(check_transition(InReview, Returned, Actor::Officer).is_ok(), "sent back for correction");
        assert!(check_transition(Returned, Submitted, Actor::Requester).is_ok(), "corrected and sent again");
        assert!(check_transition(Returned, Issued, Actor::Officer).is_err(), "nothing is issued before the correction");
        assert!(check_transition(Returned, Submitted, Actor::Officer).is_err(), "only the applicant sends it again");
        assert!(check_transition(InReview, Issued, Actor::IssuingBody).is_ok(), "the card was mailed");
        assert!(check_transition(Submitted, Issued, Actor::IssuingBody).is_err(), "never before the officer accepts");
        assert!(check_transition(InReview, Returned, Actor::IssuingBody).is_err());
        for s in RequestState::ALL {
            assert_eq!(RequestState::from_code(s.code()), Some(s));
        }
    }
}
