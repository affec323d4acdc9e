//! Bulk application batches (申請のとりまとめ): the uploaded rows with their typed values, parsed answers and
//! problems (JSON), kept between the preview, the fixes and the submit. A batch is read only through the
//! facilities of the staff member asking (another facility's batch is not found).

use sqlx::AnyConnection;

use super::{Store, new_id};
use crate::bulk::{Checked, Problem, TypedRow};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BatchRow {
    pub id: String,
    pub facility_id: String,
    pub file_name: String,
    pub state: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub rows: i64,
}

impl BatchRow {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
struct RawBulkRow {
    position: i64,
    typed: String,
    answers: String,
    problems: String,
    person_id: Option<String>,
    chosen: i64,
    request_id: Option<String>,
    reference: Option<String>,
    request_state: Option<String>,
}

/// One row of a batch, its JSON read.
#[derive(Clone, Debug)]
pub struct BulkRow {
    pub position: i64,
    pub typed: TypedRow,
    pub answers: crate::requests::certificate::CertificateAnswers,
    pub problems: Vec<Problem>,
    pub person_id: Option<String>,
    pub chosen: bool,
    pub request_id: Option<String>,
    pub reference: Option<String>,
    pub request_state: Option<String>,
}

impl BulkRow {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

fn unreadable(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// A new batch: its facility, who uploaded it, and its rows as checked.
pub struct NewBatch<'a> {
    pub facility_id: &'a str,
    pub created_by: &'a str,
    pub file_name: &'a str,
    pub rows: &'a [(TypedRow, Checked)],
}

const BATCH_COLUMNS: &str = "b.id, b.facility_id, b.file_name, b.state, b.created_at, b.submitted_at, \
     (SELECT COUNT(*) FROM bulk_rows r WHERE r.batch_id = b.id) AS rows";

/// `$1, $2, …` for the facilities a staff member works for, from `$first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Keeps an uploaded batch and its rows, in one transaction.
    pub async fn create_bulk_batch(&self, batch: &NewBatch<'_>) -> Result<String, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let id = insert_bulk_batch(&mut tx, batch, self.clock().now_ms()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The batches of these facilities, newest first.
    pub async fn bulk_batches(&self, facilities: &[&str]) -> Result<Vec<BatchRow>, sqlx::Error> {
        if facilities.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM bulk_batches b WHERE b.facility_id IN ({}) ORDER BY b.created_at DESC, b.id",
            placeholders(1, facilities.len())
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for f in facilities {
            q = q.bind(*f);
        }
        q.fetch_all(self.pool()).await
    }

    /// A batch of one of these facilities.
    pub async fn bulk_batch(&self, id: &str, facilities: &[&str]) -> Result<Option<BatchRow>, sqlx::Error> {
        if facilities.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM bulk_batches b WHERE b.id = $1 AND b.facility_id IN ({})",
            placeholders(2, facilities.len())
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id);
        for f in facilities {
            q = q.bind(*f);
        }
        q.fetch_optional(self.pool()).await
    }

    /// A batch's rows in file order, with the request each became.
    pub async fn bulk_rows(&self, batch_id: &str) -> Result<Vec<BulkRow>, sqlx::Error> {
        let raw: Vec<RawBulkRow> = sqlx::query_as(
            "SELECT r.position, r.typed, r.answers, r.problems, r.person_id, r.chosen, r.request_id, \
             q.reference, q.state AS request_state FROM bulk_rows r LEFT JOIN requests q ON q.id = r.request_id \
             WHERE r.batch_id = $1 ORDER BY r.position",
        )
        .bind(batch_id)
        .fetch_all(self.pool())
        .await?;
        raw.into_iter()
            .map(|r| {
                Ok(BulkRow {
                    position: r.position,
                    typed: serde_json::from_str(&r.typed).map_err(unreadable)?,
                    answers: serde_json::from_str(&r.answers).map_err(unreadable)?,
                    problems: serde_json::from_str(&r.problems).map_err(unreadable)?,
                    person_id: r.person_id,
                    chosen: r.chosen != 0,
                    request_id: r.request_id,
                    reference: r.reference,
                    request_state: r.request_state,
                })
            })
            .collect()
    }

    /// Replaces a row of an open batch with its fixed values as checked; a valid row becomes chosen. False when
    /// the batch is no longer open or has no such row.
    pub async fn update_bulk_row(
        &self,
        batch_id: &str,
        position: i64,
        typed: &TypedRow,
        checked: &Checked,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE bulk_rows SET typed = $1, answers = $2, problems = $3, person_id = $4, chosen = $5 \
             WHERE batch_id = $6 AND position = $7 \
             AND EXISTS (SELECT 1 FROM bulk_batches b WHERE b.id = $6 AND b.state = 'open')",
        )
        .bind(json(typed)?)
        .bind(json(&checked.answers)?)
        .bind(json(&checked.problems)?)
        .bind(checked.answers.for_whom.as_deref())
        .bind(i64::from(checked.is_valid()))
        .bind(batch_id)
        .bind(position)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Writes a batch and its rows inside the caller's transaction (the upload's own, or the demo data's).
pub async fn insert_bulk_batch(
    conn: &mut AnyConnection,
    batch: &NewBatch<'_>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO bulk_batches (id, facility_id, created_by, file_name, state, created_at) \
         VALUES ($1, $2, $3, $4, 'open', $5)",
    )
    .bind(&id)
    .bind(batch.facility_id)
    .bind(batch.created_by)
    .bind(batch.file_name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (i, (typed, checked)) in batch.rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO bulk_rows (batch_id, position, typed, answers, problems, person_id, chosen) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(i as i64 + 1)
        .bind(json(typed)?)
        .bind(json(&checked.answers)?)
        .bind(json(&checked.problems)?)
        .bind(checked.answers.for_whom.as_deref())
        .bind(i64::from(checked.is_valid()))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Marks an open batch submitted, inside the transaction that files its requests: true for the one caller that
/// moved it, false for every other (a second click, a reload, another tab), which must then write nothing.
pub async fn claim_bulk_batch(conn: &mut AnyConnection, id: &str, by: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bulk_batches SET state = 'submitted', submitted_at = $1, submitted_by = $2 \
         WHERE id = $3 AND state = 'open'",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records which rows staff chose to send and the request each became (none: not sent).
pub async fn record_bulk_row_sent(
    conn: &mut AnyConnection,
    batch_id: &str,
    position: i64,
    request_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bulk_rows SET chosen = $1, request_id = $2 WHERE batch_id = $3 AND position = $4")
        .bind(i64::from(request_id.is_some()))
        .bind(request_id)
        .bind(batch_id)
        .bind(position)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
