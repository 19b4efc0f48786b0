//! The OS-keyring token store against a real Secret Service, and the error when there is
//! no keyring at all.
//!
//! The round-trip test needs an unlocked keyring and runs only with `KEEPER_KEYRING_TEST=1`
//! (otherwise it prints why it is skipped). The test script runs it as:
//!
//! ```sh
//! dbus-run-session -- sh -c 'echo -n keeper | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
//!   KEEPER_KEYRING_TEST=1 cargo test -p keeper-square --test control_keyring'
//! ```
//!
//! The no-keyring test always runs: it re-runs this test binary with
//! `DBUS_SESSION_BUS_ADDRESS` pointing at a socket that does not exist (the keyring crate
//! picks its store once per process, hence the separate process).

use keeper_square::control::{KeyringTokenStore, TokenStore};
use keeper_square::models::Secret;
use keeper_square::oauth::TokenSet;
use std::process::Command;

fn tokens(merchant: &str, access: &str, refresh: &str) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new(refresh)),
        expires_at: Some("2026-12-29T00:00:00Z".parse().unwrap()),
        refresh_expires_at: Some("2027-02-27T00:00:00Z".parse().unwrap()),
        merchant_id: merchant.to_owned(),
        scopes: vec!["CUSTOMERS_READ".to_owned(), "PAYMENTS_READ".to_owned()],
        obtained_at: "2026-11-29T00:00:00Z".parse().unwrap(),
    }
}

#[test]
fn keyring_store_keeps_the_rotated_token_pair_per_merchant() {
    if std::env::var("KEEPER_KEYRING_TEST").as_deref() != Ok("1") {
        println!(
            "skipped: set KEEPER_KEYRING_TEST=1 and run inside a D-Bus session with an unlocked \
             Secret Service (see this file's header)"
        );
        return;
    }
    let service = format!("keeper-square-tokens-test-{}", std::process::id());
    let store = KeyringTokenStore::with_service(&service);
    store.check_available().expect("keyring available");
    let (m1, m2) = ("MLTEST1", "MLTEST2");
    assert_eq!(store.load(m1).unwrap(), None, "nothing stored yet");

    store.put(&tokens(m1, "access-1", "refresh-1")).unwrap();
    store.put(&tokens(m2, "access-x", "refresh-x")).unwrap();
    // A refresh rotates the pair: the new one replaces the old one as a whole.
    let rotated = tokens(m1, "access-2", "refresh-2");
    store.put(&rotated).unwrap();
    assert_eq!(store.load(m1).unwrap(), Some(rotated));
    let other = store.load(m2).unwrap().unwrap();
    assert_eq!(other.refresh_token.unwrap().expose(), "refresh-x");

    // A foreign value under Keeper's name is reported, not misread.
    keyring::Entry::new(&service, "MLTEST3")
        .unwrap()
        .set_password("not json")
        .unwrap();
    let corrupt = store.load("MLTEST3").unwrap_err();
    assert_eq!(corrupt.code(), "stored_tokens_corrupt");

    for merchant in [m1, m2, "MLTEST3"] {
        store.delete(merchant).unwrap();
        assert_eq!(store.load(merchant).unwrap(), None);
    }
    store.delete(m1).expect("deleting twice is fine");
}

const CHILD_FLAG: &str = "KEEPER_NO_KEYRING_CHILD";

#[test]
fn without_a_keyring_the_store_says_so_and_stores_nothing() {
    if std::env::var_os(CHILD_FLAG).is_some() {
        let store = KeyringTokenStore::with_service("keeper-square-tokens-no-bus");
        let err = store.put(&tokens("M1", "a", "r")).unwrap_err();
        assert_eq!(err.code(), "keyring_unavailable", "{err}");
        assert!(
            err.to_string().starts_with("no OS keyring is available"),
            "{err}"
        );
        assert_eq!(store.load("M1").unwrap_err().code(), "keyring_unavailable");
        assert_eq!(
            store.check_available().unwrap_err().code(),
            "keyring_unavailable"
        );
        println!("child saw: {err}");
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "without_a_keyring_the_store_says_so_and_stores_nothing",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_FLAG, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keeper-no-bus",
        )
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .expect("re-run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("child saw: no OS keyring is available"),
        "{stdout}"
    );
}
