//! Requests, drafts and their timeline. Every read of a request by id goes through `visible_request`,
//! which answers only for the people entitled to see it.

use sqlx::AnyConnection;

use super::{Store, new_id};
use crate::access::sql::{Params, Record};
use crate::access::{self, RecordKind};
use crate::domain::card_validity::ExpressReason;
use crate::requests::{Actor, FiledAs, RequestKind, RequestState};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestRow {
    pub id: String,
    pub reference: String,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    pub subject_id: String,
    pub filed_by: String,
    #[sqlx(try_from = "String")]
    pub filed_as: FiledAs,
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
            // A card request's kind of record goes by its reason (an infant's: `newborn`; an application
            // taken at an outreach session: `card_application`; the others `express_issuance`).
            RequestKind::Card => {
                let (infant, outreach) = (ExpressReason::Infant, ExpressReason::Outreach);
                format!(
                    "(r.kind = '{}' AND ((r.reason = '{}' AND {}) OR (r.reason = '{}' AND {}) \
                     OR (r.reason NOT IN ('{}', '{}') AND {})))",
                    k.code(),
                    infant.code(),
                    record(RecordKind::of_card_request(infant)),
                    outreach.code(),
                    record(RecordKind::of_card_request(outreach)),
                    infant.code(),
                    outreach.code(),
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
    // The first condition only narrows: the people the viewer could follow at all, or what they filed, found
    // through the subject and filer indexes, so the list reads those requests and not the whole table.
    format!(
        "(r.subject_id IN (SELECT {v} UNION SELECT ward_id FROM representations WHERE representative_id = {v} \
         UNION SELECT fr.person_id FROM facility_residents fr JOIN roles ro ON ro.organisation_id = fr.facility_id \
         WHERE ro.person_id = {v} AND ro.role IN ('facility_admin', 'facility_staff')) OR r.filed_by = {v}) \
         AND ((r.state <> 'draft' AND {rule}) OR (r.state = 'draft' AND r.filed_by = {v} AND (r.subject_id = {v} OR {rule})))",
        v = p.viewer
    )
}

/// A request in a list, with the name of the person it is for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestListRow {
    pub id: String,
    pub reference: String,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    pub subject_name: String,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

/// A request in an office queue.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub id: String,
    pub reference: String,
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    pub reason: String,
    pub subject_name: String,
    pub submitted_at: i64,
}

/// A new draft, as the service writes it (`crate::requests::service`).
pub struct NewDraft<'a> {
    pub kind: RequestKind,
    pub subject_id: &'a str,
    pub filed_by: &'a str,
    pub filed_as: FiledAs,
    pub facility_id: Option<&'a str>,
    pub municipality_id: Option<&'a str>,
}

/// A draft's answers and the columns the queues and the lookup read, as the service writes them.
pub struct DraftAnswers<'a> {
    pub id: &'a str,
    pub filed_by: &'a str,
    pub answers_json: &'a str,
    pub subject_id: &'a str,
    pub filed_as: FiledAs,
    pub facility_id: Option<&'a str>,
    pub insurer_id: Option<&'a str>,
    pub reason: &'a str,
    /// The date of birth the answers give (ISO), for finding the request without an account.
    pub birth_date: Option<&'a str>,
    /// The answers may also change while the request is back with its filer (`Returned`, a card's correction).
    pub also_returned: bool,
    pub now: i64,
}

/// A move from one state to another, guarded by the state it comes from.
pub struct StateChange<'a> {
    pub id: &'a str,
    pub from: RequestState,
    pub to: RequestState,
    pub actor_id: Option<&'a str>,
    pub by: Actor,
    /// The decision's code (or the event's note), kept in the timeline and as the decision.
    pub detail: &'a str,
    /// The timeline line's event when it is not the new state's code (the issuing body's `mailed`).
    pub event: Option<&'a str>,
    /// The decision kept on the request when it is not `detail`.
    pub decision: Option<&'a str>,
    pub now: i64,
}

/// One line of a request's timeline.
pub struct NewEvent<'a> {
    pub request_id: &'a str,
    pub at: i64,
    pub actor_id: Option<&'a str>,
    pub by: Actor,
    pub event: &'a str,
    pub from: Option<RequestState>,
    pub to: Option<RequestState>,
    pub detail: &'a str,
}

/// Writes a new draft with its first timeline line; returns its id. Only the service calls this.
pub(crate) async fn insert_draft(conn: &mut AnyConnection, d: &NewDraft<'_>, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    // Drafts get their reference number at once: it is shown only after submission.
    let reference = crate::domain::ReferenceNumber::generate();
    sqlx::query(
        "INSERT INTO requests (id, reference, kind, state, subject_id, filed_by, filed_as, facility_id, municipality_id, created_at, updated_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(reference.compact())
    .bind(d.kind.code())
    .bind(d.subject_id)
    .bind(d.filed_by)
    .bind(d.filed_as.code())
    .bind(d.facility_id)
    .bind(d.municipality_id)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let created = NewEvent {
        request_id: &id,
        at: now,
        actor_id: Some(d.filed_by),
        by: Actor::Requester,
        event: "created",
        from: None,
        to: Some(RequestState::Draft),
        detail: "",
    };
    add_event(conn, &created).await?;
    Ok(id)
}

/// Saves a draft's answers. Only the filer's own drafts change: `false` otherwise.
pub(crate) async fn write_draft_answers(conn: &mut AnyConnection, d: &DraftAnswers<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE requests SET answers = $1, subject_id = $2, filed_as = $3, facility_id = $4, insurer_id = $5, reason = $6, \
         subject_birth_date = $7, updated_at = $8 WHERE id = $9 AND filed_by = $10 \
         AND (state = 'draft' OR ($11 = 1 AND state = 'returned'))",
    )
    .bind(d.answers_json)
    .bind(d.subject_id)
    .bind(d.filed_as.code())
    .bind(d.facility_id)
    .bind(d.insurer_id)
    .bind(d.reason)
    .bind(d.birth_date)
    .bind(d.now)
    .bind(d.id)
    .bind(d.filed_by)
    .bind(i64::from(d.also_returned))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the answers of a request while it is in `state` (a correction). `false`: it is not.
pub(crate) async fn replace_answers(
    conn: &mut AnyConnection,
    id: &str,
    state: RequestState,
    answers_json: &str,
    birth_date: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let saved = sqlx::query("UPDATE requests SET answers = $1, subject_birth_date = $2 WHERE id = $3 AND state = $4")
        .bind(answers_json)
        .bind(birth_date)
        .bind(id)
        .bind(state.code())
        .execute(conn)
        .await?;
    Ok(saved.rows_affected() == 1)
}

/// A request by id for the service, whoever asks (the service's callers have checked who may act on it).
pub(crate) async fn request_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM requests r WHERE r.id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The e-mail address and language of a person, if they have an address: where a request's update mail goes.
pub(crate) async fn filer_contact(
    conn: &mut AnyConnection,
    person_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let found: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT email, preferred_locale FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.and_then(|(email, locale)| email.map(|e| (e, locale))))
}

/// The change of state itself, guarded by the state it comes from, with its timeline line. `false` when the
/// state has moved on (nothing written). The audit line and the e-mail are the service's.
pub(crate) async fn move_state(conn: &mut AnyConnection, c: &StateChange<'_>) -> Result<bool, sqlx::Error> {
    let submitted_at = if c.to == RequestState::Submitted { Some(c.now) } else { None };
    let decision = if matches!(c.to, RequestState::Declined | RequestState::Issued | RequestState::Returned) {
        Some(c.decision.unwrap_or(c.detail))
    } else {
        None
    };
    let done = sqlx::query(
        "UPDATE requests SET state = $1, updated_at = $2, submitted_at = COALESCE($3, submitted_at), \
         decision_reason = COALESCE($4, decision_reason) WHERE id = $5 AND state = $6",
    )
    .bind(c.to.code())
    .bind(c.now)
    .bind(submitted_at)
    .bind(decision)
    .bind(c.id)
    .bind(c.from.code())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let event = NewEvent {
        request_id: c.id,
        at: c.now,
        actor_id: c.actor_id,
        by: c.by,
        event: c.event.unwrap_or(c.to.code()),
        from: Some(c.from),
        to: Some(c.to),
        detail: c.detail,
    };
    add_event(conn, &event).await?;
    Ok(true)
}

/// Writes one timeline line. Only the service calls this.
pub(crate) async fn add_event(conn: &mut AnyConnection, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (id, request_id, at, actor_id, actor_role, event, from_state, to_state, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(e.request_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.by.code())
    .bind(e.event)
    .bind(e.from.map(|s| s.code()))
    .bind(e.to.map(|s| s.code()))
    .bind(e.detail)
    .execute(conn)
    .await
    .map(|_| ())
}

impl Store {
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
    pub async fn latest_draft(&self, kind: RequestKind, filed_by: &str) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM requests r WHERE r.kind = $1 AND r.filed_by = $2 AND r.state = 'draft' ORDER BY r.updated_at DESC, r.id LIMIT 1"
        )))
        .bind(kind.code())
        .bind(filed_by)
        .fetch_optional(self.pool())
        .await
    }

    /// A submitted request, if `viewer` may see it today; `None` otherwise (the page answers 404 either way).
    pub async fn visible_request(&self, id: &str, viewer: &str) -> Result<Option<RequestRow>, sqlx::Error> {
        let rule = visible_to_viewer(Params { viewer: "$1", today: "$3" });
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM requests r WHERE r.id = $2 AND r.state <> 'draft' AND {rule}"
        )))
        .bind(viewer)
        .bind(id)
        .bind(self.clock().today().to_string())
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
        .bind(self.clock().today().to_string())
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
            .bind(self.clock().today().to_string())
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
             WHERE r.reference = $1 AND r.state <> 'draft' AND (p.birth_date = $2 OR r.subject_birth_date = $2)"
        )))
        .bind(reference)
        .bind(birth_date)
        .fetch_optional(self.pool())
        .await
    }
}
