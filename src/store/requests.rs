//! Requests, drafts and their timeline. Every read of a request by id goes through `visible_request`,
//! which answers only for the people entitled to see it.

use sqlx::AnyConnection;

use super::accounts::{AuditEntry, append_audit};
use super::outbox::{NewMail, enqueue};
use super::{Store, new_id, now_ms};
use crate::access::sql::{Params, Record};
use crate::access::{self, RecordKind};
use crate::domain::card_validity::ExpressReason;
use crate::requests::{Actor, RequestKind, RequestState, TransitionRefused, check_transition};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestRow {
    pub id: String,
    pub reference: String,
    pub kind: String,
    pub state: String,
    pub subject_id: String,
    pub filed_by: String,
    pub filed_as: String,
    pub facility_id: Option<String>,
    pub municipality_id: Option<String>,
    pub insurer_id: Option<String>,
    pub reason: String,
    pub answers: String,
    pub decision_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

const COLUMNS: &str = "r.id, r.reference, r.kind, r.state, r.subject_id, r.filed_by, r.filed_as, r.facility_id, \
     r.municipality_id, r.insurer_id, r.reason, r.answers, r.decision_reason, r.created_at, r.updated_at, r.submitted_at";

/// Who may see a submitted request `r`, by its kind: the access policy (`crate::access`) for each kind of
/// request there is. `p` names the viewer's and today's placeholders.
fn visible_to_viewer(p: Params) -> String {
    each_kind(|record| access::sql::visible(p, record))
}

/// The subject's side only (the subject, their representatives, their facility's staff): the requests a person
/// follows as their own business, not as an officer.
fn followed_by_viewer(p: Params) -> String {
    each_kind(|record| access::sql::subject_side(p, record))
}

/// `(r.kind = 'a' AND …) OR (r.kind = 'b' AND …)`, over every kind of request, `rule` given where a request
/// of that kind keeps what the policy looks at: its subject, and its insurer or its subject's municipality.
fn each_kind(rule: impl Fn(Record) -> String) -> String {
    let municipality = access::sql::subjects_municipality("r.subject_id");
    let record = |kind: RecordKind| {
        let organisation = match kind.organisation() {
            access::Organisation::Insurer => "r.insurer_id",
            access::Organisation::Municipality => municipality.as_str(),
        };
        rule(Record { kind, subject: "r.subject_id", organisation })
    };
    let parts: Vec<String> = RequestKind::ALL
        .iter()
        .map(|k| match k {
            // A card request's kind of record goes by its reason (an infant's: `newborn`).
            RequestKind::Card => {
                let infant = ExpressReason::Infant;
                format!(
                    "(r.kind = '{}' AND ((r.reason = '{}' AND {}) OR (r.reason <> '{}' AND {})))",
                    k.code(),
                    infant.code(),
                    record(RecordKind::of_card_request(infant)),
                    infant.code(),
                    record(RecordKind::of_request(*k)),
                )
            }
            _ => format!("(r.kind = '{}' AND {})", k.code(), record(RecordKind::of_request(*k))),
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub event: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub detail: String,
}

/// The rule of the requests list: requests the viewer follows (the access policy's builder), and their own drafts.
fn followed_requests(p: Params) -> String {
    let rule = followed_by_viewer(p);
    // A draft for someone else stays listed only while the filer still follows that person (an authority that
    // ended, or a consent withdrawn, takes the draft and its subject's name off the list).
    format!(
        "((r.state <> 'draft' AND {rule}) OR (r.state = 'draft' AND r.filed_by = {v} AND (r.subject_id = {v} OR {rule})))",
        v = p.viewer
    )
}

/// A request in a list, with the name of the person it is for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestListRow {
    pub id: String,
    pub reference: String,
    pub kind: String,
    pub state: String,
    pub subject_name: String,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

/// A request in an office queue.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub id: String,
    pub reference: String,
    pub state: String,
    pub reason: String,
    pub subject_name: String,
    pub submitted_at: i64,
}

pub struct NewDraft<'a> {
    pub kind: &'a str,
    pub subject_id: &'a str,
    pub filed_by: &'a str,
    pub filed_as: &'a str,
    pub facility_id: Option<&'a str>,
    pub municipality_id: Option<&'a str>,
}

impl Store {
    pub async fn create_draft(&self, d: &NewDraft<'_>) -> Result<String, sqlx::Error> {
        let id = new_id();
        let now = now_ms();
        // Drafts get their reference number at once: it is shown only after submission.
        let reference = crate::domain::ReferenceNumber::generate();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO requests (id, reference, kind, state, subject_id, filed_by, filed_as, facility_id, municipality_id, created_at, updated_at) \
             VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(reference.compact())
        .bind(d.kind)
        .bind(d.subject_id)
        .bind(d.filed_by)
        .bind(d.filed_as)
        .bind(d.facility_id)
        .bind(d.municipality_id)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        add_event(&mut tx, &id, Some(d.filed_by), Actor::Requester, "created", None, Some(RequestState::Draft), "")
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A draft, for the person filling it in only.
    pub async fn request_draft(&self, id: &str, filed_by: &str) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM requests r WHERE r.id = $1 AND r.filed_by = $2 AND r.state = 'draft'"
        )))
        .bind(id)
        .bind(filed_by)
        .fetch_optional(self.pool())
        .await
    }

    /// Whether this person filed the request and it has been sent (is no longer a draft).
    pub async fn sent_request_filed_by(&self, id: &str, filed_by: &str) -> Result<bool, sqlx::Error> {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT id FROM requests WHERE id = $1 AND filed_by = $2 AND state <> 'draft'")
                .bind(id)
                .bind(filed_by)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    /// The newest draft of a kind this person started, to offer to continue it.
    pub async fn latest_draft(&self, kind: &str, filed_by: &str) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM requests r WHERE r.kind = $1 AND r.filed_by = $2 AND r.state = 'draft' ORDER BY r.updated_at DESC, r.id LIMIT 1"
        )))
        .bind(kind)
        .bind(filed_by)
        .fetch_optional(self.pool())
        .await
    }

    /// Saves a draft's answers (and the columns the queues filter on). Only the filer's own drafts change.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_draft(
        &self,
        id: &str,
        filed_by: &str,
        answers_json: &str,
        subject_id: &str,
        filed_as: &str,
        facility_id: Option<&str>,
        insurer_id: Option<&str>,
        reason: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE requests SET answers = $1, subject_id = $2, filed_as = $3, facility_id = $4, insurer_id = $5, reason = $6, updated_at = $7 \
             WHERE id = $8 AND filed_by = $9 AND state = 'draft'",
        )
        .bind(answers_json)
        .bind(subject_id)
        .bind(filed_as)
        .bind(facility_id)
        .bind(insurer_id)
        .bind(reason)
        .bind(now_ms())
        .bind(id)
        .bind(filed_by)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A submitted request, if `viewer` may see it today; `None` otherwise (the page answers 404 either way).
    pub async fn visible_request(&self, id: &str, viewer: &str) -> Result<Option<RequestRow>, sqlx::Error> {
        let rule = visible_to_viewer(Params { viewer: "$1", today: "$3" });
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM requests r WHERE r.id = $2 AND r.state <> 'draft' AND {rule}"
        )))
        .bind(viewer)
        .bind(id)
        .bind(access::today().to_string())
        .fetch_optional(self.pool())
        .await
    }

    /// One page of the requests a person follows: their own, their wards' (within each authority's term and
    /// scope) and, for facility staff, their residents' who consent, newest first; plus their own drafts (for
    /// someone else only while they still follow that person).
    /// Officers find the requests they work in their queues, not here. Keyset pagination: `after` is the
    /// (updated_at, id) of the last row of the previous page; one row more than `limit` is read to tell whether
    /// there is an older page.
    pub async fn requests_for(
        &self,
        viewer: &str,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> Result<Vec<RequestListRow>, sqlx::Error> {
        let followed = followed_requests(Params { viewer: "$1", today: "$2" });
        let keyset = if after.is_some() { "AND (r.updated_at < $4 OR (r.updated_at = $4 AND r.id > $5))" } else { "" };
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.reference, r.kind, r.state, p.name AS subject_name, r.updated_at, r.submitted_at \
             FROM requests r JOIN people p ON p.id = r.subject_id \
             WHERE {followed} {keyset} ORDER BY r.updated_at DESC, r.id LIMIT $3"
        )))
        .bind(viewer)
        .bind(access::today().to_string())
        .bind(limit + 1);
        if let Some((at, id)) = after {
            q = q.bind(at).bind(id);
        }
        q.fetch_all(self.pool()).await
    }

    /// How many requests the person follows, all pages together (the same rule as `requests_for`).
    pub async fn count_requests_for(&self, viewer: &str) -> Result<i64, sqlx::Error> {
        let followed = followed_requests(Params { viewer: "$1", today: "$2" });
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM requests r WHERE {followed}")))
            .bind(viewer)
            .bind(access::today().to_string())
            .fetch_one(self.pool())
            .await
    }

    pub async fn events(&self, request_id: &str) -> Result<Vec<EventRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT at, actor_id, actor_role, event, from_state, to_state, detail FROM request_events \
             WHERE request_id = $1 ORDER BY at, id",
        )
        .bind(request_id)
        .fetch_all(self.pool())
        .await
    }

    /// The state of a request found by its reference number and the date of birth of the person it is for,
    /// for people without an account. Drafts are not found.
    pub async fn lookup(&self, reference: &str, birth_date: &str) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM requests r JOIN people p ON p.id = r.subject_id \
             WHERE r.reference = $1 AND r.state <> 'draft' AND (p.birth_date = $2 OR r.answers LIKE $3)"
        )))
        .bind(reference)
        .bind(birth_date)
        .bind(format!("%\"birth_date\":\"{birth_date}\"%"))
        .fetch_optional(self.pool())
        .await
    }

    /// Moves a request from one state to another under the state machine, with its timeline line, audit line
    /// and notification in one transaction. Fails without writing anything when the state has moved on.
    #[allow(clippy::too_many_arguments)]
    pub async fn transition(
        &self,
        id: &str,
        from: RequestState,
        to: RequestState,
        actor_id: &str,
        by: Actor,
        detail: &str,
        mail: Option<NewMail>,
    ) -> Result<Result<(), TransitionRefused>, sqlx::Error> {
        self.transition_issuing(id, from, to, actor_id, by, detail, mail, None).await
    }

    /// `transition`, and when `certificate` is given, the certificate it issues, in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn transition_issuing(
        &self,
        id: &str,
        from: RequestState,
        to: RequestState,
        actor_id: &str,
        by: Actor,
        detail: &str,
        mail: Option<NewMail>,
        certificate: Option<&super::certificates::NewCertificate>,
    ) -> Result<Result<(), TransitionRefused>, sqlx::Error> {
        if let Err(refused) = check_transition(from, to, by) {
            return Ok(Err(refused));
        }
        let mut tx = self.pool().begin().await?;
        if apply_transition(&mut tx, id, from, to, actor_id, by, detail, mail).await?.is_err() {
            tx.rollback().await?;
            return Ok(Err(TransitionRefused { from, to, by }));
        }
        if let Some(c) = certificate {
            super::certificates::issue_certificate(
                &mut tx,
                Some(id),
                c,
                super::certificates::Supersedes::RevokingHoldersEarlier,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The applicant's correction of a request returned to them: the new answers and the move back to
    /// `Submitted` (timeline, audit line, e-mail) in one transaction; refused if it is no longer returned.
    pub async fn resubmit_corrected(
        &self,
        id: &str,
        answers: &str,
        actor_id: &str,
        mail: Option<NewMail>,
    ) -> Result<Result<(), TransitionRefused>, sqlx::Error> {
        let (from, to, by) = (RequestState::Returned, RequestState::Submitted, Actor::Requester);
        if let Err(refused) = check_transition(from, to, by) {
            return Ok(Err(refused));
        }
        let mut tx = self.pool().begin().await?;
        let saved = sqlx::query("UPDATE requests SET answers = $1 WHERE id = $2 AND state = $3")
            .bind(answers)
            .bind(id)
            .bind(from.code())
            .execute(&mut *tx)
            .await?;
        if saved.rows_affected() != 1
            || apply_transition(&mut tx, id, from, to, actor_id, by, "corrected", mail).await?.is_err()
        {
            tx.rollback().await?;
            return Ok(Err(TransitionRefused { from, to, by }));
        }
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// The change of state itself, guarded by the state it comes from, with its timeline line, audit line (the new
/// state, and the decision's code when there is one) and e-mail. The caller owns the transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn apply_transition(
    tx: &mut AnyConnection,
    id: &str,
    from: RequestState,
    to: RequestState,
    actor_id: &str,
    by: Actor,
    detail: &str,
    mail: Option<NewMail>,
) -> Result<Result<(), TransitionRefused>, sqlx::Error> {
    let now = now_ms();
    let submitted_at = if to == RequestState::Submitted { Some(now) } else { None };
    let decision = if matches!(to, RequestState::Declined | RequestState::Issued | RequestState::Returned) {
        Some(detail)
    } else {
        None
    };
    let done = sqlx::query(
        "UPDATE requests SET state = $1, updated_at = $2, submitted_at = COALESCE($3, submitted_at), \
         decision_reason = COALESCE($4, decision_reason) WHERE id = $5 AND state = $6",
    )
    .bind(to.code())
    .bind(now)
    .bind(submitted_at)
    .bind(decision)
    .bind(id)
    .bind(from.code())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(Err(TransitionRefused { from, to, by }));
    }
    add_event(&mut *tx, id, Some(actor_id), by, to.code(), Some(from), Some(to), detail).await?;
    let subject: (String,) =
        sqlx::query_as("SELECT subject_id FROM requests WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let audit_detail = if detail.is_empty() { to.code().to_string() } else { format!("{}:{detail}", to.code()) };
    append_audit(&mut *tx, &AuditEntry::new(Some(actor_id), "request.state").subject(&subject.0).detail(&audit_detail))
        .await?;
    if let Some(m) = mail {
        enqueue(&mut *tx, &m).await?;
    }
    Ok(Ok(()))
}

#[allow(clippy::too_many_arguments)]
async fn add_event(
    conn: &mut AnyConnection,
    request_id: &str,
    actor_id: Option<&str>,
    by: Actor,
    event: &str,
    from: Option<RequestState>,
    to: Option<RequestState>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (id, request_id, at, actor_id, actor_role, event, from_state, to_state, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(request_id)
    .bind(now_ms())
    .bind(actor_id)
    .bind(by.code())
    .bind(event)
    .bind(from.map(|s| s.code()))
    .bind(to.map(|s| s.code()))
    .bind(detail)
    .execute(conn)
    .await
    .map(|_| ())
}
