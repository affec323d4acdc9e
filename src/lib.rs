//! madoguchi (窓口): an accessible self-service portal for the My Number Card and health insurance.
//!
//! The tree tells the architecture: `domain` (types that parse), `access` (who may see which record), `journeys` (one module per user journey),
//! `store` (all SQL, both databases), `notify` (e-mail outbox and delivery), `background` (the tasks beside the server), `web` (layout, language, sessions, CSRF, headers, errors),
//! `i18n` (fluent messages), `config`, `crypto`, and `app` (start-up).

pub mod access;
pub mod accounts;
pub mod app;
pub mod background;
pub mod bulk;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod i18n;
pub mod issuance;
pub mod issuing;
pub mod journeys;
pub mod notify;
pub mod outreach;
pub mod private_files;
pub mod requests;
pub mod store;
pub mod web;
