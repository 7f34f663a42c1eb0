"""What viewls knows of one callable function, built-in or native: plain data shared by
the registry (functions.py) and the native snapshot (native.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signature:
    arguments: tuple[str, ...]
    returns: str | None
    variadic: bool = False

    def render(self, name: str) -> str:
        args = ", ".join(self.arguments) + (", ..." if self.variadic else "")
        return f"{name}({args})" + (f" -> {self.returns}" if self.returns else "")


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    name: str
    kind: str  # scalar, aggregate, window or table
    origin: str  # "builtin" or "udf"
    description: str
    syntax: str
    signatures: tuple[Signature, ...]
    aliases: tuple[str, ...] = ()
