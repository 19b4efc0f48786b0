//! The raw store keeps each object exactly as Square sent it: a field Keeper's typed models
//! do not know, odd spacing and key order all survive byte for byte in `raw_objects`.

use chrono::{DateTime, Utc};
use keeper_import::fetch::{Fetcher, Mode, Msg};
use keeper_import::plan::{Stream, Window};
use keeper_import::writer::write_items;
use keeper_normalize::Context;
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A customer as a future Square version might send it: an unknown field with nested
/// content, keys out of the usual order, and spacing the typed model would not reproduce.
const CUSTOMER: &str = r#"{ "version" : 3, "id":"CUST_RAW_1","given_name":"Ada","family_name":"Lovelace",
  "created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05.000Z",
  "loyalty_tier_preview": {"tier":"GOLD","since":[2024, 1.50e0, null]}, "email_address":"ada@example.com"}"#;

/// Serves one ListCustomers page holding [`CUSTOMER`] to every request.
async fn one_page_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = format!("{{\"customers\":[{CUSTOMER}],\"cursor\":\"\"}}");
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(body.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_object_with_a_field_keeper_does_not_model_is_stored_byte_for_byte() {
    let base = one_page_server().await;
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(base), 1),
        Arc::new(StaticToken::new("test-token")),
        Arc::new(SystemClock::new()),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::channel(4);
    let fetcher = Fetcher {
        client,
        mode: Mode::Import,
        tx,
        requests: keeper_import::engine::counter(),
    };
    let window = Window {
        stream: Stream::Customers,
        key: "all".to_owned(),
        seq: 1,
        begin: None,
        end: None,
        scope: Vec::new(),
    };
    tokio::spawn(fetcher.run(0, window, None));
    let mut items = Vec::new();
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Page(page) => items.extend(page.items),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].id, "CUST_RAW_1");

    let now: DateTime<Utc> = "2025-06-01T00:00:00Z".parse().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    write_items(
        &mut store,
        "customers",
        &items,
        "2025-06-01T00:00:00.000Z",
        &Context::new(Some("US"), now),
        true,
        |_, _| Ok(()),
    )
    .unwrap();
    let stored: String = store
        .conn()
        .query_row(
            "SELECT json FROM raw_objects WHERE object_type = 'CUSTOMER' AND square_id = 'CUST_RAW_1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, CUSTOMER);
    // The typed model still read it: the customer is normalized.
    let given: String = store
        .conn()
        .query_row(
            "SELECT given_name FROM customers WHERE id = 'CUST_RAW_1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(given, "Ada");
}
