//! Metrics per team member. A visit is credited to its first team member (who took the
//! payment, else who was booked). Windows end today:
//! * revenue: net payments the team member took (all time and last 365 days);
//! * clients / visits: distinct customers and visits credited in the last 365 days;
//! * retention: of the clients they served between 365 and 90 days ago, the share who came
//!   back (to anyone) after their last visit with them in that window;
//! * rebooking rate: of their visits in the last 365 days, the share after which the
//!   customer booked a later appointment the same day or the next;
//! * new-client second-visit conversion: of the customers whose first visit was with them,
//!   between 365 and 90 days ago, the share who came back within 90 days.

use crate::data::Dataset;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Days a new client has to come back to count as converted.
pub const CONVERSION_DAYS: i64 = 90;

/// One team member's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffMetrics {
    pub team_member_id: String,
    pub first_name: Option<String>,
    pub clients_12m: u32,
    pub visits_12m: u32,
    pub revenue_12m: i64,
    pub revenue_total: i64,
    pub retention_base: u32,
    pub retention_rate: Option<f64>,
    pub rebooking_base: u32,
    pub rebooking_rate: Option<f64>,
    pub new_clients: u32,
    pub second_visit_conversion: Option<f64>,
}

#[derive(Default)]
struct Acc {
    clients: HashSet<u32>,
    visits: u32,
    /// Client → last visit day with this team member inside the retention window.
    retention: HashMap<u32, chrono::NaiveDate>,
    rebook_base: u32,
    rebooked: u32,
    new_clients: u32,
    converted: u32,
}

fn rate(n: u32, base: u32) -> Option<f64> {
    (base > 0).then(|| f64::from(n) / f64::from(base))
}

/// Figures for every team member with a visit or revenue, by id.
pub fn compute(ds: &Dataset) -> Vec<StaffMetrics> {
    let today = ds.today;
    let year_ago = today - chrono::Duration::days(365);
    let cutoff = today - chrono::Duration::days(CONVERSION_DAYS);
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    for (ci, c) in ds.customers.iter().enumerate() {
        let ci = ci as u32;
        for (k, v) in c.visits.iter().enumerate() {
            let Some(&t) = v.team.first() else {
                continue;
            };
            let a = acc.entry(t).or_default();
            if v.day > year_ago {
                a.clients.insert(ci);
                a.visits += 1;
                if v.day < today {
                    a.rebook_base += 1;
                    let rebooked = c.bookings.iter().any(|b| {
                        b.start_day > v.day
                            && b.created_day
                                .is_some_and(|d| d >= v.day && (d - v.day).num_days() <= 1)
                    });
                    if rebooked {
                        a.rebooked += 1;
                    }
                }
            }
            if v.day >= year_ago && v.day < cutoff {
                a.retention.insert(ci, v.day);
            }
            if k == 0 && v.day >= year_ago && v.day < cutoff {
                a.new_clients += 1;
                if c.visits
                    .get(1)
                    .is_some_and(|second| (second.day - v.day).num_days() <= CONVERSION_DAYS)
                {
                    a.converted += 1;
                }
            }
        }
    }
    let mut ids: HashSet<u32> = acc.keys().copied().collect();
    ids.extend(ds.staff_revenue.keys().copied());
    let mut out: Vec<StaffMetrics> = ids
        .into_iter()
        .map(|t| {
            let a = acc.remove(&t).unwrap_or_default();
            let retained = a
                .retention
                .iter()
                .filter(|(ci, last)| {
                    ds.customers[**ci as usize]
                        .visits
                        .last()
                        .is_some_and(|v| v.day > **last)
                })
                .count() as u32;
            let base = a.retention.len() as u32;
            let (revenue_total, revenue_12m) = ds.staff_revenue.get(&t).copied().unwrap_or((0, 0));
            StaffMetrics {
                team_member_id: ds.team[t as usize].0.clone(),
                first_name: ds.team_first_name(t).map(str::to_string),
                clients_12m: a.clients.len() as u32,
                visits_12m: a.visits,
                revenue_12m,
                revenue_total,
                retention_base: base,
                retention_rate: rate(retained, base),
                rebooking_base: a.rebook_base,
                rebooking_rate: rate(a.rebooked, a.rebook_base),
                new_clients: a.new_clients,
                second_visit_conversion: rate(a.converted, a.new_clients),
            }
        })
        .collect();
    out.sort_by(|a, b| a.team_member_id.cmp(&b.team_member_id));
    out
}
