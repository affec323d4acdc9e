//! Insurers' enrolment records: who is a member, under which symbol / number / branch, and when the insurer
//! registered them for online eligibility checks.

use sqlx::AnyConnection;

use super::accounts::{AuditEntry, append_audit};
use super::{Store, now_ms};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub id: String,
    pub insurer_id: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub person_id: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub qualified_on: String,
    pub notified_on: String,
    pub via_employer: i64,
    pub registered_on: Option<String>,
    pub card_registered: i64,
    pub ended_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const COLUMNS: &str = "id, insurer_id, symbol, number, branch, name, name_kana, birth_date, person_id, postal_code, \
     address, qualified_on, notified_on, via_employer, registered_on, card_registered, ended_on, created_at, updated_at";

/// A member to record, already checked.
#[derive(Clone, Debug)]
pub struct NewEnrolment {
    pub id: String,
    pub insurer_id: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub person_id: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub qualified_on: String,
    pub notified_on: String,
    pub via_employer: bool,
    pub registered_on: Option<String>,
    pub card_registered: bool,
}

pub async fn insert_enrolment(conn: &mut AnyConnection, e: &NewEnrolment) -> Result<(), sqlx::Error> {
    insert_enrolments(conn, std::slice::from_ref(e)).await
}

/// The columns one enrolment takes in a multi-row insert, and rows per statement (well under both databases'
/// limits on bound parameters).
const INSERT_COLUMNS: usize = 18;
const ROWS_PER_INSERT: usize = 500;

/// Records many members at once (an insurer's import), a few hundred rows a statement, on the caller's
/// connection or transaction.
pub async fn insert_enrolments(conn: &mut AnyConnection, members: &[NewEnrolment]) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for chunk in members.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO enrolments (id, insurer_id, symbol, number, branch, name, name_kana, birth_date, person_id, \
             postal_code, address, qualified_on, notified_on, via_employer, registered_on, card_registered, created_at, \
             updated_at) VALUES {}",
            super::values_placeholders(super::Backend::of(conn), chunk.len(), INSERT_COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            q = q
                .bind(&e.id)
                .bind(&e.insurer_id)
                .bind(&e.symbol)
                .bind(&e.number)
                .bind(&e.branch)
                .bind(&e.name)
                .bind(&e.name_kana)
                .bind(&e.birth_date)
                .bind(&e.person_id)
                .bind(&e.postal_code)
                .bind(&e.address)
                .bind(&e.qualified_on)
                .bind(&e.notified_on)
                .bind(i64::from(e.via_employer))
                .bind(&e.registered_on)
                .bind(i64::from(e.card_registered))
                .bind(now)
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Store {
    pub async fn enrolment(&self, id: &str) -> Result<Option<EnrolmentRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM enrolments WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }
}

/// The records a request is checked against: the insurer's records with the same 記号・番号, or the same date of
/// birth. The rule itself is `crate::requests::enrolment_match::check`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CandidateRow {
    pub id: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub ended_on: Option<String>,
}

/// The dates the registration-lag rule looks at, with what the monitor lists.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LagRow {
    pub id: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub qualified_on: String,
    pub notified_on: String,
    pub via_employer: i64,
    pub registered_on: Option<String>,
}

/// A member's own record, with the insurer's name, for the resident's page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OwnEnrolmentRow {
    pub id: String,
    pub insurer_name_ja: String,
    pub insurer_name_en: String,
    pub insurer_name_easy: String,
    pub qualified_on: String,
    pub notified_on: String,
    pub via_employer: i64,
    pub registered_on: Option<String>,
    /// 1: the member's My Number Card is registered as their insurance card.
    pub card_registered: i64,
}

/// Records shown in a list at once; the page says how many there are in all.
pub const LIST_LIMIT: i64 = 50;

impl Store {
    /// One of the given insurers' records; `None` for anyone else's (the page answers 404).
    pub async fn enrolment_of(&self, id: &str, insurers: &[&str]) -> Result<Option<EnrolmentRow>, sqlx::Error> {
        Ok(self.enrolment(id).await?.filter(|e| insurers.contains(&e.insurer_id.as_str())))
    }

    /// An insurer's records whose 番号 starts with `number`, or whose name or フリガナ contains `name` or
    /// `kana` (all optional: empty finds everything), newest notification first, at most [`LIST_LIMIT`]; and
    /// how many there are in all.
    pub async fn search_enrolments(
        &self,
        insurer_id: &str,
        number: &str,
        name: &str,
        kana: &str,
    ) -> Result<(Vec<EnrolmentRow>, i64), sqlx::Error> {
        // ESCAPE: a `%` or `_` someone types is looked for, not taken as a wildcard.
        let filter = "insurer_id = $1 AND ($2 = '' \
             OR number LIKE $3 ESCAPE '\\' OR (symbol || number) LIKE $3 ESCAPE '\\' \
             OR ($4 <> '' AND name LIKE $4 ESCAPE '\\') \
             OR ($5 <> '' AND REPLACE(REPLACE(name_kana, ' ', ''), '\u{3000}', '') LIKE $5 ESCAPE '\\'))";
        let like = |s: &str| if s.is_empty() { String::new() } else { format!("%{}%", super::like_literal(s)) };
        let (num, name, kana) = (format!("{}%", super::like_literal(number)), like(name), like(kana));
        let any = if number.is_empty() && name.is_empty() && kana.is_empty() { "" } else { "x" };
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM enrolments WHERE {filter} ORDER BY notified_on DESC, id LIMIT {LIST_LIMIT}"
        )))
        .bind(insurer_id)
        .bind(any)
        .bind(if number.is_empty() { "" } else { num.as_str() })
        .bind(&name)
        .bind(&kana)
        .fetch_all(self.pool())
        .await?;
        let (total,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM enrolments WHERE {filter}")))
                .bind(insurer_id)
                .bind(any)
                .bind(if number.is_empty() { "" } else { num.as_str() })
                .bind(&name)
                .bind(&kana)
                .fetch_one(self.pool())
                .await?;
        Ok((rows, total))
    }

    /// Whether the insurer already has a record under this 記号・番号・枝番.
    pub async fn enrolment_exists(
        &self,
        insurer_id: &str,
        symbol: &str,
        number: &str,
        branch: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM enrolments WHERE insurer_id = $1 AND symbol = $2 AND number = $3 AND branch = $4",
        )
        .bind(insurer_id)
        .bind(symbol)
        .bind(number)
        .bind(branch)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Records a member, with its audit line (the officer as actor, the insurer as organisation), in one
    /// transaction.
    pub async fn add_enrolment(&self, e: &NewEnrolment, officer_id: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        insert_enrolment(&mut tx, e).await?;
        let mut line = AuditEntry::new(Some(officer_id), "enrolment.created").organisation(&e.insurer_id).detail(&e.id);
        if let Some(p) = &e.person_id {
            line = line.subject(p);
        }
        append_audit(&mut tx, &line).await?;
        tx.commit().await
    }

    /// Marks an unregistered record as registered on `on`, with its audit line, in one transaction. False when
    /// it is not one of the insurer's or was registered already (nothing is written then).
    pub async fn mark_enrolment_registered(
        &self,
        id: &str,
        insurer_id: &str,
        on: &str,
        officer_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE enrolments SET registered_on = $1, updated_at = $2 \
             WHERE id = $3 AND insurer_id = $4 AND registered_on IS NULL",
        )
        .bind(on)
        .bind(now_ms())
        .bind(id)
        .bind(insurer_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        let (person,): (Option<String>,) =
            sqlx::query_as("SELECT person_id FROM enrolments WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        let mut line = AuditEntry::new(Some(officer_id), "enrolment.registered").organisation(insurer_id).detail(id);
        if let Some(p) = &person {
            line = line.subject(p);
        }
        append_audit(&mut tx, &line).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The insurer's records a request with this 記号・番号 and date of birth could be about.
    pub async fn enrolment_candidates(
        &self,
        insurer_id: &str,
        symbol: &str,
        number: &str,
        birth_date: &str,
    ) -> Result<Vec<CandidateRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, symbol, number, branch, name, name_kana, birth_date, ended_on FROM enrolments \
             WHERE insurer_id = $1 AND ((symbol = $2 AND number = $3) OR birth_date = $4) ORDER BY symbol, number, branch, id",
        )
        .bind(insurer_id)
        .bind(symbol)
        .bind(number)
        .bind(birth_date)
        .fetch_all(self.pool())
        .await
    }

    /// Every record of the insurer, with the dates of the registration-lag rule, oldest notification first.
    pub async fn enrolment_lag_rows(&self, insurer_id: &str) -> Result<Vec<LagRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, symbol, number, branch, name, qualified_on, notified_on, via_employer, registered_on \
             FROM enrolments WHERE insurer_id = $1 ORDER BY notified_on, id",
        )
        .bind(insurer_id)
        .fetch_all(self.pool())
        .await
    }

    /// The records that name this person as the member, whose cover has not ended before `today`, newest first.
    /// The person's own record in term at one insurer (the newest), for their check-your-answers page.
    pub async fn own_enrolment_at(
        &self,
        person_id: &str,
        insurer_id: &str,
        today: &str,
    ) -> Result<Option<EnrolmentRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM enrolments WHERE person_id = $1 AND insurer_id = $2 \
             AND (ended_on IS NULL OR ended_on >= $3) ORDER BY qualified_on DESC, id LIMIT 1"
        )))
        .bind(person_id)
        .bind(insurer_id)
        .bind(today)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn enrolments_of_person(
        &self,
        person_id: &str,
        today: &str,
    ) -> Result<Vec<OwnEnrolmentRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT e.id, i.name_ja AS insurer_name_ja, i.name_en AS insurer_name_en, i.name_easy AS insurer_name_easy, e.qualified_on, e.notified_on, \
             e.via_employer, e.registered_on, e.card_registered FROM enrolments e JOIN insurers i ON i.id = e.insurer_id \
             WHERE e.person_id = $1 AND (e.ended_on IS NULL OR e.ended_on >= $2) ORDER BY e.qualified_on DESC, e.id",
        )
        .bind(person_id)
        .bind(today)
        .fetch_all(self.pool())
        .await
    }
}
