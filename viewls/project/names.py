"""Which view names can be file names: one rule for ``check`` (a view file's name) and
``materialize`` (the view's output file), so that a view ``check`` accepts can be built.

A name may hold any character but path separators (``/``, ``\\``), a drive colon (``:``)
and control characters, and may not start with ``.`` (hidden, or ``..``). Such a name
could leave the output directory, or name another file on some system.
"""

from __future__ import annotations

import unicodedata

ALLOWED = ("a view's name (its file's name without the suffix) may hold any character but "
           "'/', '\\', ':' and control characters, and may not start with '.'")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a view's file, or None."""
    if not name:
        return "a view's name cannot be empty"
    if name.startswith("."):
        return f"view name '{name}' starts with '.'; {ALLOWED}"
    for char in name:
        if unicodedata.category(char) == "Cc":
            return f"view name {name!r} holds the control character U+{ord(char):04X}; {ALLOWED}"
        if char in "/\\:":
            return f"view name '{name}' holds '{char}'; {ALLOWED}"
    return None
