//! The merchant, its locations and team, and its customers: each customer is a persona
//! (how they behave) plus the profile Square stores, with duplicates and merges.

use super::{Profile, ids, names, rand_f};
use crate::model::*;
use crate::time::{DAY, Ts};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

/// How a customer visits over the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Comes back on a personal cadence until now.
    Regular,
    /// Was a regular, then stopped at `churn_at`.
    Churner,
    /// Came once and never again.
    OneTimer,
    /// Regular with one long absence, then came back.
    Returner,
    /// Comes a few times a year.
    Occasional,
}

/// A customer's behaviour and identity over time.
#[derive(Debug, Clone)]
pub struct Persona {
    pub kind: Kind,
    pub customer_id: String,
    pub created_at: Ts,
    pub first_visit: Ts,
    pub cadence_days: f64,
    pub churn_at: Option<Ts>,
    pub gap: Option<(Ts, Ts)>,
    pub staff: usize,
    pub service: usize,
    pub location: usize,
    pub booking_rate: f64,
    pub loyalty: bool,
    pub phone: Option<String>,
    pub card: Option<(&'static str, String, String)>,
    pub cash_rate: f64,
    /// A second profile of the same person, created at `.1`, used for some later visits.
    pub duplicate: Option<(String, Ts)>,
    /// The two profiles were merged into `.0` at `.1`.
    pub merged: Option<(String, Ts)>,
}

impl Persona {
    /// The customer id a visit at `t` is recorded under.
    pub fn id_at(&self, t: Ts, coin: f64) -> &str {
        if let Some((merged_id, at)) = &self.merged
            && t >= *at
        {
            return merged_id;
        }
        if let Some((dup_id, at)) = &self.duplicate
            && t >= *at
            && coin < 0.5
        {
            return dup_id;
        }
        &self.customer_id
    }
}

/// The seller and its locations (sorted by name); the first location is the main one.
pub fn merchant_and_locations(
    rng: &mut ChaCha8Rng,
    profile: Profile,
    created_at: Ts,
    now: Ts,
) -> (Merchant, Vec<Location>) {
    let merchant_id = ids::location(rng);
    let names = ["Downtown", "Harbor Point", "Northside", "Old Mill (closed)"];
    let spec = profile.spec();
    let mut locations = Vec::new();
    for (i, suffix) in names
        .iter()
        .enumerate()
        .take(spec.locations + spec.inactive_locations)
    {
        let inactive = i >= spec.locations;
        let (town, zip) = names::TOWNS[i % names::TOWNS.len()];
        locations.push(Location {
            id: ids::location(rng),
            name: format!("Willow & Shear {suffix}"),
            address: Address {
                address_line_1: Some(format!(
                    "{} {}",
                    rng.random_range(1..400),
                    names::STREETS[i % names::STREETS.len()]
                )),
                address_line_2: None,
                locality: Some(town.into()),
                administrative_district_level_1: Some("MA".into()),
                postal_code: Some(zip.into()),
                country: Some("US"),
            },
            timezone: "America/New_York",
            capabilities: vec!["CREDIT_CARD_PROCESSING", "AUTOMATIC_TRANSFERS"],
            status: if inactive { "INACTIVE" } else { "ACTIVE" },
            created_at: if i == 0 {
                created_at
            } else {
                created_at.plus(i as i64 * 60 * DAY).min(now)
            },
            merchant_id: merchant_id.clone(),
            country: "US",
            language_code: "en-US",
            currency: "USD",
            phone_number: format!("+1 617-555-01{:02}", 10 + i),
            business_name: "Willow & Shear Hair Studio".into(),
            kind: "PHYSICAL",
            business_email: format!("hello+{}@willowandshear.example", i + 1),
            mcc: "7230",
        });
    }
    let merchant = Merchant {
        id: merchant_id,
        business_name: "Willow & Shear Hair Studio".into(),
        country: "US",
        language_code: "en-US",
        currency: "USD",
        status: "ACTIVE",
        main_location_id: locations[0].id.clone(),
        created_at,
    };
    (merchant, locations)
}

/// When each team member can take clients: `[from, until)`.
#[derive(Debug, Clone)]
pub struct Shift {
    pub from: Ts,
    pub until: Option<Ts>,
    pub location: usize,
}

/// The team: an owner, stylists, one who left (INACTIVE) and one recent hire.
pub fn team(
    rng: &mut ChaCha8Rng,
    profile: Profile,
    merchant_created: Ts,
    now: Ts,
    locations: &[Location],
) -> (Vec<TeamMember>, Vec<Shift>) {
    let n = profile.spec().team;
    let active_locations = profile.spec().locations;
    let mut members = Vec::new();
    let mut shifts = Vec::new();
    for i in 0..n {
        let given = *names::GIVEN.choose(rng).unwrap_or(&"Alex");
        let family = *names::FAMILY.choose(rng).unwrap_or(&"Smith");
        let location = i % active_locations;
        let (created, left) = match i {
            0 => (merchant_created, None),
            1 => (merchant_created.plus(30 * DAY), Some(now.minus(120 * DAY))),
            2 => (now.minus(200 * DAY), None),
            _ => (merchant_created.plus(rng.random_range(10..400) * DAY), None),
        };
        members.push(TeamMember {
            id: ids::team_member(rng),
            is_owner: i == 0,
            status: if left.is_some() { "INACTIVE" } else { "ACTIVE" },
            given_name: given.into(),
            family_name: family.into(),
            email_address: Some(format!(
                "{}.{}@willowandshear.example",
                given.to_lowercase(),
                family.to_lowercase().replace(['\'', ' '], "")
            )),
            phone_number: Some(format!("+1617555{}", ids::digits(rng, 4))),
            created_at: created,
            updated_at: left.unwrap_or(created),
            assigned_locations: AssignedLocations {
                assignment_type: "EXPLICIT_LOCATIONS",
                location_ids: vec![locations[location].id.clone()],
            },
        });
        shifts.push(Shift {
            from: created,
            until: left,
            location,
        });
    }
    (members, shifts)
}

/// Draws personas and their profiles; returns them with every stored customer profile
/// (including duplicates and merge results; merged-away profiles are dropped).
pub struct People {
    pub personas: Vec<Persona>,
    pub customers: Vec<Customer>,
    pub duplicate_pairs: Vec<(String, String)>,
    pub merges: Vec<(String, Vec<String>)>,
}

pub fn customers(
    rng: &mut ChaCha8Rng,
    profile: Profile,
    merchant_created: Ts,
    history_start: Ts,
    now: Ts,
    shifts: &[Shift],
    service_weights: &[f64],
) -> People {
    let n = profile.spec().customers;
    let active_locations = profile.spec().locations;
    let mut personas = Vec::with_capacity(n);
    let mut customers = Vec::with_capacity(n + n / 20);
    let mut duplicate_pairs = Vec::new();
    let mut merges = Vec::new();
    let total_weight: f64 = service_weights.iter().sum();
    for _ in 0..n {
        let roll = rand_f(rng);
        let kind = match roll {
            r if r < 0.45 => Kind::Regular,
            r if r < 0.60 => Kind::Churner,
            r if r < 0.80 => Kind::OneTimer,
            r if r < 0.88 => Kind::Returner,
            _ => Kind::Occasional,
        };
        let existing = kind != Kind::OneTimer && rand_f(rng) < 0.4;
        let span = (now.0 - history_start.0 - DAY) as f64;
        let first_visit = if existing {
            history_start.plus((rand_f(rng) * 60.0 * DAY as f64) as i64)
        } else if kind == Kind::Churner || kind == Kind::Returner {
            // Long enough before now to stop (or pause) and be seen to.
            history_start.plus((rand_f(rng) * 120.0 * DAY as f64) as i64)
        } else {
            history_start.plus((rand_f(rng) * span) as i64)
        };
        let created_at = if existing {
            Ts(merchant_created.0
                + (rand_f(rng) * (history_start.0 - merchant_created.0) as f64) as i64)
        } else {
            first_visit.minus(rng.random_range(0..14 * DAY))
        };
        let cadence_days = match kind {
            Kind::Occasional => rng.random_range(90.0..180.0),
            _ => rng.random_range(25.0..70.0),
        };
        let churn_at = (kind == Kind::Churner).then(|| {
            let lo = first_visit.0.max(history_start.0 + 60 * DAY);
            let hi = (now.0 - 100 * DAY).max(lo + DAY);
            Ts(rng.random_range(lo..hi))
        });
        let gap = (kind == Kind::Returner).then(|| {
            let len = rng.random_range(120..240) * DAY;
            let lo = first_visit.0 + 20 * DAY;
            let hi = (now.0 - len - 30 * DAY).max(lo + DAY);
            let start = rng.random_range(lo..hi);
            (Ts(start), Ts(start + len))
        });
        let location = if rand_f(rng) < 0.7 {
            0
        } else {
            rng.random_range(0..active_locations)
        };
        let staff_here: Vec<usize> = (0..shifts.len())
            .filter(|&s| shifts[s].location == location)
            .collect();
        let staff = *staff_here.choose(rng).unwrap_or(&0);
        let mut pick = rand_f(rng) * total_weight;
        let mut service = 0;
        for (i, w) in service_weights.iter().enumerate() {
            if pick < *w {
                service = i;
                break;
            }
            pick -= w;
        }

        let given = (*names::GIVEN.choose(rng).unwrap_or(&"Sam")).to_string();
        let family = (*names::FAMILY.choose(rng).unwrap_or(&"Lee")).to_string();
        let phone = (rand_f(rng) < 0.85).then(|| phone_number(rng));
        let email = (rand_f(rng) < 0.72).then(|| email_for(rng, &given, &family));
        let source = if existing {
            if rand_f(rng) < 0.5 {
                "THIRD_PARTY_IMPORT"
            } else {
                "DIRECTORY"
            }
        } else if rand_f(rng) < 0.6 {
            "APPOINTMENTS"
        } else if rand_f(rng) < 0.3 {
            "INSTANT_PROFILE"
        } else {
            "DIRECTORY"
        };
        let id = ids::customer(rng);
        let mut c = Customer {
            id: id.clone(),
            created_at,
            updated_at: created_at,
            given_name: Some(given.clone()),
            family_name: (rand_f(rng) > 0.03).then(|| family.clone()),
            nickname: None,
            company_name: None,
            email_address: email.clone(),
            address: None,
            phone_number: phone.clone(),
            birthday: None,
            reference_id: None,
            note: None,
            preferences: CustomerPreferences {
                email_unsubscribed: rand_f(rng) < 0.1,
            },
            creation_source: source,
            group_ids: vec![],
            segment_ids: vec![],
            version: 0,
        };
        fill_details(rng, &mut c, now);
        let card = (rand_f(rng) < 0.8).then(|| {
            let brand = *["VISA", "VISA", "MASTERCARD", "AMERICAN_EXPRESS", "DISCOVER"]
                .choose(rng)
                .unwrap_or(&"VISA");
            (
                brand,
                ids::digits(rng, 4),
                format!("sq-1-{}", ids::token(rng, 40)),
            )
        });

        let mut persona = Persona {
            kind,
            customer_id: id.clone(),
            created_at,
            first_visit,
            cadence_days,
            churn_at,
            gap,
            staff,
            service,
            location,
            booking_rate: rng.random_range(0.0..0.55),
            loyalty: phone.is_some() && rand_f(rng) < 0.35,
            phone,
            card,
            cash_rate: if rand_f(rng) < 0.2 { 0.8 } else { 0.1 },
            duplicate: None,
            merged: None,
        };

        // About 2% get a second profile later; a third of those are merged afterwards.
        let dup_from = first_visit.max(created_at).plus(30 * DAY);
        if kind != Kind::OneTimer && dup_from < now.minus(20 * DAY) && rand_f(rng) < 0.03 {
            let dup_at = Ts(rng.random_range(dup_from.0..now.0 - 10 * DAY));
            let dup_id = ids::customer(rng);
            let mut d = c.clone();
            d.id = dup_id.clone();
            d.created_at = dup_at;
            d.updated_at = dup_at;
            d.version = 0;
            d.creation_source = if rand_f(rng) < 0.5 {
                "APPOINTMENTS"
            } else {
                "INSTANT_PROFILE"
            };
            d.note = None;
            d.birthday = None;
            d.address = None;
            if let Some(short) = names::NICKNAMES.iter().find(|(long, _)| *long == given) {
                d.given_name = Some(short.1.to_string());
            } else if rand_f(rng) < 0.3 {
                d.given_name = Some(given.to_lowercase());
            }
            match rng.random_range(0..3) {
                0 => d.email_address = None,
                1 => d.phone_number = d.phone_number.as_deref().map(reformat_phone),
                _ => d.email_address = d.email_address.as_deref().map(|e| e.to_uppercase()),
            }
            let merge_at = dup_at.plus(rng.random_range(5..60) * DAY);
            if rand_f(rng) < 0.35 && merge_at < now.minus(DAY) {
                let merged_id = ids::customer(rng);
                let mut m = c.clone();
                m.id = merged_id.clone();
                m.created_at = merge_at;
                m.updated_at = merge_at;
                m.creation_source = "MERGE";
                m.version = 0;
                if m.email_address.is_none() {
                    m.email_address = d.email_address.clone();
                }
                merges.push((merged_id.clone(), vec![id.clone(), dup_id.clone()]));
                persona.merged = Some((merged_id, merge_at));
                customers.push(m);
            } else {
                duplicate_pairs.push((id.clone(), dup_id.clone()));
                customers.push(d);
                customers.push(c);
            }
            persona.duplicate = Some((dup_id, dup_at));
        } else {
            customers.push(c);
        }
        personas.push(persona);
    }
    People {
        personas,
        customers,
        duplicate_pairs,
        merges,
    }
}

/// Birthday, address, notes, reference id and later edits.
fn fill_details(rng: &mut ChaCha8Rng, c: &mut Customer, now: Ts) {
    if rand_f(rng) < 0.4 {
        let year = if rand_f(rng) < 0.25 {
            0
        } else {
            rng.random_range(1950..2008)
        };
        c.birthday = Some(format!(
            "{:04}-{:02}-{:02}",
            year,
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        ));
    }
    if rand_f(rng) < 0.3 {
        let (town, zip) = *names::TOWNS.choose(rng).unwrap_or(&("Boston", "02116"));
        c.address = Some(Address {
            address_line_1: Some(format!(
                "{} {}",
                rng.random_range(1..900),
                names::STREETS.choose(rng).unwrap_or(&"Main St")
            )),
            address_line_2: (rand_f(rng) < 0.2).then(|| format!("Apt {}", rng.random_range(1..40))),
            locality: Some(town.into()),
            administrative_district_level_1: Some("MA".into()),
            postal_code: Some(zip.into()),
            country: Some("US"),
        });
    }
    if rand_f(rng) < 0.08 {
        c.note = Some((*names::CUSTOMER_NOTES.choose(rng).unwrap_or(&"")).to_string());
    }
    if rand_f(rng) < 0.05 {
        c.reference_id = Some(format!("CL-{}", ids::digits(rng, 5)));
    }
    if rand_f(rng) < 0.3 && c.created_at < now.minus(DAY) {
        c.updated_at = Ts(rng.random_range(c.created_at.0..now.0 - DAY / 2));
        c.version = rng.random_range(1..4);
    }
}

fn phone_number(rng: &mut ChaCha8Rng) -> String {
    let area = names::AREA_CODES.choose(rng).unwrap_or(&"617");
    let rest = ids::digits(rng, 7);
    match rng.random_range(0..10) {
        0..=6 => format!("+1{area}{rest}"),
        7 | 8 => format!("({area}) {}-{}", &rest[..3], &rest[3..]),
        _ => format!("{area}-{}-{}", &rest[..3], &rest[3..]),
    }
}

/// The same number written another way (a duplicate profile typed in by hand).
fn reformat_phone(p: &str) -> String {
    let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
    let d = digits
        .strip_prefix('1')
        .filter(|d| d.len() == 10)
        .unwrap_or(&digits);
    if p.starts_with('+') && d.len() == 10 {
        format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
    } else {
        format!("+1{d}")
    }
}

fn email_for(rng: &mut ChaCha8Rng, given: &str, family: &str) -> String {
    let g = given.to_lowercase();
    let f = family.to_lowercase().replace(['\'', ' '], "");
    let domain = names::EMAIL_DOMAINS.choose(rng).unwrap_or(&"gmail.com");
    match rng.random_range(0..5) {
        0 => format!("{g}.{f}@{domain}"),
        1 => format!("{g}{f}{}@{domain}", rng.random_range(1..99)),
        2 => format!("{}{f}@{domain}", &g[..1]),
        3 => format!("{g}_{f}@{domain}"),
        _ => format!("{f}.{g}{}@{domain}", rng.random_range(70..100)),
    }
}
