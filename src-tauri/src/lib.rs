//! Keeper's desktop shell: a window showing the UI, a tray icon, and IPC commands that are
//! a few lines each over `keeper-api`. Nothing here knows SQL or Square.

mod commands;
mod tray;

use keeper_api::app::App;
use keeper_api::reviews::UrgentNotice;
use keeper_api::views::{JobKind, JobState, JobStatus};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, WindowEvent};
use tauri_plugin_notification::NotificationExt;

/// The event carrying a `JobStatus` snapshot to the UI.
pub const JOB_PROGRESS_EVENT: &str = "job-progress";
/// The event carrying the paths of spreadsheets dropped on the window.
pub const FILE_DROPPED_EVENT: &str = "file-dropped";

/// State shared by the IPC commands.
pub struct AppState {
    /// Keeper's core for this database; `Err` when no database path could be found.
    pub app: Result<Arc<App>, keeper_api::ApiError>,
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEEPER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    tauri::Builder::default()
        // First, so a second launch only brings the running Keeper to the front.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main(app);
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::db_info,
            commands::job_status,
            commands::start_demo,
            commands::connect_square,
            commands::sync_now,
            commands::fetch_reviews,
            commands::list_customers,
            commands::customer_detail,
            commands::list_tasks,
            commands::update_task,
            commands::business_summary,
            commands::list_reviews,
            commands::pick_spreadsheet,
            commands::upload_spreadsheet,
            commands::upload_job,
            commands::list_uploads,
            commands::update_mapping,
            commands::match_candidates,
            commands::decide_candidate,
            commands::choose_alternative,
            commands::accept_above,
            commands::undo_upload,
            commands::undo_candidate,
            commands::health_report,
        ])
        .setup(|app| {
            let handle = app.handle().clone();
            let given = std::env::var_os("KEEPER_DB").map(PathBuf::from);
            // The packaged app carries the model and ONNX Runtime as resources; a development
            // build uses the provisioning cache (KEEPER_MODEL_DIR or its default).
            let bundled = app.path().resource_dir().ok().filter(|dir| {
                // The int8 model (what provisioning builds and the package carries), or
                // model.onnx where only that was provisioned (`--weight-only`).
                ["model_int8_dynamic.onnx", "model.onnx"]
                    .iter()
                    .any(|file| dir.join("model").join(file).is_file())
            });
            let core = keeper_api::db::resolve_db_path(given.as_deref()).and_then(|db| {
                let listener = handle.clone();
                App::new(
                    db,
                    bundled.as_deref(),
                    Box::new(move |status: &JobStatus| on_job_status(&listener, status)),
                )
                .map(Arc::new)
            });
            match &core {
                Ok(core) => {
                    let notifier = handle.clone();
                    core.on_urgent_reviews(Box::new(move |notice: &UrgentNotice| {
                        notify(&notifier, &notice.title, &notice.body)
                    }));
                    // Sync and fetch reviews at 4 AM local time while Keeper runs.
                    let at = keeper_api::schedule::daily_time_or(
                        std::env::var("KEEPER_DAILY_AT").ok().as_deref(),
                    );
                    if let Err(e) = App::start_daily_schedule(core, at) {
                        tracing::error!(error = %e, "could not start the daily schedule");
                    }
                }
                Err(e) => {
                    tracing::error!(code = %e.code, error = %e, "Keeper cannot open its database")
                }
            }
            app.manage(AppState { app: core });
            tray::build(app.handle())?;
            Ok(())
        })
        .on_window_event(|window, event| match event {
            // Closing the window keeps Keeper running in the tray; "Quit" ends it.
            WindowEvent::CloseRequested { api, .. }
                if window.app_handle().tray_by_id(tray::TRAY_ID).is_some() =>
            {
                api.prevent_close();
                let _ = window.hide();
            }
            WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
                let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                tracing::info!(count = paths.len(), "files dropped on the window");
                let _ = window.emit(FILE_DROPPED_EVENT, paths);
            }
            _ => {}
        })
        .run(tauri::generate_context!())
        .expect("Keeper could not start its window");
}

/// Every job snapshot goes to the UI; the tray tooltip follows; a finished or failed job
/// also raises a desktop notification (the window may be closed to the tray), except a
/// spreadsheet job's.
fn on_job_status(app: &AppHandle, status: &JobStatus) {
    let _ = app.emit(JOB_PROGRESS_EVENT, status);
    tray::set_status(app, status);
    // A spreadsheet job's end shows on the match-review screen the owner is looking at.
    if status.kind == Some(JobKind::Upload) {
        return;
    }
    let title = match status.state {
        JobState::Finished => "Keeper is up to date",
        JobState::Failed => "Keeper stopped",
        _ => return,
    };
    let body = match status.state {
        JobState::Failed => status.error.clone().unwrap_or_default(),
        _ => status.summary.last().cloned().unwrap_or_default(),
    };
    notify(app, title, &body);
}

/// A desktop notification (plain text).
fn notify(app: &AppHandle, title: &str, body: &str) {
    tracing::info!(title, "desktop notification");
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "could not show a desktop notification");
    }
}
