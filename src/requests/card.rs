//! Express card requests (特急発行): the questions of each reason, one per page, and the answers they keep
//! (`card_requests.details`, JSON). The rules of dates and eligibility are in `domain::card_validity`.

use serde::{Deserialize, Serialize};

use crate::domain::card_validity::ExpressReason;
use crate::requests::RequestState;

/// A question of the card journey, by its address (`/express/{id}/{slug}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Infant: where and when the birth registration (出生届) was filed.
    BirthRegistration,
    /// Infant: the child's name and フリガナ.
    ChildName,
    /// Infant: the child's date of birth (the trigger).
    ChildBirthDate,
    /// Infant: the child's address (住民票).
    ChildAddress,
    /// Lost card: the loss report (police or lost-property reception number) and its date (the trigger).
    LossReport,
    /// Lost card: whether it was suspended through the call centre (コールセンター).
    Suspended,
    /// Newly registered: the date of the 転入届 or registration (the trigger) and the previous country.
    Registration,
    /// Lost card / newly registered: the address in the residents' register, where the card is mailed.
    DeliveryAddress,
    /// Lost card: also ask for an interim qualification certificate (資格確認書) until the card comes.
    Interim,
    /// Lost card / newly registered: the face photo, or why the standard rules cannot be met (or both).
    Photo,
    /// Standard card, or face authentication without PINs.
    CardType,
}

const ALL_STEPS: [Step; 11] = [
    Step::BirthRegistration,
    Step::ChildName,
    Step::ChildBirthDate,
    Step::ChildAddress,
    Step::LossReport,
    Step::Suspended,
    Step::Registration,
    Step::DeliveryAddress,
    Step::Interim,
    Step::Photo,
    Step::CardType,
];

impl Step {
    pub fn slug(self) -> &'static str {
        match self {
            Step::BirthRegistration => "birth-registration",
            Step::ChildName => "child-name",
            Step::ChildBirthDate => "child-birth-date",
            Step::ChildAddress => "child-address",
            Step::LossReport => "loss-report",
            Step::Suspended => "suspended",
            Step::Registration => "registration",
            Step::DeliveryAddress => "address",
            Step::Interim => "interim-certificate",
            Step::Photo => "photo",
            Step::CardType => "card-type",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        ALL_STEPS.into_iter().find(|s| s.slug() == slug)
    }

    /// The questions of a reason, in order.
    pub fn of(reason: ExpressReason) -> &'static [Step] {
        match reason {
            ExpressReason::Infant => {
                &[Step::BirthRegistration, Step::ChildName, Step::ChildBirthDate, Step::ChildAddress, Step::CardType]
            }
            ExpressReason::Lost => {
                &[Step::LossReport, Step::Suspended, Step::DeliveryAddress, Step::Interim, Step::Photo, Step::CardType]
            }
            ExpressReason::NewlyRegistered => &[Step::Registration, Step::DeliveryAddress, Step::Photo, Step::CardType],
            // Taken by the officer at the session: nothing for the applicant to answer.
            ExpressReason::Outreach => &[],
        }
    }
}

/// The card types a person may choose. The portal never asks for or keeps a PIN: a face-authentication card
/// has none, and a standard card's PINs are set at the counter or by post, not here.
pub const CARD_TYPES: [&str; 2] = ["standard", "face_authentication"];

/// The largest photo accepted (the application site's limit).
pub const MAX_PHOTO_BYTES: usize = 7 * 1024 * 1024;

/// The longest flexible-rules explanation kept, in characters.
pub const PHOTO_EXCEPTION_MAX_CHARS: usize = 1000;

/// A photo's type judged by its first bytes, never by its name or declared type: JPEG or PNG (a PDF, which a
/// proof document may be, is not a photo). The file extension the server names it with.
pub fn photo_extension(bytes: &[u8]) -> Option<&'static str> {
    match crate::domain::proxy::document_type(bytes)? {
        "image/jpeg" => Some("jpg"),
        "image/png" => Some("png"),
        _ => None,
    }
}

/// The content type a kept photo is served with, from the extension the server gave it.
pub fn photo_content_type(file: &str) -> &'static str {
    if file.ends_with(".png") { "image/png" } else { "image/jpeg" }
}

/// Answers given so far (`None`: not yet).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CardAnswers {
    /// Why the card is asked for; chosen when the request is started (kept in `card_requests.reason` too).
    #[serde(default)]
    pub reason: Option<ExpressReason>,
    /// Municipality where the birth registration was filed.
    pub registration_municipality: Option<String>,
    /// Date the birth registration was filed, YYYY-MM-DD.
    pub registration_date: Option<String>,
    pub child_name: Option<String>,
    pub child_name_kana: Option<String>,
    pub child_birth_date: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub card_type: Option<String>,
    pub loss_report_number: Option<String>,
    /// Date the loss was reported, YYYY-MM-DD.
    pub loss_date: Option<String>,
    /// "yes", "no" or "unknown".
    pub suspended: Option<String>,
    /// Date of the 転入届 or registration, YYYY-MM-DD.
    pub registration_on: Option<String>,
    pub previous_country: Option<String>,
    /// "yes" or "no".
    pub interim: Option<String>,
    /// A photo was uploaded (the file's name is kept in `card_requests.photo_file`, not here).
    #[serde(default)]
    pub photo_uploaded: bool,
    /// Why the standard photo rules cannot be met (flexible rules), in the applicant's words; the officer sees it.
    #[serde(default)]
    pub photo_exception: Option<String>,
    /// Outreach session: the day the officer took the application (YYYY-MM-DD, the trigger).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_on: Option<String>,
    /// Outreach session: the photo was taken there by the municipality (nothing uploaded through the portal).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub photo_at_session: bool,
}

impl CardAnswers {
    pub fn answered(&self, step: Step) -> bool {
        match step {
            Step::BirthRegistration => self.registration_municipality.is_some() && self.registration_date.is_some(),
            Step::ChildName => self.child_name.is_some() && self.child_name_kana.is_some(),
            Step::ChildBirthDate => self.child_birth_date.is_some(),
            Step::ChildAddress | Step::DeliveryAddress => self.postal_code.is_some() && self.address.is_some(),
            Step::LossReport => self.loss_report_number.is_some() && self.loss_date.is_some(),
            Step::Suspended => self.suspended.is_some(),
            Step::Registration => self.registration_on.is_some() && self.previous_country.is_some(),
            Step::Interim => self.interim.is_some(),
            Step::Photo => self.photo_uploaded || self.photo_exception.as_deref().is_some_and(|e| !e.is_empty()),
            Step::CardType => self.card_type.is_some(),
        }
    }

    pub fn first_unanswered(&self, reason: ExpressReason) -> Option<Step> {
        Step::of(reason).iter().copied().find(|s| !self.answered(*s))
    }

    /// The card type chosen, `standard` until one is.
    pub fn card_type_code(&self) -> &str {
        self.card_type.as_deref().unwrap_or("standard")
    }

    /// The date the express window counts from, for this reason.
    pub fn trigger_date(&self, reason: ExpressReason) -> Option<&str> {
        match reason {
            ExpressReason::Infant => self.child_birth_date.as_deref(),
            ExpressReason::Lost => self.loss_date.as_deref(),
            ExpressReason::NewlyRegistered => self.registration_on.as_deref(),
            ExpressReason::Outreach => self.taken_on.as_deref(),
        }
    }
}

/// What happens next on a card request, by its reason and state (the card's own words where they differ; an
/// application taken at an outreach session follows the ordinary issuing time, not the express week).
pub fn next_step_key(reason: Option<ExpressReason>, state: RequestState) -> &'static str {
    if reason == Some(ExpressReason::Outreach) {
        match state {
            RequestState::Submitted => return "outreach-card-next-submitted",
            RequestState::InReview => return "outreach-card-next-in-review",
            _ => {}
        }
    }
    match state {
        RequestState::Submitted => "express-next-submitted",
        RequestState::InReview => "express-next-in-review",
        RequestState::Issued => "express-next-issued",
        RequestState::Returned => "express-next-returned",
        other => other.next_step_key(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_judged_by_its_first_bytes() {
        assert_eq!(photo_extension(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("jpg"));
        assert_eq!(photo_extension(b"\x89PNG\r\n\x1a\n rest"), Some("png"));
        assert_eq!(photo_extension(b"%PDF-1.4"), None, "a PDF is not a photo");
        assert_eq!(photo_extension(b"GIF89a"), None);
        assert_eq!(photo_extension(b""), None);
    }

    #[test]
    fn an_infant_request_asks_every_question_in_order() {
        let mut a = CardAnswers::default();
        assert_eq!(a.first_unanswered(ExpressReason::Infant), Some(Step::BirthRegistration));
        a.registration_municipality = Some("あおば市".into());
        a.registration_date = Some("2026-11-20".into());
        a.child_name = Some("山田 花".into());
        a.child_name_kana = Some("ヤマダ ハナ".into());
        assert_eq!(a.first_unanswered(ExpressReason::Infant), Some(Step::ChildBirthDate));
        a.child_birth_date = Some("2026-11-15".into());
        a.postal_code = Some("1000001".into());
        a.address = Some("あおば市1-1".into());
        a.card_type = Some("standard".into());
        assert_eq!(a.first_unanswered(ExpressReason::Infant), None);
        assert_eq!(a.trigger_date(ExpressReason::Infant), Some("2026-11-15"));
        for s in ALL_STEPS {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        let lost = CardAnswers { loss_date: Some("2026-11-20".into()), ..CardAnswers::default() };
        assert_eq!(lost.first_unanswered(ExpressReason::Lost), Some(Step::LossReport));
        assert_eq!(lost.trigger_date(ExpressReason::Lost), Some("2026-11-20"));
    }
}
