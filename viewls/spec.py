"""The public API of Python builders: what a builder module imports to define views.

    from viewls.spec import ViewSpec, view

    @view(description="Orders of the last 30 days", ordering=["id"])
    def recent_orders():
        return "SELECT * FROM orders WHERE ts > now() - INTERVAL '30 days'"

    def views():
        for source in ("orders", "payments"):
            yield ViewSpec(f"{source}_ids", f"SELECT id FROM {source}")

A module's views are the `@view` functions it defines (not ones it imports) and what its
`views()` yields. A spec row's builder (`builder = "specs/custom.py:users_norm"`) is a plain
function taking a SpecRow: see SpecRow. A query is SQL text or a sqlglot Expression.

Builders run in viewls's builder worker process, never in the language server, so this
module stays tiny and imports nothing heavy (sqlglot only when type checking). Each `@view`
and `ViewSpec(` remembers the line it was written on, so a diagnostic about the view lands
there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from sqlglot import exp

    Query = str | exp.Expression

__all__ = ["SpecRow", "ViewSpec", "view"]

Origin = tuple[tuple[str, int], ...]
"""The (file, line) pairs of the calling frames, innermost first."""


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """One view: its name, its query (SQL text or a sqlglot Expression) and its metadata.

    Return it from a `@view` function, yield it from `views()`, or return it from a spec
    row's builder. It records where it was constructed (`origin`), so a diagnostic on the
    view lands on this `ViewSpec(` line even when a helper module builds it.
    """

    name: str
    query: Query
    description: str | None = None
    ordering: Sequence[str] = ()
    evidence: Sequence[str] = ()
    origin: Origin = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Tuples keep the spec hashable; a lone string stays one so the worker can reject it.
        for name in ("ordering", "evidence"):
            value = getattr(self, name)
            if not isinstance(value, str | tuple):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "origin", _origin())


@dataclass(frozen=True, slots=True)
class SpecRow:
    """The spec file row a row builder (`builder = "specs/custom.py:function"`) is called with.

    `source` is the row's `from`; `params` its template parameters, if any. A row builder
    is a plain function of one argument, not decorated with `@view`: `@view` functions are
    views of their own and take no arguments.
    """

    name: str
    source: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ViewMark:
    """What `@view` attaches to its function (as `__viewls_view__`) for the worker to find."""

    name: str | None
    description: str | None
    ordering: Sequence[str]
    evidence: Sequence[str]
    origin: Origin
    explicit: bool
    """Whether the decorator was given arguments (then the function must not return a ViewSpec)."""


F = Callable[[], Any]


@overload
def view(function: F, /) -> F: ...


@overload
def view(
    *,
    name: str | None = None,
    description: str | None = None,
    ordering: Sequence[str] = (),
    evidence: Sequence[str] = (),
) -> Callable[[F], F]: ...


def view(
    function: F | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    ordering: Sequence[str] = (),
    evidence: Sequence[str] = (),
) -> F | Callable[[F], F]:
    """Declare a view built by a function of no arguments that returns its query (or a ViewSpec).

    The view is named after the function unless `name` is given. The function is returned
    unchanged, so it can still be called (and tested) directly.
    """
    mark = ViewMark(
        name=name,
        description=description,
        ordering=ordering if isinstance(ordering, str) else tuple(ordering),
        evidence=evidence if isinstance(evidence, str) else tuple(evidence),
        origin=_origin(),
        explicit=bool(name or description or ordering or evidence),
    )

    def mark_function(function: F) -> F:
        if not callable(function):
            raise TypeError(f"@view decorates a function, not {type(function).__name__}")
        function.__viewls_view__ = mark  # type: ignore[attr-defined]
        return function

    return mark_function if function is None else mark_function(function)


def _origin() -> Origin:
    """The calling frames outside this module (and dataclasses' generated __init__)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in (__file__, "<string>"):
        frame = frame.f_back
    frames = []
    while frame is not None and len(frames) < 64:
        frames.append((frame.f_code.co_filename, frame.f_lineno))
        frame = frame.f_back
    return tuple(frames)
