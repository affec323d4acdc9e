//! The run worker: takes a running issuance run nobody holds, under a lease, and works it batch by batch.
//!
//! Every node runs one. A claim is one statement that only takes a run whose lease is free or has run out;
//! each batch first extends the lease and ends by moving the cursor, in the batch's transaction, and only if
//! the worker still holds the lease. So a run is worked by one worker at a time, and a worker that is killed
//! leaves the run at its last committed batch, for another worker to take when the lease runs out.

use std::time::Duration;

use super::{BATCH_SIZE, BatchOutcome, run_batch};
use crate::background::{self, StopSignal, TaskHandle};
use crate::crypto::SecretKey;
use crate::store::Store;

#[derive(Clone, Debug)]
pub struct RunWorkerConfig {
    /// How long a claim (and each batch) holds a run. A worker that dies leaves it for others after this long.
    pub lease: Duration,
    /// How often to look for a run to work when there is none.
    pub poll_interval: Duration,
    /// Members per batch (one transaction each).
    pub batch_size: i64,
}

impl Default for RunWorkerConfig {
    fn default() -> RunWorkerConfig {
        RunWorkerConfig {
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
            batch_size: BATCH_SIZE,
        }
    }
}

/// A running run worker.
pub type RunWorkerHandle = TaskHandle;

/// Starts a worker on the current tokio runtime. Stopping it ends after the batch in hand and gives the run
/// back for another worker to take at once; aborting it rolls the batch in hand back, and the run comes back
/// when the lease runs out.
pub fn spawn(store: Store, key: SecretKey, config: RunWorkerConfig) -> RunWorkerHandle {
    background::spawn("run worker", "runs", move |owner, stop| Worker { store, key, config, owner }.run(stop))
}

struct Worker {
    store: Store,
    key: SecretKey,
    config: RunWorkerConfig,
    owner: String,
}

impl Worker {
    async fn run(self, mut stop: StopSignal) {
        tracing::info!(owner = %self.owner, "run worker started");
        let lease_ms = self.config.lease.as_millis() as i64;
        while !stop.requested() {
            let claimed = match self.store.claim_run(&self.owner, self.store.clock().now_ms(), lease_ms).await {
                Ok(run) => run,
                Err(e) => {
                    tracing::warn!(cause = %e, "run worker: cannot read the runs; trying again");
                    None
                }
            };
            let Some(run) = claimed else {
                stop.pause(self.config.poll_interval).await;
                continue;
            };
            tracing::info!(run_id = %run.id, kind = %run.kind, processed = run.processed, "run worker: working a run");
            loop {
                if stop.requested() {
                    if let Err(e) = self.store.release_run(&run.id, &self.owner).await {
                        tracing::warn!(run_id = %run.id, cause = %e, "cannot give the run back; its lease will");
                    }
                    break;
                }
                match run_batch(&self.store, &self.key, &run.id, &self.owner, lease_ms, self.config.batch_size).await {
                    Ok(BatchOutcome::Continued) => {}
                    Ok(BatchOutcome::Finished) => {
                        tracing::info!(run_id = %run.id, "run finished");
                        break;
                    }
                    Ok(BatchOutcome::LeaseLost) => {
                        tracing::warn!(run_id = %run.id, "run worker: the run's lease was lost; leaving it");
                        break;
                    }
                    Err(e) => {
                        // The batch was rolled back; the run waits for its lease to run out and is tried again.
                        tracing::warn!(run_id = %run.id, cause = %e, "run worker: a batch failed; it will be tried again");
                        stop.pause(self.config.poll_interval).await;
                        break;
                    }
                }
            }
        }
        tracing::info!(owner = %self.owner, "run worker stopped");
    }
}
