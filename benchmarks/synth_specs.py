"""A synthetic project of 5,000 views, 4,000 of them generated from dataset spec files (issue 11).

    1,600 template instances  100 [[template]] rows over extracts globs, 16 instances each:
                              one per `raw_*` or `feed_*` extract (16 of each family)
      400 [[view]] rows       read template instances, extracts and SQL views
    1,600 template instances  100 [[template]] rows: 30 chained over `raw_*` again (reading
                              the first templates' instances), 50 over a list of 16 markets
                              reading a SQL view, 20 over two lists (4 x 4) of instances
      400 [[view]] rows       read SQL views, template instances and other rows
    1,000 SQL files           300 read extracts and the first instances; 700 read everything

in that order (each layer reads only lower ones; the SQL files are split 300 / 700 around
the rows). Rows use select (some with `"*"`), where, group_by with aggregates, distinct, a
`{param}` in string literals and identifiers, the multi-line `query` form and metadata;
they are spread over 40 spec files of 10 templates or 40 rows. The SQL views are the query
shapes of benchmarks/synth.py. Each view is planned by DataFusion while it is generated, so
later views pick from its real output columns. Everything is drawn from a seeded RNG.

``bench.json`` names the views in generation order, the spec row edited by the editor
benchmark (three texts of its file: as generated, one literal changed keeping the length,
changing the length) and the template edited by the re-analysis benchmark (as generated,
a body-only edit, a schema edit adding a column) with its instance names.

``twin(spec_root, twin_root, snapshot)`` writes the same views as SQL files: each view's
canonical SQL (what DataFusion runs), with the same extracts.

    python benchmarks/synth_specs.py /tmp/spec5000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datafusion import SessionContext

from synth import ARROW, COMMON, EXTRACTS, ROWS, Shapes, View, _value, kind

CITIES = ["ams", "ber", "cdg", "dub", "fra", "hel", "lis", "lon", "mad", "mil", "osl", "par", "pra", "rom",
          "sto", "vie"]
FAMILIES = {  # glob prefix -> the columns of its 16 extracts besides COMMON
    "raw_": {"event_type": "string", "duration_ms": "int64", "channel": "string"},
    "feed_": {"customer_id": "int64", "order_status": "string", "is_gift": "bool"},
}
MARKETS = ["at", "be", "ch", "de", "dk", "es", "fi", "fr", "gb", "ie", "it", "nl", "no", "pl", "pt", "se"]
BUCKETS = ["north", "south", "east", "west"]
LAYERS = {"glob": 100, "sql_low": 300, "rows_low": 400, "chained": 30, "markets": 50, "product": 20,
          "sql_high": 700, "rows_high": 400}
ROWS_PER_FILE, TEMPLATES_PER_FILE = 40, 10
EDIT_LITERAL = ("17", "18", "1700")  # the edited row's literal: as generated, same length, longer
TARGET = 9  # the edited template: the 5th row of the first file of `raw_*` templates


def toml_string(text: str) -> str:
    return json.dumps(text)  # ASCII JSON strings are TOML basic strings


@dataclass
class Row:
    """One [[view]] or [[template]] row; ``params``: name -> list of values or an extracts glob."""

    name: str
    source: str = ""
    select: list[tuple[str, str]] = field(default_factory=list)
    where: str = ""
    group_by: list[str] = field(default_factory=list)
    distinct: bool = False
    query: str = ""  # a template's whole query instead of the parts above
    params: dict[str, list[str] | str] = field(default_factory=dict)
    metadata: list[str] = field(default_factory=list)  # TOML lines

    def toml(self) -> str:
        lines = ["[[template]]" if self.params else "[[view]]", f"name = {toml_string(self.name)}"]
        if self.params:
            each = ", ".join(f"{p} = {{ extracts = {toml_string(v)} }}" if isinstance(v, str)
                             else f"{p} = [{', '.join(map(toml_string, v))}]" for p, v in self.params.items())
            lines.append(f"for_each = {{ {each} }}")
        if self.query:
            lines.append(f'query = """\n{self.query}"""')
        else:
            lines.append(f"from = {toml_string(self.source)}")
            items = ", ".join(f"{toml_string(c) if c == '*' else c} = {toml_string(e)}" for c, e in self.select)
            lines.append(f"select = {{ {items} }}")
            if self.where:
                lines.append(f"where = {toml_string(self.where)}")
            if self.group_by:
                lines.append(f"group_by = [{', '.join(map(toml_string, self.group_by))}]")
            if self.distinct:
                lines.append("distinct = true")
        return "\n".join(lines + self.metadata) + "\n"

    def sql(self) -> str:
        """The query for DataFusion, ``{param}`` left in place."""
        if self.query:
            return self.query
        items = ", ".join("*" if c == "*" else f"{e} AS {c}" for c, e in self.select)
        where = f" WHERE {self.where}" if self.where else ""
        group = f" GROUP BY {', '.join(self.group_by)}" if self.group_by else ""
        return f"SELECT {'DISTINCT ' if self.distinct else ''}{items} FROM {self.source}{where}{group}"


class Project:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.ctx = SessionContext()
        self.cols: dict[str, list[tuple[str, str]]] = {}
        self.shapes = Shapes(self.rng, self.cols)
        self.order: list[str] = []
        self.number = 0  # numbers new columns, so that no two views' new columns clash
        self.extract_names: list[str] = []

    def next(self) -> int:
        self.number += 1
        return self.number

    def register(self, name: str, sql: str) -> None:
        try:
            schema = self.ctx.sql(sql).schema()
        except Exception as failure:
            raise RuntimeError(f"generated {name} does not plan:\n{sql}\n{failure}") from None
        self.publish(name, schema)
        self.order.append(name)

    def publish(self, name: str, schema: pa.Schema) -> None:
        self.ctx.register_record_batches(name, [[pa.RecordBatch.from_pylist([], schema)]])
        self.cols[name] = [(f.name, kind(f.type)) for f in schema]

    def instances(self, row: Row) -> list[str]:
        """Plan each instance of a row; their names."""
        combos: list[dict[str, str]] = [{}]
        for param, values in row.params.items():
            if isinstance(values, str):
                values = [n for n in self.extract_names if n.startswith(values.rstrip("*"))]
            combos = [{**c, param: v} for c in combos for v in values]
        names = []
        for combo in combos:
            name, sql = row.name, row.sql()
            for param, value in combo.items():
                name, sql = name.replace(f"{{{param}}}", value), sql.replace(f"{{{param}}}", value)
            self.register(name, sql)
            names.append(name)
        return names

    # --- extracts -------------------------------------------------------------------------

    def write_extracts(self) -> str:
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        toml = ["[project]", 'views = ["views/**/*.sql"]', 'specs = ["specs/**/*.toml"]', 'output = "target"']
        own = dict(EXTRACTS)
        for prefix, columns in FAMILIES.items():
            own |= {prefix + city: columns for city in CITIES}
        rng = random.Random(0)
        for name, columns in own.items():
            columns = {**COMMON, **columns}
            schema = pa.schema([(c, ARROW[t]) for c, t in columns.items()])
            rows = [{c: _value(t, i, rng) for c, t in columns.items()} | {"id": i} for i in range(ROWS)]
            pq.write_table(pa.Table.from_pylist(rows, schema), self.root / "data" / f"{name}.parquet")
            declared = ", ".join(f'{c} = "{t}"' for c, t in columns.items())
            toml += ["", f"[extracts.{name}]", f'path = "data/{name}.parquet"', f"columns = {{ {declared} }}"]
            # As viewls reads them: Parquet strings become string_view.
            self.publish(name, self.ctx.read_parquet(str(self.root / "data" / f"{name}.parquet")).schema())
            self.extract_names.append(name)
        return "\n".join(toml) + "\n"

    # --- rows -----------------------------------------------------------------------------

    def columns(self, rel: str, extra: int) -> list[tuple[str, str]]:
        """``id`` and one column of each kind (what every view passes on), and new expressions."""
        return [(c, c) for c in self.shapes.base(rel)] + self.new_columns(rel, extra)

    def new_columns(self, rel: str, extra: int) -> list[tuple[str, str]]:
        n = self.next()
        words = {"num": "net", "str": "label", "date": "due", "int": "bucket", "bool": "big"}
        return [(f"{words[k]}_{n}", self.shapes.expr(rel, k)) for k in self.rng.sample(list(words), extra)]

    def condition(self, rel: str) -> str:
        return self.shapes.filters(rel).removeprefix("\nwhere ")

    def metadata(self, name: str) -> list[str]:
        lines = []
        if self.rng.random() < 0.6:
            lines.append(f"description = {toml_string(f'Synthetic {name}')}")
        if self.rng.random() < 0.4:
            lines.append('ordering = ["id"]')
        if self.rng.random() < 0.2:
            lines.append('evidence = ["synthetic"]')
        return lines

    def view_row(self, rel: str, name: str) -> Row:
        r = self.rng.random()
        if r < 0.2:  # an aggregate
            s, n, d = (self.shapes.pick(rel, k) for k in ("str", "num", "date"))
            k = self.next()
            select = [(s, s), ("id", "min(id)"), (f"orders_{k}", "count(*)"), (f"total_{k}", f"sum({n})"),
                      (f"last_{k}", f"max({d})")]
            return Row(name, rel, select, self.condition(rel), group_by=[s], metadata=self.metadata(name))
        if r < 0.35:  # every column, and new ones
            select = [("*", "*")] + self.new_columns(rel, self.rng.randint(1, 2))
            return Row(name, rel, select, self.condition(rel), metadata=self.metadata(name))
        row = Row(name, rel, self.columns(rel, self.rng.randint(1, 3)), self.condition(rel),
                  metadata=self.metadata(name))
        row.distinct = self.rng.random() < 0.05
        return row

    def glob_template(self, k: int, prefix: str) -> Row:
        rel = prefix + CITIES[0]  # every extract of the family has its columns
        name = f"{{src}}_c{k:03d}"
        cols = self.columns(rel, self.rng.randint(1, 3))
        cols.append((f"src_{self.next()}", "'{src}'"))  # a parameter in a string literal
        if k == TARGET:  # a literal to edit without changing the schema
            return Row(name, "{src}", cols, "id >= 0", params={"src": prefix + "*"})
        if self.rng.random() < 0.3:  # the whole query in a multi-line string
            items = ",\n    ".join(e if e == c else f"{e} AS {c}" for c, e in cols)
            where = self.condition(rel)
            query = f"SELECT\n    {items}\nFROM {{src}}" + (f"\nWHERE {where}" if where else "")
            return Row(name, query=query, params={"src": prefix + "*"}, metadata=self.metadata(name))
        return Row(name, "{src}", cols, self.condition(rel), params={"src": prefix + "*"},
                   metadata=self.metadata(name))


class SpecFiles:
    """Rows collected into spec files of a few dozen rows each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, list[Row]] = {}

    def add(self, folder: str, row: Row, per_file: int) -> str:
        count = sum(len(rows) for name, rows in self.files.items() if name.startswith(folder + "/"))
        path = f"{folder}/part{count // per_file + 1:02d}.toml"
        self.files.setdefault(path, []).append(row)
        return path

    def write(self) -> dict[str, str]:
        texts = {}
        for path, rows in self.files.items():
            text = f"# Synthetic dataset specs ({len(rows)} rows)\n\n" + "\n".join(row.toml() for row in rows)
            (self.root / "specs" / path).parent.mkdir(parents=True, exist_ok=True)
            (self.root / "specs" / path).write_text(text)
            texts[path] = text
        return texts


def generate(root: Path, seed: int = 11) -> dict:
    """Write the project to ``root``; return its ``bench.json`` manifest."""
    p = Project(root, seed)
    rng = p.rng
    root.mkdir(parents=True, exist_ok=True)
    (root / "viewls.toml").write_text(p.write_extracts())
    specs = SpecFiles(root)
    sql_files: dict[str, str] = {}
    instances: dict[int, list[str]] = {}  # first templates' number -> instance names
    kinds = {"template": 0, "template_instance": 0, "view_row": 0, "sql": 0}

    def template(folder: str, row: Row) -> list[str]:
        specs.add(folder, row, TEMPLATES_PER_FILE)
        names = p.instances(row)
        kinds["template"] += 1
        kinds["template_instance"] += len(names)
        return names

    def rows(folder: str, count: int, inputs: list[str], first: int) -> None:
        for i in range(count):
            name = f"{folder[0]}{first + i:04d}"
            row = p.view_row(rng.choice(inputs), name)
            specs.add(folder, row, ROWS_PER_FILE)
            p.register(name, row.sql())
            kinds["view_row"] += 1

    def sql_views(folder: str, count: int, inputs: list[str], first: int) -> None:
        for i in range(count):
            number = first + i
            wanted = rng.choices([1, 2, 3], weights=[60, 30, 10])[0]
            view = View(p.next(), 1, 0, rng.sample(inputs, wanted))
            name = f"s{number:04d}"
            text = f"-- @description: synthetic {name}\n" + p.shapes.render(view) + "\n"
            (root / "views" / folder).mkdir(parents=True, exist_ok=True)
            (root / "views" / folder / f"{name}.sql").write_text(text)
            sql_files[name] = f"views/{folder}/{name}.sql"
            p.register(name, text)
            kinds["sql"] += 1

    # 1. Templates over extracts globs: one view per extract of a family.
    for k in range(1, LAYERS["glob"] + 1):
        prefix = "raw_" if k % 2 else "feed_"
        instances[k] = template(f"sources/{prefix.rstrip('_')}", p.glob_template(k, prefix))
    first_instances = [n for names in instances.values() for n in names]
    # 2. SQL views over extracts and instances; 3. rows over all of it.
    sql_views("staging", LAYERS["sql_low"], first_instances + list(EXTRACTS), 1)
    low_sql = p.order[-LAYERS["sql_low"]:]
    rows("normalized", LAYERS["rows_low"], first_instances + low_sql + list(EXTRACTS), 1)
    low_rows = p.order[-LAYERS["rows_low"]:]
    # 4. Templates reading views: generated ones (chained, product) and SQL ones (markets).
    raw = [k for k in instances if k % 2]
    second: list[str] = []
    for k in range(LAYERS["chained"]):
        read = TARGET if k == 0 else raw[k % len(raw)]
        rel = instances[read][0]
        cols = [("*", "*")] + p.new_columns(rel, rng.randint(1, 2))
        row = Row(f"{{src}}_d{k + 1:03d}", f"{{src}}_c{read:03d}", cols, p.condition(rel),
                  params={"src": "raw_*"}, metadata=p.metadata("chained"))
        second += template("enriched", row)
    for k in range(LAYERS["markets"]):
        rel = rng.choice(low_sql)
        s = p.shapes.pick(rel, "str")
        cols = p.columns(rel, rng.randint(1, 2)) + [(f"market_{p.next()}", "upper('{market}')")]
        row = Row(f"{{market}}_g{k + 1:03d}", rel, cols, f"{s} <> '{{market}}'", params={"market": MARKETS},
                  metadata=p.metadata("market"))
        second += template("markets", row)
    for k in range(LAYERS["product"]):
        sources = rng.sample(instances[rng.choice(list(instances))], 4)
        rel = sources[0]
        s = p.shapes.pick(rel, "str")
        cols = p.columns(rel, 1) + [(f"bucket_{p.next()}", "'{bucket}'")]
        row = Row(f"{{src}}_{{bucket}}_p{k + 1:03d}", "{src}", cols, f"{s} <> '{{bucket}}'",
                  params={"src": sources, "bucket": BUCKETS}, metadata=p.metadata("product"))
        second += template("buckets", row)
    # 5. SQL views over everything; 6. rows over everything.
    everything = first_instances + low_sql + low_rows + second
    sql_views("marts", LAYERS["sql_high"], everything, LAYERS["sql_low"] + 1)
    high_sql = p.order[-LAYERS["sql_high"]:]
    rows("metrics", LAYERS["rows_high"] - 1, high_sql + second + low_rows, LAYERS["rows_low"] + 1)
    # The row the editor benchmark edits: in the middle of a file, read by nothing, with a
    # literal to change in one of its select expressions.
    edited = f"m{LAYERS['rows_low'] + LAYERS['rows_high']:04d}"
    rel = rng.choice(high_sql)
    row = p.view_row(rel, edited)
    if row.group_by or row.select[0][0] == "*":
        row = Row(edited, rel, p.columns(rel, 1), p.condition(rel))
    expression = f"abs({p.shapes.pick(rel, 'num')} - {{}})"
    row.select.append(("edited", expression.format(EDIT_LITERAL[0])))
    metrics = [path for path in specs.files if path.startswith("metrics/")]
    middle = specs.files[metrics[0]]
    middle.insert(len(middle) // 2, row)  # rows after it shift when its length changes
    p.register(edited, row.sql())
    kinds["view_row"] += 1
    texts = specs.write()
    # The template the re-analysis benchmark edits (read by the first chained template and
    # by other views), in the middle of its file: a literal of its filter (the body, same
    # length) or a column more (its instances' schema).
    name = f"{{src}}_c{TARGET:03d}"
    target_path = next(path for path, rs in specs.files.items() if any(r.name == name for r in rs))
    target_text = texts[target_path]
    target = next(r for r in specs.files[target_path] if r.name == name)
    written = target.toml()
    body = written.replace('where = "id >= 0"', 'where = "id >= 1"')
    schema = written.replace("select = { ", 'select = { twice = "quantity * 2", ', 1)
    assert body != written and schema != written
    row_text, edit_text = specs.files[metrics[0]][len(middle) // 2].toml(), texts[metrics[0]]
    line = f"edited = {toml_string(expression.format(EDIT_LITERAL[0]))}"
    assert row_text.count(line) == 1
    manifest = {
        "views": len(p.order), "kinds": kinds, "spec_files": len(texts), "sql_files": len(sql_files),
        "extracts": len(p.extract_names), "order": p.order,
        "row_edit": {"path": f"specs/{metrics[0]}", "view": edited, "rows_in_file": len(middle),
                     "position": len(middle) // 2 + 1,
                     "texts": [edit_text.replace(row_text, row_text.replace(
                         line, f"edited = {toml_string(expression.format(x))}")) for x in EDIT_LITERAL]},
        "template_edit": {"path": f"specs/{target_path}", "template": name, "instances": instances[TARGET],
                          "rows_in_file": len(specs.files[target_path]),
                          "position": specs.files[target_path].index(target) + 1,
                          "texts": [target_text, target_text.replace(written, body),
                                    target_text.replace(written, schema)]},
    }
    assert manifest["views"] == sum(LAYERS[k] for k in ("sql_low", "rows_low", "sql_high", "rows_high")) \
        + 16 * sum(LAYERS[k] for k in ("glob", "chained", "markets", "product"))
    (root / "bench.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def twin(spec_root: Path, twin_root: Path, snapshot) -> int:
    """The same views as SQL files: each one's canonical SQL, with the same extracts."""
    if twin_root.exists():
        shutil.rmtree(twin_root)
    (twin_root / "views").mkdir(parents=True)
    shutil.copytree(spec_root / "data", twin_root / "data")
    config = (spec_root / "viewls.toml").read_text().replace('specs = ["specs/**/*.toml"]\n', "specs = []\n")
    (twin_root / "viewls.toml").write_text(config)
    for name, view in snapshot.views.items():
        if view.sql is None:
            raise SystemExit(f"{name} does not plan in {spec_root}")
        (twin_root / "views" / f"{name}.sql").write_text(view.sql + "\n")
    return len(snapshot.views)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    manifest = generate(args.root, args.seed)
    print({k: v for k, v in manifest.items() if k in ("views", "kinds", "spec_files", "sql_files", "extracts")})
