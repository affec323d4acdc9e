//! Insurers' enrolment records: who is a member, under which symbol / number / branch, and when the insurer
//! registered them for online eligibility checks.

use sqlx::AnyConnection;

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
    let now = now_ms();
    sqlx::query(
        "INSERT INTO enrolments (id, insurer_id, symbol, number, branch, name, name_kana, birth_date, person_id, \
         postal_code, address, qualified_on, notified_on, via_employer, registered_on, card_registered, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
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
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
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
        let mut sql = String::from(
            "INSERT INTO enrolments (id, insurer_id, symbol, number, branch, name, name_kana, birth_date, person_id, \
             postal_code, address, qualified_on, notified_on, via_employer, registered_on, card_registered, created_at, \
             updated_at) VALUES ",
        );
        for row in 0..chunk.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for col in 0..INSERT_COLUMNS {
                if col > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", row * INSERT_COLUMNS + col + 1));
            }
            sql.push(')');
        }
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
