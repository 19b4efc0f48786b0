//! Retrieval evaluation: natural queries over a simulated merchant, each with the customers
//! it should find defined by a predicate over the store's facts (not over the document text),
//! scored as recall@10 = |relevant ∩ top 10| / min(10, |relevant|) for the hybrid search,
//! keyword-only (FTS5 BM25) and semantic-only (cosine) rankings.
//!
//! Four sets: [`tuning`], on which the fusion's semantic weight was chosen (and swept here);
//! [`held_out`], written separately, whose per-query results were then read while the query
//! understanding was built, so it is a development set now; and [`fresh`], written before
//! any of that work and never looked at query by query: the eval prints only how many
//! customers each of its queries expects, and the set's means; and [`blind`], written after
//! the query understanding by someone who never read it, scored the same way as `fresh`.
//!
//! The store is the simulator's merchant as the importer writes it, plus reviews from the
//! review simulator (stored and linked to customers by keeper-reviews, as the app does).
//!
//! `cargo run --release -p keeper-search --example search_eval -- [salon|small] [--keep-db PATH]
//! [--explain]` (`--explain` prints what the development sets' queries were understood to
//! ask, and stops)
//! (`--keep-db` keeps the embedded store in PATH and reuses it: only documents whose text
//! changed are embedded again.)

#[path = "../../tests/common/sim.rs"]
mod sim;

mod blind;
mod fresh;
mod held_out;
mod tuning;

use chrono::{DateTime, Utc};
use keeper_reviews::sentiment::Method;
use keeper_reviews::sim::{ReviewWorld, generate as reviews_sim};
use keeper_reviews::source::Fetched;
use keeper_reviews::{RawReview, SourceKind};
use keeper_search::facts::{CustomerFacts, Status};
use keeper_search::fuse::{RRF_K, weighted_reciprocal_rank_fusion};
use keeper_search::index::{self, EmbedOptions};
use keeper_search::search::{Query, Rankings, SEMANTIC_WEIGHT, SearchFilters, Semantic, search};
use keeper_search::{Embedder, EmbedderOptions, ModelPaths, facts};
use keeper_sim::{Profile, Ts};
use keeper_store::Store;
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::AtomicBool;

/// Semantic weights the evaluation compares (the keyword list's is 1).
const SWEEP: [f64; 6] = [1.0, 0.75, 0.5, 0.35, 0.25, 0.1];

pub(crate) type Pred = Box<dyn Fn(&CustomerFacts, DateTime<Utc>) -> bool>;

pub(crate) fn has_service(f: &CustomerFacts, name: &str) -> bool {
    f.services().iter().any(|c| c.name == name)
}
pub(crate) fn has_addon(f: &CustomerFacts, name: &str) -> bool {
    f.modifiers().iter().any(|c| c.name == name)
}
pub(crate) fn note(f: &CustomerFacts, needle: &str) -> bool {
    f.notes
        .iter()
        .any(|n| n.to_lowercase().contains(&needle.to_lowercase()))
}
pub(crate) fn status(f: &CustomerFacts, now: DateTime<Utc>, s: Status) -> bool {
    f.status(now) == s
}
/// The staff member who served the customer most often.
pub(crate) fn main_staff(f: &CustomerFacts) -> Option<String> {
    f.staff().first().map(|s| s.name.clone())
}
pub(crate) const COLOUR: &[&str] = &["Root Colour", "Full Colour", "Highlights", "Balayage"];

/// Reviews the evaluation's merchant gets from the review simulator (the demo serves 60 + 12;
/// more here so review queries have enough linked customers to score).
const EVAL_REVIEWS: usize = 400;

/// Stores the review simulator's reviews of the generated merchant through keeper-reviews'
/// own analysis (sentiment, mentions, links to customers by name).
fn add_reviews(store: &mut Store, profile: Profile, seed: u64, now: DateTime<Utc>) {
    let (data, _) = keeper_sim::generate::generate(profile, seed, Ts(now.timestamp_millis()));
    let world = ReviewWorld::from_dataset(&data);
    let (google, _) = reviews_sim::generate(&world, seed, now, EVAL_REVIEWS, 0);
    let reviews = google
        .into_iter()
        .map(|r| RawReview {
            source: SourceKind::Google,
            source_id: r.id,
            author_name: Some(r.author),
            rating: Some(r.rating),
            text: r.text,
            created_at: r.created_at,
            updated_at: Some(r.updated_at),
            owner_reply: r.reply.map(|(text, _)| text),
            excerpt: false,
            url: None,
        })
        .collect();
    let fetched = Fetched {
        source: SourceKind::Google,
        reviews,
        pages: 1,
        total_reported: None,
        note: None,
    };
    keeper_reviews::stage::store_fetched(store, fetched, Method::VaderSalon, now)
        .expect("store reviews");
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
    let keep = std::env::args()
        .skip_while(|a| a != "--keep-db")
        .nth(1)
        .map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = keep.unwrap_or_else(|| dir.path().join("eval.sqlite3"));
    let filled = path.exists();
    let mut store = Store::open(&path).expect("store");
    if !filled {
        sim::fill(&mut store, profile, 42, now);
        add_reviews(&mut store, profile, 42, now);
    }
    let refreshed = index::refresh_documents(store.conn_mut(), now).expect("refresh");
    eprintln!(
        "documents: {} ({} new, {} changed)",
        refreshed.documents, refreshed.inserted, refreshed.changed
    );
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

    if std::env::args().any(|a| a == "--explain") {
        // What the development sets' queries were understood to ask (never the fresh set's).
        let profiles = keeper_search::profile::load(store.conn()).expect("profiles");
        for (q, _) in tuning::queries().iter().chain(held_out::queries().iter()) {
            let u = keeper_search::understand::understand(q, &profiles.vocabulary, now);
            println!("{q}: {:?} {:?}", u.conditions, u.order);
        }
        return;
    }
    println!("model: {}", embedder.model_id());
    let all = facts::load(store.conn(), None).expect("facts");
    print_store(&all);
    let group = format!("search_{}", profile.name());
    let mut set = EvalSet {
        store: &store,
        embedder: &mut embedder,
        all: &all,
        now,
    };
    println!("## Tuning set (the fusion weight was chosen on it)");
    let (n, mean) = set.evaluate(&tuning::queries(), true);
    println!(
        "BENCH\t{group}\trecall@10 hybrid ({n} queries)\t{:.3}\t>= 0.8",
        mean[0]
    );
    println!(
        "BENCH\t{group}\trecall@10 keyword only\t{:.3}\t< hybrid",
        mean[1]
    );
    println!(
        "BENCH\t{group}\trecall@10 semantic only\t{:.3}\t< hybrid",
        mean[2]
    );
    println!();
    println!("## Held-out set (never used for tuning)");
    let (n, mean) = set.evaluate(&held_out::queries(), false);
    println!(
        "BENCH\t{group}\theld-out recall@10 hybrid ({n} queries)\t{:.3}\t>= 0.8",
        mean[0]
    );
    println!(
        "BENCH\t{group}\theld-out recall@10 keyword only\t{:.3}\t< hybrid",
        mean[1]
    );
    println!(
        "BENCH\t{group}\theld-out recall@10 semantic only\t{:.3}\t< hybrid",
        mean[2]
    );
    println!();
    println!("## Fresh held-out set (written before the query understanding; means only)");
    let (n, mean) = set.evaluate_blind(&fresh::queries());
    println!(
        "BENCH\t{group}\tfresh held-out recall@10 hybrid ({n} queries)\t{:.3}\t>= 0.8",
        mean[0]
    );
    println!(
        "BENCH\t{group}\tfresh held-out recall@10 keyword only\t{:.3}\t< hybrid",
        mean[1]
    );
    println!(
        "BENCH\t{group}\tfresh held-out recall@10 semantic only\t{:.3}\t< hybrid",
        mean[2]
    );
    println!();
    println!("## Blind held-out set (written without reading the query understanding; means only)");
    let (n, mean) = set.evaluate_blind(&blind::queries());
    println!(
        "BENCH\t{group}\tblind held-out recall@10 hybrid ({n} queries)\t{:.3}\t>= 0.8",
        mean[0]
    );
    println!(
        "BENCH\t{group}\tblind held-out recall@10 keyword only\t{:.3}\t< hybrid",
        mean[1]
    );
    println!(
        "BENCH\t{group}\tblind held-out recall@10 semantic only\t{:.3}\t< hybrid",
        mean[2]
    );
}

/// The team as the store knows it (who served how many customers most, who has left) and how
/// many customers have reviews: what the query sets' rules refer to.
fn print_store(all: &BTreeMap<String, CustomerFacts>) {
    let mut staff: BTreeMap<String, usize> = BTreeMap::new();
    let mut departed: HashSet<String> = HashSet::new();
    for f in all.values() {
        if let Some(s) = main_staff(f) {
            *staff.entry(s).or_default() += 1;
        }
        departed.extend(f.departed_staff.iter().cloned());
    }
    println!("## Store");
    for (name, n) in &staff {
        let left = if departed.contains(name) {
            " (left)"
        } else {
            ""
        };
        println!("- {name}{left}: main staff of {n} customers");
    }
    let reviewed = all.values().filter(|f| !f.reviews.is_empty()).count();
    println!("- customers with a linked review: {reviewed}");
    println!();
}

struct EvalSet<'a> {
    store: &'a Store,
    embedder: &'a mut Embedder,
    all: &'a BTreeMap<String, CustomerFacts>,
    now: DateTime<Utc>,
}

impl EvalSet<'_> {
    fn ranking(&mut self, q: &str, limit: usize, rankings: Rankings) -> Vec<String> {
        search(
            self.store.conn(),
            Semantic::On(self.embedder),
            Query {
                text: q,
                limit,
                filters: &SearchFilters::default(),
                rankings,
                now: self.now,
            },
        )
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.customer_id)
        .collect()
    }

    /// The three recalls of one query, or `None` when nobody matches its rule.
    fn recalls(&mut self, q: &str, pred: &Pred) -> Option<(usize, [f64; 3])> {
        let relevant: HashSet<String> = self
            .all
            .values()
            .filter(|f| pred(f, self.now))
            .map(|f| f.customer_id.clone())
            .collect();
        if relevant.is_empty() {
            return None;
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
            row[i] = recall_at_10(&self.ranking(q, 10, rankings), &relevant);
        }
        Some((relevant.len(), row))
    }

    /// Scores a set without showing any query's recall: prints each query with the number of
    /// customers its rule expects, then only the means.
    fn evaluate_blind(&mut self, queries: &[(&'static str, Pred)]) -> (usize, [f64; 3]) {
        let mut totals = [0.0f64; 3];
        let mut n = 0usize;
        println!("| query | relevant |");
        println!("| --- | --- |");
        for (q, pred) in queries {
            match self.recalls(q, pred) {
                None => println!("| {q} | 0 (skipped: nobody matches) |"),
                Some((relevant, row)) => {
                    println!("| {q} | {relevant} |");
                    for (t, r) in totals.iter_mut().zip(row) {
                        *t += r;
                    }
                    n += 1;
                }
            }
        }
        let mean = totals.map(|t| t / n.max(1) as f64);
        println!(
            "| mean recall@10 over {n} queries: hybrid {:.3}, keyword {:.3}, semantic {:.3} | |",
            mean[0], mean[1], mean[2]
        );
        println!();
        (n, mean)
    }

    /// Prints the per-query table (and, with `sweep`, the fusion weight sweep); returns how
    /// many queries had relevant customers and the mean recall@10 of hybrid, keyword and
    /// semantic.
    fn evaluate(&mut self, queries: &[(&'static str, Pred)], sweep: bool) -> (usize, [f64; 3]) {
        let mut totals = [0.0f64; 3];
        // Per query the better of the keyword and semantic recall: what always picking the
        // right list would reach, a bound for any fusion that only re-weights the two.
        let mut best_of_two = 0.0f64;
        let mut sweep_totals = [0.0f64; SWEEP.len()];
        let mut n = 0usize;
        println!("| query | relevant | hybrid | keyword | semantic |");
        println!("| --- | --- | --- | --- | --- |");
        for (q, pred) in queries {
            let Some((n_relevant, row)) = self.recalls(q, pred) else {
                println!("| {q} | 0 | (skipped: nobody matches) | | |");
                continue;
            };
            for (t, r) in totals.iter_mut().zip(row) {
                *t += r;
            }
            if sweep {
                let relevant: HashSet<String> = self
                    .all
                    .values()
                    .filter(|f| pred(f, self.now))
                    .map(|f| f.customer_id.clone())
                    .collect();
                // The fusion's semantic weight, swept over the same two lists the hybrid
                // fuses (each 50 deep, as `search` reads them for a top 10).
                let keyword = self.ranking(q, 50, Rankings::KeywordOnly);
                let semantic = self.ranking(q, 50, Rankings::SemanticOnly);
                for (i, w) in SWEEP.iter().enumerate() {
                    let fused = weighted_reciprocal_rank_fusion(
                        &[(keyword.as_slice(), 1.0), (semantic.as_slice(), *w)],
                        RRF_K,
                    );
                    let top: Vec<String> = fused.into_iter().take(10).map(|(id, _)| id).collect();
                    sweep_totals[i] += recall_at_10(&top, &relevant);
                }
            }
            best_of_two += row[1].max(row[2]);
            n += 1;
            println!(
                "| {q} | {} | {:.2} | {:.2} | {:.2} |",
                n_relevant, row[0], row[1], row[2]
            );
        }
        let mean = totals.map(|t| t / n.max(1) as f64);
        println!(
            "| mean over {n} queries | | {:.3} | {:.3} | {:.3} |",
            mean[0], mean[1], mean[2]
        );
        println!(
            "| better of keyword and semantic, per query (a bound for re-weighting the two) | | \
             {:.3} | | |",
            best_of_two / n.max(1) as f64
        );
        println!();
        if sweep {
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
            println!();
        }
        (n, mean)
    }
}
