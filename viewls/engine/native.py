"""The native UDF platform: the Rust crate's functions and their snapshot.

The snapshot exported by ``viewls._native`` is the only registry of custom functions
(DESIGN.md, "Rust-UDF-first"): installing the platform into a session registers every
UDF through its ``__datafusion_scalar_udf__`` capsule, and the catalogue (names,
signatures, documentation) comes from the same Rust definitions.

The capsule carries a ``datafusion-ffi`` struct whose layout is only stable within one
major version, and a mismatch crashes the process instead of raising: so nothing is
handed to DataFusion before the versions are checked.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata

from datafusion import SessionContext, udf

from viewls.engine.function_info import FunctionInfo, Signature


class NativeUnavailable(RuntimeError):
    """The native UDFs cannot be used in this environment; the message says why and what to do."""


@cache
def module():
    try:
        from viewls import _native
    except ImportError as failure:
        raise NativeUnavailable(
            f"viewls's native extension is not built ({failure}); run `make install` "
            "(or `pip install -e .`) to build udf_native") from None
    return _native


@cache
def check_compatibility() -> None:
    """Refuse a ``datafusion`` whose major version differs from the crate's datafusion-ffi."""
    expected = module().datafusion_ffi_major()
    installed = metadata.version("datafusion")
    if int(installed.split(".")[0]) != expected:
        raise NativeUnavailable(
            f"datafusion {installed} is installed, but viewls's native UDFs were built against "
            f"datafusion-ffi {expected}; install datafusion>={expected},<{expected + 1} or rebuild "
            "udf_native against the installed version")


@cache
def _udfs() -> tuple:
    check_compatibility()
    return tuple(udf(native) for native in module().udfs())


def install(ctx: SessionContext) -> None:
    """Register every native UDF in ``ctx``."""
    for function in _udfs():
        ctx.register_udf(function)


@cache
def catalog() -> tuple[FunctionInfo, ...]:
    """The snapshot: one entry per native UDF, from the crate's own definitions."""
    entries = json.loads(module().udf_catalog())
    return tuple(_function_info(entry) for entry in entries)


def _function_info(entry: dict) -> FunctionInfo:
    arguments = "\n".join(f"  {a['name']}: {a['description']}" for a in entry.get("arguments", ()))
    description = entry["description"].strip()
    details = [description]
    if arguments:
        details.append(f"Arguments:\n{arguments}")
    if entry.get("null_handling"):
        details.append(f"NULLs: {entry['null_handling']}")
    if entry.get("example"):
        details.append(f"Example:\n{entry['example']}")
    return FunctionInfo(
        name=entry["name"],
        kind="scalar",
        origin="udf",
        description="\n\n".join(details),
        syntax=entry.get("syntax", ""),
        signatures=tuple(Signature(tuple(s["arguments"]), s.get("returns"), bool(s.get("variadic")))
                         for s in entry.get("signatures", ())),
        aliases=tuple(entry.get("aliases", ())),
    )
