//! Locations: the shops, with the time zone (what "today" is for visits) and the country
//! (how phone numbers without a country code are read).

use crate::context::Context;
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::opt_ts;
use crate::validate::{Issue, Rule};
use keeper_square::models::Location;
use keeper_store::Provenance;
use keeper_store::table::location::Location as LocationRow;
use rusqlite::Connection;

pub const OBJECT_TYPE: &str = "LOCATION";

/// Normalizes one location. The country is the location's, else its address's.
pub fn location(l: &Location, _ctx: &Context) -> Normalized<LocationRow> {
    let Some(id) = id_of(l.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "location has no id"));
    };
    let country = l
        .country
        .as_deref()
        .or_else(|| l.address.as_ref().and_then(|a| a.country.as_deref()))
        .map(|c| c.trim().to_ascii_uppercase());
    Normalized::clean(LocationRow {
        id: id.to_owned(),
        name: l.name.clone(),
        business_name: l.business_name.clone(),
        status: l.status.as_ref().map(|s| s.as_str().to_owned()),
        timezone: l.timezone.clone(),
        country,
        currency: l.currency.clone(),
        created_at: opt_ts(l.created_at.as_ref()),
        provenance: Provenance::SquareSync,
    })
}

/// Normalizes and writes one location.
pub fn write_location(
    conn: &Connection,
    l: &Location,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: l.id.as_deref(),
        object: l,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, location(l, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}
