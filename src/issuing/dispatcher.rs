//! The portal's side of sending: accepted requests wait in order, and each day as many as the daily capacity
//! allows (nationally and per municipality) go to the issuing body. Any node may run it: a production is
//! claimed before it is sent, so it is sent once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use super::{CardOrder, IssuingBody};
use crate::background::{self, TaskHandle};
use crate::domain::express_schedule::DailyCapacity;
use crate::store::Store;

/// How often the queue is looked at.
pub const INTERVAL: Duration = Duration::from_secs(2);

pub struct Dispatcher {
    pub store: Store,
    pub body: Arc<dyn IssuingBody>,
    pub capacity: DailyCapacity,
}

impl Dispatcher {
    /// Sends what today's capacity allows, oldest first. Returns how many were sent.
    pub async fn run_once(&self, now_ms: i64, today: NaiveDate) -> Result<usize, sqlx::Error> {
        let started = self.store.sent_on(today).await?;
        let mut national = started.len() as u32;
        let mut local: HashMap<String, u32> = HashMap::new();
        for m in started {
            *local.entry(m).or_default() += 1;
        }
        let mut sent = 0;
        for w in self.store.waiting_productions().await? {
            if national >= self.capacity.national {
                break;
            }
            let used = local.entry(w.municipality_id.clone()).or_default();
            // This municipality's share is used up today; later requests of other municipalities may still go.
            if *used >= self.capacity.of_municipality(&w.municipality_id) {
                continue;
            }
            let Some(order) = self.store.card_order(&w.request_id).await? else { continue };
            if !self.store.claim_production(&w.request_id, now_ms, today).await? {
                continue;
            }
            let order = CardOrder {
                request_id: w.request_id.clone(),
                reference: order.reference,
                card_type: order.card_type,
                photo_required: order.reason != "infant",
                has_photo: order.photo_file.is_some(),
            };
            if let Err(e) = self.body.send(order).await {
                tracing::warn!(cause = %e, "express cards: the issuing body did not take an order; it waits");
                self.store.unclaim_production(&w.request_id).await?;
                break;
            }
            *used += 1;
            national += 1;
            sent += 1;
        }
        Ok(sent)
    }
}

pub fn spawn(dispatcher: Dispatcher, interval: Duration) -> TaskHandle {
    background::spawn("express card dispatcher", "express", move |_owner, mut stop| async move {
        loop {
            // The store's clock: tests move it to see a day's capacity renew.
            let clock = dispatcher.store.clock();
            if let Err(e) = dispatcher.run_once(clock.now_ms(), clock.today()).await {
                tracing::warn!(cause = %e, "express cards: the database did not answer; trying again later");
            }
            stop.pause(interval).await;
            if stop.requested() {
                break;
            }
        }
    })
}
