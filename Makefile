# The two entry points of the README: `make demo` and `make test`.
# Both create .venv and install everything (including the native crate) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Cargo builds outside the clone so that repeated CI runs rebuild incrementally.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/viewls/cargo-target

STAMP := $(VENV)/.installed
SOURCES := pyproject.toml udf_native/Cargo.toml $(wildcard udf_native/src/*.rs)

.PHONY: demo test bench install clean

demo: $(STAMP)
	$(BIN)/viewls check examples/shop

test: $(STAMP)
	@# pytest exits 5 when no test was collected; that is not a failure.
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then exit 0; fi; exit $$rc

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
