//! The API client against the in-process simulator: every operation pages through the
//! small merchant and finds what the simulator's ground truth says is there; search bodies
//! are resent unchanged with each cursor; bookings windows over 31 days never leave the
//! client; 429s, HTML 5xx bursts and outages are survived or reported as the design says.
//!
//! Most tests use a `ManualClock` (virtual time: pacing and backoff waits take no real
//! time); the 429 test uses the real clock because the simulator's rate limit runs on it.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use keeper_sim::faults::Faults;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Truth, Ts};
use keeper_square::client::{
    BookingsWindow, ClientConfig, ClientError, Clock, Environment, ListBookingsQuery,
    ListCatalogQuery, ListCustomersQuery, ListPaymentsQuery, ListRefundsQuery, ManualClock,
    SquareClient, StaticToken, SystemClock, bookings_windows,
};
use keeper_square::control::{CircuitState, EndpointFamily, Priority};
use keeper_square::models::{CatalogObjectType, SortOrder, TimeRange, Timestamp};
use keeper_square::requests::{
    BatchRetrieveOrdersRequest, CustomerQuery, CustomerSort, CustomerSortField,
    SearchCatalogObjectsRequest, SearchCustomersRequest, SearchLoyaltyAccountsRequest,
    SearchLoyaltyEventsRequest, SearchOrdersDateTimeFilter, SearchOrdersFilter, SearchOrdersQuery,
    SearchOrdersRequest, SearchOrdersSort, SearchOrdersSortField, SearchTeamMembersRequest,
};
use std::sync::Arc;
use std::time::Duration;

/// 2025-06-01T00:00:00Z: the simulator's present in the virtual-time tests.
const SIM_NOW_MS: i64 = 1_748_736_000_000;

async fn sim(seed: u64) -> SimHandle {
    Simulator::start(SimConfig::new(Profile::Small, seed, Ts(SIM_NOW_MS)))
        .await
        .expect("simulator starts")
}

fn client(sim: &SimHandle, clock: Arc<dyn Clock>, priority: Priority) -> SquareClient {
    let mut config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 42);
    config.priority = priority;
    config.request_timeout = Duration::from_secs(10);
    let tokens = Arc::new(StaticToken::new(sim.access_token()));
    SquareClient::new(config, tokens, clock).expect("client builds")
}

fn manual_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Duration::from_millis(SIM_NOW_MS as u64)))
}

fn ts(t: Ts) -> Timestamp {
    Timestamp::parse(&t.rfc3339()).unwrap()
}

fn day_ms() -> i64 {
    86_400_000
}

/// `[first day of the first month with bookings, first day after the last month)`.
fn bookings_span(truth: &Truth) -> (Timestamp, Timestamp) {
    let months = &truth.monthly["bookings"];
    let parse = |key: &str| NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").unwrap();
    let first = parse(months.keys().next().unwrap());
    let last = parse(months.keys().next_back().unwrap());
    let after = if last.month() == 12 {
        NaiveDate::from_ymd_opt(last.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(last.year(), last.month() + 1, 1)
    }
    .unwrap();
    let utc =
        |d: NaiveDate| Timestamp::from(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap()));
    (utc(first), utc(after))
}

#[tokio::test]
async fn every_operation_pages_through_the_small_merchant_and_matches_the_truth() {
    let sim = sim(7).await;
    let truth = sim.truth();
    let client = client(&sim, manual_clock(), Priority::Normal);

    let me = client.retrieve_merchant_me().await.unwrap();
    let merchants = client.list_merchants().collect_items().await.unwrap();
    assert_eq!(merchants.len(), 1);
    assert_eq!(merchants[0].id, me.id);
    let locations = client.list_locations().await.unwrap();
    assert_eq!(locations.len(), truth.count("locations"));
    let location_ids: Vec<String> = locations.iter().filter_map(|l| l.id.clone()).collect();

    let customers = client
        .list_customers(&ListCustomersQuery::backfill())
        .collect_items()
        .await
        .unwrap();
    assert_eq!(customers.len(), truth.count("customers"));
    let search = SearchCustomersRequest {
        limit: Some(37),
        query: Some(CustomerQuery {
            filter: None,
            sort: Some(CustomerSort {
                field: Some(CustomerSortField::CreatedAt),
                order: Some(SortOrder::Asc),
            }),
        }),
        ..Default::default()
    };
    let mut pages = client.search_customers(search);
    let mut searched = 0;
    while let Some(page) = pages.next_page().await.unwrap() {
        searched += page.customers.len();
    }
    assert!(pages.pages_fetched() > 5, "several cursors were followed");
    assert_eq!(searched, truth.count("customers"));

    let begin = ts(truth.history_start.minus(day_ms()));
    let end = ts(truth.now.plus(day_ms()));
    let mut payments = 0;
    for location in &location_ids {
        let query = ListPaymentsQuery {
            begin_time: Some(begin),
            end_time: Some(end),
            sort_order: Some(SortOrder::Asc),
            location_id: Some(location.clone()),
            limit: Some(100),
            ..Default::default()
        };
        payments += client
            .list_payments(&query)
            .collect_items()
            .await
            .unwrap()
            .len();
    }
    assert_eq!(payments, truth.count("payments"));
    let refunds = ListRefundsQuery {
        begin_time: Some(begin),
        end_time: Some(end),
        sort_order: Some(SortOrder::Asc),
        ..Default::default()
    };
    let refunds = client.list_refunds(&refunds).collect_items().await.unwrap();
    assert_eq!(refunds.len(), truth.count("refunds"));

    let orders_search = SearchOrdersRequest {
        location_ids: location_ids.clone(),
        limit: Some(250),
        query: Some(SearchOrdersQuery {
            filter: Some(SearchOrdersFilter {
                date_time_filter: Some(SearchOrdersDateTimeFilter {
                    created_at: Some(TimeRange {
                        start_at: Some(begin),
                        end_at: Some(end),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            sort: Some(SearchOrdersSort {
                sort_field: SearchOrdersSortField::CreatedAt,
                sort_order: Some(SortOrder::Asc),
            }),
        }),
        ..Default::default()
    };
    let orders = client
        .search_orders(orders_search)
        .unwrap()
        .collect_items()
        .await
        .unwrap();
    assert_eq!(orders.len(), truth.count("orders"));
    let ids: Vec<String> = orders
        .iter()
        .take(100)
        .filter_map(|o| o.id.clone())
        .collect();
    let batch = BatchRetrieveOrdersRequest {
        location_id: None,
        order_ids: ids.clone(),
    };
    let fetched = client.batch_retrieve_orders(&batch).await.unwrap();
    assert_eq!(fetched.len(), ids.len());

    let (from, to) = bookings_span(&truth);
    let mut bookings = std::collections::BTreeSet::new();
    for window in bookings_windows(&from, &to) {
        let query = ListBookingsQuery::new(window);
        for booking in client.list_bookings(&query).collect_items().await.unwrap() {
            bookings.insert(booking.id.clone().unwrap());
        }
    }
    assert_eq!(bookings.len(), truth.count("bookings"));

    let types = [
        "ITEM",
        "ITEM_VARIATION",
        "MODIFIER",
        "MODIFIER_LIST",
        "CATEGORY",
        "TAX",
    ]
    .map(CatalogObjectType::from)
    .to_vec();
    let listed = client
        .list_catalog(&ListCatalogQuery {
            types,
            catalog_version: None,
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(listed.len(), truth.count("catalog_objects"));
    let with_deleted = SearchCatalogObjectsRequest {
        include_deleted_objects: Some(true),
        limit: Some(40),
        ..Default::default()
    };
    let searched = client
        .search_catalog(with_deleted)
        .unwrap()
        .collect_items()
        .await
        .unwrap();
    let deleted = searched
        .iter()
        .filter(|o| o.is_deleted == Some(true))
        .count();
    assert_eq!(deleted, truth.count("catalog_deleted"));
    assert_eq!(searched.len() - deleted, truth.count("catalog_objects"));

    let team = SearchTeamMembersRequest {
        limit: Some(2),
        ..Default::default()
    };
    let team = client
        .search_team_members(team)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(team.len(), truth.count("team_members"));

    assert!(
        client
            .retrieve_loyalty_program_main()
            .await
            .unwrap()
            .is_some()
    );
    let accounts = SearchLoyaltyAccountsRequest {
        limit: Some(200),
        ..Default::default()
    };
    let accounts = client
        .search_loyalty_accounts(accounts)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(accounts.len(), truth.count("loyalty_accounts"));
    let events = SearchLoyaltyEventsRequest {
        limit: Some(30),
        ..Default::default()
    };
    let events = client
        .search_loyalty_events(events)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(events.len(), truth.count("loyalty_events"));

    let customers_health = client.family_health(EndpointFamily::Customers);
    assert_eq!(customers_health.rate_limit_hits, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_simulator_rejects_a_changed_query_with_an_old_cursor() {
    // Control for the paging test above: it only proves the client resends bodies unchanged
    // if the simulator really refuses a changed body with an old cursor.
    let sim = sim(8).await;
    let http = reqwest::Client::new();
    let url = format!("{}/v2/customers/search", sim.base_url());
    let first: serde_json::Value = http
        .post(&url)
        .bearer_auth(sim.access_token())
        .json(&serde_json::json!({"limit": 5}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = first["cursor"]
        .as_str()
        .expect("more than one page")
        .to_owned();
    let changed = serde_json::json!({
        "limit": 5,
        "cursor": cursor,
        "query": {"sort": {"field": "CREATED_AT"}},
    });
    let answer = http
        .post(&url)
        .bearer_auth(sim.access_token())
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let body = answer.bytes().await.unwrap();
    let error = keeper_square::Error::from_http_failure(400, Some("application/json"), &body);
    assert_eq!(error.api_errors()[0].code.as_str(), "INVALID_CURSOR");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_bookings_window_over_31_days_is_refused_before_any_request() {
    let sim = sim(9).await;
    let client = client(&sim, manual_clock(), Priority::Normal);
    let from = Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
    let to = Timestamp::parse("2025-03-01T00:00:00Z").unwrap();
    let err = BookingsWindow::new(from, to).unwrap_err();
    assert!(matches!(err, ClientError::BookingsWindowTooLong { days } if days > 58.0));
    assert_eq!(err.code(), "bookings_window_too_long");
    assert_eq!(client.family_health(EndpointFamily::Bookings).requests, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn rate_limited_requests_back_off_and_then_succeed() {
    let sim = sim(10).await;
    sim.set_faults(Faults {
        rate_limit_rps: Some(3.0),
        ..Faults::default()
    });
    let client = client(&sim, Arc::new(SystemClock::new()), Priority::High);
    for _ in 0..16 {
        client
            .list_locations()
            .await
            .expect("every call eventually succeeds");
    }
    let health = client.family_health(EndpointFamily::MerchantsLocations);
    assert!(
        health.rate_limit_hits > 0,
        "the hidden limit was hit: {health:?}"
    );
    assert_eq!(health.successes, 16);
    assert_eq!(
        client.circuit_state(EndpointFamily::MerchantsLocations),
        CircuitState::Closed
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_burst_of_html_5xx_pages_is_retried_through() {
    let sim = sim(11).await;
    sim.set_faults(Faults {
        fail_next: 3,
        html_rate: 1.0,
        ..Faults::default()
    });
    let clock = manual_clock();
    let client = client(&sim, clock.clone(), Priority::Normal);
    let customers = client
        .list_customers(&ListCustomersQuery::backfill())
        .next_page()
        .await
        .expect("survives the burst")
        .expect("a first page");
    assert_eq!(customers.customers.len(), 100);
    let health = client.family_health(EndpointFamily::Customers);
    assert_eq!(health.failures, 3);
    assert_eq!(health.successes, 1);
    let waited: Duration = clock.slept().iter().sum();
    assert!(waited > Duration::ZERO, "backed off between attempts");
    sim.shutdown().await;
}

#[tokio::test]
async fn low_priority_work_is_deferred_after_a_transient_failure() {
    let sim = sim(12).await;
    sim.set_faults(Faults {
        fail_next: 2,
        ..Faults::default()
    });
    let client = client(&sim, manual_clock(), Priority::Low);
    let err = client.list_locations().await.unwrap_err();
    assert_eq!(err.code(), "deferred");
    assert!(err.use_stored_data());
    sim.shutdown().await;
}

#[tokio::test]
async fn an_outage_opens_the_breaker_and_a_probe_closes_it_after_recovery() {
    let sim = sim(13).await;
    sim.set_faults(Faults {
        outage: true,
        ..Faults::default()
    });
    let clock = manual_clock();
    let client = client(&sim, clock.clone(), Priority::Critical);
    let err = client.list_locations().await.unwrap_err();
    let ClientError::CircuitOpen { family, retry_at } = err else {
        panic!("expected an open circuit, got {err:?}")
    };
    assert_eq!(family, EndpointFamily::MerchantsLocations);
    assert!(err_uses_stored_data(family, retry_at));
    assert_eq!(client.circuit_state(family), CircuitState::Open);
    let again = client.list_locations().await.unwrap_err();
    assert_eq!(again.code(), "circuit_open", "no request while open");

    sim.set_faults(Faults::default());
    clock.advance(retry_at.saturating_sub(clock.now()));
    let locations = client.list_locations().await.expect("the probe succeeds");
    assert!(!locations.is_empty());
    assert_eq!(client.circuit_state(family), CircuitState::Closed);
    sim.shutdown().await;
}

fn err_uses_stored_data(family: EndpointFamily, retry_at: Duration) -> bool {
    ClientError::CircuitOpen { family, retry_at }.use_stored_data()
}

#[tokio::test]
async fn an_unknown_token_is_a_reconnect_error() {
    let sim = sim(14).await;
    let config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1);
    let tokens = Arc::new(StaticToken::new("EAAA-not-a-token"));
    let client = SquareClient::new(config, tokens, manual_clock()).unwrap();
    let err = client.list_locations().await.unwrap_err();
    assert!(err.needs_reconnect(), "{err:?}");
    assert_eq!(err.code(), "reconnect_required");
    sim.shutdown().await;
}
