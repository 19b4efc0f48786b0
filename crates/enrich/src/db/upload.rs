//! `keeper upload`: read a spreadsheet, match its rows against the store's customers, and keep
//! everything — the upload, every row with its raw cells, one candidate per row with its
//! explanation (plus up to three runners-up for a row in review, migration 0012), and
//! enrichment records for the auto-accepted matches — in one transaction.
//! Reading and matching happen before the transaction opens, so a bad file writes nothing.

use super::{StoredEvidence, customers, merge, ts};
use crate::columns::{self, Field, Mapping};
use crate::error::{EnrichError, Result};
use crate::matching::{self, Decision, MatchOptions};
use crate::normalize::{self, NormalizeOptions};
use crate::read::{self, RawRow, ReadOptions, SourceFormat};
use chrono::{DateTime, Utc};
use keeper_store::Store;
use rusqlite::params;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// How to run an upload.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// Sheet of a workbook (default: the first).
    pub sheet: Option<String>,
    /// Posterior at or above which a match is accepted without review.
    pub accept_above: f64,
    /// Posterior at or above which a match goes to review.
    pub review_above: f64,
    /// ISO country for phones written nationally (default: the merchant's location, else US).
    pub country: Option<String>,
    /// Column corrections: `(header or 0-based index, field)`.
    pub overrides: Vec<(String, Field)>,
    /// Matching worker threads.
    pub threads: usize,
}

impl Default for UploadOptions {
    fn default() -> Self {
        let m = MatchOptions::default();
        UploadOptions {
            sheet: None,
            accept_above: m.accept_above,
            review_above: m.review_above,
            country: None,
            overrides: Vec::new(),
            threads: m.threads,
        }
    }
}

/// What an upload did.
#[derive(Debug, Clone, Serialize)]
pub struct UploadSummary {
    /// New upload id.
    pub upload_id: i64,
    /// File name (no directory).
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// How the file was read.
    pub format: SourceFormat,
    /// 1-based header line, when the file has one.
    pub header_line: Option<usize>,
    /// Detected (and corrected) column mapping, with confidences.
    pub mapping: Mapping,
    /// Country used for national phone numbers.
    pub country: String,
    /// Customers in the store the rows were matched against.
    pub customers: usize,
    /// Data rows.
    pub rows: usize,
    /// Rows matched above the accept threshold and merged.
    pub auto_accepted: usize,
    /// Rows between the thresholds, waiting for the owner.
    pub to_review: usize,
    /// Rows whose best candidate scored below the review threshold.
    pub rejected: usize,
    /// Rows without any customer (`rejected` plus rows no customer shared a blocking key with).
    pub unmatched: usize,
    /// Of the auto-accepted, how many matched by Square customer id.
    pub exact_id: usize,
    /// Enrichment records written for the auto-accepted matches.
    pub enrichments_added: usize,
    /// Earlier uploads (not undone) of the same bytes.
    pub same_file_uploads: Vec<i64>,
    /// Accept threshold used.
    pub accept_above: f64,
    /// Review threshold used.
    pub review_above: f64,
}

fn sha256_of(path: &Path) -> Result<String> {
    let io = |source| EnrichError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(io)?;
    Ok(hex::encode(hasher.finalize()))
}

/// A file read into raw rows and records, nothing written yet.
struct ReadFile {
    format: SourceFormat,
    header_line: Option<usize>,
    headers: Vec<String>,
    mapping: Mapping,
    rows: Vec<RawRow>,
    records: Vec<normalize::Record>,
}

fn read_file(path: &Path, options: &UploadOptions, norm: &NormalizeOptions) -> Result<ReadFile> {
    let read_options = ReadOptions {
        sheet: options.sheet.clone(),
        ..ReadOptions::default()
    };
    let sheet = read::open(path, &read_options)?;
    let mut mapping = columns::detect(&sheet.headers, sheet.sample(), norm.default_date_order());
    for (column, field) in &options.overrides {
        mapping.set(column, *field)?;
    }
    mapping.ensure_usable()?;
    let (format, header_line, headers) = (
        sheet.format.clone(),
        sheet.header_line,
        sheet.headers.clone(),
    );
    let (mut rows, mut records) = (Vec::new(), Vec::new());
    for row in sheet.rows() {
        let row = row?;
        records.push(normalize::record(&row, &mapping, norm));
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(EnrichError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(ReadFile {
        format,
        header_line,
        headers,
        mapping,
        rows,
        records,
    })
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("enrichment values serialize")
}

/// A file read and matched against the customers, nothing written yet: what
/// [`write_upload`] records. Preparing is the slow part of an upload (reading the file,
/// loading the customers, matching); writing is one transaction.
pub struct PreparedUpload {
    file: ReadFile,
    file_name: String,
    sha256: String,
    country: String,
    customer_rows: Vec<customers::CustomerRow>,
    report: matching::MatchReport,
    accept: f64,
    review: f64,
}

impl PreparedUpload {
    /// Data rows read.
    pub fn rows(&self) -> usize {
        self.file.rows.len()
    }

    /// Customers the rows were matched against.
    pub fn customers(&self) -> usize {
        self.customer_rows.len()
    }
}

/// The steps of [`prepare_upload`], reported as they start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrepareStep {
    /// Reading the file and detecting its columns.
    Reading,
    /// Loading the customers to match against (`rows` read).
    LoadingCustomers {
        /// Data rows read.
        rows: usize,
    },
    /// Matching `rows` rows against `customers` customers.
    Matching {
        /// Data rows read.
        rows: usize,
        /// Customers loaded.
        customers: usize,
    },
}

/// Reads `path` and matches it against the customers in `store`; writes nothing.
pub fn prepare_upload(
    store: &Store,
    path: &Path,
    options: &UploadOptions,
    progress: &mut dyn FnMut(PrepareStep),
) -> Result<PreparedUpload> {
    let (accept, review) = (options.accept_above, options.review_above);
    if !(0.0 <= review && review <= accept && accept <= 1.0) {
        return Err(EnrichError::BadThresholds { accept, review });
    }
    let country = match &options.country {
        Some(c) => c.clone(),
        None => customers::merchant_country(store.conn())?.unwrap_or_else(|| "US".into()),
    };
    let norm = NormalizeOptions::for_country(&country);
    progress(PrepareStep::Reading);
    let file = read_file(path, options, &norm)?;
    let sha256 = sha256_of(path)?;
    progress(PrepareStep::LoadingCustomers {
        rows: file.rows.len(),
    });
    let (customer_rows, targets) = customers::records(store.conn())?;
    progress(PrepareStep::Matching {
        rows: file.rows.len(),
        customers: targets.len(),
    });
    let match_options = MatchOptions {
        accept_above: accept,
        review_above: review,
        threads: options.threads,
        ..MatchOptions::default()
    };
    let report = matching::match_records(&file.records, &targets, &match_options);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(PreparedUpload {
        file,
        file_name,
        sha256,
        country,
        customer_rows,
        report,
        accept,
        review,
    })
}

/// Reads `path`, matches it against the customers in `store`, and records the upload.
pub fn upload_file(
    store: &mut Store,
    path: &Path,
    options: &UploadOptions,
    now: DateTime<Utc>,
) -> Result<UploadSummary> {
    let prepared = prepare_upload(store, path, options, &mut |_| {})?;
    let tx = store.conn_mut().transaction()?;
    let summary = write_upload(&tx, &prepared, now)?;
    tx.commit()?;
    Ok(summary)
}

/// Records a prepared upload (the upload, its rows, candidates and runners-up, and the
/// enrichment records of the auto-accepted matches) on `tx`, which the caller commits: a
/// caller can record more in the same transaction (the app marks its job done with it).
pub fn write_upload(
    tx: &rusqlite::Transaction<'_>,
    prepared: &PreparedUpload,
    now: DateTime<Utc>,
) -> Result<UploadSummary> {
    let PreparedUpload {
        file,
        file_name,
        sha256,
        country,
        customer_rows,
        report,
        accept,
        review,
    } = prepared;
    let (accept, review) = (*accept, *review);
    let now_text = ts(now);
    let sheet = match &file.format {
        SourceFormat::Workbook { sheet, .. } => Some(sheet.clone()),
        SourceFormat::Csv(_) => None,
    };
    let same_file_uploads: Vec<i64> = {
        let mut stmt = tx.prepare(
            "SELECT id FROM uploads WHERE sha256 = ?1 AND undone_at IS NULL ORDER BY id",
        )?;
        stmt.query_map([&sha256], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    tx.execute(
        "INSERT INTO uploads (file_name, sha256, format, sheet, headers_json, mapping_json,
                              row_count, accept_above, review_above, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            file_name,
            sha256,
            json(&file.format),
            sheet,
            json(&file.headers),
            json(&file.mapping),
            file.rows.len() as i64,
            accept,
            review,
            now_text
        ],
    )?;
    let upload_id = tx.last_insert_rowid();
    let mut summary = UploadSummary {
        upload_id,
        file_name: file_name.clone(),
        sha256: sha256.clone(),
        format: file.format.clone(),
        header_line: file.header_line,
        mapping: file.mapping.clone(),
        country: country.clone(),
        customers: customer_rows.len(),
        rows: file.rows.len(),
        auto_accepted: 0,
        to_review: 0,
        rejected: 0,
        unmatched: 0,
        exact_id: 0,
        enrichments_added: 0,
        same_file_uploads,
        accept_above: accept,
        review_above: review,
    };
    {
        let mut insert_row = tx.prepare(
            "INSERT INTO upload_rows (upload_id, row_index, line, cells_json, record_json)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (row, record) in file.rows.iter().zip(&file.records) {
            insert_row.execute(params![
                upload_id,
                row.index as i64,
                row.line as i64,
                json(&row.cells),
                json(record)
            ])?;
        }
        let mut insert_alternative = tx.prepare(
            "INSERT INTO upload_match_alternatives (match_id, customer_id, rank, score,
                 explanation_json, swapped_names) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut insert_match = tx.prepare(
            "INSERT INTO upload_matches (upload_id, row_index, customer_id, score, decision,
                 explanation_json, swapped_names, state, decided_by, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'auto', ?9)",
        )?;
        for outcome in &report.outcomes {
            let record = &file.records[outcome.upload];
            let Some(c) = &outcome.candidate else {
                summary.unmatched += 1;
                continue;
            };
            let (decision, state) = match outcome.decision {
                Decision::Matched => ("accept", "accepted"),
                Decision::Review => ("review", "pending"),
                Decision::Unmatched => ("reject", "rejected"),
            };
            let customer = &customer_rows[c.target];
            insert_match.execute(params![
                upload_id,
                record.row as i64,
                customer.id,
                c.score,
                decision,
                json(&StoredEvidence::of(c)),
                c.swapped_names,
                state,
                now_text
            ])?;
            let match_id = tx.last_insert_rowid();
            for (rank, a) in outcome.alternatives.iter().enumerate() {
                insert_alternative.execute(params![
                    match_id,
                    customer_rows[a.target].id,
                    rank as i64 + 1,
                    a.score,
                    json(&StoredEvidence::of(a)),
                    a.swapped_names
                ])?;
            }
            match outcome.decision {
                Decision::Matched => {
                    summary.auto_accepted += 1;
                    if c.weight.is_infinite() {
                        summary.exact_id += 1;
                    }
                    let adds = merge::additions(record, customer);
                    summary.enrichments_added +=
                        merge::write(tx, upload_id, match_id, &customer.id, &adds, &now_text)?;
                }
                Decision::Review => summary.to_review += 1,
                Decision::Unmatched => {
                    summary.rejected += 1;
                    summary.unmatched += 1;
                }
            }
        }
    }
    Ok(summary)
}
