//! Facilities that keep residents' cards: the card custody log (管理簿) staff write and the resident and their
//! guardian read, proxy receipt (代理受取) of a resident's card by a staff member with the municipality's
//! approval, and the municipality's report per facility (on a page and as CSV).
//!
//! Staff act only for residents whose consent stands (`Store::resident_in_care`); the resident and their
//! representatives (an authority covering card applications) read the log and the receipts; municipal
//! officers decide receipts of their own residents and read the report of their own facilities. Anyone else
//! gets 404.

mod office;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::custody::{CardWhereabouts, CustodyEvent};
use crate::store::custody::{
    CustodyEntryRow, CustodyRefusal, NewCustodyEntry, NewProxyReceipt, ProxyReceiptRow, whereabouts,
};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{FacilityWorkers, Routes, SignedIn};
use crate::web::questions::Choice;
use crate::web::session::{CurrentUser, FacilityWorker};
use crate::web::{AppState, render, render_with_status};

/// Who carried a card out, and why: short notes, not stories.
const NOTE_MAX_CHARS: usize = 100;

pub fn routes(routes: &mut Routes) {
    routes
        .require::<FacilityWorkers>()
        .route("/facility/{facility}/residents/{person}/custody", web::get().to(staff_log))
        .route("/facility/{facility}/residents/{person}/custody", web::post().to(add_entry))
        .route("/facility/{facility}/residents/{person}/custody/proxy-receipts", web::post().to(request_receipt))
        .route("/facility/{facility}/proxy-receipts/{id}/received", web::post().to(received));
    routes.require::<SignedIn>().route("/custody/{person}", web::get().to(own_log));
    office::routes(routes);
}

/// One line of the log as pages show it.
#[derive(Clone)]
pub struct EntryView {
    pub id: String,
    pub facility: String,
    pub when: String,
    pub event_key: &'static str,
    pub carried_by: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded: String,
    pub corrected: bool,
    /// When the line corrected was recorded, for a correction.
    pub corrects: Option<String>,
}

fn entry_views(page: &Page, log: &[CustodyEntryRow]) -> Vec<EntryView> {
    log.iter()
        .map(|e| EntryView {
            id: e.id.clone(),
            facility: e.facility_name.clone(),
            when: page.time(e.happened_at),
            event_key: e.event().map_or("custody-event-taken-in", CustodyEvent::label_key),
            carried_by: e.carried_by.clone(),
            reason: e.reason.clone(),
            recorded_by: e.recorded_by.clone(),
            recorded: page.time(e.recorded_at),
            corrected: e.corrected == 1,
            corrects: e
                .corrects_id
                .as_ref()
                .and_then(|id| log.iter().find(|c| &c.id == id))
                .map(|c| page.time(c.recorded_at)),
        })
        .collect()
}

fn whereabouts_key(w: CardWhereabouts) -> &'static str {
    match w {
        CardWhereabouts::WithResident => "custody-where-resident",
        CardWhereabouts::InSafe => "custody-where-safe",
        CardWhereabouts::Out => "custody-where-out",
    }
}

/// A proxy receipt as pages show it.
pub struct ReceiptView {
    pub id: String,
    pub facility: String,
    pub person: String,
    pub proxy: String,
    pub request: String,
    pub state: String,
    pub state_key: &'static str,
    pub asked: String,
    pub received_on: String,
}

pub fn receipt_views(page: &Page, rows: &[ProxyReceiptRow]) -> Vec<ReceiptView> {
    rows.iter()
        .map(|r| ReceiptView {
            id: r.id.clone(),
            facility: r.facility_name.clone(),
            person: r.person_name.clone(),
            proxy: r.proxy_name.clone(),
            request: r.request_reference.clone().unwrap_or_default(),
            state: r.state.clone(),
            state_key: match r.state.as_str() {
                "approved" => "custody-receipt-approved",
                "declined" => "custody-receipt-declined",
                "received" => "custody-receipt-received",
                _ => "custody-receipt-pending",
            },
            asked: page.time(r.created_at),
            received_on: r.received_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "custody/staff.html")]
struct StaffLog {
    page: Page,
    /// Both forms' fields (their names differ), with the errors of the one sent.
    form: FormState,
    facility: String,
    person: String,
    /// This page's own address: the links that correct a line must not hang off a form's address after an error.
    correct_base: String,
    name: String,
    where_key: &'static str,
    entries: Vec<EntryView>,
    events: Vec<Choice>,
    /// The line being corrected, when the form corrects one.
    correcting: Option<EntryView>,
    receipts: Vec<ReceiptView>,
    staff: Vec<Choice>,
    card_requests: Vec<Choice>,
}

#[derive(serde::Deserialize)]
pub struct CorrectQuery {
    #[serde(default)]
    corrects: String,
}

#[derive(serde::Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    event: String,
    #[serde(default)]
    carried_by: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    corrects: String,
}

/// Everything the staff page shows, with the forms as given.
async fn staff_page(
    page: Page,
    state: &AppState,
    worker: &FacilityWorker,
    (facility, person): (&str, &str),
    form: FormState,
) -> Result<StaffLog, AppError> {
    if !worker.facilities().contains(&facility) {
        return Err(AppError::NotFound);
    }
    let resident = state.store.resident_in_care(facility, person, worker.0.id()).await?.ok_or(AppError::NotFound)?;
    let log = state.store.custody_log(facility, person).await?;
    let entries = entry_views(&page, &log);
    let correcting = match form.value("corrects") {
        "" => None,
        id => Some(entries.iter().find(|e| e.id == id && !e.corrected).cloned().ok_or(AppError::NotFound)?),
    };
    let receipts = receipt_views(&page, &state.store.facility_proxy_receipts(facility, person).await?);
    let staff = state.store.facility_staff_members(facility).await?;
    let card_requests = state.store.card_requests_of(person).await?;
    Ok(StaffLog {
        where_key: whereabouts_key(whereabouts(&log)),
        events: CustodyEvent::ALL.iter().map(|e| Choice::keyed(e.code(), e.label_key())).collect(),
        staff: staff.iter().map(|(id, name)| Choice::named(id, name)).collect(),
        card_requests: card_requests.iter().map(|(id, reference)| Choice::named(id, reference)).collect(),
        page,
        form,
        facility: facility.to_string(),
        person: person.to_string(),
        correct_base: format!("/facility/{facility}/residents/{person}/custody"),
        name: resident.name,
        entries,
        correcting,
        receipts,
    })
}

pub async fn staff_log(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
    query: web::Query<CorrectQuery>,
) -> Result<HttpResponse, AppError> {
    let (facility, person) = path.into_inner();
    let form = FormState::with_values([("corrects", query.corrects.as_str())]);
    render(&staff_page(page, &state, &worker, (&facility, &person), form).await?)
}

/// Reads a short note (who carried the card, why), required when `needed`.
fn note(form: &mut FormState, field: &str, text: &str, needed: bool, empty_key: &'static str) -> String {
    let text = form.free_text(field, text.trim()).unwrap_or_default();
    if needed && text.is_empty() {
        form.error_key(field, empty_key);
    } else if text.chars().count() > NOTE_MAX_CHARS {
        form.error_key(field, "custody-error-note-long");
    }
    text
}

pub async fn add_entry(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
    input: web::Form<EntryForm>,
) -> Result<HttpResponse, AppError> {
    let (facility, person) = path.into_inner();
    if !worker.facilities().contains(&facility.as_str()) {
        return Err(AppError::NotFound);
    }
    let mut form = FormState::with_values([
        ("event", input.event.as_str()),
        ("carried_by", input.carried_by.as_str()),
        ("reason", input.reason.as_str()),
        ("corrects", input.corrects.as_str()),
    ]);
    let event = CustodyEvent::from_code(&input.event);
    if event.is_none() {
        form.error_key("event", "custody-error-event");
    }
    let needs_carrier = event.is_some_and(CustodyEvent::needs_carrier);
    let carried_by = note(&mut form, "carried_by", &input.carried_by, needs_carrier, "custody-error-carried-by");
    let reason = note(&mut form, "reason", &input.reason, needs_carrier, "custody-error-reason");
    let corrects = Some(input.corrects.as_str()).filter(|c| !c.is_empty());
    if let (false, Some(event)) = (form.has_errors(), event) {
        let entry = NewCustodyEntry {
            facility_id: &facility,
            person_id: &person,
            staff_id: worker.0.id(),
            event,
            carried_by: &carried_by,
            reason: &reason,
            corrects,
        };
        match state.store.add_custody_entry(&entry).await? {
            Ok(id) => return Ok(see_other(format!("/facility/{facility}/residents/{person}/custody#entry-{id}"))),
            Err(CustodyRefusal::NotInCare | CustodyRefusal::NoSuchEntry) => return Err(AppError::NotFound),
            Err(CustodyRefusal::OutOfOrder) => form.error_key("event", "custody-error-order"),
        }
    }
    let page = staff_page(page, &state, &worker, (&facility, &person), form).await?;
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(serde::Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    proxy: String,
    #[serde(default)]
    request: String,
}

pub async fn request_receipt(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
    input: web::Form<ReceiptForm>,
) -> Result<HttpResponse, AppError> {
    let (facility, person) = path.into_inner();
    if !worker.facilities().contains(&facility.as_str()) {
        return Err(AppError::NotFound);
    }
    let mut form = FormState::with_values([("proxy", input.proxy.as_str()), ("request", input.request.as_str())]);
    if input.proxy.is_empty() {
        form.error_key("proxy", "custody-error-proxy");
        let page = staff_page(page, &state, &worker, (&facility, &person), form).await?;
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let receipt = NewProxyReceipt {
        facility_id: &facility,
        person_id: &person,
        proxy_id: &input.proxy,
        requested_by: worker.0.id(),
        request_id: Some(input.request.as_str()).filter(|r| !r.is_empty()),
    };
    match state.store.request_proxy_receipt(&receipt).await? {
        Some(id) => Ok(see_other(format!("/facility/{facility}/residents/{person}/custody#receipt-{id}"))),
        None => Err(AppError::NotFound),
    }
}

pub async fn received(
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (facility, id) = path.into_inner();
    if !worker.facilities().contains(&facility.as_str()) {
        return Err(AppError::NotFound);
    }
    if !state.store.record_proxy_receipt(&facility, &id, worker.0.id()).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/facility"))
}

/// A card out of a facility's safe now, for the facility's page.
pub struct CardOutView {
    pub person_id: String,
    pub name: String,
    pub carried_by: String,
    pub since: String,
    pub overdue: bool,
}

/// The cards of a facility's residents that are out now, flagged when out longer than the facility's limit.
pub async fn cards_out(page: &Page, state: &AppState, facility: &str) -> Result<Vec<CardOutView>, AppError> {
    Ok(state
        .store
        .cards_out(facility)
        .await?
        .into_iter()
        .map(|c| CardOutView {
            since: page.time(c.since),
            person_id: c.person_id,
            name: c.name,
            carried_by: c.carried_by,
            overdue: c.overdue,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "custody/own.html")]
struct OwnLog {
    page: Page,
    name: String,
    where_key: &'static str,
    entries: Vec<EntryView>,
    receipts: Vec<ReceiptView>,
}

/// The resident's own log and receipts, or their ward's while an authority covering card applications stands.
pub async fn own_log(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let person = path.into_inner();
    let name = state.store.custody_subject(user.id(), &person).await?.ok_or(AppError::NotFound)?;
    let log = state.store.custody_log_of(&person).await?;
    let receipts = receipt_views(&page, &state.store.proxy_receipts_of(&person).await?);
    render(&OwnLog {
        where_key: whereabouts_key(whereabouts(&log)),
        entries: entry_views(&page, &log),
        page,
        name,
        receipts,
    })
}
