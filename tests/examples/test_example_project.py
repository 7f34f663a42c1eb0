"""The bundled shop example is valid: extracts load as declared, every view plans and runs.

DataFusion is used directly (the checker is tested elsewhere), so a failure here means
the example itself is broken, not viewls. The views generated from specs/ take their SQL
from viewls (their definition is an AST); every other view is its file's text.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import datafusion
import pyarrow as pa
import pytest

from viewls.analysis.host import AnalysisHost
from viewls.engine.native import install

SHOP = Path(__file__).parents[2] / "examples" / "shop"
CONFIG = tomllib.loads((SHOP / "viewls.toml").read_text())
VIEWS = {path.stem: path.read_text() for path in sorted((SHOP / "views").glob("*.sql"))}
SNAPSHOT = AnalysisHost.load(SHOP).snapshot()
VIEWS |= {name: view.definition.sql for name, view in SNAPSHOT.views.items() if view.definition.generated}
SUFFIX_FORMATS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".arrow": "arrow"}


def register_extract(ctx: datafusion.SessionContext, name: str, extract: dict) -> None:
    path = SHOP / extract["path"]
    fmt = extract.get("format") or SUFFIX_FORMATS[path.suffix]
    # DataFusion rejects a single file whose suffix differs from file_extension.
    if fmt == "parquet":
        ctx.register_parquet(name, str(path), file_extension=path.suffix)
    elif fmt == "csv":
        ctx.register_csv(name, str(path), file_extension=path.suffix)
    elif fmt == "json":
        ctx.register_json(name, str(path), file_extension=path.suffix)
    elif fmt == "arrow":
        ctx.register_arrow(name, str(path), file_extension=path.suffix)
    else:
        raise ValueError(f"unknown format {fmt!r} for extract {name}")


@pytest.fixture(scope="module")
def shop_ctx() -> datafusion.SessionContext:
    """Extracts plus all views, registered in dependency order found by retrying.

    A view that fails to plan is retried after the others; when a round makes no
    progress the remaining views are genuinely broken (or cyclic) and the error shows.
    """
    ctx = datafusion.SessionContext()
    install(ctx)  # the native UDFs: views may call them
    for name, extract in CONFIG["extracts"].items():
        register_extract(ctx, name, extract)
    pending = dict(VIEWS)
    while pending:
        errors = {}
        for name, text in pending.items():
            try:
                ctx.register_view(name, ctx.sql(text))
            except Exception as exc:  # DataFusion raises plain Exception subclasses
                errors[name] = exc
        if len(errors) == len(pending):
            raise AssertionError(f"views that never plan: {errors}")
        pending = {name: pending[name] for name in errors}
    return ctx


def test_example_shape():
    formats = {extract.get("format") or SUFFIX_FORMATS[Path(extract["path"]).suffix]
               for extract in CONFIG["extracts"].values()}
    assert formats == {"parquet", "csv", "json", "arrow"}
    assert len(VIEWS) >= 10
    size = sum(f.stat().st_size for f in (SHOP / "data").iterdir())
    assert size < 300_000


@pytest.mark.parametrize("name", [n for n, e in CONFIG["extracts"].items() if "columns" in e])
def test_declared_columns_match_data(shop_ctx, name):
    declared = {col: pa.type_for_alias(t) for col, t in CONFIG["extracts"][name]["columns"].items()}
    actual = {field.name: field.type for field in shop_ctx.table(name).schema()}
    assert actual == declared


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_has_metadata(name):
    metadata = SNAPSHOT.views[name].definition.metadata
    assert metadata.description and metadata.ordering and metadata.evidence


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_plans_and_executes(shop_ctx, name):
    df = shop_ctx.sql(VIEWS[name])
    ordering = SNAPSHOT.views[name].definition.metadata.ordering
    assert {key.name for key in ordering} <= set(df.schema().names)
    assert sum(batch.num_rows for batch in df.collect()) > 0
