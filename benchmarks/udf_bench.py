"""Benchmark of the native UDFs (issue 3) against equivalent Python UDFs in DataFusion.

Every function is called through DataFusion SQL over an in-memory table of N rows (10
million by default, record batches of 8192 rows) in a session from ``create_session()``,
inside an aggregate so the result is consumed but tiny:

- native: the Rust UDF from ``viewls._native``;
- vectorized: a Python UDF built from ``pyarrow.compute`` kernels, where one exists
  (none for stable_hash64, stable_id, path_normalize);
- row-wise: a Python UDF looping over ``to_pylist()`` and calling the reference
  implementation in tests/engine/udf_reference.py; run once on the first
  ``--rowwise-rows`` rows (1 million), then once on all N rows if that should take less
  than ``--rowwise-limit`` seconds (60), else extrapolated linearly to N;
- baseline: the same scan and aggregate over a raw column of the result's type, without
  any UDF: DataFusion's own share, subtracted to give UDF-only times.

Native, vectorized and baseline run interleaved, ``--repeat`` times (median, min-max).
All variants must agree on the aggregate, and the plans must still call the UDFs (both
checked).

    .venv/bin/python benchmarks/udf_bench.py [--rows N] [--repeat K] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datafusion import udf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine import udf_reference as ref  # noqa: E402
from viewls.engine.session import create_session  # noqa: E402

I64, STR, U64, BOOL = pa.int64(), pa.string(), pa.uint64(), pa.bool_()
AGGREGATE = {U64: "bit_xor({})", STR: "sum(octet_length({}))", BOOL: "count(*) FILTER (WHERE {})"}
TARGETS = {"vectorized": 10.0, "rowwise": 100.0}
# Reference points, not equivalents (NULL handling differs): what a Python UDF costs doing
# nothing, and DataFusion built-ins doing comparable work.
REFERENCES = {
    "Python UDF returning its argument (`i`)": "bit_xor(py_identity(i))",
    "`a_start <= b_start AND b_end <= a_end` (~ span_contains)":
        "count(*) FILTER (WHERE a_start <= b_start AND b_end <= a_end)",
    "`a_start < b_end AND b_start < a_end AND a_start < a_end AND b_start < b_end` (~ span_overlaps)":
        "count(*) FILTER (WHERE a_start < b_end AND b_start < a_end AND a_start < a_end AND b_start < b_end)",
    "`concat('node:', to_hex(i))` (~ stable_id)": "sum(octet_length(concat('node:', to_hex(i))))",
    "`lower(s)` (~ utf8_normalize)": "sum(octet_length(lower(s)))",
    "`lower(p)` (~ path_normalize)": "sum(octet_length(lower(p)))",
    "`concat_ws('.', pkg, cls, fn)` (~ qualified_name)": "sum(octet_length(concat_ws('.', pkg, cls, fn)))",
}


# --- data ----------------------------------------------------------------------------

def join_skipping_nulls(parts: list[pa.Array], separator: str) -> pa.Array:
    """Join the non-NULL parts; NULL if all are NULL. (pyarrow 26's
    ``binary_join_element_wise(null_handling="skip")`` drops all-NULL rows from its output.)"""
    joined = parts[0]
    for part in parts[1:]:
        joined = pc.coalesce(pc.binary_join_element_wise(joined, part, separator), joined, part)
    return joined


def make_table(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    mask = lambda rate: rng.random(rows) < rate  # noqa: E731
    ints = lambda values, rate=0.05: pa.array(values, I64, mask=mask(rate))  # noqa: E731

    def pick(vocabulary: list[str], rate: float = 0.05) -> pa.Array:
        indices = pa.array(rng.integers(0, len(vocabulary), rows), mask=mask(rate))
        return pa.array(vocabulary, STR).take(indices)

    syllables = "ab ac al an ar be ca ce co de di el en er es fi ge in io la le li lo ma me mi " \
                "na ne no or pa pe po ra re ri ro sa se si so ta te ti to un ur va ve vi".split()
    special = ["é", "e\u0301", "ü", "u\u0308", "ñ", "n\u0303", "Å", "\u212b", "Ω", "\u2126",
               "ﬁ", "ß", "ç", "日本", "ｶﾅ", "ö"]  # composed, decomposed, compatibility forms
    words = []
    for k in range(4000):
        word = "".join(rng.choice(syllables, rng.integers(2, 5)))
        if k % 6 == 0:  # one name in six has non-ASCII characters
            at = int(rng.integers(0, len(word) + 1))
            word = word[:at] + str(rng.choice(special)) + word[at:]
        words.append(word)
    dirs = ["src", "lib", "tests", "pkg", "core", "utils", "api", "internal", "docs", "..", ".", ""]
    files = [f"{w}.{ext}" for w in words[:500] for ext in ("py", "rs")] + ["", ".", ".."]

    a_start = rng.integers(0, 100_000, rows)
    a_end = a_start + rng.integers(0, 2_000, rows)
    b_start = a_start + rng.integers(-1_000, 2_000, rows)
    b_end = b_start + rng.integers(0, 1_000, rows)
    path = join_skipping_nulls([pick(["", ".", "..", "src", "lib", "app"], 0.0)]  # "" = absolute
                               + [pick(dirs, 0.4) for _ in range(4)] + [pick(files, 0.0)], "/")
    return pa.table({
        "i": ints(rng.integers(0, 1 << 40, rows)),
        "s": pick(words),
        "p": pc.if_else(pa.array(mask(0.05)), pa.scalar(None, STR), path),
        "a_start": ints(a_start), "a_end": ints(a_end), "b_start": ints(b_start), "b_end": ints(b_end),
        "pkg": pick([f"pkg{k}.{w}" for k, w in enumerate(words[:300])]),
        "cls": pick([w.capitalize() for w in words[:800]] + [""], 0.4),
        "fn": pick(words),
        "flag": pa.array(rng.random(rows) < 0.3, BOOL, mask=mask(0.05)),
    })


# --- the functions ---------------------------------------------------------------------

def rowwise(function: Callable, out: pa.DataType) -> Callable:
    def call(*arrays: pa.Array) -> pa.Array:
        return pa.array([function(*row) for row in zip(*(a.to_pylist() for a in arrays))], out)
    return call


def vectorized_qualified_name(*parts: pa.Array) -> pa.Array:
    return join_skipping_nulls([pc.if_else(pc.not_equal(p, ""), p, pa.scalar(None, STR)) for p in parts], ".")


@dataclass
class Case:
    name: str
    args: str  # SQL arguments
    types: list[pa.DataType]
    returns: pa.DataType
    baseline_column: str  # a raw column of the return type, for the baseline query
    rowwise: Callable
    vectorized: Callable | None = None

    def query(self, function: str) -> str:
        return f"SELECT {AGGREGATE[self.returns].format(f'{function}({self.args})')} FROM t"


CASES = [
    Case("stable_hash64", "i, s", [I64, STR], U64, "i",
         lambda i, s: ref.stable_hash64((i, I64), (s, STR))),
    Case("stable_id", "'node', i, s", [STR, I64, STR], STR, "s",
         lambda p, i, s: ref.stable_id(p, (i, I64), (s, STR))),
    Case("span_contains", "a_start, a_end, b_start, b_end", [I64] * 4, BOOL, "flag",
         ref.span_contains,
         # pc.and_, not and_kleene: NULL if any argument is NULL (and_kleene gives false & NULL = false)
         lambda os, oe, is_, ie: pc.and_(pc.less_equal(os, is_), pc.less_equal(ie, oe))),
    Case("span_overlaps", "a_start, a_end, b_start, b_end", [I64] * 4, BOOL, "flag",
         ref.span_overlaps,
         lambda as_, ae, bs, be: pc.less(pc.max_element_wise(as_, bs, skip_nulls=False),
                                         pc.min_element_wise(ae, be, skip_nulls=False))),
    Case("utf8_normalize", "s", [STR], STR, "s",
         ref.utf8_normalize, lambda s: pc.utf8_normalize(s, "NFC")),
    Case("path_normalize", "p", [STR], STR, "p", ref.path_normalize),
    Case("qualified_name", "pkg, cls, fn", [STR] * 3, STR, "pkg",
         ref.qualified_name, vectorized_qualified_name),
]


# --- measurement -----------------------------------------------------------------------

def run(ctx, sql: str) -> tuple[float, float, object]:
    started, cpu = time.perf_counter(), time.process_time()
    (batch,) = ctx.sql(sql).collect()
    return time.perf_counter() - started, time.process_time() - cpu, batch.column(0)[0].as_py()


def session(table: pa.Table, compact: bool = False):
    batches = table.to_batches(max_chunksize=8192)  # slices sharing the columns' buffers
    if compact:  # each batch with buffers of its own
        batches = [pa.RecordBatch.from_arrays([pa.concat_arrays([c]) for c in b.columns], names=b.schema.names)
                   for b in batches]
    ctx = create_session()
    ctx.register_record_batches("t", [batches])
    ctx.register_udf(udf(lambda x: x, [I64], I64, "immutable", name="py_identity"))
    for case in CASES:
        ctx.register_udf(udf(rowwise(case.rowwise, case.returns), case.types, case.returns,
                             "immutable", name=f"py_row_{case.name}"))
        if case.vectorized:
            ctx.register_udf(udf(case.vectorized, case.types, case.returns, "immutable",
                                 name=f"py_vec_{case.name}"))
    return ctx


def assert_evaluated(ctx, sql: str, function: str) -> None:
    """The physical plan still calls the UDF (it was not optimized away)."""
    plans = dict(zip(*ctx.sql(f"EXPLAIN {sql}").to_pydict().values()))
    assert f"{function}(" in plans["physical_plan"], plans


def measure(case: Case, ctx, small, rows: int, small_rows: int, repeat: int, rowwise_limit: float) -> dict:
    queries = {"baseline": f"SELECT {AGGREGATE[case.returns].format(case.baseline_column)} FROM t",
               "native": case.query(case.name)}
    if case.vectorized:
        queries["vectorized"] = case.query(f"py_vec_{case.name}")
    assert_evaluated(ctx, queries["native"], case.name)
    if case.vectorized:
        assert_evaluated(ctx, queries["vectorized"], f"py_vec_{case.name}")
    samples = {variant: [] for variant in queries}
    for _ in range(repeat):
        for variant, sql in queries.items():
            samples[variant].append(run(ctx, sql))
    values = {variant: s[0][2] for variant, s in samples.items()}
    assert values.get("vectorized", values["native"]) == values["native"], (case.name, values)

    result = {variant: {"wall": [s[0] for s in ss], "cpu": [s[1] for s in ss]} for variant, ss in samples.items()}
    base = statistics.median(result["baseline"]["wall"])
    for variant in ("native", "vectorized"):
        if variant in result:
            result[variant]["udf_only"] = statistics.median(result[variant]["wall"]) - base

    # Row-wise: first on small_rows rows (checked against native there); again on all rows
    # if that should take less than rowwise_limit seconds, else extrapolated linearly.
    rowwise_sql = case.query(f"py_row_{case.name}")
    wall, cpu, value = run(small, rowwise_sql)
    assert value == run(small, case.query(case.name))[2], (case.name, value)
    scale = rows / small_rows
    if scale > 1 and wall * scale < rowwise_limit:
        wall, cpu, value = run(ctx, rowwise_sql)
        assert value == values["native"], (case.name, value, values["native"])
        result["rowwise"] = {"wall": [wall], "cpu": [cpu], "udf_only": wall - base, "rows": rows}
    else:
        small_base = statistics.median(run(small, queries["baseline"])[0] for _ in range(repeat))
        result["rowwise"] = {"wall": [wall * scale], "cpu": [cpu * scale],
                             "udf_only": (wall - small_base) * scale, "rows": small_rows}
    return result


# --- report ----------------------------------------------------------------------------

def machine() -> str:
    import datafusion

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, datafusion {datafusion.__version__}, "
            f"pyarrow {pa.__version__}, numpy {np.__version__}; "
            f"viewls at {commit.stdout.strip() or 'unknown commit'}")


def report(results: dict[str, dict], references: dict[str, list], args, load: tuple[float, float]) -> str:
    med = statistics.median

    def time_cell(r: dict) -> str:
        if "rows" not in r:
            return f"{med(r['wall']):.3f} ({min(r['wall']):.3f}–{max(r['wall']):.3f}); cpu {med(r['cpu']):.2f}"
        how = "measured" if r["rows"] == args.rows else f"**x{args.rows / r['rows']:g} from {r['rows']:,} rows**"
        return f"{r['wall'][0]:.2f}; cpu {r['cpu'][0]:.2f} ({how})"

    m = args.rows / 1e6
    lines = [
        f"Machine: {machine()}. Load average {load[0]:.1f} at start, {load[1]:.1f} at end.", "",
        f"{args.rows:,} rows; seconds of wall time, median (min–max) of {args.repeat} interleaved runs, "
        f"and process CPU seconds (all threads). Row-wise: one run, on all rows if a first run on "
        f"{args.rowwise_rows:,} rows predicted less than {args.rowwise_limit:g} s, else extrapolated "
        "linearly from that run (marked)."
        + (" Batches compacted (`--compact-batches`)." if args.compact_batches else ""), "",
        "| function | baseline (no UDF) | native | vectorized Python | row-wise Python |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        cells = [time_cell(r[v]) if v in r else "none possible"
                 for v in ("baseline", "native", "vectorized", "rowwise")]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "Throughput (wall, whole query) and speed-up of native; UDF-only = wall minus the "
              "baseline. Targets: >= 10x vectorized, >= 100x row-wise.", "",
              "| function | native Mrows/s | native UDF-only s | vectorized / native | UDF-only | "
              "row-wise / native | UDF-only |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    verdict = lambda x, target: f"{x:.1f}x {'pass' if x >= target else '**fail**'}"  # noqa: E731
    for name, r in results.items():
        native, native_only = med(r["native"]["wall"]), r["native"]["udf_only"]
        cells = [f"{m / native:.1f}", f"{native_only:.3f}"]
        for variant in ("vectorized", "rowwise"):
            if variant in r:
                target = TARGETS[variant]
                cells += [verdict(med(r[variant]["wall"]) / native, target),
                          verdict(r[variant]["udf_only"] / native_only, target)]
            else:
                cells += ["–", "–"]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    if references:
        lines += ["", "Reference points (same table and aggregate, seconds, median):", "",
                  "| query | wall | cpu | Mrows/s |", "|---|---:|---:|---:|"]
        lines += [f"| {label} | {med(w for w, _ in r):.3f} | {med(c for _, c in r):.2f} | "
                  f"{m / med(w for w, _ in r):.1f} |" for label, r in references.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rowwise-rows", type=int, default=1_000_000)
    parser.add_argument("--rowwise-limit", type=float, default=60.0,
                        help="run row-wise on all rows if the estimate is below this many seconds")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="function names to measure (default: all)")
    parser.add_argument("--compact-batches", action="store_true",
                        help="give each batch buffers of its own instead of slices of whole columns")
    args = parser.parse_args()
    args.rowwise_rows = min(args.rowwise_rows, args.rows)

    started = time.perf_counter()
    table = make_table(args.rows, args.seed)
    print(f"data: {args.rows:,} rows, {table.nbytes / 1e6:.0f} MB, {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    ctx = session(table, args.compact_batches)
    small = session(table.slice(0, args.rowwise_rows), args.compact_batches)
    load = [os.getloadavg()[0]]
    results = {}
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        results[case.name] = measure(case, ctx, small, args.rows, args.rowwise_rows, args.repeat,
                                     args.rowwise_limit)
        print(f"{case.name}: done at {time.perf_counter() - started:.0f} s", file=sys.stderr)
    references = {} if args.only else {label: [run(ctx, f"SELECT {sql} FROM t")[:2] for _ in range(args.repeat)]
                                        for label, sql in REFERENCES.items()}
    load.append(os.getloadavg()[0])
    print(report(results, references, args, tuple(load)))


if __name__ == "__main__":
    main()
