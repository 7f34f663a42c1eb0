"""sqlglot dialect for DataFusion SQL.

DataFusion parses SQL with sqlparser-rs (Generic dialect, PostgreSQL-like), so this dialect
reuses sqlglot's Postgres tokenizer and parser. The text handed to DataFusion is generated
from the AST, so the contract is: for any query DataFusion plans, generating it back from its
parse must plan to the identical schema, and DataFusion names unaliased columns after the
expression as written (`date_trunc(Utf8("month"),t.ts)`), so generation must write calls back
the way the user wrote them, up to the case of unquoted names.

sqlglot is installed compiled (sqlglotc): its Parser and Generator classes cannot be
subclassed from Python. The parser is therefore Postgres' as is, steered only through the
tokens it is given, and the generator is Postgres' with its dispatch table swapped for one
that writes DataFusion.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError
from sqlglot.generators.postgres import PostgresGenerator
from sqlglot.parsers.postgres import PostgresParser
from sqlglot.tokens import Token, TokenType

NAME_META_KEY = "datafusion_name"
"""Meta key under which the parser records a typed function's name as written."""

# Calls whose typed parse loses what DataFusion sees (date_trunc upper-cases its unit and
# turns a column unit into a literal, to_date/to_timestamp keep one format of many,
# generate_series(n) does not parse), so they are parsed as anonymous calls.
_VERBATIM = ("date_trunc", "date_part", "datepart", "datetrunc", "to_date", "to_timestamp", "generate_series")


class DataFusion(Postgres):
    ORIGINAL_NAME_META_KEY = NAME_META_KEY
    # DataFusion folds unquoted function names to lowercase (quoted ones are kept, see
    # _DISPATCH), so lowercase output keeps fingerprints stable under case.
    NORMALIZE_FUNCTIONS = "lower"
    # Format strings are chrono's (%Y-%m-%d) and must reach DataFusion untranslated.
    TIME_MAPPING: dict[str, str] = {}

    class Tokenizer(Postgres.Tokenizer):
        IDENTIFIERS = ['"', "`"]
        KEYWORDS = {
            **Postgres.Tokenizer.KEYWORDS,
            # `^` is bitwise xor in DataFusion; Postgres' parser reads HASH as xor.
            "^": TokenType.HASH,
        }
        # FLOAT is single precision in DataFusion, not an alias of DOUBLE as in Postgres.
        KEYWORDS.pop("FLOAT")

    def parse(self, sql: str, **opts) -> list[exp.Expr | None]:
        # Substring tests keep the common case as fast as plain sqlglot: `{` catches MAP {,
        # `"` quoted function names.
        lowered = sql.lower()
        if "{" not in sql and '"' not in sql and not any(name in lowered for name in _VERBATIM):
            return super().parse(sql, **opts)
        tokens = self.tokenize(sql)
        marked = _mark_verbatim_calls(tokens)
        expressions = self.parser(**opts).parse(tokens, sql)
        if marked:
            for expression in expressions:
                for node in expression.find_all(exp.Anonymous) if expression else ():
                    _unmark(node)
        return expressions

    def generator(self, **opts):
        generator = super().generator(**opts)
        generator._dispatch = _DISPATCH
        return generator


# Appended to the name token of a verbatim call so that neither the parser's typed
# functions nor its special function parsers know the name: it builds an anonymous call,
# whose name is restored after parsing. No SQL token can contain it.
_MARK = "\x1f"


def _mark_verbatim_calls(tokens: list[Token]) -> bool:
    """Marks the name of each call to keep as written: _VERBATIM names, and quoted names
    (case-sensitive in DataFusion, where sqlglot would fold `"SQRT"(x)` into `sqrt(x)`);
    rejects MAP literals. Returns whether it marked any."""
    marked = False
    for i, token in enumerate(tokens[:-1]):
        following = tokens[i + 1]
        # sqlglot reads DataFusion's MAP {k: v} literal as a struct, dropping the MAP.
        if token.token_type == TokenType.MAP and following.token_type == TokenType.L_BRACE:
            message = "MAP {...} literals are not supported; write map([keys...], [values...])"
            raise ParseError.new(message, message, token.line, token.col, highlight=token.text)
        if following.token_type != TokenType.L_PAREN or (i and tokens[i - 1].token_type == TokenType.DOT):
            continue
        if token.token_type == TokenType.IDENTIFIER or token.text.lower() in _VERBATIM:
            token.text += _MARK
            marked = True
    return marked


def _unmark(call: exp.Anonymous) -> None:
    name = call.this
    if isinstance(name, exp.Identifier) and name.this.endswith(_MARK):
        name.set("this", name.this[: -len(_MARK)])
    elif isinstance(name, str) and name.endswith(_MARK):
        call.set("this", name[: -len(_MARK)])


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
        # `x IS NOT NULL` parses to its own node, so NOT over IS NULL was written prefix.
        if ops and not (isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null)):
            head = generator.sql(inner, "this")
            rest = generator.sql(inner)[len(head) :]
            if rest.startswith(ops[0]):
                return f"{head}{ops[1]}{rest[len(ops[0]) :]}"
        return not_sql(generator, expression)

    typed = {PostgresParser.FUNCTIONS[name].__self__ for name in _POSITIONAL}
    typed |= {exp.Log, exp.Hex, exp.Uuid, exp.ArrayConcat}
    fallback = PostgresGenerator.function_fallback_sql
    dispatch = {**base, **{cls: _as_written(base.get(cls) or fallback) for cls in typed}}
    dispatch.update(
        {
            exp.Anonymous: anonymous,
            exp.DataType: datatype,
            exp.Not: negation,
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
