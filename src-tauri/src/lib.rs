//! Keeper's desktop shell: a window showing the UI, a tray icon, and IPC commands that are
//! a few lines each over `keeper-api`. Nothing here knows SQL or Square.

mod commands;
mod tray;

use std::path::PathBuf;
use tauri::{Manager, WindowEvent};

/// State shared by the IPC commands.
pub struct AppState {
    /// The database file (`KEEPER_DB` overrides the OS app-data default).
    pub db_path: Result<PathBuf, keeper_api::ApiError>,
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEEPER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let given = std::env::var_os("KEEPER_DB").map(PathBuf::from);
    let state = AppState {
        db_path: keeper_api::db::resolve_db_path(given.as_deref()),
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::db_info])
        .setup(|app| {
            tray::build(app.handle())?;
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps Keeper running in the tray; "Quit" ends it.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.app_handle().tray_by_id(tray::TRAY_ID).is_some()
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .run(tauri::generate_context!())
        .expect("Keeper could not start its window");
}
