# Shared by every script (sourced): one persistent target directory and the toolchain setup.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One persistent target directory for developers, scripts and CI, so a clean clone builds
# incrementally. An existing CARGO_TARGET_DIR wins.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/open-badge-chain/target}"
NODE_BIN="$CARGO_TARGET_DIR/debug/badge-node"
# A Python environment with openbadgeslib, the independent Open Badges implementation the tests
# check our baked images against.
export OB_VENV="${OB_VENV:-$HOME/.cache/open-badge-chain/venv}"
export OB_PYTHON="$OB_VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
