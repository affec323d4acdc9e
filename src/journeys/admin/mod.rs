//! Administration: adding officers and facility staff, who then get an invitation to register a passkey.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::{self, Role};
use crate::domain::{EmailAddress, Furigana, PersonName};
use crate::notify::compose_for;
use crate::notify::mail::Notice;
use crate::store::now_ms;
use crate::store::organisations::{NewStaff, Organisation, StaffRow};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{Admins, Routes};
use crate::web::questions::Choice;
use crate::web::session::Admin;
use crate::web::{AppState, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes.require::<Admins>().route("/admin", web::get().to(show)).route("/admin/staff", web::post().to(add));
}

/// Which kind of organisation each staff role belongs to.
pub fn organisation_kind(role: Role) -> Option<&'static str> {
    match role {
        Role::MunicipalOfficer => Some("municipality"),
        Role::InsurerOfficer => Some("insurer"),
        Role::FacilityAdmin | Role::FacilityStaff => Some("facility"),
        Role::Admin => Some(""),
        Role::Resident => None,
    }
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    page: Page,
    form: FormState,
    roles: Vec<Choice>,
    organisations: Vec<Organisation>,
    staff: Vec<StaffView>,
    added: bool,
}

pub struct StaffView {
    pub name: String,
    pub email: String,
    pub role_key: &'static str,
    /// Has registered a passkey (else: invited, not yet signed in).
    pub active: bool,
}

fn staff_view(rows: Vec<StaffRow>) -> Vec<StaffView> {
    rows.into_iter()
        .filter_map(|s| {
            Some(StaffView {
                role_key: Role::from_code(&s.role)?.message_key(),
                active: s.passkeys > 0,
                email: s.email.unwrap_or_default(),
                name: s.name,
            })
        })
        .collect()
}

#[derive(serde::Deserialize)]
pub struct AddedQuery {
    added: Option<String>,
}

async fn staff_page(
    page: Page,
    state: &AppState,
    form: FormState,
    added: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let roles = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Resident)
        .map(|r| Choice::keyed(r.code(), r.message_key()))
        .collect();
    let organisations = state.store.organisations().await?;
    let staff = staff_view(state.store.staff().await?);
    render_with_status(status, &StaffPage { page, form, roles, organisations, staff, added })
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<AddedQuery>,
) -> Result<HttpResponse, AppError> {
    staff_page(page, &state, FormState::default(), query.added.is_some(), StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_kana: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
}

pub async fn add(
    page: Page,
    state: web::Data<AppState>,
    admin: Admin,
    input: web::Form<StaffForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::with_values([
        ("name", input.name.as_str()),
        ("name_kana", input.name_kana.as_str()),
        ("email", input.email.as_str()),
        ("role", input.role.as_str()),
        ("organisation", input.organisation.as_str()),
    ]);
    let name = form.check("name", input.name.parse::<PersonName>());
    let kana = form.check("name_kana", input.name_kana.parse::<Furigana>());
    let email = form.check("email", input.email.parse::<EmailAddress>());
    if let Some(e) = &email
        && state.store.person_by_email(&e.to_string()).await?.is_some()
    {
        form.error_key("email", "admin-error-email-taken");
    }
    let role = Role::from_code(&input.role).filter(|r| *r != Role::Resident);
    if role.is_none() {
        form.error_key("role", "admin-error-role");
    }
    let organisations = state.store.organisations().await?;
    let organisation = match role.and_then(organisation_kind) {
        Some("") => Some(String::new()),
        Some(kind) => {
            let found = organisations.iter().find(|o| o.id == input.organisation && o.kind == kind);
            if found.is_none() {
                form.error_key("organisation", "admin-error-organisation");
            }
            found.map(|o| o.id.clone())
        }
        None => None,
    };
    let (Some(name), Some(kana), Some(email), Some(role), Some(organisation)) = (name, kana, email, role, organisation)
    else {
        return staff_page(page, &state, form, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if form.has_errors() {
        return staff_page(page, &state, form, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let email_text = email.to_string();
    let role_name = page.message_plain(role.message_key(), &[]);
    let base = state.settings.base_url.clone();
    let locale = page.locale;
    let mail_for = Box::new(|token: &str| {
        let link = format!("{base}invitation/{token}");
        compose_for(
            &state,
            &email_text,
            locale,
            Notice::invitation(&link, &role_name, accounts::INVITATION_LIFETIME_HOURS as u32),
        )
    });
    let staff = NewStaff {
        name: &name.to_string(),
        name_kana: &kana.to_string(),
        email: &email.to_string(),
        role: role.code(),
        organisation_id: &organisation,
        locale: page.locale.code(),
    };
    accounts::add_staff(&state.store, &state.settings.secret_key, &staff, Some(admin.0.id()), now_ms(), mail_for)
        .await?;
    Ok(see_other("/admin?added=1"))
}
