//! The churn and value model on the merchant's own history: each customer's visits become
//! a (frequency, recency, T) summary in **weeks** (salon-like businesses see customers every
//! few weeks; weeks keep the numbers readable and the fit well scaled), BG/NBD and
//! Gamma-Gamma are fitted by maximum likelihood ([`crate::clv`]), and each customer gets
//! P(alive), expected visits in the next 30 and 90 days, expected spend per visit and a
//! 12-month CLV (twelve monthly periods, 1% discount per month).
//!
//! A visit is a purchase occasion (one per customer-day); its value is the day's net spend.
//! Honest gaps, never invented numbers:
//! * a customer with one visit has no repeat behaviour to judge (BG/NBD's P(alive) is 1 by
//!   construction): no model numbers, status `thin_history`;
//! * a merchant whose history cannot identify the model (too few customers or repeaters,
//!   degenerate fit): no model numbers for anyone, status `model_unavailable` with the
//!   model's error code; the cadence rules ([`crate::metrics`]) still apply.

use crate::clv::ModelError;
use crate::clv::bgnbd::{self, BgNbdFit, Rfm};
use crate::clv::gamma_gamma::{self, ClvHorizon, GammaGammaFit, Spend};
use crate::data::{CustomerData, Dataset};

/// Days per model time unit (weeks).
pub const UNIT_DAYS: f64 = 7.0;
/// The CLV horizon: 12 monthly periods (in weeks), 1% discount per period.
pub const CLV_HORIZON: ClvHorizon = ClvHorizon {
    periods: 12,
    period_length: 52.0 / 12.0,
    discount_rate: 0.01,
};

/// Both fits (or why not).
#[derive(Debug, Clone)]
pub struct Fits {
    pub bgnbd: Result<BgNbdFit, ModelError>,
    pub gamma_gamma: Result<GammaGammaFit, ModelError>,
}

/// Model numbers for one customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub p_alive: f64,
    pub expected_visits_30d: f64,
    pub expected_visits_90d: f64,
    /// Minor units per visit; `None` when spend cannot be modelled.
    pub expected_avg_spend: Option<f64>,
    /// Minor units; `None` when spend cannot be modelled.
    pub clv_12m: Option<f64>,
}

/// What the model says about one customer.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelOutcome {
    Fitted(Prediction),
    ThinHistory { reason: String },
    Unavailable { code: &'static str, reason: String },
}

impl ModelOutcome {
    pub fn status(&self) -> &'static str {
        match self {
            ModelOutcome::Fitted(_) => "fitted",
            ModelOutcome::ThinHistory { .. } => "thin_history",
            ModelOutcome::Unavailable { .. } => "model_unavailable",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            ModelOutcome::Fitted(_) => None,
            ModelOutcome::ThinHistory { reason } | ModelOutcome::Unavailable { reason, .. } => {
                Some(reason)
            }
        }
    }

    pub fn prediction(&self) -> Option<&Prediction> {
        match self {
            ModelOutcome::Fitted(p) => Some(p),
            _ => None,
        }
    }
}

/// The model summary of one customer's visits up to `ds.today`, or `None` without visits.
pub fn summary(ds: &Dataset, c: &CustomerData) -> Option<(Rfm, Spend)> {
    let first = c.visits.first()?.day;
    let last = c.visits.last()?.day;
    let weeks = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        (to - from).num_days().max(0) as f64 / UNIT_DAYS
    };
    let frequency = (c.visits.len() - 1) as u32;
    let repeat_total: i64 = c.visits.iter().skip(1).map(|v| v.spend).sum();
    let monetary_value = if frequency == 0 {
        0.0
    } else {
        repeat_total as f64 / f64::from(frequency)
    };
    Some((
        Rfm {
            frequency,
            recency: weeks(first, last),
            age: weeks(first, ds.today.max(last)),
        },
        Spend {
            frequency,
            monetary_value,
        },
    ))
}

/// Fits both models on every customer with a visit.
pub fn fit(ds: &Dataset) -> Fits {
    let (rfm, spend): (Vec<Rfm>, Vec<Spend>) =
        ds.customers.iter().filter_map(|c| summary(ds, c)).unzip();
    Fits {
        bgnbd: bgnbd::fit(&rfm),
        gamma_gamma: gamma_gamma::fit(&spend),
    }
}

/// The model's verdict on one customer.
pub fn predict(fits: &Fits, rfm: &Rfm, spend: &Spend) -> ModelOutcome {
    let bg = match &fits.bgnbd {
        Ok(bg) => bg,
        Err(e) => {
            return ModelOutcome::Unavailable {
                code: e.code(),
                reason: format!("churn model not fitted on this history: {e}"),
            };
        }
    };
    if rfm.frequency == 0 {
        return ModelOutcome::ThinHistory {
            reason: "one visit so far: the model needs a repeat visit to judge".into(),
        };
    }
    let p = &bg.params;
    let expected = |days: f64| p.expected_purchases(rfm, days / UNIT_DAYS);
    let (e30, e90) = match (expected(30.0), expected(90.0)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return ModelOutcome::Unavailable {
                code: e.code(),
                reason: e.to_string(),
            };
        }
    };
    let (expected_avg_spend, clv_12m) = match &fits.gamma_gamma {
        Ok(gg) => (
            gg.params.expected_average_spend(spend).ok().flatten(),
            gg.params
                .clv(p, rfm, spend.monetary_value, CLV_HORIZON)
                .ok()
                .flatten(),
        ),
        Err(_) => (None, None),
    };
    ModelOutcome::Fitted(Prediction {
        p_alive: p.p_alive(rfm),
        expected_visits_30d: e30,
        expected_visits_90d: e90,
        expected_avg_spend,
        clv_12m,
    })
}
