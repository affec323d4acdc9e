//! A member's view of their registration: whether their current insurer has registered them for the online
//! eligibility checks (オンライン資格確認) and since when, or by when it must. For the signed-in person, or the
//! ward they are acting for; nobody else's (the page has no id in it).

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::registration_lag::{self, Lag, RecordDates};
use crate::store::today_jst;
use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::{AppState, render};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registration", web::get().to(registration));
}

/// One insurer's record of the person, as the page says it.
pub struct Registration {
    pub insurer: String,
    pub since: String,
    pub qualified: String,
    /// Registered: "since"; not yet: "must by" (`deadline`), and whether that day has passed.
    pub registered: bool,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "registration/registration.html")]
struct RegistrationPage {
    page: Page,
    /// The ward's name when acting for one.
    for_name: String,
    items: Vec<Registration>,
    insurer_days: i64,
}

async fn registration(page: Page, state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let today = today_jst();
    let rows = state.store.enrolments_of_person(user.subject_id(), &today.to_string()).await?;
    let items = rows
        .into_iter()
        .filter_map(|e| {
            let dates = RecordDates {
                qualified_on: e.qualified_on.parse().ok()?,
                notified_on: e.notified_on.parse().ok()?,
                via_employer: e.via_employer == 1,
                registered_on: match &e.registered_on {
                    Some(d) => Some(d.parse().ok()?),
                    None => None,
                },
            };
            let a = registration_lag::assess(&dates, today);
            Some(Registration {
                insurer: if page.lang() == "en" { e.insurer_name_en } else { e.insurer_name_ja },
                since: e.registered_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
                qualified: page.date(&e.qualified_on),
                registered: e.registered_on.is_some(),
                deadline: page.date(&a.deadline.to_string()),
                overdue: matches!(a.lag, Lag::Overdue { .. }),
            })
        })
        .collect();
    let for_name = user.acting_for.as_ref().map(|w| w.name.clone()).unwrap_or_default();
    render(&RegistrationPage { page, for_name, items, insurer_days: registration_lag::INSURER_DAYS })
}
