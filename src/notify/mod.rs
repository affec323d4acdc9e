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
