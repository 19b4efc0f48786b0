//! Notes, tags and birthdays from uploaded spreadsheets (`customer_enrichments` of accepted
//! matches) in the customer documents: adding them changes the document and its hash so it is
//! re-embedded, undoing the match removes them again and restores the original document. The
//! hash and refresh logic runs without the model; the re-embedding tests use the real model
//! (they print SKIPPED when it is absent).

mod common;

use common::{Salon, model_dir, now};
use keeper_search::index::{
    EmbedOptions, embed_pending, pending_count, refresh_customers, refresh_documents,
};
use keeper_search::model;
use keeper_search::search::{Query, Rankings, SearchFilters, Semantic, search};
use keeper_search::{Embedder, load_embedder};
use rusqlite::Connection;
use std::sync::atomic::AtomicBool;

const NOTE: &str = "Allergic to latex gloves, use nitrile";

fn doc(conn: &Connection, id: &str) -> (String, String) {
    conn.query_row(
        "SELECT text, content_hash FROM search_documents WHERE customer_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn keyword_ids(conn: &Connection, query: &str) -> Vec<String> {
    search(
        conn,
        Semantic::Off("test".into()),
        Query {
            text: query,
            limit: 5,
            filters: &SearchFilters::default(),
            rankings: Rankings::KeywordOnly,
            now: now(),
        },
    )
    .unwrap()
    .hits
    .into_iter()
    .map(|h| h.customer_id)
    .collect()
}

#[test]
fn an_accepted_sheet_note_changes_one_document_and_undo_restores_it() {
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    let (before_text, before_hash) = doc(salon.store.conn(), "C_DINA");
    assert!(keyword_ids(salon.store.conn(), "latex").is_empty());

    let m = salon.sheet_row(
        "C_DINA",
        "accepted",
        &[("note", NOTE), ("tag", "vip"), ("birthday", "--07-04")],
    );
    let stats = refresh_customers(salon.store.conn_mut(), &["C_DINA".into()], now()).unwrap();
    assert_eq!((stats.changed, stats.unchanged, stats.inserted), (1, 0, 0));
    let (text, hash) = doc(salon.store.conn(), "C_DINA");
    assert_ne!(hash, before_hash);
    for needle in [NOTE, "Tags: vip.", "Birthday 4 July."] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert_eq!(keyword_ids(salon.store.conn(), "latex"), vec!["C_DINA"]);
    // A full refresh agrees with the per-customer one: nothing else changed.
    let full = refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!((full.changed, full.unchanged), (0, 5));

    salon.undo_sheet_row(m);
    let stats = refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!((stats.changed, stats.unchanged), (1, 4));
    assert_eq!(
        doc(salon.store.conn(), "C_DINA"),
        (before_text, before_hash)
    );
    assert!(keyword_ids(salon.store.conn(), "latex").is_empty());
}

#[test]
fn records_of_matches_not_accepted_stay_out_of_the_document() {
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    let before = doc(salon.store.conn(), "C_BEN");
    // A pending match has no records; a record left behind by a rejected match is ignored.
    salon.sheet_row("C_BEN", "pending", &[("note", NOTE)]);
    let m = salon.sheet_row("C_BEN", "accepted", &[("note", NOTE)]);
    salon
        .store
        .conn()
        .execute(
            "UPDATE upload_matches SET state = 'rejected' WHERE id = ?1",
            [m],
        )
        .unwrap();
    let stats = refresh_customers(salon.store.conn_mut(), &["C_BEN".into()], now()).unwrap();
    assert_eq!(stats.unchanged, 1);
    assert_eq!(doc(salon.store.conn(), "C_BEN"), before);
}

#[test]
fn refreshing_chosen_customers_builds_nothing_before_the_first_full_build_and_drops_the_gone() {
    let mut salon = Salon::standard();
    let none = refresh_customers(salon.store.conn_mut(), &["C_ANNA".into()], now()).unwrap();
    assert_eq!(none.documents, 0);
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    salon
        .store
        .conn()
        .execute("DELETE FROM customers WHERE id = 'C_EVE'", [])
        .unwrap();
    let stats = refresh_customers(
        salon.store.conn_mut(),
        &["C_EVE".into(), "C_ANNA".into(), "C_ANNA".into()],
        now(),
    )
    .unwrap();
    assert_eq!((stats.documents, stats.unchanged, stats.removed), (1, 1, 1));
    assert!(keyword_ids(salon.store.conn(), "manicure").is_empty());
}

fn embed(salon: &mut Salon, e: &mut Embedder) -> usize {
    embed_pending(
        salon.store.conn_mut(),
        e,
        EmbedOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap()
    .embedded
}

fn vector(conn: &Connection, id: &str) -> Vec<f32> {
    let blob: Vec<u8> = conn
        .query_row(
            "SELECT embedding FROM search_documents WHERE customer_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    model::from_blob(&blob)
}

fn semantic_similarity(conn: &Connection, e: &mut Embedder, query: &str, id: &str) -> (usize, f32) {
    let r = search(
        conn,
        Semantic::On(e),
        Query {
            text: query,
            limit: 5,
            filters: &SearchFilters::default(),
            rankings: Rankings::SemanticOnly,
            now: now(),
        },
    )
    .unwrap();
    let i = r.hits.iter().position(|h| h.customer_id == id).unwrap();
    (i, r.hits[i].similarity.unwrap())
}

#[test]
fn a_sheet_note_is_embedded_with_the_real_model_and_undo_re_embeds_the_original() {
    let Some(dir) = model_dir() else { return };
    let mut e = load_embedder(Some(&dir)).unwrap();
    let mut salon = Salon::standard();
    refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!(embed(&mut salon, &mut e), 5);
    let original = vector(salon.store.conn(), "C_DINA");
    let query = "allergic to latex gloves";
    let (_, sim_before) = semantic_similarity(salon.store.conn(), &mut e, query, "C_DINA");

    let m = salon.sheet_row("C_DINA", "accepted", &[("note", NOTE)]);
    refresh_customers(salon.store.conn_mut(), &["C_DINA".into()], now()).unwrap();
    let id = e.model_id();
    assert_eq!(pending_count(salon.store.conn(), id).unwrap(), 1);
    assert_eq!(embed(&mut salon, &mut e), 1, "only the changed document");
    let (rank, sim_with) = semantic_similarity(salon.store.conn(), &mut e, query, "C_DINA");
    assert_eq!(rank, 0, "the customer with the latex note ranks first");
    assert!(sim_with > sim_before, "{sim_with} vs {sim_before}");

    salon.undo_sheet_row(m);
    let stats = refresh_documents(salon.store.conn_mut(), now()).unwrap();
    assert_eq!(stats.changed, 1);
    assert_eq!(embed(&mut salon, &mut e), 1);
    let restored = vector(salon.store.conn(), "C_DINA");
    let cosine = model::cosine(&original, &restored);
    assert!(cosine > 0.9999, "restored vector at cosine {cosine}");
    let (_, sim_after) = semantic_similarity(salon.store.conn(), &mut e, query, "C_DINA");
    assert!((sim_after - sim_before).abs() < 1e-3);
}
