//! Refunds of payments (`PaymentRefund`).

use crate::context::Context;
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::opt_ts;
use crate::validate::{self, AmountKind, DateKind, Issue, Rule};
use keeper_square::models::PaymentRefund;
use keeper_store::Provenance;
use keeper_store::table::payment::Refund as RefundRow;
use rusqlite::Connection;

pub const OBJECT_TYPE: &str = "REFUND";

/// Normalizes one refund.
pub fn refund(r: &PaymentRefund, ctx: &Context) -> Normalized<RefundRow> {
    let Some(id) = id_of(Some(&r.id)) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "refund has no id"));
    };
    let mut issues = Vec::new();
    if let Err(issue) = validate::amount(AmountKind::Refund, r.amount_money.amount, ctx) {
        issues.push(issue);
    }
    if let Err(issue) = validate::date(
        DateKind::Transaction,
        "created_at",
        r.created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
    }
    let row = RefundRow {
        id: id.to_owned(),
        payment_id: r.payment_id.clone(),
        order_id: r.order_id.clone(),
        location_id: r.location_id.clone(),
        status: r.status.as_ref().map(|s| s.as_str().to_owned()),
        amount: r.amount_money.amount,
        currency: r.amount_money.currency.clone(),
        reason: r.reason.clone(),
        created_at: opt_ts(r.created_at.as_ref()),
        updated_at: opt_ts(r.updated_at.as_ref()),
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(row, issues)
}

/// Normalizes and writes one refund.
pub fn write_refund(
    conn: &Connection,
    r: &PaymentRefund,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: Some(&r.id),
        object: r,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, refund(r, ctx), ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}
