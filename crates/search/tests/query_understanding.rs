//! Query understanding end to end on the hand-built salon, without the model (the keyword
//! fallback understands queries as the hybrid does): status, a stylist who left, staff and
//! add-on names with "always", spend, times relative to the `now` passed in; profiles stored
//! and removed with the documents; the bare keyword ranking untouched.

mod common;

use chrono::Duration;
use common::{Salon, V, now};
use keeper_search::index::refresh_documents;
use keeper_search::search::{Query, Rankings, SearchFilters, Semantic, search};
use keeper_search::{SearchResults, VectorCache, search::search_cached};

fn run(salon: &Salon, text: &str, rankings: Rankings) -> SearchResults {
    search(
        salon.store.conn(),
        Semantic::Off("test".into()),
        Query {
            text,
            limit: 5,
            filters: &SearchFilters::default(),
            rankings,
            now: now(),
        },
    )
    .unwrap()
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.customer_id.as_str()).collect()
}

fn salon() -> Salon {
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    salon
}

#[test]
fn a_lapsed_client_whose_stylist_left_comes_first() {
    let salon = salon();
    let r = run(
        &salon,
        "clients who stopped coming after their stylist left",
        Rankings::Hybrid,
    );
    assert_eq!(ids(&r)[0], "C_CARA");
}

#[test]
fn a_staff_name_status_and_always_added_add_on_order_the_clients_meeting_most_first() {
    let salon = salon();
    let r = run(
        &salon,
        "Maria's regulars who always add Olaplex",
        Rankings::Hybrid,
    );
    // Anna: Maria's, regular, Olaplex on every visit; Dina: Maria's regular without it.
    assert_eq!(&ids(&r)[..2], ["C_ANNA", "C_DINA"]);
}

#[test]
fn top_spenders_are_the_customers_who_spent_most() {
    let salon = salon();
    let r = run(&salon, "our top spenders", Rankings::Hybrid);
    let mut top: Vec<&str> = ids(&r)[..2].to_vec();
    top.sort();
    // Anna and Cara both spent $360, the most.
    assert_eq!(top, ["C_ANNA", "C_CARA"]);
}

#[test]
fn since_autumn_is_relative_to_now_and_finds_the_client_last_seen_then() {
    let salon = salon();
    // now is 2025-06-01: the last autumn is September to November 2024, when Eve came once
    // (200 days before); nobody else's last visit falls in it.
    let r = run(&salon, "haven't been back since autumn", Rankings::Hybrid);
    assert_eq!(ids(&r)[0], "C_EVE");
    assert!(r.hits[0].score >= 1.0, "Eve meets the condition");
    // A year later the same words mean another autumn, and nobody's last visit is in it:
    // what remains is the keyword ranking alone (scores below one condition).
    let later = search(
        salon.store.conn(),
        Semantic::Off("test".into()),
        Query {
            text: "haven't been back since autumn",
            limit: 5,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now: now() + Duration::days(365),
        },
    )
    .unwrap();
    assert!(later.hits.iter().all(|h| h.score < 1.0));
}

#[test]
fn the_bare_keyword_ranking_is_not_reordered_by_understanding() {
    let salon = salon();
    // "stylist left" is understood in the hybrid; BM25 alone finds Cara by the document's
    // sentence about her stylist, and nobody else is pulled in by conditions.
    let r = run(&salon, "stylist left", Rankings::KeywordOnly);
    assert_eq!(ids(&r), ["C_CARA"]);
}

#[test]
fn profiles_are_written_with_the_documents_and_reloaded_after_a_change() {
    let mut salon = salon();
    let count = |s: &Salon| -> i64 {
        s.store
            .conn()
            .query_row("SELECT COUNT(*) FROM search_profiles", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&salon), 5);
    let mut cache = VectorCache::new();
    let query = |cache: &mut VectorCache, s: &Salon| {
        search_cached(
            s.store.conn(),
            Semantic::Off("test".into()),
            cache,
            Query {
                text: "brand new clients",
                limit: 5,
                filters: &SearchFilters::default(),
                rankings: Rankings::Hybrid,
                now: now(),
            },
        )
        .unwrap()
    };
    // Nobody is new yet (Eve's one visit was 200 days ago).
    assert!(query(&mut cache, &salon).hits.is_empty());
    salon.customer(
        "C_FAY",
        "Fay",
        "Green",
        None,
        &[V(5, "Blow Dry", None, "TM_JO")],
    );
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!(count(&salon), 6);
    assert_eq!(ids(&query(&mut cache, &salon)), ["C_FAY"]);
}
