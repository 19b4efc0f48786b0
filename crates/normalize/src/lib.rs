//! Normalization: typed Square objects (from `keeper-square`) become Keeper's normalized
//! rows (`keeper-store`), inside the caller's transaction.
//!
//! - One module per family ([`customer`], [`location`], [`team`], [`catalog`],
//!   [`payment`], [`refund`], [`order`], [`booking`], [`loyalty`]), each with a pure
//!   function building the rows (`customer(&Customer, &Context) -> Normalized<…>`) and a
//!   `write_*` function storing them.
//! - [`validate`] holds the seed's rules, soft (row stored, bad field nulled, quarantined)
//!   or hard (row not stored, quarantined); [`duplicate`] the composite-key check. Every
//!   failure is recorded in the store's quarantine table, keyed so re-running adds nothing,
//!   and cleared when a later version of the object passes.
//! - [`normalize_json`] is the entry for one raw JSON object, [`normalize_many`] for a page
//!   of them (a pipeline: decoded and prepared on helper threads, written in order);
//!   [`prepared`] splits one object's work into what needs no store ([`prepare`]) and what
//!   does ([`write_prepared`]); [`merge::repoint_customer`]
//!   re-points history after a customer merge; [`visits`] derives visits.
//! - [`ingest_many`] is the import's write path: a page of fetched objects into the raw
//!   store and normalized, in one pass over the same pipeline.
//!
//! Nothing here reads the clock: `now` comes in the [`Context`].

pub mod batch;
pub mod booking;
pub mod catalog;
pub mod contact;
pub mod context;
pub mod customer;
pub mod duplicate;
pub mod error;
pub mod ingest;
pub mod location;
pub mod loyalty;
pub mod merge;
pub mod money;
pub mod names;
pub mod order;
pub mod payment;
pub mod phone;
pub mod prepared;
pub mod record;
pub mod refund;
pub mod team;
pub mod time;
pub mod validate;
pub mod visits;

pub use batch::{Decoded, decode, normalize_many, write_decoded};
pub use context::{Context, Limits};
pub use error::{Error, Result};
pub use ingest::{Ingested, RawItem, ingest_in_order, ingest_many};
pub use merge::{Repointed, repoint_customer};
pub use prepared::{Prepared, prepare, write_prepared};
pub use record::{Normalized, Outcome};
pub use validate::{Issue, Rule, Severity};

use keeper_square::models as sq;
use record::Subject;
use rusqlite::Connection;

/// The Square object families Keeper normalizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Customer,
    Location,
    TeamMember,
    /// Any catalog object; its own `type` decides what is written.
    Catalog,
    Payment,
    Refund,
    Order,
    Booking,
    LoyaltyProgram,
    LoyaltyAccount,
    LoyaltyEvent,
}

impl ObjectKind {
    /// Reads the object type the raw store uses (`CUSTOMER`, `PAYMENT`, `ITEM_VARIATION`,
    /// ...). Catalog objects may be named by their catalog type, with or without a
    /// `CATALOG_` prefix, or as `CATALOG_OBJECT`. Case is ignored.
    pub fn parse(object_type: &str) -> Option<ObjectKind> {
        let upper = object_type.trim().to_ascii_uppercase();
        let name = upper.strip_prefix("CATALOG_").unwrap_or(&upper);
        Some(match name {
            "CUSTOMER" => ObjectKind::Customer,
            "LOCATION" => ObjectKind::Location,
            "TEAM_MEMBER" => ObjectKind::TeamMember,
            "PAYMENT" => ObjectKind::Payment,
            "REFUND" | "PAYMENT_REFUND" => ObjectKind::Refund,
            "ORDER" => ObjectKind::Order,
            "BOOKING" => ObjectKind::Booking,
            "LOYALTY_PROGRAM" => ObjectKind::LoyaltyProgram,
            "LOYALTY_ACCOUNT" => ObjectKind::LoyaltyAccount,
            "LOYALTY_EVENT" => ObjectKind::LoyaltyEvent,
            "OBJECT" | "CATALOG" => ObjectKind::Catalog,
            other if sq::CatalogObjectType::from(other).is_known() => ObjectKind::Catalog,
            _ => return None,
        })
    }

    /// The object type recorded in the quarantine for this family.
    pub fn object_type(self) -> &'static str {
        match self {
            ObjectKind::Customer => customer::OBJECT_TYPE,
            ObjectKind::Location => location::OBJECT_TYPE,
            ObjectKind::TeamMember => team::OBJECT_TYPE,
            ObjectKind::Catalog => "CATALOG_OBJECT",
            ObjectKind::Payment => payment::OBJECT_TYPE,
            ObjectKind::Refund => refund::OBJECT_TYPE,
            ObjectKind::Order => order::OBJECT_TYPE,
            ObjectKind::Booking => booking::OBJECT_TYPE,
            ObjectKind::LoyaltyProgram => loyalty::PROGRAM,
            ObjectKind::LoyaltyAccount => loyalty::ACCOUNT,
            ObjectKind::LoyaltyEvent => loyalty::EVENT,
        }
    }
}

/// Tunes a connection for a large normalization run; call once per connection before an
/// import. Normalization cycles through about 40 statements (rusqlite caches 16 by
/// default, so a mixed import would re-prepare them), and a long transaction whose dirty
/// pages outgrow SQLite's 2 MB default page cache spills them to the WAL and reads them
/// back, which costs more than the inserts themselves: the cache is raised to 64 MB.
/// Temporary b-trees (SQLite builds one per row to check a `CHECK (x IN (…))` constraint)
/// are kept in memory. Durability is unchanged (WAL, `synchronous=NORMAL`).
///
/// The write-ahead log is checkpointed every 16,384 pages (64 MB) instead of SQLite's
/// 1,000: rows keyed by random Square ids dirty most of a b-tree's pages in every page of
/// the import, so with the default each commit was followed by a checkpoint copying about
/// as many pages again into the database file, with two `fsync`s. A larger log lets the
/// pages changed by many commits reach the file once (on `salon`, the checkpoint work fell
/// from once per commit to once per ~18 commits). `journal_size_limit` then truncates the
/// log file back to 64 MB after a checkpoint, so it does not keep its largest size.
pub fn prepare_connection(conn: &Connection) -> Result<()> {
    conn.set_prepared_statement_cache_capacity(64);
    conn.execute_batch(
        "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;
         PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;",
    )?;
    Ok(())
}

/// [`prepare_connection`], and skips `CHECK` constraints on this connection from now on
/// (`PRAGMA ignore_check_constraints`): about 15 % less CPU for a whole salon import
/// (`normalize_bench`), 40 % less per inserted row.
///
/// Why it is safe for normalization: the normalized tables' only `CHECK`s restrict
/// `provenance` (and the quarantine's `severity`) to fixed lists, and the typed rows can
/// only bind those values ([`keeper_store::Provenance`], [`Severity`]). SQLite evaluates
/// such an `IN (…)` list by building a temporary b-tree for every inserted row, about
/// 2 µs of the 4.6 µs an order line item took. (Migration 0014 rewrote the check of the
/// most numerous tables — payments, orders, line items, modifiers, bookings, segments,
/// loyalty events — as comparisons joined by `OR`, which cost no such b-tree, so the saving
/// is now mostly on customers, refunds and loyalty accounts.) What it costs: every other write on
/// this connection skips its `CHECK`s too, so use it on a connection dedicated to a bulk
/// import whose other writes bind typed values. Foreign keys, `NOT NULL` and keys are still enforced, and
/// durability is unchanged.
pub fn prepare_bulk_connection(conn: &Connection) -> Result<()> {
    prepare_connection(conn)?;
    conn.execute_batch("PRAGMA ignore_check_constraints = ON;")?;
    Ok(())
}

/// Decodes `json` as the Square object named by `object_type` and writes its normalized
/// rows and quarantine entries through `tx` (the caller owns the transaction). JSON that
/// does not match Square's schema is quarantined (`undecodable`, hard), not an error.
/// For a page of objects, [`normalize_many`] does the same with the decoding on helper
/// threads.
pub fn normalize_json(
    tx: &Connection,
    object_type: &str,
    json: &str,
    ctx: &Context,
) -> Result<Outcome> {
    batch::write_decoded(tx, batch::decode(object_type, json)?, json, ctx)
}

pub(crate) fn undecodable(
    tx: &Connection,
    kind: ObjectKind,
    json: &str,
    err: &serde_json::Error,
    ctx: &Context,
) -> Result<Outcome> {
    let value: Option<serde_json::Value> = serde_json::from_str(json).ok();
    let field = |name: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let id = field("id");
    let object_type = match kind {
        ObjectKind::Catalog => field("type").unwrap_or_else(|| kind.object_type().to_owned()),
        _ => kind.object_type().to_owned(),
    };
    let issues = vec![Issue::hard(
        Rule::Undecodable,
        format!(
            "does not match Square's {} schema: {err}",
            kind.object_type()
        ),
    )];
    let subject = Subject {
        object_type: &object_type,
        id: id.as_deref(),
        object: &(),
        json: Some(json),
    };
    let square_id = record::settle(tx, &subject, &issues, ctx)?;
    Ok(Outcome {
        object_type,
        square_id,
        rows: 0,
        issues,
        skipped: false,
    })
}
