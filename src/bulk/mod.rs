//! Bulk applications (申請のとりまとめ): a facility's staff upload a spreadsheet of residents' certificate
//! requests. This module is pure: it reads the file (UTF-8 with or without BOM, or Shift_JIS / CP932 as Japanese
//! spreadsheet programs write it), matches its header row to the known columns (in Japanese, English or easy
//! Japanese), and checks each row with the same domain types as the single certificate form.
//!
//! Problems come in a fixed order: the file (size, encoding, not a CSV), then the columns, then the rows. A
//! later stage is only looked at when the earlier one is clean.

pub mod columns;
pub mod rows;

pub use columns::{Column, ColumnProblem, HeaderMap};
pub use rows::{Checked, Insurer, Problem, Resident, RowContext, TypedRow};

/// The largest upload accepted (1 MiB: some 5,000 rows of this template).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

/// The most rows one batch holds.
pub const MAX_ROWS: usize = 2000;

/// How the file's text was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    ShiftJis,
}

/// Why a file cannot be read at all. Each names its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// No file, or an empty one.
    Empty,
    TooLarge,
    /// Neither UTF-8 nor Shift_JIS.
    Encoding,
    /// Not comma-separated text (a spreadsheet's own format, a picture, a broken quote).
    NotCsv,
    /// Only a header row.
    NoRows,
    TooManyRows,
}

impl FileProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FileProblem::Empty => "bulk-error-file-empty",
            FileProblem::TooLarge => "bulk-error-file-large",
            FileProblem::Encoding => "bulk-error-file-encoding",
            FileProblem::NotCsv => "bulk-error-file-not-csv",
            FileProblem::NoRows => "bulk-error-file-no-rows",
            FileProblem::TooManyRows => "bulk-error-file-too-many-rows",
        }
    }
}

/// The text of an upload: UTF-8 (its BOM dropped) when the bytes are valid UTF-8, else Shift_JIS (CP932, which
/// is what `encoding_rs::SHIFT_JIS` decodes). Bytes that are neither are refused rather than replaced.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(without_bom) {
        return Ok((text.to_string(), TextEncoding::Utf8));
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), TextEncoding::ShiftJis))
        .ok_or(FileProblem::Encoding)
}

/// The records of a CSV text: the header row and the data rows (blank lines skipped), each as its cells.
pub fn records(text: &str) -> Result<(Vec<String>, Vec<Vec<String>>), FileProblem> {
    // Binary data decoded by luck (a picture, an .xlsx zip) has control characters a CSV never has.
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FileProblem::NotCsv);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut all = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| FileProblem::NotCsv)?;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        all.push(cells);
        if all.len() > MAX_ROWS + 1 {
            return Err(FileProblem::TooManyRows);
        }
    }
    let mut all = all.into_iter();
    let header = all.next().ok_or(FileProblem::Empty)?;
    let rows: Vec<Vec<String>> = all.collect();
    if header.len() < 2 {
        return Err(FileProblem::NotCsv);
    }
    if rows.is_empty() {
        return Err(FileProblem::NoRows);
    }
    Ok((header, rows))
}

/// What an upload holds, read as far as it could be.
#[derive(Debug)]
pub enum Upload {
    File(FileProblem),
    Columns(Vec<ColumnProblem>),
    Rows { header: HeaderMap, rows: Vec<TypedRow> },
}

/// Reads an upload up to its rows' typed values (the rows are checked later, against the facility).
pub fn read_upload(bytes: &[u8]) -> Upload {
    let (text, _) = match decode(bytes) {
        Ok(t) => t,
        Err(p) => return Upload::File(p),
    };
    let (header, records) = match records(&text) {
        Ok(r) => r,
        Err(p) => return Upload::File(p),
    };
    let map = match HeaderMap::match_headers(&header) {
        Ok(m) => m,
        Err(problems) => return Upload::Columns(problems),
    };
    let rows = records.iter().map(|r| map.typed_row(r)).collect();
    Upload::Rows { header: map, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift_jis(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable, "the test text is all in CP932");
        bytes.into_owned()
    }

    const HARD: &str = "髙橋 﨑子,①,㈱,ｶﾀｶﾅ";

    #[test]
    fn utf8_with_and_without_bom_and_shift_jis_keep_every_character() {
        let plain = decode(HARD.as_bytes()).unwrap();
        assert_eq!(plain, (HARD.to_string(), TextEncoding::Utf8));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), HARD.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap(), (HARD.to_string(), TextEncoding::Utf8));
        let sjis = shift_jis(HARD);
        assert_ne!(sjis, HARD.as_bytes());
        assert_eq!(decode(&sjis).unwrap(), (HARD.to_string(), TextEncoding::ShiftJis));
    }

    #[test]
    fn bytes_in_no_known_encoding_empty_and_oversized_files_are_refused() {
        assert_eq!(decode(b""), Err(FileProblem::Empty));
        assert_eq!(decode(&[0x82, 0xA0, 0xFF, 0xFF]), Err(FileProblem::Encoding));
        assert_eq!(decode(&vec![b'a'; MAX_UPLOAD_BYTES + 1]), Err(FileProblem::TooLarge));
    }

    #[test]
    fn csv_records_keep_quoted_commas_and_skip_blank_lines() {
        let (header, rows) = records("氏名,住所\r\n\"髙橋, 﨑子\",\"東京都 1-2\"\r\n,\r\n\r\nｱ,b\r\n").unwrap();
        assert_eq!(header, ["氏名", "住所"]);
        assert_eq!(rows, [vec!["髙橋, 﨑子", "東京都 1-2"], vec!["ｱ", "b"]]);
        assert_eq!(records("a,b\n").unwrap_err(), FileProblem::NoRows);
        assert_eq!(records("PK\u{3}\u{4}zip").unwrap_err(), FileProblem::NotCsv);
        assert_eq!(records("just one column\nx\n").unwrap_err(), FileProblem::NotCsv);
        let many = format!("a,b\n{}", "1,2\n".repeat(MAX_ROWS + 1));
        assert_eq!(records(&many).unwrap_err(), FileProblem::TooManyRows);
    }

    #[test]
    fn a_shift_jis_upload_reads_to_its_rows_with_every_character() {
        let csv = "氏名,フリガナ,生年月日,保険者番号,記号,番号,枝番,申請の理由,受け取り方法,郵便番号,住所,連絡方法,電話番号\r\n\
                   髙橋 﨑子,ﾀｶﾊｼ ｻｷｺ,昭和15年4月1日,138008,,12345,01,no-card,post,1000001,①丁目 ㈱ビル,post,\r\n";
        let Upload::Rows { rows, .. } = read_upload(&shift_jis(csv)) else { panic!("read") };
        assert_eq!(rows[0].get(Column::Name), "髙橋 﨑子");
        assert_eq!(rows[0].get(Column::NameKana), "ﾀｶﾊｼ ｻｷｺ");
        assert_eq!(rows[0].get(Column::Address), "①丁目 ㈱ビル");
    }

    #[test]
    fn problems_come_file_first_then_columns() {
        assert!(matches!(read_upload(&[0xFF, 0xFE, 0x00, 0x41]), Upload::File(FileProblem::Encoding)));
        let Upload::Columns(problems) = read_upload("氏名,フリガナ,生年月日\nA,B,C\n".as_bytes()) else {
            panic!()
        };
        assert!(problems.iter().any(|p| matches!(p, ColumnProblem::Missing(Column::InsurerNumber))));
    }
}
