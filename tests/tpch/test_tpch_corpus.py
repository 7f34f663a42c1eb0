"""The TPC-H corpus project is valid DataFusion SQL: every view plans and executes.

This uses DataFusion directly (not the checker) so that a corpus error can never be
confused with a checker bug; checker tests can then rely on the corpus being clean.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent / "project"
VIEWS = sorted((PROJECT / "views").glob("*.sql"))


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
