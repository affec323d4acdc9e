//! Asking to renew an authority (issue 16), in two steps: the new end date and what it covers (the same as now
//! unless changed); then the proof (a legal guardian sends a current 登記事項証明書; other reasons need what a
//! new request needs). Then check your answers and send: a new authority request linked to the one it renews,
//! which the municipality reviews like any other. Only the authority's representative may renew it; anyone
//! else gets 404. Answers live in a draft row per authority until sent.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::add::EXPLANATION_MAX_CHARS;
use crate::domain::proxy::{
    MAX_DOCUMENT_BYTES, ProofRule, check_end_date, document_file_name, document_type, latest_end_date,
};
use crate::domain::{FieldMessage, ProxyReason, Relationship, Scope, WarekiDate};
use crate::store::renewals::{NewRenewal, RenewalDraftRow};
use crate::store::representation::RepresentationRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::multipart;
use crate::web::page::Page;
use crate::web::questions::Choice;
use crate::web::session::CurrentUser;
use crate::web::{AppState, render_with_status};

fn base(id: &str) -> String {
    format!("/account/representation/{id}/renew")
}

/// What a renewal needs as proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenewalProof {
    /// Nothing to send; the message says why.
    NotNeeded { why_key: &'static str },
    /// One of these documents; `explanation`: a written explanation may stand in for it.
    Documents { keys: Vec<&'static str>, explanation: bool, guardian: bool },
}

/// A legal guardian's (成年後見人・保佐人・補助人) authority rests on the registration: its renewal needs a
/// current 登記事項証明書 (issued within three months), which nothing else replaces. Other reasons need what a
/// new request for that reason needs.
pub fn renewal_proof(relationship: Relationship, reason: ProxyReason) -> RenewalProof {
    if relationship == Relationship::AdultGuardian {
        return RenewalProof::Documents { keys: vec!["renewal-document-registry"], explanation: false, guardian: true };
    }
    match reason.proof() {
        ProofRule::NotNeeded { why_key } => RenewalProof::NotNeeded { why_key },
        ProofRule::Document(docs) => RenewalProof::Documents {
            keys: docs.iter().map(|d| d.message_key()).collect(),
            explanation: true,
            guardian: false,
        },
    }
}

/// The authority, if it is this person's to renew: theirs (else 404), approved, and with an end date (else 404).
async fn renewable(state: &AppState, user: &CurrentUser, id: &str) -> Result<RepresentationRow, AppError> {
    let r = state.store.representation(id).await?.filter(|r| r.representative_id == user.id());
    match r {
        Some(r) if r.state == "approved" && r.ends_on.is_some() => Ok(r),
        _ => Err(AppError::NotFound),
    }
}

/// The authority and its draft; or, when a renewal was sent already, the way back to the list.
async fn open(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Result<(RepresentationRow, Option<RenewalDraftRow>), HttpResponse>, AppError> {
    let r = renewable(state, user, id).await?;
    if state.store.renewal_of(&r.id).await?.is_some() {
        return Ok(Err(see_other(format!("/account/representation#authority-{}", r.id))));
    }
    let draft = state.store.renewal_draft(&r.id, user.id()).await?;
    Ok(Ok((r, draft)))
}

fn relationship_and_reason(r: &RepresentationRow) -> Result<(Relationship, ProxyReason), AppError> {
    let relationship = r.relationship.parse::<Relationship>().map_err(|_| AppError::BadRequest)?;
    let reason = r.reason.parse::<ProxyReason>().map_err(|_| AppError::BadRequest)?;
    Ok((relationship, reason))
}

/// The proof step is answered, and what it needs is there.
fn proof_ready(r: &RepresentationRow, d: &RenewalDraftRow) -> Result<bool, AppError> {
    let (relationship, reason) = relationship_and_reason(r)?;
    Ok(d.proof_done == 1
        && match renewal_proof(relationship, reason) {
            RenewalProof::NotNeeded { .. } => true,
            RenewalProof::Documents { explanation, .. } => {
                d.document_name.is_some() || (explanation && !d.explanation.trim().is_empty())
            }
        })
}

#[derive(serde::Deserialize)]
pub struct ChangeQuery {
    change: Option<String>,
}

/// The new end date must come after the current one.
struct NotAfter(String);

impl FieldMessage for NotAfter {
    fn key(&self) -> &'static str {
        "renewal-error-ends-not-after"
    }
    fn args(&self) -> Vec<(&'static str, String)> {
        vec![("until", self.0.clone())]
    }
}

// --- step 1: until when, and what it covers ---

#[derive(Template)]
#[template(path = "representation/renew_term.html")]
struct TermPage {
    page: Page,
    form: FormState,
    action: String,
    ward_name: String,
    until: String,
    latest: String,
    scopes: Vec<Choice>,
    chosen: Vec<String>,
}

impl TermPage {
    fn is_chosen(&self, code: &str) -> bool {
        self.chosen.iter().any(|c| c == code)
    }
}

fn term_page(page: Page, form: FormState, r: &RepresentationRow, chosen: Vec<String>, change: bool) -> TermPage {
    let latest = page.date(&latest_end_date(crate::store::today_jst()).to_string());
    let until = r.ends_on.as_deref().map(|d| page.date(d)).unwrap_or_default();
    let action = if change { format!("{}?change=1", base(&r.id)) } else { base(&r.id) };
    TermPage {
        page,
        form,
        action,
        ward_name: r.ward_name.clone(),
        until,
        latest,
        scopes: Scope::ALL.into_iter().map(|s| Choice::keyed(s.code(), s.message_key())).collect(),
        chosen,
    }
}

pub async fn term(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    q: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (r, draft) = match open(&state, &user, &id).await? {
        Ok(x) => x,
        Err(to) => return Ok(to),
    };
    // The same scope as now, unless the draft says otherwise.
    let (scope, ends) = match &draft {
        Some(d) => (d.scope.clone(), d.ends_on.parse::<WarekiDate>().map(|d| d.to_string()).unwrap_or_default()),
        None => (r.scope.clone(), String::new()),
    };
    let chosen = Scope::parse_list(&scope).iter().map(|s| s.code().to_string()).collect();
    let form = FormState::with_values([("ends_on", ends.as_str())]);
    render_with_status(StatusCode::OK, &term_page(page, form, &r, chosen, q.change.is_some()))
}

pub async fn save_term(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    q: web::Query<ChangeQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (r, draft) = match open(&state, &user, &id).await? {
        Ok(x) => x,
        Err(to) => return Ok(to),
    };
    let (relationship, _) = relationship_and_reason(&r)?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let chosen: Vec<Scope> =
        Scope::ALL.into_iter().filter(|s| pairs.iter().any(|(k, v)| k == "scope" && v == s.code())).collect();
    let ends_text = pairs.iter().find(|(k, _)| k == "ends_on").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let mut form = FormState::with_values([("ends_on", ends_text.as_str())]);
    if chosen.is_empty() {
        form.error("scope", &crate::domain::ProxyError::ScopeMissing);
    }
    let today = state.clock.today();
    let ends_on = if ends_text.is_empty() {
        form.error_key("ends_on", "renewal-error-ends-missing");
        None
    } else {
        form.check("ends_on", ends_text.parse::<WarekiDate>()).map(NaiveDate::from)
    };
    let current_end = r.ends_on.as_deref().and_then(|e| e.parse::<NaiveDate>().ok());
    if let Some(ends) = ends_on {
        if let Some(current) = current_end.filter(|c| ends <= *c) {
            form.error("ends_on", &NotAfter(page.date(&current.to_string())));
        } else if let Err(e) = check_end_date(relationship, Some(ends), today) {
            form.error("ends_on", &e);
        }
    }
    let chosen_codes: Vec<String> = chosen.iter().map(|s| s.code().to_string()).collect();
    let Some(ends) = ends_on.filter(|_| !form.has_errors()) else {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &term_page(page, form, &r, chosen_codes, q.change.is_some()),
        );
    };
    state.store.save_renewal_term(&r.id, user.id(), &Scope::to_list(&chosen), &ends.to_string()).await?;
    let ready = match &draft {
        Some(d) => proof_ready(&r, d)?,
        None => false,
    };
    Ok(see_other(if q.change.is_some() && ready {
        format!("{}/check", base(&r.id))
    } else {
        format!("{}/proof", base(&r.id))
    }))
}

// --- step 2: proof ---

#[derive(Template)]
#[template(path = "representation/renew_proof.html")]
struct ProofPage {
    page: Page,
    form: FormState,
    back_href: String,
    action: String,
    ward_name: String,
    reason: String,
    no_proof_key: &'static str,
    documents: Vec<&'static str>,
    guardian: bool,
    explanation_allowed: bool,
    uploaded: Option<String>,
    max_mb: usize,
}

fn proof_page(page: Page, form: FormState, r: &RepresentationRow, d: &RenewalDraftRow) -> Result<ProofPage, AppError> {
    let (relationship, reason) = relationship_and_reason(r)?;
    let (no_proof_key, documents, guardian, explanation_allowed) = match renewal_proof(relationship, reason) {
        RenewalProof::NotNeeded { why_key } => (why_key, Vec::new(), false, false),
        RenewalProof::Documents { keys, explanation, guardian } => ("", keys, guardian, explanation),
    };
    let action = format!("{}/proof?csrf_token={}", base(&r.id), page.csrf_token);
    let uploaded = d.document_name.as_ref().map(|n| {
        let kb = ((d.document_size.unwrap_or(0) + 1023) / 1024).to_string();
        page.message_plain("representation-proof-uploaded", &[("name", n.clone()), ("size", kb)])
    });
    Ok(ProofPage {
        reason: page.message_plain(reason.message_key(), &[]),
        page,
        form,
        back_href: base(&r.id),
        action,
        ward_name: r.ward_name.clone(),
        no_proof_key,
        documents,
        guardian,
        explanation_allowed,
        uploaded,
        max_mb: MAX_DOCUMENT_BYTES / (1024 * 1024),
    })
}

/// The draft of step 1, or the way back to it.
async fn after_term(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Result<(RepresentationRow, RenewalDraftRow), HttpResponse>, AppError> {
    Ok(match open(state, user, id).await? {
        Ok((r, Some(d))) => Ok((r, d)),
        Ok((r, None)) => Err(see_other(base(&r.id))),
        Err(to) => Err(to),
    })
}

pub async fn proof(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (r, d) = match after_term(&state, &user, &id).await? {
        Ok(x) => x,
        Err(to) => return Ok(to),
    };
    let form = FormState::with_values([("explanation", d.explanation.as_str())]);
    render_with_status(StatusCode::OK, &proof_page(page, form, &r, &d)?)
}

/// A multipart form (document, and explanation where one may stand in) when a document is needed; a plain one
/// with nothing but the CSRF token when not.
pub async fn save_proof(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (r, d) = match after_term(&state, &user, &id).await? {
        Ok(x) => x,
        Err(to) => return Ok(to),
    };
    let check = format!("{}/check", base(&r.id));
    let (relationship, reason) = relationship_and_reason(&r)?;
    let explanation_allowed = match renewal_proof(relationship, reason) {
        RenewalProof::NotNeeded { .. } => {
            state.store.save_renewal_proof(&r.id, user.id(), "", None).await?;
            return Ok(see_other(check));
        }
        RenewalProof::Documents { explanation, .. } => explanation,
    };
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or(AppError::BadRequest)?;
    let body = multipart::read_limited(payload, MAX_DOCUMENT_BYTES + 64 * 1024, 8 * MAX_DOCUMENT_BYTES).await?;
    let mut form = FormState::default();
    let Some(body) = body else {
        form.set("explanation", &d.explanation);
        form.error_key("document", "representation-error-document-large");
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &proof_page(page, form, &r, &d)?);
    };
    let parts = multipart::parse(&boundary, &body).ok_or(AppError::BadRequest)?;
    let explanation = if explanation_allowed {
        parts.iter().find(|p| p.name == "explanation").map(|p| p.text()).unwrap_or_default().trim().to_string()
    } else {
        String::new()
    };
    form.set("explanation", &explanation);
    let mut document = None;
    if let Some(f) = parts.iter().find(|p| p.name == "document" && !p.data.is_empty()) {
        if f.data.len() > MAX_DOCUMENT_BYTES {
            form.error_key("document", "representation-error-document-large");
        } else {
            match document_type(&f.data) {
                Some(kind) => document = Some((f, kind)),
                None => form.error_key("document", "representation-error-document-type"),
            }
        }
    }
    let explanation = form.free_text("explanation", &explanation).unwrap_or_default();
    if explanation.chars().count() > EXPLANATION_MAX_CHARS {
        form.error_key("explanation", "representation-error-explanation-long");
    }
    if !form.has_errors() && document.is_none() && d.document_name.is_none() && explanation.is_empty() {
        let key = if explanation_allowed {
            "representation-error-document-missing"
        } else {
            "renewal-error-registry-missing"
        };
        form.error_key("document", key);
    }
    if form.has_errors() {
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &proof_page(page, form, &r, &d)?);
    }
    let name = document.as_ref().map(|(_, kind)| document_file_name(None, kind));
    let doc = document.as_ref().zip(name.as_deref()).map(|((f, kind), name)| (name, *kind, &f.data[..]));
    state.store.save_renewal_proof(&r.id, user.id(), &explanation, doc).await?;
    Ok(see_other(check))
}

// --- check your answers, and send ---

pub struct Row {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    /// Where to change it; empty when it cannot be changed here.
    pub change: String,
}

#[derive(Template)]
#[template(path = "representation/renew_check.html")]
struct CheckPage {
    page: Page,
    form: FormState,
    id: String,
    back_href: String,
    ward_name: String,
    rows: Vec<Row>,
}

fn check_page(page: Page, form: FormState, r: &RepresentationRow, d: &RenewalDraftRow) -> CheckPage {
    let label = |key: &str| page.message_plain(key, &[]);
    let scopes: Vec<String> = Scope::parse_list(&d.scope).iter().map(|s| label(s.message_key())).collect();
    let proof = match (&d.document_name, d.explanation.trim().is_empty()) {
        (Some(name), _) => name.clone(),
        (None, false) => page.message_plain("representation-proof-explained", &[("text", d.explanation.clone())]),
        (None, true) => label("representation-proof-not-needed-short"),
    };
    let term = format!("{}?change=1", base(&r.id));
    let rows = vec![
        Row { id: "ward", label: "renewal-row-ward", value: r.ward_name.clone(), change: String::new() },
        Row {
            id: "current_end",
            label: "renewal-row-current-end",
            value: r.ends_on.as_deref().map(|e| page.date(e)).unwrap_or_default(),
            change: String::new(),
        },
        Row { id: "ends_on", label: "renewal-ends-label", value: page.date(&d.ends_on), change: term.clone() },
        Row { id: "scope", label: "representation-scope-legend", value: scopes.join(", "), change: term },
        Row { id: "proof", label: "representation-proof-row", value: proof, change: format!("{}/proof", base(&r.id)) },
    ];
    let back_href = format!("{}/proof", base(&r.id));
    CheckPage { page, form, id: r.id.clone(), back_href, ward_name: r.ward_name.clone(), rows }
}

/// The draft when both steps are answered, else the way to the first open one.
async fn ready(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Result<(RepresentationRow, RenewalDraftRow), HttpResponse>, AppError> {
    Ok(match after_term(state, user, id).await? {
        Ok((r, d)) if proof_ready(&r, &d)? => Ok((r, d)),
        Ok((r, _)) => Err(see_other(format!("{}/proof", base(&r.id)))),
        Err(to) => Err(to),
    })
}

pub async fn check(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (r, d) = match ready(&state, &user, &id).await? {
        Ok(x) => x,
        Err(to) => return Ok(to),
    };
    render_with_status(StatusCode::OK, &check_page(page, FormState::default(), &r, &d))
}

pub async fn send(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (r, d) = match ready(&state, &user, &id).await? {
        Ok(x) => x,
        Err(to) => return Ok(to),
    };
    let (relationship, reason) = relationship_and_reason(&r)?;
    let needs_document = matches!(renewal_proof(relationship, reason), RenewalProof::Documents { .. });
    let explanation = (needs_document && d.document_name.is_none()).then_some(d.explanation.as_str());
    let new = NewRenewal { scope: &d.scope, ends_on: &d.ends_on, needs_document, no_document_explanation: explanation };
    match state.store.submit_renewal(&r, &new).await? {
        Some(new_id) => Ok(see_other(format!("/account/representation/{new_id}/sent"))),
        None => {
            let mut form = FormState::default();
            form.error_key("submit", "renewal-error-already");
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &check_page(page, form, &r, &d))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guardians_renewal_needs_a_current_registry_certificate_and_nothing_else_replaces_it() {
        let proof = renewal_proof(Relationship::AdultGuardian, ProxyReason::AdultWard);
        assert_eq!(
            proof,
            RenewalProof::Documents { keys: vec!["renewal-document-registry"], explanation: false, guardian: true }
        );
        assert!(matches!(renewal_proof(Relationship::Parent, ProxyReason::Child), RenewalProof::NotNeeded { .. }));
        assert!(matches!(
            renewal_proof(Relationship::Family, ProxyReason::LongHospitalStay),
            RenewalProof::Documents { explanation: true, guardian: false, .. }
        ));
    }
}
