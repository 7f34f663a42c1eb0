"""sqlglot dialect for DataFusion SQL.

DataFusion parses SQL with sqlparser-rs (Generic dialect, PostgreSQL-like), so this dialect
reuses sqlglot's Postgres tokenizer and parser. The text handed to DataFusion is generated
from the AST, so the contract is: for any query DataFusion plans, generating it back from its
parse must plan to the identical schema.

sqlglot is installed compiled (sqlglotc): its Parser and Generator classes cannot be
subclassed from Python. The parser is therefore Postgres' as is, and the generator is
Postgres' with its dispatch table swapped for one that writes DataFusion.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.parsers.postgres import PostgresParser
from sqlglot.tokens import TokenType

NAME_META_KEY = "datafusion_name"
"""Meta key under which the parser records a typed function's name as written."""


class DataFusion(Postgres):
    ORIGINAL_NAME_META_KEY = NAME_META_KEY
    # Unquoted identifiers are lowercased with Rust's Unicode-aware to_lowercase.
    ASCII_ONLY_NORMALIZATION = False
    # Function names are written as the user spelled them: DataFusion folds unquoted scalar
    # function names itself, but looks table functions up verbatim.
    NORMALIZE_FUNCTIONS = False
    # Format strings are chrono's (%Y-%m-%d) and must reach DataFusion untranslated.
    TIME_MAPPING: dict[str, str] = {}

    class Tokenizer(Postgres.Tokenizer):
        KEYWORDS = {
            **Postgres.Tokenizer.KEYWORDS,
            # `^` is bitwise xor in DataFusion; Postgres' parser reads HASH as xor.
            "^": TokenType.HASH,
        }
        # FLOAT is single precision in DataFusion, not an alias of DOUBLE as in Postgres.
        KEYWORDS.pop("FLOAT")

    def generator(self, **opts):
        generator = super().generator(**opts)
        generator._dispatch = _DISPATCH
        return generator


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


def _as_written(default):
    def sql(generator, expression: exp.Func) -> str:
        name = expression.meta_get(NAME_META_KEY) if expression._meta else None
        if name and name.upper() in _POSITIONAL:
            return generator.function_fallback_sql(expression)
        return default(generator, expression) if default else generator.function_fallback_sql(expression)

    return sql


_TYPES = {
    exp.DType.TINYINT: "TINYINT",
    exp.DType.UTINYINT: "TINYINT UNSIGNED",
    exp.DType.USMALLINT: "SMALLINT UNSIGNED",
    exp.DType.UINT: "INT UNSIGNED",
    exp.DType.UBIGINT: "BIGINT UNSIGNED",
    exp.DType.FLOAT: "FLOAT",
    exp.DType.DOUBLE: "DOUBLE",
}


def _build_dispatch() -> dict:
    base = Postgres().generator()._dispatch
    datatype_sql = base[exp.DataType]

    def datatype(generator, expression: exp.DataType) -> str:
        name = _TYPES.get(expression.this)
        return name if name and not expression.expressions else datatype_sql(generator, expression)

    dispatch = dict(base)
    for name in _POSITIONAL:
        cls = PostgresParser.FUNCTIONS[name].__self__
        dispatch[cls] = _as_written(base.get(cls))
    dispatch.update(
        {
            exp.DataType: datatype,
            exp.BitwiseXor: lambda self, e: self.binary(e, "^"),
        }
    )
    return dispatch


_DISPATCH = _build_dispatch()

DIALECT = DataFusion()
