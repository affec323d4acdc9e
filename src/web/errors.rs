//! The application's one error type, and the one place that turns any error response into a page in the
//! person's language. Causes go to the log with the request id; people see a plain message and the id.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::web::page::Page;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("CSRF token missing or wrong")]
    CsrfRejected,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    #[error("the request body did not arrive in time")]
    RequestTimeout,
    #[error("bad request")]
    BadRequest,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<crate::accounts::SendError> for AppError {
    fn from(e: crate::accounts::SendError) -> AppError {
        match e {
            crate::accounts::SendError::Database(d) => AppError::Database(d),
            crate::accounts::SendError::Compose(c) => AppError::Internal(c),
        }
    }
}

impl From<crate::requests::service::ServiceError> for AppError {
    fn from(e: crate::requests::service::ServiceError) -> AppError {
        use crate::requests::service::ServiceError;
        match e {
            ServiceError::Database(d) => AppError::Database(d),
            ServiceError::NoValidity => AppError::BadRequest,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }

    /// A body that could not be read: too slow (408, see `body_timeout`) or broken (400).
    pub fn from_payload(error: actix_web::error::PayloadError) -> AppError {
        if crate::web::body_timeout::is_timeout(&error) { AppError::RequestTimeout } else { AppError::BadRequest }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Database(_) | AppError::Template(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// No body here: the error-page middleware renders the page, because only it has the request's language.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).finish()
    }
}

/// Which explanation a person gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Forbidden,
    Csrf,
    TooLarge,
    TooMany,
    BadRequest,
    Internal,
}

impl ErrorKind {
    fn of(status: StatusCode, error: Option<&actix_web::Error>) -> ErrorKind {
        if let Some(AppError::CsrfRejected) = error.and_then(|e| e.as_error::<AppError>()) {
            return ErrorKind::Csrf;
        }
        match status {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => ErrorKind::NotFound,
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => ErrorKind::Forbidden,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
            StatusCode::TOO_MANY_REQUESTS => ErrorKind::TooMany,
            s if s.is_client_error() => ErrorKind::BadRequest,
            _ => ErrorKind::Internal,
        }
    }

    /// The message id prefix: `<prefix>-title` and `<prefix>-body` exist in every locale.
    pub fn key(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "error-not-found",
            ErrorKind::Forbidden => "error-forbidden",
            ErrorKind::Csrf => "error-csrf",
            ErrorKind::TooLarge => "error-too-large",
            ErrorKind::TooMany => "error-too-many",
            ErrorKind::BadRequest => "error-bad-request",
            ErrorKind::Internal => "error-internal",
        }
    }

    pub const ALL: [ErrorKind; 7] = [
        ErrorKind::NotFound,
        ErrorKind::Forbidden,
        ErrorKind::Csrf,
        ErrorKind::TooLarge,
        ErrorKind::TooMany,
        ErrorKind::BadRequest,
        ErrorKind::Internal,
    ];
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    page: Page,
    title_key: String,
    body_key: String,
    show_reference: bool,
}

fn render(req: &HttpRequest, status: StatusCode, kind: ErrorKind) -> HttpResponse {
    let page = Page::from_request(req);
    let tpl = ErrorPage {
        page,
        title_key: format!("{}-title", kind.key()),
        body_key: format!("{}-body", kind.key()),
        show_reference: kind == ErrorKind::Internal,
    };
    match tpl.render() {
        Ok(html) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html),
        Err(e) => {
            tracing::error!(cause = %e, "error page could not be rendered");
            HttpResponse::build(status).content_type("text/plain; charset=utf-8").body("Error / エラー")
        }
    }
}

fn log_failure(status: StatusCode, cause: Option<&actix_web::Error>) {
    if status.is_server_error() {
        match cause {
            Some(c) => tracing::error!(status = status.as_u16(), cause = %c, "request failed"),
            None => tracing::error!(status = status.as_u16(), "request failed"),
        }
    }
}

/// Replaces every error response that is not already an HTML page (our own bare errors, actix's plain-text
/// ones, errors returned by inner middleware) with a localised page.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    // Only responses are turned into pages: the request cannot be kept aside while the router still needs it,
    // so inner middleware answers with `req.error_response(…)` rather than returning an error.
    match next.call(req).await {
        Ok(res) => {
            let status = res.status();
            let is_html = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("text/html"));
            if !(status.is_client_error() || status.is_server_error()) || is_html {
                return Ok(res.map_into_left_body());
            }
            log_failure(status, res.response().error());
            let kind = ErrorKind::of(status, res.response().error());
            let (req, _) = res.into_parts();
            let page = render(&req, status, kind);
            Ok(ServiceResponse::new(req, page).map_into_right_body())
        }
        Err(error) => Err(error),
    }
}
