//! Retrieval evaluation: natural queries over a simulated merchant, each with the customers
//! it should find defined by a predicate over the store's facts (not over the document text),
//! scored as recall@10 = |relevant ∩ top 10| / min(10, |relevant|) for the hybrid search,
//! keyword-only (FTS5 BM25) and semantic-only (cosine) rankings.
//!
//! `cargo run --release -p keeper-search --example search_eval -- [salon|small]`

#[path = "../tests/common/sim.rs"]
mod sim;

use chrono::{DateTime, Utc};
use keeper_search::facts::{CustomerFacts, Status};
use keeper_search::fuse::{RRF_K, weighted_reciprocal_rank_fusion};
use keeper_search::index::{self, EmbedOptions};
use keeper_search::search::{Rankings, SEMANTIC_WEIGHT, SearchFilters, Semantic, search};
use keeper_search::{Embedder, EmbedderOptions, ModelPaths, facts};
use keeper_sim::Profile;
use keeper_store::Store;
use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

/// Semantic weights the evaluation compares (the keyword list's weight is 1).
const SWEEP: [f64; 6] = [1.0, 0.75, 0.5, 0.35, 0.25, 0.1];

type Pred = Box<dyn Fn(&CustomerFacts, DateTime<Utc>) -> bool>;

fn has_service(f: &CustomerFacts, name: &str) -> bool {
    f.services().iter().any(|c| c.name == name)
}
fn has_addon(f: &CustomerFacts, name: &str) -> bool {
    f.modifiers().iter().any(|c| c.name == name)
}
fn note(f: &CustomerFacts, needle: &str) -> bool {
    f.notes
        .iter()
        .any(|n| n.to_lowercase().contains(&needle.to_lowercase()))
}
fn status(f: &CustomerFacts, now: DateTime<Utc>, s: Status) -> bool {
    f.status(now) == s
}
const COLOUR: &[&str] = &["Root Colour", "Full Colour", "Highlights", "Balayage"];

fn queries() -> Vec<(&'static str, Pred)> {
    vec![
        (
            "regulars who always add Olaplex",
            Box::new(|f, now| {
                status(f, now, Status::Regular)
                    && f.visits.len() >= 3
                    && f.modifiers().iter().any(|m| {
                        m.name == "Olaplex Treatment"
                            && m.count as f64 >= 0.8 * f.visits.len() as f64
                    })
            }),
        ),
        (
            "clients who stopped coming after their stylist left",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && f.staff()
                        .first()
                        .is_some_and(|s| f.departed_staff.contains(&s.name))
            }),
        ),
        (
            "balayage clients",
            Box::new(|f, _| has_service(f, "Balayage")),
        ),
        (
            "lapsed balayage clients",
            Box::new(|f, now| status(f, now, Status::Lapsed) && has_service(f, "Balayage")),
        ),
        (
            "keratin smoothing customers",
            Box::new(|f, _| has_service(f, "Keratin Smoothing")),
        ),
        (
            "brides who had a bridal trial",
            Box::new(|f, _| has_service(f, "Bridal Trial")),
        ),
        (
            "parents booking kids haircuts",
            Box::new(|f, _| has_service(f, "Kids' Haircut")),
        ),
        (
            "one-time clients who never came back",
            Box::new(|f, now| status(f, now, Status::OneTime)),
        ),
        (
            "brand new clients",
            Box::new(|f, now| status(f, now, Status::New)),
        ),
        (
            "clients who get deep conditioning",
            Box::new(|f, _| has_addon(f, "Deep Conditioning")),
        ),
        (
            "people who like a scalp massage",
            Box::new(|f, _| has_addon(f, "Scalp Massage")),
        ),
        (
            "highlights regulars",
            Box::new(|f, now| status(f, now, Status::Regular) && has_service(f, "Highlights")),
        ),
        (
            "root colour touch-ups",
            Box::new(|f, _| has_service(f, "Root Colour")),
        ),
        (
            "toner and gloss",
            Box::new(|f, _| has_service(f, "Toner & Gloss")),
        ),
        (
            "customers with a sensitive scalp",
            Box::new(|f, _| note(f, "sensitive scalp")),
        ),
        (
            "needs an allergy patch test before dye",
            Box::new(|f, _| note(f, "patch test")),
        ),
        ("getting married soon", Box::new(|f, _| note(f, "wedding"))),
        (
            "naturally curly hair",
            Box::new(|f, _| note(f, "natural curls")),
        ),
        (
            "likes weekend morning appointments",
            Box::new(|f, _| note(f, "saturday")),
        ),
        (
            "brings her daughter along",
            Box::new(|f, _| note(f, "daughter")),
        ),
        ("always running late", Box::new(|f, _| note(f, "late"))),
        (
            "thin fine hair needing volume",
            Box::new(|f, _| note(f, "fine hair")),
        ),
        (
            "prefers a quiet appointment without chatting",
            Box::new(|f, _| note(f, "quiet")),
        ),
        (
            "came through a referral",
            Box::new(|f, _| note(f, "referred")),
        ),
        ("pays in cash", Box::new(|f, _| note(f, "cash"))),
        ("growing out a fringe", Box::new(|f, _| note(f, "grow out"))),
        (
            "lapsed regulars",
            Box::new(|f, now| status(f, now, Status::Lapsed)),
        ),
        (
            "lapsed clients who had deep conditioning",
            Box::new(|f, now| status(f, now, Status::Lapsed) && has_addon(f, "Deep Conditioning")),
        ),
        (
            "full colour clients",
            Box::new(|f, _| has_service(f, "Full Colour")),
        ),
        (
            "blow dry regulars",
            Box::new(|f, now| status(f, now, Status::Regular) && has_service(f, "Blow Dry")),
        ),
        (
            "colour clients who stopped coming",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed) && COLOUR.iter().any(|s| has_service(f, s))
            }),
        ),
        (
            "fragrance-free products please",
            Box::new(|f, _| note(f, "fragrance-free")),
        ),
        (
            "wants to try something new",
            Box::new(|f, _| note(f, "something new")),
        ),
    ]
}

fn recall_at_10(hits: &[String], relevant: &HashSet<String>) -> f64 {
    let found = hits
        .iter()
        .take(10)
        .filter(|h| relevant.contains(*h))
        .count();
    found as f64 / relevant.len().min(10) as f64
}

fn main() {
    let profile: Profile = std::env::args()
        .nth(1)
        .as_deref()
        .unwrap_or("salon")
        .parse()
        .expect("profile: small, salon or large");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2025-09-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let Some(model_dir) = ModelPaths::default_dir().filter(|d| d.is_dir()) else {
        eprintln!("no model directory: run scripts/provision-model.sh (or set KEEPER_MODEL_DIR)");
        std::process::exit(2);
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("eval.sqlite3")).expect("store");
    sim::fill(&mut store, profile, 42, now);
    index::refresh_documents(store.conn_mut(), now).expect("refresh");
    let mut embedder = Embedder::load(
        &ModelPaths::from_dir(&model_dir),
        EmbedderOptions { threads: 2 },
    )
    .expect("model loads");
    let stats = index::embed_pending(
        store.conn_mut(),
        &mut embedder,
        EmbedOptions::default(),
        &mut |p| {
            if p.done % 512 == 0 || p.done == p.total {
                eprintln!("  embedded {}/{}", p.done, p.total);
            }
        },
        &AtomicBool::new(false),
    )
    .expect("embed");
    eprintln!("embedded {} documents", stats.embedded);

    let all = facts::load(store.conn(), None).expect("facts");
    let mut totals = [0.0f64; 3];
    let mut sweep_totals = [0.0f64; SWEEP.len()];
    let mut n = 0usize;
    println!("| query | relevant | hybrid | keyword | semantic |");
    println!("| --- | --- | --- | --- | --- |");
    for (q, pred) in queries() {
        let relevant: HashSet<String> = all
            .values()
            .filter(|f| pred(f, now))
            .map(|f| f.customer_id.clone())
            .collect();
        if relevant.is_empty() {
            println!("| {q} | 0 | (skipped: nobody matches) | | |");
            continue;
        }
        let mut row = [0.0; 3];
        for (i, rankings) in [
            Rankings::Hybrid,
            Rankings::KeywordOnly,
            Rankings::SemanticOnly,
        ]
        .into_iter()
        .enumerate()
        {
            let r = search(
                store.conn(),
                Semantic::On(&mut embedder),
                q,
                10,
                &SearchFilters::default(),
                rankings,
            )
            .expect("search");
            let ids: Vec<String> = r.hits.into_iter().map(|h| h.customer_id).collect();
            row[i] = recall_at_10(&ids, &relevant);
            totals[i] += row[i];
        }
        // The fusion's semantic weight, swept over the same two lists the hybrid fuses (each
        // 50 deep, as `search` reads them for a top 10).
        let mut depth50 = |rankings| -> Vec<String> {
            search(
                store.conn(),
                Semantic::On(&mut embedder),
                q,
                50,
                &SearchFilters::default(),
                rankings,
            )
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.customer_id)
            .collect()
        };
        let (keyword, semantic) = (
            depth50(Rankings::KeywordOnly),
            depth50(Rankings::SemanticOnly),
        );
        for (i, w) in SWEEP.iter().enumerate() {
            let fused = weighted_reciprocal_rank_fusion(
                &[(keyword.as_slice(), 1.0), (semantic.as_slice(), *w)],
                RRF_K,
            );
            let top: Vec<String> = fused.into_iter().take(10).map(|(id, _)| id).collect();
            sweep_totals[i] += recall_at_10(&top, &relevant);
        }
        n += 1;
        println!(
            "| {q} | {} | {:.2} | {:.2} | {:.2} |",
            relevant.len(),
            row[0],
            row[1],
            row[2]
        );
    }
    let mean = |i: usize| totals[i] / n.max(1) as f64;
    println!(
        "| mean over {n} queries | | {:.3} | {:.3} | {:.3} |",
        mean(0),
        mean(1),
        mean(2)
    );
    println!();
    println!("| semantic weight in the fusion | mean recall@10 |");
    println!("| --- | --- |");
    for (w, total) in SWEEP.iter().zip(sweep_totals) {
        let mark = if (*w - SEMANTIC_WEIGHT).abs() < 1e-9 {
            " (Keeper's)"
        } else {
            ""
        };
        println!("| {w:.2}{mark} | {:.3} |", total / n.max(1) as f64);
    }
    let group = format!("search_{}", profile.name());
    println!(
        "BENCH\t{group}\trecall@10 hybrid ({n} queries)\t{:.3}\t>= 0.8",
        mean(0)
    );
    println!(
        "BENCH\t{group}\trecall@10 keyword only\t{:.3}\t< hybrid",
        mean(1)
    );
    println!(
        "BENCH\t{group}\trecall@10 semantic only\t{:.3}\t< hybrid",
        mean(2)
    );
}
