//! The 30-day expiry reminder of qualification certificates: which certificates are due, and reminding one
//! of them once. Several nodes may run the reminder job at the same time: the mark (`reminded_at`) is set by
//! a guarded `UPDATE … WHERE reminded_at IS NULL` that opens the transaction, so only one transaction wins
//! the certificate (PostgreSQL makes the loser wait on the row and then finds it taken; SQLite has one writer),
//! and the winner queues the mails in that same transaction.

use super::Store;
use super::certificates::HOLDER;
use super::outbox::{NewMail, enqueue};

/// A certificate whose holder (or representative) has yet to be reminded.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueCertificate {
    pub id: String,
    /// `None` for certificates from a push or renewal run: their page is not the request's.
    pub request_id: Option<String>,
    /// As printed on the certificate (Japanese).
    pub insurer_name: String,
    /// The insurer's names in English and easy Japanese (empty: none), for a mail in those languages.
    pub insurer_name_en: String,
    pub insurer_name_easy: String,
    pub valid_until: String,
    pub auto_renew: i64,
}

/// Someone to remind: the holder, or one of the holder's representatives.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Recipient {
    pub email: String,
    pub preferred_locale: String,
}

/// Who is reminded about a certificate: its holder, when they have an e-mail address; otherwise their
/// approved representatives whose authority covers qualification certificates and has not ended.
#[derive(Clone, Debug)]
pub enum Addressees {
    Holder(Recipient),
    /// The holder's name (as on their record), and the representatives.
    Representatives {
        holder_name: String,
        recipients: Vec<Recipient>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum RemindError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the reminder could not be written: {0}")]
    Compose(String),
}

/// The certificate is current and unreminded, and expires between `$1` (today) and `$2` (the last day of the
/// reminder window), both included. Used by the search and by the mark, so both agree.
const DUE: &str = "c.reminded_at IS NULL AND c.revoked_at IS NULL AND c.replaced_by IS NULL \
     AND c.valid_until >= $1 AND c.valid_until <= $2";

/// An authority over the holder (`rp`) that covers qualification certificates today (`$1`), under the access
/// policy, held by someone with an e-mail address (`rep`).
fn representative() -> String {
    let covers = crate::access::sql::authority_covers("rp", crate::access::RecordKind::QualificationCertificate, "$1");
    format!("{covers} AND rep.email IS NOT NULL")
}

impl Store {
    /// Up to `limit` certificates due a reminder on `today` (expiring by `last_day`) that someone can be
    /// e-mailed about, soonest expiry first. Holders with no e-mail and no representative with one are left
    /// out: their certificates are on paper, and the paper says when it expires.
    pub async fn certificates_to_remind(
        &self,
        today: &str,
        last_day: &str,
        limit: i64,
    ) -> Result<Vec<DueCertificate>, sqlx::Error> {
        let representative = representative();
        let sql = format!(
            "SELECT c.id, c.request_id, c.insurer_name, COALESCE(i.name_en, '') AS insurer_name_en, \
             COALESCE(i.name_easy, '') AS insurer_name_easy, c.valid_until, c.auto_renew FROM certificates c \
             LEFT JOIN insurers i ON i.id = c.insurer_id WHERE {DUE} AND EXISTS (SELECT 1 FROM people p WHERE p.id = {HOLDER} AND (p.email IS NOT NULL \
               OR EXISTS (SELECT 1 FROM representations rp JOIN people rep ON rep.id = rp.representative_id \
                          WHERE rp.ward_id = p.id AND {representative}))) \
             ORDER BY c.valid_until, c.id LIMIT $3"
        );
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(today).bind(last_day).bind(limit).fetch_all(self.pool()).await
    }

    /// Reminds about one certificate, once: in one transaction, marks it reminded (only if it is still due),
    /// finds whom to tell, and queues the mails `compose` writes for them. Returns how many were queued; 0 when
    /// another node reminded it first, it is no longer due, or nobody can be e-mailed (then nothing changes).
    pub async fn remind_certificate<F>(
        &self,
        id: &str,
        today: &str,
        last_day: &str,
        now: i64,
        compose: F,
    ) -> Result<usize, RemindError>
    where
        F: FnOnce(&Addressees) -> Result<Vec<NewMail>, String>,
    {
        let mut tx = self.pool().begin().await?;
        // The write comes first, so the transaction holds the row (PostgreSQL) or the database (SQLite) from
        // its first statement: a second node waits here, then finds the certificate reminded.
        let marked = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE certificates SET reminded_at = $3 WHERE id = $4 AND reminded_at IS NULL AND id IN \
             (SELECT c.id FROM certificates c WHERE c.id = $4 AND {DUE})"
        )))
        .bind(today)
        .bind(last_day)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(0);
        }
        let holder: Option<(String, String, Option<String>, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.id, p.name, p.email, p.preferred_locale FROM certificates c JOIN people p ON p.id = {HOLDER} \
             WHERE c.id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((holder_id, holder_name, holder_email, holder_locale)) = holder else {
            tx.rollback().await?;
            return Ok(0);
        };
        let addressees = match holder_email {
            Some(email) => Addressees::Holder(Recipient { email, preferred_locale: holder_locale }),
            None => {
                let representative = representative();
                let recipients: Vec<Recipient> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT DISTINCT rep.email, rep.preferred_locale FROM representations rp \
                     JOIN people rep ON rep.id = rp.representative_id WHERE rp.ward_id = $2 AND {representative} \
                     ORDER BY rep.email"
                )))
                .bind(today)
                .bind(&holder_id)
                .fetch_all(&mut *tx)
                .await?;
                Addressees::Representatives { holder_name, recipients }
            }
        };
        if matches!(&addressees, Addressees::Representatives { recipients, .. } if recipients.is_empty()) {
            tx.rollback().await?;
            return Ok(0);
        }
        let mails = compose(&addressees).map_err(RemindError::Compose)?;
        for mail in &mails {
            enqueue(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(mails.len())
    }
}
