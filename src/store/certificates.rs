//! Issued qualification certificates (資格確認書). A certificate is written in the same transaction as the
//! decision that issues it (`Store::transition_issuing`); a new one for the same person and insurer revokes
//! the one before.

use sqlx::AnyConnection;

use super::{Store, now_ms};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: String,
    /// `None` for certificates from a push or renewal run.
    pub request_id: Option<String>,
    /// `None` when the holder has no account here.
    pub person_id: Option<String>,
    pub enrolment_id: Option<String>,
    pub insurer_id: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub insurer_number: String,
    pub insurer_name: String,
    pub issued_on: String,
    pub valid_from: String,
    pub valid_until: String,
    pub delivery: String,
    pub revoked_at: Option<i64>,
    pub replaced_by: Option<String>,
    pub code: String,
    pub auto_renew: i64,
    pub reminded_at: Option<i64>,
    pub run_id: Option<String>,
    pub created_at: i64,
}

pub const COLUMNS: &str = "id, request_id, person_id, enrolment_id, insurer_id, name, name_kana, birth_date, symbol, \
     number, branch, insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, revoked_at, replaced_by, \
     code, auto_renew, reminded_at, run_id, created_at";

/// A certificate to issue: the printed items, already checked.
#[derive(Clone, Debug)]
pub struct NewCertificate {
    pub id: String,
    pub person_id: Option<String>,
    pub enrolment_id: Option<String>,
    pub insurer_id: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub insurer_number: String,
    pub insurer_name: String,
    pub issued_on: String,
    pub valid_from: String,
    pub valid_until: String,
    pub delivery: String,
    pub code: String,
    pub auto_renew: bool,
    pub run_id: Option<String>,
}

/// Writes the certificate (for `request_id`, or from a run when `None`), revoking the holder's earlier one from
/// the same insurer: the holder is the account when there is one, else the enrolment record.
pub async fn issue_certificate(
    conn: &mut AnyConnection,
    request_id: Option<&str>,
    c: &NewCertificate,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "UPDATE certificates SET revoked_at = $1, replaced_by = $2 \
         WHERE insurer_id = $3 AND revoked_at IS NULL AND (person_id = $4 OR enrolment_id = $5)",
    )
    .bind(now)
    .bind(&c.id)
    .bind(&c.insurer_id)
    .bind(&c.person_id)
    .bind(&c.enrolment_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO certificates (id, request_id, person_id, enrolment_id, insurer_id, name, name_kana, birth_date, \
         symbol, number, branch, insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, \
         auto_renew, run_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
    )
    .bind(&c.id)
    .bind(request_id)
    .bind(&c.person_id)
    .bind(&c.enrolment_id)
    .bind(&c.insurer_id)
    .bind(&c.name)
    .bind(&c.name_kana)
    .bind(&c.birth_date)
    .bind(&c.symbol)
    .bind(&c.number)
    .bind(&c.branch)
    .bind(&c.insurer_number)
    .bind(&c.insurer_name)
    .bind(&c.issued_on)
    .bind(&c.valid_from)
    .bind(&c.valid_until)
    .bind(&c.delivery)
    .bind(&c.code)
    .bind(i64::from(c.auto_renew))
    .bind(&c.run_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // A request matched to an enrolment record tells the insurer whose record it is: link the account to it.
    if let (Some(person), Some(enrolment)) = (&c.person_id, &c.enrolment_id) {
        sqlx::query("UPDATE enrolments SET person_id = $1, updated_at = $2 WHERE id = $3 AND person_id IS NULL")
            .bind(person)
            .bind(now)
            .bind(enrolment)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Store {
    /// A certificate by id, for anyone: callers check that the viewer may see its request.
    pub async fn certificate(&self, id: &str) -> Result<Option<CertificateRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM certificates WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn certificate_by_code(&self, code: &str) -> Result<Option<CertificateRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM certificates WHERE code = $1")))
            .bind(code)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn certificates_of_request(&self, request_id: &str) -> Result<Vec<CertificateRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM certificates WHERE request_id = $1 ORDER BY created_at, id"
        )))
        .bind(request_id)
        .fetch_all(self.pool())
        .await
    }

    /// The insurer's own setting: how many months a certificate it issues is valid by default.
    pub async fn insurer_for_certificates(
        &self,
        id: &str,
    ) -> Result<Option<(String, String, String, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT number, name_ja, name_en, certificate_default_months FROM insurers WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// The open certificate requests of one insurer, oldest first.
    pub async fn certificate_queue(&self, insurer_id: &str) -> Result<Vec<super::requests::QueueRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT r.id, r.reference, r.state, r.reason, p.name AS subject_name, COALESCE(r.submitted_at, r.created_at) AS submitted_at \
             FROM requests r JOIN people p ON p.id = r.subject_id \
             WHERE r.kind = 'certificate' AND r.insurer_id = $1 AND r.state IN ('submitted', 'in_review') \
             ORDER BY COALESCE(r.submitted_at, r.created_at), r.id",
        )
        .bind(insurer_id)
        .fetch_all(self.pool())
        .await
    }
}
