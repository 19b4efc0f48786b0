//! Deterministic merchant generator: from a seed, a profile and `now`, builds a salon
//! with 13+ months of history (see the crate docs for what it contains) and its ground
//! truth. The same inputs always give byte-identical data.

pub mod catalog;
pub mod ids;
pub mod names;
pub mod people;
pub mod visits;

use crate::model::*;
use crate::store::Dataset;
use crate::time::{DAY, Ts};
use crate::truth::Truth;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::str::FromStr;

/// How big a merchant to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// ~300 customers, one location: fast tests.
    Small,
    /// ~2,000 customers, ~20k orders, two locations: the demo default.
    Salon,
    /// ~20,000 customers, ~150k orders and payments, ~40k bookings: the benchmark.
    Large,
}

/// Sizes behind a profile.
#[derive(Debug, Clone, Copy)]
pub struct ProfileSpec {
    pub customers: usize,
    pub orders: usize,
    pub locations: usize,
    pub inactive_locations: usize,
    pub team: usize,
    pub held_offline: usize,
}

impl Profile {
    pub fn spec(self) -> ProfileSpec {
        match self {
            Profile::Small => ProfileSpec {
                customers: 300,
                orders: 2_500,
                locations: 1,
                inactive_locations: 0,
                team: 5,
                held_offline: 3,
            },
            Profile::Salon => ProfileSpec {
                customers: 2_000,
                orders: 20_000,
                locations: 2,
                inactive_locations: 0,
                team: 10,
                held_offline: 5,
            },
            Profile::Large => ProfileSpec {
                customers: 20_000,
                orders: 150_000,
                locations: 3,
                inactive_locations: 1,
                team: 30,
                held_offline: 10,
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Small => "small",
            Profile::Salon => "salon",
            Profile::Large => "large",
        }
    }
}

impl FromStr for Profile {
    type Err = crate::error::SimError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "small" => Ok(Profile::Small),
            "salon" => Ok(Profile::Salon),
            "large" => Ok(Profile::Large),
            other => Err(crate::error::SimError::BadProfile(other.to_string())),
        }
    }
}

/// A uniform draw in `[0, 1)`.
pub(crate) fn rand_f(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// Days of order history before `now`.
pub const HISTORY_DAYS: i64 = 400;

/// Builds the merchant and its ground truth.
pub fn generate(profile: Profile, seed: u64, now: Ts) -> (Dataset, Truth) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let spec = profile.spec();
    let merchant_created = now.minus(3 * 365 * DAY);
    let history_start = now.minus(HISTORY_DAYS * DAY);
    let (merchant, locations) =
        people::merchant_and_locations(&mut rng, profile, merchant_created, now);
    let (team, shifts) = people::team(&mut rng, profile, merchant_created, now, &locations);
    let team_ids: Vec<String> = team.iter().map(|t| t.id.clone()).collect();
    let plan = catalog::build(&mut rng, merchant_created.plus(10 * DAY), now, &team_ids);
    let weights: Vec<f64> = plan.services.iter().map(|s| s.weight).collect();
    let people = people::customers(
        &mut rng,
        profile,
        merchant_created,
        history_start,
        now,
        &shifts,
        &weights,
    );

    // Calibrate cadences so customer visits land near the profile's order count.
    let sched_seed = |i: usize| seed ^ (0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i as u64 + 1));
    let target = spec.orders as f64 * 0.92;
    let past = |scale: f64| -> usize {
        people
            .personas
            .iter()
            .enumerate()
            .map(|(i, p)| {
                visits::schedule(p, scale, history_start, now, sched_seed(i))
                    .iter()
                    .filter(|t| **t <= now)
                    .count()
            })
            .sum()
    };
    let mut scale = 1.0;
    for _ in 0..2 {
        let got = past(scale) as f64;
        scale *= (got / target).clamp(0.2, 5.0);
    }
    let mut all_visits = Vec::new();
    for (i, p) in people.personas.iter().enumerate() {
        for t in visits::schedule(p, scale, history_start, now, sched_seed(i)) {
            all_visits.push(visits::Visit {
                t,
                persona: Some(i as u32),
                location: p.location,
            });
        }
    }
    let walk_ins = spec.orders - (target as usize);
    for _ in 0..walk_ins {
        let t = Ts(rng.random_range(history_start.0..now.0));
        let t = visits::business_time(&mut rng, t);
        let location = rng.random_range(0..spec.locations);
        all_visits.push(visits::Visit {
            t,
            persona: None,
            location,
        });
    }
    all_visits.sort_by_key(|v| (v.t, v.persona));

    let program = loyalty_program(
        &mut rng,
        &locations[..spec.locations],
        merchant_created.plus(90 * DAY),
        &plan,
    );
    let cx = visits::Context {
        now,
        personas: &people.personas,
        shifts: &shifts,
        team: &team,
        locations: &locations,
        catalog: &plan,
        program: &program,
        held_target: spec.held_offline,
    };
    let ledger = visits::ring_up(&mut rng, &cx, &all_visits);

    let mut ds = Dataset {
        merchant,
        locations,
        team,
        catalog: plan.objects.clone(),
        customers: people.customers,
        payments: ledger.payments,
        refunds: ledger.refunds,
        orders: ledger.orders,
        bookings: ledger.bookings,
        loyalty_program: Some(program),
        loyalty_accounts: ledger.accounts,
        loyalty_events: ledger.events,
        held_offline: ledger.held,
        idx: Default::default(),
    };
    ds.reindex();
    let truth = Truth::new(
        profile,
        seed,
        now,
        history_start,
        &people.personas,
        people.duplicate_pairs,
        people.merges,
        ledger.offline_order_ids,
        &ds,
    );
    (ds, truth)
}

fn loyalty_program(
    rng: &mut ChaCha8Rng,
    locations: &[Location],
    created_at: Ts,
    plan: &catalog::CatalogPlan,
) -> LoyaltyProgram {
    LoyaltyProgram {
        id: ids::uuid(rng),
        status: "ACTIVE",
        reward_tiers: vec![RewardTier {
            id: ids::uuid(rng),
            points: 8,
            name: "$20 off any service".into(),
            created_at,
            pricing_rule_reference: CatalogObjectReference {
                object_id: ids::catalog(rng),
                catalog_version: plan.created_at.0,
            },
        }],
        terminology: Terminology {
            one: "Visit",
            other: "Visits",
        },
        location_ids: locations.iter().map(|l| l.id.clone()).collect(),
        created_at,
        updated_at: created_at,
        accrual_rules: vec![AccrualRule {
            accrual_type: "VISIT",
            points: 1,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Ts {
        Ts::parse("2025-06-15T12:00:00Z").unwrap()
    }

    #[test]
    fn same_seed_gives_identical_data_and_other_seed_differs() {
        let (a, _) = generate(Profile::Small, 7, now());
        let (b, _) = generate(Profile::Small, 7, now());
        let (c, _) = generate(Profile::Small, 8, now());
        let ja =
            serde_json::to_string(&(&a.customers, &a.orders, &a.payments, &a.bookings)).unwrap();
        let jb =
            serde_json::to_string(&(&b.customers, &b.orders, &b.payments, &b.bookings)).unwrap();
        let jc = serde_json::to_string(&(&c.customers, &c.orders)).unwrap();
        assert_eq!(ja, jb);
        assert_ne!(ja, jc);
    }

    #[test]
    fn small_profile_has_realistic_shape() {
        let (ds, truth) = generate(Profile::Small, 1, now());
        let n = ds.customers.len();
        assert!((280..=330).contains(&n), "customers {n}");
        let orders = ds.orders.len();
        assert!((1_800..=3_200).contains(&orders), "orders {orders}");
        assert_eq!(ds.orders.len(), ds.payments.len());
        assert!(!ds.refunds.is_empty());
        assert!(!ds.bookings.is_empty());
        assert!(
            ds.bookings.iter().any(|b| b.start_at > now()),
            "future bookings"
        );
        assert!(ds.customers.iter().any(|c| {
            c.birthday
                .as_deref()
                .is_some_and(|b| b.starts_with("0000-"))
        }));
        assert!(ds.customers.iter().any(|c| c.email_address.is_none()));
        assert!(ds.team.iter().any(|t| t.status == "INACTIVE"));
        assert!(ds.catalog.iter().any(|o| o.is_deleted));
        assert!(!truth.churned_customer_ids.is_empty());
        assert!(!truth.one_time_customer_ids.is_empty());
        assert!(!ds.loyalty_events.is_empty());
        assert_eq!(ds.held_offline.len(), 3);
        let oldest = ds.orders.first().unwrap().created_at;
        assert!(oldest <= now().minus(395 * DAY), "13+ months of history");
        assert!(ds.payments.iter().any(|p| p.source_type == "CASH"));
        assert!(ds.payments.iter().any(|p| p.tip_money.is_some()));
    }

    #[test]
    fn churners_stop_visiting_and_one_timers_visit_once() {
        let (ds, truth) = generate(Profile::Small, 3, now());
        for id in &truth.one_time_customer_ids {
            let n = ds
                .orders
                .iter()
                .filter(|o| o.customer_id.as_deref() == Some(id.as_str()))
                .count();
            assert!(n <= 1, "one-timer {id} has {n} orders");
        }
        for id in &truth.churned_customer_ids {
            let last = ds
                .orders
                .iter()
                .filter(|o| o.customer_id.as_deref() == Some(id.as_str()))
                .map(|o| o.created_at)
                .max();
            if let Some(last) = last {
                assert!(
                    last < now().minus(90 * DAY),
                    "churner {id} visited recently"
                );
            }
        }
    }
}
