//! The delivery worker: claims due outbox mail under a lease, sends it, records the outcome.
//!
//! Any number of workers, on any number of nodes, may run at once: a claim is one statement that only takes
//! mail nobody holds, and a worker only records an outcome for mail it still holds. A worker never works on a
//! mail past its lease: each send has a deadline a margin before the lease ends, and mail it has no time left
//! for goes back to the queue. So a second worker takes a mail over only when the first one is gone (killed,
//! crashed, cut off from the database): at-least-once delivery, and twice only if a worker dies between the
//! server accepting a mail and the database recording it. The `Message-ID` is the same on every attempt.

use std::time::Duration;

use super::mailer::{Mailer, SendError};
use crate::background::{self, StopSignal, TaskHandle};
use crate::store::Store;
use crate::store::outbox::OutboxMail;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// How long a claim holds a mail. A worker that dies mid-send leaves it for others after this long.
    pub lease: Duration,
    /// How often to look for due mail when the last look found less than a full batch.
    pub poll_interval: Duration,
    /// How many mails one claim takes.
    pub batch_size: i64,
    /// Attempts before a mail is `failed` for good.
    pub max_attempts: i64,
    /// The wait after the first failed attempt; it doubles with each further one, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(2),
            batch_size: 10,
            // 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: about five hours in all.
            max_attempts: 10,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
        }
    }
}

impl WorkerConfig {
    /// The wait after the `attempts`-th failed attempt: `retry_base × 2^(attempts − 1)`, at most `retry_max`.
    pub fn retry_delay(&self, attempts: i64) -> Duration {
        let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
        self.retry_base.saturating_mul(1 << doublings).min(self.retry_max)
    }

    /// A send must end this long before the lease does.
    fn margin(&self) -> Duration {
        self.lease / 4
    }
}

/// A running mail worker.
pub type WorkerHandle = TaskHandle;

/// Starts a worker on the current tokio runtime. Stopping it finishes the mail being sent and gives the rest of
/// its batch back to the queue; aborting it leaves its mail for the lease to bring back.
pub fn spawn(store: Store, mailer: Mailer, config: WorkerConfig) -> WorkerHandle {
    background::spawn("mail worker", "worker", move |owner, stop| Worker { store, mailer, config, owner }.run(stop))
}

struct Worker {
    store: Store,
    mailer: Mailer,
    config: WorkerConfig,
    owner: String,
}

enum Failure {
    Send(SendError),
    /// The send did not finish before the lease's margin.
    Deadline,
}

impl Worker {
    async fn run(self, mut stop: StopSignal) {
        tracing::info!(owner = %self.owner, "mail worker started");
        let lease_ms = self.config.lease.as_millis() as i64;
        while !stop.requested() {
            let batch = match self
                .store
                .outbox()
                .claim(&self.owner, self.store.clock().now_ms(), lease_ms, self.config.batch_size)
                .await
            {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(cause = %e, "mail worker: cannot read the outbox; trying again");
                    Vec::new()
                }
            };
            let full = batch.len() as i64 >= self.config.batch_size;
            let mut mails = batch.into_iter();
            while let Some(mail) = mails.next() {
                let safe_until = mail.lease_until.unwrap_or(0) - self.config.margin().as_millis() as i64;
                if stop.requested() || self.store.clock().now_ms() >= safe_until {
                    for m in std::iter::once(mail).chain(mails.by_ref()) {
                        self.hand_back(&m).await;
                    }
                    break;
                }
                self.deliver(mail, safe_until).await;
            }
            if !full {
                stop.pause(self.config.poll_interval).await;
            }
        }
        tracing::info!(owner = %self.owner, "mail worker stopped");
    }

    async fn deliver(&self, mail: OutboxMail, safe_until: i64) {
        let outbox = self.store.outbox();
        if mail.attempts > self.config.max_attempts {
            // Claimed again and again without an outcome: its workers keep dying while sending it.
            let error = "given up: no outcome recorded after the most attempts allowed";
            tracing::error!(outbox_id = %mail.id, kind = %mail.kind, attempts = mail.attempts, "{error}");
            let _ = outbox.mark_failed_attempt(&mail.id, &self.owner, error, self.store.clock().now_ms(), true).await;
            return;
        }
        let time_left = Duration::from_millis((safe_until - self.store.clock().now_ms()).max(0) as u64);
        let outcome = match tokio::time::timeout(time_left, self.mailer.send(&mail)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Failure::Send(e)),
            Err(_) => Err(Failure::Deadline),
        };
        match outcome {
            Ok(()) => self.record_sent(&mail).await,
            Err(failure) => {
                let (error, hint, retryable) = match &failure {
                    // A server's reply may quote the address; the log and the outbox row keep it out.
                    Failure::Send(e) => {
                        (e.to_string().replace(&mail.recipient, "<recipient>"), e.hint(), e.is_retryable())
                    }
                    Failure::Deadline => (
                        "the mail server took too long".to_string(),
                        "the mail server is slow or hangs: check it, or MADOGUCHI_SMTP_URL",
                        true,
                    ),
                };
                let give_up = !retryable || mail.attempts >= self.config.max_attempts;
                let next_attempt_at =
                    self.store.clock().now_ms() + self.config.retry_delay(mail.attempts).as_millis() as i64;
                if give_up {
                    tracing::error!(outbox_id = %mail.id, kind = %mail.kind, attempts = mail.attempts, %error, hint,
                        "mail not sent; given up");
                } else {
                    tracing::warn!(outbox_id = %mail.id, kind = %mail.kind, attempts = mail.attempts, %error, hint,
                        "mail not sent; it will be tried again");
                }
                if let Err(e) =
                    outbox.mark_failed_attempt(&mail.id, &self.owner, &error, next_attempt_at, give_up).await
                {
                    tracing::warn!(outbox_id = %mail.id, cause = %e, "cannot record the failed attempt; the lease will bring it back");
                }
            }
        }
    }

    /// A sent mail not recorded as sent would go out again after its lease: try a few times.
    async fn record_sent(&self, mail: &OutboxMail) {
        for attempt in 1..=5 {
            match self.store.outbox().mark_sent(&mail.id, &self.owner).await {
                Ok(true) => {
                    tracing::info!(outbox_id = %mail.id, kind = %mail.kind, attempts = mail.attempts, "mail sent");
                    return;
                }
                Ok(false) => {
                    tracing::warn!(outbox_id = %mail.id, kind = %mail.kind,
                        "mail sent, but another worker had taken it over: it may arrive twice");
                    return;
                }
                Err(e) if attempt < 5 => {
                    tracing::warn!(outbox_id = %mail.id, cause = %e, "mail sent; recording it failed, trying again");
                    tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                }
                Err(e) => {
                    tracing::error!(outbox_id = %mail.id, cause = %e,
                        "mail sent, but it cannot be recorded: it will be sent again after its lease");
                }
            }
        }
    }

    async fn hand_back(&self, mail: &OutboxMail) {
        if let Err(e) = self.store.outbox().release(&mail.id, &self.owner).await {
            tracing::warn!(outbox_id = %mail.id, cause = %e, "cannot hand the mail back; the lease will bring it back");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let c = WorkerConfig::default();
        let delays: Vec<u64> = (1..=9).map(|n| c.retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(c.retry_delay(1000).as_secs(), 3600);
    }
}
