"""`viewls materialize` and `viewls preview`: feedback for people (progress, a summary
table, a preview grid) and for machines (``--json``)."""

from __future__ import annotations

from typing import TextIO

import pyarrow as pa

from viewls.materialize.runner import BUILT, FAILED, SKIPPED, UP_TO_DATE, Finished, Progress, Started, ViewRun

_MARKS = {BUILT: "✓", UP_TO_DATE: "=", FAILED: "✗", SKIPPED: "-"}


class ProgressDisplay:
    """One line per view; on a terminal the running view's line counts rows as they are written."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self._current = ""

    def __call__(self, event) -> None:
        if isinstance(event, Started):
            self._show(f"[{event.position}/{event.total}] {event.name} ...")
        elif isinstance(event, Progress) and self.live:
            self._show(f"{self._current.split(' ...')[0]} ... {event.rows:,} rows, {event.seconds:.1f} s")
        elif isinstance(event, Finished) and event.run.status != UP_TO_DATE:
            self._clear()
            self.stream.write(_line(event.run) + "\n")
            self.stream.flush()

    def _show(self, text: str) -> None:
        self._current = text
        if self.live:
            self.stream.write("\r\033[K" + text)
            self.stream.flush()

    def _clear(self) -> None:
        if self.live and self._current:
            self.stream.write("\r\033[K")
        self._current = ""


def _line(run: ViewRun) -> str:
    mark = _MARKS.get(run.status, "!")
    if run.status == BUILT:
        return f"{mark} {run.name}: {_rows(run.rows)}, {_size(run.bytes)}, {run.seconds:.2f} s"
    return f"{mark} {run.name}: {run.status}" + (f": {run.message}" if run.message else "")


def summary_table(runs: list[ViewRun], seconds: float) -> str:
    """Every view that ran or should have; up-to-date ones are only counted."""
    headers = ("view", "status", "rows", "bytes", "time")
    rows = [(r.name, r.status, f"{r.rows:,}" if r.rows is not None else "",
             _size(r.bytes) if r.bytes is not None else "", f"{r.seconds:.2f} s" if r.status == BUILT else "")
            for r in runs if r.status != UP_TO_DATE]
    if not rows:
        return totals_line(runs, seconds) + "\n"
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]
    right = {2, 3, 4}

    def render(cells) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    lines = ["", render(headers), render(["-" * w for w in widths]), *(render(row) for row in rows)]
    return "\n".join(line.rstrip() for line in lines) + "\n\n" + totals_line(runs, seconds) + "\n"


def totals_line(runs: list[ViewRun], seconds: float) -> str:
    count = {status: sum(r.status == status for r in runs) for status in (BUILT, UP_TO_DATE, FAILED, SKIPPED)}
    parts = [f"{count[BUILT]} rebuilt", f"{count[UP_TO_DATE]} up to date"]
    parts += [f"{count[s]} {s}" for s in (FAILED, SKIPPED) if count[s]]
    others = len(runs) - sum(count.values())
    if others:
        parts.append(f"{others} cancelled")
    return ", ".join(parts) + f" in {seconds:.2f} s"


def preview_grid(table: pa.Table, width: int = 32) -> str:
    """The rows as an aligned text grid, long values cut to ``width`` characters."""
    def cell(value) -> str:
        text = "NULL" if value is None else str(value)
        return text if len(text) <= width else text[: width - 1] + "…"

    columns = [[cell(v) for v in column.to_pylist()] for column in table.columns]
    headers = table.column_names
    widths = [max([len(h), *map(len, values)]) for h, values in zip(headers, columns)]
    numeric = [pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_decimal(f.type)
               for f in table.schema]

    def render(cells) -> str:
        return " | ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()

    lines = [render(headers), "-+-".join("-" * w for w in widths)]
    lines += [render([column[i] for column in columns]) for i in range(table.num_rows)]
    return "\n".join(lines) + "\n"


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def _size(count: int | None) -> str:
    value = float(count or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""

