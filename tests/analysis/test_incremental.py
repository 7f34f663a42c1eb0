"""Incremental analysis equals from-scratch analysis, and does only the work it must."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viewls.analysis.model import State
from viewls.analysis.snapshot import Snapshot

NAMES = ["v0", "v1", "v2", "v3", "v4"]
FILES = [f"{n}.sql" for n in NAMES] + ["nested/v0.sql", "orders.sql"]
TEMPLATES = [
    "SELECT id, amount FROM orders WHERE amount > {n}",
    "SELECT id, amount * 2 AS amount FROM {a}",
    "SELECT id FROM {a}",
    "SELECT id, nope FROM {a}",
    "SELECT x.id, y.amount FROM {a} x JOIN {b} y ON x.id = y.id",
    "SELECT * FROM {a} x JOIN {b} y ON x.id = y.id",  # duplicate output columns
    "WITH t AS (SELECT id, sum(amount) AS amount FROM {a} GROUP BY id) SELECT * FROM t",
    "SELEC broken FROM {a}",
    "-- @ordering: amount\nSELECT id FROM {a}",
    "SELECT id, abs(status) AS amount FROM orders",
    "SELECT id, amount FROM {a} UNION ALL SELECT id, amount FROM {b}",
    "SELECT u.uid AS id, count(*) AS amount FROM users u GROUP BY u.uid",
    "SELECT id, CAST('x{n}' AS INT) AS amount FROM {a}",  # refused only after logical planning
    "SELECT id, amount FROM {a} |> WHERE id > {n}",  # runs as written: sqlglot drops the pipe
    None,  # delete the file
]

# Spec files: rows defining the same names as SQL files do (clashes), reading them, failing
# alike in template instances, depending on extract names, shifting each other's offsets.
SPECS = ["s0.toml", "nested/s1.toml"]
SPEC_TEMPLATES = [
    '[[view]]\nname = "v3"\nfrom = "{a}"\nselect = {{ id = "id", amount = "amount + {n}" }}\n',
    '[[view]]\nname = "v4"\nfrom = "{a}"\nselect = {{ id = "id" }}\nwhere = "id > {n}"\n\n'
    '[[view]]\nname = "v2"\nfrom = "{b}"\nselect = {{ id = "id", amount = "amount" }}\n',
    '# {n}\n[[view]]\nname = "v2"\nfrom = "{b}"\nselect = {{ id = "id", amount = "amount" }}\n',
    '[[template]]\nname = "{{t}}_x"\nfor_each = {{ t = ["v0", "{a}"] }}\nquery = "SELECT id, amount FROM {{t}}"\n',
    '[[template]]\nname = "{{t}}_y"\nfor_each = {{ t = {{ extracts = "o*" }} }}\nquery = "SELECT id, nope{n} FROM {{t}}"\n',
    '[[view]]\nname = "v1"\nfrom = "{a}"\nselect = {{ id = "idd" }}\nordering = ["id"]\n',
    '[[view]]\nname = "v0"\nfrom = "{a}"\nselect = {{ id = "id" }}\n\n[[view]]\nname = "v0"\nfrom = "{b}"\nselect = {{ "*" = "*" }}\n',
    'not toml = = {n}\n',
    None,
]
# Builder modules (run in the builder worker; each distinct text once per test).
BUILDERS = ["b0.py"]
BUILDER_TEMPLATES = [
    'from viewls.spec import view\n\n@view\ndef v4():\n    return "SELECT id, amount FROM {a}"\n',
    'from viewls.spec import ViewSpec\n\ndef views():\n    yield ViewSpec("v1", "SELECT id FROM {a} WHERE id > {n}")\n',
    'def views():\n    raise ValueError("{a}")\n',
    None,
]

edits = st.lists(st.one_of(
    st.tuples(st.sampled_from(FILES), st.sampled_from(TEMPLATES),
              st.sampled_from(NAMES + ["orders", "users", "missing"]),
              st.sampled_from(NAMES + ["orders"]), st.integers(0, 3)),
    st.tuples(st.sampled_from(SPECS), st.sampled_from(SPEC_TEMPLATES),
              st.sampled_from(NAMES + ["orders", "missing"]), st.sampled_from(NAMES + ["orders"]), st.integers(0, 3)),
    st.tuples(st.sampled_from(BUILDERS), st.sampled_from(BUILDER_TEMPLATES),
              st.sampled_from(["v0", "orders"]), st.just("orders"), st.integers(0, 1)),
), min_size=1, max_size=14)


def dump(snapshot: Snapshot) -> dict:
    """Everything observable about a snapshot, in comparable form."""
    return {
        "views": {v.key: (v.output, v.diagnostics, v.dependencies, v.required_udfs, v.fingerprint, v.sql)
                  for v in snapshot.definitions()},
        "sources": {path: source.diagnostics for path, source in snapshot.sources.items()},
        "owners": {name: v.key for name, v in snapshot.views.items()},
        "edges": snapshot.graph.edges(),
        "order": snapshot.build_order(),
        "diagnostics": snapshot.diagnostics(),
    }


@pytest.mark.parametrize("staged", [False, True], ids=["all-stages", "staged"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=edits)
def test_incremental_equals_from_scratch(workspace, staged, sequence):
    """Also staged, as the language server runs it: logical planning on each edit, the
    later stages in ``complete()``; the completed snapshot equals a from-scratch check."""
    texts: dict[Path, str] = {}
    host = workspace.host({}, staged=staged)
    for file, template, a, b, n in sequence:
        path = workspace.path(file)
        text = None if template is None else template.format(a=a, b=b, n=n)
        if text is None:
            texts.pop(path, None)
        else:
            texts[path] = text
        previous = host.snapshot()
        incremental = host.apply_change(path, text)
        steps = [(previous, incremental)]
        if staged:
            steps.append((incremental, host.complete()))
            incremental = steps[-1][1]
        assert dump(incremental) == dump(workspace.host(dict(texts)).snapshot())
        # What the language server publishes from: no file outside the touched ones changed.
        for before_step, after_step in steps:
            touched = after_step.touched_since(before_step)
            before, after = before_step.diagnostics(), after_step.diagnostics()
            assert touched is not None
            assert {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)} <= touched
            assert after_step.diagnostics(touched) == {p: d for p, d in after.items() if p in touched}


def count_plans(host) -> list[str]:
    planned: list[str] = []
    original = host.planner.plan

    def plan(sql: str):
        planned.append(sql)
        return original(sql)

    host.planner.plan = plan
    return planned


def chain(workspace, length: int) -> dict[Path, str]:
    texts = {workspace.path("v0.sql"): "SELECT id, amount FROM orders WHERE amount > 1"}
    for i in range(1, length):
        texts[workspace.path(f"v{i}.sql")] = f"SELECT id, amount FROM v{i - 1}"
    return texts


def test_body_only_edit_stops_at_the_edited_view(workspace):
    texts = chain(workspace, 5)
    host = workspace.host(texts)
    planned = count_plans(host)
    host.apply_change(workspace.path("v0.sql"), "SELECT id, amount FROM orders WHERE amount > 2")
    # Early cutoff: the schema did not change. One view, planned once: DataFusion's parser
    # reads its canonical SQL as the text, so the guard plans nothing more.
    assert planned == ["SELECT id, amount FROM orders WHERE amount > 2"]


def test_schema_change_replans_dependents_until_outputs_stop_changing(workspace):
    texts = chain(workspace, 5)
    host = workspace.host(texts)
    planned = count_plans(host)
    snapshot = host.apply_change(workspace.path("v0.sql"), "SELECT id, amount, status FROM orders")
    # v1 re-planned, but its own schema (id, amount) is unchanged: v2..v4 are not.
    assert planned == ["SELECT id, amount, status FROM orders", "SELECT id, amount FROM v0"]
    assert snapshot.view("v4").output.state is State.OK


def test_breaking_and_fixing_a_root_reaches_unopened_dependents(workspace):
    texts = chain(workspace, 3)
    host = workspace.host(texts)
    broken = host.apply_change(workspace.path("v0.sql"), "SELECT id FROM orders")
    v1 = broken.view("v1")
    assert [d.code for d in v1.diagnostics] == ["unknown-column"]
    assert [d.code for d in broken.view("v2").diagnostics] == ["upstream-error"]
    fixed = host.apply_change(workspace.path("v0.sql"), texts[workspace.path("v0.sql")])
    assert all(not v.diagnostics for v in fixed.views.values())


def test_creating_a_missing_view_resolves_its_readers(workspace):
    reader = workspace.path("reader.sql")
    host = workspace.host({reader: "SELECT id FROM later"})
    assert [d.code for d in host.snapshot().view("reader").diagnostics] == ["unknown-table"]
    snapshot = host.apply_change(workspace.path("later.sql"), "SELECT id FROM orders")
    assert snapshot.view("reader").diagnostics == ()
    assert snapshot.view("reader").schema.names == ["id"]


def test_snapshots_are_immutable_across_edits(workspace):
    path = workspace.path("v0.sql")
    host = workspace.host({path: "SELECT id FROM orders"})
    before = host.snapshot()
    host.apply_change(path, "SELECT id, amount FROM orders")
    assert before.view("v0").schema.names == ["id"]
    assert host.snapshot().view("v0").schema.names == ["id", "amount"]


def test_unreadable_config_blocks_views_instead_of_failing_them(workspace):
    path = workspace.path("v0.sql")
    host = workspace.host({path: "SELECT id FROM orders"})
    snapshot = host.set_config("[extracts.orders\npath = 1", [])
    (diagnostic,) = snapshot.view("v0").diagnostics
    assert diagnostic.code == "upstream-error" and not diagnostic.is_error
    assert diagnostic.related[0].path.name == "viewls.toml"
    restored = host.set_config(workspace.config_text, workspace.extracts)
    assert restored.view("v0").diagnostics == ()

