//! The business summary the Insights screen charts: net revenue per month (every sale,
//! walk-ins included), customer counts by segment, how often customers came in the last 12
//! months, and retention by cohort (customers grouped by the month of their first visit;
//! for each later month, the share of the cohort that visited in it).

use crate::customers::CustomerResult;
use crate::data::Dataset;
use crate::metrics::Segment;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Cohorts shown (the most recent ones).
pub const COHORTS: usize = 24;
/// Months after the first visit a cohort's retention is followed for.
pub const COHORT_MONTHS: u32 = 12;

/// One month of revenue and traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Net revenue, minor units.
    pub revenue: i64,
    pub payments: u32,
    pub visits: u32,
    pub customers: u32,
}

/// Customers by segment (see [`crate::metrics`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerCounts {
    pub with_visits: u32,
    pub new: u32,
    pub active: u32,
    pub lapsed: u32,
    pub lost: u32,
}

/// Customers with a number of visits in the last 12 months within `[min, max]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrequencyBucket {
    pub label: String,
    pub min: u32,
    pub max: Option<u32>,
    pub customers: u32,
}

/// Retention of one first-visit cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// `YYYY-MM` of the first visit.
    pub month: String,
    pub size: u32,
    /// Share of the cohort with a visit in month 1, 2, … after the first; `None` for months
    /// that have not happened yet.
    pub retention: Vec<Option<f64>>,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessSummary {
    pub currency: Option<String>,
    pub revenue_by_month: Vec<MonthPoint>,
    pub customers: CustomerCounts,
    pub visit_frequency: Vec<FrequencyBucket>,
    pub cohorts: Vec<Cohort>,
}

const BUCKETS: &[(u32, Option<u32>)] = &[
    (1, Some(1)),
    (2, Some(2)),
    (3, Some(3)),
    (4, Some(5)),
    (6, Some(8)),
    (9, Some(12)),
    (13, None),
];

fn month_key(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

fn month_text((y, m): (i32, u32)) -> String {
    format!("{y:04}-{m:02}")
}

fn months_between(a: (i32, u32), b: (i32, u32)) -> i64 {
    i64::from(b.0 - a.0) * 12 + i64::from(b.1) - i64::from(a.1)
}

/// Computes the summary.
pub fn compute(ds: &Dataset, results: &[CustomerResult]) -> BusinessSummary {
    // Revenue, visits and distinct customers per month.
    let mut months: BTreeMap<(i32, u32), MonthPoint> = BTreeMap::new();
    let point = |key: (i32, u32)| MonthPoint {
        month: month_text(key),
        revenue: 0,
        payments: 0,
        visits: 0,
        customers: 0,
    };
    for (&key, totals) in &ds.months {
        let p = months.entry(key).or_insert_with(|| point(key));
        p.revenue = totals.revenue;
        p.payments = totals.payments;
    }
    let mut seen: HashSet<(u32, (i32, u32))> = HashSet::new();
    for (ci, c) in ds.customers.iter().enumerate() {
        for v in &c.visits {
            let key = month_key(v.day);
            let p = months.entry(key).or_insert_with(|| point(key));
            p.visits += 1;
            if seen.insert((ci as u32, key)) {
                p.customers += 1;
            }
        }
    }

    let mut counts = CustomerCounts {
        with_visits: results.len() as u32,
        new: 0,
        active: 0,
        lapsed: 0,
        lost: 0,
    };
    for r in results {
        match r.metrics.segment {
            Segment::New => counts.new += 1,
            Segment::Active => counts.active += 1,
            Segment::Lapsed => counts.lapsed += 1,
            Segment::Lost => counts.lost += 1,
        }
    }

    let year_ago = ds.today - chrono::Duration::days(365);
    let mut visit_frequency: Vec<FrequencyBucket> = BUCKETS
        .iter()
        .map(|&(min, max)| FrequencyBucket {
            label: match max {
                Some(m) if m == min => min.to_string(),
                Some(m) => format!("{min}–{m}"),
                None => format!("{min}+"),
            },
            min,
            max,
            customers: 0,
        })
        .collect();
    for c in &ds.customers {
        let n = c.visits.iter().filter(|v| v.day > year_ago).count() as u32;
        if let Some(b) = visit_frequency
            .iter_mut()
            .find(|b| n >= b.min && b.max.is_none_or(|m| n <= m))
        {
            b.customers += 1;
        }
    }

    // Cohorts by first-visit month.
    let current = month_key(ds.today);
    let mut cohorts: BTreeMap<(i32, u32), (u32, Vec<u32>)> = BTreeMap::new();
    for c in &ds.customers {
        let Some(first) = c.visits.first() else {
            continue;
        };
        let start = month_key(first.day);
        let e = cohorts
            .entry(start)
            .or_insert_with(|| (0, vec![0; COHORT_MONTHS as usize]));
        e.0 += 1;
        let mut offsets: HashSet<i64> = HashSet::new();
        for v in &c.visits[1..] {
            let k = months_between(start, month_key(v.day));
            if (1..=i64::from(COHORT_MONTHS)).contains(&k) && offsets.insert(k) {
                e.1[(k - 1) as usize] += 1;
            }
        }
    }
    let skip = cohorts.len().saturating_sub(COHORTS);
    let cohorts = cohorts
        .into_iter()
        .skip(skip)
        .map(|(start, (size, returned))| Cohort {
            month: month_text(start),
            size,
            retention: returned
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    (months_between(start, current) > k as i64)
                        .then(|| f64::from(*n) / f64::from(size))
                })
                .collect(),
        })
        .collect();

    BusinessSummary {
        currency: ds.currency.clone(),
        revenue_by_month: months.into_values().collect(),
        customers: counts,
        visit_frequency,
        cohorts,
    }
}
