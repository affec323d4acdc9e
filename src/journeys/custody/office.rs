//! The municipality's side: proxy receipts to approve or decline, and the report per facility and period of
//! the applications facilities filed for residents and the cards they received for them (the subsidy for this
//! work is paid on it), as a page and as CSV.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};

use super::{ReceiptView, receipt_views};
use crate::domain::WarekiDate;
use crate::store::custody::FacilityReportRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{MunicipalOfficers, Routes};
use crate::web::session::MunicipalOfficer;
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<MunicipalOfficers>()
        .route("/office/proxy-receipts", web::get().to(queue))
        .route("/office/proxy-receipts/{id}/decide", web::post().to(decide))
        .route("/office/facility-report", web::get().to(report))
        .route("/office/facility-report/csv", web::get().to(report_csv));
}

#[derive(Template)]
#[template(path = "custody/office_receipts.html")]
struct Queue {
    page: Page,
    receipts: Vec<ReceiptView>,
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
) -> Result<HttpResponse, AppError> {
    let rows = state.store.proxy_receipts_for_officer(officer.id()).await?;
    render(&Queue { receipts: receipt_views(&page, &rows), page })
}

#[derive(serde::Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    action: String,
}

pub async fn decide(
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    path: web::Path<String>,
    input: web::Form<DecideForm>,
) -> Result<HttpResponse, AppError> {
    // Only the two buttons' actions decide; anything else decides nothing, as for a receipt not theirs.
    let approve = match input.action.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::NotFound),
    };
    if !state.store.decide_proxy_receipt(&path.into_inner(), officer.id(), approve).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/office/proxy-receipts"))
}

#[derive(serde::Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The period asked for: from the first of this month to today when nothing is given. Either date in 和暦
/// or 西暦; `from` after `to` is an error on `to`.
fn period(query: &PeriodQuery, today: NaiveDate) -> (FormState, Option<(NaiveDate, NaiveDate)>) {
    let mut form = FormState::with_values([("from", query.from.as_str()), ("to", query.to.as_str())]);
    let mut date = |field: &str, text: &str, default: NaiveDate| match text.trim() {
        "" => Some(default),
        text => form.check(field, text.parse::<WarekiDate>()).map(|d| d.as_naive()),
    };
    let from = date("from", &query.from, today.with_day(1).unwrap_or(today));
    let to = date("to", &query.to, today);
    match (from, to) {
        (Some(f), Some(t)) if f > t => {
            form.error_key("to", "custody-report-error-order");
            (form, None)
        }
        (Some(f), Some(t)) => (form, Some((f, t))),
        _ => (form, None),
    }
}

pub struct ReportLine {
    pub name: String,
    pub applications: i64,
    pub receipts: i64,
}

#[derive(Template)]
#[template(path = "custody/office_report.html")]
struct Report {
    page: Page,
    form: FormState,
    period: String,
    csv_href: String,
    lines: Vec<ReportLine>,
    total_applications: i64,
    total_receipts: i64,
}

fn facility_name(page: &Page, r: &FacilityReportRow) -> String {
    if page.lang() == "en" { r.name_en.clone() } else { r.name_ja.clone() }
}

pub async fn report(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (form, chosen) = period(&query, state.clock.today());
    let Some((from, to)) = chosen else {
        let page = Report {
            page,
            form,
            period: String::new(),
            csv_href: String::new(),
            lines: Vec::new(),
            total_applications: 0,
            total_receipts: 0,
        };
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let rows = state.store.facility_report(&officer.municipalities(), from, to).await?;
    let lines: Vec<ReportLine> = rows
        .iter()
        .map(|r| ReportLine { name: facility_name(&page, r), applications: r.applications, receipts: r.receipts })
        .collect();
    let period = page.message_plain(
        "custody-report-period",
        &[("from", page.date(&from.to_string())), ("to", page.date(&to.to_string()))],
    );
    render(&Report {
        total_applications: lines.iter().map(|l| l.applications).sum(),
        total_receipts: lines.iter().map(|l| l.receipts).sum(),
        csv_href: format!("/office/facility-report/csv?from={from}&to={to}"),
        page,
        form,
        period,
        lines,
    })
}

/// The report as CSV in UTF-8 with a byte-order mark, so that Japanese spreadsheet programs read it as UTF-8;
/// the headers in the officer's language, dates as ISO (a spreadsheet reads them as dates).
pub async fn report_csv(
    page: Page,
    state: web::Data<AppState>,
    officer: MunicipalOfficer,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, chosen) = period(&query, state.clock.today());
    let (from, to) = chosen.ok_or(AppError::BadRequest)?;
    let rows = state.store.facility_report(&officer.municipalities(), from, to).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let headers = ["custody-csv-facility-id", "custody-csv-facility", "custody-csv-from", "custody-csv-to"];
    let counts = ["custody-report-col-applications", "custody-report-col-receipts"];
    let mut header_row: Vec<String> = headers.iter().map(|k| page.message_plain(k, &[])).collect();
    header_row.extend(counts.iter().map(|k| page.message_plain(k, &[])));
    let csv_error = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    out.write_record(&header_row).map_err(csv_error)?;
    for r in &rows {
        let (from, to) = (from.to_string(), to.to_string());
        let (applications, receipts) = (r.applications.to_string(), r.receipts.to_string());
        let name = facility_name(&page, r);
        out.write_record([r.facility_id.as_str(), &name, &from, &to, &applications, &receipts]).map_err(csv_error)?;
    }
    let body = out.into_inner().map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"facility-report-{from}-{to}.csv\""),
        ))
        .body(body))
}
