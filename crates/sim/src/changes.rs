//! Data that changes between syncs. When the simulator clock moves from `from` to `to`,
//! [`apply`] makes the period happen: held offline orders are uploaded (old `created_at`,
//! new `updated_at`), new customers sign up, some customers visit (new orders and
//! payments), a few profiles are edited, one is deleted, one duplicate pair is merged, a
//! booking is made, a service's price changes and a modifier is deleted. Deterministic
//! from the seed and the number of earlier advances.

use crate::generate::ids;
use crate::model::Money;
use crate::store::Dataset;
use crate::time::{SECOND, Ts};
use crate::truth::{Merge, Truth};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// What one advance changed, by id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AdvanceReport {
    pub from: Ts,
    pub to: Ts,
    pub released_offline_order_ids: Vec<String>,
    pub new_customer_ids: Vec<String>,
    pub updated_customer_ids: Vec<String>,
    pub deleted_customer_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge: Option<Merge>,
    pub new_order_ids: Vec<String>,
    pub new_payment_ids: Vec<String>,
    pub new_booking_ids: Vec<String>,
    pub updated_catalog_ids: Vec<String>,
    pub deleted_catalog_ids: Vec<String>,
}

fn at(rng: &mut ChaCha8Rng, from: Ts, to: Ts) -> Ts {
    if to.0 <= from.0 + 1 {
        to
    } else {
        Ts(rng.random_range(from.0 + 1..=to.0))
    }
}

/// Applies the changes of `(from, to]`.
pub fn apply(
    ds: &mut Dataset,
    truth: &mut Truth,
    from: Ts,
    to: Ts,
    seed: u64,
    step: u64,
) -> AdvanceReport {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0C4A_16E5 ^ step.wrapping_mul(0x9E37_79B9));
    let mut r = AdvanceReport {
        from,
        to,
        ..Default::default()
    };
    if to <= from {
        return r;
    }

    for mut h in std::mem::take(&mut ds.held_offline) {
        let t = at(&mut rng, from, to);
        h.order.updated_at = t;
        h.payment.updated_at = t;
        r.released_offline_order_ids.push(h.order.id.clone());
        truth.late_offline_order_ids.push(h.order.id.clone());
        ds.orders.push(h.order);
        ds.payments.push(h.payment);
    }

    if let Some(template) = ds.customers.last().cloned() {
        for _ in 0..rng.random_range(2..6) {
            let mut c = template.clone();
            c.id = ids::customer(&mut rng);
            c.created_at = at(&mut rng, from, to);
            c.updated_at = c.created_at;
            c.version = 0;
            let g = *crate::generate::names::GIVEN
                .choose(&mut rng)
                .unwrap_or(&"Ada");
            let f = *crate::generate::names::FAMILY
                .choose(&mut rng)
                .unwrap_or(&"Byrne");
            c.given_name = Some(g.into());
            c.family_name = Some(f.into());
            c.email_address = Some(format!(
                "{}.{}@gmail.com",
                g.to_lowercase(),
                f.to_lowercase().replace(['\'', ' '], "")
            ));
            c.phone_number = Some(format!("+1617{}", ids::digits(&mut rng, 7)));
            c.creation_source = "APPOINTMENTS";
            c.note = None;
            c.birthday = None;
            r.new_customer_ids.push(c.id.clone());
            ds.customers.push(c);
        }
    }

    let n = ds.customers.len();
    for _ in 0..3.min(n) {
        let i = rng.random_range(0..n);
        let c = &mut ds.customers[i];
        c.updated_at = at(&mut rng, from, to);
        c.version += 1;
        c.note = Some("Updated contact details at the front desk.".into());
        r.updated_customer_ids.push(c.id.clone());
    }

    // New visits: copies of recent sales under new ids, rung up today.
    let recent: Vec<usize> = (ds.orders.len().saturating_sub(200)..ds.orders.len()).collect();
    for _ in 0..rng.random_range(5..12) {
        let Some(&oi) = recent.choose(&mut rng) else {
            break;
        };
        let mut o = ds.orders[oi].clone();
        let Some(pi) = ds.idx.payment_by_id.get(&o.tenders[0].payment_id).copied() else {
            continue;
        };
        let mut p = ds.payments[pi as usize].clone();
        let t = at(&mut rng, from, to);
        o.id = ids::order(&mut rng);
        p.id = ids::payment(&mut rng);
        o.created_at = t;
        o.closed_at = t.plus(SECOND);
        o.updated_at = o.closed_at;
        o.refunds.clear();
        p.created_at = t;
        p.updated_at = t.plus(2 * SECOND);
        p.order_id = o.id.clone();
        p.refunded_money = None;
        p.refund_ids.clear();
        p.is_offline_payment = false;
        p.offline_payment_details = None;
        p.receipt_number = p.id[..4].to_string();
        p.receipt_url = format!("https://squareup.com/receipt/preview/{}", p.id);
        if let Some(c) = r.new_customer_ids.first().filter(|_| rng.random_bool(0.3)) {
            o.customer_id = Some(c.clone());
            p.customer_id = Some(c.clone());
        }
        for tender in &mut o.tenders {
            tender.id = p.id.clone();
            tender.payment_id = p.id.clone();
            tender.transaction_id = o.id.clone();
            tender.created_at = t;
            tender.customer_id = o.customer_id.clone();
        }
        r.new_order_ids.push(o.id.clone());
        r.new_payment_ids.push(p.id.clone());
        ds.orders.push(o);
        ds.payments.push(p);
    }

    if let Some(mut b) = ds.bookings.last().cloned() {
        b.id = ids::booking(&mut rng);
        b.created_at = at(&mut rng, from, to);
        b.updated_at = b.created_at;
        b.start_at = to.plus(rng.random_range(2..20) * crate::time::DAY);
        b.status = "ACCEPTED";
        b.version = 0;
        r.new_booking_ids.push(b.id.clone());
        ds.bookings.push(b);
    }

    // A duplicate pair is merged into a new profile; otherwise some profile is deleted.
    let merge_pair = truth.duplicate_pairs.iter().position(|(a, b)| {
        ds.idx.customer_by_id.contains_key(a) && ds.idx.customer_by_id.contains_key(b)
    });
    if let Some(k) = merge_pair {
        let (a, b) = truth.duplicate_pairs.remove(k);
        let ia = ds.idx.customer_by_id[&a] as usize;
        let mut m = ds.customers[ia].clone();
        m.id = ids::customer(&mut rng);
        m.created_at = at(&mut rng, from, to);
        m.updated_at = m.created_at;
        m.creation_source = "MERGE";
        m.version = 0;
        let merge = Merge {
            into: m.id.clone(),
            from: vec![a.clone(), b.clone()],
        };
        ds.customers.retain(|c| c.id != a && c.id != b);
        ds.customers.push(m);
        truth.merges.push(merge.clone());
        r.merge = Some(merge);
    }
    let deletable: Vec<usize> = (0..ds.customers.len())
        .filter(|&i| {
            !r.new_customer_ids.contains(&ds.customers[i].id)
                && ds.customers[i].creation_source != "MERGE"
        })
        .collect();
    if let Some(&i) = deletable.choose(&mut rng) {
        let c = ds.customers.remove(i);
        r.deleted_customer_ids.push(c.id);
    }

    let live_variations: Vec<usize> = (0..ds.catalog.len())
        .filter(|&i| {
            ds.catalog[i].kind == "ITEM_VARIATION"
                && !ds.catalog[i].is_deleted
                && ds.catalog[i]
                    .item_variation_data
                    .as_ref()
                    .is_some_and(|v| v.service_duration.is_some())
        })
        .collect();
    if let Some(&i) = live_variations.choose(&mut rng) {
        let t = at(&mut rng, from, to);
        let o = &mut ds.catalog[i];
        o.updated_at = t;
        o.version = t.0;
        if let Some(v) = o.item_variation_data.as_mut() {
            v.price_money = Money::usd(v.price_money.amount + 500);
        }
        r.updated_catalog_ids.push(o.id.clone());
    }
    let live_modifiers: Vec<usize> = (0..ds.catalog.len())
        .filter(|&i| ds.catalog[i].kind == "MODIFIER" && !ds.catalog[i].is_deleted)
        .collect();
    if live_modifiers.len() > 3
        && let Some(&i) = live_modifiers.choose(&mut rng)
    {
        let t = at(&mut rng, from, to);
        let o = &mut ds.catalog[i];
        o.is_deleted = true;
        o.updated_at = t;
        o.version = t.0;
        r.deleted_catalog_ids.push(o.id.clone());
    }

    ds.reindex();
    truth.recount(ds, to);
    r
}
