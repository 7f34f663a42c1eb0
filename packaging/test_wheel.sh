#!/usr/bin/env bash
# Builds the release wheel and proves it works on its own: a fresh venv that has only the
# wheel and its PyPI dependencies, run from a directory outside the clone, on copies of the
# example projects. Exits non-zero on the first failure.
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

# Everything below runs outside the clone, on copies of the examples without build outputs.
cd "$WORK"
for project in shop broken; do
    cp -r "$REPO/examples/$project" "$WORK/$project"
    rm -rf "$WORK/$project/target"
done

step "the installed package is the wheel's, not the clone's"
"$BIN/python" - "$WORK/venv" "$REPO" <<'EOF'
import sys, viewls, viewls._native
venv, repo = sys.argv[1], sys.argv[2]
for module in (viewls, viewls._native):
    where = module.__file__
    print(f"{module.__name__}: {where}")
    if not where.startswith(venv + "/") or where.startswith(repo + "/"):
        sys.exit(f"{module.__name__} imported from {where}, not from the fresh venv")
leaks = [p for p in sys.path if p == repo or p.startswith(repo + "/")]
if leaks:
    sys.exit(f"the clone is on sys.path: {leaks}")
EOF

step "viewls --version"
version=$("$BIN/viewls" --version)
echo "$version"
expected=$(basename "$WHEEL" | cut -d- -f2)
[ "$version" = "viewls $expected" ] || fail "--version printed '$version', expected 'viewls $expected'"

step "viewls check shop (clean: exit 0)"
"$BIN/viewls" check shop --color never || fail "check of the clean project exited $?"

step "viewls check broken (seeded errors: exit 1 with diagnostics)"
rc=0
"$BIN/viewls" check broken --color never >"$WORK/broken.txt" || rc=$?
cat "$WORK/broken.txt"
[ $rc -eq 1 ] || fail "check of the broken project exited $rc, expected 1"
grep -q 'error\[unknown-column\]' "$WORK/broken.txt" || fail "no unknown-column diagnostic in the output"

step "viewls check --format github broken (annotations for GitHub Actions)"
rc=0
"$BIN/viewls" check --format github broken >"$WORK/github.txt" || rc=$?
head -3 "$WORK/github.txt"
[ $rc -eq 1 ] || fail "github-format check exited $rc, expected 1"
grep -q '^::error file=views/.*\.sql,line=[0-9]*,col=[0-9]*' "$WORK/github.txt" || fail "no ::error annotation"

step "viewls materialize top_customers (and its upstream views)"
"$BIN/viewls" materialize +top_customers --project shop
"$BIN/python" - shop/target/top_customers.parquet <<'EOF'
import sys, pyarrow.parquet as pq
table = pq.read_table(sys.argv[1])
print(f"{sys.argv[1]}: {table.num_rows} rows, columns {table.column_names}")
if table.num_rows == 0:
    sys.exit("the materialized view is empty")
EOF

step "viewls serve answers initialize over stdio (what Helix, Zed and other editors run)"
"$BIN/python" - "$BIN/viewls" "$WORK/shop" <<'EOF'
import json, subprocess, sys
from pathlib import Path

def send(stream, message):
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    stream.flush()

def receive(stream):
    length = None
    while (line := stream.readline().strip()):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length is None:
        sys.exit("the server closed stdout before answering")
    return json.loads(stream.read(length))

server = subprocess.Popen([sys.argv[1], "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
try:
    root = Path(sys.argv[2]).as_uri()
    send(server.stdin, {"id": 1, "method": "initialize",
                        "params": {"processId": None, "rootUri": root, "capabilities": {},
                                   "workspaceFolders": [{"uri": root, "name": "shop"}]}})
    while "id" not in (reply := receive(server.stdout)):
        pass  # notifications (log messages) may come first
    capabilities = reply.get("result", {}).get("capabilities", {})
    print("server capabilities:", ", ".join(sorted(capabilities)))
    if "hoverProvider" not in capabilities:
        sys.exit(f"unexpected initialize reply: {reply}")
    send(server.stdin, {"method": "initialized", "params": {}})
    send(server.stdin, {"id": 2, "method": "shutdown"})
    while reply.get("id") != 2:
        reply = receive(server.stdout)
    send(server.stdin, {"method": "exit"})
    if server.wait(timeout=30) != 0:
        sys.exit(f"the server exited {server.returncode} after shutdown/exit")
finally:
    if server.poll() is None:
        server.kill()
EOF

printf '\nwheel test: 8 passed, 0 failed\n'
