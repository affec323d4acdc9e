//! A member's view of their registration: whether their current insurer has registered them for the online
//! eligibility checks (オンライン資格確認) and since when, or by when it must. For the signed-in person, or the
//! ward they are acting for under an authority covering qualification certificates today (that page has no id
//! in it); and for the staff of a care facility, each resident who lives there and consents to the facility's
//! help (another resident, one without consent or who left: 404).

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::access::RecordKind;
use crate::domain::registration_lag::{self, Lag, RecordDates};
use crate::store::today_jst;
use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::policy::{FacilityWorkers, Routes, SignedIn};
use crate::web::session::{CurrentUser, FacilityWorker};
use crate::web::{AppState, render};

pub fn routes(routes: &mut Routes) {
    routes.require::<SignedIn>().route("/registration", web::get().to(registration));
    routes
        .require::<FacilityWorkers>()
        .route("/facility/{facility}/residents/{person}/registration", web::get().to(resident_registration));
}

/// One insurer's record of the person, as the page says it.
pub struct Registration {
    /// HTML: readings as ruby in easy Japanese.
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
    /// The page's own title: a resident's page (facility staff) names the resident, so no two pages share one.
    title: String,
    /// The ward's name when acting for one.
    for_name: String,
    items: Vec<Registration>,
    insurer_days: i64,
    back_href: &'static str,
    certificates: Vec<Held>,
}

/// A qualification certificate the person holds, with the address of its page.
pub struct Held {
    pub href: String,
    pub insurer: String,
    pub valid_from: String,
    pub valid_until: String,
}

/// The person's certificates in force or still to come, so that one issued by a run (no request) can be found.
async fn held(state: &AppState, page: &Page, person_id: &str) -> Result<Vec<Held>, AppError> {
    let rows = state.store.current_certificates_of(person_id, &today_jst().to_string()).await?;
    Ok(rows
        .into_iter()
        .map(|c| Held {
            href: format!("/certificates/issued/{}", c.id),
            insurer: crate::i18n::names::LocalName {
                ja: &c.insurer_name,
                en: &c.insurer_name_en,
                easy: &c.insurer_name_easy,
            }
            .plain(page.locale),
            valid_from: page.date(&c.valid_from),
            valid_until: page.date(&c.valid_until),
        })
        .collect())
}

/// The registrations of `person_id` that their insurers have recorded, as the page says them.
async fn registrations(state: &AppState, page: &Page, person_id: &str) -> Result<Vec<Registration>, AppError> {
    let today = today_jst();
    let rows = state.store.enrolments_of_person(person_id, &today.to_string()).await?;
    Ok(rows
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
                insurer: crate::i18n::names::LocalName {
                    ja: &e.insurer_name_ja,
                    en: &e.insurer_name_en,
                    easy: &e.insurer_name_easy,
                }
                .html(page.locale),
                since: e.registered_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
                qualified: page.date(&e.qualified_on),
                registered: e.registered_on.is_some(),
                deadline: page.date(&a.deadline.to_string()),
                overdue: matches!(a.lag, Lag::Overdue { .. }),
            })
        })
        .collect())
}

async fn registration(page: Page, state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    // Acting for a ward: only under an authority that covers qualification certificates today.
    if let Some(ward) = &user.acting_for {
        let covered = state.store.wards_covering(user.id(), RecordKind::QualificationCertificate).await?;
        if !covered.iter().any(|w| w.ward_id == ward.ward_id) {
            return Err(AppError::NotFound);
        }
    }
    let items = registrations(&state, &page, user.subject_id()).await?;
    let certificates = held(&state, &page, user.subject_id()).await?;
    let for_name = user.acting_for.as_ref().map(|w| w.name.clone()).unwrap_or_default();
    render(&RegistrationPage {
        title: page.t_plain("registration-title"),
        page,
        for_name,
        items,
        insurer_days: registration_lag::INSURER_DAYS,
        back_href: "/account",
        certificates,
    })
}

/// A facility's staff look at a resident's registration, if the resident consented to their help. Opening it is
/// written to the resident's access log.
async fn resident_registration(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (facility, person) = path.into_inner();
    if !worker.facilities().contains(&facility.as_str()) {
        return Err(AppError::NotFound);
    }
    let resident = state.store.resident_in_care(&facility, &person, worker.0.id()).await?.ok_or(AppError::NotFound)?;
    state.store.record_view(worker.0.id(), &person, &facility, "registration").await?;
    let items = registrations(&state, &page, &person).await?;
    let certificates = held(&state, &page, &person).await?;
    render(&RegistrationPage {
        title: page.message_plain("registration-resident-title", &[("name", resident.name.clone())]),
        page,
        for_name: resident.name,
        items,
        insurer_days: registration_lag::INSURER_DAYS,
        back_href: "/facility",
        certificates,
    })
}
