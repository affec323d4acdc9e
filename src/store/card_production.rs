//! Express card requests on the issuing side: the municipality's queue and decisions, the production at the
//! issuing body (`card_productions`), its signed callbacks applied once each (`card_production_callbacks`), and
//! the dashboard's figures. The writes that go with a change of the request (the order on acceptance, each
//! callback's stage) are the request service's (`requests::service`), in its transaction.

use sqlx::AnyConnection;

use super::Store;
use super::accounts::{AuditEntry, append_audit};
use crate::issuing::Callback;

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

/// Which page of the express queue: the first, the one after a row's (submitted_at, id), or the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueuePage<'a> {
    First,
    Later((i64, &'a str)),
    Earlier((i64, &'a str)),
}

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

/// One row of the dashboard's counts.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CountRow {
    pub reason: String,
    pub state: String,
    pub today: i64,
    pub week: i64,
}

impl Store {
    /// One page of the express card requests of these municipalities still waiting for the officer or being
    /// produced, oldest first. Keyset pagination over (submitted_at, id): `Later(cursor)` reads the rows after
    /// the cursor, `Earlier(cursor)` those before it (returned oldest first too); `limit + 1` rows are read to
    /// tell whether there are more that way.
    pub async fn express_queue(
        &self,
        municipalities: &[&str],
        page: QueuePage<'_>,
        limit: i64,
    ) -> Result<Vec<ExpressRow>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(5, municipalities.len());
        let (keyset, order) = match page {
            QueuePage::First => ("", "ASC"),
            QueuePage::Later(_) => {
                ("AND (COALESCE(r.submitted_at, 0) > $3 OR (COALESCE(r.submitted_at, 0) = $3 AND r.id > $4))", "ASC")
            }
            QueuePage::Earlier(_) => {
                ("AND (COALESCE(r.submitted_at, 0) < $3 OR (COALESCE(r.submitted_at, 0) = $3 AND r.id < $4))", "DESC")
            }
        };
        let (at, id) = match page {
            QueuePage::First => (0, ""),
            QueuePage::Later(c) | QueuePage::Earlier(c) => c,
        };
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EXPRESS_COLUMNS} {EXPRESS_FROM} WHERE r.kind = $1 AND r.municipality_id IN ({list}) \
             AND (r.state IN ('submitted', 'returned') OR (r.state = 'in_review' AND cp.stage <> 'delivered')) \
             {keyset} ORDER BY COALESCE(r.submitted_at, 0) {order}, r.id {order} LIMIT $2"
        )))
        .bind("card")
        .bind(limit + 1)
        .bind(at)
        .bind(id);
        for m in municipalities {
            q = q.bind(*m);
        }
        let mut rows: Vec<ExpressRow> = q.fetch_all(self.pool()).await?;
        if matches!(page, QueuePage::Earlier(_)) {
            rows.reverse();
        }
        Ok(rows)
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

    /// (submitted, mailed) times of the express cards mailed since `since_ms` for these municipalities: one query.
    /// Ordinary applications taken at an outreach session are not express and do not count.
    pub async fn mailing_times(&self, municipalities: &[&str], since_ms: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(2, municipalities.len());
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT r.submitted_at, cp.mailed_at FROM card_productions cp JOIN requests r ON r.id = cp.request_id \
             WHERE cp.mailed_at >= $1 AND r.submitted_at IS NOT NULL AND r.reason <> 'outreach' \
             AND cp.municipality_id IN ({list})"
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

/// The production order of an accepted card request, waiting for the issuing body (a request accepted again
/// after a failed production starts a new one).
pub(crate) struct NewOrder<'a> {
    pub request_id: &'a str,
    pub municipality_id: &'a str,
    pub officer_id: Option<&'a str>,
    pub now: i64,
    pub today: chrono::NaiveDate,
}

pub(crate) async fn order_production(conn: &mut AnyConnection, o: &NewOrder<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM card_production_callbacks WHERE request_id = $1")
        .bind(o.request_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM card_productions WHERE request_id = $1").bind(o.request_id).execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO card_productions (request_id, municipality_id, stage, accepted_by, accepted_at, accepted_on, updated_at) \
         VALUES ($1, $2, 'waiting', $3, $4, $5, $4)",
    )
    .bind(o.request_id)
    .bind(o.municipality_id)
    .bind(o.officer_id.unwrap_or(""))
    .bind(o.now)
    .bind(o.today.to_string())
    .execute(conn)
    .await
    .map(|_| ())
}

/// Where a production stands: (stage, last applied sequence, signed time of the last applied report).
pub(crate) async fn production_position(
    conn: &mut AnyConnection,
    request_id: &str,
) -> Result<Option<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT stage, last_sequence, last_signed_at FROM card_productions WHERE request_id = $1")
        .bind(request_id)
        .fetch_optional(conn)
        .await
}

/// The event of the report with this sequence number, if one was applied.
pub(crate) async fn applied_report(
    conn: &mut AnyConnection,
    request_id: &str,
    sequence: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT event FROM card_production_callbacks WHERE request_id = $1 AND sequence = $2")
        .bind(request_id)
        .bind(sequence)
        .fetch_optional(conn)
        .await
}

/// Moves the production to the report's stage and keeps the report, guarded by the sequence read before:
/// of two nodes applying the same report, one changes the row (`false` for the other).
pub(crate) async fn advance_production(
    conn: &mut AnyConnection,
    cb: &Callback,
    signed_at_ms: i64,
    last_sequence: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
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
    .bind(now)
    .bind(cb.tracking_number.as_deref())
    .bind(cb.failure_reason.as_deref())
    .bind(&cb.request_id)
    .bind(last_sequence)
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO card_production_callbacks (request_id, sequence, event, signed_at, received_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&cb.request_id)
    .bind(cb.sequence)
    .bind(cb.event.code())
    .bind(signed_at_ms)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Marks the request changed (a production stage that does not change its state).
pub(crate) async fn touch_request(conn: &mut AnyConnection, request_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE requests SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(request_id)
        .execute(conn)
        .await
        .map(|_| ())
}
