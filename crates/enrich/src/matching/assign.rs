//! One-to-one assignment: all kept candidates sorted best first; a pair is taken when neither
//! its upload row nor its customer is taken yet. Rows left without a pair are `unmatched` and
//! carry their best (rejected or outbid) candidate for the explanation.

use super::{Candidate, Decision, MatchOptions, RowOutcome};

/// Assigns candidates (`per_row[i]` = candidates of upload row `i`, best first).
pub fn one_to_one(per_row: Vec<Vec<Candidate>>, options: &MatchOptions) -> Vec<RowOutcome> {
    let n = per_row.len();
    let mut all: Vec<&Candidate> = per_row
        .iter()
        .flatten()
        .filter(|c| c.score >= options.review_above)
        .collect();
    all.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.weight.total_cmp(&a.weight))
            .then(a.upload.cmp(&b.upload))
            .then(a.target.cmp(&b.target))
    });
    let mut row_taken: Vec<Option<&Candidate>> = vec![None; n];
    let mut target_taken = std::collections::HashSet::new();
    for c in all {
        if row_taken[c.upload].is_none() && !target_taken.contains(&c.target) {
            row_taken[c.upload] = Some(c);
            target_taken.insert(c.target);
        }
    }
    (0..n)
        .map(|i| match row_taken[i] {
            Some(c) => RowOutcome {
                upload: i,
                decision: if c.score >= options.accept_above {
                    Decision::Matched
                } else {
                    Decision::Review
                },
                candidate: Some(c.clone()),
            },
            None => RowOutcome {
                upload: i,
                decision: Decision::Unmatched,
                candidate: per_row[i].first().cloned(),
            },
        })
        .collect()
}
