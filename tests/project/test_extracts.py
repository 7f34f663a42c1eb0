import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datafusion import SessionConfig, SessionContext
from pyarrow import feather, ipc

from viewls.diagnostics import Code, Severity
from viewls.project import load_config, resolve_extract

ORDERS = pa.table(
    {
        "order_id": pa.array([1, 2], pa.int64()),
        "user_id": pa.array([10, 20], pa.int64()),
        "status": ["new", "paid"],
        "tags": pa.array([["a"], []], pa.list_(pa.string())),
    }
)


def resolve(root, toml, **options):
    """Resolve the only extract of ``toml``; returns the info and the config text."""
    config = load_config(root, toml)
    assert config.diagnostics == ()
    (extract,) = config.extracts
    return resolve_extract(root, extract, config.config_path, boundary=config.boundary, **options)


def messages(info, severity=None):
    return [
        diagnostic.message
        for diagnostic in info.diagnostics
        if severity is None or diagnostic.severity is severity
    ]


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def test_parquet_schema_is_read_as_datafusion_reads_it(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    info = resolve(tmp_path, '[extracts.orders]\npath = "orders.parquet"\n')
    assert info.diagnostics == ()
    assert info.format == "parquet"
    assert info.files == (tmp_path / "orders.parquet",)
    assert info.schema.names == ORDERS.schema.names
    assert info.schema.field("status").type == pa.string_view()  # DataFusion's reading choice
    assert info.schema.field("tags").type == pa.list_(pa.string())


def test_declared_columns_match_despite_view_types(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.pq")
    toml = (
        '[extracts.orders]\npath = "orders.pq"\n'
        'columns = { order_id = "int64", status = "string", tags = "list<string>" }\n'
    )
    info = resolve(tmp_path, toml)
    assert info.diagnostics == ()
    assert info.schema.names == ORDERS.schema.names  # undeclared user_id is fine


def test_the_engine_session_decides_reading_options(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    config = SessionConfig().set("datafusion.execution.parquet.schema_force_view_types", "false")
    toml = '[extracts.orders]\npath = "orders.parquet"\n'
    info = resolve(tmp_path, toml, context=SessionContext(config))
    assert info.schema.field("status").type == pa.string()


def test_csv(tmp_path):
    write(tmp_path / "data" / "users.csv", "id,name,joined\n1,ann,2024-01-02\n2,bob,\n")
    info = resolve(
        tmp_path, '[extracts.users]\npath = "data/users.csv"\ncolumns = { id = "int64" }\n'
    )
    assert info.diagnostics == ()
    assert info.format == "csv"
    assert info.schema == pa.schema(
        [("id", pa.int64()), ("name", pa.string()), ("joined", pa.date32())]
    )


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".ndjson"])
def test_newline_delimited_json(tmp_path, suffix):
    write(
        tmp_path / f"events{suffix}",
        '{"id": 1, "kind": "a"}\n{"id": 2, "kind": null, "score": 1.5}\n',
    )
    info = resolve(tmp_path, f'[extracts.events]\npath = "events{suffix}"\n')
    assert info.diagnostics == ()
    assert info.format == "json"
    assert info.schema == pa.schema(
        [("id", pa.int64()), ("kind", pa.string()), ("score", pa.float64())]
    )


def test_arrow_ipc_file_and_stream_and_feather(tmp_path):
    with ipc.new_file(tmp_path / "a.arrow", ORDERS.schema) as writer:
        writer.write_table(ORDERS)
    with ipc.new_stream(tmp_path / "b.ipc", ORDERS.schema) as writer:
        writer.write_table(ORDERS)
    feather.write_feather(ORDERS, tmp_path / "c.feather")
    for name in ("a.arrow", "b.ipc", "c.feather"):
        info = resolve(tmp_path, f'[extracts.orders]\npath = "{name}"\n')
        assert info.diagnostics == ()
        assert info.format == "arrow"
        assert info.schema == ORDERS.schema


def test_directory_lists_data_files_sorted_below_it(tmp_path):
    for part in ("b", "a", "nested/c"):
        (tmp_path / "orders" / part).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(ORDERS, tmp_path / "orders" / f"{part}.parquet")
    write(tmp_path / "orders" / "_SUCCESS", "")
    write(tmp_path / "orders" / ".part.parquet.crc", "")
    (tmp_path / "orders" / ".hidden").mkdir()
    pq.write_table(ORDERS, tmp_path / "orders" / ".hidden" / "x.parquet")
    info = resolve(tmp_path, '[extracts.orders]\npath = "orders/"\n')
    assert info.diagnostics == ()
    assert info.format == "parquet"
    assert [file.relative_to(tmp_path).as_posix() for file in info.files] == [
        "orders/a.parquet",
        "orders/b.parquet",
        "orders/nested/c.parquet",
    ]


def test_directory_with_mixed_formats(tmp_path):
    write(tmp_path / "data" / "b.csv", "x\n1\n")
    pq.write_table(ORDERS, tmp_path / "data" / "a.parquet")
    info = resolve(tmp_path, '[extracts.mixed]\npath = "data"\n')
    assert messages(info) == ["extract 'mixed': 'data' mixes csv and parquet files; set format"]
    assert info.schema is None
    declared = resolve(tmp_path, '[extracts.mixed]\npath = "data"\nformat = "csv"\n')
    assert declared.diagnostics == ()
    assert declared.files == (tmp_path / "data" / "b.csv",)


def test_glob(tmp_path):
    for name in ("2024-02", "2024-01", "2023-12"):
        write(tmp_path / "raw" / f"events-{name}.csv", "id,kind\n1,a\n")
    write(tmp_path / "raw" / "other.csv", "zzz\n1\n")
    info = resolve(tmp_path, '[extracts.events]\npath = "raw/events-2024-*.csv"\n')
    assert info.diagnostics == ()
    assert [file.name for file in info.files] == ["events-2024-01.csv", "events-2024-02.csv"]
    assert info.schema.names == ["id", "kind"]


def test_files_with_different_schemas(tmp_path):
    write(tmp_path / "d" / "a.csv", "id,kind\n1,a\n")
    write(tmp_path / "d" / "b.csv", "id,kind\nx,a\n")
    write(tmp_path / "e" / "a.csv", "id,kind\n1,a\n")
    write(tmp_path / "e" / "b.csv", "id\n1\n")
    info = resolve(tmp_path, '[extracts.d]\npath = "d"\n')
    assert messages(info) == [
        "extract 'd': 'd/b.csv' does not have the schema of 'd/a.csv': "
        "column 'id' is string instead of int64"
    ]
    assert info.schema is None
    info = resolve(tmp_path, '[extracts.e]\npath = "e/*.csv"\n')
    assert messages(info) == [
        "extract 'e': 'e/b.csv' does not have the schema of 'e/a.csv': "
        "columns (id) instead of (id, kind)"
    ]


def test_declared_columns_that_disagree_with_the_data(tmp_path, where):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    toml = (
        "[extracts.orders]\n"
        'path = "orders.parquet"\n'
        'columns = { order_id = "int64", user_id = "string", '
        'stauts = "string", tags = "list<int64>" }\n'
    )
    info = resolve(tmp_path, toml)
    rendered = [
        (
            where(toml, diagnostic.span),
            diagnostic.severity,
            diagnostic.code,
            diagnostic.message,
            diagnostic.suggestion,
        )
        for diagnostic in info.diagnostics
    ]
    assert rendered == [
        (
            "3:33-3:40",
            Severity.ERROR,
            Code.EXTRACT_ERROR,
            "extract 'orders': column 'user_id' is declared string but the data has int64",
            None,
        ),
        (
            "3:53-3:59",
            Severity.ERROR,
            Code.EXTRACT_ERROR,
            "extract 'orders': column 'stauts' is declared but the data has no such column; "
            "did you mean 'status'?",
            "status",
        ),
        (
            "3:72-3:76",
            Severity.ERROR,
            Code.EXTRACT_ERROR,
            "extract 'orders': column 'tags' is declared list<int64> but the data has list<string>",
            None,
        ),
    ]
    assert info.schema.names == ORDERS.schema.names  # the data wins; the declarations are wrong


def test_missing_data_without_declared_columns(tmp_path, where):
    toml = '[extracts.orders]\npath = "data/orders.parquet"\n'
    info = resolve(tmp_path, toml)
    (diagnostic,) = info.diagnostics
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.path == tmp_path / "viewls.toml"
    assert where(toml, diagnostic.span) == "2:8-2:29"
    assert diagnostic.message == (
        "extract 'orders': no files match 'data/orders.parquet' and no columns are declared"
    )
    assert (info.files, info.schema, info.identity) == ((), None, ())
    assert info.format == "parquet"  # implied by the path even without files


def test_missing_data_with_declared_columns_uses_them(tmp_path):
    toml = (
        '[extracts.orders]\npath = "data/"\n'
        'columns = { id = "int64", at = "timestamp[us, tz=UTC]" }\n'
    )
    info = resolve(tmp_path, toml)
    assert messages(info, Severity.WARNING) == [
        "extract 'orders': no data yet at 'data/'; using the declared columns"
    ]
    assert info.schema == pa.schema([("id", pa.int64()), ("at", pa.timestamp("us", tz="UTC"))])
    assert info.format is None


def test_missing_data_outside_the_root_names_the_resolved_location(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    toml = '[project]\nallow_outside = ["../shared"]\n[extracts.shared]\npath = "../shared/orders.parquet"\n'
    info = resolve(root, toml)
    assert messages(info) == [
        f"extract 'shared': no files match '../shared/orders.parquet' "
        f"(resolved to {tmp_path / 'shared' / 'orders.parquet'}) and no columns are declared"
    ]


def test_data_outside_the_root_is_read_when_allowed(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    (tmp_path / "project").mkdir()
    info = resolve(
        tmp_path / "project",
        f'[project]\nallow_outside = ["{tmp_path}"]\n[extracts.orders]\npath = "{tmp_path / "orders.parquet"}"\n',
    )
    assert info.diagnostics == ()
    assert info.files == (tmp_path / "orders.parquet",)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.parquet", "not parquet", "Parquet error"),
        ("bad.arrow", "not arrow", "Failed to parse Arrow file"),
        ("bad.json", '[{"a": 1}]', "Expected JSON record to be an object"),
    ],
)
def test_unreadable_files_are_diagnostics(tmp_path, name, content, reason):
    write(tmp_path / name, content)
    info = resolve(tmp_path, f'[extracts.bad]\npath = "{name}"\ncolumns = {{ a = "int64" }}\n')
    (diagnostic,) = info.diagnostics
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.code is Code.EXTRACT_ERROR
    assert diagnostic.message.startswith(f"extract 'bad': cannot read '{name}': ")
    assert reason in diagnostic.message
    assert "DataFusion error" not in diagnostic.message
    assert info.schema == pa.schema([("a", pa.int64())])  # views can still be planned


def test_empty_csv_has_no_columns(tmp_path):
    write(tmp_path / "empty.csv", "")
    info = resolve(tmp_path, '[extracts.empty]\npath = "empty.csv"\n')
    assert messages(info) == ["extract 'empty': 'empty.csv' has no columns; is it empty?"]
    assert info.schema is None


def test_unknown_suffix_needs_a_format(tmp_path):
    write(tmp_path / "users.txt", "id\n1\n")
    info = resolve(tmp_path, '[extracts.users]\npath = "users.txt"\n')
    assert messages(info) == [
        "extract 'users': cannot tell the format of 'users.txt' from its suffix; "
        "set format = one of parquet, csv, json, arrow"
    ]
    info = resolve(tmp_path, '[extracts.users]\npath = "users.txt"\nformat = "csv"\n')
    assert info.diagnostics == ()
    assert info.schema == pa.schema([("id", pa.int64())])


def test_identity_changes_with_the_data(tmp_path):
    path = write(tmp_path / "a.csv", "id\n1\n")
    toml = '[extracts.a]\npath = "a.csv"\n'
    before = resolve(tmp_path, toml)
    stat = path.stat()
    assert before.identity == ((path, stat.st_size, stat.st_mtime_ns),)
    path.write_text("id\n1\n2\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = resolve(tmp_path, toml)
    assert after.identity != before.identity
    assert after.schema == before.schema
    assert resolve(tmp_path, toml) == after  # deterministic: equal inputs, equal results
