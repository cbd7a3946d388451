//! Stopping without abandoning work. On SIGTERM (or Ctrl-C) the HTTP servers stop accepting
//! connections; every background worker is told to stop, finishes the message, delivery or
//! calendar it holds, and claims nothing more; then the servers answer the requests they still
//! have and end (actix's graceful stop). So a stopping process leaves no claim for another to
//! wait out, and sends nothing twice.

use std::{future::Future, time::Duration};

use actix_web::dev::ServerHandle;
use tokio::{
    signal::unix::{SignalKind, signal},
    sync::watch,
    task::JoinSet,
};

/// How long stopping workers may take to finish what they hold; after it they are abandoned and
/// their claims expire with their lease, as after a crash.
pub const GRACE: Duration = Duration::from_secs(30);

/// Whether the process is stopping, as a worker sees it.
#[derive(Debug, Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the process is stopping.
    pub async fn wait(&mut self) {
        if self.0.wait_for(|stopping| *stopping).await.is_err() {
            // Nobody can tell it to stop any more: the process is ending by other means.
            std::future::pending::<()>().await;
        }
    }

    /// Waits `period`, or less if the process starts stopping meanwhile; whether it is.
    pub async fn pause(&mut self, period: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            () = self.wait() => {}
        }
        self.is_set()
    }

    /// Waits for `ticks`' next tick, or until the process starts stopping; whether it is.
    pub async fn tick(&mut self, ticks: &mut tokio::time::Interval) -> bool {
        tokio::select! {
            _ = ticks.tick() => {}
            () = self.wait() => {}
        }
        self.is_set()
    }
}

/// The background workers that hold claims, and the means to stop them.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    running: JoinSet<()>,
}

impl Default for Workers {
    fn default() -> Self {
        Self {
            stop: watch::Sender::new(false),
            running: JoinSet::new(),
        }
    }
}

impl Workers {
    /// Starts a worker, which must return soon after its [`Stopping`] is set.
    pub fn spawn<W, F>(&mut self, worker: W)
    where
        W: FnOnce(Stopping) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        self.running.spawn(worker(Stopping(self.stop.subscribe())));
    }

    /// Tells every worker to stop and waits for them, at most `grace`; returns how many were
    /// still busy then (and were abandoned).
    pub async fn stop(mut self, grace: Duration) -> usize {
        self.stop.send_replace(true);
        let all_done = async { while self.running.join_next().await.is_some() {} };
        match tokio::time::timeout(grace, all_done).await {
            Ok(()) => 0,
            Err(_) => {
                let busy = self.running.len();
                self.running.abort_all();
                busy
            }
        }
    }
}

/// Listens for SIGTERM and Ctrl-C from now on; the future stops `servers` and `workers` in
/// order once one arrives. Servers built with `disable_signals`, so that this order holds.
///
/// The workers finish before the servers end because actix runs each server worker on a
/// runtime of its own, and a pooled database connection opened there dies with it: a worker
/// recording an email as sent on such a connection would fail and leave its claim behind.
pub fn stop_on_signal(
    servers: Vec<ServerHandle>,
    workers: Workers,
) -> std::io::Result<impl Future<Output = ()>> {
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        tracing::info!("stopping: background work finishes what it holds");
        for server in &servers {
            server.pause().await;
        }
        let abandoned = workers.stop(GRACE).await;
        if abandoned > 0 {
            tracing::warn!(
                abandoned,
                "workers still busy were abandoned; their claims expire with their lease"
            );
        }
        for server in &servers {
            server.stop(true).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    #[tokio::test]
    async fn a_worker_finishes_the_item_it_holds_before_it_stops() {
        let finished = Arc::new(AtomicUsize::new(0));
        let (started, mut item_started) = tokio::sync::mpsc::unbounded_channel();
        let (release, mut released) = tokio::sync::mpsc::unbounded_channel::<()>();
        let mut workers = Workers::default();
        let counted = finished.clone();
        workers.spawn(|stopping| async move {
            while !stopping.is_set() {
                started.send(()).unwrap();
                // The item is in hand until the test lets it finish; stopping does not cut it.
                released.recv().await;
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        item_started.recv().await.unwrap();
        release.send(()).unwrap();
        item_started.recv().await.unwrap();
        let (abandoned, ()) = tokio::join!(workers.stop(Duration::from_secs(5)), async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            release.send(()).unwrap();
        });
        assert_eq!(abandoned, 0);
        assert_eq!(
            finished.load(Ordering::SeqCst),
            2,
            "the second item was finished"
        );
    }

    #[tokio::test]
    async fn a_pause_ends_as_soon_as_the_process_stops() {
        let mut workers = Workers::default();
        workers.spawn(|mut stopping| async move {
            assert!(stopping.pause(Duration::from_secs(3600)).await);
        });
        let started = std::time::Instant::now();
        assert_eq!(workers.stop(Duration::from_secs(5)).await, 0);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_worker_that_will_not_stop_is_abandoned_after_the_grace() {
        let mut workers = Workers::default();
        workers.spawn(|_| std::future::pending::<()>());
        assert_eq!(workers.stop(Duration::from_millis(50)).await, 1);
    }
}
