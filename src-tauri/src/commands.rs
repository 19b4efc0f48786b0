//! IPC commands: parse, call `keeper-api`, return its result or its `{code, message}` error.

use crate::AppState;
use keeper_api::ApiError;
use keeper_store::DbInfo;

#[tauri::command]
pub fn db_info(state: tauri::State<'_, AppState>) -> Result<DbInfo, ApiError> {
    let path = state.db_path.clone()?;
    keeper_api::db::db_info(&path)
}
