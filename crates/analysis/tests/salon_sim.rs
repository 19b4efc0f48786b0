//! The `salon` simulator profile imported into a store, then analysed: the customers the
//! generator churned must rank high in churn risk (AUC ≥ 0.85), the model must fit, and the
//! top tasks must read sensibly (printed; run with `--nocapture` to see them).

use chrono::DateTime;
use keeper_analysis::tasks::store as task_store;
use keeper_analysis::{analyse, recompute};
use keeper_import::ImportOptions;
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

/// Area under the ROC curve of `scores` for `positive` (ties count one half).
fn auc(scored: &[(f64, bool)]) -> f64 {
    let mut v = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j].0 == v[i].0 {
            j += 1;
        }
        let mid_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += mid_rank * v[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let pos = v.iter().filter(|x| x.1).count() as f64;
    let neg = v.len() as f64 - pos;
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

#[test]
fn auc_of_a_perfect_and_a_useless_ranking() {
    assert_eq!(
        auc(&[(0.1, false), (0.2, false), (0.8, true), (0.9, true)]),
        1.0
    );
    assert_eq!(auc(&[(0.5, false), (0.5, true)]), 0.5);
}

#[tokio::test]
async fn churned_salon_customers_rank_high_in_churn_risk_and_tasks_read_sensibly() {
    let sim = Simulator::start(SimConfig::new(Profile::Salon, 7, Ts(NOW_MS)))
        .await
        .unwrap();
    let truth = sim.truth().clone();
    let client = SquareClient::new(
        ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1),
        Arc::new(StaticToken::new(sim.access_token())),
        Arc::new(SystemClock::new()),
    )
    .unwrap();
    let now = DateTime::from_timestamp_millis(NOW_MS).unwrap();
    let mut opts = ImportOptions::last_months(now + chrono::Duration::seconds(1), 12);
    opts.since =
        DateTime::from_timestamp_millis(truth.history_start.0).unwrap() - chrono::Duration::days(1);
    opts.retry_pause = Duration::from_millis(50);
    let mut store = Store::open_in_memory().unwrap();
    keeper_import::import(&client, &mut store, &opts, &mut |_| {})
        .await
        .unwrap();
    sim.shutdown().await;

    let analysis = analyse(store.conn(), now).unwrap();
    let bg = analysis.fits.bgnbd.as_ref().expect("BG/NBD fits the salon");
    let gg = analysis
        .fits
        .gamma_gamma
        .as_ref()
        .expect("Gamma-Gamma fits the salon");
    println!(
        "BG/NBD (weeks) r={:.4} alpha={:.4} a={:.4} b={:.4} LL={:.1}; Gamma-Gamma p={:.3} q={:.3} v={:.1}",
        bg.params.r,
        bg.params.alpha,
        bg.params.a,
        bg.params.b,
        bg.log_likelihood,
        gg.params.p,
        gg.params.q,
        gg.params.v
    );

    let churned: HashSet<&str> = truth
        .churned_customer_ids
        .iter()
        .map(String::as_str)
        .collect();
    let id = |r: &keeper_analysis::customers::CustomerResult| {
        analysis.data.customers[r.index as usize]
            .profile
            .id
            .as_str()
    };
    // Every analysed customer; one with no stated risk (a single visit) ranks lowest.
    let all: Vec<(f64, bool)> = analysis
        .customers
        .iter()
        .map(|r| (r.churn_risk.map_or(-1.0, |c| c.0), churned.contains(id(r))))
        .collect();
    // Only those the model scores (2+ visits): 1 − P(alive).
    let model: Vec<(f64, bool)> = analysis
        .customers
        .iter()
        .filter_map(|r| {
            r.model
                .prediction()
                .map(|p| (1.0 - p.p_alive, churned.contains(id(r))))
        })
        .collect();
    let (auc_all, auc_model) = (auc(&all), auc(&model));
    println!(
        "AUC churn risk vs truth.churned_customer_ids: {auc_all:.3} over {} customers ({} churned); \
         1 - P(alive) alone: {auc_model:.3} over {} model-scored customers",
        all.len(),
        all.iter().filter(|x| x.1).count(),
        model.len()
    );
    assert!(auc_all >= 0.85, "AUC {auc_all}");
    assert!(auc_model >= 0.85, "AUC {auc_model}");

    let report = recompute(&mut store, now).unwrap();
    println!(
        "recompute: {} customers, {} tasks open, {} ms",
        report.customers_analysed, report.tasks_open, report.duration_ms
    );
    let top = task_store::list_open(store.conn(), now, 10).unwrap();
    assert_eq!(top.len(), 10);
    println!("top 10 tasks:");
    for (i, t) in top.iter().enumerate() {
        println!(
            "{:>2}. [{}] ${:.0} — {}",
            i + 1,
            t.task_type.as_str(),
            t.value_at_stake as f64 / 100.0,
            t.reason
        );
        assert!(
            !t.reason.contains("This customer"),
            "real first names: {}",
            t.reason
        );
    }
    let mut by_type = std::collections::BTreeMap::new();
    let mut best_of_type = std::collections::BTreeMap::new();
    for t in task_store::list_open(store.conn(), now, 100_000).unwrap() {
        *by_type.entry(t.task_type.as_str()).or_insert(0) += 1;
        best_of_type.entry(t.task_type.as_str()).or_insert(t);
    }
    println!("open tasks by type: {by_type:?}");
    println!("the best task of each type:");
    for (kind, t) in &best_of_type {
        println!(
            "  [{kind}] ${:.0} — {}",
            t.value_at_stake as f64 / 100.0,
            t.reason
        );
    }
    assert!(by_type.contains_key("churn_prevention"));
    assert!(by_type.contains_key("second_visit"));
}
