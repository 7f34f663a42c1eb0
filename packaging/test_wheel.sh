#!/usr/bin/env bash
# Builds the release wheel and proves it works on its own: a fresh venv that has only the
# wheel and its PyPI dependencies runs viewls (packaging/wheel_checks.sh) on copies of the
# example projects while the clone is hidden (an empty tmpfs over it in a private mount
# namespace; needs root). Exits non-zero on the first failure.
#
# Caches (outside the clone, so a clean clone's second run is fast):
#   ~/.cache/viewls/cargo-target      Cargo's target dir, shared with `make` (incremental build)
#   ~/.cache/viewls/pip               pip's download/wheel cache
#   ~/.cache/viewls/packaging/tools   a venv holding maturin
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VIEWLS_CACHE:-$HOME/.cache/viewls}
PYTHON=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CACHE/cargo-target}
export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$CACHE/pip}
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Nothing from the caller's environment may lead Python back into the clone.
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV
export PYTHONNOUSERSITE=1

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/viewls-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step "maturin (tool venv in $CACHE/packaging/tools)"
TOOLS=$CACHE/packaging/tools
if ! "$TOOLS/bin/maturin" --version >/dev/null 2>&1; then
    rm -rf "$TOOLS"
    "$PYTHON" -m venv "$TOOLS"
    # The same range as pyproject.toml's build-system.requires.
    "$TOOLS/bin/pip" install --quiet 'maturin>=1.7,<2'
fi
"$TOOLS/bin/maturin" --version

# PyO3 rebuilds itself and the crate whenever the interpreter path changes, so build with
# the real base interpreter: the path pip's editable and pre-commit builds use too when
# pyproject.toml sets `[tool.maturin] use-base-python = true`.
BASE_PYTHON=$("$PYTHON" -c 'import os, sys; print(os.path.realpath(sys._base_executable))')
step "maturin build --release (CARGO_TARGET_DIR=$CARGO_TARGET_DIR, interpreter $BASE_PYTHON)"
(cd "$REPO" && "$TOOLS/bin/maturin" build --release --interpreter "$BASE_PYTHON" --out "$WORK/dist")
wheels=("$WORK"/dist/viewls-*.whl)
[ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected exactly one wheel in $WORK/dist"
WHEEL=${wheels[0]}
echo "built $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1))"

step "wheel contents: the native module and the package, nothing else"
"$PYTHON" - "$WHEEL" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
required = ["viewls/__init__.py", "viewls/cli/main.py", "viewls/lsp/server.py"]
missing = [n for n in required if n not in names]
native = [n for n in names if n.startswith("viewls/_native") and n.endswith(".so")]
# Only the package and its metadata: no tests, examples or benchmarks leak in.
stray = [n for n in names if not (n.startswith("viewls/") or n.startswith("viewls-"))]
if missing or len(native) != 1 or stray:
    sys.exit(f"bad wheel: missing={missing} native={native} stray={stray[:10]}")
print(f"{len(names)} files, native module {native[0]}")
EOF

step "fresh venv, pip install the wheel (dependencies from PyPI)"
"$PYTHON" -m venv "$WORK/venv"
BIN=$WORK/venv/bin
"$BIN/pip" install --quiet "$WHEEL"

# The examples are copied out (without build outputs) before the clone disappears.
for project in shop broken; do
    cp -r "$REPO/examples/$project" "$WORK/$project"
    rm -rf "$WORK/$project/target"
done
cp "$REPO/packaging/wheel_checks.sh" "$WORK/wheel_checks.sh"

# The rest runs in a private mount namespace with an empty tmpfs over the clone, so the
# installed wheel cannot read anything from the source tree (needs root, as CI runs).
step "hide the clone and run the installed viewls"
unshare --mount true 2>/dev/null || fail "unshare --mount failed: run as root (hiding the clone needs a mount namespace)"
unshare --mount bash -c 'mount -t tmpfs -o size=1m tmpfs "$2" && exec bash "$1/wheel_checks.sh" "$1" "$2" "$3"' \
    _ "$WORK" "$REPO" "$(basename "$WHEEL" | cut -d- -f2)"
