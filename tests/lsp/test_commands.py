"""workspace/executeCommand through the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from tests.lsp.conftest import diagnostics_for, open_view


async def show_graph(client, *arguments):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="viewls.showGraph", arguments=list(arguments) if arguments else None))


@pytest.fixture
async def loaded(client, project):
    """Without a uri the command answers from the projects found so far: wait for the load."""
    path = project / "views" / "users_clean.sql"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)


async def test_the_server_offers_show_graph(client):
    assert "viewls.showGraph" in client.server_capabilities.execute_command_provider.commands


async def test_the_neighbourhood_of_a_view_as_mermaid(client, loaded):
    graph = await show_graph(client, {"view": "users_clean", "format": "mermaid"})
    assert graph.startswith("flowchart LR\n")
    for name in ("users", "users_clean", "customer_keys", "top_customers", "carrier_scorecard"):
        assert f'["{name}"]' in graph or f'[("{name}")]' in graph
    assert "product_catalog" not in graph  # upstream of a descendant, not of users_clean


async def test_the_view_of_a_file_or_its_whole_project(client, project):
    uri = (project / "views" / "product_catalog.sql").as_uri()
    dot = await show_graph(client, {"uri": uri})
    assert dot.startswith("digraph viewls {") and '"products" -> "product_catalog";' in dot
    assert '"users"' not in dot
    whole = await show_graph(client, {"uri": uri, "view": None, "format": "json"})
    assert len(whole["nodes"]) == 24 and whole["cycles"] == []
    assert await show_graph(client, {"format": "json"}) == whole
    assert (await show_graph(client)).count("->") == len(whole["edges"])


@pytest.mark.parametrize(("arguments", "message"), [
    ({"view": "users_clea"}, "unknown view or extract 'users_clea'; did you mean 'users_clean'?"),
    ({"view": "users_clean", "format": "svg"}, "unknown format 'svg': use one of dot, mermaid, json"),
    ({"name": "users_clean"}, "unknown key 'name'"),
    ({"view": 3}, "'view' must be a string"),
    ("users_clean", "viewls.showGraph takes one object"),
    ({"uri": "file:///nowhere/x.sql"}, "file:///nowhere/x.sql is not a view file of a viewls project"),
])
async def test_bad_arguments_fail_with_a_message_saying_what_to_pass(client, loaded, arguments, message):
    with pytest.raises(JsonRpcInvalidParams, match=message.replace("(", r"\(").replace("?", r"\?")):
        await show_graph(client, arguments)
