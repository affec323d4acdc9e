//! The expiry reminder: [`DAYS_BEFORE_EXPIRY`] days before a qualification certificate runs out, its holder is
//! e-mailed, or, when the holder has no e-mail address, their representatives are. Each certificate is reminded
//! once: the mail is queued in the transaction that sets `reminded_at` (see `store::reminders`), so the job can
//! run on every node at once, and again, without a second mail. A certificate already replaced, revoked or
//! past its last day gets no reminder.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use super::mail::{Notice, compose};
use crate::background::{self, TaskHandle};
use crate::domain::EmailAddress;
use crate::domain::Scope;
use crate::i18n::{Locale, Localizer};
use crate::store::Store;
use crate::store::outbox::NewMail;
use crate::store::reminders::{Addressees, DueCertificate, Recipient, RemindError};
use crate::store::representation::RepresentationRow;

/// How many days before its last day a certificate's holder is reminded. The one place this number lives.
pub const DAYS_BEFORE_EXPIRY: i64 = 30;

/// How many days before an authority's end date its representative is reminded (issue 16).
pub const DAYS_BEFORE_AUTHORITY_ENDS: i64 = 30;

/// How often each node looks for certificates to remind about. Reminders are by the day: hourly is plenty.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// Certificates taken per look; the job looks again while it finds full batches.
const BATCH: i64 = 200;

/// What the job needs to write reminders.
#[derive(Clone)]
pub struct Reminders {
    pub store: Store,
    pub localizer: Arc<Localizer>,
    /// The address people use, ending in `/`.
    pub base_url: url::Url,
    /// For recipients whose language is not one we know.
    pub default_locale: Locale,
}

impl Reminders {
    /// Reminds about every certificate due on `today` (in Japan). Returns how many mails were queued.
    pub async fn run_once(&self, today: NaiveDate) -> Result<usize, RemindError> {
        let first = today.to_string();
        let last = (today + chrono::Duration::days(DAYS_BEFORE_EXPIRY)).to_string();
        let mut queued = 0;
        loop {
            let due = self.store.certificates_to_remind(&first, &last, BATCH).await?;
            let mut reminded = 0;
            for c in &due {
                match self
                    .store
                    .remind_certificate(&c.id, &first, &last, self.store.clock().now_ms(), |to| self.mails(c, to))
                    .await
                {
                    Ok(n) => {
                        reminded += usize::from(n > 0);
                        queued += n;
                    }
                    // One certificate that cannot be written must not stop the others; it stays due.
                    Err(RemindError::Compose(e)) => {
                        tracing::error!(certificate = %c.id, cause = %e, "expiry reminder not written");
                    }
                    Err(e) => return Err(e),
                }
            }
            // Another look only when this one was full and moved something (else it would find the same).
            if (due.len() as i64) < BATCH || reminded == 0 {
                break;
            }
        }
        if queued > 0 {
            tracing::info!(mails = queued, "expiry reminders queued");
        }
        Ok(queued)
    }

    /// Reminds representatives about every approved authority whose end date is [`DAYS_BEFORE_AUTHORITY_ENDS`]
    /// days away or closer on `today` (in Japan), once each. Returns how many mails were queued.
    pub async fn run_authorities_once(&self, today: NaiveDate) -> Result<usize, RemindError> {
        let first = today.to_string();
        let last = (today + chrono::Duration::days(DAYS_BEFORE_AUTHORITY_ENDS)).to_string();
        let mut queued = 0;
        loop {
            let due = self.store.authorities_to_remind(&first, &last, BATCH).await?;
            let mut reminded = 0;
            for id in &due {
                let now = self.store.clock().now_ms();
                match self.store.remind_authority(id, &first, &last, now, |r| self.authority_mail(r)).await {
                    Ok(n) => {
                        reminded += usize::from(n > 0);
                        queued += n;
                    }
                    Err(RemindError::Compose(e)) => {
                        tracing::error!(authority = %id, cause = %e, "authority end reminder not written");
                    }
                    Err(e) => return Err(e),
                }
            }
            if (due.len() as i64) < BATCH || reminded == 0 {
                break;
            }
        }
        if queued > 0 {
            tracing::info!(mails = queued, "authority end reminders queued");
        }
        Ok(queued)
    }

    /// The reminder to the representative, in their language: whose authority ends, on which day, what they
    /// can no longer do then, and where to renew it.
    fn authority_mail(&self, r: &RepresentationRow) -> Result<Option<NewMail>, String> {
        let (Some(to), Some(until)) = (&r.representative_email, &r.ends_on) else { return Ok(None) };
        let locale = Locale::from_code(&r.representative_locale).unwrap_or(self.default_locale);
        let l10n = &self.localizer;
        let kinds: Vec<String> =
            Scope::parse_list(&r.scope).into_iter().map(|s| l10n.plain(locale, s.message_key(), &[])).collect();
        let separator = l10n.plain(locale, "mail-authority-ending-separator", &[]);
        let stops = l10n.plain(
            locale,
            "mail-authority-ending-stops",
            &[("name", r.ward_name.clone()), ("kinds", kinds.join(&separator))],
        );
        let link = format!("{}account/representation/{}/renew", self.base_url.as_str(), r.id);
        let notice = Notice::authority_ending(&r.ward_name, &date_in(locale, until), &stops, &link);
        let address: EmailAddress = to.parse().map_err(|e| format!("recipient: {e}"))?;
        compose(l10n, &self.base_url, locale, &address, &notice).map(Some).map_err(|e| e.to_string())
    }

    /// The reminder for each addressee, in their language.
    fn mails(&self, c: &DueCertificate, to: &Addressees) -> Result<Vec<NewMail>, String> {
        let base = self.base_url.as_str();
        // The certificate's own page when it came from a request; otherwise where to ask for one.
        let link = match &c.request_id {
            Some(_) => format!("{base}certificates/issued/{}", c.id),
            None => format!("{base}certificates"),
        };
        let write = |r: &Recipient, holder: Option<&str>| -> Result<NewMail, String> {
            let locale = Locale::from_code(&r.preferred_locale).unwrap_or(self.default_locale);
            let l10n = &self.localizer;
            let until = date_in(locale, &c.valid_until);
            let next_key = if c.auto_renew == 1 { "doc-reminder-next-auto" } else { "doc-reminder-next-apply" };
            let next = l10n.plain(locale, next_key, &[]);
            let insurer = crate::i18n::names::LocalName {
                ja: &c.insurer_name,
                en: &c.insurer_name_en,
                easy: &c.insurer_name_easy,
            }
            .plain(locale);
            let notice = match holder {
                None => Notice::certificate_expiry(&insurer, &until, &next, &link),
                Some(name) => Notice::certificate_expiry_ward(name, &insurer, &until, &next, &link),
            };
            let address: EmailAddress = r.email.parse().map_err(|e| format!("recipient: {e}"))?;
            compose(l10n, &self.base_url, locale, &address, &notice).map_err(|e| e.to_string())
        };
        match to {
            Addressees::Holder(r) => Ok(vec![write(r, None)?]),
            Addressees::Representatives { holder_name, recipients } => {
                recipients.iter().map(|r| write(r, Some(holder_name))).collect()
            }
        }
    }
}

/// A date as the recipient reads it: 和暦 with 西暦 in Japanese, 西暦 first in やさしい日本語, English in English.
fn date_in(locale: Locale, iso: &str) -> String {
    crate::i18n::format::date_iso(locale, iso)
}

/// The periodic reminder task of one node.
pub type ReminderHandle = TaskHandle;

/// Runs the job now and then every `interval`, on the current tokio runtime, until stopped (after the current
/// round, if one is running).
pub fn spawn(reminders: Reminders, interval: Duration) -> ReminderHandle {
    background::spawn("expiry reminders", "reminders", move |_owner, mut stop| async move {
        loop {
            if let Err(e) = reminders.run_once(reminders.store.clock().today()).await {
                tracing::warn!(cause = %e, "expiry reminders: the database did not answer; trying again later");
            }
            if let Err(e) = reminders.run_authorities_once(reminders.store.clock().today()).await {
                tracing::warn!(cause = %e, "authority end reminders: the database did not answer; trying again later");
            }
            stop.pause(interval).await;
            if stop.requested() {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_recipients_language() {
        assert_eq!(date_in(Locale::En, "2027-01-02"), "2 January 2027");
        assert!(
            date_in(Locale::Ja, "2027-01-02").starts_with("令和9年1月2日"),
            "{}",
            date_in(Locale::Ja, "2027-01-02")
        );
        assert!(
            date_in(Locale::JaEasy, "2027-01-02").starts_with("2027年"),
            "{}",
            date_in(Locale::JaEasy, "2027-01-02")
        );
        assert_eq!(date_in(Locale::En, "not a date"), "not a date");
    }
}
