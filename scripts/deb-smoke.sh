#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh built (with apt, so its dependencies come from
# Debian), starts the installed app under Xvfb, checks that it opens its window and database
# and that it loaded the bundled model and ONNX Runtime, then removes the package again.
#   scripts/deb-smoke.sh [debug|release]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
profile="${1:-debug}"
DEB="$(ls -t "$CARGO_TARGET_DIR/$profile/bundle/deb/"*.deb | head -n 1)"
echo "deb-smoke: installing $DEB"
contents="$(dpkg-deb --contents "$DEB")"
for wanted in 'model/model(_int8_dynamic)?\.onnx$' 'model/tokenizer\.json$' 'libonnxruntime'; do
  grep -Eq "$wanted" <<<"$contents" || {
    echo "deb-smoke: FAILED — the package does not carry $wanted (the model and ONNX Runtime)" >&2
    exit 1
  }
done
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$DEB" >/dev/null
trap 'as_root dpkg -r keeper >/dev/null 2>&1 || true' EXIT
BIN="$(dpkg -L keeper | grep -E '^/usr/bin/' | head -n 1)"
echo "deb-smoke: installed $BIN"
# The installed app must not fall back to the development cache.
KEEPER_MODEL_DIR=/nonexistent KEEPER_EXPECT_SEMANTIC=1 KEEPER_SHOTS="${KEEPER_SHOTS:-$KEEPER_ROOT/.screenshots/deb}" \
  scripts/window-smoke.sh "$BIN"
