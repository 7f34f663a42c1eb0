"""The relations in scope at a cursor of a buffer that is being typed.

The buffer rarely parses as it stands (``SELECT o. FROM orders o``), but it often does
once a placeholder identifier stands in for the word at the cursor: then the AST says
which FROM/JOIN sources, derived tables and CTEs the cursor sees. When even that fails,
a token scan finds ``FROM/JOIN <name> [AS] <alias>`` at the cursor's query level and
``WITH <name> AS (...)``, and parses each parenthesised body on its own. Columns come
from the snapshot's derived schemas; CTE and derived-table columns from their select
items, ``*`` expanded through the schemas of what they read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from viewls.ide.cursor import tokenize
from viewls.analysis.snapshot import Snapshot
from viewls.project.types import format_arrow_type
from viewls.sql.canonical import normalize
from viewls.sql.lineage import DEFAULT_CATALOGS, DEFAULT_SCHEMAS, visible_ctes
from viewls.sql.parse import parse_query
from viewls.text import Span

PLACEHOLDER = "viewls_cursor__"
_NAMES = (TokenType.VAR, TokenType.IDENTIFIER)
_SET_OPERATIONS = (TokenType.UNION, TokenType.EXCEPT, TokenType.INTERSECT)
_QUERY_STARTS = (TokenType.SELECT, TokenType.WITH, TokenType.VALUES)
# What ends a FROM item's alias: the clauses and join keywords that may follow it.
_AFTER_SOURCES = frozenset({
    TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING, TokenType.ORDER_BY, TokenType.LIMIT,
    TokenType.QUALIFY, TokenType.WINDOW, *_SET_OPERATIONS, TokenType.R_PAREN,
})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str | None  # Arrow type as format_arrow_type spells it; None when unknown


@dataclass(frozen=True, slots=True)
class Relation:
    alias: str  # how the query names it; "" for a derived table without alias
    name: str  # the view, extract or CTE it reads; "" for a derived table
    kind: str  # "view", "extract", "cte", "subquery" or "unknown"
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class Scope:
    relations: tuple[Relation, ...]  # the FROM/JOIN sources of the query at the cursor
    outer: tuple[Relation, ...]  # those of enclosing queries (correlated references)
    ctes: tuple[Relation, ...]  # the CTEs visible at the cursor

    def find(self, qualifier: str) -> Relation | None:
        """The relation ``qualifier`` names at the cursor: an alias, else a CTE."""
        for relation in (*self.relations, *self.outer):
            if relation.alias == qualifier:
                return relation
        return next((cte for cte in self.ctes if cte.name == qualifier), None)


def scope_at(snapshot: Snapshot, path: Path, text: str, word: Span) -> Scope:
    """What the query sees where ``word`` (the identifier being typed) stands."""
    marked = f"{text[:word.start]}{PLACEHOLDER}{text[word.end:]}"
    ast = parse_query(path, marked).ast
    if ast is not None:
        normalize(ast)
        placeholder = next((i for i in ast.find_all(exp.Identifier) if i.this == PLACEHOLDER), None)
        if placeholder is not None:
            return _from_tree(snapshot, placeholder)
    return _from_tokens(snapshot, path, marked, word.start)


def relation_columns(snapshot: Snapshot, name: str) -> tuple[Column, ...]:
    """The columns of the view or extract ``name`` (empty when its schema is unknown)."""
    schema = snapshot.schema_of(name)
    return tuple(Column(f.name, format_arrow_type(f.type)) for f in schema) if schema is not None else ()


class _Resolver:
    """Columns of the relations a query reads, given the CTE definitions it can see."""

    def __init__(self, snapshot: Snapshot, ctes: dict[str, exp.CTE | None], resolving: frozenset[str] = frozenset(),
                 memo: dict[str, tuple[Column, ...]] | None = None):
        self.snapshot = snapshot
        self.ctes = ctes  # name -> definition (None: its body does not parse)
        self.resolving = resolving  # CTEs being expanded, so a self-reference cannot loop
        # Columns of the CTEs resolved so far: CTEs reading CTEs must not be expanded again and again.
        self.memo = memo if memo is not None else {}

    def cte(self, name: str) -> Relation:
        definition = self.ctes.get(name)
        columns = self.memo.get(name, ())
        if definition is not None and name not in self.memo and name not in self.resolving:
            inner = _Resolver(self.snapshot, self.ctes, self.resolving | {name}, self.memo)
            columns = inner.query_columns(definition.this)
            alias = definition.args.get("alias")
            renamed = [c.name for c in alias.columns] if alias is not None else []
            if renamed:
                types = [c.type for c in columns] + [None] * len(renamed)
                columns = tuple(Column(n, t) for n, t in zip(renamed, types))
            self.memo[name] = columns
        return Relation(name, name, "cte", columns)

    def table(self, name: str, alias: str) -> Relation:
        if name in self.ctes:
            return Relation(alias, name, "cte", self.cte(name).columns)
        if self.snapshot.view(name) is not None:
            return Relation(alias, name, "view", relation_columns(self.snapshot, name))
        if name in self.snapshot.extracts:
            return Relation(alias, name, "extract", relation_columns(self.snapshot, name))
        return Relation(alias, name, "unknown", ())

    def sources(self, select: exp.Select) -> tuple[Relation, ...]:
        found = []
        from_ = select.args.get("from_")
        for node in [from_.this if from_ is not None else None, *(j.this for j in select.args.get("joins") or ())]:
            if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
                if node.name != PLACEHOLDER and _default_schema(node.db, node.catalog):
                    found.append(self.table(node.name, node.alias_or_name))
            elif isinstance(node, exp.Subquery):
                found.append(Relation(node.alias, "", "subquery", self.query_columns(node.this)))
        return tuple(found)

    def query_columns(self, query: exp.Expression | None) -> tuple[Column, ...]:
        """The output columns of ``query``: its (left-most) select items, ``*`` expanded."""
        while isinstance(query, (exp.SetOperation, exp.Subquery)):
            query = query.this
        if not isinstance(query, exp.Select):
            return ()
        resolver = self
        with_ = query.args.get("with_")
        if with_ is not None:
            resolver = _Resolver(self.snapshot, {**self.ctes, **{c.alias_or_name: c for c in with_.expressions}},
                                 self.resolving)
        sources = resolver.sources(query)
        columns: list[Column] = []
        for item in query.expressions:
            if isinstance(item, exp.Star):
                columns.extend(c for s in sources for c in s.columns)
            elif isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
                source = next((s for s in sources if s.alias == item.table), None)
                columns.extend(source.columns if source is not None else ())
            elif item.alias_or_name and item.alias_or_name != PLACEHOLDER:
                inner = item.this if isinstance(item, exp.Alias) else item
                columns.append(Column(item.alias_or_name, _column_type(inner, sources)))
        return tuple(columns)


def _column_type(node: exp.Expression, sources: tuple[Relation, ...]) -> str | None:
    """The type of a select item that passes a column through; None for computed items."""
    if not isinstance(node, exp.Column):
        return None
    for source in sources:
        if not node.table or source.alias == node.table:
            column = next((c for c in source.columns if c.name == node.name), None)
            if column is not None:
                return column.type
    return None


def _default_schema(db: str, catalog: str) -> bool:
    return db.lower() in DEFAULT_SCHEMAS and catalog.lower() in DEFAULT_CATALOGS


# --- from the AST -----------------------------------------------------------------------


def _from_tree(snapshot: Snapshot, placeholder: exp.Identifier) -> Scope:
    resolver = _Resolver(snapshot, visible_ctes(placeholder))
    selects = []
    node = placeholder.parent
    while node is not None:
        if isinstance(node, exp.Select):
            selects.append(node)
        node = node.parent
    inner = resolver.sources(selects[0]) if selects else ()
    outer = tuple(r for select in selects[1:] for r in resolver.sources(select))
    ctes = tuple(resolver.cte(name) for name in resolver.ctes)
    return Scope(inner, outer, ctes)


# --- from tokens ------------------------------------------------------------------------


def _from_tokens(snapshot: Snapshot, path: Path, text: str, cursor: int) -> Scope:
    tokens = tokenize(text)
    matches = _matching_parens(tokens)
    at = next((i for i, t in enumerate(tokens) if t.start >= cursor), len(tokens))
    resolver = _Resolver(snapshot, _scanned_ctes(path, text, tokens, matches, cursor))
    start, end = _query_around(tokens, matches, at)
    relations = tuple(_scanned_sources(resolver, path, text, tokens, matches, start, end))
    return Scope(relations, (), tuple(resolver.cte(name) for name in resolver.ctes))


def _matching_parens(tokens: list[Token]) -> dict[int, int]:
    """Index of each parenthesis -> index of its partner (unclosed ones have none)."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            stack.append(i)
        elif token.token_type == TokenType.R_PAREN and stack:
            opening = stack.pop()
            matches[opening] = i
            matches[i] = opening
    return matches


def _body(path: Path, text: str, tokens: list[Token], matches: dict[int, int], opening: int) -> exp.Expression | None:
    """The parsed query between the parenthesis at ``opening`` and its partner."""
    closing = matches.get(opening)
    end = tokens[closing].start if closing is not None else len(text)
    ast = parse_query(path, text[tokens[opening].end + 1:end]).ast
    return normalize(ast) if ast is not None else None


def _name(token: Token) -> str:
    return token.text if token.token_type == TokenType.IDENTIFIER else token.text.lower()


def _scanned_ctes(path: Path, text: str, tokens: list[Token], matches: dict[int, int],
                  cursor: int) -> dict[str, exp.CTE | None]:
    """``WITH <name> [(columns)] AS [NOT MATERIALIZED] (<body>)`` definitions the cursor sees."""
    found: dict[str, exp.CTE | None] = {}
    for i, token in enumerate(tokens):
        if token.token_type != TokenType.WITH:
            continue
        j = i + 1 + (i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.RECURSIVE)
        while j < len(tokens) and tokens[j].token_type in _NAMES:
            name = _name(tokens[j])
            k = j + 1
            columns: list[str] = []
            if k < len(tokens) and tokens[k].token_type == TokenType.L_PAREN:
                closing = matches.get(k, len(tokens))
                columns = [_name(t) for t in tokens[k + 1:closing] if t.token_type in _NAMES]
                k = closing + 1
            if k >= len(tokens) or tokens[k].token_type != TokenType.ALIAS:
                break
            k += 1
            while k < len(tokens) and (tokens[k].token_type == TokenType.NOT
                                       or tokens[k].text.lower() == "materialized"):
                k += 1
            if k >= len(tokens) or tokens[k].token_type != TokenType.L_PAREN:
                break
            closing = matches.get(k)
            body_end = tokens[closing].start if closing is not None else len(text)
            if tokens[k].start < cursor <= body_end:
                return found  # the cursor is in this body: it sees only the CTEs before it
            body = _body(path, text, tokens, matches, k)
            found[name] = _cte(name, body, columns) if body is not None else None
            if closing is None or closing + 1 >= len(tokens) or tokens[closing + 1].token_type != TokenType.COMMA:
                break
            j = closing + 2
    return found


def _cte(name: str, body: exp.Expression, columns: list[str]) -> exp.CTE:
    alias = exp.TableAlias(this=exp.to_identifier(name), columns=[exp.to_identifier(c) for c in columns])
    return exp.CTE(this=body, alias=alias)


def _query_around(tokens: list[Token], matches: dict[int, int], at: int) -> tuple[int, int]:
    """The token range of the SELECT the token at ``at`` belongs to: the innermost
    parenthesised subquery around it (or the whole text), cut at set operations."""
    start, end = 0, len(tokens)
    depth = 0
    for i in range(at - 1, -1, -1):
        kind = tokens[i].token_type
        if kind == TokenType.R_PAREN:
            depth += 1
        elif kind == TokenType.L_PAREN:
            if depth:
                depth -= 1
            elif i + 1 < len(tokens) and tokens[i + 1].token_type in _QUERY_STARTS:
                start, end = i + 1, matches.get(i, len(tokens))
                break
    depth = 0
    segment_start, segment_end = start, end
    for i in range(start, end):
        kind = tokens[i].token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if depth == 0 and kind in _SET_OPERATIONS:
            if i < at:
                segment_start = i + 1
            else:
                segment_end = i
                break
    return segment_start, segment_end


def _scanned_sources(resolver: _Resolver, path: Path, text: str, tokens: list[Token], matches: dict[int, int],
                     start: int, end: int):
    """The relations of each ``FROM a [AS] x, b`` and ``JOIN c [AS] y`` at depth 0 in [start, end)."""
    i = start
    in_from = False
    while i < end:
        kind = tokens[i].token_type
        if kind == TokenType.L_PAREN:  # an expression or subquery, not a source of this query
            i = matches.get(i, i) + 1
            continue
        if kind in (TokenType.FROM, TokenType.JOIN) or (in_from and kind == TokenType.COMMA):
            in_from = kind != TokenType.JOIN  # only a FROM list continues after a comma
            relation, i = _scanned_item(resolver, path, text, tokens, matches, i + 1, end)
            if relation is not None:
                yield relation
            continue
        if kind in _AFTER_SOURCES or kind == TokenType.ON:
            in_from = False
        i += 1


def _scanned_item(resolver: _Resolver, path: Path, text: str, tokens: list[Token], matches: dict[int, int],
                  i: int, end: int) -> tuple[Relation | None, int]:
    """The relation named at ``i`` (a table or a parenthesised subquery) and the index after it."""
    if i >= end:
        return None, i
    relation = None
    if tokens[i].token_type == TokenType.L_PAREN:
        body = _body(path, text, tokens, matches, i)
        i = matches.get(i, end) + 1
        alias, i = _scanned_alias(tokens, i, end)
        if body is not None:
            relation = Relation(alias or "", "", "subquery", resolver.query_columns(body))
        return relation, i
    parts = []
    while i < end and tokens[i].token_type in _NAMES:
        parts.append(_name(tokens[i]))
        if i + 1 < end and tokens[i + 1].token_type == TokenType.DOT:
            i += 2
        else:
            i += 1
            break
    if not parts or (i < end and tokens[i].token_type == TokenType.L_PAREN):
        return None, i  # not a table: a table function such as unnest(...)
    alias, i = _scanned_alias(tokens, i, end)
    name, qualifiers = parts[-1], parts[:-1]
    if name != PLACEHOLDER and len(qualifiers) <= 2 and _default_schema(*_schema_parts(qualifiers)):
        relation = resolver.table(name, alias or name)
    return relation, i


def _schema_parts(qualifiers: list[str]) -> tuple[str, str]:
    """(schema, catalog) of ``[catalog.][schema.]`` qualifiers."""
    padded = ["", "", *qualifiers][-2:]
    return padded[1], padded[0]


def _scanned_alias(tokens: list[Token], i: int, end: int) -> tuple[str | None, int]:
    if i < end and tokens[i].token_type == TokenType.ALIAS:
        i += 1
    if i < end and tokens[i].token_type in _NAMES and tokens[i].text != PLACEHOLDER:
        return _name(tokens[i]), i + 1
    return None, i
