//! The engine shared by import and sync: windows are read in parallel (at most
//! [`MAX_FETCHERS`] at a time, every request paced by the client's governors) while one
//! writer stores each page with its checkpoint in a single transaction. The longest
//! expected cursor chains start first (then priority order), since the chains still running
//! at the end decide the wall time. Failed windows are retried; what still fails is
//! reported, never skipped.

use crate::fetch::{Fetcher, Mode, Msg, PageOut};
use crate::plan::{Stream, Window};
use crate::progress::{Progress, Tracker};
use crate::state::{self, WindowState};
use crate::writer::{PageWrite, write_in};
use crate::{Error, Result};
use keeper_normalize::Context;
use keeper_square::client::SquareClient;
use keeper_store::Store;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};

/// Windows read at the same time (the governors decide the actual request rate). Each
/// holds up to one decoded page (typed and raw), so this bounds memory: 64 measured 988 MB
/// peak on `large`; 16 leaves room for the longest chains (started first) plus a few more.
pub const MAX_FETCHERS: usize = 16;
/// Pages waiting for the writer at most (bounds memory).
const QUEUE: usize = 32;
/// The most objects the writer puts in one transaction when pages are waiting for it (the
/// pages after the first are only those already queued, so a writer keeping up still
/// commits each page on its own). Fewer commits cost less: each commit writes every page it
/// changed to the write-ahead log, and pages of randomly keyed tables are changed again by
/// the next commit.
const GROUP_OBJECTS: usize = keeper_normalize::BULK_TRANSACTION_OBJECTS;

/// What the engine needs for a run.
pub struct EngineRun<'a> {
    pub client: &'a SquareClient,
    pub run_id: i64,
    pub mode: Mode,
    pub fetched_at: String,
    pub ctx: Context,
    /// Extra rounds for failed windows.
    pub retries: u32,
    /// Pause before a retry round (grows with each round).
    pub retry_pause: Duration,
    pub requests: Arc<AtomicUsize>,
}

/// How the windows ended.
#[derive(Debug, Default)]
pub struct EngineOutcome {
    /// `stream/key: error` of windows still failing after the retries.
    pub failed: Vec<(Stream, String, Error)>,
    /// Customer ids seen by a full customer listing (`customers/all`), when it completed.
    pub customers_listed: Option<HashSet<String>>,
    /// Customer ids written by this run (inserted or updated).
    pub customers_written: HashSet<String>,
}

impl EngineRun<'_> {
    /// Reads every window of the run that is not done yet.
    pub async fn execute(
        &self,
        store: &mut Store,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<EngineOutcome> {
        let states = state::windows(store.conn(), self.run_id)?;
        let mut tracker = Tracker::new(&states);
        let windows: Vec<Window> = states
            .iter()
            .map(|s| {
                s.window().ok_or_else(|| Error::Plan {
                    detail: format!("unknown stream {}", s.stream),
                })
            })
            .collect::<Result<_>>()?;
        let mut pending: Vec<usize> = states
            .iter()
            .enumerate()
            .filter(|(_, s)| s.status != "done")
            .map(|(i, _)| i)
            .collect();
        let mut outcome = EngineOutcome::default();
        let mut listed: HashSet<String> = HashSet::new();
        let mut round = 0;
        loop {
            let failed = self
                .round(
                    store,
                    &windows,
                    &pending,
                    &mut tracker,
                    progress,
                    &mut listed,
                    &mut outcome,
                )
                .await?;
            // Windows refused by an open breaker are not retried in this run.
            let (breaker, other): (Vec<_>, Vec<_>) =
                failed.into_iter().partition(|(_, e)| e.is_circuit_open());
            for (i, e) in breaker {
                outcome
                    .failed
                    .push((windows[i].stream, windows[i].key.clone(), e));
            }
            if other.is_empty() || round >= self.retries {
                for (i, e) in other {
                    outcome
                        .failed
                        .push((windows[i].stream, windows[i].key.clone(), e));
                }
                break;
            }
            round += 1;
            tracing::warn!(windows = other.len(), round, "retrying windows that failed");
            tokio::time::sleep(self.retry_pause * round).await;
            pending = other.into_iter().map(|(i, _)| i).collect();
        }
        Ok(outcome)
    }

    /// One round over `pending`: returns the windows that failed, with their errors.
    #[allow(clippy::too_many_arguments)]
    async fn round(
        &self,
        store: &mut Store,
        windows: &[Window],
        pending: &[usize],
        tracker: &mut Tracker,
        progress: &mut dyn FnMut(&Progress),
        listed: &mut HashSet<String>,
        outcome: &mut EngineOutcome,
    ) -> Result<Vec<(usize, Error)>> {
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        // Interrupted windows continue from their stored cursor; `base` holds the objects
        // their stored pages already counted (for the reconciliation when they close).
        let mut resume: HashMap<usize, String> = HashMap::new();
        let mut base: HashMap<usize, i64> = HashMap::new();
        {
            let tx = store.conn_mut().transaction()?;
            for &i in pending {
                let w = &windows[i];
                if let Some((cursor, objects)) =
                    state::open_window(&tx, self.run_id, w.stream, &w.key)?
                {
                    resume.insert(i, cursor);
                    base.insert(i, objects);
                }
                tracker.restart(w.stream, i);
            }
            tx.commit()?;
        }
        let (tx, mut rx) = mpsc::channel::<Msg>(QUEUE);
        let slots = Arc::new(Semaphore::new(MAX_FETCHERS));
        let mut tasks = Vec::new();
        for i in longest_first(windows, pending) {
            let fetcher = Fetcher {
                client: self.client.clone(),
                mode: self.mode,
                tx: tx.clone(),
                requests: Arc::clone(&self.requests),
            };
            let window = windows[i].clone();
            let cursor = resume.remove(&i);
            let slots = Arc::clone(&slots);
            tasks.push(tokio::spawn(async move {
                // Acquired in spawn order (the semaphore is fair): longest chains first.
                let Ok(_slot) = slots.acquire_owned().await else {
                    return;
                };
                fetcher.run(i, window, cursor).await;
            }));
        }
        drop(tx);
        let mut failed = Vec::new();
        let mut seen = HashMap::new();
        let result = self
            .write_loop(
                store,
                windows,
                &mut rx,
                tracker,
                progress,
                listed,
                outcome,
                &mut failed,
                &mut seen,
                &mut base,
            )
            .await;
        if result.is_err() {
            for t in &tasks {
                t.abort();
            }
        }
        result?;
        Ok(failed)
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_loop(
        &self,
        store: &mut Store,
        windows: &[Window],
        rx: &mut mpsc::Receiver<Msg>,
        tracker: &mut Tracker,
        progress: &mut dyn FnMut(&Progress),
        listed: &mut HashSet<String>,
        outcome: &mut EngineOutcome,
        failed: &mut Vec<(usize, Error)>,
        seen: &mut HashMap<usize, HashSet<(String, String)>>,
        base: &mut HashMap<usize, i64>,
    ) -> Result<()> {
        while let Some(first) = rx.recv().await {
            // Pages already waiting behind the first go into the same transaction (each with
            // its own checkpoint), up to `GROUP_OBJECTS` objects: one commit for all of them.
            // A message that is not a page ends the group and is handled after it, in order.
            let mut group = Vec::new();
            let mut objects = 0;
            let mut next = Some(first);
            let mut after = None;
            while let Some(msg) = next.take() {
                match msg {
                    Msg::Page(page) => {
                        objects += page.items.len();
                        group.push(page);
                        if objects < GROUP_OBJECTS {
                            next = rx.try_recv().ok();
                        }
                    }
                    other => after = Some(other),
                }
            }
            self.write_group(
                store, windows, &group, tracker, progress, listed, outcome, seen, base,
            )?;
            let Some(msg) = after else {
                continue;
            };
            match msg {
                Msg::Page(page) => self.write_group(
                    store,
                    windows,
                    &[page],
                    tracker,
                    progress,
                    listed,
                    outcome,
                    seen,
                    base,
                )?,
                Msg::Restart { window } => {
                    let w = &windows[window];
                    state::start_window(store.conn(), self.run_id, w.stream, &w.key)?;
                    base.remove(&window);
                    seen.remove(&window);
                }
                Msg::Failed { window, error } => {
                    let w = &windows[window];
                    let status = if error.is_circuit_open() {
                        "skipped"
                    } else {
                        "failed"
                    };
                    state::fail_window(
                        store.conn(),
                        self.run_id,
                        w.stream,
                        &w.key,
                        status,
                        &error.to_string(),
                    )?;
                    tracing::warn!(stream = %w.stream, window = %w.key, %error, "window failed");
                    failed.push((window, error));
                }
            }
        }
        Ok(())
    }

    /// Writes `pages` in one transaction, each page followed by its checkpoint, then
    /// reports each page's progress in order.
    #[allow(clippy::too_many_arguments)]
    fn write_group(
        &self,
        store: &mut Store,
        windows: &[Window],
        pages: &[PageOut],
        tracker: &mut Tracker,
        progress: &mut dyn FnMut(&Progress),
        listed: &mut HashSet<String>,
        outcome: &mut EngineOutcome,
        seen: &mut HashMap<usize, HashSet<(String, String)>>,
        base: &mut HashMap<usize, i64>,
    ) -> Result<()> {
        let Some(first) = pages.first() else {
            return Ok(());
        };
        let tx = store.conn_mut().transaction().map_err(|e| Error::Store {
            stream: windows[first.window].stream.as_str(),
            source: e.into(),
        })?;
        let mut written = Vec::with_capacity(pages.len());
        for page in pages {
            let w = &windows[page.window];
            // Square may return an object twice (a replayed page): counted once.
            let ids = seen.entry(page.window).or_default();
            for item in &page.items {
                ids.insert((item.object_type.clone(), item.id.clone()));
            }
            let closed = if page.done {
                seen.remove(&page.window)
            } else {
                None
            };
            let earlier = if page.done {
                base.remove(&page.window).unwrap_or(0)
            } else {
                0
            };
            written.push(self.write(&tx, w, page, closed.as_ref(), earlier)?);
        }
        tx.commit().map_err(|e| Error::Store {
            stream: windows[first.window].stream.as_str(),
            source: e.into(),
        })?;
        for (page, written) in pages.iter().zip(&written) {
            let w = &windows[page.window];
            if w.stream == Stream::Customers {
                for item in &page.items {
                    if item.object_type == "CUSTOMER" {
                        if w.key == "all" {
                            listed.insert(item.id.clone());
                        }
                        outcome.customers_written.insert(item.id.clone());
                    }
                }
                if w.key == "all" && page.done && self.mode == Mode::Sync {
                    outcome.customers_listed = Some(std::mem::take(listed));
                }
            }
            let p = tracker.page(w.stream, page.window, written, page.done);
            progress(&p);
        }
        Ok(())
    }

    fn write(
        &self,
        tx: &rusqlite::Connection,
        w: &Window,
        page: &PageOut,
        closed: Option<&HashSet<(String, String)>>,
        earlier: i64,
    ) -> Result<PageWrite> {
        let (run_id, stream, key) = (self.run_id, w.stream, w.key.as_str());
        write_in(
            tx,
            stream.as_str(),
            &page.items,
            &self.fetched_at,
            &self.ctx,
            true,
            |tx, written| {
                // Closing the window: every object Square returned for it must be stored. The
                // `earlier` objects of pages stored before a resume were stored with them.
                let closed = match closed {
                    Some(ids) => {
                        let mut stmt = tx.prepare_cached(
                            "SELECT COUNT(*) FROM raw_objects
                             WHERE object_type = ?1 AND square_id = ?2",
                        )?;
                        let mut stored = 0;
                        for (t, id) in ids {
                            stored += stmt.query_row((t, id), |r| r.get::<_, i64>(0))?;
                        }
                        Some((ids.len() as i64 + earlier, stored + earlier))
                    }
                    None => None,
                };
                state::page_checkpoint(
                    tx,
                    run_id,
                    stream,
                    key,
                    written,
                    page.cursor.as_deref(),
                    closed,
                )
            },
        )
    }
}

/// `pending` in start order: longest expected cursor chain first, then priority order.
pub fn longest_first(windows: &[Window], pending: &[usize]) -> Vec<usize> {
    let locations = windows
        .iter()
        .filter(|w| w.stream == Stream::Payments)
        .filter_map(|w| w.scope.first())
        .collect::<HashSet<_>>()
        .len();
    let mut order = pending.to_vec();
    order.sort_by(|&a, &b| {
        let (ea, eb) = (
            windows[a].expected_pages(locations),
            windows[b].expected_pages(locations),
        );
        eb.total_cmp(&ea).then(windows[a].seq.cmp(&windows[b].seq))
    });
    order
}

/// Per-stream totals of a run's windows.
pub fn stream_totals(states: &[WindowState]) -> BTreeMap<String, StreamTotals> {
    let mut out: BTreeMap<String, StreamTotals> = BTreeMap::new();
    for s in states {
        let t = out.entry(s.stream.clone()).or_default();
        t.windows += 1;
        if s.status == "done" {
            t.windows_done += 1;
        }
        t.pages += s.pages;
        t.objects += s.objects;
        t.inserted += s.inserted;
        t.updated += s.updated;
        t.unchanged += s.unchanged;
        t.quarantined += s.quarantined;
        t.reported += s.reported.unwrap_or(0);
        t.stored += s.stored.unwrap_or(0);
    }
    out
}

/// Totals of one stream over a run's windows.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StreamTotals {
    pub windows: usize,
    pub windows_done: usize,
    pub pages: i64,
    pub objects: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub quarantined: i64,
    pub reported: i64,
    pub stored: i64,
}

/// Counts requests (shared with fetchers).
pub fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

/// The counter's value.
pub fn count(c: &AtomicUsize) -> usize {
    c.load(Ordering::Relaxed)
}
