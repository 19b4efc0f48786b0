//! The context document of a customer: a short plain-text profile (name, status, first and
//! last visit, cadence, spend, favourite services, add-ons and staff, notes from Square and
//! from uploaded spreadsheets, tags, recent visits, reviews, contact) that is embedded and
//! indexed for search and handed to task context.
//!
//! Documents hold absolute dates and coarse buckets only (a lapsed client's "last visit over 3
//! months ago", a spend tier against the shop's paying customers, a cadence in weeks), never
//! "N days ago", so a document changes (and is re-embedded) only when the customer's data,
//! status, bucket or tier changes, not every day. The status bucket, spend tier, missed
//! bookings and the cadence in weeks go to keyword search only (the model keeps "about every
//! N days"): in the embedded text they lowered semantic recall on the evaluation's tuning
//! queries.

use crate::facts::{Count, CustomerFacts, SheetContext, SpendRank, Status};
use crate::profile::Profile;
use chrono::{DateTime, Utc};
use keeper_normalize::money::money;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A built document with what the search filters on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CustomerDocument {
    pub customer_id: String,
    pub display_name: String,
    /// The whole document: what keyword search indexes and task context shows.
    pub text: String,
    /// The sentences that carry meaning (no dates, counts, ids or contact details): what the
    /// model embeds. Determined by `text`, so `content_hash` covers it.
    pub embed_text: String,
    /// SHA-256 of `text`, hex.
    pub content_hash: String,
    pub lapsed: bool,
    pub lifetime_value: i64,
    pub currency: Option<String>,
    pub last_visit: Option<String>,
    /// Lower-case service names joined by `|`.
    pub services: String,
    /// Lower-case staff names joined by `|`.
    pub staff: String,
    /// What query understanding filters and orders by (stored beside the document).
    pub profile: Profile,
}

const MAX_NOTE_CHARS: usize = 120;
const MAX_REVIEW_CHARS: usize = 160;
/// Notes taken from uploaded spreadsheets (after Square's own two).
const MAX_SHEET_NOTES: usize = 2;

fn truncate(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

fn list(counts: &[Count], top: usize) -> String {
    counts
        .iter()
        .take(top)
        .map(|c| format!("{} ×{}", c.name, c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `YYYY-MM-DD` or `--MM-DD` as "4 July" (no year: the document says nothing about age).
fn day_and_month(date: &str) -> Option<String> {
    let tail = date.get(date.len().checked_sub(5)?..)?;
    let (month, day) = tail.split_once('-')?;
    let month: usize = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    let name = MONTH_NAMES.get(month.checked_sub(1)?)?;
    Some(format!("{day} {name}"))
}

/// What uploaded spreadsheets added: their notes, tags, birthday, last visit elsewhere and
/// the other system's ids.
fn sheet_parts(sheets: &SheetContext, parts: &mut Parts) {
    for note in sheets.notes.iter().take(MAX_SHEET_NOTES) {
        parts.both(format!("Note: {}", truncate(note, MAX_NOTE_CHARS)));
    }
    if !sheets.tags.is_empty() {
        let tags: Vec<&str> = sheets.tags.iter().take(6).map(String::as_str).collect();
        parts.both(format!("Tags: {}.", tags.join(", ")));
    }
    if let Some(b) = sheets.birthday.as_deref().and_then(day_and_month) {
        parts.both(format!("Birthday {b}."));
    }
    if let Some(v) = &sheets.last_visit {
        parts.keyword_only(format!("Last visit in their previous system {v}."));
    }
    if !sheets.external_ids.is_empty() {
        let ids: Vec<&str> = sheets
            .external_ids
            .iter()
            .take(2)
            .map(String::as_str)
            .collect();
        parts.keyword_only(format!("Other system id {}.", ids.join(", ")));
    }
}

/// How long ago the last visit was, in coarse buckets (so the text changes a few times over a
/// year, not daily).
fn since_bucket(days: f64) -> &'static str {
    if days >= 365.0 {
        "over a year"
    } else if days >= 180.0 {
        "over 6 months"
    } else if days >= 90.0 {
        "over 3 months"
    } else {
        "over 6 weeks"
    }
}

fn status_sentence(status: Status) -> &'static str {
    match status {
        Status::NoVisits => "No visits yet.",
        Status::New => "New client, one visit so far.",
        Status::OneTime => "One-time client who came once and has not come back.",
        Status::Regular => "Regular client, coming back on schedule.",
        Status::Lapsed => "Lapsed regular: stopped coming and is overdue for a visit.",
    }
}

/// The status for keyword search, with how long a one-time or lapsed client has been away;
/// the model gets the status alone (the bucket diluted its match on lapsed clients).
fn status_parts(status: Status, days_since_last: Option<f64>, parts: &mut Parts) {
    let sentence = status_sentence(status);
    match (status, days_since_last) {
        (Status::OneTime | Status::Lapsed, Some(days)) => parts.split(
            format!("{sentence} Last visit {} ago.", since_bucket(days)),
            sentence.to_string(),
        ),
        _ => parts.both(sentence.to_string()),
    }
}

/// A cadence in days in plain words: "every week", "every 3 weeks", "every 2 months",
/// "once a year".
fn cadence_words(days: f64) -> String {
    let weeks = (days / 7.0).round().max(1.0) as i64;
    if weeks == 1 {
        "every week".to_string()
    } else if weeks <= 8 {
        format!("every {weeks} weeks")
    } else {
        let months = (days / 30.4).round() as i64;
        if months >= 12 {
            "once a year".to_string()
        } else {
            format!("every {months} months")
        }
    }
}

/// The customer's lifetime value against the shop's paying customers.
fn spend_tier(rank: SpendRank) -> &'static str {
    let above = rank.percent_above();
    if above < 10.0 {
        "Top 10% spender."
    } else if above < 25.0 {
        "Top 25% spender."
    } else if above < 75.0 {
        "Average spender."
    } else {
        "Low spender, bottom 25%."
    }
}

/// The document's sentences: every one is indexed for keyword search, and the ones that carry
/// meaning (not dates, counts, ids or contact details) also make up the shorter text the model
/// embeds, so embedding costs fewer tokens.
#[derive(Default)]
struct Parts {
    all: Vec<String>,
    embedded: Vec<String>,
}

impl Parts {
    fn both(&mut self, s: String) {
        self.embedded.push(s.clone());
        self.all.push(s);
    }

    fn keyword_only(&mut self, s: String) {
        self.all.push(s);
    }

    /// `full` for keyword search, `short` for the model.
    fn split(&mut self, full: String, short: String) {
        self.all.push(full);
        self.embedded.push(short);
    }
}

fn names(counts: &[Count], top: usize) -> String {
    counts
        .iter()
        .take(top)
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds the document for one customer as of `now`.
pub fn build(facts: &CustomerFacts, now: DateTime<Utc>) -> CustomerDocument {
    let status = facts.status(now);
    let currency = facts.currency.as_deref();
    let mut parts = Parts::default();
    parts.both(format!("{}.", facts.name));
    status_parts(status, facts.days_since_last(now), &mut parts);
    if let (Some(first), Some(last)) = (facts.first_visit(), facts.last_visit()) {
        let mut short = format!(
            "{} visit{}",
            facts.visits.len(),
            if facts.visits.len() == 1 { "" } else { "s" }
        );
        let mut full = short.clone();
        if let Some(c) = facts.cadence_days() {
            short.push_str(&format!(", about every {} days", c.round() as i64));
            full.push_str(&format!(", about {}", cadence_words(c)));
        }
        let full = format!(
            "Client since {}, last visit {}, {full}.",
            first.format("%Y-%m"),
            day(last),
        );
        parts.split(full, format!("{short}."));
    }
    if facts.paid_visits > 0 {
        let mut s = format!("Lifetime spend {}", money(facts.lifetime_value, currency));
        if let Some(avg) = facts.average_spend() {
            s.push_str(&format!(", average {} per visit", money(avg, currency)));
        }
        s.push('.');
        parts.both(s);
    }
    if let Some(rank) = facts.spend_rank {
        parts.keyword_only(spend_tier(rank).to_string());
    }
    let missed = [
        (facts.no_shows, "no-show"),
        (facts.cancellations, "cancelled booking"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
    .collect::<Vec<_>>();
    if !missed.is_empty() {
        parts.keyword_only(format!("Missed appointments: {}.", missed.join(", ")));
    }
    let services = facts.services();
    if !services.is_empty() {
        parts.split(
            format!("Services: {}.", list(&services, 4)),
            format!("Services: {}.", names(&services, 4)),
        );
    }
    let categories = facts.categories();
    if !categories.is_empty() {
        parts.both(format!("Categories: {}.", names(&categories, 3)));
    }
    let modifiers = facts.modifiers();
    if !modifiers.is_empty() {
        parts.split(
            format!("Add-ons: {}.", list(&modifiers, 3)),
            format!("Add-ons: {}.", names(&modifiers, 3)),
        );
        let visits = facts.visits.len();
        let always: Vec<&str> = modifiers
            .iter()
            .filter(|m| visits >= 3 && m.count as f64 >= 0.8 * visits as f64)
            .map(|m| m.name.as_str())
            .collect();
        if !always.is_empty() {
            parts.both(format!("Always adds {}.", always.join(" and ")));
        }
    }
    let staff = facts.staff();
    if !staff.is_empty() {
        parts.split(
            format!("Staff: {}.", list(&staff, 2)),
            format!("Staff: {}.", names(&staff, 2)),
        );
    }
    if let Some(main) = staff.first()
        && facts.departed_staff.contains(&main.name)
    {
        parts.both(format!(
            "Their usual stylist {} has left the business.",
            main.name
        ));
    }
    for note in facts.notes.iter().take(2) {
        parts.both(format!("Note: {}", truncate(note, MAX_NOTE_CHARS)));
    }
    sheet_parts(&facts.sheets, &mut parts);
    let recent: Vec<String> = facts
        .visits
        .iter()
        .rev()
        .take(3)
        .map(|v| {
            let mut s = format!("{} {}", day(v.at), v.services.join(" + "));
            if let Some(staff) = &v.staff {
                s.push_str(&format!(" with {staff}"));
            }
            s.trim().to_string()
        })
        .collect();
    if !recent.is_empty() {
        parts.keyword_only(format!("Recent: {}.", recent.join("; ")));
    }
    for review in facts.reviews.iter().take(2) {
        let stars = review
            .rating
            .map_or_else(String::new, |r| format!("{r}/5 "));
        parts.both(format!(
            "Review: {stars}\"{}\"",
            truncate(&review.text, MAX_REVIEW_CHARS)
        ));
    }
    let contact: Vec<&str> = [facts.email.as_deref(), facts.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !contact.is_empty() {
        parts.keyword_only(format!("Contact: {}.", contact.join(", ")));
    }

    let text = parts.all.join(" ");
    let embed_text = parts.embedded.join(" ");
    let content_hash = hex::encode(Sha256::digest(text.as_bytes()));
    let join_lower = |counts: &[Count]| {
        counts
            .iter()
            .map(|c| c.name.to_lowercase())
            .collect::<Vec<_>>()
            .join("|")
    };
    CustomerDocument {
        customer_id: facts.customer_id.clone(),
        display_name: facts.name.clone(),
        content_hash,
        lapsed: status == Status::Lapsed,
        lifetime_value: facts.lifetime_value,
        currency: facts.currency.clone(),
        last_visit: facts.last_visit().map(|t| t.to_rfc3339()),
        services: join_lower(&services),
        staff: join_lower(&staff),
        profile: Profile::of(facts),
        text,
        embed_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ReviewLine, Visit};
    use chrono::TimeZone;

    fn visit(day: u32, month: u32, service: &str, modifier: Option<&str>) -> Visit {
        Visit {
            order_id: format!("o{month}-{day}"),
            at: Utc.with_ymd_and_hms(2025, month, day, 10, 0, 0).unwrap(),
            services: vec![service.to_string()],
            categories: vec!["Colour".to_string()],
            modifiers: modifier.into_iter().map(str::to_string).collect(),
            staff: Some("Maria Lopez".into()),
        }
    }

    fn facts() -> CustomerFacts {
        CustomerFacts {
            customer_id: "C1".into(),
            name: "Jane Smith".into(),
            email: Some("jane@example.com".into()),
            phone: None,
            visits: vec![
                visit(1, 1, "Balayage", Some("Olaplex Treatment")),
                visit(5, 2, "Balayage", Some("Olaplex Treatment")),
                visit(8, 3, "Cut & Blow Dry", Some("Olaplex Treatment")),
            ],
            lifetime_value: 42_000,
            paid_visits: 3,
            currency: Some("USD".into()),
            notes: vec!["Patch test required before colour.".into()],
            sheets: SheetContext::default(),
            reviews: vec![ReviewLine {
                rating: Some(5),
                text: "Maria is   wonderful".into(),
                created_at: "2025-03-09T00:00:00Z".into(),
            }],
            departed_staff: vec!["Maria Lopez".into()],
            no_shows: 0,
            cancellations: 0,
            spend_rank: None,
        }
    }

    #[test]
    fn document_names_the_customer_their_favourites_and_spend() {
        let now = Utc.with_ymd_and_hms(2025, 3, 20, 0, 0, 0).unwrap();
        let doc = build(&facts(), now);
        for needle in [
            "Jane Smith.",
            "Regular client",
            "Client since 2025-01, last visit 2025-03-08, 3 visits, about every 5 weeks.",
            "Lifetime spend $420, average $140 per visit.",
            "Services: Balayage ×2, Cut & Blow Dry ×1. Categories: Colour.",
            "Always adds Olaplex Treatment.",
            "Their usual stylist Maria Lopez has left",
            "Note: Patch test required before colour.",
            "Review: 5/5 \"Maria is wonderful\"",
            "Contact: jane@example.com.",
        ] {
            assert!(
                doc.text.contains(needle),
                "missing {needle:?} in {}",
                doc.text
            );
        }
        assert_eq!(doc.services, "balayage|cut & blow dry");
        assert!(!doc.lapsed);
    }

    #[test]
    fn the_embedded_text_keeps_meaning_and_drops_dates_counts_and_contact_details() {
        let now = Utc.with_ymd_and_hms(2025, 3, 20, 0, 0, 0).unwrap();
        let doc = build(&facts(), now);
        assert_eq!(
            doc.embed_text,
            "Jane Smith. Regular client, coming back on schedule. 3 visits, about every 33 \
             days. Lifetime spend $420, average $140 per visit. Services: Balayage, Cut & Blow \
             Dry. Categories: Colour. Add-ons: Olaplex Treatment. Always adds Olaplex \
             Treatment. Staff: Maria Lopez. Their usual stylist Maria Lopez has left the \
             business. Note: Patch test required before colour. Review: 5/5 \"Maria is \
             wonderful\""
        );
        assert!(
            doc.text
                .contains("Recent: 2025-03-08 Cut & Blow Dry with Maria Lopez;")
        );
        assert!(
            doc.embed_text.len() * 10 < doc.text.len() * 8,
            "at least 20% shorter"
        );
    }

    #[test]
    fn document_text_and_hash_do_not_change_with_the_day_until_the_status_does() {
        let f = facts();
        let a = build(&f, Utc.with_ymd_and_hms(2025, 3, 20, 0, 0, 0).unwrap());
        let b = build(&f, Utc.with_ymd_and_hms(2025, 3, 30, 0, 0, 0).unwrap());
        assert_eq!(a.content_hash, b.content_hash);
        let lapsed = build(&f, Utc.with_ymd_and_hms(2025, 6, 30, 0, 0, 0).unwrap());
        assert!(lapsed.lapsed);
        assert_ne!(lapsed.content_hash, a.content_hash);
        assert!(lapsed.text.contains("Lapsed regular"));
    }

    #[test]
    fn notes_tags_and_birthday_from_uploaded_sheets_change_the_text_and_the_hash() {
        let now = Utc.with_ymd_and_hms(2025, 3, 20, 0, 0, 0).unwrap();
        let plain = build(&facts(), now);
        let mut f = facts();
        f.sheets = SheetContext {
            notes: vec!["Allergic to   latex gloves".into()],
            tags: vec!["vip".into(), "bridal party".into()],
            birthday: Some("1984-07-04".into()),
            external_ids: vec!["MB-17".into()],
            last_visit: Some("2024-11-02".into()),
        };
        let enriched = build(&f, now);
        for needle in [
            "Note: Patch test required before colour. Note: Allergic to latex gloves",
            "Tags: vip, bridal party.",
            "Birthday 4 July.",
            "Last visit in their previous system 2024-11-02.",
            "Other system id MB-17.",
        ] {
            assert!(
                enriched.text.contains(needle),
                "missing {needle:?} in {}",
                enriched.text
            );
        }
        assert!(!enriched.text.contains("1984"), "no birth year in the text");
        assert_ne!(enriched.content_hash, plain.content_hash);
        // Removing them again (an undone match) gives back the same document and hash.
        f.sheets = SheetContext::default();
        assert_eq!(build(&f, now), plain);
    }

    #[test]
    fn document_states_spend_tier_missed_bookings_and_how_long_a_lapsed_client_has_been_away() {
        let mut f = facts();
        f.spend_rank = Some(SpendRank { above: 3, of: 100 });
        f.no_shows = 2;
        f.cancellations = 1;
        let lapsed = build(&f, Utc.with_ymd_and_hms(2025, 7, 1, 0, 0, 0).unwrap());
        for needle in [
            "Lifetime spend $420, average $140 per visit. Top 10% spender.",
            "Missed appointments: 2 no-shows, 1 cancelled booking.",
            "Lapsed regular: stopped coming and is overdue for a visit. Last visit over 3 months ago.",
        ] {
            assert!(
                lapsed.text.contains(needle),
                "missing {needle:?} in {}",
                lapsed.text
            );
        }
        // The bucket, not the day count: a month later the document is the same.
        let later = build(&f, Utc.with_ymd_and_hms(2025, 8, 1, 0, 0, 0).unwrap());
        assert_eq!(later.content_hash, lapsed.content_hash);
        let a_year_on = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
        assert!(
            build(&f, a_year_on)
                .text
                .contains("Last visit over a year ago.")
        );
        f.spend_rank = Some(SpendRank { above: 90, of: 100 });
        assert!(
            build(&f, a_year_on)
                .text
                .contains("Low spender, bottom 25%.")
        );
    }

    #[test]
    fn cadence_reads_in_weeks_then_months() {
        assert_eq!(cadence_words(6.0), "every week");
        assert_eq!(cadence_words(14.0), "every 2 weeks");
        assert_eq!(cadence_words(43.0), "every 6 weeks");
        assert_eq!(cadence_words(91.0), "every 3 months");
        assert_eq!(cadence_words(380.0), "once a year");
    }

    #[test]
    fn a_birthday_without_a_year_reads_as_day_and_month() {
        assert_eq!(day_and_month("--12-31").as_deref(), Some("31 December"));
        assert_eq!(day_and_month("2001-02-03").as_deref(), Some("3 February"));
        assert_eq!(day_and_month("13-40"), None);
    }
}
