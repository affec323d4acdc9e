//! The office: an officer's home page, the municipality's review of new authorities to act for someone (with
//! the proof document), and the reports residents make about their access log. Municipal officers see only
//! the people of their own municipality (404 for others); other roles get 403.

pub mod certificates;
pub mod enrolments;
pub mod runs;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Role;
use crate::i18n::Locale;
use crate::notify::compose_for;
use crate::notify::mail::Notice;
use crate::store::representation::{Decision, RepresentationRow, Viewer};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{MunicipalOfficers, Officers, Routes};
use crate::web::questions::Choice;
use crate::web::session::{MunicipalOfficer, Officer};
use crate::web::views::access_log::action_key;
use crate::web::views::authority::{AuthorityView, DECLINE_REASONS, authority_view, decline_reason_key};
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes.require::<Officers>().route("/office", web::get().to(home));
    routes
        .require::<MunicipalOfficers>()
        .route("/office/representations", web::get().to(queue))
        .route("/office/representations/{id}", web::get().to(review))
        .route("/office/representations/{id}/document", web::get().to(document))
        .route("/office/representations/{id}/approve", web::post().to(approve))
        .route("/office/representations/{id}/decline", web::post().to(decline))
        .route("/office/representations/{id}/end", web::post().to(end))
        .route("/office/access-reports", web::get().to(access_reports))
        .route("/office/access-reports/{id}/close", web::post().to(close_report));
    certificates::routes(routes);
    enrolments::routes(routes);
    runs::routes(routes);
}

#[derive(Template)]
#[template(path = "office/home.html")]
struct Home {
    page: Page,
    municipal: bool,
    insurer: bool,
    certificates_waiting: i64,
    waiting: i64,
    open_reports: i64,
}

pub async fn home(page: Page, state: web::Data<AppState>, officer: Officer) -> Result<HttpResponse, AppError> {
    let municipalities = officer.0.roles.organisations(Role::MunicipalOfficer);
    let insurers = officer.0.roles.organisations(Role::InsurerOfficer);
    let counts = state.store.office_counts(&municipalities, &insurers).await?;
    render(&Home {
        page,
        municipal: !municipalities.is_empty(),
        insurer: !insurers.is_empty(),
        certificates_waiting: counts.certificates_waiting,
        waiting: counts.authorities_waiting,
        open_reports: counts.open_reports,
    })
}

pub struct QueueItem {
    pub view: AuthorityView,
    pub submitted: String,
    pub document: bool,
    /// It renews an authority the representative holds.
    pub renewal: bool,
}

#[derive(Template)]
#[template(path = "office/queue.html")]
struct Queue {
    page: Page,
    items: Vec<QueueItem>,
    decided: bool,
}

#[derive(serde::Deserialize)]
pub struct DecidedQuery {
    decided: Option<String>,
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    q: web::Query<DecidedQuery>,
) -> Result<HttpResponse, AppError> {
    let rows = state.store.review_queue(&officer.municipalities()).await?;
    let items = rows
        .iter()
        .map(|r| QueueItem {
            view: authority_view(&page, r),
            submitted: page.time(r.created_at),
            document: r.document_id.is_some(),
            renewal: r.renews_id.is_some(),
        })
        .collect();
    render(&Queue { page, items, decided: q.decided.is_some() })
}

/// The row, if the ward lives in one of the officer's municipalities (without writing an audit line).
async fn find(state: &AppState, officer: &MunicipalOfficer, id: &str) -> Result<RepresentationRow, AppError> {
    let row = state.store.representation(id).await?;
    row.filter(|r| r.ward_municipality_id.as_deref().is_some_and(|m| officer.municipalities().contains(&m)))
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "office/review.html")]
struct Review {
    page: Page,
    form: FormState,
    view: AuthorityView,
    name_kana: String,
    birth: String,
    age: u32,
    address: String,
    going_out_difficult: bool,
    proof_key: &'static str,
    document_name: String,
    explanation: String,
    accepted_documents: Vec<&'static str>,
    submitted: String,
    decline_reasons: Vec<Choice>,
    /// "Renewal of the authority ending on …", when it renews one; empty otherwise.
    renewal_of: String,
    renewal_of_id: String,
}

async fn review_page(
    page: Page,
    state: &AppState,
    officer: &MunicipalOfficer,
    id: &str,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let municipality = find(state, officer, id).await?.ward_municipality_id.unwrap_or_default();
    let viewer = Viewer { officer_id: officer.0.id(), municipality_id: &municipality, what: "representation" };
    let Some(r) = state.store.open_for_review(id, &viewer).await? else { return Err(AppError::NotFound) };
    let renewed = match &r.renews_id {
        Some(old) => state.store.representation(old).await?,
        None => None,
    };
    let renewal_of = renewed
        .as_ref()
        .map(|o| {
            let until = o.ends_on.as_deref().map(|d| page.date(d)).unwrap_or_default();
            page.message_plain("office-renewal-of", &[("until", until)])
        })
        .unwrap_or_default();
    let renewal_of_id = renewed.map(|o| o.id).unwrap_or_default();
    let reason = r.reason.parse::<crate::domain::ProxyReason>().ok();
    let accepted_documents = match reason.map(|x| x.proof()) {
        Some(crate::domain::ProofRule::Document(docs)) => docs.iter().map(|d| d.message_key()).collect(),
        _ => Vec::new(),
    };
    let proof_key = match r.proof_state.as_str() {
        "not_needed" => "office-proof-not-needed",
        "approved" => "office-proof-approved",
        "declined" => "office-proof-declined",
        _ => "office-proof-pending",
    };
    let age = r
        .ward_birth_date
        .parse::<crate::domain::WarekiDate>()
        .map(|b| b.age_on(crate::store::today_jst()))
        .unwrap_or(0);
    let postal = r
        .ward_postal_code
        .as_deref()
        .and_then(|p| p.parse::<crate::domain::PostalCode>().ok())
        .map(|p| p.with_mark())
        .unwrap_or_default();
    render_with_status(
        status,
        &Review {
            view: authority_view(&page, &r),
            name_kana: r.ward_name_kana.clone(),
            birth: page.date(&r.ward_birth_date),
            age,
            address: format!("{postal} {}", r.ward_address.clone().unwrap_or_default()),
            going_out_difficult: r.going_out_difficult == 1,
            proof_key,
            document_name: r
                .document_type
                .as_deref()
                .map(|t| crate::domain::proxy::document_file_name(Some(&r.id), t))
                .unwrap_or_default(),
            explanation: r.no_document_explanation.clone().unwrap_or_default(),
            accepted_documents,
            submitted: page.time(r.created_at),
            decline_reasons: DECLINE_REASONS.iter().map(|c| Choice::keyed(c, decline_reason_key(c))).collect(),
            renewal_of,
            renewal_of_id,
            page,
            form,
        },
    )
}

pub async fn review(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    review_page(page, &state, &officer, &id, FormState::default(), StatusCode::OK).await
}

/// The proof document, as a download with its type (judged from its content when it was uploaded).
pub async fn document(
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let municipality = find(&state, &officer, &id).await?.ward_municipality_id.unwrap_or_default();
    let viewer = Viewer { officer_id: officer.0.id(), municipality_id: &municipality, what: "document" };
    let Some(doc) = state.store.open_document(&id, &viewer).await? else { return Err(AppError::NotFound) };
    // The server's name, whatever the browser called the file (documents from before kept that name).
    let file_name = crate::domain::proxy::document_file_name(Some(&id), &doc.content_type);
    Ok(HttpResponse::Ok()
        .content_type(doc.content_type)
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(doc.bytes))
}

/// The e-mail telling a ward with an account that someone now acts for them.
fn started_mail(state: &AppState, r: &RepresentationRow) -> Result<Option<crate::store::outbox::NewMail>, AppError> {
    let Some(to) = &r.ward_email else { return Ok(None) };
    let locale = Locale::from_code(&r.ward_locale).unwrap_or(state.settings.default_locale);
    let link = format!("{}account/representation", state.settings.base_url);
    compose_for(state, to, locale, Notice::representation_started(&r.representative_name, &link))
        .map(Some)
        .map_err(AppError::internal)
}

/// The e-mail telling the representative what the municipality decided; `decline_reason` is the code of the
/// reason when it declined.
fn decided_mail(
    state: &AppState,
    r: &RepresentationRow,
    decline_reason: Option<&str>,
) -> Result<Option<crate::store::outbox::NewMail>, AppError> {
    let Some(to) = &r.representative_email else { return Ok(None) };
    let locale = Locale::from_code(&r.representative_locale).unwrap_or(state.settings.default_locale);
    let notice = match decline_reason {
        None => Notice::representation_approved(&r.ward_name, &format!("{}account", state.settings.base_url)),
        Some(code) => Notice::representation_declined(
            &r.ward_name,
            &state.localizer.text(locale, decline_reason_key(code), &[]),
            &format!("{}account/representation", state.settings.base_url),
        ),
    };
    compose_for(state, to, locale, notice).map(Some).map_err(AppError::internal)
}

/// The first day an approved renewal counts: the day after the authority it renews ends, or today when that is
/// later (the old one keeps counting until its own end date). `None` for a first request (it counts from its
/// approval).
async fn renewal_starts_on(state: &AppState, r: &RepresentationRow) -> Result<Option<String>, AppError> {
    let Some(old_id) = &r.renews_id else { return Ok(None) };
    let today = state.clock.today();
    let old_end = state.store.representation(old_id).await?.and_then(|o| o.ends_on?.parse::<chrono::NaiveDate>().ok());
    let day_after = old_end.and_then(|e| e.succ_opt()).unwrap_or(today);
    Ok(Some(day_after.max(today).to_string()))
}

pub async fn approve(
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = find(&state, &officer, &id).await?;
    let municipality = r.ward_municipality_id.clone().unwrap_or_default();
    let mails: Vec<_> = [started_mail(&state, &r)?, decided_mail(&state, &r, None)?].into_iter().flatten().collect();
    let starts_on = renewal_starts_on(&state, &r).await?;
    let done = state
        .store
        .decide(&r.id, officer.0.id(), &municipality, Decision::Approve(starts_on.as_deref()), &r.ward_id, &mails)
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/office/representations?decided=1"))
}

#[derive(serde::Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn decline(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
    input: web::Form<DeclineForm>,
) -> Result<HttpResponse, AppError> {
    let r = find(&state, &officer, &id).await?;
    if !DECLINE_REASONS.contains(&input.reason.as_str()) {
        let mut form = FormState::with_values([("reason", input.reason.as_str())]);
        form.error_key("reason", "office-error-decline-reason");
        return review_page(page, &state, &officer, &id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let municipality = r.ward_municipality_id.clone().unwrap_or_default();
    let mails: Vec<_> = decided_mail(&state, &r, Some(&input.reason))?.into_iter().collect();
    let decision = Decision::Decline(&input.reason);
    let done = state.store.decide(&r.id, officer.0.id(), &municipality, decision, &r.ward_id, &mails).await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/office/representations?decided=1"))
}

/// The municipality ends an authority (for example when the guardianship ended).
pub async fn end(
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = find(&state, &officer, &id).await?;
    let municipality = r.ward_municipality_id.clone().unwrap_or_default();
    let message = crate::notify::authority_ended(&state, &r).map_err(AppError::internal)?;
    let done = state
        .store
        .end_representation(&r.id, officer.0.id(), "municipality", Some(&municipality), &r.ward_id, message.as_ref())
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/office/representations?decided=1"))
}

pub struct ReportView {
    pub id: String,
    pub created: String,
    pub note: String,
    pub open: bool,
    pub subject_name: String,
    pub line_when: String,
    pub line_what_key: &'static str,
    pub actor: String,
    pub organisation: String,
}

#[derive(Template)]
#[template(path = "office/access_reports.html")]
struct Reports {
    page: Page,
    reports: Vec<ReportView>,
}

pub async fn access_reports(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
) -> Result<HttpResponse, AppError> {
    let rows = state.store.access_reports(&officer.municipalities()).await?;
    let reports = rows
        .into_iter()
        .map(|r| ReportView {
            created: page.time(r.created_at),
            line_when: page.time(r.line_at),
            line_what_key: action_key(&r.line_action),
            organisation: if page.lang() == "en" { r.organisation_en } else { r.organisation_ja }.unwrap_or_default(),
            actor: r.actor_name.unwrap_or_default(),
            open: r.state == "open",
            id: r.id,
            note: r.note,
            subject_name: r.subject_name,
        })
        .collect();
    render(&Reports { page, reports })
}

pub async fn close_report(
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let municipality = state.store.access_report_municipality(&id).await?;
    let Some(m) = municipality.filter(|m| officer.municipalities().contains(&m.as_str())) else {
        return Err(AppError::NotFound);
    };
    if !state.store.close_access_report(&id, officer.0.id(), &m).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/office/access-reports"))
}
