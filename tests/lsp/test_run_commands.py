"""viewls.materialize and viewls.preview from the editor: lenses, progress, refusals, cancellation."""

from __future__ import annotations

import asyncio

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import diagnostics_for, files_changed, lenses_of, open_view, replace


async def execute(client, command: str, argument: dict):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=command, arguments=[argument]))


async def test_run_lenses_materialize_with_progress_and_preview_rows(client, project):
    path = project / "views" / "customer_keys.sql"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    lenses = {lens.command.title: lens.command for lens in await lenses_of(client, path)}
    run, preview = lenses["▶ Materialize"], lenses["Preview"]
    assert (run.command, list(run.arguments)) == ("viewls.materialize", [{"uri": path.as_uri(),
                                                                          "views": ["customer_keys"]}])
    result = await execute(client, run.command, run.arguments[0])
    assert [(v["name"], v["status"]) for v in result["views"]] == [("customer_keys", "built")]
    output = project / "target" / "customer_keys.parquet"
    assert pq.read_table(output).num_rows == result["views"][0]["rows"] == 300
    (reports,) = client.progress_reports.values()
    assert reports[0].kind == "begin" and reports[0].cancellable and reports[-1].kind == "end"
    assert any(r.kind == "report" and "customer_keys" in (r.message or "") for r in reports)
    assert reports[-1].message == "1 rebuilt, 0 up to date"

    again = await execute(client, "viewls.materialize", {"uri": path.as_uri(), "changed": True})
    assert again["summary"]["built"] == 0 and again["summary"]["up_to_date"] == 1

    rows = await execute(client, preview.command, {**preview.arguments[0], "limit": 3})
    assert rows["view"] == "customer_keys" and len(rows["rows"]) == 3
    assert [c["name"] for c in rows["columns"]][:3] == ["customer_key", "shard", "user_id"]
    assert rows["rows"] == sorted(rows["rows"], key=lambda r: r[0])  # @ordering: customer_key


async def test_views_with_errors_or_unsaved_changes_are_refused(client, project):
    path = project / "views" / "users_clean.sql"
    text = path.read_text()
    open_view(client, path, text)
    text = replace(client, path, 2, "signup_date,", "signup_dat,", text)
    await diagnostics_for(client, path, lambda d: len(d) == 1)
    with pytest.raises(JsonRpcException, match=r"these have errors: view users_clean\. views/users_clean.sql:9:5: unknown column .signup_dat."):
        await execute(client, "viewls.materialize", {"uri": path.as_uri()})
    replace(client, path, 3, "signup_dat,", "signup_date, 1 as one,", text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    with pytest.raises(JsonRpcException, match="save users_clean.sql first"):
        await execute(client, "viewls.materialize", {"uri": path.as_uri(), "views": ["users_clean+"]})
    with pytest.raises(JsonRpcException, match="no view of this project; did you mean 'users_clean'"):
        await execute(client, "viewls.materialize", {"uri": path.as_uri(), "views": ["users_clen"]})
    with pytest.raises(JsonRpcException, match="unknown key 'view'"):
        await execute(client, "viewls.materialize", {"uri": path.as_uri(), "view": "users_clean"})
    assert not (project / "target").exists()


@pytest.fixture
def big(project):
    """A view over an extract large enough that writing it takes a while."""
    rows = 3_000_000
    pq.write_table(pa.table({"id": pa.array(range(rows), pa.int64()),
                             "label": pa.array([f"row {i % 977}" for i in range(rows)])}),
                   project / "data" / "big.parquet", row_group_size=100_000)
    with (project / "viewls.toml").open("a") as config:
        config.write('\n[extracts.big]\npath = "data/big.parquet"\n')
    view = project / "views" / "big_copy.sql"
    view.write_text("select id, label, upper(label) as shout, id * 2 as twice from big\n")
    return view


async def test_cancelling_the_progress_stops_the_run_and_writes_nothing(client, project, big):
    files_changed(client, (project / "viewls.toml", types.FileChangeType.Changed))
    open_view(client, big)
    await diagnostics_for(client, big, lambda d: len(d) == 0)
    running = asyncio.ensure_future(execute(client, "viewls.materialize", {"uri": big.as_uri()}))
    for _ in range(600):
        begun = [token for token, reports in client.progress_reports.items() if reports]
        if begun:
            break
        await asyncio.sleep(0.02)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=begun[0]))
    result = await asyncio.wait_for(running, 120)
    assert [(v["name"], v["status"]) for v in result["views"]] == [("big_copy", "cancelled")]
    assert not (project / "target" / "big_copy.parquet").exists()
    assert not list((project / "target").glob(".viewls-tmp-*"))


async def test_a_saved_crlf_file_is_not_unsaved_and_bad_arguments_are_invalid_params(client, project):
    path = project / "views" / "product_catalog.sql"
    crlf = path.read_text().replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + crlf.encode("utf-8"))
    files_changed(client, (path, types.FileChangeType.Changed))
    open_view(client, path, crlf)  # editors keep CRLF in the buffer and hide the byte order mark
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    result = await execute(client, "viewls.materialize", {"uri": path.as_uri()})
    assert [(v["name"], v["status"]) for v in result["views"]] == [("product_catalog", "built")]
    for bad, message in [({"uri": 7}, "'uri' must be a string"), ({"all": "false"}, "'all' must be a boolean"),
                         ({"views": "users_clean"}, "'views' must be a list"),
                         ({"views": [1]}, '"views" must be a list of selectors')]:
        with pytest.raises(JsonRpcException, match=message):
            await execute(client, "viewls.materialize", bad)
    for bad, message in [({"view": ["x"]}, "'view' must be a string"), ({"limit": True}, "'limit' must be a number"),
                         ({"uri": path.as_uri(), "limit": -1}, "0 or more")]:
        with pytest.raises(JsonRpcException, match=message):
            await execute(client, "viewls.preview", bad)
