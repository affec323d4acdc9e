//! Notifications by e-mail, through an outbox.
//!
//! A journey composes the e-mail in the recipient's language (`mail::compose`) and queues it with
//! `store::outbox::enqueue` in the same transaction as the change it reports, so a change that is rolled back
//! sends nothing and a committed one is not lost. A worker (`worker`) claims due mail under a lease and sends it
//! over SMTP (`mailer`), retrying with back-off. Without `MADOGUCHI_SMTP_URL` no worker runs and mail stays in
//! the outbox, where the demo pages can show it. The expiry reminder job (`reminders`) runs on every node,
//! SMTP or not, and queues its mails in the outbox like any journey.

pub mod mail;
pub mod mailer;
pub mod reminders;
pub mod worker;

pub use mail::{Notice, compose};
pub use mailer::Mailer;
pub use worker::{WorkerConfig, WorkerHandle};

use crate::domain::EmailAddress;
use crate::i18n::Locale;
use crate::store::outbox::NewMail;
use crate::web::AppState;

/// Composes an e-mail in the recipient's language, ready for the outbox.
pub fn compose_for(state: &AppState, to: &str, locale: Locale, notice: Notice) -> Result<NewMail, String> {
    let to: EmailAddress = to.parse().map_err(|e| format!("recipient: {e}"))?;
    compose(&state.localizer, &state.settings.base_url, locale, &to, &notice).map_err(|e| e.to_string())
}

/// The e-mail telling a ward with an account that someone stopped acting for them.
pub fn authority_ended(
    state: &AppState,
    r: &crate::store::representation::RepresentationRow,
) -> Result<Option<NewMail>, String> {
    let Some(to) = &r.ward_email else { return Ok(None) };
    let locale = Locale::from_code(&r.ward_locale).unwrap_or(state.settings.default_locale);
    let link = format!("{}account/representation", state.settings.base_url);
    compose_for(state, to, locale, Notice::representation_ended(&r.representative_name, &link)).map(Some)
}
