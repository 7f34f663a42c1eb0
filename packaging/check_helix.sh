#!/usr/bin/env bash
# Drives a real Helix with the configuration of docs/editors/helix.md (taken from the doc's
# own toml blocks) and checks what the doc promises: diagnostics inline, inlay hints, hover,
# :lsp-workspace-command materializing a view, and no server for SQL outside a project.
#
# Not part of `make test`: Helix is not installable from the package registries CI can
# reach (Debian 12 has no helix package). Run it wherever `hx` exists:
#   HX=/path/to/hx VIEWLS_BIN=/path/to/venv/bin bash packaging/check_helix.sh
# Needs tmux (Helix is a terminal program). Exits non-zero on any failure.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HX=${HX:-$(command -v hx || true)}
VIEWLS_BIN=${VIEWLS_BIN:-$REPO/.venv/bin}
[ -n "$HX" ] && [ -x "$HX" ] || { echo "FAIL: no Helix: set HX=/path/to/hx" >&2; exit 1; }
[ -x "$VIEWLS_BIN/viewls" ] || { echo "FAIL: no $VIEWLS_BIN/viewls: set VIEWLS_BIN" >&2; exit 1; }
command -v tmux >/dev/null || { echo "FAIL: tmux is needed" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/viewls-helix.XXXXXX")
SESSION=viewls-helix-$$
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; tmux capture-pane -p -t "$SESSION" >&2 2>/dev/null || true; exit 1; }

# The configuration exactly as the doc gives it: its first toml block is languages.toml,
# its second config.toml.
mkdir -p "$WORK/config/helix"
python3 - "$REPO/docs/editors/helix.md" "$WORK/config/helix" <<'EOF'
import re, sys
blocks = re.findall(r"^```toml\n(.*?)^```", open(sys.argv[1]).read(), re.S | re.M)
open(sys.argv[2] + "/languages.toml", "w").write(blocks[0])
open(sys.argv[2] + "/config.toml", "w").write(blocks[1])
EOF
for project in shop broken; do
    cp -r "$REPO/examples/$project" "$WORK/$project"
    rm -rf "$WORK/$project/target"
done
echo "select 1 from nowhere" >"$WORK/loose.sql"
export XDG_CONFIG_HOME=$WORK/config PATH=$VIEWLS_BIN:$PATH
"$HX" --version

echo "== hx --health sql lists viewls"
"$HX" --health sql | tee "$WORK/health.txt"
grep -q "viewls: .*$VIEWLS_BIN/viewls" "$WORK/health.txt" || fail "viewls is not a configured language server"

# Opens FILE in Helix inside a detached tmux session (the previous one is closed).
open_in_helix() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    tmux new-session -d -s "$SESSION" -x 160 -y 40 -c "$WORK" \
        "XDG_CONFIG_HOME='$XDG_CONFIG_HOME' PATH='$PATH' '$HX' '$1'"
}
# Waits up to 30 s for TEXT to appear on the screen.
wait_for() {
    for _ in $(seq 60); do
        tmux capture-pane -p -t "$SESSION" | grep -qF -- "$1" && return 0
        sleep 0.5
    done
    fail "did not see '$1' on Helix's screen"
}

echo "== a broken view shows its error inline"
open_in_helix broken/views/customer_totals.sql
wait_for "unknown column 'o.ammount'; did you mean 'amount'?"

echo "== a clean view shows derived types as inlay hints, hover shows a view's schema"
open_in_helix shop/views/top_customers.sql
# Helix cannot be told to ask again (no inlay-hint refresh support): hints requested while
# the project still loads stay empty until the next cursor move, as a user's would.
sleep 5
tmux send-keys -t "$SESSION" j
wait_for "value_rank: uint64"
tmux send-keys -t "$SESSION" '/customer_lifetime' Enter
sleep 0.5
tmux send-keys -t "$SESSION" ' k'
wait_for "view customer_lifetime_value"
tmux send-keys -t "$SESSION" Escape

echo "== :lsp-workspace-command viewls.materialize writes the view"
tmux send-keys -t "$SESSION" ':lsp-workspace-command viewls.materialize {"views": ["top_customers"]}' Enter
wait_for "1 rebuilt"
[ -s "$WORK/shop/target/top_customers.parquet" ] || fail "no shop/target/top_customers.parquet"

echo "== no server for a .sql file outside any project"
open_in_helix loose.sql
sleep 3
tmux send-keys -t "$SESSION" ':lsp-workspace-command viewls.materialize {"all": true}' Enter
wait_for "is not supported for any language server"

printf '\nhelix check: 5 passed, 0 failed\n'
