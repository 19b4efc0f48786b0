//! Embedding and search benchmark on a simulated merchant.
//!
//! Fills a temp-file store with the simulator's merchant (through `keeper-normalize`, no
//! HTTP), builds every context document, embeds them all with the provisioned model on one
//! thread, then re-embeds after editing 2% of the customers (the incremental case after a
//! sync), runs a set of queries for search latency, and prints BENCH lines and the peak RSS.
//!
//! `cargo run --release -p keeper-search --example search_bench -- [salon|small|large] [EMBED_LIMIT]`
//!
//! EMBED_LIMIT caps how many documents are embedded (the rest stay keyword-only), for the
//! `large` profile whose full embed takes minutes.

#[path = "../tests/common/sim.rs"]
mod sim;

use chrono::{DateTime, Utc};
use keeper_search::VectorCache;
use keeper_search::index::{self, EmbedOptions};
use keeper_search::search::{Query, Rankings, SearchFilters, Semantic, search, search_cached};
use keeper_search::{Embedder, EmbedderOptions, ModelPaths};
use keeper_sim::Profile;
use keeper_store::Store;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const QUERIES: &[&str] = &[
    "regulars who always add Olaplex",
    "clients who stopped coming after their stylist left",
    "balayage and highlights",
    "hair colouring",
    "beard trim",
    "lapsed high spenders",
    "patch test before colour",
    "brings her daughter for kids cuts",
    "wedding trial",
    "curly hair",
    "gel manicure",
    "one-time clients who never came back",
    "prefers Saturday mornings",
    "sensitive scalp",
    "deep conditioning treatment",
    "new clients",
    "big spenders on colour",
    "always late",
    "cut and blow dry every month",
    "keratin smoothing",
];

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn thread_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn bench(group: &str, metric: &str, value: String, target: &str) {
    println!("BENCH\t{group}\t{metric}\t{value}\t{target}");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let profile: Profile = args
        .next()
        .as_deref()
        .unwrap_or("salon")
        .parse()
        .expect("profile: small, salon or large");
    let limit: Option<usize> = args
        .next()
        .map(|n| n.parse().expect("EMBED_LIMIT is a number"));
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2025-09-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let Some(model_dir) = ModelPaths::default_dir().filter(|d| d.is_dir()) else {
        eprintln!("no model directory: run scripts/provision-model.sh (or set KEEPER_MODEL_DIR)");
        std::process::exit(2);
    };
    let group = format!("search_{}", profile.name());

    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("bench.sqlite3")).expect("store");
    let t = Instant::now();
    sim::fill(&mut store, profile, 42, now);
    println!(
        "filled {} store in {:.1} s",
        profile.name(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let refresh = index::refresh_documents(store.conn_mut(), now).expect("refresh");
    let build_ms = t.elapsed().as_secs_f64() * 1000.0;
    let words: f64 = store
        .conn()
        .query_row(
            "SELECT AVG(length(text) - length(replace(text, ' ', '')) + 1) FROM search_documents",
            [],
            |r| r.get(0),
        )
        .unwrap();
    println!(
        "built {} documents in {build_ms:.0} ms (average {words:.0} words)",
        refresh.documents
    );
    bench(
        &group,
        "documents built",
        format!("{:.2} ms/customer", build_ms / refresh.documents as f64),
        "-",
    );

    if let Some(n) = limit {
        // Only the first N documents go through the model; the others are marked done now and
        // get copies of those real vectors afterwards, so search runs over every customer.
        store
            .conn()
            .execute(
                "UPDATE search_documents SET embedding = x'', embedding_model = ?2, \
                 embedded_hash = content_hash WHERE rowid > ?1",
                rusqlite::params![n as i64, ModelPaths::from_dir(&model_dir).model_id()],
            )
            .unwrap();
    }

    let t = Instant::now();
    let mut embedder = Embedder::load(
        &ModelPaths::from_dir(&model_dir),
        EmbedderOptions { threads: 1 },
    )
    .expect("model loads");
    println!(
        "model {} loaded in {:.0} ms",
        embedder.model_id(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    // What the model is fed: tokens per embedded text (cost grows with them).
    let mut tokens: Vec<usize> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT COALESCE(embed_text, text) FROM search_documents")
            .unwrap();
        let texts: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        texts
            .iter()
            .map(|t| embedder.token_count(t).expect("tokenize"))
            .collect()
    };
    tokens.sort_unstable();
    let mean_tokens = tokens.iter().sum::<usize>() as f64 / tokens.len().max(1) as f64;
    let p95_tokens = tokens[(tokens.len() * 95 / 100).min(tokens.len() - 1)];
    println!(
        "embedded text: mean {mean_tokens:.0} tokens, p95 {p95_tokens}, max {}",
        tokens.last().unwrap()
    );
    bench(
        &group,
        "embedded text tokens (mean / p95)",
        format!("{mean_tokens:.0} / {p95_tokens}"),
        "-",
    );

    let cpu0 = thread_cpu_secs();
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
    let cpu = cpu0.zip(thread_cpu_secs()).map(|(a, b)| b - a);
    if let Some(n) = limit {
        let copied = store
            .conn()
            .execute(
                "UPDATE search_documents SET embedding = (SELECT e.embedding FROM search_documents e \
                 WHERE e.rowid = ((search_documents.rowid - 1) % ?1) + 1) WHERE length(embedding) = 0",
                [n as i64],
            )
            .unwrap();
        println!("{copied} documents beyond EMBED_LIMIT got copies of the {n} real vectors");
    }
    let ms_per = stats.elapsed_ms as f64 / stats.embedded.max(1) as f64;
    println!(
        "full embed: {} documents in {:.1} s, {:.1} docs/s, {ms_per:.1} ms/customer wall{}",
        stats.embedded,
        stats.elapsed_ms as f64 / 1000.0,
        stats.docs_per_second,
        cpu.map_or(String::new(), |c| format!(
            ", {:.1} ms/customer CPU",
            c * 1000.0 / stats.embedded.max(1) as f64
        ))
    );
    bench(
        &group,
        "full embed, one thread",
        format!("{ms_per:.1} ms/customer"),
        "<= 15 ms/customer",
    );
    bench(
        &group,
        "full embed throughput",
        format!("{:.1} docs/s", stats.docs_per_second),
        "-",
    );
    if let Some(c) = cpu {
        bench(
            &group,
            "full embed, CPU time",
            format!(
                "{:.1} ms/customer",
                c * 1000.0 / stats.embedded.max(1) as f64
            ),
            "<= 15 ms/customer",
        );
    }

    // Incremental: 2% of the customers get a new note, as a sync would bring.
    let edited = store
        .conn()
        .execute(
            "UPDATE customers SET note = 'Asked about a keratin smoothing treatment' \
             WHERE rowid % 50 = 0",
            [],
        )
        .unwrap();
    let t = Instant::now();
    let refresh = index::refresh_documents(store.conn_mut(), now).expect("refresh");
    let inc = index::embed_pending(
        store.conn_mut(),
        &mut embedder,
        EmbedOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .expect("embed");
    let inc_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "incremental: {edited} customers edited, {} documents changed, {} re-embedded, {inc_ms:.0} ms total",
        refresh.changed, inc.embedded
    );
    bench(
        &group,
        "incremental refresh + re-embed (2% edited)",
        format!("{inc_ms:.0} ms"),
        "-",
    );

    // Search latency, hybrid, each query run 5 times, with the vectors kept in memory between
    // searches as the app keeps them (the first search loads them).
    let mut cache = VectorCache::new();
    let t = Instant::now();
    search_cached(
        store.conn(),
        Semantic::On(&mut embedder),
        &mut cache,
        Query {
            text: QUERIES[0],
            limit: 10,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now,
        },
    )
    .expect("search");
    let cold_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "first search (loads {} vectors): {cold_ms:.1} ms",
        cache.len()
    );
    bench(
        &group,
        "first search (vectors loaded)",
        format!("{cold_ms:.1} ms"),
        "-",
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        for q in QUERIES {
            let t = Instant::now();
            let r = search_cached(
                store.conn(),
                Semantic::On(&mut embedder),
                &mut cache,
                Query {
                    text: q,
                    limit: 10,
                    filters: &SearchFilters::default(),
                    rankings: Rankings::Hybrid,
                    now,
                },
            )
            .expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(r.semantic_enabled);
        }
    }
    times.sort_by(f64::total_cmp);
    let p50 = times[times.len() / 2];
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!(
        "search latency over {} queries: p50 {p50:.1} ms, p95 {p95:.1} ms",
        times.len()
    );
    bench(
        &group,
        "hybrid search latency p95",
        format!("{p95:.1} ms"),
        "<= 30 ms",
    );
    // What query understanding costs: the same keyword searches (no query embedding, so
    // the model's time does not drown it) with understanding (the hybrid without the model,
    // as the keyword fallback runs) and without (the bare BM25 list), interleaved so both
    // see the same load.
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        for q in QUERIES {
            for (rankings, out) in [
                (Rankings::Hybrid, &mut with),
                (Rankings::KeywordOnly, &mut without),
            ] {
                let t = Instant::now();
                search_cached(
                    store.conn(),
                    Semantic::Off("measuring".into()),
                    &mut cache,
                    Query {
                        text: q,
                        limit: 10,
                        filters: &SearchFilters::default(),
                        rankings,
                        now,
                    },
                )
                .expect("search");
                out.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    let p95_of = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[(v.len() * 95 / 100).min(v.len() - 1)]
    };
    let (with, without) = (p95_of(with), p95_of(without));
    println!("keyword search p95: {with:.1} ms with query understanding, {without:.1} ms without");
    bench(
        &group,
        "keyword search + query understanding p95",
        format!("{with:.1} ms"),
        "-",
    );
    bench(
        &group,
        "keyword search alone p95",
        format!("{without:.1} ms"),
        "-",
    );
    let sample = search(
        store.conn(),
        Semantic::On(&mut embedder),
        Query {
            text: QUERIES[0],
            limit: 3,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now,
        },
    )
    .expect("search");
    for h in &sample.hits {
        println!("  {:?} -> {}: {}", QUERIES[0], h.display_name, h.excerpt);
    }
    match peak_rss_mb() {
        Some(mb) => {
            println!("peak RSS {mb:.0} MB");
            bench(&group, "peak RSS", format!("{mb:.0} MB"), "-");
        }
        None => println!("peak RSS unavailable"),
    }
}
