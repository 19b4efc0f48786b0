//! The `keeper` binary, driven as a user would.

use keeper_e2e::keeper_bin;
use std::process::Command;

#[test]
fn version_prints_the_crate_version() {
    let out = Command::new(keeper_bin())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.trim(), format!("keeper {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn db_info_json_reports_path_schema_and_counts_of_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keeper.sqlite3");
    let out = Command::new(keeper_bin())
        .args(["db", "info", "--json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], db.display().to_string());
    assert_eq!(v["schema_version"], keeper_store::migrate::latest_version());
    let tables: Vec<&str> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["table"].as_str().unwrap())
        .collect();
    for t in [
        "raw_objects",
        "customers",
        "payments",
        "orders",
        "order_line_item_modifiers",
        "bookings",
        "loyalty_events",
    ] {
        assert!(tables.contains(&t), "missing {t} in {tables:?}");
    }
}

#[test]
fn db_info_defaults_to_the_app_data_directory() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(keeper_bin())
        .args(["db", "info"])
        .env_remove("KEEPER_DB")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    if cfg!(target_os = "linux") {
        let expected = home.path().join("data/keeper/keeper.sqlite3");
        assert!(text.contains(&expected.display().to_string()), "{text}");
        assert!(expected.exists());
    }
}

#[test]
fn db_info_on_an_unwritable_location_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("plain-file");
    std::fs::write(&blocker, b"x").unwrap();
    let out = Command::new(keeper_bin())
        .args(["db", "info", "--db"])
        .arg(blocker.join("keeper.sqlite3"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot create the folder"), "{err}");
}
