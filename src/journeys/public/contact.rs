//! The contact page: how to reach the service, and a short feedback form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::{EmailAddress, PhoneNumber};
use crate::store::feedback::NewFeedback;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::views::HELP_LINE;
use crate::web::{render, render_with_status};

pub const MESSAGE_MAX_CHARS: usize = 2000;

/// A phone number as written, and the `tel:` address that dials it from a phone.
pub struct Dial {
    pub text: String,
    pub href: String,
}

impl Dial {
    /// `None` for a number that is not a Japanese phone number (nothing to dial).
    pub fn of(text: &str) -> Option<Dial> {
        let number: PhoneNumber = text.parse().ok()?;
        Some(Dial { text: text.to_string(), href: format!("tel:{}", number.to_e164()) })
    }
}

/// An insurer people can call: its name in the reader's language (HTML, readings as ruby) and its number.
struct InsurerContact {
    name: String,
    phone: Dial,
}

#[derive(Template)]
#[template(path = "pages/contact.html")]
struct Contact {
    page: Page,
    form: FormState,
    help_line: Dial,
    insurers: Vec<InsurerContact>,
}

impl Contact {
    async fn new(page: Page, form: FormState, state: &AppState) -> Result<Contact, AppError> {
        let insurers = state
            .store
            .insurers()
            .await?
            .iter()
            .filter_map(|i| Some(InsurerContact { phone: Dial::of(&i.phone)?, name: i.name().html(page.locale) }))
            .collect();
        let help_line = Dial::of(HELP_LINE).expect("the help line is a phone number");
        Ok(Contact { page, form, help_line, insurers })
    }
}

#[derive(serde::Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    message: String,
    #[serde(default)]
    reply_to: String,
}

pub async fn show(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(&Contact::new(page, FormState::default(), &state).await?)
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
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &Contact::new(page, form, &state).await?);
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
    Ok(see_other("/contact/sent"))
}

#[derive(Template)]
#[template(path = "pages/contact_sent.html")]
struct Sent {
    page: Page,
}

pub async fn sent(page: Page) -> Result<HttpResponse, AppError> {
    render(&Sent { page })
}
