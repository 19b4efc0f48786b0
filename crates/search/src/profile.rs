//! Each customer's facts in the form query understanding filters and orders by: visit times
//! (Unix seconds, so a status is decided against the search's `now`), visit count and cadence,
//! lifetime value and its place among paying customers, services, add-ons and staff with how
//! many visits had them, missed bookings and review ratings.
//!
//! Stored per document in `search_profiles` (migration 0019) and held in memory with the
//! vectors ([`crate::vectors::VectorCache`]).

use crate::error::Result;
use crate::facts::{Count, CustomerFacts, Status};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A name (lower-case) and on how many visits it occurred, most frequent first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tally {
    pub name: String,
    pub visits: usize,
}

/// What query understanding knows about one customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Profile {
    /// Unix seconds of the first and last visit.
    pub first_visit: Option<i64>,
    pub last_visit: Option<i64>,
    pub visits: usize,
    pub cadence_days: Option<f64>,
    /// Minor units.
    pub lifetime_value: i64,
    /// Share of paying customers who spent more, in percent (`None` without payments).
    pub spend_percent_above: Option<f64>,
    pub services: Vec<Tally>,
    pub categories: Vec<Tally>,
    /// Add-ons and other modifiers, counted once per visit.
    pub modifiers: Vec<Tally>,
    pub staff: Vec<Tally>,
    /// The most frequent staff member no longer works here.
    pub main_staff_departed: bool,
    pub no_shows: usize,
    pub cancellations: usize,
    /// Star ratings of the customer's reviews.
    pub ratings: Vec<i64>,
    pub reviews: usize,
}

fn tallies(counts: Vec<Count>) -> Vec<Tally> {
    counts
        .into_iter()
        .map(|c| Tally {
            name: c.name.to_lowercase(),
            visits: c.count,
        })
        .collect()
}

impl Profile {
    pub fn of(f: &CustomerFacts) -> Profile {
        let staff = f.staff();
        Profile {
            first_visit: f.first_visit().map(|t| t.timestamp()),
            last_visit: f.last_visit().map(|t| t.timestamp()),
            visits: f.visits.len(),
            cadence_days: f.cadence_days(),
            lifetime_value: f.lifetime_value,
            spend_percent_above: f.spend_rank.map(|r| r.percent_above()),
            services: tallies(f.services()),
            categories: tallies(f.categories()),
            modifiers: tallies(f.modifiers()),
            main_staff_departed: staff
                .first()
                .is_some_and(|s| f.departed_staff.contains(&s.name)),
            staff: tallies(staff),
            no_shows: f.no_shows,
            cancellations: f.cancellations,
            ratings: f.reviews.iter().filter_map(|r| r.rating).collect(),
            reviews: f.reviews.len(),
        }
    }

    pub fn days_since_last(&self, now: DateTime<Utc>) -> Option<f64> {
        self.last_visit
            .map(|t| (now.timestamp() - t) as f64 / 86_400.0)
    }

    /// The same status as [`CustomerFacts::status`], at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        Status::of(self.days_since_last(now), self.cadence_days)
    }
}

/// Writes (or rewrites, when it changed) the profile of `customer_id`.
pub fn write(conn: &Connection, customer_id: &str, profile: &Profile) -> Result<()> {
    let json = serde_json::to_string(profile).expect("a profile serializes");
    conn.prepare_cached(
        "INSERT INTO search_profiles (customer_id, profile) VALUES (?1, ?2) \
         ON CONFLICT(customer_id) DO UPDATE SET profile = excluded.profile \
         WHERE profile IS NOT excluded.profile",
    )?
    .execute(params![customer_id, json])?;
    Ok(())
}

pub fn remove(conn: &Connection, customer_id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM search_profiles WHERE customer_id = ?1")?
        .execute([customer_id])?;
    Ok(())
}

/// Every stored profile with its document's rowid, and the names they mention.
#[derive(Debug, Default)]
pub struct Profiles {
    pub rows: Vec<(i64, Profile)>,
    pub vocabulary: Vocabulary,
}

/// The distinct lower-case names of services, categories, modifiers and staff in the store:
/// what a query's words can refer to.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Vocabulary {
    pub services: BTreeSet<String>,
    pub categories: BTreeSet<String>,
    pub modifiers: BTreeSet<String>,
    pub staff: BTreeSet<String>,
}

/// Reads every profile whose customer has a document.
pub fn load(conn: &Connection) -> Result<Profiles> {
    let mut stmt = conn.prepare(
        "SELECT d.rowid, p.profile FROM search_profiles p \
         JOIN search_documents d ON d.customer_id = p.customer_id ORDER BY d.rowid",
    )?;
    let mut out = Profiles::default();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let json: String = row.get(1)?;
        // A profile this version cannot read is skipped (the next refresh rewrites it).
        let Ok(p) = serde_json::from_str::<Profile>(&json) else {
            continue;
        };
        let v = &mut out.vocabulary;
        v.services.extend(p.services.iter().map(|t| t.name.clone()));
        v.categories
            .extend(p.categories.iter().map(|t| t.name.clone()));
        v.modifiers
            .extend(p.modifiers.iter().map(|t| t.name.clone()));
        v.staff.extend(p.staff.iter().map(|t| t.name.clone()));
        out.rows.push((row.get(0)?, p));
    }
    Ok(out)
}
