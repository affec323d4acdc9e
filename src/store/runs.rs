//! Issuance runs (push and renewal): the job rows, their leases, and the reads and writes of one batch. The
//! rules that decide each member's outcome are in `crate::issuance`; this module only moves rows.

use sqlx::AnyConnection;

use super::accounts::{AuditEntry, append_audit};
use super::{Backend, Store, new_id, now_ms};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RunRow {
    pub id: String,
    pub insurer_id: String,
    pub kind: String,
    pub state: String,
    pub as_of: String,
    pub total: i64,
    pub processed: i64,
    pub issued: i64,
    pub skipped: i64,
    pub failed: i64,
    pub skipped_ended: i64,
    pub skipped_card: i64,
    pub skipped_current: i64,
    pub skipped_ineligible: i64,
    pub last_key: String,
    pub started_by: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
}

const COLUMNS: &str = "id, insurer_id, kind, state, as_of, total, processed, issued, skipped, failed, skipped_ended, \
     skipped_card, skipped_current, skipped_ineligible, last_key, started_by, started_at, finished_at, lease_owner, \
     lease_until";

/// A member a push run looks at, with what decides their outcome.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PushCandidate {
    pub id: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub person_id: Option<String>,
    pub ended: i64,
    pub card_registered: i64,
    /// 1 when the member holds an unrevoked certificate of this insurer valid on the run's day, found by the
    /// enrolment record or by the account.
    pub has_current: i64,
}

/// A certificate a renewal run looks at.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RenewalCandidate {
    pub id: String,
    pub person_id: Option<String>,
    pub enrolment_id: Option<String>,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub insurer_number: String,
    pub insurer_name: String,
    pub valid_until: String,
    pub delivery: String,
    /// 1 when the enrolment record it was issued from says cover has ended.
    pub ended: i64,
}

/// What one batch did, added to the run's counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub processed: i64,
    pub issued: i64,
    pub failed: i64,
    pub skipped_ended: i64,
    pub skipped_card: i64,
    pub skipped_current: i64,
    pub skipped_ineligible: i64,
}

impl Tally {
    pub fn skipped(&self) -> i64 {
        self.skipped_ended + self.skipped_card + self.skipped_current + self.skipped_ineligible
    }
}

/// The push run's members: every enrolment record of the insurer, in id order. A current certificate is one
/// not revoked whose last day is the run's day or later (a renewal's successor that has not started yet counts).
/// Each EXISTS must find its rows by an index (`certificates_enrolment`, `certificates_holder`): an enrolment
/// belongs to one insurer, so the first needs no insurer condition, and one would lead SQLite to scan all the
/// insurer's certificates for every member.
const PUSH_CANDIDATES: &str = "SELECT e.id, e.symbol, e.number, e.branch, e.name, e.name_kana, e.birth_date, e.person_id, \
     CASE WHEN e.ended_on IS NULL THEN 0 ELSE 1 END AS ended, e.card_registered, \
     CASE WHEN EXISTS (SELECT 1 FROM certificates c WHERE c.enrolment_id = e.id AND c.revoked_at IS NULL \
         AND c.valid_until >= $3) \
       OR (e.person_id IS NOT NULL AND EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = e.person_id \
         AND c.insurer_id = e.insurer_id AND c.revoked_at IS NULL AND c.valid_until >= $3)) \
     THEN 1 ELSE 0 END AS has_current \
     FROM enrolments e WHERE e.insurer_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $4";

/// The renewal run's certificates: the insurer's, set to renew themselves, in force, without a successor,
/// ending within the window; not those this run has just issued.
const RENEWAL_WHERE: &str = "c.insurer_id = $1 AND c.auto_renew = 1 AND c.revoked_at IS NULL \
     AND c.replaced_by IS NULL AND c.valid_until >= $2 AND c.valid_until <= $3 AND COALESCE(c.run_id, '') <> $4";

impl Store {
    /// Starts a run with its audit line, unless one of that kind is already going on for the insurer (`None`).
    /// `window_end` is the last day a renewal run renews certificates ending on.
    pub async fn start_run(
        &self,
        insurer_id: &str,
        kind: &str,
        started_by: &str,
        as_of: &str,
        window_end: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let id = new_id();
        let (total,): (i64,) = if kind == "push" {
            sqlx::query_as("SELECT COUNT(*) FROM enrolments WHERE insurer_id = $1")
                .bind(insurer_id)
                .fetch_one(self.pool())
                .await?
        } else {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM certificates c WHERE {RENEWAL_WHERE}")))
                .bind(insurer_id)
                .bind(as_of)
                .bind(window_end)
                .bind(&id)
                .fetch_one(self.pool())
                .await?
        };
        let mut tx = self.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO issuance_runs (id, insurer_id, kind, state, as_of, total, started_by, started_at) \
             VALUES ($1, $2, $3, 'running', $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(insurer_id)
        .bind(kind)
        .bind(as_of)
        .bind(total)
        .bind(started_by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // The unique index on running runs: one of this kind is going on already.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                tx.rollback().await?;
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
        append_audit(&mut tx, &AuditEntry::new(Some(started_by), "run.started").organisation(insurer_id).detail(kind))
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    pub async fn run(&self, id: &str) -> Result<Option<RunRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM issuance_runs WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// The insurer's runs, newest first.
    pub async fn runs_of(&self, insurer_id: &str, limit: i64) -> Result<Vec<RunRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM issuance_runs WHERE insurer_id = $1 ORDER BY started_at DESC, id LIMIT $2"
        )))
        .bind(insurer_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// The running run of a kind for the insurer, if any.
    pub async fn running_run(&self, insurer_id: &str, kind: &str) -> Result<Option<RunRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM issuance_runs WHERE insurer_id = $1 AND kind = $2 AND state = 'running'"
        )))
        .bind(insurer_id)
        .bind(kind)
        .fetch_optional(self.pool())
        .await
    }

    /// Takes one running run nobody holds (never started, or its worker's lease ran out) for `owner` until
    /// `now + lease_ms`. One statement, so two workers never take the same run.
    pub async fn claim_run(&self, owner: &str, now: i64, lease_ms: i64) -> Result<Option<RunRow>, sqlx::Error> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE issuance_runs SET lease_owner = $1, lease_until = $2 \
             WHERE id IN (SELECT id FROM issuance_runs WHERE state = 'running' \
             AND (lease_until IS NULL OR lease_until <= $3) ORDER BY started_at, id LIMIT 1{lock}) \
             RETURNING {COLUMNS}"
        )))
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now)
        .fetch_optional(self.pool())
        .await
    }

    /// Gives a run back before its lease ends (a worker stopping), for another worker to take at once.
    pub async fn release_run(&self, id: &str, owner: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE issuance_runs SET lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(owner)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The first statement of a batch's transaction: extends the lease if `owner` still holds it, and returns the
/// run as it is now (its cursor). `None`: the lease is lost, and the batch must not go on. Being a write, it also
/// takes SQLite's write lock at the start of the batch.
pub async fn hold_lease(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    now: i64,
    lease_ms: i64,
) -> Result<Option<RunRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE issuance_runs SET lease_until = $1 \
         WHERE id = $2 AND lease_owner = $3 AND lease_until > $4 AND state = 'running' RETURNING {COLUMNS}"
    )))
    .bind(now + lease_ms)
    .bind(id)
    .bind(owner)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn push_candidates(
    conn: &mut AnyConnection,
    insurer_id: &str,
    after: &str,
    as_of: &str,
    limit: i64,
) -> Result<Vec<PushCandidate>, sqlx::Error> {
    sqlx::query_as(PUSH_CANDIDATES).bind(insurer_id).bind(after).bind(as_of).bind(limit).fetch_all(conn).await
}

/// Which certificates a renewal batch reads: the insurer's, after the cursor `after`, ending within the window
/// of a run on `as_of`, not yet renewed by run `run_id`; at most `limit`.
pub struct RenewalWindow<'a> {
    pub insurer_id: &'a str,
    pub after: &'a str,
    pub as_of: &'a str,
    pub window_end: &'a str,
    pub run_id: &'a str,
    pub limit: i64,
}

pub async fn renewal_candidates(
    conn: &mut AnyConnection,
    w: &RenewalWindow<'_>,
) -> Result<Vec<RenewalCandidate>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, c.person_id, c.enrolment_id, c.name, c.name_kana, c.birth_date, c.symbol, c.number, c.branch, \
         c.insurer_number, c.insurer_name, c.valid_until, c.delivery, \
         CASE WHEN e.ended_on IS NULL THEN 0 ELSE 1 END AS ended \
         FROM certificates c LEFT JOIN enrolments e ON e.id = c.enrolment_id \
         WHERE {RENEWAL_WHERE} AND c.id > $5 ORDER BY c.id LIMIT $6"
    )))
    .bind(w.insurer_id)
    .bind(w.as_of)
    .bind(w.window_end)
    .bind(w.run_id)
    .bind(w.after)
    .bind(w.limit)
    .fetch_all(conn)
    .await
}

/// Adds a batch to the run's counts and moves its cursor, if `owner` still holds it; `finished` ends the run
/// (its total becomes what it went through, and the lease is let go). `false`: the lease was lost.
pub async fn record_progress(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    t: &Tally,
    last_key: &str,
    finished: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE issuance_runs SET processed = processed + $1, issued = issued + $2, skipped = skipped + $3, \
         failed = failed + $4, skipped_ended = skipped_ended + $5, skipped_card = skipped_card + $6, \
         skipped_current = skipped_current + $7, skipped_ineligible = skipped_ineligible + $8, last_key = $9, \
         state = CASE WHEN $10 = 1 THEN 'finished' ELSE state END, \
         total = CASE WHEN $10 = 1 THEN processed + $1 ELSE total END, \
         finished_at = CASE WHEN $10 = 1 THEN $11 ELSE finished_at END, \
         lease_owner = CASE WHEN $10 = 1 THEN NULL ELSE lease_owner END, \
         lease_until = CASE WHEN $10 = 1 THEN NULL ELSE lease_until END \
         WHERE id = $12 AND lease_owner = $13 AND state = 'running'",
    )
    .bind(t.processed)
    .bind(t.issued)
    .bind(t.skipped())
    .bind(t.failed)
    .bind(t.skipped_ended)
    .bind(t.skipped_card)
    .bind(t.skipped_current)
    .bind(t.skipped_ineligible)
    .bind(last_key)
    .bind(i64::from(finished))
    .bind(now_ms())
    .bind(id)
    .bind(owner)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
