//! Creating a resident account, once the e-mail address has been confirmed with a code.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::EmailCookie;
use crate::accounts;
use crate::store::accounts::NewResident;
use crate::store::now_ms;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, PersonFields, redirect, see_other};
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

pub async fn submit(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    input: web::Form<PersonFields>,
) -> Result<HttpResponse, AppError> {
    let Some(email) = verified_email(&req, &state) else { return Ok(back_to_sign_in()) };
    let mut form = FormState::with_values(input.typed());
    let Some(person) = input.parse(&mut form, state.clock.today(), "sign-up-error-birth-future") else {
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &SignUp { page, form, email });
    };
    let store = &state.store;
    // The address may have been taken by a parallel sign-up; then this is simply a sign-in.
    let person_id = match store.person_by_email(&email).await? {
        Some(p) => p.id,
        None => {
            store
                .create_resident(&NewResident {
                    name: &person.name.to_string(),
                    name_kana: &person.name_kana.to_string(),
                    birth_date: &person.birth.to_string(),
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
