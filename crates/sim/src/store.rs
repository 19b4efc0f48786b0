//! The generated merchant held in memory: plain vectors sorted by their main timestamp,
//! plus index vectors sorted by other timestamps, so that a page request binary-searches
//! its window and then reads only about one page of objects.

use crate::model::*;
use crate::time::Ts;
use std::collections::HashMap;
use std::ops::{Bound, Range};

/// Secondary orderings of the main vectors (positions into them).
#[derive(Debug, Default, Clone)]
pub struct Indexes {
    pub customers_by_updated: Vec<u32>,
    pub customers_by_name: Vec<u32>,
    pub customer_by_id: HashMap<String, u32>,
    pub payments_by_updated: Vec<u32>,
    pub payment_by_id: HashMap<String, u32>,
    pub refunds_by_updated: Vec<u32>,
    pub orders_by_updated: Vec<u32>,
    pub orders_by_closed: Vec<u32>,
    pub order_by_id: HashMap<String, u32>,
    pub catalog_by_updated: Vec<u32>,
}

/// An order taken offline whose upload the simulator holds back until time advances.
#[derive(Debug, Clone)]
pub struct HeldOffline {
    pub order: Order,
    pub payment: Payment,
}

/// Everything the simulator serves.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub merchant: Merchant,
    /// Sorted by name (ListLocations order).
    pub locations: Vec<Location>,
    pub team: Vec<TeamMember>,
    /// Every catalog object, nested types included, each also embedded in its parent.
    pub catalog: Vec<CatalogObject>,
    /// Sorted by `(created_at, id)`.
    pub customers: Vec<Customer>,
    pub payments: Vec<Payment>,
    pub refunds: Vec<PaymentRefund>,
    pub orders: Vec<Order>,
    /// Sorted by `(start_at, id)`.
    pub bookings: Vec<Booking>,
    pub loyalty_program: Option<LoyaltyProgram>,
    pub loyalty_accounts: Vec<LoyaltyAccount>,
    pub loyalty_events: Vec<LoyaltyEvent>,
    pub held_offline: Vec<HeldOffline>,
    pub idx: Indexes,
}

impl Dataset {
    /// Sorts the main vectors and rebuilds every index; call after any change.
    pub fn reindex(&mut self) {
        self.locations.sort_by(|a, b| a.name.cmp(&b.name));
        self.customers
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        self.payments
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        self.refunds
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        self.orders
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        self.bookings
            .sort_by(|a, b| (a.start_at, &a.id).cmp(&(b.start_at, &b.id)));
        self.loyalty_accounts
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        self.loyalty_events
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        self.rebuild_catalog_embeds();

        let c = &self.customers;
        let p = &self.payments;
        let r = &self.refunds;
        let o = &self.orders;
        let k = &self.catalog;
        let mut idx = Indexes {
            customers_by_updated: order_by(c.len(), |i| (c[i].updated_at, c[i].id.as_str())),
            customers_by_name: (0..c.len() as u32).collect(),
            customer_by_id: c
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.clone(), i as u32))
                .collect(),
            payments_by_updated: order_by(p.len(), |i| (p[i].updated_at, p[i].id.as_str())),
            payment_by_id: p
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.clone(), i as u32))
                .collect(),
            refunds_by_updated: order_by(r.len(), |i| (r[i].updated_at, r[i].id.as_str())),
            orders_by_updated: order_by(o.len(), |i| (o[i].updated_at, o[i].id.as_str())),
            orders_by_closed: order_by(o.len(), |i| (o[i].closed_at, o[i].id.as_str())),
            order_by_id: o
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.clone(), i as u32))
                .collect(),
            catalog_by_updated: order_by(k.len(), |i| (k[i].updated_at, k[i].id.as_str())),
        };
        let keys: Vec<(String, String, &str)> = c
            .iter()
            .map(|x| {
                let (g, f) = x.name_key();
                (g, f, x.id.as_str())
            })
            .collect();
        idx.customers_by_name
            .sort_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
        self.idx = idx;
    }

    /// Copies each ITEM_VARIATION into its ITEM and each MODIFIER into its MODIFIER_LIST.
    fn rebuild_catalog_embeds(&mut self) {
        let variations: Vec<CatalogObject> = self
            .catalog
            .iter()
            .filter(|o| o.kind == "ITEM_VARIATION")
            .cloned()
            .collect();
        let modifiers: Vec<CatalogObject> = self
            .catalog
            .iter()
            .filter(|o| o.kind == "MODIFIER")
            .cloned()
            .collect();
        for obj in &mut self.catalog {
            if let Some(item) = obj.item_data.as_mut() {
                item.variations = variations
                    .iter()
                    .filter(|v| {
                        (obj.is_deleted || !v.is_deleted)
                            && v.item_variation_data
                                .as_ref()
                                .is_some_and(|d| d.item_id == obj.id)
                    })
                    .cloned()
                    .collect();
            }
            if let Some(list) = obj.modifier_list_data.as_mut() {
                list.modifiers = modifiers
                    .iter()
                    .filter(|m| {
                        (obj.is_deleted || !m.is_deleted)
                            && m.modifier_data
                                .as_ref()
                                .is_some_and(|d| d.modifier_list_id == obj.id)
                    })
                    .cloned()
                    .collect();
            }
        }
    }

    /// The main location's id.
    pub fn main_location_id(&self) -> &str {
        &self.merchant.main_location_id
    }
}

fn order_by<'a, K: Ord + 'a>(len: usize, key: impl Fn(usize) -> K) -> Vec<u32> {
    let mut v: Vec<u32> = (0..len as u32).collect();
    v.sort_by_key(|&a| key(a as usize));
    v
}

/// The positions `0..len` of a sequence sorted by `key` whose key lies within the bounds.
pub fn window(len: usize, key: impl Fn(usize) -> Ts, lo: Bound<Ts>, hi: Bound<Ts>) -> Range<usize> {
    let first_not_below = |pred: &dyn Fn(Ts) -> bool| {
        // Smallest position whose key satisfies `pred` (pred is monotone false..true).
        let (mut a, mut b) = (0usize, len);
        while a < b {
            let m = (a + b) / 2;
            if pred(key(m)) {
                b = m;
            } else {
                a = m + 1;
            }
        }
        a
    };
    let start = match lo {
        Bound::Included(t) => first_not_below(&|k| k >= t),
        Bound::Excluded(t) => first_not_below(&|k| k > t),
        Bound::Unbounded => 0,
    };
    let end = match hi {
        Bound::Included(t) => first_not_below(&|k| k > t),
        Bound::Excluded(t) => first_not_below(&|k| k >= t),
        Bound::Unbounded => len,
    };
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_honours_inclusive_and_exclusive_bounds() {
        let keys = [Ts(1), Ts(2), Ts(2), Ts(3), Ts(5)];
        let k = |i: usize| keys[i];
        assert_eq!(
            window(5, k, Bound::Included(Ts(2)), Bound::Excluded(Ts(5))),
            1..4
        );
        assert_eq!(
            window(5, k, Bound::Excluded(Ts(2)), Bound::Included(Ts(5))),
            3..5
        );
        assert_eq!(window(5, k, Bound::Unbounded, Bound::Unbounded), 0..5);
        assert_eq!(window(5, k, Bound::Included(Ts(9)), Bound::Unbounded), 5..5);
        assert_eq!(
            window(5, k, Bound::Included(Ts(4)), Bound::Excluded(Ts(2))),
            4..4
        );
    }
}
