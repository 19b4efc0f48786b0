//! The app's background rebuild of customers' search documents after the owner's decisions
//! on the match-review screen (accept, reject, undo, choose another customer, accept above a
//! score). What an accepted match merges (notes, tags, birthday) belongs in the customer's
//! document, but rebuilding it takes from milliseconds to seconds on a large merchant, so a
//! decision only records its customers in `search_refresh_queue` (migration 0023) in the
//! same transaction as the decision, answers, and wakes one worker thread, which rebuilds
//! the queued customers' documents on a connection of its own and then deletes their rows.
//!
//! Nothing is lost when the app quits or crashes before the rebuild: the rows stay, and the
//! worker starts with a pass over the queue. A search right after a decision may still find
//! the old document for a moment; the worker's passes are serial, so a customer queued
//! while a pass runs is rebuilt by the next pass, with the decision's changes committed.
//! The CLI's free functions (`enrich.rs`) still rebuild synchronously.

use crate::{ApiError, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use keeper_store::Store;
use rusqlite::{Connection, params};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

fn db_err(e: rusqlite::Error) -> ApiError {
    ApiError::from(keeper_store::Error::from(e))
}

/// Records that the documents of `customers` must be rebuilt; call it on the transaction of
/// the change that touched them.
pub fn enqueue(conn: &Connection, customers: &[String], now: DateTime<Utc>) -> Result<()> {
    let at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut insert = conn
        .prepare_cached("INSERT INTO search_refresh_queue (customer_id, queued_at) VALUES (?1, ?2)")
        .map_err(db_err)?;
    for c in customers {
        insert.execute(params![c, at]).map_err(db_err)?;
    }
    Ok(())
}

/// Customers waiting for their document to be rebuilt (distinct).
pub fn queued(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT DISTINCT customer_id FROM search_refresh_queue ORDER BY customer_id",
        )
        .map_err(db_err)?;
    stmt.query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(db_err)
}

/// What one pass over the queue rebuilt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Distinct customers rebuilt.
    pub customers: usize,
    /// Documents whose text changed (inserted or rewritten).
    pub changed: usize,
}

/// Rebuilds the documents of the customers queued now and deletes their rows (rows queued
/// meanwhile stay for the next pass). Nothing to rebuild: `customers` is 0.
pub fn refresh_queued(store: &mut Store, now: DateTime<Utc>) -> Result<Pass> {
    let (last, customers): (Option<i64>, Vec<String>) = {
        let conn = store.conn();
        let last: Option<i64> = conn
            .query_row("SELECT MAX(id) FROM search_refresh_queue", [], |r| r.get(0))
            .map_err(db_err)?;
        let Some(last) = last else {
            return Ok(Pass::default());
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT DISTINCT customer_id FROM search_refresh_queue WHERE id <= ?1
                  ORDER BY customer_id",
            )
            .map_err(db_err)?;
        let customers = stmt
            .query_map([last], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(db_err)?;
        (Some(last), customers)
    };
    let stats = keeper_search::index::refresh_customers(store.conn_mut(), &customers, now)?;
    store
        .conn()
        .execute("DELETE FROM search_refresh_queue WHERE id <= ?1", [last])
        .map_err(db_err)?;
    Ok(Pass {
        customers: customers.len(),
        changed: stats.inserted + stats.changed,
    })
}

#[derive(Default)]
struct State {
    /// A pass is wanted (a decision was queued, or the app just started).
    wanted: bool,
    /// A pass runs.
    running: bool,
    /// The app is gone: the worker ends.
    stop: bool,
    /// The last round of passes that rebuilt something: customers and how long it took.
    last: Option<(usize, Duration)>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The worker: one thread, one connection, passes one after the other. Dropping it lets the
/// thread end after the pass it is in (the queue keeps whatever it did not rebuild).
pub struct SearchRefresh {
    shared: Arc<Shared>,
}

impl SearchRefresh {
    /// Starts the worker on the database at `db`; its first pass rebuilds what a previous
    /// run of the app left queued. `now` gives each pass its time.
    pub fn start(db: PathBuf, now: fn() -> DateTime<Utc>) -> std::io::Result<SearchRefresh> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                wanted: true,
                ..State::default()
            }),
            changed: Condvar::new(),
        });
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("keeper-search-refresh".to_owned())
            .spawn(move || run(&worker, &db, now))?;
        Ok(SearchRefresh { shared })
    }

    /// Asks for a pass (after a decision queued its customers).
    pub fn wake(&self) {
        self.shared.lock().wanted = true;
        self.shared.changed.notify_all();
    }

    /// Waits until no pass is wanted or running (`false` when `timeout` passed first).
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        while state.wanted || state.running {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }

    /// The last round of passes that rebuilt something: customers and its duration.
    pub fn last_round(&self) -> Option<(usize, Duration)> {
        self.shared.lock().last
    }
}

impl Drop for SearchRefresh {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
    }
}

/// The worker's loop: wait for a wake, then pass over the queue until it is empty.
fn run(shared: &Shared, db: &std::path::Path, now: fn() -> DateTime<Utc>) {
    let mut store: Option<Store> = None;
    loop {
        {
            let mut state = shared.lock();
            while !state.wanted && !state.stop {
                state = shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|p| p.into_inner());
            }
            if state.stop {
                return;
            }
            state.wanted = false;
            state.running = true;
        }
        let started = Instant::now();
        let mut rebuilt = 0;
        let outcome = (|| -> Result<()> {
            if store.is_none() {
                store = Some(Store::open(db)?);
            }
            let store = store.as_mut().expect("opened above");
            loop {
                let pass = refresh_queued(store, now())?;
                if pass.customers == 0 {
                    return Ok(());
                }
                rebuilt += pass.customers;
            }
        })();
        match outcome {
            Ok(()) if rebuilt > 0 => tracing::info!(
                customers = rebuilt,
                ms = started.elapsed().as_millis() as u64,
                "search documents rebuilt after the owner's decisions"
            ),
            Ok(()) => {}
            // The rows stay queued: the next decision or the next start tries again.
            Err(e) => tracing::warn!(code = %e.code, "could not rebuild search documents: {e}"),
        }
        let mut state = shared.lock();
        state.running = false;
        if rebuilt > 0 {
            state.last = Some((rebuilt, started.elapsed()));
        }
        shared.changed.notify_all();
    }
}
