"""The function registry: DataFusion's built-ins plus the native UDF snapshot.

Built-ins are read from a plain session's information schema, so the registry lists
exactly what DataFusion can call; custom functions come only from the snapshot the
native crate exports (``viewls.engine.native``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from datafusion import SessionContext

from viewls.engine.function_info import FunctionInfo, Signature
from viewls.engine.native import catalog
from viewls.engine.session import session_config, sql_options


@dataclass(frozen=True)
class FunctionRegistry:
    functions: dict[str, FunctionInfo]
    udfs: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "udfs", frozenset(n for n, f in self.functions.items() if f.origin == "udf"))

    def __iter__(self):
        """Each function once, under its own name (aliases are lookup keys only)."""
        return (f for name, f in self.functions.items() if name == f.name)

    def __contains__(self, name: str) -> bool:
        return name in self.functions

    def get(self, name: str) -> FunctionInfo | None:
        return self.functions.get(name)


_ROUTINES = """
SELECT routine_name, function_type, description, syntax_example
FROM information_schema.routines
"""
_PARAMETERS = """
SELECT specific_name, rid, parameter_mode, ordinal_position, data_type, is_variadic
FROM information_schema.parameters
ORDER BY specific_name, rid, parameter_mode, ordinal_position
"""


@cache
def function_registry() -> FunctionRegistry:
    """Built-ins and native UDFs; computed once per process since they never change."""
    functions = _builtins()
    for info in catalog():
        for name in (info.name, *info.aliases):
            functions[name] = info
    return FunctionRegistry(dict(sorted(functions.items())))


def _builtins() -> dict[str, FunctionInfo]:
    ctx = SessionContext(session_config())  # no UDFs installed: only what DataFusion has
    options = sql_options()
    signatures = _signatures(ctx.sql_with_options(_PARAMETERS, options).to_pylist())
    functions: dict[str, FunctionInfo] = {}
    for row in ctx.sql_with_options(_ROUTINES, options).to_pylist():
        name = row["routine_name"]
        if name in functions:
            continue
        functions[name] = FunctionInfo(
            name=name,
            kind=(row["function_type"] or "scalar").lower(),
            origin="builtin",
            description=(row["description"] or "").strip(),
            syntax=row["syntax_example"] or "",
            signatures=signatures.get(name, ()),
        )
    return functions


def _signatures(rows: list[dict]) -> dict[str, tuple[Signature, ...]]:
    inputs: dict[tuple[str, int], list[str]] = defaultdict(list)
    outputs: dict[tuple[str, int], str] = {}
    variadic: set[tuple[str, int]] = set()
    for row in rows:
        key = (row["specific_name"], row["rid"])
        if row["parameter_mode"] == "OUT":
            outputs[key] = row["data_type"]
        else:
            inputs[key].append(row["data_type"])
            if row["is_variadic"]:
                variadic.add(key)
    grouped: dict[str, list[Signature]] = defaultdict(list)
    for key in sorted(set(inputs) | set(outputs)):
        grouped[key[0]].append(Signature(tuple(inputs.get(key, ())), outputs.get(key), key in variadic))
    return {name: tuple(sigs) for name, sigs in grouped.items()}
