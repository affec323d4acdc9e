//! "Application taken" on the run sheet: after the officer checked the booked person's identity, the booking
//! goes to `taken` and, in the same transaction, a card request is made for the person through the request
//! service (state, timeline, audit line and the booker's mail, as any request): an ordinary application
//! ([`ExpressReason::Outreach`], not express), triggered on the session's day, the photo taken at the session,
//! the card mailed to the person's registered address. The booker files it and follows it in their requests.

use crate::domain::card_validity::ExpressReason;
use crate::requests::card::CardAnswers;
use crate::requests::service::{Answers, Command, Filing, Service, ServiceError};
use crate::store::outreach::{link_outreach_card_request, mark_outreach_taken, outreach_filing};

/// What "application taken" did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TakeOutcome {
    /// The booking is taken and this card request was made for it.
    Taken { request_id: String },
    /// Nothing changed: the booking is not (or no longer) one whose identity was checked — not yet checked, did
    /// not come, cancelled, or taken already (posting twice makes one request).
    NotAttended,
}

/// Takes the application of booking `id` of `municipality`'s session, by `officer_id`, at `now` (ms).
pub async fn take_application(
    service: &Service<'_>,
    id: &str,
    municipality: &str,
    officer_id: &str,
    now: i64,
) -> Result<TakeOutcome, ServiceError> {
    let mut tx = service.store.pool().begin().await?;
    // The guarded update comes first: a second post (or a second officer) waits on the row, then finds it taken.
    let Some(b) = mark_outreach_taken(&mut tx, id, municipality, now).await? else {
        tx.rollback().await?;
        return Ok(TakeOutcome::NotAttended);
    };
    let (filed_as, facility_id) = outreach_filing(&mut tx, &b.person_id, &b.booked_by).await?;
    let answers = CardAnswers {
        reason: Some(ExpressReason::Outreach),
        taken_on: Some(b.held_on.clone()),
        photo_at_session: true,
        postal_code: Some(b.postal_code.clone()),
        address: Some(b.address.clone()),
        card_type: Some("standard".to_string()),
        ..CardAnswers::default()
    };
    let take = Command::TakeAtSession {
        officer_id: officer_id.to_string(),
        filed_by: b.booked_by.clone(),
        filing: Filing { subject_id: b.person_id.clone(), filed_as, facility_id },
        municipality_id: Some(b.municipality_id.clone()),
        answers: Answers::Card(answers),
    };
    let request_id = match service.run_in(&mut tx, take, now).await? {
        Ok(done) => done.request_id,
        Err(refused) => {
            tx.rollback().await?;
            return Err(ServiceError::Unreadable(format!("the taken application was refused: {refused}")));
        }
    };
    link_outreach_card_request(&mut tx, id, &request_id).await?;
    tx.commit().await?;
    Ok(TakeOutcome::Taken { request_id })
}
