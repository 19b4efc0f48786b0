//! A token refresh against the simulator, end to end through Keeper's API layer: Connect
//! Square (browser played by an HTTP client) into a database file, then a
//! `connected_client` whose access token Square reports expired. The client refreshes through
//! its own `oauth` endpoint family, the rotated pair goes to the token store, the new expiry
//! dates land in `square_connection`, and no token text is ever written to the database
//! file (nor its WAL).
//!
//! Keeper's clock reads the simulator's present (moved by hand), so the access token
//! looks fresh to the client while the simulator (its clock moved 31 days on) answers
//! `ACCESS_TOKEN_EXPIRED`: the refresh is the one made on rejection, not ahead of expiry.

use chrono::{DateTime, Utc};
use keeper_api::connect::{ConnectOptions, connect_square, connected_client};
use keeper_api::health::read_connections;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{BoxFuture, Clock, Environment};
use keeper_square::control::{EndpointFamily, SimulatorTokenStore, TokenStore};
use keeper_square::oauth::redirect_following_browser;
use keeper_store::Store;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z
const DAY_MS: i64 = 86_400_000;

/// Keeper's clock for the test: the simulator's present plus real elapsed time, moved
/// forward by hand with [`TestClock::advance`]; waits are real (the connect flow's time-out
/// must not fire at once). `connect_square` wants a `Clone` clock.
#[derive(Clone)]
struct TestClock {
    start: Instant,
    base_ms: u64,
    skipped_ms: Arc<AtomicU64>,
}

impl TestClock {
    fn at(ms: i64) -> TestClock {
        TestClock {
            start: Instant::now(),
            base_ms: ms as u64,
            skipped_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    fn advance(&self, ms: i64) {
        self.skipped_ms.fetch_add(ms as u64, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.base_ms + self.skipped_ms.load(Ordering::SeqCst))
            + self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

async fn sim(seed: u64) -> SimHandle {
    Simulator::start(SimConfig::new(Profile::Small, seed, Ts(NOW_MS)))
        .await
        .expect("simulator starts")
}

/// Every byte SQLite wrote for the database at `db`: the file, its WAL and shared memory.
fn database_bytes(db: &Path) -> Vec<u8> {
    let dir = db.parent().unwrap();
    let name = db.file_name().unwrap().to_string_lossy().into_owned();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with(&name) {
            bytes.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    assert!(!bytes.is_empty(), "the database file exists");
    bytes
}

fn parsed(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().map(|s| {
        DateTime::parse_from_rfc3339(s)
            .expect("RFC 3339")
            .with_timezone(&Utc)
    })
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_on_an_expired_access_token_records_the_new_expiry_dates_and_no_token_text() {
    let sim = sim(72).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keeper.sqlite3");
    let clock = TestClock::at(NOW_MS);
    let tokens = Arc::new(SimulatorTokenStore::new());
    let environment = Environment::Custom(sim.base_url().to_owned());
    let options = ConnectOptions {
        environment: environment.clone(),
        client_id: sim.client_id(),
        port: None,
        timeout: Duration::from_secs(10),
    };
    let store = Store::open(&db).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let report = connect_square(
        &options,
        &*redirect_following_browser(),
        &*tokens,
        Some(&store),
        &mut rng,
        &clock,
    )
    .await
    .expect("connects");
    let first = tokens.load(&report.merchant_id).unwrap().expect("saved");
    let row = read_connections(store.conn()).unwrap().remove(0);
    assert_eq!(
        parsed(&row.access_expires_at),
        Some(at(NOW_MS + 30 * DAY_MS))
    );
    assert_eq!(first.expires_at, Some(at(NOW_MS + 30 * DAY_MS)));
    // The code exchange went through the `oauth` family and is in the health tables.
    let exchanges: i64 = store
        .conn()
        .query_row(
            "SELECT successes FROM api_health WHERE family = 'oauth'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exchanges, 1);

    // A day later for Keeper, 31 days later for Square: the access token has expired there.
    clock.advance(DAY_MS);
    sim.state().set_now(Ts(NOW_MS + 31 * DAY_MS));
    let client = connected_client(
        &environment,
        &sim.client_id(),
        &report.merchant_id,
        tokens.clone(),
        &db,
        3,
        Arc::new(clock.clone()),
    )
    .unwrap();
    let locations = client
        .list_locations()
        .await
        .expect("served after a refresh");
    assert!(!locations.is_empty());
    let oauth = client.family_health(EndpointFamily::Oauth);
    assert_eq!(
        (oauth.requests, oauth.successes),
        (1, 1),
        "the refresh went through the client's oauth family"
    );

    let rotated = tokens.load(&report.merchant_id).unwrap().expect("saved");
    assert_ne!(rotated.access_token, first.access_token);
    assert_ne!(
        rotated.refresh_token, first.refresh_token,
        "PKCE tokens rotate"
    );
    let square_now = NOW_MS + 31 * DAY_MS;
    assert_eq!(rotated.expires_at, Some(at(square_now + 30 * DAY_MS)));
    assert_eq!(
        rotated.refresh_expires_at,
        Some(at(square_now + 90 * DAY_MS))
    );
    let row = read_connections(store.conn()).unwrap().remove(0);
    assert_eq!(
        parsed(&row.access_expires_at),
        rotated.expires_at,
        "the observer wrote the new access expiry"
    );
    assert_eq!(parsed(&row.refresh_expires_at), rotated.refresh_expires_at);
    assert_eq!(
        parsed(&Some(row.connected_at.clone())),
        Some(first.obtained_at),
        "a refresh is not a new connection"
    );

    // Neither pair's token text is anywhere in the database's bytes.
    drop(client);
    drop(store);
    let bytes = database_bytes(&db);
    assert!(
        contains(&bytes, &report.merchant_id),
        "the scan sees the rows"
    );
    for set in [&first, &rotated] {
        let secrets = [
            Some(set.access_token.expose()),
            set.refresh_token.as_ref().map(|t| t.expose()),
        ];
        for secret in secrets.into_iter().flatten() {
            assert!(secret.len() > 20, "a real token");
            assert!(
                !contains(&bytes, secret),
                "token text found in the database"
            );
        }
    }
    sim.shutdown().await;
}
