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

use super::certificate::{CertificateAnswers, printed_expiry, verification_code};
use super::{Actor, FiledAs, RequestKind, RequestState, TransitionRefused, check_transition};
use crate::crypto::SecretKey;
use crate::notify::mail::{ComposeError, RequestMails, RequestUpdate};
use crate::store::accounts::{AuditEntry, append_audit};
use crate::store::certificates::{NewCertificate, Supersedes, insurer_printing, issue_certificate};
use crate::store::outbox::{NewMail, enqueue};
use crate::store::requests::{
    DraftAnswers, NewDraft, RequestRow, StateChange, filer_contact, insert_draft, move_state, replace_answers,
    request_by_id, write_draft_answers,
};
use crate::store::{Store, new_id};

/// The answers of a request, by kind. A new kind adds its variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answers {
    Certificate(CertificateAnswers),
}

impl Answers {
    pub fn kind(&self) -> RequestKind {
        match self {
            Answers::Certificate(_) => RequestKind::Certificate,
        }
    }

    fn to_json(&self) -> Result<String, ServiceError> {
        match self {
            Answers::Certificate(a) => serde_json::to_string(a).map_err(|e| ServiceError::Unreadable(e.to_string())),
        }
    }

    /// The insurer whose officers work the request, if the answers name one.
    fn insurer_id(&self) -> Option<&str> {
        match self {
            Answers::Certificate(a) => a.insurer_id.as_deref(),
        }
    }

    /// The code the queues filter on (empty: none yet).
    fn reason(&self) -> &str {
        match self {
            Answers::Certificate(a) => a.reason.map(|r| r.code()).unwrap_or(""),
        }
    }

    /// The date of birth (ISO) the request can be found by without an account.
    fn birth_date(&self) -> Option<&str> {
        match self {
            Answers::Certificate(a) => a.birth_date.as_deref(),
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
}

/// An officer's decision on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    StartReview,
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
            Decision::StartReview => RequestState::InReview,
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
            Command::SaveDraft { request_id, filed_by, filing, answers } => {
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
                    now,
                };
                if !write_draft_answers(conn, &saved).await? {
                    return Ok(Err(Refused::NotFound));
                }
                Ok(Ok(Done { request_id }))
            }
            Command::Submit { request_id, by } => {
                let step = Step { to: RequestState::Submitted, actor_id: Some(&by), by: Actor::Requester, detail: "" };
                self.step(conn, &request_id, step, None, now).await
            }
            Command::Withdraw { request_id, by } => {
                let step = Step { to: RequestState::Withdrawn, actor_id: Some(&by), by: Actor::Requester, detail: "" };
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
                let step = Step {
                    to: RequestState::Submitted,
                    actor_id: Some(&by),
                    by: Actor::Requester,
                    detail: "corrected",
                };
                self.step(conn, &request_id, step, None, now).await
            }
            Command::Decide { request_id, officer_id, decision } => {
                let (detail, effect) = match &decision {
                    Decision::StartReview => ("", None),
                    Decision::Approve { effect, detail } => (detail.as_str(), Some(effect)),
                    Decision::Return { correction } => (correction.as_str(), None),
                    Decision::Decline { reason_key } => (reason_key.as_str(), None),
                };
                let step = Step { to: decision.target(), actor_id: officer_id.as_deref(), by: Actor::Officer, detail };
                self.step(conn, &request_id, step, effect, now).await
            }
        }
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
            None => None,
        };
        let change = StateChange {
            id: request_id,
            from,
            to: step.to,
            actor_id: step.actor_id,
            by: step.by,
            detail: step.detail,
            now,
        };
        if !move_state(conn, &change).await? {
            return Ok(Err(TransitionRefused { from, to: step.to, by: step.by }.into()));
        }
        let audit_detail = if step.detail.is_empty() {
            step.to.code().to_string()
        } else {
            format!("{}:{}", step.to.code(), step.detail)
        };
        let audit = AuditEntry::new(step.actor_id, "request.state").subject(&r.subject_id).detail(&audit_detail);
        append_audit(conn, &audit.at(now)).await?;
        if let Some(c) = &certificate {
            issue_certificate(conn, Some(request_id), c, Supersedes::RevokingHoldersEarlier, now).await?;
        }
        if let Some(mail) = self.update_mail(conn, &r, step.to, step.detail).await? {
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
    ) -> Result<Option<NewMail>, ServiceError> {
        let Some(mails) = self.mails else { return Ok(None) };
        let Some((email, preferred_locale)) = filer_contact(conn, &r.filed_by).await? else {
            return Ok(None);
        };
        let to_address = email.parse().map_err(|e| ServiceError::Unreadable(format!("recipient: {e}")))?;
        let reference = r.reference.parse().map_err(|e| ServiceError::Unreadable(format!("reference: {e}")))?;
        let extra_key = match to {
            RequestState::Declined => Some(detail),
            RequestState::Returned => Some(super::certificate::correction_key(Some(detail))),
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
        Ok(Some(mails.request_update(&update)?))
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
}

/// The day in Japan at `now` (ms).
pub fn jst_day(now: i64) -> chrono::NaiveDate {
    let at = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default();
    (at + chrono::Duration::hours(9)).date_naive()
}
