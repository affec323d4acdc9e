//! My Number Card and electronic-certificate validity (dates-and-cards.md §6).
//!
//! All the age rules live here, so that a change (for example a separate rule for infants' cards)
//! is made in one place.

use chrono::{Datelike, NaiveDate};

use super::wareki_date::full_years;

/// Birthdays after issue until a card of a holder at or above the adult threshold expires.
pub const ADULT_CARD_BIRTHDAYS: u32 = 10;
/// Birthdays after issue until a card of a younger holder expires (face changes).
pub const MINOR_CARD_BIRTHDAYS: u32 = 5;
/// Birthdays after issue until the electronic certificates expire, whatever the age.
pub const ECERT_BIRTHDAYS: u32 = 5;

/// Applications received by J-LIS on or after this date use the adult threshold 18 (before: 20).
pub fn threshold_change_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// The age from which a card gets the 10-birthday validity: 18 for applications received on or
/// after 2022-04-01, 20 before.
pub fn adult_age_threshold(applied: NaiveDate) -> u32 {
    if applied >= threshold_change_date() { 18 } else { 20 }
}

/// The birthday of someone born on `birth` in `year`; 29 February becomes 28 February in non-leap
/// years (INFERENCE in dates-and-cards.md §6.3; no source found).
fn birthday_in(birth: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28).filter(|_| birth.month() == 2))
}

/// The `n`-th birthday strictly after `issue` (「発行の日後の n 回目の誕生日」), as in `wareki.py`.
/// A card issued on a birthday does not count that day. If `issue` is before `birth`, counting
/// starts from the birth. `None` when `n` is 0 or the date is beyond chrono's range.
pub fn nth_birthday_after(issue: NaiveDate, birth: NaiveDate, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        return None;
    }
    let from = issue.max(birth);
    let this_year = birthday_in(birth, from.year())?;
    let first_year = if this_year > from { from.year() } else { from.year().checked_add(1)? };
    let year = first_year.checked_add(i32::try_from(n - 1).ok()?)?;
    birthday_in(birth, year)
}

fn nth_birthday_or_max(issue: NaiveDate, birth: NaiveDate, n: u32) -> NaiveDate {
    nth_birthday_after(issue, birth, n).unwrap_or(NaiveDate::MAX)
}

/// How many birthdays after issue the card body is valid for, from the age on the J-LIS
/// 申請受付日 (not the issue or pick-up date).
pub fn card_birthdays(birth: NaiveDate, applied: NaiveDate) -> u32 {
    if full_years(birth, applied) >= adult_age_threshold(applied) { ADULT_CARD_BIRTHDAYS } else { MINOR_CARD_BIRTHDAYS }
}

/// (card expiry, electronic-certificate expiry) for a card applied for on `applied` (J-LIS 申請受付日)
/// and issued on `issued` (J-LIS 発行日). Holders at or above [`adult_age_threshold`] on `applied`:
/// 10th birthday after issue; others 5th. E-certificates: 5th birthday after issue.
/// (Foreign residents' cards are further capped by the period of stay; that is not modelled here.)
pub fn my_number_card_expiry(birth: NaiveDate, applied: NaiveDate, issued: NaiveDate) -> (NaiveDate, NaiveDate) {
    (nth_birthday_or_max(issued, birth, card_birthdays(birth, applied)), electronic_certificate_expiry(birth, issued))
}

/// Electronic certificates (署名用・利用者証明用): 5th birthday after issue.
pub fn electronic_certificate_expiry(birth: NaiveDate, issued: NaiveDate) -> NaiveDate {
    nth_birthday_or_max(issued, birth, ECERT_BIRTHDAYS)
}

/// Card of an infant (applied for under 1, photo-less): the under-18 rule, 5th birthday after issue.
/// No separate source was found (README decision); change [`MINOR_CARD_BIRTHDAYS`] or this
/// function if one appears.
pub fn infant_card_expiry(birth: NaiveDate, issued: NaiveDate) -> NaiveDate {
    nth_birthday_or_max(issued, birth, MINOR_CARD_BIRTHDAYS)
}

/// Express issuance (特急発行, §6.4) mails the card within this many days of the application.
pub const EXPRESS_TARGET_DAYS: i64 = 7;
/// Days after the trigger date (which itself is not counted) in which express issuance may be asked for.
pub const EXPRESS_WINDOW_DAYS: i64 = 30;

/// An ordinary card application (通常の交付申請) is mailed about this many weeks after it was taken: the
/// national plan says about one month for ordinary issuance. The one place this number lives: the pages and
/// mails of an application taken at an outreach session say it (and the date it gives).
pub const ORDINARY_ISSUANCE_WEEKS: i64 = 4;

/// The day an ordinary application taken on `applied` should be mailed by, about ([`ORDINARY_ISSUANCE_WEEKS`]).
pub fn ordinary_mailing_date(applied: NaiveDate) -> NaiveDate {
    applied.checked_add_signed(chrono::Duration::weeks(ORDINARY_ISSUANCE_WEEKS)).unwrap_or(applied)
}

/// Why a card is asked for (`card_requests.reason`): the express cases of §6.4 this portal offers, and the
/// ordinary application an officer takes at an outreach session (出張申請), which is not express. Stored as its
/// code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpressReason {
    /// First card of a child under one (trigger: the date of birth), usually with the birth registration.
    Infant,
    /// New card after a loss (trigger: the day the loss was reported).
    Lost,
    /// Newly registered: moving in from abroad, or another first registration (trigger: the registration).
    NewlyRegistered,
    /// Not express: an ordinary application taken by the municipality's officer at an outreach session (trigger:
    /// the session's day), identity checked and photo taken there; the standard issuing time applies
    /// ([`ORDINARY_ISSUANCE_WEEKS`]). Never chosen by a resident: only the run sheet makes one.
    Outreach,
}

impl ExpressReason {
    /// The express reasons a resident may choose.
    pub const ALL: [ExpressReason; 3] = [ExpressReason::Infant, ExpressReason::Lost, ExpressReason::NewlyRegistered];

    pub fn code(self) -> &'static str {
        match self {
            ExpressReason::Infant => "infant",
            ExpressReason::Lost => "lost",
            ExpressReason::NewlyRegistered => "newly_registered",
            ExpressReason::Outreach => "outreach",
        }
    }

    /// Any stored reason, the outreach one too.
    pub fn from_code(code: &str) -> Option<ExpressReason> {
        ExpressReason::ALL.into_iter().chain([ExpressReason::Outreach]).find(|r| r.code() == code)
    }

    /// Express issuance (特急発行): every reason but the outreach session's ordinary application.
    pub fn is_express(self) -> bool {
        self != ExpressReason::Outreach
    }
}

/// Whether express issuance may be asked for today, and if not, why (in words the person reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpressEligibility {
    /// It may; `last_day` is the last day to send the request.
    Eligible { last_day: NaiveDate },
    /// The trigger date given is after today.
    TriggerInFuture,
    /// The window closed on `last_day` (30 days after the trigger; for infants the day before the first
    /// birthday): the normal application remains.
    WindowClosed { last_day: NaiveDate },
    /// A card was already issued after the trigger: express issuance is only for the first card after it.
    CardAlreadyIssued,
}

impl ExpressEligibility {
    pub fn is_eligible(self) -> bool {
        matches!(self, ExpressEligibility::Eligible { .. })
    }

    /// The message that says why, in plain words (in `express.ftl`); `None` when eligible.
    pub fn refusal_key(self) -> Option<&'static str> {
        match self {
            ExpressEligibility::Eligible { .. } => None,
            ExpressEligibility::TriggerInFuture => Some("express-not-eligible-future"),
            ExpressEligibility::WindowClosed { .. } => Some("express-not-eligible-window"),
            ExpressEligibility::CardAlreadyIssued => Some("express-not-eligible-card-issued"),
        }
    }
}

/// The last day a child born on `birth` is under one: the day before the first birthday.
pub fn last_day_under_one(birth: NaiveDate) -> NaiveDate {
    let first = birthday_in(birth, birth.year().saturating_add(1)).unwrap_or(NaiveDate::MAX);
    first.pred_opt().unwrap_or(first)
}

/// Express-issuance eligibility (§6.4). Infants (`trigger` = date of birth): until the day before the first
/// birthday. Other reasons: 30 days after the trigger (the trigger day itself not counted, 初日不算入), and only
/// for the first card after it (`card_issued_since_trigger`).
pub fn express_eligibility(
    reason: ExpressReason,
    trigger: NaiveDate,
    today: NaiveDate,
    card_issued_since_trigger: bool,
) -> ExpressEligibility {
    if trigger > today {
        return ExpressEligibility::TriggerInFuture;
    }
    if card_issued_since_trigger {
        return ExpressEligibility::CardAlreadyIssued;
    }
    let last_day = match reason {
        ExpressReason::Infant => last_day_under_one(trigger),
        ExpressReason::Lost | ExpressReason::NewlyRegistered | ExpressReason::Outreach => {
            trigger.checked_add_signed(chrono::Duration::days(EXPRESS_WINDOW_DAYS)).unwrap_or(NaiveDate::MAX)
        }
    };
    if today <= last_day {
        ExpressEligibility::Eligible { last_day }
    } else {
        ExpressEligibility::WindowClosed { last_day }
    }
}

/// Whether the card needs a photo: not for a child under one on the application day (photo-less card, from
/// 2024-12-02); from the first birthday on, it does.
pub fn photo_required(birth: NaiveDate, applied: NaiveDate) -> bool {
    full_years(birth, applied) >= 1
}

/// The card's validity shown before sending: the card expiry for an application sent on `applied` and
/// issued at the express target ([`EXPRESS_TARGET_DAYS`] later). Infants' cards follow the under-18 rule
/// ([`infant_card_expiry`]).
pub fn expected_card_expiry(birth: NaiveDate, applied: NaiveDate) -> NaiveDate {
    let issued = applied.checked_add_signed(chrono::Duration::days(EXPRESS_TARGET_DAYS)).unwrap_or(applied);
    if !photo_required(birth, applied) {
        return infant_card_expiry(birth, issued);
    }
    my_number_card_expiry(birth, applied, issued).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// dates-and-cards.md §6.3, every row: (birth, applied, issued, card expiry, e-cert expiry).
    #[test]
    fn shared_table() {
        let rows = [
            // adult
            (ymd(1990, 6, 15), ymd(2025, 2, 1), ymd(2025, 3, 10), ymd(2034, 6, 15), ymd(2029, 6, 15)),
            // adult, issued on birthday
            (ymd(1980, 3, 10), ymd(2025, 2, 1), ymd(2025, 3, 10), ymd(2035, 3, 10), ymd(2030, 3, 10)),
            // 17 at application
            (ymd(2007, 8, 1), ymd(2025, 2, 1), ymd(2025, 3, 10), ymd(2029, 8, 1), ymd(2029, 8, 1)),
            // 17 at application, 18 by issuance: age at application governs
            (ymd(2007, 2, 20), ymd(2025, 2, 1), ymd(2025, 3, 10), ymd(2030, 2, 20), ymd(2030, 2, 20)),
            // infant (photo-less)
            (ymd(2025, 1, 5), ymd(2025, 1, 10), ymd(2025, 1, 20), ymd(2030, 1, 5), ymd(2030, 1, 5)),
            // leap-day adult
            (ymd(1988, 2, 29), ymd(2025, 2, 1), ymd(2025, 3, 10), ymd(2035, 2, 28), ymd(2030, 2, 28)),
        ];
        for (birth, applied, issued, card, ecert) in rows {
            assert_eq!(my_number_card_expiry(birth, applied, issued), (card, ecert), "birth {birth}");
        }
        assert_eq!(infant_card_expiry(ymd(2025, 1, 5), ymd(2025, 1, 20)), ymd(2030, 1, 5));
    }

    #[test]
    fn threshold_was_20_before_april_2022() {
        assert_eq!(adult_age_threshold(ymd(2022, 3, 31)), 20);
        assert_eq!(adult_age_threshold(ymd(2022, 4, 1)), 18);
        // 19 at application on 2022-03-31: 5th birthday (養老町 table)
        let birth = ymd(2003, 1, 1);
        assert_eq!(my_number_card_expiry(birth, ymd(2022, 3, 31), ymd(2022, 4, 20)).0, ymd(2027, 1, 1));
        // the same person applying on 2022-04-01: 10th birthday
        assert_eq!(my_number_card_expiry(birth, ymd(2022, 4, 1), ymd(2022, 4, 20)).0, ymd(2032, 1, 1));
        // 20 at application before the change: 10th birthday
        assert_eq!(my_number_card_expiry(ymd(2001, 5, 5), ymd(2021, 6, 1), ymd(2021, 7, 1)).0, ymd(2031, 5, 5));
    }

    #[test]
    fn nth_birthday_cases() {
        let birth = ymd(1988, 2, 29);
        assert_eq!(nth_birthday_after(ymd(2025, 3, 10), birth, 1), Some(ymd(2026, 2, 28)));
        assert_eq!(nth_birthday_after(ymd(2025, 3, 10), birth, 3), Some(ymd(2028, 2, 29)));
        assert_eq!(nth_birthday_after(ymd(2028, 2, 29), birth, 1), Some(ymd(2029, 2, 28)));
        assert_eq!(nth_birthday_after(ymd(2027, 2, 28), birth, 1), Some(ymd(2028, 2, 29)));
        assert_eq!(nth_birthday_after(ymd(2025, 3, 10), birth, 0), None);
        // issued on the birthday: that day does not count
        assert_eq!(nth_birthday_after(ymd(2025, 3, 10), ymd(1980, 3, 10), 1), Some(ymd(2026, 3, 10)));
        // issued the day before the birthday
        assert_eq!(nth_birthday_after(ymd(2025, 3, 9), ymd(1980, 3, 10), 1), Some(ymd(2025, 3, 10)));
        // issue before birth: counting starts at birth
        assert_eq!(nth_birthday_after(ymd(2020, 1, 1), ymd(2025, 1, 5), 1), Some(ymd(2026, 1, 5)));
        assert_eq!(nth_birthday_after(NaiveDate::MAX, ymd(2000, 1, 1), 5), None);
    }

    #[test]
    fn ecert_is_always_fifth_birthday() {
        assert_eq!(electronic_certificate_expiry(ymd(1990, 6, 15), ymd(2025, 3, 10)), ymd(2029, 6, 15));
        assert_eq!(card_birthdays(ymd(1990, 6, 15), ymd(2025, 2, 1)), 10);
        assert_eq!(card_birthdays(ymd(2007, 2, 20), ymd(2025, 2, 1)), 5);
    }

    /// Validity shown before sending, for the ages the issue names (applied 2026-12-03, issued a week later).
    #[test]
    fn expected_validity_by_age() {
        let applied = ymd(2026, 12, 3);
        // 0: photo-less, the child's 5th birthday
        assert_eq!(expected_card_expiry(ymd(2026, 10, 1), applied), ymd(2031, 10, 1));
        assert!(!photo_required(ymd(2026, 10, 1), applied));
        // 3: 5th birthday after issue, photo needed
        assert_eq!(expected_card_expiry(ymd(2023, 5, 20), applied), ymd(2031, 5, 20));
        assert!(photo_required(ymd(2023, 5, 20), applied));
        // 17: 5th birthday after issue
        assert_eq!(expected_card_expiry(ymd(2009, 6, 1), applied), ymd(2031, 6, 1));
        // 18: 10th birthday after issue
        assert_eq!(expected_card_expiry(ymd(2008, 6, 1), applied), ymd(2036, 6, 1));
        // 40: 10th birthday after issue; a birthday within the week before issue is not counted
        assert_eq!(expected_card_expiry(ymd(1986, 12, 5), applied), ymd(2036, 12, 5));
        // the first birthday is the day a photo becomes needed
        assert!(!photo_required(ymd(2025, 12, 4), applied));
        assert!(photo_required(ymd(2025, 12, 3), applied));
    }

    #[test]
    fn express_windows() {
        use ExpressEligibility::*;
        let lost = ymd(2026, 11, 3);
        // 30 days after the loss (not counting the day itself) is the last day
        assert_eq!(
            express_eligibility(ExpressReason::Lost, lost, ymd(2026, 12, 3), false),
            Eligible { last_day: ymd(2026, 12, 3) }
        );
        assert_eq!(
            express_eligibility(ExpressReason::Lost, lost, ymd(2026, 12, 4), false),
            WindowClosed { last_day: ymd(2026, 12, 3) }
        );
        assert_eq!(
            express_eligibility(ExpressReason::Lost, lost, lost, false),
            Eligible { last_day: ymd(2026, 12, 3) }
        );
        assert_eq!(
            express_eligibility(ExpressReason::NewlyRegistered, ymd(2026, 12, 4), ymd(2026, 12, 3), false),
            TriggerInFuture
        );
        // the first card after the trigger only
        assert_eq!(
            express_eligibility(ExpressReason::NewlyRegistered, lost, ymd(2026, 11, 10), true),
            CardAlreadyIssued
        );
        // infants: until the day before the first birthday, not 30 days
        let birth = ymd(2026, 1, 15);
        assert_eq!(
            express_eligibility(ExpressReason::Infant, birth, ymd(2027, 1, 14), false),
            Eligible { last_day: ymd(2027, 1, 14) }
        );
        assert_eq!(
            express_eligibility(ExpressReason::Infant, birth, ymd(2027, 1, 15), false),
            WindowClosed { last_day: ymd(2027, 1, 14) }
        );
        assert_eq!(last_day_under_one(ymd(2024, 2, 29)), ymd(2025, 2, 27));
        assert!(WindowClosed { last_day: lost }.refusal_key().is_some());
        assert_eq!(Eligible { last_day: lost }.refusal_key(), None);
        for r in ExpressReason::ALL {
            assert_eq!(ExpressReason::from_code(r.code()), Some(r));
        }
    }
}
