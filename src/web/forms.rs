//! What a form page needs to come back after a mistake: what was typed, and an error per field, shown in
//! a summary at the top that links to each field and again beside the field.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder};
use askama::filters::Safe;

use chrono::NaiveDate;

use crate::domain::{FieldMessage, FreeText, Furigana, InsuredField, PersonName, WarekiDate};
use crate::web::page::Page;

/// (field id, message key, message arguments).
type FieldError = (String, &'static str, Vec<(&'static str, String)>);

#[derive(Default, Debug)]
pub struct FormState {
    values: HashMap<String, String>,
    /// In the order of the fields on the page.
    errors: Vec<FieldError>,
}

pub struct ErrorLine {
    pub field: String,
    pub message: Safe<String>,
}

impl FormState {
    /// What was typed, to show again. A NUL cannot be shown (browsers replace it), so it is dropped here.
    pub fn with_values<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> FormState {
        FormState {
            values: pairs.into_iter().map(|(k, v)| (k.to_string(), v.replace('\0', ""))).collect(),
            errors: Vec::new(),
        }
    }

    pub fn set(&mut self, field: &str, value: &str) {
        self.values.insert(field.to_string(), value.replace('\0', ""));
    }

    /// The one check for free text (addresses, messages, explanations, notes: anything that is not a typed
    /// domain value): the text, or `None` with the message beside the field.
    pub fn free_text(&mut self, field: &str, text: &str) -> Option<String> {
        self.check(field, FreeText::parse(text)).map(FreeText::into_string)
    }

    pub fn error(&mut self, field: &str, error: &dyn FieldMessage) {
        self.errors.push((field.to_string(), error.key(), error.args()));
    }

    pub fn error_key(&mut self, field: &str, key: &'static str) {
        self.errors.push((field.to_string(), key, Vec::new()));
    }

    /// Keeps the value of a parse in the form, recording the error when it failed.
    pub fn check<T, E: FieldMessage>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(field, &e);
                None
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every field with an error was left empty: the summary then asks for the missing answers instead of
    /// asking to check what was written.
    pub fn only_missing(&self) -> bool {
        self.has_errors() && self.errors.iter().all(|(field, _, _)| self.value(field).trim().is_empty())
    }

    /// What was typed in `field`, to put back in the input.
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn is(&self, field: &str, option: &str) -> bool {
        self.value(field) == option
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _, _)| f == field)
    }

    pub fn error_lines(&self, page: &Page) -> Vec<ErrorLine> {
        self.errors
            .iter()
            .map(|(field, key, args)| ErrorLine { field: field.clone(), message: Safe(page.message_html(key, args)) })
            .collect()
    }

    /// The message for one field, if it has one.
    pub fn error_for(&self, page: &Page, field: &str) -> Option<Safe<String>> {
        self.errors.iter().find(|(f, _, _)| f == field).map(|(_, key, args)| Safe(page.message_html(key, args)))
    }
}

/// The one answer to a form that worked (post, redirect, get): "see this page".
pub fn see_other(location: impl AsRef<str>) -> HttpResponse {
    redirect(location).finish()
}

/// `see_other` that still takes cookies before it is finished.
pub fn redirect(location: impl AsRef<str>) -> HttpResponseBuilder {
    let mut builder = HttpResponse::SeeOther();
    builder.insert_header((header::LOCATION, location.as_ref()));
    builder
}

/// The three answers that name a person (signing up, someone you act for, an insurer's member), as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonFields {
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
}

/// A person's name, its reading and their date of birth, parsed.
pub struct PersonDetails {
    pub name: PersonName,
    pub name_kana: Furigana,
    pub birth: WarekiDate,
}

impl PersonFields {
    /// What was typed, to show again.
    pub fn typed(&self) -> [(&'static str, &str); 3] {
        [("name", &self.name), ("name_kana", &self.name_kana), ("birth_date", &self.birth_date)]
    }

    /// The parsed person, each mistake recorded beside its field: `future_key` for a date of birth after `today`.
    pub fn parse(&self, form: &mut FormState, today: NaiveDate, future_key: &'static str) -> Option<PersonDetails> {
        let name = form.check("name", self.name.parse::<PersonName>());
        let name_kana = form.check("name_kana", self.name_kana.parse::<Furigana>());
        let birth = form.check("birth_date", self.birth_date.parse::<WarekiDate>());
        let birth = birth.filter(|b| {
            let born = b.as_naive() <= today;
            if !born {
                form.error_key("birth_date", future_key);
            }
            born
        });
        Some(PersonDetails { name: name?, name_kana: name_kana?, birth: birth? })
    }
}

impl FormState {
    /// The mistakes in a 記号・番号・枝番, each beside its own field.
    pub fn insured_errors<E: FieldMessage>(&mut self, errors: impl IntoIterator<Item = (InsuredField, E)>) {
        for (field, e) in errors {
            let name = match field {
                InsuredField::Symbol => "symbol",
                InsuredField::Number => "number",
                InsuredField::Branch => "branch",
            };
            self.error(name, &e);
        }
    }
}

/// A keyset cursor `<ms>.<id>` from the query string (a row's `updated_at.id` on `/requests`, `submitted_at.id` in
/// the express queue); anything else (a tampered cursor) reads as the first page.
pub fn parse_cursor(raw: &str) -> Option<(i64, &str)> {
    let (at, id) = raw.split_once('.')?;
    let at = at.parse().ok()?;
    let id_ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    id_ok.then_some((at, id))
}
