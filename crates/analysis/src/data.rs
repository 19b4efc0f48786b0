//! Everything analysis reads from the store, in memory: customers, the team, the catalog's
//! names, visits (from `keeper-normalize`'s visit rule) with what happened on each (net
//! spend, team members, services, modifiers), bookings, loyalty and reviews. It is merged
//! from per-owner parts ([`crate::derive`], kept by [`crate::cache`]) with canonical
//! indices (team by id, services and modifiers by name, customers by id).
//!
//! Money is net of refunds and excludes tips: a payment counts `amount − refunded`, where
//! refunded is the larger of the payment's `refunded` and its completed or pending refunds.
//! A payment belongs to its customer, or else to its completed order's customer. Days are
//! local to the row's location (UTC when unknown), the same rule the visits use. A
//! service's price is the catalog's, else the highest it was sold at; a modifier's the
//! catalog's, else the highest a line carried; a customer with several loyalty accounts
//! shows the highest balance.

use crate::derive::{self, ModifierKey, Part, Scope, ServiceKey, WALKIN};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A customer's profile fields analysis uses.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub id: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// `YYYY-MM-DD` or `--MM-DD`.
    pub birthday: Option<String>,
    /// The `customers` table has this profile (history can name a customer it lacks, e.g.
    /// one quarantined or deleted in Square; nobody can call those).
    pub known: bool,
}

/// A service or retail product (catalog item) as sold or booked.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub category: Option<String>,
    /// A retail product (catalog `product_type` `REGULAR`), not an appointment service.
    pub retail: bool,
    /// Typical price in minor units (the catalog variation's, else the last price sold at;
    /// 0 when unknown).
    pub price: i64,
}

/// What the catalog says about a variation's item.
#[derive(Debug, Clone)]
pub struct ItemInfo {
    pub name: String,
    pub category: Option<String>,
    pub retail: bool,
    pub price: Option<i64>,
}

/// A modifier as sold, with whether it is an optional add-on (see [`Dataset::load`]).
#[derive(Debug, Clone)]
pub struct Modifier {
    pub name: String,
    /// Typical price in minor units (catalog price, else the price last sold at).
    pub price: i64,
    pub optional: bool,
}

/// One visit day of one customer and what happened on it.
#[derive(Debug, Clone, Default)]
pub struct VisitDay {
    pub day: NaiveDate,
    /// Net spend that day (minor units).
    pub spend: i64,
    /// Team member indices (payments first, then booking segments), no repeats.
    pub team: Vec<u32>,
    /// Service indices, no repeats.
    pub services: Vec<u32>,
    /// Modifier indices, one per modifier sold.
    pub modifiers: Vec<u32>,
    /// A completed order was part of the visit (so modifiers could have been sold).
    pub has_order: bool,
}

/// A booking of a customer.
#[derive(Debug, Clone)]
pub struct BookingRow {
    pub status: String,
    pub start: DateTime<Utc>,
    pub start_day: NaiveDate,
    pub created_day: Option<NaiveDate>,
}

/// One customer's history.
#[derive(Debug, Clone, Default)]
pub struct CustomerData {
    pub profile: Profile,
    /// Visits in day order.
    pub visits: Vec<VisitDay>,
    /// Net of every completed payment (minor units).
    pub net_total: i64,
    pub bookings: Vec<BookingRow>,
    /// Loyalty balance when enrolled.
    pub loyalty_balance: Option<i64>,
}

/// A review as the reviews work stores it (migration 0007).
#[derive(Debug, Clone)]
pub struct Review {
    pub id: String,
    pub source: String,
    pub author_name: Option<String>,
    pub rating: Option<i64>,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub replied: bool,
    pub customer: Option<u32>,
    pub urgent: bool,
    pub urgent_reason: Option<String>,
    pub sentiment: Option<f64>,
}

/// Net revenue and visits of one month (all sales, walk-ins included).
#[derive(Debug, Clone, Copy, Default)]
pub struct MonthTotals {
    pub revenue: i64,
    pub payments: u32,
}

/// Everything loaded.
#[derive(Debug, Default)]
pub struct Dataset {
    pub now: DateTime<Utc>,
    /// Today in the business's main time zone.
    pub today: NaiveDate,
    pub currency: Option<String>,
    pub customers: Vec<CustomerData>,
    pub customer_index: HashMap<String, u32>,
    /// Team member ids and given names.
    pub team: Vec<(String, Option<String>)>,
    pub services: Vec<Service>,
    pub modifiers: Vec<Modifier>,
    /// Net payments per (year, month), local.
    pub months: BTreeMap<(i32, u32), MonthTotals>,
    /// Net payments per team member index (all time, last 365 days).
    pub staff_revenue: HashMap<u32, (i64, i64)>,
    pub has_loyalty_program: bool,
    pub reviews: Vec<Review>,
}

/// The locations' time zones and the business's main one.
pub struct Zones {
    by_location: HashMap<String, Tz>,
    home: Option<Tz>,
}

impl Zones {
    pub fn load(conn: &Connection) -> Result<Zones> {
        let mut stmt = conn
            .prepare("SELECT id, timezone FROM locations WHERE timezone IS NOT NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut by_location = HashMap::new();
        let mut votes: BTreeMap<String, usize> = BTreeMap::new();
        for row in rows {
            let (id, tz) = row?;
            if let Ok(zone) = tz.parse::<Tz>() {
                by_location.insert(id, zone);
                *votes.entry(tz).or_default() += 1;
            }
        }
        let home = votes
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .and_then(|(tz, _)| tz.parse().ok());
        Ok(Zones { by_location, home })
    }

    /// Today in the business's main time zone.
    pub fn today(&self, now: &DateTime<Utc>) -> NaiveDate {
        match self.home {
            Some(tz) => now.with_timezone(&tz).date_naive(),
            None => now.date_naive(),
        }
    }

    /// The local day of an instant at a location (UTC when unknown).
    pub fn day(&self, at: &DateTime<Utc>, location: Option<&str>) -> NaiveDate {
        match location.and_then(|l| self.by_location.get(l)) {
            Some(tz) => at.with_timezone(tz).date_naive(),
            None => at.date_naive(),
        }
    }
}

/// An RFC 3339 instant.
pub fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A catalog modifier: name, modifier list id, price.
type CatalogModifier = (Option<String>, Option<String>, Option<i64>);

/// An item's name, category name and whether it is a retail product.
type CatalogItem = (Option<String>, Option<String>, bool);

/// A modifier resolved against the catalog.
#[derive(Debug, Clone)]
pub struct ResolvedModifier {
    pub name: String,
    /// The modifier list, else `name:<name>`.
    pub group: String,
    pub catalog_price: Option<i64>,
    /// The highest price lines carried it at (used without a catalog price).
    pub line_price: Option<i64>,
}

/// Catalog names: variation → (item, price), item → (name, category name, retail),
/// modifier → (name, list, price).
pub struct Catalog {
    variation_item: HashMap<String, (String, Option<i64>)>,
    items: HashMap<String, CatalogItem>,
    pub modifiers: HashMap<String, CatalogModifier>,
}

impl Catalog {
    pub fn load(conn: &Connection) -> Result<Catalog> {
        let mut categories = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name FROM catalog_categories")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            categories.insert(r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?);
        }
        let mut items = HashMap::new();
        let mut stmt =
            conn.prepare("SELECT id, name, category_id, product_type FROM catalog_items")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let category: Option<String> = r.get(2)?;
            let category = category.and_then(|c| categories.get(&c).cloned().flatten());
            let retail = r.get::<_, Option<String>>(3)?.as_deref() == Some("REGULAR");
            items.insert(r.get::<_, String>(0)?, (r.get(1)?, category, retail));
        }
        let mut variation_item = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, item_id, price_amount FROM catalog_variations WHERE item_id IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            variation_item.insert(r.get::<_, String>(0)?, (r.get::<_, String>(1)?, r.get(2)?));
        }
        let mut modifiers = HashMap::new();
        let mut stmt =
            conn.prepare("SELECT id, name, modifier_list_id, price_amount FROM catalog_modifiers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            modifiers.insert(r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?));
        }
        Ok(Catalog {
            variation_item,
            items,
            modifiers,
        })
    }

    /// A modifier as a line names it (catalog id, line name): the catalog's name, list and
    /// price, else the line's name (no name: not a modifier anyone can be offered).
    pub fn modifier(&self, key: &ModifierKey) -> Option<ResolvedModifier> {
        let known = key.0.as_deref().and_then(|id| self.modifiers.get(id));
        let name = known
            .and_then(|k| k.0.clone())
            .or_else(|| key.1.clone())
            .filter(|n| !n.trim().is_empty())?;
        let group = known
            .and_then(|k| k.1.clone())
            .unwrap_or_else(|| format!("name:{name}"));
        Some(ResolvedModifier {
            name,
            group,
            catalog_price: known.and_then(|k| k.2),
            line_price: None,
        })
    }

    /// What the catalog says about a variation, else the line's own name.
    pub fn service(
        &self,
        variation: Option<&str>,
        fallback_name: Option<&str>,
    ) -> Option<ItemInfo> {
        if let Some((item, price)) = variation.and_then(|v| self.variation_item.get(v))
            && let Some((name, category, retail)) = self.items.get(item)
            && let Some(name) = name.as_deref().or(fallback_name)
        {
            return Some(ItemInfo {
                name: name.to_string(),
                category: category.clone(),
                retail: *retail,
                price: *price,
            });
        }
        fallback_name.map(|n| ItemInfo {
            name: n.to_string(),
            category: None,
            retail: false,
            price: None,
        })
    }
}

impl Dataset {
    /// Reads the store as of `now` (nothing after `now` counts as history): every owner's
    /// part derived afresh ([`crate::derive`]), then merged.
    pub fn load(conn: &Connection, now: DateTime<Utc>) -> Result<Dataset> {
        let zones = Zones::load(conn)?;
        let catalog = Catalog::load(conn)?;
        let parts = derive::derive(conn, now, &zones, Scope::All)?;
        Dataset::from_parts(conn, now, &zones, &catalog, &parts)
    }

    /// Merges owners' parts into the dataset as of `now`, resolving items and add-ons
    /// against `catalog` and reading the small merchant-wide tables (team, loyalty program,
    /// reviews) afresh. Indices are canonical: team members
    /// by id (those only history names after them), services and modifiers by name,
    /// customers by id, so the same parts always give the same dataset.
    pub fn from_parts(
        conn: &Connection,
        now: DateTime<Utc>,
        zones: &Zones,
        catalog: &Catalog,
        parts: &BTreeMap<String, Part>,
    ) -> Result<Dataset> {
        let today = zones.today(&now);
        let year_ago = today - chrono::Duration::days(365);
        let mut ds = Dataset {
            now,
            today,
            ..Dataset::default()
        };

        // Team: the table by id, then ids only history names.
        let mut team_index: FxHashMap<String, u32> = FxHashMap::default();
        let mut stmt = conn.prepare("SELECT id, given_name FROM team_members ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            team_index.insert(id.clone(), ds.team.len() as u32);
            ds.team.push((id, r.get(1)?));
        }
        let mut extra_team: BTreeSet<&str> = BTreeSet::new();
        let mut currencies: BTreeMap<&str, u32> = BTreeMap::new();
        // Items and modifiers as rows name them, resolved once each.
        let mut item_of: FxHashMap<&ServiceKey, Option<ItemInfo>> = FxHashMap::default();
        let mut modifier_of: FxHashMap<&ModifierKey, Option<ResolvedModifier>> =
            FxHashMap::default();
        for part in parts.values() {
            let named = part
                .visits
                .iter()
                .flat_map(|v| v.team.iter())
                .chain(part.staff.keys().map(|(t, _)| t));
            for t in named {
                if !team_index.contains_key(t.as_str()) {
                    extra_team.insert(t.as_str());
                }
            }
            for (c, n) in &part.currencies {
                *currencies.entry(c).or_default() += n;
            }
            for (&key, &(revenue, payments)) in &part.months {
                let m = ds.months.entry(key).or_default();
                m.revenue += revenue;
                m.payments += payments;
            }
            for key in part.services.keys() {
                item_of
                    .entry(key)
                    .or_insert_with(|| catalog.service(key.0.as_deref(), key.1.as_deref()));
            }
            for (key, price) in &part.modifiers {
                let resolved = modifier_of
                    .entry(key)
                    .or_insert_with(|| catalog.modifier(key))
                    .as_mut();
                if let Some(m) = resolved
                    && m.catalog_price.is_none()
                {
                    m.line_price = m.line_price.max(*price);
                }
            }
        }
        for t in extra_team {
            team_index.insert(t.to_string(), ds.team.len() as u32);
            ds.team.push((t.to_string(), None));
        }
        ds.currency = currencies
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(c, _)| c.to_string());

        // Services by name: the catalog's price, else the highest sold at.
        #[derive(Default)]
        struct ServiceAcc {
            category: Option<String>,
            retail: bool,
            catalog_price: Option<i64>,
            sold_price: Option<i64>,
            lines: u32,
        }
        let mut services: BTreeMap<&str, ServiceAcc> = BTreeMap::new();
        for part in parts.values() {
            for (key, sold) in &part.services {
                let Some(Some(info)) = item_of.get(key) else {
                    continue;
                };
                let s = services.entry(info.name.as_str()).or_default();
                s.category = s.category.clone().max(info.category.clone());
                s.retail |= info.retail;
                s.catalog_price = s.catalog_price.max(info.price);
                s.sold_price = s.sold_price.max(sold.sold_price);
                s.lines += sold.lines;
            }
        }
        let mut service_index: FxHashMap<&str, u32> = FxHashMap::default();
        for (name, s) in &services {
            service_index.insert(name, ds.services.len() as u32);
            ds.services.push(Service {
                name: name.to_string(),
                category: s.category.clone(),
                retail: s.retail,
                price: s
                    .catalog_price
                    .filter(|p| *p > 0)
                    .or(s.sold_price.filter(|p| *p > 0))
                    .unwrap_or(0),
            });
        }
        // Each key as rows name it → its service index, resolved once.
        let service_of_key: FxHashMap<&ServiceKey, u32> = item_of
            .iter()
            .filter_map(|(&k, info)| {
                let i = *service_index.get(info.as_ref()?.name.as_str())?;
                Some((k, i))
            })
            .collect();
        let service_ix = |key: &ServiceKey| -> Option<u32> { service_of_key.get(key).copied() };

        // Modifiers by name (the smallest group, the highest price), and per group the
        // order lines carrying it and the services it was sold with.
        let mut modifiers: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
        for m in modifier_of.values().flatten() {
            let price = m.catalog_price.or(m.line_price).unwrap_or(0);
            modifiers
                .entry(m.name.as_str())
                .and_modify(|e| {
                    e.0 = e.0.min(m.group.as_str());
                    e.1 = e.1.max(price);
                })
                .or_insert((m.group.as_str(), price));
        }
        let mut groups: FxHashMap<&str, (u32, BTreeSet<u32>)> = FxHashMap::default();
        for part in parts.values() {
            for ((service, mods), n) in &part.lines {
                let line_groups: BTreeSet<&str> = mods
                    .iter()
                    .filter_map(|k| modifier_of.get(k)?.as_ref())
                    .map(|m| m.group.as_str())
                    .collect();
                let service = service.as_ref().and_then(service_ix);
                for g in line_groups {
                    let e = groups.entry(g).or_default();
                    e.0 += n;
                    e.1.extend(service);
                }
            }
        }
        // A modifier group attached to at least 80% of the lines of the services it is
        // sold with is a required choice (a length, a size), not an add-on.
        let mut modifier_index: FxHashMap<&str, u32> = FxHashMap::default();
        for (name, (group, price)) in &modifiers {
            let (carried, eligible) = groups.get(group).map_or((0, 0), |(l, s)| {
                let eligible: u32 = s
                    .iter()
                    .map(|&s| services[ds.services[s as usize].name.as_str()].lines)
                    .sum();
                (*l, eligible)
            });
            modifier_index.insert(name, ds.modifiers.len() as u32);
            ds.modifiers.push(Modifier {
                name: name.to_string(),
                price: *price,
                optional: eligible > 0 && f64::from(carried) < 0.8 * f64::from(eligible),
            });
        }
        let modifier_of_key: FxHashMap<&ModifierKey, u32> = modifier_of
            .iter()
            .filter_map(|(&k, m)| {
                let i = *modifier_index.get(m.as_ref()?.name.as_str())?;
                Some((k, i))
            })
            .collect();
        let modifier_ix = |key: &ModifierKey| -> Option<u32> { modifier_of_key.get(key).copied() };

        // Customers by id.
        for (key, part) in parts {
            if key.starts_with(WALKIN) {
                for ((t, day), net) in &part.staff {
                    let e = ds.staff_revenue.entry(team_index[t.as_str()]).or_default();
                    e.0 += net;
                    if *day > year_ago {
                        e.1 += net;
                    }
                }
                continue;
            }
            let i = ds.intern_customer(key) as usize;
            for ((t, day), net) in &part.staff {
                let e = ds.staff_revenue.entry(team_index[t.as_str()]).or_default();
                e.0 += net;
                if *day > year_ago {
                    e.1 += net;
                }
            }
            let c = &mut ds.customers[i];
            if let Some(p) = &part.profile {
                c.profile.given_name = p.given_name.clone();
                c.profile.family_name = p.family_name.clone();
                c.profile.birthday = p.birthday.clone();
                c.profile.known = true;
            }
            c.net_total = part.net_total;
            c.loyalty_balance = part.loyalty;
            c.bookings = part
                .bookings
                .iter()
                .map(|b| BookingRow {
                    status: b.status.clone(),
                    start: b.start,
                    start_day: b.start_day,
                    created_day: b.created_day,
                })
                .collect();
            c.visits = part
                .visits
                .iter()
                .map(|v| VisitDay {
                    day: v.day,
                    spend: v.spend,
                    team: v.team.iter().map(|t| team_index[t.as_str()]).collect(),
                    services: {
                        let mut ix: Vec<u32> = v.services.iter().filter_map(service_ix).collect();
                        ix.sort_unstable();
                        ix.dedup();
                        ix
                    },
                    modifiers: {
                        let mut ix: Vec<u32> = v.modifiers.iter().filter_map(modifier_ix).collect();
                        ix.sort_unstable();
                        ix
                    },
                    has_order: v.has_order,
                })
                .collect();
        }

        // Loyalty program.
        ds.has_loyalty_program =
            conn.query_row("SELECT COUNT(*) FROM loyalty_programs", [], |r| {
                r.get::<_, i64>(0)
            })? > 0;

        // Reviews (migration 0007; may be empty).
        let mut stmt = conn.prepare(
            "SELECT id, source, author_name, rating, text, created_at, owner_reply, customer_id,
                    urgent, urgent_reason, sentiment FROM reviews ORDER BY created_at, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(created_at) = parse_ts(&r.get::<_, String>(5)?) else {
                continue;
            };
            if created_at > now {
                continue;
            }
            let reply: Option<String> = r.get(6)?;
            let customer: Option<String> = r.get(7)?;
            let customer = customer.and_then(|c| ds.customer_index.get(&c).copied());
            ds.reviews.push(Review {
                id: r.get(0)?,
                source: r.get(1)?,
                author_name: r.get(2)?,
                rating: r.get(3)?,
                text: r.get(4)?,
                created_at,
                replied: reply.is_some_and(|t| !t.trim().is_empty()),
                customer,
                urgent: r.get::<_, i64>(8)? != 0,
                urgent_reason: r.get(9)?,
                sentiment: r.get(10)?,
            });
        }
        Ok(ds)
    }

    fn intern_customer(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.customer_index.get(id) {
            return i;
        }
        let i = self.customers.len() as u32;
        self.customer_index.insert(id.to_string(), i);
        self.customers.push(CustomerData {
            profile: Profile {
                id: id.to_string(),
                ..Profile::default()
            },
            ..CustomerData::default()
        });
        i
    }

    /// A team member's first name (or `None` when the store has none).
    pub fn team_first_name(&self, t: u32) -> Option<&str> {
        self.team
            .get(t as usize)
            .and_then(|(_, n)| n.as_deref())
            .filter(|n| !n.trim().is_empty())
    }
}
