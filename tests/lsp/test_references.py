"""textDocument/references through the real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException

from tests.lsp.conftest import diagnostics_for, files_changed, open_view, replace
from viewls.lsp.convert import path_of


def position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - text.rfind("\n", 0, offset) - 1)


async def references(client, path: Path, text: str, offset: int, declaration: bool = False,
                     buffers: dict[Path, str] | None = None) -> list[tuple[str, str]]:
    """(file, referenced text) for each location, read from ``buffers`` or from disk."""
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, offset),
        context=types.ReferenceContext(include_declaration=declaration)))
    result = []
    for location in found:
        target = path_of(location.uri)
        lines = (buffers or {}).get(target, target.read_text()).split("\n")
        start, end = location.range.start, location.range.end
        assert start.line == end.line
        result.append((target.name, lines[start.line][start.character:end.character]))
    return result


async def test_references_of_a_view_across_the_project(client, project):
    path = project / "views" / "delivery_times.sql"
    text = path.read_text()
    open_view(client, path, text)
    offset = text.index("orders_enriched") + 3
    assert await references(client, path, text, offset) == [
        ("customer_orders.sql", "orders_enriched"), ("daily_revenue.sql", "orders_enriched"),
        ("delivery_times.sql", "orders_enriched")]
    with_declaration = await references(client, path, text, offset, declaration=True)
    assert ("orders_enriched.sql", "") in with_declaration and len(with_declaration) == 4


async def test_references_answer_for_the_unsaved_buffer(client, project):
    path = project / "views" / "carrier_scorecard.sql"
    text = path.read_text()
    open_view(client, path, text)
    # Asked at once after the edit: the answer must already include the new reference.
    text = replace(client, path, 2, "from delivery_times", "from delivery_times join orders_enriched using (order_id)",
                   text)
    found = await references(client, path, text, text.index("orders_enriched") + 1, buffers={path.resolve(): text})
    assert found == [("carrier_scorecard.sql", "orders_enriched"), ("customer_orders.sql", "orders_enriched"),
                     ("daily_revenue.sql", "orders_enriched"), ("delivery_times.sql", "orders_enriched")]


async def test_references_of_an_extract_from_its_viewls_toml_entry(client, project):
    config = project / "viewls.toml"
    text = config.read_text()
    open_view(client, project / "views" / "order_timeline.sql")
    found = await references(client, config, text, text.index("[extracts.shipments]") + len("[extracts.s"),
                             declaration=True)
    assert found == [("normalize.toml", "shipments"), ("viewls.toml", "shipments"), ("delivery_times.sql", "shipments"),
                     ("order_timeline.sql", "shipments"), ("order_timeline.sql", "shipments")]


async def test_a_viewls_toml_changed_on_disk_since_the_analysis_gets_no_stale_ranges(client, project):
    config = project / "viewls.toml"
    path = project / "views" / "delivery_times.sql"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    # Rewritten behind the server's back: the entry moved down a line, not yet re-analysed.
    config.write_text("# a line more\n" + config.read_text())
    offset = text.index("shipments") + 2
    with pytest.raises(JsonRpcException, match="viewls.toml changed") as refused:
        await references(client, path, text, offset, declaration=True)
    assert refused.value.code == JsonRpcContentModified.CODE
    files_changed(client, (config, types.FileChangeType.Changed))
    found = None
    for _ in range(200):  # the reload is a job of its own, which requests do not wait for
        try:
            found = await references(client, path, text, offset, declaration=True)
            break
        except JsonRpcException as error:
            assert error.code == JsonRpcContentModified.CODE
            await asyncio.sleep(0.05)
    assert found is not None and ("viewls.toml", "shipments") in found


async def test_references_of_a_cte_stay_in_its_file(client, project):
    path = project / "views" / "orders_enriched.sql"
    text = path.read_text()
    open_view(client, path, text)
    found = await references(client, path, text, text.index("totals t") + 2, declaration=True)
    assert found == [("orders_enriched.sql", "totals")] * 2


async def test_nothing_to_find_on_a_column(client, project):
    path = project / "views" / "users_clean.sql"
    text = path.read_text()
    open_view(client, path, text)
    assert await references(client, path, text, text.index("signup_date")) == []
    assert await references(client, path, text, len(text)) == []
