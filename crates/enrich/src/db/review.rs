//! What the match-review screen and `keeper uploads` need: list uploads, the candidates of an
//! upload grouped by decision with the fields side by side and the explanation (and, for a row
//! in review, its runners-up), the owner's verdict on one candidate or their choice of a
//! runner-up, bulk acceptance above a score, undo (one match or a whole upload) and the
//! unmatched rows. Every change runs in one transaction.

use super::customers::{self, CustomerRow};
use super::{StoredEvidence, merge, ts};
use crate::columns::{Field, Mapping};
use crate::error::{EnrichError, Result};
use chrono::{DateTime, Utc};
use keeper_store::Store;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One upload and where its rows stand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadInfo {
    /// Upload id.
    pub id: i64,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Sheet read, for workbooks.
    pub sheet: Option<String>,
    /// Data rows.
    pub row_count: usize,
    /// When it was uploaded (RFC 3339).
    pub created_at: String,
    /// When it was undone, if it was.
    pub undone_at: Option<String>,
    /// Matches accepted (automatically or by the owner).
    pub accepted: usize,
    /// Candidates waiting for review (including skipped ones).
    pub pending: usize,
    /// Rows without an accepted or pending match.
    pub unmatched: usize,
}

/// The owner's verdict on one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Link the row to the customer and merge its context.
    Accept,
    /// Not the same person (undoes the merge if it was accepted).
    Reject,
    /// Decide later.
    Skip,
}

/// One field of a candidate pair, upload and Square values side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldPair {
    /// `name`, `phone`, `email`, `birthday` or `address`.
    pub field: &'static str,
    /// What the upload row says (raw cells joined).
    pub upload: String,
    /// What Square has.
    pub customer: String,
}

/// One candidate as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewCandidate {
    /// Match id (for [`decide`] and [`undo_match`]).
    pub match_id: i64,
    /// 0-based data row.
    pub row_index: usize,
    /// 1-based line or sheet row.
    pub line: usize,
    /// Square customer id.
    pub customer_id: String,
    /// Posterior, 0..1.
    pub score: f64,
    /// Matcher's band: `accept`, `review` or `reject`.
    pub decision: String,
    /// `accepted`, `pending`, `skipped`, `rejected` or `undone`.
    pub state: String,
    /// `auto` or `owner`.
    pub decided_by: String,
    /// Given and family names matched crosswise.
    pub swapped_names: bool,
    /// The fields side by side.
    pub fields: Vec<FieldPair>,
    /// How much each field counted.
    pub explanation: Vec<StoredEvidence>,
    /// Other customers this row may be (rows in review only), best first.
    pub alternatives: Vec<Alternative>,
}

/// Another customer a row in review may be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// Square customer id (for [`choose_alternative`]).
    pub customer_id: String,
    /// Posterior, 0..1.
    pub score: f64,
    /// Given and family names matched crosswise.
    pub swapped_names: bool,
    /// The fields side by side.
    pub fields: Vec<FieldPair>,
    /// How much each field counted.
    pub explanation: Vec<StoredEvidence>,
    /// The line of another row of this upload already linked (accepted or waiting) to this
    /// customer, if any.
    pub taken_by_line: Option<usize>,
}

/// Candidates sharing a matcher decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateGroup {
    /// `review`, `accept` or `reject`.
    pub decision: String,
    /// Best score first.
    pub candidates: Vec<ReviewCandidate>,
}

/// Everything the review screen shows for one upload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewSheet {
    /// The upload.
    pub upload: UploadInfo,
    /// Groups in the order `review`, `accept`, `reject` (empty groups omitted).
    pub groups: Vec<CandidateGroup>,
}

/// What an undo removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UndoSummary {
    /// Matches set to `undone`.
    pub matches_undone: usize,
    /// Enrichment records deleted.
    pub enrichments_removed: usize,
}

/// A row no customer is linked to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedRow {
    /// Upload it belongs to.
    pub upload_id: i64,
    /// 0-based data row.
    pub row_index: usize,
    /// 1-based line or sheet row.
    pub line: usize,
    /// `(header, value)` for every non-empty cell.
    pub cells: Vec<(String, String)>,
    /// The best candidate it had, if any: customer id and score.
    pub best_candidate: Option<(String, f64)>,
}

const UPLOAD_INFO: &str = "SELECT u.id, u.file_name, u.sha256, u.sheet, u.row_count, u.created_at,
        u.undone_at,
        (SELECT COUNT(*) FROM upload_matches m WHERE m.upload_id = u.id AND m.state = 'accepted'),
        (SELECT COUNT(*) FROM upload_matches m WHERE m.upload_id = u.id
            AND m.state IN ('pending','skipped'))
    FROM uploads u";

fn upload_info(r: &rusqlite::Row<'_>) -> rusqlite::Result<UploadInfo> {
    let row_count = r.get::<_, i64>(4)? as usize;
    let (accepted, pending) = (r.get::<_, i64>(7)? as usize, r.get::<_, i64>(8)? as usize);
    Ok(UploadInfo {
        id: r.get(0)?,
        file_name: r.get(1)?,
        sha256: r.get(2)?,
        sheet: r.get(3)?,
        row_count,
        created_at: r.get(5)?,
        undone_at: r.get(6)?,
        accepted,
        pending,
        unmatched: row_count.saturating_sub(accepted + pending),
    })
}

/// Every upload, newest first.
pub fn list_uploads(store: &Store) -> Result<Vec<UploadInfo>> {
    let mut stmt = store
        .conn()
        .prepare(&format!("{UPLOAD_INFO} ORDER BY u.id DESC"))?;
    let rows = stmt.query_map([], upload_info)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn one_upload(conn: &Connection, id: i64) -> Result<UploadInfo> {
    conn.query_row(&format!("{UPLOAD_INFO} WHERE u.id = ?1"), [id], upload_info)
        .optional()?
        .ok_or(EnrichError::UploadNotFound { id })
}

fn parse_json<T: for<'de> Deserialize<'de>>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

fn upload_layout(conn: &Connection, id: i64) -> Result<(Vec<String>, Mapping)> {
    let (headers, mapping): (String, String) = conn.query_row(
        "SELECT headers_json, mapping_json FROM uploads WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((parse_json(&headers)?, parse_json(&mapping)?))
}

/// The raw cells of `cells` mapped to any of `fields`, joined.
fn cells_for(mapping: &Mapping, cells: &[String], fields: &[Field], sep: &str) -> String {
    mapping
        .columns
        .iter()
        .filter(|c| fields.contains(&c.field))
        .filter_map(|c| cells.get(c.index).map(|v| v.trim()))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

fn side_by_side(mapping: &Mapping, cells: &[String], c: &CustomerRow) -> Vec<FieldPair> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let square_name = [opt(&c.given_name), opt(&c.family_name)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let upload_name = cells_for(
        mapping,
        cells,
        &[Field::FullName, Field::GivenName, Field::FamilyName],
        " ",
    );
    vec![
        FieldPair {
            field: "name",
            upload: upload_name,
            customer: square_name,
        },
        FieldPair {
            field: "phone",
            upload: cells_for(mapping, cells, &[Field::Phone], ", "),
            customer: opt(&c.phone),
        },
        FieldPair {
            field: "email",
            upload: cells_for(mapping, cells, &[Field::Email], ", "),
            customer: opt(&c.email),
        },
        FieldPair {
            field: "birthday",
            upload: cells_for(mapping, cells, &[Field::Birthday], ", "),
            customer: opt(&c.birthday),
        },
        FieldPair {
            field: "address",
            upload: cells_for(
                mapping,
                cells,
                &[
                    Field::Address,
                    Field::AddressLine,
                    Field::Locality,
                    Field::Region,
                    Field::Postcode,
                ],
                ", ",
            ),
            customer: c.address.join(", "),
        },
    ]
}

/// The stored runners-up of every match of upload `id`, by match, best first (fields not
/// filled in yet).
fn alternatives_of(conn: &Connection, id: i64) -> Result<HashMap<i64, Vec<Alternative>>> {
    let mut stmt = conn.prepare(
        "SELECT a.match_id, a.customer_id, a.score, a.swapped_names, a.explanation_json
           FROM upload_match_alternatives a JOIN upload_matches m ON m.id = a.match_id
          WHERE m.upload_id = ?1 ORDER BY a.match_id, a.rank",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out: HashMap<i64, Vec<Alternative>> = HashMap::new();
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push(Alternative {
            customer_id: r.get(1)?,
            score: r.get(2)?,
            swapped_names: r.get(3)?,
            fields: Vec::new(),
            explanation: parse_json(&r.get::<_, String>(4)?)?,
            taken_by_line: None,
        });
    }
    Ok(out)
}

/// Customers linked (accepted or waiting) by a row of upload `id`, with that row's line.
fn taken_lines(conn: &Connection, id: i64) -> Result<HashMap<String, usize>> {
    let mut stmt = conn.prepare(
        "SELECT m.customer_id, r.line FROM upload_matches m
           JOIN upload_rows r ON r.upload_id = m.upload_id AND r.row_index = m.row_index
          WHERE m.upload_id = ?1 AND m.state IN ('accepted','pending','skipped')",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The candidates of upload `id`, grouped by the matcher's decision, review first.
pub fn review_candidates(store: &Store, id: i64) -> Result<ReviewSheet> {
    review_sheet(store.conn(), id, None)
}

/// The review sheet of upload `id`, or only its match `only` (the answer to a decision on
/// one row: building every row's side-by-side fields cost tens of milliseconds on a sheet of
/// a few hundred rows).
fn review_sheet(conn: &Connection, id: i64, only: Option<i64>) -> Result<ReviewSheet> {
    let upload = one_upload(conn, id)?;
    let (_, mapping) = upload_layout(conn, id)?;
    let mut stmt = conn.prepare(
        "SELECT m.id, m.row_index, r.line, m.customer_id, m.score, m.decision, m.state,
                m.decided_by, m.swapped_names, m.explanation_json, r.cells_json
           FROM upload_matches m
           JOIN upload_rows r ON r.upload_id = m.upload_id AND r.row_index = m.row_index
          WHERE m.upload_id = ?1 AND (?2 IS NULL OR m.id = ?2)
          ORDER BY m.score DESC, m.row_index",
    )?;
    let mut alternatives = alternatives_of(conn, id)?;
    let taken = taken_lines(conn, id)?;
    let mut rows = stmt.query(params![id, only])?;
    let mut groups: Vec<CandidateGroup> = ["review", "accept", "reject"]
        .iter()
        .map(|d| CandidateGroup {
            decision: d.to_string(),
            candidates: Vec::new(),
        })
        .collect();
    while let Some(r) = rows.next()? {
        let customer_id: String = r.get(3)?;
        let cells: Vec<String> = parse_json(&r.get::<_, String>(10)?)?;
        let customer = customers::one(conn, &customer_id)?.unwrap_or_else(|| CustomerRow {
            id: customer_id.clone(),
            ..CustomerRow::default()
        });
        let decision: String = r.get(5)?;
        let match_id: i64 = r.get(0)?;
        let line = r.get::<_, i64>(2)? as usize;
        let alternatives = alternatives
            .remove(&match_id)
            .unwrap_or_default()
            .into_iter()
            .map(|a| -> Result<Alternative> {
                let other = customers::one(conn, &a.customer_id)?.unwrap_or_else(|| CustomerRow {
                    id: a.customer_id.clone(),
                    ..CustomerRow::default()
                });
                Ok(Alternative {
                    fields: side_by_side(&mapping, &cells, &other),
                    taken_by_line: taken.get(&a.customer_id).copied().filter(|l| *l != line),
                    ..a
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let candidate = ReviewCandidate {
            match_id,
            row_index: r.get::<_, i64>(1)? as usize,
            line,
            fields: side_by_side(&mapping, &cells, &customer),
            customer_id,
            score: r.get(4)?,
            state: r.get(6)?,
            decided_by: r.get(7)?,
            swapped_names: r.get(8)?,
            explanation: parse_json(&r.get::<_, String>(9)?)?,
            decision: decision.clone(),
            alternatives,
        };
        if let Some(g) = groups.iter_mut().find(|g| g.decision == decision) {
            g.candidates.push(candidate);
        }
    }
    groups.retain(|g| !g.candidates.is_empty());
    Ok(ReviewSheet { upload, groups })
}

/// `(upload_id, state, upload undone?)` of a match.
fn match_state(conn: &Connection, match_id: i64) -> Result<(i64, String)> {
    let (upload_id, state, undone): (i64, String, Option<String>) = conn
        .query_row(
            "SELECT m.upload_id, m.state, u.undone_at FROM upload_matches m
               JOIN uploads u ON u.id = m.upload_id WHERE m.id = ?1",
            [match_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(EnrichError::MatchNotFound { id: match_id })?;
    if undone.is_some() {
        return Err(EnrichError::UploadUndone { id: upload_id });
    }
    Ok((upload_id, state))
}

fn set_state(conn: &Connection, match_id: i64, state: &str, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE upload_matches SET state = ?2, decided_by = 'owner', decided_at = ?3 WHERE id = ?1",
        params![match_id, state, now],
    )?;
    Ok(())
}

fn accept_in(conn: &Connection, match_id: i64, now: &str) -> Result<usize> {
    let (_, state) = match_state(conn, match_id)?;
    if state == "accepted" {
        return Err(EnrichError::MatchState {
            id: match_id,
            state,
            action: "accept",
        });
    }
    set_state(conn, match_id, "accepted", now)?;
    merge::apply(conn, match_id, now)
}

/// Records the owner's verdict on one candidate and returns it as the screen shows it.
pub fn decide(
    store: &mut Store,
    match_id: i64,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> Result<ReviewCandidate> {
    let tx = store.conn_mut().transaction()?;
    let upload_id = decide_in(&tx, match_id, verdict, now)?;
    tx.commit()?;
    candidate(store, upload_id, match_id)
}

/// [`decide`] on the caller's transaction (which the caller commits, e.g. with what else the
/// decision implies); returns the match's upload.
pub fn decide_in(
    tx: &Connection,
    match_id: i64,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> Result<i64> {
    let now_text = ts(now);
    Ok(match verdict {
        Verdict::Accept => {
            accept_in(tx, match_id, &now_text)?;
            match_state(tx, match_id)?.0
        }
        Verdict::Reject => {
            let (upload_id, _) = match_state(tx, match_id)?;
            merge::remove(tx, match_id)?;
            set_state(tx, match_id, "rejected", &now_text)?;
            upload_id
        }
        Verdict::Skip => {
            let (upload_id, state) = match_state(tx, match_id)?;
            if !matches!(state.as_str(), "pending" | "skipped") {
                return Err(EnrichError::MatchState {
                    id: match_id,
                    state,
                    action: "skip",
                });
            }
            set_state(tx, match_id, "skipped", &now_text)?;
            upload_id
        }
    })
}

/// Match `match_id` of upload `upload_id` as the review screen shows it.
pub fn candidate(store: &Store, upload_id: i64, match_id: i64) -> Result<ReviewCandidate> {
    review_sheet(store.conn(), upload_id, Some(match_id))?
        .groups
        .into_iter()
        .flat_map(|g| g.candidates)
        .find(|c| c.match_id == match_id)
        .ok_or(EnrichError::MatchNotFound { id: match_id })
}

/// The owner picked runner-up `customer_id` for the row of match `match_id`: the runner-up
/// becomes the match's customer (the previous one takes its place among the runners-up) and
/// the match is accepted, merging the row into the chosen customer (and out of the previous
/// one, if it was accepted).
pub fn choose_alternative(
    store: &mut Store,
    match_id: i64,
    customer_id: &str,
    now: DateTime<Utc>,
) -> Result<ReviewCandidate> {
    let tx = store.conn_mut().transaction()?;
    let upload_id = choose_alternative_in(&tx, match_id, customer_id, now)?;
    tx.commit()?;
    candidate(store, upload_id, match_id)
}

/// [`choose_alternative`] on the caller's transaction (which the caller commits); returns
/// the match's upload.
pub fn choose_alternative_in(
    tx: &Connection,
    match_id: i64,
    customer_id: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let now_text = ts(now);
    let (upload_id, state) = match_state(tx, match_id)?;
    let (rank, score, explanation, swapped): (i64, f64, String, bool) = tx
        .query_row(
            "SELECT rank, score, explanation_json, swapped_names FROM upload_match_alternatives
              WHERE match_id = ?1 AND customer_id = ?2",
            params![match_id, customer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| EnrichError::AlternativeNotFound {
            id: match_id,
            customer_id: customer_id.to_string(),
        })?;
    if state == "accepted" {
        merge::remove(tx, match_id)?;
    }
    tx.execute(
        "DELETE FROM upload_match_alternatives WHERE match_id = ?1 AND customer_id = ?2",
        params![match_id, customer_id],
    )?;
    tx.execute(
        "INSERT INTO upload_match_alternatives (match_id, customer_id, rank, score,
             explanation_json, swapped_names)
         SELECT id, customer_id, ?2, score, explanation_json, swapped_names
           FROM upload_matches WHERE id = ?1",
        params![match_id, rank],
    )?;
    tx.execute(
        "UPDATE upload_matches SET customer_id = ?2, score = ?3, explanation_json = ?4,
             swapped_names = ?5 WHERE id = ?1",
        params![match_id, customer_id, score, explanation, swapped],
    )?;
    set_state(tx, match_id, "accepted", &now_text)?;
    merge::apply(tx, match_id, &now_text)?;
    Ok(upload_id)
}

/// Accepts every waiting candidate of upload `id` scoring at least `min_score`; returns how
/// many were accepted.
pub fn bulk_accept(
    store: &mut Store,
    id: i64,
    min_score: f64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let tx = store.conn_mut().transaction()?;
    let accepted = bulk_accept_in(&tx, id, min_score, now)?;
    tx.commit()?;
    Ok(accepted.len())
}

/// [`bulk_accept`] on the caller's transaction (which the caller commits); returns the
/// matches accepted.
pub fn bulk_accept_in(
    tx: &Connection,
    id: i64,
    min_score: f64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let now_text = ts(now);
    let upload = one_upload(tx, id)?;
    if upload.undone_at.is_some() {
        return Err(EnrichError::UploadUndone { id });
    }
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare(
            "SELECT id FROM upload_matches WHERE upload_id = ?1
               AND state IN ('pending','skipped') AND score >= ?2 ORDER BY id",
        )?;
        stmt.query_map(params![id, min_score], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for &m in &ids {
        accept_in(tx, m, &now_text)?;
    }
    Ok(ids)
}

/// Undoes one accepted match: its enrichment records are deleted and its row is unmatched.
pub fn undo_match(store: &mut Store, match_id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    let tx = store.conn_mut().transaction()?;
    let summary = undo_match_in(&tx, match_id, now)?;
    tx.commit()?;
    Ok(summary)
}

/// [`undo_match`] on the caller's transaction (which the caller commits).
pub fn undo_match_in(tx: &Connection, match_id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    let (_, state) = match_state(tx, match_id)?;
    if state != "accepted" {
        return Err(EnrichError::MatchState {
            id: match_id,
            state,
            action: "undo",
        });
    }
    let removed = merge::remove(tx, match_id)?;
    set_state(tx, match_id, "undone", &ts(now))?;
    Ok(UndoSummary {
        matches_undone: 1,
        enrichments_removed: removed,
    })
}

/// Undoes a whole upload: every enrichment record it added is deleted, its open matches are
/// set to `undone`, and the upload is marked undone (its rows stay, for the record).
pub fn undo_upload(store: &mut Store, id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    let tx = store.conn_mut().transaction()?;
    let summary = undo_upload_in(&tx, id, now)?;
    tx.commit()?;
    Ok(summary)
}

/// [`undo_upload`] on the caller's transaction (which the caller commits), so an undo can be
/// one change with what follows it (the app's re-match after a mapping correction).
pub fn undo_upload_in(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<UndoSummary> {
    let now_text = ts(now);
    let upload = one_upload(tx, id)?;
    if upload.undone_at.is_some() {
        return Err(EnrichError::UploadUndone { id });
    }
    let enrichments_removed = tx.execute(
        "DELETE FROM customer_enrichments WHERE upload_id = ?1",
        [id],
    )?;
    let matches_undone = tx.execute(
        "UPDATE upload_matches SET state = 'undone', decided_by = 'owner', decided_at = ?2
          WHERE upload_id = ?1 AND state IN ('accepted','pending','skipped')",
        params![id, now_text],
    )?;
    tx.execute(
        "UPDATE uploads SET undone_at = ?2 WHERE id = ?1",
        params![id, now_text],
    )?;
    Ok(UndoSummary {
        matches_undone,
        enrichments_removed,
    })
}

/// Rows without an accepted or waiting match, of one upload or of every upload not undone.
pub fn unmatched_rows(store: &Store, upload: Option<i64>) -> Result<Vec<UnmatchedRow>> {
    let conn = store.conn();
    if let Some(id) = upload {
        one_upload(conn, id)?;
    }
    let mut stmt = conn.prepare(
        "SELECT r.upload_id, r.row_index, r.line, r.cells_json, m.customer_id, m.score
           FROM upload_rows r
           JOIN uploads u ON u.id = r.upload_id
           LEFT JOIN upload_matches m ON m.upload_id = r.upload_id AND m.row_index = r.row_index
          WHERE u.undone_at IS NULL AND (?1 IS NULL OR r.upload_id = ?1)
            AND (m.id IS NULL OR m.state IN ('rejected','undone'))
          ORDER BY r.upload_id, r.row_index",
    )?;
    let mut rows = stmt.query([upload])?;
    let mut layouts: Vec<(i64, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let upload_id: i64 = r.get(0)?;
        if !layouts.iter().any(|(id, _)| *id == upload_id) {
            layouts.push((upload_id, upload_layout(conn, upload_id)?.0));
        }
        let headers = &layouts
            .iter()
            .find(|(id, _)| *id == upload_id)
            .expect("just added")
            .1;
        let cells: Vec<String> = parse_json(&r.get::<_, String>(3)?)?;
        let customer: Option<String> = r.get(4)?;
        let score: Option<f64> = r.get(5)?;
        out.push(UnmatchedRow {
            upload_id,
            row_index: r.get::<_, i64>(1)? as usize,
            line: r.get::<_, i64>(2)? as usize,
            cells: headers
                .iter()
                .zip(cells)
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(h, v)| (h.clone(), v))
                .collect(),
            best_candidate: customer.zip(score),
        });
    }
    Ok(out)
}
