//! Normalization split in two halves so they can run on different threads: [`prepare`]
//! turns a decoded object into its rows and issues without touching the store (any
//! thread), and [`write_prepared`] runs the checks that need the store (duplicates by
//! composite key), writes the rows and settles the quarantine (the thread that owns the
//! transaction). `prepare` then `write_prepared` does exactly what the `write_*` function
//! of the object's family does.

use crate::batch::Decoded;
use crate::booking::{self, BookingRows};
use crate::catalog::{self, CatalogRow};
use crate::context::Context;
use crate::error::Result;
use crate::order::{self, OrderRows};
use crate::record::{Normalized, Outcome, QuarantineClear, Subject, finish, settle};
use crate::{ObjectKind, customer, location, loyalty, payment, refund, team, undecodable};
use keeper_store::table::customer::Customer as CustomerRow;
use keeper_store::table::location::Location as LocationRow;
use keeper_store::table::loyalty::{
    LoyaltyAccount as AccountRow, LoyaltyEvent as EventRow, LoyaltyProgram as ProgramRow,
};
use keeper_store::table::payment::{Payment as PaymentRow, Refund as RefundRow};
use keeper_store::table::team::TeamMember as TeamMemberRow;
use rusqlite::Connection;
use std::borrow::Cow;

/// One object normalized as far as it can be without the store.
#[derive(Debug)]
pub struct Prepared {
    /// The quarantine's object type (`CUSTOMER`, `PAYMENT`, a catalog type such as `ITEM`).
    object_type: Cow<'static, str>,
    /// The Square id as sent (trimmed later, as the `write_*` functions do).
    id: Option<String>,
    rows: Rows,
}

#[derive(Debug)]
enum Rows {
    Customer(Normalized<CustomerRow>),
    Location(Normalized<LocationRow>),
    TeamMember(Normalized<TeamMemberRow>),
    Catalog(Normalized<Vec<CatalogRow>>),
    /// A catalog type Keeper keeps raw only: nothing is written.
    CatalogSkipped,
    Payment(Normalized<PaymentRow>),
    Refund(Normalized<RefundRow>),
    Order(Normalized<OrderRows>),
    Booking(Normalized<BookingRows>),
    LoyaltyProgram(Normalized<ProgramRow>),
    LoyaltyAccount(Normalized<AccountRow>),
    LoyaltyEvent(Normalized<EventRow>),
    Undecodable(ObjectKind, serde_json::Error),
}

impl Prepared {
    fn new(object_type: &'static str, id: Option<&str>, rows: Rows) -> Self {
        Prepared {
            object_type: Cow::Borrowed(object_type),
            id: id.map(str::to_owned),
            rows,
        }
    }
}

/// Builds the rows and issues of a decoded object (touches no store, so any thread may run
/// it). Consumes the decoded object: its memory is released on the preparing thread.
pub fn prepare(decoded: Decoded, ctx: &Context) -> Prepared {
    match decoded {
        Decoded::Customer(c) => Prepared::new(
            customer::OBJECT_TYPE,
            c.id.as_deref(),
            Rows::Customer(customer::customer(&c, ctx)),
        ),
        Decoded::Location(l) => Prepared::new(
            location::OBJECT_TYPE,
            l.id.as_deref(),
            Rows::Location(location::location(&l, ctx)),
        ),
        Decoded::TeamMember(t) => Prepared::new(
            team::OBJECT_TYPE,
            t.id.as_deref(),
            Rows::TeamMember(team::team_member(&t, ctx)),
        ),
        Decoded::Catalog(o) => {
            let rows = if catalog::is_normalized_type(&o.object_type) {
                Rows::Catalog(catalog::catalog(&o, ctx))
            } else {
                Rows::CatalogSkipped
            };
            Prepared {
                object_type: Cow::Owned(o.object_type.as_str().to_owned()),
                id: Some(o.id.clone()),
                rows,
            }
        }
        Decoded::Payment(p) => Prepared::new(
            payment::OBJECT_TYPE,
            p.id.as_deref(),
            Rows::Payment(payment::payment(&p, ctx)),
        ),
        Decoded::Refund(r) => Prepared::new(
            refund::OBJECT_TYPE,
            Some(&r.id),
            Rows::Refund(refund::refund(&r, ctx)),
        ),
        Decoded::Order(o) => Prepared::new(
            order::OBJECT_TYPE,
            o.id.as_deref(),
            Rows::Order(order::order(&o, ctx)),
        ),
        Decoded::Booking(b) => Prepared::new(
            booking::OBJECT_TYPE,
            b.id.as_deref(),
            Rows::Booking(booking::booking(&b, ctx)),
        ),
        Decoded::LoyaltyProgram(p) => Prepared::new(
            loyalty::PROGRAM,
            p.id.as_deref(),
            Rows::LoyaltyProgram(loyalty::program(&p, ctx)),
        ),
        Decoded::LoyaltyAccount(a) => Prepared::new(
            loyalty::ACCOUNT,
            a.id.as_deref(),
            Rows::LoyaltyAccount(loyalty::account(&a, ctx)),
        ),
        Decoded::LoyaltyEvent(e) => Prepared::new(
            loyalty::EVENT,
            Some(&e.id),
            Rows::LoyaltyEvent(loyalty::event(&e, ctx)),
        ),
        Decoded::Undecodable(kind, e) => Prepared {
            object_type: Cow::Borrowed(kind.object_type()),
            id: None,
            rows: Rows::Undecodable(kind, e),
        },
    }
}

/// Writes a prepared object through `tx`: the duplicate check by composite key (payments
/// and orders), its rows unless a hard rule failed, and its quarantine entries. `json` is
/// the text it was decoded from (kept in the quarantine when a rule fails).
pub fn write_prepared(
    tx: &Connection,
    prepared: Prepared,
    json: &str,
    ctx: &Context,
) -> Result<Outcome> {
    write_prepared_in(tx, prepared, json, ctx, &mut QuarantineClear::unknown())
}

/// [`write_prepared`] as one object of a batch: `clear` says whether the quarantine is known
/// to be empty (a passing object then skips the delete of its quarantine rows) and is told
/// what the object's write did.
pub(crate) fn write_prepared_in(
    tx: &Connection,
    prepared: Prepared,
    json: &str,
    ctx: &Context,
    clear: &mut QuarantineClear,
) -> Result<Outcome> {
    let outcome = write_rows(tx, prepared, json, ctx, clear.empty())?;
    clear.after(&outcome);
    Ok(outcome)
}

fn write_rows(
    tx: &Connection,
    prepared: Prepared,
    json: &str,
    ctx: &Context,
    quarantine_empty: bool,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: &prepared.object_type,
        id: prepared.id.as_deref(),
        object: &(),
        json: Some(json),
        quarantine_empty,
    };
    match prepared.rows {
        Rows::Customer(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::Location(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::TeamMember(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::Catalog(n) => finish(tx, &subject, n, ctx, |rows| catalog::write_rows(tx, rows)),
        Rows::CatalogSkipped => {
            let square_id = settle(tx, &subject, &[], ctx)?;
            Ok(Outcome {
                object_type: subject.object_type.to_owned(),
                square_id,
                rows: 0,
                issues: Vec::new(),
                skipped: true,
            })
        }
        Rows::Payment(mut n) => {
            payment::drop_twin(tx, &mut n)?;
            finish(tx, &subject, n, ctx, |row| one(row.upsert(tx)))
        }
        Rows::Refund(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::Order(mut n) => {
            order::drop_twin(tx, &mut n)?;
            finish(tx, &subject, n, ctx, |rows| order::write_rows(tx, rows))
        }
        Rows::Booking(n) => finish(tx, &subject, n, ctx, |rows| booking::write_rows(tx, rows)),
        Rows::LoyaltyProgram(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::LoyaltyAccount(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::LoyaltyEvent(n) => finish(tx, &subject, n, ctx, |row| one(row.upsert(tx))),
        Rows::Undecodable(kind, e) => undecodable(tx, kind, json, &e, ctx),
    }
}

fn one(written: keeper_store::Result<()>) -> Result<usize> {
    written?;
    Ok(1)
}
