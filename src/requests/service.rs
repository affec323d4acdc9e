//! The one way a request changes: typed commands, each run in one transaction.
//!
//! A command is checked against the state machine (`check_transition`), then writes the new state and its
//! timeline line, the audit line, what the request's kind does on that step (a certificate request issues its
//! certificate on approval) and the e-mail to the person who filed it (composed by `notify`). A refused
//! command writes nothing. Journeys, demo data and tests all go through here: nothing else writes
//! `requests.state` or `request_events`.
//!
//! What is generic and what a kind adds: the states, the transitions, the timeline, the audit line and the
//! update mail are the same for every kind. A kind brings its answers (a variant of [`Answers`]) and its
//! side effects on approval (a variant of [`KindEffect`]); `match`es on both make the compiler point at every
//! place a new kind must fill in.

use sqlx::AnyConnection;

use super::card::CardAnswers;
use super::certificate::{CertificateAnswers, printed_expiry, verification_code};
use super::{Actor, FiledAs, RequestKind, RequestState, TransitionRefused, check_transition};
use crate::crypto::SecretKey;
use crate::domain::card_validity::ExpressReason;
use crate::domain::express_schedule::Deadlines;
use crate::issuing::{Callback, ProductionEvent};
use crate::notify::mail::{ComposeError, RequestMails, RequestUpdate, UpdateText};
use crate::store::accounts::{AuditEntry, append_audit};
use crate::store::card_production::{
    NewOrder, advance_production, applied_report, order_production, production_position, touch_request,
};
use crate::store::card_requests::{
    NewChild, card_answers, delete_photo_of, link_request, linked_request, make_child_a_person, write_card_answers,
};
use crate::store::certificates::{NewCertificate, Supersedes, insurer_printing, issue_certificate};
use crate::store::outbox::{NewMail, enqueue};
use crate::store::requests::{
    DraftAnswers, NewDraft, NewEvent, RequestRow, StateChange, add_event, filer_contact, insert_draft, move_state,
    replace_answers, request_by_id, write_draft_answers,
};
use crate::store::{Store, new_id};

/// The answers of a request, by kind. A new kind adds its variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answers {
    Certificate(CertificateAnswers),
    /// An express card request's answers; `reason` must be set (it decides the questions and the rule).
    Card(CardAnswers),
}

impl Answers {
    pub fn kind(&self) -> RequestKind {
        match self {
            Answers::Certificate(_) => RequestKind::Certificate,
            Answers::Card(_) => RequestKind::Card,
        }
    }

    fn to_json(&self) -> Result<String, ServiceError> {
        let json = match self {
            Answers::Certificate(a) => serde_json::to_string(a),
            Answers::Card(a) => serde_json::to_string(a),
        };
        json.map_err(|e| ServiceError::Unreadable(e.to_string()))
    }

    /// The insurer whose officers work the request, if the answers name one.
    fn insurer_id(&self) -> Option<&str> {
        match self {
            Answers::Certificate(a) => a.insurer_id.as_deref(),
            // The subject's municipality works card requests.
            Answers::Card(_) => None,
        }
    }

    /// The code the queues filter on (empty: none yet).
    fn reason(&self) -> &str {
        match self {
            Answers::Certificate(a) => a.reason.map(|r| r.code()).unwrap_or(""),
            Answers::Card(a) => a.reason.map(|r| r.code()).unwrap_or(""),
        }
    }

    /// The date of birth (ISO) the request can be found by without an account.
    fn birth_date(&self) -> Option<&str> {
        match self {
            Answers::Certificate(a) => a.birth_date.as_deref(),
            Answers::Card(a) => a.child_birth_date.as_deref(),
        }
    }

    /// Whether the filer may still change the answers while the request is back with them (`Returned`): a
    /// card request is corrected question by question; a certificate request all at once (`Correct`).
    fn editable_when_returned(&self) -> bool {
        matches!(self, Answers::Card(_))
    }

    /// The kind's own rows, written with the answers.
    async fn write_own(&self, conn: &mut AnyConnection, request_id: &str) -> Result<(), ServiceError> {
        match self {
            Answers::Certificate(_) => Ok(()),
            Answers::Card(a) => {
                let reason =
                    a.reason.ok_or_else(|| ServiceError::Unreadable("a card request without reason".into()))?;
                Ok(write_card_answers(conn, request_id, reason, a).await?)
            }
        }
    }
}

/// Who a draft is for and how it is filed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filing {
    pub subject_id: String,
    pub filed_as: FiledAs,
    pub facility_id: Option<String>,
}

/// Whose 記号・番号・枝番 an approval prints, and which enrolment record the certificate names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    /// `Some` when the officer chose the enrolment record's (symbol, number, branch) over the request's.
    pub from_record: Option<(String, String, String)>,
    pub enrolment_id: Option<String>,
}

/// What approving a request of a kind does besides the change of state. A new kind adds its variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KindEffect {
    /// Issue the qualification certificate for this many months (revoking the holder's earlier one).
    IssueCertificate { months: u32, numbers: Numbers },
    /// Order the express card: its production waits for the issuing body (and the day's capacity).
    OrderCard,
}

/// An officer's decision on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    StartReview,
    /// Verified and accepted (an express card request): to review, and `effect` (the card's order) written.
    Accept {
        effect: KindEffect,
    },
    /// `detail` is the code kept in the timeline and the audit line (how the numbers were chosen).
    Approve {
        effect: KindEffect,
        detail: String,
    },
    /// Back to the applicant to correct: the code of what to check (`CORRECTION_REASONS`).
    Return {
        correction: String,
    },
    /// The decline reason's message id (`DECLINE_REASONS`).
    Decline {
        reason_key: String,
    },
}

impl Decision {
    fn target(&self) -> RequestState {
        match self {
            Decision::StartReview | Decision::Accept { .. } => RequestState::InReview,
            Decision::Approve { .. } => RequestState::Issued,
            Decision::Return { .. } => RequestState::Returned,
            Decision::Decline { .. } => RequestState::Declined,
        }
    }
}

/// Everything that can happen to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Start a draft; its id comes back in [`Done::request_id`].
    CreateDraft { kind: RequestKind, filed_by: String, filing: Filing, municipality_id: Option<String> },
    /// Start a draft with its first answers (a card request starts with its reason), in one transaction.
    StartDraft { filed_by: String, filing: Filing, municipality_id: Option<String>, answers: Answers },
    /// Save a draft's answers (only the filer's own draft).
    SaveDraft { request_id: String, filed_by: String, filing: Filing, answers: Answers },
    /// The filer sends the draft.
    Submit { request_id: String, by: String },
    /// The filer (or the person it is for) withdraws a request that is waiting.
    Withdraw { request_id: String, by: String },
    /// The applicant corrects a request returned to them and sends it again.
    Correct { request_id: String, by: String, answers: Answers },
    /// An officer's decision; the caller has checked the officer works the request. `officer_id` is `None`
    /// only for history written without an officer's account (demo data of an insurer with no officer).
    Decide { request_id: String, officer_id: Option<String>, decision: Decision },
    /// An officer takes a card application at an outreach session (the booking's run sheet): the request is made
    /// for the booked person, filed as the booker (who follows it), with its answers, and sent at once by the
    /// officer (timeline, audit line and the filer's mail), in the caller's transaction.
    TakeAtSession {
        officer_id: String,
        filed_by: String,
        filing: Filing,
        municipality_id: Option<String>,
        answers: Answers,
    },
    /// A signed report of the issuing body about an express card's production (verified by the caller):
    /// applied once, in order. `signed_at_ms` is the time it was signed.
    Production { callback: Callback, signed_at_ms: i64 },
}

/// A command that went through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    pub request_id: String,
}

/// Why a command was not carried out; nothing was written.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// There is no such request, or not one this command may touch (someone else's draft).
    #[error("no such request")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionRefused),
    /// The same production report came before: nothing changes.
    #[error("already applied")]
    AlreadyApplied,
    /// Not the next production report (a number skipped or used, a stage out of order, signed too early).
    #[error("out of order")]
    OutOfOrder,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("mail: {0}")]
    Mail(#[from] ComposeError),
    #[error("stored data cannot be read: {0}")]
    Unreadable(String),
    /// The certificate would have no day of validity (an approval needs a valid number of months).
    #[error("no validity for the certificate")]
    NoValidity,
}

/// The outcome of a command: done, or refused without writing anything.
pub type Outcome = Result<Done, Refused>;

/// What commands need besides the database: the e-mails (`None`: write none, as for demo data) and the key
/// certificates are signed with.
#[derive(Clone, Copy)]
pub struct Service<'a> {
    pub store: &'a Store,
    pub mails: Option<RequestMails<'a>>,
    pub certificate_key: &'a SecretKey,
}

impl<'a> Service<'a> {
    /// The service as the web application uses it.
    pub fn of(state: &'a crate::web::AppState) -> Service<'a> {
        Service {
            store: &state.store,
            mails: Some(RequestMails {
                localizer: &state.localizer,
                base_url: &state.settings.base_url,
                default_locale: state.settings.default_locale,
            }),
            certificate_key: &state.settings.secret_key,
        }
    }

    /// Runs `command` at `now` (ms) in a transaction of its own: all of it is written, or nothing.
    pub async fn run(&self, command: Command, now: i64) -> Result<Outcome, ServiceError> {
        let mut tx = self.store.pool().begin().await?;
        let outcome = self.run_in(&mut tx, command, now).await?;
        if outcome.is_ok() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(outcome)
    }

    /// Runs `command` inside the caller's transaction (demo data writes many at once). On a refusal the caller
    /// must roll back: a command may have written part of its work before it was refused.
    pub async fn run_in(&self, conn: &mut AnyConnection, command: Command, now: i64) -> Result<Outcome, ServiceError> {
        match command {
            Command::CreateDraft { kind, filed_by, filing, municipality_id } => {
                let draft = NewDraft {
                    kind,
                    subject_id: &filing.subject_id,
                    filed_by: &filed_by,
                    filed_as: filing.filed_as,
                    facility_id: filing.facility_id.as_deref(),
                    municipality_id: municipality_id.as_deref(),
                };
                Ok(Ok(Done { request_id: insert_draft(conn, &draft, now).await? }))
            }
            Command::StartDraft { filed_by, filing, municipality_id, answers } => {
                let draft = NewDraft {
                    kind: answers.kind(),
                    subject_id: &filing.subject_id,
                    filed_by: &filed_by,
                    filed_as: filing.filed_as,
                    facility_id: filing.facility_id.as_deref(),
                    municipality_id: municipality_id.as_deref(),
                };
                let request_id = insert_draft(conn, &draft, now).await?;
                self.save_draft(conn, request_id, filed_by, filing, answers, now).await
            }
            Command::SaveDraft { request_id, filed_by, filing, answers } => {
                self.save_draft(conn, request_id, filed_by, filing, answers, now).await
            }
            Command::Submit { request_id, by } => {
                if let Err(refused) = self.submit_effects(conn, &request_id, &by, now).await? {
                    return Ok(Err(refused));
                }
                let step = Step::new(RequestState::Submitted, Some(&by), Actor::Requester, "");
                self.step(conn, &request_id, step, None, now).await
            }
            Command::Withdraw { request_id, by } => {
                let step = Step::new(RequestState::Withdrawn, Some(&by), Actor::Requester, "");
                self.step(conn, &request_id, step, None, now).await
            }
            Command::Correct { request_id, by, answers } => {
                let from = RequestState::Returned;
                if let Err(refused) = check_transition(from, RequestState::Submitted, Actor::Requester) {
                    return Ok(Err(refused.into()));
                }
                let json = answers.to_json()?;
                if !replace_answers(conn, &request_id, from, &json, answers.birth_date()).await? {
                    let to = RequestState::Submitted;
                    return Ok(Err(TransitionRefused { from, to, by: Actor::Requester }.into()));
                }
                answers.write_own(conn, &request_id).await?;
                let step = Step::new(RequestState::Submitted, Some(&by), Actor::Requester, "corrected");
                self.step(conn, &request_id, step, None, now).await
            }
            Command::Decide { request_id, officer_id, decision } => {
                let (detail, effect) = match &decision {
                    Decision::StartReview => ("", None),
                    Decision::Accept { effect } => ("accepted", Some(effect)),
                    Decision::Approve { effect, detail } => (detail.as_str(), Some(effect)),
                    Decision::Return { correction } => (correction.as_str(), None),
                    Decision::Decline { reason_key } => (reason_key.as_str(), None),
                };
                let step = Step::new(decision.target(), officer_id.as_deref(), Actor::Officer, detail);
                self.step(conn, &request_id, step, effect, now).await
            }
            Command::TakeAtSession { officer_id, filed_by, filing, municipality_id, answers } => {
                let draft = NewDraft {
                    kind: answers.kind(),
                    subject_id: &filing.subject_id,
                    filed_by: &filed_by,
                    filed_as: filing.filed_as,
                    facility_id: filing.facility_id.as_deref(),
                    municipality_id: municipality_id.as_deref(),
                };
                let request_id = insert_draft(conn, &draft, now).await?;
                if let Err(refused) = self.save_draft(conn, request_id.clone(), filed_by, filing, answers, now).await? {
                    return Ok(Err(refused));
                }
                let step = Step {
                    event: Some("taken_at_session"),
                    ..Step::new(RequestState::Submitted, Some(&officer_id), Actor::Officer, "")
                };
                self.step(conn, &request_id, step, None, now).await
            }
            Command::Production { callback, signed_at_ms } => self.production(conn, &callback, signed_at_ms, now).await,
        }
    }

    /// Saves a draft's answers (and the kind's own rows); only the filer's own draft, or a card request
    /// returned to its filer.
    async fn save_draft(
        &self,
        conn: &mut AnyConnection,
        request_id: String,
        filed_by: String,
        filing: Filing,
        answers: Answers,
        now: i64,
    ) -> Result<Outcome, ServiceError> {
        let json = answers.to_json()?;
        let saved = DraftAnswers {
            id: &request_id,
            filed_by: &filed_by,
            answers_json: &json,
            subject_id: &filing.subject_id,
            filed_as: filing.filed_as,
            facility_id: filing.facility_id.as_deref(),
            insurer_id: answers.insurer_id(),
            reason: answers.reason(),
            birth_date: answers.birth_date(),
            also_returned: answers.editable_when_returned(),
            now,
        };
        if !write_draft_answers(conn, &saved).await? {
            return Ok(Err(Refused::NotFound));
        }
        answers.write_own(conn, &request_id).await?;
        Ok(Ok(Done { request_id }))
    }

    /// What sending a request does besides the change of state, by its kind. A card request for a newborn not
    /// yet known to the portal (filed for the parent themself until now, the child's name in the answers)
    /// makes the child a person with the parent's `parent` authority and moves the request onto the child; a lost card with the interim
    /// certificate asked for starts that certificate request (a draft for the same person, its reason
    /// answered) and links the two.
    async fn submit_effects(
        &self,
        conn: &mut AnyConnection,
        request_id: &str,
        by: &str,
        now: i64,
    ) -> Result<Result<(), Refused>, ServiceError> {
        let Some(r) = request_by_id(conn, request_id).await? else { return Ok(Err(Refused::NotFound)) };
        if r.kind != RequestKind::Card || r.state != RequestState::Draft || r.filed_by != by {
            return Ok(Ok(()));
        }
        let Some(a) = card_answers(conn, request_id).await? else { return Ok(Ok(())) };
        // A newborn the portal does not know yet: filed for the parent themself, with the child's name given.
        if a.reason == Some(ExpressReason::Infant) && r.subject_id == r.filed_by && a.child_name.is_some() {
            let v = |o: &Option<String>| o.clone().unwrap_or_default();
            let (name, kana, birth, code, address) =
                (v(&a.child_name), v(&a.child_name_kana), v(&a.child_birth_date), v(&a.postal_code), v(&a.address));
            let child = NewChild {
                name: &name,
                name_kana: &kana,
                birth_date: &birth,
                postal_code: &code,
                address: &address,
                municipality_id: r.municipality_id.as_deref(),
            };
            if make_child_a_person(conn, request_id, by, &child, now).await?.is_none() {
                return Ok(Err(Refused::NotFound));
            }
        }
        if a.reason == Some(ExpressReason::Lost)
            && a.interim.as_deref() == Some("yes")
            && linked_request(conn, request_id).await?.is_none()
        {
            let draft = NewDraft {
                kind: RequestKind::Certificate,
                subject_id: &r.subject_id,
                filed_by: by,
                filed_as: r.filed_as,
                facility_id: r.facility_id.as_deref(),
                municipality_id: r.municipality_id.as_deref(),
            };
            let interim = insert_draft(conn, &draft, now).await?;
            let answers = CertificateAnswers {
                for_whom: Some(r.subject_id.clone()),
                reason: Some(super::certificate::Reason::LostOrRenewing),
                ..CertificateAnswers::default()
            };
            let filing =
                Filing { subject_id: r.subject_id.clone(), filed_as: r.filed_as, facility_id: r.facility_id.clone() };
            let saved =
                self.save_draft(conn, interim.clone(), by.to_string(), filing, Answers::Certificate(answers), now);
            if let Err(refused) = saved.await? {
                return Ok(Err(refused));
            }
            link_request(conn, request_id, &interim).await?;
        }
        Ok(Ok(()))
    }

    /// One report of the issuing body, applied once and in order: the production's stage, its timeline line,
    /// the request's state when the card is mailed (InReview → Issued, by the issuing body), the photo's
    /// deletion when it is delivered, and the applicant's e-mail.
    async fn production(
        &self,
        conn: &mut AnyConnection,
        cb: &Callback,
        signed_at_ms: i64,
        now: i64,
    ) -> Result<Outcome, ServiceError> {
        let Some((stage, last_sequence, last_signed_at)) = production_position(conn, &cb.request_id).await? else {
            return Ok(Err(Refused::NotFound));
        };
        if let Some(event) = applied_report(conn, &cb.request_id, cb.sequence).await? {
            return Ok(Err(if event == cb.event.code() { Refused::AlreadyApplied } else { Refused::OutOfOrder }));
        }
        if cb.sequence != last_sequence + 1 || signed_at_ms < last_signed_at || !cb.event.follows(&stage) {
            return Ok(Err(Refused::OutOfOrder));
        }
        if !advance_production(conn, cb, signed_at_ms, last_sequence, now).await? {
            return Ok(Err(Refused::AlreadyApplied));
        }
        let detail = cb.tracking_number.as_deref().or(cb.failure_reason.as_deref()).unwrap_or("");
        if cb.event == ProductionEvent::Mailed {
            let step = Step {
                event: Some(cb.event.code()),
                decision: Some(cb.event.code()),
                production: Some(cb),
                ..Step::new(RequestState::Issued, None, Actor::IssuingBody, detail)
            };
            if let Err(refused) = self.step(conn, &cb.request_id, step, None, now).await? {
                // A card mailed for a request no longer in review: the report does not fit.
                return Ok(Err(match refused {
                    Refused::Transition(_) => Refused::OutOfOrder,
                    other => other,
                }));
            }
        } else {
            let Some(r) = request_by_id(conn, &cb.request_id).await? else { return Ok(Err(Refused::NotFound)) };
            touch_request(conn, &r.id, now).await?;
            let line = NewEvent {
                request_id: &r.id,
                at: now,
                actor_id: None,
                by: Actor::IssuingBody,
                event: cb.event.code(),
                from: None,
                to: None,
                detail,
            };
            add_event(conn, &line).await?;
            if let Some(mail) = self.update_mail(conn, &r, r.state, detail, Some(cb), now).await? {
                enqueue(conn, &mail).await?;
            }
        }
        if cb.event == ProductionEvent::Delivered {
            delete_photo_of(conn, self.store.card_photo_dir(), &cb.request_id).await?;
        }
        Ok(Ok(Done { request_id: cb.request_id.clone() }))
    }

    /// One move of state with everything that goes with it.
    async fn step(
        &self,
        conn: &mut AnyConnection,
        request_id: &str,
        step: Step<'_>,
        effect: Option<&KindEffect>,
        now: i64,
    ) -> Result<Outcome, ServiceError> {
        let Some(r) = request_by_id(conn, request_id).await? else { return Ok(Err(Refused::NotFound)) };
        let from = r.state;
        if let Err(refused) = check_transition(from, step.to, step.by) {
            return Ok(Err(refused.into()));
        }
        // The kind's effect is worked out before anything is written: a certificate that cannot be issued
        // refuses the whole decision.
        let certificate = match effect {
            Some(KindEffect::IssueCertificate { months, numbers }) => {
                Some(self.certificate_for(conn, &r, *months, numbers, now).await?)
            }
            Some(KindEffect::OrderCard) | None => None,
        };
        let order = match effect {
            Some(KindEffect::OrderCard) => Some(
                r.municipality_id
                    .clone()
                    .ok_or_else(|| ServiceError::Unreadable("a card request without municipality".into()))?,
            ),
            _ => None,
        };
        let change = StateChange {
            id: request_id,
            from,
            to: step.to,
            actor_id: step.actor_id,
            by: step.by,
            detail: step.detail,
            event: step.event,
            decision: step.decision,
            now,
        };
        if !move_state(conn, &change).await? {
            return Ok(Err(TransitionRefused { from, to: step.to, by: step.by }.into()));
        }
        let noted = step.decision.unwrap_or(step.detail);
        let audit_detail =
            if noted.is_empty() { step.to.code().to_string() } else { format!("{}:{}", step.to.code(), noted) };
        let audit = AuditEntry::new(step.actor_id, "request.state").subject(&r.subject_id).detail(&audit_detail);
        append_audit(conn, &audit.at(now)).await?;
        if let Some(c) = &certificate {
            issue_certificate(conn, Some(request_id), c, Supersedes::RevokingHoldersEarlier, now).await?;
        }
        if let Some(municipality_id) = &order {
            let new = NewOrder { request_id, municipality_id, officer_id: step.actor_id, now, today: jst_day(now) };
            order_production(conn, &new).await?;
        }
        if let Some(mail) = self.update_mail(conn, &r, step.to, step.detail, step.production, now).await? {
            enqueue(conn, &mail).await?;
        }
        Ok(Ok(Done { request_id: request_id.to_string() }))
    }

    /// The e-mail to the person who filed the request, in their language, about its new state; `None` when
    /// they have no e-mail address (or the service writes no mail).
    async fn update_mail(
        &self,
        conn: &mut AnyConnection,
        r: &RequestRow,
        to: RequestState,
        detail: &str,
        production: Option<&Callback>,
        now: i64,
    ) -> Result<Option<NewMail>, ServiceError> {
        let Some(mails) = self.mails else { return Ok(None) };
        let Some((email, preferred_locale)) = filer_contact(conn, &r.filed_by).await? else {
            return Ok(None);
        };
        let to_address = email.parse().map_err(|e| ServiceError::Unreadable(format!("recipient: {e}")))?;
        let reference = r.reference.parse().map_err(|e| ServiceError::Unreadable(format!("reference: {e}")))?;
        let extra_key = match (r.kind, to) {
            (_, RequestState::Declined) => Some(detail),
            (RequestKind::Certificate, RequestState::Returned) => {
                Some(super::certificate::correction_key(Some(detail)))
            }
            _ => None,
        };
        let update = RequestUpdate {
            request_id: &r.id,
            reference: &reference,
            state: to,
            extra_key,
            to: &to_address,
            preferred_locale: &preferred_locale,
        };
        let text = match r.kind {
            RequestKind::Certificate => UpdateText::of_state(&update),
            RequestKind::Card => {
                card_mail_text(&r.id, ExpressReason::from_code(&r.reason), to, detail, production, now)
            }
        };
        Ok(Some(mails.update(&update, &text)?))
    }

    /// The certificate an approval issues: the printed items from the request's answers (and the enrolment
    /// record's numbers when the officer chose them), valid from the day of `now` in Japan.
    async fn certificate_for(
        &self,
        conn: &mut AnyConnection,
        r: &RequestRow,
        months: u32,
        numbers: &Numbers,
        now: i64,
    ) -> Result<NewCertificate, ServiceError> {
        let a: CertificateAnswers =
            serde_json::from_str(&r.answers).map_err(|e| ServiceError::Unreadable(e.to_string()))?;
        let insurer_id = r.insurer_id.clone().ok_or_else(|| ServiceError::Unreadable("no insurer".into()))?;
        let insurer =
            insurer_printing(conn, &insurer_id).await?.ok_or_else(|| ServiceError::Unreadable("insurer".into()))?;
        let today = jst_day(now);
        let birth =
            a.birth_date.as_deref().and_then(|b| b.parse::<crate::domain::WarekiDate>().ok()).map(|d| d.as_naive());
        let printed_number = a.insurer_number.clone().unwrap_or_else(|| insurer.number.clone());
        let until = printed_expiry(today, months, &printed_number, birth).ok_or(ServiceError::NoValidity)?;
        let (symbol, number, branch) = numbers.from_record.clone().unwrap_or((
            a.symbol.unwrap_or_default(),
            a.number.unwrap_or_default(),
            a.branch.unwrap_or_default(),
        ));
        let id = new_id();
        Ok(NewCertificate {
            code: verification_code(self.certificate_key, &id),
            id,
            person_id: Some(r.subject_id.clone()),
            enrolment_id: numbers.enrolment_id.clone(),
            insurer_id,
            name: a.name.unwrap_or_default(),
            name_kana: a.name_kana.unwrap_or_default(),
            birth_date: a.birth_date.unwrap_or_default(),
            symbol,
            number,
            branch,
            insurer_number: printed_number,
            insurer_name: insurer.name_ja,
            issued_on: today.to_string(),
            valid_from: today.to_string(),
            valid_until: until.to_string(),
            delivery: a.delivery.map(|d| d.code().to_string()).unwrap_or_default(),
            auto_renew: false,
            run_id: None,
        })
    }
}

/// One move of state: where to, by whom, and the code the timeline keeps.
struct Step<'a> {
    to: RequestState,
    actor_id: Option<&'a str>,
    by: Actor,
    detail: &'a str,
    /// The timeline's event when it is not the state's code, and the decision kept when it is not `detail`.
    event: Option<&'a str>,
    decision: Option<&'a str>,
    /// The issuing body's report the move comes from (its mail says the stage).
    production: Option<&'a Callback>,
}

impl<'a> Step<'a> {
    fn new(to: RequestState, actor_id: Option<&'a str>, by: Actor, detail: &'a str) -> Step<'a> {
        Step { to, actor_id, by, detail, event: None, decision: None, production: None }
    }
}

/// A card request's update mail: its own next steps (the date the card is mailed by, on acceptance), why it
/// was returned, and the issuing body's stages with the tracking number or why the card could not be made.
fn card_mail_text<'a>(
    request_id: &str,
    reason: Option<ExpressReason>,
    to: RequestState,
    detail: &'a str,
    production: Option<&'a Callback>,
    now: i64,
) -> UpdateText<'a> {
    let path = format!("express/{request_id}");
    if let Some(cb) = production {
        let before_next = match cb.event {
            ProductionEvent::Mailed => {
                Some(("express-tracking-number", vec![("number", cb.tracking_number.clone().unwrap_or_default())]))
            }
            ProductionEvent::Failed => {
                Some((crate::issuing::failure_reason_key(cb.failure_reason.as_deref().unwrap_or("other")), Vec::new()))
            }
            _ => None,
        };
        return UpdateText {
            headline_key: cb.event.message_key(),
            next_key: cb.event.next_step_key(),
            next_date: None,
            before_next,
            after_next: None,
            path,
        };
    }
    let ordinary = reason.is_some_and(|r| !r.is_express());
    let (next_key, next_date) = if ordinary && matches!(to, RequestState::Submitted | RequestState::InReview) {
        // Not express: the card comes in the ordinary issuing time, counted from today.
        ("outreach-card-mail-next", Some(crate::domain::card_validity::ordinary_mailing_date(jst_day(now))))
    } else if to == RequestState::InReview && detail == "accepted" {
        ("express-next-accepted", Some(Deadlines::from_acceptance(jst_day(now)).limit))
    } else {
        (super::card::next_step_key(reason, to), None)
    };
    let before_next = (to == RequestState::Returned && !detail.is_empty()).then(|| (detail, Vec::new()));
    UpdateText { headline_key: to.message_key(), next_key, next_date, before_next, after_next: None, path }
}

/// The day in Japan at `now` (ms).
pub fn jst_day(now: i64) -> chrono::NaiveDate {
    let at = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default();
    (at + chrono::Duration::hours(9)).date_naive()
}
