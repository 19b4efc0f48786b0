#!/usr/bin/env bash
# Starts the built Keeper app in a real window under Xvfb (with a tray host), then checks:
#  - a window titled "Keeper" appears;
#  - the UI reaches the Rust side: clicking "Health" in the sidebar makes the page call the
#    db_info command, which creates and migrates the database file;
#  - the screenshot is a rendered page, not a blank window.
# Saves the screenshot to $KEEPER_SHOTS (default: .screenshots/ in the repo).
#   scripts/window-smoke.sh PATH/TO/keeper-app
set -euo pipefail
source "$(dirname "$0")/lib.sh"
APP="${1:?usage: window-smoke.sh PATH/TO/keeper-app}"
SHOTS="${KEEPER_SHOTS:-$KEEPER_ROOT/.screenshots}"
mkdir -p "$SHOTS"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export KEEPER_DB="$WORK/keeper.sqlite3"

cat > "$WORK/run.sh" <<INNER
#!/bin/sh
# runs inside xvfb-run: a tray host, the app, then checks and a screenshot.
trayer --edge top --align right --widthtype pixel --width 60 --height 24 >/dev/null 2>&1 &
TRAYER=\$!
"$APP" >"$WORK/app.log" 2>&1 &
APP_PID=\$!
ok=0
i=0
while [ \$i -lt 120 ]; do
  if xdotool search --name '^Keeper\$' >/dev/null 2>&1; then ok=1; break; fi
  if ! kill -0 \$APP_PID 2>/dev/null; then break; fi
  sleep 0.5; i=\$((i+1))
done
sleep 3  # let the page finish painting
import -window root "$SHOTS/skeleton.png"
if [ \$ok = 1 ]; then
  ok=0
  # The window opens at the top left of the screen; "Health" is the last sidebar entry.
  xdotool mousemove 55 341 click 1
  i=0
  while [ \$i -lt 40 ]; do
    if [ -f "$KEEPER_DB" ]; then ok=1; break; fi
    sleep 0.5; i=\$((i+1))
  done
  sleep 2
  import -window root "$SHOTS/health.png"
fi
kill \$APP_PID \$TRAYER 2>/dev/null
wait \$APP_PID 2>/dev/null
[ \$ok = 1 ]
INNER
chmod +x "$WORK/run.sh"

if ! xvfb-run -a -s "-screen 0 1280x800x24" "$WORK/run.sh"; then
  echo "window-smoke: FAILED — no Keeper window, or the UI never called db_info. App log:" >&2
  cat "$WORK/app.log" >&2
  exit 1
fi
colours=$(identify -format '%k' "$SHOTS/skeleton.png")
echo "window-smoke: window up; the Health screen called db_info, which created $KEEPER_DB; screenshots in $SHOTS ($colours colours)"
if [ "$colours" -lt 64 ]; then
  echo "window-smoke: FAILED — the screenshot looks blank ($colours colours)" >&2
  exit 1
fi
echo "window-smoke: 1 passed, 0 failed"
