//! The daily sync: incremental by `updated_at` cursors with an overlap (≥ 72 h, since offline
//! orders arrive late), catalog by `begin_time` with deleted objects, bookings re-listed for
//! the recent past and the coming weeks, team and loyalty accounts re-read in full, and —
//! when the last full customer listing is old enough — a full listing that finds customers
//! Square deleted (marked deleted) or merged (history re-pointed to the new profile).
//!
//! A stream whose endpoint family's circuit breaker is open is skipped: its stored data
//! stays and the report says "using stored data for …". Cursors move only for streams
//! whose every window was read.
//!
//! Requests of an endpoint family read only by low-priority streams (loyalty) go at low
//! priority, so the client gives up on them at the first transient failure (no backoff
//! inside the sync). Normal and low work that fails transiently (after the engine's
//! retries), meets an open breaker, or is deferred because its family's budget is scarce or
//! its breaker open goes to the persisted retry queue ([`crate::retry`]) instead of failing
//! the sync (a half-open breaker does not defer low work: it is the probe that lets the
//! family recover): the next sync runs due entries first, in priority order; entries backing
//! off keep their stream out of the sync; dead entries (attempts used up) stay visible until
//! `retry_dead` revives them.

use crate::engine::{EngineRun, count, counter, stream_totals};
use crate::fetch::Mode;
use crate::import::RunReport;
use crate::plan::{Stream, Window, day_windows};
use crate::progress::Progress;
use crate::reconcile::reconcile;
use crate::retry::{self, QueuedWindow, Recorded};
use crate::state::{self, RunKind, rfc3339};
use crate::{Error, Result};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use keeper_normalize::Context;
use keeper_square::client::SquareClient;
use keeper_square::control::{Budget, Priority};
use keeper_store::Store;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

/// The sync cursor that records the last full customer listing.
pub const FULL_CUSTOMERS: &str = "customers_full";

/// When to list every customer (to find deletions and merges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullListing {
    /// When the last full listing is older than [`SyncOptions::full_every`].
    Auto,
    Always,
    Never,
}

/// How to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub now: DateTime<Utc>,
    /// Re-read overlap behind each cursor (orders: offline orders arrive late).
    pub overlap: ChronoDuration,
    /// Bookings re-listed from this far back ...
    pub bookings_past: ChronoDuration,
    /// ... to this far ahead.
    pub bookings_ahead: ChronoDuration,
    pub full_customers: FullListing,
    pub full_every: ChronoDuration,
    pub retries: u32,
    pub retry_pause: Duration,
    /// Retry the queue's dead entries too (their attempts start again).
    pub retry_dead: bool,
}

impl SyncOptions {
    /// Defaults: 72 h overlap, bookings from 14 days back to 62 days ahead, a full customer
    /// listing weekly.
    pub fn new(now: DateTime<Utc>) -> SyncOptions {
        SyncOptions {
            now,
            overlap: ChronoDuration::hours(72),
            bookings_past: ChronoDuration::days(14),
            bookings_ahead: ChronoDuration::days(62),
            full_customers: FullListing::Auto,
            full_every: ChronoDuration::days(7),
            retries: 2,
            retry_pause: Duration::from_secs(2),
            retry_dead: false,
        }
    }
}

fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn cursor(conn: &Connection, stream: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(state::sync_cursor(conn, stream)?.as_deref().and_then(parse))
}

/// The main location's country (phones are read with it), from the stored data.
fn country(conn: &Connection) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT l.country FROM locations l
         LEFT JOIN raw_objects m ON m.object_type = 'MERCHANT'
             AND json_extract(m.json, '$.main_location_id') = l.id
         ORDER BY m.square_id IS NULL, l.id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .optional()
    .map(Option::flatten)
}

fn location_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT id FROM locations ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect()
}

fn window(stream: Stream, key: String, begin: Option<DateTime<Utc>>, scope: Vec<String>) -> Window {
    Window {
        stream,
        key,
        seq: 0,
        begin,
        end: None,
        scope,
    }
}

/// The sync's windows, in priority order.
fn plan(conn: &Connection, opts: &SyncOptions, full: bool) -> rusqlite::Result<Vec<Window>> {
    let now = opts.now;
    let since = |stream: &str, overlap: ChronoDuration| -> rusqlite::Result<DateTime<Utc>> {
        Ok(cursor(conn, stream)?.unwrap_or(now - ChronoDuration::days(365)) - overlap)
    };
    let locations = location_ids(conn)?;
    let mut out = vec![window(Stream::Locations, "all".into(), None, vec![])];
    if full {
        out.push(window(Stream::Customers, "all".into(), None, vec![]));
    } else {
        let b = since("customers", opts.overlap)?;
        out.push(window(Stream::Customers, "updated".into(), Some(b), vec![]));
    }
    let b = since("payments", opts.overlap)?;
    for loc in &locations {
        out.push(window(
            Stream::Payments,
            format!("updated@{loc}"),
            Some(b),
            vec![loc.clone()],
        ));
    }
    for (key, begin, end) in day_windows(now - opts.bookings_past, now + opts.bookings_ahead, 31) {
        out.push(Window {
            stream: Stream::Bookings,
            key,
            seq: 0,
            begin: Some(begin),
            end: Some(end),
            scope: vec![],
        });
    }
    let b = since("orders", opts.overlap.max(ChronoDuration::hours(72)))?;
    for chunk in locations.chunks(10) {
        out.push(window(
            Stream::Orders,
            format!("updated@{}", chunk.join(",")),
            Some(b),
            chunk.to_vec(),
        ));
    }
    let b = since("refunds", opts.overlap)?;
    out.push(window(Stream::Refunds, "updated".into(), Some(b), vec![]));
    out.push(window(Stream::TeamMembers, "all".into(), None, vec![]));
    match cursor(conn, "catalog")? {
        Some(c) => out.push(window(
            Stream::Catalog,
            "updated".into(),
            Some(c - ChronoDuration::hours(1)),
            vec![],
        )),
        None => out.push(window(Stream::Catalog, "all".into(), None, vec![])),
    }
    out.push(window(Stream::LoyaltyAccounts, "all".into(), None, vec![]));
    let b = since("loyalty_events", opts.overlap)?;
    out.push(window(
        Stream::LoyaltyEvents,
        "updated".into(),
        Some(b),
        vec![],
    ));
    for (i, w) in out.iter_mut().enumerate() {
        w.seq = i as i64 + 1;
    }
    Ok(out)
}

/// What the retry queue does to a sync's plan.
#[derive(Debug, Default)]
struct QueuePlan {
    /// The windows to run: due queue entries first (priority order), then the rest.
    windows: Vec<Window>,
    /// Streams left out of this sync (an entry backing off or dead): cursors stay.
    held: BTreeSet<Stream>,
    notes: Vec<String>,
}

/// Merges the queue's `entries` into the `fresh` plan at `now`: a due entry runs first with
/// its stored bounds (widened to the fresh window's, if the fresh plan has the same
/// window); an entry not due, or dead, keeps its window out.
fn merge_queue(fresh: Vec<Window>, entries: &[QueuedWindow], now: DateTime<Utc>) -> QueuePlan {
    let mut fresh: Vec<Option<Window>> = fresh.into_iter().map(Some).collect();
    let mut take = |stream: Stream, key: &str| -> Option<Window> {
        fresh
            .iter_mut()
            .find(|w| {
                w.as_ref()
                    .is_some_and(|w| w.stream == stream && w.key == key)
            })
            .and_then(Option::take)
    };
    let mut out = QueuePlan::default();
    for e in entries {
        let same = take(e.stream, &e.key);
        if e.is_due(now) {
            let mut w = e.window();
            if let Some(f) = same {
                w.begin = w.begin.min(f.begin);
                w.end = match (w.end, f.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            out.windows.push(w);
            continue;
        }
        out.held.insert(e.stream);
        let error = e.last_error_code.as_deref().unwrap_or("unknown error");
        out.notes.push(match e.dead_at {
            Some(_) => format!(
                "{} {}: gave up after {} attempts ({error}); using stored data until \
                 `keeper sync --retry-dead`",
                e.stream, e.key, e.attempts
            ),
            None => format!(
                "{} {}: waiting to retry after {} ({error}, attempt {} of {})",
                e.stream,
                e.key,
                rfc3339(e.not_before),
                e.attempts,
                e.priority.policy().max_attempts
            ),
        });
    }
    out.windows.extend(fresh.into_iter().flatten());
    for (i, w) in out.windows.iter_mut().enumerate() {
        w.seq = i as i64 + 1;
    }
    out
}

/// Whether low work waits for a later sync at this family budget: yes when the budget is
/// scarce (throttled) or the breaker is open; no when it is ample, and no when the breaker
/// is half-open, since the family only recovers through a probe and a family read only by
/// low work (loyalty) would otherwise stay half-open, deferred at every sync, for ever.
fn defers_low_work(budget: Budget) -> bool {
    match budget {
        Budget::Scarce | Budget::Closed => true,
        Budget::Ample | Budget::ProbeOnly => false,
    }
}

/// The sync's handle on `client`: an endpoint family read only by low-priority streams
/// (loyalty) sends at low priority, so a failure there goes to the retry queue at once
/// instead of backing off (16, 32, 64 s at normal priority) inside this sync.
fn sync_client(client: &SquareClient) -> SquareClient {
    let low_only = |family| {
        Stream::ALL
            .into_iter()
            .filter(|s| retry::stream_family(*s) == family)
            .all(|s| retry::stream_priority(s) == Priority::Low)
    };
    Stream::ALL
        .into_iter()
        .map(retry::stream_family)
        .filter(|f| low_only(*f))
        .fold(client.clone(), |c, f| {
            c.with_family_priority(f, Priority::Low)
        })
}

/// Whether a failed window goes to the retry queue rather than failing the sync.
fn queueable(stream: Stream, error: &Error) -> bool {
    retry::queued_when_failing(stream)
        && match error {
            Error::Square { source, .. } => source.use_stored_data(),
            _ => false,
        }
}

/// Moves every stream's cursor to `at` (after an import, or a sync's completed streams).
pub fn advance_cursors(
    conn: &Connection,
    streams: &[Stream],
    full_customers: bool,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    for s in streams {
        state::set_sync_cursor(conn, s.as_str(), at, at)?;
    }
    if full_customers {
        state::set_sync_cursor(conn, FULL_CUSTOMERS, at, at)?;
    }
    Ok(())
}

/// A merge or deletion found by a full customer listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vanished {
    Deleted(String),
    Merged { from: String, into: String },
}

/// Customers stored but no longer listed: merged when a profile created by a merge in this
/// sync has the same email, phone or full name; deleted otherwise. Merged history is
/// re-pointed; both are recorded in `customer_status`, in one transaction.
pub fn settle_vanished(
    store: &mut Store,
    listed: &HashSet<String>,
    written: &HashSet<String>,
    now: DateTime<Utc>,
) -> Result<Vec<Vanished>> {
    let tx = store.conn_mut().transaction()?;
    type Person = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let people: Vec<Person> = tx
        .prepare(
            "SELECT id, email, phone_e164, given_name, family_name, creation_source FROM customers
             WHERE provenance = 'square_sync'
               AND id NOT IN (SELECT customer_id FROM customer_status)",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let merged_profiles: Vec<&Person> = people
        .iter()
        .filter(|p| p.5.as_deref() == Some("MERGE") && written.contains(&p.0))
        .collect();
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let mut out = Vec::new();
    let vanished: BTreeSet<&Person> = people.iter().filter(|p| !listed.contains(&p.0)).collect();
    for gone in vanished {
        let into = merged_profiles.iter().find(|m| {
            same(&m.1, &gone.1)
                || same(&m.2, &gone.2)
                || (same(&m.3, &gone.3) && same(&m.4, &gone.4))
        });
        match into {
            Some(m) => {
                keeper_normalize::repoint_customer(&tx, &gone.0, &m.0).map_err(|source| {
                    Error::Normalize {
                        stream: "customers",
                        source,
                    }
                })?;
                state::mark_customer(&tx, &gone.0, Some(&m.0), now)?;
                out.push(Vanished::Merged {
                    from: gone.0.clone(),
                    into: m.0.clone(),
                });
            }
            None => {
                state::mark_customer(&tx, &gone.0, None, now)?;
                out.push(Vanished::Deleted(gone.0.clone()));
            }
        }
    }
    tx.commit()?;
    Ok(out)
}

/// Runs a sync, calling `progress` after every stored page.
pub async fn sync(
    client: &SquareClient,
    store: &mut Store,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<RunReport> {
    let started = Instant::now();
    keeper_normalize::prepare_connection(store.conn()).map_err(|source| Error::Normalize {
        stream: "setup",
        source,
    })?;
    let full = match opts.full_customers {
        FullListing::Always => true,
        FullListing::Never => false,
        FullListing::Auto => cursor(store.conn(), FULL_CUSTOMERS)?
            .is_none_or(|last| opts.now - last >= opts.full_every),
    };
    let since = cursor(store.conn(), "payments")?.unwrap_or(opts.now - ChronoDuration::days(365));
    let ctx = Context::new(country(store.conn())?.as_deref(), opts.now);
    if opts.retry_dead {
        retry::revive_dead(store.conn(), opts.now)?;
    }
    let entries = retry::entries(store.conn())?;
    let (run, queue_plan, deferred) = {
        let tx = store.conn_mut().transaction()?;
        let run = state::new_run(&tx, RunKind::Sync, since, opts.now, opts.now)?;
        let mut queue_plan = merge_queue(plan(&tx, opts, full)?, &entries, opts.now);
        // Low work meets a scarce or closed budget: deferred to the queue without a request.
        let (deferred, windows): (Vec<Window>, Vec<Window>) =
            std::mem::take(&mut queue_plan.windows)
                .into_iter()
                .partition(|w| {
                    retry::stream_priority(w.stream) == Priority::Low
                        && defers_low_work(client.budget(retry::stream_family(w.stream)))
                });
        queue_plan.windows = windows;
        state::plan_windows(&tx, run.id, &queue_plan.windows)?;
        tx.commit()?;
        (run, queue_plan, deferred)
    };
    let client = &sync_client(client);
    let requests = counter();
    let engine = EngineRun {
        client,
        run_id: run.id,
        mode: Mode::Sync,
        fetched_at: rfc3339(opts.now),
        ctx,
        retries: opts.retries,
        retry_pause: opts.retry_pause,
        requests: requests.clone(),
    };
    let outcome = engine.execute(store, progress).await?;

    let mut notes = queue_plan.notes.clone();
    let mut held = queue_plan.held.clone();
    for w in &deferred {
        let family = retry::stream_family(w.stream);
        let message = format!("{family} budget is scarce; deferred to a later sync");
        retry::record_deferral(store.conn(), w, &message, opts.now)?;
        notes.push(format!("{} {}: {message}", w.stream, w.key));
        held.insert(w.stream);
    }
    let planned: HashMap<(Stream, &str), &Window> = queue_plan
        .windows
        .iter()
        .map(|w| ((w.stream, w.key.as_str()), w))
        .collect();
    let mut failed: Vec<&(Stream, String, Error)> = Vec::new();
    for f @ (stream, key, error) in &outcome.failed {
        let window = planned.get(&(*stream, key.as_str()));
        match window {
            Some(w) if queueable(*stream, error) => {
                let code = error.code();
                let recorded =
                    retry::record_failure(store.conn(), w, code, &error.to_string(), opts.now)?;
                notes.push(match recorded {
                    Recorded::Retry {
                        attempts,
                        not_before,
                    } => format!(
                        "{stream} {key}: queued for a later sync ({code}, attempt {attempts}, \
                         not before {})",
                        rfc3339(not_before)
                    ),
                    Recorded::Dead { attempts } => format!(
                        "{stream} {key}: gave up after {attempts} attempts ({code}); kept in \
                         the retry queue"
                    ),
                });
                held.insert(*stream);
            }
            _ => failed.push(f),
        }
    }
    let failed_keys: HashSet<(Stream, &str)> = outcome
        .failed
        .iter()
        .map(|(s, k, _)| (*s, k.as_str()))
        .collect();
    for w in &queue_plan.windows {
        if !failed_keys.contains(&(w.stream, w.key.as_str())) {
            retry::remove(store.conn(), w.stream, &w.key)?;
        }
    }
    if let Some(listed) = &outcome.customers_listed {
        for v in settle_vanished(store, listed, &outcome.customers_written, opts.now)? {
            notes.push(match v {
                Vanished::Deleted(id) => format!("customer {id} was deleted in Square"),
                Vanished::Merged { from, into } => {
                    format!("customer {from} was merged into {into}; history re-pointed")
                }
            });
        }
    }
    let mut failed_streams: BTreeSet<Stream> = failed.iter().map(|(s, _, _)| *s).collect();
    failed_streams.extend(held);
    let completed: Vec<Stream> = Stream::ALL
        .into_iter()
        .filter(|s| !failed_streams.contains(s))
        .collect();
    advance_cursors(
        store.conn(),
        &completed,
        full && !failed_streams.contains(&Stream::Customers),
        opts.now,
    )?;
    let using_stored: Vec<String> = outcome
        .failed
        .iter()
        .filter(|(_, _, e)| e.is_circuit_open())
        .map(|(s, _, _)| s.as_str().to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for s in &using_stored {
        tracing::warn!(stream = %s, "circuit open: using stored data");
    }
    let hard: Vec<String> = failed
        .iter()
        .filter(|(_, _, e)| !e.is_circuit_open())
        .map(|(s, k, e)| format!("{s} {k}: {e}"))
        .collect();
    let reconciliation = reconcile(store.conn(), run.id)?;
    state::finish_run(store.conn(), run.id, hard.is_empty(), opts.now)?;
    if !hard.is_empty() {
        return Err(Error::WindowsFailed { windows: hard });
    }
    let states = state::windows(store.conn(), run.id)?;
    Ok(RunReport {
        run_id: run.id,
        kind: RunKind::Sync,
        resumed: false,
        since: rfc3339(since),
        until: rfc3339(opts.now),
        elapsed_ms: started.elapsed().as_millis() as u64,
        requests: count(&requests),
        streams: stream_totals(&states),
        reconciliation,
        using_stored,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_families_read_by_low_streams_alone_send_at_low_priority() {
        use keeper_square::client::{ClientConfig, Environment, ManualClock, StaticToken};
        use keeper_square::control::EndpointFamily;
        use std::sync::Arc;
        let client = SquareClient::new(
            ClientConfig::new(Environment::Custom("http://127.0.0.1:9".into()), 1),
            Arc::new(StaticToken::new("t")),
            Arc::new(ManualClock::new(Duration::ZERO)),
        )
        .unwrap();
        let c = sync_client(&client);
        assert_eq!(c.priority_for(EndpointFamily::Loyalty), Priority::Low);
        for f in [
            EndpointFamily::Customers,
            EndpointFamily::Catalog,
            EndpointFamily::Team,
            EndpointFamily::Refunds,
        ] {
            assert_eq!(c.priority_for(f), client.priority(), "{f}");
        }
    }

    #[test]
    fn low_work_is_deferred_by_a_scarce_budget_or_open_breaker_but_not_by_a_half_open_one() {
        assert!(defers_low_work(Budget::Scarce));
        assert!(defers_low_work(Budget::Closed));
        assert!(!defers_low_work(Budget::Ample));
        assert!(
            !defers_low_work(Budget::ProbeOnly),
            "the probe must go, or the family never recovers"
        );
    }
}
