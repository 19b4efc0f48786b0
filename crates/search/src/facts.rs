//! What the store knows about each customer, gathered from the normalized tables in a few
//! set-wise queries (orders, line items, modifiers, payments, bookings, team members, reviews),
//! and the figures derived from it: visits, cadence, spend, favourites and a status.
//!
//! Computed here from the normalized tables rather than from the analysis tables, so search
//! works on a freshly imported store. What accepted spreadsheet uploads added to a customer
//! (`customer_enrichments`, provenance `spreadsheet_import`) is gathered as [`SheetContext`];
//! undoing a match deletes those records, so it drops out again.

use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One visit: an order with a customer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Visit {
    pub order_id: String,
    pub at: DateTime<Utc>,
    pub services: Vec<String>,
    /// Catalog categories of the services (e.g. "Colour"), when the catalog is known.
    pub categories: Vec<String>,
    pub modifiers: Vec<String>,
    pub staff: Option<String>,
}

/// A review the customer wrote.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReviewLine {
    pub rating: Option<i64>,
    pub text: String,
    pub created_at: String,
}

/// What accepted matches of uploaded spreadsheets added to a customer (undone or rejected
/// matches add nothing), oldest record first.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SheetContext {
    pub notes: Vec<String>,
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`, or `--MM-DD` without a year.
    pub birthday: Option<String>,
    /// The other system's ids for this customer.
    pub external_ids: Vec<String>,
    /// The last visit the other system recorded (`YYYY-MM-DD` or `--MM-DD`).
    pub last_visit: Option<String>,
}

impl SheetContext {
    pub fn is_empty(&self) -> bool {
        self == &SheetContext::default()
    }
}

/// Where a customer stands relative to their own cadence.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NoVisits,
    New,
    OneTime,
    Regular,
    Lapsed,
}

impl Status {
    /// The status of a customer whose last visit was `days_since_last` days ago (`None`: no
    /// visits) with a median gap of `cadence_days` between visits (`None`: one visit day).
    pub fn of(days_since_last: Option<f64>, cadence_days: Option<f64>) -> Status {
        let Some(since) = days_since_last else {
            return Status::NoVisits;
        };
        match cadence_days {
            None if since > ONE_TIME_AFTER_DAYS => Status::OneTime,
            None => Status::New,
            Some(c) if since > (2.0 * c).max(LAPSED_FLOOR_DAYS) => Status::Lapsed,
            Some(_) => Status::Regular,
        }
    }
}

/// Everything the context document and the task context are built from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CustomerFacts {
    pub customer_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Visits, oldest first.
    pub visits: Vec<Visit>,
    /// Completed payments minus refunds, tips excluded, in minor units.
    pub lifetime_value: i64,
    pub paid_visits: usize,
    pub currency: Option<String>,
    /// Square's notes: the customer's note, then booking notes, newest first.
    pub notes: Vec<String>,
    /// What uploaded spreadsheets added (accepted matches only).
    pub sheets: SheetContext,
    pub reviews: Vec<ReviewLine>,
    /// Staff who no longer work here (inactive team members), by name.
    pub departed_staff: Vec<String>,
    /// Bookings marked as no-shows.
    pub no_shows: usize,
    /// Bookings the customer cancelled.
    pub cancellations: usize,
    /// Where the customer's lifetime value stands in the shop (`None` without payments).
    pub spend_rank: Option<SpendRank>,
}

/// A paying customer's place among the shop's paying customers by lifetime value.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct SpendRank {
    /// Paying customers whose lifetime value is strictly higher.
    pub above: usize,
    /// Paying customers in the shop.
    pub of: usize,
}

impl SpendRank {
    /// The share of paying customers who spent more, in percent (0 for the top spender).
    pub fn percent_above(&self) -> f64 {
        100.0 * self.above as f64 / self.of.max(1) as f64
    }
}

/// A name and how often it occurs, most frequent first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Count {
    pub name: String,
    pub count: usize,
}

/// Days a customer may be overdue beyond their cadence before they count as lapsed.
pub const LAPSED_FLOOR_DAYS: f64 = 45.0;
/// A single visit this long ago makes a one-time customer rather than a new one.
pub const ONE_TIME_AFTER_DAYS: f64 = 90.0;

impl CustomerFacts {
    pub fn first_visit(&self) -> Option<DateTime<Utc>> {
        self.visits.first().map(|v| v.at)
    }

    pub fn last_visit(&self) -> Option<DateTime<Utc>> {
        self.visits.last().map(|v| v.at)
    }

    /// Median days between visits on different days (`None` with fewer than two).
    pub fn cadence_days(&self) -> Option<f64> {
        let mut days: Vec<i64> = self
            .visits
            .iter()
            .map(|v| v.at.timestamp() / 86_400)
            .collect();
        days.dedup();
        if days.len() < 2 {
            return None;
        }
        let mut gaps: Vec<i64> = days.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.sort_unstable();
        let mid = gaps.len() / 2;
        Some(if gaps.len().is_multiple_of(2) {
            (gaps[mid - 1] + gaps[mid]) as f64 / 2.0
        } else {
            gaps[mid] as f64
        })
    }

    pub fn days_since_last(&self, now: DateTime<Utc>) -> Option<f64> {
        self.last_visit()
            .map(|t| (now - t).num_seconds() as f64 / 86_400.0)
    }

    /// Regular, lapsed (a repeat customer overdue by more than twice their cadence and at
    /// least [`LAPSED_FLOOR_DAYS`]), new, one-time, or no visits yet.
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        Status::of(self.days_since_last(now), self.cadence_days())
    }

    pub fn average_spend(&self) -> Option<i64> {
        (self.paid_visits > 0).then(|| self.lifetime_value / self.paid_visits as i64)
    }

    pub fn services(&self) -> Vec<Count> {
        counts(self.visits.iter().flat_map(|v| v.services.iter()))
    }

    pub fn categories(&self) -> Vec<Count> {
        counts(self.visits.iter().flat_map(|v| v.categories.iter()))
    }

    pub fn modifiers(&self) -> Vec<Count> {
        counts(self.visits.iter().flat_map(|v| {
            // Counted once per visit, so "share of visits" reads naturally.
            let mut m: Vec<&String> = v.modifiers.iter().collect();
            m.sort();
            m.dedup();
            m
        }))
    }

    pub fn staff(&self) -> Vec<Count> {
        counts(self.visits.iter().filter_map(|v| v.staff.as_ref()))
    }
}

fn counts<'a>(names: impl Iterator<Item = &'a String>) -> Vec<Count> {
    let mut map: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *map.entry(n.as_str()).or_default() += 1;
    }
    let mut out: Vec<Count> = map
        .into_iter()
        .map(|(name, count)| Count {
            name: name.to_string(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The loaders' SQL keeps to all customers with `?1 IS NULL OR <column> = ?1`, which SQLite
/// answers by scanning the table whatever `?1` is; for one customer the `?1 IS NULL OR ` is
/// taken out, so that customer's rows are read through the tables' customer indexes.
/// (Regression: refreshing one customer's document, which every decision on the match
/// review screen does, scanned every history table: 3.5 s a decision on `large`.)
fn for_owner(sql: &str, only: Option<&str>) -> String {
    match only {
        Some(_) => sql.replace("?1 IS NULL OR ", ""),
        None => sql.to_owned(),
    }
}

/// Loads the facts of every customer (`only = None`) or of one customer, keyed by id.
pub fn load(conn: &Connection, only: Option<&str>) -> Result<BTreeMap<String, CustomerFacts>> {
    load_with(conn, only, None)
}

/// The facts of customer `id`, with its spend rank among `spend` (e.g.
/// [`SpendValues::stored`], read once for many customers) instead of an aggregate of every
/// payment of the shop.
pub fn load_one(conn: &Connection, id: &str, spend: &SpendValues) -> Result<Option<CustomerFacts>> {
    Ok(load_with(conn, Some(id), Some(spend))?.remove(id))
}

fn load_with(
    conn: &Connection,
    only: Option<&str>,
    spend: Option<&SpendValues>,
) -> Result<BTreeMap<String, CustomerFacts>> {
    let mut team: HashMap<String, (String, bool)> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, TRIM(COALESCE(given_name,'') || ' ' || COALESCE(family_name,'')), \
             COALESCE(status,'') FROM team_members",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, name, status) = row?;
            let name = if name.is_empty() { id.clone() } else { name };
            team.insert(id, (name, status.eq_ignore_ascii_case("INACTIVE")));
        }
    }

    let mut out: BTreeMap<String, CustomerFacts> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT id, given_name, family_name, nickname, company_name, email, phone_e164, note \
             FROM customers WHERE ?1 IS NULL OR id = ?1",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        for row in rows {
            let (id, given, family, nick, company, email, phone, note) = row?;
            let person = [non_empty(given), non_empty(family)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let name = non_empty(Some(person))
                .or(non_empty(nick))
                .or(non_empty(company))
                .or(email.clone())
                .unwrap_or_else(|| "Unnamed customer".to_string());
            out.insert(
                id.clone(),
                CustomerFacts {
                    customer_id: id,
                    name,
                    email: non_empty(email),
                    phone: non_empty(phone),
                    visits: vec![],
                    lifetime_value: 0,
                    paid_visits: 0,
                    currency: None,
                    notes: non_empty(note).into_iter().collect(),
                    sheets: SheetContext::default(),
                    reviews: vec![],
                    departed_staff: vec![],
                    no_shows: 0,
                    cancellations: 0,
                    spend_rank: None,
                },
            );
        }
    }

    // Staff per order, from the payment that settled it (the latest one when several did, so
    // the answer never depends on the table's storage order).
    let mut order_staff: HashMap<String, String> = HashMap::new();
    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT p.order_id, p.team_member_id FROM payments p JOIN orders o ON o.id = p.order_id \
             WHERE p.team_member_id IS NOT NULL AND o.customer_id IS NOT NULL \
             AND (?1 IS NULL OR o.customer_id = ?1) ORDER BY p.created_at, p.id",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (order, member) = row?;
            order_staff.insert(order, member);
        }
    }

    // Visits.
    let mut visit_index: HashMap<String, (String, usize)> = HashMap::new();
    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT customer_id, id, COALESCE(closed_at, created_at) FROM orders \
             WHERE customer_id IS NOT NULL AND COALESCE(state,'') <> 'CANCELED' \
             AND (?1 IS NULL OR customer_id = ?1) ORDER BY customer_id, 3",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        for row in rows {
            let (customer, order, at) = row?;
            let (Some(facts), Some(at)) =
                (out.get_mut(&customer), at.as_deref().and_then(parse_time))
            else {
                continue;
            };
            let staff = order_staff
                .get(&order)
                .and_then(|m| team.get(m))
                .map(|(n, departed)| {
                    if *departed && !facts.departed_staff.contains(n) {
                        facts.departed_staff.push(n.clone());
                    }
                    n.clone()
                });
            visit_index.insert(order.clone(), (customer.clone(), facts.visits.len()));
            facts.visits.push(Visit {
                order_id: order,
                at,
                services: vec![],
                categories: vec![],
                modifiers: vec![],
                staff,
            });
        }
    }

    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT li.order_id, COALESCE(li.name, li.variation_name), c.name \
             FROM order_line_items li JOIN orders o ON o.id = li.order_id \
             LEFT JOIN catalog_variations v ON v.id = li.catalog_object_id \
             LEFT JOIN catalog_items i ON i.id = v.item_id \
             LEFT JOIN catalog_categories c ON c.id = i.category_id \
             WHERE o.customer_id IS NOT NULL AND (?1 IS NULL OR o.customer_id = ?1)",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        for row in rows {
            let (order, name, category) = row?;
            if let (Some((customer, i)), Some(name)) = (visit_index.get(&order), non_empty(name))
                && let Some(f) = out.get_mut(customer)
            {
                let visit = &mut f.visits[*i];
                visit.services.push(name);
                if let Some(category) = non_empty(category)
                    && !visit.categories.contains(&category)
                {
                    visit.categories.push(category);
                }
            }
        }
    }

    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT m.order_id, m.name FROM order_line_item_modifiers m \
             JOIN orders o ON o.id = m.order_id \
             WHERE o.customer_id IS NOT NULL AND (?1 IS NULL OR o.customer_id = ?1)",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (order, name) = row?;
            if let (Some((customer, i)), Some(name)) = (visit_index.get(&order), non_empty(name))
                && let Some(f) = out.get_mut(customer)
            {
                f.visits[*i].modifiers.push(name);
            }
        }
    }

    {
        // A payment is the customer's when it names them, or names nobody and settles one of
        // their orders. For one customer the two cases are read apart, each through an index
        // (the customer's payments; the customer's orders, then their payments by order, in
        // that order: CROSS JOIN keeps SQLite from reading every walk-in payment instead):
        // `COALESCE(...) = ?1` made SQLite scan every payment (2 s on `large`).
        let sql = match only {
            None => {
                "SELECT COALESCE(p.customer_id, o.customer_id) AS c, \
                 SUM(COALESCE(p.amount,0) - COALESCE(p.refunded,0)), COUNT(*), MAX(p.currency) \
                 FROM payments p LEFT JOIN orders o ON o.id = p.order_id \
                 WHERE p.status = 'COMPLETED' AND c IS NOT NULL AND ?1 IS NULL GROUP BY c"
            }
            Some(_) => {
                "SELECT ?1, SUM(COALESCE(amount,0) - COALESCE(refunded,0)), COUNT(*), MAX(currency) \
                 FROM (SELECT p.amount, p.refunded, p.currency FROM payments p \
                       WHERE p.customer_id = ?1 AND p.status = 'COMPLETED' \
                       UNION ALL \
                       SELECT p.amount, p.refunded, p.currency FROM orders o \
                       CROSS JOIN payments p ON p.order_id = o.id \
                       WHERE o.customer_id = ?1 AND p.customer_id IS NULL AND p.status = 'COMPLETED') \
                 HAVING COUNT(*) > 0"
            }
        };
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (customer, value, n, currency) = row?;
            if let Some(f) = out.get_mut(&customer) {
                f.lifetime_value = value;
                f.paid_visits = n as usize;
                f.currency = currency;
            }
        }
    }

    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT customer_id, customer_note FROM bookings \
             WHERE customer_id IS NOT NULL AND TRIM(COALESCE(customer_note,'')) <> '' \
             AND (?1 IS NULL OR customer_id = ?1) ORDER BY start_at DESC",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (customer, note) = row?;
            if let Some(f) = out.get_mut(&customer) {
                let note = note.trim().to_string();
                if !f.notes.contains(&note) {
                    f.notes.push(note);
                }
            }
        }
    }

    {
        let mut stmt = conn.prepare(&for_owner(
            "SELECT customer_id, rating, text, created_at FROM reviews \
             WHERE customer_id IS NOT NULL AND (?1 IS NULL OR customer_id = ?1) \
             ORDER BY created_at DESC",
            only,
        ))?;
        let rows = stmt.query_map(params![only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (customer, rating, text, created_at) = row?;
            if let Some(f) = out.get_mut(&customer) {
                f.reviews.push(ReviewLine {
                    rating,
                    text,
                    created_at,
                });
            }
        }
    }

    load_missed_bookings(conn, only, &mut out)?;
    load_spend_ranks(conn, only, spend, &mut out)?;
    load_sheets(conn, only, &mut out)?;
    Ok(out)
}

/// Counts each customer's no-shows and cancelled bookings.
fn load_missed_bookings(
    conn: &Connection,
    only: Option<&str>,
    out: &mut BTreeMap<String, CustomerFacts>,
) -> Result<()> {
    let mut stmt = conn.prepare(&for_owner(
        "SELECT customer_id, status, COUNT(*) FROM bookings \
         WHERE customer_id IS NOT NULL AND status IN ('NO_SHOW','CANCELLED_BY_CUSTOMER') \
         AND (?1 IS NULL OR customer_id = ?1) GROUP BY customer_id, status",
        only,
    ))?;
    let rows = stmt.query_map(params![only], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (customer, status, n) = row?;
        if let Some(f) = out.get_mut(&customer) {
            if status == "NO_SHOW" {
                f.no_shows = n as usize;
            } else {
                f.cancellations = n as usize;
            }
        }
    }
    Ok(())
}

/// Where the shop's paying customers' lifetime values stand, to place one customer among
/// them: each paying customer's value by id, and the values sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpendValues {
    by_customer: HashMap<String, i64>,
    sorted: Vec<i64>,
}

impl SpendValues {
    fn new(by_customer: HashMap<String, i64>) -> SpendValues {
        let mut sorted: Vec<i64> = by_customer.values().copied().collect();
        sorted.sort_unstable();
        SpendValues {
            by_customer,
            sorted,
        }
    }

    /// The paying customers among `facts` (a full load).
    fn of_facts(facts: &BTreeMap<String, CustomerFacts>) -> SpendValues {
        SpendValues::new(
            facts
                .values()
                .filter(|f| f.paid_visits > 0)
                .map(|f| (f.customer_id.clone(), f.lifetime_value))
                .collect(),
        )
    }

    /// The values the stored search documents were built with: the lifetime value in each
    /// existing customer's document profile (migration 0019, written and deleted with the
    /// document; read there rather than from the documents, whose rows carry the texts and
    /// vectors), for those it ranks as paying.
    /// Reading them costs one pass over the documents instead of aggregating every payment
    /// of the shop; a document rebuilt with them is the one a full build makes as long as
    /// the stored documents are up to date with the payments (every import, sync and full
    /// refresh rebuilds them all after writing payments).
    pub fn stored(conn: &Connection) -> Result<SpendValues> {
        let mut stmt = conn.prepare_cached(
            "SELECT p.customer_id, json_extract(p.profile, '$.lifetime_value') \
             FROM search_profiles p \
             WHERE json_extract(p.profile, '$.spend_percent_above') IS NOT NULL \
             AND EXISTS (SELECT 1 FROM customers c WHERE c.id = p.customer_id)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(SpendValues::new(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Aggregates every completed payment of the shop (what a full load computes).
    fn aggregate(conn: &Connection) -> Result<SpendValues> {
        let mut stmt = conn.prepare(
            "SELECT COALESCE(p.customer_id, o.customer_id) AS c, \
             SUM(COALESCE(p.amount,0) - COALESCE(p.refunded,0)) AS total \
             FROM payments p LEFT JOIN orders o ON o.id = p.order_id \
             WHERE p.status = 'COMPLETED' AND c IS NOT NULL \
             AND c IN (SELECT id FROM customers) GROUP BY c",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(SpendValues::new(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Paying customers.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// `f`'s place among the others' values and its own (its own value as given in `f`,
    /// whatever the values hold for it); `None` when `f` has no payment.
    pub fn rank(&self, f: &CustomerFacts) -> Option<SpendRank> {
        if f.paid_visits == 0 {
            return None;
        }
        let v = f.lifetime_value;
        let mut above = self.sorted.len() - self.sorted.partition_point(|x| *x <= v);
        let mut of = self.sorted.len() + 1;
        if let Some(own) = self.by_customer.get(&f.customer_id) {
            of -= 1;
            above -= usize::from(*own > v);
        }
        Some(SpendRank { above, of })
    }
}

/// Places each paying customer among the shop's paying customers by lifetime value: for a
/// full load among the loaded values, for one customer among `spend` (or, without it, among
/// the values of one aggregate of every payment), so the rank (and the document) is the same
/// as in a full load.
fn load_spend_ranks(
    conn: &Connection,
    only: Option<&str>,
    spend: Option<&SpendValues>,
    out: &mut BTreeMap<String, CustomerFacts>,
) -> Result<()> {
    let aggregated;
    let values = match (only, spend) {
        (None, _) => {
            aggregated = SpendValues::of_facts(out);
            &aggregated
        }
        (Some(_), Some(spend)) => spend,
        (Some(_), None) => {
            aggregated = SpendValues::aggregate(conn)?;
            &aggregated
        }
    };
    for f in out.values_mut() {
        f.spend_rank = values.rank(f);
    }
    Ok(())
}

/// Adds what accepted spreadsheet matches contributed (`customer_enrichments`, migration 0008).
fn load_sheets(
    conn: &Connection,
    only: Option<&str>,
    out: &mut BTreeMap<String, CustomerFacts>,
) -> Result<()> {
    let mut stmt = conn.prepare(&for_owner(
        "SELECT e.customer_id, e.kind, e.value FROM customer_enrichments e \
         JOIN upload_matches m ON m.id = e.match_id AND m.state = 'accepted' \
         JOIN uploads u ON u.id = e.upload_id AND u.undone_at IS NULL \
         WHERE e.kind IN ('note','tag','birthday','external_id','last_visit') \
         AND (?1 IS NULL OR e.customer_id = ?1) ORDER BY e.id",
        only,
    ))?;
    let rows = stmt.query_map(params![only], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (customer, kind, value) = row?;
        let (Some(f), Some(value)) = (out.get_mut(&customer), non_empty(Some(value))) else {
            continue;
        };
        let s = &mut f.sheets;
        let push = |list: &mut Vec<String>, v: String| {
            if !list.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
                list.push(v);
            }
        };
        match kind.as_str() {
            "note" => {
                if !f.notes.contains(&value) {
                    push(&mut s.notes, value);
                }
            }
            "tag" => push(&mut s.tags, value),
            "external_id" => push(&mut s.external_ids, value),
            "birthday" => s.birthday = Some(value),
            // The latest of the recorded dates (ISO text sorts by date).
            _ => {
                if s.last_visit.as_ref().is_none_or(|v| *v < value) {
                    s.last_visit = Some(value);
                }
            }
        }
    }
    Ok(())
}
