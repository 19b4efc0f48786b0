//! The catalog: categories, items with their embedded variations, variations on their own,
//! modifier lists with their embedded modifiers, and modifiers on their own. Other catalog
//! types (taxes, discounts, images, ...) stay raw only.
//!
//! A deleted object keeps its row, marked `is_deleted`, so old orders still resolve their
//! names. When Square sends a deleted object without its payload (a tombstone), only the
//! flag, version and `updated_at` change; a deleted item also marks its variations deleted,
//! and a deleted modifier list its modifiers (Square deletes children with their parent).

use crate::context::Context;
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of, settle};
use crate::time::opt_ts;
use crate::validate::{Issue, Rule};
use keeper_square::models::{CatalogData, CatalogObject, CatalogObjectType};
use keeper_store::Provenance;
use keeper_store::table::catalog::{
    CatalogCategory, CatalogItem, CatalogModifier, CatalogModifierList, CatalogVariation,
};
use rusqlite::Connection;

/// One row derived from a catalog object.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogRow {
    Category(CatalogCategory),
    Item(CatalogItem),
    Variation(CatalogVariation),
    ModifierList(CatalogModifierList),
    Modifier(CatalogModifier),
    /// A tombstone: the object is deleted and Square sent no payload.
    Deleted {
        object_type: CatalogObjectType,
        id: String,
        version: Option<i64>,
        updated_at: Option<String>,
    },
}

/// Whether Keeper normalizes this catalog type.
pub fn is_normalized_type(t: &CatalogObjectType) -> bool {
    matches!(
        t,
        CatalogObjectType::Item
            | CatalogObjectType::ItemVariation
            | CatalogObjectType::ModifierList
            | CatalogObjectType::Modifier
            | CatalogObjectType::Category
    )
}

/// Normalizes one catalog object into its rows (none for a type Keeper keeps raw only).
pub fn catalog(obj: &CatalogObject, _ctx: &Context) -> Normalized<Vec<CatalogRow>> {
    if id_of(Some(&obj.id)).is_none() {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "catalog object has no id"));
    }
    let mut rows = Vec::new();
    push_rows(obj, None, false, &mut rows);
    Normalized::clean(rows)
}

fn push_rows(
    obj: &CatalogObject,
    parent: Option<&str>,
    parent_deleted: bool,
    rows: &mut Vec<CatalogRow>,
) {
    let id = obj.id.trim().to_owned();
    let is_deleted = parent_deleted || obj.is_deleted.unwrap_or(false);
    let version = obj.version;
    let updated_at = opt_ts(obj.updated_at.as_ref());
    let provenance = Provenance::SquareSync;
    match &obj.data {
        None if is_deleted && is_normalized_type(&obj.object_type) => {
            rows.push(CatalogRow::Deleted {
                object_type: obj.object_type.clone(),
                id,
                version,
                updated_at,
            })
        }
        None
        | Some(
            CatalogData::Tax(_)
            | CatalogData::Discount(_)
            | CatalogData::Image(_)
            | CatalogData::Other(_),
        ) => {}
        Some(CatalogData::Category(c)) => rows.push(CatalogRow::Category(CatalogCategory {
            id,
            name: c.name.clone(),
            is_deleted,
            version,
            updated_at,
            provenance,
        })),
        Some(CatalogData::Item(item)) => {
            let category_id = item
                .category_id
                .clone()
                .or_else(|| item.categories.first().and_then(|c| c.id.clone()))
                .or_else(|| item.reporting_category.as_ref().and_then(|c| c.id.clone()));
            rows.push(CatalogRow::Item(CatalogItem {
                id: id.clone(),
                name: item.name.clone(),
                category_id,
                product_type: item.product_type.as_ref().map(|t| t.as_str().to_owned()),
                is_deleted,
                version,
                updated_at,
                provenance,
            }));
            for v in &item.variations {
                push_rows(v, Some(&id), is_deleted, rows);
            }
        }
        Some(CatalogData::ItemVariation(v)) => {
            let price = v.price_money.as_ref();
            rows.push(CatalogRow::Variation(CatalogVariation {
                id,
                item_id: v.item_id.clone().or_else(|| parent.map(str::to_owned)),
                name: v.name.clone(),
                price_amount: price.and_then(|m| m.amount),
                currency: price.and_then(|m| m.currency.clone()),
                service_duration_ms: v.service_duration,
                is_deleted,
                version,
                updated_at,
                provenance,
            }));
        }
        Some(CatalogData::ModifierList(list)) => {
            rows.push(CatalogRow::ModifierList(CatalogModifierList {
                id: id.clone(),
                name: list.name.clone(),
                is_deleted,
                version,
                updated_at,
                provenance,
            }));
            for m in &list.modifiers {
                push_rows(m, Some(&id), is_deleted, rows);
            }
        }
        Some(CatalogData::Modifier(m)) => {
            let price = m.price_money.as_ref();
            rows.push(CatalogRow::Modifier(CatalogModifier {
                id,
                modifier_list_id: m
                    .modifier_list_id
                    .clone()
                    .or_else(|| parent.map(str::to_owned)),
                name: m.name.clone(),
                price_amount: price.and_then(|p| p.amount),
                currency: price.and_then(|p| p.currency.clone()),
                is_deleted,
                version,
                updated_at,
                provenance,
            }));
        }
    }
}

/// The table a tombstone of this type marks, and the child table it cascades to.
fn tombstone_tables(
    t: &CatalogObjectType,
) -> Option<(&'static str, Option<(&'static str, &'static str)>)> {
    Some(match t {
        CatalogObjectType::Category => ("catalog_categories", None),
        CatalogObjectType::Item => ("catalog_items", Some(("catalog_variations", "item_id"))),
        CatalogObjectType::ItemVariation => ("catalog_variations", None),
        CatalogObjectType::ModifierList => (
            "catalog_modifier_lists",
            Some(("catalog_modifiers", "modifier_list_id")),
        ),
        CatalogObjectType::Modifier => ("catalog_modifiers", None),
        _ => return None,
    })
}

fn write_tombstone(
    conn: &Connection,
    object_type: &CatalogObjectType,
    id: &str,
    version: Option<i64>,
    updated_at: Option<&str>,
) -> Result<()> {
    let Some((table, child)) = tombstone_tables(object_type) else {
        return Ok(());
    };
    // Table and column names come from the fixed list above, never from input.
    conn.prepare_cached(&format!(
        "INSERT INTO {table} (id, is_deleted, version, updated_at, provenance)
         VALUES (?1, 1, ?2, ?3, 'square_sync')
         ON CONFLICT (id) DO UPDATE SET is_deleted = 1, version = excluded.version,
             updated_at = excluded.updated_at"
    ))?
    .execute((id, version, updated_at))?;
    if let Some((child, column)) = child {
        conn.prepare_cached(&format!(
            "UPDATE {child} SET is_deleted = 1 WHERE {column} = ?1"
        ))?
        .execute([id])?;
    }
    Ok(())
}

/// Writes the rows of one catalog object.
pub fn write_rows(conn: &Connection, rows: &[CatalogRow]) -> Result<usize> {
    for row in rows {
        match row {
            CatalogRow::Category(r) => r.upsert(conn)?,
            CatalogRow::Item(r) => r.upsert(conn)?,
            CatalogRow::Variation(r) => r.upsert(conn)?,
            CatalogRow::ModifierList(r) => r.upsert(conn)?,
            CatalogRow::Modifier(r) => r.upsert(conn)?,
            CatalogRow::Deleted {
                object_type,
                id,
                version,
                updated_at,
            } => write_tombstone(conn, object_type, id, *version, updated_at.as_deref())?,
        }
    }
    Ok(rows.len())
}

/// Normalizes and writes one catalog object (its type names the quarantine object type).
pub fn write_catalog_object(
    conn: &Connection,
    obj: &CatalogObject,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: obj.object_type.as_str(),
        id: Some(&obj.id),
        object: obj,
        json,
        quarantine_empty: false,
    };
    if !is_normalized_type(&obj.object_type) {
        let square_id = settle(conn, &subject, &[], ctx)?;
        return Ok(Outcome {
            object_type: obj.object_type.as_str().to_owned(),
            square_id,
            rows: 0,
            issues: Vec::new(),
            skipped: true,
        });
    }
    finish(conn, &subject, catalog(obj, ctx), ctx, |rows| {
        write_rows(conn, rows)
    })
}
