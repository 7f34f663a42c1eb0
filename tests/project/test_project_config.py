from pathlib import Path

import pytest

from viewls.diagnostics import Code, Severity
from viewls.project import DEFAULT_OUTPUT, DEFAULT_VIEWS, ProjectConfig, load_config

FIXTURES = Path(__file__).parent / "fixtures" / "config"
ROOT = Path("/project")


def summary(config: ProjectConfig, text: str, where) -> list[str]:
    lines = [f"views: {list(config.view_globs)}", f"output: {config.output}"]
    if config.allow_outside:
        lines += [f"specs: {list(config.spec_globs)}", f"allow_outside: {list(config.allow_outside)}"]
    for extract in config.extracts:
        lines.append(
            f"extract {extract.name} at {where(text, extract.span)}: path={extract.path!r} "
            f"at {where(text, extract.path_span)} format={extract.format} columns={extract.columns}"
        )
        lines += [f"  column {name} at {where(text, span)}" for name, span in extract.column_spans]
    return lines


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.toml")), ids=lambda path: path.stem)
def test_config_fixture(fixture, snapshot, render, where):
    text = fixture.read_text()
    config = load_config(ROOT, text)
    assert config.config_path == ROOT / "viewls.toml"
    assert all(diagnostic.path == config.config_path for diagnostic in config.diagnostics)
    assert all(diagnostic.code in (Code.CONFIG_ERROR, Code.OUTSIDE_PROJECT) for diagnostic in config.diagnostics)
    snapshot(fixture, [*summary(config, text, where), "--", *render(text, config.diagnostics)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[project]\nviews = \n", "2:9-2:9 error config-error: invalid TOML: Invalid value"),
        (
            "[extracts.orders\npath = 'x'\n",
            "1:17-1:17 error config-error: invalid TOML: "
            "Expected ']' at the end of a table declaration",
        ),
        (
            "[project]\noutput = 'a'\noutput = 'b'\n",
            "3:13-3:13 error config-error: invalid TOML: Cannot overwrite a value",
        ),
        (
            '[extracts.x]\npath = "data\n',
            "2:13-2:13 error config-error: invalid TOML: Illegal character '\\n'",
        ),
        ("a = [1,\n", "2:1-2:1 error config-error: invalid TOML: Invalid value"),
        (
            "[project]\nviews = [1 2]\n",
            "2:12-2:13 error config-error: invalid TOML: Unclosed array",
        ),
    ],
)
def test_invalid_toml_is_reported_where_tomllib_says(text, expected, render):
    config = load_config(ROOT, text)
    assert render(text, config.diagnostics) == [expected]
    assert config.view_globs == DEFAULT_VIEWS
    assert config.output == DEFAULT_OUTPUT
    assert config.extracts == ()


def test_empty_config_means_defaults():
    config = load_config(ROOT, "")
    assert config == ProjectConfig(
        ROOT, ROOT / "viewls.toml", DEFAULT_VIEWS, DEFAULT_OUTPUT, (), ()
    )


def test_unknown_keys_are_warnings_and_do_not_drop_the_extract():
    config = load_config(ROOT, '[extracts.a]\npath = "a.csv"\npth = "b.csv"\n')
    assert [diagnostic.severity for diagnostic in config.diagnostics] == [Severity.WARNING]
    assert config.diagnostics[0].suggestion == "path"
    assert [extract.name for extract in config.extracts] == ["a"]


def test_column_span_falls_back_to_the_extract():
    text = '[extracts.a]\npath = "a.csv"\ncolumns = { id = "int64" }\n'
    extract = load_config(ROOT, text).extracts[0]
    assert text[extract.column_span("id").start : extract.column_span("id").end] == "id"
    assert extract.column_span("missing") == extract.span


def test_crlf_line_endings():
    text = '[project]\r\noutput = "out"\r\nbogus = 1\r\n'
    config = load_config(ROOT, text)
    assert config.output == "out"
    (diagnostic,) = config.diagnostics
    assert text[diagnostic.span.start : diagnostic.span.end] == "bogus"
