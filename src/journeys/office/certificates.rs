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
    AS_TYPED_REASONS, CORRECTION_REASONS, DECLINE_REASONS, MAX_VALIDITY_MONTHS, REASONS, TARGET_DAYS, printed_expiry,
    verification_code,
};
use crate::requests::{Actor, RequestState};
use crate::store::certificates::NewCertificate;
use crate::store::requests::RequestRow;
use crate::store::{new_id, now_ms, today_jst};
use crate::web::errors::AppError;
use crate::web::forms::FormState;
use crate::web::page::Page;
use crate::web::policy::{InsurerOfficers, Routes};
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
    pub reason_key: String,
    pub state_key: &'static str,
    pub state_code: &'static str,
    pub age_days: i64,
    pub overdue: bool,
    /// How many other unfinished requests the same person has with this insurer.
    pub other_open: i64,
}

pub struct Choice {
    pub code: &'static str,
    pub key: String,
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

fn reason_key(code: &str) -> String {
    format!("certificate-reason-{code}")
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let state_filter = q.state.clone().filter(|s| s == "submitted" || s == "in_review").unwrap_or_default();
    let reason_filter = q.reason.clone().filter(|r| REASONS.contains(&r.as_str())).unwrap_or_default();
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
        .filter(|r| state_filter.is_empty() || r.state == state_filter)
        .filter(|r| reason_filter.is_empty() || r.reason == reason_filter)
        .filter_map(|r| {
            let st = RequestState::from_code(&r.state)?;
            let age_days = (now - r.submitted_at).max(0) / 86_400_000;
            Some(QueueItem {
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
            })
        })
        .collect();
    let states = [RequestState::Submitted, RequestState::InReview]
        .into_iter()
        .map(|s| Choice { code: s.code(), key: s.message_key().to_string() })
        .collect();
    let reasons = REASONS.iter().map(|r| Choice { code: r, key: reason_key(r) }).collect();
    render(&Queue { page, items, states, reasons, state_filter, reason_filter, target_days: TARGET_DAYS })
}

/// The request, if it belongs to one of the officer's insurers (404 otherwise).
async fn own_request(state: &AppState, officer: &InsurerOfficer, id: &str) -> Result<RequestRow, AppError> {
    let insurers = officer.insurers();
    state
        .store
        .visible_request(id, officer.0.id())
        .await?
        .filter(|r| r.kind == "certificate" && r.insurer_id.as_deref().is_some_and(|i| insurers.contains(&i)))
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

/// The e-mail to the person who filed the request, in their language, about its new state.
async fn update_mail(
    state: &AppState,
    r: &RequestRow,
    to: RequestState,
    extra: Option<&str>,
) -> Result<Option<crate::store::outbox::NewMail>, AppError> {
    let Some(person) = state.store.person(&r.filed_by).await? else { return Ok(None) };
    let Some(email) = person.email else { return Ok(None) };
    let locale = crate::i18n::Locale::from_code(&person.preferred_locale).unwrap_or(state.settings.default_locale);
    let l10n = &state.localizer;
    let reference: crate::domain::ReferenceNumber = r.reference.parse().map_err(AppError::internal)?;
    let mut next = l10n.plain(locale, to.next_step_key(), &[]);
    if let Some(key) = extra {
        next = format!("{next} {}", l10n.plain(locale, key, &[]));
    }
    let notice = crate::notify::mail::Notice::request_update(
        &reference.to_string(),
        &l10n.plain(locale, to.message_key(), &[]),
        &next,
        &format!("{}requests/{}", state.settings.base_url, r.id),
    );
    Ok(Some(crate::notify::compose_for(state, &email, locale, notice).map_err(AppError::Internal)?))
}

/// Whose 記号・番号・枝番 an approval prints, and which enrolment record the certificate names.
pub struct Numbers {
    /// `Some` when the officer chose the enrolment record's numbers over the request's.
    pub from_record: Option<(String, String, String)>,
    pub enrolment_id: Option<String>,
}

/// The printed items of the certificate an approval issues, from the request's answers (and the enrolment
/// record's numbers when the officer chose them).
async fn new_certificate(
    state: &AppState,
    r: &RequestRow,
    months: u32,
    numbers: Numbers,
) -> Result<NewCertificate, AppError> {
    let a = crate::journeys::certificates::answers_of(r);
    let insurer_id = r.insurer_id.clone().ok_or(AppError::NotFound)?;
    let (number, name_ja, _, _) = state.store.insurer_for_certificates(&insurer_id).await?.ok_or(AppError::NotFound)?;
    let today = today_jst();
    let birth = a.birth_date.as_deref().and_then(|b| b.parse::<crate::domain::WarekiDate>().ok()).map(|d| d.as_naive());
    let printed_number = a.insurer_number.clone().unwrap_or_else(|| number.clone());
    let until = printed_expiry(today, months, &printed_number, birth).ok_or(AppError::BadRequest)?;
    let (symbol, insured_number, branch) = numbers.from_record.unwrap_or((
        a.symbol.unwrap_or_default(),
        a.number.unwrap_or_default(),
        a.branch.unwrap_or_default(),
    ));
    let id = new_id();
    Ok(NewCertificate {
        code: verification_code(&state.settings.secret_key, &id),
        id,
        person_id: Some(r.subject_id.clone()),
        enrolment_id: numbers.enrolment_id,
        insurer_id,
        name: a.name.unwrap_or_default(),
        name_kana: a.name_kana.unwrap_or_default(),
        birth_date: a.birth_date.unwrap_or_default(),
        symbol,
        number: insured_number,
        branch,
        insurer_number: a.insurer_number.unwrap_or(number),
        insurer_name: name_ja,
        issued_on: today.to_string(),
        valid_from: today.to_string(),
        valid_until: until.to_string(),
        delivery: a.delivery.unwrap_or_default(),
        auto_renew: false,
        run_id: None,
    })
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
    let from = RequestState::from_code(&r.state).ok_or(AppError::NotFound)?;
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
    let (to, detail, certificate) = match input.action.as_str() {
        "start" => (RequestState::InReview, String::new(), None),
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
            let c = new_certificate(&state, &r, months, numbers).await?;
            (RequestState::Issued, detail, Some(c))
        }
        "return" => {
            let Some(code) = CORRECTION_REASONS.iter().find(|c| **c == input.correction) else {
                form.error_key("correction", "decisions-error-correction");
                return detail_page(page, &state, &user, &r.id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            (RequestState::Returned, code.to_string(), None)
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
            (RequestState::Declined, key.to_string(), None)
        }
        _ => return Err(AppError::BadRequest),
    };
    let extra = match to {
        RequestState::Declined => Some(detail.clone()),
        RequestState::Returned => Some(crate::journeys::certificates::correction_key(Some(&detail)).to_string()),
        _ => None,
    };
    let mail = update_mail(&state, &r, to, extra.as_deref()).await?;
    let moved = state
        .store
        .transition_issuing(&r.id, from, to, officer.0.id(), Actor::Officer, &detail, mail, certificate.as_ref())
        .await?;
    if moved.is_err() {
        form.error_key("decision", "office-cert-error-state");
        return detail_page(page, &state, &user, &r.id, form, StatusCode::CONFLICT).await;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, format!("/requests/{}", r.id)))
        .finish())
}
