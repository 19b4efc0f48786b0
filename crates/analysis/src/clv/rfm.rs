//! Transactions → the calibration summary the models take, exactly as the `lifetimes`
//! package's `summary_data_from_transaction_data` does it (with `freq="D"`, and
//! `freq_multiplier=7` for weeks):
//!
//! * transactions after the calibration end are ignored;
//! * a customer's purchases on one calendar day are one purchase whose value is the day's sum;
//! * frequency = purchase days after the first; recency = last purchase day − first;
//!   T = calibration end − first purchase day; both in days, or days / 7 for weeks;
//! * monetary_value = mean value of the repeat purchase days (the first day excluded),
//!   0 when frequency is 0.

use chrono::NaiveDate;

use super::bgnbd::Rfm;
use super::gamma_gamma::Spend;

/// One purchase line: who, which calendar day, how much.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub customer_id: String,
    pub date: NaiveDate,
    pub amount: f64,
}

/// The time unit of recency, T and predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Days,
    Weeks,
}

impl TimeUnit {
    /// Length of the unit in days.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
        }
    }
}

/// One customer's calibration summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CustomerSummary {
    pub customer_id: String,
    pub frequency: u32,
    pub recency: f64,
    #[serde(rename = "T")]
    pub age: f64,
    pub monetary_value: f64,
}

impl CustomerSummary {
    pub fn rfm(&self) -> Rfm {
        Rfm {
            frequency: self.frequency,
            recency: self.recency,
            age: self.age,
        }
    }

    pub fn spend(&self) -> Spend {
        Spend {
            frequency: self.frequency,
            monetary_value: self.monetary_value,
        }
    }
}

/// Summarises transactions up to and including `calibration_end`, one row per customer
/// with a purchase in that window, sorted by customer id.
pub fn summarize(
    transactions: &[Transaction],
    calibration_end: NaiveDate,
    unit: TimeUnit,
) -> Vec<CustomerSummary> {
    let mut rows: Vec<(&str, NaiveDate, f64)> = transactions
        .iter()
        .filter(|t| t.date <= calibration_end)
        .map(|t| (t.customer_id.as_str(), t.date, t.amount))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    let days_between = |from: NaiveDate, to: NaiveDate| (to - from).num_days() as f64 / unit.days();
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let customer = rows[i].0;
        let first_day = rows[i].1;
        let mut last_day = first_day;
        let mut repeat_days = 0u32;
        let mut repeat_total = 0.0;
        let mut day = first_day;
        let mut day_total = 0.0;
        while i < rows.len() && rows[i].0 == customer {
            let (_, date, amount) = rows[i];
            if date != day {
                if day != first_day {
                    repeat_total += day_total;
                }
                repeat_days += 1;
                day = date;
                day_total = 0.0;
                last_day = date;
            }
            day_total += amount;
            i += 1;
        }
        if day != first_day {
            repeat_total += day_total;
        }
        out.push(CustomerSummary {
            customer_id: customer.to_string(),
            frequency: repeat_days,
            recency: days_between(first_day, last_day),
            age: days_between(first_day, calibration_end),
            monetary_value: if repeat_days == 0 {
                0.0
            } else {
                repeat_total / f64::from(repeat_days)
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(customer: &str, date: &str, amount: f64) -> Transaction {
        Transaction {
            customer_id: customer.into(),
            date: date.parse().unwrap(),
            amount,
        }
    }

    fn end() -> NaiveDate {
        "2024-03-31".parse().unwrap()
    }

    #[test]
    fn summary_matches_a_hand_computed_fixture() {
        let tx = vec![
            // ann: first day Jan 1 (two lines, 30), repeat days Jan 15 (20+10) and Feb 14 (60).
            t("ann", "2024-01-15", 20.0),
            t("ann", "2024-01-01", 10.0),
            t("ann", "2024-01-01", 20.0),
            t("ann", "2024-02-14", 60.0),
            t("ann", "2024-01-15", 10.0),
            // bob: one purchase day only.
            t("bob", "2024-03-01", 45.0),
            t("bob", "2024-03-01", 5.0),
            // cat: the April purchase is after calibration end and must be ignored.
            t("cat", "2024-02-01", 15.0),
            t("cat", "2024-03-31", 25.0),
            t("cat", "2024-04-02", 999.0),
            // dan: only after calibration end: absent from the summary.
            t("dan", "2024-04-10", 50.0),
        ];
        let days = summarize(&tx, end(), TimeUnit::Days);
        let want = vec![
            CustomerSummary {
                customer_id: "ann".into(),
                frequency: 2,
                recency: 44.0,
                age: 90.0,
                monetary_value: 45.0,
            },
            CustomerSummary {
                customer_id: "bob".into(),
                frequency: 0,
                recency: 0.0,
                age: 30.0,
                monetary_value: 0.0,
            },
            CustomerSummary {
                customer_id: "cat".into(),
                frequency: 1,
                recency: 59.0,
                age: 59.0,
                monetary_value: 25.0,
            },
        ];
        assert_eq!(days, want);
        let weeks = summarize(&tx, end(), TimeUnit::Weeks);
        assert_eq!(weeks[0].recency, 44.0 / 7.0);
        assert_eq!(weeks[0].age, 90.0 / 7.0);
        assert_eq!(weeks[0].frequency, 2);
        assert_eq!(weeks[0].monetary_value, 45.0);
    }

    #[test]
    fn summary_serializes_age_as_capital_t() {
        let rows = summarize(&[t("ann", "2024-03-01", 10.0)], end(), TimeUnit::Days);
        let json = serde_json::to_value(&rows[0]).unwrap();
        assert_eq!(json["T"], 30.0);
        assert!(json.get("age").is_none());
    }
}
