//! The contact page: how to reach the service, and a short feedback form.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::EmailAddress;
use crate::store::feedback::NewFeedback;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::forms::FormState;
use crate::web::page::Page;
use crate::web::{render, render_with_status};

pub const MESSAGE_MAX_CHARS: usize = 2000;

#[derive(Template)]
#[template(path = "pages/contact.html")]
struct Contact {
    page: Page,
    form: FormState,
}

#[derive(serde::Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    message: String,
    #[serde(default)]
    reply_to: String,
}

pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    render(&Contact { page, form: FormState::default() })
}

pub async fn submit(
    page: Page,
    state: web::Data<AppState>,
    input: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::with_values([("message", input.message.as_str()), ("reply_to", input.reply_to.as_str())]);
    let message = form.free_text("message", input.message.trim());
    match message.as_deref() {
        Some("") => form.error_key("message", "contact-error-message-empty"),
        Some(m) if m.chars().count() > MESSAGE_MAX_CHARS => form.error_key("message", "contact-error-message-long"),
        _ => {}
    }
    let reply_to = match input.reply_to.trim() {
        "" => None,
        text => form.check("reply_to", text.parse::<EmailAddress>()),
    };
    if form.has_errors() {
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &Contact { page, form });
    }
    let reply_to = reply_to.map(|e| e.to_string());
    state
        .store
        .save_feedback(&NewFeedback {
            locale: page.locale.code(),
            about_page: None,
            reply_to: reply_to.as_deref(),
            message: message.as_deref().unwrap_or_default(),
        })
        .await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/contact/sent")).finish())
}

#[derive(Template)]
#[template(path = "pages/contact_sent.html")]
struct Sent {
    page: Page,
}

pub async fn sent(page: Page) -> Result<HttpResponse, AppError> {
    render(&Sent { page })
}
