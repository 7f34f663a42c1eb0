"""Where each select item of a query ends, from the tokens.

sqlglot keeps positions for names and literals only, so an AST node does not know where
its text ends (``sum(x)`` ends at ``x``, ``case ... end`` at its last value). The tokens
do: a select list runs from SELECT to the next clause keyword or closing parenthesis at
its own depth, and its items are separated by commas at that depth.
"""

from __future__ import annotations

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from viewls.sql.dialect import DIALECT
from viewls.text import Span

# Keywords that end a select list when they stand at its depth.
_ENDS = frozenset({
    TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING, TokenType.WINDOW,
    TokenType.QUALIFY, TokenType.ORDER_BY, TokenType.LIMIT, TokenType.OFFSET, TokenType.FETCH,
    TokenType.UNION, TokenType.INTERSECT, TokenType.EXCEPT, TokenType.INTO, TokenType.SEMICOLON,
})
# (previous, keyword) pairs where the keyword belongs to the item: ``a IS DISTINCT FROM b``, ``* EXCEPT (c)``.
_INSIDE_ITEM = frozenset({(TokenType.DISTINCT, TokenType.FROM), (TokenType.STAR, TokenType.EXCEPT)})


class _OpenList:
    __slots__ = ("depth", "items", "start", "end")

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.items: list[Span] = []
        self.start: int | None = None
        self.end = 0

    def extend(self, token: Token) -> None:
        if self.start is None:
            self.start = token.start
        self.end = token.end + 1

    def next_item(self) -> None:
        if self.start is not None:
            self.items.append(Span(self.start, self.end))
        self.start = None

    def close(self) -> list[Span]:
        self.next_item()
        return self.items


def select_lists(text: str) -> list[list[Span]]:
    """The items of every select list in ``text``, each item from its first to its last token.

    Lists come in the order they close, so nested lists come before the list around them.
    Unreadable text has none.
    """
    try:
        tokens = DIALECT.tokenize(text)
    except TokenError:
        return []
    found: list[list[Span]] = []
    stack: list[_OpenList] = []
    depth = 0
    previous = None
    for token in tokens:
        kind = token.token_type
        ends = kind in _ENDS and (previous, kind) not in _INSIDE_ITEM
        if stack and depth == stack[-1].depth and (ends or kind is TokenType.R_PAREN):
            found.append(stack.pop().close())
        previous = kind
        top = stack[-1] if stack else None
        if kind is TokenType.SELECT:
            if top is not None:
                top.extend(token)
            stack.append(_OpenList(depth))
            continue
        if kind is TokenType.L_PAREN:
            depth += 1
        elif kind is TokenType.R_PAREN:
            depth -= 1
        if top is None:
            continue
        if kind is TokenType.COMMA and depth == top.depth:
            top.next_item()
        elif not (kind in (TokenType.DISTINCT, TokenType.ALL) and top.start is None and not top.items):
            top.extend(token)
    while stack:
        found.append(stack.pop().close())
    return found
