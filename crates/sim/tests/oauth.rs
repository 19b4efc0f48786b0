//! OAuth against the simulator: the PKCE round trip, single-use codes and rotating
//! refresh tokens, the denial redirect, token status and revocation.

mod common;

use common::{client, code, get_as};
use keeper_sim::auth::s256;
use serde_json::{Value, json};

fn query_param(location: &str, key: &str) -> Option<String> {
    let q = location.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

#[tokio::test]
async fn pkce_round_trip_issues_working_rotating_tokens() {
    let sim = common::start_small().await;
    let c = client();
    let verifier = "a-very-long-random-verifier-0123456789-abcdefghijklmnop";
    let url = format!(
        "{}/oauth2/authorize?client_id={}&scope=CUSTOMERS_READ+MERCHANT_PROFILE_READ&state=xyz&code_challenge={}&redirect_uri=http://127.0.0.1:9/cb",
        sim.base_url(),
        sim.client_id(),
        s256(verifier)
    );
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("http://127.0.0.1:9/cb?"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz"));
    let code_value = query_param(&location, "code").expect("code");

    let token_url = format!("{}/oauth2/token", sim.base_url());
    let body = json!({"client_id": sim.client_id(), "grant_type": "authorization_code", "code": code_value, "code_verifier": verifier, "redirect_uri": "http://127.0.0.1:9/cb"});
    let r = c.post(&token_url).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let tok: Value = r.json().await.unwrap();
    assert_eq!(tok["token_type"], "bearer");
    assert!(
        tok["refresh_token_expires_at"].is_string(),
        "PKCE refresh tokens expire"
    );
    let access = tok["access_token"].as_str().unwrap();
    let (s, _) = get_as(&sim, "/v2/customers?limit=1", access).await;
    assert_eq!(s, 200);
    let (s, b) = get_as(&sim, "/v2/payments", access).await;
    assert_eq!((s, code(&b)), (403, "INSUFFICIENT_SCOPES"));

    let r = c.post(&token_url).json(&body).send().await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        401,
        "authorization codes are single-use"
    );

    let refresh = json!({"client_id": sim.client_id(), "grant_type": "refresh_token", "refresh_token": tok["refresh_token"]});
    let next: Value = c
        .post(&token_url)
        .json(&refresh)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(
        next["refresh_token"], tok["refresh_token"],
        "PKCE refresh tokens rotate"
    );
    let r = c.post(&token_url).json(&refresh).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "a used refresh token is refused");

    let status: Value = c
        .post(format!("{}/oauth2/token/status", sim.base_url()))
        .bearer_auth(next["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["client_id"], json!(sim.client_id()));
    assert_eq!(
        status["scopes"],
        json!(["CUSTOMERS_READ", "MERCHANT_PROFILE_READ"])
    );

    let bad = json!({"client_id": sim.client_id(), "grant_type": "authorization_code", "code": "x", "code_verifier": "y"});
    let r = c.post(&token_url).form(&[("a", "b")]).send().await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        400,
        "form bodies are refused: Square documents JSON"
    );
    let r = c.post(&token_url).json(&bad).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    sim.shutdown().await;
}

#[tokio::test]
async fn wrong_verifier_and_denial_are_refused() {
    let sim = common::start_small().await;
    let c = client();
    let authorize = |extra: &str| {
        format!(
            "{}/oauth2/authorize?client_id={}&state=s1&code_challenge={}&redirect_uri=http://localhost/cb{extra}",
            sim.base_url(),
            sim.client_id(),
            s256("right")
        )
    };
    let r = c.get(authorize("&sim_deny=1")).send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_param(&location, "error_description").as_deref(),
        Some("user_denied")
    );
    sim.set_deny_authorize(true);
    let r = c.get(authorize("")).send().await.unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=access_denied")
    );
    sim.set_deny_authorize(false);
    let r = c.get(authorize("")).send().await.unwrap();
    let code_value = query_param(r.headers()["location"].to_str().unwrap(), "code").unwrap();
    let body = json!({"client_id": sim.client_id(), "grant_type": "authorization_code", "code": code_value, "code_verifier": "wrong", "redirect_uri": "http://localhost/cb"});
    let r = c
        .post(format!("{}/oauth2/token", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    sim.shutdown().await;
}

#[tokio::test]
async fn revoke_needs_the_client_secret_and_kills_tokens() {
    let sim = common::start_small().await;
    let c = client();
    let url = format!("{}/oauth2/revoke", sim.base_url());
    let body = json!({"client_id": sim.client_id(), "access_token": sim.access_token()});
    let r = c.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = c
        .post(&url)
        .header("Authorization", format!("Client {}", sim.client_secret()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"success": true}));
    let (s, b) = get_as(&sim, "/v2/locations", sim.access_token()).await;
    assert_eq!((s, code(&b)), (401, "ACCESS_TOKEN_REVOKED"));
    sim.shutdown().await;
}
