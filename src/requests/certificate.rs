//! A qualification certificate request (資格確認書): its answers, and the questions that collect them, in
//! order. The answers are kept as the draft goes, already in their parsed, normalised form.

use serde::{Deserialize, Serialize};

use crate::domain::PostalCode;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateAnswers {
    /// The person the certificate is for.
    pub for_whom: Option<String>,
    pub reason: Option<Reason>,
    pub insurer_id: Option<String>,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub birth_date: Option<String>,
    pub delivery: Option<Delivery>,
    /// Stored as its 7 digits (`PostalCode` serialises so).
    pub postal_code: Option<PostalCode>,
    pub address: Option<String>,
    pub contact: Option<Contact>,
    pub phone: Option<String>,
}

/// Why someone asks for a certificate (the plan's cases). Stored as its code (`no-card`), in the answers and in
/// `requests.reason` (the queue's filter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    LostOrRenewing,
    NoCard,
    CannotUseCard,
    Accompanied,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 5] =
        [Reason::LostOrRenewing, Reason::NoCard, Reason::CannotUseCard, Reason::Accompanied, Reason::Other];

    pub fn code(self) -> &'static str {
        match self {
            Reason::LostOrRenewing => "lost-or-renewing",
            Reason::NoCard => "no-card",
            Reason::CannotUseCard => "cannot-use-card",
            Reason::Accompanied => "accompanied",
            Reason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Reason::LostOrRenewing => "certificate-reason-lost-or-renewing",
            Reason::NoCard => "certificate-reason-no-card",
            Reason::CannotUseCard => "certificate-reason-cannot-use-card",
            Reason::Accompanied => "certificate-reason-accompanied",
            Reason::Other => "certificate-reason-other",
        }
    }

    /// The hint under the choice (empty: none).
    pub fn hint_key(self) -> &'static str {
        match self {
            Reason::LostOrRenewing => "certificate-reason-lost-or-renewing-hint",
            Reason::NoCard => "certificate-reason-no-card-hint",
            Reason::CannotUseCard => "certificate-reason-cannot-use-card-hint",
            Reason::Accompanied => "certificate-reason-accompanied-hint",
            Reason::Other => "",
        }
    }
}

/// How the certificate reaches its holder. Stored as its code (`post`), on the certificate as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    Post,
    Download,
}

impl Delivery {
    pub const ALL: [Delivery; 2] = [Delivery::Post, Delivery::Download];

    pub fn code(self) -> &'static str {
        match self {
            Delivery::Post => "post",
            Delivery::Download => "download",
        }
    }

    pub fn from_code(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Delivery::Post => "certificate-delivery-post",
            Delivery::Download => "certificate-delivery-download",
        }
    }

    pub fn hint_key(self) -> &'static str {
        match self {
            Delivery::Post => "certificate-delivery-post-hint",
            Delivery::Download => "certificate-delivery-download-hint",
        }
    }
}

/// How the applicant asks to be contacted about the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Contact {
    Email,
    Post,
    Phone,
}

impl Contact {
    pub const ALL: [Contact; 3] = [Contact::Email, Contact::Post, Contact::Phone];

    pub fn code(self) -> &'static str {
        match self {
            Contact::Email => "email",
            Contact::Post => "post",
            Contact::Phone => "phone",
        }
    }

    pub fn from_code(code: &str) -> Option<Contact> {
        Contact::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Contact::Email => "certificate-contact-email",
            Contact::Post => "certificate-contact-post",
            Contact::Phone => "certificate-contact-phone",
        }
    }
}

/// The questions, in order. Each is one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    ForWhom,
    Reason,
    Insurer,
    Insured,
    Name,
    BirthDate,
    Delivery,
    Contact,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::ForWhom,
        Step::Reason,
        Step::Insurer,
        Step::Insured,
        Step::Name,
        Step::BirthDate,
        Step::Delivery,
        Step::Contact,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Step::ForWhom => "for-whom",
            Step::Reason => "reason",
            Step::Insurer => "insurer",
            Step::Insured => "insured",
            Step::Name => "name",
            Step::BirthDate => "birth-date",
            Step::Delivery => "delivery",
            Step::Contact => "contact",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn next(self) -> Option<Step> {
        let i = Step::ALL.iter().position(|s| *s == self)?;
        Step::ALL.get(i + 1).copied()
    }

    pub fn previous(self) -> Option<Step> {
        let i = Step::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|j| Step::ALL[j])
    }

    /// Whether this question has been answered.
    pub fn answered(self, a: &CertificateAnswers) -> bool {
        match self {
            Step::ForWhom => a.for_whom.is_some(),
            Step::Reason => a.reason.is_some(),
            Step::Insurer => a.insurer_id.is_some(),
            Step::Insured => a.number.is_some(),
            Step::Name => a.name.is_some() && a.name_kana.is_some(),
            Step::BirthDate => a.birth_date.is_some(),
            Step::Delivery => {
                a.delivery == Some(Delivery::Download)
                    || (a.delivery.is_some() && a.address.is_some() && a.postal_code.is_some())
            }
            Step::Contact => a.contact.is_some() && (a.contact != Some(Contact::Phone) || a.phone.is_some()),
        }
    }
}

impl CertificateAnswers {
    /// The first question not yet answered, or `None` when every one is.
    pub fn first_unanswered(&self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| !s.answered(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_questions_come_in_order_and_the_first_gap_is_found() {
        let mut a = CertificateAnswers::default();
        assert_eq!(a.first_unanswered(), Some(Step::ForWhom));
        a.for_whom = Some("p".into());
        a.reason = Some(Reason::NoCard);
        assert_eq!(a.first_unanswered(), Some(Step::Insurer));
        a.delivery = Some(Delivery::Post);
        assert!(!Step::Delivery.answered(&a), "post needs an address");
        a.delivery = Some(Delivery::Download);
        assert!(Step::Delivery.answered(&a));
        assert_eq!(Step::Insurer.next(), Some(Step::Insured));
        assert_eq!(Step::ForWhom.previous(), None);
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
    }

    #[test]
    fn code_lists_are_stored_as_their_codes_and_postal_codes_as_digits() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
            assert_eq!(r.message_key(), format!("certificate-reason-{}", r.code()));
        }
        let a = CertificateAnswers {
            reason: Some(Reason::CannotUseCard),
            delivery: Some(Delivery::Post),
            contact: Some(Contact::Phone),
            postal_code: Some("123-4567".parse().unwrap()),
            ..CertificateAnswers::default()
        };
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(r#""reason":"cannot-use-card""#), "{json}");
        assert!(json.contains(r#""postal_code":"1234567""#), "{json}");
        let read: CertificateAnswers = serde_json::from_str(&json.replace(r#""1234567""#, r#""123-4567""#)).unwrap();
        assert_eq!(read, a, "the hyphenated form stored before still reads");
    }
}

/// The national maximum validity of a qualification certificate, in months (5 years). Each insurer sets its
/// own default (`insurers.certificate_default_months`); an officer may choose any validity from 1 month up to
/// this maximum when approving. This is the one place the maximum is kept.
pub const MAX_VALIDITY_MONTHS: u32 = 60;

/// The office's target: a request should be decided within this many **calendar** days of being sent (the same
/// way of counting as the registration-lag rule). Every page says "within 5 days", never "working days".
pub const TARGET_DAYS: i64 = 5;

/// Why an officer issues a certificate with the numbers as the request gives them although they do not match
/// the insurer's enrolment records. Stored as a code in the timeline and the audit line.
pub const AS_TYPED_REASONS: [&str; 3] = ["applicant-confirmed", "record-out-of-date", "record-not-yet-entered"];

/// What an officer asks the applicant to check when returning a request for correction. Stored as the code;
/// the applicant reads it in their own language (`decisions-correction-<code>`).
pub const CORRECTION_REASONS: [&str; 3] = ["numbers-not-found", "branch-needed", "numbers-other-person"];

/// What the officer asked to check, as its message id (an unknown code: the general one).
pub fn correction_key(code: Option<&str>) -> &'static str {
    match code {
        Some("branch-needed") => "decisions-correction-branch-needed",
        Some("numbers-other-person") => "decisions-correction-numbers-other-person",
        _ => "decisions-correction-numbers-not-found",
    }
}

/// Why an insurer declines a certificate request. The stored decision is the message id, so the requester
/// reads it in their own language.
pub const DECLINE_REASONS: [&str; 4] = [
    "office-cert-decline-not-insured",
    "office-cert-decline-details-do-not-match",
    "office-cert-decline-card-usable",
    "office-cert-decline-duplicate",
];

/// The characters of the signature kept in a verification code: 20 base64url characters, 120 bits.
pub const CODE_CHARS: usize = 20;

/// The verification code printed on a certificate: a shortened HMAC of its id under the certificate key. The
/// one rule for every way a certificate is issued (an approval, a push run, a renewal run).
pub fn verification_code(key: &crate::crypto::SecretKey, certificate_id: &str) -> String {
    key.sign(crate::crypto::Purpose::Certificate, certificate_id.as_bytes()).chars().take(CODE_CHARS).collect()
}

/// The last day a certificate issued on `issued_on` for `months` months is valid.
pub fn valid_until(issued_on: chrono::NaiveDate, months: u32) -> Option<chrono::NaiveDate> {
    issued_on.checked_add_months(chrono::Months::new(months))?.pred_opt()
}

/// The age at which everyone moves to the late-stage elderly scheme (後期高齢者医療), on the birthday itself.
pub const LATE_STAGE_AGE: i32 = 75;

/// The last day of eligibility we can know from the printed items: with any insurer other than the late-stage
/// elderly scheme (8-digit insurer numbers starting 39), the day before the 75th birthday. A certificate never
/// runs past it (domain notes §7.3: display the earlier of the expiry and the end of eligibility).
pub fn eligibility_end(insurer_number: &str, birth: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    use chrono::Datelike;
    if insurer_number.len() == 8 && insurer_number.starts_with("39") {
        return None;
    }
    let year = birth.year() + LATE_STAGE_AGE;
    let birthday = birth.with_year(year).or_else(|| chrono::NaiveDate::from_ymd_opt(year, 2, 28))?;
    birthday.pred_opt()
}

/// The expiry printed on a certificate: the chosen validity, cut short by the end of eligibility.
pub fn printed_expiry(
    issued_on: chrono::NaiveDate,
    months: u32,
    insurer_number: &str,
    birth: Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    let until = valid_until(issued_on, months)?;
    Some(match birth.and_then(|b| eligibility_end(insurer_number, b)) {
        Some(end) => until.min(end),
        None => until,
    })
}

#[cfg(test)]
mod validity_tests {
    use super::*;

    #[test]
    fn validity_ends_the_day_before_the_same_date_months_later() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(valid_until(d(2026, 1, 15), 12), Some(d(2027, 1, 14)));
        assert_eq!(valid_until(d(2026, 1, 31), 1), Some(d(2026, 2, 27)));
    }

    #[test]
    fn the_expiry_never_passes_the_day_before_the_75th_birthday_except_for_the_late_stage_scheme() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let birth = d(1952, 3, 10);
        assert_eq!(printed_expiry(d(2026, 1, 15), 60, "01130012", Some(birth)), Some(d(2027, 3, 9)));
        assert_eq!(printed_expiry(d(2026, 1, 15), 60, "39131016", Some(birth)), Some(d(2031, 1, 14)));
        assert_eq!(printed_expiry(d(2026, 1, 15), 12, "138008", Some(d(1990, 1, 1))), Some(d(2027, 1, 14)));
        assert_eq!(eligibility_end("138008", d(1960, 2, 29)), Some(d(2035, 2, 27)));
    }
}
