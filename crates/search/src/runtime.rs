//! Loading ONNX Runtime from an explicit library path through `ort`, so a missing, foreign or
//! too-old library is a [`SearchError`] instead of the panic `ORT_DYLIB_PATH` would give.
//!
//! The library is process-global: the first successful load wins, and asking for a different
//! path later is a [`SearchError::RuntimeConflict`].

use crate::error::{Result, SearchError};
use ort::environment::Environment;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The library file name ONNX Runtime has on this OS.
pub const LIBRARY_NAME: &str = if cfg!(target_os = "windows") {
    "onnxruntime.dll"
} else if cfg!(target_os = "macos") {
    "libonnxruntime.dylib"
} else {
    "libonnxruntime.so"
};

static LOADED: Mutex<Option<(PathBuf, Environment)>> = Mutex::new(None);

/// Loads ONNX Runtime from `path` (once per process) and returns its environment.
pub fn load(path: &Path) -> Result<Environment> {
    let requested = path
        .canonicalize()
        .map_err(|_| SearchError::RuntimeMissing(path.to_path_buf()))?;
    if !requested.is_file() {
        return Err(SearchError::RuntimeMissing(path.to_path_buf()));
    }
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((loaded_path, env)) = loaded.as_ref() {
        if *loaded_path == requested {
            return Ok(env.clone());
        }
        return Err(SearchError::RuntimeConflict {
            loaded: loaded_path.clone(),
            requested,
        });
    }
    let load_err = |message: String| SearchError::RuntimeLoad {
        path: requested.clone(),
        message,
    };
    let env = ort::init_from(&requested)
        .map_err(|e| load_err(e.to_string()))?
        .with_name("keeper-search")
        .build()
        .map_err(|e| load_err(e.to_string()))?;
    *loaded = Some((requested, env.clone()));
    Ok(env)
}
