//! Public: anyone holding a certificate's code (printed, or in its QR code) may check whether it is valid.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::requests::certificate::{CODE_CHARS, verification_code};
use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::views::certificate::{Printed, printed, status_key, status_of};
use crate::web::{AppState, render};

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
