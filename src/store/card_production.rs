//! Express card requests on the issuing side: the municipality's queue and decisions, the production at the
//! issuing body (`card_productions`), its signed callbacks applied once each (`card_production_callbacks`), and
//! the dashboard's figures. Every stage change writes a timeline line and queues the applicant's e-mail in the
//! same transaction.

use sqlx::AnyConnection;

use super::accounts::{AuditEntry, append_audit};
use super::outbox::{NewMail, enqueue};
use super::{Store, new_id};
use crate::issuing::{Callback, ProductionEvent};
use crate::requests::{Actor, RequestState, TransitionRefused, check_transition};

/// The actor role written on timeline lines the issuing body causes.
pub const ISSUING_BODY_ROLE: &str = "issuing_body";

/// A card request in the municipality's queue or on its review page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExpressRow {
    pub id: String,
    pub reference: String,
    pub state: String,
    pub subject_id: String,
    pub subject_name: String,
    pub filed_by: String,
    pub municipality_id: String,
    pub submitted_at: Option<i64>,
    pub decision_reason: Option<String>,
    pub reason: String,
    pub trigger_date: String,
    pub card_type: String,
    pub photo_file: Option<String>,
    pub photo_exception: String,
    pub birth_date: Option<String>,
    pub stage: Option<String>,
    pub accepted_on: Option<String>,
    pub tracking_number: Option<String>,
    pub failure_reason: Option<String>,
}

const EXPRESS_COLUMNS: &str = "r.id, r.reference, r.state, r.subject_id, p.name AS subject_name, r.filed_by, \
     r.municipality_id, r.submitted_at, r.decision_reason, c.reason, c.trigger_date, c.card_type, c.photo_file, \
     c.photo_exception, p.birth_date, cp.stage, cp.accepted_on, cp.tracking_number, cp.failure_reason";

const EXPRESS_FROM: &str = "FROM requests r JOIN card_requests c ON c.request_id = r.id \
     JOIN people p ON p.id = r.subject_id LEFT JOIN card_productions cp ON cp.request_id = r.id";

/// A production waiting for the day's capacity, in queue order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WaitingRow {
    pub request_id: String,
    pub municipality_id: String,
    pub accepted_on: String,
}

/// What the issuing body is sent for one request.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRow {
    pub reference: String,
    pub reason: String,
    pub card_type: String,
    pub photo_file: Option<String>,
}

/// What became of one callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Applied; the photo file to delete when the card was delivered.
    Applied { photo_file: Option<String> },
    /// The same callback came before: nothing changed.
    AlreadyApplied,
    /// Not the next report for this request (a lower sequence, a stage out of order, an older timestamp).
    OutOfOrder,
    /// No production for this request.
    UnknownRequest,
}

/// The officer's acceptance: the request goes to review and its production waits for the issuing body.
pub struct Acceptance<'a> {
    pub request_id: &'a str,
    pub from: RequestState,
    pub officer_id: &'a str,
    pub municipality_id: &'a str,
    pub now_ms: i64,
    pub today: chrono::NaiveDate,
    pub mail: Option<NewMail>,
}

/// One row of the dashboard's counts.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CountRow {
    pub reason: String,
    pub state: String,
    pub today: i64,
    pub week: i64,
}

impl Store {
    /// The express card requests of these municipalities still waiting for the officer or being produced:
    /// oldest first.
    pub async fn express_queue(&self, municipalities: &[&str]) -> Result<Vec<ExpressRow>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(2, municipalities.len());
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EXPRESS_COLUMNS} {EXPRESS_FROM} WHERE r.kind = $1 AND r.municipality_id IN ({list}) \
             AND (r.state IN ('submitted', 'returned') OR (r.state = 'in_review' AND cp.stage <> 'delivered')) \
             ORDER BY r.submitted_at, r.id"
        )))
        .bind("card");
        for m in municipalities {
            q = q.bind(*m);
        }
        q.fetch_all(self.pool()).await
    }

    /// One express card request, if it belongs to one of these municipalities.
    pub async fn express_request(&self, id: &str, municipalities: &[&str]) -> Result<Option<ExpressRow>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(None);
        }
        let list = placeholders(3, municipalities.len());
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EXPRESS_COLUMNS} {EXPRESS_FROM} WHERE r.id = $1 AND r.kind = $2 AND r.state <> 'draft' \
             AND r.municipality_id IN ({list})"
        )))
        .bind(id)
        .bind("card");
        for m in municipalities {
            q = q.bind(*m);
        }
        q.fetch_optional(self.pool()).await
    }

    /// Accepts a card request: `from` → InReview under the state machine, its timeline and audit lines, the
    /// production row (waiting for the issuing body) and the e-mail, in one transaction.
    pub async fn accept_card_request(&self, a: Acceptance<'_>) -> Result<Result<(), TransitionRefused>, sqlx::Error> {
        let to = RequestState::InReview;
        if let Err(refused) = check_transition(a.from, to, Actor::Officer) {
            return Ok(Err(refused));
        }
        let mut tx = self.pool().begin().await?;
        let moved = sqlx::query(
            "UPDATE requests SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4 AND kind = 'card'",
        )
        .bind(to.code())
        .bind(a.now_ms)
        .bind(a.request_id)
        .bind(a.from.code())
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Err(TransitionRefused { from: a.from, to, by: Actor::Officer }));
        }
        // A request accepted again after a failed production starts a new one.
        sqlx::query("DELETE FROM card_production_callbacks WHERE request_id = $1")
            .bind(a.request_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM card_productions WHERE request_id = $1").bind(a.request_id).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO card_productions (request_id, municipality_id, stage, accepted_by, accepted_at, accepted_on, updated_at) \
             VALUES ($1, $2, 'waiting', $3, $4, $5, $4)",
        )
        .bind(a.request_id)
        .bind(a.municipality_id)
        .bind(a.officer_id)
        .bind(a.now_ms)
        .bind(a.today.to_string())
        .execute(&mut *tx)
        .await?;
        add_event(
            &mut tx,
            EventLine {
                request_id: a.request_id,
                at: a.now_ms,
                actor_id: Some(a.officer_id),
                role: Actor::Officer.code(),
                event: to.code(),
                from: Some(a.from),
                to: Some(to),
                detail: "accepted",
            },
        )
        .await?;
        audit_state(&mut tx, a.request_id, Some(a.officer_id), "in_review:accepted").await?;
        if let Some(m) = a.mail {
            enqueue(&mut tx, &m).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The productions waiting for the issuing body, in the order they were accepted.
    pub async fn waiting_productions(&self) -> Result<Vec<WaitingRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT request_id, municipality_id, accepted_on FROM card_productions WHERE stage = 'waiting' \
             ORDER BY accepted_at, request_id",
        )
        .fetch_all(self.pool())
        .await
    }

    /// The municipality of every production sent to the issuing body on `day`, for the day's capacity.
    pub async fn sent_on(&self, day: chrono::NaiveDate) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT municipality_id FROM card_productions WHERE sent_on = $1")
            .bind(day.to_string())
            .fetch_all(self.pool())
            .await
    }

    /// Takes a waiting production for sending (one node only); `false` when another took it first.
    pub async fn claim_production(
        &self,
        request_id: &str,
        now_ms: i64,
        today: chrono::NaiveDate,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE card_productions SET stage = 'sent', sent_at = $1, sent_on = $2, updated_at = $1 \
             WHERE request_id = $3 AND stage = 'waiting'",
        )
        .bind(now_ms)
        .bind(today.to_string())
        .bind(request_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a production back in the queue when the issuing body could not take it.
    pub async fn unclaim_production(&self, request_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE card_productions SET stage = 'waiting', sent_at = NULL, sent_on = NULL \
             WHERE request_id = $1 AND stage = 'sent' AND last_sequence = 0",
        )
        .bind(request_id)
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    pub async fn card_order(&self, request_id: &str) -> Result<Option<OrderRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT r.reference, c.reason, c.card_type, c.photo_file FROM requests r \
             JOIN card_requests c ON c.request_id = r.id WHERE r.id = $1",
        )
        .bind(request_id)
        .fetch_optional(self.pool())
        .await
    }

    /// The stage of a request's production, if it was accepted.
    pub async fn production_stage(&self, request_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT stage FROM card_productions WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(self.pool())
            .await
    }

    /// Applies one verified callback, once: the stage, its timeline line, the request's state when the card is
    /// mailed (InReview → Issued), the photo's removal when it is delivered, and the e-mail, in one transaction.
    /// `signed_at_ms` is the callback's signed timestamp; an older one than the last applied is out of order.
    pub async fn apply_production_callback(
        &self,
        cb: &Callback,
        signed_at_ms: i64,
        now_ms: i64,
        mail: Option<NewMail>,
    ) -> Result<CallbackOutcome, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let current: Option<(String, i64, i64)> =
            sqlx::query_as("SELECT stage, last_sequence, last_signed_at FROM card_productions WHERE request_id = $1")
                .bind(&cb.request_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((stage, last_sequence, last_signed_at)) = current else {
            tx.rollback().await?;
            return Ok(CallbackOutcome::UnknownRequest);
        };
        let seen: Option<String> =
            sqlx::query_scalar("SELECT event FROM card_production_callbacks WHERE request_id = $1 AND sequence = $2")
                .bind(&cb.request_id)
                .bind(cb.sequence)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(event) = seen {
            tx.rollback().await?;
            return Ok(if event == cb.event.code() {
                CallbackOutcome::AlreadyApplied
            } else {
                CallbackOutcome::OutOfOrder
            });
        }
        if cb.sequence != last_sequence + 1 || signed_at_ms < last_signed_at || !cb.event.follows(&stage) {
            tx.rollback().await?;
            return Ok(CallbackOutcome::OutOfOrder);
        }
        // Guarded by the sequence read above: of two nodes applying the same report, one changes the row.
        let moved = sqlx::query(
            "UPDATE card_productions SET stage = $1, last_sequence = $2, last_signed_at = $3, updated_at = $4, \
             tracking_number = COALESCE($5, tracking_number), failure_reason = COALESCE($6, failure_reason), \
             mailed_at = CASE WHEN $1 = 'mailed' THEN $4 ELSE mailed_at END, \
             delivered_at = CASE WHEN $1 = 'delivered' THEN $4 ELSE delivered_at END \
             WHERE request_id = $7 AND last_sequence = $8",
        )
        .bind(cb.event.code())
        .bind(cb.sequence)
        .bind(signed_at_ms)
        .bind(now_ms)
        .bind(cb.tracking_number.as_deref())
        .bind(cb.failure_reason.as_deref())
        .bind(&cb.request_id)
        .bind(last_sequence)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(CallbackOutcome::AlreadyApplied);
        }
        sqlx::query(
            "INSERT INTO card_production_callbacks (request_id, sequence, event, signed_at, received_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&cb.request_id)
        .bind(cb.sequence)
        .bind(cb.event.code())
        .bind(signed_at_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let detail = cb.tracking_number.as_deref().or(cb.failure_reason.as_deref()).unwrap_or("");
        let (from, to) = if cb.event == ProductionEvent::Mailed {
            let (from, to) = (RequestState::InReview, RequestState::Issued);
            if check_transition(from, to, Actor::Officer).is_err() {
                tx.rollback().await?;
                return Ok(CallbackOutcome::OutOfOrder);
            }
            let issued = sqlx::query(
                "UPDATE requests SET state = $1, updated_at = $2, decision_reason = $3 WHERE id = $4 AND state = $5",
            )
            .bind(to.code())
            .bind(now_ms)
            .bind(ProductionEvent::Mailed.code())
            .bind(&cb.request_id)
            .bind(from.code())
            .execute(&mut *tx)
            .await?;
            if issued.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(CallbackOutcome::OutOfOrder);
            }
            audit_state(&mut tx, &cb.request_id, None, "issued:mailed").await?;
            (Some(from), Some(to))
        } else {
            sqlx::query("UPDATE requests SET updated_at = $1 WHERE id = $2")
                .bind(now_ms)
                .bind(&cb.request_id)
                .execute(&mut *tx)
                .await?;
            (None, None)
        };
        add_event(
            &mut tx,
            EventLine {
                request_id: &cb.request_id,
                at: now_ms,
                actor_id: None,
                role: ISSUING_BODY_ROLE,
                event: cb.event.code(),
                from,
                to,
                detail,
            },
        )
        .await?;
        let photo_file =
            if cb.event == ProductionEvent::Delivered { take_card_photo(&mut tx, &cb.request_id).await? } else { None };
        if let Some(m) = mail {
            enqueue(&mut tx, &m).await?;
        }
        tx.commit().await?;
        Ok(CallbackOutcome::Applied { photo_file })
    }

    /// The `record.viewed` audit line of an officer opening a card request (`what`: `card_request` or
    /// `card_photo`), which the subject sees in their access log.
    pub async fn log_express_view(&self, officer_id: &str, r: &ExpressRow, what: &str) -> Result<(), sqlx::Error> {
        let detail = format!("{what}:{}", r.id);
        let mut conn = self.pool().acquire().await?;
        append_audit(
            &mut conn,
            &AuditEntry::new(Some(officer_id), "record.viewed")
                .subject(&r.subject_id)
                .organisation(&r.municipality_id)
                .detail(&detail),
        )
        .await
    }

    /// The reference number and filer of a card request, for its e-mails.
    pub async fn card_request_filer(&self, request_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT reference, filed_by FROM requests WHERE id = $1 AND kind = 'card'")
            .bind(request_id)
            .fetch_optional(self.pool())
            .await
    }

    /// The private file name of a card request's photo, if it has one.
    pub async fn card_photo_file(&self, request_id: &str) -> Result<Option<String>, sqlx::Error> {
        let file: Option<Option<String>> =
            sqlx::query_scalar("SELECT photo_file FROM card_requests WHERE request_id = $1")
                .bind(request_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(file.flatten())
    }

    /// Counts of card requests sent since `week_start_ms` by reason and state, with those since `today_start_ms`,
    /// for these municipalities: one query.
    pub async fn express_counts(
        &self,
        municipalities: &[&str],
        today_start_ms: i64,
        week_start_ms: i64,
    ) -> Result<Vec<CountRow>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(4, municipalities.len());
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT c.reason, r.state, \
             SUM(CASE WHEN r.submitted_at >= $2 THEN 1 ELSE 0 END) AS today, COUNT(*) AS week \
             FROM requests r JOIN card_requests c ON c.request_id = r.id \
             WHERE r.kind = $1 AND r.submitted_at >= $3 AND r.municipality_id IN ({list}) \
             GROUP BY c.reason, r.state ORDER BY c.reason, r.state"
        )))
        .bind("card")
        .bind(today_start_ms)
        .bind(week_start_ms);
        for m in municipalities {
            q = q.bind(*m);
        }
        q.fetch_all(self.pool()).await
    }

    /// (submitted, mailed) times of the cards mailed since `since_ms` for these municipalities: one query.
    pub async fn mailing_times(&self, municipalities: &[&str], since_ms: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(2, municipalities.len());
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT r.submitted_at, cp.mailed_at FROM card_productions cp JOIN requests r ON r.id = cp.request_id \
             WHERE cp.mailed_at >= $1 AND r.submitted_at IS NOT NULL AND cp.municipality_id IN ({list})"
        )))
        .bind(since_ms);
        for m in municipalities {
            q = q.bind(*m);
        }
        let rows: Vec<(Option<i64>, Option<i64>)> = q.fetch_all(self.pool()).await?;
        Ok(rows.into_iter().filter_map(|(a, b)| Some((a?, b?))).collect())
    }
}

/// `$first, $first+1, …`, `count` of them.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// NULLs the photo column of a delivered card and returns the file name to delete after the commit. (The
/// residents' side owns photos; this is the issuing side's part of "deleted when the card is delivered".)
async fn take_card_photo(conn: &mut AnyConnection, request_id: &str) -> Result<Option<String>, sqlx::Error> {
    let file: Option<Option<String>> = sqlx::query_scalar("SELECT photo_file FROM card_requests WHERE request_id = $1")
        .bind(request_id)
        .fetch_optional(&mut *conn)
        .await?;
    sqlx::query("UPDATE card_requests SET photo_file = NULL WHERE request_id = $1")
        .bind(request_id)
        .execute(&mut *conn)
        .await?;
    Ok(file.flatten())
}

struct EventLine<'a> {
    request_id: &'a str,
    at: i64,
    actor_id: Option<&'a str>,
    role: &'a str,
    event: &'a str,
    from: Option<RequestState>,
    to: Option<RequestState>,
    detail: &'a str,
}

async fn add_event(conn: &mut AnyConnection, e: EventLine<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (id, request_id, at, actor_id, actor_role, event, from_state, to_state, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(e.request_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.role)
    .bind(e.event)
    .bind(e.from.map(|s| s.code()))
    .bind(e.to.map(|s| s.code()))
    .bind(e.detail)
    .execute(conn)
    .await
    .map(|_| ())
}

async fn audit_state(
    conn: &mut AnyConnection,
    request_id: &str,
    actor_id: Option<&str>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let subject: String = sqlx::query_scalar("SELECT subject_id FROM requests WHERE id = $1")
        .bind(request_id)
        .fetch_one(&mut *conn)
        .await?;
    append_audit(conn, &AuditEntry::new(actor_id, "request.state").subject(&subject).detail(detail)).await
}

/// An officer's return of a card request for correction.
pub struct CardReturn<'a> {
    pub request_id: &'a str,
    pub from: RequestState,
    pub officer_id: &'a str,
    /// The return reason's message id, kept as the decision and in the timeline.
    pub reason: &'a str,
    pub mail: Option<NewMail>,
    pub now_ms: i64,
}

impl Store {
    /// Sends a card request back to the applicant: state and timeline line, audit line and mail, together.
    pub async fn return_card_request(&self, r: CardReturn<'_>) -> Result<Result<(), TransitionRefused>, sqlx::Error> {
        let to = RequestState::Returned;
        if let Err(refused) = check_transition(r.from, to, Actor::Officer) {
            return Ok(Err(refused));
        }
        let mut tx = self.pool().begin().await?;
        let change = super::requests::StateChange {
            id: r.request_id,
            from: r.from,
            to,
            actor_id: Some(r.officer_id),
            by: Actor::Officer,
            detail: r.reason,
            now: r.now_ms,
        };
        if !super::requests::move_state(&mut tx, &change).await? {
            tx.rollback().await?;
            return Ok(Err(TransitionRefused { from: r.from, to, by: Actor::Officer }));
        }
        audit_state(&mut tx, r.request_id, Some(r.officer_id), &format!("returned:{}", r.reason)).await?;
        if let Some(mail) = &r.mail {
            enqueue(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }
}
