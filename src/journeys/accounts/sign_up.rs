//! Creating a resident account, once the e-mail address has been confirmed with a code.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::EmailCookie;
use crate::accounts;
use crate::domain::{Furigana, PersonName, WarekiDate};
use crate::store::accounts::NewResident;
use crate::store::now_ms;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, redirect, see_other};
use crate::web::page::Page;
use crate::web::session::session_cookie;
use crate::web::{AppState, render_with_status};

#[derive(Template)]
#[template(path = "accounts/sign_up.html")]
struct SignUp {
    page: Page,
    form: FormState,
    email: String,
}

fn verified_email(req: &HttpRequest, state: &AppState) -> Option<String> {
    EmailCookie::read(req, &state.settings.secret_key, EmailCookie::VERIFIED, now_ms())
}

fn back_to_sign_in() -> HttpResponse {
    see_other("/sign-in")
}

pub async fn show(page: Page, state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let Some(email) = verified_email(&req, &state) else { return Ok(back_to_sign_in()) };
    render_with_status(StatusCode::OK, &SignUp { page, form: FormState::default(), email })
}

#[derive(serde::Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_kana: String,
    #[serde(default)]
    birth_date: String,
}

pub async fn submit(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    input: web::Form<SignUpForm>,
) -> Result<HttpResponse, AppError> {
    let Some(email) = verified_email(&req, &state) else { return Ok(back_to_sign_in()) };
    let mut form = FormState::with_values([
        ("name", input.name.as_str()),
        ("name_kana", input.name_kana.as_str()),
        ("birth_date", input.birth_date.as_str()),
    ]);
    let name = form.check("name", input.name.parse::<PersonName>());
    let kana = form.check("name_kana", input.name_kana.parse::<Furigana>());
    let birth = form.check("birth_date", input.birth_date.parse::<WarekiDate>());
    if let Some(b) = &birth {
        if b.as_naive() > chrono::Local::now().date_naive() {
            form.error_key("birth_date", "sign-up-error-birth-future");
        }
    }
    let (Some(name), Some(kana), Some(birth)) = (name, kana, birth) else {
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &SignUp { page, form, email });
    };
    if form.has_errors() {
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &SignUp { page, form, email });
    }
    let store = &state.store;
    // The address may have been taken by a parallel sign-up; then this is simply a sign-in.
    let person_id = match store.person_by_email(&email).await? {
        Some(p) => p.id,
        None => {
            store
                .create_resident(&NewResident {
                    name: &name.to_string(),
                    name_kana: &kana.to_string(),
                    birth_date: &birth.to_string(),
                    email: &email,
                    locale: page.locale.code(),
                })
                .await?
        }
    };
    let token = accounts::start_session(store, &state.settings.secret_key, &person_id, "email_code", now_ms()).await?;
    Ok(redirect("/account/passkeys/new?welcome=1")
        .cookie(session_cookie(&token, state.settings.secure_cookies()))
        .cookie(EmailCookie::removal(EmailCookie::VERIFIED))
        .finish())
}
