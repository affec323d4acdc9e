//! The outbox: e-mails waiting to be delivered, written in the transaction of the change they report.
//!
//! States: `pending` (due at `next_attempt_at`) → `sending` (claimed by one worker until `lease_until`) → `sent`,
//! or back to `pending` after a failed attempt, or `failed` when the worker gives up. A `sending` row whose lease
//! has run out (its worker died) is due again: while `sending`, `next_attempt_at` equals `lease_until`, so one
//! condition and one index find both.

use sqlx::AnyConnection;

use super::{Backend, Store, new_id, now_ms};

/// `last_error` keeps this many characters: enough for an SMTP reply, not a whole transcript.
const ERROR_MAX_CHARS: usize = 500;

/// An e-mail ready to queue, already composed in the recipient's language (see `crate::notify::mail`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMail {
    /// The fluent message prefix it was composed from (`mail-sign-in-code`), for the outbox page and the log.
    pub kind: String,
    pub recipient: String,
    pub locale: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// A file sent with the mail (a booking's calendar file), or none.
    pub attachment: Option<MailAttachment>,
}

/// A file sent with a mail: its name, its content type with parameters, its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailAttachment {
    /// `booking.ics`.
    pub file_name: String,
    /// `text/calendar; method=REQUEST; charset=UTF-8`.
    pub content_type: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: String,
    pub created_at: i64,
    pub kind: String,
    pub recipient: String,
    pub locale: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub state: String,
    /// Delivery attempts started (counted when claimed).
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
}

impl OutboxMail {
    /// The file sent with the mail, if it has one.
    pub fn attachment(&self) -> Option<MailAttachment> {
        match (&self.attachment_name, &self.attachment_type, &self.attachment_body) {
            (Some(name), Some(content_type), Some(body)) => {
                Some(MailAttachment { file_name: name.clone(), content_type: content_type.clone(), body: body.clone() })
            }
            _ => None,
        }
    }
}

const COLUMNS: &str = "id, created_at, kind, recipient, locale, subject, body_text, body_html, state, attempts, \
     next_attempt_at, lease_owner, lease_until, sent_at, last_error, attachment_name, attachment_type, attachment_body";

/// Queues an e-mail on the caller's connection. Pass the transaction of the change the mail reports
/// (`&mut *tx`): rolled back, the mail is never sent; committed, it is delivered.
pub async fn enqueue(conn: &mut AnyConnection, mail: &NewMail) -> Result<String, sqlx::Error> {
    insert(conn, mail, now_ms()).await
}

/// Queues an e-mail made at `now`, due at once.
async fn insert(conn: &mut AnyConnection, mail: &NewMail, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO outbox (id, created_at, kind, recipient, locale, subject, body_text, body_html, state, attempts, \
         next_attempt_at, attachment_name, attachment_type, attachment_body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(now)
    .bind(&mail.kind)
    .bind(&mail.recipient)
    .bind(&mail.locale)
    .bind(&mail.subject)
    .bind(&mail.body_text)
    .bind(&mail.body_html)
    .bind(now)
    .bind(mail.attachment.as_ref().map(|a| a.file_name.clone()))
    .bind(mail.attachment.as_ref().map(|a| a.content_type.clone()))
    .bind(mail.attachment.as_ref().map(|a| a.body.clone()))
    .execute(conn)
    .await?;
    Ok(id)
}

impl Store {
    /// The outbox's queries: `store.outbox().claim(…)`.
    pub fn outbox(&self) -> Outbox<'_> {
        Outbox { store: self }
    }
}

/// The outbox queries for the worker and the outbox page. Queuing inside a transaction is [`enqueue`].
#[derive(Clone, Copy, Debug)]
pub struct Outbox<'a> {
    store: &'a Store,
}

impl Outbox<'_> {
    fn pool(&self) -> &sqlx::AnyPool {
        self.store.pool()
    }

    /// Queues an e-mail on its own, outside any other change.
    pub async fn enqueue(&self, mail: &NewMail) -> Result<String, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        insert(&mut conn, mail, self.store.clock().now_ms()).await
    }

    /// Takes up to `limit` due mails for `owner` until `now + lease_ms`: pending mail whose time has come and
    /// mail whose previous lease ran out. One statement, so two workers never take the same row: PostgreSQL
    /// locks the chosen rows and skips rows another worker has locked; SQLite has one writer at a time.
    pub async fn claim(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, sqlx::Error> {
        let lock = match self.store.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET state = 'sending', lease_owner = $1, lease_until = $2, next_attempt_at = $2, \
             attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE state IN ('pending', 'sending') AND next_attempt_at <= $3 \
             ORDER BY next_attempt_at, id LIMIT $4{lock}) \
             RETURNING {COLUMNS}"
        );
        let mut claimed = sqlx::query_as::<_, OutboxMail>(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .bind(now + lease_ms)
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        claimed.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok(claimed)
    }

    /// Records a delivery, if `owner` still holds the mail. `false` means another worker took it over.
    pub async fn mark_sent(&self, id: &str, owner: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE outbox SET state = 'sent', sent_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL \
             WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
        )
        .bind(id)
        .bind(owner)
        .bind(self.store.clock().now_ms())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failed attempt: the mail is due again at `next_attempt_at`, or `failed` for good when `give_up`.
    /// Only if `owner` still holds it; `false` otherwise.
    pub async fn mark_failed_attempt(
        &self,
        id: &str,
        owner: &str,
        error: &str,
        next_attempt_at: i64,
        give_up: bool,
    ) -> Result<bool, sqlx::Error> {
        let error: String = error.chars().take(ERROR_MAX_CHARS).collect();
        let done = sqlx::query(
            "UPDATE outbox SET state = $3, last_error = $4, next_attempt_at = $5, lease_owner = NULL, \
             lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
        )
        .bind(id)
        .bind(owner)
        .bind(if give_up { "failed" } else { "pending" })
        .bind(error)
        .bind(next_attempt_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Hands a claimed mail back untried (a worker stopping, or a lease too short to try it safely): due at once,
    /// and the claim does not count as an attempt.
    pub async fn release(&self, id: &str, owner: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = $3, attempts = attempts - 1, lease_owner = NULL, \
             lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
        )
        .bind(id)
        .bind(owner)
        .bind(self.store.clock().now_ms())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The newest mails first (all of them: for tests and tools, never a page).
    pub async fn list_recent(&self, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY created_at DESC, id LIMIT $1");
        sqlx::query_as::<_, OutboxMail>(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(self.pool()).await
    }

    /// The newest mails to the demo data's people first, for the demo outbox page: never a real person's mail.
    pub async fn list_recent_to_demo_people(&self, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox \
             WHERE lower(recipient) IN (SELECT lower(email) FROM people WHERE demo = 1 AND email IS NOT NULL) \
             ORDER BY created_at DESC, id LIMIT $1"
        );
        sqlx::query_as::<_, OutboxMail>(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(self.pool()).await
    }

    pub async fn find(&self, id: &str) -> Result<Option<OutboxMail>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
        sqlx::query_as::<_, OutboxMail>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await
    }
}
