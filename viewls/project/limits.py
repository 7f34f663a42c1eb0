"""Per-view limits, ``[limits]`` in ``viewls.toml``: the one place they are defined.

A language server lives for days with every half-typed file, so one file must never
stall or exhaust it. A source file larger than ``max_view_bytes`` is not parsed at all,
and defining or planning one view may take at most ``max_analysis_seconds`` (see
``viewls.analysis.deadline``); either way the view gets a ``limit-exceeded`` error and
every other view is analysed as usual. The defaults are far beyond any ordinary view
(the largest views of real projects are tens of kilobytes and analyse in milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from viewls.project.files import MAX_FILE_BYTES

DEFAULT_MAX_VIEW_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_ANALYSIS_SECONDS = 20.0
# No configured size may exceed what the file reader ever reads of one file.
MAX_VIEW_BYTES_CEILING = MAX_FILE_BYTES
KEYS = ("max_view_bytes", "max_analysis_seconds")


@dataclass(frozen=True, slots=True)
class Limits:
    max_view_bytes: int = DEFAULT_MAX_VIEW_BYTES
    max_analysis_seconds: float = DEFAULT_MAX_ANALYSIS_SECONDS


def read_limits(table: dict, invalid: Callable[[str, str], None]) -> Limits:
    """The limits ``table`` sets; ``invalid(key, message)`` reports a value that cannot be
    used (the default stands in for it)."""
    size = table.get("max_view_bytes", DEFAULT_MAX_VIEW_BYTES)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_VIEW_BYTES_CEILING:
        invalid("max_view_bytes", f"'limits.max_view_bytes' must be a whole number of bytes from 1 to "
                                  f"{MAX_VIEW_BYTES_CEILING:_}, e.g. max_view_bytes = {DEFAULT_MAX_VIEW_BYTES:_}")
        size = DEFAULT_MAX_VIEW_BYTES
    seconds = table.get("max_analysis_seconds", DEFAULT_MAX_ANALYSIS_SECONDS)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < float("inf"):
        invalid("max_analysis_seconds", "'limits.max_analysis_seconds' must be a positive number of seconds, "
                                        f"e.g. max_analysis_seconds = {DEFAULT_MAX_ANALYSIS_SECONDS:g}")
        seconds = DEFAULT_MAX_ANALYSIS_SECONDS
    return Limits(size, float(seconds))
