//! The municipality's express card work: the queue with each request's deadlines (at risk and late marked)
//! and expected mailing date, the review page with the card details and photo, accept (→ the issuing body)
//! or return for correction with a reason from a list, and the dashboard. Municipal officers of the request's
//! municipality only: another municipality's request is 404, other roles 403.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Months, NaiveDate};

use crate::domain::card_validity::ExpressReason;
use crate::domain::express_schedule::{
    Deadlines, LIMIT_DAYS, MailingTimes, TARGET_DAYS, Waiting, expected_mailing_dates,
};
use crate::requests::RequestState;
use crate::requests::service::{Command, Decision, KindEffect, Service};
use crate::store::card_production::{ExpressRow, QueuePage};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::MunicipalOfficers;
use crate::web::session::MunicipalOfficer;
use crate::web::{AppState, render, render_with_status};

/// Why a request goes back to the applicant: each is a message id, kept as the decision's reason so the
/// applicant reads it in their own language.
pub const RETURN_REASONS: [&str; 3] = ["express-return-photo", "express-return-trigger-date", "express-return-details"];

pub fn routes(routes: &mut crate::web::policy::Routes) {
    routes
        .require::<MunicipalOfficers>()
        .route("/office/express", web::get().to(queue))
        .route("/office/express/dashboard", web::get().to(dashboard))
        .route("/office/express/{id}", web::get().to(review))
        .route("/office/express/{id}/photo", web::get().to(photo))
        .route("/office/express/{id}/accept", web::post().to(accept))
        .route("/office/express/{id}/return", web::post().to(return_for_correction));
}

fn stage_key(stage: &str) -> &'static str {
    match stage {
        "waiting" => "express-stage-waiting",
        "sent" => "express-stage-sent",
        "production_started" => "express-stage-production-started",
        "mailed" => "express-stage-mailed",
        "delivered" => "express-stage-delivered",
        _ => "express-stage-failed",
    }
}

fn reason_key(reason: &str) -> &'static str {
    match reason {
        "infant" => "express-reason-infant",
        "lost" => "express-reason-lost",
        "outreach" => "express-reason-outreach",
        _ => "express-reason-newly_registered",
    }
}

fn card_type_key(card_type: &str) -> &'static str {
    if card_type == "face_authentication" {
        "express-card-type-face_authentication"
    } else {
        "express-card-type-standard"
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    text.parse().ok()
}

/// The expected mailing date of every production still waiting for the issuing body, nationally (the capacity
/// is shared), by request id.
pub async fn expected_mailing(state: &AppState, today: NaiveDate) -> Result<HashMap<String, NaiveDate>, AppError> {
    let waiting = state.store.waiting_productions().await?;
    let started = state.store.sent_on(today).await?;
    let started: Vec<&str> = started.iter().map(String::as_str).collect();
    let queue: Vec<Waiting<'_>> = waiting
        .iter()
        .map(|w| Waiting { municipality_id: &w.municipality_id, ready_on: parse_date(&w.accepted_on).unwrap_or(today) })
        .collect();
    let dates = expected_mailing_dates(&queue, &started, &state.settings.express.capacity, today);
    Ok(waiting.iter().map(|w| w.request_id.clone()).zip(dates).collect())
}

pub struct QueueItem {
    pub href: String,
    pub reference: String,
    pub subject: String,
    pub reason_key: &'static str,
    pub state_key: &'static str,
    pub stage_key: Option<&'static str>,
    /// Not express (taken at an outreach session): no express target or limit.
    pub ordinary: bool,
    /// Target and limit, in the reader's date format; empty before acceptance.
    pub target: String,
    pub limit: String,
    pub urgency_code: &'static str,
    pub urgency_key: Option<&'static str>,
    pub expected: String,
}

#[derive(Template)]
#[template(path = "office/express_queue.html")]
struct Queue {
    page: Page,
    items: Vec<QueueItem>,
    /// The links to the pages of earlier and later requests, when there are some.
    earlier: Option<String>,
    later: Option<String>,
    decided: bool,
    target_days: u64,
    limit_days: u64,
}

#[derive(serde::Deserialize)]
pub struct QueueQuery {
    decided: Option<String>,
    /// The cursor (`submitted_at.id`) of the row the page starts after, or ends before.
    after: Option<String>,
    before: Option<String>,
}

/// Requests on one page of the express queue.
pub const EXPRESS_QUEUE_PAGE_SIZE: i64 = 20;

fn reference_text(reference: &str) -> String {
    reference.parse::<crate::domain::ReferenceNumber>().map(|r| r.to_string()).unwrap_or_else(|_| reference.to_string())
}

async fn queue(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.clock.today();
    let after = q.after.as_deref().and_then(crate::web::forms::parse_cursor);
    let before = q.before.as_deref().and_then(crate::web::forms::parse_cursor);
    let wanted = match (after, before) {
        (Some(c), _) => QueuePage::Later(c),
        (None, Some(c)) => QueuePage::Earlier(c),
        (None, None) => QueuePage::First,
    };
    let size = EXPRESS_QUEUE_PAGE_SIZE;
    let mut rows = state.store.express_queue(&officer.municipalities(), wanted, size).await?;
    // One row more than a page was read: there are more requests that way.
    let more = rows.len() as i64 > size;
    if more {
        match wanted {
            QueuePage::Earlier(_) => drop(rows.remove(0)),
            _ => rows.truncate(size as usize),
        }
    }
    let key = |r: &ExpressRow| format!("{}.{}", r.submitted_at.unwrap_or(0), r.id);
    let (has_earlier, has_later) = match wanted {
        QueuePage::First => (false, more),
        QueuePage::Later(_) => (true, more),
        QueuePage::Earlier(_) => (more, true),
    };
    let earlier = rows.first().filter(|_| has_earlier).map(|r| format!("/office/express?before={}", key(r)));
    let later = rows.last().filter(|_| has_later).map(|r| format!("/office/express?after={}", key(r)));
    let expected = expected_mailing(&state, today).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let deadlines = express_deadlines(&r);
            // Only a card not yet mailed can be at risk or late.
            let unmailed = matches!(r.stage.as_deref(), Some("waiting" | "sent" | "production_started" | "failed"));
            let urgency = deadlines.filter(|_| unmailed).map(|d| d.urgency(today));
            QueueItem {
                href: format!("/office/express/{}", r.id),
                reference: reference_text(&r.reference),
                subject: r.subject_name.clone(),
                reason_key: reason_key(&r.reason),
                ordinary: !is_express(&r),
                state_key: RequestState::from_code(&r.state)
                    .map(|s| s.message_key())
                    .unwrap_or("request-state-submitted"),
                stage_key: r.stage.as_deref().map(stage_key),
                target: deadlines.map(|d| page.date(&d.target.to_string())).unwrap_or_default(),
                limit: deadlines.map(|d| page.date(&d.limit.to_string())).unwrap_or_default(),
                urgency_code: urgency.map(|u| u.code()).unwrap_or(""),
                urgency_key: urgency.map(|u| u.message_key()),
                expected: expected.get(&r.id).map(|d| page.date(&d.to_string())).unwrap_or_default(),
            }
        })
        .collect();
    render(&Queue {
        page,
        items,
        earlier,
        later,
        decided: q.decided.is_some(),
        target_days: TARGET_DAYS,
        limit_days: LIMIT_DAYS,
    })
}

/// Whether the request is an express one (an application taken at an outreach session is ordinary).
fn is_express(r: &ExpressRow) -> bool {
    ExpressReason::from_code(&r.reason).is_none_or(|x| x.is_express())
}

/// The express target and limit from acceptance; none for an ordinary application (no express promise).
fn express_deadlines(r: &ExpressRow) -> Option<Deadlines> {
    r.accepted_on.as_deref().and_then(parse_date).filter(|_| is_express(r)).map(Deadlines::from_acceptance)
}

/// What the officer must look at before accepting: the data disagree with the card asked for.
fn mismatches(r: &ExpressRow, today: NaiveDate) -> Vec<&'static str> {
    let mut found = Vec::new();
    // Photo taken by the municipality at the outreach session: nothing was uploaded, nothing is missing.
    if r.reason == ExpressReason::Outreach.code() {
        return found;
    }
    let birth = r.birth_date.as_deref().and_then(parse_date);
    let under_one = birth.and_then(|b| b.checked_add_months(Months::new(12))).is_some_and(|first| today < first);
    if r.photo_file.is_none() {
        if r.reason == "infant" && !under_one {
            found.push("express-mismatch-too-old-for-no-photo");
        } else if r.reason != "infant" {
            found.push("express-mismatch-photo-missing");
        }
    }
    found
}

pub struct Choice {
    pub code: &'static str,
}

#[derive(Template)]
#[template(path = "office/express_review.html")]
struct Review {
    page: Page,
    form: FormState,
    title: String,
    id: String,
    reference: String,
    subject: String,
    birth: String,
    reason_key: &'static str,
    trigger: String,
    card_type_key: &'static str,
    has_photo: bool,
    photo_not_needed: bool,
    /// Taken at an outreach session: the photo was taken there.
    photo_at_session: bool,
    photo_exception: String,
    state_key: &'static str,
    stage_key: Option<&'static str>,
    tracking: String,
    failure_key: Option<&'static str>,
    target: String,
    limit: String,
    mismatches: Vec<&'static str>,
    may_accept: bool,
    may_return: bool,
    return_reasons: Vec<Choice>,
}

/// The request, if it is one of the officer's municipality's (404 otherwise).
async fn own(state: &AppState, officer: &MunicipalOfficer, id: &str) -> Result<ExpressRow, AppError> {
    state.store.express_request(id, &officer.municipalities()).await?.ok_or(AppError::NotFound)
}

async fn review_page(
    page: Page,
    state: &AppState,
    officer: &MunicipalOfficer,
    id: &str,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let r = own(state, officer, id).await?;
    state.store.log_express_view(officer.0.id(), &r, "card_request").await?;
    let today = state.clock.today();
    let deadlines = express_deadlines(&r);
    let st = RequestState::from_code(&r.state);
    let may_return = st == Some(RequestState::Submitted)
        || (st == Some(RequestState::InReview) && r.stage.as_deref() == Some("failed"));
    render_with_status(
        status,
        &Review {
            title: page.message_plain("express-review-title", &[("reference", reference_text(&r.reference))]),
            id: r.id.clone(),
            reference: reference_text(&r.reference),
            subject: r.subject_name.clone(),
            birth: r.birth_date.as_deref().map(|b| page.date(b)).unwrap_or_default(),
            reason_key: reason_key(&r.reason),
            trigger: page.date(&r.trigger_date),
            card_type_key: card_type_key(&r.card_type),
            has_photo: r.photo_file.is_some(),
            photo_not_needed: r.photo_file.is_none() && r.reason == "infant",
            photo_at_session: r.photo_file.is_none() && r.reason == ExpressReason::Outreach.code(),
            photo_exception: r.photo_exception.clone(),
            state_key: st.map(|s| s.message_key()).unwrap_or("request-state-submitted"),
            stage_key: r.stage.as_deref().map(stage_key),
            tracking: r.tracking_number.clone().unwrap_or_default(),
            failure_key: r.failure_reason.as_deref().map(crate::issuing::failure_reason_key),
            target: deadlines.map(|d| page.date(&d.target.to_string())).unwrap_or_default(),
            limit: deadlines.map(|d| page.date(&d.limit.to_string())).unwrap_or_default(),
            mismatches: if st == Some(RequestState::Submitted) { mismatches(&r, today) } else { Vec::new() },
            may_accept: st == Some(RequestState::Submitted),
            may_return,
            return_reasons: RETURN_REASONS.iter().map(|c| Choice { code: c }).collect(),
            page,
            form,
        },
    )
}

async fn review(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    review_page(page, &state, &officer, &id, FormState::default(), StatusCode::OK).await
}

/// The applicant's photo, to the officer of the request's municipality only; never cached.
async fn photo(
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = own(&state, &officer, &id).await?;
    let file = r.photo_file.as_deref().ok_or(AppError::NotFound)?;
    let path = super::card_photo_path(&state.settings.data_dir, file).ok_or(AppError::NotFound)?;
    let bytes = std::fs::read(path).map_err(|_| AppError::NotFound)?;
    // The type from the content, as it was judged when uploaded.
    let content_type = if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else {
        return Err(AppError::NotFound);
    };
    state.store.log_express_view(officer.0.id(), &r, "card_photo").await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

#[derive(serde::Deserialize)]
pub struct AcceptForm {
    /// `yes`: the officer accepts although the data disagree.
    #[serde(default)]
    confirm: String,
}

async fn accept(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let r = own(&state, &officer, &id).await?;
    let today = state.clock.today();
    let mut errors = FormState::with_values([("confirm", form.confirm.as_str())]);
    if r.state != RequestState::Submitted.code() {
        errors.error_key("confirm", "express-error-state");
        return review_page(page, &state, &officer, &id, errors, StatusCode::CONFLICT).await;
    }
    // A deliberate step: when the data disagree, the officer says they have looked.
    if !mismatches(&r, today).is_empty() && form.confirm != "yes" {
        errors.error_key("confirm", "express-error-confirm");
        return review_page(page, &state, &officer, &id, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // To review, the production order and the applicant's e-mail (with the date the card is mailed by).
    let decision = Decision::Accept { effect: KindEffect::OrderCard };
    let accept = Command::Decide { request_id: r.id.clone(), officer_id: Some(officer.0.id().to_string()), decision };
    let accepted = Service::of(&state).run(accept, state.clock.now_ms()).await?;
    if accepted.is_err() {
        errors.error_key("confirm", "express-error-state");
        return review_page(page, &state, &officer, &id, errors, StatusCode::CONFLICT).await;
    }
    Ok(see_other("/office/express?decided=1"))
}

#[derive(serde::Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
}

async fn return_for_correction(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    id: web::Path<String>,
    form: web::Form<ReturnForm>,
) -> Result<HttpResponse, AppError> {
    let r = own(&state, &officer, &id).await?;
    let mut errors = FormState::with_values([("reason", form.reason.as_str())]);
    let Some(reason) = RETURN_REASONS.iter().find(|c| **c == form.reason) else {
        errors.error_key("reason", "express-error-reason");
        return review_page(page, &state, &officer, &id, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // The reason's message id is kept as the decision: the applicant reads it in their language.
    let decision = Decision::Return { correction: reason.to_string() };
    let back = Command::Decide { request_id: r.id.clone(), officer_id: Some(officer.0.id().to_string()), decision };
    let returned = Service::of(&state).run(back, state.clock.now_ms()).await?;
    if returned.is_err() {
        errors.error_key("reason", "express-error-state");
        return review_page(page, &state, &officer, &id, errors, StatusCode::CONFLICT).await;
    }
    Ok(see_other("/office/express?decided=1"))
}

pub struct CountLine {
    pub reason_key: &'static str,
    pub state_key: &'static str,
    pub today: i64,
    pub week: i64,
}

#[derive(Template)]
#[template(path = "office/express_dashboard.html")]
struct Dashboard {
    page: Page,
    counts: Vec<CountLine>,
    mailed: usize,
    median: String,
    p95: String,
    keeps_promise: bool,
}

/// Milliseconds at 00:00 in Japan on `day`.
fn start_of_day_ms(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis() - 9 * 3_600_000).unwrap_or(0)
}

async fn dashboard(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
) -> Result<HttpResponse, AppError> {
    let municipalities = officer.municipalities();
    let today = state.clock.today();
    let week_start = today.checked_sub_days(chrono::Days::new(6)).unwrap_or(today);
    let rows = state.store.express_counts(&municipalities, start_of_day_ms(today), start_of_day_ms(week_start)).await?;
    let counts = rows
        .iter()
        .map(|c| CountLine {
            reason_key: reason_key(&c.reason),
            state_key: RequestState::from_code(&c.state).map(|s| s.message_key()).unwrap_or("request-state-submitted"),
            today: c.today,
            week: c.week,
        })
        .collect();
    let since = state.clock.now_ms() - 30 * 86_400_000;
    let times = MailingTimes::from_times(&state.store.mailing_times(&municipalities, since).await?);
    let one_decimal = |d: f64| format!("{:.1}", d);
    render(&Dashboard {
        page,
        counts,
        mailed: times.map(|t| t.count).unwrap_or(0),
        median: times.map(|t| one_decimal(t.median_days)).unwrap_or_default(),
        p95: times.map(|t| one_decimal(t.p95_days)).unwrap_or_default(),
        keeps_promise: times.is_none_or(|t| t.keeps_promise()),
    })
}
