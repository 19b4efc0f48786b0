//! Matching upload records to target (Square customer) records.
//!
//! 1. **Exact ids**: an upload row carrying a Square customer id that exists is matched at 1.0.
//! 2. **Blocking** ([`blocking`]): candidates share a key (phone last 7, email, email local part,
//!    postcode + surname initial, surname Soundex + initial or nickname group, order-free name
//!    Soundex pair, birthday, given-name prefix + postcode, house number + street). Exact email
//!    and phone agreement are keys too, so they are always candidates.
//! 3. **Comparison** ([`compare`]) into agreement levels, **scoring** with a calibrated
//!    Fellegi–Sunter model ([`model`]) whose parameters are estimated from the two files.
//! 4. **One-to-one assignment** ([`assign`]): best score first; each customer and each row used
//!    at most once. Decisions: `matched` at or above `accept_above`, `review` at or above
//!    `review_above`, `unmatched` below.

pub mod assign;
pub mod blocking;
pub mod compare;
pub mod model;
pub mod nicknames;
pub mod phonetic;
pub mod similarity;

use crate::normalize::Record;
use blocking::BlockIndex;
use compare::{Comparison, FIELDS, LEVELS, N_FIELDS};
use model::Model;
use nicknames::Nicknames;
use serde::Serialize;
use std::collections::HashMap;

/// Matching parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MatchOptions {
    /// Posterior at or above which a pair is matched.
    pub accept_above: f64,
    /// Posterior at or above which a pair goes to review.
    pub review_above: f64,
    /// Worker threads.
    pub threads: usize,
    /// Seed for the random pairs that estimate u.
    pub seed: u64,
    /// Blocks with more targets than this are ignored.
    pub max_block: usize,
    /// Random pairs sampled for u.
    pub u_samples: usize,
    /// Upload rows used to fit the model (evenly spaced).
    pub fit_rows: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            accept_above: 0.9,
            review_above: 0.5,
            threads: 2,
            seed: 0x6b65_6570_6572,
            max_block: 200,
            u_samples: 50_000,
            fit_rows: 20_000,
        }
    }
}

/// The verdict on one upload row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Linked to a customer.
    Matched,
    /// A human should look.
    Review,
    /// No customer.
    Unmatched,
}

impl Decision {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Matched => "matched",
            Decision::Review => "review",
            Decision::Unmatched => "unmatched",
        }
    }
}

/// How much one field counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Field compared (`square_customer_id` for an id match).
    pub field: &'static str,
    /// Agreement level name.
    pub level: &'static str,
    /// Weight in bits (log2 m/u, with any name-frequency adjustment).
    pub weight: f64,
}

/// A scored pair and its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Index into the upload records.
    pub upload: usize,
    /// Index into the target records.
    pub target: usize,
    /// Posterior probability of a match, 0..1.
    pub score: f64,
    /// Total weight in bits.
    pub weight: f64,
    /// Given and family names matched crosswise.
    pub swapped_names: bool,
    /// Per field, in comparison order.
    pub evidence: Vec<Evidence>,
}

impl Candidate {
    /// One-line explanation: `field=level(+w.w)` for every field present, `;`-separated.
    pub fn reasons(&self) -> String {
        let mut parts: Vec<String> = self
            .evidence
            .iter()
            .filter(|e| e.level != "missing")
            .map(|e| format!("{}={}({:+.1})", e.field, e.level, e.weight))
            .collect();
        if self.swapped_names {
            parts.push("names_swapped".into());
        }
        parts.join("; ")
    }
}

/// The outcome for one upload row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowOutcome {
    /// Index into the upload records.
    pub upload: usize,
    /// Verdict.
    pub decision: Decision,
    /// The assigned candidate (matched or review), or the best rejected one (unmatched).
    pub candidate: Option<Candidate>,
    /// For a row in review: the next best candidates of the row (at most
    /// [`assign::MAX_ALTERNATIVES`], each at or above `review_above`, best first), so the owner
    /// can pick the right customer. Empty for other decisions.
    pub alternatives: Vec<Candidate>,
}

/// Counts describing a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatchStats {
    /// Pairs compared.
    pub pairs_compared: u64,
    /// Blocks ignored for exceeding the cap.
    pub oversized_blocks: usize,
    /// Rows matched by Square customer id.
    pub exact_id: usize,
    /// Rows per decision.
    pub matched: usize,
    /// Rows sent to review.
    pub review: usize,
    /// Rows left unmatched.
    pub unmatched: usize,
}

/// Everything a run produced.
#[derive(Debug, Clone, Serialize)]
pub struct MatchReport {
    /// One outcome per upload record, in order.
    pub outcomes: Vec<RowOutcome>,
    /// The fitted model.
    pub model: Model,
    /// Counts.
    pub stats: MatchStats,
}

/// Weight of one field level, with the name-frequency adjustment for exact name agreement.
fn field_weight(model: &Model, a: &Record, c: &Comparison, f: usize) -> f64 {
    let level = c.levels[f];
    let mut w = model.weight(f, level);
    if level == 1 && f <= 1 {
        let value = match (f, c.swapped_names) {
            (0, false) => &a.given,
            (0, true) => &a.family,
            (_, false) => &a.family,
            (_, true) => &a.given,
        };
        w += model.name_frequency_adjustment(f == 1, value);
    }
    w
}

/// Total weight of a pair (bits).
fn pair_weight(model: &Model, a: &Record, c: &Comparison) -> f64 {
    (0..N_FIELDS).map(|f| field_weight(model, a, c, f)).sum()
}

/// Scores one pair with the model, building its explanation.
pub fn score_pair(
    model: &Model,
    a: &Record,
    c: &Comparison,
    upload: usize,
    target: usize,
) -> Candidate {
    let mut weight = 0.0;
    let evidence = FIELDS
        .iter()
        .enumerate()
        .map(|(f, field)| {
            let level = c.levels[f];
            let w = field_weight(model, a, c, f);
            weight += w;
            Evidence {
                field: field.name(),
                level: LEVELS[f][level as usize],
                weight: w,
            }
        })
        .collect();
    Candidate {
        upload,
        target,
        score: model.posterior(weight),
        weight,
        swapped_names: c.swapped_names,
        evidence,
    }
}

/// Runs `work(range)` over `0..n` split into `threads` contiguous chunks, results in order.
fn parallel<T: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let threads = threads.max(1).min(n.max(1));
    let chunk = n.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let work = &work;
                s.spawn(move || work(t * chunk..((t + 1) * chunk).min(n)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("matching worker panicked"))
            .collect()
    })
}

/// Blocks, builds the index, and fits the model. `skip(i, j)` excludes pairs (self-pairs when
/// deduplicating).
fn prepare(
    uploads: &[Record],
    targets: &[Record],
    options: &MatchOptions,
    skip: &(impl Fn(usize, usize) -> bool + Sync),
) -> (BlockIndex, Model, u64) {
    let nick = Nicknames::get();
    let index = BlockIndex::build(targets, options.max_block, nick);
    let mut model =
        Model::with_random_u(uploads, targets, options.u_samples, options.seed, |a, b| {
            compare::compare(a, b, nick)
        });
    let step = uploads.len().div_ceil(options.fit_rows.max(1)).max(1);
    let sampled: Vec<usize> = (0..uploads.len()).step_by(step).collect();
    let parts = parallel(sampled.len(), options.threads, |range| {
        let mut patterns: HashMap<[u8; N_FIELDS], u64> = HashMap::new();
        let mut cands = Vec::new();
        let mut pairs = 0u64;
        for &i in &sampled[range] {
            index.candidates(&uploads[i], nick, &mut cands);
            for &j in &cands {
                if skip(i, j as usize) {
                    continue;
                }
                let c = compare::compare(&uploads[i], &targets[j as usize], nick);
                *patterns.entry(c.levels).or_default() += 1;
                pairs += 1;
            }
        }
        (patterns, pairs)
    });
    let mut patterns: HashMap<[u8; N_FIELDS], u64> = HashMap::new();
    let mut fit_pairs = 0;
    for (p, n) in parts {
        fit_pairs += n;
        for (k, v) in p {
            *patterns.entry(k).or_default() += v;
        }
    }
    model.fit(&patterns, sampled.len(), 200);
    (index, model, fit_pairs)
}

/// Scores every candidate of every upload row; keeps, per row, those at or above `keep_above`
/// (at most `per_row`, best first) plus always the single best.
#[allow(clippy::too_many_arguments)] // internal helper shared by both entry points
fn score_all(
    uploads: &[Record],
    targets: &[Record],
    index: &BlockIndex,
    model: &Model,
    options: &MatchOptions,
    keep_above: f64,
    per_row: usize,
    skip: &(impl Fn(usize, usize) -> bool + Sync),
) -> (Vec<Vec<Candidate>>, u64) {
    let nick = Nicknames::get();
    let parts = parallel(uploads.len(), options.threads, |range| {
        let mut out = Vec::with_capacity(range.len());
        let mut cands = Vec::new();
        let mut pairs = 0u64;
        for i in range {
            index.candidates(&uploads[i], nick, &mut cands);
            let mut scored: Vec<(f64, f64, usize, Comparison)> = Vec::new();
            for &j in &cands {
                let j = j as usize;
                if skip(i, j) {
                    continue;
                }
                pairs += 1;
                let c = compare::compare(&uploads[i], &targets[j], nick);
                let weight = pair_weight(model, &uploads[i], &c);
                scored.push((model.posterior(weight), weight, j, c));
            }
            scored.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then(b.1.total_cmp(&a.1))
                    .then(a.2.cmp(&b.2))
            });
            let keep = scored
                .iter()
                .take_while(|c| c.0 >= keep_above)
                .count()
                .clamp(1, per_row);
            let scored: Vec<Candidate> = scored
                .iter()
                .take(keep)
                .map(|(_, _, j, c)| score_pair(model, &uploads[i], c, i, *j))
                .collect();
            out.push(scored);
        }
        (out, pairs)
    });
    let mut all = Vec::with_capacity(uploads.len());
    let mut pairs = 0;
    for (rows, n) in parts {
        all.extend(rows);
        pairs += n;
    }
    (all, pairs)
}

fn id_match(upload: usize, target: usize) -> Candidate {
    Candidate {
        upload,
        target,
        score: 1.0,
        weight: f64::INFINITY,
        swapped_names: false,
        evidence: vec![Evidence {
            field: "square_customer_id",
            level: "exact",
            weight: f64::INFINITY,
        }],
    }
}

/// Matches `uploads` against `targets` (Square customers).
pub fn match_records(
    uploads: &[Record],
    targets: &[Record],
    options: &MatchOptions,
) -> MatchReport {
    let no_skip = |_: usize, _: usize| false;
    let (index, model, _) = prepare(uploads, targets, options, &no_skip);
    let (mut per_row, pairs) = score_all(
        uploads,
        targets,
        &index,
        &model,
        options,
        options.review_above,
        5,
        &no_skip,
    );
    // Exact Square id first: it outranks any fuzzy candidate.
    let by_id: HashMap<&str, usize> = targets
        .iter()
        .enumerate()
        .filter_map(|(j, t)| t.square_id.as_deref().map(|id| (id, j)))
        .collect();
    let mut exact_id = 0;
    for (i, u) in uploads.iter().enumerate() {
        if let Some(&j) = u.square_id.as_deref().and_then(|id| by_id.get(id)) {
            per_row[i].retain(|c| c.target != j);
            per_row[i].insert(0, id_match(i, j));
            exact_id += 1;
        }
    }
    let outcomes = assign::one_to_one(per_row, options);
    let mut stats = MatchStats {
        pairs_compared: pairs,
        oversized_blocks: index.oversized,
        exact_id,
        ..MatchStats::default()
    };
    for o in &outcomes {
        match o.decision {
            Decision::Matched => stats.matched += 1,
            Decision::Review => stats.review += 1,
            Decision::Unmatched => stats.unmatched += 1,
        }
    }
    MatchReport {
        outcomes,
        model,
        stats,
    }
}

/// Likely duplicate pairs inside one set (`upload < target` indices), best first, with their
/// explanation; pairs below `review_above` are dropped.
pub fn duplicates_within(records: &[Record], options: &MatchOptions) -> Vec<Candidate> {
    let skip = |i: usize, j: usize| j <= i;
    let (index, model, _) = prepare(records, records, options, &skip);
    let (per_row, _) = score_all(
        records,
        records,
        &index,
        &model,
        options,
        options.review_above,
        usize::MAX,
        &skip,
    );
    let mut out: Vec<Candidate> = per_row
        .into_iter()
        .flatten()
        .filter(|c| c.score >= options.review_above)
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.upload.cmp(&b.upload))
            .then(a.target.cmp(&b.target))
    });
    out
}
