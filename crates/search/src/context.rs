//! Context for a task about one customer: their document plus what the task needs.
//!
//! - churn: cadence, days since the last visit and the recent visits;
//! - upsell: add-ons that similar customers buy and this one does not (similar = nearest
//!   stored vectors, or customers sharing the main service when there are no vectors);
//! - reactivation: what they used to buy and who served them.

use crate::document::{self, CustomerDocument};
use crate::error::{Result, SearchError};
use crate::facts::{self, Count, CustomerFacts};
use crate::model;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

/// The kinds of task that ask for context.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    Churn,
    Upsell,
    Reactivation,
}

impl FromStr for TaskType {
    type Err = SearchError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "churn" | "churn_risk" => Ok(TaskType::Churn),
            "upsell" => Ok(TaskType::Upsell),
            "reactivation" | "win_back" | "winback" => Ok(TaskType::Reactivation),
            other => Err(SearchError::UnknownTask(other.to_string())),
        }
    }
}

/// A past visit, as the task context shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VisitSummary {
    pub at: String,
    pub services: Vec<String>,
    pub modifiers: Vec<String>,
    pub staff: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChurnContext {
    pub cadence_days: Option<f64>,
    pub days_since_last_visit: Option<f64>,
    pub recent_visits: Vec<VisitSummary>,
}

/// How the similar customers of an upsell context were chosen.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Similarity {
    NearestVectors,
    SharedMainService,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModifierSuggestion {
    pub name: String,
    /// Share of the similar customers who bought it at least once.
    pub share_of_similar: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UpsellContext {
    pub similarity: Similarity,
    pub similar_customer_ids: Vec<String>,
    pub suggestions: Vec<ModifierSuggestion>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReactivationContext {
    pub last_visit: Option<String>,
    pub used_to_buy: Vec<Count>,
    pub add_ons: Vec<Count>,
    pub served_by: Vec<Count>,
    pub departed_staff: Vec<String>,
}

/// The document plus the part the task needs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TaskContext {
    pub customer_id: String,
    pub task: TaskType,
    pub document: CustomerDocument,
    pub churn: Option<ChurnContext>,
    pub upsell: Option<UpsellContext>,
    pub reactivation: Option<ReactivationContext>,
}

/// How many neighbours an upsell context looks at.
const NEIGHBOURS: usize = 20;
const RECENT_VISITS: usize = 5;

fn summary(v: &facts::Visit) -> VisitSummary {
    VisitSummary {
        at: v.at.to_rfc3339(),
        services: v.services.clone(),
        modifiers: v.modifiers.clone(),
        staff: v.staff.clone(),
    }
}

/// Builds the context of `task` for `customer_id` as of `now`.
pub fn get_context_for_task(
    conn: &Connection,
    customer_id: &str,
    task: TaskType,
    now: DateTime<Utc>,
) -> Result<TaskContext> {
    let facts = facts::load(conn, Some(customer_id))?
        .remove(customer_id)
        .ok_or_else(|| SearchError::CustomerNotFound(customer_id.to_string()))?;
    let document = document::build(&facts, now);
    let mut ctx = TaskContext {
        customer_id: customer_id.to_string(),
        task,
        document,
        churn: None,
        upsell: None,
        reactivation: None,
    };
    match task {
        TaskType::Churn => {
            ctx.churn = Some(ChurnContext {
                cadence_days: facts.cadence_days(),
                days_since_last_visit: facts.days_since_last(now),
                recent_visits: facts
                    .visits
                    .iter()
                    .rev()
                    .take(RECENT_VISITS)
                    .map(summary)
                    .collect(),
            });
        }
        TaskType::Upsell => ctx.upsell = Some(upsell(conn, &facts)?),
        TaskType::Reactivation => {
            ctx.reactivation = Some(ReactivationContext {
                last_visit: facts.last_visit().map(|t| t.to_rfc3339()),
                used_to_buy: facts.services(),
                add_ons: facts.modifiers(),
                served_by: facts.staff(),
                departed_staff: facts.departed_staff.clone(),
            });
        }
    }
    Ok(ctx)
}

fn nearest_by_vector(conn: &Connection, customer_id: &str) -> Result<Option<Vec<String>>> {
    let own: Option<(Vec<u8>, String)> = conn
        .query_row(
            "SELECT embedding, embedding_model FROM search_documents WHERE customer_id = ?1 \
             AND embedding IS NOT NULL AND embedded_hash = content_hash",
            params![customer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((own, model_id)) = own else {
        return Ok(None);
    };
    let own = model::from_blob(&own);
    let mut stmt = conn.prepare(
        "SELECT customer_id, embedding FROM search_documents WHERE customer_id <> ?1 \
         AND embedding IS NOT NULL AND embedded_hash = content_hash AND embedding_model = ?2",
    )?;
    let mut rows = stmt.query(params![customer_id, model_id])?;
    let mut scored: Vec<(String, f32)> = Vec::new();
    while let Some(row) = rows.next()? {
        let v = model::from_blob(model::row_blob(row, 1)?);
        scored.push((row.get(0)?, model::cosine(&own, &v)));
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(Some(
        scored
            .into_iter()
            .take(NEIGHBOURS)
            .map(|(id, _)| id)
            .collect(),
    ))
}

fn sharing_main_service(conn: &Connection, facts: &CustomerFacts) -> Result<Vec<String>> {
    let Some(main) = facts.services().into_iter().next() else {
        return Ok(vec![]);
    };
    let mut stmt = conn.prepare(
        "SELECT o.customer_id, COUNT(*) AS n FROM order_line_items li \
         JOIN orders o ON o.id = li.order_id \
         WHERE li.name = ?1 AND o.customer_id IS NOT NULL AND o.customer_id <> ?2 \
         GROUP BY o.customer_id ORDER BY n DESC, o.customer_id LIMIT ?3",
    )?;
    let ids = stmt
        .query_map(
            params![main.name, facts.customer_id, NEIGHBOURS as i64],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

fn upsell(conn: &Connection, facts: &CustomerFacts) -> Result<UpsellContext> {
    let (similarity, similar) = match nearest_by_vector(conn, &facts.customer_id)? {
        Some(ids) => (Similarity::NearestVectors, ids),
        None => (
            Similarity::SharedMainService,
            sharing_main_service(conn, facts)?,
        ),
    };
    let own: HashSet<String> = facts.modifiers().into_iter().map(|c| c.name).collect();
    let mut buyers: BTreeMap<String, usize> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT DISTINCT m.name FROM order_line_item_modifiers m \
             JOIN orders o ON o.id = m.order_id WHERE o.customer_id = ?1 AND m.name IS NOT NULL",
        )?;
        for id in &similar {
            for name in stmt.query_map([id], |r| r.get::<_, String>(0))? {
                let name = name?;
                if !own.contains(&name) {
                    *buyers.entry(name).or_default() += 1;
                }
            }
        }
    }
    let n = similar.len().max(1) as f64;
    let mut suggestions: Vec<ModifierSuggestion> = buyers
        .into_iter()
        .map(|(name, count)| ModifierSuggestion {
            name,
            share_of_similar: count as f64 / n,
        })
        .collect();
    suggestions.sort_by(|a, b| {
        b.share_of_similar
            .total_cmp(&a.share_of_similar)
            .then_with(|| a.name.cmp(&b.name))
    });
    suggestions.truncate(5);
    Ok(UpsellContext {
        similarity,
        similar_customer_ids: similar,
        suggestions,
    })
}
