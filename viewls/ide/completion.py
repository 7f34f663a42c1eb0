"""Completion as a pure function of (snapshot, file, offset, current text).

The text is the editor's buffer, usually ahead of the snapshot and usually broken, so
the context comes from tokens before the cursor (``viewls.ide.cursor``) and the
relations in scope from ``viewls.ide.cursor_scope``; schemas and functions come
from the snapshot. What is offered depends on where the cursor stands:

- after FROM / JOIN or a comma in a FROM list: views, extracts and visible CTEs;
- after ``alias.``: exactly the columns of that relation;
- in an expression (SELECT, WHERE, GROUP BY, HAVING, ORDER BY, ON, call arguments):
  the columns of every relation in scope, the aliases, the functions and keywords;
- elsewhere, the keywords that may come next.

Lists short enough to send whole are sent whole and the client filters them; longer
ones (thousands of views) are filtered by the typed word and cut, and say so, so the
client asks again as the word grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path

from sqlglot.parsers.postgres import PostgresParser
from sqlglot.tokens import Token, TokenType

from viewls.ide.cursor import Word, literal_at, tokenize, word_at
from viewls.ide.cursor_scope import Column, Relation, Scope, relation_columns, scope_at
from viewls.ide.parameters import parameters
from viewls.analysis.snapshot import Snapshot
from viewls.engine.function_info import FunctionInfo
from viewls.sql.dialect import DIALECT
from viewls.text import Span

MAX_ITEMS = 100
_NAMES = (TokenType.VAR, TokenType.IDENTIFIER)


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    # "view", "extract", "cte", "column", "alias", "function" or "keyword"
    kind: str
    insert: str  # replaces the word at the cursor
    detail: str = ""
    documentation: str = ""  # markdown-flavoured prose (registry docs, view descriptions)
    snippet: str | None = None  # a call template for clients that take snippets
    filter: str = ""  # what the typed word is matched against, when not the label
    sort: str = ""


@dataclass(frozen=True, slots=True)
class Completions:
    span: Span  # the word the items replace
    items: tuple[Completion, ...] = ()
    context: str = "none"  # "relation", "column", "expression", "keyword" or "none"
    incomplete: bool = False  # filtered by the typed word: ask again as it changes


def complete(snapshot: Snapshot, path: Path, offset: int, text: str) -> Completions:
    offset = max(0, min(offset, len(text)))
    literal = literal_at(text, offset)
    if literal is not None and literal.kind != "identifier":
        return Completions(Span(offset, offset))  # in a string or a comment
    word = word_at(text, offset, literal)
    if word.typed[:1].isdigit():
        return Completions(word.span)
    tokens = tokenize(text[:word.span.start])
    context = _context(tokens)
    case = _keyword_case(text, tokens, word.typed)
    keywords = [] if word.quoted else [_keyword(k, case) for k in context.keywords]
    if context.kind == "none":
        return Completions(word.span)
    if context.kind == "keyword":
        return _finish(word, "keyword", [(k.label, 3, k) for k in keywords])
    if context.kind == "relation":
        scope = scope_at(snapshot, path, text, word.span)
        candidates = [(cte.name, 0, _relation_item(cte, word.quoted)) for cte in scope.ctes]
        relations = _relations(snapshot, path, word.quoted, {c.name for c in scope.ctes})
        return _finish(word, "relation", candidates + [(k.label, 3, k) for k in keywords], relations)
    if context.kind == "column":
        scope = scope_at(snapshot, path, text, word.span)
        relation = scope.find(context.qualifier)
        columns = relation.columns if relation is not None else relation_columns(snapshot, context.qualifier)
        return _finish(word, "column", [(c.name, 0, _column_item(c, word.quoted)) for c in columns])
    scope = scope_at(snapshot, path, text, word.span)
    candidates = _scope_candidates(scope, word.quoted)
    call = text[word.span.end:word.span.end + 1] == "("
    if not word.quoted:
        candidates += [(name, 3, _function_item(name, info, call))
                       for name, info in snapshot.registry.functions.items()]
    # Keywords before functions: a cut list with nothing typed yet keeps the few keywords.
    return _finish(word, "expression", candidates + [(k.label, 2, k) for k in keywords])


# --- context ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    kind: str  # "relation", "column", "expression", "keyword" or "none"
    keywords: tuple[str, ...] = ()
    qualifier: str = ""


_CLAUSE_ORDER = ("FROM", "WHERE", "GROUP BY", "HAVING", "WINDOW", "QUALIFY", "ORDER BY", "LIMIT", "OFFSET")
_SET_OPERATIONS = ("UNION", "UNION ALL", "EXCEPT", "INTERSECT")
_OPERATORS = ("AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN", "CASE", "WHEN", "THEN",
              "ELSE", "END", "EXISTS", "CAST", "TRY_CAST", "TRUE", "FALSE", "INTERVAL", "DISTINCT", "OVER")
_JOINS = ("JOIN", "INNER JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN", "LEFT SEMI JOIN",
          "LEFT ANTI JOIN")
_WINDOW = ("PARTITION BY", "ORDER BY", "ROWS", "RANGE", "BETWEEN", "UNBOUNDED PRECEDING", "PRECEDING",
           "CURRENT ROW", "FOLLOWING", "AND", "ASC", "DESC")
_QUERY_START = ("SELECT", "WITH", "VALUES")
_CLAUSE_NAMES = {
    TokenType.SELECT: "SELECT", TokenType.FROM: "FROM", TokenType.JOIN: "JOIN", TokenType.WHERE: "WHERE",
    TokenType.GROUP_BY: "GROUP BY", TokenType.HAVING: "HAVING", TokenType.ORDER_BY: "ORDER BY",
    TokenType.ON: "ON", TokenType.USING: "USING", TokenType.LIMIT: "LIMIT", TokenType.OFFSET: "OFFSET",
    TokenType.QUALIFY: "QUALIFY", TokenType.WINDOW: "WINDOW", TokenType.WITH: "WITH",
    TokenType.VALUES: "VALUES", TokenType.UNION: "UNION", TokenType.EXCEPT: "UNION",
    TokenType.INTERSECT: "UNION",
}
# Keywords before "(" that open something other than a function call's arguments.
_NOT_CALLS = frozenset({
    TokenType.IN, TokenType.EXISTS, TokenType.FROM, TokenType.JOIN, TokenType.ALIAS, TokenType.OVER,
    TokenType.VALUES, TokenType.ON, TokenType.USING, TokenType.WHERE, TokenType.HAVING, TokenType.AND,
    TokenType.OR, TokenType.NOT, TokenType.SELECT, TokenType.WITH, TokenType.WINDOW, TokenType.PARTITION_BY,
    TokenType.ORDER_BY, TokenType.GROUP_BY, TokenType.CASE, TokenType.WHEN, TokenType.THEN, TokenType.ELSE,
    TokenType.DISTINCT, TokenType.ALL, TokenType.UNION, TokenType.EXCEPT, TokenType.INTERSECT,
    TokenType.LATERAL, TokenType.IS, TokenType.LIKE, TokenType.ILIKE, TokenType.BETWEEN, TokenType.LIMIT,
    TokenType.OFFSET, TokenType.QUALIFY, TokenType.RECURSIVE, TokenType.INTERVAL, TokenType.COMMA,
})
_JOIN_MODIFIERS = frozenset({TokenType.LEFT, TokenType.RIGHT, TokenType.FULL, TokenType.INNER, TokenType.CROSS,
                             TokenType.OUTER, TokenType.NATURAL, TokenType.SEMI, TokenType.ANTI})


@dataclass(slots=True)
class _Frame:
    """One parenthesis level: what opened it, its current clause and tokens since."""

    kind: str  # "query", "call", "window", "columns" or "paren"
    opener: TokenType | None = None  # the token before the "("
    clause: str | None = None
    since: list[Token] = field(default_factory=list)  # tokens after the clause keyword, at this level


def _context(tokens: list[Token]) -> _Context:
    """What may be typed after ``tokens`` (the code before the word at the cursor)."""
    if len(tokens) >= 2 and tokens[-1].token_type == TokenType.DOT:
        qualifier = tokens[-2]
        if qualifier.token_type not in _NAMES:
            return _Context("none")
        name = qualifier.text if qualifier.token_type == TokenType.IDENTIFIER else qualifier.text.lower()
        return _Context("column", qualifier=name)
    if tokens and tokens[-1].token_type == TokenType.ALIAS:
        return _Context("none")  # naming something
    return _frame_context(_frames(tokens))


def _frames(tokens: list[Token]) -> list[_Frame]:
    stack = [_Frame("query")]
    previous: Token | None = None
    for token in tokens:
        frame = stack[-1]
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            before = previous.token_type if previous is not None else None
            if frame.clause == "WITH" and before in _NAMES:
                opened = "columns"
            elif before == TokenType.OVER or (frame.clause == "WINDOW" and before == TokenType.ALIAS):
                opened = "window"
            elif previous is not None and before not in _NOT_CALLS and previous.text[:1].isalpha():
                opened = "call"
            else:
                opened = "paren"
            frame.since.append(token)
            stack.append(_Frame(opened, before))
        elif kind == TokenType.R_PAREN:
            if len(stack) > 1:
                stack.pop()
            stack[-1].since.append(token)
        elif kind in _CLAUSE_NAMES and (frame.kind in ("query", "paren") or kind == TokenType.SELECT):
            if frame.kind == "call":
                frame.kind = "query"  # a subquery as an argument
            frame.clause = _CLAUSE_NAMES[kind]
            frame.since = []
        else:
            frame.since.append(token)
        previous = token
    return stack


def _frame_context(stack: list[_Frame]) -> _Context:
    frame = stack[-1]
    if frame.kind == "columns":
        return _Context("none")
    if frame.kind == "call":
        return _Context("expression", _OPERATORS + ("AS",))
    if frame.kind == "window":
        return _Context("keyword" if not frame.since else "expression", _WINDOW)
    if frame.clause is None:
        if frame.kind == "query":
            return _Context("keyword", _QUERY_START)
        if frame.since:  # grouping parentheses: the enclosing clause decides
            enclosing = next((f for f in reversed(stack[:-1]) if f.clause is not None), None)
            return _Context("expression", _expression_keywords(enclosing.clause if enclosing else None))
        if frame.opener == TokenType.IN:
            return _Context("expression", ("SELECT",) + _OPERATORS)
        if frame.opener in (TokenType.FROM, TokenType.JOIN, TokenType.ALIAS, TokenType.EXISTS, None,
                            TokenType.L_PAREN, TokenType.COMMA):
            return _Context("keyword", _QUERY_START)
        enclosing = next((f for f in reversed(stack[:-1]) if f.clause is not None), None)
        return _Context("expression", _expression_keywords(enclosing.clause if enclosing else None))
    return _clause_context(frame)


def _clause_context(frame: _Frame) -> _Context:
    clause, since = frame.clause, frame.since
    last = since[-1].token_type if since else None
    if clause in ("FROM", "JOIN"):
        if not since or (clause == "FROM" and last == TokenType.COMMA):
            return _Context("relation")
        if last in _JOIN_MODIFIERS:
            return _Context("keyword", ("JOIN", "OUTER JOIN", "SEMI JOIN", "ANTI JOIN"))
        follow = ("AS",) + _JOINS + (("ON", "USING") if clause == "JOIN" else ()) + _after("FROM")
        return _Context("keyword", follow)
    if clause == "WITH":
        if last in _NAMES:
            return _Context("keyword", ("AS",))
        if last == TokenType.R_PAREN:
            return _Context("keyword", ("SELECT", "VALUES"))
        return _Context("none")  # naming a CTE
    if clause in ("LIMIT", "OFFSET"):
        return _Context("keyword", ("OFFSET",) if since and clause == "LIMIT" else ())
    if clause == "UNION":
        return _Context("keyword", ("ALL", "DISTINCT", "SELECT", "VALUES") if not since else ("SELECT",))
    if clause in ("VALUES", "WINDOW"):
        return _Context("none")
    return _Context("expression", _expression_keywords(clause))


def _after(clause: str) -> tuple[str, ...]:
    """The clauses that may follow ``clause`` in a SELECT."""
    later = _CLAUSE_ORDER[_CLAUSE_ORDER.index(clause) + 1:] if clause in _CLAUSE_ORDER else _CLAUSE_ORDER
    return later + (_SET_OPERATIONS if "ORDER BY" in later else ())


def _expression_keywords(clause: str | None) -> tuple[str, ...]:
    if clause == "SELECT":
        return ("DISTINCT", "AS") + _OPERATORS + _after("SELECT")
    if clause == "ORDER BY":
        return ("ASC", "DESC", "NULLS FIRST", "NULLS LAST") + _OPERATORS + _after("ORDER BY")
    if clause in ("ON", "USING"):
        return _OPERATORS + _JOINS + _after("FROM")
    if clause in _CLAUSE_ORDER:
        return _OPERATORS + _after(clause)
    return _OPERATORS


# --- items --------------------------------------------------------------------------------

_Candidate = tuple[str, int, Completion]  # (name the typed word filters, group for sorting, item)


@dataclass(frozen=True, slots=True)
class _Lazy:
    """Candidates that may be thousands (views, extracts): names only, built if chosen."""

    names: list[str]  # sorted
    group: int
    build: Callable[[str], Completion]


def _finish(word: Word, context: str, candidates: list[_Candidate], lazy: _Lazy | None = None) -> Completions:
    """Every candidate when they are few; else the best matches of the typed word, cut.

    Cutting never touches more than the names of the lazy candidates, so a request
    allocates in proportion to its answer, not to the project: on a big heap, garbage
    is what makes the cyclic GC stall a request.
    """
    names = lazy.names if lazy is not None else []
    if len(candidates) + len(names) <= MAX_ITEMS:
        chosen = [(group, item) for _, group, item in candidates]
        chosen += [(lazy.group, lazy.build(name)) for name in names]
        items = tuple(_sorted(item, f"{group}{item.label.lower()}") for group, item in chosen)
        return Completions(word.span, items, context)
    typed = word.typed.lower()
    ranked: list[tuple[int, int, str, Completion | str]] = []
    for name, group, item in candidates:
        quality = _match(typed, name.lower())
        if quality is not None:
            ranked.append((quality, group, name.lower(), item))
    if lazy is not None:
        ranked += [(quality, lazy.group, name.lower(), name) for quality, name in _best_names(typed, names)]
    ranked.sort(key=lambda entry: entry[:3])
    items = []
    for rank, (_, group, _, item) in enumerate(ranked[:MAX_ITEMS]):
        built = lazy.build(item) if isinstance(item, str) else item
        items.append(_sorted(built, f"{group}{rank:05d}"))
    return Completions(word.span, tuple(items), context, incomplete=True)


def _sorted(item: Completion, sort: str) -> Completion:
    return Completion(item.label, item.kind, item.insert, item.detail, item.documentation, item.snippet,
                      item.filter, sort)


def _best_names(typed: str, names: list[str]) -> list[tuple[int, str]]:
    """Up to MAX_ITEMS of ``names`` matching ``typed``: prefixes first, then subsequences."""
    found = [(0, name) for name in islice((n for n in names if n.lower().startswith(typed)), MAX_ITEMS)]
    if len(found) < MAX_ITEMS:
        rest = (n for n in names if _match(typed, n.lower()) == 1)
        found += [(1, name) for name in islice(rest, MAX_ITEMS - len(found))]
    return found


def _match(typed: str, name: str) -> int | None:
    """0 for a prefix, 1 for a subsequence, None when ``name`` cannot match ``typed``."""
    if name.startswith(typed):
        return 0
    at = 0
    for ch in typed:
        at = name.find(ch, at) + 1
        if not at:
            return None
    return 1


def _relations(snapshot: Snapshot, path: Path, quoted: bool, hidden: set[str]) -> _Lazy:
    """Views and extracts, except the view being edited and names a CTE shadows."""
    own = snapshot.document_view(path)
    names = sorted({*snapshot.views, *snapshot.extracts} - hidden - {own.name if own is not None else path.stem})
    return _Lazy(names, 1, lambda name: _relation_item_named(snapshot, name, quoted))


def _relation_item_named(snapshot: Snapshot, name: str, quoted: bool) -> Completion:
    kind = "view" if snapshot.view(name) is not None else "extract"
    schema = snapshot.schema_of(name)
    summary = _summary(kind, schema.names if schema is not None else None)
    return Completion(name, kind, identifier(name, quoted), summary, documentation(snapshot, kind, name),
                      filter=_filter(name, quoted))


def documentation(snapshot: Snapshot, kind: str, name: str) -> str:
    """The documentation of the item ``name`` of ``kind``; also for clients that ask for it
    only when an item is selected, which keeps long lists small."""
    if kind == "function":
        info = snapshot.registry.get(name)
        return info.description if info is not None else ""
    view = snapshot.view(name) if kind == "view" else None
    if view is not None:
        return view.definition.metadata.description or ""
    extract = snapshot.extracts.get(name) if kind == "extract" else None
    if extract is None:
        return ""
    files = ", ".join(str(f.relative_to(snapshot.root)) if f.is_relative_to(snapshot.root) else str(f)
                      for f in extract.files[:3])
    return f"Extract registered in viewls.toml ({extract.format or 'unknown format'})" + (f": {files}" if files else "")


def _summary(kind: str, columns: list[str] | None) -> str:
    if columns is None:
        return f"{kind} (schema unknown)"
    names = ", ".join(columns[:4]) + (", …" if len(columns) > 4 else "")
    return f"{kind} ({len(columns)} columns): {names}"


def _relation_item(relation: Relation, quoted: bool) -> Completion:
    return Completion(relation.name, "cte", identifier(relation.name, quoted),
                      _summary("cte", [c.name for c in relation.columns]),
                      filter=_filter(relation.name, quoted))


def _column_item(column: Column, quoted: bool) -> Completion:
    return Completion(column.name, "column", identifier(column.name, quoted), column.type or "",
                      filter=_filter(column.name, quoted))


def _scope_candidates(scope: Scope, quoted: bool) -> list[_Candidate]:
    """The columns of every relation in scope (qualified where the name is ambiguous) and the aliases."""
    owners: dict[str, int] = {}
    for relation in scope.relations:
        for column in {c.name for c in relation.columns}:
            owners[column] = owners.get(column, 0) + 1
    found: list[_Candidate] = []
    for relation in scope.relations:
        source = relation.alias if relation.alias == relation.name or not relation.name \
            else f"{relation.alias} ({relation.name})"
        seen = set()
        for column in relation.columns:
            if column.name in seen:
                continue
            seen.add(column.name)
            detail = " · ".join(p for p in (column.type, source) if p)
            if owners[column.name] > 1 and relation.alias:
                label = f"{identifier(relation.alias)}.{identifier(column.name)}"
                found.append((column.name, 0, Completion(label, "column", label, detail, filter=column.name)))
            else:
                found.append((column.name, 0, Completion(column.name, "column", identifier(column.name, quoted),
                                                         detail, filter=_filter(column.name, quoted))))
        if relation.alias:
            what = "derived table" if not relation.name else f"unknown table {relation.name}" \
                if relation.kind == "unknown" else f"{relation.kind} {relation.name}"
            found.append((relation.alias, 1, Completion(relation.alias, "alias", identifier(relation.alias, quoted),
                                                        what, filter=_filter(relation.alias, quoted))))
    return found


@cache
def _function_item(name: str, info: FunctionInfo, call: bool) -> Completion:
    """Functions never change in a process (the registry is built once), so neither do their items."""
    syntax = info.syntax.split("\n", 1)[0] or f"{name}()"
    detail = f"{syntax} · native UDF" if info.origin == "udf" else syntax
    snippet = None if call else _snippet(name, info)  # before an existing "(" only the name
    return Completion(name, "function", name, detail, info.description, snippet)


def _snippet(name: str, info: FunctionInfo) -> str:
    """``name(${1:arg}, ${2:arg})`` over the required parameters; ``name($1)`` when all are optional."""
    params = parameters(info)
    if params.documented and not params.names:
        return f"{name}()"
    required = params.names[:params.required]
    if not required:
        return f"{name}($1)"
    escaped = (re.sub(r"([$}\\])", r"\\\1", n) for n in required)
    return f"{name}({', '.join(f'${{{i}:{n}}}' for i, n in enumerate(escaped, 1))})"


def _keyword(keyword: str, case: str) -> Completion:
    text = keyword.lower() if case == "lower" else keyword
    return Completion(text, "keyword", text)


def _keyword_case(text: str, tokens: list[Token], typed: str) -> str:
    """Keywords are written in the case the user types them, else the case the query uses."""
    letters = [ch for ch in typed if ch.isalpha()]
    if letters:
        return "lower" if all(ch.islower() for ch in letters) else "upper"
    for token in reversed(tokens):
        written = text[token.start:token.end + 1]
        if token.token_type not in _NAMES and written.isalpha():
            return "lower" if written.islower() else "upper"
    return "upper"


# --- identifiers --------------------------------------------------------------------------

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")
_RESERVED = frozenset(
    {word.lower() for word, kind in DIALECT.tokenizer_class.KEYWORDS.items()
     if " " not in word and word.isalpha() and kind not in PostgresParser.ID_VAR_TOKENS}
    | {"all", "and", "as", "distinct", "false", "from", "group", "in", "into", "is", "join", "not", "null", "on",
       "or", "order", "select", "true", "union", "user", "where", "with"})


def identifier(name: str, quoted: bool = False) -> str:
    """``name`` as SQL must spell it: quoted unless it reads back unchanged unquoted."""
    if not quoted and _PLAIN.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def _filter(name: str, quoted: bool) -> str:
    """In an open quote the client matches what is typed, quote included, against this."""
    return identifier(name, True) if quoted else ""
