//! The context document of a customer: a short plain-text profile (name, status, first and
//! last visit, cadence, spend, favourite services, add-ons and staff, notes, recent visits,
//! reviews, contact) that is embedded and indexed for search and handed to task context.
//!
//! Documents hold absolute dates only, never "N days ago", so a document changes (and is
//! re-embedded) only when the customer's data or status changes, not every day.

use crate::facts::{Count, CustomerFacts, Status};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A built document with what the search filters on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CustomerDocument {
    pub customer_id: String,
    pub display_name: String,
    pub text: String,
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
}

const MAX_NOTE_CHARS: usize = 120;
const MAX_REVIEW_CHARS: usize = 160;

/// Formats minor units as whole currency units, e.g. `$1,240`.
pub fn money(minor: i64, currency: Option<&str>) -> String {
    let units = (minor as f64 / 100.0).round() as i64;
    let digits = units.abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if units < 0 { "-" } else { "" };
    match currency.unwrap_or("USD") {
        "USD" | "CAD" | "AUD" => format!("{sign}${grouped}"),
        "GBP" => format!("{sign}£{grouped}"),
        "EUR" => format!("{sign}€{grouped}"),
        other => format!("{sign}{grouped} {other}"),
    }
}

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

fn status_sentence(status: Status) -> &'static str {
    match status {
        Status::NoVisits => "No visits yet.",
        Status::New => "New client, one visit so far.",
        Status::OneTime => "One-time client who came once and has not come back.",
        Status::Regular => "Regular client, coming back on schedule.",
        Status::Lapsed => "Lapsed regular: stopped coming and is overdue for a visit.",
    }
}

/// Builds the document for one customer as of `now`.
pub fn build(facts: &CustomerFacts, now: DateTime<Utc>) -> CustomerDocument {
    let status = facts.status(now);
    let currency = facts.currency.as_deref();
    let mut parts: Vec<String> = vec![
        format!("{}.", facts.name),
        status_sentence(status).to_string(),
    ];
    if let (Some(first), Some(last)) = (facts.first_visit(), facts.last_visit()) {
        let mut s = format!(
            "Client since {}, last visit {}, {} visit{}",
            first.format("%Y-%m"),
            day(last),
            facts.visits.len(),
            if facts.visits.len() == 1 { "" } else { "s" }
        );
        if let Some(c) = facts.cadence_days() {
            s.push_str(&format!(", about every {} days", c.round() as i64));
        }
        s.push('.');
        parts.push(s);
    }
    if facts.paid_visits > 0 {
        let mut s = format!("Lifetime spend {}", money(facts.lifetime_value, currency));
        if let Some(avg) = facts.average_spend() {
            s.push_str(&format!(", average {} per visit", money(avg, currency)));
        }
        s.push('.');
        parts.push(s);
    }
    let services = facts.services();
    if !services.is_empty() {
        parts.push(format!("Services: {}.", list(&services, 4)));
    }
    let categories = facts.categories();
    if !categories.is_empty() {
        let names: Vec<&str> = categories.iter().take(3).map(|c| c.name.as_str()).collect();
        parts.push(format!("Categories: {}.", names.join(", ")));
    }
    let modifiers = facts.modifiers();
    if !modifiers.is_empty() {
        parts.push(format!("Add-ons: {}.", list(&modifiers, 3)));
        let visits = facts.visits.len();
        let always: Vec<&str> = modifiers
            .iter()
            .filter(|m| visits >= 3 && m.count as f64 >= 0.8 * visits as f64)
            .map(|m| m.name.as_str())
            .collect();
        if !always.is_empty() {
            parts.push(format!("Always adds {}.", always.join(" and ")));
        }
    }
    let staff = facts.staff();
    if !staff.is_empty() {
        parts.push(format!("Staff: {}.", list(&staff, 2)));
    }
    if let Some(main) = staff.first()
        && facts.departed_staff.contains(&main.name)
    {
        parts.push(format!(
            "Their usual stylist {} has left the business.",
            main.name
        ));
    }
    for note in facts.notes.iter().take(2) {
        parts.push(format!("Note: {}", truncate(note, MAX_NOTE_CHARS)));
    }
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
        parts.push(format!("Recent: {}.", recent.join("; ")));
    }
    for review in facts.reviews.iter().take(2) {
        let stars = review
            .rating
            .map_or_else(String::new, |r| format!("{r}/5 "));
        parts.push(format!(
            "Review: {stars}\"{}\"",
            truncate(&review.text, MAX_REVIEW_CHARS)
        ));
    }
    let contact: Vec<&str> = [facts.email.as_deref(), facts.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !contact.is_empty() {
        parts.push(format!("Contact: {}.", contact.join(", ")));
    }

    let text = parts.join(" ");
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
        text,
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
            reviews: vec![ReviewLine {
                rating: Some(5),
                text: "Maria is   wonderful".into(),
                created_at: "2025-03-09T00:00:00Z".into(),
            }],
            departed_staff: vec!["Maria Lopez".into()],
        }
    }

    #[test]
    fn document_names_the_customer_their_favourites_and_spend() {
        let now = Utc.with_ymd_and_hms(2025, 3, 20, 0, 0, 0).unwrap();
        let doc = build(&facts(), now);
        for needle in [
            "Jane Smith.",
            "Regular client",
            "Client since 2025-01, last visit 2025-03-08, 3 visits, about every 33 days.",
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
    fn money_groups_thousands_and_uses_the_currency_symbol() {
        assert_eq!(money(124_049, Some("USD")), "$1,240");
        assert_eq!(money(99, Some("GBP")), "£1");
        assert_eq!(money(1_234_567_800, Some("JPY")), "12,345,678 JPY");
    }
}
