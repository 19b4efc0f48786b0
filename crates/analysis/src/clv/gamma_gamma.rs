//! The Gamma-Gamma model of spend per transaction, Fader, Hardie & Lee (2005), "RFM and
//! CLV: Using Iso-Value Curves for Customer Base Analysis" (and Hardie's note 025): a
//! customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, v) across customers, and
//! spend is independent of the purchase process (so it pairs with BG/NBD).
//!
//! **Data.** Customers with x ≥ 1 repeat purchases and a positive average repeat-purchase
//! value m̄ (customers without repeats carry no spend information here; a non-positive
//! average, e.g. net refunds, lies outside the model and is skipped).
//!
//! **Likelihood** of m̄ given x (note 025, eq. 1a):
//!
//! ```text
//! ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m̄ + px ln x − (px+q) ln(x m̄ + v)
//! ```
//!
//! **Fit.** Maximum likelihood over (ln p, ln q, ln v) with the analytic gradient
//! ∂/∂p = x[ψ(px+q) − ψ(px) + ln m̄ + ln x − ln(x m̄ + v)], ∂/∂q = ψ(px+q) − ψ(q) + ln v −
//! ln(x m̄ + v), ∂/∂v = q/v − (px+q)/(x m̄ + v), by the same BFGS-with-restarts optimizer as
//! BG/NBD (`optimize.rs`). Money is rescaled so the mean m̄ is 1 (v is scaled back). Γ/ψ
//! terms are computed once per distinct x; each customer then costs one log; no allocation
//! per evaluation. Refused with a typed [`ModelError`] when fewer than [`MIN_SPENDERS`]
//! customers qualify, when it does not converge, when a parameter runs off to the edge, or
//! when q ≤ 1 (the population mean spend v p/(q−1) would not exist).
//!
//! **Expected average spend** (note 025, eq. 5):
//! E[M | x, m̄] = (q−1)/(px+q−1) · v p/(q−1) + px/(px+q−1) · m̄ — a weighted mean of the
//! population mean and the customer's own average; for x = 0 it is the population mean.
//!
//! **CLV** (the discounted-cash-flow sum used by the `lifetimes` package):
//! CLV = Σᵢ₌₁ⁿ E[M] · (E[Y(i·L)] − E[Y((i−1)·L)]) / (1 + d)ⁱ, where E[Y(t)] is BG/NBD's
//! conditional expected purchases, L the period length in the model's time unit (e.g. one
//! month = 30 days or 4.345 weeks), n the number of periods and d the discount rate per period.

use super::bgnbd::{BgNbdParams, Rfm};
use super::error::ModelError;
use super::optimize::{Tolerances, minimize};
use super::special::{digamma, ln_gamma};

/// Fewest customers (x ≥ 1, m̄ > 0) a fit accepts.
pub const MIN_SPENDERS: usize = 10;
const DEGENERATE_LOG_PARAM: f64 = 18.0;
/// |ln parameter| beyond which an unconverged fit counts as drifting to the edge.
const DRIFT_LOG_PARAM: f64 = 10.0;
const MODEL: &str = "Gamma-Gamma";

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GammaGammaParams {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

/// A maximum-likelihood fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGammaFit {
    pub params: GammaGammaParams,
    /// Σ ln Lᵢ over the customers used.
    pub log_likelihood: f64,
    /// Customers that entered the fit (x ≥ 1, m̄ > 0).
    pub customers: usize,
    pub iterations: usize,
    pub evaluations: usize,
}

/// One customer's spend history: repeat purchases and their average value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    pub frequency: u32,
    pub monetary_value: f64,
}

/// A CLV horizon: `periods` periods of `period_length` time units, discounted per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClvHorizon {
    pub periods: u32,
    pub period_length: f64,
    pub discount_rate: f64,
}

/// Fits Gamma-Gamma by maximum likelihood on the customers with x ≥ 1 and m̄ > 0.
pub fn fit(observations: &[Spend]) -> Result<GammaGammaFit, ModelError> {
    for (index, o) in observations.iter().enumerate() {
        if !o.monetary_value.is_finite() {
            return Err(ModelError::InvalidObservation {
                index,
                reason: "monetary value is not finite".into(),
            });
        }
    }
    let mut used: Vec<(u32, f64)> = observations
        .iter()
        .filter(|o| o.frequency > 0 && o.monetary_value > 0.0)
        .map(|o| (o.frequency, o.monetary_value))
        .collect();
    if used.len() < MIN_SPENDERS {
        return Err(ModelError::TooFewRepeaters {
            model: MODEL,
            found: used.len(),
            needed: MIN_SPENDERS,
        });
    }
    let scale = used.len() as f64 / used.iter().map(|u| u.1).sum::<f64>();
    used.sort_by_key(|u| u.0);
    let data = SpendData::new(&used, scale);
    let starts = [
        [0.0, 0.0, 0.0],
        [(2.0f64).ln(), (2.0f64).ln(), (0.5f64).ln()],
    ];
    let min = minimize(
        |theta, grad| data.negative_mean_log_likelihood(theta, grad),
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
        .zip(["p", "q", "v"])
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
    let params = GammaGammaParams {
        p: min.x[0].exp(),
        q: min.x[1].exp(),
        v: min.x[2].exp() / scale,
    };
    if params.q <= 1.0 {
        return Err(ModelError::SpendMeanUndefined { q: params.q });
    }
    let log_likelihood = used.iter().map(|&(x, m)| params.log_likelihood(x, m)).sum();
    Ok(GammaGammaFit {
        params,
        log_likelihood,
        customers: used.len(),
        iterations: min.iterations,
        evaluations: min.evaluations,
    })
}

impl GammaGammaParams {
    /// ln L of one customer's average spend `m` over `x` repeat purchases (x ≥ 1, m > 0).
    pub fn log_likelihood(&self, x: u32, m: f64) -> f64 {
        let GammaGammaParams { p, q, v } = *self;
        let x = f64::from(x);
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * v.ln()
            + (px - 1.0) * m.ln()
            + px * x.ln()
            - (px + q) * (x * m + v).ln()
    }

    /// Population mean spend per transaction, v p / (q − 1).
    pub fn population_mean(&self) -> Result<f64, ModelError> {
        if self.q <= 1.0 {
            return Err(ModelError::SpendMeanUndefined { q: self.q });
        }
        Ok(self.v * self.p / (self.q - 1.0))
    }

    /// Expected average spend per transaction given the customer's history (eq. 5).
    /// `None` when the customer has repeats but a non-positive average (outside the model).
    pub fn expected_average_spend(&self, s: &Spend) -> Result<Option<f64>, ModelError> {
        let population = self.population_mean()?;
        if s.frequency == 0 {
            return Ok(Some(population));
        }
        if !(s.monetary_value > 0.0 && s.monetary_value.is_finite()) {
            return Ok(None);
        }
        let px = self.p * f64::from(s.frequency);
        let weight = px / (px + self.q - 1.0);
        Ok(Some(
            (1.0 - weight) * population + weight * s.monetary_value,
        ))
    }

    /// Discounted customer lifetime value over `horizon` (formula in the module doc).
    /// `None` when the customer's spend lies outside the model.
    pub fn clv(
        &self,
        purchases: &BgNbdParams,
        rfm: &Rfm,
        monetary_value: f64,
        horizon: ClvHorizon,
    ) -> Result<Option<f64>, ModelError> {
        let spend = Spend {
            frequency: rfm.frequency,
            monetary_value,
        };
        let Some(per_purchase) = self.expected_average_spend(&spend)? else {
            return Ok(None);
        };
        let mut total = 0.0;
        let mut previous = 0.0;
        for i in 1..=horizon.periods {
            let cumulative =
                purchases.expected_purchases(rfm, f64::from(i) * horizon.period_length)?;
            total += per_purchase * (cumulative - previous)
                / (1.0 + horizon.discount_rate).powi(i as i32);
            previous = cumulative;
        }
        Ok(Some(total))
    }
}

/// Spend observations grouped by x, with ln m̄ precomputed and money rescaled.
struct SpendData {
    groups: Vec<(f64, usize, usize)>,
    monetary: Vec<f64>,
    ln_monetary: Vec<f64>,
}

impl SpendData {
    fn new(sorted: &[(u32, f64)], scale: f64) -> Self {
        let mut data = SpendData {
            groups: Vec::new(),
            monetary: Vec::new(),
            ln_monetary: Vec::new(),
        };
        for (i, &(x, m)) in sorted.iter().enumerate() {
            let m = m * scale;
            if data.groups.last().is_none_or(|g| g.0 != f64::from(x)) {
                data.groups.push((f64::from(x), i, i));
            }
            data.monetary.push(m);
            data.ln_monetary.push(m.ln());
            data.groups.last_mut().expect("a group exists").2 = i + 1;
        }
        data
    }

    fn negative_mean_log_likelihood(&self, theta: &[f64; 3], grad: &mut [f64; 3]) -> f64 {
        let [p, q, v] = theta.map(f64::exp);
        if !(p.is_finite() && q.is_finite() && v.is_finite()) || p == 0.0 || q == 0.0 || v == 0.0 {
            return f64::NAN;
        }
        let ln_v = theta[2];
        let (lg_q, psi_q) = (ln_gamma(q), digamma(q));
        let (mut ll, mut d_p, mut d_q, mut d_v) = (0.0, 0.0, 0.0, 0.0);
        for &(x, start, end) in &self.groups {
            let px = p * x;
            let ln_x = x.ln();
            let constant = ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + px * ln_x;
            let psi_pxq = digamma(px + q);
            let psi_px = digamma(px);
            let n = (end - start) as f64;
            let (mut s_ln_m, mut s_ln_xmv, mut s_inv) = (0.0, 0.0, 0.0);
            for i in start..end {
                let xmv = x * self.monetary[i] + v;
                s_ln_m += self.ln_monetary[i];
                s_ln_xmv += xmv.ln();
                s_inv += 1.0 / xmv;
            }
            ll += n * constant + (px - 1.0) * s_ln_m - (px + q) * s_ln_xmv;
            d_p += x * (n * (psi_pxq - psi_px + ln_x) + s_ln_m - s_ln_xmv);
            d_q += n * (psi_pxq - psi_q + ln_v) - s_ln_xmv;
            d_v += n * q / v - (px + q) * s_inv;
        }
        let n = self.monetary.len() as f64;
        grad[0] = -d_p * p / n;
        grad[1] = -d_q * q / n;
        grad[2] = -d_v * v / n;
        -ll / n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<Spend> {
        (0..60u32)
            .map(|i| Spend {
                frequency: i % 4,
                monetary_value: 10.0 + f64::from((i * 37) % 23) * 1.7,
            })
            .collect()
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let mut used: Vec<(u32, f64)> = fixture()
            .iter()
            .filter(|s| s.frequency > 0)
            .map(|s| (s.frequency, s.monetary_value))
            .collect();
        used.sort_by_key(|u| u.0);
        let data = SpendData::new(&used, 0.05);
        let theta = [1.2, 0.9, 0.3];
        let mut grad = [0.0; 3];
        data.negative_mean_log_likelihood(&theta, &mut grad);
        for i in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[i] += h;
            down[i] -= h;
            let mut scratch = [0.0; 3];
            let numeric = (data.negative_mean_log_likelihood(&up, &mut scratch)
                - data.negative_mean_log_likelihood(&down, &mut scratch))
                / (2.0 * h);
            assert!(
                (numeric - grad[i]).abs() < 1e-7,
                "component {i}: analytic {} numeric {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn expected_spend_shrinks_toward_the_population_mean() {
        let g = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
        };
        let population = g.population_mean().unwrap();
        let one = g
            .expected_average_spend(&Spend {
                frequency: 1,
                monetary_value: 100.0,
            })
            .unwrap()
            .unwrap();
        let many = g
            .expected_average_spend(&Spend {
                frequency: 20,
                monetary_value: 100.0,
            })
            .unwrap()
            .unwrap();
        assert!(
            population < one && one < many && many < 100.0,
            "{population} {one} {many}"
        );
        let none = g
            .expected_average_spend(&Spend {
                frequency: 0,
                monetary_value: 0.0,
            })
            .unwrap();
        assert_eq!(none, Some(population));
    }

    #[test]
    fn a_non_positive_average_spend_gets_no_estimate() {
        let g = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
        };
        assert_eq!(
            g.expected_average_spend(&Spend {
                frequency: 2,
                monetary_value: -5.0
            })
            .unwrap(),
            None
        );
    }

    #[test]
    fn q_at_most_one_has_no_mean_spend() {
        let g = GammaGammaParams {
            p: 2.0,
            q: 0.9,
            v: 10.0,
        };
        assert_eq!(
            g.population_mean().unwrap_err().code(),
            "spend_mean_undefined"
        );
    }

    #[test]
    fn a_fit_refuses_too_few_spenders() {
        let data: Vec<Spend> = fixture().into_iter().take(8).collect();
        let err = fit(&data).unwrap_err();
        assert_eq!(err.code(), "too_few_repeaters");
        assert!(err.is_thin_history());
    }

    #[test]
    fn identical_spend_everywhere_is_degenerate_not_a_number() {
        let data: Vec<Spend> = (0..50)
            .map(|i| Spend {
                frequency: 1 + i % 3,
                monetary_value: 20.0,
            })
            .collect();
        let err = fit(&data).unwrap_err();
        assert!(err.is_thin_history(), "{err:?}");
    }
}
