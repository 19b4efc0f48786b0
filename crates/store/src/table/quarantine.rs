//! The quarantine: records that failed a validation rule, with the rule, the reason and the
//! JSON as received, shown to the owner and never dropped silently. One row per
//! (object type, Square id, rule); recording the same failure again keeps the first
//! `detected_at`, and a later version of the object that passes clears its rows.

use crate::Result;
use crate::row_macro::table_row;

table_row! {
    /// One failed rule of one object.
    Quarantine => "quarantine", key (object_type, square_id, rule) {
        object_type: String,
        /// The Square id, or `sha256:<hash of the JSON>` when the object has none.
        square_id: String,
        rule: String,
        /// `soft`: the row was stored with the bad field nulled. `hard`: the row was not stored.
        severity: String,
        reason: String,
        json: String,
        detected_at: String,
    }
}

impl Quarantine {
    /// Inserts the row, or refreshes severity, reason, JSON and provenance of the same
    /// (object type, id, rule) while keeping the first `detected_at`.
    pub fn record(&self, conn: &rusqlite::Connection) -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO quarantine
                 (object_type, square_id, rule, severity, reason, json, detected_at, provenance)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (object_type, square_id, rule) DO UPDATE SET
                 severity = excluded.severity, reason = excluded.reason,
                 json = excluded.json, provenance = excluded.provenance",
        )?
        .execute(rusqlite::params![
            self.object_type,
            self.square_id,
            self.rule,
            self.severity,
            self.reason,
            self.json,
            self.detected_at,
            self.provenance
        ])?;
        Ok(())
    }
}

/// Removes every quarantine row of one object (it now passes). Returns how many were removed.
pub fn clear(conn: &rusqlite::Connection, object_type: &str, square_id: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("DELETE FROM quarantine WHERE object_type = ?1 AND square_id = ?2")?
        .execute((object_type, square_id))?)
}

/// Removes the rows of one object whose rule is not in `still_failing`. Returns how many
/// were removed.
pub fn clear_except(
    conn: &rusqlite::Connection,
    object_type: &str,
    square_id: &str,
    still_failing: &[&str],
) -> Result<usize> {
    if still_failing.is_empty() {
        return clear(conn, object_type, square_id);
    }
    let rules: Vec<String> = conn
        .prepare_cached("SELECT rule FROM quarantine WHERE object_type = ?1 AND square_id = ?2")?
        .query_map((object_type, square_id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut removed = 0;
    for rule in rules
        .iter()
        .filter(|r| !still_failing.contains(&r.as_str()))
    {
        removed += conn
            .prepare_cached(
                "DELETE FROM quarantine WHERE object_type = ?1 AND square_id = ?2 AND rule = ?3",
            )?
            .execute((object_type, square_id, rule))?;
    }
    Ok(removed)
}

/// Every quarantine row, newest first, for the owner to review.
pub fn list(conn: &rusqlite::Connection) -> Result<Vec<Quarantine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type, square_id, rule, severity, reason, json, detected_at, provenance
         FROM quarantine ORDER BY detected_at DESC, object_type, square_id, rule",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Quarantine {
            object_type: r.get(0)?,
            square_id: r.get(1)?,
            rule: r.get(2)?,
            severity: r.get(3)?,
            reason: r.get(4)?,
            json: r.get(5)?,
            detected_at: r.get(6)?,
            provenance: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many objects are quarantined (distinct type and id, whatever the number of rules).
pub fn count_objects(conn: &rusqlite::Connection) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM (SELECT DISTINCT object_type, square_id FROM quarantine)",
        [],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}
