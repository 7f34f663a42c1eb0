"""AnalysisHost: project inputs in, immutable snapshots out, incrementally.

Inputs are the source files' texts (SQL files, spec files), ``viewls.toml``, the extracts' resolved schemas and the
function registry; analysis is a pure function of them, so an incremental update
must equal a from-scratch analysis (a property test proves it). Work is bounded by
what changed: an edit re-reads one source and re-plans the views whose definition
changed (one spec row's, not the whole file's); a view's dependents
are re-planned only when what they see of it (its ``Output``: schema or error
state) changed — early cutoff.
"""

from __future__ import annotations

import gc
import heapq
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from viewls.analysis.deadline import Deadline
from viewls.analysis.model import Output, SourceAnalysis, State, ViewAnalysis, ViewDefinition
from viewls.analysis.snapshot import Snapshot
from viewls.analysis.parallel import Definitions, define_views
from viewls.analysis.view import Definition, analyse_view, complete_view
from viewls.diagnostics import Diagnostic
from viewls.engine.functions import FunctionRegistry, function_registry
from viewls.engine.planner import Planner
from viewls.engine.session import create_session
from viewls.graph import DependencyGraph
from viewls.project.config import CONFIG_FILE, ProjectConfig, load_config
from viewls.project.discover import discover_sources, matches_globs
from viewls.project.extracts import ExtractInfo, resolve_extract
from viewls.project.files import read_file
from viewls.builders.runner import BuilderRunner
from viewls.sources.context import ReadContext
from viewls.sources.draft import Draft, SourceReading, ViewKey
from viewls.sources.read import read_source
from viewls.source_text import SourceText, as_source
from viewls.text import Span, moved


class AnalysisHost:
    def __init__(self, root: Path, config_text: str | SourceText, extracts: Iterable[ExtractInfo],
                 sources: Mapping[Path, str | SourceText], registry: FunctionRegistry | None = None,
                 staged: bool = False, runner: BuilderRunner | None = None) -> None:
        self.root = root
        # Staged: the planning stages after the logical plan wait for ``complete()``, so an
        # editor can publish what logical planning found first. Else they run at once.
        self.staged = staged
        self._deferred: set[ViewKey] = set()  # views whose later planning stages wait
        self.registry = registry or function_registry()
        self.planner = Planner()
        self._config = load_config(root, config_text)
        self._deadline = Deadline(self._config.limits.max_analysis_seconds)  # per step of one view
        self._extracts: dict[str, ExtractInfo] = {}
        # Every source file's text: an editor's (a str) or a file's (see ``read_file``).
        self._sources: dict[Path, SourceText] = {}
        self._readings: dict[Path, SourceReading] = {}
        self._keys: dict[Path, tuple[ViewKey, ...]] = {}  # the views each source defines
        self._definitions: dict[ViewKey, ViewDefinition] = {}
        self._views: dict[ViewKey, ViewAnalysis] = {}
        self._owner: dict[str, ViewKey] = {}  # view name -> the definition that owns it
        self._outputs: dict[str, Output] = {}  # every bound name (extract or view)
        self._referrers: dict[str, set[ViewKey]] = defaultdict(set)  # name -> views reading it
        self._by_name: dict[str, set[ViewKey]] = defaultdict(set)  # name -> views defining it
        self._graph = DependencyGraph((), ())
        self._rank: dict[str, int] = {}
        self._snapshot: Snapshot | None = None
        # The last snapshot's sources (in path order) and views (in name order), and the sources
        # changed since: a snapshot copies the two and updates those few, without hashing every
        # path of a large project. None when views came or went.
        self._ordered: tuple[dict[Path, SourceAnalysis], dict[str, ViewAnalysis]] | None = None
        self._fresh: set[Path] = set()
        # ``runner``: a builder runner to share (its cache survives this host), else one of its own.
        self._context = ReadContext(root, may_build=self._may_build, module_text=self._module_text,
                                    limits=self._config.limits, _runner=runner)
        self._set_extracts(extracts)
        sources = {path: as_source(text) for path, text in sources.items()}
        modules = {path: source.text for path, source in sources.items() if path.suffix == ".py" and source.readable}
        if modules:  # one worker runs every builder module; reading each then finds it built
            self._context.runner.build(modules)
        with _quiet_gc():
            self._load(sources)

    # --- construction from disk ---------------------------------------------------------

    @classmethod
    def load(cls, root: Path, registry: FunctionRegistry | None = None, staged: bool = False,
             runner: BuilderRunner | None = None) -> AnalysisHost:
        """Read a project from disk: config, extract schemas and every source file, each
        through ``read_file`` (regular files inside the project only)."""
        root = root.resolve()
        config_text = read_file(root / CONFIG_FILE)
        config = load_config(root, config_text)
        boundary = config.boundary
        sources = {path: read_file(path, boundary) for path in discover_sources(root, config)}
        return cls(root, config_text, resolve_extracts(config), sources, registry, staged, runner)

    # --- inputs -------------------------------------------------------------------------

    @property
    def config(self) -> ProjectConfig:
        return self._config

    def apply_change(self, path: Path, text: str | SourceText | None) -> Snapshot:
        """A source file's new text: an editor's buffer, or ``read_file``'s reading of the
        file (``None``: the file is gone)."""
        return self.apply_changes({path: text})

    def apply_changes(self, changes: Mapping[Path, str | SourceText | None]) -> Snapshot:
        touched: set[ViewKey] = set()
        structural = False  # views came or went, or dependencies changed
        for path in [p for p, text in changes.items() if text is None and p in self._sources]:
            touched |= self._forget_source(path)
            structural = True
        sources = {p: as_source(text) for p, text in changes.items() if text is not None}
        changed, reshaped = self._read({p: source for p, source in sources.items() if self._sources.get(p) != source})
        touched |= changed
        # Then the sources that read a changed file (spec rows built by a changed builder module).
        readers, reshaped_readers = self._read({p: self._sources[p] for p, reading in self._readings.items()
                                                if reading.reads_files & changes.keys() and p not in changes})
        touched |= readers
        structural = structural or reshaped or reshaped_readers
        if touched or structural or self._fresh:
            self._rebuild(touched, set(), structural)
        return self.snapshot()

    def refresh_builders(self) -> Snapshot:
        """Files that builders read changed on disk (a helper module, a data file): re-read
        what builders produce; the runner re-runs only builds whose inputs changed."""
        touched, structural = self._read({p: self._sources[p] for p, reading in self._readings.items()
                                          if p.suffix == ".py" or reading.reads_files})
        self._rebuild(touched, set(), structural)
        return self.snapshot()

    def set_config(self, config_text: str | SourceText, extracts: Iterable[ExtractInfo]) -> Snapshot:
        """New ``viewls.toml`` text and the extracts it resolves to."""
        was_readable = self._config.readable
        self._config = load_config(self.root, config_text)
        old_names = set(self._extracts)
        changed = self._set_extracts(extracts)
        touched: set[ViewKey] = set()
        if set(self._extracts) != old_names:  # sources generating views per extract re-read
            changed |= self._unbound_names()
            touched |= self._read({p: self._sources[p] for p, reading in self._readings.items()
                                   if reading.reads_extract_names})[0]
        # Every view's unknown tables read differently once the config is (un)readable.
        if was_readable != self._config.readable:
            touched |= set(self._definitions)
        if self._config.limits != self._context.limits:  # a view may cross a limit, or no longer
            self._context.limits = self._config.limits
            self._deadline = Deadline(self._config.limits.max_analysis_seconds)
            touched |= self._read(dict(self._sources))[0]
        self._rebuild(touched, changed, structural=True)
        return self.snapshot()

    # --- bookkeeping --------------------------------------------------------------------

    def _read(self, texts: Mapping[Path, SourceText]) -> tuple[set[ViewKey], bool]:
        """Read sources' new texts. Returns the views to re-analyse (new or changed
        definitions, and the other definitions of their names: a clash is an error at every
        place, pointing at the others) and whether the graph's shape may have changed. A
        definition whose draft is unchanged is kept as it is; the others are defined
        together, on every core when there are many (a cold load, a checkout)."""
        touched: set[ViewKey] = set()
        reshaped = False
        fresh: list[tuple[Draft, ViewDefinition | None]] = []
        for path, source in texts.items():
            old_keys = set(self._keys.get(path, ()))
            reading = self._take(path, source)
            reshaped = reshaped or bool(old_keys - set(self._keys[path]))
            for key in old_keys - set(self._keys[path]):
                touched |= self._forget(key)
            for draft in reading.drafts:
                old = self._definitions.get(draft.key)
                if old is not None and draft.fingerprint is not None and old.fingerprint == draft.fingerprint:
                    if old.text is not draft.text:
                        touched |= self._move(old, draft)
                    continue
                if old is not None:
                    self._unindex(old)
                fresh.append((draft, old))
        defined = define_views([draft.placed() for draft, _ in fresh], deadline=self._deadline)
        for (draft, old), definition in zip(fresh, defined):
            self._index(definition)
            reshaped = reshaped or old is None or old.dependencies != definition.dependencies
        for draft, _ in fresh:
            touched |= self._by_name[draft.name]  # itself, and the places of a name clash
        return touched, reshaped

    def _take(self, path: Path, source: SourceText) -> SourceReading:
        """Read a source's new text and record it, with the keys of the views it defines."""
        reading = read_source(path, source, self._context)
        self._sources[path], self._readings[path] = source, reading
        self._keys[path] = tuple(draft.key for draft in reading.drafts)
        self._fresh.add(path)
        return reading

    def _load(self, sources: Mapping[Path, SourceText]) -> None:
        """Read and analyse a whole project as a dataflow: a view is analysed as soon as it
        and the views it reads are, while the others are still being defined (on every
        core: see ``parallel``). Names and their owners are known from the drafts alone;
        a view also waits for every other definition of its own name (a clash is reported
        at each). What cycles hold back is analysed once all is defined, in build order."""
        drafts: list[Draft] = []
        for path, source in sources.items():
            drafts.extend(draft.placed() for draft in self._take(path, source).drafts)
        self._owner = _owners([draft.key for draft in drafts], self._extracts)
        for name in self._extracts:
            self._rebind(name)
        undefined = Counter(draft.name for draft in drafts)  # definitions of a name still to come
        waiting: dict[str, list[ViewKey]] = defaultdict(list)  # name -> views held back by it
        env = _Env(self)

        def blocker(definition: ViewDefinition) -> str | None:
            if undefined[definition.name]:
                return definition.name
            return next((name for name in sorted(definition.dependencies)
                         if name in self._owner and self._owner[name] not in self._views), None)

        def settle(keys: list[ViewKey]) -> None:
            """Analyse the views among ``keys`` nothing holds back, and what they release."""
            while keys:
                key = keys.pop()
                name = blocker(self._definitions[key])
                if name is not None:
                    waiting[name].append(key)
                    continue
                self._record(key, self._analysed(key, env))
                if self._owner.get(key.name) == key:
                    keys.extend(waiting.pop(key.name, ()))

        with Definitions(drafts, deadline=self._deadline) as defining:
            while not defining.finished:
                arrived = []
                for _, definition in defining.next():
                    self._index(definition)
                    undefined[definition.name] -= 1
                    arrived.append(definition.key)
                    if not undefined[definition.name]:
                        arrived.extend(waiting.pop(definition.name, ()))
                settle(arrived)
        held = {key for keys in waiting.values() for key in keys}
        self._rebuild(held, set(), structural=True)

    def _move(self, old: ViewDefinition, draft: Draft) -> set[ViewKey]:
        """Keep an unchanged definition where an edit elsewhere in its file moved it: its
        analysis stands, its positions follow the text. The views to re-analyse: the other
        definitions of its name (a clash points at it) and those whose upstream hint points
        into it, when it moved."""
        delta, path = draft.start - old.extent.start, old.path
        definition = replace(moved(old, delta, path), text=draft.text)
        self._definitions[draft.key] = definition
        clashing = self._by_name[draft.name] - {draft.key} if delta else set()
        analysis = self._views.get(draft.key)
        if analysis is None:
            return clashing
        analysis = ViewAnalysis(definition, analysis.dependencies, analysis.required_udfs,
                                moved(analysis.output, delta, path), moved(analysis.diagnostics, delta, path),
                                analysis.sql)
        return clashing | set(self._record(draft.key, analysis))

    def _may_build(self, path: Path) -> bool:
        config = self._config
        return matches_globs(self.root, path, config.builder_globs, config.output)

    def _module_text(self, path: Path) -> str | None:
        """A builder module's text: the host's (an editor's buffer) or the file's; None when
        there is no such module or it cannot be read."""
        source = self._sources.get(path)
        if source is None and os.path.lexists(path):
            source = read_file(path, self._config.boundary)
        return source.text if source is not None and source.readable else None

    def _index(self, definition: ViewDefinition) -> None:
        self._definitions[definition.key] = definition
        self._by_name[definition.name].add(definition.key)
        for name in definition.dependencies:
            self._referrers[name].add(definition.key)

    def _unindex(self, definition: ViewDefinition) -> None:
        self._by_name[definition.name].discard(definition.key)
        for name in definition.dependencies:
            self._referrers[name].discard(definition.key)

    def _forget(self, key: ViewKey) -> set[ViewKey]:
        """Drop a definition; the other definitions of its name, whose clash may be over."""
        definition = self._definitions.pop(key)
        self._unindex(definition)
        self._views.pop(key, None)
        self._deferred.discard(key)
        self._ordered = None
        return set(self._by_name.get(definition.name, ()))

    def _forget_source(self, path: Path) -> set[ViewKey]:
        touched: set[ViewKey] = set()
        for key in self._keys.pop(path, ()):
            touched |= self._forget(key)
        del self._sources[path], self._readings[path]
        self._fresh.discard(path)
        return touched

    def _set_extracts(self, extracts: Iterable[ExtractInfo]) -> set[str]:
        """Replace the extracts; return the names whose output changed."""
        new = {info.name: info for info in extracts}
        changed = set(self._extracts) ^ set(new)
        for name, info in new.items():
            old = self._extracts.get(name)
            if old is None or _extract_output(old) != _extract_output(info):
                changed.add(name)
        self._extracts = new
        self._context.extract_names = tuple(new)
        return changed

    # --- the incremental core -----------------------------------------------------------

    def _rebuild(self, touched: set[ViewKey], changed_names: set[str], structural: bool) -> None:
        """Re-bind names and rebuild the graph if its shape changed, then re-analyse what is dirty."""
        if structural:
            self._ordered = None
            old_owner, old_cyclic = self._owner, self._graph.cyclic
            self._owner = _owners(self._definitions, self._extracts)
            self._graph = DependencyGraph(
                [*self._extracts, *self._owner],
                [(dep, name) for name, key in self._owner.items() for dep in self._definitions[key].dependencies])
            self._rank = {name: i for i, name in enumerate(self._graph.order())}
            changed_names |= {n for n in old_owner.keys() | self._owner.keys() if old_owner.get(n) != self._owner.get(n)}
            # Every view on a cycle, before or after: its cycle's path may have changed.
            changed_names |= old_cyclic | self._graph.cyclic
            if old_owner.keys() != self._owner.keys():
                changed_names |= self._unbound_names()
        dirty = {key for key in touched if key in self._definitions}
        for name in changed_names:
            dirty |= self._referrers.get(name, set()) | self._by_name.get(name, set())
            self._rebind(name)
        self._analyse(dirty & self._definitions.keys())
        self._snapshot = None

    def _unbound_names(self) -> set[str]:
        """Names read but defined nowhere: their readers' "did you mean" reads the names
        there are, so it changes whenever a name comes or goes."""
        return {name for name, readers in self._referrers.items()
                if readers and name not in self._owner and name not in self._extracts}

    def _rebind(self, name: str) -> None:
        """Publish an extract's output, or withdraw a name nothing defines any more; a
        view's output is published when the view is analysed."""
        info = self._extracts.get(name)
        if info is not None:
            self._publish(name, _extract_output(info))
        elif name not in self._owner:
            self._publish(name, None)

    def _analyse(self, dirty: set[ViewKey]) -> None:
        """Analyse dirty views in topological order, following only changed outputs."""
        env = _Env(self)
        heap = [(self._rank_of(key), key) for key in dirty]
        heapq.heapify(heap)
        queued = set(dirty)
        while heap:
            _, key = heapq.heappop(heap)
            for referrer in self._record(key, self._analysed(key, env)):
                if referrer not in queued:
                    queued.add(referrer)
                    heapq.heappush(heap, (self._rank_of(referrer), referrer))
            # A referrer analysed earlier in this pass (it sat on a cycle) does not read outputs.

    def _analysed(self, key: ViewKey, env: _Env) -> ViewAnalysis:
        analysis = analyse_view(self._definitions[key], env)
        self._deferred.discard(key)
        if self.staged and analysis.output.state is State.OK:
            self._deferred.add(key)  # its later planning stages wait for ``complete()``
        return analysis

    def _record(self, key: ViewKey, analysis: ViewAnalysis) -> list[ViewKey]:
        """Keep a view's new analysis; the views to re-analyse because its output changed."""
        self._views[key] = analysis
        self._fresh.add(key.path)
        name = analysis.name
        if self._owner.get(name) != key or self._outputs.get(name) == analysis.output:
            return []  # a duplicate definition, or early cutoff
        self._publish(name, analysis.output)
        return [r for r in self._referrers.get(name, ()) if r in self._definitions]

    def complete(self) -> Snapshot:
        """Run the deferred later planning stages in build order. A view they refuse has
        no schema for its dependents any more, which are then re-analysed."""
        env = _Env(self)
        while self._deferred:
            for key in sorted(self._deferred, key=self._rank_of):
                if key not in self._deferred:
                    continue  # re-analysed since, by a refusal upstream
                self._deferred.discard(key)
                analysis = complete_view(self._views[key], env)
                if analysis is not self._views[key]:
                    self._analyse(set(self._record(key, analysis)))
        self._snapshot = None
        return self.snapshot()

    def _rank_of(self, key: ViewKey) -> tuple[int, str, str, int]:
        owned = self._owner.get(key.name) == key
        return (self._rank.get(key.name, -1) if owned else len(self._rank), str(key.path), key.name, key.rank)

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
                sources = {path: self._source(path) for path in sorted(self._sources)}
                views = {name: self._views[key] for name, key in sorted(self._owner.items())}
            else:
                sources, views = self._ordered[0].copy(), self._ordered[1].copy()
                for path in self._fresh:
                    if path not in self._sources:
                        continue
                    source = sources[path] = self._source(path)
                    for view in source.views:
                        if self._owner.get(view.name) == view.key:
                            views[view.name] = view
            self._ordered, self._fresh = (sources, views), set()
            self._snapshot = Snapshot(
                root=self.root, config=self._config,
                extracts=MappingProxyType(dict(self._extracts)),
                sources=MappingProxyType(sources), views=MappingProxyType(views),
                graph=self._graph, registry=self.registry)
        return self._snapshot

    def _source(self, path: Path) -> SourceAnalysis:
        return SourceAnalysis(path, self._sources[path].text, tuple(self._views[key] for key in self._keys[path]),
                              self._readings[path].diagnostics)


class _Env:
    """What one view's analysis may see of the rest of the project."""

    __slots__ = ("_host", "deadline", "planner", "registry")

    def defer(self, key: ViewKey) -> bool:
        return self._host.staged  # the host records the deferral: analysis changes nothing of it

    def __init__(self, host: AnalysisHost) -> None:
        self._host = host
        self.planner = host.planner
        self.registry = host.registry
        self.deadline = host._deadline

    def output(self, name: str) -> Output | None:
        return self._host._outputs.get(name)

    def is_bound(self, name: str) -> bool:
        host = self._host
        return name in host._extracts or name in host._owner

    def names(self) -> Iterable[str]:
        host = self._host
        return [*host._extracts, *host._owner]

    def cycle(self, view: ViewDefinition) -> list[str] | None:
        """The cycle through ``view``; only the definition that owns a name is in the graph."""
        host = self._host
        graph = host._graph
        if view.name not in graph.cyclic or host._owner.get(view.name) != view.key:
            return None
        return graph.cycle_through(view.name)

    def config_failure(self) -> Diagnostic | None:
        config = self._host._config
        return None if config.readable else config.diagnostics[0]

    def shadowing(self, view: ViewDefinition) -> Definition | None:
        """Another definition of the view's name (an extract's, or another view's), if any:
        a clash is an error at every place the name is defined."""
        host = self._host
        if view.name in host._extracts:
            extract = host._config.extract(view.name)
            return Definition(host._config.config_path, extract.span if extract else Span(0, 0))
        others = sorted(key for key in host._by_name.get(view.name, ()) if key != view.key)
        if not others:
            return None
        other = host._definitions[others[0]]
        return Definition(other.path, other.anchor)


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


def _owners(keys: Iterable[ViewKey], extracts: Mapping[str, ExtractInfo]) -> dict[str, ViewKey]:
    """Each view name belongs to its first definition in path order, for dependents to
    read; the others, and views named like an extract, are duplicates."""
    owners: dict[str, ViewKey] = {}
    for key in sorted(keys):
        if key.name not in extracts:
            owners.setdefault(key.name, key)
    return owners


def _extract_output(info: ExtractInfo) -> Output:
    if info.schema is not None:
        return Output(State.OK, info.schema)
    cause = next((d for d in info.diagnostics if d.is_error), None)
    return Output(State.ERROR, None, cause)


def resolve_extracts(config: ProjectConfig) -> list[ExtractInfo]:
    """Extract schemas as the engine's own session reads them (e.g. Parquet strings as views)."""
    context = create_session()
    boundary = config.boundary
    return [resolve_extract(config.root, extract, config.config_path, context=context, boundary=boundary)
            for extract in config.extracts]


def read_text(path: Path) -> str:
    """A file's text as analysed (see ``read_file``), for showing it."""
    return read_file(path).text
