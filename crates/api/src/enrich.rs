//! Spreadsheet enrichment for the desktop shell and the CLI: upload a file against the
//! database's customers, list uploads, show the review candidates, record the owner's
//! decisions, bulk-accept, undo, list unmatched rows, and flag duplicate customers. Every
//! function opens the database at `db`, takes `now` from the caller, and returns serde types.
//!
//! What an accepted match merges (notes, tags, birthday, ...) belongs in the customer's search
//! document, so every change here rebuilds the documents of the customers it touched (once
//! documents exist); their hashes change and the next embedding pass, or the next search,
//! re-embeds them.

use crate::views::{FieldComparison, MatchAlternative};
use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_enrich::EnrichError;
use keeper_enrich::columns::Field;
use keeper_enrich::db::StoredEvidence;
use keeper_enrich::db::{self, UploadOptions};
pub use keeper_enrich::db::{
    Alternative, DuplicatePair, FieldPair, ReviewCandidate, ReviewSheet, UndoSummary, UnmatchedRow,
    UploadInfo, UploadSummary, Verdict,
};
use keeper_store::Store;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use std::path::Path;

impl From<EnrichError> for ApiError {
    fn from(e: EnrichError) -> Self {
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// What the UI sends to start an upload (every field optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadRequest {
    /// Sheet of a workbook (default: the first).
    pub sheet: Option<String>,
    /// Accept threshold (default 0.9).
    pub accept_above: Option<f64>,
    /// Review threshold (default 0.5).
    pub review_above: Option<f64>,
    /// ISO country for national phone numbers (default: the merchant's location).
    pub country: Option<String>,
    /// The owner's column corrections: `(header or index, field)`.
    pub overrides: Vec<(String, Field)>,
}

impl UploadRequest {
    fn options(&self) -> UploadOptions {
        let d = UploadOptions::default();
        UploadOptions {
            sheet: self.sheet.clone(),
            accept_above: self.accept_above.unwrap_or(d.accept_above),
            review_above: self.review_above.unwrap_or(d.review_above),
            country: self.country.clone(),
            overrides: self.overrides.clone(),
            threads: d.threads,
        }
    }
}

/// How many candidates a bulk acceptance took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BulkAccepted {
    /// Candidates accepted.
    pub accepted: usize,
}

/// Uploads `file`: detect columns, match against the customers, merge the confident matches.
pub fn upload(
    db: &Path,
    file: &Path,
    request: &UploadRequest,
    now: DateTime<Utc>,
) -> Result<UploadSummary> {
    let mut store = Store::open(db)?;
    let summary = db::upload_file(&mut store, file, &request.options(), now)?;
    let touched = accepted_customers(&store, summary.upload_id)?;
    refresh_search(&mut store, &touched, now)?;
    Ok(summary)
}

fn db_error(e: rusqlite::Error) -> ApiError {
    EnrichError::from(e).into()
}

/// Customers with an accepted match in upload `upload_id`.
fn accepted_customers(store: &Store, upload_id: i64) -> Result<Vec<String>> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT DISTINCT customer_id FROM upload_matches
              WHERE upload_id = ?1 AND state = 'accepted'",
        )
        .map_err(db_error)?;
    let ids = stmt
        .query_map([upload_id], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(db_error)?;
    Ok(ids)
}

/// The customer of match `match_id` (`None` for an unknown match: the enrich call reports it).
fn match_customer(store: &Store, match_id: i64) -> Result<Option<String>> {
    store
        .conn()
        .query_row(
            "SELECT customer_id FROM upload_matches WHERE id = ?1",
            [match_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_error)
}

/// Rebuilds the search documents of `customers` (see the module docs).
fn refresh_search(store: &mut Store, customers: &[String], now: DateTime<Utc>) -> Result<()> {
    keeper_search::index::refresh_customers(store.conn_mut(), customers, now)?;
    Ok(())
}

/// Every upload, newest first.
pub fn list_uploads(db: &Path) -> Result<Vec<UploadInfo>> {
    Ok(db::list_uploads(&Store::open(db)?)?)
}

/// The candidates of one upload, grouped by decision (review first), fields side by side.
pub fn review_candidates(db: &Path, upload_id: i64) -> Result<ReviewSheet> {
    Ok(db::review_candidates(&Store::open(db)?, upload_id)?)
}

/// Accept, reject or skip one candidate.
pub fn decide(
    db: &Path,
    match_id: i64,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> Result<ReviewCandidate> {
    let mut store = Store::open(db)?;
    let candidate = db::decide(&mut store, match_id, verdict, now)?;
    refresh_search(
        &mut store,
        std::slice::from_ref(&candidate.customer_id),
        now,
    )?;
    Ok(candidate)
}

/// The owner picked runner-up `customer_id` for the row of match `match_id`: it becomes the
/// match's customer and is accepted (see `keeper_enrich::db::choose_alternative`).
pub fn choose_alternative(
    db: &Path,
    match_id: i64,
    customer_id: &str,
    now: DateTime<Utc>,
) -> Result<ReviewCandidate> {
    let mut store = Store::open(db)?;
    let previous: Vec<String> = match_customer(&store, match_id)?.into_iter().collect();
    let candidate = db::choose_alternative(&mut store, match_id, customer_id, now)?;
    let mut touched = previous;
    touched.push(candidate.customer_id.clone());
    refresh_search(&mut store, &touched, now)?;
    Ok(candidate)
}

/// The matcher's fields behind one side-by-side row (the matcher compares a name as given
/// and family name, an address as street, locality and postcode), each with the word the
/// outcome uses for it.
fn compared_fields(field: &str) -> Vec<(&str, &str)> {
    match field {
        "name" => vec![("given_name", "given"), ("family_name", "family")],
        "address" => vec![
            ("street", "street"),
            ("locality", "locality"),
            ("postcode", "postcode"),
        ],
        other => vec![(other, other)],
    }
}

/// The review screen's side-by-side fields, each with how it counted: the level the matcher
/// gave it (`missing` when the explanation does not mention it), or for a name or an address
/// the level of each part compared ("given exact, family typo"), with the parts' weights
/// summed.
pub fn field_comparisons(
    fields: &[FieldPair],
    explanation: &[StoredEvidence],
) -> Vec<FieldComparison> {
    fields
        .iter()
        .map(|f| {
            let parts = compared_fields(f.field);
            let counted: Vec<(&str, &StoredEvidence)> = parts
                .iter()
                .filter_map(|(field, word)| {
                    explanation
                        .iter()
                        .find(|e| e.field == *field && e.level != "missing")
                        .map(|e| (*word, e))
                })
                .collect();
            let outcome = match counted.as_slice() {
                [] => "missing".to_owned(),
                [(_, e)] if parts.len() == 1 => e.level.clone(),
                _ => counted
                    .iter()
                    .map(|(word, e)| format!("{word} {}", e.level))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            FieldComparison {
                field: f.field.to_owned(),
                upload: Some(f.upload.clone()).filter(|s| !s.is_empty()),
                square: Some(f.customer.clone()).filter(|s| !s.is_empty()),
                outcome,
                weight: counted.iter().map(|(_, e)| e.weight.unwrap_or(0.0)).sum(),
            }
        })
        .collect()
}

/// A customer's display name (`None` when unknown or blank).
pub fn customer_name(conn: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    let name: Option<String> = conn
        .query_row(
            "SELECT TRIM(COALESCE(given_name,'') || ' ' || COALESCE(family_name,''))
               FROM customers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_error)?;
    Ok(name.filter(|n| !n.is_empty()))
}

/// The review screen's view of a row's runners-up.
pub fn alternative_views(
    conn: &rusqlite::Connection,
    alternatives: &[Alternative],
) -> Result<Vec<MatchAlternative>> {
    alternatives
        .iter()
        .map(|a| {
            Ok(MatchAlternative {
                customer_id: a.customer_id.clone(),
                customer_name: customer_name(conn, &a.customer_id)?,
                score: a.score,
                fields: field_comparisons(&a.fields, &a.explanation),
                taken_by_row: a.taken_by_line.map(|l| l as u32),
            })
        })
        .collect()
}

/// Accept every waiting candidate of an upload scoring at least `min_score`.
pub fn bulk_accept(
    db: &Path,
    upload_id: i64,
    min_score: f64,
    now: DateTime<Utc>,
) -> Result<BulkAccepted> {
    let mut store = Store::open(db)?;
    let accepted = db::bulk_accept(&mut store, upload_id, min_score, now)?;
    if accepted > 0 {
        let touched = accepted_customers(&store, upload_id)?;
        refresh_search(&mut store, &touched, now)?;
    }
    Ok(BulkAccepted { accepted })
}

/// Undo a whole upload.
pub fn undo_upload(db: &Path, upload_id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    let mut store = Store::open(db)?;
    let touched = accepted_customers(&store, upload_id)?;
    let summary = db::undo_upload(&mut store, upload_id, now)?;
    refresh_search(&mut store, &touched, now)?;
    Ok(summary)
}

/// Undo one accepted match.
pub fn undo_match(db: &Path, match_id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    let mut store = Store::open(db)?;
    let touched: Vec<String> = match_customer(&store, match_id)?.into_iter().collect();
    let summary = db::undo_match(&mut store, match_id, now)?;
    refresh_search(&mut store, &touched, now)?;
    Ok(summary)
}

/// Rows no customer is linked to, of one upload or all live uploads.
pub fn unmatched_rows(db: &Path, upload_id: Option<i64>) -> Result<Vec<UnmatchedRow>> {
    Ok(db::unmatched_rows(&Store::open(db)?, upload_id)?)
}

/// Likely duplicate customers inside Square, scoring at least `min_score`, best first.
pub fn customer_duplicates(db: &Path, min_score: f64) -> Result<Vec<DuplicatePair>> {
    Ok(db::customer_duplicates(&Store::open(db)?, min_score)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool as AtomicFlag;

    #[test]
    fn a_bad_upload_reports_its_code_and_leaves_no_upload() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        let file = dir.path().join("notes.csv");
        std::fs::write(&file, "Colour,Size\nred,10\n").unwrap();
        let err = upload(&db, &file, &UploadRequest::default(), Utc::now()).unwrap_err();
        assert_eq!(err.code, "no_usable_column");
        assert!(list_uploads(&db).unwrap().is_empty());
    }

    fn evidence(field: &str, level: &str, weight: f64) -> StoredEvidence {
        StoredEvidence {
            field: field.to_owned(),
            level: level.to_owned(),
            weight: Some(weight),
        }
    }

    fn pair(field: &'static str, upload: &str, customer: &str) -> FieldPair {
        FieldPair {
            field,
            upload: upload.to_owned(),
            customer: customer.to_owned(),
        }
    }

    /// Regression: the review screen showed every name and address as "missing, 0.0" (the
    /// matcher explains them as given/family name and street/locality/postcode, which the
    /// side-by-side rows never looked up), so a row accepted on its name showed no reason.
    #[test]
    fn a_name_row_shows_the_given_and_family_name_levels_and_their_summed_weight() {
        let explanation = [
            evidence("given_name", "exact", 8.0),
            evidence("family_name", "typo", 4.5),
            evidence("phone", "different", -5.1),
            evidence("email", "missing", 0.0),
            evidence("street", "exact", 3.0),
            evidence("locality", "missing", 0.0),
            evidence("postcode", "exact", 2.5),
        ];
        let fields = [
            pair("name", "Kenneth Gommes", "Kenneth Gomes"),
            pair("phone", "(212) 555-7014", "+17815362128"),
            pair("email", "", "kgomes@hotmail.com"),
            pair(
                "address",
                "292 Harvard St 02458",
                "292 Harvard St, Newton, MA, 02458",
            ),
            pair("birthday", "", ""),
        ];
        let rows = field_comparisons(&fields, &explanation);
        let seen: Vec<(&str, &str, f64)> = rows
            .iter()
            .map(|r| (r.field.as_str(), r.outcome.as_str(), r.weight))
            .collect();
        assert_eq!(
            seen,
            [
                ("name", "given exact, family typo", 12.5),
                ("phone", "different", -5.1),
                ("email", "missing", 0.0),
                ("address", "street exact, postcode exact", 5.5),
                ("birthday", "missing", 0.0),
            ]
        );
        assert_eq!(rows[2].upload, None, "an empty sheet cell is no value");
        assert_eq!(rows[2].square.as_deref(), Some("kgomes@hotmail.com"));
    }

    #[test]
    fn unknown_ids_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        assert_eq!(
            review_candidates(&db, 7).unwrap_err().code,
            "upload_not_found"
        );
        assert_eq!(
            decide(&db, 7, Verdict::Accept, Utc::now())
                .unwrap_err()
                .code,
            "match_not_found"
        );
    }

    /// The search document stored for customer `id` in the database at `db`.
    pub(crate) fn document(db: &Path, id: &str) -> String {
        Store::open(db)
            .unwrap()
            .conn()
            .query_row(
                "SELECT text FROM search_documents WHERE customer_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Two customers with documents built, and a sheet naming one of them by Square id.
    pub(crate) fn store_and_sheet(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
        let db = dir.join("k.sqlite3");
        let mut store = Store::open(&db).unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO customers (id, given_name, family_name, email)
                   VALUES ('C1', 'Ada', 'Lane', 'ada@example.com'),
                          ('C2', 'Bo', 'Marsh', 'bo@example.com');",
            )
            .unwrap();
        keeper_search::index::refresh_documents(store.conn_mut(), Utc::now()).unwrap();
        let file = dir.join("old-system.csv");
        std::fs::write(
            &file,
            "Square Customer ID,Name,Notes,Tags\n\
             C1,Ada Lane,Allergic to latex gloves,vip\n",
        )
        .unwrap();
        (db, file)
    }

    #[test]
    fn an_accepted_upload_puts_its_notes_in_the_search_document_and_undo_takes_them_out() {
        let dir = tempfile::tempdir().unwrap();
        let (db, file) = store_and_sheet(dir.path());
        let before = document(&db, "C1");
        let summary = upload(&db, &file, &UploadRequest::default(), Utc::now()).unwrap();
        assert_eq!(summary.auto_accepted, 1);
        let with = document(&db, "C1");
        assert!(with.contains("Note: Allergic to latex gloves"), "{with}");
        assert!(with.contains("Tags: vip."), "{with}");
        let mut service = crate::search::SearchService::new(Some(&dir.path().join("no-model")));
        let hits = |service: &mut crate::search::SearchService| {
            service
                .search(&db, "latex", 5, &Default::default(), Utc::now())
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.customer_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(hits(&mut service), vec!["C1"]);

        undo_upload(&db, summary.upload_id, Utc::now()).unwrap();
        assert_eq!(document(&db, "C1"), before);
        assert!(hits(&mut service).is_empty());
    }

    #[test]
    fn undoing_and_rejecting_one_match_rebuild_that_customers_document() {
        let dir = tempfile::tempdir().unwrap();
        let (db, file) = store_and_sheet(dir.path());
        let before = document(&db, "C1");
        let summary = upload(&db, &file, &UploadRequest::default(), Utc::now()).unwrap();
        let match_id: i64 = Store::open(&db)
            .unwrap()
            .conn()
            .query_row(
                "SELECT id FROM upload_matches WHERE upload_id = ?1",
                [summary.upload_id],
                |r| r.get(0),
            )
            .unwrap();
        undo_match(&db, match_id, Utc::now()).unwrap();
        assert_eq!(document(&db, "C1"), before);
        decide(&db, match_id, Verdict::Accept, Utc::now()).unwrap();
        assert!(document(&db, "C1").contains("latex"));
        decide(&db, match_id, Verdict::Reject, Utc::now()).unwrap();
        assert_eq!(document(&db, "C1"), before);
    }

    #[test]
    fn an_upload_re_embeds_the_changed_document_before_the_next_search_with_the_real_model() {
        let Some(model) = keeper_search::ModelPaths::default_dir().filter(|d| d.is_dir()) else {
            eprintln!("SKIPPED: no embedding model (set KEEPER_MODEL_DIR)");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let (db, file) = store_and_sheet(dir.path());
        let mut service = crate::search::SearchService::new(Some(&model));
        assert!(service.status().enabled);
        let report = service
            .refresh_and_embed(&db, Utc::now(), &mut |_| {}, &AtomicFlag::new(false))
            .unwrap();
        assert_eq!(report.embedded, 2);
        upload(&db, &file, &UploadRequest::default(), Utc::now()).unwrap();
        let model_id = keeper_search::ModelPaths::from_dir(&model).model_id();
        let pending = |db: &Path| {
            keeper_search::index::pending_count(Store::open(db).unwrap().conn(), model_id).unwrap()
        };
        assert_eq!(pending(&db), 1);
        let results = service
            .search(
                &db,
                "who is allergic to latex",
                5,
                &Default::default(),
                Utc::now(),
            )
            .unwrap();
        assert_eq!(pending(&db), 0, "the changed document was embedded first");
        assert_eq!(results.hits[0].customer_id, "C1");
        assert!(results.hits[0].semantic_rank.is_some());
    }

    #[test]
    fn an_upload_request_deserializes_from_partial_json() {
        let r: UploadRequest =
            serde_json::from_str(r#"{"accept_above": 0.95, "overrides": [["Mobile", "phone"]]}"#)
                .unwrap();
        let o = r.options();
        assert_eq!((o.accept_above, o.review_above), (0.95, 0.5));
        assert_eq!(o.overrides, vec![("Mobile".to_string(), Field::Phone)]);
    }
}
