//! Long-running jobs (the demo, an import, a sync) run in the background while the window
//! shows their progress, and keep running when the window is closed to the tray.
//!
//! One job runs at a time: starting another while one runs is refused with `job_running`
//! (the tray's "Sync now" during an import says so instead of queueing a second import).
//! The job reports through a [`JobHandle`]; every change produces a [`JobStatus`] snapshot
//! for the listener (the shell turns it into the `job-progress` event), throttled so a fast
//! import does not flood the UI, except that state changes are always delivered.

use crate::views::{JobKind, JobState, JobStatus, StreamProgress};
use crate::{ApiError, Result};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Receives every status snapshot worth showing.
pub type Listener = dyn Fn(&JobStatus) + Send + Sync;

/// Least time between two progress snapshots sent to the listener.
const THROTTLE: Duration = Duration::from_millis(100);

struct Inner {
    status: Mutex<(JobStatus, Option<Instant>)>,
    listener: Box<Listener>,
}

impl Inner {
    /// Applies `change`, then tells the listener (always when `force`, else throttled).
    fn update(&self, force: bool, change: impl FnOnce(&mut JobStatus)) {
        let snapshot = {
            let mut guard = self.status.lock().unwrap_or_else(|p| p.into_inner());
            let (status, last_sent) = &mut *guard;
            change(status);
            let due = last_sent.is_none_or(|t| t.elapsed() >= THROTTLE);
            if !(force || due) {
                return;
            }
            *last_sent = Some(Instant::now());
            status.clone()
        };
        (self.listener)(&snapshot);
    }
}

/// The app's job slot.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

/// What a running job uses to report its progress.
#[derive(Clone)]
pub struct JobHandle {
    inner: Arc<Inner>,
}

pub fn idle_status() -> JobStatus {
    JobStatus {
        kind: None,
        state: JobState::Idle,
        stage: "Nothing running".to_owned(),
        streams: Vec::new(),
        started_at: None,
        finished_at: None,
        rate_limited: false,
        backoff_seconds: 0.0,
        error_code: None,
        error: None,
        summary: Vec::new(),
    }
}

impl Jobs {
    pub fn new(listener: Box<Listener>) -> Self {
        Jobs {
            inner: Arc::new(Inner {
                status: Mutex::new((idle_status(), None)),
                listener,
            }),
        }
    }

    /// The current (or last) job's status.
    pub fn status(&self) -> JobStatus {
        let guard = self.inner.status.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.clone()
    }

    pub fn is_running(&self) -> bool {
        self.status().state == JobState::Running
    }

    /// Starts `work` on a thread of its own (with its own Tokio runtime, so the import's
    /// futures need not be `Send` and the window's runtime is never blocked) and returns the
    /// running status at once. `now` is the start time (RFC 3339); `clock` gives the finish
    /// time when it ends.
    pub fn start<F, Fut>(
        &self,
        kind: JobKind,
        now: String,
        clock: fn() -> String,
        work: F,
    ) -> Result<JobStatus>
    where
        F: FnOnce(JobHandle) -> Fut + Send + 'static,
        Fut: Future<Output = Result<()>> + 'static,
    {
        // The running status as it was at the start: a quick job may end before `start`
        // returns, and the caller must still see that it started.
        let running = {
            let mut guard = self.inner.status.lock().unwrap_or_else(|p| p.into_inner());
            if guard.0.state == JobState::Running {
                return Err(ApiError {
                    code: "job_running".to_owned(),
                    message: format!(
                        "Keeper is already busy ({}); try again when it finishes.",
                        guard.0.stage
                    ),
                });
            }
            guard.0 = JobStatus {
                kind: Some(kind),
                state: JobState::Running,
                stage: "Starting".to_owned(),
                started_at: Some(now),
                ..idle_status()
            };
            guard.0.clone()
        };
        let handle = JobHandle {
            inner: self.inner.clone(),
        };
        self.inner.update(true, |_| {});
        let spawned = std::thread::Builder::new()
            .name(format!("keeper-{kind:?}").to_lowercase())
            .spawn(move || {
                let outcome = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(work(handle.clone())),
                    Err(e) => Err(ApiError {
                        code: "internal".to_owned(),
                        message: format!("could not start the background job: {e}"),
                    }),
                };
                let finished = clock();
                handle.inner.update(true, |s| {
                    s.finished_at = Some(finished);
                    s.rate_limited = false;
                    s.backoff_seconds = 0.0;
                    match outcome {
                        Ok(()) => {
                            s.state = JobState::Finished;
                            s.stage = "Done".to_owned();
                        }
                        Err(e) => {
                            s.state = JobState::Failed;
                            s.stage = "Stopped".to_owned();
                            s.error_code = Some(e.code);
                            s.error = Some(e.message);
                            for stream in &mut s.streams {
                                if stream.state == JobState::Running {
                                    stream.state = JobState::Failed;
                                }
                            }
                        }
                    }
                });
            });
        if let Err(e) = spawned {
            self.inner.update(true, |s| {
                s.state = JobState::Failed;
                s.error_code = Some("internal".to_owned());
                s.error = Some(format!("could not start the background job: {e}"));
            });
            return Ok(self.status());
        }
        Ok(running)
    }
}

impl JobHandle {
    /// Names the step in plain words ("Importing your data").
    pub fn stage(&self, stage: impl Into<String>) {
        let stage = stage.into();
        self.inner.update(true, |s| s.stage = stage);
    }

    /// Adds or replaces one stream's progress (matched by stream name).
    pub fn stream(&self, progress: StreamProgress) {
        let force = progress.state != JobState::Running;
        self.inner.update(force, |s| {
            match s.streams.iter_mut().find(|p| p.stream == progress.stream) {
                Some(slot) => *slot = progress,
                None => s.streams.push(progress),
            }
        });
    }

    /// Square is (or is no longer) slowing Keeper down.
    pub fn rate_limit(&self, rate_limited: bool, backoff_seconds: f64) {
        self.inner.update(false, |s| {
            s.rate_limited = rate_limited;
            s.backoff_seconds = backoff_seconds;
        });
    }

    /// Adds a line to the summary shown when the job ends.
    pub fn summary(&self, line: impl Into<String>) {
        let line = line.into();
        self.inner.update(true, |s| s.summary.push(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn fixed_clock() -> String {
        "2026-11-29T10:00:05Z".to_owned()
    }

    fn progress(stream: &str, state: JobState, objects: u32) -> StreamProgress {
        StreamProgress {
            stream: stream.to_owned(),
            state,
            pages: 1,
            objects,
            percent: None,
            eta_seconds: None,
            error: None,
        }
    }

    fn recording() -> (Jobs, Arc<Mutex<Vec<JobStatus>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let jobs = Jobs::new(Box::new(move |s: &JobStatus| {
            sink.lock().unwrap().push(s.clone())
        }));
        (jobs, seen)
    }

    async fn wait_until_done(jobs: &Jobs) -> JobStatus {
        for _ in 0..200 {
            let s = jobs.status();
            if s.state != JobState::Running {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job did not finish: {:?}", jobs.status());
    }

    #[tokio::test]
    async fn a_finished_job_reports_its_streams_summary_and_end_time() {
        let (jobs, seen) = recording();
        let started = jobs
            .start(
                JobKind::Import,
                "2026-11-29T10:00:00Z".into(),
                fixed_clock,
                |h| async move {
                    h.stage("Importing");
                    h.stream(progress("customers", JobState::Running, 100));
                    h.stream(progress("customers", JobState::Finished, 250));
                    h.summary("Imported 250 customers");
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(started.state, JobState::Running);
        let done = wait_until_done(&jobs).await;
        assert_eq!(done.state, JobState::Finished);
        assert_eq!(done.kind, Some(JobKind::Import));
        assert_eq!(
            done.streams.len(),
            1,
            "one entry per stream, replaced in place"
        );
        assert_eq!(done.streams[0].objects, 250);
        assert_eq!(done.summary, vec!["Imported 250 customers".to_owned()]);
        assert_eq!(done.finished_at.as_deref(), Some("2026-11-29T10:00:05Z"));
        let last = seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!(last, done, "the listener always gets the final state");
    }

    #[tokio::test]
    async fn a_failed_job_keeps_the_error_code_and_marks_running_streams_failed() {
        let (jobs, _) = recording();
        jobs.start(JobKind::Sync, "t0".into(), fixed_clock, |h| async move {
            h.stream(progress("payments", JobState::Running, 10));
            Err(ApiError {
                code: "reconnect_square".into(),
                message: "Square refused the token".into(),
            })
        })
        .unwrap();
        let done = wait_until_done(&jobs).await;
        assert_eq!(done.state, JobState::Failed);
        assert_eq!(done.error_code.as_deref(), Some("reconnect_square"));
        assert_eq!(done.streams[0].state, JobState::Failed);
    }

    #[tokio::test]
    async fn a_second_job_is_refused_while_one_runs() {
        let (jobs, _) = recording();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        jobs.start(JobKind::Import, "t0".into(), fixed_clock, |_| async move {
            let _ = rx.await;
            Ok(())
        })
        .unwrap();
        let refused = jobs
            .start(JobKind::Sync, "t1".into(), fixed_clock, |_| async {
                Ok(())
            })
            .unwrap_err();
        assert_eq!(refused.code, "job_running");
        tx.send(()).unwrap();
        assert_eq!(wait_until_done(&jobs).await.state, JobState::Finished);
        // Once it ended, a new job may start.
        jobs.start(JobKind::Sync, "t2".into(), fixed_clock, |_| async {
            Ok(())
        })
        .unwrap();
        assert_eq!(wait_until_done(&jobs).await.kind, Some(JobKind::Sync));
    }

    #[tokio::test]
    async fn fast_progress_is_throttled_but_state_changes_are_not() {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        let jobs = Jobs::new(Box::new(move |_| {
            c.fetch_add(1, Ordering::SeqCst);
        }));
        jobs.start(JobKind::Import, "t0".into(), fixed_clock, |h| async move {
            for i in 0..1000 {
                h.stream(progress("orders", JobState::Running, i));
            }
            Ok(())
        })
        .unwrap();
        let done = wait_until_done(&jobs).await;
        assert_eq!(
            done.streams[0].objects, 999,
            "the status holds the latest figure"
        );
        let sent = count.load(Ordering::SeqCst);
        assert!(sent < 20, "1000 updates in a burst sent {sent} snapshots");
        assert!(sent >= 2, "start and end are always sent, got {sent}");
    }
}
