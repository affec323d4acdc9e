//! Bulk applications (申請のとりまとめ): a facility's staff upload a CSV of residents' certificate requests,
//! see every row checked in a table, fix rows in the browser, and send the chosen valid rows at once — all of
//! them or none, and never twice. Only their own facilities' batches exist for them (another's: 404), and a row
//! can only name a resident of the batch's facility whose consent stands.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::bulk::{self, Checked, Column, ColumnProblem, FileProblem, RowContext, TypedRow, Upload};
use crate::domain::FieldMessage;
use crate::requests::service::{Answers, Command, Filing, Service};
use crate::requests::{FiledAs, RequestKind, RequestState};
use crate::store::bulk::{BatchRow, BulkRow, NewBatch, claim_bulk_batch, record_bulk_row_sent};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::multipart;
use crate::web::page::Page;
use crate::web::policy::{FacilityWorkers, Routes};
use crate::web::session::FacilityWorker;
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<FacilityWorkers>()
        .route("/facility/bulk", web::get().to(index))
        .route("/facility/bulk", web::post().to(upload))
        .route("/facility/bulk/template.csv", web::get().to(template))
        .route("/facility/bulk/{id}", web::get().to(show))
        .route("/facility/bulk/{id}/problems.csv", web::get().to(problems_csv))
        .route("/facility/bulk/{id}/rows/{row}", web::get().to(edit_row))
        .route("/facility/bulk/{id}/rows/{row}", web::post().to(save_row))
        .route("/facility/bulk/{id}/submit", web::post().to(submit));
}

/// A message with arguments, for the form's error list.
struct Message(&'static str, Vec<(&'static str, String)>);

impl FieldMessage for Message {
    fn key(&self) -> &'static str {
        self.0
    }
    fn args(&self) -> Vec<(&'static str, String)> {
        self.1.clone()
    }
}

fn column_message(p: &ColumnProblem, page: &Page) -> Message {
    let column = |c: Column| page.t_plain(c.message_key());
    let args = match p {
        ColumnProblem::Missing(c) | ColumnProblem::Twice(c) => vec![("column", column(*c))],
        ColumnProblem::Unknown { header, likely } => {
            vec![("header", header.clone()), ("likely", likely.unwrap_or_default().to_string())]
        }
    };
    Message(p.message_key(), args)
}

fn file_message(p: FileProblem) -> Message {
    let args = match p {
        FileProblem::TooLarge => vec![("mb", (bulk::MAX_UPLOAD_BYTES / (1024 * 1024)).to_string())],
        FileProblem::TooManyRows => vec![("max", bulk::MAX_ROWS.to_string())],
        _ => Vec::new(),
    };
    Message(p.message_key(), args)
}

pub struct BatchLine {
    pub id: String,
    pub file_name: String,
    pub created: String,
    pub rows: i64,
    pub submitted: bool,
}

#[derive(Template)]
#[template(path = "bulk/index.html")]
struct IndexPage {
    page: Page,
    form: FormState,
    action: String,
    facilities: Vec<(String, String)>,
    batches: Vec<BatchLine>,
    max_mb: usize,
}

async fn index_page(
    page: Page,
    state: &AppState,
    worker: &FacilityWorker,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ids = worker.facilities();
    let mut facilities = Vec::new();
    for id in &ids {
        if let Some(f) = state.store.facility(id).await? {
            facilities.push((f.id, if page.lang() == "en" { f.name_en } else { f.name_ja }));
        }
    }
    let batches = state
        .store
        .bulk_batches(&ids)
        .await?
        .into_iter()
        .map(|b| BatchLine {
            created: page.time(b.created_at),
            submitted: !b.is_open(),
            id: b.id,
            file_name: b.file_name,
            rows: b.rows,
        })
        .collect();
    let action = format!("/facility/bulk?csrf_token={}", page.csrf_token);
    let max_mb = bulk::MAX_UPLOAD_BYTES / (1024 * 1024);
    render_with_status(status, &IndexPage { page, form, action, facilities, batches, max_mb })
}

/// The upload form and the facility's batches.
async fn index(page: Page, state: web::Data<AppState>, worker: FacilityWorker) -> Result<HttpResponse, AppError> {
    index_page(page, &state, &worker, FormState::default(), StatusCode::OK).await
}

/// The template: the header row in the reader's language, in UTF-8 with a BOM (so spreadsheet programs read it
/// as UTF-8).
async fn template(page: Page, _worker: FacilityWorker) -> Result<HttpResponse, AppError> {
    let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header(page.locale)).collect();
    csv_response(&[headers], "template.csv")
}

fn csv_response<S: AsRef<str>>(records: &[Vec<S>], file_name: &str) -> Result<HttpResponse, AppError> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for r in records {
        writer.write_record(r.iter().map(AsRef::as_ref)).map_err(|_| AppError::BadRequest)?;
    }
    let bytes = writer.into_inner().map_err(|_| AppError::BadRequest)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .body(bytes))
}

/// What a batch's rows are checked against today: the facility's residents whose consent stands, the insurers.
async fn row_context_parts(
    state: &AppState,
    facility_id: &str,
) -> Result<(Vec<bulk::Resident>, Vec<bulk::Insurer>), AppError> {
    let residents = state
        .store
        .facility_residents(facility_id)
        .await?
        .into_iter()
        .filter(|r| r.consent_recorded_at.is_some())
        .map(|r| bulk::Resident {
            person_id: r.person_id,
            facility_id: facility_id.to_string(),
            name: r.name,
            birth_date: r.birth_date,
        })
        .collect();
    let insurers =
        state.store.insurers().await?.into_iter().map(|i| bulk::Insurer { id: i.id, number: i.number }).collect();
    Ok((residents, insurers))
}

/// Reads an upload: the size first (from Content-Length, then counting as it arrives), then the file, its
/// columns and its rows. A file with problems is named on the upload page; a readable one becomes a batch.
async fn upload(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let limit = bulk::MAX_UPLOAD_BYTES + 64 * 1024;
    let mut form = FormState::default();
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        form.error("file", &file_message(FileProblem::TooLarge));
        return index_page(page, &state, &worker, form, StatusCode::PAYLOAD_TOO_LARGE).await;
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or(AppError::BadRequest)?;
    let Some(body) = multipart::read_limited(payload, limit, 8 * limit).await? else {
        form.error("file", &file_message(FileProblem::TooLarge));
        return index_page(page, &state, &worker, form, StatusCode::PAYLOAD_TOO_LARGE).await;
    };
    let parts = multipart::parse(&boundary, &body).ok_or(AppError::BadRequest)?;
    let ids = worker.facilities();
    let chosen = parts.iter().find(|p| p.name == "facility").map(|p| p.text()).unwrap_or_default();
    let facility = if chosen.is_empty() { ids.first().copied() } else { ids.iter().copied().find(|f| *f == chosen) };
    let facility = facility.ok_or(AppError::NotFound)?;
    form.set("facility", facility);
    let file = parts.iter().find(|p| p.name == "file");
    let bytes = file.map(|f| f.data.as_slice()).unwrap_or_default();
    let rows = match bulk::read_upload(bytes) {
        Upload::File(p) => {
            form.error("file", &file_message(p));
            None
        }
        Upload::Columns(problems) => {
            for p in &problems {
                form.error("file", &column_message(p, &page));
            }
            None
        }
        Upload::Rows { rows, .. } => Some(rows),
    };
    let Some(rows) = rows else {
        return index_page(page, &state, &worker, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (residents, insurers) = row_context_parts(&state, facility).await?;
    let ctx = RowContext { residents: &residents, insurers: &insurers, today: state.clock.today() };
    let checked: Vec<(TypedRow, Checked)> = rows
        .into_iter()
        .map(|r| {
            let c = bulk::rows::check_row(&r, &ctx);
            (r, c)
        })
        .collect();
    let file_name = file.and_then(|f| f.file_name.clone()).unwrap_or_default();
    let batch = NewBatch { facility_id: facility, created_by: worker.0.id(), file_name: &file_name, rows: &checked };
    let id = state.store.create_bulk_batch(&batch).await?;
    Ok(see_other(format!("/facility/bulk/{id}")))
}

async fn batch_of(state: &AppState, worker: &FacilityWorker, id: &str) -> Result<BatchRow, AppError> {
    state.store.bulk_batch(id, &worker.facilities()).await?.ok_or(AppError::NotFound)
}

pub struct ProblemLine {
    pub column: String,
    pub message: String,
}

pub struct RowView {
    pub position: i64,
    pub name: String,
    pub birth_date: String,
    pub insurer_number: String,
    pub problems: Vec<ProblemLine>,
    pub chosen: bool,
    pub request_id: Option<String>,
    pub reference: String,
    pub state_key: &'static str,
}

fn problem_lines(r: &BulkRow, page: &Page) -> Vec<ProblemLine> {
    r.problems
        .iter()
        .map(|p| {
            let args = static_args(&p.args);
            ProblemLine {
                column: p
                    .column
                    .as_deref()
                    .and_then(Column::from_code)
                    .map(|c| page.t_plain(c.message_key()))
                    .unwrap_or_default(),
                message: page.message_plain(&p.key, &args),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "bulk/batch.html")]
struct BatchPage {
    page: Page,
    batch: BatchRow,
    rows: Vec<RowView>,
    with_problems: usize,
}

/// The preview of an open batch (each row's problems in words, choices, the send button), or a sent batch's
/// rows with their requests.
async fn show(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let batch = batch_of(&state, &worker, &id).await?;
    let rows: Vec<RowView> = state
        .store
        .bulk_rows(&batch.id)
        .await?
        .into_iter()
        .map(|r| RowView {
            position: r.position,
            problems: problem_lines(&r, &page),
            name: r.typed.get(Column::Name).to_string(),
            birth_date: r.typed.get(Column::BirthDate).to_string(),
            insurer_number: r.typed.get(Column::InsurerNumber).to_string(),
            chosen: r.chosen,
            state_key: r
                .request_state
                .as_deref()
                .and_then(RequestState::from_code)
                .map(|s| s.message_key())
                .unwrap_or(""),
            request_id: r.request_id,
            reference: r.reference.unwrap_or_default(),
        })
        .collect();
    let with_problems = rows.iter().filter(|r| !r.problems.is_empty()).count();
    render(&BatchPage { page, batch, rows, with_problems })
}

/// The rows with problems as a CSV, with a last column saying what is wrong, in the reader's language.
async fn problems_csv(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let batch = batch_of(&state, &worker, &id).await?;
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = Column::ALL.iter().map(|c| c.header(page.locale).to_string()).collect();
    header.push(page.t_plain("bulk-csv-problems-header"));
    records.push(header);
    for r in state.store.bulk_rows(&batch.id).await? {
        if r.is_valid() {
            continue;
        }
        let what = problem_lines(&r, &page)
            .into_iter()
            .map(|p| if p.column.is_empty() { p.message } else { format!("{}: {}", p.column, p.message) })
            .collect::<Vec<_>>()
            .join(" / ");
        let mut cells: Vec<String> = r.typed.cells().into_iter().map(str::to_string).collect();
        cells.push(what);
        records.push(cells);
    }
    csv_response(&records, "problems.csv")
}

#[derive(Template)]
#[template(path = "bulk/row.html")]
struct RowPage {
    page: Page,
    form: FormState,
    batch_id: String,
    position: i64,
    columns: Vec<(&'static str, &'static str)>,
}

fn row_page(
    page: Page,
    form: FormState,
    batch_id: &str,
    position: i64,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let columns = Column::ALL.iter().map(|c| (c.code(), c.message_key())).collect();
    render_with_status(status, &RowPage { page, form, batch_id: batch_id.to_string(), position, columns })
}

fn row_form(typed: &TypedRow, problems: &[bulk::Problem]) -> FormState {
    let mut form = FormState::with_values(Column::ALL.iter().map(|c| (c.code(), typed.get(*c))));
    for p in problems {
        let field = p.column.clone().unwrap_or_else(|| Column::Name.code().to_string());
        let key = known_key(&p.key).unwrap_or("bulk-error-row");
        form.error(&field, &Message(key, static_args(&p.args)));
    }
    form
}

/// The stored problem's message id as a `'static` one (ids come from the code, never from the file).
fn known_key(key: &str) -> Option<&'static str> {
    crate::domain::all_message_keys().into_iter().chain(BULK_KEYS.iter().copied()).find(|k| *k == key)
}

/// The stored arguments with `'static` names (the names come from the code: the domain errors' and ours).
fn static_args(args: &[(String, String)]) -> Vec<(&'static str, String)> {
    const NAMES: &[&str] = &[
        "codes",
        "age",
        "character",
        "count",
        "era",
        "era_en",
        "h",
        "heisei",
        "latest",
        "m",
        "max",
        "meiji",
        "r",
        "reiwa",
        "s",
        "shouwa",
        "showa",
        "suggestion",
        "suggestion_easy",
        "suggestion_en",
        "t",
        "taisho",
        "taishou",
        "years",
    ];
    args.iter().filter_map(|(k, v)| NAMES.iter().find(|n| *n == k).map(|n| (*n, v.clone()))).collect()
}

/// The message ids a row's check may give besides the domain types' own.
const BULK_KEYS: &[&str] = &[
    "bulk-error-not-resident",
    "bulk-error-insurer-unknown",
    "bulk-error-code",
    "sign-up-error-birth-future",
    "certificate-error-address",
    "certificate-error-address-long",
];

async fn open_row(
    state: &AppState,
    worker: &FacilityWorker,
    id: &str,
    row: i64,
) -> Result<(BatchRow, BulkRow), AppError> {
    let batch = batch_of(state, worker, id).await?;
    if !batch.is_open() {
        return Err(AppError::NotFound);
    }
    let r =
        state.store.bulk_rows(&batch.id).await?.into_iter().find(|r| r.position == row).ok_or(AppError::NotFound)?;
    Ok((batch, r))
}

/// One row's values in a form, with its problems beside the fields.
async fn edit_row(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, row) = path.into_inner();
    let (batch, r) = open_row(&state, &worker, &id, row).await?;
    row_page(page, row_form(&r.typed, &r.problems), &batch.id, row, StatusCode::OK)
}

/// Saves a fixed row (checked again); back to the batch when it is good, else the form with what was typed.
async fn save_row(
    page: Page,
    state: web::Data<AppState>,
    worker: FacilityWorker,
    path: web::Path<(String, i64)>,
    input: web::Form<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (id, row) = path.into_inner();
    let (batch, _) = open_row(&state, &worker, &id, row).await?;
    let mut typed = TypedRow::default();
    for c in Column::ALL {
        typed.set(c, input.get(c.code()).map(String::as_str).unwrap_or(""));
    }
    let (residents, insurers) = row_context_parts(&state, &batch.facility_id).await?;
    let ctx = RowContext { residents: &residents, insurers: &insurers, today: state.clock.today() };
    let checked = bulk::rows::check_row(&typed, &ctx);
    if !state.store.update_bulk_row(&batch.id, row, &typed, &checked).await? {
        return Err(AppError::NotFound);
    }
    if checked.is_valid() {
        return Ok(see_other(format!("/facility/bulk/{}#row-{row}", batch.id)));
    }
    row_page(page, row_form(&typed, &checked.problems), &batch.id, row, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Sends the chosen rows: one request per row, filed by the staff member for the facility, in one transaction
/// with the batch's move from open to submitted — all or nothing, and only once (a second submit finds the
/// batch no longer open and writes nothing). Every chosen row is checked again first: consent may have been
/// withdrawn since the upload.
async fn submit(
    state: web::Data<AppState>,
    worker: FacilityWorker,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let batch = batch_of(&state, &worker, &id).await?;
    let chosen: Vec<i64> =
        url::form_urlencoded::parse(&body).filter(|(k, _)| k == "row").filter_map(|(_, v)| v.parse().ok()).collect();
    let back = format!("/facility/bulk/{}", batch.id);
    if !batch.is_open() {
        return Ok(see_other(back));
    }
    let rows = state.store.bulk_rows(&batch.id).await?;
    let (residents, insurers) = row_context_parts(&state, &batch.facility_id).await?;
    let ctx = RowContext { residents: &residents, insurers: &insurers, today: state.clock.today() };
    let mut sending = Vec::new();
    for r in &rows {
        if !chosen.contains(&r.position) {
            continue;
        }
        let checked = bulk::rows::check_row(&r.typed, &ctx);
        if !checked.is_valid() {
            state.store.update_bulk_row(&batch.id, r.position, &r.typed, &checked).await?;
            return Ok(see_other(format!("{back}#row-{}", r.position)));
        }
        sending.push((r.position, checked));
    }
    if sending.is_empty() {
        return Ok(see_other(format!("{back}?none=1")));
    }
    let service = Service::of(&state);
    let staff = worker.0.id().to_string();
    let now = state.clock.now_ms();
    let mut tx = state.store.pool().begin().await?;
    if !claim_bulk_batch(&mut tx, &batch.id, &staff, now).await? {
        tx.rollback().await?;
        return Ok(see_other(back));
    }
    for r in &rows {
        let sent = sending.iter().find(|(p, _)| *p == r.position);
        let Some((_, checked)) = sent else {
            record_bulk_row_sent(&mut tx, &batch.id, r.position, None).await?;
            continue;
        };
        let filing = Filing {
            subject_id: checked.answers.for_whom.clone().unwrap_or_default(),
            filed_as: FiledAs::Facility,
            facility_id: checked.facility_id.clone(),
        };
        let create = Command::CreateDraft {
            kind: RequestKind::Certificate,
            filed_by: staff.clone(),
            filing: filing.clone(),
            municipality_id: None,
        };
        let request_id = match service.run_in(&mut tx, create, now).await? {
            Ok(done) => done.request_id,
            Err(r) => return Err(AppError::Internal(format!("bulk draft refused: {r}"))),
        };
        let save = Command::SaveDraft {
            request_id: request_id.clone(),
            filed_by: staff.clone(),
            filing,
            answers: Answers::Certificate(checked.answers.clone()),
        };
        let send = Command::Submit { request_id: request_id.clone(), by: staff.clone() };
        for command in [save, send] {
            if service.run_in(&mut tx, command, now).await?.is_err() {
                return Err(AppError::Internal("bulk request refused".into()));
            }
        }
        record_bulk_row_sent(&mut tx, &batch.id, r.position, Some(&request_id)).await?;
    }
    tx.commit().await?;
    Ok(see_other(back))
}
