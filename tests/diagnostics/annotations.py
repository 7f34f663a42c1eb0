"""Expected diagnostics written inside a fixture file as comments (``--`` in SQL, ``#``
in a TOML spec file).

A caret line marks a range of the nearest line above it that is not an annotation;
the comment marker counts as columns of that line::

    SELECT o.ammount FROM orders o
    --       ^^^^^^^ error[unknown-column] unknown column 'o.ammount'

Ranges that a caret line cannot draw (at column 1 or 2, or over several lines) are
written out, 1-based with an exclusive end column::

    -- expect 1:1-1:7 error[duplicate-view] another extract is already named

The message is a prefix of the actual message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CARET = r"^{}( *)(\^+) (\w+)\[([\w-]+)\] ?(.*)$"
_EXPLICIT = r"^{} expect (\d+):(\d+)-(\d+):(\d+) (\w+)\[([\w-]+)\] ?(.*)$"


@dataclass(frozen=True, order=True)
class Expected:
    line: int
    column: int
    end_line: int
    end_column: int
    severity: str
    code: str
    message: str


def expectations(text: str, marker: str = "--") -> list[Expected]:
    carets, explicits = re.compile(_CARET.format(re.escape(marker))), re.compile(_EXPLICIT.format(re.escape(marker)))
    found = []
    target = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if caret := carets.match(line):
            column = len(marker) + len(caret.group(1)) + 1
            found.append(Expected(target, column, target, column + len(caret.group(2)),
                                  caret.group(3), caret.group(4), caret.group(5)))
        elif explicit := explicits.match(line):
            l1, c1, l2, c2 = (int(g) for g in explicit.groups()[:4])
            found.append(Expected(l1, c1, l2, c2, *explicit.groups()[4:]))
        else:
            target = number
    return sorted(found)
