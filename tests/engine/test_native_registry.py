"""The snapshot exported by the native crate is the registry of custom functions."""

from __future__ import annotations

import pytest

from viewls.engine import native
from viewls.engine.functions import function_registry
from viewls.engine.session import create_session, sql_options

UDFS = {"stable_hash64", "stable_id", "span_contains", "span_overlaps", "utf8_normalize",
        "path_normalize", "qualified_name"}


def test_catalog_documents_every_udf():
    entries = {f.name: f for f in native.catalog()}
    assert UDFS <= set(entries)
    for f in entries.values():
        assert f.origin == "udf" and f.description and f.syntax and f.signatures, f.name
        assert all(s.returns for s in f.signatures), f.name


def test_registry_is_builtins_plus_snapshot():
    registry = function_registry()
    assert UDFS <= registry.udfs
    assert registry.get("abs").origin == "builtin"
    assert registry.get("stable_id").signatures[0].returns == "Utf8"
    assert not ({f.name for f in registry if f.origin == "builtin"} & UDFS)


def test_every_session_has_the_udfs_installed():
    # datafusion-ffi 55 carries no Documentation across the boundary (the routine's
    # description is empty there): the snapshot is where documentation comes from.
    ctx = create_session()
    rows = ctx.sql_with_options("SELECT DISTINCT routine_name FROM information_schema.routines",
                                sql_options()).to_pydict()["routine_name"]
    assert UDFS <= set(rows)


def test_mismatched_datafusion_is_refused_with_a_clear_error(monkeypatch):
    monkeypatch.setattr(native.metadata, "version", lambda name: "54.1.0")
    with pytest.raises(native.NativeUnavailable, match=r"datafusion 54\.1\.0 is installed.*datafusion-ffi 55"):
        native.check_compatibility.__wrapped__()
