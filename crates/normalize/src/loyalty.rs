//! Loyalty: the program, customers' accounts, and the event ledger.
//!
//! An event's `points` is its signed effect on the balance, read from the payload of its
//! type: `ACCUMULATE_POINTS`, `ACCUMULATE_PROMOTION_POINTS` and `DELETE_REWARD` (points
//! given back) add; `CREATE_REWARD` (points spent) and `EXPIRE_POINTS` subtract, whatever
//! sign Square used; `ADJUST_POINTS` and `OTHER` keep Square's sign; `REDEEM_REWARD`
//! carries no points (they left the balance when the reward was created), so `NULL`.

use crate::context::Context;
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::{opt_ts, ts_text};
use crate::validate::{self, DateKind, Issue, Rule};
use keeper_square::models::{LoyaltyAccount, LoyaltyEvent, LoyaltyEventType, LoyaltyProgram};
use keeper_store::Provenance;
use keeper_store::table::loyalty::{
    LoyaltyAccount as AccountRow, LoyaltyEvent as EventRow, LoyaltyProgram as ProgramRow,
};
use rusqlite::Connection;

pub const PROGRAM: &str = "LOYALTY_PROGRAM";
pub const ACCOUNT: &str = "LOYALTY_ACCOUNT";
pub const EVENT: &str = "LOYALTY_EVENT";

/// Normalizes the loyalty program.
pub fn program(p: &LoyaltyProgram, _ctx: &Context) -> Normalized<ProgramRow> {
    let Some(id) = id_of(p.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "loyalty program has no id"));
    };
    Normalized::clean(ProgramRow {
        id: id.to_owned(),
        status: p.status.as_ref().map(|s| s.as_str().to_owned()),
        terminology_one: p.terminology.as_ref().and_then(|t| t.one.clone()),
        terminology_other: p.terminology.as_ref().and_then(|t| t.other.clone()),
        created_at: opt_ts(p.created_at.as_ref()),
        updated_at: opt_ts(p.updated_at.as_ref()),
        provenance: Provenance::SquareSync,
    })
}

/// Normalizes one loyalty account.
pub fn account(a: &LoyaltyAccount, ctx: &Context) -> Normalized<AccountRow> {
    let Some(id) = id_of(a.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "loyalty account has no id"));
    };
    let mut issues = Vec::new();
    let mut created_at = a.created_at.as_ref();
    if let Err(issue) = validate::date(
        DateKind::Profile,
        "created_at",
        created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
        created_at = None;
    }
    let row = AccountRow {
        id: id.to_owned(),
        program_id: Some(a.program_id.clone()),
        customer_id: a.customer_id.clone(),
        balance: a.balance,
        lifetime_points: a.lifetime_points,
        enrolled_at: opt_ts(a.enrolled_at.as_ref()),
        created_at: created_at.map(ts_text),
        updated_at: opt_ts(a.updated_at.as_ref()),
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(row, issues)
}

/// The event's signed effect on the balance and the order it concerns (see module docs).
pub fn points_and_order(e: &LoyaltyEvent) -> (Option<i64>, Option<String>) {
    let add = |p: Option<i64>| p.map(i64::abs);
    let sub = |p: Option<i64>| p.map(|p| -p.abs());
    match &e.event_type {
        LoyaltyEventType::AccumulatePoints => e
            .accumulate_points
            .as_ref()
            .map_or((None, None), |p| (add(p.points), p.order_id.clone())),
        LoyaltyEventType::AccumulatePromotionPoints => e
            .accumulate_promotion_points
            .as_ref()
            .map_or((None, None), |p| (add(p.points), p.order_id.clone())),
        LoyaltyEventType::CreateReward => e
            .create_reward
            .as_ref()
            .map_or((None, None), |r| (sub(r.points), r.order_id.clone())),
        LoyaltyEventType::DeleteReward => e
            .delete_reward
            .as_ref()
            .map_or((None, None), |r| (add(r.points), r.order_id.clone())),
        LoyaltyEventType::RedeemReward => (
            None,
            e.redeem_reward.as_ref().and_then(|r| r.order_id.clone()),
        ),
        LoyaltyEventType::ExpirePoints => e
            .expire_points
            .as_ref()
            .map_or((None, None), |p| (sub(p.points), p.order_id.clone())),
        LoyaltyEventType::AdjustPoints => e
            .adjust_points
            .as_ref()
            .map_or((None, None), |p| (p.points, p.order_id.clone())),
        LoyaltyEventType::Other | LoyaltyEventType::Unknown(_) => e
            .other_event
            .as_ref()
            .map_or((None, None), |p| (p.points, p.order_id.clone())),
    }
}

/// Normalizes one loyalty event.
pub fn event(e: &LoyaltyEvent, ctx: &Context) -> Normalized<EventRow> {
    let Some(id) = id_of(Some(&e.id)) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "loyalty event has no id"));
    };
    let mut issues = Vec::new();
    if let Err(issue) = validate::date(
        DateKind::Transaction,
        "created_at",
        Some(e.created_at.to_utc()),
        ctx,
    ) {
        issues.push(issue);
    }
    let (points, order_id) = points_and_order(e);
    let row = EventRow {
        id: id.to_owned(),
        event_type: Some(e.event_type.as_str().to_owned()),
        loyalty_account_id: Some(e.loyalty_account_id.clone()),
        location_id: e.location_id.clone(),
        order_id,
        points,
        source: Some(e.source.as_str().to_owned()),
        created_at: Some(ts_text(&e.created_at)),
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(row, issues)
}

/// Normalizes and writes the loyalty program.
pub fn write_program(
    conn: &Connection,
    p: &LoyaltyProgram,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: PROGRAM,
        id: p.id.as_deref(),
        object: p,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, program(p, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}

/// Normalizes and writes one loyalty account.
pub fn write_account(
    conn: &Connection,
    a: &LoyaltyAccount,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: ACCOUNT,
        id: a.id.as_deref(),
        object: a,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, account(a, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}

/// Normalizes and writes one loyalty event.
pub fn write_event(
    conn: &Connection,
    e: &LoyaltyEvent,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: EVENT,
        id: Some(&e.id),
        object: e,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, event(e, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}
