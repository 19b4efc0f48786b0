#!/usr/bin/env bash
# Builds the desktop app and its Debian package, with the embedding model and the ONNX Runtime
# library bundled as Tauri resources (taken from the provisioning cache, never from git).
#   scripts/package.sh            release build: target/release/keeper-app + bundle/deb/*.deb
#   scripts/package.sh --debug    debug build (what the tests use; same layout under debug/)
# On macOS and Windows the same command bundles the .dylib / .dll from the same PyPI wheel
# (scripts/provision-model.sh picks the library for the OS it runs on).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KEEPER_ROOT"
apt_ensure "${TAURI_BUILD_PKGS[@]}" python3-venv
npm_ensure
MODEL_DIR="$(scripts/provision-model.sh --print-dir)"
CONF="$(mktemp --suffix=.json)"
STAGE="$(mktemp -d)"
trap 'rm -f "$CONF"; rm -rf "$STAGE"' EXIT
# The model files the app runs: the int8 model when it was built (model.onnx is only its
# source then, and stays out of the package), the tokenizer files, the manifest.
mkdir -p "$STAGE/model"
for f in "$MODEL_DIR"/model/*; do
  case "$(basename "$f")" in
    model.onnx) [ -f "$MODEL_DIR/model/model_int8_dynamic.onnx" ] && continue ;;
  esac
  ln "$f" "$STAGE/model/" 2>/dev/null || cp "$f" "$STAGE/model/"
done
# Merged over tauri.conf.json by the Tauri CLI: the two directories become
# resources/model/ and resources/onnxruntime/ inside the package.
cat > "$CONF" <<JSON
{"bundle": {"resources": {"$STAGE/model/": "model/", "$MODEL_DIR/onnxruntime/": "onnxruntime/"}}}
JSON
npm run build
TAURI_APP_PATH=src-tauri npx tauri build "$@" --bundles deb --config "$CONF"
profile=release
for a in "$@"; do [ "$a" = --debug ] && profile=debug; done
ls -l "$CARGO_TARGET_DIR/$profile/bundle/deb/"*.deb
