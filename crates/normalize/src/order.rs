//! Orders with their line items (service, variation, quantity as Square's decimal string,
//! price) and the modifiers chosen on each line item (name, amount) — the seed's modifier
//! extraction, read from Orders line items rather than the retired v1 itemizations.
//!
//! Writing an order replaces its line items and modifiers, so a later version with fewer
//! lines leaves no stale ones. A line item or modifier without a `uid` is keyed `#<index>`.

use crate::context::Context;
use crate::duplicate::{self, CompositeKey};
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::opt_ts;
use crate::validate::{self, AmountKind, DateKind, Issue, Rule};
use keeper_square::models::{Money, Order, OrderLineItem};
use keeper_store::table::order::{
    Order as OrderRow, OrderLineItem as LineItemRow, OrderLineItemModifier as ModifierRow,
};
use keeper_store::{Provenance, Written};
use rusqlite::Connection;

pub const OBJECT_TYPE: &str = "ORDER";

/// An order's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRows {
    pub order: OrderRow,
    pub line_items: Vec<LineItemRow>,
    pub modifiers: Vec<ModifierRow>,
}

impl OrderRows {
    /// How many rows writing this order produces.
    pub fn len(&self) -> usize {
        1 + self.line_items.len() + self.modifiers.len()
    }

    /// Never empty: there is always the order row.
    pub fn is_empty(&self) -> bool {
        false
    }
}

fn amount(m: Option<&Money>) -> Option<i64> {
    m.and_then(|m| m.amount)
}

fn uid_or_index(uid: Option<&str>, index: usize) -> String {
    match id_of(uid) {
        Some(uid) => uid.to_owned(),
        None => format!("#{index}"),
    }
}

/// Normalizes one order (without the duplicate check, which needs the store).
pub fn order(o: &Order, ctx: &Context) -> Normalized<OrderRows> {
    let Some(id) = id_of(o.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "order has no id"));
    };
    let mut issues = Vec::new();
    let total = amount(o.total_money.as_ref());
    if let Err(issue) = validate::amount(AmountKind::OrderTotal, total, ctx) {
        issues.push(issue);
    }
    if let Err(issue) = validate::date(
        DateKind::Transaction,
        "created_at",
        o.created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
    }
    let mut line_items = Vec::with_capacity(o.line_items.len());
    let mut modifiers = Vec::new();
    for (index, li) in o.line_items.iter().enumerate() {
        let uid = uid_or_index(li.uid.as_deref(), index);
        push_modifiers(id, &uid, li, &mut modifiers);
        line_items.push(LineItemRow {
            order_id: id.to_owned(),
            uid,
            name: li.name.clone(),
            variation_name: li.variation_name.clone(),
            catalog_object_id: li.catalog_object_id.clone(),
            item_type: li.item_type.as_ref().map(|t| t.as_str().to_owned()),
            quantity: li.quantity.as_str().to_owned(),
            base_price: amount(li.base_price_money.as_ref()),
            gross_sales: amount(li.gross_sales_money.as_ref()),
            total: amount(li.total_money.as_ref()),
            currency: li
                .base_price_money
                .as_ref()
                .or(li.total_money.as_ref())
                .and_then(|m| m.currency.clone()),
            provenance: Provenance::SquareSync,
        });
    }
    let order = OrderRow {
        id: id.to_owned(),
        location_id: Some(o.location_id.clone()),
        customer_id: o.customer_id.clone(),
        state: o.state.as_ref().map(|s| s.as_str().to_owned()),
        source_name: o.source.as_ref().and_then(|s| s.name.clone()),
        total,
        tax: amount(o.total_tax_money.as_ref()),
        discount: amount(o.total_discount_money.as_ref()),
        tip: amount(o.total_tip_money.as_ref()),
        currency: o.total_money.as_ref().and_then(|m| m.currency.clone()),
        created_at: opt_ts(o.created_at.as_ref()),
        updated_at: opt_ts(o.updated_at.as_ref()),
        closed_at: opt_ts(o.closed_at.as_ref()),
        version: o.version,
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(
        OrderRows {
            order,
            line_items,
            modifiers,
        },
        issues,
    )
}

fn push_modifiers(
    order_id: &str,
    line_item_uid: &str,
    li: &OrderLineItem,
    out: &mut Vec<ModifierRow>,
) {
    for (index, m) in li.modifiers.iter().enumerate() {
        out.push(ModifierRow {
            order_id: order_id.to_owned(),
            line_item_uid: line_item_uid.to_owned(),
            uid: uid_or_index(m.uid.as_deref(), index),
            catalog_object_id: m.catalog_object_id.clone(),
            name: m.name.clone(),
            quantity: m.quantity.as_ref().map(|q| q.as_str().to_owned()),
            base_price: amount(m.base_price_money.as_ref()),
            total_price: amount(m.total_price_money.as_ref()),
            currency: m
                .base_price_money
                .as_ref()
                .or(m.total_price_money.as_ref())
                .and_then(|m| m.currency.clone()),
            provenance: Provenance::SquareSync,
        });
    }
}

/// Writes an order's rows, replacing its previous line items and modifiers.
pub fn write_rows(conn: &Connection, rows: &OrderRows) -> Result<usize> {
    // A new order has no children to replace: the write says whether it was new, which
    // spares a lookup and two deletes.
    if rows.order.write(conn)? == Written::Updated {
        conn.prepare_cached("DELETE FROM order_line_item_modifiers WHERE order_id = ?1")?
            .execute([&rows.order.id])?;
        conn.prepare_cached("DELETE FROM order_line_items WHERE order_id = ?1")?
            .execute([&rows.order.id])?;
    }
    for li in &rows.line_items {
        li.upsert(conn)?;
    }
    for m in &rows.modifiers {
        m.upsert(conn)?;
    }
    Ok(rows.len())
}

/// Drops the rows of an order that duplicates a stored one by composite key (customer,
/// `created_at`, total) and records why (`duplicate_composite_key`, hard).
pub fn drop_twin(conn: &Connection, normalized: &mut Normalized<OrderRows>) -> Result<()> {
    if let Some(rows) = &normalized.row {
        let row = &rows.order;
        let key = CompositeKey::of(
            row.customer_id.as_deref(),
            row.created_at.as_deref(),
            row.total,
        );
        if let Some(key) = key
            && let Some(first) = duplicate::order_twin(conn, &row.id, &key)?
        {
            normalized.issues.push(Issue::hard(
                Rule::DuplicateCompositeKey,
                format!(
                    "same customer, created_at and total as order {first}; counted once, as {first}"
                ),
            ));
            normalized.row = None;
        }
    }
    Ok(())
}

/// Normalizes and writes one order, unless it duplicates a stored one by composite key.
pub fn write_order(
    conn: &Connection,
    o: &Order,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let mut normalized = order(o, ctx);
    drop_twin(conn, &mut normalized)?;
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: o.id.as_deref(),
        object: o,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, normalized, ctx, |rows| {
        write_rows(conn, rows)
    })
}
