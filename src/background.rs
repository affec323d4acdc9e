//! The tasks every node runs beside the web server (the mail worker, the issuance run worker, the expiry
//! reminders) start and stop the same way: each has an owner name, unique across processes and nodes, which it
//! writes in the lease columns of whatever it holds; it looks at a stop signal between units of work; and its
//! handle either stops it cleanly or kills it at once, as a crash would.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running background task.
#[derive(Debug)]
pub struct TaskHandle {
    task: &'static str,
    owner: String,
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
    pauses: Arc<AtomicU64>,
}

impl TaskHandle {
    /// The task's owner name, as kept in the lease of what it holds.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// How many times the task has paused between rounds of work. A pause begun after something changed shows
    /// the task has looked at it: tests wait for one instead of waiting a guessed while.
    pub fn pauses(&self) -> u64 {
        self.pauses.load(Ordering::SeqCst)
    }

    /// Asks the task to stop after the unit of work in hand, and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.join.await
            && e.is_panic()
        {
            tracing::error!(owner = %self.owner, task = self.task, "the background task had panicked");
        }
    }

    /// Kills the task at once, as a crash would: what it held comes back when its lease runs out.
    pub fn abort(self) {
        self.join.abort();
    }
}

/// What a task looks at to know it should stop.
pub struct StopSignal {
    stopped: watch::Receiver<bool>,
    pauses: Arc<AtomicU64>,
}

impl StopSignal {
    /// A stop was asked for, or the handle is gone (a dropped handle stops the task too).
    pub fn requested(&self) -> bool {
        *self.stopped.borrow() || self.stopped.has_changed().is_err()
    }

    /// Waits for `duration`, or less when a stop is asked for meanwhile.
    pub async fn pause(&mut self, duration: Duration) {
        self.pauses.fetch_add(1, Ordering::SeqCst);
        tokio::select! {
            _ = tokio::time::sleep(duration) => {}
            _ = self.stopped.changed() => {}
        }
    }
}

/// Starts `task` on the current tokio runtime. `kind` names it in logs; its owner name starts with `prefix`.
pub fn spawn<F, Fut>(kind: &'static str, prefix: &str, task: F) -> TaskHandle
where
    F: FnOnce(String, StopSignal) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let owner = format!("{prefix}-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let (stop, stopped) = watch::channel(false);
    let pauses = Arc::new(AtomicU64::new(0));
    let join = tokio::spawn(task(owner.clone(), StopSignal { stopped, pauses: pauses.clone() }));
    TaskHandle { task: kind, owner, stop, join, pauses }
}
