//! Everything analysis reads from the store, loaded once into memory: customers, the team,
//! the catalog's names, visits (from `keeper-normalize`'s visit rule) with what happened on
//! each (net spend, team members, services, modifiers), bookings, loyalty and reviews.
//!
//! Money is net of refunds and excludes tips: a payment counts `amount − refunded`, where
//! refunded is the larger of the payment's `refunded` and its completed or pending refunds.
//! A payment belongs to its customer, or else to its completed order's customer. Days are
//! local to the row's location (UTC when unknown), the same rule the visits use.

use crate::error::Result;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap, HashSet};

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

struct Zones {
    by_location: HashMap<String, Tz>,
    home: Option<Tz>,
}

impl Zones {
    fn load(conn: &Connection) -> Result<Zones> {
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

    fn day(&self, at: &DateTime<Utc>, location: Option<&str>) -> NaiveDate {
        match location.and_then(|l| self.by_location.get(l)) {
            Some(tz) => at.with_timezone(tz).date_naive(),
            None => at.date_naive(),
        }
    }
}

fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

struct Interner {
    index: HashMap<String, u32>,
}

impl Interner {
    fn new() -> Self {
        Interner {
            index: HashMap::new(),
        }
    }
}

/// A catalog modifier: name, modifier list id, price.
type CatalogModifier = (Option<String>, Option<String>, Option<i64>);
/// A booking segment: team member id, service variation id.
type Segment = (Option<String>, Option<String>);

/// An item's name, category name and whether it is a retail product.
type CatalogItem = (Option<String>, Option<String>, bool);

/// Catalog names: variation → (item, price), item → (name, category name, retail),
/// modifier → (name, list, price).
struct Catalog {
    variation_item: HashMap<String, (String, Option<i64>)>,
    items: HashMap<String, CatalogItem>,
    modifiers: HashMap<String, CatalogModifier>,
}

impl Catalog {
    fn load(conn: &Connection) -> Result<Catalog> {
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

    /// What the catalog says about a variation, else the line's own name.
    fn service(&self, variation: Option<&str>, fallback_name: Option<&str>) -> Option<ItemInfo> {
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

/// Accumulates what happened on one customer-day before the visit list exists.
#[derive(Default)]
struct DayAcc {
    spend: i64,
    team: Vec<u32>,
    services: Vec<u32>,
    modifiers: Vec<u32>,
    has_order: bool,
}

fn push_unique(v: &mut Vec<u32>, x: u32) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Dataset {
    /// Reads the store as of `now` (nothing after `now` counts as history).
    pub fn load(conn: &Connection, now: DateTime<Utc>) -> Result<Dataset> {
        let zones = Zones::load(conn)?;
        let today = match zones.home {
            Some(tz) => now.with_timezone(&tz).date_naive(),
            None => now.date_naive(),
        };
        let year_ago = today - chrono::Duration::days(365);
        let catalog = Catalog::load(conn)?;
        let mut ds = Dataset {
            now,
            today,
            ..Dataset::default()
        };

        // Customers.
        let mut stmt = conn
            .prepare("SELECT id, given_name, family_name, birthday FROM customers ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let profile = Profile {
                id: r.get(0)?,
                given_name: r.get(1)?,
                family_name: r.get(2)?,
                birthday: r.get(3)?,
                known: true,
            };
            ds.intern_customer(&profile.id);
            let i = ds.customer_index[&profile.id] as usize;
            ds.customers[i].profile = profile;
        }

        // Team.
        let mut team_index = Interner::new();
        let mut stmt = conn.prepare("SELECT id, given_name FROM team_members ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            team_index.index.insert(id.clone(), ds.team.len() as u32);
            ds.team.push((id, r.get(1)?));
        }
        let mut team_of = |ds: &mut Dataset, id: &str| -> u32 {
            if let Some(&i) = team_index.index.get(id) {
                return i;
            }
            let i = ds.team.len() as u32;
            team_index.index.insert(id.to_string(), i);
            ds.team.push((id.to_string(), None));
            i
        };

        let mut services = Interner::new();
        // Interns a service by name; a price seen later (catalog, else as sold) fills a
        // missing one.
        let mut service_of = |ds: &mut Dataset, info: ItemInfo, sold_at: Option<i64>| -> u32 {
            let price = info.price.or(sold_at).filter(|p| *p > 0);
            if let Some(&i) = services.index.get(&info.name) {
                let s = &mut ds.services[i as usize];
                if s.price == 0
                    && let Some(p) = price
                {
                    s.price = p;
                }
                return i;
            }
            let i = ds.services.len() as u32;
            services.index.insert(info.name.clone(), i);
            ds.services.push(Service {
                name: info.name,
                category: info.category,
                retail: info.retail,
                price: price.unwrap_or(0),
            });
            i
        };

        let mut days: HashMap<(u32, NaiveDate), DayAcc> = HashMap::new();

        // Completed orders with a customer: which customer and day each belongs to.
        let mut orders: HashMap<String, (u32, NaiveDate)> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, customer_id, location_id, created_at FROM orders
              WHERE state = 'COMPLETED' AND customer_id IS NOT NULL AND created_at IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let customer: String = r.get(1)?;
            let location: Option<String> = r.get(2)?;
            let Some(at) = parse_ts(&r.get::<_, String>(3)?) else {
                continue;
            };
            if at > now {
                continue;
            }
            let c = ds.intern_customer(&customer);
            let day = zones.day(&at, location.as_deref());
            days.entry((c, day)).or_default().has_order = true;
            orders.insert(id, (c, day));
        }

        // Line items → services; modifiers → names, with per-list attach counts.
        let mut line_service: HashMap<(String, String), u32> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT li.order_id, li.uid, li.name, li.catalog_object_id, li.base_price
               FROM order_line_items li
               JOIN orders o ON o.id = li.order_id
              WHERE o.state = 'COMPLETED' AND o.customer_id IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        let mut lines_per_service: HashMap<u32, usize> = HashMap::new();
        while let Some(r) = rows.next()? {
            let order_id: String = r.get(0)?;
            let Some(&(c, day)) = orders.get(&order_id) else {
                continue;
            };
            let name: Option<String> = r.get(2)?;
            let variation: Option<String> = r.get(3)?;
            let Some(info) = catalog.service(variation.as_deref(), name.as_deref()) else {
                continue;
            };
            let s = service_of(&mut ds, info, r.get(4)?);
            *lines_per_service.entry(s).or_default() += 1;
            push_unique(&mut days.entry((c, day)).or_default().services, s);
            line_service.insert((order_id, r.get(1)?), s);
        }

        let mut modifier_index = Interner::new();
        // Per modifier group (catalog list, else the modifier's own name): lines carrying
        // it, and the services it was sold with.
        let mut group_lines: HashMap<String, HashSet<(String, String)>> = HashMap::new();
        let mut group_services: HashMap<String, HashSet<u32>> = HashMap::new();
        let mut modifier_group: Vec<String> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT m.order_id, m.line_item_uid, m.catalog_object_id, m.name, m.base_price
               FROM order_line_item_modifiers m JOIN orders o ON o.id = m.order_id
              WHERE o.state = 'COMPLETED' AND o.customer_id IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let order_id: String = r.get(0)?;
            let Some(&(c, day)) = orders.get(&order_id) else {
                continue;
            };
            let line_uid: String = r.get(1)?;
            let catalog_id: Option<String> = r.get(2)?;
            let line_name: Option<String> = r.get(3)?;
            let line_price: Option<i64> = r.get(4)?;
            let known = catalog_id
                .as_deref()
                .and_then(|id| catalog.modifiers.get(id));
            let Some(name) = known
                .and_then(|k| k.0.clone())
                .or(line_name)
                .filter(|n| !n.trim().is_empty())
            else {
                continue;
            };
            let group = known
                .and_then(|k| k.1.clone())
                .unwrap_or_else(|| format!("name:{name}"));
            let m = match modifier_index.index.get(&name) {
                Some(&m) => m,
                None => {
                    let m = ds.modifiers.len() as u32;
                    modifier_index.index.insert(name.clone(), m);
                    ds.modifiers.push(Modifier {
                        name: name.clone(),
                        price: 0,
                        optional: false,
                    });
                    modifier_group.push(group.clone());
                    m
                }
            };
            let price = known.and_then(|k| k.2).or(line_price).unwrap_or(0);
            if price > 0 {
                ds.modifiers[m as usize].price = price;
            }
            if let Some(&s) = line_service.get(&(order_id.clone(), line_uid.clone())) {
                group_services.entry(group.clone()).or_default().insert(s);
            }
            group_lines
                .entry(group)
                .or_default()
                .insert((order_id, line_uid));
            days.entry((c, day)).or_default().modifiers.push(m);
        }
        // A modifier group attached to at least 80% of the lines of the services it is
        // sold with is a required choice (a length, a size), not an add-on.
        for (m, group) in modifier_group.iter().enumerate() {
            let carried = group_lines.get(group).map_or(0, HashSet::len);
            let eligible: usize = group_services
                .get(group)
                .map_or(0, |s| s.iter().map(|s| lines_per_service[s]).sum());
            ds.modifiers[m].optional = eligible > 0 && (carried as f64) < 0.8 * eligible as f64;
        }

        // Refunds per payment.
        let mut refunded: HashMap<String, i64> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT payment_id, SUM(amount) FROM refunds
              WHERE status IN ('COMPLETED','PENDING') AND payment_id IS NOT NULL
              GROUP BY payment_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            refunded.insert(r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0));
        }

        // Payments: net money per customer-day, per month, per team member.
        let mut stmt = conn.prepare(
            "SELECT id, customer_id, order_id, team_member_id, amount, refunded, currency,
                    location_id, created_at
               FROM payments WHERE status = 'COMPLETED' AND created_at IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        let mut currencies: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let Some(at) = parse_ts(&r.get::<_, String>(8)?) else {
                continue;
            };
            if at > now {
                continue;
            }
            let customer: Option<String> = r.get(1)?;
            let order_id: Option<String> = r.get(2)?;
            let team: Option<String> = r.get(3)?;
            let amount: i64 = r.get::<_, Option<i64>>(4)?.unwrap_or(0);
            let own_refund: i64 = r.get::<_, Option<i64>>(5)?.unwrap_or(0);
            if let Some(c) = r.get::<_, Option<String>>(6)? {
                *currencies.entry(c).or_default() += 1;
            }
            let location: Option<String> = r.get(7)?;
            let net = amount - own_refund.max(refunded.get(&id).copied().unwrap_or(0));
            let day = zones.day(&at, location.as_deref());
            let month = ds.months.entry((day.year(), day.month())).or_default();
            month.revenue += net;
            month.payments += 1;
            let team = team.map(|t| team_of(&mut ds, &t));
            if let Some(t) = team {
                let e = ds.staff_revenue.entry(t).or_default();
                e.0 += net;
                if day > year_ago {
                    e.1 += net;
                }
            }
            let owner = match customer {
                Some(c) => Some((ds.intern_customer(&c), day)),
                None => order_id.and_then(|o| orders.get(&o).copied()),
            };
            if let Some((c, day)) = owner {
                ds.customers[c as usize].net_total += net;
                let acc = days.entry((c, day)).or_default();
                acc.spend += net;
                if let Some(t) = team {
                    push_unique(&mut acc.team, t);
                }
            }
        }
        ds.currency = currencies
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(c, _)| c);

        // Bookings and their segments.
        let mut segments: HashMap<String, Vec<Segment>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT booking_id, team_member_id, service_variation_id FROM booking_segments
              ORDER BY booking_id, ordinal",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            segments
                .entry(r.get(0)?)
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }
        let mut stmt = conn.prepare(
            "SELECT id, customer_id, status, start_at, created_at, location_id FROM bookings
              WHERE customer_id IS NOT NULL AND start_at IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let customer: String = r.get(1)?;
            let status: String = r.get::<_, Option<String>>(2)?.unwrap_or_default();
            let Some(start) = parse_ts(&r.get::<_, String>(3)?) else {
                continue;
            };
            let created: Option<String> = r.get(4)?;
            let created = created.as_deref().and_then(parse_ts);
            if created.is_some_and(|c| c > now) {
                continue;
            }
            let location: Option<String> = r.get(5)?;
            let c = ds.intern_customer(&customer);
            let start_day = zones.day(&start, location.as_deref());
            if status == "ACCEPTED" && start < now {
                let acc = days.entry((c, start_day)).or_default();
                for (team, variation) in segments.get(&id).into_iter().flatten() {
                    if let Some(t) = team {
                        let t = team_of(&mut ds, t);
                        push_unique(&mut acc.team, t);
                    }
                    if let Some(info) = catalog.service(variation.as_deref(), None) {
                        let s = service_of(&mut ds, info, None);
                        push_unique(&mut acc.services, s);
                    }
                }
            }
            ds.customers[c as usize].bookings.push(BookingRow {
                status,
                start,
                start_day,
                created_day: created.map(|t| zones.day(&t, location.as_deref())),
            });
        }

        // Visits, with what happened on each.
        for v in keeper_normalize::visits::visits(conn, now)? {
            let c = ds.intern_customer(&v.customer_id);
            let acc = days.remove(&(c, v.day)).unwrap_or_default();
            ds.customers[c as usize].visits.push(VisitDay {
                day: v.day,
                spend: acc.spend,
                team: acc.team,
                services: acc.services,
                modifiers: acc.modifiers,
                has_order: acc.has_order,
            });
        }
        for c in &mut ds.customers {
            c.visits.sort_by_key(|v| v.day);
            c.bookings.sort_by_key(|b| b.start);
        }

        // Loyalty.
        ds.has_loyalty_program =
            conn.query_row("SELECT COUNT(*) FROM loyalty_programs", [], |r| {
                r.get::<_, i64>(0)
            })? > 0;
        let mut stmt = conn.prepare(
            "SELECT customer_id, balance FROM loyalty_accounts WHERE customer_id IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let c = ds.intern_customer(&r.get::<_, String>(0)?);
            ds.customers[c as usize].loyalty_balance =
                Some(r.get::<_, Option<i64>>(1)?.unwrap_or(0));
        }

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
