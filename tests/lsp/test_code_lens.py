"""textDocument/codeLens through the real server."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import lenses_of, open_view, replace


async def test_a_lens_above_the_query_counts_the_neighbourhood_and_opens_its_graph(client, project):
    path = project / "views" / "users_clean.sql"
    open_view(client, path)
    lens, _, _ = await lenses_of(client, path)
    line = path.read_text().splitlines()[lens.range.start.line]
    assert line[lens.range.start.character:lens.range.end.character] == "select"
    assert lens.command.title == "1 upstream · 8 downstream"
    assert lens.command.command == "viewls.showGraph"
    assert list(lens.command.arguments) == [{"uri": path.as_uri(), "view": "users_clean"}]
    graph = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=lens.command.command, arguments=lens.command.arguments))
    assert '"users_clean" -> "customer_keys";' in graph


async def test_counts_follow_an_edit_that_adds_a_dependency(client, project):
    path = project / "views" / "customer_keys.sql"
    upstream = project / "views" / "orders_enriched.sql"
    text = path.read_text()
    open_view(client, path, text)
    assert [lens.command.title for lens in await lenses_of(client, path)][:1] == ["2 upstream · 0 downstream"]
    assert [lens.command.title for lens in await lenses_of(client, upstream)][:1] == ["7 upstream · 6 downstream"]
    replace(client, path, 2, "from users_clean",
            "from users_clean where user_id in (select user_id from orders_enriched)", text)
    # The edited view at once, without waiting for diagnostics, and a view it now reads.
    assert [lens.command.title for lens in await lenses_of(client, path)][:1] == ["8 upstream · 0 downstream"]
    assert [lens.command.title for lens in await lenses_of(client, upstream)][:1] == ["7 upstream · 7 downstream"]


async def test_no_lenses_outside_a_project(client, tmp_path):
    path = tmp_path / "elsewhere.sql"
    path.write_text("select 1")
    open_view(client, path)
    assert not await lenses_of(client, path)
