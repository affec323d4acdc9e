//! The insurer's back office for qualification certificates (資格確認書): the queue of open requests, the
//! decisions taken on the request page, the issued certificate, and the public verification by code.
//! Officers see only their own insurer's requests: another insurer's gives 404, other roles 403.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Role;
use crate::journeys::certificates::steps::reason_key;
use crate::journeys::office::enrolments::RequestCheck;
use crate::journeys::requests::detail_page;
use crate::requests::certificate::{
    AS_TYPED_REASONS, CODE_CHARS, CORRECTION_REASONS, DECLINE_REASONS, MAX_VALIDITY_MONTHS, REASONS, TARGET_DAYS,
    printed_expiry, verification_code,
};
use crate::requests::{Actor, RequestState};
use crate::store::certificates::{CertificateRow, NewCertificate};
use crate::store::requests::RequestRow;
use crate::store::{new_id, now_ms, today_jst};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::questions::Choice;
use crate::web::session::{CurrentUser, Officer};
use crate::web::{AppState, render};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/office/certificates", web::get().to(queue))
        .route("/office/certificates/{id}/decide", web::post().to(decide))
        .route("/certificates/issued/{id}", web::get().to(certificate))
        .route("/certificates/issued/{id}/auto-renew", web::post().to(auto_renew))
        .route("/verify/{code}", web::get().to(verify));
}

/// The insurers the officer works for; 403 for someone who works for none.
pub(crate) fn insurer_officer(officer: &Officer) -> Result<Vec<&str>, AppError> {
    let insurers = officer.0.roles.organisations(Role::InsurerOfficer);
    if insurers.is_empty() { Err(AppError::Forbidden) } else { Ok(insurers) }
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

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    officer: Officer,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let insurers = insurer_officer(&officer)?;
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
        .map(|s| Choice::keyed(s.code(), s.message_key()))
        .collect();
    let reasons = REASONS.iter().map(|r| Choice::keyed(r, reason_key(r))).collect();
    render(&Queue { page, items, states, reasons, state_filter, reason_filter, target_days: TARGET_DAYS })
}

/// The request, if it belongs to one of the officer's insurers (404 otherwise).
async fn own_request(state: &AppState, officer: &Officer, id: &str) -> Result<RequestRow, AppError> {
    let insurers = insurer_officer(officer)?;
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
    Ok(Some(crate::journeys::accounts::mail(state, &email, locale, notice).map_err(AppError::Internal)?))
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
    officer: Officer,
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
    Ok(see_other(format!("/requests/{}", r.id)))
}

/// What a certificate page and the verification page show.
pub struct Printed {
    pub name: String,
    pub name_kana: String,
    pub birth: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub insurer_number: String,
    pub insurer_name: String,
    pub issued_on: String,
    /// The first day, when it is not the issue day (a renewal starts the day after the one before ends).
    pub valid_from: Option<String>,
    pub valid_until: String,
    pub delivery_key: String,
    pub code: String,
}

pub fn printed(page: &Page, c: &CertificateRow) -> Printed {
    Printed {
        name: c.name.clone(),
        name_kana: c.name_kana.clone(),
        birth: page.date(&c.birth_date),
        symbol: c.symbol.clone(),
        number: c.number.clone(),
        branch: c.branch.clone(),
        insurer_number: c.insurer_number.clone(),
        insurer_name: c.insurer_name.clone(),
        issued_on: page.date(&c.issued_on),
        valid_from: (c.valid_from != c.issued_on).then(|| page.date(&c.valid_from)),
        valid_until: page.date(&c.valid_until),
        delivery_key: format!("office-cert-delivery-{}", if c.delivery == "post" { "post" } else { "download" }),
        code: c.code.clone(),
    }
}

/// `valid`, `expired`, `revoked`, or `upcoming` (a renewal whose first day has not come yet).
pub fn status_of(c: &CertificateRow) -> &'static str {
    let today = today_jst().to_string();
    if c.revoked_at.is_some() {
        "revoked"
    } else if c.valid_until.as_str() < today.as_str() {
        "expired"
    } else if c.valid_from.as_str() > today.as_str() {
        "upcoming"
    } else {
        "valid"
    }
}

pub fn status_key(status: &str) -> &'static str {
    match status {
        "valid" => "office-cert-status-valid",
        "expired" => "office-cert-status-expired",
        "revoked" => "office-cert-status-revoked",
        "upcoming" => "runs-cert-status-upcoming",
        _ => "office-cert-status-not-valid",
    }
}

/// The verification address as a QR code: SVG markup made here (no inline style; `shape-rendering` only), with
/// a text alternative. `None` if the address cannot be encoded. One unit per module, drawn 160 px wide, and
/// each row's runs of dark modules as one rectangle: a third of the bytes of one square per module, which
/// keeps a page with a QR code under the 30 KB page weight.
pub fn qr_svg(url: &str, label: &str) -> Option<askama::filters::Safe<String>> {
    use std::fmt::Write;
    const QUIET_ZONE: usize = 4;
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let size = modules + 2 * QUIET_ZONE;
    let label: String = label
        .chars()
        .map(|c| match c {
            '"' | '<' | '>' | '&' => ' ',
            c => c,
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"certificate__qr\" role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"160\" height=\"160\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for (y, row) in colors.chunks(modules).enumerate() {
        let mut x = 0;
        while x < modules {
            if row[x] == qrcode::Color::Dark {
                let run = row[x..].iter().take_while(|c| **c == qrcode::Color::Dark).count();
                let _ = write!(svg, "M{} {}h{run}v1h-{run}z", x + QUIET_ZONE, y + QUIET_ZONE);
                x += run;
            } else {
                x += 1;
            }
        }
    }
    svg.push_str("\"/></svg>");
    Some(askama::filters::Safe(svg))
}

#[derive(Template)]
#[template(path = "office/certificate.html")]
struct CertificatePage {
    page: Page,
    p: Printed,
    qr: Option<askama::filters::Safe<String>>,
    back_href: String,
    /// The file to keep, for a certificate that has not been replaced.
    download_href: Option<String>,
    status: &'static str,
    status_key: &'static str,
    auto_renew: Option<AutoRenewView>,
    /// Expired or replaced: what the page says first, instead of how to print it.
    ended_key: Option<&'static str>,
    newer_href: Option<String>,
    /// Those who file requests (not officers) are offered to ask for a new certificate.
    may_ask_again: bool,
}

/// The holder's side may ask for a certificate in force, with no successor yet, to renew itself, or stop it.
pub struct AutoRenewView {
    pub action: String,
    pub on: bool,
}

/// The certificate, for the people who may see its request; one from a run (no request), for its holder's side
/// and its insurer's officers.
pub async fn certificate(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let v = state.store.visible_certificate(&id, user.id()).await?.ok_or(AppError::NotFound)?;
    let c = v.certificate;
    let back_href = match (&c.request_id, &c.run_id) {
        (Some(request), _) => format!("/requests/{request}"),
        (None, Some(run)) if !v.holder_side => format!("/office/runs/{run}"),
        _ => "/requests".to_string(),
    };
    if user.roles.is_officer() {
        let request = match &c.request_id {
            Some(r) => state.store.visible_request(r, user.id()).await?,
            None => None,
        };
        match (request, &c.person_id) {
            (Some(r), _) => {
                let org = r.insurer_id.clone().unwrap_or_default();
                state.store.record_view(user.id(), &r.subject_id, &org, &r.reference).await?;
            }
            (None, Some(holder)) => state.store.record_view(user.id(), holder, &c.insurer_id, &c.id).await?,
            (None, None) => {}
        }
    }
    let status = status_of(&c);
    let auto_renew = (v.holder_side && matches!(status, "valid" | "upcoming") && c.replaced_by.is_none())
        .then(|| AutoRenewView { action: format!("/certificates/issued/{}/auto-renew", c.id), on: c.auto_renew == 1 });
    let qr = qr_svg(&format!("{}verify/{}", state.settings.base_url, c.code), &page.t_plain("office-cert-qr-label"));
    render(&CertificatePage {
        qr,
        p: printed(&page, &c),
        page,
        back_href,
        download_href: (status != "revoked").then(|| crate::journeys::documents::download_href(&c.id)),
        status,
        status_key: status_key(status),
        auto_renew,
        ended_key: match status {
            "expired" => Some("cert-ended-expired"),
            "revoked" => Some("cert-ended-revoked"),
            _ => None,
        },
        newer_href: (status == "revoked")
            .then_some(c.replaced_by.as_ref())
            .flatten()
            .map(|n| format!("/certificates/issued/{n}")),
        may_ask_again: matches!(status, "expired" | "revoked") && crate::requests::may_file(&user.roles),
    })
}

#[derive(serde::Deserialize)]
pub struct AutoRenewForm {
    #[serde(default)]
    auto_renew: String,
}

/// Asks once for the certificate to renew itself (`auto_renew=on`), or stops it (`off`): the holder, their
/// approved representative, or facility staff acting for them. Anyone else, or a certificate no longer in
/// force or already followed by another: 404.
pub async fn auto_renew(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    input: web::Form<AutoRenewForm>,
) -> Result<HttpResponse, AppError> {
    let on = match input.auto_renew.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            // Not a choice the form offers: still only for the holder's side.
            let _ = state
                .store
                .visible_certificate(&id, user.id())
                .await?
                .filter(|v| v.holder_side)
                .ok_or(AppError::NotFound)?;
            return Err(AppError::BadRequest);
        }
    };
    if !state.store.set_auto_renew(&id, user.id(), on, &today_jst().to_string()).await? {
        return Err(AppError::NotFound);
    }
    // Back to the top of the page, not to a fragment: a fragment would start keyboard users below the header.
    Ok(see_other(format!("/certificates/issued/{id}")))
}

#[derive(Template)]
#[template(path = "office/verify.html")]
struct Verify {
    page: Page,
    p: Option<Printed>,
    status: &'static str,
    status_key: &'static str,
}

/// Public: whether the certificate with this code is valid. A code that is not ours answers "not valid".
pub async fn verify(page: Page, state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let well_formed =
        code.len() == CODE_CHARS && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let found = if well_formed { state.store.certificate_by_code(&code).await? } else { None };
    let found = found.filter(|c| verification_code(&state.settings.secret_key, &c.id) == code);
    let (p, status) = match &found {
        Some(c) => (Some(printed(&page, c)), status_of(c)),
        None => (None, "not-valid"),
    };
    render(&Verify { page, p, status, status_key: status_key(status) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs drawn in the SVG, read back into modules, are exactly the modules of the QR code.
    #[test]
    fn the_qr_code_markup_draws_exactly_the_codes_modules() {
        let url = "https://madoguchi.example.jp/verify/AbCdEfGhIjKlMnOpQrSt";
        let svg = qr_svg(url, "QR \"code\" <x>").unwrap().0;
        assert!(svg.starts_with("<svg class=\"certificate__qr\" role=\"img\" aria-label=\"QR  code   x \""), "{svg}");
        assert!(!svg.contains("style"));
        let code = qrcode::QrCode::new(url.as_bytes()).unwrap();
        let n = code.width();
        let expected: Vec<bool> = code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
        let mut drawn = vec![false; n * n];
        let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        for run in path.split('z').filter(|r| !r.is_empty()) {
            // M{x} {y}h{len}v1h-{len}
            let (xy, rest) = run.trim_start_matches('M').split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse::<usize>().unwrap() - 4, y.parse::<usize>().unwrap() - 4);
            let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for dx in 0..len {
                assert!(!drawn[y * n + x + dx], "drawn twice");
                drawn[y * n + x + dx] = true;
            }
        }
        assert_eq!(drawn, expected);
        assert!(svg.contains(&format!("viewBox=\"0 0 {0} {0}\"", n + 8)), "a quiet zone of 4 modules");
    }
}
