//! Sessions: the `session` cookie holds a random token; the database holds its keyed hash. Every request that
//! carries one gets its person, roles and the people they act for loaded here, once.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use crate::accounts::{self, Role, Roles};
use crate::store::accounts::{PersonRow, WardRow};
use crate::store::now_ms;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::policy::{self, Require};

pub const COOKIE: &str = "session";
/// Writing `last_seen_at` on every request would make every page a write; once a minute is enough.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub person: PersonRow,
    pub roles: Roles,
    pub token_hash: String,
    /// The ward this person is acting for now, if any (approved representations only).
    pub acting_for: Option<WardRow>,
    pub wards: Vec<WardRow>,
}

impl CurrentUser {
    pub fn id(&self) -> &str {
        &self.person.id
    }

    /// Whose business this request is about: the ward when acting for one, else the person.
    pub fn subject_id(&self) -> &str {
        self.acting_for.as_ref().map(|w| w.ward_id.as_str()).unwrap_or(&self.person.id)
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }
}

pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_string()).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).finish()
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut c = session_cookie("", secure);
    c.make_removal();
    c
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty()) else {
        return next.call(req).await;
    };
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered").clone();
    let loaded = load(&state, &token).await.map_err(AppError::from)?;
    let stale = loaded.is_none();
    if let Some(user) = loaded {
        req.extensions_mut().insert(user);
    }
    let mut res = next.call(req).await?;
    if stale {
        res.response_mut().add_cookie(&removal_cookie(state.settings.secure_cookies()))?;
    }
    Ok(res)
}

/// One read for the session, its person, roles and wards ([`crate::store::Store::signed_in`]); a second only
/// when the session has expired (deleted) or once a minute to note it is still in use.
async fn load(state: &AppState, token: &str) -> Result<Option<CurrentUser>, sqlx::Error> {
    let store = &state.store;
    let hash = accounts::session_hash(&state.settings.secret_key, token);
    let Some(signed_in) = store.signed_in(&hash).await? else { return Ok(None) };
    let session = &signed_in.session;
    let now = now_ms();
    if !accounts::session_is_live(session, now) {
        store.end_session(&hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        store.touch_session(&hash, now).await?;
    }
    let roles = Roles::from_rows(&signed_in.roles);
    let wards = signed_in.wards;
    let acting_for =
        signed_in.session.acting_for.as_deref().and_then(|id| wards.iter().find(|w| w.ward_id == id).cloned());
    Ok(Some(CurrentUser { person: signed_in.person, roles, token_hash: hash, acting_for, wards }))
}

/// Pages that need a signed-in person take `CurrentUser`; without one, the person is sent to sign in and
/// brought back afterwards.
impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<CurrentUser, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.extensions().get::<CurrentUser>() {
            Some(u) => Ok(u.clone()),
            None => Err(sign_in_redirect(req)),
        })
    }
}

pub(crate) fn sign_in_redirect(req: &HttpRequest) -> actix_web::Error {
    let back = if req.method() == actix_web::http::Method::GET {
        req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into())
    } else {
        "/account".into()
    };
    let location =
        format!("/sign-in?next={}", url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>());
    actix_web::error::InternalError::from_response(
        "sign-in required",
        HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish(),
    )
    .into()
}

/// The extractors of the policies in `web::policy`, by the names handlers use.
pub type Officer = Require<policy::Officers>;
pub type InsurerOfficer = Require<policy::InsurerOfficers>;
pub type MunicipalOfficer = Require<policy::MunicipalOfficers>;
pub type FacilityWorker = Require<policy::FacilityWorkers>;
pub type Admin = Require<policy::Admins>;
