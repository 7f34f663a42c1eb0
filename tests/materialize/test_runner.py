"""Plans and runs on the shop example: what is built, from what, and what a failure stops."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from viewls.materialize.outputs import OutputError, exclusive, output_directory, output_path
from viewls.materialize.runner import BUILT, FAILED, SKIPPED, UP_TO_DATE, Finished, Started, plan_run, run


def build(shop, selected=None, changed=False):
    snapshot = shop.snapshot()
    plan = plan_run(snapshot, selected or snapshot.views, output_directory(snapshot), changed)
    events = []
    return plan, run(snapshot, plan, events.append), events


def test_building_everything_writes_every_view_with_its_contract(shop):
    snapshot = shop.snapshot()
    plan, runs, events = build(shop)
    assert [r.name for r in runs] == snapshot.build_order()
    assert {r.status for r in runs} == {BUILT}
    assert [e.name for e in events if isinstance(e, Started)] == snapshot.build_order()
    assert [e.run for e in events if isinstance(e, Finished)] == runs
    for result in runs:
        view = snapshot.views[result.name]
        table = pq.read_table(result.path)
        assert table.num_rows == result.rows
        assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in view.schema]
        metadata = {k.decode(): v.decode() for k, v in table.schema.metadata.items() if k.startswith(b"viewls.")}
        assert metadata["viewls.fingerprint"] == plan.fingerprints[result.name]
        assert metadata["viewls.description"] == (view.definition.metadata.description or "")
        assert json.loads(metadata["viewls.evidence"]) == list(view.definition.metadata.evidence)
        assert json.loads(metadata["viewls.required_udfs"]) == list(view.required_udfs)
    keys = pq.read_table(output_path(shop.output, "customer_keys")).schema.metadata
    assert json.loads(keys[b"viewls.required_udfs"]) == ["qualified_name", "stable_hash64", "stable_id", "utf8_normalize"]
    ranks = pq.read_table(output_path(shop.output, "top_customers")).column("value_rank").to_pylist()
    assert ranks == sorted(ranks) and len(ranks) == 25  # @ordering: value_rank


def test_a_second_run_does_nothing_and_an_edit_rebuilds_exactly_it_and_its_descendants(shop):
    build(shop)
    plan, runs, _ = build(shop, changed=True)
    assert plan.build == [] and {r.status for r in runs} == {UP_TO_DATE}
    shop.edit("users_clean", "lower(trim(email))", "upper(trim(email))")
    shop.edit("product_sales", "-- ", "-- a comment changes no fingerprint\n-- ")
    snapshot = shop.snapshot()
    plan, runs, _ = build(shop, changed=True)
    assert set(plan.build) == {"users_clean"} | snapshot.graph.descendants("users_clean")
    assert {r.name for r in runs if r.status == BUILT} == set(plan.build)
    assert build(shop, changed=True)[0].build == []


def test_upstream_views_come_from_fresh_outputs_or_are_computed_inline(shop):
    build(shop)
    shop.edit("orders_enriched", "select", "select distinct")
    snapshot = shop.snapshot()
    plan = plan_run(snapshot, ["top_customers"], output_directory(snapshot))
    assert plan.build == ["top_customers"]
    # customer_orders reads the stale orders_enriched, so both are computed inline, from fresh outputs below them.
    assert plan.sources == {"customer_lifetime_value": "inline", "customer_orders": "inline",
                            "orders_enriched": "inline", "users_clean": "output", "order_lines": "output"}
    before = pq.read_table(output_path(shop.output, "customer_orders"))
    assert run(snapshot, plan)[0].status == BUILT
    assert pq.read_table(output_path(shop.output, "customer_orders")).equals(before)  # inline: never written


def test_a_failing_view_stops_its_descendants_and_independent_branches_still_run(shop):
    shop.edit("product_catalog", "select", "select cast(name as int) as broken,")
    snapshot = shop.snapshot()
    assert not [d for v in snapshot.definitions() for d in v.diagnostics if d.is_error]  # it plans fine
    _, runs, _ = build(shop)
    status = {r.name: r for r in runs}
    assert status["product_catalog"].status == FAILED and "cast" in status["product_catalog"].message.lower()
    for name in snapshot.graph.descendants("product_catalog"):
        assert status[name].status == SKIPPED and "product_catalog" in status[name].message
    assert status["users_clean"].status == status["customer_keys"].status == status["order_timeline"].status == BUILT
    assert not output_path(shop.output, "product_catalog").exists()


def test_views_with_errors_are_refused_before_anything_runs(shop):
    shop.edit("customer_keys", "from users_clean", "from users_clen")
    snapshot = shop.snapshot()
    plan = plan_run(snapshot, ["customer_keys"], output_directory(snapshot))
    assert [d.code for ds in plan.refused.diagnostics.values() for d in ds] == ["unknown-table"]
    with pytest.raises(ValueError):
        run(snapshot, plan)
    assert not shop.output.exists()
    assert not plan_run(snapshot, ["users_clean"], output_directory(snapshot)).refused


def test_outputs_never_leave_their_directory_or_sit_next_to_extract_data(shop):
    snapshot = shop.snapshot()
    for unsafe in (shop.root / "data", shop.root, shop.root / "data" / "nested"):
        with pytest.raises(OutputError, match="never written next to extract inputs"):
            output_directory(snapshot, unsafe)
    for name in ("", ".hidden", "a/b", "..", "a\\b"):
        with pytest.raises(OutputError):
            output_path(shop.output, name)
    assert output_path(shop.output, "Ünïcode view").parent == shop.output


def test_one_run_at_a_time_per_output_directory(shop):
    with exclusive(shop.output):
        with pytest.raises(OutputError, match="another viewls run"):
            build(shop)
    assert {r.status for r in build(shop)[1]} == {BUILT}


def test_rewritten_extract_data_makes_exactly_its_readers_stale(shop):
    build(shop)
    users = shop.root / "data" / "users.csv"
    text = users.read_text()
    users.write_text(text + text.splitlines()[-1] + "\n")  # one more row
    snapshot = shop.snapshot()
    plan, runs, _ = build(shop, changed=True)
    assert set(plan.build) == {"users_clean"} | snapshot.graph.descendants("users_clean")
    assert next(r for r in runs if r.name == "users_clean").rows == 301


def test_an_inline_upstream_can_read_a_view_built_earlier_in_the_same_run(shop):
    snapshot = shop.snapshot()
    # top_customers reads customer_lifetime_value (not selected, no output: inline), which
    # reads customer_orders, built first in this very run.
    plan = plan_run(snapshot, ["customer_orders", "top_customers"], output_directory(snapshot))
    assert plan.sources["customer_lifetime_value"] == "inline"
    runs = run(snapshot, plan)
    assert [(r.name, r.status) for r in runs] == [("customer_orders", BUILT), ("top_customers", BUILT)]
    assert not output_path(shop.output, "customer_lifetime_value").exists()


def test_an_unreadable_extract_fails_its_readers_only(shop):
    snapshot = shop.snapshot()  # analysed while the files were there
    (shop.root / "data" / "shipments.arrow").unlink()
    (shop.root / "data" / "users.csv").unlink()
    plan = plan_run(snapshot, ["users_clean", "product_catalog"], output_directory(snapshot))
    status = {r.name: r for r in run(snapshot, plan)}
    assert status["product_catalog"].status == BUILT  # shipments is read by nothing here
    assert status["users_clean"].status == SKIPPED
    assert "extract 'users' cannot be read" in status["users_clean"].message


def test_views_on_a_cycle_are_refused_not_left_out(shop):
    (shop.root / "views" / "cyc_a.sql").write_text("select * from cyc_b\n")
    (shop.root / "views" / "cyc_b.sql").write_text("select * from cyc_a\n")
    snapshot = shop.snapshot()
    for selected in (["cyc_a"], list(snapshot.views)):
        refused = plan_run(snapshot, selected, output_directory(snapshot)).refused.diagnostics
        assert {p.name for p in refused} >= {"cyc_a.sql"}
        assert {d.code for p, ds in refused.items() if p.name == "cyc_a.sql" for d in ds} == {"dependency-cycle"}


def test_a_view_blocked_by_a_broken_extract_is_refused(shop):
    config = shop.root / "viewls.toml"
    text = config.read_text()
    declared = next(line for line in text.splitlines() if line.startswith("columns = { user_id"))
    # No data and no declared columns: the extract's schema is unknown, its readers blocked.
    config.write_text(text.replace('path = "data/users.csv"', 'path = "data/nowhere.csv"').replace(declared, ""))
    snapshot = shop.snapshot()
    refused = plan_run(snapshot, ["users_clean"], output_directory(snapshot)).refused
    # The extract's own error, where it is, not the reader's hint.
    assert [(p.name, d.code) for p, ds in refused.diagnostics.items() for d in ds] == \
        [("viewls.toml", "extract-error")]
    assert refused.extracts == ("users",) and refused.views == ()


def test_extract_locations_count_even_before_their_files_exist(shop):
    config = shop.root / "viewls.toml"
    config.write_text(config.read_text() + '\n[extracts.staged]\npath = "target/*.parquet"\n'
                      'columns = { id = "int64" }\n')
    with pytest.raises(OutputError, match="extract 'staged'"):
        output_directory(shop.snapshot())
    root_file = shop.root / "viewls.toml"
    root_file.write_text(root_file.read_text().replace('path = "target/*.parquet"', 'path = "staged.parquet"'))
    assert output_directory(shop.snapshot()) == shop.output.resolve()  # a file in the root is not next to target/


def test_a_view_run_as_written_computes_the_values_of_its_text(shop, monkeypatch):
    """Were the canonical SQL to compute other values (a dialect slip: here it loses a
    trailing second), the guard runs the text as written and the output holds its values."""
    from viewls.sql import canonical

    real = canonical.canonicalize

    def lossy(ast):
        found = real(ast)
        return canonical.Canonical(found.sql.replace("1 day 1", "1 day"), found.fingerprint)

    monkeypatch.setattr("viewls.analysis.view.canonicalize", lossy)
    (shop.root / "views" / "later.sql").write_text(
        "SELECT order_id, CAST('2024-01-01' AS TIMESTAMP) + interval '1 day 1' AS due FROM orders_enriched")
    snapshot = shop.snapshot()
    view = snapshot.views["later"]
    assert [d.code for d in view.diagnostics] == ["runs-as-written"]
    _, runs, _ = build(shop, ["later"])
    assert {r.status for r in runs} == {BUILT}
    due = pq.read_table(output_path(shop.output, "later")).column("due").to_pylist()
    assert due and {str(d) for d in due} == {"2024-01-02 00:00:01"}
