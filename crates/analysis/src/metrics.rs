//! Per-customer metrics from one customer's history ([`crate::data::CustomerData`]): value,
//! visits and their rhythm (overall and per service category), habits (services, team
//! member, add-ons), loyalty, booking reliability, and when the next visit is due.
//!
//! Definitions (all days are local days; money is minor units, net of refunds):
//! * lifetime value = every completed payment, cash included; spend_12m = the same over the
//!   365 days up to today; average spend = lifetime value / visits.
//! * mean days between visits over consecutive visit days (2+ visits); its spread is the
//!   sample standard deviation of those gaps (3+ visits).
//! * category cadence: the same over the visit days that included a service of the category.
//! * preferred team member: who served the most visits (ties: the most recent).
//! * add-on attach rate: share of visits with an order that carried an optional add-on.
//! * next expected visit: the next accepted or pending booking if there is one, else the
//!   last visit + the mean gap (2+ visits), else none; days overdue = today − that day, ≥ 0.
//! * segment: `new` (first visit in the last 90 days), `active` (a visit in the last 90
//!   days), `lapsed` (last visit 90–365 days ago), `lost` (longer).

use crate::data::{CustomerData, Dataset};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// Days after which a customer without a visit is no longer active.
pub const ACTIVE_DAYS: i64 = 90;
/// Days after which a lapsed customer counts as lost.
pub const LOST_DAYS: i64 = 365;

/// A name and how often it occurred.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameCount {
    pub name: String,
    pub count: u32,
}

/// Visit rhythm of one service category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryCadence {
    pub category: String,
    pub visits: u32,
    pub mean_gap_days: Option<f64>,
    pub last_visit: NaiveDate,
}

/// Where the next expected visit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextSource {
    Booking,
    Cadence,
}

impl NextSource {
    pub fn as_str(self) -> &'static str {
        match self {
            NextSource::Booking => "booking",
            NextSource::Cadence => "cadence",
        }
    }
}

/// Activity segment (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    New,
    Active,
    Lapsed,
    Lost,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::New => "new",
            Segment::Active => "active",
            Segment::Lapsed => "lapsed",
            Segment::Lost => "lost",
        }
    }
}

/// The history-only metrics of one customer with at least one visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryMetrics {
    pub lifetime_value: i64,
    pub spend_12m: i64,
    pub visits: u32,
    pub first_visit: NaiveDate,
    pub last_visit: NaiveDate,
    pub days_since_last: i64,
    pub mean_gap_days: Option<f64>,
    pub gap_sd_days: Option<f64>,
    pub average_spend: i64,
    pub category_cadence: Vec<CategoryCadence>,
    pub top_services: Vec<NameCount>,
    /// Index into [`Dataset::team`].
    #[serde(skip)]
    pub preferred_team: Option<u32>,
    pub modifier_history: Vec<NameCount>,
    pub addon_attach_rate: Option<f64>,
    pub loyalty_balance: Option<i64>,
    pub no_shows: u32,
    pub cancellations: u32,
    pub next_booking: Option<NaiveDate>,
    pub next_expected_visit: Option<NaiveDate>,
    pub next_expected_source: Option<NextSource>,
    pub days_overdue: Option<i64>,
    pub segment: Segment,
}

/// Mean and sample standard deviation of the gaps between sorted days.
pub fn gap_stats(days: &[NaiveDate]) -> (Option<f64>, Option<f64>) {
    if days.len() < 2 {
        return (None, None);
    }
    let gaps: Vec<f64> = days
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days() as f64)
        .collect();
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    let sd = (gaps.len() >= 2)
        .then(|| (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt());
    (Some(mean), sd)
}

fn ranked(counts: HashMap<u32, (u32, NaiveDate)>, names: impl Fn(u32) -> String) -> Vec<NameCount> {
    let mut v: Vec<(u32, u32, NaiveDate)> =
        counts.into_iter().map(|(k, (n, d))| (k, n, d)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    v.into_iter()
        .map(|(k, count, _)| NameCount {
            name: names(k),
            count,
        })
        .collect()
}

/// Metrics of one customer, or `None` without a visit.
pub fn history_metrics(ds: &Dataset, c: &CustomerData) -> Option<HistoryMetrics> {
    let first = c.visits.first()?;
    let last = c.visits.last()?;
    let today = ds.today;
    let year_ago = today - chrono::Duration::days(365);
    let days: Vec<NaiveDate> = c.visits.iter().map(|v| v.day).collect();
    let (mean_gap_days, gap_sd_days) = gap_stats(&days);

    let mut spend_12m = 0;
    let mut per_category: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    let mut services: HashMap<u32, (u32, NaiveDate)> = HashMap::new();
    let mut team: HashMap<u32, (u32, NaiveDate)> = HashMap::new();
    let mut modifiers: HashMap<u32, (u32, NaiveDate)> = HashMap::new();
    let (mut order_visits, mut addon_visits) = (0u32, 0u32);
    for v in &c.visits {
        if v.day > year_ago {
            spend_12m += v.spend;
        }
        let mut cats: Vec<&str> = Vec::new();
        for &s in &v.services {
            let e = services.entry(s).or_insert((0, v.day));
            e.0 += 1;
            e.1 = v.day;
            if let Some(cat) = ds.services[s as usize].category.as_deref()
                && !cats.contains(&cat)
            {
                cats.push(cat);
            }
        }
        for cat in cats {
            per_category.entry(cat).or_default().push(v.day);
        }
        for &t in &v.team {
            let e = team.entry(t).or_insert((0, v.day));
            e.0 += 1;
            e.1 = v.day;
        }
        for &m in &v.modifiers {
            let e = modifiers.entry(m).or_insert((0, v.day));
            e.0 += 1;
            e.1 = v.day;
        }
        if v.has_order {
            order_visits += 1;
            if v.modifiers
                .iter()
                .any(|&m| ds.modifiers[m as usize].optional)
            {
                addon_visits += 1;
            }
        }
    }
    // Payments on days that are not visits (rare) still count toward lifetime value.
    let lifetime_value = c.net_total;
    let visits = c.visits.len() as u32;

    let mut category_cadence: Vec<CategoryCadence> = per_category
        .into_iter()
        .map(|(category, days)| CategoryCadence {
            category: category.to_string(),
            visits: days.len() as u32,
            mean_gap_days: gap_stats(&days).0,
            last_visit: *days.last().unwrap_or(&first.day),
        })
        .collect();
    category_cadence.sort_by(|a, b| {
        b.visits
            .cmp(&a.visits)
            .then(b.last_visit.cmp(&a.last_visit))
            .then(a.category.cmp(&b.category))
    });

    let preferred_team = team
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)).then(b.0.cmp(a.0)))
        .map(|(&t, _)| t);
    let top_services = ranked(services, |s| ds.services[s as usize].name.clone())
        .into_iter()
        .take(3)
        .collect();
    let modifier_history = ranked(modifiers, |m| ds.modifiers[m as usize].name.clone());

    let no_shows = c.bookings.iter().filter(|b| b.status == "NO_SHOW").count() as u32;
    let cancellations = c
        .bookings
        .iter()
        .filter(|b| b.status == "CANCELLED_BY_CUSTOMER")
        .count() as u32;
    let next_booking = c
        .bookings
        .iter()
        .filter(|b| (b.status == "ACCEPTED" || b.status == "PENDING") && b.start >= ds.now)
        .map(|b| b.start_day)
        .min();
    let (next_expected_visit, next_expected_source) = match (next_booking, mean_gap_days) {
        (Some(d), _) => (Some(d), Some(NextSource::Booking)),
        (None, Some(gap)) => (
            Some(last.day + chrono::Duration::days(gap.round() as i64)),
            Some(NextSource::Cadence),
        ),
        (None, None) => (None, None),
    };
    let days_overdue = next_expected_visit.map(|d| (today - d).num_days().max(0));
    let days_since_last = (today - last.day).num_days();
    let segment = if (today - first.day).num_days() < ACTIVE_DAYS {
        Segment::New
    } else if days_since_last < ACTIVE_DAYS {
        Segment::Active
    } else if days_since_last < LOST_DAYS {
        Segment::Lapsed
    } else {
        Segment::Lost
    };
    Some(HistoryMetrics {
        lifetime_value,
        spend_12m,
        visits,
        first_visit: first.day,
        last_visit: last.day,
        days_since_last,
        mean_gap_days,
        gap_sd_days,
        average_spend: if visits > 0 {
            (lifetime_value as f64 / f64::from(visits)).round() as i64
        } else {
            0
        },
        category_cadence,
        top_services,
        preferred_team,
        modifier_history,
        addon_attach_rate: (order_visits > 0)
            .then(|| f64::from(addon_visits) / f64::from(order_visits)),
        loyalty_balance: c.loyalty_balance,
        no_shows,
        cancellations,
        next_booking,
        next_expected_visit,
        next_expected_source,
        days_overdue,
        segment,
    })
}
