//! The outreach task every node runs: places held past their time pass to the next person waiting, and the
//! day before a session each live booking is reminded once (claimed with a guarded update, see
//! `store::outreach`), however many nodes run it.

use std::time::Duration;

use super::HOLD_PLACE_FOR;
use super::mails::OutreachMails;
use crate::background::{self, TaskHandle};
use crate::store::Store;
use crate::store::outreach::OutreachError;

/// How often each node looks. Held places run by the hour; a minute is close enough.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// One round: passes on the places whose time ran out, then reminds about tomorrow's bookings. Returns (places
/// passed on, reminder mails queued).
pub async fn run_once(store: &Store, mails: &OutreachMails) -> Result<(usize, usize), OutreachError> {
    let now = store.clock().now_ms();
    let hold_until = now + HOLD_PLACE_FOR.as_millis() as i64;
    let passed = store.sweep_outreach_places(now, hold_until, &|p| mails.place_held(p)).await?;
    let tomorrow = (store.clock().today() + chrono::Days::new(1)).to_string();
    let mut reminded = 0;
    for id in store.outreach_bookings_to_remind(&tomorrow).await? {
        match store.remind_outreach_booking(&id, now, |b, to| mails.reminder(b, to)).await {
            Ok(n) => reminded += n,
            Err(OutreachError::Compose(e)) => {
                tracing::error!(booking = %id, cause = %e, "outreach reminder not written")
            }
            Err(e) => return Err(e),
        }
    }
    Ok((passed, reminded))
}

/// Runs a round now and then every `interval`, until stopped.
pub fn spawn(store: Store, mails: OutreachMails, interval: Duration) -> TaskHandle {
    background::spawn("outreach sweep", "outreach", move |_owner, mut stop| async move {
        loop {
            if let Err(e) = run_once(&store, &mails).await {
                tracing::warn!(cause = %e, "outreach sweep: trying again later");
            }
            stop.pause(interval).await;
            if stop.requested() {
                break;
            }
        }
    })
}
