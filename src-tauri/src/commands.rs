//! IPC commands: parse, call `keeper-api`, return its result or its `{code, message}` error.
//! Commands that read or write the database run on the blocking pool so the window never
//! waits on SQLite.

use crate::AppState;
use keeper_api::ApiError;
use keeper_api::app::App;
use keeper_api::views::*;
use keeper_store::DbInfo;
use std::sync::Arc;
use tauri_plugin_dialog::DialogExt;

fn core(state: &tauri::State<'_, AppState>) -> Result<Arc<App>, ApiError> {
    state.app.clone()
}

/// Runs `f` on the blocking pool with Keeper's core.
async fn blocking<T, F>(state: tauri::State<'_, AppState>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
{
    let app = core(&state)?;
    tauri::async_runtime::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| ApiError {
            code: "internal".to_owned(),
            message: format!("the command stopped unexpectedly: {e}"),
        })?
}

#[tauri::command]
pub async fn db_info(state: tauri::State<'_, AppState>) -> Result<DbInfo, ApiError> {
    blocking(state, |app| app.db_info()).await
}

#[tauri::command]
pub fn job_status(state: tauri::State<'_, AppState>) -> Result<JobStatus, ApiError> {
    Ok(core(&state)?.job_status())
}

#[tauri::command]
pub async fn start_demo(state: tauri::State<'_, AppState>) -> Result<JobStatus, ApiError> {
    core(&state)?.start_demo()
}

#[tauri::command]
pub async fn connect_square(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
) -> Result<JobStatus, ApiError> {
    use tauri_plugin_opener::OpenerExt;
    let opener = app.clone();
    core(&state)?.connect_square(Box::new(move |url: String| {
        opener
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    }))
}

#[tauri::command]
pub async fn sync_now(state: tauri::State<'_, AppState>) -> Result<JobStatus, ApiError> {
    core(&state)?.sync_now()
}

/// Fetches reviews now (the demo merchant's or the configured Google and Yelp sources).
#[tauri::command]
pub async fn fetch_reviews(state: tauri::State<'_, AppState>) -> Result<JobStatus, ApiError> {
    core(&state)?.fetch_reviews_now()
}

#[tauri::command]
pub async fn list_customers(
    state: tauri::State<'_, AppState>,
    query: CustomerQuery,
) -> Result<CustomerPage, ApiError> {
    blocking(state, move |app| app.list_customers(&query)).await
}

#[tauri::command]
pub async fn customer_detail(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<CustomerDetail, ApiError> {
    blocking(state, move |app| app.customer_detail(&id)).await
}

#[tauri::command]
pub async fn list_tasks(
    state: tauri::State<'_, AppState>,
    limit: u32,
) -> Result<Vec<TaskEntry>, ApiError> {
    blocking(state, move |app| app.list_tasks(limit)).await
}

#[tauri::command]
pub async fn update_task(
    state: tauri::State<'_, AppState>,
    action: TaskAction,
) -> Result<TaskEntry, ApiError> {
    blocking(state, move |app| app.update_task(&action)).await
}

#[tauri::command]
pub async fn business_summary(
    state: tauri::State<'_, AppState>,
) -> Result<BusinessSummary, ApiError> {
    blocking(state, |app| app.business_summary()).await
}

#[tauri::command]
pub async fn list_reviews(state: tauri::State<'_, AppState>) -> Result<Vec<ReviewEntry>, ApiError> {
    blocking(state, |app| app.list_reviews()).await
}

/// The native "open file" dialog, limited to the spreadsheet types Keeper reads.
#[tauri::command]
pub async fn pick_spreadsheet(app: tauri::AppHandle) -> Result<Option<String>, ApiError> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .add_filter(
                "Spreadsheets",
                &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"],
            )
            .blocking_pick_file()
    })
    .await
    .map_err(|e| ApiError {
        code: "internal".to_owned(),
        message: format!("the file dialog stopped unexpectedly: {e}"),
    })?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

/// Checks the file and starts reading and matching it as a background job.
#[tauri::command]
pub async fn upload_spreadsheet(
    state: tauri::State<'_, AppState>,
    path: String,
) -> Result<UploadJob, ApiError> {
    blocking(state, move |app| app.upload_spreadsheet(&path)).await
}

/// A spreadsheet job (upload, re-match, undo) as it stands.
#[tauri::command]
pub async fn upload_job(
    state: tauri::State<'_, AppState>,
    job_id: String,
) -> Result<UploadJob, ApiError> {
    blocking(state, move |app| app.upload_job(&job_id)).await
}

#[tauri::command]
pub async fn list_uploads(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<UploadSummary>, ApiError> {
    blocking(state, |app| app.list_uploads()).await
}

#[tauri::command]
pub async fn update_mapping(
    state: tauri::State<'_, AppState>,
    upload_id: String,
    mapping: Vec<ColumnMapping>,
) -> Result<UploadJob, ApiError> {
    blocking(state, move |app| app.update_mapping(&upload_id, &mapping)).await
}

#[tauri::command]
pub async fn match_candidates(
    state: tauri::State<'_, AppState>,
    upload_id: String,
) -> Result<Vec<MatchCandidate>, ApiError> {
    blocking(state, move |app| app.match_candidates(&upload_id)).await
}

#[tauri::command]
pub async fn decide_candidate(
    state: tauri::State<'_, AppState>,
    candidate_id: String,
    decision: String,
) -> Result<MatchCandidate, ApiError> {
    blocking(state, move |app| {
        app.decide_candidate(&candidate_id, &decision)
    })
    .await
}

/// Re-points a match in review to one of its runners-up and accepts it.
#[tauri::command]
pub async fn choose_alternative(
    state: tauri::State<'_, AppState>,
    candidate_id: String,
    customer_id: String,
) -> Result<MatchCandidate, ApiError> {
    blocking(state, move |app| {
        app.choose_alternative(&candidate_id, &customer_id)
    })
    .await
}

#[tauri::command]
pub async fn accept_above(
    state: tauri::State<'_, AppState>,
    upload_id: String,
    threshold: f64,
) -> Result<u32, ApiError> {
    blocking(state, move |app| app.accept_above(&upload_id, threshold)).await
}

#[tauri::command]
pub async fn undo_upload(
    state: tauri::State<'_, AppState>,
    upload_id: String,
) -> Result<UploadJob, ApiError> {
    blocking(state, move |app| app.undo_upload(&upload_id)).await
}

#[tauri::command]
pub async fn undo_candidate(
    state: tauri::State<'_, AppState>,
    candidate_id: String,
) -> Result<MatchCandidate, ApiError> {
    blocking(state, move |app| app.undo_candidate(&candidate_id)).await
}

#[tauri::command]
pub async fn health_report(state: tauri::State<'_, AppState>) -> Result<HealthReport, ApiError> {
    blocking(state, |app| app.health_report()).await
}
