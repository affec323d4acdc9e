//! The columns of the bulk template and how a file's header row is matched to them. A header is accepted in
//! any of the three languages (a file made from the Japanese template can be uploaded from the English page);
//! an unknown header is named with the known header it most likely meant (the nearest by edit distance).
//!
//! The header texts are part of the file format, so they live here rather than in the message files: a
//! change of wording in a message must not make yesterday's files unreadable.

use crate::domain::normalize_width;
use crate::i18n::Locale;

use super::rows::TypedRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Name,
    NameKana,
    BirthDate,
    InsurerNumber,
    Symbol,
    Number,
    Branch,
    Reason,
    Delivery,
    PostalCode,
    Address,
    Contact,
    Phone,
}

impl Column {
    /// In the template's order.
    pub const ALL: [Column; 13] = [
        Column::Name,
        Column::NameKana,
        Column::BirthDate,
        Column::InsurerNumber,
        Column::Symbol,
        Column::Number,
        Column::Branch,
        Column::Reason,
        Column::Delivery,
        Column::PostalCode,
        Column::Address,
        Column::Contact,
        Column::Phone,
    ];

    /// The code the batch rows store their typed values under (and the edit form's field names).
    pub fn code(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::NameKana => "name_kana",
            Column::BirthDate => "birth_date",
            Column::InsurerNumber => "insurer_number",
            Column::Symbol => "symbol",
            Column::Number => "number",
            Column::Branch => "branch",
            Column::Reason => "reason",
            Column::Delivery => "delivery",
            Column::PostalCode => "postal_code",
            Column::Address => "address",
            Column::Contact => "contact",
            Column::Phone => "phone",
        }
    }

    pub fn from_code(code: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether a file must have this column (the others may be left out when no row needs them).
    pub fn required(self) -> bool {
        !matches!(self, Column::Symbol | Column::Branch | Column::PostalCode | Column::Address | Column::Phone)
    }

    /// The header in `locale`.
    pub fn header(self, locale: Locale) -> &'static str {
        let [ja, en, easy] = self.headers();
        match locale {
            Locale::Ja => ja,
            Locale::En => en,
            Locale::JaEasy => easy,
        }
    }

    /// The header in Japanese, English and easy Japanese.
    fn headers(self) -> [&'static str; 3] {
        match self {
            Column::Name => ["氏名", "Name", "なまえ"],
            Column::NameKana => ["フリガナ", "Name in katakana", "なまえの ふりがな"],
            Column::BirthDate => ["生年月日", "Date of birth", "うまれた ひ"],
            Column::InsurerNumber => ["保険者番号", "Insurer number", "ほけんしゃ ばんごう"],
            Column::Symbol => ["記号", "Symbol", "きごう"],
            Column::Number => ["番号", "Number", "ばんごう"],
            Column::Branch => ["枝番", "Branch number", "えだばん"],
            Column::Reason => ["申請の理由", "Reason", "りゆう"],
            Column::Delivery => ["受け取り方法", "Delivery", "うけとりかた"],
            Column::PostalCode => ["郵便番号", "Postal code", "ゆうびん ばんごう"],
            Column::Address => ["住所", "Address", "じゅうしょ"],
            Column::Contact => ["連絡方法", "Contact", "れんらくの しかた"],
            Column::Phone => ["電話番号", "Phone", "でんわ ばんごう"],
        }
    }

    /// The message naming the column in a sentence.
    pub fn message_key(self) -> &'static str {
        match self {
            Column::Name => "bulk-column-name",
            Column::NameKana => "bulk-column-name-kana",
            Column::BirthDate => "bulk-column-birth-date",
            Column::InsurerNumber => "bulk-column-insurer-number",
            Column::Symbol => "bulk-column-symbol",
            Column::Number => "bulk-column-number",
            Column::Branch => "bulk-column-branch",
            Column::Reason => "bulk-column-reason",
            Column::Delivery => "bulk-column-delivery",
            Column::PostalCode => "bulk-column-postal-code",
            Column::Address => "bulk-column-address",
            Column::Contact => "bulk-column-contact",
            Column::Phone => "bulk-column-phone",
        }
    }
}

/// Headers compare without case, width or spaces: `保険者 番号`, `ＩＮＳＵＲＥＲ NUMBER` and `insurer number` are
/// one header.
fn fold(header: &str) -> String {
    normalize_width(header).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// A problem with the header row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnProblem {
    Missing(Column),
    /// A header that is none of the columns, with the known header it most likely meant.
    Unknown {
        header: String,
        likely: Option<&'static str>,
    },
    Twice(Column),
}

impl ColumnProblem {
    pub fn message_key(&self) -> &'static str {
        match self {
            ColumnProblem::Missing(_) => "bulk-error-column-missing",
            ColumnProblem::Unknown { likely: Some(_), .. } => "bulk-error-column-unknown-likely",
            ColumnProblem::Unknown { likely: None, .. } => "bulk-error-column-unknown",
            ColumnProblem::Twice(_) => "bulk-error-column-twice",
        }
    }
}

/// Which cell of a row holds which column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderMap {
    positions: Vec<(Column, usize)>,
}

impl HeaderMap {
    /// Matches a header row to the columns: every unknown header (with its likely meaning), then every missing
    /// column, then every column given twice, so staff fix the file in one go.
    pub fn match_headers(header: &[String]) -> Result<HeaderMap, Vec<ColumnProblem>> {
        let known: Vec<(String, Column, &'static str)> = Column::ALL
            .into_iter()
            .flat_map(|c| c.headers().into_iter().map(move |h| (fold(h), c, h)))
            .chain(Column::ALL.into_iter().map(|c| (fold(c.code()), c, c.code())))
            .collect();
        let mut problems = Vec::new();
        let mut positions: Vec<(Column, usize)> = Vec::new();
        let mut twice = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let folded = fold(h);
            if folded.is_empty() {
                continue;
            }
            match known.iter().find(|(k, _, _)| *k == folded) {
                Some((_, c, _)) if positions.iter().any(|(p, _)| p == c) => twice.push(ColumnProblem::Twice(*c)),
                Some((_, c, _)) => positions.push((*c, i)),
                None => problems.push(ColumnProblem::Unknown { header: h.clone(), likely: likely(&folded, &known) }),
            }
        }
        for c in Column::ALL {
            if c.required() && !positions.iter().any(|(p, _)| *p == c) {
                problems.push(ColumnProblem::Missing(c));
            }
        }
        problems.extend(twice);
        if problems.is_empty() { Ok(HeaderMap { positions }) } else { Err(problems) }
    }

    /// A data row's cells by column (a short row's missing cells are empty).
    pub fn typed_row(&self, cells: &[String]) -> TypedRow {
        let mut row = TypedRow::default();
        for (c, i) in &self.positions {
            row.set(*c, cells.get(*i).map(String::as_str).unwrap_or(""));
        }
        row
    }
}

/// The known header nearest to an unknown one, when near enough to be a slip (a typo, a word left out).
fn likely(folded: &str, known: &[(String, Column, &'static str)]) -> Option<&'static str> {
    let (distance, header) =
        known.iter().map(|(k, _, original)| (strsim::levenshtein(folded, k), *original)).min_by_key(|(d, _)| *d)?;
    let length = folded.chars().count();
    if distance <= (length / 2).max(1) {
        return Some(header);
    }
    // A word left out (`理由` for `申請の理由`): the shortest known header that holds it.
    known
        .iter()
        .filter(|(k, _, _)| length >= 2 && k.contains(folded))
        .min_by_key(|(k, _, _)| k.chars().count())
        .map(|(_, _, original)| *original)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn headers_are_accepted_in_every_language_and_width() {
        for locale in [Locale::Ja, Locale::En, Locale::JaEasy] {
            let header: Vec<String> = Column::ALL.iter().map(|c| c.header(locale).to_string()).collect();
            assert!(HeaderMap::match_headers(&header).is_ok(), "{locale:?}");
        }
        let mixed = strings(&[
            "ＮＡＭＥ",
            "フリガナ",
            "date of birth",
            "保険者 番号",
            "番号",
            "reason",
            "受け取り方法",
            "連絡方法",
        ]);
        let map = HeaderMap::match_headers(&mixed).unwrap();
        let row = map.typed_row(&strings(&["髙橋", "タカハシ", "1950-01-01", "138008", "1"]));
        assert_eq!(row.get(Column::Name), "髙橋");
        assert_eq!(row.get(Column::Number), "1");
        assert_eq!(row.get(Column::Contact), "", "a short row's missing cells are empty");
    }

    #[test]
    fn unknown_headers_are_named_with_the_column_they_likely_mean_and_missing_ones_are_listed() {
        let header =
            strings(&["氏名", "フリガナ", "生年月日", "保険者番", "Insurer numbr", "番号", "好きな色", "理由"]);
        let problems = HeaderMap::match_headers(&header).unwrap_err();
        assert_eq!(problems[0], ColumnProblem::Unknown { header: "保険者番".into(), likely: Some("保険者番号") });
        assert_eq!(
            problems[1],
            ColumnProblem::Unknown { header: "Insurer numbr".into(), likely: Some("Insurer number") }
        );
        assert_eq!(problems[2], ColumnProblem::Unknown { header: "好きな色".into(), likely: None });
        assert!(matches!(&problems[3], ColumnProblem::Unknown { likely: Some(_), .. }), "理由 → 申請の理由 or りゆう");
        assert!(problems.contains(&ColumnProblem::Missing(Column::InsurerNumber)));
        assert!(problems.contains(&ColumnProblem::Missing(Column::Delivery)));
        assert!(!problems.contains(&ColumnProblem::Missing(Column::Symbol)), "optional");
        let twice =
            strings(&["氏名", "Name", "フリガナ", "生年月日", "保険者番号", "番号", "reason", "delivery", "contact"]);
        assert_eq!(HeaderMap::match_headers(&twice).unwrap_err(), [ColumnProblem::Twice(Column::Name)]);
    }

    #[test]
    fn codes_name_columns_both_ways() {
        for c in Column::ALL {
            assert_eq!(Column::from_code(c.code()), Some(c));
        }
    }
}
