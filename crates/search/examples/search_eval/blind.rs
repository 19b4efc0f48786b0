//! The blind held-out queries: written after the query understanding was built by someone who
//! did not read it (nor its tests or history), in other words than the other three sets, and
//! run once. Like the fresh set they are scored only as a whole (the eval prints how many
//! customers each query expects and the set's means, never a query's recall), so their mean
//! says how the search does on owner questions nothing was fitted to. Each query's expected
//! customers come from an explicit rule over the store's facts, written next to it; times are
//! relative to the `now` the store was built for, calendar words read the northern-hemisphere
//! way (summer is June to August), "this year" is `now`'s calendar year.

use super::{COLOUR, Pred, has_addon, has_service, main_staff, note, status};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use keeper_search::facts::{CustomerFacts, Status};

/// Midnight UTC on a date.
fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::from_ymd_opt(y, m, d).unwrap().into())
}

/// The shop's paying customers who spent more, in percent (`None` without payments).
fn percent_above(f: &CustomerFacts) -> Option<f64> {
    f.spend_rank.map(|r| r.percent_above())
}

fn has_colour(f: &CustomerFacts) -> bool {
    COLOUR.iter().any(|s| has_service(f, s))
}

/// A visit at or after `from` that included the service `name`.
fn had_since(f: &CustomerFacts, name: &str, from: DateTime<Utc>) -> bool {
    f.visits
        .iter()
        .any(|v| v.at >= from && v.services.iter().any(|s| s == name))
}

/// Add-ons proper (not the hair-length choice colour services take).
const ADDONS: &[&str] = &[
    "Olaplex Treatment",
    "Deep Conditioning",
    "Scalp Massage",
    "Glitter Spray",
];

/// Repeat customer (cadence known) with at least `visits` visits.
fn repeat(f: &CustomerFacts, visits: usize) -> bool {
    f.cadence_days().is_some() && f.visits.len() >= visits
}

/// More days since the last visit than the customer's usual gap.
fn overdue(f: &CustomerFacts, now: DateTime<Utc>) -> bool {
    f.cadence_days()
        .zip(f.days_since_last(now))
        .is_some_and(|(c, since)| since > c)
}

fn review_says(f: &CustomerFacts, words: &[&str]) -> bool {
    f.reviews.iter().any(|r| {
        let t = r.text.to_lowercase();
        words.iter().any(|w| t.contains(w))
    })
}

pub fn queries() -> Vec<(&'static str, Pred)> {
    vec![
        // Who stopped coming.
        (
            // Lapsed, last visit during this summer (June 1 or later).
            "customers who drifted away over the summer",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && f.last_visit().is_some_and(|t| t >= at(now.year(), 6, 1))
            }),
        ),
        (
            // Last visit more than 90 days ago.
            "people we haven't seen in over three months",
            Box::new(|f, now| f.days_since_last(now).is_some_and(|d| d > 90.0)),
        ),
        (
            // Last visit more than 365 days ago.
            "anyone who's been gone for more than a year",
            Box::new(|f, now| f.days_since_last(now).is_some_and(|d| d > 365.0)),
        ),
        (
            // Lapsed, at least 4 visits, usual gap 5 weeks or less.
            "used to be in all the time but not anymore",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && repeat(f, 4)
                    && f.cadence_days().is_some_and(|c| c <= 35.0)
            }),
        ),
        (
            // Exactly one visit, on or after January 1 of this year.
            "people who tried us once earlier this year",
            Box::new(|f, now| {
                f.visits.len() == 1 && f.first_visit().is_some_and(|t| t >= at(now.year(), 1, 1))
            }),
        ),
        // Spend.
        (
            // Average paid visit of more than $150.
            "clients whose average bill is above 150 dollars",
            Box::new(|f, _| f.average_spend().is_some_and(|a| a > 15_000)),
        ),
        (
            // Bottom 10% of paying customers by lifetime value.
            "the customers who spend the least with us",
            Box::new(|f, _| percent_above(f).is_some_and(|p| p >= 90.0)),
        ),
        (
            // Top 20% by lifetime value, still regular, but past their usual gap.
            "best customers who are late for their next visit",
            Box::new(|f, now| {
                percent_above(f).is_some_and(|p| p < 20.0)
                    && status(f, now, Status::Regular)
                    && overdue(f, now)
            }),
        ),
        (
            // Paying customers with a lifetime value under $100.
            "people who have spent under a hundred dollars in total",
            Box::new(|f, _| f.paid_visits > 0 && f.lifetime_value < 10_000),
        ),
        // How often.
        (
            // At least 3 visits, usual gap 17 to 25 days.
            "clients who come back every three weeks",
            Box::new(|f, _| {
                repeat(f, 3) && f.cadence_days().is_some_and(|c| (17.0..=25.0).contains(&c))
            }),
        ),
        (
            // At least 3 visits, usual gap 50 to 70 days.
            "people who visit roughly every two months",
            Box::new(|f, _| {
                repeat(f, 3) && f.cadence_days().is_some_and(|c| (50.0..=70.0).contains(&c))
            }),
        ),
        (
            // More than 10 visits.
            "who has been in more than ten times",
            Box::new(|f, _| f.visits.len() > 10),
        ),
        // Services.
        (
            // A Bridal Trial visit this year.
            "anyone who had a bridal trial this year",
            Box::new(|f, now| had_since(f, "Bridal Trial", at(now.year(), 1, 1))),
        ),
        (
            // A Highlights visit in the 92 days before now.
            "had highlights done in the last three months",
            Box::new(|f, now| had_since(f, "Highlights", now - Duration::days(92))),
        ),
        (
            // Keratin Smoothing and still regular.
            "smoothing treatment clients who still come regularly",
            Box::new(|f, now| {
                has_service(f, "Keratin Smoothing") && status(f, now, Status::Regular)
            }),
        ),
        (
            // Balayage or Highlights, and never any haircut.
            "balayage or highlights but never a haircut",
            Box::new(|f, _| {
                (has_service(f, "Balayage") || has_service(f, "Highlights"))
                    && !["Women's Haircut", "Men's Haircut", "Kids' Haircut"]
                        .iter()
                        .any(|s| has_service(f, s))
            }),
        ),
        (
            // A Kids' Haircut visit in the 30 days before now.
            "kids' cuts booked in the past month",
            Box::new(|f, now| had_since(f, "Kids' Haircut", now - Duration::days(30))),
        ),
        // Retail.
        (
            // Bought the colour-safe shampoo.
            "anyone who bought shampoo from us",
            Box::new(|f, _| has_service(f, "Colour-Safe Shampoo")),
        ),
        (
            // Bought the Olaplex No.3 retail product.
            "who picked up Olaplex No. 3 at the desk",
            Box::new(|f, _| has_service(f, "Olaplex No.3 Hair Perfector")),
        ),
        (
            // A retail purchase, and lapsed.
            "product buyers who haven't come back",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed) && f.categories().iter().any(|c| c.name == "Retail")
            }),
        ),
        // Add-ons.
        (
            // The Deep Conditioning add-on on at least one visit.
            "customers who upgrade with deep conditioning",
            Box::new(|f, _| has_addon(f, "Deep Conditioning")),
        ),
        (
            // At least 3 visits and never an add-on (hair length aside).
            "people with several visits who never add any extras",
            Box::new(|f, _| f.visits.len() >= 3 && !ADDONS.iter().any(|a| has_addon(f, a))),
        ),
        (
            // Scalp Massage add-on and lapsed.
            "scalp massage fans who have lapsed",
            Box::new(|f, now| has_addon(f, "Scalp Massage") && status(f, now, Status::Lapsed)),
        ),
        // Staff.
        (
            // Main staff Katherine Wang and regular.
            "Katherine's regular clients",
            Box::new(|f, now| {
                status(f, now, Status::Regular)
                    && main_staff(f).is_some_and(|s| s == "Katherine Wang")
            }),
        ),
        (
            // At least one visit with Robert Kennedy.
            "everyone Robert has ever done",
            Box::new(|f, _| {
                f.visits
                    .iter()
                    .any(|v| v.staff.as_deref() == Some("Robert Kennedy"))
            }),
        ),
        (
            // Main staff has left the business.
            "people whose usual stylist has moved on",
            Box::new(|f, _| main_staff(f).is_some_and(|s| f.departed_staff.contains(&s))),
        ),
        (
            // Main staff Madelyn Li, and past their usual gap.
            "Madelyn's clients who are overdue",
            Box::new(|f, now| main_staff(f).is_some_and(|s| s == "Madelyn Li") && overdue(f, now)),
        ),
        (
            // First visit on or after June 1 of this year, and that visit with Braxton Howard.
            "Braxton's new clients this summer",
            Box::new(|f, now| {
                f.visits.first().is_some_and(|v| {
                    v.at >= at(now.year(), 6, 1) && v.staff.as_deref() == Some("Braxton Howard")
                })
            }),
        ),
        // Missed and cancelled bookings.
        (
            // At least one no-show.
            "who skipped an appointment without telling us",
            Box::new(|f, _| f.no_shows >= 1),
        ),
        (
            // Two or more no-shows.
            "customers with more than one no-show",
            Box::new(|f, _| f.no_shows >= 2),
        ),
        (
            // At least one booking cancelled by the customer.
            "people who called off a booking",
            Box::new(|f, _| f.cancellations >= 1),
        ),
        (
            // Regular, with at least one no-show.
            "regulars who have missed appointments",
            Box::new(|f, now| status(f, now, Status::Regular) && f.no_shows >= 1),
        ),
        // Reviews.
        (
            // A linked review that mentions waiting.
            "who complained about waiting in their review",
            Box::new(|f, _| review_says(f, &["waited", "wait"])),
        ),
        (
            // A linked review rated 4 or 5.
            "happy customers who reviewed us",
            Box::new(|f, _| f.reviews.iter().any(|r| r.rating.is_some_and(|s| s >= 4))),
        ),
        (
            // A linked review saying the colour went brassy.
            "reviewers who said their colour turned brassy",
            Box::new(|f, _| review_says(f, &["brassy"])),
        ),
        (
            // A linked review about prices.
            "mentioned our prices in a review",
            Box::new(|f, _| review_says(f, &["price", "overpriced"])),
        ),
        (
            // A linked review rated 3.
            "lukewarm three-star reviews",
            Box::new(|f, _| f.reviews.iter().any(|r| r.rating == Some(3))),
        ),
        // Notes.
        (
            // The patch-test (PPD) note.
            "clients allergic to hair dye",
            Box::new(|f, _| note(f, "patch test")),
        ),
        (
            // The sensitive-scalp, no-hot-water note.
            "keep the water lukewarm for her",
            Box::new(|f, _| note(f, "sensitive scalp")),
        ),
        (
            // The note asking for receipts by email.
            "wants her receipt emailed",
            Box::new(|f, _| note(f, "receipts by email")),
        ),
        (
            // The natural-curls note.
            "thinning shears are a no-no",
            Box::new(|f, _| note(f, "natural curls")),
        ),
        (
            // A lateness note, and regular.
            "chronically late clients who still come regularly",
            Box::new(|f, now| note(f, "late") && status(f, now, Status::Regular)),
        ),
        // New clients.
        (
            // First visit in August of this year.
            "people who first came to us in August",
            Box::new(|f, now| {
                f.first_visit()
                    .is_some_and(|t| t >= at(now.year(), 8, 1) && t < at(now.year(), 9, 1))
            }),
        ),
        (
            // First visit in the 30 days before now.
            "new faces in the last 30 days",
            Box::new(|f, now| {
                f.first_visit()
                    .is_some_and(|t| t >= now - Duration::days(30))
            }),
        ),
        // Loyal regulars.
        (
            // Regular, first visit at least two years (730 days) ago.
            "long-time clients who've stuck with us two years or more",
            Box::new(|f, now| {
                status(f, now, Status::Regular)
                    && f.first_visit()
                        .is_some_and(|t| t <= now - Duration::days(730))
            }),
        ),
        (
            // Regular with at least 10 visits.
            "our most loyal customers",
            Box::new(|f, now| status(f, now, Status::Regular) && f.visits.len() >= 10),
        ),
        // Combinations.
        (
            // Lapsed, a colour service, top 25% by lifetime value.
            "lapsed dye customers with a high lifetime spend",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && has_colour(f)
                    && percent_above(f).is_some_and(|p| p < 25.0)
            }),
        ),
        (
            // New (one recent visit) with a colour service.
            "new clients who booked colour",
            Box::new(|f, now| status(f, now, Status::New) && has_colour(f)),
        ),
        (
            // The wedding note and a Bridal Trial.
            "brides-to-be who already did their trial",
            Box::new(|f, _| note(f, "wedding") && has_service(f, "Bridal Trial")),
        ),
    ]
}
