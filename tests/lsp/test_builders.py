"""Builder modules through the real server: diagnostics as you type, builders re-run when
a module they import changes on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.conftest import SHOP, diagnostics_for, files_changed, open_view, replace

BUILDER = '''from viewls.spec import view
from specs.columns import KEY


@view(ordering=["order_id"])
def keyed_orders():
    return f"SELECT {KEY}, user_id FROM orders"


@view
def paid():
    return "SELECT order_id, amont FROM orders WHERE status = 'paid'"
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    config = (root / "viewls.toml").read_text()
    (root / "viewls.toml").write_text(config.replace("[project]\n", '[project]\nbuilders = ["specs/**/*.py"]\n', 1))
    (root / "specs" / "columns.py").write_text('KEY = "order_id"\n')
    (root / "specs" / "built.py").write_text(BUILDER)
    return root


async def test_a_builder_modules_errors_as_you_type(client, project):
    path = project / "specs" / "built.py"
    text = path.read_text()
    open_view(client, path, text)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    start = text.index("amont")
    assert found.code == "unknown-column" and found.message.startswith("view 'paid': unknown column 'amont'")
    assert (found.range.start.line, found.range.start.character) == (text.count("\n", 0, start),
                                                                      start - text.rfind("\n", 0, start) - 1)
    text = replace(client, path, 2, "amont", "status", text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    replace(client, path, 3, "return f\"SELECT", "raise RuntimeError('no')\n    return f\"SELECT", text)
    (failed,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert failed.code == "builder-error" and "RuntimeError: no" in failed.message


async def test_a_module_a_builder_imports_changes_on_disk(client, project):
    path = project / "specs" / "built.py"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 1)
    helper = project / "specs" / "columns.py"
    helper.write_text('KEY = "order_key"\n')
    files_changed(client, (helper, types.FileChangeType.Changed))
    found = await diagnostics_for(client, path, lambda d: any("order_key" in x.message for x in d))
    assert any(x.code == "unknown-column" for x in found)
