//! Care facilities: their residents, and the consent each gave for the facility to help with their
//! procedures (recorded when, by whom; recorded and withdrawn with an audit line), and their leaving: from that
//! day the facility no longer sees their records (the access policy). Staff and administrators see only their
//! own facility; others get 403, another facility's resident 404.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::web::errors::AppError;
use crate::web::forms::see_other;
use crate::web::page::Page;
use crate::web::policy::{FacilityWorkers, Routes};
use crate::web::session::FacilityWorker;
use crate::web::{AppState, render};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<FacilityWorkers>()
        .route("/facility", web::get().to(show))
        .route("/facility/{facility}/residents/{person}/consent", web::post().to(consent))
        .route("/facility/{facility}/residents/{person}/left", web::post().to(left));
}

pub struct ResidentView {
    pub id: String,
    pub name: String,
    pub birth: String,
    pub consent: bool,
    pub recorded: String,
    pub recorded_by: String,
}

pub struct FacilityView {
    pub id: String,
    pub name: String,
    pub residents: Vec<ResidentView>,
    /// Residents' cards out of the safe now (the custody log), the ones out too long flagged.
    pub cards_out: Vec<crate::journeys::custody::CardOutView>,
}

#[derive(Template)]
#[template(path = "facility/residents.html")]
struct Residents {
    page: Page,
    facilities: Vec<FacilityView>,
}

pub async fn show(page: Page, state: web::Data<AppState>, worker: FacilityWorker) -> Result<HttpResponse, AppError> {
    let mut facilities = Vec::new();
    for id in worker.facilities() {
        let Some(f) = state.store.facility(id).await? else { continue };
        let residents = state
            .store
            .facility_residents(id)
            .await?
            .into_iter()
            .map(|r| ResidentView {
                birth: page.date(&r.birth_date),
                consent: r.consent_recorded_at.is_some(),
                recorded: r.consent_recorded_at.map(|t| page.time(t)).unwrap_or_default(),
                recorded_by: r.consent_recorded_by.unwrap_or_default(),
                id: r.person_id,
                name: r.name,
            })
            .collect();
        let name = if page.lang() == "en" { f.name_en } else { f.name_ja };
        let cards_out = crate::journeys::custody::cards_out(&page, &state, id).await?;
        facilities.push(FacilityView { id: f.id, name, residents, cards_out });
    }
    render(&Residents { page, facilities })
}

#[derive(serde::Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    action: String,
}

pub async fn consent(
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
    input: web::Form<ConsentForm>,
) -> Result<HttpResponse, AppError> {
    let (facility, person) = path.into_inner();
    if !worker.facilities().contains(&facility.as_str()) {
        return Err(AppError::NotFound);
    }
    let given = match input.action.as_str() {
        "record" => true,
        "withdraw" => false,
        _ => return Err(AppError::BadRequest),
    };
    if !state.store.set_consent(&facility, &person, worker.0.id(), given).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/facility"))
}

/// Records that the resident left today: they are no longer listed, and the facility's staff no longer see
/// their records. Another facility's resident, or one who has left already: 404.
pub async fn left(
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (facility, person) = path.into_inner();
    if !worker.facilities().contains(&facility.as_str()) {
        return Err(AppError::NotFound);
    }
    let today = state.clock.today().to_string();
    if !state.store.record_departure(&facility, &person, worker.0.id(), &today).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/facility"))
}
