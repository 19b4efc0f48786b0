//! The database side of enrichment: uploads matched against the `customers` table, kept in the
//! tables of migration 0008 (`uploads`, `upload_rows`, `upload_matches`,
//! `customer_enrichments`).
//!
//! - [`upload`] reads a file, matches it against the customers and writes everything in one
//!   transaction (a bad file writes nothing); `prepare_upload` (read and match) and
//!   `write_upload` (on the caller's transaction) are its two halves;
//! - [`review`] lists uploads and review candidates, records the owner's decisions, bulk-accepts
//!   and undoes (a whole upload or one match), and lists unmatched rows;
//! - [`merge`] turns an accepted match into enrichment records (provenance
//!   `spreadsheet_import`); Square's own `customers` rows are only ever read;
//! - [`duplicates`] flags likely duplicate customers inside Square with the same matcher.
//!
//! Times are passed in (`now`); nothing here reads the clock.

pub mod customers;
pub mod duplicates;
pub mod merge;
pub mod review;
pub mod upload;

pub use customers::CustomerRow;
pub use duplicates::{DuplicatePair, customer_duplicates};
pub use review::{
    Alternative, CandidateGroup, FieldPair, ReviewCandidate, ReviewSheet, UndoSummary,
    UnmatchedRow, UploadInfo, Verdict, bulk_accept, bulk_accept_in, candidate, choose_alternative,
    choose_alternative_in, decide, decide_in, list_uploads, review_candidates, undo_match,
    undo_match_in, undo_upload, undo_upload_in, unmatched_rows,
};
pub use upload::{
    PrepareStep, PreparedUpload, UploadOptions, UploadSummary, prepare_upload, upload_file,
    write_upload,
};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// How one field counted in a stored explanation (`weight` is `None` for an exact id match,
/// whose weight is unbounded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvidence {
    /// Field compared.
    pub field: String,
    /// Agreement level.
    pub level: String,
    /// Weight in bits.
    pub weight: Option<f64>,
}

impl StoredEvidence {
    /// The explanation of a candidate, in storable form.
    pub fn of(candidate: &crate::matching::Candidate) -> Vec<StoredEvidence> {
        candidate
            .evidence
            .iter()
            .map(|e| StoredEvidence {
                field: e.field.to_string(),
                level: e.level.to_string(),
                weight: e.weight.is_finite().then_some(e.weight),
            })
            .collect()
    }
}

/// RFC 3339 UTC text, as every timestamp in the store.
pub(crate) fn ts(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}
