//! Express card issuance on the issuing side: the issuing body's signed callbacks (machine to machine: no
//! session, no CSRF token; the signature is the proof), and the municipality's queue, review and dashboard
//! ([`queue`]).

pub mod queue;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::i18n::Locale;
use crate::issuing::{Callback, ProductionEvent, SIGNATURE_HEADER, SignatureRefused, TIMESTAMP_HEADER, verify};
use crate::notify::mail::Notice;
use crate::store::card_production::CallbackOutcome;
use crate::store::now_ms;
use crate::store::outbox::NewMail;
use crate::web::AppState;
use crate::web::errors::AppError;

/// The callback's path, which the CSRF middleware leaves to the signature check.
pub const CALLBACK_ROUTE: &str = "/callbacks/issuing-body";

pub fn routes(routes: &mut crate::web::policy::Routes) {
    // Public to the session layer: the signature is the guard (checked first in `callback`).
    routes.public().route("/callbacks/issuing-body", web::post().to(callback));
    queue::routes(routes);
}

fn plain(status: actix_web::http::StatusCode, text: &'static str) -> HttpResponse {
    HttpResponse::build(status).content_type("text/plain; charset=utf-8").body(text)
}

/// `POST /callbacks/issuing-body`: 200 when applied or already applied, 401 for a missing, wrong or stale
/// signature, 400 for a body that is not a report, 404 for a request not sent to production, 409 for a report
/// out of order.
async fn callback(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    use actix_web::http::StatusCode;
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let key = state.settings.express.issuing_body_key.as_deref();
    let now = now_ms();
    let signed_at = match verify(key, header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), &body, now / 1000) {
        Ok(t) => t,
        Err(refused) => {
            tracing::warn!(?refused, "issuing-body callback refused");
            return Ok(match refused {
                SignatureRefused::NoKey => plain(StatusCode::SERVICE_UNAVAILABLE, "no issuing-body key is configured"),
                SignatureRefused::Unsigned => plain(StatusCode::UNAUTHORIZED, "unsigned"),
                SignatureRefused::WrongSignature => plain(StatusCode::UNAUTHORIZED, "wrong signature"),
                SignatureRefused::Stale => plain(StatusCode::UNAUTHORIZED, "stale"),
            });
        }
    };
    let Some(cb) = serde_json::from_slice::<Callback>(&body).ok().filter(Callback::is_well_formed) else {
        return Ok(plain(StatusCode::BAD_REQUEST, "not a production report"));
    };
    let mail = stage_mail(&state, &cb).await?;
    let outcome = state.store.apply_production_callback(&cb, signed_at * 1000, now, mail).await?;
    Ok(match outcome {
        CallbackOutcome::Applied { photo_file } => {
            tracing::info!(request = %cb.request_id, event = cb.event.code(), "issuing body: stage applied");
            if let Some(file) = photo_file {
                delete_photo_file(&state.settings.data_dir, &file);
            }
            plain(StatusCode::OK, "applied")
        }
        CallbackOutcome::AlreadyApplied => plain(StatusCode::OK, "already applied"),
        CallbackOutcome::OutOfOrder => plain(StatusCode::CONFLICT, "out of order"),
        CallbackOutcome::UnknownRequest => plain(StatusCode::NOT_FOUND, "no such production"),
    })
}

/// Where card photos are kept, privately (never under the static files).
pub fn card_photo_path(data_dir: &std::path::Path, file: &str) -> Option<std::path::PathBuf> {
    // A server-made name only: no separators, no dots at the start.
    let safe = !file.is_empty()
        && !file.starts_with('.')
        && file.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    safe.then(|| data_dir.join("card-photos").join(file))
}

/// Deletes a delivered card's photo. The column is already empty; a file that cannot be removed is logged (by
/// request, never by content) for the operator.
fn delete_photo_file(data_dir: &std::path::Path, file: &str) {
    let Some(path) = card_photo_path(data_dir, file) else { return };
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::error!(cause = %e, "a delivered card's photo could not be deleted"),
    }
}

/// The applicant's e-mail about a production stage, in their language (none without an address).
async fn stage_mail(state: &AppState, cb: &Callback) -> Result<Option<NewMail>, AppError> {
    let Some((reference, filed_by)) = state.store.card_request_filer(&cb.request_id).await? else { return Ok(None) };
    let Some(person) = state.store.person(&filed_by).await? else { return Ok(None) };
    let Some(email) = person.email else { return Ok(None) };
    let locale = Locale::from_code(&person.preferred_locale).unwrap_or(state.settings.default_locale);
    let l10n = &state.localizer;
    let reference = reference.parse::<crate::domain::ReferenceNumber>().map(|r| r.to_string()).unwrap_or(reference);
    let mut next = l10n.plain(locale, cb.event.next_step_key(), &[]);
    match cb.event {
        ProductionEvent::Mailed => {
            let tracking = cb.tracking_number.clone().unwrap_or_default();
            next = format!("{} {next}", l10n.plain(locale, "express-tracking-number", &[("number", tracking)]));
        }
        ProductionEvent::Failed => {
            let reason = cb.failure_reason.as_deref().unwrap_or("other");
            next = format!("{} {next}", l10n.plain(locale, crate::issuing::failure_reason_key(reason), &[]));
        }
        _ => {}
    }
    let notice = Notice::request_update(
        &reference,
        &l10n.plain(locale, cb.event.message_key(), &[]),
        &next,
        &format!("{}requests/{}", state.settings.base_url, cb.request_id),
    );
    Ok(Some(crate::notify::compose_for(state, &email, locale, notice).map_err(AppError::Internal)?))
}
