//! The insurer's issuance runs: the list with the buttons that start a push or renewal run, and each run's
//! progress and summary. Insurer officers only (others 403), and only their own insurer's runs (404 for
//! another insurer's). The runs themselves are worked by `crate::issuance::worker`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::issuance::{RENEWAL_WINDOW_DAYS, RunKind};
use crate::store::runs::RunRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{InsurerOfficers, Routes};
use crate::web::session::InsurerOfficer;
use crate::web::{AppState, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<InsurerOfficers>()
        .route("/office/runs", web::get().to(list))
        .route("/office/runs", web::post().to(start))
        .route("/office/runs/{id}", web::get().to(progress));
}

/// How many runs the list shows per insurer.
const LIST_LIMIT: i64 = 50;

pub struct RunItem {
    pub href: String,
    pub kind_key: &'static str,
    pub started: String,
    pub finished: bool,
    pub processed: String,
    pub total: String,
    pub issued: String,
}

pub struct InsurerRuns {
    pub id: String,
    pub name: String,
    pub runs: Vec<RunItem>,
    pub kinds: Vec<KindStart>,
}

/// The button that starts a run of one kind, or the run of that kind going on.
pub struct KindStart {
    pub code: &'static str,
    pub key: &'static str,
    /// The button's id, which an error about it links to.
    pub field: String,
    pub running: Option<String>,
}

fn start_field(insurer: &str, kind: RunKind) -> String {
    format!("start-{insurer}-{}", kind.code())
}

#[derive(Template)]
#[template(path = "office/runs.html")]
struct List {
    page: Page,
    insurers: Vec<InsurerRuns>,
    form: FormState,
    window_days: i64,
}

fn item(page: &Page, r: &RunRow) -> RunItem {
    RunItem {
        href: format!("/office/runs/{}", r.id),
        kind_key: RunKind::from_code(&r.kind).map(RunKind::message_key).unwrap_or("runs-kind-push"),
        started: page.time(r.started_at),
        finished: r.state == "finished",
        processed: r.processed.to_string(),
        total: r.total.to_string(),
        issued: r.issued.to_string(),
    }
}

async fn insurer_name(state: &AppState, page: &Page, id: &str) -> Result<String, AppError> {
    let i = state.store.insurer_for_certificates(id).await?.ok_or(AppError::NotFound)?;
    Ok(if page.lang() == "en" { i.name_en } else { i.name_ja })
}

async fn list_page(
    page: Page,
    state: &AppState,
    officer: &InsurerOfficer,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let mut insurers = Vec::new();
    for id in officer.insurers() {
        let rows = state.store.runs_of(id, LIST_LIMIT).await?;
        let kinds = RunKind::ALL
            .into_iter()
            .map(|k| {
                let running = rows.iter().find(|r| r.kind == k.code() && r.state == "running");
                KindStart {
                    code: k.code(),
                    key: k.message_key(),
                    field: start_field(id, k),
                    running: running.map(|r| format!("/office/runs/{}", r.id)),
                }
            })
            .collect();
        insurers.push(InsurerRuns {
            id: id.to_string(),
            name: insurer_name(state, &page, id).await?,
            runs: rows.iter().map(|r| item(&page, r)).collect(),
            kinds,
        });
    }
    render_with_status(status, &List { page, insurers, form, window_days: RENEWAL_WINDOW_DAYS })
}

pub async fn list(page: Page, state: web::Data<AppState>, officer: InsurerOfficer) -> Result<HttpResponse, AppError> {
    list_page(page, &state, &officer, FormState::default(), StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct StartForm {
    #[serde(default)]
    insurer: String,
    #[serde(default)]
    kind: String,
}

/// Starts a run for one of the officer's insurers (another insurer's: 404). One of the same kind going on
/// already: the list again, saying so.
pub async fn start(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    input: web::Form<StartForm>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let kind = RunKind::from_code(&input.kind).ok_or(AppError::BadRequest)?;
    if !insurers.contains(&input.insurer.as_str()) {
        return Err(AppError::NotFound);
    }
    match crate::issuance::start(&state.store, &input.insurer, kind, officer.0.id(), state.clock.today()).await? {
        Some(id) => Ok(see_other(format!("/office/runs/{id}"))),
        None => {
            let mut form = FormState::default();
            form.error_key(&start_field(&input.insurer, kind), "runs-error-already-running");
            list_page(page, &state, &officer, form, StatusCode::CONFLICT).await
        }
    }
}

#[derive(Template)]
#[template(path = "office/run.html")]
struct Progress {
    page: Page,
    kind_key: &'static str,
    insurer: String,
    href: String,
    started: String,
    finished_at: String,
    finished: bool,
    r: RunRow,
}

/// A run's progress (a `<progress>` bar and the counts, with a plain link to look again), and its summary when
/// it is finished.
pub async fn progress(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let r =
        state.store.run(&id).await?.filter(|r| insurers.contains(&r.insurer_id.as_str())).ok_or(AppError::NotFound)?;
    let insurer = insurer_name(&state, &page, &r.insurer_id).await?;
    render_with_status(
        StatusCode::OK,
        &Progress {
            kind_key: RunKind::from_code(&r.kind).map(RunKind::message_key).unwrap_or("runs-kind-push"),
            insurer,
            href: format!("/office/runs/{}", r.id),
            started: page.time(r.started_at),
            finished_at: r.finished_at.map(|t| page.time(t)).unwrap_or_default(),
            finished: r.state == "finished",
            page,
            r,
        },
    )
}
