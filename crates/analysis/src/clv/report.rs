//! The standalone CLV report (`keeper clv`): transactions → summary → BG/NBD and
//! Gamma-Gamma fits → per-customer P(alive), expected purchases in the next 30 and 90 days
//! (converted into the chosen unit) and expected average spend.
//!
//! BG/NBD is required: if it cannot be fitted the report is refused with its [`ModelError`].
//! Gamma-Gamma is optional: if spend cannot be modelled, `gamma_gamma` is `null`, the reason
//! is in `gamma_gamma_unavailable`, and every `expected_avg_spend` is `null`. No number is
//! ever filled in by a fallback.

use chrono::NaiveDate;
use serde::Serialize;

use super::bgnbd::{self, BgNbdParams};
use super::error::ModelError;
use super::gamma_gamma::{self, GammaGammaParams};
use super::rfm::{TimeUnit, Transaction, summarize};

/// The whole report, serialized as the command's JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ClvReport {
    pub calibration_end: NaiveDate,
    pub unit: TimeUnit,
    pub bgnbd: BgNbdReport,
    pub gamma_gamma: Option<GammaGammaParams>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gamma_gamma_unavailable: Option<Unavailable>,
    pub customers: Vec<CustomerRow>,
}

/// BG/NBD parameters (α in the report's unit) and the total log-likelihood.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BgNbdReport {
    #[serde(flatten)]
    pub params: BgNbdParams,
    pub log_likelihood: f64,
}

/// Why a model gave no numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Unavailable {
    pub code: &'static str,
    pub message: String,
}

/// One customer's summary and predictions.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerRow {
    pub customer_id: String,
    pub frequency: u32,
    pub recency: f64,
    #[serde(rename = "T")]
    pub age: f64,
    pub monetary_value: f64,
    pub p_alive: f64,
    pub expected_purchases_30d: f64,
    pub expected_purchases_90d: f64,
    pub expected_avg_spend: Option<f64>,
}

/// Builds the report for transactions up to `calibration_end`, in `unit`.
pub fn clv_report(
    transactions: &[Transaction],
    calibration_end: NaiveDate,
    unit: TimeUnit,
) -> Result<ClvReport, ModelError> {
    let summary = summarize(transactions, calibration_end, unit);
    let rfm: Vec<_> = summary.iter().map(|c| c.rfm()).collect();
    let bg = bgnbd::fit(&rfm)?;
    let spend: Vec<_> = summary.iter().map(|c| c.spend()).collect();
    let (gamma_gamma, gamma_gamma_unavailable) = match gamma_gamma::fit(&spend) {
        Ok(fit) => (Some(fit.params), None),
        Err(e) => (
            None,
            Some(Unavailable {
                code: e.code(),
                message: e.to_string(),
            }),
        ),
    };
    let (t30, t90) = (30.0 / unit.days(), 90.0 / unit.days());
    let mut customers = Vec::with_capacity(summary.len());
    for c in summary {
        let r = c.rfm();
        let expected_avg_spend = match &gamma_gamma {
            Some(g) => g.expected_average_spend(&c.spend())?,
            None => None,
        };
        customers.push(CustomerRow {
            p_alive: bg.params.p_alive(&r),
            expected_purchases_30d: bg.params.expected_purchases(&r, t30)?,
            expected_purchases_90d: bg.params.expected_purchases(&r, t90)?,
            expected_avg_spend,
            customer_id: c.customer_id,
            frequency: c.frequency,
            recency: c.recency,
            age: c.age,
            monetary_value: c.monetary_value,
        });
    }
    Ok(ClvReport {
        calibration_end,
        unit,
        bgnbd: BgNbdReport {
            params: bg.params,
            log_likelihood: bg.log_likelihood,
        },
        gamma_gamma,
        gamma_gamma_unavailable,
        customers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thin_history_is_refused_rather_than_guessed() {
        let tx: Vec<Transaction> = (0..5)
            .map(|i| Transaction {
                customer_id: format!("c{i}"),
                date: NaiveDate::from_ymd_opt(2024, 1, 1 + i).unwrap(),
                amount: 10.0,
            })
            .collect();
        let err = clv_report(
            &tx,
            NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            TimeUnit::Days,
        )
        .unwrap_err();
        assert_eq!(err.code(), "too_few_customers");
    }
}
