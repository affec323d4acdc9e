//! Following requests: "my requests", one request's page with its timeline, the confirmation after sending,
//! and the signed-out lookup by reference number and date of birth.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::accounts::Role;
use crate::domain::{ReferenceNumber, WarekiDate};
use crate::journeys::certificates::{SummaryRow, answers_of, summary};
use crate::journeys::public::contact::Dial;
use crate::requests::certificate::MAX_VALIDITY_MONTHS;
use crate::requests::service::{Command, Service};
use crate::requests::{Actor, RequestKind, RequestState, check_transition};
use crate::store::now_ms;
use crate::store::requests::RequestRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{Routes, SignedIn};
use crate::web::session::CurrentUser;
use crate::web::views::{HELP_LINE, download_href, letter_href};
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<SignedIn>()
        .route("/requests", web::get().to(list))
        .route("/requests/{id}", web::get().to(detail))
        .route("/requests/{id}/confirmation", web::get().to(confirmation))
        .route("/requests/{id}/withdraw", web::get().to(withdraw_form))
        .route("/requests/{id}/withdraw", web::post().to(withdraw));
    routes.public().route("/track", web::get().to(track_form)).route("/track", web::post().to(track));
}

/// Lookups by reference number from one client: 10 in 15 minutes.
pub const LOOKUPS_PER_CLIENT: i64 = 10;
pub const LOOKUP_WINDOW_MS: i64 = 15 * 60_000;

pub struct ListItem {
    pub href: String,
    pub reference: String,
    pub kind_key: &'static str,
    pub state_key: &'static str,
    pub state_code: &'static str,
    pub subject: String,
    pub updated: String,
    pub is_draft: bool,
}

fn reference_text(compact: &str) -> String {
    compact.parse::<ReferenceNumber>().map(|r| r.to_string()).unwrap_or_else(|_| compact.to_string())
}

#[derive(Template)]
#[template(path = "requests/list.html")]
struct List {
    page: Page,
    items: Vec<ListItem>,
    may_file: bool,
    total: i64,
    /// The link to the next, older page, when there is one.
    older: Option<String>,
    /// This is not the first page: a link back to the newest.
    not_first: bool,
}

/// Requests on one page of `/requests`.
pub const REQUESTS_PAGE_SIZE: i64 = 20;

#[derive(serde::Deserialize)]
pub struct ListQuery {
    older: Option<String>,
}

async fn list(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let after = q.older.as_deref().and_then(crate::web::forms::parse_cursor);
    let mut rows = state.store.requests_for(user.id(), after, REQUESTS_PAGE_SIZE).await?;
    let total = state.store.count_requests_for(user.id()).await?;
    let older = if rows.len() as i64 > REQUESTS_PAGE_SIZE {
        rows.truncate(REQUESTS_PAGE_SIZE as usize);
        rows.last().map(|r| format!("/requests?older={}.{}", r.updated_at, r.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let (st, kind) = (r.state, r.kind);
            let is_draft = st == RequestState::Draft;
            ListItem {
                href: match (kind, is_draft) {
                    (RequestKind::Card, true) => format!("/express/{}/check", r.id),
                    (RequestKind::Card, false) => format!("/express/{}", r.id),
                    (_, true) => "/certificates/new".to_string(),
                    (_, false) => format!("/requests/{}", r.id),
                },
                reference: if is_draft { String::new() } else { reference_text(&r.reference) },
                kind_key: kind.message_key(),
                state_key: st.message_key(),
                state_code: st.code(),
                subject: r.subject_name,
                updated: page.time(r.updated_at),
                is_draft,
            }
        })
        .collect();
    render(&List {
        page,
        items,
        may_file: crate::requests::may_file(&user.roles),
        total,
        older,
        not_first: after.is_some(),
    })
}

pub struct EventView {
    pub when: String,
    pub what_key: &'static str,
    pub who_key: &'static str,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "requests/detail.html")]
struct Detail {
    page: Page,
    reference: String,
    kind_key: &'static str,
    state_key: &'static str,
    state_code: &'static str,
    next_key: &'static str,
    decision: String,
    subject: String,
    rows: Vec<SummaryRow>,
    events: Vec<EventView>,
    form: FormState,
    decide: Option<DecideView>,
    certificates: Vec<CertificateLink>,
    /// For officers of the request's insurer: the check against the insurer's enrolment records.
    enrolment_check: Option<crate::journeys::office::enrolments::MatchView>,
    letter_href: String,
    /// For officers of the request's insurer: how the applicant asked to be contacted.
    contact: Option<ContactView>,
    /// For officers of the request's insurer: the same person's other unfinished requests.
    other_requests: Vec<OtherRequestLink>,
    /// On a request returned for correction: what to check, and (for the requester side) where to correct it.
    correction: Option<CorrectionView>,
    /// The express card request this certificate was asked for with (a lost card), if the viewer may see it.
    linked_card: Option<OtherRequestLink>,
    /// For the requester side of an unfinished request: what to do while it waits, and how to withdraw it.
    meanwhile: Option<Meanwhile>,
}

/// What the requester side reads while a request waits: how long it takes to arrive, what to show at the clinic
/// meanwhile, whom to call, and (while the state machine allows it) how to withdraw.
pub struct Meanwhile {
    pub delivery_key: &'static str,
    /// The insurer's name (HTML, readings as ruby); `None` when the help line is given instead.
    pub call_name: Option<String>,
    pub call: Dial,
    pub withdraw_href: Option<String>,
}

/// The requester may withdraw a request in this state (the state machine decides).
fn withdrawable(st: RequestState) -> bool {
    check_transition(st, RequestState::Withdrawn, Actor::Requester).is_ok()
}

/// The meanwhile panel for a certificate request the viewer filed or may file for; `None` for officers, for
/// other kinds (an express card has its own page) and for finished requests.
async fn meanwhile(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    r: &RequestRow,
) -> Result<Option<Meanwhile>, AppError> {
    let waiting = r.state.is_open() || withdrawable(r.state);
    if !crate::requests::may_file(&user.roles) || r.kind == RequestKind::Card || !waiting {
        return Ok(None);
    }
    use crate::requests::certificate::Delivery;
    let delivery_key = match answers_of(r).delivery {
        Some(Delivery::Download) => "usability-wait-download",
        _ => "usability-wait-post",
    };
    let insurer = match r.insurer_id.as_deref() {
        Some(id) => state.store.insurers().await?.into_iter().find(|i| i.id == id),
        None => None,
    };
    let insurer_line = insurer.and_then(|i| Some((i.name().html(page.locale), Dial::of(&i.phone)?)));
    let (call_name, call) = match insurer_line {
        Some((name, dial)) => (Some(name), dial),
        None => (None, Dial::of(HELP_LINE).expect("the help line is a phone number")),
    };
    Ok(Some(Meanwhile {
        delivery_key,
        call_name,
        call,
        withdraw_href: withdrawable(r.state).then(|| format!("/requests/{}/withdraw", r.id)),
    }))
}

pub struct ContactView {
    pub way_key: &'static str,
    /// The address, telephone number or e-mail address to use.
    pub value: String,
}

pub struct OtherRequestLink {
    pub href: String,
    pub reference: String,
    pub state_key: &'static str,
}

pub struct CorrectionView {
    pub reason_key: &'static str,
    pub href: Option<String>,
}

/// The deliberate step an approval needs when the request does not match the enrolment records.
pub struct MismatchView {
    /// The request's and the one offered record's 記号・番号・枝番, side by side; `None` unless exactly one record
    /// is offered.
    pub compare: Option<NumbersCompare>,
    pub as_typed_reasons: Vec<(&'static str, &'static str)>,
}

pub struct NumbersCompare {
    /// (label key, the request's value, the record's value)
    pub rows: Vec<(&'static str, String, String)>,
    pub record_href: String,
}

/// The decisions an officer of the request's insurer may take on the request page.
pub struct DecideView {
    pub action: String,
    pub can_start: bool,
    pub max_months: u32,
    pub decline_reasons: Vec<(String, &'static str)>,
    pub mismatch: Option<MismatchView>,
    pub correction_reasons: Vec<(&'static str, &'static str)>,
}

pub struct CertificateLink {
    pub href: String,
    /// The file to keep, unless the certificate was replaced.
    pub download_href: Option<String>,
    pub issued_on: String,
    pub revoked: bool,
}

/// A decline reason is stored as its message id; older or other texts are shown as they are.
fn decision_text(page: &Page, stored: &str) -> String {
    if crate::requests::certificate::DECLINE_REASONS.contains(&stored) {
        page.t_plain(stored)
    } else {
        stored.to_string()
    }
}

fn event_key(event: &str) -> &'static str {
    match event {
        "created" => "request-event-created",
        "submitted" => "request-event-submitted",
        "taken_at_session" => "request-event-taken-at-session",
        "in_review" => "request-event-in-review",
        "issued" => "request-event-issued",
        "declined" => "request-event-declined",
        "withdrawn" => "request-event-withdrawn",
        "returned" => "request-event-returned",
        // The issuing body's production stages (express cards).
        "production_started" => "request-event-production-started",
        "mailed" => "request-event-mailed",
        "delivered" => "request-event-delivered",
        "failed" => "request-event-failed",
        _ => "request-event-other",
    }
}

/// The code an approval or a return keeps in the timeline, in words.
fn event_detail_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "numbers-from-record" => "decisions-issued-numbers-from-record",
        "as-typed-applicant-confirmed" => "decisions-issued-as-typed-applicant-confirmed",
        "as-typed-record-out-of-date" => "decisions-issued-as-typed-record-out-of-date",
        "as-typed-record-not-yet-entered" => "decisions-issued-as-typed-record-not-yet-entered",
        "branch-needed" | "numbers-other-person" | "numbers-not-found" => {
            crate::journeys::certificates::correction_key(Some(code))
        }
        _ => return None,
    })
}

fn as_typed_key(code: &str) -> &'static str {
    match code {
        "record-out-of-date" => "decisions-as-typed-record-out-of-date",
        "record-not-yet-entered" => "decisions-as-typed-record-not-yet-entered",
        _ => "decisions-as-typed-applicant-confirmed",
    }
}

async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> Result<RequestRow, AppError> {
    state.store.visible_request(id, user.id()).await?.ok_or(AppError::NotFound)
}

async fn detail(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    // A card request has its own page (its answers, the card's validity, its linked request).
    let r = visible(&state, &user, &id).await?;
    if r.kind == RequestKind::Card {
        return Ok(HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, format!("/express/{}", r.id)))
            .finish());
    }
    detail_page(page, &state, &user, &id, FormState::default(), StatusCode::OK).await
}

/// The request page, with `form` holding a refused decision (if any).
pub async fn detail_page(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    mut form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let r = visible(state, user, id).await?;
    if user.roles.is_officer() {
        let org = [Role::InsurerOfficer, Role::MunicipalOfficer]
            .iter()
            .flat_map(|role| user.roles.organisations(*role))
            .find(|o| Some(*o) == r.insurer_id.as_deref() || Some(*o) == r.municipality_id.as_deref())
            .unwrap_or("")
            .to_string();
        state.store.record_view(user.id(), &r.subject_id, &org, &r.reference).await?;
    }
    let (st, kind) = (r.state, r.kind);
    let subject = state.store.person(&r.subject_id).await?.map(|p| p.name).unwrap_or_default();
    let ctx = crate::journeys::certificates::steps_context_for(state, &r, &subject).await?;
    let rows = summary(&answers_of(&r), &ctx, &page, None);
    let events = state
        .store
        .events(&r.id)
        .await?
        .into_iter()
        .map(|e| EventView {
            when: page.time(e.at),
            what_key: event_key(&e.event),
            who_key: if e.actor_role == "officer" { "request-actor-officer" } else { "request-actor-requester" },
            detail: match e.event.as_str() {
                "declined" => decision_text(&page, &e.detail),
                "issued" | "returned" => event_detail_key(&e.detail).map(|k| page.t_plain(k)).unwrap_or_default(),
                _ => String::new(),
            },
        })
        .collect();
    let own_insurer = r.kind == RequestKind::Certificate
        && r.insurer_id.as_deref().is_some_and(|i| user.roles.organisations(Role::InsurerOfficer).contains(&i));
    let checked = if own_insurer { crate::journeys::office::enrolments::check_request(state, &r).await? } else { None };
    let decide = if own_insurer && st.is_open() {
        if form.value("months").is_empty() && !form.has_errors() {
            let insurer = state.store.insurer_for_certificates(r.insurer_id.as_deref().unwrap_or("")).await?;
            let default = insurer.map(|i| i.default_months).unwrap_or(12).clamp(1, MAX_VALIDITY_MONTHS as i64);
            form.set("months", &default.to_string());
        }
        let mismatch = checked.as_ref().filter(|c| c.verdict.matched().is_none()).map(|c| {
            let a = answers_of(&r);
            let v = |o: &Option<String>| o.clone().unwrap_or_default();
            MismatchView {
                compare: match c.records.as_slice() {
                    [one] => Some(NumbersCompare {
                        rows: vec![
                            ("office-cert-item-symbol", v(&a.symbol), one.symbol.clone()),
                            ("office-cert-item-number", v(&a.number), one.number.clone()),
                            ("office-cert-item-branch", v(&a.branch), one.branch.clone()),
                        ],
                        record_href: format!("/office/enrolments/{}?request={}", one.id, r.id),
                    }),
                    _ => None,
                },
                as_typed_reasons: crate::requests::certificate::AS_TYPED_REASONS
                    .iter()
                    .map(|c| (*c, as_typed_key(c)))
                    .collect(),
            }
        });
        Some(DecideView {
            action: format!("/office/certificates/{}/decide", r.id),
            can_start: st == RequestState::Submitted,
            max_months: MAX_VALIDITY_MONTHS,
            decline_reasons: crate::requests::certificate::DECLINE_REASONS
                .iter()
                .map(|k| (k.trim_start_matches("office-cert-decline-").to_string(), *k))
                .collect(),
            mismatch,
            correction_reasons: crate::requests::certificate::CORRECTION_REASONS
                .iter()
                .map(|c| (*c, crate::journeys::certificates::correction_key(Some(c))))
                .collect(),
        })
    } else {
        None
    };
    let enrolment_check = checked.as_ref().map(|c| {
        let mut view = crate::journeys::office::enrolments::match_view(&page, c);
        // The record page links back to this request.
        for (href, _) in &mut view.links {
            href.push_str(&format!("?request={}", r.id));
        }
        view
    });
    let (contact, other_requests) = if own_insurer {
        let a = answers_of(&r);
        use crate::requests::certificate::Contact;
        let value = match a.contact {
            Some(Contact::Phone) => a.phone.clone().unwrap_or_default(),
            Some(Contact::Email) => state.store.person(&r.filed_by).await?.and_then(|p| p.email).unwrap_or_default(),
            _ => match (a.postal_code.as_ref(), a.address.as_deref()) {
                (Some(code), Some(address)) => format!("〒{code} {address}"),
                _ => String::new(),
            },
        };
        let contact = a.contact.map(|way| ContactView { way_key: way.message_key(), value });
        let others = state
            .store
            .other_unfinished_requests(&r.id)
            .await?
            .into_iter()
            .map(|o| OtherRequestLink {
                href: format!("/requests/{}", o.id),
                reference: reference_text(&o.reference),
                state_key: o.state.message_key(),
            })
            .collect();
        (contact, others)
    } else {
        (None, Vec::new())
    };
    let correction = (st == RequestState::Returned).then(|| CorrectionView {
        reason_key: crate::journeys::certificates::correction_key(r.decision_reason.as_deref()),
        href: crate::requests::may_file(&user.roles).then(|| format!("/requests/{}/correct", r.id)),
    });
    let certificates = state
        .store
        .certificates_of_request(&r.id)
        .await?
        .into_iter()
        .map(|c| CertificateLink {
            href: format!("/certificates/issued/{}", c.id),
            download_href: c.revoked_at.is_none().then(|| download_href(&c.id)),
            issued_on: page.date(&c.issued_on),
            revoked: c.revoked_at.is_some(),
        })
        .collect();
    let linked_card = match state.store.card_request_linking(&r.id).await? {
        Some(card_id) => state.store.visible_request(&card_id, user.id()).await?,
        None => None,
    };
    let linked_card = linked_card.map(|c| OtherRequestLink {
        href: format!("/express/{}", c.id),
        reference: reference_text(&c.reference),
        state_key: c.state.message_key(),
    });
    let meanwhile = meanwhile(state, &page, user, &r).await?;
    let decision = if st == RequestState::Declined {
        decision_text(&page, r.decision_reason.as_deref().unwrap_or_default())
    } else {
        String::new()
    };
    render_with_status(
        status,
        &Detail {
            page,
            reference: reference_text(&r.reference),
            kind_key: kind.message_key(),
            state_key: st.message_key(),
            state_code: st.code(),
            next_key: st.next_step_key(),
            decision,
            subject,
            rows,
            events,
            form,
            decide,
            certificates,
            enrolment_check,
            letter_href: letter_href(&r.id),
            contact,
            other_requests,
            correction,
            linked_card,
            meanwhile,
        },
    )
}

#[derive(Template)]
#[template(path = "requests/confirmation.html")]
struct Confirmation {
    page: Page,
    id: String,
    reference: String,
    has_email: bool,
    meanwhile: Option<Meanwhile>,
}

async fn confirmation(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = visible(&state, &user, &id).await?;
    let meanwhile = meanwhile(&state, &page, &user, &r).await?;
    render(&Confirmation {
        page,
        id: r.id,
        reference: reference_text(&r.reference),
        has_email: user.person.email.is_some(),
        meanwhile,
    })
}

#[derive(Template)]
#[template(path = "requests/withdraw.html")]
struct Withdraw {
    page: Page,
    id: String,
    reference: String,
    kind_key: &'static str,
    back_href: String,
}

/// A certificate request the signed-in person may withdraw: one they see (not an officer, not an express card
/// request, which has its own page) or their own draft; anything else is `NotFound`.
async fn withdrawable_request(state: &AppState, user: &CurrentUser, id: &str) -> Result<RequestRow, AppError> {
    if !crate::requests::may_file(&user.roles) {
        return Err(AppError::NotFound);
    }
    let r = match state.store.visible_request(id, user.id()).await? {
        Some(r) => r,
        None => state.store.request_draft(id, user.id()).await?.ok_or(AppError::NotFound)?,
    };
    if r.kind == RequestKind::Card { Err(AppError::NotFound) } else { Ok(r) }
}

/// Where the person goes back to: a draft's check page (a draft has no request page), or the request's page.
fn back_to(r: &RequestRow) -> String {
    if r.state == RequestState::Draft { format!("/certificates/{}/check", r.id) } else { format!("/requests/{}", r.id) }
}

/// The confirmation step before withdrawing: what withdrawing means, a button that does it and a way back.
async fn withdraw_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = withdrawable_request(&state, &user, &id).await?;
    if !withdrawable(r.state) {
        return Ok(see_other(back_to(&r)));
    }
    render(&Withdraw {
        page,
        reference: if r.state == RequestState::Draft { String::new() } else { reference_text(&r.reference) },
        kind_key: r.kind.message_key(),
        back_href: back_to(&r),
        id: r.id,
    })
}

/// Withdraws the request through the service (timeline, audit line and e-mail in one transaction); a request
/// that has moved on meanwhile is refused, and its page shows the state it is in. A withdrawn draft leaves the
/// person on their list of requests.
async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = withdrawable_request(&state, &user, &id).await?;
    let command = Command::Withdraw { request_id: r.id.clone(), by: user.id().to_string() };
    let outcome = Service::of(&state).run(command, state.clock.now_ms()).await?;
    drop(outcome);
    if r.state == RequestState::Draft {
        return Ok(see_other("/requests"));
    }
    Ok(see_other(format!("/requests/{}", r.id)))
}

#[derive(serde::Deserialize)]
struct TrackQuery {
    reference: Option<String>,
}

#[derive(serde::Deserialize)]
struct TrackForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    birth_date: String,
}

pub struct Found {
    pub state_key: &'static str,
    pub state_code: &'static str,
    pub next_key: &'static str,
    pub kind_key: &'static str,
}

#[derive(Template)]
#[template(path = "requests/track.html")]
struct Track {
    page: Page,
    form: FormState,
    found: Option<Found>,
    not_found: bool,
}

/// The look-up form. A reference in the address (the QR code of a status letter) only fills in its field; the
/// date of birth is never taken from an address, where it would be kept in histories and logs.
async fn track_form(page: Page, query: web::Query<TrackQuery>) -> Result<HttpResponse, AppError> {
    let form = FormState::with_values([("reference", query.reference.as_deref().unwrap_or_default())]);
    render(&Track { page, form, found: None, not_found: false })
}

/// A signed-out person looks up a request with its reference number and the date of birth of the person it is
/// for (posted, never in the address), and sees its state only: nothing personal.
async fn track(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    input: web::Form<TrackForm>,
) -> Result<HttpResponse, AppError> {
    let TrackForm { reference, birth_date: birth } = input.into_inner();
    let mut form = FormState::with_values([("reference", reference.as_str()), ("birth_date", birth.as_str())]);
    let parsed_ref = form.check("reference", reference.parse::<ReferenceNumber>());
    let parsed_birth = form.check("birth_date", birth.parse::<WarekiDate>());
    let (Some(r), Some(b)) = (parsed_ref, parsed_birth) else {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Track { page, form, found: None, not_found: false },
        );
    };
    let client = crate::web::client_address::client_key(&req);
    let hits = state.store.hit_rate_limit(&format!("lookup:{client}"), LOOKUP_WINDOW_MS, now_ms()).await?;
    if hits > LOOKUPS_PER_CLIENT {
        form.error_key("reference", "track-error-too-many");
        return render_with_status(StatusCode::TOO_MANY_REQUESTS, &Track { page, form, found: None, not_found: false });
    }
    let found = state.store.lookup(r.compact(), &b.to_string()).await?.map(|row| Found {
        state_key: row.state.message_key(),
        state_code: row.state.code(),
        next_key: row.state.next_step_key(),
        kind_key: row.kind.message_key(),
    });
    let not_found = found.is_none();
    let status = if not_found { StatusCode::NOT_FOUND } else { StatusCode::OK };
    render_with_status(status, &Track { page, form, found, not_found })
}
