"""The TPC-H corpus project is valid DataFusion SQL: every view plans and executes.

This uses DataFusion directly (not the checker) so that a corpus error can never be
confused with a checker bug; checker tests can then rely on the corpus being clean.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import datafusion
import pytest

PROJECT = Path(__file__).parent / "project"
VIEWS = sorted((PROJECT / "views").glob("*.sql"))
# Views other views read from; registered before the rest are planned.
UPSTREAM = ["revenue0"]


def _load_generate():
    """Import generate.py by path: tests/ is not a package and the import mode may vary."""
    spec = importlib.util.spec_from_file_location("tpch_generate", Path(__file__).parent / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@pytest.fixture(scope="session")
def tpch_ctx(tmp_path_factory) -> datafusion.SessionContext:
    """A session with the 8 tables (generated at SF 0.01) and revenue0 registered."""
    data = tmp_path_factory.mktemp("tpch") / "data"
    _load_generate()(data, 0.01)
    config = tomllib.loads((PROJECT / "viewls.toml").read_text())
    ctx = datafusion.SessionContext()
    for name, extract in config["extracts"].items():
        # The project's paths are relative to the project; the files live in the tmp dir.
        ctx.register_parquet(name, str(data / Path(extract["path"]).name))
    for name in UPSTREAM:
        ctx.register_view(name, ctx.sql((PROJECT / "views" / f"{name}.sql").read_text()))
    return ctx


def test_corpus_is_complete():
    names = {p.stem for p in VIEWS}
    assert names == {f"q{i:02d}" for i in range(1, 23)} | {"revenue0"}


def test_extracts_match_tables(tpch_ctx):
    config = tomllib.loads((PROJECT / "viewls.toml").read_text())
    assert len(config["extracts"]) == 8
    for name in config["extracts"]:
        assert tpch_ctx.table(name).count() > 0


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.stem)
def test_view_plans_and_executes(tpch_ctx, path):
    text = path.read_text()
    assert text.startswith("-- @description: ")
    df = tpch_ctx.sql(text)
    assert len(df.schema()) > 0
    # Every query returns rows at SF 0.01 (aggregates without GROUP BY return one row).
    assert sum(batch.num_rows for batch in df.collect()) > 0
