#!/usr/bin/env bash
# Checks the CI and editor examples under docs/ against what reads them:
#   - docs/examples/github-actions.yml and gitlab-ci.yml against the GitHub workflow and
#     GitLab CI schemas (vendored in check-jsonschema, so no network at run time);
#   - every ```toml and ```json block of docs/editors/*.md parses;
#   - the Zed extension docs/examples/zed-viewls compiles against zed_extension_api.
# Exits non-zero on any failure. Caches: ~/.cache/viewls/packaging/lint-venv,
# ~/.cache/viewls/zed-target (Cargo), ~/.cache/viewls/pip.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VIEWLS_CACHE:-$HOME/.cache/viewls}
PYTHON=${PYTHON:-python3}
export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$CACHE/pip}
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n== %s\n' "$*"; }
passed=0

step "check-jsonschema (tool venv in $CACHE/packaging/lint-venv)"
LINT=$CACHE/packaging/lint-venv
if ! "$LINT/bin/check-jsonschema" --version >/dev/null 2>&1; then
    rm -rf "$LINT"
    "$PYTHON" -m venv "$LINT"
    "$LINT/bin/pip" install --quiet 'check-jsonschema>=0.30,<1'
fi
"$LINT/bin/check-jsonschema" --version

step "docs/examples/github-actions.yml is a valid GitHub Actions workflow"
"$LINT/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$REPO/docs/examples/github-actions.yml"
passed=$((passed + 1))

step "docs/examples/gitlab-ci.yml is a valid GitLab CI configuration"
"$LINT/bin/check-jsonschema" --builtin-schema vendor.gitlab-ci "$REPO/docs/examples/gitlab-ci.yml"
passed=$((passed + 1))

step "the TOML and JSON snippets of docs/editors/*.md parse"
"$PYTHON" - "$REPO"/docs/editors/*.md <<'EOF'
import json, re, sys, tomllib
count = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for match in re.finditer(r"^```(toml|json)\n(.*?)^```", text, re.S | re.M):
        kind, body = match.groups()
        line = text.count("\n", 0, match.start()) + 1
        try:
            tomllib.loads(body) if kind == "toml" else json.loads(body)
        except ValueError as error:
            sys.exit(f"{path}:{line}: this {kind} block does not parse: {error}")
        count += 1
if count == 0:
    sys.exit("no toml or json block found in docs/editors")
print(f"{count} blocks parse")
EOF
passed=$((passed + 1))

# Zed builds the extension for wasm32-wasip2 itself; compiling it for the host checks the
# same code against the same API without needing that target here.
step "the Zed extension compiles (cargo check --locked)"
CARGO_TARGET_DIR=$CACHE/zed-target cargo check --locked --quiet \
    --manifest-path "$REPO/docs/examples/zed-viewls/Cargo.toml"
passed=$((passed + 1))

printf '\nexamples test: %d passed, 0 failed\n' "$passed"
