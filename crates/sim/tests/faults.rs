//! Injected faults seen from a client: 429 RATE_LIMITED bodies, 5xx with JSON or HTML,
//! outages, dropped connections, faults scoped to one path, and changing faults at run time
//! over the admin API.

mod common;

use common::{client, code, get, post};
use keeper_sim::faults::Faults;
use keeper_sim::path_faults::{FaultStatus, PathFault};
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

#[tokio::test]
async fn a_path_fault_fails_one_endpoint_family_and_leaves_the_others_served() {
    let sim = common::start_small().await;
    sim.set_path_faults(vec![PathFault::new(
        "/v2/loyalty",
        FaultStatus::Unavailable,
    )]);
    let (s, b) = post(&sim, "/v2/loyalty/events/search", &json!({})).await;
    assert_eq!((s, code(&b)), (503, "SERVICE_UNAVAILABLE"));
    let (s, _) = post(&sim, "/v2/loyalty/accounts/search", &json!({})).await;
    assert_eq!(s, 503);
    let (s, _) = get(&sim, "/v2/locations").await;
    assert_eq!(s, 200, "other families are served");
    let (s, _) = post(&sim, "/v2/customers/search", &json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(sim.faults().paths[0].hits, 2);
    sim.set_path_faults(Vec::new());
    let (s, _) = post(&sim, "/v2/loyalty/events/search", &json!({})).await;
    assert_eq!(s, 200, "removed: served again");
    sim.shutdown().await;
}

#[tokio::test]
async fn path_faults_set_over_the_admin_api_count_down_and_send_retry_after() {
    let sim = common::start_small().await;
    let c = client();
    let admin = format!("{}/_sim/faults", sim.base_url());
    let r = c
        .post(&admin)
        .json(&json!({"latency_ms": 0, "paths": [
            {"path": "/v2/bookings", "exact": true, "method": "GET", "status": 429,
             "remaining": 2, "retry_after_s": 7}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let list = || {
        c.get(format!("{}/v2/bookings", sim.base_url()))
            .bearer_auth(sim.access_token())
            .send()
    };
    for _ in 0..2 {
        let r = list().await.unwrap();
        assert_eq!(r.status().as_u16(), 429);
        assert_eq!(r.headers()["retry-after"], "7");
        let b: serde_json::Value = r.json().await.unwrap();
        assert_eq!(code(&b), "RATE_LIMITED");
    }
    assert_eq!(
        list().await.unwrap().status().as_u16(),
        200,
        "spent after two"
    );
    let got: serde_json::Value = c.get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["paths"][0]["hits"], 2);
    assert_eq!(got["paths"][0]["remaining"], 0);

    // Only the path faults are replaced; a bad status or prefix is refused.
    sim.set_faults(Faults {
        latency_ms: 1,
        ..Faults::default()
    });
    let paths = format!("{admin}/paths");
    let r = c
        .post(&paths)
        .json(&json!([{"path": "/v2/team-members", "status": 500}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (s, b) = post(&sim, "/v2/team-members/search", &json!({})).await;
    assert_eq!((s, code(&b)), (500, "INTERNAL_SERVER_ERROR"));
    assert_eq!(sim.faults().latency_ms, 1, "global settings kept");
    for bad in [
        json!([{"path": "/v2/team-members", "status": 404}]),
        json!([{"path": "v2/team-members", "status": 503}]),
    ] {
        let r = c.post(&paths).json(&bad).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{bad}");
    }
    sim.shutdown().await;
}
