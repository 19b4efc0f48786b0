//! The sync's persisted retry queue end to end against the simulator: the real client, a
//! store in a file, faults scoped to one endpoint family (`keeper_sim::path_faults`), no
//! mocks. Every "restart" drops the client and the store and opens them again, as a new
//! process would; those clients run on a `ManualClock`, so their backoffs (team's 16, 32,
//! 64 s) take no wall time.
//!
//! - A low-priority family (loyalty) failing during a sync is queued, survives the restart,
//!   and the next sync drains it: the store then holds what the simulator holds.
//! - Families failing past their priority's attempts (loyalty: low, 2; team: normal, 4, with
//!   its 16/32/64 s backoff) end dead-lettered with their reason, stay visible at every later
//!   sync, never block the other families, and come back with `retry_dead`.
//! - Regression: loyalty behind a half-open breaker was deferred at every sync by a
//!   long-lived client (the probe it needed to recover never went).

mod common;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use common::{NOW_MS, at, count};
use keeper_import::plan::Stream;
use keeper_import::retry::{self, QueuedWindow};
use keeper_import::{RunReport, SyncOptions};
use keeper_sim::path_faults::{FaultStatus, PathFault};
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{
    BoxFuture, ClientConfig, Clock, Environment, ManualClock, SquareClient, StaticToken,
    SystemClock,
};
use keeper_square::control::{Budget, CircuitState, EndpointFamily, Priority};
use keeper_store::Store;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const DAY_MS: i64 = 86_400_000;

/// Wall-clock time that a test can move forward at once ([`SkippingClock::skip`]).
struct SkippingClock {
    start: SystemClock,
    skipped_ms: AtomicU64,
}

impl SkippingClock {
    fn new() -> SkippingClock {
        SkippingClock {
            start: SystemClock::new(),
            skipped_ms: AtomicU64::new(0),
        }
    }

    fn skip(&self, by: Duration) {
        self.skipped_ms
            .fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for SkippingClock {
    fn now(&self) -> Duration {
        self.start.now() + Duration::from_millis(self.skipped_ms.load(Ordering::SeqCst))
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.start.sleep(duration)
    }
}

async fn start_sim(seed: u64) -> SimHandle {
    Simulator::start(SimConfig::new(Profile::Small, seed, Ts(NOW_MS)))
        .await
        .unwrap()
}

/// A client as a fresh process makes it, on virtual time starting at the sim's present.
fn client_on(sim: &SimHandle, clock: Arc<ManualClock>) -> SquareClient {
    SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 7),
        Arc::new(StaticToken::new(sim.access_token())),
        clock,
    )
    .unwrap()
}

fn fresh_clock(sim: &SimHandle) -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Duration::from_millis(sim.now().0 as u64)))
}

fn opts(now: DateTime<Utc>) -> SyncOptions {
    let mut o = SyncOptions::new(now);
    o.retry_pause = Duration::from_millis(20);
    o
}

/// One sync as a freshly started app runs it: a new client, the store opened from `path`,
/// both dropped at the end.
async fn sync_after_restart(sim: &SimHandle, path: &Path, o: &SyncOptions) -> RunReport {
    let client = client_on(sim, fresh_clock(sim));
    let mut store = Store::open(path).unwrap();
    keeper_import::sync(&client, &mut store, o, &mut |_| {})
        .await
        .unwrap()
}

fn queue(path: &Path) -> Vec<QueuedWindow> {
    retry::entries(Store::open(path).unwrap().conn()).unwrap()
}

fn raw_ids(store: &Store, object_type: &str) -> BTreeSet<String> {
    store
        .conn()
        .prepare("SELECT square_id FROM raw_objects WHERE object_type = ?1")
        .unwrap()
        .query_map([object_type], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn sim_loyalty_accounts(sim: &SimHandle) -> BTreeSet<String> {
    let d = sim.state().data();
    d.loyalty_accounts.iter().map(|a| a.id.clone()).collect()
}

/// The simulator's loyalty events created at or after `since`.
fn sim_loyalty_events(sim: &SimHandle, since: DateTime<Utc>) -> BTreeSet<String> {
    let d = sim.state().data();
    d.loyalty_events
        .iter()
        .filter(|e| e.created_at.0 >= since.timestamp_millis())
        .map(|e| e.id.clone())
        .collect()
}

fn sim_team(sim: &SimHandle) -> BTreeSet<String> {
    let d = sim.state().data();
    d.team.iter().map(|m| m.id.clone()).collect()
}

fn hits(sim: &SimHandle) -> u64 {
    sim.faults().paths.iter().map(|p| p.hits).sum()
}

fn cursor_set(path: &Path, stream: &str) -> bool {
    let store = Store::open(path).unwrap();
    count(
        &store,
        &format!("SELECT COUNT(*) FROM sync_cursors WHERE stream = '{stream}'"),
    ) == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_low_priority_family_is_queued_survives_a_restart_and_the_next_sync_drains_it() {
    let sim = start_sim(43).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keeper.sqlite3");
    let t0 = at(NOW_MS + 1000);

    sim.set_path_faults(vec![PathFault::new(
        "/v2/loyalty",
        FaultStatus::Unavailable,
    )]);
    let first = sync_after_restart(&sim, &path, &opts(t0)).await;
    assert!(hits(&sim) > 0, "the loyalty fault was met");
    let queued = queue(&path);
    let streams: BTreeSet<Stream> = queued.iter().map(|e| e.stream).collect();
    assert_eq!(
        streams,
        BTreeSet::from([Stream::LoyaltyAccounts, Stream::LoyaltyEvents]),
        "{queued:#?}"
    );
    assert_eq!(queued.len(), 2);
    for e in &queued {
        assert_eq!(
            (e.priority, e.attempts, e.dead_at),
            (Priority::Low, 1, None)
        );
        assert!(
            e.last_error_code.is_some() && e.last_error.is_some(),
            "{e:?}"
        );
        assert!(
            e.is_due(t0),
            "low work waits for the next scheduled run only"
        );
    }
    assert!(
        first
            .notes
            .iter()
            .any(|n| n.contains("queued for a later sync")),
        "{:?}",
        first.notes
    );
    {
        let store = Store::open(&path).unwrap();
        assert!(raw_ids(&store, "LOYALTY_ACCOUNT").is_empty());
        assert!(raw_ids(&store, "LOYALTY_EVENT").is_empty());
        assert!(
            count(&store, "SELECT COUNT(*) FROM customers") > 0,
            "the other families were read"
        );
    }
    assert!(cursor_set(&path, "customers"));
    assert!(
        !cursor_set(&path, "loyalty_events"),
        "a queued stream's cursor stays"
    );
    let events_since = queued
        .iter()
        .find(|e| e.stream == Stream::LoyaltyEvents)
        .and_then(|e| e.begin)
        .expect("the events window has a start");

    // Restart: a new client and the store reopened; Square has recovered.
    sim.set_path_faults(Vec::new());
    let second = sync_after_restart(&sim, &path, &opts(t0 + ChronoDuration::hours(1))).await;
    assert!(second.using_stored.is_empty(), "{:?}", second.using_stored);
    assert!(queue(&path).is_empty(), "drained: {:#?}", queue(&path));
    let store = Store::open(&path).unwrap();
    assert_eq!(
        raw_ids(&store, "LOYALTY_ACCOUNT"),
        sim_loyalty_accounts(&sim)
    );
    let events = raw_ids(&store, "LOYALTY_EVENT");
    assert!(!events.is_empty());
    assert_eq!(events, sim_loyalty_events(&sim, events_since));
    drop(store);
    assert!(cursor_set(&path, "loyalty_events"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn families_failing_past_their_attempts_are_dead_lettered_visibly_without_blocking_others() {
    let sim = start_sim(44).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keeper.sqlite3");
    let t0 = at(NOW_MS + 1000);
    sim.set_path_faults(vec![
        PathFault::new("/v2/loyalty", FaultStatus::Unavailable),
        PathFault::new("/v2/team-members", FaultStatus::Internal),
    ]);
    let entry = |stream: Stream| -> QueuedWindow {
        queue(&path)
            .into_iter()
            .find(|e| e.stream == stream)
            .unwrap_or_else(|| panic!("{stream} is queued"))
    };

    // 1st sync: loyalty (low) and team (normal) fail once.
    sync_after_restart(&sim, &path, &opts(t0)).await;
    let team = entry(Stream::TeamMembers);
    assert_eq!((team.priority, team.attempts), (Priority::Normal, 1));
    assert_eq!(team.not_before, t0 + ChronoDuration::seconds(16));
    assert_eq!(entry(Stream::LoyaltyEvents).attempts, 1);

    // 5 s later: team is backing off (held, not tried); loyalty's second failure kills it.
    let report = sync_after_restart(&sim, &path, &opts(t0 + ChronoDuration::seconds(5))).await;
    assert_eq!(entry(Stream::TeamMembers).attempts, 1, "not due: not tried");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.starts_with("team_members all: waiting to retry")),
        "{:?}",
        report.notes
    );
    for s in [Stream::LoyaltyAccounts, Stream::LoyaltyEvents] {
        let e = entry(s);
        assert_eq!(e.attempts, 2);
        assert_eq!(e.dead_at, Some(t0 + ChronoDuration::seconds(5)), "{s} dead");
    }

    // A day later Square has new customers: they arrive while loyalty stays dead.
    let changes = sim.advance(DAY_MS);
    assert!(!changes.new_customer_ids.is_empty());
    let day1 = t0 + ChronoDuration::days(1);
    let loyalty_hits = sim.faults().paths[0].hits;
    let report = sync_after_restart(&sim, &path, &opts(day1)).await;
    assert_eq!(
        sim.faults().paths[0].hits,
        loyalty_hits,
        "dead: not retried"
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.starts_with("loyalty_events updated: gave up after 2 attempts")),
        "{:?}",
        report.notes
    );
    {
        let store = Store::open(&path).unwrap();
        for id in &changes.new_customer_ids {
            let n = count(
                &store,
                &format!("SELECT COUNT(*) FROM customers WHERE id = '{id}'"),
            );
            assert_eq!(n, 1, "new customer {id} synced despite the dead families");
        }
    }
    // Team: attempts 2, 3 and 4 after 32 and 64 s of backoff; the 4th is its last.
    assert_eq!(entry(Stream::TeamMembers).attempts, 2);
    let mut at_ = day1;
    for (wait, attempts) in [(32, 3), (64, 4)] {
        at_ += ChronoDuration::seconds(wait);
        sync_after_restart(&sim, &path, &opts(at_)).await;
        assert_eq!(entry(Stream::TeamMembers).attempts, attempts);
    }
    let team = entry(Stream::TeamMembers);
    assert_eq!(team.dead_at, Some(at_), "normal work dead after 4 attempts");
    // Four 500s, then the fifth opens the team breaker: that is the recorded reason.
    assert_eq!(team.last_error_code.as_deref(), Some("circuit_open"));
    assert!(
        team.last_error
            .as_deref()
            .is_some_and(|m| m.contains("team endpoints are failing")),
        "{team:?}"
    );

    // Days later both are still there, with their reasons, and still not retried.
    let hits_before = hits(&sim);
    let report = sync_after_restart(&sim, &path, &opts(t0 + ChronoDuration::days(3))).await;
    assert_eq!(hits(&sim), hits_before);
    let dead: Vec<QueuedWindow> = queue(&path)
        .into_iter()
        .filter(|e| e.dead_at.is_some())
        .collect();
    assert_eq!(dead.len(), 3, "{dead:#?}");
    for e in &dead {
        assert!(
            e.last_error.as_deref().is_some_and(|m| !m.is_empty()),
            "{e:?}"
        );
    }
    assert_eq!(
        report
            .notes
            .iter()
            .filter(|n| n.contains("gave up after"))
            .count(),
        3,
        "{:?}",
        report.notes
    );
    {
        let store = Store::open(&path).unwrap();
        let rows = count(
            &store,
            "SELECT COUNT(*) FROM retry_queue WHERE dead_at_ms IS NOT NULL
               AND last_error IS NOT NULL AND last_error_code IS NOT NULL",
        );
        assert_eq!(rows, 3, "dead letters are rows health reads");
        assert!(raw_ids(&store, "TEAM_MEMBER").is_empty());
    }

    // The owner asks to retry them once Square works again: the data arrives.
    sim.set_path_faults(Vec::new());
    let mut o = opts(t0 + ChronoDuration::days(3) + ChronoDuration::hours(1));
    o.retry_dead = true;
    sync_after_restart(&sim, &path, &o).await;
    assert!(queue(&path).is_empty(), "{:#?}", queue(&path));
    let store = Store::open(&path).unwrap();
    assert_eq!(raw_ids(&store, "TEAM_MEMBER"), sim_team(&sim));
    assert_eq!(
        raw_ids(&store, "LOYALTY_ACCOUNT"),
        sim_loyalty_accounts(&sim)
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_work_behind_a_half_open_breaker_is_sent_as_the_probe_not_deferred_for_ever() {
    let sim = start_sim(45).await;
    // Real time here (a virtual clock races ahead while real requests are in flight, which
    // could half-open the breaker before the test looks), with the cool-down skipped by hand.
    let clock = Arc::new(SkippingClock::new());
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 7),
        Arc::new(StaticToken::new(sim.access_token())),
        clock.clone(),
    )
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let t0 = at(NOW_MS + 1000);
    sim.set_path_faults(vec![PathFault::new(
        "/v2/loyalty",
        FaultStatus::Unavailable,
    )]);
    keeper_import::sync(&client, &mut store, &opts(t0), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        client.circuit_state(EndpointFamily::Loyalty),
        CircuitState::Open
    );
    // Square recovers; the app keeps its client. After the cool-down the breaker is
    // half-open: the loyalty work must go (as the probe), not wait for a budget that only
    // that probe could restore.
    sim.set_path_faults(Vec::new());
    clock.skip(Duration::from_secs(120));
    assert_eq!(client.budget(EndpointFamily::Loyalty), Budget::ProbeOnly);
    let later = t0 + ChronoDuration::hours(1);
    let report = keeper_import::sync(&client, &mut store, &opts(later), &mut |_| {})
        .await
        .unwrap();
    assert!(
        !report.notes.iter().any(|n| n.contains("deferred")),
        "{:?}",
        report.notes
    );
    assert!(retry::entries(store.conn()).unwrap().is_empty());
    assert_eq!(
        client.circuit_state(EndpointFamily::Loyalty),
        CircuitState::Closed
    );
    assert_eq!(
        raw_ids(&store, "LOYALTY_ACCOUNT"),
        sim_loyalty_accounts(&sim)
    );
    sim.shutdown().await;
}
