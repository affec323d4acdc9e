//! The account page: passkeys (add, rename, remove), signing out everywhere, and choosing whom to act for.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::{Role, passkeys};
use crate::store::accounts::PasskeyRow;
use crate::store::now_ms;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, redirect, see_other};
use crate::web::page::Page;
use crate::web::session::{CurrentUser, removal_cookie};
use crate::web::{AppState, render_with_status};

pub const PASSKEY_NAME_MAX: usize = 40;

pub struct PasskeyView {
    pub rename_field: String,
    pub remove_field: String,
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct Account {
    page: Page,
    form: FormState,
    name: String,
    email: String,
    /// Empty for staff, who give none.
    birth_date: String,
    /// The language pages and e-mails are in, and a link to each of the others.
    language: &'static str,
    other_languages: Vec<(&'static str, String)>,
    role_keys: Vec<&'static str>,
    passkeys: Vec<PasskeyView>,
    passkey_required: bool,
}

fn view(page: &Page, rows: Vec<PasskeyRow>) -> Vec<PasskeyView> {
    rows.into_iter()
        .map(|p| PasskeyView {
            rename_field: format!("rename-{}", p.id),
            remove_field: format!("remove-{}", p.id),
            id: p.id,
            name: p.name,
            created: page.time(p.created_at),
            last_used: p.last_used_at.map(|t| page.time(t)).unwrap_or_default(),
        })
        .collect()
}

async fn account_page(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let passkeys = view(&page, state.store.passkeys_of(user.id()).await?);
    let birth_date = if user.person.birth_date.is_empty() { String::new() } else { page.date(&user.person.birth_date) };
    let other_languages = crate::i18n::Locale::ALL
        .into_iter()
        .filter(|l| *l != page.locale)
        .map(|l| (l.endonym(), format!("/language/{}?back=/account", l.code())))
        .collect();
    render_with_status(
        status,
        &Account {
            language: page.locale.endonym(),
            other_languages,
            birth_date,
            page,
            form,
            name: user.person.name.clone(),
            email: user.person.email.clone().unwrap_or_default(),
            role_keys: user.roles.all().map(Role::message_key).collect(),
            passkeys,
            passkey_required: user.roles.requires_passkey(),
        },
    )
}

pub async fn overview(page: Page, state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    account_page(page, &state, &user, FormState::default(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "accounts/new_passkey.html")]
struct NewPasskey {
    page: Page,
    form: FormState,
    ceremony: String,
    options: String,
    welcome: bool,
    action: String,
}

#[derive(serde::Deserialize)]
pub struct WelcomeQuery {
    welcome: Option<String>,
}

pub async fn new_passkey(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<WelcomeQuery>,
) -> Result<HttpResponse, AppError> {
    new_passkey_page(page, &state, &user, FormState::default(), query.welcome.is_some(), StatusCode::OK).await
}

async fn new_passkey_page(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    welcome: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (ceremony, options) = passkeys::start_registration(&state.webauthn, &state.store, &user.person, now_ms())
        .await
        .map_err(AppError::internal)?;
    render_with_status(
        status,
        &NewPasskey { page, form, ceremony, options, welcome, action: "/account/passkeys".into() },
    )
}

#[derive(serde::Deserialize)]
pub struct AddPasskeyForm {
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    name: String,
}

/// A passkey's name: what the person typed, or a default; short enough for a list.
pub fn passkey_name(typed: &str, page: &Page) -> Result<String, &'static str> {
    let name = typed.trim();
    if let Err(e) = crate::domain::FreeText::parse(name) {
        return Err(crate::domain::FieldMessage::key(&e));
    }
    if name.chars().count() > PASSKEY_NAME_MAX {
        return Err("passkey-error-name-long");
    }
    Ok(if name.is_empty() { page.message_plain("passkey-default-name", &[]) } else { name.to_string() })
}

pub async fn add_passkey(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    input: web::Form<AddPasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::with_values([("name", input.name.as_str())]);
    let name = match passkey_name(&input.name, &page) {
        Ok(n) => n,
        Err(key) => {
            form.error_key("name", key);
            return new_passkey_page(page, &state, &user, form, false, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if input.credential.is_empty() {
        form.error_key("passkey-button", "passkey-error-no-script");
        return new_passkey_page(page, &state, &user, form, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let finished = passkeys::finish_registration(
        &state.webauthn,
        &state.store,
        user.id(),
        &input.ceremony,
        &input.credential,
        &name,
    )
    .await;
    if let Err(e) = finished {
        tracing::info!(cause = %e, "passkey registration refused");
        form.error_key("passkey-button", e.message_key());
        return new_passkey_page(page, &state, &user, form, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    Ok(see_other("/account"))
}

#[derive(serde::Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

pub async fn rename_passkey(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    input: web::Form<RenameForm>,
) -> Result<HttpResponse, AppError> {
    let field = format!("rename-{id}");
    match passkey_name(&input.name, &page) {
        Ok(name) => {
            if !state.store.rename_passkey(user.id(), &id, &name).await? {
                return Err(AppError::NotFound);
            }
            Ok(see_other("/account"))
        }
        Err(key) => {
            let mut form = FormState::with_values([(field.as_str(), input.name.as_str())]);
            form.error_key(&field, key);
            account_page(page, &state, &user, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// Removes a passkey, but never the last one of someone who has no other way in.
pub async fn remove_passkey(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mine = state.store.passkeys_of(user.id()).await?;
    if !mine.iter().any(|p| p.id == *id) {
        return Err(AppError::NotFound);
    }
    if user.roles.requires_passkey() && mine.len() <= 1 {
        let mut form = FormState::default();
        form.error_key(&format!("remove-{id}"), "passkey-error-last");
        return account_page(page, &state, &user, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    state.store.remove_passkey(user.id(), &id).await?;
    Ok(see_other("/account"))
}

pub async fn sign_out_everywhere(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    state.store.end_all_sessions(user.id()).await?;
    Ok(redirect("/").cookie(removal_cookie(state.settings.secure_cookies())).finish())
}

#[derive(serde::Deserialize)]
pub struct ActingForForm {
    #[serde(default)]
    ward: String,
    back: Option<String>,
}

/// Switches between acting for oneself and for an approved ward; anyone else is refused.
pub async fn switch_acting_for(
    state: web::Data<AppState>,
    user: CurrentUser,
    input: web::Form<ActingForForm>,
) -> Result<HttpResponse, AppError> {
    let ward = match input.ward.as_str() {
        "" => None,
        id if user.wards.iter().any(|w| w.ward_id == id) => Some(id),
        _ => return Err(AppError::NotFound),
    };
    state.store.set_acting_for(&user.token_hash, ward).await?;
    let back = input.back.as_deref().and_then(crate::web::local_path).unwrap_or("/account");
    Ok(see_other(back))
}
