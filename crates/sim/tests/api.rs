//! Square behaviours of the data endpoints: envelopes, limits and their errors, cursor
//! rules, documented misuse, auth errors, the version header, and ground truth equal to
//! what paging returns.

mod common;

use common::{code, get, get_as, page_all_get, page_all_post, post, start_small};
use serde_json::{Value, json};
use std::collections::HashSet;

fn ids(items: &[Value]) -> HashSet<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn paging_returns_exactly_the_ground_truth() {
    let sim = start_small().await;
    let truth = sim.truth();
    let customers = page_all_get(
        &sim,
        "/v2/customers?limit=37&sort_field=CREATED_AT",
        "customers",
    )
    .await;
    assert_eq!(customers.len(), truth.count("customers"));
    assert_eq!(ids(&customers).len(), customers.len(), "no duplicates");

    let (_, locs) = get(&sim, "/v2/locations").await;
    let mut payments = 0;
    for l in locs["locations"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        let p = page_all_get(
            &sim,
            &format!("/v2/payments?begin_time=2020-01-01T00:00:00Z&location_id={id}&limit=100"),
            "payments",
        )
        .await;
        assert_eq!(ids(&p).len(), p.len());
        payments += p.len();
    }
    assert_eq!(payments, truth.count("payments"));
    let refunds = page_all_get(
        &sim,
        "/v2/refunds?begin_time=2020-01-01T00:00:00Z",
        "refunds",
    )
    .await;
    assert_eq!(refunds.len(), truth.count("refunds"));

    let location_ids: Vec<String> = locs["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let orders = page_all_post(
        &sim,
        "/v2/orders/search",
        &json!({"location_ids": location_ids, "limit": 333}),
        "orders",
    )
    .await;
    assert_eq!(orders.len(), truth.count("orders"));
    assert_eq!(ids(&orders).len(), orders.len());

    let events = page_all_post(
        &sim,
        "/v2/loyalty/events/search",
        &json!({"limit": 30}),
        "events",
    )
    .await;
    assert_eq!(events.len(), truth.count("loyalty_events"));
    sim.shutdown().await;
}

#[tokio::test]
async fn cursor_with_a_changed_query_is_invalid_cursor() {
    let sim = start_small().await;
    let (_, first) = get(&sim, "/v2/payments?begin_time=2025-01-01T00:00:00Z&limit=5").await;
    let cursor = first["cursor"].as_str().expect("a second page exists");
    let (s, body) = get(
        &sim,
        &format!("/v2/payments?begin_time=2025-02-01T00:00:00Z&limit=5&cursor={cursor}"),
    )
    .await;
    assert_eq!((s, code(&body)), (400, "INVALID_CURSOR"));
    let (s, _) = get(
        &sim,
        &format!("/v2/payments?begin_time=2025-01-01T00:00:00Z&limit=7&cursor={cursor}"),
    )
    .await;
    assert_eq!(s, 200, "same query with another limit is fine");

    let loc = sim.state().data().merchant.main_location_id.clone();
    let q = json!({"location_ids": [loc], "limit": 10, "query": {"sort": {"sort_field": "CREATED_AT", "sort_order": "ASC"}}});
    let (_, page) = post(&sim, "/v2/orders/search", &q).await;
    let mut changed = q.clone();
    changed["query"]["sort"]["sort_order"] = json!("DESC");
    changed["cursor"] = page["cursor"].clone();
    let (s, body) = post(&sim, "/v2/orders/search", &changed).await;
    assert_eq!((s, code(&body)), (400, "INVALID_CURSOR"));
    let (s, body) = get(&sim, "/v2/customers?cursor=not-a-cursor").await;
    assert_eq!((s, code(&body)), (400, "INVALID_CURSOR"));
    sim.shutdown().await;
}

#[tokio::test]
async fn limits_are_enforced_per_endpoint() {
    let sim = start_small().await;
    for (path, want) in [
        ("/v2/customers?limit=0", "VALUE_TOO_LOW"),
        ("/v2/customers?limit=101", "VALUE_TOO_HIGH"),
        ("/v2/bookings?limit=10001", "VALUE_TOO_HIGH"),
    ] {
        let (s, body) = get(&sim, path).await;
        assert_eq!((s, code(&body)), (400, want), "{path}");
    }
    let (s, body) = get(
        &sim,
        "/v2/payments?limit=500&begin_time=2020-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(s, 200, "payments ignore a too-high limit");
    assert_eq!(body["payments"].as_array().unwrap().len(), 100);
    for (path, body, want) in [
        (
            "/v2/customers/search",
            json!({"limit": 101}),
            "VALUE_TOO_HIGH",
        ),
        (
            "/v2/team-members/search",
            json!({"limit": 201}),
            "VALUE_TOO_HIGH",
        ),
        (
            "/v2/loyalty/accounts/search",
            json!({"limit": 0}),
            "VALUE_TOO_LOW",
        ),
        (
            "/v2/loyalty/events/search",
            json!({"limit": 31}),
            "VALUE_TOO_HIGH",
        ),
    ] {
        let (s, resp) = post(&sim, path, &body).await;
        assert_eq!((s, code(&resp)), (400, want), "{path}");
    }
    let (_, page) = post(&sim, "/v2/catalog/search", &json!({"limit": 5000})).await;
    assert!(
        page["objects"].as_array().unwrap().len() <= 100,
        "catalog ignores a too-high limit"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn documented_misuse_is_a_400() {
    let sim = start_small().await;
    let loc = sim.state().data().merchant.main_location_id.clone();
    let mismatch = json!({"location_ids": [loc], "query": {"filter": {"date_time_filter": {"updated_at": {"start_at": "2025-01-01T00:00:00Z"}}}, "sort": {"sort_field": "CREATED_AT"}}});
    let (s, body) = post(&sim, "/v2/orders/search", &mismatch).await;
    assert_eq!(
        (s, body["errors"][0]["field"].as_str()),
        (400, Some("query.sort.sort_field"))
    );
    let eleven: Vec<String> = (0..11).map(|_| loc.clone()).collect();
    let (s, body) = post(&sim, "/v2/orders/search", &json!({"location_ids": eleven})).await;
    assert_eq!((s, code(&body)), (400, "ARRAY_LENGTH_TOO_LONG"));
    let (s, _) = post(&sim, "/v2/orders/search", &json!({})).await;
    assert_eq!(s, 400, "location_ids are required");
    let (s, body) = get(
        &sim,
        "/v2/bookings?start_at_min=2025-01-01T00:00:00Z&start_at_max=2025-02-02T00:00:00Z",
    )
    .await;
    assert_eq!((s, code(&body)), (400, "INVALID_TIME_RANGE"));
    let (s, body) = get(
        &sim,
        "/v2/payments?begin_time=2025-02-01T00:00:00Z&end_time=2025-01-01T00:00:00Z",
    )
    .await;
    assert_eq!((s, code(&body)), (400, "INVALID_TIME_RANGE"));
    let (s, body) = get(&sim, "/v2/payments?begin_time=yesterday").await;
    assert_eq!((s, code(&body)), (400, "INVALID_TIME"));
    let (s, body) = post(
        &sim,
        "/v2/customers/search",
        &json!({"query": {"sort": {"field": "UPDATED_AT"}}}),
    )
    .await;
    assert_eq!((s, code(&body)), (400, "INVALID_ENUM_VALUE"));
    let (s, body) = post(
        &sim,
        "/v2/catalog/search",
        &json!({"include_deleted_objects": true, "include_category_path_to_root": true}),
    )
    .await;
    assert_eq!((s, code(&body)), (400, "CONFLICTING_PARAMETERS"));
    let many: Vec<String> = (0..101).map(|i| format!("o{i}")).collect();
    let (s, _) = post(
        &sim,
        "/v2/orders/batch-retrieve",
        &json!({"order_ids": many}),
    )
    .await;
    assert_eq!(s, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn auth_failures_use_square_codes() {
    let sim = start_small().await;
    let r = common::client()
        .get(format!("{}/v2/customers", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["errors"][0]["category"].as_str(), code(&body)),
        (Some("AUTHENTICATION_ERROR"), "UNAUTHORIZED")
    );
    let (s, _) = get_as(&sim, "/v2/customers", "EAAAnot-a-token").await;
    assert_eq!(s, 401);
    let payments_only = sim.issue_token(&["PAYMENTS_READ"], 3_600_000);
    let (s, body) = get_as(&sim, "/v2/customers", &payments_only).await;
    assert_eq!((s, code(&body)), (403, "INSUFFICIENT_SCOPES"));
    let short = sim.issue_token(&["CUSTOMERS_READ"], 1_000);
    sim.advance(60_000);
    let (s, body) = get_as(&sim, "/v2/customers", &short).await;
    assert_eq!((s, code(&body)), (401, "ACCESS_TOKEN_EXPIRED"));
    let buyer = sim.issue_token(&["APPOINTMENTS_READ"], 3_600_000);
    let (s, body) = get_as(
        &sim,
        "/v2/bookings?start_at_min=2025-06-01T00:00:00Z",
        &buyer,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(body, json!({}), "buyer-level tokens see no seller bookings");
    sim.shutdown().await;
}

#[tokio::test]
async fn square_version_is_echoed_and_checked() {
    let sim = start_small().await;
    let c = common::client();
    let url = format!("{}/v2/locations", sim.base_url());
    let r = c
        .get(&url)
        .bearer_auth(sim.access_token())
        .header("Square-Version", "2024-10-17")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["square-version"], "2024-10-17");
    let r = c
        .get(&url)
        .bearer_auth(sim.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["square-version"], "2025-08-20");
    let r = c
        .get(&url)
        .bearer_auth(sim.access_token())
        .header("Square-Version", "v2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(code(&body), "INVALID_SQUARE_VERSION_FORMAT");
    sim.shutdown().await;
}

#[tokio::test]
async fn empty_results_are_an_empty_object_and_fields_are_typed_like_square() {
    let sim = start_small().await;
    let (s, body) = post(
        &sim,
        "/v2/customers/search",
        &json!({"query": {"filter": {"created_at": {"start_at": "2030-01-01T00:00:00Z"}}}}),
    )
    .await;
    assert_eq!((s, body), (200, json!({})));
    let loc = sim.state().data().merchant.main_location_id.clone();
    let (_, body) = post(
        &sim,
        "/v2/orders/search",
        &json!({"location_ids": [loc], "limit": 1}),
    )
    .await;
    let order = &body["orders"][0];
    assert!(
        order["line_items"][0]["quantity"].is_string(),
        "quantities are decimal strings"
    );
    assert!(order["total_money"]["amount"].is_i64());
    assert!(order.get("customer_id").is_none_or(|c| c.is_string()));
    assert!(order["created_at"].as_str().unwrap().ends_with('Z'));
    let (_, m) = get(&sim, "/v2/merchants").await;
    assert!(m["merchant"].is_array() && m.get("cursor").is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn advancing_the_clock_changes_data_between_syncs() {
    let sim = start_small().await;
    let before = sim.truth();
    let loc = sim.state().data().merchant.main_location_id.clone();
    let since = common::NOW;
    let window = json!({"location_ids": [loc], "query": {"filter": {"date_time_filter": {"updated_at": {"start_at": since}}}, "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"}}});
    let quiet = page_all_post(&sim, "/v2/orders/search", &window, "orders").await;
    assert!(quiet.is_empty());
    let report = sim.advance(24 * 3_600_000);
    assert_eq!(
        report.released_offline_order_ids.len(),
        before.held_offline_order_ids.len()
    );
    let fresh = page_all_post(&sim, "/v2/orders/search", &window, "orders").await;
    let fresh_ids = ids(&fresh);
    for id in &report.released_offline_order_ids {
        assert!(
            fresh_ids.contains(id),
            "late offline order {id} visible by updated_at"
        );
        let o = fresh.iter().find(|o| o["id"] == json!(id)).unwrap();
        assert!(
            o["created_at"].as_str().unwrap() < since,
            "offline order keeps its original created_at"
        );
    }
    for id in &report.new_order_ids {
        assert!(fresh_ids.contains(id));
    }
    let changed = page_all_post(
        &sim,
        "/v2/customers/search",
        &json!({"query": {"filter": {"updated_at": {"start_at": since}}}}),
        "customers",
    )
    .await;
    let changed_ids = ids(&changed);
    for id in report
        .new_customer_ids
        .iter()
        .chain(&report.updated_customer_ids)
    {
        if !report.deleted_customer_ids.contains(id) {
            assert!(changed_ids.contains(id), "customer {id} changed");
        }
    }
    let all = ids(&page_all_get(&sim, "/v2/customers", "customers").await);
    for id in &report.deleted_customer_ids {
        assert!(!all.contains(id), "deleted customer {id} no longer listed");
    }
    if let Some(m) = &report.merge {
        assert!(all.contains(&m.into) && m.from.iter().all(|f| !all.contains(f)));
    }
    assert_eq!(sim.truth().count("customers"), all.len());
    let deleted = page_all_post(
        &sim,
        "/v2/catalog/search",
        &json!({"include_deleted_objects": true, "begin_time": since}),
        "objects",
    )
    .await;
    for id in &report.deleted_catalog_ids {
        assert!(
            deleted
                .iter()
                .any(|o| o["id"] == json!(id) && o["is_deleted"] == json!(true))
        );
    }
    sim.shutdown().await;
}
