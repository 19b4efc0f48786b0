//! Health under the simulator's injected faults: a real `SquareClient` against the in-process
//! simulator reports every answer to a `HealthLog`; `flush_client_health` writes it into a
//! store and `health_report` reads it back. For a 429 storm, a 5xx burst, an outage and an
//! expired token this checks what health says during the fault, that the recommendation
//! changes when the fault ends, and that it clears once the recent window has passed.
//!
//! The client runs on a `ManualClock` (backoff and pacing waits take no real time); the
//! report's `now` is that clock, so the 15-minute window is crossed by advancing it.

use keeper_api::health::{
    HealthReport, Severity, attach, flush_client_health, health_report, table::instant,
};
use keeper_sim::faults::Faults;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{
    ClientConfig, ClientError, Clock, Environment, ListCustomersQuery, ManualClock, SquareClient,
    StaticToken,
};
use keeper_square::control::{CircuitState, HealthLog, Priority};
use keeper_square::oauth::KEEPER_SCOPES;
use keeper_store::Store;
use std::sync::Arc;
use std::time::Duration;

/// 2025-06-01T00:00:00Z.
const SIM_NOW_MS: i64 = 1_748_736_000_000;
const PAST_THE_WINDOW: Duration = Duration::from_secs(16 * 60);

struct Rig {
    sim: SimHandle,
    clock: Arc<ManualClock>,
    client: SquareClient,
    log: Arc<HealthLog>,
    store: Store,
}

fn client_with(
    sim: &SimHandle,
    clock: &Arc<ManualClock>,
    token: &str,
    p: Priority,
) -> SquareClient {
    let mut config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 3);
    config.priority = p;
    config.request_timeout = Duration::from_secs(10);
    let clock: Arc<dyn Clock> = clock.clone();
    SquareClient::new(config, Arc::new(StaticToken::new(token)), clock).unwrap()
}

async fn rig(seed: u64, priority: Priority) -> Rig {
    let sim = Simulator::start(SimConfig::new(Profile::Small, seed, Ts(SIM_NOW_MS)))
        .await
        .expect("simulator starts");
    let clock = Arc::new(ManualClock::new(Duration::from_millis(SIM_NOW_MS as u64)));
    let client = client_with(&sim, &clock, sim.access_token(), priority);
    let log = attach(&client);
    let store = Store::open_in_memory().unwrap();
    Rig {
        sim,
        clock,
        client,
        log,
        store,
    }
}

impl Rig {
    async fn customers(&self) -> Result<usize, ClientError> {
        let page = self
            .client
            .list_customers(&ListCustomersQuery::backfill())
            .next_page()
            .await?;
        Ok(page.map_or(0, |p| p.customers.len()))
    }

    fn report(&mut self) -> HealthReport {
        let now = instant(self.clock.now());
        flush_client_health(&mut self.store, &self.client, &self.log, now).unwrap();
        health_report(&self.store, now).unwrap()
    }
}

/// The recommendations about one family, as `(code, message)`.
fn advice_for(report: &HealthReport, family: &str) -> Vec<(String, String)> {
    report
        .recommendations
        .iter()
        .filter(|r| r.family.is_some_and(|f| f.as_str() == family))
        .map(|r| (r.code.to_owned(), r.message.clone()))
        .collect()
}

#[tokio::test]
async fn a_429_storm_is_reported_as_rate_limiting_and_clears_after_it_ends() {
    let mut rig = rig(41, Priority::High).await;
    assert_eq!(rig.customers().await.unwrap(), 100);
    rig.sim.set_faults(Faults {
        rate_limit_rps: Some(0.0),
        ..Faults::default()
    });
    let mut failed = 0;
    for _ in 0..3 {
        if rig.customers().await.is_err() {
            failed += 1;
        }
    }
    assert!(
        failed > 0,
        "a storm without any refill exhausts the retries"
    );
    let report = rig.report();
    let customers = &report.families["customers"];
    assert!(customers.rate_limit_hits >= 5, "{customers:?}");
    assert_eq!(
        customers.circuit_state,
        CircuitState::Closed,
        "429s do not trip the breaker"
    );
    assert!(customers.success_rate.unwrap() < 0.5);
    assert_eq!(
        customers.last_failure.as_ref().unwrap().code,
        "RATE_LIMITED"
    );
    assert!(
        customers.last_success_at.is_some(),
        "the first success is kept"
    );
    assert_eq!(
        advice_for(&report, "customers"),
        [(
            "rate_limited".to_owned(),
            "Square is rate limiting customer calls; syncing more slowly on its own".to_owned()
        )]
    );
    assert!(report.score < 90);

    rig.sim.set_faults(Faults::default());
    rig.clock.advance(PAST_THE_WINDOW);
    for _ in 0..3 {
        rig.customers().await.expect("the storm is over");
    }
    let report = rig.report();
    let customers = &report.families["customers"];
    assert_eq!(
        (customers.rate_limit_hits, customers.success_rate),
        (0, Some(1.0))
    );
    assert!(
        customers.total_rate_limit_hits >= 5,
        "the lifetime count remains"
    );
    assert_eq!(customers.backoff_seconds, 0.0);
    assert!(advice_for(&report, "customers").is_empty(), "{report:#?}");
    rig.sim.shutdown().await;
}

#[tokio::test]
async fn a_5xx_burst_is_reported_as_intermittent_failures_and_clears() {
    let mut rig = rig(42, Priority::High).await;
    // One answer in four succeeds: never five failures in a row, so the breaker stays shut.
    rig.sim.set_faults(Faults {
        burst_every: Some(1),
        burst_len: 3,
        ..Faults::default()
    });
    for _ in 0..4 {
        rig.customers().await.expect("retried through the burst");
    }
    let report = rig.report();
    let customers = &report.families["customers"];
    assert!(customers.failures >= 9, "{customers:?}");
    assert_eq!(customers.rate_limit_hits, 0);
    assert_eq!(customers.circuit_state, CircuitState::Closed);
    assert_eq!(customers.last_failure.as_ref().unwrap().kind, "transient");
    let advice = advice_for(&report, "customers");
    assert_eq!(advice.len(), 1, "{advice:?}");
    assert_eq!(advice[0].0, "failing");
    assert!(
        advice[0]
            .1
            .starts_with("Square's customer calls fail now and then"),
        "{}",
        advice[0].1
    );
    let error_rate = report.pipeline.error_rate.unwrap();
    assert!(error_rate > 0.5, "pipeline error rate {error_rate}");

    rig.sim.set_faults(Faults::default());
    rig.clock.advance(PAST_THE_WINDOW);
    rig.customers().await.unwrap();
    let report = rig.report();
    assert!(advice_for(&report, "customers").is_empty());
    assert_eq!(report.pipeline.error_rate, Some(0.0));
    rig.sim.shutdown().await;
}

#[tokio::test]
async fn an_outage_opens_the_circuit_then_the_advice_changes_and_clears() {
    let mut rig = rig(43, Priority::Critical).await;
    rig.customers().await.unwrap();
    rig.sim.set_faults(Faults {
        outage: true,
        ..Faults::default()
    });
    let err = rig.customers().await.unwrap_err();
    let ClientError::CircuitOpen { retry_at, .. } = err else {
        panic!("the outage opens the breaker: {err:?}")
    };
    let report = rig.report();
    let customers = &report.families["customers"];
    assert_eq!(customers.circuit_state, CircuitState::Open);
    assert!(customers.backoff_seconds > 0.0, "{customers:?}");
    let advice = advice_for(&report, "customers");
    assert_eq!(advice.len(), 1);
    assert_eq!(advice[0].0, "circuit_open");
    assert!(
        advice[0].1.contains("using the stored data"),
        "{}",
        advice[0].1
    );
    assert_eq!(report.recommendations[0].severity, Severity::Critical);
    assert_eq!(serde_json::to_value(report.status).unwrap(), "unhealthy");

    rig.sim.set_faults(Faults::default());
    rig.clock.advance(retry_at.saturating_sub(rig.clock.now()));
    rig.customers().await.expect("the probe succeeds");
    let report = rig.report();
    let customers = &report.families["customers"];
    assert_eq!(customers.circuit_state, CircuitState::Closed);
    assert_eq!(customers.backoff_seconds, 0.0);
    let advice = advice_for(&report, "customers");
    assert_eq!(advice.len(), 1, "the recent failures are still mentioned");
    assert_eq!(advice[0].0, "failing", "no longer an open circuit");

    rig.clock.advance(PAST_THE_WINDOW);
    rig.customers().await.unwrap();
    let report = rig.report();
    assert!(advice_for(&report, "customers").is_empty());
    rig.sim.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_asks_to_reconnect_until_a_new_token_works() {
    let mut rig = rig(44, Priority::High).await;
    let short = rig.sim.issue_token(&KEEPER_SCOPES, 3_600_000);
    rig.client = client_with(&rig.sim, &rig.clock, &short, Priority::High);
    rig.log = attach(&rig.client);
    rig.customers().await.unwrap();
    rig.sim.advance(2 * 3_600_000);
    let err = rig.customers().await.unwrap_err();
    assert!(err.needs_reconnect(), "{err:?}");
    let report = rig.report();
    let customers = &report.families["customers"];
    assert_eq!(
        customers.last_failure.as_ref().unwrap().code,
        "ACCESS_TOKEN_EXPIRED"
    );
    assert_eq!(
        advice_for(&report, "customers"),
        [(
            "reconnect_square".to_owned(),
            "reconnect Square: Square refused Keeper's access to customer data \
             (ACCESS_TOKEN_EXPIRED)"
                .to_owned()
        )]
    );

    // Reconnected: a new token, a new client writing into the same store.
    rig.client = client_with(&rig.sim, &rig.clock, rig.sim.access_token(), Priority::High);
    rig.log = attach(&rig.client);
    rig.clock.advance(Duration::from_secs(1));
    rig.customers().await.expect("the new token works");
    let report = rig.report();
    assert!(advice_for(&report, "customers").is_empty(), "{report:#?}");
    assert_eq!(report.families["customers"].total_failures, 1);
    rig.sim.shutdown().await;
}
