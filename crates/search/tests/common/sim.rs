//! A store filled from the simulator's generated merchant (no HTTP): every team member,
//! customer, order, payment, refund and booking goes through `keeper-normalize` as the
//! importer would write it.

use chrono::{DateTime, Utc};
use keeper_normalize::{Context, normalize_json, prepare_connection};
use keeper_sim::{Profile, Ts, generate::generate};
use keeper_store::Store;

/// Fills `store` with `profile` generated with `seed` as of `now`.
pub fn fill(store: &mut Store, profile: Profile, seed: u64, now: DateTime<Utc>) {
    let (data, _truth) = generate(profile, seed, Ts(now.timestamp_millis()));
    prepare_connection(store.conn()).expect("tune connection");
    let ctx = Context::new(Some("US"), now);
    let tx = store.conn_mut().transaction().expect("transaction");
    let write = |kind: &str, json: String| {
        normalize_json(&tx, kind, &json, &ctx).expect("normalize");
    };
    for l in &data.locations {
        write("LOCATION", serde_json::to_string(l).unwrap());
    }
    for t in &data.team {
        write("TEAM_MEMBER", serde_json::to_string(t).unwrap());
    }
    for c in &data.customers {
        write("CUSTOMER", serde_json::to_string(c).unwrap());
    }
    for o in &data.orders {
        write("ORDER", serde_json::to_string(o).unwrap());
    }
    for p in &data.payments {
        write("PAYMENT", serde_json::to_string(p).unwrap());
    }
    for r in &data.refunds {
        write("REFUND", serde_json::to_string(r).unwrap());
    }
    for b in &data.bookings {
        write("BOOKING", serde_json::to_string(b).unwrap());
    }
    tx.commit().expect("commit");
}
