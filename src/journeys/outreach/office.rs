//! The municipality's side of outreach sessions: every offer made to it in one list (filtered by state and the
//! facility's kind, downloadable as CSV), scheduling a session (from an offer, at a post office or elsewhere),
//! and the run sheet of a session. Only the officer's own municipality: another's offer or session is 404.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::outreach::taken::{TakeOutcome, take_application};
use crate::outreach::{BookingState, OfferState, SlotPlan, VenueKind};
use crate::store::outreach::{NewSession, OfferFilter, OfferRow};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{MunicipalOfficers, Require};
use crate::web::questions::Choice;
use crate::web::{AppState, render, render_with_status};

type Officer = Require<MunicipalOfficers>;

/// The kinds of facility that offer to host, as the filter lists them.
pub const FACILITY_KINDS: [(&str, &str); 4] = [
    ("care_home", "outreach-facility-care-home"),
    ("hospital", "outreach-facility-hospital"),
    ("clinic", "outreach-facility-clinic"),
    ("support_organisation", "outreach-facility-support"),
];

/// The officer's municipality (the first, for an officer of several).
fn municipality(officer: &Officer) -> Result<String, AppError> {
    officer.municipalities().first().map(|m| m.to_string()).ok_or(AppError::Forbidden)
}

#[derive(serde::Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    kind: String,
}

impl Filter {
    fn parsed(&self) -> OfferFilter<'_> {
        OfferFilter {
            state: OfferState::from_code(&self.state),
            facility_kind: FACILITY_KINDS.iter().find(|(k, _)| *k == self.kind).map(|(k, _)| *k),
        }
    }
}

pub struct OfferView {
    pub id: String,
    pub facility: String,
    pub address: String,
    pub contact: String,
    pub expected: i64,
    pub accessibility: String,
    pub dates: String,
    pub state_key: &'static str,
    pub open: bool,
    pub received: String,
}

pub struct SessionLine {
    pub id: String,
    pub date: String,
    pub venue: String,
}

#[derive(Template)]
#[template(path = "outreach/office.html")]
struct OffersPage {
    page: Page,
    form: FormState,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    offers: Vec<OfferView>,
    sessions: Vec<SessionLine>,
    csv_href: String,
}

pub async fn offers(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    filter: web::Query<Filter>,
) -> Result<HttpResponse, AppError> {
    let municipality = municipality(&officer)?;
    let rows = state.store.outreach_offers(&municipality, filter.parsed()).await?;
    let offers = rows.into_iter().map(|o| offer_view(&page, o)).collect();
    let sessions = state
        .store
        .outreach_sessions_of(&municipality)
        .await?
        .into_iter()
        .map(|s| SessionLine { date: page.date(&s.held_on), id: s.id, venue: s.venue })
        .collect();
    let states = OfferState::ALL.iter().map(|s| Choice::keyed(s.code(), s.message_key())).collect();
    let kinds = FACILITY_KINDS.iter().map(|(k, key)| Choice::keyed(k, key)).collect();
    let form = FormState::with_values([("state", filter.state.as_str()), ("kind", filter.kind.as_str())]);
    let csv_href = format!(
        "/office/outreach/offers.csv?state={}&kind={}",
        filter.parsed().state.map(OfferState::code).unwrap_or(""),
        filter.parsed().facility_kind.unwrap_or("")
    );
    render(&OffersPage { page, form, states, kinds, offers, sessions, csv_href })
}

/// The offers as CSV, UTF-8 with a byte-order mark so that spreadsheet programs in Japan read it as UTF-8
/// (without it, Excel takes Shift_JIS and shows garbage). Written with the `csv` crate: quoting is its business.
pub async fn offers_csv(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    filter: web::Query<Filter>,
) -> Result<HttpResponse, AppError> {
    let municipality = municipality(&officer)?;
    let rows = state.store.outreach_offers(&municipality, filter.parsed()).await?;
    let body = offers_csv_bytes(&page, &rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"outreach-offers.csv\""))
        .body(body))
}

fn offers_csv_bytes(page: &Page, rows: &[OfferRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let heading = |key: &str| page.t_plain(key);
        w.write_record([
            heading("outreach-col-facility"),
            heading("outreach-col-address"),
            heading("outreach-col-contact"),
            heading("outreach-col-expected"),
            heading("outreach-col-accessibility"),
            heading("outreach-col-dates"),
            heading("outreach-col-state"),
            heading("outreach-col-received"),
        ])?;
        for o in rows {
            let s = OfferState::from_code(&o.state).unwrap_or(OfferState::Offered);
            w.write_record([
                o.facility_name.clone(),
                o.address.clone(),
                o.contact.clone(),
                o.expected_applicants.to_string(),
                o.accessibility_notes.clone(),
                o.preferred_dates.clone(),
                page.t_plain(s.message_key()),
                page.time(o.created_at),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "outreach/schedule.html")]
struct SchedulePage {
    page: Page,
    form: FormState,
    venue_kinds: Vec<Choice>,
    offer: Option<OfferView>,
}

#[derive(serde::Deserialize, Default)]
pub struct ScheduleQuery {
    #[serde(default)]
    offer: String,
}

fn offer_view(page: &Page, o: OfferRow) -> OfferView {
    let s = OfferState::from_code(&o.state).unwrap_or(OfferState::Offered);
    OfferView {
        received: page.time(o.created_at),
        state_key: s.message_key(),
        open: s == OfferState::Offered,
        id: o.id,
        facility: o.facility_name,
        address: o.address,
        contact: o.contact,
        expected: o.expected_applicants,
        accessibility: o.accessibility_notes,
        dates: o.preferred_dates,
    }
}

fn venue_kinds() -> Vec<Choice> {
    VenueKind::ALL.iter().map(|k| Choice::keyed(k.code(), k.message_key())).collect()
}

pub async fn schedule_form(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<ScheduleQuery>,
) -> Result<HttpResponse, AppError> {
    let municipality = municipality(&officer)?;
    let mut form = FormState::default();
    let offer = if query.offer.is_empty() {
        None
    } else {
        let o = state.store.outreach_offer(&query.offer, &municipality).await?.ok_or(AppError::NotFound)?;
        form.set("offer", &o.id);
        form.set("venue_kind", VenueKind::Facility.code());
        form.set("venue", &format!("{} {}", o.facility_name, o.address));
        Some(offer_view(&page, o))
    };
    render(&SchedulePage { page, form, venue_kinds: venue_kinds(), offer })
}

#[derive(serde::Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    offer: String,
    #[serde(default)]
    venue_kind: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    bring: String,
    #[serde(default)]
    slots: String,
    #[serde(default)]
    residents_only: String,
}

impl crate::domain::FieldMessage for crate::outreach::SlotError {
    fn key(&self) -> &'static str {
        self.message_key()
    }
}

pub async fn schedule(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    input: web::Form<ScheduleForm>,
) -> Result<HttpResponse, AppError> {
    let municipality = municipality(&officer)?;
    let f = input.into_inner();
    let offer = if f.offer.is_empty() {
        None
    } else {
        Some(state.store.outreach_offer(&f.offer, &municipality).await?.ok_or(AppError::NotFound)?)
    };
    let mut form = FormState::with_values([
        ("offer", f.offer.as_str()),
        ("venue_kind", f.venue_kind.as_str()),
        ("venue", f.venue.as_str()),
        ("held_on", f.held_on.as_str()),
        ("bring", f.bring.as_str()),
        ("slots", f.slots.as_str()),
        ("residents_only", f.residents_only.as_str()),
    ]);
    let kind = VenueKind::from_code(&f.venue_kind);
    if kind.is_none() {
        form.error_key("venue_kind", "outreach-error-venue-kind");
    }
    let venue = form.free_text("venue", &f.venue).filter(|v| !v.trim().is_empty());
    if venue.is_none() && !form.has_error("venue") {
        form.error_key("venue", "outreach-error-venue");
    }
    let today = state.clock.today();
    let held_on = match f.held_on.parse::<crate::domain::WarekiDate>() {
        Ok(d) if d.as_naive() >= today => Some(d.as_naive()),
        Ok(_) => {
            form.error_key("held_on", "outreach-error-date-past");
            None
        }
        Err(e) => {
            form.error("held_on", &e);
            None
        }
    };
    let bring = form.free_text("bring", &f.bring);
    let slots = form.check("slots", SlotPlan::parse_lines(&f.slots));
    let residents_only = f.residents_only == "yes";
    let host = offer.as_ref().map(|o| o.facility_id.clone());
    if residents_only && host.is_none() {
        form.error_key("residents_only", "outreach-error-residents-only");
    }
    let (Some(kind), Some(venue), Some(held_on), Some(bring), Some(slots), false) =
        (kind, venue, held_on, bring, slots, form.has_errors())
    else {
        let offer = offer.map(|o| offer_view(&page, o));
        return render_with_status(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &SchedulePage { page, form, venue_kinds: venue_kinds(), offer },
        );
    };
    let held_on = held_on.to_string();
    let new = NewSession {
        municipality_id: &municipality,
        offer_id: offer.as_ref().map(|o| o.id.as_str()),
        venue_kind: kind,
        host_facility_id: host.as_deref(),
        venue: venue.trim(),
        held_on: &held_on,
        what_to_bring: bring.trim(),
        residents_only,
        created_by: officer.id(),
        slots: &slots,
    };
    let id = state.store.schedule_outreach_session(&new, state.clock.now_ms()).await?;
    Ok(see_other(format!("/office/outreach/sessions/{id}")))
}

pub struct RunLine {
    pub id: String,
    pub name: String,
    pub when: String,
    pub state_key: &'static str,
    pub live: bool,
    pub identity_checked: bool,
    /// Identity checked, application not yet taken: "application taken" may be recorded.
    pub may_take: bool,
    /// The officer's page of the card request made when the application was taken.
    pub request_href: Option<String>,
}

#[derive(Template)]
#[template(path = "outreach/run_sheet.html")]
struct RunSheetPage {
    page: Page,
    /// An action refused, named by the row it was for (`booking-<id>`).
    form: FormState,
    date: String,
    venue: String,
    lines: Vec<RunLine>,
}

pub async fn run_sheet(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    run_sheet_page(page, &state, &officer, &path, FormState::default(), actix_web::http::StatusCode::OK).await
}

async fn run_sheet_page(
    page: Page,
    state: &AppState,
    officer: &Officer,
    session: &str,
    form: FormState,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let s = state.store.outreach_session(session).await?.ok_or(AppError::NotFound)?;
    if !officer.municipalities().contains(&s.municipality_id.as_str()) {
        return Err(AppError::NotFound);
    }
    let lines = state
        .store
        .outreach_run_sheet(&s.id)
        .await?
        .into_iter()
        .map(|b| {
            let st = BookingState::from_code(&b.state).unwrap_or(BookingState::Booked);
            RunLine {
                when: format!(
                    "{}–{}",
                    crate::outreach::mails::time_in(page.locale, &b.starts_at),
                    crate::outreach::mails::time_in(page.locale, &b.ends_at)
                ),
                state_key: st.message_key(),
                live: matches!(st, BookingState::Booked | BookingState::Attended),
                identity_checked: b.identity_checked == 1,
                may_take: st == BookingState::Attended && b.identity_checked == 1,
                request_href: b
                    .card_request_id
                    .as_ref()
                    .filter(|_| st == BookingState::Taken)
                    .map(|r| format!("/office/express/{r}")),
                id: b.id,
                name: b.person_name,
            }
        })
        .collect();
    render_with_status(status, &RunSheetPage { date: page.date(&s.held_on), venue: s.venue, lines, form, page })
}

#[derive(serde::Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    action: String,
}

/// Records identity checked, application taken (which makes the card request) or did not come, then back to the
/// run sheet.
pub async fn record(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<String>,
    input: web::Form<RecordForm>,
) -> Result<HttpResponse, AppError> {
    let municipality = municipality(&officer)?;
    let outcome = match input.action.as_str() {
        "identity_checked" => BookingState::Attended,
        "taken" => BookingState::Taken,
        "no_show" => BookingState::NoShow,
        _ => BookingState::Cancelled,
    };
    let session = state.store.outreach_booking_session(&path, &municipality).await?.ok_or(AppError::NotFound)?;
    let back = format!("/office/outreach/sessions/{session}#booking-{}", path.as_str());
    if outcome == BookingState::Taken {
        let service = crate::requests::service::Service::of(&state);
        let taken = take_application(&service, &path, &municipality, officer.id(), state.clock.now_ms()).await?;
        return match taken {
            TakeOutcome::Taken { .. } => Ok(see_other(back)),
            TakeOutcome::NotAttended => {
                // Taken already (a second click): the run sheet shows it with its request. Anything else — the
                // identity not checked yet, did not come — cannot be taken.
                match state.store.outreach_booking_outcome(&path, &municipality).await? {
                    Some((st, Some(_))) if st == BookingState::Taken.code() => Ok(see_other(back)),
                    _ => {
                        let mut form = FormState::default();
                        form.error_key(&format!("booking-{}", path.as_str()), "outreach-error-take-before-identity");
                        let status = actix_web::http::StatusCode::CONFLICT;
                        run_sheet_page(page, &state, &officer, &session, form, status).await
                    }
                }
            }
        };
    }
    let recorded = match outcome {
        BookingState::Cancelled => return Err(AppError::BadRequest),
        other => state.store.record_outreach_attendance(&path, &municipality, other, state.clock.now_ms()).await?,
    };
    if !recorded {
        return Err(AppError::NotFound);
    }
    Ok(see_other(back))
}
