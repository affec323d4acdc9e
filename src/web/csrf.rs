//! CSRF protection for every state-changing request, in one place.
//!
//! A random value lives in the `csrf` cookie (HttpOnly, SameSite=Lax); forms carry a signature of it made with the
//! service's secret key. Any node can check a token, so nothing is kept in memory. A request that changes
//! something (POST, PUT, PATCH, DELETE) must carry the token: in the form field `csrf_token`, in the
//! `X-CSRF-Token` header (the passkey script), or in the query (multipart uploads).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use futures_util::StreamExt;

use crate::crypto::{Purpose, SecretKey, random_token};
use crate::web::AppState;
use crate::web::errors::AppError;

pub const COOKIE: &str = "csrf";
pub const FIELD: &str = "csrf_token";
const MAX_FORM_BYTES: usize = 256 * 1024;

#[derive(Clone, Debug)]
pub struct CsrfCookie {
    value: String,
    is_new: bool,
}

impl CsrfCookie {
    pub fn token(&self, key: &SecretKey) -> String {
        key.sign(Purpose::Csrf, self.value.as_bytes())
    }
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered").clone();
    let cookie = match req.cookie(COOKIE) {
        Some(c) if c.value().len() >= 32 && c.value().len() <= 64 => {
            CsrfCookie { value: c.value().to_string(), is_new: false }
        }
        _ => CsrfCookie { value: random_token(32), is_new: true },
    };
    req.extensions_mut().insert(cookie.clone());

    // The issuing body's callbacks are machine to machine: their HMAC signature, checked by the handler, is
    // what proves them; they carry no cookie to bind a token to.
    if changes_state(req.method()) && req.path() != crate::journeys::issuing::CALLBACK_ROUTE {
        let submitted = match submitted_token(&mut req).await {
            Ok(t) => t,
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        };
        let valid = !cookie.is_new
            && submitted.is_some_and(|t| state.settings.secret_key.verify(Purpose::Csrf, cookie.value.as_bytes(), &t));
        if !valid {
            return Ok(req.error_response(AppError::CsrfRejected).map_into_right_body());
        }
    }

    let mut res = next.call(req).await?;
    if cookie.is_new {
        let c = Cookie::build(COOKIE, cookie.value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.settings.secure_cookies())
            .finish();
        res.response_mut().add_cookie(&c)?;
    }
    Ok(res.map_into_left_body())
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Finds the token without consuming the body that the handler will read.
async fn submitted_token(req: &mut ServiceRequest) -> Result<Option<String>, actix_web::Error> {
    if let Some(t) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return Ok(Some(t.to_string()));
    }
    if let Some(t) = form_field(req.query_string().as_bytes(), FIELD) {
        return Ok(Some(t));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(None);
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(AppError::from_payload)?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AppError::PayloadTooLarge.into());
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let token = form_field(&body, FIELD);
    req.set_payload(actix_web::dev::Payload::from(body));
    Ok(token)
}

fn form_field(encoded: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(encoded).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}
