//! Checking a request against the insurer's enrolment records: match, no match, or ambiguous, with the reason.
//! The one place this rule lives; the store supplies the candidate records (`Store::enrolment_candidates`: the
//! insurer's records with the same 記号・番号, or the same date of birth).
//!
//! The rule:
//! 1. Records with the request's 記号 and 番号 (and 枝番, when both give one) are the **number hits**.
//!    A number hit **agrees** when its date of birth is the same and its name or its フリガナ is the same.
//!    - one agreeing hit whose cover has not ended: **match**;
//!    - one agreeing hit whose cover ended before today: **no match** (cover ended);
//!    - several agreeing hits (the request left out the 枝番 and more than one family member fits): **ambiguous**;
//!    - hits, none agreeing: **no match**, saying what differs (date of birth, name, or both).
//! 2. No number hit: records with the same date of birth and the same name or フリガナ are the **person hits**.
//!    - none: **no match** (nothing found);
//!    - one: **no match**, as the number differs, with that record offered to the officer;
//!    - several: **ambiguous**.
//!
//! Names are compared after NFKC with every space taken out; フリガナ also with hiragana read as katakana.

use chrono::NaiveDate;

use crate::domain::normalize_width;

/// What the request says about the person.
#[derive(Clone, Debug, Default)]
pub struct Claim {
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
}

/// One enrolment record, as far as matching goes.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub ended_on: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Match,
    NoMatch,
    Ambiguous,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Match, Outcome::NoMatch, Outcome::Ambiguous];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Match => "match",
            Outcome::NoMatch => "no-match",
            Outcome::Ambiguous => "ambiguous",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Number, date of birth and name agree with one record.
    Agrees,
    /// The request lacks the number or the date of birth.
    Incomplete,
    NumberMatchesBirthDiffers,
    NumberMatchesNameDiffers,
    NumberMatchesNameAndBirthDiffer,
    /// The one record that agrees is of someone whose cover has ended.
    CoverEnded,
    /// Several records have this number and agree (the 枝番 would tell them apart).
    SeveralWithNumber,
    /// No record with this number; one with the same name and date of birth under another number.
    OtherNumberSamePerson,
    /// No record with this number; several with the same name and date of birth.
    SeveralSamePerson,
    /// Neither the number nor the name with the date of birth is on record.
    NothingFound,
}

impl Reason {
    pub const ALL: [Reason; 10] = [
        Reason::Agrees,
        Reason::Incomplete,
        Reason::NumberMatchesBirthDiffers,
        Reason::NumberMatchesNameDiffers,
        Reason::NumberMatchesNameAndBirthDiffer,
        Reason::CoverEnded,
        Reason::SeveralWithNumber,
        Reason::OtherNumberSamePerson,
        Reason::SeveralSamePerson,
        Reason::NothingFound,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Agrees => "agrees",
            Reason::Incomplete => "incomplete",
            Reason::NumberMatchesBirthDiffers => "birth-differs",
            Reason::NumberMatchesNameDiffers => "name-differs",
            Reason::NumberMatchesNameAndBirthDiffer => "name-and-birth-differ",
            Reason::CoverEnded => "cover-ended",
            Reason::SeveralWithNumber => "several-with-number",
            Reason::OtherNumberSamePerson => "other-number-same-person",
            Reason::SeveralSamePerson => "several-same-person",
            Reason::NothingFound => "nothing-found",
        }
    }
}

/// The verdict, with the records it is about (to link to), in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reason: Reason,
    pub records: Vec<String>,
}

impl Verdict {
    fn new(outcome: Outcome, reason: Reason, records: Vec<&Candidate>) -> Verdict {
        Verdict { outcome, reason, records: records.into_iter().map(|c| c.id.clone()).collect() }
    }

    /// The record a matched request belongs to.
    pub fn matched(&self) -> Option<&str> {
        (self.outcome == Outcome::Match).then(|| self.records.first().map(String::as_str)).flatten()
    }
}

fn squeeze(s: &str) -> String {
    normalize_width(s).chars().filter(|c| !c.is_whitespace()).collect()
}

fn kana(s: &str) -> String {
    squeeze(s)
        .chars()
        .map(|c| if ('\u{3041}'..='\u{3096}').contains(&c) { char::from_u32(c as u32 + 0x60).unwrap_or(c) } else { c })
        .collect()
}

fn same_number(claim: &Claim, c: &Candidate) -> bool {
    let (cb, rb) = (squeeze(&claim.branch), squeeze(&c.branch));
    squeeze(&claim.symbol) == squeeze(&c.symbol)
        && squeeze(&claim.number) == squeeze(&c.number)
        && (cb.is_empty() || rb.is_empty() || cb == rb)
}

fn same_name(claim: &Claim, c: &Candidate) -> bool {
    let by_name = !squeeze(&claim.name).is_empty() && squeeze(&claim.name) == squeeze(&c.name);
    let by_kana = !kana(&claim.name_kana).is_empty() && kana(&claim.name_kana) == kana(&c.name_kana);
    by_name || by_kana
}

fn same_birth(claim: &Claim, c: &Candidate) -> bool {
    claim.birth_date.trim() == c.birth_date.trim()
}

fn ended(c: &Candidate, today: NaiveDate) -> bool {
    c.ended_on.as_deref().and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| d < today)
}

/// Checks `claim` against `candidates` (any of the insurer's records; those that fit neither way are ignored).
pub fn check(claim: &Claim, candidates: &[Candidate], today: NaiveDate) -> Verdict {
    if squeeze(&claim.number).is_empty() || claim.birth_date.trim().is_empty() {
        return Verdict::new(Outcome::NoMatch, Reason::Incomplete, Vec::new());
    }
    let by_number: Vec<&Candidate> = candidates.iter().filter(|c| same_number(claim, c)).collect();
    if !by_number.is_empty() {
        let agreeing: Vec<&Candidate> =
            by_number.iter().copied().filter(|c| same_birth(claim, c) && same_name(claim, c)).collect();
        return match agreeing.as_slice() {
            [one] if ended(one, today) => Verdict::new(Outcome::NoMatch, Reason::CoverEnded, agreeing),
            [_] => Verdict::new(Outcome::Match, Reason::Agrees, agreeing),
            [] => {
                let birth = by_number.iter().any(|c| same_birth(claim, c));
                let name = by_number.iter().any(|c| same_name(claim, c));
                let reason = match (birth, name) {
                    (true, _) => Reason::NumberMatchesNameDiffers,
                    (false, true) => Reason::NumberMatchesBirthDiffers,
                    (false, false) => Reason::NumberMatchesNameAndBirthDiffer,
                };
                Verdict::new(Outcome::NoMatch, reason, by_number)
            }
            _ => Verdict::new(Outcome::Ambiguous, Reason::SeveralWithNumber, agreeing),
        };
    }
    let same_person: Vec<&Candidate> =
        candidates.iter().filter(|c| same_birth(claim, c) && same_name(claim, c) && !ended(c, today)).collect();
    match same_person.len() {
        0 => Verdict::new(Outcome::NoMatch, Reason::NothingFound, Vec::new()),
        1 => Verdict::new(Outcome::NoMatch, Reason::OtherNumberSamePerson, same_person),
        _ => Verdict::new(Outcome::Ambiguous, Reason::SeveralSamePerson, same_person),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-11-25".parse().unwrap()
    }

    fn record(
        id: &str,
        (symbol, number, branch): (&str, &str, &str),
        name: &str,
        kana: &str,
        birth: &str,
    ) -> Candidate {
        Candidate {
            id: id.into(),
            symbol: symbol.into(),
            number: number.into(),
            branch: branch.into(),
            name: name.into(),
            name_kana: kana.into(),
            birth_date: birth.into(),
            ended_on: None,
        }
    }

    fn taro() -> Claim {
        Claim {
            symbol: "1234567".into(),
            number: "42".into(),
            branch: "01".into(),
            name: "山田 太郎".into(),
            name_kana: "ヤマダ\u{3000}タロウ".into(),
            birth_date: "1985-01-02".into(),
        }
    }

    fn records() -> Vec<Candidate> {
        vec![
            record("a", ("1234567", "42", "01"), "山田 太郎", "ヤマダ タロウ", "1985-01-02"),
            record("b", ("1234567", "43", "01"), "佐藤 花子", "サトウ ハナコ", "1960-03-03"),
            record("c", ("1234567", "54", "00"), "山田 太郎", "ヤマダ タロウ", "1985-01-02"),
        ]
    }

    #[test]
    fn number_birth_and_name_agree_with_one_record() {
        let v = check(&taro(), &records(), today());
        assert_eq!(v, Verdict { outcome: Outcome::Match, reason: Reason::Agrees, records: vec!["a".into()] });
        assert_eq!(v.matched(), Some("a"));
    }

    #[test]
    fn spaces_width_and_hiragana_do_not_matter_and_the_kana_alone_is_enough() {
        let claim = Claim {
            symbol: "１２３４５６７".into(),
            number: "４２".into(),
            name: "山田太郎（旧姓）".into(),
            name_kana: "やまだ たろう".into(),
            ..taro()
        };
        assert_eq!(check(&claim, &records(), today()).matched(), Some("a"));
    }

    #[test]
    fn number_matches_but_birth_date_differs() {
        let claim = Claim { birth_date: "1985-01-03".into(), ..taro() };
        let v = check(&claim, &records(), today());
        assert_eq!((v.outcome, v.reason), (Outcome::NoMatch, Reason::NumberMatchesBirthDiffers));
        assert_eq!(v.records, vec!["a".to_string()]);
        assert_eq!(v.matched(), None);
    }

    #[test]
    fn number_matches_but_name_differs_or_both_differ() {
        let claim = Claim { name: "山田 次郎".into(), name_kana: "ヤマダ ジロウ".into(), ..taro() };
        assert_eq!(check(&claim, &records(), today()).reason, Reason::NumberMatchesNameDiffers);
        let claim = Claim {
            name: "Maria SANTOS".into(),
            name_kana: "マリア サントス".into(),
            birth_date: "1992-07-14".into(),
            ..taro()
        };
        let v = check(&claim, &records(), today());
        assert_eq!((v.outcome, v.reason), (Outcome::NoMatch, Reason::NumberMatchesNameAndBirthDiffer));
    }

    #[test]
    fn no_number_match_but_two_records_with_the_same_name_and_birth_date() {
        let claim = Claim { number: "99".into(), ..taro() };
        let v = check(&claim, &records(), today());
        assert_eq!((v.outcome, v.reason), (Outcome::Ambiguous, Reason::SeveralSamePerson));
        assert_eq!(v.records, vec!["a".to_string(), "c".to_string()]);
    }

    #[test]
    fn no_number_match_and_one_record_of_the_same_person_is_offered_but_not_matched() {
        let claim = Claim {
            number: "99".into(),
            name: "佐藤 花子".into(),
            name_kana: "サトウ ハナコ".into(),
            birth_date: "1960-03-03".into(),
            ..taro()
        };
        let v = check(&claim, &records(), today());
        assert_eq!(
            (v.outcome, v.reason, v.records.clone()),
            (Outcome::NoMatch, Reason::OtherNumberSamePerson, vec!["b".into()])
        );
        assert_eq!(v.matched(), None);
    }

    #[test]
    fn nothing_found() {
        let claim = Claim { number: "99".into(), birth_date: "2000-01-01".into(), ..taro() };
        let v = check(&claim, &records(), today());
        assert_eq!((v.outcome, v.reason, v.records.len()), (Outcome::NoMatch, Reason::NothingFound, 0));
        assert_eq!(check(&taro(), &[], today()).reason, Reason::NothingFound);
    }

    #[test]
    fn a_missing_branch_that_fits_two_family_members_is_ambiguous_and_a_given_one_decides() {
        let mut rs = records();
        rs.push(record("d", ("1234567", "42", "02"), "山田 太郎", "ヤマダ タロウ", "1985-01-02"));
        let claim = Claim { branch: String::new(), ..taro() };
        let v = check(&claim, &rs, today());
        assert_eq!((v.outcome, v.reason), (Outcome::Ambiguous, Reason::SeveralWithNumber));
        assert_eq!(v.records, vec!["a".to_string(), "d".to_string()]);
        assert_eq!(check(&taro(), &rs, today()).matched(), Some("a"));
    }

    #[test]
    fn ended_cover_is_not_a_match_but_ending_today_or_later_is() {
        let mut rs = records();
        rs[0].ended_on = Some("2026-11-24".into());
        let v = check(&taro(), &rs, today());
        assert_eq!((v.outcome, v.reason), (Outcome::NoMatch, Reason::CoverEnded));
        rs[0].ended_on = Some("2026-11-25".into());
        assert_eq!(check(&taro(), &rs, today()).matched(), Some("a"));
    }

    #[test]
    fn a_request_without_number_or_birth_date_is_not_checked() {
        assert_eq!(check(&Claim { number: " ".into(), ..taro() }, &records(), today()).reason, Reason::Incomplete);
        assert_eq!(
            check(&Claim { birth_date: String::new(), ..taro() }, &records(), today()).reason,
            Reason::Incomplete
        );
    }
}
