#!/usr/bin/env bash
# Runs the hooks of .pre-commit-hooks.yaml for real: pre-commit (from PyPI) installs viewls
# from this repository at its last commit, as a user's `.pre-commit-config.yaml` would,
# then runs it in two throw-away git repositories: a copy of examples/shop (must pass) and
# one of examples/broken (must fail, showing the diagnostics). Exits non-zero on any failure.
#
# Tests the COMMITTED hooks and code (pre-commit clones `rev`): commit before running it.
# Caches: ~/.cache/viewls/packaging/pre-commit-venv (pre-commit itself),
# ~/.cache/viewls/pre-commit (PRE_COMMIT_HOME: the hook environment, built once per revision
# of the package),
# ~/.cache/viewls/cargo-target (the native crate, built incrementally), ~/.cache/viewls/pip.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VIEWLS_CACHE:-$HOME/.cache/viewls}
PYTHON=${PYTHON:-python3}
# pre-commit passes the environment to pip, and pip to maturin and cargo.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CACHE/cargo-target}
export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$CACHE/pip}
export PRE_COMMIT_HOME=${PRE_COMMIT_HOME:-$CACHE/pre-commit}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PRE_COMMIT_COLOR=never
unset PYTHONPATH VIRTUAL_ENV

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/viewls-precommit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step "pre-commit (tool venv in $CACHE/packaging/pre-commit-venv)"
TOOL=$CACHE/packaging/pre-commit-venv
if ! "$TOOL/bin/pre-commit" --version >/dev/null 2>&1; then
    rm -rf "$TOOL"
    "$PYTHON" -m venv "$TOOL"
    "$TOOL/bin/pip" install --quiet 'pre-commit>=4,<5'
fi
"$TOOL/bin/pre-commit" --version

# The last commit that changed the hooks or the package: commits elsewhere (docs, editors)
# then reuse the cached hook environment instead of rebuilding the crate.
PACKAGE=(.pre-commit-hooks.yaml pyproject.toml viewls udf_native)
REV=$(git -C "$REPO" log -1 --format=%H -- "${PACKAGE[@]}")
[ -n "$REV" ] || fail "no commit holds .pre-commit-hooks.yaml"
if [ -n "$(git -C "$REPO" status --porcelain -- "${PACKAGE[@]}")" ]; then
    echo "note: uncommitted changes to the hooks or the package are not tested (pre-commit installs $REV)"
fi
"$TOOL/bin/pre-commit" validate-manifest "$REPO/.pre-commit-hooks.yaml"

# What a user writes in .pre-commit-config.yaml. It lives at a fixed path in the cache because
# `pre-commit gc` keeps the environments of the configs that still exist: a second run at the
# same revision reuses the hook environment, and earlier ones' environments are dropped.
CONFIG=$CACHE/packaging/pre-commit-config.yaml
cat >"$CONFIG" <<EOF
repos:
  - repo: $REPO
    rev: $REV
    hooks:
      - id: viewls-check
      - id: viewls-check-system
EOF
"$TOOL/bin/pre-commit" gc

# A git repository holding a copy of one example project at its root.
make_repo() {
    local dir=$WORK/$1
    cp -r "$REPO/examples/$1" "$dir"
    rm -rf "$dir/target"
    git -C "$dir" init --quiet
    git -C "$dir" add .
}

# Runs one hook on every file of a repository; prints the output, returns pre-commit's status.
run_hook() {
    (cd "$WORK/$1" && "$TOOL/bin/pre-commit" run --config "$CONFIG" "$2" --all-files) >"$WORK/$1-$2.log" 2>&1 || return $?
}

make_repo shop
make_repo broken

step "install the viewls-check hook environment (pip builds the native crate with maturin)"
start=$SECONDS
(cd "$WORK/shop" && "$TOOL/bin/pre-commit" install-hooks --config "$CONFIG") || fail "pre-commit could not install the hooks"
echo "hook environment ready in $((SECONDS - start)) s"

step "viewls-check on a copy of examples/shop (clean: passes)"
run_hook shop viewls-check || { cat "$WORK/shop-viewls-check.log"; fail "the hook failed on the clean project"; }
cat "$WORK/shop-viewls-check.log"
grep -q 'Passed' "$WORK/shop-viewls-check.log" || fail "pre-commit did not report Passed"

step "viewls-check on a copy of examples/broken (seeded errors: fails)"
rc=0
run_hook broken viewls-check || rc=$?
cat "$WORK/broken-viewls-check.log"
[ $rc -eq 1 ] || fail "pre-commit exited $rc on the broken project, expected 1"
grep -q 'error\[unknown-column\]' "$WORK/broken-viewls-check.log" || fail "the diagnostics are not shown"

step "viewls-check is skipped when no view or viewls.toml changed"
echo "notes" >"$WORK/broken/NOTES.txt"
git -C "$WORK/broken" add NOTES.txt
(cd "$WORK/broken" && "$TOOL/bin/pre-commit" run --config "$CONFIG" viewls-check --files NOTES.txt) >"$WORK/skip.log" 2>&1 \
    || { cat "$WORK/skip.log"; fail "the hook ran on a file it does not match"; }
cat "$WORK/skip.log"
grep -q 'no files to check' "$WORK/skip.log" || fail "the hook was not skipped"

# viewls-check-system runs the viewls found on PATH: here the one pre-commit just installed.
step "viewls-check-system with the installed viewls on PATH"
hook_repo=$("$PYTHON" -c 'import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("SELECT path FROM repos WHERE repo = ? AND ref = ?", sys.argv[2:]).fetchone()
print(row[0] if row else "")' "$PRE_COMMIT_HOME/db.db" "$REPO" "$REV")
hook_bin=$(dirname "$(ls "$hook_repo"/py_env-*/bin/viewls 2>/dev/null | head -1)")
[ -x "$hook_bin/viewls" ] || fail "no viewls in pre-commit's environment for $REV"
export PATH=$hook_bin:$PATH
run_hook shop viewls-check-system || { cat "$WORK/shop-viewls-check-system.log"; fail "the system hook failed on the clean project"; }
rc=0
run_hook broken viewls-check-system || rc=$?
cat "$WORK/broken-viewls-check-system.log"
[ $rc -eq 1 ] || fail "the system hook exited $rc on the broken project, expected 1"

printf '\npre-commit test: 5 passed, 0 failed\n'
