//! Tauri build script: reads the top-level `tauri.conf.json` (through the symlink beside it).
fn main() {
    tauri_build::build()
}
