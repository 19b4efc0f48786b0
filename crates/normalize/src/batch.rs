//! Normalizing many objects at once, as a pipeline over the cores: JSON decoding and
//! building the rows (see [`prepare`], everything that needs no store) run on helper
//! threads while the calling thread writes the objects already prepared, in their original
//! order, through the caller's transaction.
//!
//! The result is the same as calling [`normalize_json`](crate::normalize_json) on each item
//! in turn: rows, quarantine entries and duplicate checks are all made by the writing
//! thread, in order, so an object sees every object written before it.

use crate::ObjectKind;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::prepared::{prepare, write_prepared};
use crate::record::Outcome;
use keeper_square::models as sq;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// One object decoded from its JSON, ready to be normalized and written.
#[derive(Debug)]
pub enum Decoded {
    Customer(Box<sq::Customer>),
    Location(Box<sq::Location>),
    TeamMember(Box<sq::TeamMember>),
    Catalog(Box<sq::CatalogObject>),
    Payment(Box<sq::Payment>),
    Refund(Box<sq::PaymentRefund>),
    Order(Box<sq::Order>),
    Booking(Box<sq::Booking>),
    LoyaltyProgram(Box<sq::LoyaltyProgram>),
    LoyaltyAccount(Box<sq::LoyaltyAccount>),
    LoyaltyEvent(Box<sq::LoyaltyEvent>),
    /// The JSON does not match Square's schema for its kind: quarantined when written.
    Undecodable(ObjectKind, serde_json::Error),
}

fn typed<T: DeserializeOwned>(
    kind: ObjectKind,
    json: &str,
    wrap: impl FnOnce(Box<T>) -> Decoded,
) -> Decoded {
    match serde_json::from_str::<T>(json) {
        Ok(value) => wrap(Box::new(value)),
        Err(e) => Decoded::Undecodable(kind, e),
    }
}

/// Decodes `json` as the Square object named by `object_type` (see
/// [`ObjectKind::parse`]). Touches no store, so it may run on any thread.
pub fn decode(object_type: &str, json: &str) -> Result<Decoded> {
    let kind = ObjectKind::parse(object_type)
        .ok_or_else(|| Error::UnknownObjectType(object_type.to_owned()))?;
    Ok(match kind {
        ObjectKind::Customer => typed(kind, json, Decoded::Customer),
        ObjectKind::Location => typed(kind, json, Decoded::Location),
        ObjectKind::TeamMember => typed(kind, json, Decoded::TeamMember),
        ObjectKind::Catalog => typed(kind, json, Decoded::Catalog),
        ObjectKind::Payment => typed(kind, json, Decoded::Payment),
        ObjectKind::Refund => typed(kind, json, Decoded::Refund),
        ObjectKind::Order => typed(kind, json, Decoded::Order),
        ObjectKind::Booking => typed(kind, json, Decoded::Booking),
        ObjectKind::LoyaltyProgram => typed(kind, json, Decoded::LoyaltyProgram),
        ObjectKind::LoyaltyAccount => typed(kind, json, Decoded::LoyaltyAccount),
        ObjectKind::LoyaltyEvent => typed(kind, json, Decoded::LoyaltyEvent),
    })
}

/// Normalizes a decoded object and writes its rows and quarantine entries through `tx`.
/// `json` is the text it was decoded from (kept in the quarantine when a rule fails).
pub fn write_decoded(
    tx: &Connection,
    decoded: Decoded,
    json: &str,
    ctx: &Context,
) -> Result<Outcome> {
    write_prepared(tx, prepare(decoded, ctx), json, ctx)
}

/// Objects a helper thread decodes and prepares at a time.
const CHUNK: usize = 64;
/// Below this many objects, threads cost more than they save.
pub(crate) const MIN_PARALLEL: usize = 2 * CHUNK;

/// How many helper threads decode and prepare: one fewer than the cores (the calling
/// thread writes), at least one, at most three.
fn decoders() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, 3)
}

/// Normalizes `items` (`(object type, JSON)`, as [`normalize_json`](crate::normalize_json)
/// takes them) through `tx`, in order, decoding and preparing on helper threads. Returns one outcome per
/// item, in order; the first error stops the batch (the caller's transaction should then be
/// rolled back, as after a failed `normalize_json`).
pub fn normalize_many<S: AsRef<str> + Sync, J: AsRef<str> + Sync>(
    tx: &Connection,
    items: &[(S, J)],
    ctx: &Context,
) -> Result<Vec<Outcome>> {
    if items.len() < MIN_PARALLEL {
        return items
            .iter()
            .map(|(t, j)| crate::normalize_json(tx, t.as_ref(), j.as_ref(), ctx))
            .collect();
    }
    pipeline(
        items,
        |(t, j)| decode(t.as_ref(), j.as_ref()).map(|d| prepare(d, ctx)),
        |prepared, (_, j)| write_prepared(tx, prepared?, j.as_ref(), ctx),
    )
}

/// Runs `work` on every item on helper threads, [`CHUNK`] items at a time, and `write` on
/// the calling thread for each item with its result, in the items' order. Returns what
/// `write` returned, in order; the first error stops it.
pub(crate) fn pipeline<I: Sync, P: Send, O>(
    items: &[I],
    work: impl Fn(&I) -> P + Sync,
    mut write: impl FnMut(P, &I) -> Result<O>,
) -> Result<Vec<O>> {
    let chunks = items.len().div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Bounded so helpers stay a few chunks ahead of the writer; a send fails (and the
        // helper stops) once the writer has returned.
        let (send, recv) = mpsc::sync_channel::<(usize, Vec<P>)>(4 * decoders());
        for _ in 0..decoders() {
            let (send, next, work) = (send.clone(), &next, &work);
            scope.spawn(move || {
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks {
                        return;
                    }
                    let done = items[chunk * CHUNK..((chunk + 1) * CHUNK).min(items.len())]
                        .iter()
                        .map(work)
                        .collect();
                    if send.send((chunk, done)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        let mut outcomes = Vec::with_capacity(items.len());
        let mut early: HashMap<usize, Vec<P>> = HashMap::new();
        for chunk in 0..chunks {
            let done = match early.remove(&chunk) {
                Some(d) => d,
                None => loop {
                    let (n, d) = recv
                        .recv()
                        .expect("a helper thread stopped before its chunks were sent");
                    if n == chunk {
                        break d;
                    }
                    early.insert(n, d);
                },
            };
            for (p, item) in done.into_iter().zip(&items[chunk * CHUNK..]) {
                outcomes.push(write(p, item)?);
            }
        }
        Ok(outcomes)
    })
}
