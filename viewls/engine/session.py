"""The one DataFusion session factory.

``check``, the language server and ``materialize`` all build their session here, so
what the editor says is what the run does. Views may only query: DDL, DML and
other statements are refused by SQLOptions, and URL tables stay off, so a view can
neither write files nor read files that are not registered extracts. Every session
has the native UDFs installed, so what the editor plans is what a run executes.
"""

from __future__ import annotations

from datafusion import SessionConfig, SessionContext, SQLOptions

from viewls.engine.native import install


def session_config() -> SessionConfig:
    return (SessionConfig()
            .with_information_schema(True)
            .with_default_catalog_and_schema("datafusion", "public"))


def sql_options() -> SQLOptions:
    return SQLOptions().with_allow_ddl(False).with_allow_dml(False).with_allow_statements(False)


def create_session() -> SessionContext:
    """A session with every native UDF installed: the one way viewls makes sessions."""
    ctx = SessionContext(session_config())
    install(ctx)
    return ctx
