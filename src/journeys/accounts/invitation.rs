//! Invitations: officers and facility staff are created by an administrator and get a single-use link, valid
//! for 24 hours, that registers their first passkey and signs them in.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::{self, passkeys};
use crate::store::now_ms;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, redirect};
use crate::web::page::Page;
use crate::web::session::session_cookie;
use crate::web::{AppState, render_with_status};

#[derive(Template)]
#[template(path = "accounts/new_passkey.html")]
struct InvitationPage {
    page: Page,
    form: FormState,
    ceremony: String,
    options: String,
    welcome: bool,
    action: String,
}

async fn invitation_page(
    page: Page,
    state: &AppState,
    token: &str,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let hash = accounts::invitation_hash(&state.settings.secret_key, token);
    let person_id = state.store.invitation(&hash).await?.ok_or(AppError::NotFound)?;
    let person = state.store.person(&person_id).await?.ok_or(AppError::NotFound)?;
    let (ceremony, options) = passkeys::start_registration(&state.webauthn, &state.store, &person, now_ms())
        .await
        .map_err(AppError::internal)?;
    render_with_status(
        status,
        &InvitationPage { page, form, ceremony, options, welcome: true, action: format!("/invitation/{token}") },
    )
}

pub async fn show(page: Page, state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    invitation_page(page, &state, &token, FormState::default(), StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct FinishForm {
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    name: String,
}

pub async fn finish(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    input: web::Form<FinishForm>,
) -> Result<HttpResponse, AppError> {
    let hash = accounts::invitation_hash(&state.settings.secret_key, &token);
    let person_id = state.store.invitation(&hash).await?.ok_or(AppError::NotFound)?;
    let mut form = FormState::with_values([("name", input.name.as_str())]);
    let name = match super::account::passkey_name(&input.name, &page) {
        Ok(n) => n,
        Err(key) => {
            form.error_key("name", key);
            return invitation_page(page, &state, &token, form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if input.credential.is_empty() {
        form.error_key("passkey-button", "passkey-error-no-script");
        return invitation_page(page, &state, &token, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if let Err(e) = passkeys::finish_registration(
        &state.webauthn,
        &state.store,
        &person_id,
        &input.ceremony,
        &input.credential,
        &name,
    )
    .await
    {
        tracing::info!(cause = %e, "invitation passkey refused");
        form.error_key("passkey-button", e.message_key());
        return invitation_page(page, &state, &token, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if !state.store.use_invitation(&hash).await? {
        return Err(AppError::NotFound);
    }
    let session =
        accounts::start_session(&state.store, &state.settings.secret_key, &person_id, "invitation", now_ms()).await?;
    Ok(redirect("/account").cookie(session_cookie(&session, state.settings.secure_cookies())).finish())
}
