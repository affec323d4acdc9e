//! Everything HTTP that is not a journey: layout context, language, CSRF, security headers, request ids,
//! error pages, static files, and the assembly of routes.

pub mod assets;
pub mod body_timeout;
pub mod client_address;
pub mod csrf;
pub mod errors;
pub mod forms;
pub mod locale;
pub mod multipart;
pub mod page;
pub mod questions;
pub mod request_id;
pub mod session;

use std::sync::Arc;

use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, web};

use crate::config::Settings;
use crate::i18n::Localizer;
use crate::store::Store;

/// What every handler can reach. Nothing here is per-person: sessions, limits and queues live in the
/// database, so any node can answer any request.
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub localizer: Arc<Localizer>,
    pub assets: Arc<assets::Assets>,
    pub webauthn: Arc<webauthn_rs::Webauthn>,
}

/// The one content security policy: no inline script or style anywhere, nothing from other origins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'";

fn security_headers(settings: &Settings) -> DefaultHeaders {
    let mut h = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"))
        // Pages carry personal data: no shared or back-forward cache unless a handler says otherwise.
        .add(("Cache-Control", "no-store"));
    if settings.secure_cookies() {
        h = h.add(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"));
    }
    h
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok"),
        Err(e) => {
            tracing::error!(cause = %e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable().content_type("text/plain; charset=utf-8").body("database unavailable")
        }
    }
}

/// The whole application, as the server and the tests build it.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let headers = security_headers(&state.settings);
    App::new()
        .app_data(state)
        .app_data(web::FormConfig::default().limit(256 * 1024))
        .route("/healthz", web::get().to(healthz))
        .route("/static/{name}", web::get().to(assets::serve))
        .route("/language/{code}", web::get().to(locale::switch))
        .configure(crate::journeys::public::routes)
        .configure(crate::journeys::accounts::routes)
        .configure(crate::journeys::admin::routes)
        // Before the certificate questions: `/certificates/issued/{id}` would otherwise match `/certificates/{id}/{step}`.
        .configure(crate::journeys::office::routes)
        // Before the certificate questions too: `/certificates/{id}/download`.
        .configure(crate::journeys::documents::routes)
        .configure(crate::journeys::certificates::routes)
        .configure(crate::journeys::express::routes)
        .configure(crate::journeys::requests::routes)
        .configure(crate::journeys::representation::routes)
        .configure(crate::journeys::facility::routes)
        .configure(crate::journeys::registration::routes)
        .default_service(web::to(|| async { Err::<HttpResponse, _>(errors::AppError::NotFound) }))
        // Outermost last: headers on everything, then the request id, then error pages, then the body deadline,
        // then CSRF, then the session (so a forged request never reaches the database through it).
        .wrap(from_fn(session::middleware))
        .wrap(from_fn(csrf::middleware))
        .wrap(from_fn(body_timeout::middleware))
        .wrap(from_fn(errors::middleware))
        .wrap(from_fn(request_id::middleware))
        .wrap(headers)
}

/// The one rule for where a redirect to a target someone gave us (`back`, `next`) may go: a path on this site.
/// It starts with one `/` (never `//other.example` or `https://…`) and holds no control character, white space or
/// backslash, which browsers drop or read as `/` (`/\t/evil.example/` becomes `//evil.example/`) and which
/// cannot go in a header. Anything else is `None`, and the caller falls back to a page of its own.
pub fn local_path(target: &str) -> Option<&str> {
    let single_slash = target.starts_with('/') && !target.starts_with("//");
    let clean = !target.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    (single_slash && clean).then_some(target)
}

/// A page, as HTML with status 200.
pub fn render(template: &impl askama::Template) -> Result<HttpResponse, errors::AppError> {
    render_with_status(actix_web::http::StatusCode::OK, template)
}

/// A page with another status: 422 for a form sent back with mistakes, 404 for a page that is not there.
pub fn render_with_status(
    status: actix_web::http::StatusCode,
    template: &impl askama::Template,
) -> Result<HttpResponse, errors::AppError> {
    let html = template.render()?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_clean_paths_on_this_site_are_followed() {
        assert_eq!(local_path("/ok?x=1"), Some("/ok?x=1"));
        assert_eq!(local_path("/contact"), Some("/contact"));
        assert_eq!(local_path("/"), Some("/"));
        for bad in [
            "",
            "//evil",
            "/\\evil",
            "https://x",
            "evil.example",
            "/\t/evil.example/",
            "/\0x",
            "/a\u{b}b",
            "/a\u{7f}b",
            "/a\r\nSet-Cookie: x",
            "/a b",
            "/a\u{3000}b",
            "/a\u{85}b",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
