//! The access log: who (by organisation and role, never by name) looked at or changed the records of the
//! signed-in person, or of the person they act for; and a report for a line they do not recognise.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Role;
use crate::store::access_log::AccessLine;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::views::access_log::action_key;
use crate::web::{AppState, render_with_status};

pub const NOTE_MAX_CHARS: usize = 1000;
/// Within how many days the municipality looks into a report of 「心当たりがない」; the confirmation promises it.
pub const REPORT_ANSWER_DAYS: u32 = 10;

pub struct LineView {
    pub id: String,
    pub when: String,
    pub who: String,
    pub what_key: &'static str,
    pub reported: bool,
    pub note_field: String,
}

fn line_view(page: &Page, l: &AccessLine) -> LineView {
    let organisation = if page.lang() == "en" { l.organisation_en.clone() } else { l.organisation_ja.clone() };
    let role = l.actor_role.as_deref().and_then(Role::from_code).map(|r| page.message_plain(r.message_key(), &[]));
    let who = match (organisation, role) {
        (Some(o), Some(r)) => format!("{o} ({r})"),
        (Some(o), None) => o,
        (None, _) => page.message_plain("access-log-actor-person", &[]),
    };
    LineView {
        id: l.id.clone(),
        when: page.time(l.at),
        who,
        what_key: action_key(&l.action),
        reported: l.reported > 0,
        note_field: format!("note-{}", l.id),
    }
}

#[derive(Template)]
#[template(path = "representation/access_log.html")]
struct AccessLogPage {
    page: Page,
    form: FormState,
    whose: String,
    lines: Vec<LineView>,
    reported: bool,
    report_answer_days: u32,
    /// `?before=…` of this page (kept in the report forms, so an error shows the same page), empty on the first.
    this_page: String,
    /// `?before=…` of the next, older page, when there is one.
    older: Option<String>,
}

/// Lines a page: the access log page stays well under the page budget however long the log grows.
const LINES_PER_PAGE: i64 = 12;

/// A page's position in the log, `AT-ID` of the last line of the page before (as in the `before` query).
fn parse_before(before: &str) -> Option<(i64, &str)> {
    let (at, id) = before.split_once('-')?;
    Some((at.parse().ok()?, id))
}

#[derive(serde::Deserialize)]
pub struct ReportedQuery {
    reported: Option<String>,
    before: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    before: Option<String>,
}

async fn access_log_page(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    reported: bool,
    before: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let position = before.and_then(parse_before);
    let mut lines = state.store.access_log(user.subject_id(), user.id(), position, LINES_PER_PAGE).await?;
    let older = if lines.len() as i64 > LINES_PER_PAGE {
        lines.truncate(LINES_PER_PAGE as usize);
        lines.last().map(|l| format!("?before={}-{}", l.at, l.id))
    } else {
        None
    };
    let this_page = match position {
        Some((at, id)) => format!("?before={at}-{id}"),
        None => String::new(),
    };
    let lines = lines.iter().map(|l| line_view(&page, l)).collect();
    let whose = user.acting_for.as_ref().map(|w| w.name.clone()).unwrap_or_else(|| user.person.name.clone());
    render_with_status(
        status,
        &AccessLogPage { page, form, whose, lines, reported, report_answer_days: REPORT_ANSWER_DAYS, this_page, older },
    )
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ReportedQuery>,
) -> Result<HttpResponse, AppError> {
    let before = q.before.as_deref();
    access_log_page(page, &state, &user, FormState::default(), q.reported.is_some(), before, StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    note: String,
}

pub async fn report(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    q: web::Query<PageQuery>,
    input: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let field = format!("note-{id}");
    let mut form = FormState::with_values([(field.as_str(), input.note.as_str())]);
    let note = form.free_text(&field, input.note.trim()).unwrap_or_default();
    if form.has_error(&field) {
        // The message is beside the field already.
    } else if note.is_empty() {
        form.error_key(&field, "access-log-error-note-empty");
    } else if note.chars().count() > NOTE_MAX_CHARS {
        form.error_key(&field, "access-log-error-note-long");
    }
    if form.has_errors() {
        let before = q.before.as_deref();
        return access_log_page(page, &state, &user, form, false, before, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if !state.store.report_access(&id, user.subject_id(), user.id(), &note).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account/access-log?reported=1"))
}
