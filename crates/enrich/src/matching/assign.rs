//! One-to-one assignment: all kept candidates sorted best first; a pair is taken when neither
//! its upload row nor its customer is taken yet. Rows left without a pair are `unmatched` and
//! carry their best (rejected or outbid) candidate for the explanation. A row sent to review
//! also keeps its runners-up (including a customer another row took), for the owner to pick.

use super::{Candidate, Decision, MatchOptions, RowOutcome};

/// Runners-up kept per review row.
pub const MAX_ALTERNATIVES: usize = 3;

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
            Some(c) if c.score >= options.accept_above => RowOutcome {
                upload: i,
                decision: Decision::Matched,
                candidate: Some(c.clone()),
                alternatives: Vec::new(),
            },
            Some(c) => RowOutcome {
                upload: i,
                decision: Decision::Review,
                candidate: Some(c.clone()),
                alternatives: per_row[i]
                    .iter()
                    .filter(|a| a.target != c.target && a.score >= options.review_above)
                    .take(MAX_ALTERNATIVES)
                    .cloned()
                    .collect(),
            },
            None => RowOutcome {
                upload: i,
                decision: Decision::Unmatched,
                candidate: per_row[i].first().cloned(),
                alternatives: Vec::new(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(upload: usize, target: usize, score: f64) -> Candidate {
        Candidate {
            upload,
            target,
            score,
            weight: score * 10.0,
            swapped_names: false,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn a_review_row_keeps_its_runners_up_including_a_customer_another_row_took() {
        let options = MatchOptions::default();
        let per_row = vec![
            // Row 0 is sure of customer 7.
            vec![cand(0, 7, 0.99)],
            // Row 1 also liked 7 best, then 3, 4, 5 and 6; 6 is below the review band.
            vec![
                cand(1, 7, 0.8),
                cand(1, 3, 0.7),
                cand(1, 4, 0.6),
                cand(1, 5, 0.55),
                cand(1, 6, 0.2),
            ],
        ];
        let out = one_to_one(per_row, &options);
        assert_eq!(out[0].decision, Decision::Matched);
        assert!(out[0].alternatives.is_empty());
        assert_eq!(out[1].decision, Decision::Review);
        assert_eq!(out[1].candidate.as_ref().unwrap().target, 3);
        let alts: Vec<usize> = out[1].alternatives.iter().map(|a| a.target).collect();
        assert_eq!(alts, vec![7, 4, 5]);
    }
}
