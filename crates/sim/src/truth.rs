//! Ground truth the generator writes next to the data, so tests can reconcile what an
//! importer read with what exists: counts per object type, per UTC month and per
//! location, and which customers churned, came once, came back, are duplicates or merged.

use crate::generate::Profile;
use crate::generate::people::{Kind, Persona};
use crate::store::Dataset;
use crate::time::Ts;
use serde::Serialize;
use std::collections::BTreeMap;

/// Two profiles merged into one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Merge {
    pub into: String,
    pub from: Vec<String>,
}

/// What the simulator holds, in numbers and ids.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    pub profile: Profile,
    pub seed: u64,
    pub now: Ts,
    pub history_start: Ts,
    /// Visible objects per type: `customers`, `payments`, `refunds`, `orders`, `bookings`,
    /// `catalog_objects` (not deleted), `catalog_deleted`, `team_members`, `locations`,
    /// `loyalty_accounts`, `loyalty_events`.
    pub counts: BTreeMap<String, usize>,
    /// Per type, per `YYYY-MM` (UTC) of `created_at` (`start_at` for bookings).
    pub monthly: BTreeMap<String, BTreeMap<String, usize>>,
    /// Payments and orders per location id.
    pub per_location: BTreeMap<String, BTreeMap<String, usize>>,
    pub churned_customer_ids: Vec<String>,
    pub one_time_customer_ids: Vec<String>,
    pub returning_customer_ids: Vec<String>,
    /// Pairs of profiles of the same person, both still listed.
    pub duplicate_pairs: Vec<(String, String)>,
    pub merges: Vec<Merge>,
    /// Orders uploaded after being taken offline (created_at older than updated_at).
    pub late_offline_order_ids: Vec<String>,
    /// Offline orders not yet visible; `advance` releases them.
    pub held_offline_order_ids: Vec<String>,
    pub deleted_catalog_ids: Vec<String>,
    pub inactive_team_member_ids: Vec<String>,
}

impl Truth {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        profile: Profile,
        seed: u64,
        now: Ts,
        history_start: Ts,
        personas: &[Persona],
        duplicate_pairs: Vec<(String, String)>,
        merges: Vec<(String, Vec<String>)>,
        late_offline_order_ids: Vec<String>,
        ds: &Dataset,
    ) -> Truth {
        let ids = |k: Kind| -> Vec<String> {
            personas
                .iter()
                .filter(|p| p.kind == k)
                .map(|p| p.customer_id.clone())
                .collect()
        };
        let mut t = Truth {
            profile,
            seed,
            now,
            history_start,
            counts: BTreeMap::new(),
            monthly: BTreeMap::new(),
            per_location: BTreeMap::new(),
            churned_customer_ids: ids(Kind::Churner),
            one_time_customer_ids: ids(Kind::OneTimer),
            returning_customer_ids: ids(Kind::Returner),
            duplicate_pairs,
            merges: merges
                .into_iter()
                .map(|(into, from)| Merge { into, from })
                .collect(),
            late_offline_order_ids,
            held_offline_order_ids: vec![],
            deleted_catalog_ids: vec![],
            inactive_team_member_ids: vec![],
        };
        t.recount(ds, now);
        t
    }

    /// Recomputes every count from the data (after the simulator's clock advanced).
    pub fn recount(&mut self, ds: &Dataset, now: Ts) {
        self.now = now;
        let mut counts = BTreeMap::new();
        let mut monthly: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut tally = |kind: &str, ts: &mut dyn Iterator<Item = Ts>| {
            let m = monthly.entry(kind.to_string()).or_default();
            let mut n = 0;
            for t in ts {
                *m.entry(t.month_key()).or_default() += 1;
                n += 1;
            }
            counts.insert(kind.to_string(), n);
        };
        tally(
            "customers",
            &mut ds
                .customers
                .iter()
                .filter(|c| c.is_listable())
                .map(|c| c.created_at),
        );
        tally("payments", &mut ds.payments.iter().map(|p| p.created_at));
        tally("refunds", &mut ds.refunds.iter().map(|r| r.created_at));
        tally("orders", &mut ds.orders.iter().map(|o| o.created_at));
        tally("bookings", &mut ds.bookings.iter().map(|b| b.start_at));
        tally(
            "loyalty_events",
            &mut ds.loyalty_events.iter().map(|e| e.created_at),
        );
        counts.insert(
            "catalog_objects".into(),
            ds.catalog.iter().filter(|o| !o.is_deleted).count(),
        );
        counts.insert(
            "catalog_deleted".into(),
            ds.catalog.iter().filter(|o| o.is_deleted).count(),
        );
        counts.insert("team_members".into(), ds.team.len());
        counts.insert("locations".into(), ds.locations.len());
        counts.insert("loyalty_accounts".into(), ds.loyalty_accounts.len());
        self.counts = counts;
        self.monthly = monthly;
        let mut per_location: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for p in &ds.payments {
            *per_location
                .entry("payments".into())
                .or_default()
                .entry(p.location_id.clone())
                .or_default() += 1;
        }
        for o in &ds.orders {
            *per_location
                .entry("orders".into())
                .or_default()
                .entry(o.location_id.clone())
                .or_default() += 1;
        }
        self.per_location = per_location;
        self.held_offline_order_ids = ds.held_offline.iter().map(|h| h.order.id.clone()).collect();
        self.deleted_catalog_ids = ds
            .catalog
            .iter()
            .filter(|o| o.is_deleted)
            .map(|o| o.id.clone())
            .collect();
        self.inactive_team_member_ids = ds
            .team
            .iter()
            .filter(|t| t.status == "INACTIVE")
            .map(|t| t.id.clone())
            .collect();
    }

    /// The count of one object type (0 when unknown).
    pub fn count(&self, kind: &str) -> usize {
        self.counts.get(kind).copied().unwrap_or(0)
    }

    /// Objects of `kind` whose month key lies in `[from, to]` (`YYYY-MM`, inclusive).
    pub fn count_months(&self, kind: &str, from: &str, to: &str) -> usize {
        self.monthly
            .get(kind)
            .map(|m| {
                m.range(from.to_string()..=to.to_string())
                    .map(|(_, n)| n)
                    .sum()
            })
            .unwrap_or(0)
    }
}
