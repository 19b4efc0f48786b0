//! Spreadsheet enrichment for the desktop shell and the CLI: upload a file against the
//! database's customers, list uploads, show the review candidates, record the owner's
//! decisions, bulk-accept, undo, list unmatched rows, and flag duplicate customers. Every
//! function opens the database at `db`, takes `now` from the caller, and returns serde types.

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_enrich::EnrichError;
use keeper_enrich::columns::Field;
use keeper_enrich::db::{self, UploadOptions};
pub use keeper_enrich::db::{
    DuplicatePair, ReviewCandidate, ReviewSheet, UndoSummary, UnmatchedRow, UploadInfo,
    UploadSummary, Verdict,
};
use keeper_store::Store;
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
    Ok(db::upload_file(&mut store, file, &request.options(), now)?)
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
    Ok(db::decide(&mut Store::open(db)?, match_id, verdict, now)?)
}

/// Accept every waiting candidate of an upload scoring at least `min_score`.
pub fn bulk_accept(
    db: &Path,
    upload_id: i64,
    min_score: f64,
    now: DateTime<Utc>,
) -> Result<BulkAccepted> {
    let accepted = db::bulk_accept(&mut Store::open(db)?, upload_id, min_score, now)?;
    Ok(BulkAccepted { accepted })
}

/// Undo a whole upload.
pub fn undo_upload(db: &Path, upload_id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    Ok(db::undo_upload(&mut Store::open(db)?, upload_id, now)?)
}

/// Undo one accepted match.
pub fn undo_match(db: &Path, match_id: i64, now: DateTime<Utc>) -> Result<UndoSummary> {
    Ok(db::undo_match(&mut Store::open(db)?, match_id, now)?)
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
mod tests {
    use super::*;

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
