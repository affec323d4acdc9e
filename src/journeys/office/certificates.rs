//! The insurer's back office for qualification certificates (資格確認書): the queue of open requests and the
//! decisions taken on the request page. The issued certificate is the documents journey's page; the public
//! verification by code is a public page.
//! Officers see only their own insurer's requests: another insurer's gives 404, other roles 403.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::journeys::office::enrolments::RequestCheck;
use crate::journeys::requests::detail_page;
use crate::requests::certificate::{
    AS_TYPED_REASONS, CORRECTION_REASONS, DECLINE_REASONS, MAX_VALIDITY_MONTHS, Reason, TARGET_DAYS,
};
use crate::requests::service::{Command, Decision, KindEffect, Numbers, Service};
use crate::requests::{Actor, RequestKind, RequestState};
use crate::store::now_ms;
use crate::store::requests::RequestRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{InsurerOfficers, Routes};
use crate::web::questions::Choice;
use crate::web::session::InsurerOfficer;
use crate::web::{AppState, render};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<InsurerOfficers>()
        .route("/office/certificates", web::get().to(queue))
        .route("/office/certificates/{id}/decide", web::post().to(decide));
}

pub struct QueueItem {
    pub href: String,
    pub reference: String,
    pub subject: String,
    pub reason_key: &'static str,
    pub state_key: &'static str,
    pub state_code: &'static str,
    pub age_days: i64,
    pub overdue: bool,
    /// How many other unfinished requests the same person has with this insurer.
    pub other_open: i64,
}

#[derive(Template)]
#[template(path = "office/certificates.html")]
struct Queue {
    page: Page,
    items: Vec<QueueItem>,
    states: Vec<Choice>,
    reasons: Vec<Choice>,
    state_filter: String,
    reason_filter: String,
    target_days: i64,
}

#[derive(serde::Deserialize)]
pub struct QueueQuery {
    state: Option<String>,
    reason: Option<String>,
}

/// The queue's reason column in the reader's language.
fn reason_key(code: &str) -> &'static str {
    Reason::from_code(code).map(Reason::message_key).unwrap_or("certificate-reason-other")
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let state_filter = q.state.clone().filter(|s| s == "submitted" || s == "in_review").unwrap_or_default();
    let reason_filter = q.reason.clone().filter(|r| Reason::from_code(r).is_some()).unwrap_or_default();
    let mut rows = Vec::new();
    let mut other_open = std::collections::HashMap::new();
    for insurer in insurers {
        rows.extend(state.store.certificate_queue(insurer).await?);
        other_open.extend(state.store.queue_other_open_counts(insurer).await?);
    }
    rows.sort_by(|a, b| (a.submitted_at, &a.id).cmp(&(b.submitted_at, &b.id)));
    let now = now_ms();
    let items = rows
        .into_iter()
        .filter(|r| state_filter.is_empty() || r.state.code() == state_filter)
        .filter(|r| reason_filter.is_empty() || r.reason == reason_filter)
        .map(|r| {
            let st = r.state;
            let age_days = (now - r.submitted_at).max(0) / 86_400_000;
            QueueItem {
                href: format!("/requests/{}", r.id),
                reference: r
                    .reference
                    .parse::<crate::domain::ReferenceNumber>()
                    .map(|x| x.to_string())
                    .unwrap_or(r.reference),
                subject: r.subject_name,
                reason_key: reason_key(&r.reason),
                state_key: st.message_key(),
                state_code: st.code(),
                age_days,
                overdue: age_days > TARGET_DAYS,
                other_open: other_open.get(&r.id).copied().unwrap_or(0),
            }
        })
        .collect();
    let states = [RequestState::Submitted, RequestState::InReview]
        .into_iter()
        .map(|s| Choice::keyed(s.code(), s.message_key()))
        .collect();
    let reasons = Reason::ALL.iter().map(|r| Choice::keyed(r.code(), r.message_key())).collect();
    render(&Queue { page, items, states, reasons, state_filter, reason_filter, target_days: TARGET_DAYS })
}

/// The request, if it belongs to one of the officer's insurers (404 otherwise).
async fn own_request(state: &AppState, officer: &InsurerOfficer, id: &str) -> Result<RequestRow, AppError> {
    let insurers = officer.insurers();
    state
        .store
        .visible_request(id, officer.0.id())
        .await?
        .filter(|r| {
            r.kind == RequestKind::Certificate && r.insurer_id.as_deref().is_some_and(|i| insurers.contains(&i))
        })
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    months: String,
    #[serde(default)]
    reason: String,
    /// When the request does not match the enrolment records: `record` (issue with the record's numbers) or
    /// `as-typed` (issue with the request's numbers, for `as_typed_reason`).
    #[serde(default)]
    numbers: String,
    #[serde(default)]
    as_typed_reason: String,
    /// `yes`: the officer confirms the decline.
    #[serde(default)]
    confirm: String,
    /// Why the request goes back to the applicant (`CORRECTION_REASONS`).
    #[serde(default)]
    correction: String,
}

/// The deliberate step an approval needs when the request does not match the enrolment records: which numbers
/// to print and the code the timeline and audit line keep. Errors go into `form`; `None` then.
fn choose_numbers(
    checked: Option<&RequestCheck>,
    input: &DecideForm,
    form: &mut FormState,
) -> Option<(Numbers, String)> {
    if let Some(matched) = checked.and_then(|c| c.verdict.matched()) {
        // A request that matches one enrolment record issues the member's certificate: later runs then know it.
        return Some((Numbers { from_record: None, enrolment_id: Some(matched.to_string()) }, String::new()));
    }
    match input.numbers.as_str() {
        "record" => match checked.map(|c| c.records.as_slice()) {
            Some([record]) => Some((
                Numbers {
                    from_record: Some((record.symbol.clone(), record.number.clone(), record.branch.clone())),
                    enrolment_id: Some(record.id.clone()),
                },
                "numbers-from-record".to_string(),
            )),
            _ => {
                form.error_key("numbers", "decisions-error-numbers");
                None
            }
        },
        "as-typed" => match AS_TYPED_REASONS.iter().find(|c| **c == input.as_typed_reason) {
            Some(code) => Some((Numbers { from_record: None, enrolment_id: None }, format!("as-typed-{code}"))),
            None => {
                form.error_key("as_typed_reason", "decisions-error-as-typed-reason");
                None
            }
        },
        _ => {
            form.error_key("numbers", "decisions-error-numbers");
            None
        }
    }
}

/// Start checking, approve (issuing the certificate), return to the applicant for correction, or decline, on the
/// request page. A refused form comes back on the request page with what was typed; a request that has moved on
/// is refused without writing anything. Approving a request that does not match the enrolment records needs the
/// deliberate step of `choose_numbers`; declining needs its confirmation.
pub async fn decide(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    id: web::Path<String>,
    input: web::Form<DecideForm>,
) -> Result<HttpResponse, AppError> {
    let r = own_request(&state, &officer, &id).await?;
    let from = r.state;
    let user = officer.0.clone();
    let mut form = FormState::with_values([
        ("months", input.months.as_str()),
        ("reason", input.reason.as_str()),
        ("action", input.action.as_str()),
        ("numbers", input.numbers.as_str()),
        ("as_typed_reason", input.as_typed_reason.as_str()),
        ("confirm", input.confirm.as_str()),
        ("correction", input.correction.as_str()),
    ]);
    // A request that has moved on is refused before its form is judged: nothing to choose any more.
    let target = match input.action.as_str() {
        "start" => RequestState::InReview,
        "approve" => RequestState::Issued,
        "return" => RequestState::Returned,
        "decline" => RequestState::Declined,
        _ => return Err(AppError::BadRequest),
    };
    if crate::requests::check_transition(from, target, Actor::Officer).is_err() {
        form.error_key("decision", "office-cert-error-state");
        return detail_page(page, &state, &user, &r.id, form, StatusCode::CONFLICT).await;
    }
    let decision = match input.action.as_str() {
        "start" => Decision::StartReview,
        "approve" => {
            let months = input.months.trim().parse::<u32>().ok().filter(|m| (1..=MAX_VALIDITY_MONTHS).contains(m));
            if months.is_none() {
                form.error_key("months", "office-cert-error-months");
            }
            let checked = super::enrolments::check_request(&state, &r).await?;
            let numbers = choose_numbers(checked.as_ref(), &input, &mut form);
            let (Some(months), Some((numbers, detail))) = (months, numbers) else {
                return detail_page(page, &state, &user, &r.id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            Decision::Approve { effect: KindEffect::IssueCertificate { months, numbers }, detail }
        }
        "return" => {
            let Some(code) = CORRECTION_REASONS.iter().find(|c| **c == input.correction) else {
                form.error_key("correction", "decisions-error-correction");
                return detail_page(page, &state, &user, &r.id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            Decision::Return { correction: code.to_string() }
        }
        "decline" => {
            let key = DECLINE_REASONS.iter().find(|k| k.ends_with(&format!("-{}", input.reason)));
            if key.is_none() {
                form.error_key("reason", "office-cert-error-reason");
            }
            if input.confirm != "yes" {
                form.error_key("confirm", "decisions-error-confirm-decline");
            }
            let (Some(key), false) = (key, form.has_errors()) else {
                return detail_page(page, &state, &user, &r.id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            Decision::Decline { reason_key: key.to_string() }
        }
        _ => return Err(AppError::BadRequest),
    };
    let decide = Command::Decide { request_id: r.id.clone(), officer_id: Some(officer.0.id().to_string()), decision };
    if Service::of(&state).run(decide, now_ms()).await?.is_err() {
        form.error_key("decision", "office-cert-error-state");
        return detail_page(page, &state, &user, &r.id, form, StatusCode::CONFLICT).await;
    }
    Ok(see_other(format!("/requests/{}", r.id)))
}
