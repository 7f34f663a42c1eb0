"""AnalysisHost: project inputs in, immutable snapshots out, incrementally.

Inputs are the view texts, ``viewls.toml``, the extracts' resolved schemas and the
function registry; analysis is a pure function of them, so an incremental update
must equal a from-scratch analysis (a property test proves it). Work is bounded by
what changed: an edit re-parses one file and re-plans a view; a view's dependents
are re-planned only when what they see of it (its ``Output``: schema or error
state) changed — early cutoff.
"""

from __future__ import annotations

import gc
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

from viewls.analysis.model import Output, ParsedView, State, ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.analysis.view import Definition, analyse_view, complete_view, parse_view
from viewls.diagnostics import Diagnostic
from viewls.engine.functions import FunctionRegistry, function_registry
from viewls.engine.planner import Planner
from viewls.engine.session import create_session
from viewls.graph import DependencyGraph
from viewls.project.config import CONFIG_FILE, ProjectConfig, load_config
from viewls.project.discover import discover_views
from viewls.project.extracts import ExtractInfo, resolve_extract
from viewls.text import Span


class AnalysisHost:
    def __init__(self, root: Path, config_text: str, extracts: Iterable[ExtractInfo],
                 views: Mapping[Path, str], registry: FunctionRegistry | None = None,
                 staged: bool = False) -> None:
        self.root = root
        # Staged: the planning stages after the logical plan wait for ``complete()``, so an
        # editor can publish what logical planning found first. Else they run at once.
        self.staged = staged
        self._deferred: set[Path] = set()  # views whose later planning stages wait
        self.registry = registry or function_registry()
        self.planner = Planner()
        self._config = load_config(root, config_text)
        self._extracts: dict[str, ExtractInfo] = {}
        self._parsed: dict[Path, ParsedView] = {}
        self._files: dict[Path, ViewAnalysis] = {}
        self._owner: dict[str, Path] = {}  # view name -> the file that owns it
        self._outputs: dict[str, Output] = {}  # every bound name (extract or view)
        self._referrers: dict[str, set[Path]] = defaultdict(set)  # name -> files reading it
        self._by_name: dict[str, set[Path]] = defaultdict(set)  # name -> files defining it
        self._graph = DependencyGraph((), ())
        self._rank: dict[str, int] = {}
        self._snapshot: Snapshot | None = None
        # The last snapshot's files (in path order) and views (in name order), and the files
        # analysed since: a snapshot copies the two and updates those few, without hashing
        # every path of a large project. None when files came or went.
        self._ordered: tuple[dict[Path, ViewAnalysis], dict[str, ViewAnalysis]] | None = None
        self._fresh: set[Path] = set()
        self._set_extracts(extracts)
        with _quiet_gc():
            for path, text in views.items():
                self._parse(path, text)
            self._rebuild(set(self._parsed), set(self._extracts), structural=True)

    # --- construction from disk ---------------------------------------------------------

    @classmethod
    def load(cls, root: Path, registry: FunctionRegistry | None = None, staged: bool = False) -> AnalysisHost:
        """Read a project from disk: config, extract schemas and every view file."""
        root = root.resolve()
        config_text = read_text(root / CONFIG_FILE)
        config = load_config(root, config_text)
        views = {path: read_text(path) for path in discover_views(root, config.view_globs, config.output)}
        return cls(root, config_text, resolve_extracts(config), views, registry, staged)

    # --- inputs -------------------------------------------------------------------------

    @property
    def config(self) -> ProjectConfig:
        return self._config

    def apply_change(self, path: Path, text: str | None) -> Snapshot:
        """A view file's new text (``None``: the file is gone)."""
        return self.apply_changes({path: text})

    def apply_changes(self, changes: Mapping[Path, str | None]) -> Snapshot:
        touched: set[Path] = set()
        structural = False  # files came or went, or dependencies changed
        for path, text in changes.items():
            old = self._parsed.get(path)
            if text is None:
                if old is not None:
                    self._forget(path)
                    touched.add(path)
                    structural = True
            elif old is None or old.text != text:
                if old is not None:
                    self._unindex(old)
                new = self._parse(path, text)
                touched.add(path)
                structural = structural or old is None or old.dependencies != new.dependencies
        if touched:
            self._rebuild(touched, set(), structural)
        return self.snapshot()

    def set_config(self, config_text: str, extracts: Iterable[ExtractInfo]) -> Snapshot:
        """New ``viewls.toml`` text and the extracts it resolves to."""
        was_readable = self._config.readable
        self._config = load_config(self.root, config_text)
        changed = self._set_extracts(extracts)
        # Every view's unknown tables read differently once the config is (un)readable.
        touched = set(self._parsed) if was_readable != self._config.readable else set()
        self._rebuild(touched, changed, structural=True)
        return self.snapshot()

    # --- bookkeeping --------------------------------------------------------------------

    def _parse(self, path: Path, text: str) -> ParsedView:
        parsed = parse_view(path, text)
        self._parsed[path] = parsed
        self._by_name[parsed.name].add(path)
        for name in parsed.dependencies:
            self._referrers[name].add(path)
        return parsed

    def _unindex(self, parsed: ParsedView) -> None:
        self._by_name[parsed.name].discard(parsed.path)
        for name in parsed.dependencies:
            self._referrers[name].discard(parsed.path)

    def _forget(self, path: Path) -> None:
        self._unindex(self._parsed.pop(path))
        self._files.pop(path, None)
        self._deferred.discard(path)

    def _set_extracts(self, extracts: Iterable[ExtractInfo]) -> set[str]:
        """Replace the extracts; return the names whose output changed."""
        new = {info.name: info for info in extracts}
        changed = set(self._extracts) ^ set(new)
        for name, info in new.items():
            old = self._extracts.get(name)
            if old is None or _extract_output(old) != _extract_output(info):
                changed.add(name)
        self._extracts = new
        return changed

    # --- the incremental core -----------------------------------------------------------

    def _rebuild(self, touched: set[Path], changed_names: set[str], structural: bool) -> None:
        """Re-bind names and rebuild the graph if its shape changed, then re-analyse what is dirty."""
        if structural:
            self._ordered = None
            old_owner, old_cyclic = self._owner, self._graph.cyclic
            self._owner = _owners(self._parsed, self._extracts)
            self._graph = DependencyGraph(
                [*self._extracts, *self._owner],
                [(dep, name) for name, path in self._owner.items() for dep in self._parsed[path].dependencies])
            self._rank = {name: i for i, name in enumerate(self._graph.order())}
            changed_names |= {n for n in old_owner.keys() | self._owner.keys() if old_owner.get(n) != self._owner.get(n)}
            # Every view on a cycle, before or after: its cycle's path may have changed.
            changed_names |= old_cyclic | self._graph.cyclic
        dirty = {p for p in touched if p in self._parsed}
        for name in changed_names:
            dirty |= self._referrers.get(name, set()) | self._by_name.get(name, set())
            self._rebind(name)
        self._analyse(dirty & self._parsed.keys())
        self._snapshot = None

    def _rebind(self, name: str) -> None:
        """Publish an extract's output, or withdraw a name nothing defines any more; a
        view's output is published when the view is analysed."""
        info = self._extracts.get(name)
        if info is not None:
            self._publish(name, _extract_output(info))
        elif name not in self._owner:
            self._publish(name, None)

    def _analyse(self, dirty: set[Path]) -> None:
        """Analyse dirty views in topological order, following only changed outputs."""
        env = _Env(self)
        heap = [(self._rank_of(p), p) for p in dirty]
        heapq.heapify(heap)
        queued = set(dirty)
        while heap:
            _, path = heapq.heappop(heap)
            self._deferred.discard(path)
            analysis = analyse_view(self._parsed[path], env)
            for referrer in self._record(path, analysis):
                if referrer not in queued:
                    queued.add(referrer)
                    heapq.heappush(heap, (self._rank_of(referrer), referrer))
            # A referrer analysed earlier in this pass (it sat on a cycle) does not read outputs.

    def _record(self, path: Path, analysis: ViewAnalysis) -> list[Path]:
        """Keep a view's new analysis; the files to re-analyse because its output changed."""
        self._files[path] = analysis
        self._fresh.add(path)
        name = analysis.name
        if self._owner.get(name) != path or self._outputs.get(name) == analysis.output:
            return []  # a duplicate file, or early cutoff
        self._publish(name, analysis.output)
        return [r for r in self._referrers.get(name, ()) if r in self._parsed]

    def complete(self) -> Snapshot:
        """Run the deferred later planning stages in build order. A view they refuse has
        no schema for its dependents any more, which are then re-analysed."""
        env = _Env(self)
        while self._deferred:
            for path in sorted(self._deferred, key=self._rank_of):
                if path not in self._deferred:
                    continue  # re-analysed since, by a refusal upstream
                self._deferred.discard(path)
                analysis = complete_view(self._files[path], env)
                if analysis is not self._files[path]:
                    self._analyse(set(self._record(path, analysis)))
        self._snapshot = None
        return self.snapshot()

    def _rank_of(self, path: Path) -> tuple[int, str]:
        name = self._parsed[path].name
        owned = self._owner.get(name) == path
        return (self._rank.get(name, -1) if owned else len(self._rank), str(path))

    def _publish(self, name: str, output: Output | None) -> None:
        """Record what dependents see of ``name`` and mirror it in the planner's tables."""
        if output is None:
            self._outputs.pop(name, None)
        else:
            self._outputs[name] = output
        if output is not None and output.schema is not None:
            self.planner.set_table(name, output.schema)
        else:
            self.planner.drop_table(name)

    # --- reading ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            if self._ordered is None:
                files = {path: self._files[path] for path in sorted(self._files)}
                views = {name: files[path] for name, path in sorted(self._owner.items())}
            else:
                files, views = self._ordered[0].copy(), self._ordered[1].copy()
                for path in self._fresh:
                    analysis = files[path] = self._files[path]
                    if self._owner.get(analysis.name) == path:
                        views[analysis.name] = analysis
            self._ordered, self._fresh = (files, views), set()
            self._snapshot = Snapshot(
                root=self.root, config=self._config,
                extracts=MappingProxyType(dict(self._extracts)),
                files=MappingProxyType(files), views=MappingProxyType(views),
                graph=self._graph, registry=self.registry)
        return self._snapshot


class _Env:
    """What one view's analysis may see of the rest of the project."""

    __slots__ = ("_host", "planner", "registry")

    def defer(self, path: Path) -> bool:
        if self._host.staged:
            self._host._deferred.add(path)
        return self._host.staged

    def __init__(self, host: AnalysisHost) -> None:
        self._host = host
        self.planner = host.planner
        self.registry = host.registry

    def output(self, name: str) -> Output | None:
        return self._host._outputs.get(name)

    def is_bound(self, name: str) -> bool:
        host = self._host
        return name in host._extracts or name in host._owner

    def names(self) -> Iterable[str]:
        host = self._host
        return [*host._extracts, *host._owner]

    def cycle(self, view: ParsedView) -> list[str] | None:
        """The cycle through ``view``; only the file that owns a name is in the graph."""
        host = self._host
        graph = host._graph
        if view.name not in graph.cyclic or host._owner.get(view.name) != view.path:
            return None
        return graph.cycle_through(view.name)

    def config_failure(self) -> Diagnostic | None:
        config = self._host._config
        return None if config.readable else config.diagnostics[0]

    def shadowing(self, view: ParsedView) -> Definition | None:
        host = self._host
        if view.name in host._extracts:
            extract = host._config.extract(view.name)
            return Definition(host._config.config_path, extract.span if extract else Span(0, 0))
        owner = host._owner.get(view.name)
        if owner is not None and owner != view.path:
            return Definition(owner, Span(0, 0))
        return None


@contextmanager
def _quiet_gc():
    """Hold off the cyclic GC while a whole project's results are built.

    A cold load allocates millions of objects that all survive, so collections at
    the default thresholds scan an ever larger heap and find nothing.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 50), max(thresholds[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _owners(parsed: Mapping[Path, ParsedView], extracts: Mapping[str, ExtractInfo]) -> dict[str, Path]:
    """Each view name belongs to its first file in path order; later ones, and views
    named like an extract, are duplicates."""
    owners: dict[str, Path] = {}
    for path in sorted(parsed):
        name = parsed[path].name
        if name not in extracts:
            owners.setdefault(name, path)
    return owners


def _extract_output(info: ExtractInfo) -> Output:
    if info.schema is not None:
        return Output(State.OK, info.schema)
    cause = next((d for d in info.diagnostics if d.is_error), None)
    return Output(State.ERROR, None, cause)


def resolve_extracts(config: ProjectConfig) -> list[ExtractInfo]:
    """Extract schemas as the engine's own session reads them (e.g. Parquet strings as views)."""
    context = create_session()
    return [resolve_extract(config.root, extract, config.config_path, context=context)
            for extract in config.extracts]


def read_text(path: Path) -> str:
    """File text as the editor would show it (a UTF-8 byte order mark is not text:
    editors hide it); unreadable bytes never abort analysis."""
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return ""
