"""Source spans of sqlglot nodes.

sqlglot records positions (``meta``: start/end, end inclusive) on leaf tokens such as
identifiers, literals and function names; a composite node spans its positioned leaves.
"""

from __future__ import annotations

from sqlglot import exp

from viewls.text import Span


def token_span(node: exp.Expression) -> Span | None:
    """The span of the token that produced ``node`` itself, if sqlglot kept it."""
    meta = node._meta
    if meta is None or "start" not in meta:
        return None
    return Span(meta["start"], meta["end"] + 1)


def node_span(node: exp.Expression) -> Span | None:
    """The smallest span covering every positioned token below ``node``."""
    start = end = None
    for child in node.walk():
        meta = child._meta
        if meta is None or "start" not in meta:
            continue
        child_start, child_end = meta["start"], meta["end"] + 1
        if start is None or child_start < start:
            start = child_start
        if end is None or child_end > end:
            end = child_end
    return None if start is None else Span(start, end)


def name_span(node: exp.Expression) -> Span | None:
    """The span of the identifier that names ``node`` (a column's or table's own name)."""
    this = node.args.get("this")
    if isinstance(this, exp.Expression):
        span = token_span(this)
        if span is not None:
            return span
    return token_span(node) or node_span(node)


def close_parens(text: str, span: Span) -> Span:
    """Extend ``span`` over the closing parentheses its text leaves open.

    sqlglot keeps no position for ``)``, so a call's positioned tokens end at its last
    argument; the user expects the whole call, parenthesis included.
    """
    depth = 0
    quote = None
    for ch in text[span.start:span.end]:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
    end = span.end
    while depth > 0:
        next_end = end
        while next_end < len(text) and text[next_end].isspace():
            next_end += 1
        if next_end >= len(text) or text[next_end] != ")":
            break
        end = next_end + 1
        depth -= 1
    return Span(span.start, end)
