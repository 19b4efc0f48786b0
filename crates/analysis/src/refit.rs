//! When the churn and spend models are refitted. Fitting BG/NBD and Gamma-Gamma by
//! maximum likelihood is the costliest step of a recompute, and a sync that adds a day's
//! visits barely moves the merchant-wide parameters, so a run after a sync reuses the
//! latest run's parameters unless they are stale ([`RefitPolicy`]): fitted more than a day
//! ago, fitted on a customer count that moved by more than a tenth since, or never fitted
//! successfully. Every customer's numbers are then recomputed with those parameters (that
//! part is cheap), so a reused fit gives exactly what a full recompute with the same
//! parameters would.

use crate::clv::bgnbd::{BgNbdFit, BgNbdParams};
use crate::clv::gamma_gamma::{GammaGammaFit, GammaGammaParams};
use crate::error::Result;
use crate::model::Fits;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};

/// When stored parameters are too old to reuse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefitPolicy {
    /// Refit when the stored fit is at least this old.
    pub max_age: Duration,
    /// Refit when the customers with a visit moved by more than this share since the fit.
    pub max_customer_change: f64,
}

impl Default for RefitPolicy {
    fn default() -> Self {
        RefitPolicy {
            max_age: Duration::days(1),
            max_customer_change: 0.1,
        }
    }
}

/// How a recompute gets its model parameters.
#[derive(Debug, Clone)]
pub enum Refit {
    /// Always fit (the daily full recompute; `recompute`).
    Always,
    /// Reuse the latest run's parameters unless the policy finds them stale.
    IfStale(RefitPolicy),
    /// Use these parameters (a full recompute for given parameters, e.g. to compare runs).
    With(StoredFit),
}

/// Parameters a run used, as stored in `analysis_runs`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFit {
    pub bgnbd: BgNbdParams,
    pub bgnbd_log_likelihood: f64,
    pub gamma_gamma: GammaGammaParams,
    pub gamma_gamma_log_likelihood: f64,
    /// When these parameters were fitted.
    pub fitted_at: DateTime<Utc>,
    /// Customers with a visit the fit saw.
    pub customers: usize,
}

impl StoredFit {
    /// Both models as fits (iteration counts are zero: nothing was optimised this run).
    pub fn fits(&self) -> Fits {
        Fits {
            bgnbd: Ok(BgNbdFit {
                params: self.bgnbd,
                log_likelihood: self.bgnbd_log_likelihood,
                customers: self.customers,
                repeaters: 0,
                iterations: 0,
                evaluations: 0,
            }),
            gamma_gamma: Ok(GammaGammaFit {
                params: self.gamma_gamma,
                log_likelihood: self.gamma_gamma_log_likelihood,
                customers: self.customers,
                iterations: 0,
                evaluations: 0,
            }),
        }
    }
}

/// The latest run's parameters when both models were fitted and its bookkeeping (migration
/// 0011) is complete; `None` otherwise.
pub fn latest(conn: &Connection) -> Result<Option<StoredFit>> {
    type Row = (
        [Option<f64>; 4],
        Option<f64>,
        [Option<f64>; 3],
        Option<f64>,
        Option<String>,
        Option<i64>,
    );
    let row: Option<Row> = conn
        .query_row(
            "SELECT bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_log_likelihood, gg_p, gg_q,
                    gg_v, gg_log_likelihood, fitted_at, fit_customers
               FROM analysis_runs ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?],
                    r.get(4)?,
                    [r.get(5)?, r.get(6)?, r.get(7)?],
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            },
        )
        .optional()?;
    let Some((
        [Some(r), Some(alpha), Some(a), Some(b)],
        Some(bg_ll),
        [Some(p), Some(q), Some(v)],
        Some(gg_ll),
        Some(fitted_at),
        Some(customers),
    )) = row
    else {
        return Ok(None);
    };
    let Ok(fitted_at) = DateTime::parse_from_rfc3339(&fitted_at) else {
        return Ok(None);
    };
    Ok(Some(StoredFit {
        bgnbd: BgNbdParams { r, alpha, a, b },
        bgnbd_log_likelihood: bg_ll,
        gamma_gamma: GammaGammaParams { p, q, v },
        gamma_gamma_log_likelihood: gg_ll,
        fitted_at: fitted_at.with_timezone(&Utc),
        customers: customers.max(0) as usize,
    }))
}

/// Why `stored` must be refitted for a run at `now` over `customers` customers with a
/// visit, or `None` when it can be reused.
pub fn stale_reason(
    policy: &RefitPolicy,
    stored: Option<&StoredFit>,
    customers: usize,
    now: DateTime<Utc>,
) -> Option<String> {
    let Some(s) = stored else {
        return Some("no stored fit".into());
    };
    if now - s.fitted_at >= policy.max_age || now < s.fitted_at {
        return Some(format!("fitted at {}", s.fitted_at.to_rfc3339()));
    }
    let base = s.customers.max(1) as f64;
    let moved = (customers as f64 - s.customers as f64).abs() / base;
    if moved > policy.max_customer_change {
        return Some(format!(
            "customers moved from {} to {customers}",
            s.customers
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_748_736_000 + h * 3600, 0).unwrap()
    }

    fn stored(customers: usize) -> StoredFit {
        StoredFit {
            bgnbd: BgNbdParams {
                r: 0.24,
                alpha: 4.4,
                a: 0.79,
                b: 2.4,
            },
            bgnbd_log_likelihood: -9582.4,
            gamma_gamma: GammaGammaParams {
                p: 6.25,
                q: 3.74,
                v: 15.44,
            },
            gamma_gamma_log_likelihood: -4000.0,
            fitted_at: at(0),
            customers,
        }
    }

    #[test]
    fn a_fresh_fit_on_a_similar_customer_base_is_reused() {
        let p = RefitPolicy::default();
        assert_eq!(stale_reason(&p, Some(&stored(1000)), 1050, at(5)), None);
    }

    #[test]
    fn a_missing_old_or_outgrown_fit_is_refitted() {
        let p = RefitPolicy::default();
        assert!(stale_reason(&p, None, 10, at(0)).is_some());
        assert!(stale_reason(&p, Some(&stored(1000)), 1000, at(24)).is_some());
        assert!(stale_reason(&p, Some(&stored(1000)), 1101, at(1)).is_some());
        assert!(
            stale_reason(&p, Some(&stored(1000)), 1000, at(-1)).is_some(),
            "a clock that went back refits"
        );
    }
}
