//! The Fellegi–Sunter model: per field and agreement level, m = P(level | match) and
//! u = P(level | non-match); a pair's weight is Σ log2(m/u) over its non-missing fields, and
//! its posterior is that log-likelihood ratio plus the prior log-odds through a logistic.
//!
//! **Estimation.**
//! 1. `u` is first measured on random (upload row, target) pairs (almost all non-matches):
//!    level frequencies with add-½ smoothing, so no level ever has u = 0. Pairing the two files
//!    (not targets with targets) matters for levels only one side produces: a bare initial
//!    ("J. Smith") never occurs between two full customer names, which would make its u ≈ 0 and
//!    its weight absurdly high.
//! 2. `m`, `u` and the prior are then fitted by EM (conditional independence, two classes) on
//!    the comparison patterns of the blocked candidate pairs, starting from `m` priors that
//!    favour agreement and the random-pair `u`. The fitted `u` describes non-matches *among
//!    candidates* (which agree more often than random pairs, since they share a block), and the
//!    fitted prior is the match rate among candidates — so the posterior is calibrated for the
//!    pairs that are actually scored. Pseudo-counts keep every estimate away from 0 and 1.
//! 3. Exact given- and family-name agreement is adjusted for how common the name is in the
//!    target file (term frequency): agreeing on "smith" counts less than agreeing on "szymanski".

use super::compare::{Comparison, LEVELS, N_FIELDS};
use serde::Serialize;
use std::collections::HashMap;

/// Fitted parameters.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// P(level | match), per field, index = level (index 0 unused).
    pub m: Vec<Vec<f64>>,
    /// P(level | non-match among candidates).
    pub u: Vec<Vec<f64>>,
    /// u measured on random target pairs.
    pub u_random: Vec<Vec<f64>>,
    /// Match rate among candidate pairs.
    pub prior: f64,
    /// EM iterations run.
    pub iterations: usize,
    #[serde(skip)]
    tf_given: HashMap<String, f64>,
    #[serde(skip)]
    tf_family: HashMap<String, f64>,
}

/// Fewer candidate pairs than this and EM is not attempted.
pub const MIN_FIT_PAIRS: usize = 2_000;

/// A deterministic random stream (SplitMix64), seeded by the caller.
pub struct SplitMix(u64);

impl SplitMix {
    /// A stream from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// Next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn normalise(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts[1..].iter().sum();
    let mut v = vec![0.0; counts.len()];
    for l in 1..counts.len() {
        v[l] = counts[l] / total;
    }
    v
}

/// Prior m: most matches agree exactly; the next levels get a little; "different" least.
fn m_prior(levels: usize) -> Vec<f64> {
    let mut v = vec![0.0; levels];
    let agree_levels = levels - 2;
    v[1] = 0.85;
    for item in v.iter_mut().take(levels - 1).skip(2) {
        *item = 0.12 / (agree_levels - 1).max(1) as f64;
    }
    v[levels - 1] = 0.03;
    normalise(&v)
}

fn term_frequencies<'a>(values: impl Iterator<Item = &'a str>) -> HashMap<String, f64> {
    let mut counts: HashMap<String, f64> = HashMap::new();
    let mut n: f64 = 0.0;
    for v in values.filter(|v| !v.is_empty()) {
        *counts.entry(v.to_string()).or_default() += 1.0;
        n += 1.0;
    }
    counts.values_mut().for_each(|c| *c /= n.max(1.0));
    counts
}

impl Model {
    /// u from random `(upload, target)` pairs, compared with `compare` (a record is never
    /// paired with itself when both slices are the same set).
    pub fn with_random_u(
        uploads: &[crate::normalize::Record],
        targets: &[crate::normalize::Record],
        samples: usize,
        seed: u64,
        compare: impl Fn(&crate::normalize::Record, &crate::normalize::Record) -> Comparison,
    ) -> Self {
        let mut counts: Vec<Vec<f64>> = LEVELS.iter().map(|l| vec![0.5; l.len()]).collect();
        let (n, t) = (uploads.len(), targets.len());
        if n >= 1 && t >= 2 {
            let mut rng = SplitMix::new(seed);
            for _ in 0..samples {
                let (a, b) = (&uploads[rng.below(n)], &targets[rng.below(t)]);
                if std::ptr::eq(a, b) {
                    continue;
                }
                let c = compare(a, b);
                for (f, &l) in c.levels.iter().enumerate() {
                    if l > 0 {
                        counts[f][l as usize] += 1.0;
                    }
                }
            }
        }
        let u_random: Vec<Vec<f64>> = counts.iter().map(|c| normalise(c)).collect();
        Model {
            m: LEVELS.iter().map(|l| m_prior(l.len())).collect(),
            u: u_random.clone(),
            u_random,
            prior: 0.1,
            iterations: 0,
            tf_given: term_frequencies(targets.iter().map(|r| r.given.as_str())),
            tf_family: term_frequencies(targets.iter().map(|r| r.family.as_str())),
        }
    }

    /// Fits m, u and the prior by EM on candidate-pair patterns (`pattern → count`) from
    /// `rows` upload rows.
    ///
    /// Safeguards: with fewer than [`MIN_FIT_PAIRS`] pairs EM is not run (priors for m,
    /// random-pair u, prior = rows/pairs); after EM, a field whose exact level does not come out
    /// as evidence *for* a match, or whose last level not *against*, falls back to its priors.
    pub fn fit(
        &mut self,
        patterns: &HashMap<[u8; N_FIELDS], u64>,
        rows: usize,
        max_iterations: usize,
    ) {
        let total: u64 = patterns.values().sum();
        if total == 0 {
            return;
        }
        self.prior = (rows as f64 / total as f64).clamp(0.01, 0.5);
        if (total as usize) < MIN_FIT_PAIRS {
            return;
        }
        let (m0, u0, p0) = (self.m.clone(), self.u.clone(), self.prior);
        self.em(patterns, max_iterations);
        for f in 0..N_FIELDS {
            let last = self.m[f].len() - 1;
            if self.weight(f, 1) <= 1.0 || self.weight(f, last as u8) >= 0.0 {
                self.m[f] = m0[f].clone();
                self.u[f] = u0[f].clone();
            }
        }
        if !(self.prior > 1e-4 && self.prior < 0.9) {
            self.prior = p0;
        }
    }

    fn em(&mut self, patterns: &HashMap<[u8; N_FIELDS], u64>, max_iterations: usize) {
        let pats: Vec<(&[u8; N_FIELDS], f64)> =
            patterns.iter().map(|(p, c)| (p, *c as f64)).collect();
        const PSEUDO: f64 = 5.0;
        for it in 0..max_iterations {
            let mut m_counts: Vec<Vec<f64>> = self
                .m
                .iter()
                .map(|v| v.iter().map(|x| x * PSEUDO).collect())
                .collect();
            let mut u_counts: Vec<Vec<f64>> = self
                .u_random
                .iter()
                .map(|v| v.iter().map(|x| x * PSEUDO).collect())
                .collect();
            let (mut matched, mut total) = (0.0, 0.0);
            for (p, count) in &pats {
                let g = self.posterior_of_levels(p);
                matched += g * count;
                total += count;
                for f in 0..N_FIELDS {
                    let l = p[f] as usize;
                    if l > 0 {
                        m_counts[f][l] += g * count;
                        u_counts[f][l] += (1.0 - g) * count;
                    }
                }
            }
            let new_prior = ((matched + 0.5) / (total + 1.0)).clamp(1e-6, 1.0 - 1e-6);
            let new_m: Vec<Vec<f64>> = m_counts.iter().map(|c| normalise(c)).collect();
            let new_u: Vec<Vec<f64>> = u_counts.iter().map(|c| normalise(c)).collect();
            let delta = (new_prior - self.prior).abs()
                + new_m
                    .iter()
                    .flatten()
                    .zip(self.m.iter().flatten())
                    .map(|(a, b)| (a - b).abs())
                    .sum::<f64>();
            self.m = new_m;
            self.u = new_u;
            self.prior = new_prior;
            self.iterations = it + 1;
            if delta < 1e-6 {
                break;
            }
        }
    }

    /// log2(m/u) of one field level (0 for missing).
    pub fn weight(&self, field: usize, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let l = level as usize;
        (self.m[field][l] / self.u[field][l]).log2()
    }

    /// Posterior from levels alone (no term-frequency adjustment).
    pub fn posterior_of_levels(&self, levels: &[u8; N_FIELDS]) -> f64 {
        let w: f64 = (0..N_FIELDS).map(|f| self.weight(f, levels[f])).sum();
        self.posterior(w)
    }

    /// Posterior probability of a match for a total weight.
    pub fn posterior(&self, weight: f64) -> f64 {
        let logit = weight + (self.prior / (1.0 - self.prior)).log2();
        1.0 / (1.0 + (-logit).exp2())
    }

    /// Term-frequency adjustment for exact agreement on a given (`family == false`) or family
    /// name: log2(average frequency / this name's frequency), clamped to ±4 bits.
    pub fn name_frequency_adjustment(&self, family: bool, value: &str) -> f64 {
        let (table, field) = if family {
            (&self.tf_family, 1)
        } else {
            (&self.tf_given, 0)
        };
        let Some(&tf) = table.get(value) else {
            return 0.0;
        };
        let average = self.u_random[field][1];
        (average / tf.max(1e-9)).log2().clamp(-4.0, 4.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_priors_favour_exact_agreement_and_sum_to_one() {
        for l in LEVELS {
            let m = m_prior(l.len());
            assert!((m[1..].iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert!(m[1] > m[l.len() - 1]);
        }
    }

    #[test]
    fn posterior_rises_with_weight_and_respects_the_prior() {
        let mut model = Model::with_random_u(&[], &[], 0, 1, |_, _| unreachable!());
        model.prior = 0.5;
        assert!((model.posterior(0.0) - 0.5).abs() < 1e-12);
        assert!(model.posterior(10.0) > 0.999);
        assert!(model.posterior(-10.0) < 0.001);
        model.prior = 0.01;
        assert!(model.posterior(0.0) < 0.02);
    }
}
