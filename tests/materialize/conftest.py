from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.analysis.snapshot import Snapshot

SHOP = Path(__file__).parents[2] / "examples" / "shop"


class Shop:
    """A copy of the shop example to build, edit and build again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "target"

    def snapshot(self) -> Snapshot:
        return AnalysisHost.load(self.root).snapshot()

    def view(self, name: str) -> Path:
        return self.root / "views" / f"{name}.sql"

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.view(name)
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1))


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return Shop(root)
