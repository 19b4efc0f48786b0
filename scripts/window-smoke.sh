#!/usr/bin/env bash
# Starts a built (or installed) Keeper app in a real window under Xvfb (with a tray host),
# then checks:
#  - a window titled "Keeper" appears;
#  - the app opened (created and migrated) its database file on start;
#  - the screenshot is a rendered page, not a blank window;
#  - with KEEPER_EXPECT_SEMANTIC=1: the app found its bundled model and ONNX Runtime
#    (its log says "semantic search: on"), as the packaged .deb must.
# The interactive paths (IPC, tray, drag-and-drop) are the end-to-end suite's (app-e2e.sh).
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
import -window root "$SHOTS/window.png"
if [ \$ok = 1 ]; then
  ok=0
  i=0
  while [ \$i -lt 40 ]; do
    if [ -f "$KEEPER_DB" ]; then ok=1; break; fi
    sleep 0.5; i=\$((i+1))
  done
fi
kill \$APP_PID \$TRAYER 2>/dev/null
wait \$APP_PID 2>/dev/null
[ \$ok = 1 ]
INNER
chmod +x "$WORK/run.sh"

if ! xvfb-run -a -s "-screen 0 1280x800x24" "$WORK/run.sh"; then
  echo "window-smoke: FAILED — no Keeper window, or it never opened its database. App log:" >&2
  cat "$WORK/app.log" >&2
  exit 1
fi
colours=$(identify -format '%k' "$SHOTS/window.png")
echo "window-smoke: window up; the app created $KEEPER_DB; screenshot in $SHOTS ($colours colours)"
if [ "$colours" -lt 64 ]; then
  echo "window-smoke: FAILED — the screenshot looks blank ($colours colours)" >&2
  exit 1
fi
if [ "${KEEPER_EXPECT_SEMANTIC:-0}" = 1 ]; then
  if ! grep -q "semantic search: on" "$WORK/app.log"; then
    echo "window-smoke: FAILED — the app did not load its bundled model. App log:" >&2
    cat "$WORK/app.log" >&2
    exit 1
  fi
  echo "window-smoke: the app loaded its bundled model and ONNX Runtime"
fi
echo "window-smoke: 1 passed, 0 failed"
