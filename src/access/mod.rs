//! Who may see a person's records: the one access policy of the service, as data and small functions.
//!
//! A person sees a record only when it is theirs, when they act for its subject with an authority that covers
//! it today, or when it is their organisation's business. Each relationship that grants access is one variant
//! of [`Relationship`], and [`grants`] says whether it does in a given state; [`sql`] writes the same rules as
//! SQL, one builder per relationship, for the store's queries. A new service adds its [`RecordKind`] here (the
//! authority scope that covers it, and whose business it is on the organisation side) and its queries compose
//! [`sql::visible`]; nothing else decides visibility.

pub mod sql;

use chrono::NaiveDate;

use crate::domain::proxy::Scope;

/// A kind of record about a person. Each is covered by one authority scope on the subject's side, and is the
/// business of one kind of organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// Qualification-certificate requests, their status letters, certificates and their files, the automatic
    /// renewal switch, enrolment records and "my registration".
    QualificationCertificate,
    /// Ordinary My Number Card applications and their photos.
    CardApplication,
    /// Express card issuance (特急発行).
    ExpressIssuance,
    /// Card applications for newborns and infants.
    Newborn,
    /// Outreach bookings (出張申請受付).
    OutreachBooking,
}

/// Whose business a kind of record is, besides its subject's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Organisation {
    /// Officers of the record's insurer (the `insurer_officer` role for that insurer).
    Insurer,
    /// Officers of the subject's municipality (the `municipal_officer` role for that municipality).
    Municipality,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::QualificationCertificate,
        RecordKind::CardApplication,
        RecordKind::ExpressIssuance,
        RecordKind::Newborn,
        RecordKind::OutreachBooking,
    ];

    /// The authority scope a representative needs to see records of this kind.
    pub fn scope(self) -> Scope {
        match self {
            RecordKind::QualificationCertificate => Scope::QualificationCertificate,
            RecordKind::CardApplication => Scope::CardApplication,
            RecordKind::ExpressIssuance => Scope::ExpressIssuance,
            RecordKind::Newborn => Scope::Newborn,
            RecordKind::OutreachBooking => Scope::OutreachBooking,
        }
    }

    /// Whose business it is: qualification certificates are the insurer's; cards and bookings the
    /// municipality's. A municipality that is also an insurer (国保) acts as an insurer only through officers
    /// with the insurer role.
    pub fn organisation(self) -> Organisation {
        match self {
            RecordKind::QualificationCertificate => Organisation::Insurer,
            RecordKind::CardApplication
            | RecordKind::ExpressIssuance
            | RecordKind::Newborn
            | RecordKind::OutreachBooking => Organisation::Municipality,
        }
    }

    /// The kind of the records a request of this kind (`requests.kind`) makes. A card request's kind also
    /// depends on its reason: see [`RecordKind::of_card_request`]; this is the kind of the non-infant ones.
    pub fn of_request(kind: crate::requests::RequestKind) -> RecordKind {
        match kind {
            crate::requests::RequestKind::Certificate => RecordKind::QualificationCertificate,
            crate::requests::RequestKind::Card => RecordKind::ExpressIssuance,
        }
    }

    /// The kind of a card request by its reason (`requests.reason`, repeating `card_requests.reason`): an
    /// infant's first card is a `newborn` record, an application taken at an outreach session an ordinary
    /// `card_application`, the others `express_issuance`.
    pub fn of_card_request(reason: crate::domain::card_validity::ExpressReason) -> RecordKind {
        use crate::domain::card_validity::ExpressReason;
        match reason {
            ExpressReason::Infant => RecordKind::Newborn,
            ExpressReason::Outreach => RecordKind::CardApplication,
            ExpressReason::Lost | ExpressReason::NewlyRegistered => RecordKind::ExpressIssuance,
        }
    }
}

/// An authority (代理) as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    pub state: AuthorityState,
    /// The first day it counts; `None`: from its approval.
    pub starts_on: Option<NaiveDate>,
    /// The last day it counts (the end date itself still counts); `None`: until it is ended.
    pub ends_on: Option<NaiveDate>,
    pub scope: Vec<Scope>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorityState {
    Pending,
    Approved,
    Declined,
    Ended,
}

impl AuthorityState {
    pub fn from_code(code: &str) -> Option<AuthorityState> {
        Some(match code {
            "pending" => AuthorityState::Pending,
            "approved" => AuthorityState::Approved,
            "declined" => AuthorityState::Declined,
            "ended" => AuthorityState::Ended,
            _ => return None,
        })
    }
}

impl Authority {
    /// Approved, started and not past its end date: the representative may act for the ward today (switch to
    /// them, read their access log), whatever the scope.
    pub fn in_term(&self, today: NaiveDate) -> bool {
        self.state == AuthorityState::Approved
            && self.starts_on.is_none_or(|s| s <= today)
            && self.ends_on.is_none_or(|e| today <= e)
    }

    /// In term and covering this kind of record.
    pub fn covers(&self, kind: RecordKind, today: NaiveDate) -> bool {
        self.in_term(today) && self.scope.contains(&kind.scope())
    }
}

/// A resident's place at a facility, as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Residence {
    /// The day they left (from that day on they no longer live there); `None` while they live there.
    pub left_on: Option<NaiveDate>,
    /// Their consent to the facility's help is recorded and not withdrawn.
    pub consent: bool,
}

impl Residence {
    /// Lives there today and consents. Staff who join later are covered while both hold.
    pub fn counts(&self, today: NaiveDate) -> bool {
        self.consent && self.left_on.is_none_or(|l| today < l)
    }
}

/// How a viewer stands to a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Relationship {
    /// The person the record is about.
    Subject,
    /// Holds an authority over the subject.
    Representative(Authority),
    /// Works for a facility where the subject is (or was) a resident.
    FacilityStaff(Residence),
    /// An officer; `of_the_record`: of the record's insurer or the subject's municipality, whichever
    /// `organisation` names.
    Officer { organisation: Organisation, of_the_record: bool },
    /// Manages staff and organisations, not residents' records.
    Administrator,
}

/// Whether `relationship` lets its holder see a record of `kind` on `today`.
pub fn grants(relationship: &Relationship, kind: RecordKind, today: NaiveDate) -> bool {
    match relationship {
        Relationship::Subject => true,
        Relationship::Representative(a) => a.covers(kind, today),
        Relationship::FacilityStaff(r) => r.counts(today),
        Relationship::Officer { organisation, of_the_record } => *of_the_record && *organisation == kind.organisation(),
        Relationship::Administrator => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const TODAY: &str = "2026-12-03";

    fn authority(state: AuthorityState, starts: Option<&str>, ends: Option<&str>, scope: &[Scope]) -> Relationship {
        Relationship::Representative(Authority {
            state,
            starts_on: starts.map(day),
            ends_on: ends.map(day),
            scope: scope.to_vec(),
        })
    }

    fn sees(r: &Relationship, kind: RecordKind) -> bool {
        grants(r, kind, day(TODAY))
    }

    const QC: RecordKind = RecordKind::QualificationCertificate;
    const ALL_SCOPES: [Scope; 5] = Scope::ALL;

    #[test]
    fn the_subject_sees_every_kind_of_their_records() {
        assert!(RecordKind::ALL.iter().all(|k| sees(&Relationship::Subject, *k)));
    }

    #[test]
    fn a_representative_sees_only_while_the_authority_is_approved() {
        for (state, expected) in [
            (AuthorityState::Pending, false),
            (AuthorityState::Approved, true),
            (AuthorityState::Declined, false),
            (AuthorityState::Ended, false),
        ] {
            assert_eq!(sees(&authority(state, None, None, &ALL_SCOPES), QC), expected, "{state:?}");
        }
    }

    #[test]
    fn a_representative_sees_from_the_start_to_the_end_date_inclusive() {
        let approved = |s, e| authority(AuthorityState::Approved, s, e, &ALL_SCOPES);
        assert!(sees(&approved(Some(TODAY), None), QC), "starts today");
        assert!(!sees(&approved(Some("2026-12-04"), None), QC), "starts tomorrow");
        assert!(sees(&approved(None, Some(TODAY)), QC), "the end date itself still counts");
        assert!(!sees(&approved(None, Some("2026-12-02")), QC), "ended yesterday");
        assert!(sees(&approved(Some("2026-01-01"), Some("2027-01-01")), QC));
    }

    #[test]
    fn a_representative_sees_only_the_kinds_in_scope() {
        let cards_only = authority(AuthorityState::Approved, None, None, &[Scope::CardApplication]);
        assert!(!sees(&cards_only, QC));
        assert!(sees(&cards_only, RecordKind::CardApplication));
        assert!(!sees(&cards_only, RecordKind::ExpressIssuance));
        for kind in RecordKind::ALL {
            let only = authority(AuthorityState::Approved, None, None, &[kind.scope()]);
            assert!(RecordKind::ALL.iter().all(|k| sees(&only, *k) == (*k == kind)), "{kind:?}");
        }
    }

    #[test]
    fn an_authority_out_of_term_is_not_in_term_whatever_its_scope() {
        let a = Authority {
            state: AuthorityState::Approved,
            starts_on: None,
            ends_on: Some(day(TODAY)),
            scope: vec![Scope::Newborn],
        };
        assert!(a.in_term(day(TODAY)));
        assert!(!a.in_term(day("2026-12-04")));
        assert!(!Authority { state: AuthorityState::Pending, ..a }.in_term(day(TODAY)));
    }

    #[test]
    fn facility_staff_see_while_the_resident_lives_there_and_consents() {
        let staff =
            |left: Option<&str>, consent| Relationship::FacilityStaff(Residence { left_on: left.map(day), consent });
        assert!(sees(&staff(None, true), QC), "consent, living there");
        assert!(!sees(&staff(None, false), QC), "consent withdrawn or never given");
        assert!(!sees(&staff(Some(TODAY), true), QC), "left today");
        assert!(!sees(&staff(Some("2026-11-01"), true), QC), "left before");
        assert!(sees(&staff(Some("2026-12-31"), true), QC), "leaves later this month");
    }

    #[test]
    fn officers_see_their_organisations_business_only() {
        let insurer = |of| Relationship::Officer { organisation: Organisation::Insurer, of_the_record: of };
        let municipal = |of| Relationship::Officer { organisation: Organisation::Municipality, of_the_record: of };
        assert!(sees(&insurer(true), QC));
        assert!(!sees(&insurer(false), QC), "another insurer");
        assert!(!sees(&municipal(true), QC), "certificates are the insurer's business");
        assert!(sees(&municipal(true), RecordKind::CardApplication));
        assert!(!sees(&municipal(false), RecordKind::CardApplication), "another municipality");
        assert!(!sees(&insurer(true), RecordKind::CardApplication));
    }

    #[test]
    fn administrators_see_no_residents_records() {
        assert!(RecordKind::ALL.iter().all(|k| !sees(&Relationship::Administrator, *k)));
    }

    #[test]
    fn every_kind_has_its_own_scope() {
        let scopes: std::collections::HashSet<Scope> = RecordKind::ALL.iter().map(|k| k.scope()).collect();
        assert_eq!(scopes.len(), Scope::ALL.len());
    }
}
