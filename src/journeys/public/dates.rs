//! A converter between 和暦 and 西暦, for people who know their birthday in one and are asked for the other.
//! It is also where the date-fields pattern (era, year, month, day) is shown on its own.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::{DatePart, Era, WarekiDate};
use crate::web::errors::AppError;
use crate::web::forms::FormState;
use crate::web::page::Page;
use crate::web::render_with_status;

#[derive(serde::Deserialize)]
pub struct DateQuery {
    era: Option<String>,
    year: Option<String>,
    month: Option<String>,
    day: Option<String>,
}

pub struct Converted {
    pub ja: String,
    pub easy: String,
    pub en: String,
    pub iso: String,
}

#[derive(Template)]
#[template(path = "pages/dates.html")]
struct Dates {
    page: Page,
    form: FormState,
    eras: Vec<(&'static str, &'static str)>,
    result: Option<Converted>,
}

pub async fn convert(page: Page, query: web::Query<DateQuery>) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let asked = q.year.is_some() || q.month.is_some() || q.day.is_some();
    let era_text = q.era.unwrap_or_default();
    let (year, month, day) = (q.year.unwrap_or_default(), q.month.unwrap_or_default(), q.day.unwrap_or_default());
    let mut form = FormState::with_values([
        ("era", era_text.as_str()),
        ("year", year.as_str()),
        ("month", month.as_str()),
        ("day", day.as_str()),
    ]);
    let eras = Era::all().iter().map(|e| (e.letter(), e.name_ja())).collect();
    let mut result = None;
    let mut status = StatusCode::OK;
    if asked {
        let era = match era_text.as_str() {
            "" | "western" => Ok(None),
            other => other.parse::<Era>().map(Some),
        };
        match era {
            Err(_) => form.error_key("era", "dates-error-era"),
            Ok(era) => match WarekiDate::from_parts(era, &year, &month, &day) {
                Ok(date) => {
                    result = Some(Converted {
                        ja: date.format_ja(),
                        easy: date.format_easy_ja(),
                        en: date.format_en(),
                        iso: date.to_string(),
                    })
                }
                Err(e) => {
                    let field = match e.field() {
                        DatePart::Year => "year",
                        DatePart::Month => "month",
                        DatePart::Day => "day",
                        _ => "year",
                    };
                    form.error(field, &e);
                }
            },
        }
        if form.has_errors() {
            status = StatusCode::UNPROCESSABLE_ENTITY;
        }
    }
    render_with_status(status, &Dates { page, form, eras, result })
}
