//! Express card issuance on the issuing side: the issuing body's signed callbacks (machine to machine: no
//! session, no CSRF token; the signature is the proof), and the municipality's queue, review and dashboard
//! ([`queue`]).

pub mod queue;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::issuing::{Callback, SIGNATURE_HEADER, SignatureRefused, TIMESTAMP_HEADER, verify};
use crate::requests::service::{Command, Refused, Service};
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
    let now = state.clock.now_ms();
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
    // The stage, its timeline line, the state (mailed), the photo's deletion (delivered) and the e-mail: one
    // transaction of the request service.
    let report = Command::Production { callback: cb.clone(), signed_at_ms: signed_at * 1000 };
    Ok(match Service::of(&state).run(report, now).await? {
        Ok(_) => {
            tracing::info!(request = %cb.request_id, event = cb.event.code(), "issuing body: stage applied");
            plain(StatusCode::OK, "applied")
        }
        Err(Refused::AlreadyApplied) => plain(StatusCode::OK, "already applied"),
        Err(Refused::OutOfOrder | Refused::Transition(_)) => plain(StatusCode::CONFLICT, "out of order"),
        Err(Refused::NotFound) => plain(StatusCode::NOT_FOUND, "no such production"),
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
