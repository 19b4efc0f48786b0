//! Customers: cleaned names (see `names`), lower-cased emails, phones in E.164 read with the
//! customer's address country or else the location's, birthdays as `YYYY-MM-DD` or
//! `--MM-DD` when Square's year is `0000`.

use crate::contact;
use crate::context::Context;
use crate::error::Result;
use crate::names::{NamePart, clean_name, collapse_spaces, full_name};
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::{opt_ts, ts_text};
use crate::validate::{self, DateKind, Issue, Rule};
use keeper_square::models::{Birthday, Customer};
use keeper_store::Provenance;
use keeper_store::table::customer::Customer as CustomerRow;
use rusqlite::Connection;

/// The quarantine's object type for customers.
pub const OBJECT_TYPE: &str = "CUSTOMER";

/// `YYYY-MM-DD`, or `--MM-DD` (ISO 8601's form without a year) when the year is unknown.
pub fn birthday_text(b: &Birthday) -> String {
    match b.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", b.month, b.day),
        None => format!("--{:02}-{:02}", b.month, b.day),
    }
}

/// Normalizes one customer profile.
pub fn customer(c: &Customer, ctx: &Context) -> Normalized<CustomerRow> {
    let Some(id) = id_of(c.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "customer has no id"));
    };
    let mut issues = Vec::new();
    let mut given = c
        .given_name
        .as_deref()
        .and_then(|g| clean_name(g, NamePart::Given));
    let mut family = c
        .family_name
        .as_deref()
        .and_then(|f| clean_name(f, NamePart::Family));
    if let Some(full) = full_name(given.as_deref(), family.as_deref())
        && let Err(issue) = validate::name_length(&full)
    {
        issues.push(issue);
        given = None;
        family = None;
    }
    let email = contact::email(c.email_address.as_deref(), &mut issues);
    let country = c
        .address
        .as_ref()
        .and_then(|a| a.country.as_deref())
        .or(ctx.default_country.as_deref());
    let phone_e164 = contact::phone(c.phone_number.as_deref(), country, &mut issues);
    let mut created_at = c.created_at.as_ref();
    if let Err(issue) = validate::date(
        DateKind::Profile,
        "created_at",
        created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
        created_at = None;
    }
    let row = CustomerRow {
        id: id.to_owned(),
        given_name: given,
        family_name: family,
        nickname: c.nickname.as_deref().and_then(collapse_spaces),
        company_name: c.company_name.as_deref().and_then(collapse_spaces),
        email,
        phone_e164,
        birthday: c.birthday.as_ref().map(birthday_text),
        note: c.note.clone(),
        reference_id: c.reference_id.clone(),
        creation_source: c.creation_source.as_ref().map(|s| s.as_str().to_owned()),
        created_at: created_at.map(ts_text),
        updated_at: opt_ts(c.updated_at.as_ref()),
        version: c.version,
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(row, issues)
}

/// Normalizes and writes one customer. `json` is the object as received, if the caller has
/// it (kept in the quarantine); otherwise the typed object is serialized when needed.
pub fn write_customer(
    conn: &Connection,
    c: &Customer,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: c.id.as_deref(),
        object: c,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, customer(c, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}
