//! The tray icon and its menu: "Sync now", "Open Keeper", "Quit".

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager};

pub const TRAY_ID: &str = "keeper-tray";

/// The event the UI receives when the owner picks "Sync now".
pub const SYNC_REQUESTED_EVENT: &str = "sync-requested";

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let sync = MenuItem::with_id(app, "sync_now", "Sync now", true, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", "Open Keeper", true, None::<&str>)?;
    let sep = PredefinedMenuItem::separator(app)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&sync, &open, &sep, &quit])?;
    let icon = Image::from_bytes(include_bytes!("../../assets/icons/tray.png"))?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip("Keeper — not connected to Square yet")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "sync_now" => {
                tracing::info!("tray: sync requested");
                show_main(app);
                let _ = app.emit(SYNC_REQUESTED_EVENT, ());
            }
            "open" => show_main(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .build(app)?;
    Ok(())
}

fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}
