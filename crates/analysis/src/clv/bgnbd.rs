//! The BG/NBD ("beta-geometric / negative binomial distribution") model of repeat buying,
//! Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", *Marketing Science*
//! 24(2): while alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after
//! each purchase they become inactive with probability p ~ Beta(a, b).
//!
//! **Data.** Per customer: x = repeat purchases (frequency), tₓ = time of the last purchase
//! since the first (recency), T = time since the first purchase (age), all in one time unit.
//!
//! **Likelihood** (paper eq. 6, written in logs as in Hardie's note 004):
//!
//! ```text
//! ln L = A₁ + A₂ + ln( exp(A₃) + [x > 0] · exp(A₄) )
//! A₁ = ln Γ(r + x) − ln Γ(r) + r ln α
//! A₂ = ln Γ(a + b) + ln Γ(b + x) − ln Γ(b) − ln Γ(a + b + x)
//! A₃ = −(r + x) ln(α + T)
//! A₄ = ln a − ln(b + x − 1) − (r + x) ln(α + tₓ)
//! ```
//!
//! The last term is a log-sum-exp, computed as `max(A₃, A₄) + ln(1 + e^{−|A₃ − A₄|})` so it
//! neither overflows nor underflows for large x. `ln Γ` is our own Lanczos implementation
//! (`special.rs`; no numerics crate).
//!
//! **Fit.** Maximum likelihood over θ = (ln r, ln α, ln a, ln b), which keeps every parameter
//! positive without constraints. Time is first rescaled so the mean age is 1 (α is scaled
//! back afterwards; the rescaling shifts ln L by a constant, so the maximiser is unchanged).
//! Customers with identical (x, tₓ, T) are merged into one weighted pattern and patterns are
//! grouped by x, so every Γ/ψ term is computed once per distinct x (as rising factorials,
//! ln Γ(b+x) − ln Γ(b) = Σₖ₌₀ˣ⁻¹ ln(b+k), which stays exact when a and b are huge) and each
//! pattern costs two logs, one exp and one log1p. The objective −ln L / n and its analytic gradient
//!
//! ```text
//! ∂/∂r = ψ(r+x) − ψ(r) + ln α − w₃ ln(α+T) − w₄ ln(α+tₓ)
//! ∂/∂α = r/α − (r+x) (w₃/(α+T) + w₄/(α+tₓ))
//! ∂/∂a = ψ(a+b) − ψ(a+b+x) + w₄/a
//! ∂/∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − w₄/(b+x−1)
//! ```
//!
//! (w₃, w₄ = the softmax weights of A₃, A₄; chain rule ×param for θ) are evaluated without
//! allocating, and minimised by BFGS with Armijo backtracking and restarts (`optimize.rs`)
//! from two starting points. A fit is refused, with a typed [`ModelError`], when there are
//! fewer than [`MIN_CUSTOMERS`] customers or [`MIN_REPEATERS`] repeat customers, when BFGS
//! does not converge, or when a log-parameter leaves ±[`DEGENERATE_LOG_PARAM`] (or ends an
//! unconverged run beyond ±10): the likelihood is maximised at the edge of the parameter
//! space and the data cannot identify the model (e.g. a, b → ∞ with a/b fixed: everyone has
//! the same dropout probability).
//!
//! **Predictions.**
//! * P(alive | x, tₓ, T) = 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+tₓ))^{r+x})
//!   (Fader, Hardie & Lee, note 021), computed in logs.
//! * E[Y(t) | x, tₓ, T] (paper eq. 10) =
//!   P(alive) · (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)],
//!   z = t/(α+T+t). We apply Euler's transformation
//!   ₂F₁(A, B; C; z) = (1−z)^{C−A−B} ₂F₁(C−A, C−B; C; z), which turns the bracket into
//!   1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z): the upper parameters no longer grow
//!   with x, so the series neither overflows nor needs many terms for heavy buyers.
//!   0 ≤ z < 1 always, so the Gauss series converges (see `special.rs`).
//! * E[X(t)] for a new customer (paper eq. 9) is the same expression with x = tₓ = T = 0.

use super::error::ModelError;
use super::optimize::{Tolerances, minimize};
use super::special::{digamma_rising, hyp2f1, ln_gamma, ln_rising};

/// Fewest customers a fit accepts.
pub const MIN_CUSTOMERS: usize = 20;
/// Fewest customers with at least one repeat purchase a fit accepts.
pub const MIN_REPEATERS: usize = 5;
/// |ln parameter| (after time rescaling) beyond which a fit counts as degenerate.
pub const DEGENERATE_LOG_PARAM: f64 = 18.0;

/// |ln parameter| beyond which an unconverged fit counts as drifting to the edge.
const DRIFT_LOG_PARAM: f64 = 10.0;
const MODEL: &str = "BG/NBD";

/// One customer's repeat-purchase history, in a single time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rfm {
    /// Repeat purchases x (purchase days after the first).
    pub frequency: u32,
    /// tₓ: time from the first to the last purchase.
    pub recency: f64,
    /// T: time from the first purchase to the end of calibration.
    pub age: f64,
}

/// BG/NBD parameters: purchase rate λ ~ Gamma(r, α), dropout p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BgNbdParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// A maximum-likelihood fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbdFit {
    pub params: BgNbdParams,
    /// Total log-likelihood Σ ln Lᵢ at the fitted parameters, in the data's time unit.
    pub log_likelihood: f64,
    pub customers: usize,
    pub repeaters: usize,
    pub iterations: usize,
    pub evaluations: usize,
}

/// Fits BG/NBD by maximum likelihood, or says why the history cannot support it.
pub fn fit(observations: &[Rfm]) -> Result<BgNbdFit, ModelError> {
    for (index, o) in observations.iter().enumerate() {
        validate(index, o)?;
    }
    let customers = observations.len();
    let repeaters = observations.iter().filter(|o| o.frequency > 0).count();
    if customers < MIN_CUSTOMERS {
        return Err(ModelError::TooFewCustomers {
            model: MODEL,
            found: customers,
            needed: MIN_CUSTOMERS,
        });
    }
    if repeaters < MIN_REPEATERS {
        return Err(ModelError::TooFewRepeaters {
            model: MODEL,
            found: repeaters,
            needed: MIN_REPEATERS,
        });
    }
    let mean_age = observations.iter().map(|o| o.age).sum::<f64>() / customers as f64;
    if mean_age <= 0.0 {
        return Err(ModelError::TooFewRepeaters {
            model: MODEL,
            found: 0,
            needed: MIN_REPEATERS,
        });
    }
    let scale = 1.0 / mean_age;
    let patterns = Patterns::new(observations, scale);
    let starts = [
        [0.0, 0.0, 0.0, 0.0],
        [(0.3f64).ln(), (0.3f64).ln(), (0.8f64).ln(), (2.5f64).ln()],
    ];
    let min = minimize(
        |theta, grad| patterns.negative_mean_log_likelihood(theta, grad),
        &starts,
        Tolerances {
            coordinate_bound: DEGENERATE_LOG_PARAM,
            ..Tolerances::default()
        },
    );
    // A run that ends far out (beyond the bound, or unconverged and past ±DRIFT_LOG_PARAM)
    // is chasing a supremum at the edge of the parameter space.
    let drift_limit = if min.converged {
        DEGENERATE_LOG_PARAM
    } else {
        DRIFT_LOG_PARAM
    };
    if let Some((value, parameter)) = min
        .x
        .iter()
        .zip(["r", "alpha", "a", "b"])
        .filter(|(v, _)| v.abs() > drift_limit)
        .max_by(|a, b| a.0.abs().total_cmp(&b.0.abs()))
    {
        return Err(ModelError::Degenerate {
            model: MODEL,
            parameter,
            value: value.exp(),
        });
    }
    if !min.converged {
        return Err(ModelError::DidNotConverge {
            model: MODEL,
            iterations: min.iterations,
        });
    }
    let params = BgNbdParams {
        r: min.x[0].exp(),
        alpha: min.x[1].exp() / scale,
        a: min.x[2].exp(),
        b: min.x[3].exp(),
    };
    let log_likelihood = observations.iter().map(|o| params.log_likelihood(o)).sum();
    Ok(BgNbdFit {
        params,
        log_likelihood,
        customers,
        repeaters,
        iterations: min.iterations,
        evaluations: min.evaluations,
    })
}

fn validate(index: usize, o: &Rfm) -> Result<(), ModelError> {
    let reason = if !(o.recency.is_finite() && o.age.is_finite()) {
        "recency and age must be finite"
    } else if o.recency < 0.0 {
        "recency is negative"
    } else if o.recency > o.age {
        "recency is greater than age"
    } else if o.frequency == 0 && o.recency != 0.0 {
        "recency must be 0 when frequency is 0"
    } else {
        return Ok(());
    };
    Err(ModelError::InvalidObservation {
        index,
        reason: reason.to_string(),
    })
}

impl BgNbdParams {
    /// ln Lᵢ for one customer (the formula in the module doc).
    pub fn log_likelihood(&self, o: &Rfm) -> f64 {
        let BgNbdParams { r, alpha, a, b } = *self;
        let x = f64::from(o.frequency);
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let a3 = -(r + x) * (alpha + o.age).ln();
        if o.frequency == 0 {
            return a1 + a2 + a3;
        }
        let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + o.recency).ln();
        a1 + a2 + log_sum_exp(a3, a4)
    }

    /// Probability the customer is still active at the end of calibration.
    pub fn p_alive(&self, o: &Rfm) -> f64 {
        if o.frequency == 0 {
            return 1.0;
        }
        1.0 / (1.0 + self.ln_dead_odds(o).exp())
    }

    /// ln( a/(b+x−1) · ((α+T)/(α+tₓ))^{r+x} ): the log odds of "inactive" against "alive".
    fn ln_dead_odds(&self, o: &Rfm) -> f64 {
        let x = f64::from(o.frequency);
        (self.a / (self.b + x - 1.0)).ln()
            + (self.r + x) * ((self.alpha + o.age) / (self.alpha + o.recency)).ln()
    }

    /// Expected repeat purchases in the next `t` time units, given the customer's history.
    pub fn expected_purchases(&self, o: &Rfm, t: f64) -> Result<f64, ModelError> {
        if !(t.is_finite() && t >= 0.0) {
            return Err(ModelError::Numerical {
                what: "expected purchases for a negative horizon",
            });
        }
        if t == 0.0 {
            return Ok(0.0);
        }
        let BgNbdParams { r, alpha, a, b } = *self;
        let x = f64::from(o.frequency);
        let c = a + b + x - 1.0;
        let z = t / (alpha + o.age + t);
        let one_minus_z = (alpha + o.age) / (alpha + o.age + t);
        let f = hyp2f1(a + b - 1.0 - r, a - 1.0, c, z).ok_or(ModelError::Numerical {
            what: "the hypergeometric series 2F1",
        })?;
        let bracket = 1.0 - one_minus_z.powf(a - 1.0) * f;
        let value = c / (a - 1.0) * bracket * self.p_alive(o);
        if value.is_finite() {
            Ok(value.max(0.0))
        } else {
            Err(ModelError::Numerical {
                what: "expected purchases",
            })
        }
    }

    /// Expected purchases in the first `t` time units of a brand-new customer (eq. 9).
    pub fn expected_purchases_new_customer(&self, t: f64) -> Result<f64, ModelError> {
        self.expected_purchases(
            &Rfm {
                frequency: 0,
                recency: 0.0,
                age: 0.0,
            },
            t,
        )
    }
}

fn log_sum_exp(u: f64, v: f64) -> f64 {
    let (hi, lo) = if u >= v { (u, v) } else { (v, u) };
    hi + (lo - hi).exp().ln_1p()
}

/// Observations merged into weighted (x, tₓ, T) patterns, grouped by x, time rescaled.
struct Patterns {
    groups: Vec<Group>,
    recency: Vec<f64>,
    age: Vec<f64>,
    weight: Vec<f64>,
    total_weight: f64,
}

struct Group {
    x: f64,
    start: usize,
    end: usize,
}

impl Patterns {
    fn new(observations: &[Rfm], scale: f64) -> Self {
        let mut sorted: Vec<(u32, f64, f64)> = observations
            .iter()
            .map(|o| (o.frequency, o.recency * scale, o.age * scale))
            .collect();
        sorted.sort_by(|p, q| {
            p.0.cmp(&q.0)
                .then(p.1.total_cmp(&q.1))
                .then(p.2.total_cmp(&q.2))
        });
        let mut patterns = Patterns {
            groups: Vec::new(),
            recency: Vec::new(),
            age: Vec::new(),
            weight: Vec::new(),
            total_weight: 0.0,
        };
        let mut previous: Option<(u32, f64, f64)> = None;
        for p in sorted {
            if previous == Some(p) {
                *patterns
                    .weight
                    .last_mut()
                    .expect("a previous pattern exists") += 1.0;
            } else {
                if previous.is_none_or(|q| q.0 != p.0) {
                    let start = patterns.weight.len();
                    patterns.groups.push(Group {
                        x: f64::from(p.0),
                        start,
                        end: start,
                    });
                }
                patterns.recency.push(p.1);
                patterns.age.push(p.2);
                patterns.weight.push(1.0);
            }
            patterns.groups.last_mut().expect("a group exists").end = patterns.weight.len();
            previous = Some(p);
        }
        patterns.total_weight = observations.len() as f64;
        patterns
    }

    /// −(1/n) Σ ln Lᵢ at θ = (ln r, ln α, ln a, ln b) and its gradient in θ. No allocation.
    fn negative_mean_log_likelihood(&self, theta: &[f64; 4], grad: &mut [f64; 4]) -> f64 {
        let [r, alpha, a, b] = theta.map(f64::exp);
        if !(r.is_finite() && alpha.is_finite() && a.is_finite() && b.is_finite())
            || r == 0.0
            || alpha == 0.0
            || a == 0.0
            || b == 0.0
        {
            return f64::NAN;
        }
        let ln_alpha = theta[1];
        let (mut ll, mut d_r, mut d_alpha, mut d_a, mut d_b) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for g in &self.groups {
            let (x, n) = (g.x, g.x as u32);
            let rx = r + x;
            // Γ ratios as rising factorials: exact even when a and b are huge.
            let constant = ln_rising(r, n) + r * ln_alpha + ln_rising(b, n) - ln_rising(a + b, n);
            let c_r = digamma_rising(r, n) + ln_alpha;
            let c_a = -digamma_rising(a + b, n);
            let c_b = digamma_rising(b, n) - digamma_rising(a + b, n);
            let ln_a_over_bx = if x > 0.0 {
                a.ln() - (b + x - 1.0).ln()
            } else {
                0.0
            };
            // Sums over the group's patterns of w·(lse, w₃ ln(α+T) + w₄ ln(α+tₓ), …).
            let (mut s_w, mut s_lse, mut s_ln, mut s_inv, mut s_w4) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for i in g.start..g.end {
                let w = self.weight[i];
                let ln_t = (alpha + self.age[i]).ln();
                let a3 = -rx * ln_t;
                s_w += w;
                if x == 0.0 {
                    s_lse += w * a3;
                    s_ln += w * ln_t;
                    s_inv += w / (alpha + self.age[i]);
                    continue;
                }
                let ln_tx = (alpha + self.recency[i]).ln();
                let a4 = ln_a_over_bx - rx * ln_tx;
                let e = (-(a3 - a4).abs()).exp();
                let (w3, w4) = if a3 >= a4 {
                    (1.0 / (1.0 + e), e / (1.0 + e))
                } else {
                    (e / (1.0 + e), 1.0 / (1.0 + e))
                };
                s_lse += w * (a3.max(a4) + e.ln_1p());
                s_ln += w * (w3 * ln_t + w4 * ln_tx);
                s_inv += w * (w3 / (alpha + self.age[i]) + w4 / (alpha + self.recency[i]));
                s_w4 += w * w4;
            }
            ll += s_w * constant + s_lse;
            d_r += s_w * c_r - s_ln;
            d_alpha += s_w * r / alpha - rx * s_inv;
            d_a += s_w * c_a + if x > 0.0 { s_w4 / a } else { 0.0 };
            d_b += s_w * c_b - if x > 0.0 { s_w4 / (b + x - 1.0) } else { 0.0 };
        }
        let n = self.total_weight;
        grad[0] = -d_r * r / n;
        grad[1] = -d_alpha * alpha / n;
        grad[2] = -d_a * a / n;
        grad[3] = -d_b * b / n;
        -ll / n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDNOW: BgNbdParams = BgNbdParams {
        r: 0.242_593,
        alpha: 4.413_532,
        a: 0.792_886,
        b: 2.425_753,
    };

    fn rfm(frequency: u32, recency: f64, age: f64) -> Rfm {
        Rfm {
            frequency,
            recency,
            age,
        }
    }

    fn fixture() -> Vec<Rfm> {
        let mut v = Vec::new();
        for i in 0..40u32 {
            let age = 20.0 + f64::from(i % 7) * 3.0;
            let x = i % 5;
            let recency = if x == 0 {
                0.0
            } else {
                age * f64::from(i % 3 + 1) / 4.0
            };
            v.push(rfm(x, recency, age));
        }
        v
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let patterns = Patterns::new(&fixture(), 1.0 / 26.0);
        let theta = [(-0.7f64), 0.4, (-0.2), 0.9];
        let mut grad = [0.0; 4];
        patterns.negative_mean_log_likelihood(&theta, &mut grad);
        for i in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[i] += h;
            down[i] -= h;
            let mut scratch = [0.0; 4];
            let numeric = (patterns.negative_mean_log_likelihood(&up, &mut scratch)
                - patterns.negative_mean_log_likelihood(&down, &mut scratch))
                / (2.0 * h);
            assert!(
                (numeric - grad[i]).abs() < 1e-7,
                "component {i}: analytic {} numeric {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn merged_patterns_give_the_same_likelihood_as_per_customer_sums() {
        let data = fixture();
        let patterns = Patterns::new(&data, 1.0);
        let p = BgNbdParams {
            r: 0.5,
            alpha: 3.0,
            a: 0.9,
            b: 2.0,
        };
        let theta = [p.r.ln(), p.alpha.ln(), p.a.ln(), p.b.ln()];
        let merged =
            -patterns.negative_mean_log_likelihood(&theta, &mut [0.0; 4]) * data.len() as f64;
        let direct: f64 = data.iter().map(|o| p.log_likelihood(o)).sum();
        assert!(
            (merged - direct).abs() < 1e-9 * direct.abs(),
            "{merged} vs {direct}"
        );
        assert!(patterns.weight.len() < data.len());
    }

    #[test]
    fn p_alive_is_one_without_repeat_purchases_and_falls_with_silence() {
        assert_eq!(CDNOW.p_alive(&rfm(0, 0.0, 38.86)), 1.0);
        let recent = CDNOW.p_alive(&rfm(3, 36.0, 38.86));
        let silent = CDNOW.p_alive(&rfm(3, 5.0, 38.86));
        assert!(recent > 0.8 && silent < 0.2, "{recent} {silent}");
    }

    #[test]
    fn heavy_buyers_do_not_overflow() {
        let o = rfm(400, 30.0, 38.86);
        let p = CDNOW.p_alive(&o);
        let e = CDNOW.expected_purchases(&o, 39.0).unwrap();
        assert!(p.is_finite() && (0.0..=1.0).contains(&p));
        assert!(e.is_finite() && e >= 0.0);
        let gone = rfm(400, 1.0, 38.86);
        assert!(CDNOW.p_alive(&gone) < 1e-100);
        assert!(CDNOW.log_likelihood(&o).is_finite());
    }

    #[test]
    fn expected_purchases_grow_with_the_horizon_and_vanish_at_zero() {
        let o = rfm(2, 30.43, 38.86);
        assert_eq!(CDNOW.expected_purchases(&o, 0.0).unwrap(), 0.0);
        let short = CDNOW.expected_purchases(&o, 4.0).unwrap();
        let long = CDNOW.expected_purchases(&o, 39.0).unwrap();
        assert!(0.0 < short && short < long);
    }

    #[test]
    fn a_fit_refuses_too_few_customers() {
        let err = fit(&fixture()[..10]).unwrap_err();
        assert_eq!(err.code(), "too_few_customers");
        assert!(err.is_thin_history());
    }

    #[test]
    fn a_fit_refuses_a_history_without_repeat_customers() {
        let data: Vec<Rfm> = (0..100)
            .map(|i| rfm(0, 0.0, f64::from(i % 30 + 1)))
            .collect();
        let err = fit(&data).unwrap_err();
        assert_eq!(
            err,
            ModelError::TooFewRepeaters {
                model: "BG/NBD",
                found: 0,
                needed: MIN_REPEATERS
            }
        );
    }

    #[test]
    fn a_fit_refuses_recency_beyond_age() {
        let mut data = fixture();
        data[3] = rfm(2, 50.0, 20.0);
        let err = fit(&data).unwrap_err();
        assert_eq!(err.code(), "invalid_observation");
        assert!(err.to_string().contains("observation 3"), "{err}");
    }

    #[test]
    fn a_history_with_identical_dropout_is_reported_degenerate() {
        // On this fixture the likelihood keeps rising as a, b → ∞ with a/b fixed.
        let err = fit(&fixture()).unwrap_err();
        assert_eq!(err.code(), "degenerate_fit", "{err:?}");
        assert!(err.is_thin_history());
    }
}
