//! One result per customer with a visit: the history metrics, the model's verdict, and the
//! churn risk that ranks them.
//!
//! Churn risk is 1 − P(alive) when the model speaks for the customer. Otherwise the cadence
//! rule: with 2+ visits, `(days since last visit / mean gap − 1) / 2` clamped to [0, 1]
//! (0 while on schedule, 1 at three times the usual gap); with one visit, no risk is stated.

use crate::data::Dataset;
use crate::metrics::{HistoryMetrics, history_metrics};
use crate::model::{Fits, ModelOutcome, predict, summary};

/// Where a churn risk figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSource {
    Model,
    Cadence,
}

impl RiskSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskSource::Model => "model",
            RiskSource::Cadence => "cadence",
        }
    }
}

/// Everything computed for one customer.
#[derive(Debug, Clone)]
pub struct CustomerResult {
    /// Index into [`Dataset::customers`].
    pub index: u32,
    pub metrics: HistoryMetrics,
    pub model: ModelOutcome,
    pub churn_risk: Option<(f64, RiskSource)>,
}

/// The cadence rule's risk (see the module doc).
pub fn cadence_risk(days_since_last: i64, mean_gap_days: Option<f64>) -> Option<f64> {
    let gap = mean_gap_days.filter(|g| *g > 0.0)?;
    Some(((days_since_last as f64 / gap - 1.0) / 2.0).clamp(0.0, 1.0))
}

/// Results for every customer with at least one visit, in customer-index order.
pub fn compute(ds: &Dataset, fits: &Fits) -> Vec<CustomerResult> {
    let mut out = Vec::new();
    for (i, c) in ds.customers.iter().enumerate() {
        let Some(metrics) = history_metrics(ds, c) else {
            continue;
        };
        let Some((rfm, spend)) = summary(ds, c) else {
            continue;
        };
        let model = predict(fits, &rfm, &spend);
        let churn_risk = match model.prediction() {
            Some(p) => Some((1.0 - p.p_alive, RiskSource::Model)),
            None => cadence_risk(metrics.days_since_last, metrics.mean_gap_days)
                .map(|r| (r, RiskSource::Cadence)),
        };
        out.push(CustomerResult {
            index: i as u32,
            metrics,
            model,
            churn_risk,
        });
    }
    out
}
