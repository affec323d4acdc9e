//! The context every page template gets: language, messages, CSRF token, request id, where we are.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use askama::filters::Safe;

use crate::domain::FieldMessage;
use crate::i18n::{Locale, Localizer};
use crate::store::organisations::OrganisationName;
use crate::web::assets::Assets;
use crate::web::csrf::CsrfCookie;
use crate::web::errors::AppError;
use crate::web::request_id::RequestId;
use crate::web::session::CurrentUser;
use crate::web::{AppState, locale};

pub struct Page {
    pub locale: Locale,
    l10n: Arc<Localizer>,
    assets: Arc<Assets>,
    /// The path and query of this page, for the language switcher to come back to.
    pub here: String,
    pub csrf_token: String,
    pub request_id: String,
    pub demo: bool,
    /// The signed-in person, for the header: name, whom they act for, and whom they could act for.
    pub user: Option<UserView>,
}

pub struct UserView {
    pub name: String,
    pub acting_for: Option<String>,
    pub acting_for_id: String,
    /// (ward id, name) of each person this user may act for.
    pub wards: Vec<(String, String)>,
    pub is_officer: bool,
    /// For officers: the organisations they work for, in the reader's language (readings as ruby).
    pub works_for: Option<Safe<String>>,
    pub is_facility: bool,
    pub is_admin: bool,
}

impl Page {
    pub fn from_request(req: &HttpRequest) -> Page {
        let state = req.app_data::<actix_web::web::Data<AppState>>().expect("AppState is registered");
        let locale = locale::negotiate(req, state.settings.default_locale);
        let csrf_token =
            req.extensions().get::<CsrfCookie>().map(|c| c.token(&state.settings.secret_key)).unwrap_or_default();
        let request_id = req.extensions().get::<RequestId>().map(|r| r.short().to_string()).unwrap_or_default();
        let here = match req.uri().query() {
            Some(q) if !q.is_empty() => format!("{}?{q}", req.path()),
            _ => req.path().to_string(),
        };
        let works_for = req.extensions().get::<WorksFor>().map(|w| w.html(locale));
        let user = req.extensions().get::<CurrentUser>().map(|u| UserView {
            name: u.person.name.clone(),
            acting_for: u.acting_for.as_ref().map(|w| w.name.clone()),
            acting_for_id: u.acting_for.as_ref().map(|w| w.ward_id.clone()).unwrap_or_default(),
            wards: u.wards.iter().map(|w| (w.ward_id.clone(), w.name.clone())).collect(),
            is_officer: u.roles.is_officer(),
            works_for,
            is_facility: u.has(crate::accounts::Role::FacilityAdmin) || u.has(crate::accounts::Role::FacilityStaff),
            is_admin: u.has(crate::accounts::Role::Admin),
        });
        Page {
            user,
            locale,
            l10n: state.localizer.clone(),
            assets: state.assets.clone(),
            here,
            csrf_token,
            request_id,
            demo: state.settings.demo_mode,
        }
    }

    /// A message as HTML (escaped, readings as ruby).
    pub fn t(&self, key: &str) -> Safe<String> {
        Safe(self.l10n.html(self.locale, key, &[]))
    }

    /// A message with arguments, as HTML. Templates pass an array literal: `[("name", value)]` (askama lends it as a slice).
    pub fn t_args(&self, key: &str, args: &[(&str, &str)]) -> Safe<String> {
        let owned: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Safe(self.l10n.html(self.locale, key, &owned))
    }

    /// A message as plain text, for `<title>` and attributes (askama escapes it there).
    pub fn t_plain(&self, key: &str) -> String {
        self.l10n.plain(self.locale, key, &[])
    }

    /// A message with arguments as plain text, for a `<title>` that names its record (titles differ per record).
    pub fn t_plain_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        let owned: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.l10n.plain(self.locale, key, &owned)
    }

    /// A field error in this page's language.
    pub fn message(&self, error: &dyn FieldMessage) -> Safe<String> {
        Safe(self.l10n.html(self.locale, error.key(), &error.args()))
    }

    pub fn message_html(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.l10n.html(self.locale, key, args)
    }

    pub fn message_plain(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.l10n.plain(self.locale, key, args)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.html_lang()
    }

    pub fn locales(&self) -> [Locale; 3] {
        Locale::ALL
    }

    pub fn is_current(&self, locale: &Locale) -> bool {
        *locale == self.locale
    }

    /// The link that switches to `locale` and comes back to this page.
    pub fn switch_href(&self, locale: &Locale) -> String {
        format!(
            "/language/{}?back={}",
            locale.code(),
            url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect::<String>()
        )
    }

    pub fn asset(&self, name: &str) -> String {
        self.assets.href(name)
    }

    /// A date (`YYYY-MM-DD`) in this page's language: 和暦 with 西暦 in Japanese, 西暦 first in やさしい日本語.
    pub fn date(&self, iso: &str) -> String {
        crate::i18n::format::date_iso(self.locale, iso)
    }

    /// A moment (milliseconds) as a date and time in Japan, in this page's language (`i18n::format`).
    pub fn time(&self, ms: i64) -> String {
        crate::i18n::format::moment(self.locale, ms)
    }

    /// `aria-current="page"` for the navigation link of the page we are on.
    pub fn current_attr(&self, path: &str) -> Safe<&'static str> {
        let here = self.here.split('?').next().unwrap_or("");
        Safe(if here == path { " aria-current=\"page\"" } else { "" })
    }
}

/// The organisations an officer works for, loaded once per request (`works_for`) so that every page they see
/// says on whose behalf they work.
struct WorksFor(Vec<OrganisationName>);

impl WorksFor {
    fn html(&self, locale: Locale) -> Safe<String> {
        let separator = if locale == Locale::En { ", " } else { "、 " };
        Safe(self.0.iter().map(|o| o.name().html(locale)).collect::<Vec<_>>().join(separator))
    }
}

pub async fn works_for(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let officer = req.extensions().get::<CurrentUser>().filter(|u| u.roles.is_officer()).map(|u| u.id().to_string());
    if let Some(id) = officer {
        let state = req.app_data::<actix_web::web::Data<AppState>>().expect("AppState is registered").clone();
        let names = state.store.officer_organisations(&id).await.map_err(AppError::from)?;
        req.extensions_mut().insert(WorksFor(names));
    }
    next.call(req).await
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Page, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Page::from_request(req)))
    }
}
