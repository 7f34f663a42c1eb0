"""A view nested too deeply, too large or too slow on disk: the server still loads the whole
project, reports that view, and keeps analysing edits (it used to fail to load, then
answer the next edit with an AssertionError)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.lsp.conftest import SHOP, diagnostics_for, open_view, replace

DEEP = ("SELECT x FROM " + "(SELECT x FROM " * 400 + "(SELECT 1 AS x) t0"
        + "".join(f") t{k + 1}" for k in range(400)))
SLOW = "SELECT " + " + ".join(["1"] * 5000) + " AS x"  # over a minute in DataFusion's optimizer


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    (root / "views" / "deep.sql").write_text(DEEP)
    (root / "views" / "slow.sql").write_text(SLOW)
    (root / "views" / "big.sql").write_text("SELECT 1 AS x -- " + "x" * 20_000)
    config = root / "viewls.toml"
    config.write_text(config.read_text() + "\n[limits]\nmax_view_bytes = 12_000\nmax_analysis_seconds = 1\n")
    return root


async def test_the_server_loads_a_project_with_views_beyond_the_limits_and_keeps_going(client, project):
    views = project / "views"
    for name, start in (("deep", DEEP.index("SELECT", DEEP.index("(SELECT") + 23 * 15)), ("slow", 0), ("big", 0)):
        (found,) = await diagnostics_for(client, views / f"{name}.sql", lambda d: len(d) == 1, timeout=60)
        assert found.code == "limit-exceeded", found
        assert (found.range.start.line, found.range.start.character) == (0, start)
    # Every other view was analysed: break one and its unopened dependent hears of it.
    path, dependent = views / "users_clean.sql", views / "customer_keys.sql"
    text = path.read_text()
    open_view(client, path, text)
    text = replace(client, path, 2, "lower(trim(email)) as email", "lower(trim(email)) as mail", text)
    assert [d.code for d in await diagnostics_for(client, dependent, lambda d: len(d) > 0)] == ["unknown-column"]
    # And the deep view, edited into a shallow one, is analysed as any other.
    deep = views / "deep.sql"
    open_view(client, deep, DEEP)
    replace(client, deep, 2, DEEP, "SELECT 1 AS x", DEEP)
    await diagnostics_for(client, deep, lambda d: len(d) == 0)
