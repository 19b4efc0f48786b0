//! Injected faults seen from a client: 429 RATE_LIMITED bodies, 5xx with JSON or HTML,
//! outages, dropped connections, and changing faults at run time over the admin API.

mod common;

use common::{client, code, get};
use keeper_sim::faults::Faults;
use serde_json::{Value, json};

#[tokio::test]
async fn rate_limit_answers_429_with_square_body() {
    let sim = common::start_small().await;
    sim.set_faults(Faults {
        rate_limit_rps: Some(2.0),
        ..Faults::default()
    });
    let mut statuses = Vec::new();
    let mut limited = Value::Null;
    for _ in 0..6 {
        let (s, b) = get(&sim, "/v2/locations").await;
        if s == 429 {
            limited = b;
        }
        statuses.push(s);
    }
    assert_eq!(&statuses[..2], &[200, 200]);
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(limited["errors"][0]["category"], "RATE_LIMIT_ERROR");
    assert_eq!(code(&limited), "RATE_LIMITED");
    let other = sim.issue_token(&["MERCHANT_PROFILE_READ"], 3_600_000);
    let (s, _) = common::get_as(&sim, "/v2/locations", &other).await;
    assert_eq!(s, 200, "the bucket is per access token");
    sim.shutdown().await;
}

#[tokio::test]
async fn server_errors_come_as_json_or_html() {
    let sim = common::start_small().await;
    sim.set_faults(Faults {
        fail_next: 1,
        ..Faults::default()
    });
    let (s, b) = get(&sim, "/v2/locations").await;
    assert!(s >= 500, "{s}");
    assert_eq!(b["errors"][0]["category"], "API_ERROR");
    sim.set_faults(Faults {
        fail_next: 1,
        html_rate: 1.0,
        ..Faults::default()
    });
    let r = client()
        .get(format!("{}/v2/locations", sim.base_url()))
        .bearer_auth(sim.access_token())
        .send()
        .await
        .unwrap();
    assert!(r.status().as_u16() >= 500);
    assert!(r.text().await.unwrap().contains("<html>"));
    let (s, _) = get(&sim, "/v2/locations").await;
    assert_eq!(s, 200, "fail_next counts down");
    sim.shutdown().await;
}

#[tokio::test]
async fn outage_dropped_connections_and_admin_endpoint() {
    let sim = common::start_small().await;
    let c = client();
    let admin = format!("{}/_sim/faults", sim.base_url());
    let r = c
        .post(&admin)
        .json(&json!({"outage": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (s, b) = get(&sim, "/v2/locations").await;
    assert_eq!((s, code(&b)), (503, "SERVICE_UNAVAILABLE"));
    c.post(&admin)
        .json(&json!({"drop_rate": 1.0}))
        .send()
        .await
        .unwrap();
    let result = async {
        let r = c
            .get(format!("{}/v2/locations", sim.base_url()))
            .bearer_auth(sim.access_token())
            .send()
            .await?;
        r.bytes().await
    }
    .await;
    assert!(result.is_err(), "the connection drops mid-response");
    c.post(&admin).json(&json!({})).send().await.unwrap();
    let (s, _) = get(&sim, "/v2/locations").await;
    assert_eq!(s, 200);
    let r = c
        .post(&admin)
        .json(&json!({"bogus": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "unknown fault keys are refused");
    sim.shutdown().await;
}
