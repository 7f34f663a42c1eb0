"""sqlglot dialect for DataFusion SQL.

DataFusion parses SQL with sqlparser-rs (Generic dialect, PostgreSQL-like), so this dialect
reuses sqlglot's Postgres tokenizer and parser. The text handed to DataFusion is generated
from the AST, so the contract is: for any query DataFusion plans, generating it back from its
parse must plan to the identical schema, and DataFusion names unaliased columns after the
expression as written (`date_trunc(Utf8("month"),t.ts)`), so generation must write calls back
the way the user wrote them, up to the case of unquoted names.

sqlglot is installed compiled (sqlglotc): its Parser and Generator classes cannot be
subclassed from Python. The parser is therefore Postgres' as is, steered only through the
tokens it is given (_steer marks tokens, _restore turns the nodes built from them back into
what DataFusion reads), and the generator is Postgres' with its dispatch table swapped for
one that writes DataFusion. Whatever the dialect misses, the fidelity guard
(analysis/fidelity.py) catches: a view whose generated SQL plans differently runs as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.postgres import Postgres
from sqlglot.generators.postgres import PostgresGenerator
from sqlglot.parsers.postgres import PostgresParser
from sqlglot.tokens import Token, TokenType

NAME_META_KEY = "datafusion_name"
"""Meta key under which the parser records a typed function's name as written."""

# Calls whose typed parse loses what DataFusion sees (date_trunc upper-cases its unit and
# turns a column unit into a literal, to_date/to_timestamp keep one format of many,
# generate_series(n) does not parse, date_bin writes its origin string unquoted, map(k, v,
# ...) takes two arguments), so they are parsed as anonymous calls.
_VERBATIM = ("date_trunc", "date_part", "datepart", "datetrunc", "to_date", "to_timestamp", "generate_series",
             "date_bin", "map")

# Substrings of the queries that _steer may change; a query without any parses as fast as
# with plain sqlglot. `"` catches quoted function names and EXTRACT units, `{` MAP
# literals, `=>` named arguments, `decimal`/`numeric` negative scales.
_STEERED = ('"', "{", "~~", "=>", "values", "extract", "decimal", "numeric", "unknown", "interval", "position",
            *_VERBATIM)


class DataFusion(Postgres):
    ORIGINAL_NAME_META_KEY = NAME_META_KEY
    # DataFusion folds unquoted function names to lowercase (quoted ones are kept, see
    # _DISPATCH), so lowercase output keeps fingerprints stable under case.
    NORMALIZE_FUNCTIONS = "lower"
    # Format strings are chrono's (%Y-%m-%d) and must reach DataFusion untranslated.
    TIME_MAPPING: dict[str, str] = {}
    # DataFusion indexes arrays from 1 as Postgres does, but the AST is only ever written
    # back to DataFusion: no offset keeps subscripts as written, where shifting them folds
    # `[1 + 2 - 1]` into `[2]` and shifts map keys (`MAP {1: 'a'}[1]`) too.
    INDEX_OFFSET = 0

    class Tokenizer(Postgres.Tokenizer):
        IDENTIFIERS = ['"', "`"]
        KEYWORDS = {
            **Postgres.Tokenizer.KEYWORDS,
            # `^` is bitwise xor in DataFusion; Postgres' parser reads HASH as xor.
            "^": TokenType.HASH,
        }
        # FLOAT is single precision in DataFusion, not an alias of DOUBLE as in Postgres.
        KEYWORDS.pop("FLOAT")
        # DataFusion plans neither REGEXP nor RLIKE, and `regexp` is a fine column name.
        KEYWORDS.pop("REGEXP")
        KEYWORDS.pop("RLIKE")

    def parse(self, sql: str, **opts) -> list[exp.Expr | None]:
        lowered = sql.lower()
        if not any(text in lowered for text in _STEERED):
            return super().parse(sql, **opts)
        tokens = self.tokenize(sql)
        marks = _steer(tokens, named_arguments="=>" in sql)
        expressions = self.parser(**opts).parse(tokens, sql)
        if marks.nodes:
            # A statement may be a lone expression (a spec file's select value): hold each
            # under a parent while restoring, so that its own replacement is returned too.
            holders = [exp.Paren(this=expression) if expression is not None else None for expression in expressions]
            for holder in holders:
                if holder is not None:
                    _restore(holder.this, marks)
            expressions = [holder.this.pop() if holder is not None else None for holder in holders]
        return expressions

    def generator(self, **opts):
        generator = super().generator(**opts)
        generator._dispatch = _DISPATCH
        generator.MULTI_ARG_DISTINCT = True  # count(DISTINCT a, b), not Postgres' CASE rewrite
        return generator


# Starts the text of a token _steer rewrites, followed by the index of what was written
# (in _Marks.written): the parser then builds an anonymous call, a column, a variable or
# a string under that text, which _restore turns back into what DataFusion reads. No SQL
# token can contain it.
_MARK = "\x1f"
OPERATOR_META_KEY = "datafusion_operator"
"""Meta key under which the parser records the `~~` spelling of a LIKE or ILIKE."""


@dataclass(slots=True)
class _Marks:
    written: list[str] = field(default_factory=list)  # what each mark stands for
    operators: dict[int, str] = field(default_factory=dict)  # pattern mark -> `~~` or `~~*` before it
    nodes: set[type] = field(default_factory=set)  # the node types _restore must revisit

    def mark(self, token: Token, text: str | None = None, *nodes: type) -> None:
        """Marks ``token`` to be restored as ``text`` (by default, its own text) in the
        parsed ``nodes`` (by default, anonymous calls)."""
        self.nodes.update(nodes or (exp.Anonymous,))
        self.written.append(token.text if text is None else text)
        token.text = f"{_MARK}{len(self.written) - 1}"
        if token.token_type not in (TokenType.IDENTIFIER, TokenType.STRING):
            token.token_type = TokenType.VAR

    def original(self, text: str) -> str | None:
        return self.written[int(text[1:])] if text.startswith(_MARK) else None


_MAP = "MAP {"  # what a MAP literal's `MAP` is marked as: a call of its keys and values
_OPENING = (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE)
_CLOSING = (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE)
_NEGATIVE_SCALE = [TokenType.L_PAREN, TokenType.NUMBER, TokenType.COMMA, TokenType.DASH, TokenType.NUMBER]
# The tokens _steer looks at; it skips all others.
_STEERED_TOKENS = frozenset({
    *_OPENING, *_CLOSING, TokenType.COLON, TokenType.MAP, TokenType.ROW, TokenType.VALUES, TokenType.INTERVAL,
    TokenType.LIKE, TokenType.ILIKE, TokenType.UNKNOWN, TokenType.DECIMAL, TokenType.BIGDECIMAL,
})
_INTERVAL_UNITS = Postgres.VALID_INTERVAL_UNITS
_FRAME_SIDES = ("PRECEDING", "FOLLOWING")


def _steer(tokens: list[Token], named_arguments: bool) -> _Marks:
    """Rewrites the tokens sqlglot's Postgres parser would read otherwise than DataFusion:

    - calls to keep as written (_VERBATIM names, quoted names, case-sensitive in
      DataFusion, where sqlglot would fold `"SQRT"(x)` into `sqrt(x)`, `position(a, b)`,
      which sqlglot writes `POSITION(a IN b)`, and calls with named arguments) lose their
      name to the parser's typed functions and special function parsers;
    - `MAP {k: v, ...}` (which sqlglot reads as a struct, dropping MAP) becomes a call of
      its keys and values;
    - `values` not followed by a row is a table name, not VALUES, and `VALUES ROW(1, 2)`
      is `VALUES (1, 2)` (sqlglot would read rows of one struct each);
    - the unit of EXTRACT keeps its case and quotes (DataFusion names `extract(us from x)`
      `date_part(Utf8("us"), x)`, sqlglot upper-cases it);
    - `IS [NOT] UNKNOWN` is not `IS [NOT] NULL`, as far as DataFusion's column names go;
    - the negative scale of DECIMAL(10, -2) is one number;
    - `s ~~ 'a%'` and its kin are named so by DataFusion, not `s LIKE 'a%'`: their pattern
      string is marked (other patterns are rare and the fidelity guard has them);
    - an interval's string is kept whole where sqlglot would drop part of it (the `1` of
      '1 day 1', the `.` of '.5 minute') or its case matters (DataFusion names a window
      frame `RANGE BETWEEN 2 minutes PRECEDING`), and an interval followed by `+ '...'`
      or `+ 1` is parenthesized, which sqlglot would otherwise read as one interval of
      two parts.

    Returns the marks, for _restore.
    """
    marks = _Marks()
    maps: list[int] = []  # the bracket depth of each open MAP literal
    depth = 0
    rows = None  # the bracket depth of a `VALUES ROW(...), ROW(...)` list
    edits: list[tuple[int, Token | None]] = []  # a token to insert at an index, or None to delete it
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        kind = token.token_type
        if kind not in _STEERED_TOKENS:
            continue
        following = tokens[i + 1].token_type if i < last else None
        if kind in _OPENING:
            depth += 1
            if kind == TokenType.L_PAREN and i:
                _steer_call(tokens, i, marks, named_arguments)
        elif kind in _CLOSING:
            if maps and kind == TokenType.R_BRACE and maps[-1] == depth:
                maps.pop()
                token.token_type = TokenType.R_PAREN
            depth -= 1
            if rows is not None and depth < rows:
                rows = None
        elif kind == TokenType.COLON:
            if maps and maps[-1] == depth:
                token.token_type = TokenType.COMMA
        elif kind == TokenType.MAP:
            if following == TokenType.L_BRACE:
                marks.mark(token, _MAP, exp.Anonymous)
                tokens[i + 1].token_type = TokenType.L_PAREN
                maps.append(depth + 1)
        elif kind == TokenType.ROW:
            previous = tokens[i - 1].token_type if i else None
            if following == TokenType.L_PAREN and (
                previous == TokenType.VALUES or previous == TokenType.COMMA and depth == rows
            ):
                edits.append((i, None))
                rows = depth
        elif kind == TokenType.VALUES:
            if following not in (TokenType.L_PAREN, TokenType.ROW):
                token.token_type = TokenType.VAR
            elif i and tokens[i - 1].token_type == TokenType.L_PAREN:  # maybe a CTE's body
                marks.nodes.add(exp.CTE)
        elif kind == TokenType.INTERVAL:
            if following in (TokenType.STRING, TokenType.NUMBER):
                edits += _steer_interval(tokens, i, marks)
        elif kind in (TokenType.LIKE, TokenType.ILIKE):
            if token.text[0] == "~" and following == TokenType.STRING:
                marks.mark(tokens[i + 1], None, exp.Like, exp.ILike, exp.Literal)
                marks.operators[len(marks.written) - 1] = token.text
        elif kind == TokenType.UNKNOWN:
            if i > 1 and tokens[i - 1].token_type == TokenType.IS:
                marks.mark(token, "UNKNOWN", exp.Column)
            elif i > 1 and tokens[i - 2].token_type == TokenType.IS:
                # `x IS NOT UNKNOWN` would read like `NOT x IS UNKNOWN`: NOT goes into the mark.
                marks.mark(token, "NOT UNKNOWN", exp.Column)
                edits.append((i - 1, None))
        elif [t.token_type for t in tokens[i + 1:i + 6]] == _NEGATIVE_SCALE:  # DECIMAL
            tokens[i + 5].text = "-" + tokens[i + 5].text
            edits.append((i + 4, None))
    for i, inserted in sorted(edits, key=lambda edit: edit[0], reverse=True):
        if inserted is None:
            del tokens[i]
        else:
            tokens.insert(i, inserted)
    return marks


def _steer_call(tokens: list[Token], opening: int, marks: _Marks, named_arguments: bool) -> None:
    """Marks the name of a call to keep as written, or the unit of an EXTRACT."""
    name = tokens[opening - 1]
    if opening > 1 and tokens[opening - 2].token_type == TokenType.DOT:
        return
    lowered = name.text.lower()
    if (name.token_type == TokenType.IDENTIFIER or lowered in _VERBATIM
            or lowered == "position" and _holds(tokens, opening, TokenType.COMMA)
            or named_arguments and _holds(tokens, opening, TokenType.FARROW)):
        marks.mark(name)
    elif lowered == "extract" and opening + 2 < len(tokens) and tokens[opening + 2].token_type == TokenType.FROM:
        unit = tokens[opening + 1]
        if unit.token_type != TokenType.STRING:
            marks.mark(unit, f'"{unit.text}"' if unit.token_type == TokenType.IDENTIFIER else unit.text, exp.Extract)


def _steer_interval(tokens: list[Token], at: int, marks: _Marks) -> list[tuple[int, Token]]:
    """Marks the string of the interval at ``at`` if sqlglot would change it, and returns
    the parentheses to put around the interval if sqlglot would read on into `+ '...'`."""
    last = len(tokens) - 1
    after = tokens[at + 2].text.upper() if at + 2 <= last else None
    value = tokens[at + 1]
    if value.token_type == TokenType.STRING and (_lossy_interval(value.text) or after in _FRAME_SIDES):
        marks.mark(value, None, exp.Literal, exp.WindowSpec)
    end = at + 2 if after in _INTERVAL_UNITS else at + 1
    if end + 2 > last or tokens[end + 1].token_type != TokenType.PLUS or tokens[end + 2].token_type not in (
        TokenType.STRING, TokenType.NUMBER
    ):
        return []
    start, close = tokens[at], tokens[end]
    return [(at, Token(TokenType.L_PAREN, "(", start.line, start.col, start.start, start.start)),
            (end + 1, Token(TokenType.R_PAREN, ")", close.line, close.col, close.end, close.end))]


def _holds(tokens: list[Token], opening: int, kind: TokenType) -> bool:
    """Whether the parentheses opening at ``opening`` hold a ``kind`` token of their own."""
    depth = 0
    for token in tokens[opening:]:
        found = token.token_type
        if found in _OPENING:
            depth += 1
        elif found in _CLOSING:
            depth -= 1
            if not depth:
                return False
        elif found == kind and depth == 1:
            return True
    return False


def _lossy_interval(text: str) -> bool:
    """Whether the parser would read the interval string ``text`` as one number and unit
    while it holds more."""
    parts = exp.INTERVAL_STRING_RE.findall(text)
    return len(parts) == 1 and not exp.INTERVAL_STRING_RE.fullmatch(text)


def _restore(expression: exp.Expr, marks: _Marks) -> None:
    """Turns what _steer marked back into what DataFusion reads, and undoes the parser's
    rewrite of `WITH t(a) AS (VALUES ...)` into a SELECT from an alias `_values`, which
    DataFusion would name columns after."""
    original = marks.original
    for node in list(expression.find_all(*marks.nodes)):  # parents first
        if isinstance(node, exp.Literal):
            name = original(node.this)
            if name is not None:  # an interval's string or a `~~` pattern
                node.set("this", name)
        elif isinstance(node, (exp.Like, exp.ILike)) and isinstance(node.expression, exp.Literal):
            if node.expression.this.startswith(_MARK):
                operator = marks.operators.get(int(node.expression.this[1:]))
                if operator:
                    node.meta[OPERATOR_META_KEY] = operator
        elif isinstance(node, exp.WindowSpec):
            for bound, side in (("start", "start_side"), ("end", "end_side")):
                _frame_side(node, bound, side, marks)
        elif isinstance(node, exp.CTE) and _values_rewrite(node.this):
            select = node.this
            values = select.args["from_"].this
            values.set("alias", None)
            for key in exp.QUERY_MODIFIERS:
                if select.args.get(key):
                    values.set(key, select.args[key])
            node.set("this", values)
        elif isinstance(node, exp.Anonymous):
            name = original(node.name)
            if name == _MAP:
                pairs = node.expressions
                struct = exp.Struct(expressions=[exp.PropertyEQ(this=key, expression=value)
                                                 for key, value in zip(pairs[::2], pairs[1::2])])
                node.replace(exp.ToMap(this=struct))
            elif name is not None:
                target = node.this if isinstance(node.this, exp.Identifier) else node
                target.set("this", name)
        elif isinstance(node, exp.Column) and not node.table:
            name = original(node.name)
            if name is not None:  # IS [NOT] UNKNOWN
                node.replace(exp.var(name))
        elif isinstance(node, exp.Extract) and isinstance(node.this, exp.Var):
            name = original(node.this.name)
            if name is not None:
                node.this.set("this", name)


def _frame_side(spec: exp.WindowSpec, bound: str, side: str, marks: _Marks) -> None:
    """A marked interval string takes the PRECEDING or FOLLOWING after it for its unit:
    give it back to the frame."""
    interval = spec.args.get(bound)
    if (isinstance(interval, exp.Interval) and isinstance(interval.unit, exp.Var) and not spec.args.get(side)
            and interval.unit.name in _FRAME_SIDES and marks.original(interval.name) is not None):
        spec.set(side, interval.unit.name)
        interval.set("unit", None)


def _values_rewrite(query: exp.Expr) -> bool:
    """Whether ``query`` is the parser's `SELECT * FROM (VALUES ...) AS _values` (its alias,
    unlike one written, has no position)."""
    if not isinstance(query, exp.Select) or not query.is_star or len(query.expressions) != 1:
        return False
    source = query.args.get("from_")
    alias = source.this.args.get("alias") if source is not None else None
    return (isinstance(source.this, exp.Values) and alias is not None
            and alias.name == "_values" and "start" not in (alias.this.meta or {}))


def _positional_names() -> frozenset[str]:
    """Names whose typed node holds its arguments in call order, so the call can be
    written back verbatim under the name it was written with."""
    return frozenset(
        name
        for name, builder in PostgresParser.FUNCTIONS.items()
        if getattr(builder, "__name__", None) == "from_arg_list"
        and name not in PostgresParser.FUNCTION_PARSERS
        and name not in PostgresParser.FUNCTIONS_WITH_ALIASED_ARGS
    )


_POSITIONAL = _positional_names()

# Call arguments, in call order, of typed nodes whose builder reorders or rewrites them.
_CALL_ARGS = {
    "LOG2": lambda e: [e.expression],
    "LOG10": lambda e: [e.expression],
    "TO_HEX": lambda e: [e.this],
    "UUID": lambda e: [],
    "ARRAY_CAT": lambda e: [e.this, *e.expressions],
    "ARRAY_CONCAT": lambda e: [e.this, *e.expressions],
}


def _as_written(default):
    def sql(generator, expression: exp.Func) -> str:
        name = expression.meta_get(NAME_META_KEY)
        key = name.upper() if name else None
        if key in _POSITIONAL:
            return generator.function_fallback_sql(expression)
        if key in _CALL_ARGS:
            return generator.func(name, *_CALL_ARGS[key](expression))
        return default(generator, expression)

    return sql


_TYPES = {
    exp.DType.TINYINT: "TINYINT",
    exp.DType.UTINYINT: "TINYINT UNSIGNED",
    exp.DType.USMALLINT: "SMALLINT UNSIGNED",
    exp.DType.UINT: "INT UNSIGNED",
    exp.DType.UBIGINT: "BIGINT UNSIGNED",
}

# Negated predicates are written infix (`x NOT IN (...)`), the form DataFusion names them by.
_NEGATED = {
    exp.In: (" IN ", " NOT IN "),
    exp.Between: (" BETWEEN ", " NOT BETWEEN "),
    exp.SimilarTo: (" SIMILAR TO ", " NOT SIMILAR TO "),
    exp.RegexpLike: (" ~ ", " !~ "),
    exp.RegexpILike: (" ~* ", " !~* "),
    exp.Is: (" IS ", " IS NOT "),
}


def _build_dispatch() -> dict:
    base = Postgres().generator()._dispatch
    generic = Dialect().generator()._dispatch
    datatype_sql = base[exp.DataType]
    not_sql = base[exp.Not]
    anonymous_sql = base[exp.Anonymous]

    def anonymous(generator, expression: exp.Anonymous) -> str:
        if isinstance(expression.this, exp.Identifier):  # "MyUdf"(x) is case-sensitive
            return generator.func(
                generator.sql(expression, "this"), *expression.expressions, normalize=False
            )
        return anonymous_sql(generator, expression)

    def datatype(generator, expression: exp.DataType) -> str:
        name = _TYPES.get(expression.this)
        return name if name and not expression.expressions else datatype_sql(generator, expression)

    def negation(generator, expression: exp.Not) -> str:
        inner = expression.this
        ops = _NEGATED.get(type(inner))
        # `x IS NOT NULL` and `x IS NOT UNKNOWN` (see _steer) parse to their own nodes, so NOT
        # over IS NULL or IS UNKNOWN was written prefix.
        if ops and not (isinstance(inner, exp.Is) and isinstance(inner.expression, (exp.Null, exp.Var))):
            head = generator.sql(inner, "this")
            rest = generator.sql(inner)[len(head) :]
            if rest.startswith(ops[0]):
                return f"{head}{ops[1]}{rest[len(ops[0]) :]}"
        return not_sql(generator, expression)

    def like(default):
        def sql(generator, expression: exp.Like | exp.ILike) -> str:
            operator = expression.meta_get(OPERATOR_META_KEY)
            if operator is None:
                return default(generator, expression)
            negation = "!" if expression.args.get("negate") else ""
            return f"{generator.sql(expression, 'this')} {negation}{operator} {generator.sql(expression, 'expression')}"

        return sql

    def map_literal(generator, expression: exp.ToMap) -> str:
        pairs = expression.this.expressions
        return "MAP {" + ", ".join(f"{generator.sql(p, 'this')}: {generator.sql(p, 'expression')}" for p in pairs) + "}"

    typed = {PostgresParser.FUNCTIONS[name].__self__ for name in _POSITIONAL}
    typed |= {exp.Log, exp.Hex, exp.Uuid, exp.ArrayConcat}
    fallback = PostgresGenerator.function_fallback_sql
    dispatch = {**base, **{cls: _as_written(base.get(cls) or fallback) for cls in typed}}
    dispatch.update(
        {
            exp.Anonymous: anonymous,
            exp.DataType: datatype,
            exp.Not: negation,
            exp.ToMap: map_literal,
            exp.Like: like(base[exp.Like]),
            exp.ILike: like(base[exp.ILike]),
            exp.BitwiseXor: lambda self, e: self.binary(e, "^"),
            # Postgres rewrites semi/anti joins into EXISTS, TRY_CAST into CAST and drops
            # IGNORE NULLS; DataFusion has them all.
            **{
                cls: generic[cls]
                for cls in (exp.Select, exp.TryCast, exp.IgnoreNulls, exp.RespectNulls)
            },
        }
    )
    return dispatch


_DISPATCH = _build_dispatch()

DIALECT = DataFusion()
