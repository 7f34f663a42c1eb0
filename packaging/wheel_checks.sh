#!/usr/bin/env bash
# The checks of test_wheel.sh on an installed wheel, run by it in a mount namespace where
# the clone is hidden under an empty tmpfs: whatever viewls read from the source tree at
# run time would be missing here. Arguments: WORK (holds venv/, shop/, broken/), the path
# of the hidden clone, and the version the wheel's file name carries.
set -euo pipefail
WORK=$1 REPO=$2 EXPECTED_VERSION=$3
BIN=$WORK/venv/bin
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
cd "$WORK"

step "the clone is hidden: $REPO is empty"
[ -z "$(ls -A "$REPO")" ] || fail "$REPO is still visible"

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
[ "$version" = "viewls $EXPECTED_VERSION" ] || fail "--version printed '$version', expected 'viewls $EXPECTED_VERSION'"

step "viewls check shop (clean: exit 0)"
"$BIN/viewls" check shop --color never || fail "check of the clean project exited $?"

step "viewls check broken (seeded errors: exit 1 with diagnostics)"
rc=0
"$BIN/viewls" check broken --color never >"$WORK/broken.txt" || rc=$?
cat "$WORK/broken.txt"
[ $rc -eq 1 ] || fail "check of the broken project exited $rc, expected 1"
grep -q 'error\[unknown-column\]' "$WORK/broken.txt" || fail "no unknown-column diagnostic in the output"

step "viewls check --format github broken (annotations, paths from where check runs)"
rc=0
"$BIN/viewls" check --format github broken >"$WORK/github.txt" || rc=$?
head -3 "$WORK/github.txt"
[ $rc -eq 1 ] || fail "github-format check exited $rc, expected 1"
grep -q '^::error file=broken/views/.*\.sql,line=[0-9]*,col=[0-9]*' "$WORK/github.txt" || fail "no ::error annotation on broken/views/*.sql"

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

printf '\nwheel test: 9 passed, 0 failed\n'
