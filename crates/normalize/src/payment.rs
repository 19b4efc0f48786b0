//! Payments: amount (without tip), tip, total, refunded, status, source type, customer and
//! team member (`team_member_id`, else the deprecated `employee_id`).

use crate::context::Context;
use crate::duplicate::{self, CompositeKey};
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::opt_ts;
use crate::validate::{self, AmountKind, DateKind, Issue, Rule};
use keeper_square::models::{Money, Payment};
use keeper_store::Provenance;
use keeper_store::table::payment::Payment as PaymentRow;
use rusqlite::Connection;

pub const OBJECT_TYPE: &str = "PAYMENT";

fn amount(m: Option<&Money>) -> Option<i64> {
    m.and_then(|m| m.amount)
}

/// Normalizes one payment (without the duplicate check, which needs the store).
pub fn payment(p: &Payment, ctx: &Context) -> Normalized<PaymentRow> {
    let Some(id) = id_of(p.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "payment has no id"));
    };
    let mut issues = Vec::new();
    let base = amount(p.amount_money.as_ref());
    let tip = amount(p.tip_money.as_ref());
    if let Err(issue) = validate::amount(AmountKind::Payment, base, ctx) {
        issues.push(issue);
    }
    if let Err(issue) = validate::date(
        DateKind::Transaction,
        "created_at",
        p.created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
    }
    let total = amount(p.total_money.as_ref()).or_else(|| base.map(|b| b + tip.unwrap_or(0)));
    let row = PaymentRow {
        id: id.to_owned(),
        location_id: p.location_id.clone(),
        customer_id: p.customer_id.clone(),
        order_id: p.order_id.clone(),
        team_member_id: p.team_member_id.clone().or_else(|| p.employee_id.clone()),
        status: p.status.as_ref().map(|s| s.as_str().to_owned()),
        source_type: p.source_type.as_ref().map(|s| s.as_str().to_owned()),
        amount: base,
        tip,
        total,
        refunded: amount(p.refunded_money.as_ref()),
        currency: p.amount_money.as_ref().and_then(|m| m.currency.clone()),
        created_at: opt_ts(p.created_at.as_ref()),
        updated_at: opt_ts(p.updated_at.as_ref()),
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(row, issues)
}

/// Drops the row of a payment that duplicates a stored one by composite key (customer,
/// `created_at`, total) and records why (`duplicate_composite_key`, hard).
pub fn drop_twin(conn: &Connection, normalized: &mut Normalized<PaymentRow>) -> Result<()> {
    if let Some(row) = &normalized.row {
        let key = CompositeKey::of(
            row.customer_id.as_deref(),
            row.created_at.as_deref(),
            row.total,
        );
        if let Some(key) = key
            && let Some(first) = duplicate::payment_twin(conn, &row.id, &key)?
        {
            normalized.issues.push(Issue::hard(
                Rule::DuplicateCompositeKey,
                format!(
                    "same customer, created_at and total as payment {first}; counted once, as {first}"
                ),
            ));
            normalized.row = None;
        }
    }
    Ok(())
}

/// Normalizes and writes one payment, unless it duplicates a stored one by composite key.
pub fn write_payment(
    conn: &Connection,
    p: &Payment,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let mut normalized = payment(p, ctx);
    drop_twin(conn, &mut normalized)?;
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: p.id.as_deref(),
        object: p,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, normalized, ctx, |row| {
        row.upsert(conn)?;
        Ok(1)
    })
}
