#!/usr/bin/env bash
# Provision the Python peers Keeper's tests compare against, in a venv outside the clone:
#   squareup  - Square's official SDK, pointed at the simulator
#   lifetimes - ships the CDNOW sample for the BG/NBD reproduction
#   recordlinkage - ships the FEBRL datasets for the matcher benchmark
# Idempotent: does nothing when the venv already has every package.
set -euo pipefail
VENV="${KEEPER_VENV:-$HOME/.cache/keeper/venv}"
PKGS=(squareup lifetimes recordlinkage)
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
missing=()
for p in "${PKGS[@]}"; do
  "$VENV/bin/python" -m pip show -q "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "provision-python: installing ${missing[*]} into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${missing[@]}"
fi
echo "$VENV/bin/python"
