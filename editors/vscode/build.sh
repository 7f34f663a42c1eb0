#!/usr/bin/env bash
# Builds the VS Code extension end to end: install (only when package-lock.json changed),
# lint, type-check, unit-test (the server-backed tests need the repository's .venv: `make
# install`), bundle, package. Prints where the .vsix is. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
CACHE="${VIEWLS_CACHE:-$HOME/.cache/viewls}"

step() { printf '== vscode: %s\n' "$*"; }

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( major < 20 )); then
  echo "build.sh: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci wipes node_modules: run it only when the lock file differs from the installed one.
stamp=node_modules/.viewls-lock.sha256
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock" ]]; then
  step "npm ci"
  npm ci --cache "$CACHE/npm" --prefer-offline --no-audit --no-fund --loglevel=error
  echo "$lock" > "$stamp"
fi

step "lint";       npx --no-install eslint --max-warnings 0 .
step "type-check"; npx --no-install tsc --noEmit -p .
step "unit tests"; npm run --silent test
step "bundle";     node esbuild.mjs
step "package"
rm -f dist/viewls.vsix
npx --no-install vsce package --no-dependencies --allow-missing-repository --out dist/viewls.vsix >/dev/null
echo "vscode extension: $(pwd)/dist/viewls.vsix"
