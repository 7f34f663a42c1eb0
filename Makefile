# The two entry points of the README: `make demo` and `make test`.
# Both create .venv and install everything (including the native crate) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Cargo builds outside the clone so that repeated CI runs rebuild incrementally.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/viewls/cargo-target

STAMP := $(VENV)/.installed
SOURCES := pyproject.toml udf_native/Cargo.toml udf_native/Cargo.lock $(wildcard udf_native/src/*.rs)

.PHONY: demo test test-vscode test-nvim test-packaging bench install clean

demo: $(STAMP)
	@echo "== viewls check examples/shop: a clean project (19 views over 5 extracts, 3 generated from spec rows)"
	$(BIN)/viewls check examples/shop
	@echo; echo "== viewls graph --format mermaid: derived dependencies"
	$(BIN)/viewls graph --project examples/shop --format mermaid top_customers
	@echo; echo "== viewls schema top_customers: a schema derived by planning, never declared"
	$(BIN)/viewls schema top_customers --project examples/shop
	@echo; echo "== viewls render orders_keys: the SQL a template row of specs/normalize.toml generates"
	$(BIN)/viewls render orders_keys --project examples/shop
	@echo; echo "== viewls check examples/broken: one seeded error per view (exit 1 expected)"
	-$(BIN)/viewls check examples/broken
	@echo; echo "== viewls materialize --all: every view built into examples/shop/target/*.parquet"
	$(BIN)/viewls materialize --all --project examples/shop
	@echo; echo "== viewls materialize --all --changed: nothing changed, nothing rebuilt"
	$(BIN)/viewls materialize --all --changed --project examples/shop
	@echo; echo "== viewls preview top_customers --limit 5"
	$(BIN)/viewls preview top_customers --limit 5 --project examples/shop

test: $(STAMP)
	@# The crate's own tests first: release profile and the same CARGO_TARGET_DIR as maturin,
	@# so the dependencies compiled for the extension module are reused, not rebuilt.
	cargo test --release --no-default-features --manifest-path udf_native/Cargo.toml
	@# pytest exits 5 when no test was collected; that is not a failure.
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then exit 0; fi; exit $$rc
	@# The editors, each against the real server. VS Code: build, lint, unit-test and package
	@# the extension, then run it in a real VS Code (code-server). Neovim 0.7 and 0.11 headless.
	editors/vscode/build.sh
	editors/vscode/e2e/run.sh
	editors/nvim/test/run.sh
	@# The wheel in a fresh venv with the clone hidden, the pre-commit hooks, the docs' CI and editor examples.
	packaging/test.sh

test-vscode: $(STAMP)
	editors/vscode/build.sh
	editors/vscode/e2e/run.sh

test-nvim: $(STAMP)
	editors/nvim/test/run.sh

test-packaging:
	packaging/test.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/check_bench.py

install: $(STAMP)

$(STAMP): $(SOURCES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) viewls/_native*.so
