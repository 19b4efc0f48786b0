//! The match-review screen's slow commands as background jobs: uploading a spreadsheet
//! (read, detect columns, match against every customer, write the candidates), matching it
//! again after the owner corrected a column, and undoing a whole upload. On a large merchant
//! each takes seconds, so the command only checks its input, records the request in
//! `ui_jobs` (migration 0021) and starts the work in the app's job slot (`jobs.rs`); the
//! screen follows it with `upload_job`.
//!
//! Nothing is lost when the app quits mid-job: a job's changes and its `written` state are
//! one transaction, so a job the app did not finish is either `queued`/`running` (nothing of
//! it committed: it runs again from its recorded request) or `written` (only the customers'
//! search documents are left to rebuild). [`open_jobs`] lists them for the app's start.

use crate::jobs::JobHandle;
use crate::views::{JobState, JobStatus, StreamProgress, UploadJob, UploadJobKind};
use crate::{ApiError, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use keeper_enrich::columns::Field;
use keeper_enrich::db::{self, PrepareStep, UploadOptions};
use keeper_store::Store;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// File types the upload reads (the desktop file dialog offers the same list).
pub const SPREADSHEET_EXTENSIONS: [&str; 8] =
    ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"];

/// The stream name a job's progress is reported under.
const STREAM: &str = "spreadsheet";

fn err(code: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: code.to_owned(),
        message: message.to_string(),
    }
}

fn db_err(e: rusqlite::Error) -> ApiError {
    ApiError::from(keeper_store::Error::from(e))
}

fn ts(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn kind_text(kind: UploadJobKind) -> &'static str {
    match kind {
        UploadJobKind::Upload => "upload",
        UploadJobKind::Remap => "remap",
        UploadJobKind::UndoUpload => "undo_upload",
    }
}

fn kind_of(text: &str) -> UploadJobKind {
    match text {
        "remap" => UploadJobKind::Remap,
        "undo_upload" => UploadJobKind::UndoUpload,
        _ => UploadJobKind::Upload,
    }
}

/// What the owner asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: UploadJobKind,
    /// The spreadsheet (upload, remap).
    pub path: Option<PathBuf>,
    /// The upload worked on (remap, undo).
    pub upload_id: Option<i64>,
    /// Column corrections (remap).
    pub overrides: Vec<(String, Field)>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Checks that `path` is a spreadsheet Keeper can open: a supported extension, an existing
/// file, readable. Cheap (no content is parsed): the command answers at once.
pub fn check_file(path: &Path) -> Result<()> {
    let name = file_name(path);
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !SPREADSHEET_EXTENSIONS.contains(&extension.as_str()) {
        return Err(err(
            "unsupported_file",
            format!(
                "Keeper reads CSV and Excel files (.csv, .tsv, .txt, .xlsx, .xlsm, .xls, .xlsb, \
                 .ods); {name} is not one. Save it as CSV or Excel and drop it again."
            ),
        ));
    }
    let unreadable = |e: std::io::Error| {
        err(
            "file_unreadable",
            format!(
                "Keeper cannot open {name} ({e}). Check that the file is still there and that you may open it, then drop it again."
            ),
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(err(
            "file_unreadable",
            format!("{name} is a folder, not a spreadsheet: drop the file itself."),
        ));
    }
    std::fs::File::open(path).map_err(unreadable)?;
    Ok(())
}

/// Records a request (`queued`); returns its id.
pub fn record(conn: &Connection, request: &Request, now: DateTime<Utc>) -> Result<i64> {
    let overrides = serde_json::to_string(&request.overrides).map_err(|e| err("internal", e))?;
    conn.execute(
        "INSERT INTO ui_jobs (kind, path, upload_id, overrides_json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            kind_text(request.kind),
            request.path.as_ref().map(|p| p.display().to_string()),
            request.upload_id,
            overrides,
            ts(now)
        ],
    )
    .map_err(db_err)?;
    Ok(conn.last_insert_rowid())
}

/// Forgets a request that never started (the job slot was busy).
pub fn forget(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM ui_jobs WHERE id = ?1 AND state = 'queued'",
        [id],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Jobs not finished (queued, running or written), oldest first.
pub fn open_jobs(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare("SELECT id FROM ui_jobs WHERE state IN ('queued','running','written') ORDER BY id")
        .map_err(db_err)?;
    stmt.query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
        .map_err(db_err)
}

/// The file an upload made through the app was read from (`None` for an upload of the CLI).
pub fn path_of_upload(conn: &Connection, upload_id: i64) -> Result<Option<PathBuf>> {
    let path: Option<Option<String>> = conn
        .query_row(
            "SELECT path FROM ui_jobs WHERE result_upload_id = ?1 ORDER BY id DESC LIMIT 1",
            [upload_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)?;
    Ok(path.flatten().map(PathBuf::from))
}

struct Row {
    kind: UploadJobKind,
    path: Option<PathBuf>,
    upload_id: Option<i64>,
    overrides: Vec<(String, Field)>,
    state: String,
    result_upload_id: Option<i64>,
    touched: Vec<String>,
    error_code: Option<String>,
    error: Option<String>,
}

fn load(conn: &Connection, id: i64) -> Result<Row> {
    let row = conn
        .query_row(
            "SELECT kind, path, upload_id, overrides_json, state, result_upload_id, touched_json,
                    error_code, error
               FROM ui_jobs WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            },
        )
        .optional()
        .map_err(db_err)?
        .ok_or_else(|| err("upload_job_not_found", format!("No upload job {id}")))?;
    let (kind, path, upload_id, overrides, state, result, touched, error_code, error) = row;
    Ok(Row {
        kind: kind_of(&kind),
        path: path.map(PathBuf::from),
        upload_id,
        overrides: serde_json::from_str(&overrides).map_err(|e| err("internal", e))?,
        state,
        result_upload_id: result,
        touched: serde_json::from_str(&touched).map_err(|e| err("internal", e))?,
        error_code,
        error,
    })
}

/// The job as the screen shows it; `live` is the job slot's status, used for the stage and
/// percent while this job is the one running (`running` says whether it is).
pub fn view(conn: &Connection, id: i64, live: Option<&JobStatus>) -> Result<UploadJob> {
    let row = load(conn, id)?;
    let live_stream = live.and_then(|s| s.streams.iter().find(|p| p.stream == STREAM));
    let (state, stage, percent) = match row.state.as_str() {
        "queued" => (JobState::Waiting, "Waiting to start".to_owned(), Some(0.0)),
        "finished" => (JobState::Finished, "Done".to_owned(), Some(100.0)),
        "failed" => (JobState::Failed, "Stopped".to_owned(), None),
        _ => match live {
            Some(s) => (
                JobState::Running,
                s.stage.clone(),
                live_stream.and_then(|p| p.percent),
            ),
            None => (JobState::Running, "Working".to_owned(), None),
        },
    };
    let shown = match row.kind {
        UploadJobKind::UndoUpload => row.upload_id,
        _ => row.result_upload_id,
    };
    Ok(UploadJob {
        id: id.to_string(),
        kind: row.kind,
        state,
        stage,
        percent,
        file_name: row.path.as_deref().map(file_name),
        upload_id: shown.map(|u| u.to_string()),
        error_code: row.error_code,
        error: row.error,
    })
}

/// Customers with an accepted match in upload `upload_id`.
fn accepted_customers(conn: &Connection, upload_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT DISTINCT customer_id FROM upload_matches
              WHERE upload_id = ?1 AND state = 'accepted'",
        )
        .map_err(db_err)?;
    stmt.query_map([upload_id], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(db_err)
}

/// Reports step `step` of `steps` in words.
fn step(h: &JobHandle, step: u32, steps: u32, stage: String) {
    h.stage(format!("{stage} (step {step} of {steps})"));
    h.stream(StreamProgress {
        stream: STREAM.to_owned(),
        state: JobState::Running,
        pages: step,
        objects: 0,
        percent: Some(100.0 * f64::from(step - 1) / f64::from(steps)),
        eta_seconds: None,
        error: None,
    });
}

fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the owner can do about a job's failure, added to the error's message.
fn advice(code: &str) -> Option<&'static str> {
    Some(match code {
        "no_usable_column" => {
            "Check that the sheet has a header row and a column with a name, email or phone, then drop it again."
        }
        "empty_file" => "Check that it is the right file (its rows are under the header).",
        "io" | "file_unreadable" => {
            "Check that the file is still there and that you may open it, then drop it again."
        }
        "corrupt_file" | "zip_bomb" => {
            "Open it in your spreadsheet app, save it again as CSV or Excel, and drop it again."
        }
        "unknown_column" => "Drop the file again: its columns changed since the upload.",
        "upload_undone" => "This upload was undone meanwhile: drop the file again to start over.",
        _ => return None,
    })
}

/// Runs job `id` to its end: its work (unless a previous run already committed it), then the
/// customers' search documents. A failure is recorded on the job (state `failed`, its code
/// and message) and returned. `now` gives the time of each step.
pub fn run(db: &Path, id: i64, h: &JobHandle, now: &dyn Fn() -> DateTime<Utc>) -> Result<()> {
    let mut store = Store::open(db)?;
    match run_on(&mut store, id, h, now) {
        Ok(()) => Ok(()),
        Err(mut e) => {
            if let Some(what) = advice(&e.code) {
                e.message = format!("{}. {what}", e.message.trim_end_matches('.'));
            }
            store
                .conn()
                .execute(
                    "UPDATE ui_jobs SET state = 'failed', error_code = ?2, error = ?3,
                            finished_at = ?4 WHERE id = ?1",
                    params![id, e.code, e.message, ts(now())],
                )
                .map_err(db_err)?;
            Err(e)
        }
    }
}

fn run_on(
    store: &mut Store,
    id: i64,
    h: &JobHandle,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<()> {
    let row = load(store.conn(), id)?;
    let steps = match row.kind {
        UploadJobKind::UndoUpload => 2,
        _ => 5,
    };
    let touched = if row.state == "written" {
        row.touched
    } else {
        store
            .conn()
            .execute(
                "UPDATE ui_jobs SET state = 'running', attempts = attempts + 1, started_at = ?2
                  WHERE id = ?1",
                params![id, ts(now())],
            )
            .map_err(db_err)?;
        work(store, id, &row, h, steps, now)?
    };
    step(
        h,
        steps,
        steps,
        format!("Updating the search of {} customers", count(touched.len())),
    );
    keeper_search::index::refresh_customers(store.conn_mut(), &touched, now())?;
    store
        .conn()
        .execute(
            "UPDATE ui_jobs SET state = 'finished', finished_at = ?2 WHERE id = ?1",
            params![id, ts(now())],
        )
        .map_err(db_err)?;
    h.stream(StreamProgress {
        stream: STREAM.to_owned(),
        state: JobState::Finished,
        pages: steps,
        objects: 0,
        percent: Some(100.0),
        eta_seconds: None,
        error: None,
    });
    Ok(())
}

/// The job's changes, committed with its `written` state; returns the customers whose
/// search documents change.
fn work(
    store: &mut Store,
    id: i64,
    row: &Row,
    h: &JobHandle,
    steps: u32,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<Vec<String>> {
    let replaced = match row.kind {
        UploadJobKind::Upload => None,
        _ => Some(
            row.upload_id
                .ok_or_else(|| err("internal", format!("upload job {id} names no upload")))?,
        ),
    };
    let mut touched = match replaced {
        Some(upload) => accepted_customers(store.conn(), upload)?,
        None => Vec::new(),
    };
    let prepared = match row.kind {
        UploadJobKind::UndoUpload => {
            step(h, 1, steps, "Undoing the upload".to_owned());
            None
        }
        _ => {
            let path = row
                .path
                .as_deref()
                .ok_or_else(|| err("internal", format!("upload job {id} names no file")))?;
            check_file(path)?;
            let name = file_name(path);
            let options = UploadOptions {
                overrides: row.overrides.clone(),
                ..UploadOptions::default()
            };
            let prepared = db::prepare_upload(store, path, &options, &mut |s| match s {
                PrepareStep::Reading => step(h, 1, steps, format!("Reading {name}")),
                PrepareStep::LoadingCustomers { rows } => step(
                    h,
                    2,
                    steps,
                    format!("Read {} rows; loading your customers", count(rows)),
                ),
                PrepareStep::Matching { rows, customers } => step(
                    h,
                    3,
                    steps,
                    format!(
                        "Matching {} rows against {} customers",
                        count(rows),
                        count(customers)
                    ),
                ),
            })?;
            step(h, 4, steps, "Saving the matches".to_owned());
            Some(prepared)
        }
    };
    let at = now();
    let tx = store.conn_mut().transaction().map_err(db_err)?;
    if let Some(upload) = replaced {
        db::undo_upload_in(&tx, upload, at)?;
    }
    let mut result = None;
    if let Some(prepared) = &prepared {
        let summary = db::write_upload(&tx, prepared, at)?;
        touched.extend(accepted_customers(&tx, summary.upload_id)?);
        h.summary(format!(
            "{}: {} rows, {} matched, {} to review, {} without a match",
            summary.file_name,
            count(summary.rows),
            count(summary.auto_accepted),
            count(summary.to_review),
            count(summary.unmatched)
        ));
        result = Some(summary.upload_id);
    }
    touched.sort();
    touched.dedup();
    tx.execute(
        "UPDATE ui_jobs SET state = 'written', result_upload_id = ?2, touched_json = ?3
          WHERE id = ?1",
        params![
            id,
            result,
            serde_json::to_string(&touched).map_err(|e| err("internal", e))?
        ],
    )
    .map_err(db_err)?;
    tx.commit().map_err(db_err)?;
    Ok(touched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_another_type_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("clients.pdf");
        std::fs::write(&pdf, "%PDF").unwrap();
        let e = check_file(&pdf).unwrap_err();
        assert_eq!(e.code, "unsupported_file");
        assert!(e.message.contains("clients.pdf"), "{}", e.message);
    }

    #[test]
    fn a_missing_file_or_a_folder_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_file(&dir.path().join("gone.csv")).unwrap_err();
        assert_eq!(e.code, "file_unreadable");
        assert!(e.message.contains("gone.csv"), "{}", e.message);
        let folder = dir.path().join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(check_file(&folder).unwrap_err().code, "file_unreadable");
        let ok = dir.path().join("Clients.XLSX");
        std::fs::write(&ok, "x").unwrap();
        check_file(&ok).unwrap();
    }

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(count(7), "7");
        assert_eq!(count(20_308), "20,308");
        assert_eq!(count(1_000_000), "1,000,000");
    }
}
