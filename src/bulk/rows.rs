//! One row of a bulk upload: the values as typed, and their check by the same domain types as the single
//! certificate form (names, フリガナ, 和暦 or 西暦 dates, insurer numbers, 記号・番号・枝番) and against the
//! facility's consenting residents.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::domain::{
    FieldMessage, FreeText, Furigana, InsuredField, InsuredIdentity, InsurerNumber, PersonName, PhoneNumber,
    PostalCode, WarekiDate, normalize_width,
};
use crate::requests::certificate::{CertificateAnswers, Contact, Delivery, Reason};

use super::Column;

/// The longest address a certificate is posted to (as in the single form).
const MAX_ADDRESS_CHARS: usize = 200;

/// A row's values as typed (in the file, or in the row's edit form), by column code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypedRow(BTreeMap<String, String>);

impl TypedRow {
    pub fn get(&self, column: Column) -> &str {
        self.0.get(column.code()).map(String::as_str).unwrap_or("")
    }

    pub fn set(&mut self, column: Column, value: &str) {
        // A NUL cannot be stored (PostgreSQL) nor shown; the check below reports other hidden characters.
        self.0.insert(column.code().to_string(), value.trim().replace('\0', ""));
    }

    /// The values as cells, in the template's order.
    pub fn cells(&self) -> Vec<&str> {
        Column::ALL.iter().map(|c| self.get(*c)).collect()
    }
}

/// A resident the facility's staff may apply for: they live there and their consent stands.
#[derive(Clone, Debug)]
pub struct Resident {
    pub person_id: String,
    pub facility_id: String,
    pub name: String,
    /// ISO date.
    pub birth_date: String,
}

/// An insurer a row may name, by its number.
#[derive(Clone, Debug)]
pub struct Insurer {
    pub id: String,
    pub number: String,
}

/// What the rows are checked against.
pub struct RowContext<'a> {
    pub residents: &'a [Resident],
    pub insurers: &'a [Insurer],
    pub today: NaiveDate,
}

/// One thing wrong with a row: the column (none: the row as a whole) and the message, with its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub column: Option<String>,
    pub key: String,
    pub args: Vec<(String, String)>,
}

/// A checked row: the answers of its certificate request, for whom, and what is wrong (nothing: it can be sent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub answers: CertificateAnswers,
    pub facility_id: Option<String>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn key(&mut self, column: Column, key: &str, args: Vec<(&str, String)>) {
        let args = args.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        self.0.push(Problem { column: Some(column.code().to_string()), key: key.to_string(), args });
    }

    fn error(&mut self, column: Column, e: &dyn FieldMessage) {
        self.key(column, e.key(), e.args());
    }

    fn check<T, E: FieldMessage>(&mut self, column: Column, parsed: Result<T, E>) -> Option<T> {
        parsed.map_err(|e| self.error(column, &e)).ok()
    }
}

/// A code list's value: its code, in any case and width.
fn code_of<T>(typed: &str, from_code: impl Fn(&str) -> Option<T>) -> Option<T> {
    from_code(&normalize_width(typed).trim().to_lowercase())
}

/// Names compare as people write them: composed, without spaces (`髙橋 﨑子` is `髙橋﨑子`, never `高橋崎子`).
fn name_key(name: &str) -> String {
    name.nfc().filter(|c| !c.is_whitespace()).collect()
}

fn codes<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|t| code(*t)).collect::<Vec<_>>().join(", ")
}

/// Checks a row, collecting every problem (not just the first) in the order of the columns.
pub fn check_row(row: &TypedRow, ctx: &RowContext<'_>) -> Checked {
    let mut p = Problems(Vec::new());
    let mut a = CertificateAnswers::default();
    let name = p.check(Column::Name, row.get(Column::Name).parse::<PersonName>());
    let kana = p.check(Column::NameKana, row.get(Column::NameKana).parse::<Furigana>());
    let birth = p.check(Column::BirthDate, row.get(Column::BirthDate).parse::<WarekiDate>());
    let birth = birth.filter(|b| {
        let born = b.as_naive() <= ctx.today;
        if !born {
            p.key(Column::BirthDate, "sign-up-error-birth-future", Vec::new());
        }
        born
    });
    let mut facility_id = None;
    if let (Some(name), Some(birth)) = (&name, &birth) {
        let (key, iso) = (name_key(name.as_str()), birth.as_naive().to_string());
        match ctx.residents.iter().find(|r| r.birth_date == iso && name_key(&r.name) == key) {
            Some(r) => {
                a.for_whom = Some(r.person_id.clone());
                facility_id = Some(r.facility_id.clone());
            }
            None => p.key(Column::Name, "bulk-error-not-resident", Vec::new()),
        }
    }
    a.name = name.map(|n| n.to_string());
    a.name_kana = kana.map(|k| k.to_string());
    a.birth_date = birth.map(|b| b.to_string());

    let insurer = p.check(Column::InsurerNumber, row.get(Column::InsurerNumber).parse::<InsurerNumber>());
    if let Some(insurer) = insurer {
        match ctx.insurers.iter().find(|i| i.number == insurer.digits()) {
            Some(i) => {
                a.insurer_id = Some(i.id.clone());
                a.insurer_number = Some(i.number.clone());
            }
            None => p.key(Column::InsurerNumber, "bulk-error-insurer-unknown", Vec::new()),
        }
        let (symbol, number, branch) = (row.get(Column::Symbol), row.get(Column::Number), row.get(Column::Branch));
        match InsuredIdentity::parse(&insurer, symbol, number, branch) {
            Ok(id) => {
                a.symbol = id.symbol().map(|s| s.as_str().to_string());
                a.number = Some(id.number().as_str().to_string());
                a.branch = id.branch().map(|b| b.as_str().to_string());
            }
            Err(errors) => {
                for (field, e) in errors {
                    let column = match field {
                        InsuredField::Symbol => Column::Symbol,
                        InsuredField::Number => Column::Number,
                        InsuredField::Branch => Column::Branch,
                    };
                    p.error(column, &e);
                }
            }
        }
    }

    a.reason = code_of(row.get(Column::Reason), Reason::from_code);
    if a.reason.is_none() {
        p.key(Column::Reason, "bulk-error-code", vec![("codes", codes(&Reason::ALL, Reason::code))]);
    }
    a.delivery = code_of(row.get(Column::Delivery), Delivery::from_code);
    match a.delivery {
        None => p.key(Column::Delivery, "bulk-error-code", vec![("codes", codes(&Delivery::ALL, Delivery::code))]),
        Some(Delivery::Post) => {
            a.postal_code = p.check(Column::PostalCode, row.get(Column::PostalCode).parse::<PostalCode>());
            match p.check(Column::Address, FreeText::parse(row.get(Column::Address))) {
                Some(t) if t.as_str().is_empty() => p.key(Column::Address, "certificate-error-address", Vec::new()),
                Some(t) if t.as_str().chars().count() > MAX_ADDRESS_CHARS => {
                    p.key(Column::Address, "certificate-error-address-long", Vec::new())
                }
                Some(t) => a.address = Some(t.into_string()),
                None => {}
            }
        }
        Some(Delivery::Download) => {}
    }
    a.contact = code_of(row.get(Column::Contact), Contact::from_code);
    match a.contact {
        None => p.key(Column::Contact, "bulk-error-code", vec![("codes", codes(&Contact::ALL, Contact::code))]),
        Some(Contact::Phone) => {
            a.phone = p.check(Column::Phone, row.get(Column::Phone).parse::<PhoneNumber>()).map(|n| n.to_string())
        }
        Some(_) => {}
    }
    // Problems read in the order of the columns, whatever order the checks ran in.
    p.0.sort_by_key(|pr| pr.column.as_deref().and_then(Column::from_code));
    Checked { answers: a, facility_id, problems: p.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn context_parts() -> (Vec<Resident>, Vec<Insurer>) {
        let residents = vec![Resident {
            person_id: "p1".into(),
            facility_id: "f1".into(),
            name: "髙橋 﨑子".into(),
            birth_date: "1940-04-01".into(),
        }];
        let insurers = vec![Insurer { id: "i1".into(), number: "138008".into() }];
        (residents, insurers)
    }

    fn row(pairs: &[(Column, &str)]) -> TypedRow {
        let mut r = TypedRow::default();
        for (c, v) in pairs {
            r.set(*c, v);
        }
        r
    }

    pub(crate) fn good_row() -> TypedRow {
        row(&[
            (Column::Name, "髙橋　﨑子"),
            (Column::NameKana, "ﾀｶﾊｼ ｻｷｺ"),
            (Column::BirthDate, "昭和15年4月1日"),
            (Column::InsurerNumber, "１３８００８"),
            (Column::Number, "12345"),
            (Column::Branch, "01"),
            (Column::Reason, "No-Card"),
            (Column::Delivery, "post"),
            (Column::PostalCode, "100-0001"),
            (Column::Address, "東京都千代田区①丁目 ㈱ビル"),
            (Column::Contact, "post"),
        ])
    }

    #[test]
    fn a_good_row_becomes_the_answers_of_a_request_for_the_resident() {
        let (residents, insurers) = context_parts();
        let ctx = RowContext {
            residents: &residents,
            insurers: &insurers,
            today: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        };
        let checked = check_row(&good_row(), &ctx);
        assert_eq!(checked.problems, []);
        let a = checked.answers;
        assert_eq!(a.for_whom.as_deref(), Some("p1"));
        assert_eq!(checked.facility_id.as_deref(), Some("f1"));
        assert_eq!(a.insurer_id.as_deref(), Some("i1"));
        assert_eq!(a.name.as_deref(), Some("髙橋 﨑子"), "髙 and 﨑 are kept");
        assert_eq!(a.name_kana.as_deref(), Some("タカハシ\u{3000}サキコ"), "half-width kana read as full width");
        assert_eq!(a.birth_date.as_deref(), Some("1940-04-01"));
        assert_eq!(a.address.as_deref(), Some("東京都千代田区①丁目 ㈱ビル"));
        assert_eq!(a.reason, Some(Reason::NoCard));
        assert!(a.first_unanswered().is_none(), "every question of the single form is answered");
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_its_column_in_order() {
        let (residents, insurers) = context_parts();
        let ctx = RowContext {
            residents: &residents,
            insurers: &insurers,
            today: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        };
        let mut bad = good_row();
        bad.set(Column::Contact, "fax");
        bad.set(Column::Name, "高橋 崎子");
        bad.set(Column::NameKana, "たかはし1");
        bad.set(Column::Branch, "1");
        bad.set(Column::PostalCode, "");
        let problems = check_row(&bad, &ctx).problems;
        let columns: Vec<&str> = problems.iter().filter_map(|p| p.column.as_deref()).collect();
        assert_eq!(columns, ["name", "name_kana", "branch", "postal_code", "contact"]);
        assert_eq!(problems[0].key, "bulk-error-not-resident", "高 is not 髙: another person");
        assert_eq!(problems[4].args, [("codes".to_string(), "email, post, phone".to_string())]);
        bad = good_row();
        let body = "0613999";
        let digit = crate::domain::insurer_number::check_digit(body).unwrap();
        bad.set(Column::InsurerNumber, &format!("{body}{digit}"));
        bad.set(Column::BirthDate, "2030-01-01");
        let keys: Vec<String> = check_row(&bad, &ctx).problems.into_iter().map(|p| p.key).collect();
        assert_eq!(keys, ["sign-up-error-birth-future", "bulk-error-insurer-unknown"]);
    }
}
