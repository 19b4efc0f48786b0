//! Reviews of the demo merchant, generated from the Square simulator's dataset with a seeded
//! RNG: written by some of its customers (and by people who are not customers) about its
//! team members and services, with star ratings that fit the tone, owner replies, edits,
//! urgent complaints (burns, allergic reactions, rudeness, refunds, "never again"), and staff
//! names as people type them: full, first name only, nicknames and misspellings.

use crate::link::CustomerName;
use crate::mentions::{ItemName, NICKNAMES, TeamName};
use chrono::{DateTime, Duration, Utc};
use keeper_sim::store::Dataset;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The names reviews are written about and by.
#[derive(Debug, Clone, Default)]
pub struct ReviewWorld {
    pub business_name: String,
    pub team: Vec<TeamName>,
    pub customers: Vec<CustomerName>,
    /// Bookable services (catalog items of type APPOINTMENTS_SERVICE).
    pub services: Vec<ItemName>,
}

impl ReviewWorld {
    /// The active team, named customers and live services of a simulated merchant.
    pub fn from_dataset(d: &Dataset) -> ReviewWorld {
        ReviewWorld {
            business_name: d.merchant.business_name.clone(),
            team: d
                .team
                .iter()
                .filter(|t| t.status == "ACTIVE")
                .map(|t| TeamName {
                    id: t.id.clone(),
                    given_name: t.given_name.clone(),
                    family_name: t.family_name.clone(),
                })
                .collect(),
            customers: d
                .customers
                .iter()
                .filter_map(|c| {
                    Some(CustomerName {
                        id: c.id.clone(),
                        given_name: c.given_name.clone()?,
                        family_name: c.family_name.clone()?,
                    })
                })
                .collect(),
            services: d
                .catalog
                .iter()
                .filter(|o| o.kind == "ITEM" && !o.is_deleted)
                .filter_map(|o| o.item_data.as_ref().map(|i| (o, i)))
                .filter(|(_, i)| i.product_type == "APPOINTMENTS_SERVICE")
                .map(|(o, i)| ItemName {
                    id: o.id.clone(),
                    name: i.name.clone(),
                })
                .collect(),
        }
    }
}

/// One generated review with the truth behind it.
#[derive(Debug, Clone, Serialize)]
pub struct SimReview {
    pub id: String,
    pub author: String,
    /// The customer who wrote it (None: not a customer).
    pub customer_id: Option<String>,
    pub rating: u8,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reply: Option<(String, DateTime<Utc>)>,
    /// Team members the text names, and how ("full", "first", "nickname", "misspelt").
    pub staff: Vec<(String, &'static str)>,
    pub services: Vec<String>,
    /// The text holds an urgent complaint.
    pub urgent_words: bool,
}

const POSITIVE: &[&str] = &[
    "{staff} did an amazing job on my {service}.",
    "{staff} is the best, she really listens!",
    "Booked a {service} with {staff} and I love the result.",
    "{staff} was so friendly and professional.",
    "My {service} looks gorgeous, thank you {staff}!",
    "Great atmosphere and the {service} was perfect.",
    "Highly recommend {staff} for a {service}.",
    "Always a relaxing visit, we will be back.",
];
const NEUTRAL: &[&str] = &[
    "The {service} was fine, nothing special.",
    "Parking is a bit tricky on weekends.",
    "{staff} did my {service}, it took about an hour.",
    "Prices went up since last year.",
];
const NEGATIVE: &[&str] = &[
    "{staff} rushed my {service} and it came out patchy.",
    "Waited 40 minutes past my appointment and nobody apologised.",
    "My {service} turned brassy after a week.",
    "{staff} seemed distracted and uninterested.",
    "Way overpriced for a mediocre {service}.",
];
const URGENT: &[&str] = &[
    "{staff} burned my scalp during the {service}.",
    "I'm allergic to the dye and nobody did a patch test, my skin is still red.",
    "The front desk was rude when I complained. I want a refund.",
    "{staff} was rude to my daughter. Never again.",
    "I asked for a refund for the {service} and was laughed at.",
];

/// `n_google` Google and `n_yelp` Yelp reviews of `world`, deterministic in `seed` and
/// `now`, newest last.
pub fn generate(
    world: &ReviewWorld,
    seed: u64,
    now: DateTime<Utc>,
    n_google: usize,
    n_yelp: usize,
) -> (Vec<SimReview>, Vec<SimReview>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5245_5649_4557);
    let google = (0..n_google)
        .map(|k| one(world, &mut rng, now, format!("g{seed:x}r{k:04}"), k))
        .collect();
    let yelp = (0..n_yelp)
        .map(|k| one(world, &mut rng, now, format!("y{seed:x}r{k:04}"), k + 7))
        .collect();
    let sort = |mut v: Vec<SimReview>| {
        v.sort_by(|a: &SimReview, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        v
    };
    (sort(google), sort(yelp))
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, v: &'a [T]) -> &'a T {
    &v[rng.random_range(0..v.len())]
}

fn one(
    world: &ReviewWorld,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
    id: String,
    k: usize,
) -> SimReview {
    // Every 6th review is an urgent complaint; the rest follow a typical star mix.
    let rating: u8 = if k % 6 == 5 {
        rng.random_range(1..=2)
    } else {
        match rng.random_range(0..100) {
            0..45 => 5,
            45..72 => 4,
            72..84 => 3,
            84..92 => 2,
            _ => 1,
        }
    };
    let urgent = k % 6 == 5 || (rating <= 2 && rng.random_bool(0.4));
    let mut pools: Vec<&[&str]> = match rating {
        5 => vec![POSITIVE, POSITIVE],
        4 => vec![POSITIVE, NEUTRAL],
        3 => vec![NEUTRAL, NEGATIVE, POSITIVE],
        _ => vec![NEGATIVE, NEUTRAL],
    };
    if urgent {
        pools.insert(0, URGENT);
    }
    let mut staff = Vec::new();
    let mut services = Vec::new();
    let mut sentences = Vec::new();
    let member = (!world.team.is_empty()).then(|| pick(rng, &world.team).clone());
    let service = (!world.services.is_empty()).then(|| pick(rng, &world.services).clone());
    for pool in pools {
        let mut s = (*pick(rng, pool)).to_owned();
        if s.contains("{staff}") {
            let Some(m) = &member else { continue };
            if staff.is_empty() {
                let (name, how) = staff_name(rng, m);
                s = s.replacen("{staff}", &name, 1);
                staff.push((m.id.clone(), how));
            } else {
                s = s.replace("{staff}", "she");
                s = capitalise(&s);
            }
        }
        if s.contains("{service}") {
            let Some(it) = &service else { continue };
            s = s.replace("{service}", &service_words(rng, &it.name));
            if !services.contains(&it.id) {
                services.push(it.id.clone());
            }
        }
        sentences.push(s);
    }
    let (author, customer_id) = author(world, rng);
    let created_at = now - Duration::minutes(rng.random_range(60..365 * 24 * 60));
    let edited = rng.random_bool(0.15);
    let updated_at = if edited {
        created_at
            + Duration::minutes(rng.random_range(30..(now - created_at).num_minutes().max(31)))
    } else {
        created_at
    };
    let reply = rng.random_bool(0.4).then(|| {
        let first = author.split(' ').next().unwrap_or("there").to_owned();
        let text = if rating >= 4 {
            format!("Thank you {first}, we can't wait to see you again!")
        } else {
            format!("{first}, we are sorry to hear this. Please call us so we can make it right.")
        };
        (text, updated_at + Duration::hours(rng.random_range(2..72)))
    });
    let reply = reply.map(|(t, at)| (t, at.min(now)));
    SimReview {
        id,
        author,
        customer_id,
        rating,
        text: sentences.join(" "),
        created_at,
        updated_at,
        reply,
        staff,
        services,
        urgent_words: urgent,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// How a reviewer names a team member.
fn staff_name(rng: &mut ChaCha8Rng, m: &TeamName) -> (String, &'static str) {
    let nick = NICKNAMES
        .iter()
        .find(|(formal, _)| formal.eq_ignore_ascii_case(&m.given_name))
        .map(|(_, n)| capitalise(n[0]));
    match rng.random_range(0..100) {
        0..15 => (format!("{} {}", m.given_name, m.family_name), "full"),
        15..65 => (m.given_name.clone(), "first"),
        65..80 if nick.is_some() => (nick.unwrap_or_default(), "nickname"),
        _ => (misspell(rng, &m.given_name), "misspelt"),
    }
}

/// A plausible typo: two inner letters swapped, or one inner letter doubled.
fn misspell(rng: &mut ChaCha8Rng, name: &str) -> String {
    let mut c: Vec<char> = name.chars().collect();
    if c.len() >= 5 && rng.random_bool(0.5) {
        let i = rng.random_range(1..c.len() - 2);
        c.swap(i, i + 1);
    } else if c.len() >= 3 {
        let i = rng.random_range(1..c.len() - 1);
        let d = c[i];
        c.insert(i, d);
    }
    c.into_iter().collect()
}

/// How a reviewer names a service: the catalog name or a common variant.
fn service_words(rng: &mut ChaCha8Rng, name: &str) -> String {
    let lower = name.to_lowercase();
    let variants: &[&str] = match lower.as_str() {
        "women's haircut" => &["women's haircut", "haircut"],
        "men's haircut" => &["men's haircut", "men's cut"],
        "kids' haircut" => &["kids' haircut", "son's haircut"],
        "blow dry & style" => &["blow dry", "blowout"],
        "root colour" => &["root colour", "root color"],
        "full colour" => &["full colour", "full color"],
        "toner & gloss" => &["toner and gloss", "toner & gloss"],
        "keratin smoothing" => &["keratin treatment", "keratin smoothing"],
        "balayage" => &["balayage", "bayalage"],
        _ => &[],
    };
    if variants.is_empty() {
        lower
    } else {
        (*pick(rng, variants)).to_owned()
    }
}

/// The reviewer: a customer (75 %: "Given Family", "Given F." or just "Given") or someone
/// who is not one.
fn author(world: &ReviewWorld, rng: &mut ChaCha8Rng) -> (String, Option<String>) {
    if !world.customers.is_empty() && rng.random_bool(0.75) {
        let c = pick(rng, &world.customers);
        let name = match rng.random_range(0..10) {
            0..6 => format!("{} {}", c.given_name, c.family_name),
            6..9 => format!(
                "{} {}.",
                c.given_name,
                c.family_name.chars().next().unwrap_or('X')
            ),
            _ => c.given_name.clone(),
        };
        return (name, Some(c.id.clone()));
    }
    const OUTSIDERS: &[&str] = &[
        "Quentin Vasquez-Oduya",
        "Marisol Thibodeaux",
        "Dmitri Halvorsen",
        "Priyanka Wojcik",
        "Tobias Nakamura-Reyes",
        "Henrietta Oyelaran",
        "Local Guide",
        "A Google user",
        "Sunny D.",
        "Bartholomew Kettering",
    ];
    ((*pick(rng, OUTSIDERS)).to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn world() -> ReviewWorld {
        let (d, _) = keeper_sim::generate::generate(
            keeper_sim::Profile::Small,
            7,
            keeper_sim::Ts(1_748_736_000_000),
        );
        ReviewWorld::from_dataset(&d)
    }

    #[test]
    fn generation_is_deterministic_and_mixed() {
        let w = world();
        assert!(!w.team.is_empty() && !w.services.is_empty() && !w.customers.is_empty());
        let now = Utc.timestamp_opt(1_748_736_000, 0).unwrap();
        let (g1, y1) = generate(&w, 3, now, 60, 12);
        let (g2, _) = generate(&w, 3, now, 60, 12);
        assert_eq!(
            serde_json::to_string(&g1).unwrap(),
            serde_json::to_string(&g2).unwrap()
        );
        assert_eq!((g1.len(), y1.len()), (60, 12));
        assert!(g1.iter().any(|r| r.rating <= 2) && g1.iter().any(|r| r.rating == 5));
        assert!(g1.iter().filter(|r| r.urgent_words).count() >= 10);
        assert!(g1.iter().any(|r| r.customer_id.is_none()));
        assert!(g1.iter().any(|r| r.customer_id.is_some()));
        let hows: Vec<&str> = g1
            .iter()
            .flat_map(|r| r.staff.iter().map(|s| s.1))
            .collect();
        assert!(hows.contains(&"misspelt") && hows.contains(&"first"));
        assert!(g1.iter().all(|r| r.created_at < now && r.updated_at <= now));
    }
}
