//! Demo mode only: the outbox page (the e-mails the portal would have sent to the demo data's people, newest
//! first) and sending a demo officer their invitation, so a newcomer can sign in as any demo person without a
//! mail server. Outside demo mode both answer 404; a real account is never shown or invited.

use actix_web::{HttpResponse, web};
use askama::Template;
use askama::filters::Safe;

use crate::i18n::escape_html;

use crate::accounts::{self, Roles};
use crate::notify::compose_for;
use crate::notify::mail::Notice;
use crate::store::now_ms;
use crate::store::outbox::OutboxMail;
use crate::web::errors::AppError;
use crate::web::forms::see_other;
use crate::web::page::Page;
use crate::web::{AppState, render};

pub struct MailView {
    pub subject: String,
    pub recipient: String,
    pub state: String,
    pub locale: String,
    /// The plain-text body, escaped, with its links made clickable.
    pub body: Safe<String>,
}

#[derive(Template)]
#[template(path = "accounts/demo_outbox.html")]
struct Outbox {
    page: Page,
    mails: Vec<MailView>,
}

fn linkify(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            let escaped = escape_html(word);
            if word.starts_with("http://") || word.starts_with("https://") {
                out.push_str(&format!("<a href=\"{escaped}\">{escaped}</a>"));
            } else {
                out.push_str(&escaped);
            }
        }
    }
    out
}

fn view(m: OutboxMail) -> MailView {
    MailView {
        body: Safe(linkify(&m.body_text)),
        subject: m.subject,
        recipient: m.recipient,
        state: m.state,
        locale: m.locale,
    }
}

pub async fn outbox(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if !state.settings.demo_mode {
        return Err(AppError::NotFound);
    }
    let mails = state.store.outbox().list_recent_to_demo_people(50).await?.into_iter().map(view).collect();
    render(&Outbox { page, mails })
}

/// Sends a demo person who must use a passkey a fresh invitation link.
pub async fn invite(
    page: Page,
    state: web::Data<AppState>,
    person: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if !state.settings.demo_mode {
        return Err(AppError::NotFound);
    }
    // Only people the demo data made: a real account is never handed out, even on a demo server.
    let person = state.store.demo_person(&person).await?.ok_or(AppError::NotFound)?;
    let roles = Roles::from_rows(&state.store.roles_of(&person.id).await?);
    let (Some(email), Some(role)) = (person.email.clone(), roles.all().next()) else { return Err(AppError::NotFound) };
    if !roles.requires_passkey() {
        return Err(AppError::NotFound);
    }
    let locale = crate::i18n::Locale::from_code(&person.preferred_locale).unwrap_or(page.locale);
    let role_name = page.message_plain(role.message_key(), &[]);
    let base = state.settings.base_url.clone();
    let mail_for = Box::new(|token: &str| {
        let link = format!("{base}invitation/{token}");
        compose_for(
            &state,
            &email,
            locale,
            Notice::invitation(&link, &role_name, accounts::INVITATION_LIFETIME_HOURS as u32),
        )
    });
    accounts::invite(&state.store, &state.settings.secret_key, &person.id, None, now_ms(), mail_for).await?;
    Ok(see_other("/demo/outbox"))
}
