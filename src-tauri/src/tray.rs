//! The tray icon and its menu: "Sync now", "Open Keeper", "Quit", with a tooltip that says
//! whether Keeper is working and when it last synced.

use crate::AppState;
use keeper_api::views::{JobKind, JobState, JobStatus};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

pub const TRAY_ID: &str = "keeper-tray";

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let sync = MenuItem::with_id(app, "sync_now", "Sync now", true, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", "Open Keeper", true, None::<&str>)?;
    let sep = PredefinedMenuItem::separator(app)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&sync, &open, &sep, &quit])?;
    let icon = Image::from_bytes(include_bytes!("../../assets/icons/tray.png"))?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip("Keeper — idle")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "sync_now" => {
                tracing::info!("tray: sync requested");
                sync_now(app);
            }
            "open" => show_main(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .build(app)?;
    Ok(())
}

/// Starts a sync in the background; the window shows its progress when it is open.
fn sync_now(app: &AppHandle) {
    let state = app.state::<AppState>();
    let core = match &state.app {
        Ok(core) => core.clone(),
        Err(e) => {
            tracing::warn!(error = %e, "tray: no database, cannot sync");
            return;
        }
    };
    tauri::async_runtime::spawn(async move {
        if let Err(e) = core.sync_now() {
            tracing::warn!(code = %e.code, error = %e, "tray: sync not started");
        }
    });
}

/// The tooltip: what Keeper is doing now, or when it last finished.
pub fn set_status(app: &AppHandle, status: &JobStatus) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let text = match status.state {
        JobState::Running => format!("Keeper — {}", status.stage),
        // A spreadsheet job says nothing about the last sync.
        _ if status.kind == Some(JobKind::Upload) => "Keeper — idle".to_owned(),
        JobState::Finished => format!(
            "Keeper — last sync {}",
            status.finished_at.as_deref().unwrap_or("just now")
        ),
        JobState::Failed => format!(
            "Keeper — last sync failed: {}",
            status.error.as_deref().unwrap_or("unknown error")
        ),
        _ => "Keeper — idle".to_owned(),
    };
    let _ = tray.set_tooltip(Some(text));
}

pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}
