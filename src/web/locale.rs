//! Which language a request is answered in: the `lang` cookie, then `Accept-Language`, then the default.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, HttpResponse, http::header, web};

use crate::i18n::Locale;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::session::CurrentUser;

pub const COOKIE: &str = "lang";

pub fn negotiate(req: &HttpRequest, default: Locale) -> Locale {
    if let Some(l) = req.cookie(COOKIE).and_then(|c| Locale::from_code(c.value())) {
        return l;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or(default)
}

#[derive(serde::Deserialize)]
pub struct SwitchQuery {
    back: Option<String>,
}

/// `GET /language/{code}?back=/path`: keeps the choice in a cookie and returns to the page the person was on.
/// A link, not a form, so it works everywhere; it changes only a preference (the display language, and for a
/// signed-in person the language of their e-mails, kept on the person), so it needs no CSRF token.
pub async fn switch(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<SwitchQuery>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    let locale = Locale::from_code(&code).ok_or(AppError::NotFound)?;
    if let Some(user) = user {
        state.store.set_preferred_locale(user.id(), locale.code()).await?;
    }
    let back = query.back.as_deref().and_then(crate::web::local_path).unwrap_or("/");
    let cookie = Cookie::build(COOKIE, locale.code())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .http_only(true)
        .finish();
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, back)).cookie(cookie).finish())
}
