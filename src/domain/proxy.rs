//! Acting for someone else (代理): who may act, for what reason, what proof the municipality needs, for which
//! kinds of request, and until when.
//!
//! The rules come from `shared/domain/certificates-and-proxy.md` §8.2 and the README's "Proof for proxies":
//! no separate proof document (疎明資料) for 成年被後見人, 被保佐人・被補助人 with authority for card procedures,
//! children of junior-high-school age or younger, and people aged 75 or over who state that going out is
//! difficult (外出困難). Every other reason needs one of the documents the table names; the municipality
//! reviews every new authority, exempt or not. [`proof_rule`] is the one place that decides.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};

use super::FieldMessage;
use super::wareki_date::full_years;

/// How the representative is related to the person they act for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// A parent (or other 法定代理人) of a minor.
    Parent,
    /// 成年後見人, 保佐人 or 補助人 with authority (代理権) for card procedures.
    AdultGuardian,
    /// 任意代理人: someone the person appointed with a letter of attorney (委任状).
    Appointed,
    /// A family member.
    Family,
    /// A support worker of an organisation (care facility, support agency).
    SupportWorker,
}

impl Relationship {
    pub const ALL: [Relationship; 5] = [
        Relationship::Parent,
        Relationship::AdultGuardian,
        Relationship::Appointed,
        Relationship::Family,
        Relationship::SupportWorker,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relationship::Parent => "parent",
            Relationship::AdultGuardian => "adult_guardian",
            Relationship::Appointed => "appointed",
            Relationship::Family => "family",
            Relationship::SupportWorker => "support_worker",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Relationship::Parent => "proxy-relationship-parent",
            Relationship::AdultGuardian => "proxy-relationship-adult-guardian",
            Relationship::Appointed => "proxy-relationship-appointed",
            Relationship::Family => "proxy-relationship-family",
            Relationship::SupportWorker => "proxy-relationship-support-worker",
        }
    }

    /// Appointed representatives and support workers act for a limited time and must say until when.
    pub fn needs_end_date(self) -> bool {
        matches!(self, Relationship::Appointed | Relationship::SupportWorker)
    }
}

impl FromStr for Relationship {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, ProxyError> {
        Relationship::ALL.into_iter().find(|r| r.code() == s).ok_or(ProxyError::RelationshipMissing)
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why the person cannot do it themselves (やむを得ない理由), §8.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyReason {
    /// 成年被後見人.
    AdultWard,
    /// 被保佐人・被補助人 whose 保佐人・補助人 has authority for card procedures.
    Assisted,
    /// A child of junior-high-school age or younger (中学生・小学生・未就学児).
    Child,
    /// Aged 75 or over, going out is difficult (外出困難), stated.
    Aged75,
    LongHospitalStay,
    Disability,
    FacilityResident,
    /// 要介護・要支援認定.
    CareNeed,
    Pregnancy,
    /// 高校生・高専生.
    HighSchoolStudent,
    /// 長期出張者・長期航行船員.
    LongBusinessTrip,
    StudyingAbroad,
    /// ひきこもり状態.
    Hikikomori,
}

/// A document the municipality accepts as proof (疎明資料).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProofDocument {
    StudentCard,
    EnrolmentCertificate,
    MedicalCertificate,
    AdmissionPlan,
    HospitalReceipt,
    HospitalPhotoCertificate,
    DisabilityHandbook,
    RehabilitationHandbook,
    WelfareServiceCertificate,
    IndependenceSupportCertificate,
    SpecialChildAllowanceCertificate,
    FacilityAdmissionCertificate,
    FacilityPhotoCertificate,
    CareInsuranceCard,
    CareCertificationNotice,
    CareManagerPhotoCertificate,
    MaternityHandbook,
    PregnancyCheckupReceipt,
    CompanyOrder,
    VisaCopy,
    ForeignStudentCard,
    SupportAgencyCertificate,
}

impl ProofDocument {
    pub fn message_key(self) -> &'static str {
        use ProofDocument::*;
        match self {
            StudentCard => "proxy-document-student-card",
            EnrolmentCertificate => "proxy-document-enrolment",
            MedicalCertificate => "proxy-document-medical-certificate",
            AdmissionPlan => "proxy-document-admission-plan",
            HospitalReceipt => "proxy-document-hospital-receipt",
            HospitalPhotoCertificate => "proxy-document-hospital-photo",
            DisabilityHandbook => "proxy-document-disability-handbook",
            RehabilitationHandbook => "proxy-document-rehabilitation-handbook",
            WelfareServiceCertificate => "proxy-document-welfare-service",
            IndependenceSupportCertificate => "proxy-document-independence-support",
            SpecialChildAllowanceCertificate => "proxy-document-special-child-allowance",
            FacilityAdmissionCertificate => "proxy-document-facility-admission",
            FacilityPhotoCertificate => "proxy-document-facility-photo",
            CareInsuranceCard => "proxy-document-care-insurance-card",
            CareCertificationNotice => "proxy-document-care-certification",
            CareManagerPhotoCertificate => "proxy-document-care-manager-photo",
            MaternityHandbook => "proxy-document-maternity-handbook",
            PregnancyCheckupReceipt => "proxy-document-pregnancy-receipt",
            CompanyOrder => "proxy-document-company-order",
            VisaCopy => "proxy-document-visa",
            ForeignStudentCard => "proxy-document-foreign-student-card",
            SupportAgencyCertificate => "proxy-document-support-agency",
        }
    }
}

/// What proof a reason needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofRule {
    /// No separate document; the message (`proxy-no-proof-…`) says why.
    NotNeeded { why_key: &'static str },
    /// One of these documents.
    Document(&'static [ProofDocument]),
}

impl ProofRule {
    pub fn needs_document(self) -> bool {
        matches!(self, ProofRule::Document(_))
    }
}

/// The proof table (§8.2), in one function: which reasons need a document, and which documents are accepted.
pub fn proof_rule(reason: ProxyReason) -> ProofRule {
    use ProofDocument::*;
    use ProxyReason::*;
    match reason {
        // The 登記事項証明書 that proves the guardian's authority doubles as proof.
        AdultWard => ProofRule::NotNeeded { why_key: "proxy-no-proof-adult-ward" },
        Assisted => ProofRule::NotNeeded { why_key: "proxy-no-proof-assisted" },
        // Age is shown by the child's identity document.
        Child => ProofRule::NotNeeded { why_key: "proxy-no-proof-child" },
        // Age is shown by the identity document; the letter of attorney must state 外出困難.
        Aged75 => ProofRule::NotNeeded { why_key: "proxy-no-proof-aged75" },
        HighSchoolStudent => ProofRule::Document(&[StudentCard, EnrolmentCertificate]),
        LongHospitalStay => {
            ProofRule::Document(&[MedicalCertificate, AdmissionPlan, HospitalReceipt, HospitalPhotoCertificate])
        }
        Disability => ProofRule::Document(&[
            DisabilityHandbook,
            RehabilitationHandbook,
            WelfareServiceCertificate,
            IndependenceSupportCertificate,
            SpecialChildAllowanceCertificate,
        ]),
        FacilityResident => ProofRule::Document(&[FacilityAdmissionCertificate, FacilityPhotoCertificate]),
        // 要介護・要支援 is NOT exempt (§8.2).
        CareNeed => ProofRule::Document(&[CareInsuranceCard, CareCertificationNotice, CareManagerPhotoCertificate]),
        Pregnancy => ProofRule::Document(&[MaternityHandbook, PregnancyCheckupReceipt]),
        LongBusinessTrip => ProofRule::Document(&[CompanyOrder]),
        StudyingAbroad => ProofRule::Document(&[VisaCopy, ForeignStudentCard]),
        Hikikomori => ProofRule::Document(&[SupportAgencyCertificate]),
    }
}

impl ProxyReason {
    pub const ALL: [ProxyReason; 13] = [
        ProxyReason::AdultWard,
        ProxyReason::Assisted,
        ProxyReason::Child,
        ProxyReason::Aged75,
        ProxyReason::LongHospitalStay,
        ProxyReason::Disability,
        ProxyReason::FacilityResident,
        ProxyReason::CareNeed,
        ProxyReason::Pregnancy,
        ProxyReason::HighSchoolStudent,
        ProxyReason::LongBusinessTrip,
        ProxyReason::StudyingAbroad,
        ProxyReason::Hikikomori,
    ];

    pub fn code(self) -> &'static str {
        use ProxyReason::*;
        match self {
            AdultWard => "adult_ward",
            Assisted => "assisted",
            Child => "child",
            Aged75 => "aged_75",
            LongHospitalStay => "long_hospital_stay",
            Disability => "disability",
            FacilityResident => "facility_resident",
            CareNeed => "care_need",
            Pregnancy => "pregnancy",
            HighSchoolStudent => "high_school_student",
            LongBusinessTrip => "long_business_trip",
            StudyingAbroad => "studying_abroad",
            Hikikomori => "hikikomori",
        }
    }

    pub fn message_key(self) -> &'static str {
        use ProxyReason::*;
        match self {
            AdultWard => "proxy-reason-adult-ward",
            Assisted => "proxy-reason-assisted",
            Child => "proxy-reason-child",
            Aged75 => "proxy-reason-aged75",
            LongHospitalStay => "proxy-reason-long-hospital-stay",
            Disability => "proxy-reason-disability",
            FacilityResident => "proxy-reason-facility-resident",
            CareNeed => "proxy-reason-care-need",
            Pregnancy => "proxy-reason-pregnancy",
            HighSchoolStudent => "proxy-reason-high-school-student",
            LongBusinessTrip => "proxy-reason-long-business-trip",
            StudyingAbroad => "proxy-reason-studying-abroad",
            Hikikomori => "proxy-reason-hikikomori",
        }
    }

    pub fn proof(self) -> ProofRule {
        proof_rule(self)
    }
}

impl FromStr for ProxyReason {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, ProxyError> {
        ProxyReason::ALL.into_iter().find(|r| r.code() == s).ok_or(ProxyError::ReasonMissing)
    }
}

/// Which kinds of request an authority covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    CardApplication,
    QualificationCertificate,
    ExpressIssuance,
    Newborn,
    OutreachBooking,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::CardApplication,
        Scope::QualificationCertificate,
        Scope::ExpressIssuance,
        Scope::Newborn,
        Scope::OutreachBooking,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Scope::CardApplication => "card_application",
            Scope::QualificationCertificate => "qualification_certificate",
            Scope::ExpressIssuance => "express_issuance",
            Scope::Newborn => "newborn",
            Scope::OutreachBooking => "outreach_booking",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Scope::CardApplication => "proxy-scope-card-application",
            Scope::QualificationCertificate => "proxy-scope-qualification-certificate",
            Scope::ExpressIssuance => "proxy-scope-express-issuance",
            Scope::Newborn => "proxy-scope-newborn",
            Scope::OutreachBooking => "proxy-scope-outreach-booking",
        }
    }

    /// Parses the stored list (`card_application,newborn`); unknown codes are skipped.
    pub fn parse_list(text: &str) -> Vec<Scope> {
        Scope::ALL.into_iter().filter(|s| text.split(',').any(|c| c.trim() == s.code())).collect()
    }

    /// The stored list, in the canonical order.
    pub fn to_list(scopes: &[Scope]) -> String {
        Scope::ALL.into_iter().filter(|s| scopes.contains(s)).map(Scope::code).collect::<Vec<_>>().join(",")
    }
}

/// 成年年齢 (民法4条): 18.
pub const AGE_OF_MAJORITY: u32 = 18;
/// The 75+ exemption.
pub const SENIOR_AGE: u32 = 75;
/// An end date may be at most this many years ahead: authorities are renewed, not open-ended.
pub const MAX_TERM_YEARS: u32 = 3;

/// The last day of junior-high-school age for someone born on `birth`: the end (31 March) of the school year in
/// which they reach 15 (学校教育法17条: 満15歳に達した日の属する学年の終わり). A person "reaches" an age the day
/// before the birthday (年齢計算ニ関スル法律), so a child born on 1 April reaches 15 on 31 March and leaves a
/// school year earlier than one born on 2 April.
pub fn end_of_junior_high_age(birth: NaiveDate) -> NaiveDate {
    let fifteenth = birth.checked_add_months(Months::new(15 * 12)).unwrap_or(NaiveDate::MAX);
    let reached = fifteenth.pred_opt().unwrap_or(fifteenth);
    let end_year = if reached.month() <= 3 { reached.year() } else { reached.year() + 1 };
    NaiveDate::from_ymd_opt(end_year, 3, 31).unwrap_or(NaiveDate::MAX)
}

/// Why an authority cannot be recorded as given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error("no relationship chosen")]
    RelationshipMissing,
    #[error("no reason chosen")]
    ReasonMissing,
    #[error("the person is not born yet on that date")]
    NotBorn,
    #[error("a parent acts for a minor only")]
    ParentOfAdult { age: u32 },
    #[error("this reason needs an adult guardian (成年後見人・保佐人・補助人)")]
    NeedsGuardian,
    #[error("this reason needs a parent (法定代理人)")]
    NeedsParent,
    #[error("the child is older than junior-high-school age")]
    ChildTooOld { age: u32 },
    #[error("the 75+ exemption needs age 75 or over")]
    TooYoungFor75 { age: u32 },
    #[error("the 75+ exemption needs going out to be difficult")]
    GoingOutNotStated,
    #[error("no scope chosen")]
    ScopeMissing,
    #[error("this relationship needs an end date")]
    EndDateMissing,
    #[error("the end date is in the past")]
    EndDatePast,
    #[error("the end date is more than {years} years ahead")]
    EndDateTooFar { years: u32, latest: String },
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-proxy-relationship-missing",
    "err-proxy-reason-missing",
    "err-proxy-not-born",
    "err-proxy-parent-of-adult",
    "err-proxy-needs-guardian",
    "err-proxy-needs-parent",
    "err-proxy-child-too-old",
    "err-proxy-too-young-for-75",
    "err-proxy-going-out",
    "err-proxy-scope-missing",
    "err-proxy-end-date-missing",
    "err-proxy-end-date-past",
    "err-proxy-end-date-too-far",
];

impl FieldMessage for ProxyError {
    fn key(&self) -> &'static str {
        match self {
            ProxyError::RelationshipMissing => "err-proxy-relationship-missing",
            ProxyError::ReasonMissing => "err-proxy-reason-missing",
            ProxyError::NotBorn => "err-proxy-not-born",
            ProxyError::ParentOfAdult { .. } => "err-proxy-parent-of-adult",
            ProxyError::NeedsGuardian => "err-proxy-needs-guardian",
            ProxyError::NeedsParent => "err-proxy-needs-parent",
            ProxyError::ChildTooOld { .. } => "err-proxy-child-too-old",
            ProxyError::TooYoungFor75 { .. } => "err-proxy-too-young-for-75",
            ProxyError::GoingOutNotStated => "err-proxy-going-out",
            ProxyError::ScopeMissing => "err-proxy-scope-missing",
            ProxyError::EndDateMissing => "err-proxy-end-date-missing",
            ProxyError::EndDatePast => "err-proxy-end-date-past",
            ProxyError::EndDateTooFar { .. } => "err-proxy-end-date-too-far",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ProxyError::ParentOfAdult { age } | ProxyError::ChildTooOld { age } | ProxyError::TooYoungFor75 { age } => {
                vec![("age", age.to_string())]
            }
            ProxyError::EndDateTooFar { years, latest } => {
                vec![("years", years.to_string()), ("latest", latest.clone())]
            }
            _ => Vec::new(),
        }
    }
}

/// Which field of the relationship page an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorityField {
    Relationship,
    Reason,
    GoingOutDifficult,
}

impl ProxyError {
    pub fn field(&self) -> AuthorityField {
        match self {
            ProxyError::RelationshipMissing | ProxyError::ParentOfAdult { .. } => AuthorityField::Relationship,
            ProxyError::GoingOutNotStated => AuthorityField::GoingOutDifficult,
            _ => AuthorityField::Reason,
        }
    }
}

/// Checks that `relationship` and `reason` fit together and fit the ward's age on `on` (today): a parent acts
/// for a minor; 成年被後見人 and 被保佐人・被補助人 need an adult guardian; the child exemption needs a parent and
/// junior-high age or younger ([`end_of_junior_high_age`]); the 75+ exemption needs 75 or over on `on` and
/// going out to be difficult, stated.
pub fn check_authority(
    relationship: Relationship,
    reason: ProxyReason,
    ward_birth: NaiveDate,
    on: NaiveDate,
    going_out_difficult: bool,
) -> Result<(), ProxyError> {
    if on < ward_birth {
        return Err(ProxyError::NotBorn);
    }
    let age = full_years(ward_birth, on);
    if relationship == Relationship::Parent && age >= AGE_OF_MAJORITY {
        return Err(ProxyError::ParentOfAdult { age });
    }
    match reason {
        ProxyReason::AdultWard | ProxyReason::Assisted if relationship != Relationship::AdultGuardian => {
            Err(ProxyError::NeedsGuardian)
        }
        ProxyReason::Child if relationship != Relationship::Parent => Err(ProxyError::NeedsParent),
        ProxyReason::Child if on > end_of_junior_high_age(ward_birth) => Err(ProxyError::ChildTooOld { age }),
        ProxyReason::Aged75 if age < SENIOR_AGE => Err(ProxyError::TooYoungFor75 { age }),
        ProxyReason::Aged75 if !going_out_difficult => Err(ProxyError::GoingOutNotStated),
        _ => Ok(()),
    }
}

/// Checks the scope (at least one kind of request) and the end date: required for appointed representatives
/// and support workers; when given, not before `today` and at most [`MAX_TERM_YEARS`] years after it.
pub fn check_term(
    relationship: Relationship,
    scopes: &[Scope],
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), ProxyError> {
    if scopes.is_empty() {
        return Err(ProxyError::ScopeMissing);
    }
    check_end_date(relationship, ends_on, today)
}

/// The end-date half of [`check_term`].
pub fn check_end_date(
    relationship: Relationship,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), ProxyError> {
    let latest = latest_end_date(today);
    match ends_on {
        None if relationship.needs_end_date() => Err(ProxyError::EndDateMissing),
        None => Ok(()),
        Some(d) if d < today => Err(ProxyError::EndDatePast),
        Some(d) if d > latest => {
            Err(ProxyError::EndDateTooFar { years: MAX_TERM_YEARS, latest: latest.format("%Y-%m-%d").to_string() })
        }
        Some(_) => Ok(()),
    }
}

/// The latest end date allowed when starting on `today`.
pub fn latest_end_date(today: NaiveDate) -> NaiveDate {
    today.checked_add_months(Months::new(MAX_TERM_YEARS * 12)).unwrap_or(NaiveDate::MAX)
}

/// The largest proof document accepted: 5 MB.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// The content type of a proof document, judged by its first bytes (never by its name): PDF (`%PDF`), JPEG
/// (`FF D8 FF`) or PNG (`89 50 4E 47 0D 0A 1A 0A`). `None` for anything else.
pub fn document_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// The name a proof document is kept and handed out under: made by the server from the detected type (never
/// the browser's name, which could be `proof.html`), with the record's id when there is one.
pub fn document_file_name(id: Option<&str>, content_type: &str) -> String {
    let extension = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    };
    let id: String = id.unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    if id.is_empty() { format!("proof.{extension}") } else { format!("proof-{id}.{extension}") }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn document_names_come_from_the_detected_type() {
        assert_eq!(document_file_name(None, "application/pdf"), "proof.pdf");
        assert_eq!(document_file_name(Some("0b1e-77\"/x"), "image/jpeg"), "proof-0b1e77x.jpg");
        assert_eq!(document_file_name(Some("abc"), "image/png"), "proof-abc.png");
        assert_eq!(document_file_name(Some("abc"), "text/html"), "proof-abc.bin");
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(crate) fn every_variant() -> Vec<ProxyError> {
        vec![
            ProxyError::RelationshipMissing,
            ProxyError::ReasonMissing,
            ProxyError::NotBorn,
            ProxyError::ParentOfAdult { age: 20 },
            ProxyError::NeedsGuardian,
            ProxyError::NeedsParent,
            ProxyError::ChildTooOld { age: 16 },
            ProxyError::TooYoungFor75 { age: 60 },
            ProxyError::GoingOutNotStated,
            ProxyError::ScopeMissing,
            ProxyError::EndDateMissing,
            ProxyError::EndDatePast,
            ProxyError::EndDateTooFar { years: 3, latest: "2029-01-01".into() },
        ]
    }

    #[test]
    fn exactly_the_four_exempt_reasons_need_no_document() {
        let exempt: Vec<_> = ProxyReason::ALL.into_iter().filter(|r| !r.proof().needs_document()).collect();
        assert_eq!(
            exempt,
            vec![ProxyReason::AdultWard, ProxyReason::Assisted, ProxyReason::Child, ProxyReason::Aged75]
        );
        assert!(proof_rule(ProxyReason::CareNeed).needs_document(), "要介護 is not exempt");
        for r in ProxyReason::ALL {
            if let ProofRule::Document(docs) = r.proof() {
                assert!(!docs.is_empty(), "{r:?}");
            }
        }
        assert_eq!(
            proof_rule(ProxyReason::Disability),
            ProofRule::Document(&[
                ProofDocument::DisabilityHandbook,
                ProofDocument::RehabilitationHandbook,
                ProofDocument::WelfareServiceCertificate,
                ProofDocument::IndependenceSupportCertificate,
                ProofDocument::SpecialChildAllowanceCertificate,
            ])
        );
    }

    #[test]
    fn documents_are_recognised_by_content_not_name() {
        assert_eq!(document_type(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(document_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(document_type(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some("image/png"));
        assert_eq!(document_type(b"just text, named scan.pdf"), None);
        assert_eq!(document_type(b"%PD"), None);
        assert_eq!(document_type(b""), None);
    }

    #[test]
    fn codes_round_trip() {
        for r in ProxyReason::ALL {
            assert_eq!(r.code().parse::<ProxyReason>(), Ok(r));
        }
        for r in Relationship::ALL {
            assert_eq!(r.code().parse::<Relationship>(), Ok(r));
        }
        assert_eq!("x".parse::<Relationship>(), Err(ProxyError::RelationshipMissing));
        let list = Scope::to_list(&[Scope::Newborn, Scope::CardApplication]);
        assert_eq!(list, "card_application,newborn");
        assert_eq!(Scope::parse_list(&list), vec![Scope::CardApplication, Scope::Newborn]);
        assert_eq!(Scope::parse_list(""), vec![]);
    }

    #[test]
    fn the_75_exemption_is_checked_against_the_date_of_birth() {
        let today = d("2026-06-01");
        let ok = check_authority(Relationship::Family, ProxyReason::Aged75, d("1946-05-31"), today, true);
        assert_eq!(ok, Ok(()));
        assert_eq!(
            check_authority(Relationship::Family, ProxyReason::Aged75, d("1966-01-01"), today, true),
            Err(ProxyError::TooYoungFor75 { age: 60 })
        );
        // 75 tomorrow is not 75 today.
        assert_eq!(
            check_authority(Relationship::Appointed, ProxyReason::Aged75, d("1951-06-02"), today, true),
            Err(ProxyError::TooYoungFor75 { age: 74 })
        );
        assert_eq!(
            check_authority(Relationship::Appointed, ProxyReason::Aged75, d("1940-01-01"), today, false),
            Err(ProxyError::GoingOutNotStated)
        );
    }

    #[test]
    fn junior_high_age_ends_with_the_school_year_of_the_fifteenth_birthday() {
        // Born 2 April 2011: reaches 15 on 1 April 2026, so school year 2026 (to 31 March 2027).
        assert_eq!(end_of_junior_high_age(d("2011-04-02")), d("2027-03-31"));
        // Born 1 April 2011: reaches 15 on 31 March 2026, school year 2025 ends that day.
        assert_eq!(end_of_junior_high_age(d("2011-04-01")), d("2026-03-31"));
        assert_eq!(end_of_junior_high_age(d("2011-12-25")), d("2027-03-31"));
        let p = Relationship::Parent;
        assert_eq!(check_authority(p, ProxyReason::Child, d("2011-04-02"), d("2027-03-31"), false), Ok(()));
        assert_eq!(
            check_authority(p, ProxyReason::Child, d("2011-04-02"), d("2027-04-01"), false),
            Err(ProxyError::ChildTooOld { age: 15 })
        );
        assert_eq!(
            check_authority(p, ProxyReason::Child, d("2020-01-01"), d("2019-01-01"), false),
            Err(ProxyError::NotBorn)
        );
        assert_eq!(
            check_authority(Relationship::Family, ProxyReason::Child, d("2020-01-01"), d("2026-01-01"), false),
            Err(ProxyError::NeedsParent)
        );
    }

    #[test]
    fn relationships_fit_the_reason_and_age() {
        let today = d("2026-06-01");
        assert_eq!(
            check_authority(Relationship::Parent, ProxyReason::Disability, d("2000-01-01"), today, false),
            Err(ProxyError::ParentOfAdult { age: 26 })
        );
        assert_eq!(
            check_authority(Relationship::Parent, ProxyReason::Disability, d("2010-01-01"), today, false),
            Ok(())
        );
        assert_eq!(
            check_authority(Relationship::Family, ProxyReason::AdultWard, d("1950-01-01"), today, false),
            Err(ProxyError::NeedsGuardian)
        );
        assert_eq!(
            check_authority(Relationship::AdultGuardian, ProxyReason::Assisted, d("1950-01-01"), today, false),
            Ok(())
        );
        assert_eq!(ProxyError::ParentOfAdult { age: 1 }.field(), AuthorityField::Relationship);
        assert_eq!(ProxyError::GoingOutNotStated.field(), AuthorityField::GoingOutDifficult);
        assert_eq!(ProxyError::NeedsGuardian.field(), AuthorityField::Reason);
    }

    #[test]
    fn appointed_representatives_and_support_workers_give_an_end_date_within_three_years() {
        let today = d("2026-06-01");
        let all = [Scope::CardApplication];
        assert_eq!(check_term(Relationship::Appointed, &all, None, today), Err(ProxyError::EndDateMissing));
        assert_eq!(check_term(Relationship::SupportWorker, &all, None, today), Err(ProxyError::EndDateMissing));
        assert_eq!(check_term(Relationship::Family, &all, None, today), Ok(()));
        assert_eq!(check_term(Relationship::Appointed, &[], Some(today), today), Err(ProxyError::ScopeMissing));
        assert_eq!(check_term(Relationship::Appointed, &all, Some(today), today), Ok(()));
        assert_eq!(
            check_term(Relationship::Appointed, &all, Some(d("2026-05-31")), today),
            Err(ProxyError::EndDatePast)
        );
        assert_eq!(check_term(Relationship::Appointed, &all, Some(d("2029-06-01")), today), Ok(()));
        assert_eq!(
            check_term(Relationship::SupportWorker, &all, Some(d("2029-06-02")), today),
            Err(ProxyError::EndDateTooFar { years: 3, latest: "2029-06-01".into() })
        );
    }
}
