//! What normalizing one object produced, and how it is written: the rows when no hard rule
//! failed, and the quarantine rows of every failed rule (cleared when the object passes).

use crate::context::Context;
use crate::error::{Error, Result};
use crate::validate::{Issue, Rule, Severity};
use keeper_store::Provenance;
use keeper_store::table::quarantine::{self, Quarantine};
use rusqlite::Connection;
use serde::Serialize;

/// The rows derived from one object (`None` after a hard failure) and the rules it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized<T> {
    pub row: Option<T>,
    pub issues: Vec<Issue>,
}

impl<T> Normalized<T> {
    /// Rows with no issue.
    pub fn clean(row: T) -> Self {
        Normalized {
            row: Some(row),
            issues: Vec::new(),
        }
    }

    /// No rows: one hard failure.
    pub fn rejected(issue: Issue) -> Self {
        Normalized {
            row: None,
            issues: vec![issue],
        }
    }

    /// Rows plus the issues found while building them; any hard issue drops the rows.
    pub fn with_issues(row: T, issues: Vec<Issue>) -> Self {
        let hard = issues.iter().any(|i| i.severity == Severity::Hard);
        Normalized {
            row: (!hard).then_some(row),
            issues,
        }
    }

    /// Whether a hard rule failed (nothing will be written).
    pub fn is_rejected(&self) -> bool {
        self.row.is_none()
    }
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The object type as recorded in the quarantine (`CUSTOMER`, `PAYMENT`, `ITEM`, ...).
    pub object_type: String,
    /// The Square id, or `sha256:<hash>` for an object without one.
    pub square_id: String,
    /// Normalized rows written (an order counts its line items and modifiers).
    pub rows: usize,
    /// Every failed rule; empty for a clean object.
    pub issues: Vec<Issue>,
    /// The type is one Keeper keeps raw only (catalog taxes, images, ...): nothing written.
    pub skipped: bool,
}

impl Outcome {
    /// The object's rows are in the normalized tables.
    pub fn stored(&self) -> bool {
        self.rows > 0
    }

    /// The object has at least one quarantine row.
    pub fn quarantined(&self) -> bool {
        !self.issues.is_empty()
    }

    /// Whether a given rule failed.
    pub fn failed(&self, rule: Rule) -> bool {
        self.issues.iter().any(|i| i.rule == rule)
    }
}

/// The object being written: its type, id, and how to get its JSON for the quarantine.
pub(crate) struct Subject<'a, S: Serialize> {
    pub object_type: &'a str,
    pub id: Option<&'a str>,
    pub object: &'a S,
    /// The JSON as received, when the caller has it; else the typed object is serialized.
    pub json: Option<&'a str>,
    /// The caller knows the quarantine holds no row of this object (see
    /// [`QuarantineClear`]): a passing object then has nothing to clear, and the delete is
    /// skipped.
    pub quarantine_empty: bool,
}

impl<S: Serialize> Subject<'_, S> {
    fn json(&self) -> Result<String> {
        match self.json {
            Some(text) => Ok(text.to_owned()),
            None => serde_json::to_string(self.object).map_err(|source| Error::Serialize {
                object_type: self.object_type.to_owned(),
                square_id: self.id.unwrap_or_default().to_owned(),
                source,
            }),
        }
    }
}

/// A non-empty id, trimmed.
pub(crate) fn id_of(id: Option<&str>) -> Option<&str> {
    id.map(str::trim).filter(|s| !s.is_empty())
}

/// Writes the rows (through `write`, which returns how many) unless a hard rule failed, then
/// brings the object's quarantine rows in line with its issues.
pub(crate) fn finish<T, S: Serialize>(
    conn: &Connection,
    subject: &Subject<'_, S>,
    normalized: Normalized<T>,
    ctx: &Context,
    write: impl FnOnce(&T) -> Result<usize>,
) -> Result<Outcome> {
    let rows = match &normalized.row {
        Some(row) => write(row)?,
        None => 0,
    };
    let square_id = settle(conn, subject, &normalized.issues, ctx)?;
    Ok(Outcome {
        object_type: subject.object_type.to_owned(),
        square_id,
        rows,
        issues: normalized.issues,
        skipped: false,
    })
}

/// Records the issues (or clears the quarantine when there are none); returns the key used.
pub(crate) fn settle<S: Serialize>(
    conn: &Connection,
    subject: &Subject<'_, S>,
    issues: &[Issue],
    ctx: &Context,
) -> Result<String> {
    let (square_id, json) = match id_of(subject.id) {
        Some(id) if issues.is_empty() => {
            if !subject.quarantine_empty {
                quarantine::clear(conn, subject.object_type, id)?;
            }
            return Ok(id.to_owned());
        }
        Some(id) => (id.to_owned(), subject.json()?),
        None => {
            let json = subject.json()?;
            (
                format!("sha256:{}", keeper_store::raw::content_hash(&json)),
                json,
            )
        }
    };
    if issues.is_empty() {
        return Ok(square_id);
    }
    let detected_at = crate::time::utc_text(&ctx.now);
    for issue in issues {
        Quarantine {
            object_type: subject.object_type.to_owned(),
            square_id: square_id.clone(),
            rule: issue.rule.as_str().to_owned(),
            severity: issue.severity.as_str().to_owned(),
            reason: issue.reason.clone(),
            json: json.clone(),
            detected_at: detected_at.clone(),
            provenance: Provenance::SquareSync,
        }
        .record(conn)?;
    }
    let failing: Vec<&str> = issues.iter().map(|i| i.rule.as_str()).collect();
    quarantine::clear_except(conn, subject.object_type, &square_id, &failing)?;
    Ok(square_id)
}

/// Whether the quarantine is known to be empty while a batch is written through one
/// transaction, so that an object that passes every rule needs no delete of its earlier
/// quarantine rows (it has none). Asked once per batch (one query), and false for good as
/// soon as the batch records a quarantine row: after that, every passing object clears its
/// rows as before. The batch must be the only writer of the transaction while it runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QuarantineClear {
    empty: bool,
}

impl QuarantineClear {
    /// Looks once whether the quarantine holds any row.
    pub(crate) fn at_start(conn: &Connection) -> Result<Self> {
        let any: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM quarantine)")?
            .query_row([], |r| r.get(0))?;
        Ok(QuarantineClear { empty: !any })
    }

    /// Nothing known: every passing object clears its rows.
    pub(crate) fn unknown() -> Self {
        QuarantineClear { empty: false }
    }

    /// Whether the quarantine holds no row (of any object) right now.
    pub(crate) fn empty(&self) -> bool {
        self.empty
    }

    /// Takes note of what writing one object did: a quarantined object ends the known
    /// emptiness.
    pub(crate) fn after(&mut self, outcome: &Outcome) {
        if outcome.quarantined() {
            self.empty = false;
        }
    }
}
