//! Context documents over the simulator's small merchant: every customer gets a short
//! document built from the normalized tables, refreshing again changes nothing, and keyword
//! search finds what the documents say.

mod common;
#[path = "common/sim.rs"]
mod sim;

use common::now;
use keeper_search::index::refresh_documents;
use keeper_search::search::{Query, Rankings, SearchFilters, Semantic, search};
use keeper_sim::Profile;
use keeper_store::Store;

#[test]
fn every_simulated_customer_gets_a_short_document_and_a_second_refresh_changes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    sim::fill(&mut store, Profile::Small, 11, now());
    let customers: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    let first = refresh_documents(store.conn_mut(), now()).unwrap();
    assert_eq!(first.documents as i64, customers);
    assert_eq!(first.inserted, first.documents);
    let again = refresh_documents(store.conn_mut(), now()).unwrap();
    assert_eq!(again.unchanged, first.documents);

    let (with_services, max_words, avg_words): (i64, i64, f64) = store
        .conn()
        .query_row(
            "SELECT SUM(text LIKE '%Services:%'),
                    MAX(length(text) - length(replace(text, ' ', '')) + 1),
                    AVG(length(text) - length(replace(text, ' ', '')) + 1)
             FROM search_documents",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        with_services as f64 > 0.8 * customers as f64,
        "{with_services} of {customers}"
    );
    // Short enough to embed fast and to stay under the model's 256 tokens.
    assert!(max_words < 150, "longest document has {max_words} words");
    assert!(avg_words < 110.0, "documents average {avg_words:.0} words");
}

#[test]
fn keyword_search_over_the_simulated_shop_returns_documents_that_mention_the_words() {
    let mut store = Store::open_in_memory().unwrap();
    sim::fill(&mut store, Profile::Small, 11, now());
    refresh_documents(store.conn_mut(), now()).unwrap();
    let term: String = store
        .conn()
        .query_row(
            "SELECT name FROM order_line_items GROUP BY name ORDER BY COUNT(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let r = search(
        store.conn(),
        Semantic::Off("test".into()),
        Query {
            text: &term,
            limit: 10,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now: now(),
        },
    )
    .unwrap();
    assert_eq!(
        r.hits.len(),
        10,
        "the most sold service {term:?} is in many documents"
    );
    let first_word = term.split_whitespace().next().unwrap().to_lowercase();
    assert!(r.hits.iter().all(|h| h.keyword_rank.is_some()));
    for h in &r.hits {
        let text: String = store
            .conn()
            .query_row(
                "SELECT text FROM search_documents WHERE customer_id = ?1",
                [&h.customer_id],
                |row| row.get(0),
            )
            .unwrap();
        assert!(text.to_lowercase().contains(&first_word), "{text}");
    }
}

#[test]
fn a_document_built_for_one_customer_equals_the_one_from_the_full_build() {
    let mut store = Store::open_in_memory().unwrap();
    sim::fill(&mut store, Profile::Small, 11, now());
    let all = keeper_search::facts::load(store.conn(), None).unwrap();
    let mut ranked = 0;
    let mut missed = 0;
    for (id, full) in all.iter().take(40) {
        let alone = keeper_search::facts::load(store.conn(), Some(id))
            .unwrap()
            .remove(id)
            .unwrap();
        // The shop-relative spend tier and the missed bookings come out the same either way,
        // so a per-customer refresh never flips a document the full refresh built.
        assert_eq!(&alone, full, "facts of {id}");
        assert_eq!(
            keeper_search::document::build(&alone, now()),
            keeper_search::document::build(full, now())
        );
        ranked += usize::from(full.spend_rank.is_some());
        missed += usize::from(full.no_shows + full.cancellations > 0);
    }
    assert!(ranked > 20, "{ranked} of 40 customers have a spend rank");
    assert!(missed > 0, "no customer among 40 missed a booking");
}

/// A customer's document and profile as stored.
fn stored(store: &Store, id: &str) -> (String, String) {
    store
        .conn()
        .query_row(
            "SELECT d.text, p.profile FROM search_documents d
               JOIN search_profiles p ON p.customer_id = d.customer_id
              WHERE d.customer_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// The per-customer refresh (every decision on the match review screen) places the spend
/// among the stored documents' lifetime values instead of aggregating every payment of the
/// shop, and still builds what the full build builds: for customers as they are, and for one
/// whose spend just changed (ranked with its new value among the others').
#[test]
fn a_customer_refreshed_alone_ranks_its_spend_among_the_stored_documents_as_the_full_build_does() {
    use keeper_search::facts::{SpendValues, load, load_one};
    use keeper_search::index::refresh_customers;
    let mut store = Store::open_in_memory().unwrap();
    sim::fill(&mut store, Profile::Small, 11, now());
    refresh_documents(store.conn_mut(), now()).unwrap();
    let all = load(store.conn(), None).unwrap();
    let spend = SpendValues::stored(store.conn()).unwrap();
    assert_eq!(
        spend.len(),
        all.values().filter(|f| f.paid_visits > 0).count()
    );
    for (id, full) in all.iter().take(40) {
        let alone = load_one(store.conn(), id, &spend).unwrap().unwrap();
        assert_eq!(&alone, full, "facts of {id}");
    }

    // The customer ranked last among the paying ones spends more than anyone.
    let (id, last) = all
        .iter()
        .filter_map(|(id, f)| f.spend_rank.map(|r| (id.clone(), r)))
        .max_by_key(|(_, r)| r.above)
        .unwrap();
    assert!(last.above > 0);
    store
        .conn()
        .execute(
            "INSERT INTO payments (id, customer_id, status, amount, currency, created_at)
             VALUES ('BIG', ?1, 'COMPLETED', 1000000000, 'USD', '2026-01-02T10:00:00Z')",
            [&id],
        )
        .unwrap();
    let before = stored(&store, &id);
    let stats = refresh_customers(store.conn_mut(), std::slice::from_ref(&id), now()).unwrap();
    assert_eq!(stats.changed, 1);
    let alone = stored(&store, &id);
    assert_ne!(alone, before);
    assert!(
        alone.1.contains("\"spend_percent_above\":0.0"),
        "{}",
        alone.1
    );
    refresh_documents(store.conn_mut(), now()).unwrap();
    assert_eq!(
        stored(&store, &id),
        alone,
        "the full build made another document"
    );
}
