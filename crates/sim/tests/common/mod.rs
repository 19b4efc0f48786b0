//! Shared helpers for the simulator's integration tests.

#![allow(dead_code)]

use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use serde_json::Value;

/// The fixed present of every test merchant.
pub const NOW: &str = "2025-06-15T12:00:00Z";

pub async fn start_small() -> SimHandle {
    let now = Ts::parse(NOW).expect("valid NOW");
    Simulator::start(SimConfig::new(Profile::Small, 42, now))
        .await
        .expect("simulator starts")
}

/// A client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// GET with the seller token; returns status and JSON body.
pub async fn get(sim: &SimHandle, path: &str) -> (u16, Value) {
    get_as(sim, path, sim.access_token()).await
}

pub async fn get_as(sim: &SimHandle, path: &str, token: &str) -> (u16, Value) {
    let r = client()
        .get(format!("{}{}", sim.base_url(), path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// POST a JSON body with the seller token.
pub async fn post(sim: &SimHandle, path: &str, body: &Value) -> (u16, Value) {
    let r = client()
        .post(format!("{}{}", sim.base_url(), path))
        .bearer_auth(sim.access_token())
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The first error code of a Square error body.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or("")
}

/// Follows a GET endpoint's cursors; asserts no page with a cursor is empty.
pub async fn page_all_get(sim: &SimHandle, path: &str, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}cursor={c}"),
            None => path.to_string(),
        };
        let (status, body) = get(sim, &url).await;
        assert_eq!(status, 200, "{url}: {body}");
        let items = body[key].as_array().cloned().unwrap_or_default();
        cursor = body["cursor"].as_str().map(str::to_string);
        assert!(
            cursor.is_none() || !items.is_empty(),
            "{url}: empty page with a cursor"
        );
        out.extend(items);
        if cursor.is_none() {
            return out;
        }
    }
}

/// Follows a POST search endpoint's cursors, resending the original body.
pub async fn page_all_post(sim: &SimHandle, path: &str, body: &Value, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut req = body.clone();
    loop {
        let (status, resp) = post(sim, path, &req).await;
        assert_eq!(status, 200, "{path}: {resp}");
        let items = resp[key].as_array().cloned().unwrap_or_default();
        let cursor = resp["cursor"].as_str().map(str::to_string);
        assert!(
            cursor.is_none() || !items.is_empty(),
            "{path}: empty page with a cursor"
        );
        out.extend(items);
        match cursor {
            Some(c) => req["cursor"] = Value::String(c),
            None => return out,
        }
    }
}
