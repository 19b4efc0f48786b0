//! The fresh held-out queries: written in an owner's words before any query understanding was
//! built, and scored only as a whole (the eval never prints their per-query recall), so their
//! mean says how the search does on queries nothing was fitted to. Each query's expected
//! customers come from an explicit rule over the store's facts, written next to it; times
//! ("since spring", "last month") are relative to the `now` the store was built for.
//!
//! Calendar words are read the northern-hemisphere way: spring is March to May, winter
//! December to February, "last month" the calendar month before `now`'s.

use super::{COLOUR, Pred, has_addon, has_service, main_staff, note, status};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use keeper_search::facts::{CustomerFacts, Status};

/// Midnight UTC on a date.
fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::from_ymd_opt(y, m, d).unwrap().into())
}

/// The first day of the calendar month before `now`'s, and of `now`'s.
fn last_month(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let this = at(now.year(), now.month(), 1);
    let prev = if now.month() == 1 {
        at(now.year() - 1, 12, 1)
    } else {
        at(now.year(), now.month() - 1, 1)
    };
    (prev, this)
}

/// The shop's paying customers who spent more, in percent (`None` without payments).
fn percent_above(f: &CustomerFacts) -> Option<f64> {
    f.spend_rank.map(|r| r.percent_above())
}

/// Retail products (bought, not services).
const RETAIL: &[&str] = &[
    "Olaplex No.3 Hair Perfector",
    "Moroccanoil Treatment",
    "Colour-Safe Shampoo",
    "Colour-Safe Conditioner",
    "Texturising Spray",
];

/// Every service the customer had (retail aside) is a haircut or a blow dry, and there was
/// at least one.
fn only_cuts(f: &CustomerFacts) -> bool {
    let services: Vec<_> = f
        .services()
        .into_iter()
        .filter(|s| !RETAIL.contains(&s.name.as_str()))
        .collect();
    !services.is_empty()
        && services.iter().all(|s| {
            [
                "Women's Haircut",
                "Men's Haircut",
                "Kids' Haircut",
                "Blow Dry",
            ]
            .contains(&s.name.as_str())
        })
}

fn has_colour(f: &CustomerFacts) -> bool {
    COLOUR.iter().any(|s| has_service(f, s))
}

/// Treatments added to a service (not hair lengths or glitter).
const TREATMENTS: &[&str] = &["Olaplex Treatment", "Deep Conditioning", "Scalp Massage"];

/// Repeat customer (cadence known) with at least `visits` visits.
fn repeat(f: &CustomerFacts, visits: usize) -> bool {
    f.cadence_days().is_some() && f.visits.len() >= visits
}

/// Every visit with a named staff member was with `name`, over at least `visits` visits.
fn always_with(f: &CustomerFacts, name: &str, visits: usize) -> bool {
    f.visits.len() >= visits && f.visits.iter().all(|v| v.staff.as_deref() == Some(name))
}

pub fn queries() -> Vec<(&'static str, Pred)> {
    vec![
        // Status and time.
        (
            // Last visit during this year's spring (March to May), none since.
            "clients who haven't been back since spring",
            Box::new(|f, now| {
                f.last_visit()
                    .is_some_and(|t| t >= at(now.year(), 3, 1) && t < at(now.year(), 6, 1))
            }),
        ),
        (
            // Exactly one visit, and it was last month.
            "new clients from last month who never returned",
            Box::new(|f, now| {
                let (from, to) = last_month(now);
                f.visits.len() == 1 && f.first_visit().is_some_and(|t| t >= from && t < to)
            }),
        ),
        (
            // Repeat customers still counted regular, but overdue: more than 1.5 cadences
            // since their last visit.
            "regulars who are slipping and overdue",
            Box::new(|f, now| {
                status(f, now, Status::Regular)
                    && f.cadence_days()
                        .zip(f.days_since_last(now))
                        .is_some_and(|(c, since)| since > 1.5 * c)
            }),
        ),
        (
            // Lapsed, with the last visit in the current calendar year.
            "clients we lost this year",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && f.last_visit().is_some_and(|t| t >= at(now.year(), 1, 1))
            }),
        ),
        (
            // Exactly one visit, during last winter (December to February).
            "came once last winter and never came back",
            Box::new(|f, now| {
                f.visits.len() == 1
                    && f.first_visit()
                        .is_some_and(|t| t >= at(now.year() - 1, 12, 1) && t < at(now.year(), 3, 1))
            }),
        ),
        (
            // A visit in the 14 days before now.
            "who came in over the last two weeks",
            Box::new(|f, now| {
                f.last_visit()
                    .is_some_and(|t| t >= now - Duration::days(14))
            }),
        ),
        // Spend.
        (
            // Top 25% by lifetime value, and never a colour or treatment service: every
            // service a haircut or a blow dry (retail aside).
            "big spenders who only come for cuts",
            Box::new(|f, _| percent_above(f).is_some_and(|p| p < 25.0) && only_cuts(f)),
        ),
        (
            // Top 10% by lifetime value among paying customers.
            "our most valuable customers",
            Box::new(|f, _| percent_above(f).is_some_and(|p| p < 10.0)),
        ),
        (
            // Bottom 25% by lifetime value, coming at least every 5 weeks.
            "low spenders who still come often",
            Box::new(|f, _| {
                percent_above(f).is_some_and(|p| p >= 75.0)
                    && f.cadence_days().is_some_and(|c| c <= 35.0)
            }),
        ),
        (
            // Lifetime value of $1,000 or more.
            "clients who have spent over $1000",
            Box::new(|f, _| f.lifetime_value >= 100_000),
        ),
        (
            // Top 25% by lifetime value and lapsed.
            "high value clients who have gone quiet",
            Box::new(|f, now| {
                percent_above(f).is_some_and(|p| p < 25.0) && status(f, now, Status::Lapsed)
            }),
        ),
        // Cadence.
        (
            // At least 3 visits, median gap 24 to 38 days.
            "clients who come in monthly",
            Box::new(|f, _| {
                repeat(f, 3) && f.cadence_days().is_some_and(|c| (24.0..=38.0).contains(&c))
            }),
        ),
        (
            // At least 3 visits, median gap of 10 days or less.
            "weekly regulars",
            Box::new(|f, _| repeat(f, 3) && f.cadence_days().is_some_and(|c| c <= 10.0)),
        ),
        (
            // At least 3 visits, median gap 35 to 49 days.
            "people who come every six weeks or so",
            Box::new(|f, _| {
                repeat(f, 3) && f.cadence_days().is_some_and(|c| (35.0..=49.0).contains(&c))
            }),
        ),
        (
            // Repeat customers with a median gap of 3 months or more.
            "only come in a couple of times a year",
            Box::new(|f, _| repeat(f, 2) && f.cadence_days().is_some_and(|c| c >= 90.0)),
        ),
        // Services and retail.
        (
            // Had balayage and bought the Olaplex No.3 retail product.
            "balayage clients who bought Olaplex to take home",
            Box::new(|f, _| {
                has_service(f, "Balayage") && has_service(f, "Olaplex No.3 Hair Perfector")
            }),
        ),
        (
            // A haircut and a colour service, both at some point.
            "people who get both a cut and colour",
            Box::new(|f, _| {
                has_colour(f)
                    && ["Women's Haircut", "Men's Haircut"]
                        .iter()
                        .any(|s| has_service(f, s))
            }),
        ),
        (
            // Bought the texturising spray.
            "texturising spray buyers",
            Box::new(|f, _| has_service(f, "Texturising Spray")),
        ),
        (
            // Had a blow dry and are lapsed.
            "blow dry clients who have lapsed",
            Box::new(|f, now| status(f, now, Status::Lapsed) && has_service(f, "Blow Dry")),
        ),
        (
            // Had keratin smoothing and no visit since this year's spring ended (June 1).
            "keratin clients we haven't seen since spring",
            Box::new(|f, now| {
                has_service(f, "Keratin Smoothing")
                    && f.last_visit().is_some_and(|t| t < at(now.year(), 6, 1))
            }),
        ),
        // Staff.
        (
            // Customers whose most frequent staff member has left the business.
            "clients of stylists who no longer work here",
            Box::new(|f, _| main_staff(f).is_some_and(|s| f.departed_staff.contains(&s))),
        ),
        (
            // At least 2 visits, every one with Madelyn Li.
            "people who always book with Madelyn",
            Box::new(|f, _| always_with(f, "Madelyn Li", 2)),
        ),
        (
            // Most frequent staff member Carson Peterson, and lapsed.
            "Carson Peterson's clients who stopped coming",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && main_staff(f).is_some_and(|s| s == "Carson Peterson")
            }),
        ),
        (
            // New (one recent visit), served by Braxton Howard.
            "new clients who saw Braxton",
            Box::new(|f, now| {
                status(f, now, Status::New)
                    && f.visits
                        .iter()
                        .any(|v| v.staff.as_deref() == Some("Braxton Howard"))
            }),
        ),
        (
            // Most frequent staff member Lincoln Nasser, at least 3 visits, median gap 24 to
            // 38 days.
            "Lincoln's monthly clients",
            Box::new(|f, _| {
                main_staff(f).is_some_and(|s| s == "Lincoln Nasser")
                    && repeat(f, 3)
                    && f.cadence_days().is_some_and(|c| (24.0..=38.0).contains(&c))
            }),
        ),
        // Modifiers (add-ons and hair length).
        (
            // Regular, with a treatment add-on on at least one visit.
            "regulars who add a treatment",
            Box::new(|f, now| {
                status(f, now, Status::Regular) && TREATMENTS.iter().any(|t| has_addon(f, t))
            }),
        ),
        (
            // At least 2 visits, scalp massage on at least 80% of them.
            "clients who always get a scalp massage",
            Box::new(|f, _| {
                f.visits.len() >= 2
                    && f.modifiers().iter().any(|m| {
                        m.name == "Scalp Massage" && m.count as f64 >= 0.8 * f.visits.len() as f64
                    })
            }),
        ),
        (
            // The "Long" hair-length modifier on at least one visit.
            "clients with long hair",
            Box::new(|f, _| has_addon(f, "Long")),
        ),
        (
            // Olaplex add-on and a colour service.
            "colour clients who add Olaplex",
            Box::new(|f, _| has_addon(f, "Olaplex Treatment") && has_colour(f)),
        ),
        // Notes.
        (
            // Patch-test note and lapsed.
            "dye-allergy clients who stopped coming",
            Box::new(|f, now| note(f, "patch test") && status(f, now, Status::Lapsed)),
        ),
        (
            // Saturday note and regular.
            "Saturday morning regulars",
            Box::new(|f, now| note(f, "saturday") && status(f, now, Status::Regular)),
        ),
        (
            // Cash note and a colour service.
            "cash-paying colour clients",
            Box::new(|f, _| note(f, "cash") && has_colour(f)),
        ),
        (
            // The note about bringing a daughter.
            "mums who bring their kids along",
            Box::new(|f, _| note(f, "daughter")),
        ),
        (
            // The note about volumising products.
            "use volumising products on her",
            Box::new(|f, _| note(f, "volumising")),
        ),
        // Missed bookings.
        (
            // At least one no-show.
            "clients who didn't turn up to their appointment",
            Box::new(|f, _| f.no_shows >= 1),
        ),
        (
            // Two or more bookings cancelled by the customer.
            "people who keep cancelling",
            Box::new(|f, _| f.cancellations >= 2),
        ),
        // Reviews.
        (
            // A linked review with 1 or 2 stars.
            "clients who left us a bad review",
            Box::new(|f, _| f.reviews.iter().any(|r| r.rating.is_some_and(|s| s <= 2))),
        ),
        (
            // A linked review with 5 stars.
            "customers who gave us five stars",
            Box::new(|f, _| f.reviews.iter().any(|r| r.rating == Some(5))),
        ),
        (
            // A linked review whose text complains of a burn, an allergy, rudeness or asks
            // for a refund (the urgent complaint kinds).
            "unhappy reviewers who complained online",
            Box::new(|f, _| {
                f.reviews.iter().any(|r| {
                    let t = r.text.to_lowercase();
                    ["burn", "allergic", "rude", "refund", "never again"]
                        .iter()
                        .any(|w| t.contains(w))
                })
            }),
        ),
    ]
}
