//! Upsell beyond add-ons, on a hand-built salon: regulars of Women's Haircut (six of them,
//! every six weeks) also buy an extra item on their first visit, either a Gloss (another
//! appointment service) or a bottle of Repair Shampoo (a retail product). Alice, a regular
//! of the same cut due in eleven days, never bought the extra item: she gets an upsell task
//! naming it. Bea, the same regular who bought it once, gets none.

use chrono::{DateTime, TimeZone, Utc};
use keeper_analysis::recompute;
use keeper_analysis::tasks::store::list_open;
use keeper_analysis::tasks::{TaskType, TaskView};
use keeper_store::Store;
use rusqlite::{Connection, params};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

/// Three visits 42 days apart, the last on 2025-05-01: next one due 2025-06-12.
const DAYS: [&str; 3] = ["2025-02-06", "2025-03-20", "2025-05-01"];

/// One completed sale: an order with a haircut line (and the extra item's line when
/// `extra` is set) and its payment.
fn sale(conn: &Connection, id: &str, customer: &str, day: &str, extra: Option<(&str, &str)>) {
    let at = format!("{day}T15:00:00.000Z");
    let order = format!("o_{id}");
    let extra_price = if extra.is_some() { 4_000 } else { 0 };
    conn.execute(
        "INSERT INTO orders (id, location_id, customer_id, state, total, currency, created_at, updated_at)
         VALUES (?1, 'L1', ?2, 'COMPLETED', ?3, 'USD', ?4, ?4)",
        params![order, customer, 6_500 + extra_price, at],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO order_line_items (order_id, uid, name, catalog_object_id, quantity, base_price, total, currency)
         VALUES (?1, 'li1', 'Women''s Haircut', 'var_cut', '1', 6500, 6500, 'USD')",
        [&order],
    )
    .unwrap();
    if let Some((variation, name)) = extra {
        conn.execute(
            "INSERT INTO order_line_items (order_id, uid, name, catalog_object_id, quantity, base_price, total, currency)
             VALUES (?1, 'li2', ?2, ?3, '1', 4000, 4000, 'USD')",
            params![order, name, variation],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO payments (id, location_id, customer_id, order_id, team_member_id, status, source_type, amount, tip, total, refunded, currency, created_at, updated_at)
         VALUES (?1, 'L1', ?2, ?3, 'tm_ana', 'COMPLETED', 'CARD', ?4, 0, ?4, 0, 'USD', ?5, ?5)",
        params![format!("p_{id}"), customer, order, 6_500 + extra_price, at],
    )
    .unwrap();
}

/// The salon with the extra item `(variation, name)` the regulars buy.
fn salon(extra: (&str, &str)) -> Store {
    salon_where(extra, &["alice"])
}

/// The salon where the customers in `never` never buy the extra item.
fn salon_where(extra: (&str, &str), never: &[&str]) -> Store {
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn();
    conn.execute_batch(
        "INSERT INTO locations (id, name, timezone, currency) VALUES ('L1', 'Main', 'UTC', 'USD');
         INSERT INTO team_members (id, given_name, family_name, status) VALUES
           ('tm_ana', 'Ana', 'Cruz', 'ACTIVE');
         INSERT INTO catalog_categories (id, name) VALUES ('cat_cut', 'Haircuts'),
           ('cat_colour', 'Colour'), ('cat_retail', 'Retail');
         INSERT INTO catalog_items (id, name, category_id, product_type) VALUES
           ('item_cut', 'Women''s Haircut', 'cat_cut', 'APPOINTMENTS_SERVICE'),
           ('item_gloss', 'Gloss', 'cat_colour', 'APPOINTMENTS_SERVICE'),
           ('item_shampoo', 'Repair Shampoo', 'cat_retail', 'REGULAR');
         INSERT INTO catalog_variations (id, item_id, name, price_amount, currency) VALUES
           ('var_cut', 'item_cut', 'Regular', 6500, 'USD'),
           ('var_gloss', 'item_gloss', 'Regular', 4000, 'USD'),
           ('var_shampoo', 'item_shampoo', '250 ml', 2800, 'USD');",
    )
    .unwrap();
    let customers = [
        ("alice", "Alice"),
        ("bea", "Bea"),
        ("peer0", "Cleo"),
        ("peer1", "Dora"),
        ("peer2", "Edie"),
        ("peer3", "Fern"),
        ("peer4", "Gala"),
        ("peer5", "Hana"),
    ];
    for (id, name) in customers {
        conn.execute(
            "INSERT INTO customers (id, given_name, family_name, created_at)
             VALUES (?1, ?2, 'Test', '2024-01-01T00:00:00.000Z')",
            params![id, name],
        )
        .unwrap();
        for (k, day) in DAYS.iter().enumerate() {
            // Everyone but those in `never` buys the extra item on their first visit.
            let bought = (k == 0 && !never.contains(&id)).then_some(extra);
            sale(conn, &format!("{id}{k}"), id, day, bought);
        }
    }
    store
}

fn upsells(store: &mut Store) -> Vec<TaskView> {
    recompute(store, now()).unwrap();
    list_open(store.conn(), now(), 100)
        .unwrap()
        .into_iter()
        .filter(|t| t.task_type == TaskType::Upsell)
        .collect()
}

fn check(extra: (&str, &str), kind: &str, phrase: &str) {
    let mut store = salon(extra);
    let tasks = upsells(&mut store);
    let alice: Vec<&TaskView> = tasks
        .iter()
        .filter(|t| t.customer_id.as_deref() == Some("alice"))
        .collect();
    assert_eq!(alice.len(), 1, "Alice gets one upsell: {tasks:#?}");
    let t = alice[0];
    assert_eq!(t.details["suggestion"], extra.1, "{t:#?}");
    assert_eq!(t.details["suggestion_kind"], kind, "{t:#?}");
    assert_eq!(t.details["service"], "Women's Haircut");
    assert_eq!(t.details["peers"], 7, "the other regulars of her cut");
    assert!(
        t.reason.contains(extra.1) && t.reason.contains(phrase),
        "the reason names it: {}",
        t.reason
    );
    assert!(
        t.reason
            .starts_with("Alice: due in 11 days for Women's Haircut")
    );
    // The catalog price × the share of her peers who bought it × visits a year at her
    // rhythm (365 / 42).
    let price = if extra.0 == "var_gloss" {
        4_000.0
    } else {
        2_800.0
    };
    let share = t.details["suggestion_share"].as_f64().unwrap();
    assert!(share > 0.0 && share <= 1.0, "a share: {share}");
    assert_eq!(
        t.value_at_stake,
        (price * share * 365.0 / 42.0_f64).round() as i64
    );
    assert!(
        tasks
            .iter()
            .all(|t| t.customer_id.as_deref() != Some("bea")),
        "Bea already bought it: no upsell"
    );
    assert_eq!(tasks.len(), 1, "nobody else lacks it: {tasks:#?}");
}

#[test]
fn a_regular_who_never_had_a_service_her_peers_have_gets_an_upsell_naming_it() {
    check(
        ("var_gloss", "Gloss"),
        "service",
        "a service 100% of Women's Haircut regulars have had ($40)",
    );
}

#[test]
fn a_regular_who_never_bought_a_product_her_peers_buy_gets_an_upsell_naming_it() {
    check(
        ("var_shampoo", "Repair Shampoo"),
        "retail",
        "which 100% of Women's Haircut regulars buy ($28)",
    );
}

/// Regression: an upsell was valued at the suggestion's price at every visit of a year, so
/// a weekly regular's $190 service counted as ~$10,000 and the demo's top twenty tasks were
/// all upsells, above every client slipping away. It is worth the price times the share of
/// her peers who take it, at her rhythm.
#[test]
fn an_upsell_is_worth_its_price_times_the_share_of_peers_who_take_it() {
    let mut store = salon_where(("var_gloss", "Gloss"), &["alice", "peer4", "peer5"]);
    let tasks = upsells(&mut store);
    let alice = tasks
        .iter()
        .find(|t| t.customer_id.as_deref() == Some("alice"))
        .expect("Alice gets an upsell");
    // Five of her seven peers (Bea and four others) had the Gloss.
    assert!(
        alice.reason.contains("71% of Women's Haircut regulars"),
        "{}",
        alice.reason
    );
    assert_eq!(
        alice.value_at_stake,
        (4_000.0 * 5.0 / 7.0 * 365.0 / 42.0_f64).round() as i64
    );
}
