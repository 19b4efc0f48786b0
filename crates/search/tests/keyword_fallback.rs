//! Search without the embedding model: keyword (FTS5) results that say semantic search is off
//! and why; filters; task context from the store alone; document refresh on a simulated shop.

mod common;

use common::{Salon, now};
use keeper_search::context::{Similarity, TaskType, get_context_for_task};
use keeper_search::index::{embedded_count, pending_count, refresh_documents};
use keeper_search::search::{Query, Rankings, SearchFilters, SearchMode, Semantic, search};
use keeper_search::{SearchError, load_embedder};

fn ids(results: &keeper_search::SearchResults) -> Vec<&str> {
    results
        .hits
        .iter()
        .map(|h| h.customer_id.as_str())
        .collect()
}

#[test]
fn without_the_model_search_is_keyword_only_and_says_why() {
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    let missing = std::env::temp_dir().join("keeper-no-such-model-dir");
    let err = load_embedder(Some(&missing)).unwrap_err();
    assert_eq!(err.code(), "model_dir_missing");
    let results = search(
        salon.store.conn(),
        Semantic::Off(err.to_string()),
        Query {
            text: "olaplex",
            limit: 10,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now: now(),
        },
    )
    .unwrap();
    assert_eq!(results.mode, SearchMode::KeywordOnly);
    assert!(!results.semantic_enabled);
    assert!(
        results
            .semantic_off_reason
            .as_deref()
            .unwrap()
            .contains("provision-model.sh")
    );
    assert_eq!(ids(&results), vec!["C_ANNA"]);
    assert_eq!(results.hits[0].keyword_rank, Some(1));
    assert_eq!(results.hits[0].semantic_rank, None);
}

#[test]
fn keyword_search_stems_words_and_ranks_by_bm25() {
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    let r = search(
        salon.store.conn(),
        Semantic::Off("test".into()),
        Query {
            text: "beard trims",
            limit: 10,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now: now(),
        },
    )
    .unwrap();
    assert_eq!(ids(&r)[0], "C_BEN");
}

#[test]
fn filters_restrict_results_by_lapsed_service_staff_and_value() {
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    let run = |filters: SearchFilters| {
        let r = search(
            salon.store.conn(),
            Semantic::Off("test".into()),
            Query {
                text: "visit cut balayage manicure trim",
                limit: 10,
                filters: &filters,
                rankings: Rankings::Hybrid,
                now: now(),
            },
        )
        .unwrap();
        let mut v: Vec<String> = r.hits.into_iter().map(|h| h.customer_id).collect();
        v.sort();
        v
    };
    assert_eq!(
        run(SearchFilters {
            lapsed: Some(true),
            ..Default::default()
        }),
        vec!["C_CARA"]
    );
    assert_eq!(
        run(SearchFilters {
            service: Some("BALAYAGE".into()),
            ..Default::default()
        }),
        vec!["C_ANNA", "C_DINA"]
    );
    assert_eq!(
        run(SearchFilters {
            staff: Some("jo baker".into()),
            ..Default::default()
        }),
        vec!["C_BEN", "C_EVE"]
    );
    // Four visits at $90 = $360; three = $270.
    assert_eq!(
        run(SearchFilters {
            min_value: Some(30_000),
            ..Default::default()
        }),
        vec!["C_ANNA", "C_CARA"]
    );
}

#[test]
fn a_second_refresh_changes_nothing_and_an_edit_changes_one_document() {
    let mut salon = Salon::standard();
    let first = refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!((first.documents, first.inserted), (5, 5));
    assert_eq!(
        pending_count(salon.store.conn(), keeper_search::model::MODEL_ID).unwrap(),
        5
    );
    let again = refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!((again.unchanged, again.changed, again.inserted), (5, 0, 0));
    salon
        .store
        .conn()
        .execute(
            "UPDATE customers SET note = 'Moved to Leeds' WHERE id = 'C_BEN'",
            [],
        )
        .unwrap();
    let edited = refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!((edited.changed, edited.unchanged), (1, 4));
    // The FTS index follows the edit.
    let r = search(
        salon.store.conn(),
        Semantic::Off("test".into()),
        Query {
            text: "Leeds",
            limit: 5,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now: now(),
        },
    )
    .unwrap();
    assert_eq!(ids(&r), vec!["C_BEN"]);
    assert_eq!(
        embedded_count(salon.store.conn(), keeper_search::model::MODEL_ID).unwrap(),
        0
    );
}

#[test]
fn churn_context_has_cadence_and_recent_visits() {
    let salon = Salon::standard();
    let ctx = get_context_for_task(salon.store.conn(), "C_CARA", TaskType::Churn, now()).unwrap();
    let churn = ctx.churn.unwrap();
    assert_eq!(churn.cadence_days, Some(40.0));
    assert!((churn.days_since_last_visit.unwrap() - 280.0).abs() < 1.0);
    assert_eq!(churn.recent_visits.len(), 4);
    assert!(ctx.document.lapsed);
    assert!(ctx.document.text.contains("Lapsed regular"));
}

#[test]
fn reactivation_context_lists_what_they_bought_and_who_served_them() {
    let salon = Salon::standard();
    let ctx =
        get_context_for_task(salon.store.conn(), "C_CARA", TaskType::Reactivation, now()).unwrap();
    let r = ctx.reactivation.unwrap();
    assert_eq!(r.used_to_buy[0].name, "Cut & Blow Dry");
    assert_eq!(r.used_to_buy[0].count, 4);
    assert_eq!(r.served_by[0].name, "Sam Reed");
    assert_eq!(r.departed_staff, vec!["Sam Reed".to_string()]);
    assert_eq!(r.add_ons[0].name, "Deep Conditioning");
}

#[test]
fn upsell_without_vectors_suggests_add_ons_of_customers_sharing_the_main_service() {
    let salon = Salon::standard();
    let ctx = get_context_for_task(salon.store.conn(), "C_DINA", TaskType::Upsell, now()).unwrap();
    let u = ctx.upsell.unwrap();
    assert_eq!(u.similarity, Similarity::SharedMainService);
    assert_eq!(u.similar_customer_ids, vec!["C_ANNA".to_string()]);
    assert_eq!(u.suggestions[0].name, "Olaplex Treatment");
    assert_eq!(u.suggestions[0].share_of_similar, 1.0);
}

#[test]
fn context_for_an_unknown_customer_or_task_is_a_typed_error() {
    let salon = Salon::standard();
    let err = get_context_for_task(salon.store.conn(), "NOPE", TaskType::Churn, now()).unwrap_err();
    assert_eq!(err.code(), "customer_not_found");
    let err = "gift".parse::<TaskType>().unwrap_err();
    assert!(matches!(err, SearchError::UnknownTask(_)));
}
