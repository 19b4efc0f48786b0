//! `keeper reviews connect-google` and `keeper reviews yelp-key` end to end against the
//! reviews simulators, the test playing the browser (it reads the authorize URL the command
//! prints and follows the simulator's redirect to the command's loopback listener), then
//! `keeper reviews fetch` with no credential on the command line: both come from the keyring.
//!
//! The keyring round trip needs an unlocked Secret Service and runs only with
//! `KEEPER_KEYRING_TEST=1` (scripts/test.sh runs it inside a private D-Bus session):
//!
//! ```sh
//! dbus-run-session -- sh -c 'export XDG_DATA_HOME="$(mktemp -d)" &&
//!   echo -n keeper-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
//!   KEEPER_KEYRING_TEST=1 cargo test -p keeper-cli --test reviews_keyring'
//! ```
//!
//! The no-keyring test always runs: the commands get a D-Bus address that does not exist.

use chrono::Utc;
use keeper_reviews::sim::{ReviewSims, ReviewWorld};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

const KEEPER: &str = env!("CARGO_BIN_EXE_keeper");

async fn sims(seed: u64) -> ReviewSims {
    let now = Utc::now();
    let (data, _) = keeper_sim::generate::generate(
        keeper_sim::Profile::Small,
        seed,
        keeper_sim::Ts(now.timestamp_millis()),
    );
    ReviewSims::start(&ReviewWorld::from_dataset(&data), seed, now)
        .await
        .expect("review simulators start")
}

fn keeper(db: &std::path::Path) -> Command {
    let mut cmd = Command::new(KEEPER);
    cmd.arg("--db")
        .arg(db)
        // No real browser: webbrowser runs $BROWSER, here a no-op.
        .env("BROWSER", "true")
        .env_remove("KEEPER_YELP_API_KEY")
        .env_remove("KEEPER_GOOGLE_TOKEN");
    cmd
}

fn connect_google(sims: &ReviewSims, db: &std::path::Path) -> Command {
    let st = &sims.state;
    let mut cmd = keeper(db);
    cmd.args(["reviews", "connect-google", "--timeout-secs", "20"])
        .args(["--client-id", &st.google_client_id])
        .args(["--account", &st.account_id])
        .args(["--oauth-base", sims.google_base_url()]);
    cmd
}

fn yelp_key(db: &std::path::Path, key: &str, no_bus: bool) -> Output {
    let mut cmd = keeper(db);
    cmd.args(["reviews", "yelp-key"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if no_bus {
        cmd.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keeper-no-bus",
        )
        .env_remove("XDG_RUNTIME_DIR");
    }
    let mut child = cmd.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{key}").unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_both_commands_say_so_and_no_browser_opens() {
    let sims = sims(71).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite3");
    let out = connect_google(&sims, &db)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keeper-no-bus",
        )
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .unwrap();
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("keyring"), "{all}");
    assert!(!all.contains("/o/oauth2/v2/auth"), "no browser: {all}");

    let key = "yelp-secret-no-keyring-0123456789";
    let out = yelp_key(&db, key, true);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("keyring"), "{all}");
    assert!(!all.contains(key), "the key is never echoed: {all}");
    sims.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn google_and_yelp_credentials_go_to_the_keyring_and_fetch_uses_them() {
    if std::env::var("KEEPER_KEYRING_TEST").as_deref() != Ok("1") {
        println!(
            "skipped: set KEEPER_KEYRING_TEST=1 inside a D-Bus session with an unlocked keyring"
        );
        return;
    }
    let sims = sims(72).await;
    let st = sims.state.clone();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite3");

    // Google: the sign-in through the "browser".
    let mut child = connect_google(&sims, &db)
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
            if line.contains("/o/oauth2/v2/auth")
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
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let page = reqwest::get(&url).await.unwrap();
    assert!(page.status().is_success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let printed = reader.await.unwrap();
    assert!(status.success(), "{printed}");
    assert!(
        printed.contains(&format!("Connected Google account {}", st.account_id)),
        "{printed}"
    );
    assert!(!printed.contains(&st.google_token), "no token on screen");

    // Yelp: the key from standard input.
    let out = yelp_key(&db, &format!("  {}  ", st.yelp_api_key), false);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        !all.contains(&st.yelp_api_key),
        "the key is never echoed: {all}"
    );

    // A fetch with no credential on the command line reads both from the keyring.
    let out = keeper(&db)
        .args(["reviews", "--json", "fetch"])
        .args(["--google-base-url", sims.google_base_url()])
        .args(["--google-account", &st.account_id])
        .args(["--google-location", &st.location_id])
        .args(["--google-client-id", &st.google_client_id])
        .args(["--yelp-base-url", sims.yelp_base_url()])
        .args(["--yelp-business", &st.yelp_business_id])
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    let summaries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fetched = |source: &str| {
        summaries
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source)
            .map(|s| s["fetched"].as_u64().unwrap())
    };
    assert_eq!(fetched("google"), Some(sims.google_reviews().len() as u64));
    assert_eq!(fetched("yelp"), Some(3), "Yelp gives three excerpts");
    sims.shutdown().await;
}
