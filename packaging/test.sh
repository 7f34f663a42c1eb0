#!/usr/bin/env bash
# Everything under packaging/: the docs' CI and editor examples, the wheel in a fresh venv,
# and the pre-commit hooks. Each script sets itself up (caches in ~/.cache/viewls).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
for test in test_examples.sh test_wheel.sh test_precommit.sh; do
    start=$SECONDS
    bash "$here/$test"
    printf '== %s: %d s\n' "$test" $((SECONDS - start))
done
