"""Synthetic view-first projects for benchmarks: N views over ten tiny Parquet extracts.

The views form a layered DAG (ten layers; layer 0 reads extracts, a view in layer k
reads 1-3 views of lower layers) and mix the query shapes of real projects: projections
with expressions and CASE, star "enrich" views, GROUP BY aggregates, window functions,
CTEs, joins and UNION ALL, with date and string filters. Everything is drawn from a
seeded RNG, so a size always yields the same project.

Views live in domains of about 100 views that mostly read each other (10% of inputs
cross domains), which keeps fan-out realistic. Domain 0 is special: its layer-0 view
``root`` (v0001) is an ancestor of every other view in the domain and nothing outside
it reads the domain, so ``root`` has about 100 descendants. ``leaf`` is a view without
dependents whose WHERE clause holds a literal to edit.

Column sets flow through the layers because each generated view is planned with
DataFusion right away: its real output schema is what the views above it pick from.

``bench.json`` in the project records the root, the leaf, their edit texts, the
descendant count and the topological order of the views.

    python benchmarks/synth.py 1000 /tmp/p1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datafusion import SessionContext

LAYERS = 10
DOMAIN_SIZE = 100
ROOT_DESCENDANTS = 100
CROSS_DOMAIN = 0.1
ROWS = 8
SEP = ",\n    "  # one column per line, as people write them

# Extract name -> its own columns (besides the ones every extract has).
EXTRACTS = {
    "orders": {"customer_id": "int64", "order_status": "string", "is_gift": "bool"},
    "customers": {"segment_code": "string", "credit_limit": "float64"},
    "products": {"category": "string", "unit_cost": "float64", "launched_on": "date32"},
    "payments": {"payment_method": "string", "fee": "float64"},
    "shipments": {"carrier": "string", "delivered_on": "date32"},
    "events": {"event_type": "string", "duration_ms": "int64"},
    "sessions": {"device": "string", "pages": "int64"},
    "invoices": {"currency": "string", "tax_rate": "float64"},
    "refunds": {"reason": "string", "approved": "bool"},
    "inventory": {"warehouse": "string", "on_hand": "int64"},
}
COMMON = {"id": "int64", "region_code": "string", "amount": "float64", "quantity": "int64",
          "created_on": "date32"}
ARROW = {"int64": pa.int64(), "string": pa.string(), "float64": pa.float64(),
         "date32": pa.date32(), "bool": pa.bool_()}
WORDS = {"int": ["bucket", "year", "len"], "num": ["net", "score", "ratio", "delta"],
         "str": ["label", "tier", "code", "tag"], "date": ["due", "next"], "bool": ["big"]}


def kind(data_type: pa.DataType) -> str:
    if pa.types.is_integer(data_type):
        return "int"
    if pa.types.is_floating(data_type) or pa.types.is_decimal(data_type):
        return "num"
    if pa.types.is_string(data_type) or pa.types.is_string_view(data_type):
        return "str"
    if pa.types.is_date(data_type):
        return "date"
    return "bool" if pa.types.is_boolean(data_type) else "other"


@dataclass
class View:
    number: int
    layer: int
    domain: int
    inputs: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"v{self.number:04d}"


class Shapes:
    """SQL for one view; ``cols`` maps a relation to its [(column, kind)] in order."""

    def __init__(self, rng: random.Random, cols: dict[str, list[tuple[str, str]]]) -> None:
        self.rng = rng
        self.cols = cols

    def pick(self, rel: str, k: str, exclude=()) -> str:
        return self.rng.choice([c for c, ck in self.cols[rel] if ck == k and c not in exclude])

    def some(self, rel: str, n: int, exclude=()) -> list[str]:
        names = [c for c, ck in self.cols[rel] if ck != "other" and c not in exclude]
        return self.rng.sample(names, min(n, len(names)))

    def expr(self, rel: str, k: str) -> str:
        """An expression of kind ``k`` over columns of ``rel``."""
        c = lambda kk: self.pick(rel, kk)  # noqa: E731
        r = self.rng
        options = {
            "num": [f"round({c('num')} * {r.choice([1.1, 1.2, 0.9])}, 2)", f"coalesce({c('num')}, 0) + {c('num')}",
                    f"abs({c('num')} - {r.randint(1, 99)})", f"{c('num')} / nullif({c('int')}, 0)"],
            "str": [f"upper({c('str')})", f"concat({c('str')}, '-', cast({c('int')} as varchar))",
                    f"substr({c('str')}, 1, 3)", f"trim(lower({c('str')}))",
                    f"case when {c('num')} > {r.randint(50, 500)} then 'high' when {c('num')} > "
                    f"{r.randint(1, 49)} then 'mid' else 'low' end",
                    f"to_char({c('date')}, '%Y-%m')"],
            "date": [f"{c('date')} + interval '{r.randint(1, 30)} days'", f"coalesce({c('date')}, date '2024-01-01')"],
            "int": [f"date_part('year', {c('date')})", f"{c('int')} % {r.randint(3, 12)}", f"length({c('str')})"],
            "bool": [f"{c('num')} > {r.randint(10, 900)}", f"{c('str')} like '{r.choice('ABCN')}%'"],
        }
        return r.choice(options[k])

    def filters(self, rel: str, q: str = "", literal: int | None = None) -> str:
        c = lambda kk: q + self.pick(rel, kk)  # noqa: E731
        r = self.rng
        pool = [f"{c('date')} >= date '202{r.randint(0, 4)}-0{r.randint(1, 9)}-01'",
                f"{c('str')} like '{r.choice('ABCN')}%'", f"length({c('str')}) > {r.randint(1, 4)}",
                f"date_part('year', {c('date')}) >= {r.randint(2019, 2024)}", f"{c('int')} % 3 <> 0",
                f"{c('num')} between {r.randint(0, 10)} and {r.randint(100, 10000)}",
                f"{c('str')} in ('A', 'B', 'north', 'south')"]
        chosen = r.sample(pool, r.randint(0, 2))
        if literal is not None:
            chosen.append(f"{c('num')} > {literal}")
        return f"\nwhere {' and '.join(chosen)}" if chosen else ""

    def new_columns(self, rel: str, number: int, n: int) -> list[str]:
        used: set[str] = set()
        out = []
        for k in self.rng.sample(["num", "str", "date", "int", "bool", "str", "num"], n):
            word = next(w for w in WORDS[k] if w not in used)
            used.add(word)
            out.append(f"{self.expr(rel, k)} as {word}_{number}")
        return out

    def base(self, rel: str) -> list[str]:
        """``id`` and one column of each kind: what every view passes on."""
        picked = ["id"] + [self.pick(rel, k, exclude=("id",)) for k in ("str", "num", "date")]
        return picked + self.some(rel, self.rng.randint(0, 2), exclude=picked)

    # --- shapes -------------------------------------------------------------------------

    def project(self, v: View, literal: int | None = None, extra: bool = False) -> str:
        (a,) = v.inputs
        cols = self.base(a) + self.new_columns(a, v.number, self.rng.randint(1, 3))
        where = self.filters(a, literal=literal)
        if extra:  # the root's schema edit; drawn last so that the rest of the text stays put
            cols.append(f"{self.pick(a, 'num')} * 2 as extra_{v.number}")
        return f"select\n    {SEP.join(cols)}\nfrom {a}{where}"

    def enrich(self, v: View) -> str:
        (a,) = v.inputs
        new = self.new_columns(a, v.number, self.rng.randint(1, 2))
        return f"select *, {', '.join(new)}\nfrom {a}{self.filters(a)}"

    def aggregate(self, v: View) -> str:
        (a,) = v.inputs
        s, n, d = self.pick(a, "str"), self.pick(a, "num"), self.pick(a, "date")
        having = f"\nhaving count(*) > {self.rng.randint(1, 3)}" if self.rng.random() < 0.3 else ""
        return (f"select\n    {s},\n    min(id) as id,\n    count(*) as orders_{v.number},\n"
                f"    sum({n}) as total_{v.number},\n    avg({n}) as mean_{v.number},\n"
                f"    max({d}) as last_{v.number}\nfrom {a}{self.filters(a)}\ngroup by {s}{having}")

    def window(self, v: View) -> str:
        (a,) = v.inputs
        cols = self.base(a)
        s, n, d = cols[1:4]
        part = f"partition by {s} order by {d}, id"
        return (f"select\n    {SEP.join(cols)},\n    row_number() over ({part}) as rank_{v.number},\n"
                f"    sum({n}) over ({part} rows between unbounded preceding and current row) as running_{v.number},\n"
                f"    lag({n}) over ({part}) as previous_{v.number}\nfrom {a}{self.filters(a)}")

    def cte(self, v: View) -> str:
        (a,) = v.inputs
        cols = self.base(a)
        s, n = cols[1:3]
        return (f"with base as (\n    select {', '.join(cols)}\n    from {a}{self.filters(a)}\n),\n"
                f"totals as (\n    select {s}, count(*) as cnt, sum({n}) as total from base group by {s}\n)\n"
                f"select\n    {', '.join('base.' + c for c in cols)},\n    totals.cnt as peers_{v.number},\n"
                f"    round(base.{n} / nullif(totals.total, 0), 4) as share_{v.number}\n"
                f"from base\njoin totals on base.{s} = totals.{s}")

    def union(self, v: View) -> str:
        a, b = v.inputs
        left, right = self.base(a)[:4], self.base(b)[:4]
        right = [r if r == l else f"{r} as {l}" for l, r in zip(left, right)]
        return (f"select {', '.join(left)} from {a}{self.filters(a)}\nunion all\n"
                f"select {', '.join(right)} from {b}{self.filters(b)}")

    def join(self, v: View) -> str:
        first, *others = v.inputs
        taken = self.base(first)
        cols = [f"a.{c}" for c in taken]
        for alias, rel in zip("bc", others):
            for c in self.some(rel, self.rng.randint(1, 3), exclude=("id",)):
                name = c
                while name in taken:
                    name = f"{alias}_{name}"
                taken.append(name)
                cols.append(f"{alias}.{c}" + (f" as {name}" if name != c else ""))
        cols.append(f"a.{self.pick(first, 'num')} - b.{self.pick(others[0], 'num')} as gap_{v.number}")
        joins = "".join(f"\n{self.rng.choice(['join', 'left join'])} {rel} {alias} on a.id = {alias}.id"
                        for alias, rel in zip("bc", others))
        return f"select\n    {SEP.join(cols)}\nfrom {first} a{joins}{self.filters(first, 'a.')}"

    def render(self, v: View) -> str:
        if len(v.inputs) > 1:
            shape = self.union if len(v.inputs) == 2 and self.rng.random() < 0.3 else self.join
        else:
            shape = self.rng.choices([self.project, self.enrich, self.aggregate, self.window, self.cte],
                                     weights=[25, 15, 20, 20, 20])[0]
        return shape(v)


def header(v: View, rng: random.Random) -> str:
    lines = [f"-- @description: synthetic view {v.name} (layer {v.layer}, domain {v.domain})"]
    if rng.random() < 0.5:
        lines.append("-- @ordering: id")
    if rng.random() < 0.3:
        lines.append(f"-- @evidence: domain{v.domain}")
    return "\n".join(lines) + "\n"


def plan_dag(n: int, rng: random.Random, root_descendants: int = ROOT_DESCENDANTS) -> list[View]:
    """Views numbered in topological order (by layer), inputs chosen from lower layers.

    Domain 0 has four layer-0 views, the first being the root, and (when the project is
    big enough for more domains) ``root_descendants`` views above them, each reading the
    root or a view above it, so all of them descend from the root. No other domain reads
    domain 0.
    """
    if n >= root_descendants + DOMAIN_SIZE:
        rest = n - 4 - root_descendants
        count = max(1, round(rest / DOMAIN_SIZE))
        sizes = [4 + root_descendants] + [rest // count + (d < rest % count) for d in range(count)]
    else:
        sizes = [n]
    slots = []  # (layer, domain)
    for d, size in enumerate(sizes):
        first = 4 if d == 0 else max(1, round(size * 0.14))
        upper = size - first
        slots += [(0, d)] * first + [(1 + i * (LAYERS - 1) // upper, d) for i in range(upper)]
    views = [View(i + 1, layer, d) for i, (layer, d) in enumerate(sorted(slots))]
    by_place: dict[tuple[int, int], list[View]] = {}
    for v in views:
        by_place.setdefault((v.layer, v.domain), []).append(v)
    root = views[0]
    for v in views:
        if v.layer == 0:
            v.inputs = rng.sample(list(EXTRACTS), 1 if v is root else rng.choice([1, 1, 1, 2]))
            continue
        wanted = rng.choices([1, 2, 3], weights=[50, 40, 10])[0]
        chosen: list[str] = []
        if v.domain == 0:
            anchors = [root] + [u for layer in range(1, v.layer) for u in by_place.get((layer, 0), [])]
            chosen.append(rng.choice(anchors).name)
        for _ in range(10 * wanted):
            if len(chosen) == wanted:
                break
            domain = v.domain
            if len(sizes) > 2 and rng.random() < CROSS_DOMAIN:
                domain = rng.randrange(1, len(sizes))
            layer = v.layer - 1 if rng.random() < 0.6 else rng.randrange(v.layer)
            pool = by_place.get((layer, domain)) or by_place[(0, v.domain)]
            name = rng.choice(pool).name
            if name not in chosen:
                chosen.append(name)
        v.inputs = chosen
    return views


def write_extracts(root: Path) -> tuple[str, dict[str, pa.Schema]]:
    (root / "data").mkdir(parents=True, exist_ok=True)
    toml = ['[project]', 'views = ["views/**/*.sql"]', 'output = "target"']
    schemas = {}
    rng = random.Random(0)
    for name, own in EXTRACTS.items():
        columns = {**COMMON, **own}
        schema = pa.schema([(c, ARROW[t]) for c, t in columns.items()])
        rows = [{c: _value(t, i, rng) for c, t in columns.items()} | {"id": i} for i in range(ROWS)]
        pq.write_table(pa.Table.from_pylist(rows, schema), root / "data" / f"{name}.parquet", row_group_size=ROWS)
        declared = ", ".join(f"{c} = \"{t}\"" for c, t in columns.items())
        toml += ["", f"[extracts.{name}]", f'path = "data/{name}.parquet"', f"columns = {{ {declared} }}"]
        schemas[name] = schema
    return "\n".join(toml) + "\n", schemas


def _value(t: str, i: int, rng: random.Random):
    return {"int64": lambda: rng.randint(0, 1000), "float64": lambda: round(rng.uniform(0, 1000), 2),
            "string": lambda: rng.choice(["north", "south", "A1", "B2", "Cx"]),
            "date32": lambda: dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 700)),
            "bool": lambda: i % 2 == 0}[t]()


def generate(root: Path, n: int, seed: int = 7, root_descendants: int = ROOT_DESCENDANTS) -> dict:
    """Write a project of ``n`` views to ``root``; return its ``bench.json`` manifest."""
    rng = random.Random(seed)
    (root / "views").mkdir(parents=True, exist_ok=True)
    toml, schemas = write_extracts(root)
    (root / "viewls.toml").write_text(toml)
    ctx = SessionContext()
    cols: dict[str, list[tuple[str, str]]] = {}

    def register(name: str, schema: pa.Schema) -> None:
        ctx.register_record_batches(name, [[pa.RecordBatch.from_pylist([], schema)]])
        cols[name] = [(f.name, kind(f.type)) for f in schema]

    for name in schemas:  # as viewls reads them: Parquet strings become string_view
        register(name, ctx.read_parquet(str(root / "data" / f"{name}.parquet")).schema())
    views = plan_dag(n, rng, root_descendants)
    dependents = {v.name: 0 for v in views}
    for v in views:
        for i in v.inputs:
            dependents[i] = dependents.get(i, 0) + 1
    root_view = views[0]
    leaf = next(v for v in reversed(views) if dependents[v.name] == 0 and len(v.inputs) == 1)
    shapes = Shapes(rng, cols)
    # Two texts each: the leaf's differ in a literal, the root's in one output column.
    variants = {leaf.name: [{"literal": 10}, {"literal": 20}], root_view.name: [{}, {"extra": True}]}
    edits: dict[str, list[str]] = {}
    for v in views:
        head = header(v, rng)
        if v.name in variants:
            state = rng.getstate()
            edits[v.name] = []
            for options in variants[v.name]:
                rng.setstate(state)
                edits[v.name].append(head + shapes.project(v, **options) + "\n")
            text = edits[v.name][0]
        else:
            text = head + shapes.render(v) + "\n"
        (root / "views" / f"{v.name}.sql").write_text(text)
        try:
            register(v.name, ctx.sql(text).schema())
        except Exception as failure:
            raise RuntimeError(f"generated {v.name} does not plan:\n{text}\n{failure}") from None
    manifest = {
        "views": n, "seed": seed, "layers": LAYERS, "order": [v.name for v in views],
        "root": root_view.name, "root_descendants": len(descendants(views, root_view.name)),
        "root_edit": edits[root_view.name], "leaf": leaf.name, "leaf_edit": edits[leaf.name],
        "edges": sum(len(v.inputs) for v in views),
    }
    (root / "bench.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def descendants(views: list[View], name: str) -> set[str]:
    readers: dict[str, list[str]] = {}
    for v in views:
        for i in v.inputs:
            readers.setdefault(i, []).append(v.name)
    found, stack = set(), [name]
    while stack:
        for r in readers.get(stack.pop(), ()):
            if r not in found:
                found.add(r)
                stack.append(r)
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("views", type=int)
    parser.add_argument("root", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--root-descendants", type=int, default=ROOT_DESCENDANTS)
    args = parser.parse_args()
    manifest = generate(args.root, args.views, args.seed, args.root_descendants)
    print({k: v for k, v in manifest.items() if k not in ("order", "root_edit", "leaf_edit")})
