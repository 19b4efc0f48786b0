//! Today's candidate tasks from the metrics. Rules (g = the customer's mean days between
//! visits, "since" = days since the last visit; a customer with an upcoming booking gets no
//! come-back task):
//!
//! | type | when | episode | value at stake |
//! | --- | --- | --- | --- |
//! | churn_prevention | 2+ visits, since − g ≥ max(7, g/4), since < min(3g, 365) | last visit day | yearly value |
//! | reactivation | 2+ visits, since ≥ min(3g, 365), since ≤ 730 | last visit day | yearly value |
//! | second_visit | 1 visit, 10 ≤ since ≤ 75 | first visit day | first spend × median visits a year of repeat customers |
//! | upsell | 3+ visits, next visit due within 14 days, and a suggestion (below) | next expected day | suggestion's price × share of peers (or visits) taking it × visits a year |
//! | review_follow_up | review in the last 30 days, unanswered, rating ≤ 3, urgent or negative | review id | customer's yearly value (median of repeat customers if unlinked) |
//! | birthday | birthday in the next 7 days, a visit in the last 365 | year of the birthday | yearly value |
//!
//! Upsell suggestions, for the customer's favourite service (most visits; appointment
//! services before retail): the add-on most taken with it that they never had (taken on
//! ≥ 10% of its visits), and each catalog item (another service or a retail product) they
//! never bought that ≥ 20% of their peers bought, peers being the (at least 5) other
//! customers with the same favourite service. The suggestion with the highest price × share
//! wins.
//!
//! Yearly value = average spend per visit × 365 / g, else the last 12 months' spend.
//! Urgent reviews and 1–2 star reviews are priority 0 (listed first); everything else is
//! ranked by value at stake.

use super::words::{cadence, money, percent, relative, span};
use super::{Candidate, TaskType};
use crate::customers::CustomerResult;
use crate::data::{CustomerData, Dataset};
use crate::metrics::HistoryMetrics;
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use std::collections::HashMap;

/// Days ahead a birthday task is raised.
pub const BIRTHDAY_DAYS: i64 = 7;
/// Days a review stays eligible for a follow-up.
pub const REVIEW_DAYS: i64 = 30;

/// Merchant-wide figures the rules need.
struct Merchant {
    median_visits_per_year: Option<f64>,
    median_yearly_value: Option<i64>,
    /// Per service: visits with an order, and per optional add-on the visits that took it.
    addon_uptake: HashMap<u32, (u32, HashMap<u32, u32>)>,
    /// Per favourite service: its customers, and per item how many of them bought it.
    peer_items: HashMap<u32, (u32, HashMap<u32, u32>)>,
}

/// Fewest peers (other customers with the same favourite service) an item suggestion needs.
pub const MIN_PEERS: u32 = 5;
/// Smallest share of peers who bought an item for it to be suggested.
pub const MIN_PEER_SHARE: f64 = 0.2;
/// Smallest share of a service's visits taking an add-on for it to be suggested.
pub const MIN_ADDON_SHARE: f64 = 0.1;

/// The customer's favourite service: the one on most visits, appointment services before
/// retail products, ties to the lower index.
pub fn favourite_service(ds: &Dataset, c: &CustomerData) -> Option<u32> {
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for &s in c.visits.iter().flat_map(|v| v.services.iter()) {
        *counts.entry(s).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| {
            let retail = |s: u32| ds.services[s as usize].retail;
            retail(b.0)
                .cmp(&retail(a.0))
                .then(a.1.cmp(&b.1))
                .then(b.0.cmp(&a.0))
        })
        .map(|(s, _)| s)
}

/// Every item (service or product) the customer ever bought or booked.
fn items_bought(c: &CustomerData) -> std::collections::HashSet<u32> {
    c.visits
        .iter()
        .flat_map(|v| v.services.iter().copied())
        .collect()
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Average spend × visits a year at the usual rhythm, else the last 12 months' spend.
pub fn yearly_value(m: &HistoryMetrics) -> i64 {
    match m.mean_gap_days.filter(|g| *g >= 1.0) {
        Some(g) => (m.average_spend as f64 * 365.0 / g).round() as i64,
        None => m.spend_12m,
    }
}

/// What winning back a customer who stopped coming is worth: their yearly value at the old
/// rhythm times the model's chance that they are still a customer at all. Three visits eleven
/// days apart, eleven months ago, is a long shot, not the top task; without a model figure
/// the yearly value stands.
pub fn win_back_value(r: &CustomerResult) -> i64 {
    let yearly = yearly_value(&r.metrics) as f64;
    match r.model.prediction() {
        Some(p) => (yearly * p.p_alive).round() as i64,
        None => yearly.round() as i64,
    }
}

impl Merchant {
    fn new(ds: &Dataset, results: &[CustomerResult]) -> Merchant {
        let repeaters: Vec<&CustomerResult> = results
            .iter()
            .filter(|r| r.metrics.mean_gap_days.is_some_and(|g| g >= 1.0))
            .collect();
        let mut addon_uptake: HashMap<u32, (u32, HashMap<u32, u32>)> = HashMap::new();
        for c in &ds.customers {
            for v in c.visits.iter().filter(|v| v.has_order) {
                for &s in &v.services {
                    let e = addon_uptake.entry(s).or_default();
                    e.0 += 1;
                    for &m in &v.modifiers {
                        if ds.modifiers[m as usize].optional {
                            *e.1.entry(m).or_default() += 1;
                        }
                    }
                }
            }
        }
        let mut peer_items: HashMap<u32, (u32, HashMap<u32, u32>)> = HashMap::new();
        for r in results {
            let c = &ds.customers[r.index as usize];
            let Some(fav) = favourite_service(ds, c) else {
                continue;
            };
            let e = peer_items.entry(fav).or_default();
            e.0 += 1;
            for item in items_bought(c) {
                *e.1.entry(item).or_default() += 1;
            }
        }
        Merchant {
            peer_items,
            median_visits_per_year: median(
                repeaters
                    .iter()
                    .filter_map(|r| r.metrics.mean_gap_days.map(|g| 365.0 / g))
                    .collect(),
            ),
            median_yearly_value: median(
                repeaters
                    .iter()
                    .map(|r| yearly_value(&r.metrics) as f64)
                    .collect(),
            )
            .map(|v| v.round() as i64),
            addon_uptake,
        }
    }
}

/// How a customer is named in a reason.
fn first_name(c: &CustomerData) -> String {
    c.profile
        .given_name
        .as_deref()
        .or(c.profile.family_name.as_deref())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("This customer")
        .to_string()
}

/// "usually sees Jess" when the store knows a first name.
fn sees(ds: &Dataset, m: &HistoryMetrics, verb: &str) -> Option<String> {
    let t = m.preferred_team?;
    Some(format!("{verb} {}", ds.team_first_name(t)?))
}

/// The customer's main category and its rhythm, else the top service and the overall one.
fn usual(m: &HistoryMetrics) -> (Option<String>, Option<f64>) {
    if let Some(c) = m.category_cadence.first()
        && c.mean_gap_days.is_some()
    {
        return (Some(c.category.clone()), c.mean_gap_days);
    }
    (
        m.top_services
            .first()
            .map(|s| s.name.clone())
            .or_else(|| m.category_cadence.first().map(|c| c.category.clone())),
        m.mean_gap_days,
    )
}

fn join(parts: Vec<Option<String>>) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join("; ")
}

fn spend_phrase(ds: &Dataset, m: &HistoryMetrics) -> Option<String> {
    let cur = ds.currency.as_deref();
    if m.spend_12m > 0 {
        Some(format!("{} in the last 12 months", money(m.spend_12m, cur)))
    } else if m.lifetime_value > 0 {
        Some(format!("{} spent in all", money(m.lifetime_value, cur)))
    } else {
        None
    }
}

fn alive_phrase(r: &CustomerResult) -> Option<String> {
    r.model
        .prediction()
        .map(|p| format!("{} chance still a customer", percent(p.p_alive)))
}

fn base_details(ds: &Dataset, r: &CustomerResult) -> serde_json::Value {
    let m = &r.metrics;
    json!({
        "visits": m.visits,
        "last_visit": m.last_visit,
        "days_since_last": m.days_since_last,
        "mean_gap_days": m.mean_gap_days,
        "spend_12m": m.spend_12m,
        "lifetime_value": m.lifetime_value,
        "preferred_team_member_id": m.preferred_team.map(|t| ds.team[t as usize].0.clone()),
        "p_alive": r.model.prediction().map(|p| p.p_alive),
        "churn_risk": r.churn_risk.map(|c| c.0),
    })
}

fn come_back(ds: &Dataset, r: &CustomerResult, c: &CustomerData) -> Option<Candidate> {
    let m = &r.metrics;
    if m.visits < 2 || m.next_booking.is_some() {
        return None;
    }
    let g = m.mean_gap_days.filter(|g| *g >= 1.0)?;
    let since = m.days_since_last;
    let lapsed_at = (3.0 * g).min(365.0);
    let name = first_name(c);
    let (what, rhythm) = usual(m);
    let rhythm = rhythm.unwrap_or(g);
    let what = what.map_or_else(|| "visit".to_string(), |w| w.to_string());
    let value_at_stake = yearly_value(m);
    if (since as f64) < lapsed_at {
        let late = since - g.round() as i64;
        if (late as f64) < (g / 4.0).max(7.0) {
            return None;
        }
        let reason = join(vec![
            Some(format!(
                "{name}: {} past the usual {} {what}",
                span(late),
                cadence(rhythm)
            )),
            sees(ds, m, "usually sees"),
            spend_phrase(ds, m),
            alive_phrase(r),
        ]);
        Some(Candidate {
            customer_id: Some(c.profile.id.clone()),
            task_type: TaskType::ChurnPrevention,
            episode: m.last_visit.to_string(),
            value_at_stake,
            priority: 1,
            reason,
            details: base_details(ds, r),
        })
    } else if since <= 730 {
        let reason = join(vec![
            Some(format!(
                "{name}: last visit {} ago, used to come every {} for {what}",
                span(since),
                span(rhythm.round() as i64)
            )),
            sees(ds, m, "used to see"),
            m.lifetime_value.gt(&0).then(|| {
                format!(
                    "{} spent in all",
                    money(m.lifetime_value, ds.currency.as_deref())
                )
            }),
        ]);
        Some(Candidate {
            customer_id: Some(c.profile.id.clone()),
            task_type: TaskType::Reactivation,
            episode: m.last_visit.to_string(),
            value_at_stake: win_back_value(r),
            priority: 1,
            reason,
            details: base_details(ds, r),
        })
    } else {
        None
    }
}

fn second_visit(
    ds: &Dataset,
    merchant: &Merchant,
    r: &CustomerResult,
    c: &CustomerData,
) -> Option<Candidate> {
    let m = &r.metrics;
    if m.visits != 1 || m.next_booking.is_some() || !(10..=75).contains(&m.days_since_last) {
        return None;
    }
    let first = c.visits.first()?;
    let service = first
        .services
        .first()
        .map(|&s| ds.services[s as usize].name.clone());
    let with = first.team.first().and_then(|&t| ds.team_first_name(t));
    let what = match (service, with) {
        (Some(s), Some(w)) => format!(" ({s} with {w}"),
        (Some(s), None) => format!(" ({s}"),
        (None, Some(w)) => format!(" (with {w}"),
        (None, None) => " (".to_string(),
    };
    let spent = (first.spend > 0).then(|| money(first.spend, ds.currency.as_deref()));
    let what = match (what.as_str(), spent) {
        (" (", Some(s)) => format!(" ({s})"),
        (" (", None) => String::new(),
        (w, Some(s)) => format!("{w}, {s})"),
        (w, None) => format!("{w})"),
    };
    let value_at_stake = merchant
        .median_visits_per_year
        .map_or(first.spend, |n| (first.spend as f64 * n).round() as i64);
    Some(Candidate {
        customer_id: Some(c.profile.id.clone()),
        task_type: TaskType::SecondVisit,
        episode: m.first_visit.to_string(),
        value_at_stake,
        priority: 1,
        reason: format!(
            "{}: first visit {}{what}; no second visit booked",
            first_name(c),
            relative(-m.days_since_last)
        ),
        details: base_details(ds, r),
    })
}

fn upsell(
    ds: &Dataset,
    merchant: &Merchant,
    r: &CustomerResult,
    c: &CustomerData,
) -> Option<Candidate> {
    let m = &r.metrics;
    if m.visits < 3 {
        return None;
    }
    let due = m.next_expected_visit?;
    let due_in = (due - ds.today).num_days();
    if !(-7..=14).contains(&due_in) || m.days_overdue.is_some_and(|d| d > 7) {
        return None;
    }
    let service_ix = favourite_service(ds, c)?;
    let best = [
        addon_suggestion(ds, merchant, c, service_ix),
        item_suggestion(ds, merchant, c, service_ix),
    ]
    .into_iter()
    .flatten()
    .max_by(|a, b| {
        (a.price as f64 * a.share)
            .total_cmp(&(b.price as f64 * b.share))
            .then(b.name.cmp(&a.name))
    })?;
    let per_year = m
        .mean_gap_days
        .filter(|g| *g >= 1.0)
        .map_or(1.0, |g| 365.0 / g);
    let service = &ds.services[service_ix as usize].name;
    let cur = ds.currency.as_deref();
    let when = if m.next_booking.is_some() {
        format!("booked {}", relative(due_in))
    } else {
        format!("due {}", relative(due_in))
    };
    let (price, share) = (money(best.price, cur), percent(best.share));
    let offer = match best.kind {
        Suggestion::AddOn => format!(
            "has never had {} (taken on {share} of {service} visits, {price})",
            best.name
        ),
        Suggestion::Service => format!(
            "has never had {}, a service {share} of {service} regulars have had ({price})",
            best.name
        ),
        Suggestion::Retail => format!(
            "has never bought {}, which {share} of {service} regulars buy ({price})",
            best.name
        ),
    };
    let reason = join(vec![
        Some(format!("{}: {when} for {service}; {offer}", first_name(c))),
        sees(ds, m, "usually sees"),
    ]);
    let mut details = base_details(ds, r);
    details["suggestion_kind"] = json!(best.kind.as_str());
    details["suggestion"] = json!(best.name);
    details["suggestion_price"] = json!(best.price);
    details["suggestion_share"] = json!(best.share);
    details["service"] = json!(service);
    if best.kind == Suggestion::AddOn {
        details["addon"] = json!(best.name);
        details["addon_price"] = json!(best.price);
        details["addon_share"] = json!(best.share);
    } else {
        details["peers"] = json!(best.peers);
    }
    // What the suggestion is expected to bring in a year: its price at her rhythm, times
    // the share of her peers (or of the service's visits) that take it. Without the share
    // a weekly regular's $190 suggestion counted as ~$10,000 and outranked every client
    // slipping away.
    Some(Candidate {
        customer_id: Some(c.profile.id.clone()),
        task_type: TaskType::Upsell,
        episode: due.to_string(),
        value_at_stake: (best.price as f64 * best.share * per_year).round() as i64,
        priority: 1,
        reason,
        details,
    })
}

/// What an upsell offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggestion {
    /// An optional modifier on their favourite service.
    AddOn,
    /// Another appointment service.
    Service,
    /// A retail product.
    Retail,
}

impl Suggestion {
    pub fn as_str(self) -> &'static str {
        match self {
            Suggestion::AddOn => "add_on",
            Suggestion::Service => "service",
            Suggestion::Retail => "retail",
        }
    }
}

/// One upsell suggestion with its price (minor units) and how common it is.
#[derive(Debug, Clone, PartialEq)]
struct Offer {
    kind: Suggestion,
    name: String,
    price: i64,
    /// Share of the service's visits (add-on) or of the peers (item) that took it.
    share: f64,
    peers: u32,
}

/// The add-on most taken with `service` that the customer never had.
fn addon_suggestion(
    ds: &Dataset,
    merchant: &Merchant,
    c: &CustomerData,
    service: u32,
) -> Option<Offer> {
    let (visits, uptake) = merchant.addon_uptake.get(&service)?;
    let had: Vec<u32> = c.visits.iter().flat_map(|v| v.modifiers.clone()).collect();
    let (&addon, &taken) = uptake
        .iter()
        .filter(|(a, _)| !had.contains(a))
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    let share = f64::from(taken) / f64::from(*visits);
    let addon = &ds.modifiers[addon as usize];
    (share >= MIN_ADDON_SHARE && addon.price > 0).then(|| Offer {
        kind: Suggestion::AddOn,
        name: addon.name.clone(),
        price: addon.price,
        share,
        peers: *visits,
    })
}

/// The catalog item (service or product) the customer never bought that their peers (other
/// customers with the same favourite service) buy most, by price × share.
fn item_suggestion(
    ds: &Dataset,
    merchant: &Merchant,
    c: &CustomerData,
    service: u32,
) -> Option<Offer> {
    let (customers, bought) = merchant.peer_items.get(&service)?;
    // The customer is one of `customers` and never bought the items considered.
    let peers = customers.saturating_sub(1);
    if peers < MIN_PEERS {
        return None;
    }
    let own = items_bought(c);
    bought
        .iter()
        .filter(|(item, _)| !own.contains(item))
        .filter_map(|(&item, &buyers)| {
            let s = &ds.services[item as usize];
            let share = f64::from(buyers) / f64::from(peers);
            (share >= MIN_PEER_SHARE && s.price > 0).then(|| Offer {
                kind: if s.retail {
                    Suggestion::Retail
                } else {
                    Suggestion::Service
                },
                name: s.name.clone(),
                price: s.price,
                share,
                peers,
            })
        })
        .max_by(|a, b| {
            (a.price as f64 * a.share)
                .total_cmp(&(b.price as f64 * b.share))
                .then(b.name.cmp(&a.name))
        })
}

/// The next occurrence of a `YYYY-MM-DD` / `--MM-DD` birthday on or after `today`
/// (29 February falls on 28 February in other years).
pub fn next_birthday(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let md = text.get(text.len().checked_sub(5)?..)?;
    let month: u32 = md.get(0..2)?.parse().ok()?;
    let day: u32 = md.get(3..5)?.parse().ok()?;
    let on = |year: i32| {
        NaiveDate::from_ymd_opt(year, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(year, month, day.saturating_sub(1)))
    };
    let this = on(today.year())?;
    if this >= today {
        Some(this)
    } else {
        on(today.year() + 1)
    }
}

fn birthday(ds: &Dataset, r: &CustomerResult, c: &CustomerData) -> Option<Candidate> {
    let m = &r.metrics;
    if m.days_since_last > 365 {
        return None;
    }
    let next = next_birthday(c.profile.birthday.as_deref()?, ds.today)?;
    let in_days = (next - ds.today).num_days();
    if in_days > BIRTHDAY_DAYS {
        return None;
    }
    let reason = join(vec![
        Some(format!(
            "{}: birthday {} ({})",
            first_name(c),
            relative(in_days),
            next.format("%A %-d %B")
        )),
        Some(format!(
            "{} visit{}",
            m.visits,
            if m.visits == 1 { "" } else { "s" }
        )),
        sees(ds, m, "usually sees"),
        spend_phrase(ds, m),
    ]);
    Some(Candidate {
        customer_id: Some(c.profile.id.clone()),
        task_type: TaskType::Birthday,
        episode: next.year().to_string(),
        value_at_stake: yearly_value(m),
        priority: 1,
        reason,
        details: base_details(ds, r),
    })
}

fn reviews(
    ds: &Dataset,
    merchant: &Merchant,
    by_index: &HashMap<u32, &CustomerResult>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for rv in &ds.reviews {
        let age = (ds.now - rv.created_at).num_days();
        let negative = rv.rating.is_some_and(|r| r <= 3)
            || rv.urgent
            || (rv.rating.is_none() && rv.sentiment.is_some_and(|s| s < -0.2));
        if rv.replied || age > REVIEW_DAYS || !negative {
            continue;
        }
        let customer = rv.customer.map(|i| &ds.customers[i as usize]);
        let metrics = rv
            .customer
            .and_then(|i| by_index.get(&i))
            .map(|r| &r.metrics);
        let who = customer
            .map(first_name)
            .or_else(|| rv.author_name.clone())
            .unwrap_or_else(|| "A reviewer".into());
        let stars = rv.rating.map_or_else(String::new, |r| format!("{r}-star "));
        let source = match rv.source.as_str() {
            "google" => "Google",
            "yelp" => "Yelp",
            _ => "imported",
        };
        let excerpt: String = rv.text.chars().take(80).collect();
        let excerpt = if rv.text.chars().count() > 80 {
            format!("{}…", excerpt.trim_end())
        } else {
            excerpt
        };
        let reason = join(vec![
            Some(format!(
                "{who}: {stars}{source} review {}, not answered",
                relative(-age)
            )),
            (!excerpt.trim().is_empty()).then(|| format!("\u{201c}{excerpt}\u{201d}")),
            rv.urgent_reason.clone().filter(|r| !r.trim().is_empty()),
            metrics.and_then(|m| spend_phrase(ds, m)),
        ]);
        out.push(Candidate {
            customer_id: customer.map(|c| c.profile.id.clone()),
            task_type: TaskType::ReviewFollowUp,
            episode: rv.id.clone(),
            value_at_stake: metrics
                .map(yearly_value)
                .or(merchant.median_yearly_value)
                .unwrap_or(0),
            priority: if rv.urgent || rv.rating.is_some_and(|r| r <= 2) {
                0
            } else {
                1
            },
            reason,
            details: json!({
                "review_id": rv.id,
                "source": rv.source,
                "rating": rv.rating,
                "created_at": rv.created_at,
                "urgent": rv.urgent,
            }),
        });
    }
    out
}

/// Every candidate for today, ranked (priority, then value at stake, then customer), with
/// at most one per (customer, type).
pub fn candidates(ds: &Dataset, results: &[CustomerResult]) -> Vec<Candidate> {
    let merchant = Merchant::new(ds, results);
    let by_index: HashMap<u32, &CustomerResult> = results.iter().map(|r| (r.index, r)).collect();
    let mut out = Vec::new();
    for r in results {
        let c = &ds.customers[r.index as usize];
        if !c.profile.known {
            continue;
        }
        out.extend(come_back(ds, r, c));
        out.extend(second_visit(ds, &merchant, r, c));
        out.extend(upsell(ds, &merchant, r, c));
        out.extend(birthday(ds, r, c));
    }
    out.extend(reviews(ds, &merchant, &by_index));
    rank(&mut out);
    // One per (customer, type): the best-ranked wins (several unanswered reviews by one
    // customer become one task).
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| match &c.customer_id {
        Some(id) => seen.insert((id.clone(), c.task_type)),
        None => true,
    });
    out
}

/// Sorts by priority, then value at stake (highest first), then customer and type.
pub fn rank(tasks: &mut [Candidate]) {
    tasks.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.value_at_stake.cmp(&a.value_at_stake))
            .then(a.customer_id.cmp(&b.customer_id))
            .then(a.task_type.cmp(&b.task_type))
            .then(a.episode.cmp(&b.episode))
    });
}
