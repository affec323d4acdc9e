//! Signing in and out, creating an account, passkeys, invitations for staff, acting for others, and the demo
//! helpers (the list of demo accounts and the outbox page, only in demo mode).

mod account;
mod demo;
mod invitation;
mod sign_in;
mod sign_up;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, web};

use crate::crypto::{Purpose, SecretKey};
use crate::web::policy::{Routes, SignedIn};

pub fn routes(routes: &mut Routes) {
    // Sign-in and sign-up steps carry their own cookie; invitations their token; the demo helpers answer only in
    // demo mode and only for demo people.
    routes
        .public()
        .route("/sign-in", web::get().to(sign_in::show))
        .route("/sign-in", web::post().to(sign_in::request_code))
        .route("/sign-in/code", web::get().to(sign_in::show_code))
        .route("/sign-in/code", web::post().to(sign_in::enter_code))
        .route("/sign-in/passkey", web::post().to(sign_in::with_passkey))
        .route("/sign-out", web::post().to(sign_in::sign_out))
        .route("/sign-up", web::get().to(sign_up::show))
        .route("/sign-up", web::post().to(sign_up::submit))
        .route("/invitation/{token}", web::get().to(invitation::show))
        .route("/invitation/{token}", web::post().to(invitation::finish))
        .route("/demo/outbox", web::get().to(demo::outbox))
        .route("/demo/invite/{person}", web::post().to(demo::invite));
    routes
        .require::<SignedIn>()
        .route("/account", web::get().to(account::overview))
        .route("/account/passkeys/new", web::get().to(account::new_passkey))
        .route("/account/passkeys", web::post().to(account::add_passkey))
        .route("/account/passkeys/{id}/rename", web::post().to(account::rename_passkey))
        .route("/account/passkeys/{id}/remove", web::post().to(account::remove_passkey))
        .route("/account/sign-out-everywhere", web::post().to(account::sign_out_everywhere))
        .route("/acting-for", web::post().to(account::switch_acting_for));
}

/// A short-lived, signed cookie carrying an e-mail address between steps (`pending` while a code is on its way,
/// `verified` after the code matched and before the account exists). Signed, so it cannot be forged.
pub(crate) struct EmailCookie;

impl EmailCookie {
    pub const PENDING: &'static str = "pending_email";
    pub const VERIFIED: &'static str = "verified_email";

    pub fn make(key: &SecretKey, name: &'static str, email: &str, expires_at: i64, secure: bool) -> Cookie<'static> {
        let payload = format!("{name}\n{email}\n{expires_at}");
        let sig = key.sign(Purpose::PendingEmail, payload.as_bytes());
        let value = format!("{}.{expires_at}.{sig}", hex::encode(email));
        Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).finish()
    }

    /// The address, if the cookie is there, unaltered and not expired.
    pub fn read(req: &HttpRequest, key: &SecretKey, name: &'static str, now: i64) -> Option<String> {
        let c = req.cookie(name)?;
        let mut parts = c.value().splitn(3, '.');
        let email = String::from_utf8(hex::decode(parts.next()?).ok()?).ok()?;
        let expires_at: i64 = parts.next()?.parse().ok()?;
        let sig = parts.next()?;
        let payload = format!("{name}\n{email}\n{expires_at}");
        (expires_at > now && key.verify(Purpose::PendingEmail, payload.as_bytes(), sig)).then_some(email)
    }

    pub fn removal(name: &'static str) -> Cookie<'static> {
        let mut c = Cookie::build(name, "").path("/").finish();
        c.make_removal();
        c
    }
}

/// Where to go after signing in: only local paths.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    next.and_then(crate::web::local_path).unwrap_or("/account").to_string()
}
