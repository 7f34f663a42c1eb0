"""Shared TPC-H fixtures: generated SF 0.01 data, project copies that use it, and a
plain DataFusion session over it.

The data is generated once per test session; project copies link to it, so a test
that edits views gets a fresh project in milliseconds.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tomllib
from pathlib import Path

import datafusion
import pytest

PROJECT = Path(__file__).parent / "project"
# Views other views read from; registered before the rest are planned.
UPSTREAM = ["revenue0"]


def _load_generate():
    """Import generate.py by path: tests/ is not a package and the import mode may vary."""
    spec = importlib.util.spec_from_file_location("tpch_generate", Path(__file__).parent / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def copy_project(dest: Path, data: Path) -> Path:
    """The corpus project at ``dest``: config and views copied, each file of ``data``
    hard-linked into its ``data/`` (a symbolic link would lead outside the project, which
    viewls refuses to read)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "viewls.toml", dest / "viewls.toml")
    shutil.copytree(PROJECT / "views", dest / "views")
    shutil.copytree(data, dest / "data", copy_function=os.link)
    return dest


@pytest.fixture(scope="session")
def tpch_data(tmp_path_factory) -> Path:
    """The 8 TPC-H tables as Parquet files, generated at SF 0.01."""
    data = tmp_path_factory.mktemp("tpch") / "data"
    _load_generate()(data, 0.01)
    return data


@pytest.fixture(scope="session")
def tpch_project(tmp_path_factory, tpch_data) -> Path:
    """A read-only copy of the corpus project with generated data; do not edit it."""
    return copy_project(tmp_path_factory.mktemp("tpch-project") / "project", tpch_data)


@pytest.fixture
def tpch_copy(tmp_path, tpch_data) -> Path:
    """A fresh copy of the corpus project that a test may edit."""
    return copy_project(tmp_path / "project", tpch_data)


@pytest.fixture(scope="session")
def tpch_ctx(tpch_data) -> datafusion.SessionContext:
    """A plain DataFusion session with the 8 tables and revenue0 registered."""
    config = tomllib.loads((PROJECT / "viewls.toml").read_text())
    ctx = datafusion.SessionContext()
    for name, extract in config["extracts"].items():
        # The project's paths are relative to the project; the files live in the tmp dir.
        ctx.register_parquet(name, str(tpch_data / Path(extract["path"]).name))
    for name in UPSTREAM:
        ctx.register_view(name, ctx.sql((PROJECT / "views" / f"{name}.sql").read_text()))
    return ctx
