//! `connect_square` against the in-process simulator with the browser played by an HTTP
//! client: the token set is saved in the token store (the simulator store here; the OS
//! keyring is covered by `keeper connect`'s test), the connection's dates reach the
//! database, and health warns before the refresh token expires. A token store that cannot
//! keep tokens stops the flow before any browser opens.

use chrono::Duration as Days;
use keeper_api::connect::{ConnectOptions, connect_square};
use keeper_api::health::health_report;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{BoxFuture, Clock, Environment, SystemClock};
use keeper_square::control::{SimulatorTokenStore, TokenStore, TokenStoreError};
use keeper_square::oauth::{BrowserOpener, TokenSet};
use keeper_store::Store;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

async fn sim(seed: u64) -> SimHandle {
    let now = SystemClock::new().now().as_millis() as i64;
    Simulator::start(SimConfig::new(Profile::Small, seed, Ts(now)))
        .await
        .expect("simulator starts")
}

fn options(sim: &SimHandle) -> ConnectOptions {
    ConnectOptions {
        environment: Environment::Custom(sim.base_url().to_owned()),
        client_id: sim.client_id(),
        port: None,
        timeout: Duration::from_secs(10),
    }
}

/// Follows the authorize redirect to the loopback listener, counting the pages opened.
fn browser(opened: Arc<AtomicUsize>) -> Box<BrowserOpener> {
    Box::new(
        move |url: String| -> BoxFuture<'static, Result<(), String>> {
            opened.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                let page = reqwest::get(&url).await.map_err(|e| e.to_string())?;
                page.error_for_status().map_err(|e| e.to_string())?;
                Ok(())
            })
        },
    )
}

#[tokio::test]
async fn connecting_saves_the_tokens_and_health_warns_before_the_refresh_token_expires() {
    let sim = sim(71).await;
    let tokens = SimulatorTokenStore::new();
    let store = Store::open_in_memory().unwrap();
    let opened = Arc::new(AtomicUsize::new(0));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let report = connect_square(
        &options(&sim),
        &*browser(opened.clone()),
        &tokens,
        Some(&store),
        &mut rng,
        &SystemClock::new(),
    )
    .await
    .expect("connects");
    assert_eq!(opened.load(Ordering::SeqCst), 1);
    let saved = tokens.load(&report.merchant_id).unwrap().expect("saved");
    assert!(saved.refresh_token.is_some());
    let expires = saved
        .refresh_expires_at
        .expect("PKCE refresh tokens expire");

    let fresh = health_report(&store, saved.obtained_at).unwrap();
    assert_eq!(fresh.connections[0].merchant_id, report.merchant_id);
    assert!(
        fresh
            .recommendations
            .iter()
            .all(|r| r.code != "refresh_expiring")
    );

    let soon = expires - Days::days(5) - Days::hours(1);
    let later = health_report(&store, soon).unwrap();
    let advice: Vec<&str> = later
        .recommendations
        .iter()
        .filter(|r| r.code == "refresh_expiring")
        .map(|r| r.message.as_str())
        .collect();
    assert_eq!(
        advice,
        ["reconnect Square: the refresh token expires in 5 days"]
    );
    let lapsed = health_report(&store, expires + Days::days(1)).unwrap();
    assert!(
        lapsed.recommendations[0]
            .message
            .starts_with("reconnect Square: the connection lapsed")
    );
    sim.shutdown().await;
}

/// A token store without a keyring behind it.
struct NoKeyring;

impl TokenStore for NoKeyring {
    fn load(&self, _: &str) -> Result<Option<TokenSet>, TokenStoreError> {
        Err(self.check_available().unwrap_err())
    }
    fn put(&self, _: &TokenSet) -> Result<(), TokenStoreError> {
        Err(self.check_available().unwrap_err())
    }
    fn delete(&self, _: &str) -> Result<(), TokenStoreError> {
        Err(self.check_available().unwrap_err())
    }
    fn check_available(&self) -> Result<(), TokenStoreError> {
        Err(TokenStoreError::KeyringUnavailable {
            detail: "no D-Bus session".into(),
        })
    }
}

#[tokio::test]
async fn without_a_token_store_nothing_is_opened_and_the_error_says_why() {
    let sim = sim(72).await;
    let opened = Arc::new(AtomicUsize::new(0));
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let err = connect_square(
        &options(&sim),
        &*browser(opened.clone()),
        &NoKeyring,
        None,
        &mut rng,
        &SystemClock::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, "keyring_unavailable");
    assert!(
        err.message.starts_with("no OS keyring is available"),
        "{}",
        err.message
    );
    assert_eq!(
        opened.load(Ordering::SeqCst),
        0,
        "the seller is not sent to the browser"
    );
    sim.shutdown().await;
}
