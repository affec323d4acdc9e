//! Express My Number Card requests (特急発行), the residents' side: a start page that says who may ask and
//! when, one question per page (answers saved to the draft as they are given), check your answers with the
//! card's validity and eligibility, submission, and the request page with its timeline and withdrawal.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::domain::card_validity::{self, ExpressEligibility, ExpressReason};
use crate::domain::{Furigana, PersonName, PostalCode, WarekiDate};
use crate::journeys::certificates::SummaryRow;
use crate::requests::card::{CARD_TYPES, CardAnswers, MAX_PHOTO_BYTES, PHOTO_EXCEPTION_MAX_CHARS, Step, next_step_key};
use crate::requests::service::{Answers, Command, Filing, Service};
use crate::requests::{FiledAs, RequestKind, RequestState};
use crate::store::card_requests::CardRequestRow;
use crate::store::requests::RequestRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::multipart;
use crate::web::page::Page;
use crate::web::policy::{Routes, SignedIn};
use crate::web::questions::{Choice, Field, Question, QuestionPage};
use crate::web::session::CurrentUser;
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes.public().route("/express", web::get().to(start_page));
    routes
        .require::<SignedIn>()
        .route("/express/new", web::post().to(new_draft))
        .route("/express/{id}", web::get().to(detail))
        .route("/express/{id}/check", web::get().to(check_answers))
        .route("/express/{id}/submit", web::post().to(submit))
        .route("/express/{id}/withdraw", web::post().to(withdraw))
        .route("/express/{id}/photo", web::post().to(save_photo))
        .route("/express/{id}/photo/file", web::get().to(photo_file))
        .route("/express/{id}/{step}", web::get().to(show_step))
        .route("/express/{id}/{step}", web::post().to(save_step));
}

fn reason_key(reason: ExpressReason) -> &'static str {
    match reason {
        ExpressReason::Infant => "express-reason-infant",
        ExpressReason::Lost => "express-reason-lost",
        ExpressReason::NewlyRegistered => "express-reason-newly-registered",
        ExpressReason::Outreach => "express-reason-outreach",
    }
}

fn card_type_key(code: &str) -> &'static str {
    match code {
        "face_authentication" => "express-card-type-face",
        _ => "express-card-type-standard",
    }
}

#[derive(Template)]
#[template(path = "express/start.html")]
struct Start {
    page: Page,
    may_file: bool,
}

async fn start_page(page: Page, user: Option<CurrentUser>) -> Result<HttpResponse, AppError> {
    let may_file = user.is_none_or(|u| crate::requests::may_file(&u.roles));
    render(&Start { page, may_file })
}

#[derive(serde::Deserialize)]
struct NewForm {
    reason: Option<String>,
}

/// Continues the person's draft for this reason, or starts one, at the first question not yet answered. An
/// infant's card is the parent's request for a child not yet known to the portal; the others are for the
/// person the filer is acting as.
async fn new_draft(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<NewForm>,
) -> Result<HttpResponse, AppError> {
    if !crate::requests::may_file(&user.roles) {
        return Err(AppError::Forbidden);
    }
    // Only the express reasons: an outreach session's application is taken by the officer, never started here.
    let reason = form
        .reason
        .as_deref()
        .and_then(ExpressReason::from_code)
        .filter(|r| r.is_express())
        .unwrap_or(ExpressReason::Infant);
    if let Some(d) = state.store.latest_draft(RequestKind::Card, user.id()).await?
        && let Some(card) = state.store.card_request(&d.id).await?.filter(|c| c.reason() == Some(reason))
    {
        return Ok(see_other(next_href(&d.id, &card)));
    }
    let (subject_id, filed_as) = match reason {
        // The child is not a person of the portal yet: the parent until submission.
        ExpressReason::Infant => (user.id(), FiledAs::Representative),
        _ if user.subject_id() == user.id() => (user.id(), FiledAs::SelfFiled),
        _ => (user.subject_id(), FiledAs::Representative),
    };
    let start = Command::StartDraft {
        filed_by: user.id().to_string(),
        filing: Filing { subject_id: subject_id.to_string(), filed_as, facility_id: None },
        municipality_id: user.person.municipality_id.clone(),
        answers: Answers::Card(CardAnswers { reason: Some(reason), ..CardAnswers::default() }),
    };
    let id = Service::of(&state).run(start, state.clock.now_ms()).await?.map_err(|_| AppError::NotFound)?.request_id;
    Ok(see_other(next_href(&id, &load_draft(&state, &user, &id).await?.1)))
}

fn answers_of(card: &CardRequestRow) -> CardAnswers {
    let mut a: CardAnswers = serde_json::from_str(&card.details).unwrap_or_default();
    a.reason = card.reason();
    a
}

fn reason_of(card: &CardRequestRow) -> ExpressReason {
    card.reason().unwrap_or(ExpressReason::Infant)
}

fn next_href(id: &str, card: &CardRequestRow) -> String {
    match answers_of(card).first_unanswered(reason_of(card)) {
        Some(step) => format!("/express/{id}/{}", step.slug()),
        None => format!("/express/{id}/check"),
    }
}

/// The filer's card request the municipality returned for correction: its answers may be changed and it may be
/// sent again, without starting over. `None` for anyone else and in any other state.
async fn returned_card(state: &AppState, user: &CurrentUser, id: &str) -> Result<Option<RequestRow>, AppError> {
    Ok(state
        .store
        .visible_request(id, user.id())
        .await?
        .filter(|r| r.kind == RequestKind::Card && r.state == RequestState::Returned && r.filed_by == user.id()))
}

/// The filer's own draft (or returned request) and its card answers; 404 for anyone else and once it is sent.
async fn load_draft(state: &AppState, user: &CurrentUser, id: &str) -> Result<(RequestRow, CardRequestRow), AppError> {
    let draft = match state.store.request_draft(id, user.id()).await? {
        Some(d) => Some(d),
        None => returned_card(state, user, id).await?,
    };
    let draft = draft.filter(|r| r.kind == RequestKind::Card).ok_or(AppError::NotFound)?;
    let card = state.store.card_request(id).await?.ok_or(AppError::NotFound)?;
    Ok((draft, card))
}

/// (heading, lead, fields) of a question.
fn fields(step: Step) -> (&'static str, &'static str, Vec<Field>) {
    match step {
        Step::BirthRegistration => (
            "express-registration-heading",
            "express-registration-lead",
            vec![
                Field::text("registration_municipality", "express-registration-municipality", ""),
                Field::text("registration_date", "express-registration-date", "express-date-hint"),
            ],
        ),
        Step::ChildName => (
            "express-child-name-heading",
            "",
            vec![
                Field::text("child_name", "express-child-name", ""),
                Field::text("child_name_kana", "express-child-name-kana", "express-child-name-kana-hint"),
            ],
        ),
        Step::ChildBirthDate => (
            "express-child-birth-heading",
            "express-child-birth-lead",
            vec![Field::text("child_birth_date", "express-child-birth-date", "express-date-hint")],
        ),
        Step::ChildAddress => (
            "express-child-address-heading",
            "express-child-address-lead",
            vec![
                Field::Text {
                    name: "postal_code",
                    label_key: "express-postal-code",
                    hint_key: "",
                    autocomplete: "postal-code",
                    width: "input--short",
                    numeric: true,
                },
                Field::text("address", "express-address", ""),
            ],
        ),
        Step::LossReport => (
            "express-loss-heading",
            "express-loss-lead",
            vec![
                Field::text("loss_report_number", "express-loss-number", "express-loss-number-hint"),
                Field::text("loss_date", "express-loss-date", "express-date-hint"),
            ],
        ),
        Step::Suspended => (
            "express-suspended-heading",
            "express-suspended-lead",
            vec![Field::Radios {
                name: "suspended",
                legend_key: "express-suspended-heading",
                hint_key: "",
                choices: vec![
                    Choice::keyed("yes", "express-suspended-yes"),
                    Choice::keyed("no", "express-suspended-no").hinted("express-suspended-no-hint"),
                    Choice::keyed("unknown", "express-suspended-unknown"),
                ],
            }],
        ),
        Step::Registration => (
            "express-registration-abroad-heading",
            "express-registration-abroad-lead",
            vec![
                Field::text("registration_on", "express-registration-abroad-date", "express-date-hint"),
                Field::text("previous_country", "express-previous-country", ""),
            ],
        ),
        Step::DeliveryAddress => (
            "express-delivery-heading",
            "express-child-address-lead",
            vec![
                Field::Text {
                    name: "postal_code",
                    label_key: "express-postal-code",
                    hint_key: "",
                    autocomplete: "postal-code",
                    width: "input--short",
                    numeric: true,
                },
                Field::text("address", "express-address", ""),
            ],
        ),
        Step::Interim => (
            "express-interim-heading",
            "express-interim-lead",
            vec![Field::Radios {
                name: "interim",
                legend_key: "express-interim-heading",
                hint_key: "",
                choices: vec![
                    Choice::keyed("yes", "express-interim-yes").hinted("express-interim-yes-hint"),
                    Choice::keyed("no", "express-interim-no"),
                ],
            }],
        ),
        // Its own page (a file upload): see `photo_page`.
        Step::Photo => ("express-photo-heading", "express-photo-lead", Vec::new()),
        Step::CardType => (
            "express-card-type-heading",
            "express-card-type-lead",
            vec![Field::Radios {
                name: "card_type",
                legend_key: "express-card-type-legend",
                hint_key: "",
                choices: vec![
                    Choice::keyed("standard", "express-card-type-standard").hinted("express-card-type-standard-hint"),
                    Choice::keyed("face_authentication", "express-card-type-face")
                        .hinted("express-card-type-face-hint"),
                ],
            }],
        ),
    }
}

fn prefill(step: Step, a: &CardAnswers) -> FormState {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let pairs: Vec<(&str, String)> = match step {
        Step::BirthRegistration => vec![
            ("registration_municipality", v(&a.registration_municipality)),
            ("registration_date", v(&a.registration_date)),
        ],
        Step::ChildName => vec![("child_name", v(&a.child_name)), ("child_name_kana", v(&a.child_name_kana))],
        Step::ChildBirthDate => vec![("child_birth_date", v(&a.child_birth_date))],
        Step::ChildAddress | Step::DeliveryAddress => {
            vec![("postal_code", v(&a.postal_code)), ("address", v(&a.address))]
        }
        Step::LossReport => vec![("loss_report_number", v(&a.loss_report_number)), ("loss_date", v(&a.loss_date))],
        Step::Suspended => vec![("suspended", v(&a.suspended))],
        Step::Registration => {
            vec![("registration_on", v(&a.registration_on)), ("previous_country", v(&a.previous_country))]
        }
        Step::Interim => vec![("interim", v(&a.interim))],
        Step::Photo => vec![("photo_exception", v(&a.photo_exception))],
        Step::CardType => vec![("card_type", v(&a.card_type))],
    };
    FormState::with_values(pairs.iter().map(|(k, v)| (*k, v.as_str())))
}

/// A date that has already come (or is today), as YYYY-MM-DD.
fn past_date(form: &mut FormState, field: &str, raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    let d = form.check(field, raw.parse::<WarekiDate>())?.as_naive();
    if d > today {
        form.error_key(field, "express-not-eligible-future");
        return None;
    }
    Some(d)
}

/// Checks one question's answers into `a`; the form keeps what was typed and the errors.
fn accept(step: Step, input: &HashMap<String, String>, a: &mut CardAnswers, today: NaiveDate) -> FormState {
    let get = |k: &str| input.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let names: Vec<&str> = fields(step).2.iter().map(|f| f.name()).collect();
    let typed: Vec<(&str, String)> = names.iter().map(|n| (*n, get(n))).collect();
    let mut form = FormState::with_values(typed.iter().map(|(k, v)| (*k, v.as_str())));
    match step {
        Step::BirthRegistration => {
            let municipality = form.free_text("registration_municipality", &get("registration_municipality"));
            let date = past_date(&mut form, "registration_date", &get("registration_date"), today);
            if municipality.as_deref().is_some_and(str::is_empty) {
                form.error_key("registration_municipality", "express-error-municipality-missing");
            }
            if let (Some(m), Some(d), false) = (municipality, date, form.has_errors()) {
                a.registration_municipality = Some(m);
                a.registration_date = Some(d.to_string());
            }
        }
        Step::ChildName => {
            let name = form.check("child_name", get("child_name").parse::<PersonName>());
            let kana = form.check("child_name_kana", get("child_name_kana").parse::<Furigana>());
            if let (Some(n), Some(k)) = (name, kana) {
                a.child_name = Some(n.as_str().to_string());
                a.child_name_kana = Some(k.as_str().to_string());
            }
        }
        Step::ChildBirthDate => {
            if let Some(birth) = past_date(&mut form, "child_birth_date", &get("child_birth_date"), today) {
                let eligibility = card_validity::express_eligibility(ExpressReason::Infant, birth, today, false);
                if eligibility.is_eligible() {
                    a.child_birth_date = Some(birth.to_string());
                } else {
                    form.error_key("child_birth_date", "express-error-infant-over-one");
                }
            }
        }
        Step::ChildAddress | Step::DeliveryAddress => {
            let code = form.check("postal_code", get("postal_code").parse::<PostalCode>());
            let address = form.free_text("address", &get("address"));
            if address.as_deref().is_some_and(str::is_empty) {
                form.error_key("address", "express-error-address-missing");
            }
            if let (Some(c), Some(addr), false) = (code, address, form.has_errors()) {
                a.postal_code = Some(c.to_string());
                a.address = Some(addr);
            }
        }
        Step::LossReport => {
            let number = form.free_text("loss_report_number", &get("loss_report_number"));
            if number.as_deref().is_some_and(str::is_empty) {
                form.error_key("loss_report_number", "express-error-loss-number-missing");
            }
            let date = past_date(&mut form, "loss_date", &get("loss_date"), today);
            if let Some(d) = date {
                window(&mut form, "loss_date", ExpressReason::Lost, d, today);
            }
            if let (Some(n), Some(d), false) = (number, date, form.has_errors()) {
                a.loss_report_number = Some(n);
                a.loss_date = Some(d.to_string());
            }
        }
        Step::Suspended => {
            let choice = get("suspended");
            if ["yes", "no", "unknown"].contains(&choice.as_str()) {
                a.suspended = Some(choice);
            } else {
                form.error_key("suspended", "express-error-choose");
            }
        }
        Step::Registration => {
            let date = past_date(&mut form, "registration_on", &get("registration_on"), today);
            if let Some(d) = date {
                window(&mut form, "registration_on", ExpressReason::NewlyRegistered, d, today);
            }
            let country = form.free_text("previous_country", &get("previous_country"));
            if country.as_deref().is_some_and(str::is_empty) {
                form.error_key("previous_country", "express-error-country-missing");
            }
            if let (Some(d), Some(c), false) = (date, country, form.has_errors()) {
                a.registration_on = Some(d.to_string());
                a.previous_country = Some(c);
            }
        }
        Step::Interim => {
            let choice = get("interim");
            if ["yes", "no"].contains(&choice.as_str()) {
                a.interim = Some(choice);
            } else {
                form.error_key("interim", "express-error-choose");
            }
        }
        // Sent as a file upload to `save_photo`, never as this form.
        Step::Photo => form.error_key("photo", "express-error-photo-missing"),
        Step::CardType => {
            let choice = get("card_type");
            if CARD_TYPES.contains(&choice.as_str()) {
                a.card_type = Some(choice);
            } else {
                form.error_key("card_type", "express-error-card-type");
            }
        }
    }
    form
}

/// Outside the 30-day window: the question says why, and that the normal application remains.
fn window(form: &mut FormState, field: &str, reason: ExpressReason, trigger: NaiveDate, today: NaiveDate) {
    if !card_validity::express_eligibility(reason, trigger, today, false).is_eligible() {
        form.error_key(field, "express-error-window");
    }
}

#[derive(serde::Deserialize)]
struct ChangeQuery {
    change: Option<String>,
}

fn question_page(
    page: Page,
    id: &str,
    reason: ExpressReason,
    step: Step,
    form: FormState,
    change: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (heading_key, lead_key, fields) = fields(step);
    let steps = Step::of(reason);
    let previous = steps.iter().position(|s| *s == step).and_then(|i| i.checked_sub(1)).map(|i| steps[i]);
    let back_href = match (change, previous) {
        (true, _) => format!("/express/{id}/check"),
        (false, Some(prev)) => format!("/express/{id}/{}", prev.slug()),
        (false, None) => "/express".to_string(),
    };
    render_with_status(
        status,
        &QuestionPage::of_service(
            page,
            form,
            "express-service",
            Question {
                heading_key,
                lead_key,
                button_key: "question-continue",
                fields,
                action: format!("/express/{id}/{}{}", step.slug(), if change { "?change=1" } else { "" }),
                back_href,
            },
        ),
    )
}

#[derive(Template)]
#[template(path = "express/photo.html")]
struct PhotoPage {
    page: Page,
    form: FormState,
    action: String,
    back_href: String,
    /// A photo has been received already (a new one replaces it).
    uploaded_href: Option<String>,
    max_mb: usize,
}

/// The photo question: guidance, the file, and the flexible-rules explanation. A multipart form, so the CSRF
/// token travels in the address.
fn photo_page(
    page: Page,
    id: &str,
    card: &CardRequestRow,
    form: FormState,
    change: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let steps = Step::of(reason_of(card));
    let previous = steps.iter().position(|s| *s == Step::Photo).and_then(|i| i.checked_sub(1)).map(|i| steps[i]);
    let back_href = match (change, previous) {
        (false, Some(prev)) => format!("/express/{id}/{}", prev.slug()),
        _ => format!("/express/{id}/check"),
    };
    let action = format!("/express/{id}/photo?{}csrf_token={}", if change { "change=1&" } else { "" }, page.csrf_token);
    let uploaded_href = card.photo_file.as_ref().map(|_| format!("/express/{id}/photo/file"));
    render_with_status(
        status,
        &PhotoPage { page, form, action, back_href, uploaded_href, max_mb: MAX_PHOTO_BYTES / (1024 * 1024) },
    )
}

/// Saves the photo question: a JPEG or PNG (judged by its bytes) within the size limit, and/or the explanation
/// of why the standard rules cannot be met. What was typed is kept when something is wrong.
async fn save_photo(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<ChangeQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (draft, card) = load_draft(&state, &user, &id).await?;
    step_of(Step::Photo.slug(), &card)?;
    let change = query.change.is_some();
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or(AppError::BadRequest)?;
    let body = multipart::read_limited(payload, MAX_PHOTO_BYTES + 64 * 1024, 4 * MAX_PHOTO_BYTES).await?;
    let mut answers = answers_of(&card);
    let mut form = FormState::default();
    let Some(body) = body else {
        form.set("photo_exception", answers.photo_exception.as_deref().unwrap_or(""));
        form.error_key("photo", "express-error-photo-large");
        return photo_page(page, &id, &card, form, change, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let parts = multipart::parse(&boundary, &body).ok_or(AppError::BadRequest)?;
    let exception = parts.iter().find(|p| p.name == "photo_exception").map(|p| p.text()).unwrap_or_default();
    let exception = exception.trim().to_string();
    form.set("photo_exception", &exception);
    let mut photo = None;
    if let Some(f) = parts.iter().find(|p| p.name == "photo" && !p.data.is_empty()) {
        if f.data.len() > MAX_PHOTO_BYTES {
            form.error_key("photo", "express-error-photo-large");
        } else {
            match crate::requests::card::photo_extension(&f.data) {
                Some(extension) => photo = Some((f, extension)),
                None => form.error_key("photo", "express-error-photo-type"),
            }
        }
    }
    let exception = form.free_text("photo_exception", &exception).unwrap_or_default();
    if exception.chars().count() > PHOTO_EXCEPTION_MAX_CHARS {
        form.error_key("photo_exception", "express-error-photo-exception-long");
    }
    if !form.has_errors() && photo.is_none() && card.photo_file.is_none() && exception.is_empty() {
        form.error_key("photo", "express-error-photo-missing");
    }
    if form.has_errors() {
        return photo_page(page, &id, &card, form, change, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some((f, extension)) = photo {
        state.store.save_card_photo(&id, &f.data, extension).await?;
        answers.photo_uploaded = true;
    }
    answers.photo_exception = Some(exception).filter(|e| !e.is_empty());
    let reason = reason_of(&card);
    save(&state, &user, &draft, &answers).await?;
    let next = match (change, answers.first_unanswered(reason)) {
        (_, None) => format!("/express/{id}/check"),
        (true, Some(gap)) => format!("/express/{id}/{}", gap.slug()),
        (false, Some(_)) => format!("/express/{id}/{}", Step::CardType.slug()),
    };
    Ok(see_other(&next))
}

/// The request's photo, for the filer while drafting and, once sent, for the people the access policy lets
/// see the request (the applicant's side, the municipality's officers). Never cached.
async fn photo_file(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let drafting = state.store.request_draft(&id, user.id()).await?.filter(|r| r.kind == RequestKind::Card);
    let r = match drafting {
        Some(r) => r,
        None => visible_card(&state, &user, &id).await?,
    };
    if user.roles.is_officer() {
        let org = r.municipality_id.clone().unwrap_or_default();
        state.store.record_view(user.id(), &r.subject_id, &org, &r.reference).await?;
    }
    let (file, bytes) = state.store.card_photo(&r.id).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(crate::requests::card::photo_content_type(&file))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .body(bytes))
}

/// The step named in the address, if it is one of this reason's questions.
fn step_of(slug: &str, card: &CardRequestRow) -> Result<Step, AppError> {
    Step::from_slug(slug).filter(|s| Step::of(reason_of(card)).contains(s)).ok_or(AppError::NotFound)
}

async fn show_step(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, slug) = path.into_inner();
    let (_, card) = load_draft(&state, &user, &id).await?;
    let step = step_of(&slug, &card)?;
    let form = prefill(step, &answers_of(&card));
    if step == Step::Photo {
        return photo_page(page, &id, &card, form, query.change.is_some(), StatusCode::OK);
    }
    question_page(page, &id, reason_of(&card), step, form, query.change.is_some(), StatusCode::OK)
}

async fn save_step(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
    input: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (id, slug) = path.into_inner();
    let (draft, card) = load_draft(&state, &user, &id).await?;
    let step = step_of(&slug, &card)?;
    let reason = reason_of(&card);
    let mut answers = answers_of(&card);
    let form = accept(step, &input.into_inner(), &mut answers, state.clock.today());
    let change = query.change.is_some();
    if form.has_errors() {
        return question_page(page, &id, reason, step, form, change, StatusCode::UNPROCESSABLE_ENTITY);
    }
    save(&state, &user, &draft, &answers).await?;
    let steps = Step::of(reason);
    let following = steps.iter().position(|s| *s == step).and_then(|i| steps.get(i + 1));
    let next = match (change, answers.first_unanswered(reason)) {
        (_, None) => format!("/express/{id}/check"),
        (true, Some(gap)) => format!("/express/{id}/{}", gap.slug()),
        (false, Some(_)) => {
            following.map(|s| format!("/express/{id}/{}", s.slug())).unwrap_or_else(|| format!("/express/{id}/check"))
        }
    };
    Ok(see_other(&next))
}

/// Saves the answers of the filer's draft (or of their returned request) through the service.
async fn save(state: &AppState, user: &CurrentUser, draft: &RequestRow, a: &CardAnswers) -> Result<(), AppError> {
    let save = Command::SaveDraft {
        request_id: draft.id.clone(),
        filed_by: user.id().to_string(),
        filing: Filing {
            subject_id: draft.subject_id.clone(),
            filed_as: draft.filed_as,
            facility_id: draft.facility_id.clone(),
        },
        answers: Answers::Card(a.clone()),
    };
    Service::of(state).run(save, state.clock.now_ms()).await?.map_err(|_| AppError::NotFound)?;
    Ok(())
}

/// The answers as summary rows; with `change_in` (a draft id), each row links back to its question.
fn summary(reason: ExpressReason, a: &CardAnswers, page: &Page, change_in: Option<&str>) -> Vec<SummaryRow> {
    let href = |s: Step| change_in.map(|id| format!("/express/{id}/{}?change=1", s.slug())).unwrap_or_default();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let date = |o: &Option<String>| o.as_deref().map(|d| page.date(d)).unwrap_or_default();
    let row = |label_key, value: String, step| SummaryRow { label_key, value, value_key: "", change_href: href(step) };
    let mut rows = vec![SummaryRow {
        label_key: "express-summary-reason",
        value: String::new(),
        value_key: reason_key(reason),
        change_href: String::new(),
    }];
    if reason == ExpressReason::Infant {
        rows.push(row("express-registration-municipality", v(&a.registration_municipality), Step::BirthRegistration));
        rows.push(row("express-registration-date", date(&a.registration_date), Step::BirthRegistration));
        rows.push(row("express-child-name", v(&a.child_name), Step::ChildName));
        rows.push(row("express-child-name-kana", v(&a.child_name_kana), Step::ChildName));
        rows.push(row("express-child-birth-date", date(&a.child_birth_date), Step::ChildBirthDate));
        let address = format!("〒{} {}", v(&a.postal_code), v(&a.address));
        rows.push(row("express-address", address, Step::ChildAddress));
    }
    let keyed =
        |label_key, value_key, step| SummaryRow { label_key, value: String::new(), value_key, change_href: href(step) };
    if reason == ExpressReason::Lost {
        rows.push(row("express-loss-number", v(&a.loss_report_number), Step::LossReport));
        rows.push(row("express-loss-date", date(&a.loss_date), Step::LossReport));
        let suspended = match a.suspended.as_deref() {
            Some("yes") => "express-suspended-yes",
            Some("no") => "express-suspended-no",
            _ => "express-suspended-unknown",
        };
        rows.push(keyed("express-suspended-heading", suspended, Step::Suspended));
    }
    if reason == ExpressReason::Outreach {
        rows.push(row("outreach-card-taken-on", date(&a.taken_on), Step::CardType));
        rows.push(keyed("express-photo-summary", "outreach-card-photo-at-session", Step::CardType));
    }
    if reason == ExpressReason::NewlyRegistered {
        rows.push(row("express-registration-abroad-date", date(&a.registration_on), Step::Registration));
        rows.push(row("express-previous-country", v(&a.previous_country), Step::Registration));
    }
    if reason != ExpressReason::Infant {
        let address = format!("〒{} {}", v(&a.postal_code), v(&a.address));
        rows.push(row("express-address", address, Step::DeliveryAddress));
    }
    if reason == ExpressReason::Lost {
        let interim = if a.interim.as_deref() == Some("yes") { "express-interim-yes" } else { "express-interim-no" };
        rows.push(keyed("express-interim-heading", interim, Step::Interim));
    }
    if Step::of(reason).contains(&Step::Photo) {
        let given = if a.photo_uploaded { "express-photo-given" } else { "express-photo-not-given" };
        rows.push(keyed("express-photo-summary", given, Step::Photo));
        if let Some(e) = a.photo_exception.as_deref() {
            rows.push(row("express-photo-exception-summary", e.to_string(), Step::Photo));
        }
    }
    rows.push(SummaryRow {
        label_key: "express-card-type-legend",
        value: String::new(),
        value_key: card_type_key(a.card_type.as_deref().unwrap_or("")),
        change_href: href(Step::CardType),
    });
    rows
}

/// What the card will be like, shown before sending and on the request page.
struct CardView {
    /// The card is photo-less (under one on the application day).
    photo_less: bool,
    /// Valid until (about: the issue date is not known yet).
    valid_until: String,
}

fn card_view(page: &Page, birth: Option<&str>, applied: NaiveDate) -> Option<CardView> {
    let birth: NaiveDate = birth?.parse().ok()?;
    Some(CardView {
        photo_less: !card_validity::photo_required(birth, applied),
        valid_until: page.date(&card_validity::expected_card_expiry(birth, applied).to_string()),
    })
}

#[derive(Template)]
#[template(path = "express/check.html")]
struct Check {
    page: Page,
    id: String,
    rows: Vec<SummaryRow>,
    card: Option<CardView>,
    /// Why express issuance cannot be asked for (the person is sent to the normal application), if so.
    refusal: Option<String>,
    /// Returned by the municipality: corrected and sent again.
    correcting: bool,
}

/// Eligibility on `today`, from the answers (the trigger date).
fn eligibility(reason: ExpressReason, a: &CardAnswers, today: NaiveDate) -> Option<ExpressEligibility> {
    let trigger: NaiveDate = a.trigger_date(reason)?.parse().ok()?;
    Some(card_validity::express_eligibility(reason, trigger, today, false))
}

fn refusal_text(page: &Page, e: ExpressEligibility) -> Option<String> {
    let key = e.refusal_key()?;
    let last_day = match e {
        ExpressEligibility::WindowClosed { last_day } => page.date(&last_day.to_string()),
        _ => String::new(),
    };
    Some(page.message_html(key, &[("last_day", last_day)]))
}

async fn check_answers(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let draft = match state.store.request_draft(&id, user.id()).await? {
        Some(d) => Some(d),
        None => returned_card(&state, &user, &id).await?,
    };
    let Some(draft) = draft else {
        // Sent already (a second click, a reload): the request page, not "page not found".
        return if state.store.sent_request_filed_by(&id, user.id()).await? {
            Ok(see_other(format!("/express/{id}")))
        } else {
            Err(AppError::NotFound)
        };
    };
    let (_, card) = load_draft(&state, &user, &draft.id).await?;
    let reason = reason_of(&card);
    let answers = answers_of(&card);
    if answers.first_unanswered(reason).is_some() {
        return Ok(see_other(next_href(&draft.id, &card)));
    }
    let today = state.clock.today();
    let correcting = draft.state == RequestState::Returned;
    // A correction was sent within the window the first time: it is not judged again.
    let refusal =
        if correcting { None } else { eligibility(reason, &answers, today).and_then(|e| refusal_text(&page, e)) };
    let card_view = card_view(&page, answers.child_birth_date.as_deref(), today);
    let rows = summary(reason, &answers, &page, Some(&draft.id));
    render(&Check { page, id: draft.id, rows, card: card_view, refusal, correcting })
}

async fn submit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let sent = format!("/express/{id}?sent=1");
    if let Some(r) = returned_card(&state, &user, &id).await? {
        return send_correction(&state, &user, &r).await;
    }
    let Some(draft) = state.store.request_draft(&id, user.id()).await? else {
        return if state.store.sent_request_filed_by(&id, user.id()).await? {
            Ok(see_other(&sent))
        } else {
            Err(AppError::NotFound)
        };
    };
    let (_, card) = load_draft(&state, &user, &draft.id).await?;
    let reason = reason_of(&card);
    let a = answers_of(&card);
    if a.first_unanswered(reason).is_some() {
        return Ok(see_other(next_href(&draft.id, &card)));
    }
    // Checked again on sending: a day may have passed since the question was answered.
    if eligibility(reason, &a, state.clock.today()).is_some_and(|e| !e.is_eligible()) {
        return Ok(see_other(format!("/express/{}/check", draft.id)));
    }
    // The service makes an infant a person with the parent's authority, or starts the linked interim
    // certificate of a lost card, in the submission's transaction.
    let send = Command::Submit { request_id: draft.id.clone(), by: user.id().to_string() };
    let moved = Service::of(&state).run(send, state.clock.now_ms()).await?;
    if moved.is_err() {
        return if state.store.sent_request_filed_by(&id, user.id()).await? {
            Ok(see_other(&sent))
        } else {
            Err(AppError::NotFound)
        };
    }
    if reason == ExpressReason::Lost && a.interim.as_deref() == Some("yes") {
        // The interim certificate: its own request, linked, continued in the certificate journey.
        return Ok(see_other("/certificates/new"));
    }
    Ok(see_other(&sent))
}

/// Sends a returned request again with its corrected answers (back to `Submitted`: timeline line "corrected",
/// audit line and e-mail in one transaction). A click that comes too late sees the page as it is.
async fn send_correction(state: &AppState, user: &CurrentUser, r: &RequestRow) -> Result<HttpResponse, AppError> {
    let card = state.store.card_request(&r.id).await?.ok_or(AppError::NotFound)?;
    let answers = answers_of(&card);
    if answers.first_unanswered(reason_of(&card)).is_some() {
        return Ok(see_other(next_href(&r.id, &card)));
    }
    let correct =
        Command::Correct { request_id: r.id.clone(), by: user.id().to_string(), answers: Answers::Card(answers) };
    // Refused (no longer returned): the request page shows the state it has moved to.
    let _ = Service::of(state).run(correct, state.clock.now_ms()).await?;
    Ok(see_other(format!("/express/{}?sent=1", r.id)))
}

pub struct EventView {
    pub when: String,
    pub what_key: String,
    /// Which of the linked requests the line is about (its kind's message), on a shared timeline.
    pub of_key: &'static str,
}

/// The other request of a linked pair (a lost card and its interim certificate), with its next deadline.
struct LinkedView {
    href: String,
    kind_key: &'static str,
    reference: String,
    state_key: &'static str,
    next_key: &'static str,
}

#[derive(Template)]
#[template(path = "express/detail.html")]
struct Detail {
    page: Page,
    id: String,
    reference: String,
    subject: String,
    state_key: &'static str,
    state_code: &'static str,
    next_key: &'static str,
    rows: Vec<SummaryRow>,
    card: Option<CardView>,
    events: Vec<EventView>,
    /// Just sent: the confirmation panel.
    sent: bool,
    /// Still waiting for the municipality: it may be withdrawn (people on the requester side only).
    may_withdraw: bool,
    linked: Option<LinkedView>,
    /// The last day the card should be mailed by (a week after sending), while it is not yet.
    mailed_by: String,
    /// Not express (an application taken at an outreach session): about when the card is mailed, in words.
    mailed_about: String,
    /// The photo, served through the authorised route, if there is one.
    photo_href: Option<String>,
    /// Returned to its filer: they correct it and send it again.
    may_correct: bool,
}

#[derive(serde::Deserialize)]
struct DetailQuery {
    sent: Option<String>,
}

/// A sent card request, for the people the access policy lets see it.
async fn visible_card(state: &AppState, user: &CurrentUser, id: &str) -> Result<RequestRow, AppError> {
    let r = state.store.visible_request(id, user.id()).await?.filter(|r| r.kind == RequestKind::Card);
    r.ok_or(AppError::NotFound)
}

/// The timeline line's message: `request-event-<event>` when there is one in the reader's language (the
/// issuing side's events arrive so), `express-event-issued` for the card being mailed.
fn event_message(state: &AppState, page: &Page, event: &str) -> String {
    let key = match event {
        "issued" => "express-event-issued".to_string(),
        other => format!("request-event-{}", other.replace('_', "-")),
    };
    if state.localizer.has(page.locale, &key) { key } else { "request-event-other".to_string() }
}

async fn detail(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> Result<HttpResponse, AppError> {
    let r = visible_card(&state, &user, &id).await?;
    if user.roles.is_officer() {
        let org = r.municipality_id.clone().unwrap_or_default();
        state.store.record_view(user.id(), &r.subject_id, &org, &r.reference).await?;
    }
    let card = state.store.card_request(&r.id).await?.ok_or(AppError::NotFound)?;
    let st = r.state;
    let subject = state.store.person(&r.subject_id).await?.map(|p| p.name).unwrap_or_default();
    let answers = answers_of(&card);
    let applied = r
        .submitted_at
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| (t + chrono::Duration::hours(9)).date_naive())
        .unwrap_or_else(|| state.clock.today());
    let mut events: Vec<(i64, EventView)> = state
        .store
        .events(&r.id)
        .await?
        .into_iter()
        .map(|e| {
            let view =
                EventView { when: page.time(e.at), what_key: event_message(&state, &page, &e.event), of_key: "" };
            (e.at, view)
        })
        .collect();
    // The linked interim certificate, if the viewer may see it too (it is its own request under the policy).
    let linked = match card.linked_request_id.as_deref() {
        Some(other) => state.store.visible_request(other, user.id()).await?,
        None => None,
    };
    let linked = match linked {
        Some(l) => {
            let lst = l.state;
            for e in state.store.events(&l.id).await? {
                let what_key = event_message(&state, &page, &e.event);
                let view = EventView { when: page.time(e.at), what_key, of_key: "request-kind-certificate" };
                events.push((e.at, view));
            }
            for (_, e) in events.iter_mut().filter(|(_, e)| e.of_key.is_empty()) {
                e.of_key = "request-kind-card";
            }
            let reference = l.reference.parse::<crate::domain::ReferenceNumber>().map(|x| x.to_string());
            Some(LinkedView {
                href: format!("/requests/{}", l.id),
                kind_key: "request-kind-certificate",
                reference: reference.unwrap_or_default(),
                state_key: lst.message_key(),
                next_key: lst.next_step_key(),
            })
        }
        None => None,
    };
    events.sort_by_key(|(at, _)| *at);
    let events = events.into_iter().map(|(_, e)| e).collect();
    let reason = reason_of(&card);
    let (mailed_by, mailed_about) = if !st.is_open() {
        (String::new(), String::new())
    } else if reason.is_express() {
        (page.date(&(applied + chrono::Duration::days(card_validity::EXPRESS_TARGET_DAYS)).to_string()), String::new())
    } else {
        // Not express: the ordinary issuing time, from the day the application was taken.
        let taken: NaiveDate = answers.taken_on.as_deref().and_then(|d| d.parse().ok()).unwrap_or(applied);
        let about = page.message_plain(
            "outreach-card-mailed-about",
            &[
                ("date", page.date(&card_validity::ordinary_mailing_date(taken).to_string())),
                ("weeks", card_validity::ORDINARY_ISSUANCE_WEEKS.to_string()),
            ],
        );
        (String::new(), about)
    };
    let reference = r.reference.parse::<crate::domain::ReferenceNumber>().map(|x| x.to_string()).unwrap_or_default();
    render(&Detail {
        id: r.id.clone(),
        reference,
        subject,
        state_key: st.message_key(),
        state_code: st.code(),
        next_key: next_step_key(Some(reason), st),
        rows: summary(reason, &answers, &page, None),
        card: card_view(&page, answers.child_birth_date.as_deref(), applied),
        events,
        sent: query.sent.is_some(),
        may_withdraw: st == RequestState::Submitted && crate::requests::may_file(&user.roles),
        may_correct: st == RequestState::Returned && r.filed_by == user.id(),
        linked,
        mailed_by,
        mailed_about,
        photo_href: card.photo_file.as_ref().map(|_| format!("/express/{}/photo/file", r.id)),
        page,
    })
}

/// Withdraws a request still waiting for the municipality (timeline, audit line and e-mail in one transaction).
async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if !crate::requests::may_file(&user.roles) {
        return Err(AppError::NotFound);
    }
    let r = visible_card(&state, &user, &id).await?;
    let withdraw = Command::Withdraw { request_id: r.id.clone(), by: user.id().to_string() };
    let _ = Service::of(&state).run(withdraw, state.clock.now_ms()).await?;
    // Refused (no longer waiting): the page shows the state it has moved to.
    Ok(see_other(format!("/express/{}", r.id)))
}
