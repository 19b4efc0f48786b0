//! `keeper connect --base-url <simulator>` end to end, the test playing the browser: it reads
//! the authorize URL the command prints and follows the simulator's redirect to the
//! command's loopback listener with an HTTP client.
//!
//! The keyring round trip needs an unlocked Secret Service and runs only with
//! `KEEPER_KEYRING_TEST=1`, like `crates/square/tests/control_keyring.rs`:
//!
//! ```sh
//! dbus-run-session -- sh -c 'export XDG_DATA_HOME="$(mktemp -d)" &&
//!   echo -n keeper-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
//!   KEEPER_KEYRING_TEST=1 cargo test -p keeper-cli --test connect'
//! ```
//!
//! The no-keyring test always runs: the command gets a D-Bus address that does not exist.

use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::control::{KeyringTokenStore, TokenStore};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

const KEEPER: &str = env!("CARGO_BIN_EXE_keeper");

async fn sim(seed: u64) -> SimHandle {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    Simulator::start(SimConfig::new(
        Profile::Small,
        seed,
        Ts(now.as_millis() as i64),
    ))
    .await
    .expect("simulator starts")
}

fn keeper_connect(sim: &SimHandle, db: &std::path::Path) -> Command {
    let mut cmd = Command::new(KEEPER);
    cmd.args([
        "connect",
        "--base-url",
        sim.base_url(),
        "--timeout-secs",
        "20",
    ])
    .args(["--client-id", &sim.client_id()])
    .arg("--db")
    .arg(db)
    // No real browser: webbrowser runs $BROWSER, here a no-op.
    .env("BROWSER", "true");
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_connect_says_so_before_opening_the_browser() {
    let sim = sim(61).await;
    let dir = tempfile::tempdir().unwrap();
    let out = keeper_connect(&sim, &dir.path().join("k.sqlite3"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keeper-no-bus",
        )
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stdout}");
    assert!(stderr.contains("no OS keyring is available"), "{stderr}");
    assert!(stderr.contains("never stored anywhere else"), "{stderr}");
    assert!(
        !stdout.contains("/oauth2/authorize"),
        "no browser: {stdout}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_through_the_browser_stores_the_tokens_in_the_keyring() {
    if std::env::var("KEEPER_KEYRING_TEST").as_deref() != Ok("1") {
        println!(
            "skipped: set KEEPER_KEYRING_TEST=1 inside a D-Bus session with an unlocked keyring"
        );
        return;
    }
    let sim = sim(62).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite3");
    let mut child = keeper_connect(&sim, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    let reader = tokio::task::spawn_blocking(move || {
        let mut url_tx = Some(url_tx);
        let mut all = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if line.contains("/oauth2/authorize")
                && let Some(tx) = url_tx.take()
            {
                let _ = tx.send(line.trim().to_owned());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let url = url_rx.await.expect("the command prints the authorize URL");
    // The browser: the authorize page redirects to the loopback listener, which answers.
    let page = reqwest::get(&url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains("<html"));
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let printed = reader.await.unwrap();
    assert!(status.success(), "{printed}");
    let merchant = printed
        .split("Connected Square merchant ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the merchant id is printed")
        .to_owned();
    let keyring = KeyringTokenStore::new();
    let tokens = keyring
        .load(&merchant)
        .unwrap()
        .expect("tokens in the keyring");
    assert_eq!(tokens.merchant_id, merchant);
    assert!(tokens.refresh_token.is_some());
    let store = keeper_store::Store::open(&db).unwrap();
    let recorded = keeper_api::health::read_connections(store.conn()).unwrap();
    assert_eq!(recorded[0].merchant_id, merchant);
    assert!(recorded[0].refresh_expires_at.is_some());
    keyring.delete(&merchant).unwrap();
    sim.shutdown().await;
}
