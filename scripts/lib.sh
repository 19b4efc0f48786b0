# Shared by Keeper's scripts: install what is missing, as root without prompting, else with sudo.
# shellcheck shell=bash

KEEPER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keeper-target}"

# Debian packages the Tauri shell needs to build, and those its window tests need.
TAURI_BUILD_PKGS=(libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev
  librsvg2-dev libsoup-3.0-dev libxdo-dev file pkg-config)
KEYRING_TEST_PKGS=(gnome-keyring dbus libsecret-tools)
WINDOW_TEST_PKGS=(xvfb webkit2gtk-driver xauth dbus-x11 imagemagick x11-utils xdotool trayer)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_ensure PKG...: installs the packages that are not installed yet.
apt_ensure() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}" >&2
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# npm_ensure: node_modules matches package-lock.json.
npm_ensure() {
  local stamp="$KEEPER_ROOT/node_modules/.keeper-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$KEEPER_ROOT/package-lock.json" "$stamp"; then
    echo "==> npm ci" >&2
    (cd "$KEEPER_ROOT" && npm ci --no-audit --no-fund)
    cp "$KEEPER_ROOT/package-lock.json" "$stamp"
  fi
}

step() { echo; echo "==> $*" >&2; }

# ensure_tauri_driver: the WebDriver bridge for the end-to-end tests of the real window.
# It is built from crates.io (no prebuilt download) into ~/.cargo/bin, once per machine.
ensure_tauri_driver() {
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "==> cargo install tauri-driver 2.1.0" >&2
    cargo install tauri-driver --locked --version 2.1.0
  fi
}
