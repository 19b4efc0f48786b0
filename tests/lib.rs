//! Helpers for the end-to-end tests in this folder: locating the `keeper` binary that cargo
//! built for the workspace.

use std::path::PathBuf;

/// The `keeper` binary built in the same target directory as these tests.
pub fn keeper_bin() -> PathBuf {
    // tests run from target/<profile>/deps/; the binary sits in target/<profile>/.
    let exe = std::env::current_exe().expect("current test executable");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile directory");
    let bin = dir.join(format!("keeper{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it first with `cargo build -p keeper-cli`",
        bin.display()
    );
    bin
}
