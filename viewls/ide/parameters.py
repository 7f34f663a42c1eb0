"""Parameter names of a function, read from its documented syntax.

The registry types each signature (``Int64, Utf8``) but names parameters only in the
syntax example (``substr(str, start_pos[, length])``); completion snippets and
signature help want the names. Bracketed parameters are optional, and ``...`` marks
the last parameter before it as repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from viewls.engine.function_info import FunctionInfo


@dataclass(frozen=True, slots=True)
class Parameters:
    names: tuple[str, ...]
    required: int  # how many of ``names`` every call passes
    variadic: bool  # the last name repeats
    documented: bool  # the syntax shows the argument list (an empty one: no arguments)


@cache
def parameters(info: FunctionInfo) -> Parameters:
    """The parameters of the first call in ``info.syntax``."""
    line = info.syntax.split("\n", 1)[0]
    open_ = line.find("(")
    if open_ == -1:
        return Parameters((), 0, False, False)
    depth = 0
    close = len(line)
    for index in range(open_, len(line)):
        depth += {"(": 1, ")": -1}.get(line[index], 0)
        if depth == 0:
            close = index
            break
    names: list[str] = []
    required = None
    variadic = False
    depth = 0  # brackets open: names inside them are optional
    for raw in line[open_ + 1:close].split(","):
        piece = raw.strip()
        lead = len(piece) - len(piece.lstrip("["))
        depth += lead
        name = piece.strip("[] ")
        if name.startswith("..."):
            variadic = True
            break  # names after the ellipsis (str_n) only repeat the one before it
        if name:
            if depth > 0 and required is None:
                required = len(names)
            names.append(name)
        depth += piece.count("[") - lead - piece.count("]")
    if required is None:
        required = len(names)
    return Parameters(tuple(names), min(required, len(names)), variadic, True)
