//! Connect Square against the in-process simulator, with the browser replaced by an HTTP
//! client that follows the authorize redirect to the loopback listener: success, state
//! mismatch, user denied, time-out; then refresh rotation (a used refresh token is refused),
//! expiry (refresh on `ACCESS_TOKEN_EXPIRED`, new pair saved before use), revocation and a
//! lapsed refresh token (reconnect).
//!
//! The simulator starts at the real current time so the client's system clock and the
//! simulator agree on token expiry.

use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{
    BoxFuture, ClientConfig, Clock, Environment, ManualClock, SquareClient, SystemClock,
    TokenError, TokenSource,
};
use keeper_square::control::{EndpointFamily, HealthLog, Priority};
use keeper_square::oauth::{
    BrowserOpener, ClientTokenGate, ConnectConfig, MemoryTokenSink, OAuthError,
    RefreshingTokenSource, TokenSet, TokenSink, connect,
};
use oauth2::TokenResponse;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use std::time::Duration;

const DAY_MS: i64 = 86_400_000;

async fn sim(seed: u64) -> SimHandle {
    let now = SystemClock::new().now().as_millis() as i64;
    Simulator::start(SimConfig::new(Profile::Small, seed, Ts(now)))
        .await
        .expect("simulator starts")
}

fn config(sim: &SimHandle) -> ConnectConfig {
    let mut config = ConnectConfig::new(
        Environment::Custom(sim.base_url().to_owned()),
        sim.client_id(),
    );
    config.timeout = Duration::from_secs(10);
    config
}

/// A "browser" that requests the authorize URL and follows the redirect to the listener.
fn following_browser() -> Box<BrowserOpener> {
    Box::new(|url: String| -> BoxFuture<'static, Result<(), String>> {
        Box::pin(async move {
            let answer = reqwest::get(&url).await.map_err(|e| e.to_string())?;
            let page = answer.text().await.map_err(|e| e.to_string())?;
            assert!(page.contains("<html"), "the listener shows a page");
            Ok(())
        })
    })
}

async fn connected(sim: &SimHandle) -> TokenSet {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    connect(
        &config(sim),
        &*following_browser(),
        &mut rng,
        &SystemClock::new(),
    )
    .await
    .expect("connects")
}

fn api_client(sim: &SimHandle, tokens: Arc<dyn TokenSource>) -> SquareClient {
    let mut config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 5);
    config.priority = Priority::High;
    SquareClient::new(config, tokens, Arc::new(SystemClock::new())).unwrap()
}

fn source(sim: &SimHandle, tokens: TokenSet, sink: Arc<dyn TokenSink>) -> RefreshingTokenSource {
    let endpoint = config(sim).token_endpoint().unwrap();
    RefreshingTokenSource::new(endpoint, tokens, sink)
}

#[tokio::test]
async fn connect_square_yields_tokens_that_read_the_api() {
    let sim = sim(21).await;
    let tokens = connected(&sim).await;
    assert_eq!(
        tokens.merchant_id,
        sim.state().auth.lock().unwrap().merchant_id
    );
    assert!(tokens.refresh_token.is_some());
    let now = SystemClock::new().now();
    let expires = tokens.expires_at.unwrap();
    let refresh_expires = tokens.refresh_expires_at.unwrap();
    assert!(
        (expires - tokens.obtained_at).num_days() >= 29,
        "30-day access token"
    );
    assert!(
        (refresh_expires - tokens.obtained_at).num_days() >= 89,
        "90-day refresh token"
    );
    assert!(!tokens.needs_refresh(keeper_square::oauth::token_set::utc(now)));
    let sink = Arc::new(MemoryTokenSink::new());
    let client = api_client(&sim, Arc::new(source(&sim, tokens.clone(), sink)));
    let status = client.retrieve_token_status().await.unwrap();
    assert_eq!(status.scopes.len(), 9, "Keeper's nine scopes were granted");
    assert_eq!(
        client.retrieve_merchant_me().await.unwrap().id.as_deref(),
        Some(tokens.merchant_id.as_str())
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_redirect_with_another_state_is_refused() {
    let sim = sim(22).await;
    let forging: Box<BrowserOpener> =
        Box::new(|url: String| -> BoxFuture<'static, Result<(), String>> {
            Box::pin(async move {
                let http = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                let answer = http.get(&url).send().await.map_err(|e| e.to_string())?;
                let location = answer.headers()["location"].to_str().unwrap().to_owned();
                let (base, query) = location.split_once('?').unwrap();
                let forged: Vec<String> = query
                    .split('&')
                    .map(|p| {
                        if p.starts_with("state=") {
                            "state=forged".to_owned()
                        } else {
                            p.to_owned()
                        }
                    })
                    .collect();
                let page = reqwest::get(format!("{base}?{}", forged.join("&")))
                    .await
                    .map_err(|e| e.to_string())?;
                assert_eq!(page.status().as_u16(), 400);
                Ok(())
            })
        });
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let err = connect(&config(&sim), &*forging, &mut rng, &SystemClock::new())
        .await
        .unwrap_err();
    assert_eq!(err, OAuthError::StateMismatch);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_seller_who_denies_gets_a_typed_user_denied_error() {
    let sim = sim(23).await;
    sim.set_deny_authorize(true);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let err = connect(
        &config(&sim),
        &*following_browser(),
        &mut rng,
        &SystemClock::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "user_denied");
    assert!(matches!(err, OAuthError::UserDenied { description: Some(d) } if d == "user_denied"));
    sim.shutdown().await;
}

#[tokio::test]
async fn nobody_answering_times_out() {
    let sim = sim(24).await;
    let idle: Box<BrowserOpener> =
        Box::new(|_url: String| -> BoxFuture<'static, Result<(), String>> {
            Box::pin(async { Ok(()) })
        });
    let mut config = config(&sim);
    config.timeout = Duration::from_millis(300);
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let started = std::time::Instant::now();
    let err = connect(&config, &*idle, &mut rng, &SystemClock::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "authorization_timed_out");
    assert!(started.elapsed() < Duration::from_secs(5));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fixed_port_is_used_for_the_redirect() {
    let sim = sim(25).await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut config = config(&sim);
    config.port = Some(port);
    let seen = Arc::new(std::sync::Mutex::new(String::new()));
    let record = seen.clone();
    let browser: Box<BrowserOpener> = Box::new(
        move |url: String| -> BoxFuture<'static, Result<(), String>> {
            *record.lock().unwrap() = url.clone();
            Box::pin(async move {
                reqwest::get(&url)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
        },
    );
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    connect(&config, &*browser, &mut rng, &SystemClock::new())
        .await
        .unwrap();
    let url = seen.lock().unwrap().clone();
    assert!(
        url.contains(&format!("127.0.0.1%3A{port}%2Fcallback")),
        "{url}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn refresh_rotates_and_the_used_refresh_token_is_refused() {
    let sim = sim(26).await;
    let tokens = connected(&sim).await;
    let endpoint = config(&sim).token_endpoint().unwrap();
    let old = tokens.refresh_token.clone().unwrap();
    let fresh = endpoint.refresh(&old).await.unwrap();
    let fresh_refresh = fresh.refresh_token().cloned();
    assert!(
        fresh_refresh.is_some_and(|r| r.secret() != old.expose()),
        "a new refresh token"
    );
    let err = endpoint.refresh(&old).await.unwrap_err();
    assert_eq!(err.code(), "token_rejected");
    sim.shutdown().await;
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_saved_and_the_request_retried() {
    let sim = sim(27).await;
    let tokens = connected(&sim).await;
    let sink = Arc::new(MemoryTokenSink::new());
    let source = Arc::new(source(&sim, tokens.clone(), sink.clone()));
    let client = api_client(&sim, source.clone());
    sim.advance(31 * DAY_MS);
    let locations = client
        .list_locations()
        .await
        .expect("refreshed and retried");
    assert!(!locations.is_empty());
    let saved = sink.saved();
    assert_eq!(saved.len(), 1, "the new pair was saved once");
    let current = source.tokens().await;
    assert_eq!(saved[0], current, "what is in use is what was saved");
    assert_ne!(current.access_token, tokens.access_token);
    assert_ne!(current.refresh_token, tokens.refresh_token);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_refreshed_pair_that_cannot_be_saved_is_not_used_until_it_is() {
    let sim = sim(28).await;
    let tokens = connected(&sim).await;
    let sink = Arc::new(MemoryTokenSink::new());
    sink.fail_with(Some("keyring locked"));
    let source = source(&sim, tokens.clone(), sink.clone());
    let now = SystemClock::new().now();
    let err = source.refresh(&tokens.access_token, now).await.unwrap_err();
    assert_eq!(err.code(), "token_store_failed");
    let err = source.access_token(now).await.unwrap_err();
    assert!(
        matches!(err, TokenError::Store { .. }),
        "still not handed out"
    );
    sink.fail_with(None);
    let token = source.access_token(now).await.unwrap();
    assert_eq!(sink.saved().len(), 1);
    assert_eq!(sink.saved()[0].access_token, token);
    assert_ne!(token, tokens.access_token);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_revoked_connection_asks_to_reconnect() {
    let sim = sim(29).await;
    let tokens = connected(&sim).await;
    let revoked = reqwest::Client::new()
        .post(format!("{}/oauth2/revoke", sim.base_url()))
        .header("Authorization", format!("Client {}", sim.client_secret()))
        .json(&serde_json::json!({"client_id": sim.client_id(), "merchant_id": tokens.merchant_id}))
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());
    let sink = Arc::new(MemoryTokenSink::new());
    let client = api_client(&sim, Arc::new(source(&sim, tokens, sink)));
    let err = client.list_locations().await.unwrap_err();
    assert!(err.needs_reconnect(), "{err:?}");
    assert_eq!(err.code(), "reconnect_required");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lapsed_refresh_token_asks_to_reconnect() {
    let sim = sim(30).await;
    let tokens = connected(&sim).await;
    // Square's side: 91 days later the refresh token is refused.
    sim.advance(91 * DAY_MS);
    let sink = Arc::new(MemoryTokenSink::new());
    let client = api_client(&sim, Arc::new(source(&sim, tokens.clone(), sink.clone())));
    let err = client.list_locations().await.unwrap_err();
    assert!(err.needs_reconnect(), "{err:?}");
    assert!(sink.saved().is_empty());
    // Keeper's side: with its own clock past the refresh expiry it does not even try.
    let later = tokens.refresh_expires_at.unwrap().timestamp_millis() as u64 + 1;
    let clock = ManualClock::new(Duration::from_millis(later));
    let source = source(&sim, tokens, sink);
    let err = source.access_token(clock.now()).await.unwrap_err();
    assert_eq!(err.code(), "refresh_expired");
    sim.shutdown().await;
}

#[tokio::test]
async fn token_refreshes_go_through_the_clients_oauth_family() {
    let sim = sim(31).await;
    let tokens = connected(&sim).await;
    let gate = ClientTokenGate::new();
    let mut endpoint = config(&sim).token_endpoint().unwrap();
    endpoint.gate = Some(gate.clone());
    let sink = Arc::new(MemoryTokenSink::new());
    let rotated = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = rotated.clone();
    let source = Arc::new(
        RefreshingTokenSource::new(endpoint, tokens.clone(), sink.clone()).with_observer(Arc::new(
            move |set: &keeper_square::oauth::TokenSet| {
                seen.lock()
                    .unwrap()
                    .push((set.merchant_id.clone(), set.expires_at));
            },
        )),
    );
    let client = api_client(&sim, source);
    gate.bind(&client);
    let log = Arc::new(HealthLog::new());
    client.set_health_sink(log.clone());
    sim.advance(31 * DAY_MS);
    client
        .list_locations()
        .await
        .expect("refreshed and retried");
    let oauth = client.family_health(EndpointFamily::Oauth);
    assert_eq!((oauth.requests, oauth.successes), (1, 1), "{oauth:?}");
    assert_eq!(sink.saved().len(), 1, "the new pair was saved");
    let rotated = rotated.lock().unwrap().clone();
    assert_eq!(rotated.len(), 1, "the observer hears of the rotation once");
    assert_eq!(rotated[0].0, tokens.merchant_id);
    assert_eq!(rotated[0].1, sink.saved()[0].expires_at);
    assert!(rotated[0].1 > tokens.expires_at, "new expiry");
    let families: Vec<(EndpointFamily, bool)> = log
        .drain()
        .iter()
        .map(|e| (e.family, e.is_success()))
        .collect();
    assert_eq!(
        families,
        [
            (EndpointFamily::MerchantsLocations, false),
            (EndpointFamily::Oauth, true),
            (EndpointFamily::MerchantsLocations, true),
        ],
        "expired answer, refresh, retried answer"
    );
    sim.shutdown().await;
}
