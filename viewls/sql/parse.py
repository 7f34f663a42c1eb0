"""Tolerant parsing of a view file into its one query.

Never raises: every problem becomes a diagnostic with the exact range of the
offending token. A view file holds exactly one query (SELECT, WITH, a set
operation or VALUES); anything else is a ``forbidden-statement``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from viewls.diagnostics import Code, Diagnostic, error
from viewls.sql.dialect import DIALECT
from viewls.sql.nesting import STACK_MESSAGE, might_be_too_deep, nested_too_deeply, too_deep
from viewls.suggest import did_you_mean
from viewls.text import LineIndex, Span

QUERY_KEYWORDS = ("SELECT", "WITH", "VALUES")
_SELECT = "SELECT "  # makes an expression a query, for DataFusion's parser
_QUERY_TYPES = (exp.Query, exp.Values)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    # The view's query, or None when the text holds no valid query.
    ast: exp.Expression | None
    diagnostics: tuple[Diagnostic, ...]


def parse_query(path: Path, text: str) -> ParsedQuery:
    """Parse through the dialect's own entry point, so that what the dialect's tests prove
    is what analysis sees; the tokens are re-read only to place diagnostics. A query nested
    deeper than DataFusion allows is never read (see ``nesting``)."""
    if might_be_too_deep(text) and (deep := too_deep(path, text, Span(0, 0))) is not None:
        return ParsedQuery(None, (deep,))
    try:
        statements = DIALECT.parse(text, error_level=ErrorLevel.RAISE, max_errors=50)
    except TokenError:
        return ParsedQuery(None, (_unterminated(path, text),))
    except RecursionError:
        return ParsedQuery(None, (nested_too_deeply(path, text, _span(_tokens(text)[0])),))
    except ParseError as failure:
        first = _tokens(text)[0]
        if first.token_type in (TokenType.VAR, TokenType.IDENTIFIER):
            return ParsedQuery(None, (_not_a_query(path, first, _span(first)),))
        return ParsedQuery(None, tuple(_syntax_errors(path, text, failure)))
    except Exception as failure:  # sqlglot bug or unsupported construct: still a diagnostic
        return ParsedQuery(None, (error(path, _span(_tokens(text)[0]), Code.SYNTAX_ERROR,
                                        f"sqlglot cannot read this view ({type(failure).__name__})"),))
    if not any(statement is not None for statement in statements):
        return ParsedQuery(None, (error(path, Span(0, 0), Code.SYNTAX_ERROR,
                                        "empty view: write one query (SELECT, WITH or VALUES)"),))
    if len(statements) == 1 and isinstance(statements[0], _QUERY_TYPES):
        return ParsedQuery(statements[0], ())
    tokens = _tokens(text)
    return _one_query(path, statements, _statement_starts(tokens) if ";" in text else [tokens[0]])


def parse_expression(path: Path, text: str) -> ParsedQuery:
    """Parse one SQL expression (a select item, a condition), as a spec row holds them:
    a query, several expressions or nothing at all is a diagnostic."""
    if might_be_too_deep(text) and (deep := too_deep(path, _SELECT + text, Span(0, 0))) is not None:
        start, end = (max(offset - len(_SELECT), 0) for offset in (deep.span.start, deep.span.end))
        return ParsedQuery(None, (replace(deep, span=Span(start, end) if end > start else Span(0, len(text))),))
    try:
        statements = [s for s in DIALECT.parse(text, error_level=ErrorLevel.RAISE, max_errors=50) if s is not None]
    except TokenError:
        return ParsedQuery(None, (_unterminated(path, text),))
    except ParseError as failure:
        return ParsedQuery(None, tuple(_syntax_errors(path, text, failure)))
    except RecursionError:
        return ParsedQuery(None, (error(path, Span(0, len(text)), Code.LIMIT_EXCEEDED, STACK_MESSAGE),))
    except Exception as failure:  # sqlglot bug or unsupported construct: still a diagnostic
        return ParsedQuery(None, (error(path, Span(0, len(text)), Code.SYNTAX_ERROR,
                                        f"sqlglot cannot read this expression ({type(failure).__name__})"),))
    if not statements:
        return ParsedQuery(None, (error(path, Span(0, len(text)), Code.SYNTAX_ERROR,
                                        "empty expression: write a SQL expression"),))
    if len(statements) > 1 or isinstance(statements[0], exp.Select | exp.SetOperation | exp.Command | exp.DDL | exp.DML):
        return ParsedQuery(None, (error(path, Span(0, len(text)), Code.SYNTAX_ERROR,
                                        "expected one SQL expression here, not a statement"),))
    return ParsedQuery(statements[0], ())


def _tokens(text: str) -> list[Token]:
    """The text's tokens; only called after the dialect tokenized it successfully."""
    return DIALECT.tokenize(text) or [Token(TokenType.SEMICOLON, "", 1, 1, 0, 0)]


def _one_query(path: Path, statements: list, starts: list[Token]) -> ParsedQuery:
    """Keep the first statement if it is a query; every other statement is a diagnostic."""
    pairs = [(s, t) for s, t in zip(statements, starts) if s is not None]
    diagnostics = []
    ast = None
    for index, (statement, first) in enumerate(pairs):
        span = _span(first)
        if not isinstance(statement, _QUERY_TYPES):
            diagnostics.append(_not_a_query(path, first, span))
        elif index > 0:
            diagnostics.append(error(
                path, span, Code.FORBIDDEN_STATEMENT,
                "a view file holds exactly one query; move this statement into a view file of its own"))
        else:
            ast = statement
    return ParsedQuery(ast, tuple(diagnostics))


def _not_a_query(path: Path, first: Token, span: Span) -> Diagnostic:
    word = first.text.upper()
    if first.token_type in (TokenType.VAR, TokenType.IDENTIFIER) or not word.isalpha():
        suffix, suggestion = did_you_mean(first.text, QUERY_KEYWORDS)
        return error(path, span, Code.SYNTAX_ERROR,
                     f"expected a query (SELECT, WITH or VALUES), found '{first.text}'{suffix}",
                     suggestion=suggestion)
    return error(path, span, Code.FORBIDDEN_STATEMENT,
                 f"{word} statements are not allowed in a view: a view is one query "
                 "(SELECT, WITH or VALUES) and viewls materializes it")


def _statement_starts(tokens: list[Token]) -> list[Token]:
    """The first token of each statement, aligned with sqlglot's statement list."""
    starts: list[Token] = []
    chunk_start: Token | None = None
    for token in tokens:
        if token.token_type is TokenType.SEMICOLON:
            starts.append(chunk_start or token)
            chunk_start = None
        elif chunk_start is None:
            chunk_start = token
    if chunk_start is not None or not starts:
        starts.append(chunk_start or tokens[-1])
    return starts


def _span(token: Token) -> Span:
    return Span(token.start, token.end + 1)


_CLAUSES = frozenset({"WHERE", "HAVING", "QUALIFY", "GROUP", "ORDER", "LIMIT", "OFFSET", "JOIN", "WINDOW"})
_REQUIRED = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>")


def _syntax_errors(path: Path, text: str, failure: ParseError) -> list[Diagnostic]:
    index = LineIndex(text)
    found = []
    seen = set()
    for detail in failure.errors:
        highlight = detail.get("highlight") or ""
        line, col = detail.get("line"), detail.get("col")
        if line is None or col is None:
            span = Span(0, 0)
        else:
            end = index.offset(line - 1, col)
            span = Span(max(end - len(highlight), 0), end)
        if span in seen:
            continue
        seen.add(span)
        found.append(error(path, span, Code.SYNTAX_ERROR, _describe(detail["description"], highlight)))
    return found


def _describe(description: str, highlight: str) -> str:
    near = f" near '{highlight}'" if highlight else " at the end of the query"
    required = _REQUIRED.match(description)
    if required:
        clause = required.group(2).upper()
        where = f"incomplete {clause} clause: " if clause in _CLAUSES else ""
        return f"{where}expected an expression{near}"
    if description.startswith("Expecting "):
        return f"expected '{description.removeprefix('Expecting ').strip()}'{near}"
    if description.startswith("Invalid expression / Unexpected token"):
        return f"unexpected '{highlight}'" if highlight else "unexpected end of the query"
    return f"{description}{near}"


_OPENERS = {"'": "string literal", '"': "quoted identifier", "/*": "block comment", "$$": "dollar-quoted string"}


def _unterminated(path: Path, text: str) -> Diagnostic:
    """Find the construct the tokenizer could not close, scanning as SQL does."""
    i, n = 0, len(text)
    while i < n:
        two = text[i:i + 2]
        if two == "--":
            newline = text.find("\n", i)
            i = n if newline == -1 else newline + 1
            continue
        closer = {"'": "'", '"': '"', "/*": "*/", "$$": "$$"}.get(two if two in ("/*", "$$") else text[i])
        if closer is None:
            i += 1
            continue
        opener = two if two in ("/*", "$$") else text[i]
        end = _close(text, i + len(opener), closer)
        if end == -1:
            return error(path, Span(i, i + len(opener)), Code.SYNTAX_ERROR,
                         f"unterminated {_OPENERS[opener]}: add the closing {closer}")
        i = end
    return error(path, Span(0, 0), Code.SYNTAX_ERROR, "cannot tokenize this view")


def _close(text: str, at: int, closer: str) -> int:
    """Offset just after the closer, honouring doubled quotes; -1 if never closed."""
    while True:
        found = text.find(closer, at)
        if found == -1:
            return -1
        after = found + len(closer)
        if closer in ("'", '"') and text.startswith(closer, after):
            at = after + 1
            continue
        return after
