//! Team members, active and inactive: cleaned names, lower-cased email, E.164 phone.

use crate::contact;
use crate::context::Context;
use crate::error::Result;
use crate::names::{NamePart, clean_name};
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::{opt_ts, ts_text};
use crate::validate::{self, DateKind, Issue, Rule};
use keeper_square::models::TeamMember;
use keeper_store::Provenance;
use keeper_store::table::team::TeamMember as TeamMemberRow;
use rusqlite::Connection;

pub const OBJECT_TYPE: &str = "TEAM_MEMBER";

/// Normalizes one team member.
pub fn team_member(t: &TeamMember, ctx: &Context) -> Normalized<TeamMemberRow> {
    let Some(id) = id_of(t.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "team member has no id"));
    };
    let mut issues = Vec::new();
    let email = contact::email(t.email_address.as_deref(), &mut issues);
    let phone_e164 = contact::phone(
        t.phone_number.as_deref(),
        ctx.default_country.as_deref(),
        &mut issues,
    );
    let mut created_at = t.created_at.as_ref();
    if let Err(issue) = validate::date(
        DateKind::Profile,
        "created_at",
        created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
        created_at = None;
    }
    let row = TeamMemberRow {
        id: id.to_owned(),
        given_name: t
            .given_name
            .as_deref()
            .and_then(|g| clean_name(g, NamePart::Given)),
        family_name: t
            .family_name
            .as_deref()
            .and_then(|f| clean_name(f, NamePart::Family)),
        email,
        phone_e164,
        status: t.status.as_ref().map(|s| s.as_str().to_owned()),
        is_owner: t.is_owner.unwrap_or(false),
        created_at: created_at.map(ts_text),
        updated_at: opt_ts(t.updated_at.as_ref()),
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(row, issues)
}

/// Normalizes and writes one team member.
pub fn write_team_member(
    conn: &Connection,
    t: &TeamMember,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: t.id.as_deref(),
        object: t,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, team_member(t, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}
