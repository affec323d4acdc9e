//! Issued qualification certificates (資格確認書). A certificate is written in the same transaction as the
//! decision that issues it (`crate::requests::service`); a new one for the same person and insurer revokes
//! the one before.

use sqlx::AnyConnection;

use super::Store;
use crate::access::sql::{Params, Record};
use crate::access::{self, RecordKind};

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

/// What a new certificate does to the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Supersedes<'a> {
    /// A reissue (an approval): every unrevoked certificate of the holder from the same insurer is revoked,
    /// with `replaced_by` pointing at the new one. The holder is the account when there is one, else the
    /// enrolment record.
    RevokingHoldersEarlier,
    /// A renewal: the certificate it follows gets `replaced_by`, but stays valid until its own last day, and
    /// the new one starts the day after.
    Following(&'a str),
    /// Nothing (a push run issues only to members who hold no current certificate).
    Nothing,
}

/// Writes the certificate (for `request_id`, or from a run when `None`), and updates the earlier ones as
/// `supersedes` says.
pub async fn issue_certificate(
    conn: &mut AnyConnection,
    request_id: Option<&str>,
    c: &NewCertificate,
    supersedes: Supersedes<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    match supersedes {
        Supersedes::RevokingHoldersEarlier => {
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
        }
        Supersedes::Following(old) => link_successor(&mut *conn, old, &c.id).await?,
        Supersedes::Nothing => {}
    }
    insert_rows(&mut *conn, request_id, std::slice::from_ref(c), now).await?;
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

/// Marks `old` as followed by `new` without revoking it (a renewal). Only a certificate with no successor yet.
pub async fn link_successor(conn: &mut AnyConnection, old: &str, new: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE certificates SET replaced_by = $1 WHERE id = $2 AND replaced_by IS NULL")
        .bind(new)
        .bind(old)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The columns one certificate takes in a multi-row insert.
const INSERT_COLUMNS: usize = 21;
/// Certificates per INSERT statement in a run's batch: few round trips, well under both databases' limits on
/// bound parameters (SQLite 32,766; PostgreSQL 65,535).
const ROWS_PER_INSERT: usize = 250;

/// Writes many certificates that need no request and supersede nothing (a run's batch), a few hundred rows a
/// statement.
pub async fn insert_certificates(
    conn: &mut AnyConnection,
    certificates: &[NewCertificate],
    now: i64,
) -> Result<(), sqlx::Error> {
    insert_rows(conn, None, certificates, now).await
}

/// The one INSERT of certificates, for one (an approval) or many (a run).
async fn insert_rows(
    conn: &mut AnyConnection,
    request_id: Option<&str>,
    certificates: &[NewCertificate],
    now: i64,
) -> Result<(), sqlx::Error> {
    for chunk in certificates.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO certificates (id, request_id, person_id, enrolment_id, insurer_id, name, name_kana, \
             birth_date, symbol, number, branch, insurer_number, insurer_name, issued_on, valid_from, valid_until, \
             delivery, code, auto_renew, run_id, created_at) VALUES {}",
            super::values_placeholders(super::Backend::of(conn), chunk.len(), INSERT_COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for c in chunk {
            q = q
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
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The holder of certificate `c`: its account, or the account its enrolment record is matched to.
pub(crate) const HOLDER: &str =
    "COALESCE(c.person_id, (SELECT e.person_id FROM enrolments e WHERE e.id = c.enrolment_id))";

/// Where a certificate `c` keeps what the access policy looks at: the holder, and the insurer whose
/// business it is.
const RECORD: Record<'static> =
    Record { kind: RecordKind::QualificationCertificate, subject: HOLDER, organisation: "c.insurer_id" };

/// A certificate as one viewer may see it.
pub struct VisibleCertificate {
    pub certificate: CertificateRow,
    /// The viewer holds it or acts for its holder (and may ask for it to renew itself).
    pub holder_side: bool,
}

impl Store {
    /// A certificate by id for `viewer`, under the access policy (`crate::access`): the holder's side (the
    /// holder, their representatives for qualification certificates today, their facility's staff while they
    /// live there and consent) and the officers of its insurer. `None` for anyone else.
    pub async fn visible_certificate(&self, id: &str, viewer: &str) -> Result<Option<VisibleCertificate>, sqlx::Error> {
        let Some(c) = self.certificate(id).await? else { return Ok(None) };
        let p = Params { viewer: "$1", today: "$3" };
        let (holder_side, officer): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT CASE WHEN {} THEN 1 ELSE 0 END, CASE WHEN {} THEN 1 ELSE 0 END FROM certificates c WHERE c.id = $2",
            access::sql::subject_side(p, RECORD),
            access::sql::organisation_side(p, RECORD)
        )))
        .bind(viewer)
        .bind(id)
        .bind(self.clock().today().to_string())
        .fetch_one(self.pool())
        .await?;
        let visible = holder_side == 1 || officer == 1;
        Ok(visible.then_some(VisibleCertificate { certificate: c, holder_side: holder_side == 1 }))
    }

    /// Turns automatic renewal on or off, for the holder's side only, on a certificate still in force with no
    /// successor yet; with its audit line. `false` when the certificate is not one they may change.
    pub async fn set_auto_renew(&self, id: &str, viewer: &str, on: bool, today: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let holder_side = access::sql::subject_side(Params { viewer: "$1", today: "$4" }, RECORD);
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE certificates SET auto_renew = $2 WHERE id IN (SELECT c.id FROM certificates c WHERE c.id = $3 \
             AND c.revoked_at IS NULL AND c.replaced_by IS NULL AND c.valid_until >= $4 AND {holder_side})"
        )))
        .bind(viewer)
        .bind(i64::from(on))
        .bind(id)
        .bind(today)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        let (holder,): (Option<String>,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {HOLDER} FROM certificates c WHERE c.id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let mut entry = super::accounts::AuditEntry::new(Some(viewer), "certificate.auto_renew").detail(if on {
            "on"
        } else {
            "off"
        });
        if let Some(holder) = holder.as_deref() {
            entry = entry.subject(holder);
        }
        super::accounts::append_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(true)
    }

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

    /// What an insurer's certificates print, and its own default validity.
    pub async fn insurer_for_certificates(&self, id: &str) -> Result<Option<InsurerPrinting>, sqlx::Error> {
        insurer_printing(&mut *self.pool().acquire().await?, id).await
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

    /// The certificates a person holds that are in force or still to come (a renewal), newest first: their own
    /// or, where the account is known only through an enrolment record, that record's. Run-issued certificates
    /// have no request, so this is how their holders find them.
    pub async fn current_certificates_of(
        &self,
        person_id: &str,
        today: &str,
    ) -> Result<Vec<HeldCertificate>, sqlx::Error> {
        sqlx::query_as(
            "SELECT c.id, c.insurer_name, COALESCE(i.name_en, '') AS insurer_name_en, \
             COALESCE(i.name_easy, '') AS insurer_name_easy, c.valid_from, c.valid_until FROM certificates c \
             LEFT JOIN insurers i ON i.id = c.insurer_id \
             WHERE (c.person_id = $1 OR c.enrolment_id IN (SELECT e.id FROM enrolments e WHERE e.person_id = $1)) \
             AND c.revoked_at IS NULL AND c.valid_until >= $2 ORDER BY c.valid_from DESC, c.id",
        )
        .bind(person_id)
        .bind(today)
        .fetch_all(self.pool())
        .await
    }
}

/// What an insurer's certificates print (its number and Japanese name), its English name, and how many months
/// a certificate it issues is valid by default.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InsurerPrinting {
    pub number: String,
    pub name_ja: String,
    pub name_en: String,
    pub default_months: i64,
}

/// [`InsurerPrinting`] inside the caller's transaction.
pub async fn insurer_printing(conn: &mut AnyConnection, id: &str) -> Result<Option<InsurerPrinting>, sqlx::Error> {
    sqlx::query_as(
        "SELECT number, name_ja, name_en, certificate_default_months AS default_months FROM insurers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A certificate as its holder's list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HeldCertificate {
    pub id: String,
    /// As printed (Japanese); the insurer's English and easy-Japanese names beside it (empty: none).
    pub insurer_name: String,
    pub insurer_name_en: String,
    pub insurer_name_easy: String,
    pub valid_from: String,
    pub valid_until: String,
}
