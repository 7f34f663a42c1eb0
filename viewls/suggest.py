""""Did you mean" suggestions shared by every diagnostic that names something unknown."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate most similar to ``name`` (case-insensitive), if any is close enough."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(name.lower(), list(by_folded), n=1, cutoff=cutoff)
    return by_folded[matches[0]] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> tuple[str, str | None]:
    """A message suffix and the suggested replacement (or ``None``)."""
    best = closest(name, candidates)
    return (f"; did you mean '{best}'?" if best else "", best)
