//! What analysis reads from the store, derived **per owner** ([`Part`]): one part per
//! customer (profile, visit days with what happened on each, bookings, loyalty, net total)
//! and one per UTC day of walk-in payments (`~walkin:YYYY-MM-DD`: payments nobody owns),
//! each with its share of the merchant-wide figures (revenue per month and team member,
//! currencies, the services and add-ons sold and how often). Services and add-ons are kept
//! as the rows name them (catalog id and line name) and resolved against the catalog when
//! parts are merged, so a catalog change (a new price, a renamed or deleted item) needs no
//! part derived again. A part depends only on its owner's rows, the locations' time zones
//! and `now`, so parts can be kept
//! ([`crate::cache`]) and re-derived one owner at a time after a sync; [`crate::data`]
//! merges parts into the [`crate::data::Dataset`] every computation reads.
//!
//! Everything inside a part is canonical (sorted by name, id or time), and the merge is
//! order-independent (sums, unions, maxima), so deriving every owner at once
//! ([`Scope::All`]) or some of them ([`Scope::Keys`]) gives the same part for an owner.
//!
//! Ownership: a payment belongs to its customer, else to its completed order's customer
//! (the order created by `now`), else to the walk-in part of its UTC creation day.
//!
//! Visit days follow keeper-normalize's visit rule (`keeper_normalize::visits`), applied to
//! the rows read here rather than by a query of its own: a customer's completed order, a
//! completed payment of the customer that no completed order of the same customer covers
//! (both whenever dated), or an accepted booking that started before `now`, each on its
//! location's local day. A test checks the two agree on a simulated merchant.

use crate::data::{Zones, parse_ts};
use crate::error::Result;
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, params};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Key prefix of the walk-in parts (Square ids never start with `~`).
pub const WALKIN: &str = "~walkin:";

/// The walk-in key of a payment's `created_at` text.
pub fn walkin_key(created_at: &str) -> String {
    format!("{WALKIN}{}", created_at.get(..10).unwrap_or(created_at))
}

/// A customer's profile fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileIn {
    #[serde(rename = "g", default)]
    pub given_name: Option<String>,
    #[serde(rename = "f", default)]
    pub family_name: Option<String>,
    #[serde(rename = "b", default)]
    pub birthday: Option<String>,
}

/// One visit day, with team member ids and the items and add-ons as rows name them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitIn {
    #[serde(rename = "d")]
    pub day: NaiveDate,
    #[serde(rename = "s")]
    pub spend: i64,
    /// Who took the payments (by time), then who was booked; no repeats.
    #[serde(rename = "t", default)]
    pub team: Vec<String>,
    /// Sorted, no repeats.
    #[serde(rename = "v", default)]
    pub services: Vec<ServiceKey>,
    /// Sorted, one per modifier sold.
    #[serde(rename = "m", default)]
    pub modifiers: Vec<ModifierKey>,
    #[serde(rename = "o", default)]
    pub has_order: bool,
}

/// A booking of the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingIn {
    #[serde(rename = "s")]
    pub status: String,
    #[serde(rename = "a")]
    pub start: DateTime<Utc>,
    #[serde(rename = "d")]
    pub start_day: NaiveDate,
    #[serde(rename = "c", default)]
    pub created_day: Option<NaiveDate>,
}

/// A sold or booked item as its row names it: (catalog variation id, line name).
pub type ServiceKey = (Option<String>, Option<String>);
/// A sold modifier as its row names it: (catalog modifier id, line name).
pub type ModifierKey = (Option<String>, Option<String>);

/// How often an item was sold and the highest price it was sold at.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SoldIn {
    #[serde(rename = "p", default)]
    pub sold_price: Option<i64>,
    /// Order lines of this item.
    #[serde(rename = "l", default)]
    pub lines: u32,
}

/// Everything one owner contributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// Present when the `customers` table has the customer.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileIn>,
    #[serde(rename = "v", default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<VisitIn>,
    #[serde(rename = "n", default)]
    pub net_total: i64,
    #[serde(rename = "b", default, skip_serializing_if = "Vec::is_empty")]
    pub bookings: Vec<BookingIn>,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<i64>,
    /// (year, month) → (net revenue, payments).
    #[serde(
        rename = "m",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "pairs"
    )]
    pub months: BTreeMap<(i32, u32), (i64, u32)>,
    /// (team member id, local day) → net revenue taken.
    #[serde(
        rename = "t",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "pairs"
    )]
    pub staff: BTreeMap<(String, NaiveDate), i64>,
    #[serde(rename = "c", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub currencies: BTreeMap<String, u32>,
    /// Items sold (order lines) or booked.
    #[serde(
        rename = "s",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "pairs"
    )]
    pub services: BTreeMap<ServiceKey, SoldIn>,
    /// Modifiers sold → the highest price a line carried them at.
    #[serde(
        rename = "o",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "pairs"
    )]
    pub modifiers: BTreeMap<ModifierKey, Option<i64>>,
    /// Order lines with modifiers: (the line's item, its modifiers sorted) → lines.
    #[serde(
        rename = "g",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "pairs"
    )]
    pub lines: BTreeMap<(Option<ServiceKey>, Vec<ModifierKey>), u32>,
    /// The earliest instant after `now` at which a row already stored starts to count
    /// (an order or payment dated after `now`, a booking that starts later): the part
    /// must be derived again once `now` reaches it.
    #[serde(skip)]
    pub valid_until: Option<DateTime<Utc>>,
}

/// A map with non-string keys as a JSON list of `[key, value]` pairs.
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

impl Part {
    fn until(&mut self, at: DateTime<Utc>) {
        self.valid_until = Some(self.valid_until.map_or(at, |u| u.min(at)));
    }
}

/// Which owners to derive.
pub enum Scope<'a> {
    All,
    /// These keys (customer ids and walk-in keys) only.
    Keys(&'a BTreeSet<String>),
}

/// What happened on one customer-day before the visit list exists.
#[derive(Default)]
struct DayAcc {
    spend: i64,
    /// (created_at, payment id, team member).
    pay_team: Vec<(String, String, String)>,
    /// (start, booking id, ordinal, team member).
    seg_team: Vec<(DateTime<Utc>, String, i64, String)>,
    /// Interned item and modifier keys.
    services: Vec<u32>,
    modifiers: Vec<u32>,
    has_order: bool,
}

#[derive(Default)]
struct Acc {
    part: Part,
    days: HashMap<NaiveDate, DayAcc>,
    visit_days: Vec<NaiveDate>,
    /// Order line (order id, uid) → its modifiers (interned).
    line_modifiers: HashMap<(Rc<str>, String), Vec<u32>>,
    /// Interned item → (highest price sold at, lines).
    sold: HashMap<u32, (Option<i64>, u32)>,
    /// Interned modifier → highest line price.
    modifier_prices: HashMap<u32, Option<i64>>,
}

/// A completed order with a customer: its customer and local day (or the instant it
/// starts to count when it is dated after `now`).
#[derive(Clone)]
enum OrderOwner {
    Now(Rc<str>, NaiveDate),
    /// Dated after `now`: the instant and the local day.
    Later(Rc<str>, DateTime<Utc>, NaiveDate),
}

/// Keys interned for the length of one derivation.
struct Interned<K> {
    ids: HashMap<K, u32>,
    keys: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Interned<K> {
    fn new() -> Self {
        Interned {
            ids: HashMap::default(),
            keys: Vec::new(),
        }
    }

    fn id(&mut self, key: K) -> u32 {
        if let Some(&i) = self.ids.get(&key) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(key.clone());
        self.ids.insert(key, i);
        i
    }
}

/// A booking segment: ordinal, team member id, service variation id.
type Segment = (i64, Option<String>, Option<String>);

/// A payment row as read.
struct PaymentRow {
    id: String,
    customer: Option<String>,
    order: Option<OrderOwner>,
    /// A completed order of the payment's own customer covers it (no visit of its own).
    covered: bool,
    team: Option<String>,
    amount: i64,
    own_refund: i64,
    refunds: i64,
    currency: Option<String>,
    location: Option<String>,
    created_text: String,
}

struct Deriver<'a> {
    now: DateTime<Utc>,
    /// `now` as the store writes instants (the visit rule compares booking starts as text).
    now_text: String,
    zones: &'a Zones,
    want: Option<&'a BTreeSet<String>>,
    /// Owner key → index in `accs` (one lookup per row).
    owners: HashMap<String, usize>,
    accs: Vec<(String, Acc)>,
    orders: HashMap<Rc<str>, OrderOwner>,
    /// Completed orders with a customer but no readable date: order id → customer.
    undated_orders: HashMap<String, String>,
    line_service: HashMap<(Rc<str>, String), u32>,
    items: Interned<ServiceKey>,
    modifier_keys: Interned<ModifierKey>,
}

impl<'a> Deriver<'a> {
    fn wanted(&self, key: &str) -> bool {
        self.want.is_none_or(|w| w.contains(key))
    }

    fn acc(&mut self, key: &str) -> &mut Acc {
        let i = match self.owners.get(key) {
            Some(&i) => i,
            None => {
                self.owners.insert(key.to_string(), self.accs.len());
                self.accs.push((key.to_string(), Acc::default()));
                self.accs.len() - 1
            }
        };
        &mut self.accs[i].1
    }

    fn order_owner(
        &self,
        customer: String,
        location: Option<&str>,
        created: &str,
    ) -> Option<OrderOwner> {
        let at = parse_ts(created)?;
        let day = self.zones.day(&at, location);
        Some(if at > self.now {
            OrderOwner::Later(customer.into(), at, day)
        } else {
            OrderOwner::Now(customer.into(), day)
        })
    }

    /// The customer of a completed order with one (dated or not).
    fn order_customer(&self, id: &str) -> Option<&str> {
        match self.orders.get(id) {
            Some(OrderOwner::Now(c, _) | OrderOwner::Later(c, _, _)) => Some(c),
            None => self.undated_orders.get(id).map(String::as_str),
        }
    }

    fn order(&mut self, id: Rc<str>, owner: OrderOwner) {
        // The visit rule counts every completed order of a customer, whenever it is dated.
        match &owner {
            OrderOwner::Now(c, day) => {
                let (c, day) = (c.clone(), *day);
                let acc = self.acc(&c);
                acc.days.entry(day).or_default().has_order = true;
                acc.visit_days.push(day);
            }
            OrderOwner::Later(c, at, day) => {
                let (c, at, day) = (c.clone(), *at, *day);
                let acc = self.acc(&c);
                acc.part.until(at);
                acc.visit_days.push(day);
            }
        }
        self.orders.insert(id, owner);
    }

    fn line(
        &mut self,
        order_id: &str,
        uid: String,
        name: Option<String>,
        variation: Option<String>,
        price: Option<i64>,
    ) {
        let Some((order_id, OrderOwner::Now(c, day))) = self.orders.get_key_value(order_id) else {
            return;
        };
        let (order_id, c, day) = (order_id.clone(), c.clone(), *day);
        if variation.is_none() && name.is_none() {
            return;
        }
        let key = self.items.id((variation, name));
        let acc = self.acc(&c);
        let s = acc.sold.entry(key).or_default();
        s.0 = s.0.max(price);
        s.1 += 1;
        acc.days.entry(day).or_default().services.push(key);
        // Only lines with modifiers need their item later (modifiers are read first).
        let line = (order_id, uid);
        if acc.line_modifiers.contains_key(&line) {
            self.line_service.insert(line, key);
        }
    }

    fn modifier(
        &mut self,
        order_id: &str,
        line_uid: String,
        catalog_id: Option<String>,
        line_name: Option<String>,
        line_price: Option<i64>,
    ) {
        let Some((order_id, OrderOwner::Now(c, day))) = self.orders.get_key_value(order_id) else {
            return;
        };
        let (order_id, c, day) = (order_id.clone(), c.clone(), *day);
        if catalog_id.is_none() && line_name.is_none() {
            return;
        }
        let key = self.modifier_keys.id((catalog_id, line_name));
        let acc = self.acc(&c);
        let price = acc.modifier_prices.entry(key).or_default();
        *price = (*price).max(line_price);
        acc.line_modifiers
            .entry((order_id, line_uid))
            .or_default()
            .push(key);
        acc.days.entry(day).or_default().modifiers.push(key);
    }

    fn payment(&mut self, p: PaymentRow) {
        let Some(at) = parse_ts(&p.created_text) else {
            return;
        };
        // Owner and the day the money lands on.
        let (key, day_of_owner) = match (&p.customer, &p.order) {
            (Some(c), _) => (c.clone(), None),
            (None, Some(OrderOwner::Now(c, day))) => (c.to_string(), Some(*day)),
            (None, Some(OrderOwner::Later(_, later, _))) => {
                // Moves to the order's customer once the order counts.
                let key = walkin_key(&p.created_text);
                if self.wanted(&key) {
                    let later = *later;
                    self.acc(&key).part.until(later);
                }
                (key, None)
            }
            (None, None) => (walkin_key(&p.created_text), None),
        };
        if !self.wanted(&key) {
            return;
        }
        // The visit rule: a customer's payment is a visit unless a completed order of the
        // same customer covers it (whenever either is dated).
        if let Some(c) = &p.customer
            && !p.covered
        {
            let day = self.zones.day(&at, p.location.as_deref());
            self.acc(c).visit_days.push(day);
        }
        if at > self.now {
            self.acc(&key).part.until(at);
            return;
        }
        let net = p.amount - p.own_refund.max(p.refunds);
        let day = self.zones.day(&at, p.location.as_deref());
        let is_customer = !key.starts_with(WALKIN);
        let acc = self.acc(&key);
        let month = acc
            .part
            .months
            .entry((day.year(), day.month()))
            .or_default();
        month.0 += net;
        month.1 += 1;
        if let Some(c) = p.currency {
            *acc.part.currencies.entry(c).or_default() += 1;
        }
        if let Some(t) = &p.team {
            *acc.part.staff.entry((t.clone(), day)).or_default() += net;
        }
        if is_customer {
            acc.part.net_total += net;
            let d = acc.days.entry(day_of_owner.unwrap_or(day)).or_default();
            d.spend += net;
            if let Some(t) = p.team {
                d.pay_team.push((p.created_text, p.id, t));
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // one booking row's columns and its segments
    fn booking(
        &mut self,
        id: &str,
        customer: &str,
        status: String,
        start_text: &str,
        created_text: Option<&str>,
        location: Option<&str>,
        segments: &[Segment],
    ) {
        let Some(start) = parse_ts(start_text) else {
            return;
        };
        let start_day = self.zones.day(&start, location);
        // The visit rule: an accepted booking that started before `now` (compared as the
        // store's text), whenever it was created.
        if status == "ACCEPTED" && start_text < self.now_text.as_str() {
            self.acc(customer).visit_days.push(start_day);
        }
        let created = created_text.and_then(parse_ts);
        let now = self.now;
        if let Some(c) = created
            && c > now
        {
            self.acc(customer).part.until(c);
            return;
        }
        let created_day = created.map(|t| self.zones.day(&t, location));
        if status == "ACCEPTED" && start >= now {
            self.acc(customer).part.until(start);
        }
        let keys: Vec<u32> = if status == "ACCEPTED" && start < now {
            segments
                .iter()
                .filter_map(|(_, _, v)| v.clone())
                .map(|v| self.items.id((Some(v), None)))
                .collect()
        } else {
            Vec::new()
        };
        let acc = self.acc(customer);
        if status == "ACCEPTED" && start < now {
            let d = acc.days.entry(start_day).or_default();
            for (ordinal, team, _) in segments {
                if let Some(t) = team {
                    d.seg_team
                        .push((start, id.to_string(), *ordinal, t.clone()));
                }
            }
            d.services.extend(keys.iter().copied());
            for key in keys {
                acc.sold.entry(key).or_default();
            }
        }
        acc.part.bookings.push(BookingIn {
            status,
            start,
            start_day,
            created_day,
        });
    }

    fn finish(self) -> BTreeMap<String, Part> {
        let items = &self.items.keys;
        let mods = &self.modifier_keys.keys;
        let mut out = BTreeMap::new();
        for (key, mut acc) in self.accs {
            let mut part = acc.part;
            for (item, (sold_price, lines)) in acc.sold {
                part.services
                    .insert(items[item as usize].clone(), SoldIn { sold_price, lines });
            }
            for (m, price) in acc.modifier_prices {
                part.modifiers.insert(mods[m as usize].clone(), price);
            }
            for (line, modifiers) in acc.line_modifiers {
                let mut modifiers: Vec<ModifierKey> = modifiers
                    .iter()
                    .map(|&m| mods[m as usize].clone())
                    .collect();
                modifiers.sort();
                let service = self
                    .line_service
                    .get(&line)
                    .map(|&i| items[i as usize].clone());
                *part.lines.entry((service, modifiers)).or_default() += 1;
            }
            acc.visit_days.sort();
            acc.visit_days.dedup();
            for day in acc.visit_days {
                let mut d = acc.days.remove(&day).unwrap_or_default();
                d.pay_team.sort();
                d.seg_team.sort();
                let mut team: Vec<String> = Vec::new();
                let members = d.pay_team.into_iter().map(|t| t.2);
                for t in members.chain(d.seg_team.into_iter().map(|t| t.3)) {
                    if !team.contains(&t) {
                        team.push(t);
                    }
                }
                let mut services: Vec<ServiceKey> = d
                    .services
                    .iter()
                    .map(|&i| items[i as usize].clone())
                    .collect();
                services.sort();
                services.dedup();
                let mut modifiers: Vec<ModifierKey> = d
                    .modifiers
                    .iter()
                    .map(|&m| mods[m as usize].clone())
                    .collect();
                modifiers.sort();
                part.visits.push(VisitIn {
                    day,
                    spend: d.spend,
                    team,
                    services,
                    modifiers,
                    has_order: d.has_order,
                });
            }
            part.bookings.sort_by(|a, b| {
                (a.start, &a.status, a.created_day).cmp(&(b.start, &b.status, b.created_day))
            });
            out.insert(key, part);
        }
        out
    }
}

/// The store's text for an instant (as the store writes them).
pub fn ts_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

const WANT: &str = "(SELECT id FROM temp.analysis_want)";

fn fill_want(conn: &Connection, keys: &BTreeSet<String>) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS analysis_want (id TEXT PRIMARY KEY) WITHOUT ROWID;
         DELETE FROM temp.analysis_want;",
    )?;
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO temp.analysis_want VALUES (?1)")?;
    for k in keys.iter().filter(|k| !k.starts_with(WALKIN)) {
        insert.execute([k])?;
    }
    Ok(())
}

/// Derives the parts of `scope` from the store as of `now`.
pub fn derive(
    conn: &Connection,
    now: DateTime<Utc>,
    zones: &Zones,
    scope: Scope,
) -> Result<BTreeMap<String, Part>> {
    let want = match scope {
        Scope::All => None,
        Scope::Keys(k) => {
            fill_want(conn, k)?;
            Some(k)
        }
    };
    let filter = |column: &str| match want {
        Some(_) => format!(" AND {column} IN {WANT}"),
        None => String::new(),
    };
    let mut d = Deriver {
        now,
        now_text: keeper_normalize::time::utc_text(&now),
        zones,
        want,
        owners: HashMap::default(),
        accs: Vec::new(),
        orders: HashMap::default(),
        undated_orders: HashMap::default(),
        line_service: HashMap::default(),
        items: Interned::new(),
        modifier_keys: Interned::new(),
    };

    // Profiles.
    let mut stmt = conn.prepare(&format!(
        "SELECT id, given_name, family_name, birthday FROM customers WHERE 1 {}",
        filter("id")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        d.acc(&id).part.profile = Some(ProfileIn {
            given_name: r.get(1)?,
            family_name: r.get(2)?,
            birthday: r.get(3)?,
        });
    }

    // Completed orders with a customer (those without a readable date only cover their
    // customer's payments in the visit rule).
    let mut stmt = conn.prepare(&format!(
        "SELECT id, customer_id, location_id, created_at FROM orders
          WHERE state = 'COMPLETED' AND customer_id IS NOT NULL {}",
        filter("customer_id")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let customer: String = r.get(1)?;
        let location: Option<String> = r.get(2)?;
        let created: Option<String> = r.get(3)?;
        let owner = created
            .as_deref()
            .and_then(|at| d.order_owner(customer.clone(), location.as_deref(), at));
        match owner {
            Some(owner) => d.order(id.into(), owner),
            None => {
                d.undated_orders.insert(id, customer);
            }
        }
    }

    // Modifiers, then line items, of those orders (every owner: each row is checked
    // against the orders read above instead of joined).
    let of_orders = |columns: &str, table: &str| match want {
        None => format!("SELECT {columns} FROM {table} x"),
        Some(_) => format!(
            "SELECT {columns} FROM {table} x JOIN orders o ON o.id = x.order_id
              WHERE o.state = 'COMPLETED' AND o.customer_id IN {WANT}"
        ),
    };
    let mut stmt = conn.prepare(&of_orders(
        "x.order_id, x.line_item_uid, x.catalog_object_id, x.name, x.base_price",
        "order_line_item_modifiers",
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let order: &str = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if !d.orders.contains_key(order) {
            continue;
        }
        d.modifier(order, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    }

    let mut stmt = conn.prepare(&of_orders(
        "x.order_id, x.uid, x.name, x.catalog_object_id, x.base_price",
        "order_line_items",
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let order: &str = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if !d.orders.contains_key(order) {
            continue;
        }
        d.line(order, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    }
    // Payments with their refunds.
    match want {
        None => payments_all(conn, &mut d)?,
        Some(keys) => payments_of(conn, &mut d, keys)?,
    }

    // Bookings and their segments.
    let mut segments: HashMap<String, Vec<Segment>> = HashMap::default();
    let mut stmt = conn.prepare(&match want {
        None => "SELECT booking_id, ordinal, team_member_id, service_variation_id
                   FROM booking_segments"
            .to_string(),
        Some(_) => format!(
            "SELECT s.booking_id, s.ordinal, s.team_member_id, s.service_variation_id
               FROM booking_segments s JOIN bookings b ON b.id = s.booking_id
              WHERE b.customer_id IN {WANT}"
        ),
    })?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        segments
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?, r.get(3)?));
    }
    for s in segments.values_mut() {
        s.sort();
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT id, customer_id, status, start_at, created_at, location_id FROM bookings
          WHERE customer_id IS NOT NULL AND start_at IS NOT NULL {}",
        filter("customer_id")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let customer: String = r.get(1)?;
        let status: String = r.get::<_, Option<String>>(2)?.unwrap_or_default();
        let start: String = r.get(3)?;
        let created: Option<String> = r.get(4)?;
        let location: Option<String> = r.get(5)?;
        let segs = segments.get(&id).map_or(&[][..], Vec::as_slice);
        d.booking(
            &id,
            &customer,
            status,
            &start,
            created.as_deref(),
            location.as_deref(),
            segs,
        );
    }

    // Loyalty (the highest balance when a customer has several accounts).
    let mut stmt = conn.prepare(&format!(
        "SELECT customer_id, balance FROM loyalty_accounts WHERE customer_id IS NOT NULL {}",
        filter("customer_id")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let balance = r.get::<_, Option<i64>>(1)?.unwrap_or(0);
        let part = &mut d.acc(&id).part;
        part.loyalty = Some(part.loyalty.map_or(balance, |b| b.max(balance)));
    }
    Ok(d.finish())
}

const PAYMENT_COLUMNS: &str = "p.id, p.customer_id, p.order_id, p.team_member_id, p.amount,
    p.refunded, p.currency, p.location_id, p.created_at";

fn payment_row(
    r: &rusqlite::Row,
    refunds: i64,
    order: Option<OrderOwner>,
    covered: bool,
) -> Result<PaymentRow> {
    Ok(PaymentRow {
        id: r.get(0)?,
        customer: r.get(1)?,
        order,
        covered,
        team: r.get(3)?,
        amount: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
        own_refund: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
        refunds,
        currency: r.get(6)?,
        location: r.get(7)?,
        created_text: r.get(8)?,
    })
}

/// Every completed payment (refunds summed once for all).
fn payments_all(conn: &Connection, d: &mut Deriver) -> Result<()> {
    let mut refunded: HashMap<String, i64> = HashMap::default();
    let mut stmt = conn.prepare(
        "SELECT payment_id, SUM(amount) FROM refunds
          WHERE status IN ('COMPLETED','PENDING') AND payment_id IS NOT NULL
          GROUP BY payment_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        refunded.insert(r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments p
          WHERE p.status = 'COMPLETED' AND p.created_at IS NOT NULL"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let customer: Option<&str> = r
            .get_ref(1)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?;
        let order: Option<&str> = r
            .get_ref(2)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?;
        let covered = match (customer, order) {
            (Some(c), Some(o)) => d.order_customer(o) == Some(c),
            _ => false,
        };
        let order = order.and_then(|o| d.orders.get(o).cloned());
        let refunds = refunded.get(&id).copied().unwrap_or(0);
        let row = payment_row(r, refunds, order, covered)?;
        d.payment(row);
    }
    Ok(())
}

/// The completed payments the wanted owners may own: their customers' payments, the
/// customer-less payments of their orders, and the walk-in days asked for.
fn payments_of(conn: &Connection, d: &mut Deriver, keys: &BTreeSet<String>) -> Result<()> {
    let select = format!(
        "SELECT {PAYMENT_COLUMNS},
                (SELECT SUM(r.amount) FROM refunds r
                  WHERE r.payment_id = p.id AND r.status IN ('COMPLETED','PENDING')),
                o.customer_id, o.location_id, o.created_at, o.state
           FROM payments p LEFT JOIN orders o ON o.id = p.order_id
          WHERE p.status = 'COMPLETED' AND p.created_at IS NOT NULL"
    );
    let mut seen: HashSet<String> = HashSet::default();
    let mut feed = |d: &mut Deriver, rows: &mut rusqlite::Rows| -> Result<()> {
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if !seen.insert(id) {
                continue;
            }
            let refunds = r.get::<_, Option<i64>>(9)?.unwrap_or(0);
            let order_customer: Option<String> = r.get(10)?;
            let order_location: Option<String> = r.get(11)?;
            let order_created: Option<String> = r.get(12)?;
            let order_state: Option<String> = r.get(13)?;
            let customer: Option<String> = r.get(1)?;
            let covered = order_state.as_deref() == Some("COMPLETED")
                && customer.is_some()
                && order_customer == customer;
            let order = match (order_customer, order_created, order_state.as_deref()) {
                (Some(c), Some(at), Some("COMPLETED")) => {
                    d.order_owner(c, order_location.as_deref(), &at)
                }
                _ => None,
            };
            let row = payment_row(r, refunds, order, covered)?;
            d.payment(row);
        }
        Ok(())
    };
    let mut stmt = conn.prepare(&format!("{select} AND p.customer_id IN {WANT}"))?;
    feed(d, &mut stmt.query([])?)?;
    let mut stmt = conn.prepare(&format!(
        "{select} AND p.customer_id IS NULL AND p.order_id IN
            (SELECT id FROM orders WHERE customer_id IN {WANT})"
    ))?;
    feed(d, &mut stmt.query([])?)?;
    let mut stmt = conn.prepare(&format!(
        "{select} AND p.customer_id IS NULL AND p.created_at >= ?1 AND p.created_at < ?2"
    ))?;
    for key in keys.iter().filter(|k| k.starts_with(WALKIN)) {
        let day = &key[WALKIN.len()..];
        let Ok(date) = day.parse::<NaiveDate>() else {
            continue;
        };
        let next = (date + chrono::Duration::days(1)).to_string();
        feed(d, &mut stmt.query(params![day, next])?)?;
    }
    Ok(())
}
