from __future__ import annotations

from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost, resolve_extracts
from viewls.builders.runner import BuilderRunner
from viewls.project.config import load_config

CONFIG = """\
[project]
specs = ["views/**/*.toml"]
builders = ["views/**/*.py"]

[extracts.orders]
path = "data/orders.parquet"
columns = { id = "int64", user_id = "int64", amount = "float64", status = "string" }

[extracts.users]
path = "data/users.parquet"
columns = { uid = "int64", name = "string", country = "string" }
"""


class Workspace:
    """A project on disk-free inputs: texts in memory, extracts from declared columns."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config_text = CONFIG
        self.extracts = resolve_extracts(load_config(root, CONFIG))
        self.runner = BuilderRunner(root)  # shared, so each builder text runs once per test

    def path(self, relative: str) -> Path:
        return self.root / "views" / relative

    def host(self, texts: dict[Path, str], staged: bool = False) -> AnalysisHost:
        return AnalysisHost(self.root, self.config_text, self.extracts, texts, staged=staged, runner=self.runner)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)
