//! Outreach sessions (出張申請): facility staff offer to host (`/facility/outreach`), municipal officers list
//! the offers (filter, CSV), schedule sessions and keep the run sheet (`/office/outreach`), and residents,
//! guardians and facility staff book slots, wait for a full session, cancel and move (`/outreach`). The rules
//! are in `crate::outreach`, the SQL in `store::outreach`.

mod office;

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::access::RecordKind;
use crate::outreach::HOLD_PLACE_FOR;
use crate::outreach::mails::{OutreachMails, slot_when};
use crate::store::outreach::{BookOutcome, BookingRow, NewBooking, NewOffer, SessionRow, SlotRow};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{FacilityWorkers, MunicipalOfficers, Require, Routes, SignedIn};
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<FacilityWorkers>()
        .route("/facility/outreach", web::get().to(offer_form))
        .route("/facility/outreach", web::post().to(offer));
    routes
        .require::<MunicipalOfficers>()
        .route("/office/outreach", web::get().to(office::offers))
        .route("/office/outreach/offers.csv", web::get().to(office::offers_csv))
        .route("/office/outreach/sessions/new", web::get().to(office::schedule_form))
        .route("/office/outreach/sessions", web::post().to(office::schedule))
        .route("/office/outreach/sessions/{id}", web::get().to(office::run_sheet))
        .route("/office/outreach/bookings/{id}/record", web::post().to(office::record));
    routes
        .require::<SignedIn>()
        .route("/outreach", web::get().to(sessions))
        .route("/outreach/sessions/{id}", web::get().to(session))
        .route("/outreach/sessions/{id}/book", web::post().to(book))
        .route("/outreach/sessions/{id}/wait", web::post().to(wait))
        .route("/outreach/bookings/{id}", web::get().to(booking))
        .route("/outreach/bookings/{id}/calendar.ics", web::get().to(calendar_file))
        .route("/outreach/bookings/{id}/cancel", web::post().to(cancel))
        .route("/outreach/bookings/{id}/move", web::post().to(move_booking))
        .route("/outreach/waiting/{id}/take", web::post().to(take));
}

fn mails(state: &AppState) -> OutreachMails {
    OutreachMails {
        localizer: state.localizer.clone(),
        base_url: state.settings.base_url.clone(),
        default_locale: state.settings.default_locale,
        from: state.settings.smtp.from.clone(),
    }
}

fn hold_until(state: &AppState) -> i64 {
    state.clock.now_ms() + HOLD_PLACE_FOR.as_millis() as i64
}

// ---- The facility's offer ----

#[derive(Template)]
#[template(path = "outreach/offer.html")]
struct OfferPage {
    page: Page,
    form: FormState,
    sent: bool,
}

#[derive(serde::Deserialize)]
struct OfferQuery {
    #[serde(default)]
    sent: Option<String>,
}

async fn offer_form(
    page: Page,
    _worker: Require<FacilityWorkers>,
    query: web::Query<OfferQuery>,
) -> Result<HttpResponse, AppError> {
    render(&OfferPage { page, form: FormState::default(), sent: query.sent.is_some() })
}

#[derive(serde::Deserialize)]
struct OfferForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    expected: String,
    #[serde(default)]
    accessibility: String,
    #[serde(default)]
    dates: String,
}

async fn offer(
    page: Page,
    state: web::Data<AppState>,
    worker: Require<FacilityWorkers>,
    input: web::Form<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let f = input.into_inner();
    let mut form = FormState::with_values([
        ("address", f.address.as_str()),
        ("contact", f.contact.as_str()),
        ("expected", f.expected.as_str()),
        ("accessibility", f.accessibility.as_str()),
        ("dates", f.dates.as_str()),
    ]);
    let address = form.free_text("address", &f.address).filter(|a| !a.trim().is_empty());
    if address.is_none() && !form.has_error("address") {
        form.error_key("address", "outreach-error-address");
    }
    let contact = form.free_text("contact", &f.contact).filter(|c| !c.trim().is_empty());
    if contact.is_none() && !form.has_error("contact") {
        form.error_key("contact", "outreach-error-contact");
    }
    let expected = crate::outreach::parse_count(&f.expected);
    if expected.is_none() {
        form.error_key("expected", "outreach-error-expected");
    }
    let accessibility = form.free_text("accessibility", &f.accessibility);
    let dates = form.free_text("dates", &f.dates);
    let (Some(address), Some(contact), Some(expected), Some(accessibility), Some(dates)) =
        (address, contact, expected, accessibility, dates)
    else {
        return render_with_status(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &OfferPage { page, form, sent: false },
        );
    };
    let facility = *worker.facilities().first().ok_or(AppError::Forbidden)?;
    let new = NewOffer {
        facility_id: facility,
        offered_by: worker.id(),
        address: address.trim(),
        contact: contact.trim(),
        expected_applicants: expected,
        accessibility_notes: accessibility.trim(),
        preferred_dates: dates.trim(),
    };
    state.store.create_outreach_offer(&new, state.clock.now_ms()).await?;
    Ok(see_other("/facility/outreach?sent=1"))
}

// ---- Booking ----

pub struct SessionView {
    pub id: String,
    pub date: String,
    pub venue: String,
    pub venue_kind: &'static str,
    pub residents_only: bool,
}

fn session_view(page: &Page, s: &SessionRow) -> SessionView {
    SessionView {
        id: s.id.clone(),
        date: page.date(&s.held_on),
        venue: s.venue.clone(),
        venue_kind: crate::outreach::VenueKind::from_code(&s.venue_kind)
            .unwrap_or(crate::outreach::VenueKind::Other)
            .message_key(),
        residents_only: s.residents_only == 1,
    }
}

pub struct BookingView {
    pub id: String,
    pub name: String,
    pub when: String,
    pub venue: String,
    pub state_key: &'static str,
    pub live: bool,
}

fn booking_view(page: &Page, state: &AppState, b: &BookingRow) -> BookingView {
    let booking_state = crate::outreach::BookingState::from_code(&b.state);
    BookingView {
        id: b.id.clone(),
        name: b.person_name.clone(),
        when: slot_when(&state.localizer, page.locale, &b.held_on, &b.starts_at, &b.ends_at),
        venue: b.venue.clone(),
        state_key: booking_state.map(|s| s.message_key()).unwrap_or("outreach-booking-state-booked"),
        live: booking_state == Some(crate::outreach::BookingState::Booked),
    }
}

pub struct HeldView {
    pub id: String,
    pub name: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "outreach/sessions.html")]
struct SessionsPage {
    page: Page,
    sessions: Vec<SessionView>,
    bookings: Vec<BookingView>,
    held: Vec<HeldView>,
}

async fn sessions(page: Page, state: web::Data<AppState>, user: Require<SignedIn>) -> Result<HttpResponse, AppError> {
    let sessions =
        state.store.bookable_outreach_sessions(user.id()).await?.iter().map(|s| session_view(&page, s)).collect();
    let bookings =
        state.store.outreach_bookings_for(user.id()).await?.iter().map(|b| booking_view(&page, &state, b)).collect();
    let held = state
        .store
        .outreach_places_held_for(user.id(), state.clock.now_ms())
        .await?
        .into_iter()
        .map(|(id, name, date, starts)| HeldView {
            id,
            name,
            when: format!("{} {}", page.date(&date), crate::outreach::mails::time_in(page.locale, &starts)),
        })
        .collect();
    render(&SessionsPage { page, sessions, bookings, held })
}

pub struct SlotView {
    pub id: String,
    pub when: String,
    pub left: i64,
}

fn slot_views(page: &Page, state: &AppState, s: &SessionRow, slots: &[SlotRow]) -> Vec<SlotView> {
    slots
        .iter()
        .map(|sl| SlotView {
            id: sl.id.clone(),
            when: slot_when(&state.localizer, page.locale, &s.held_on, &sl.starts_at, &sl.ends_at),
            left: sl.capacity - sl.taken,
        })
        .collect()
}

/// Someone the viewer may book for.
pub struct PersonChoice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "outreach/book.html")]
struct BookPage {
    page: Page,
    form: FormState,
    session: SessionView,
    what_to_bring: String,
    slots: Vec<SlotView>,
    full: bool,
    people: Vec<PersonChoice>,
    chosen: Vec<String>,
}

/// A session the viewer may open: public, or host-residents-only and the viewer lives at or works for the host.
async fn bookable(state: &AppState, viewer: &str, id: &str) -> Result<SessionRow, AppError> {
    state.store.bookable_outreach_sessions(viewer).await?.into_iter().find(|s| s.id == id).ok_or(AppError::NotFound)
}

/// The people the viewer may book for: themselves, wards whose authority covers bookings, residents with
/// consent. The store checks each again when booking.
async fn people_for(state: &AppState, user: &Require<SignedIn>) -> Result<Vec<PersonChoice>, AppError> {
    let mut people = vec![PersonChoice { id: user.id().to_string(), name: user.person.name.clone() }];
    for w in state.store.wards_covering(user.id(), RecordKind::OutreachBooking).await? {
        people.push(PersonChoice { id: w.ward_id, name: w.name });
    }
    for r in state.store.residents_with_consent(user.id()).await? {
        if !people.iter().any(|p| p.id == r.person_id) {
            people.push(PersonChoice { id: r.person_id, name: r.name });
        }
    }
    Ok(people)
}

async fn book_page(
    page: Page,
    state: &AppState,
    user: &Require<SignedIn>,
    s: SessionRow,
    form: FormState,
    chosen: Vec<String>,
) -> Result<BookPage, AppError> {
    let slots = state.store.outreach_slots(&s.id).await?;
    let full = slots.iter().all(|sl| !sl.has_room());
    let people = people_for(state, user).await?;
    Ok(BookPage {
        slots: slot_views(&page, state, &s, &slots),
        session: session_view(&page, &s),
        what_to_bring: s.what_to_bring.clone(),
        full,
        people,
        chosen,
        page,
        form,
    })
}

async fn session(
    page: Page,
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let s = bookable(&state, user.id(), &path).await?;
    let me = vec![user.subject_id().to_string()];
    render(&book_page(page, &state, &user, s, FormState::default(), me).await?)
}

/// The booking form: `slot` and one `person` per person booked for (all into the same slot).
fn form_fields(input: &[(String, String)]) -> (String, Vec<String>) {
    let slot = input.iter().find(|(k, _)| k == "slot").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut people: Vec<String> = input.iter().filter(|(k, _)| k == "person").map(|(_, v)| v.clone()).collect();
    people.dedup();
    (slot, people)
}

async fn book(
    page: Page,
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
    input: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let s = bookable(&state, user.id(), &path).await?;
    let (slot, people) = form_fields(&input);
    let mut form = FormState::with_values([("slot", slot.as_str())]);
    let slots = state.store.outreach_slots(&s.id).await?;
    if !slots.iter().any(|sl| sl.id == slot) {
        form.error_key("slot", "outreach-error-slot");
    }
    if people.is_empty() {
        form.error_key("person", "outreach-error-person");
    }
    for person in &people {
        if !state.store.may_book_outreach(user.id(), &s.id, person).await? {
            form.error_key("person", "outreach-error-not-allowed");
            break;
        }
    }
    if !form.has_errors() {
        let bookings: Vec<NewBooking> = people
            .iter()
            .map(|p| NewBooking {
                session_id: s.id.clone(),
                slot_id: slot.clone(),
                person_id: p.clone(),
                booked_by: user.id().to_string(),
            })
            .collect();
        let mails = mails(&state);
        let booked = state
            .store
            .book_outreach(&bookings, state.clock.now_ms(), &|b, to| mails.booked(b, to))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        match booked {
            BookOutcome::Booked(ids) => {
                return Ok(see_other(if ids.len() == 1 {
                    format!("/outreach/bookings/{}", ids[0])
                } else {
                    "/outreach".to_string()
                }));
            }
            BookOutcome::Full => form.error_key("slot", "outreach-error-full"),
            BookOutcome::AlreadyBooked => form.error_key("person", "outreach-error-already"),
        }
    }
    let page = book_page(page, &state, &user, s, form, people).await?;
    render_with_status(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(serde::Deserialize)]
struct WaitForm {
    #[serde(default)]
    person: String,
}

async fn wait(
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
    input: web::Form<WaitForm>,
) -> Result<HttpResponse, AppError> {
    let s = bookable(&state, user.id(), &path).await?;
    let person = if input.person.is_empty() { user.subject_id().to_string() } else { input.person.clone() };
    if !state.store.may_book_outreach(user.id(), &s.id, &person).await? {
        return Err(AppError::NotFound);
    }
    state.store.join_outreach_waiting_list(&s.id, &person, user.id(), state.clock.now_ms()).await?;
    Ok(see_other("/outreach"))
}

#[derive(Template)]
#[template(path = "outreach/booking.html")]
struct BookingPage {
    page: Page,
    booking: BookingView,
    what_to_bring: String,
    other_slots: Vec<SlotView>,
    /// The card request made when the application was taken, when the viewer may see it (the access policy
    /// of a card application, which may differ from the booking's).
    request_href: Option<String>,
}

async fn visible_booking(state: &AppState, id: &str, viewer: &str) -> Result<BookingRow, AppError> {
    state.store.visible_outreach_booking(id, viewer).await?.ok_or(AppError::NotFound)
}

async fn booking(
    page: Page,
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let b = visible_booking(&state, &path, user.id()).await?;
    let s = state.store.outreach_session(&b.session_id).await?.ok_or(AppError::NotFound)?;
    let slots: Vec<SlotRow> =
        state.store.outreach_slots(&s.id).await?.into_iter().filter(|sl| sl.id != b.slot_id && sl.has_room()).collect();
    let request_href = match b.card_request_id.as_deref() {
        Some(r) if b.state == crate::outreach::BookingState::Taken.code() => {
            state.store.visible_request(r, user.id()).await?.map(|r| format!("/express/{}", r.id))
        }
        _ => None,
    };
    render(&BookingPage {
        request_href,
        other_slots: slot_views(&page, &state, &s, &slots),
        what_to_bring: b.what_to_bring.clone(),
        booking: booking_view(&page, &state, &b),
        page,
    })
}

/// The booking's calendar file, for whoever may see the booking (anyone else: 404), in the page's language.
async fn calendar_file(
    page: Page,
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    use crate::outreach::calendar::{FILE_NAME, Method, booking_calendar};
    let b = visible_booking(&state, &path, user.id()).await?;
    let body = booking_calendar(&state.localizer, &state.settings.base_url, page.locale, &b, Method::Publish, None);
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{FILE_NAME}\"")))
        .body(body))
}

async fn cancel(
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let b = visible_booking(&state, &path, user.id()).await?;
    let mails = mails(&state);
    state
        .store
        .cancel_outreach_booking(&b.id, state.clock.now_ms(), hold_until(&state), &|p| mails.place_held(p), &|b, to| {
            mails.cancelled(b, to)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(see_other(format!("/outreach/bookings/{}", b.id)))
}

#[derive(serde::Deserialize)]
struct MoveForm {
    #[serde(default)]
    slot: String,
}

async fn move_booking(
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
    input: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let b = visible_booking(&state, &path, user.id()).await?;
    let mails = mails(&state);
    state
        .store
        .move_outreach_booking(
            &b.id,
            &input.slot,
            state.clock.now_ms(),
            hold_until(&state),
            &|p| mails.place_held(p),
            &|b, to| mails.moved(b, to),
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(see_other(format!("/outreach/bookings/{}", b.id)))
}

async fn take(
    state: web::Data<AppState>,
    user: Require<SignedIn>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mails = mails(&state);
    let taken = state
        .store
        .take_outreach_place(&path, user.id(), state.clock.now_ms(), &|b, to| mails.booked(b, to))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match taken {
        Some(id) => Ok(see_other(format!("/outreach/bookings/{id}"))),
        None => Err(AppError::NotFound),
    }
}
