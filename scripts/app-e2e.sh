#!/usr/bin/env bash
# End-to-end tests of the real Keeper app under Xvfb: tauri-driver + WebKitWebDriver drive
# the window (tests/app/app.e2e.mjs, WebdriverIO under `node --test`), trayer hosts the tray
# icon, a small GTK window drags a spreadsheet onto Keeper. Everything runs inside a private
# D-Bus session: the tray menu is driven through its com.canonical.dbusmenu object as a tray
# host does, and a stand-in notification server records Keeper's desktop notifications in
# $KEEPER_E2E_WORK/notifications.jsonl. Screenshots of every screen go to $KEEPER_SHOTS
# (default: .screenshots/e2e in the repo).
#   scripts/app-e2e.sh PATH/TO/keeper-app
set -euo pipefail
source "$(dirname "$0")/lib.sh"
APP="$(realpath "${1:?usage: app-e2e.sh PATH/TO/keeper-app}")"
export KEEPER_SHOTS="${KEEPER_SHOTS:-$KEEPER_ROOT/.screenshots/e2e}"
mkdir -p "$KEEPER_SHOTS"
ensure_tauri_driver
# gdbus drives the tray menu; python3-gi runs the drag source and the notification server.
apt_ensure dbus libglib2.0-bin python3-gi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export KEEPER_APP="$APP"
export KEEPER_DB="$WORK/keeper.sqlite3"
export KEEPER_E2E_WORK="$WORK"
export KEEPER_NOTIFICATIONS="$WORK/notifications.jsonl"
# The small demo merchant keeps the suite to a few minutes; the salon one is the README demo.
export KEEPER_DEMO_PROFILE="${KEEPER_DEMO_PROFILE:-small}"
# No stray Keeper from an earlier run may answer the single-instance check.
pkill -x keeper-app 2>/dev/null || true

cat > "$WORK/run.sh" <<INNER
#!/bin/sh
# runs inside dbus-run-session and xvfb-run: a notification server, a tray host, the
# WebDriver server, then the suite.
/usr/bin/python3 "$KEEPER_ROOT/tests/app/notification_daemon.py" "$KEEPER_NOTIFICATIONS" >"$WORK/notifications.log" 2>&1 &
NOTIFY=\$!
trayer --edge top --align right --widthtype pixel --width 60 --height 24 >"$WORK/trayer.log" 2>&1 &
TRAYER=\$!
tauri-driver --port 4444 >"$WORK/driver.log" 2>&1 &
DRIVER=\$!
i=0
while ! (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i+1)); done
cd "$KEEPER_ROOT"
set -o pipefail
node --test --test-concurrency=1 tests/app/app.e2e.mjs | tee "$WORK/tap.txt"
status=\$?
# A suite that ran nothing, or cancelled a test, must not pass.
grep -q '^# pass [1-9]' "$WORK/tap.txt" || status=1
grep -q '^# cancelled 0' "$WORK/tap.txt" || status=1
kill \$DRIVER \$TRAYER \$NOTIFY 2>/dev/null
exit \$status
INNER
chmod +x "$WORK/run.sh"
# /dev/tcp is a bash feature: run the inner script with bash.
sed -i '1s|.*|#!/usr/bin/env bash|' "$WORK/run.sh"

if ! dbus-run-session -- xvfb-run -a -s "-screen 0 1920x1080x24" "$WORK/run.sh"; then
  echo "app-e2e: FAILED. tauri-driver log:" >&2
  tail -n 50 "$WORK/driver.log" >&2 || true
  exit 1
fi
echo "app-e2e: passed; screenshots in $KEEPER_SHOTS"
