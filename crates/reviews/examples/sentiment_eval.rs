//! Sentiment evaluation: VADER and VADER + salon rules on the labelled review snippets that
//! ship in the `vaderSentiment` source distribution (Amazon product reviews and movie
//! reviews, ICWSM-14 ground truth), and on the simulated salon reviews labelled by their
//! stars. Prints a table and `BENCH` lines for scripts/bench.sh.
//!
//! Run: `cargo run --release -p keeper-reviews --example sentiment_eval`
//! (data: `KEEPER_VADER_DATA`, default `~/.cache/keeper/vader/hutto_ICWSM_2014`).

use chrono::{TimeZone, Utc};
use keeper_reviews::eval::{EvalReport, default_data_dir, evaluate, load_ground_truth};
use keeper_reviews::sentiment::{Method, Polarity};
use keeper_reviews::sim::{ReviewWorld, generate};

fn row(set: &str, r: &EvalReport) {
    println!(
        "| {set:<22} | {:<12} | {:>6} | {:.3} | {:.3} | {:>6} | {:.3} | {:.3} |",
        r.method, r.n, r.accuracy3, r.macro_f1_3, r.n_binary, r.accuracy2, r.macro_f1_2
    );
    let key = format!(
        "{}_{}",
        set.split_whitespace().next().unwrap_or(set),
        r.method
    )
    .to_lowercase()
    .replace('+', "_");
    println!("BENCH\treviews\t{key}_acc3\t{:.3}\t-", r.accuracy3);
    println!("BENCH\treviews\t{key}_macro_f1_3\t{:.3}\t-", r.macro_f1_3);
}

fn main() {
    println!(
        "| set                    | method       |      n | acc-3 | F1-3  | n(bin) | acc-2 | F1-2  |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let dir = default_data_dir();
    for (set, file) in [
        ("amazon (ICWSM-14)", "amazonReviewSnippets_GroundTruth.txt"),
        ("movie (ICWSM-14)", "movieReviewSnippets_GroundTruth.txt"),
    ] {
        match load_ground_truth(&dir.join(file)) {
            Ok(gt) => {
                let rows: Vec<(Polarity, &str)> =
                    gt.iter().map(|g| (g.label(), g.text.as_str())).collect();
                for m in [Method::Vader, Method::VaderSalon] {
                    row(set, &evaluate(m, &rows));
                }
            }
            Err(e) => eprintln!("skipping {set}: {e}"),
        }
    }
    let (d, _) = keeper_sim::generate::generate(
        keeper_sim::Profile::Salon,
        42,
        keeper_sim::Ts(1_748_736_000_000),
    );
    let world = ReviewWorld::from_dataset(&d);
    let now = Utc.timestamp_opt(1_748_736_000, 0).unwrap();
    let (g, _) = generate::generate(&world, 42, now, 600, 0);
    let rows: Vec<(Polarity, &str)> = g
        .iter()
        .map(|r| {
            let label = match r.rating {
                4..=5 => Polarity::Positive,
                3 => Polarity::Neutral,
                _ => Polarity::Negative,
            };
            (label, r.text.as_str())
        })
        .collect();
    for m in [Method::Vader, Method::VaderSalon] {
        row("salon (simulated)", &evaluate(m, &rows));
    }
}
