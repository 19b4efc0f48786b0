//! The historical import: merchant and locations first (the main location's country decides
//! how phones are read), then every other stream's windows in parallel through the engine.
//! An unfinished import is resumed: same bounds, windows already done are kept, the others
//! are read again from their start. Afterwards every closed window is reconciled.

use crate::engine::{EngineRun, StreamTotals, count, counter, stream_totals};
use crate::fetch::Mode;
use crate::plan::{Stream, Window, import_windows};
use crate::progress::Progress;
use crate::reconcile::{Reconciliation, reconcile};
use crate::state::{self, RunKind, rfc3339};
use crate::writer::{Item, write_items};
use crate::{Error, Result};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use keeper_normalize::Context;
use keeper_square::client::SquareClient;
use keeper_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Start of the window (e.g. 12 months before `now`).
    pub since: DateTime<Utc>,
    /// The present, passed in.
    pub now: DateTime<Utc>,
    /// How far ahead upcoming bookings are read.
    pub bookings_horizon: ChronoDuration,
    /// Extra rounds for windows that failed.
    pub retries: u32,
    pub retry_pause: Duration,
}

impl ImportOptions {
    /// The last `months` months up to `now`, with 62 days of upcoming bookings.
    pub fn last_months(now: DateTime<Utc>, months: u32) -> Self {
        ImportOptions {
            since: now - ChronoDuration::days(i64::from(months) * 365 / 12),
            now,
            bookings_horizon: ChronoDuration::days(62),
            retries: 3,
            retry_pause: Duration::from_secs(2),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub run_id: i64,
    pub kind: RunKind,
    /// An interrupted run was continued.
    pub resumed: bool,
    pub since: String,
    pub until: String,
    pub elapsed_ms: u64,
    /// Requests answered during this process's part of the run.
    pub requests: usize,
    pub streams: BTreeMap<String, StreamTotals>,
    pub reconciliation: Reconciliation,
    /// Streams left as stored because their endpoint family's breaker was open.
    pub using_stored: Vec<String>,
    /// Other notes for people (deletions, merges).
    pub notes: Vec<String>,
}

/// Runs (or resumes) the historical import, calling `progress` after every stored page.
pub async fn import(
    client: &SquareClient,
    store: &mut Store,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<RunReport> {
    let started = Instant::now();
    keeper_normalize::prepare_connection(store.conn()).map_err(|source| Error::Normalize {
        stream: "setup",
        source,
    })?;
    let requests = counter();
    let sq = |stream: &'static str| move |source| Error::Square { stream, source };
    let merchant = client
        .retrieve_merchant_me()
        .await
        .map_err(sq("merchant"))?;
    let locations = client.list_locations().await.map_err(sq("locations"))?;
    requests.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
    let country = locations
        .iter()
        .find(|l| l.id.is_some() && l.id == merchant.main_location_id)
        .and_then(|l| l.country.clone())
        .unwrap_or_else(|| merchant.country.clone());
    let location_ids: Vec<String> = locations.iter().filter_map(|l| l.id.clone()).collect();

    let tx = store.conn_mut().transaction()?;
    let run = state::open_import_run(&tx, opts.since, opts.now, opts.now)?;
    let ctx = Context::new(Some(&country), run.until);
    let fetched_at = rfc3339(opts.now);
    let mut windows = vec![Window {
        stream: Stream::Locations,
        key: "all".to_owned(),
        seq: 0,
        begin: None,
        end: None,
        scope: Vec::new(),
    }];
    windows.extend(import_windows(
        run.since,
        run.until,
        opts.bookings_horizon,
        &location_ids,
    ));
    state::plan_windows(&tx, run.id, &windows)?;
    tx.commit()?;

    // Merchant (kept raw only) and locations, with the locations checkpoint.
    write_items(
        store,
        "merchant",
        &[Item::of("merchant", &merchant)?],
        &fetched_at,
        &ctx,
        false,
        |_, _| Ok(()),
    )?;
    state::start_window(store.conn(), run.id, Stream::Locations, "all")?;
    let items = Item::all("locations", &locations)?;
    write_items(
        store,
        "locations",
        &items,
        &fetched_at,
        &ctx,
        true,
        |tx, w| {
            let n = w.objects as i64;
            state::page_checkpoint(tx, run.id, Stream::Locations, "all", w, None, Some((n, n)))
        },
    )?;

    let engine = EngineRun {
        client,
        run_id: run.id,
        mode: Mode::Import,
        fetched_at,
        ctx,
        retries: opts.retries,
        retry_pause: opts.retry_pause,
        requests: requests.clone(),
    };
    let outcome = engine.execute(store, progress).await?;
    let reconciliation = reconcile(store.conn(), run.id)?;
    let ok = outcome.failed.is_empty();
    state::finish_run(store.conn(), run.id, ok, opts.now)?;
    if !ok {
        return Err(Error::WindowsFailed {
            windows: outcome
                .failed
                .iter()
                .map(|(s, k, e)| format!("{s} {k}: {e}"))
                .collect(),
        });
    }
    // The import read everything: syncs continue from its end.
    crate::sync::advance_cursors(store.conn(), &Stream::ALL, true, run.until)?;
    let states = state::windows(store.conn(), run.id)?;
    Ok(RunReport {
        run_id: run.id,
        kind: RunKind::Import,
        resumed: run.resumed,
        since: rfc3339(run.since),
        until: rfc3339(run.until),
        elapsed_ms: started.elapsed().as_millis() as u64,
        requests: count(&requests),
        streams: stream_totals(&states),
        reconciliation,
        using_stored: Vec::new(),
        notes: Vec::new(),
    })
}
