//! Visits per customer, derived from the store (the rule is written down in
//! ARCHITECTURE.md under "Visits").
//!
//! A visit is one (customer, local day at the location) with at least one of:
//! 1. a `COMPLETED` order with that customer;
//! 2. a `COMPLETED` payment with that customer, unless it belongs to a completed order of
//!    the same customer (then rule 1 already counts it);
//! 3. an `ACCEPTED` booking of that customer that started before `now`.
//!
//! Several sources on the same customer-day are one visit, attributed to the first rule
//! that matched (order, then payment, then booking). The local day uses the location's IANA
//! time zone, UTC when the location or its zone is unknown. Canceled, failed and open
//! sales, no-shows and cancelled bookings are not visits; a refunded sale still is (the
//! customer came). Two visits on one day count once. Composite-key duplicates never reach
//! the tables, so they cannot add visits.

use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// Which rule produced a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VisitSource {
    Order,
    Payment,
    Booking,
}

/// One visit of one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub customer_id: String,
    /// The local day at the location.
    pub day: NaiveDate,
    pub location_id: Option<String>,
    pub source: VisitSource,
    /// The id of the order, payment or booking the visit is attributed to.
    pub source_id: String,
}

const CANDIDATES: &str = "
    SELECT customer_id, created_at, location_id, 0, id FROM orders
     WHERE state = 'COMPLETED' AND customer_id IS NOT NULL AND created_at IS NOT NULL
    UNION ALL
    SELECT p.customer_id, p.created_at, p.location_id, 1, p.id FROM payments p
     WHERE p.status = 'COMPLETED' AND p.customer_id IS NOT NULL AND p.created_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.order_id
                       AND o.state = 'COMPLETED' AND o.customer_id = p.customer_id)
    UNION ALL
    SELECT customer_id, start_at, location_id, 2, id FROM bookings
     WHERE status = 'ACCEPTED' AND customer_id IS NOT NULL AND start_at IS NOT NULL
       AND start_at < ?1";

fn location_zones(conn: &Connection) -> Result<HashMap<String, Tz>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, timezone FROM locations WHERE timezone IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut zones = HashMap::new();
    for row in rows {
        let (id, tz) = row?;
        if let Ok(tz) = tz.parse::<Tz>() {
            zones.insert(id, tz);
        }
    }
    Ok(zones)
}

/// Every visit up to `now`, ordered by customer then day.
pub fn visits(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Visit>> {
    let now_text = crate::time::utc_text(&now);
    let mut stmt = conn.prepare_cached(CANDIDATES)?;
    let rows = stmt.query([&now_text])?;
    collect_visits(conn, rows)
}

/// One customer's visits up to `now`, by day (the same rule as [`visits`], read through the
/// per-customer indexes, for the customer page).
pub fn visits_of(conn: &Connection, customer_id: &str, now: DateTime<Utc>) -> Result<Vec<Visit>> {
    let now_text = crate::time::utc_text(&now);
    let sql = format!("SELECT * FROM ({CANDIDATES}) WHERE customer_id = ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query([now_text.as_str(), customer_id])?;
    collect_visits(conn, rows)
}

fn collect_visits(conn: &Connection, mut rows: rusqlite::Rows<'_>) -> Result<Vec<Visit>> {
    let zones = location_zones(conn)?;
    let mut by_day: BTreeMap<(String, NaiveDate), Visit> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let customer_id: String = r.get(0)?;
        let at: String = r.get(1)?;
        let location_id: Option<String> = r.get(2)?;
        let source = match r.get::<_, i64>(3)? {
            0 => VisitSource::Order,
            1 => VisitSource::Payment,
            _ => VisitSource::Booking,
        };
        let Ok(at) = DateTime::parse_from_rfc3339(&at) else {
            continue;
        };
        let day = match location_id.as_ref().and_then(|l| zones.get(l)) {
            Some(tz) => at.with_timezone(tz).date_naive(),
            None => at.with_timezone(&Utc).date_naive(),
        };
        let visit = Visit {
            customer_id: customer_id.clone(),
            day,
            location_id,
            source,
            source_id: r.get(4)?,
        };
        by_day
            .entry((customer_id, day))
            .and_modify(|v| {
                if (visit.source, &visit.source_id) < (v.source, &v.source_id) {
                    *v = visit.clone();
                }
            })
            .or_insert(visit);
    }
    Ok(by_day.into_values().collect())
}

/// Visits per customer up to `now`.
pub fn visit_counts(conn: &Connection, now: DateTime<Utc>) -> Result<BTreeMap<String, u32>> {
    let mut counts = BTreeMap::new();
    for v in visits(conn, now)? {
        *counts.entry(v.customer_id).or_insert(0) += 1;
    }
    Ok(counts)
}
