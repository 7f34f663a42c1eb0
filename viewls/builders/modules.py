"""Importing builder modules from the editor's texts, and noting the project files they read.

Each given text is importable as the module its path names under the project root
(`specs/custom.py` -> `specs.custom`), so builder modules see one another's unsaved text;
every other module imports from disk as usual. What a module reads under the root (imported
helpers, data files, directory listings) is reported as it happens: the runner's cache key,
and still known when the module never finishes.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from types import ModuleType

import viewls

Read = tuple[str, str]
"""("file" | "dir", absolute path)."""

_VIEWLS = os.path.dirname(viewls.__file__) + os.sep
_WRITE = os.O_WRONLY | os.O_RDWR


def module_name(relative: str) -> str:
    """`specs/custom.py` -> `specs.custom`, `specs/__init__.py` -> `specs`."""
    parts = relative.replace(os.sep, "/").removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


class Project:
    """The worker's view of the project: its root, the given texts, and what was read."""

    def __init__(self, root: str, texts: dict[str, str], report: Callable[[Read], None]) -> None:
        self.root = root
        self.report = report
        self.texts = {module_name(relative): (os.path.join(root, relative), text) for relative, text in texts.items()}
        self.path = [root, *(entry for entry in sys.path if entry not in ("", root))]
        self.read: set[Read] = set()
        self.running = ""
        sys.meta_path.insert(0, self)
        sys.addaudithook(self._audit)

    def run(self, relative: str) -> ModuleType:
        """Import the module at `relative` afresh, along with every project module it imports."""
        os.chdir(self.root)
        sys.path[:] = self.path
        sys.stdout = sys.stderr
        for name, module in list(sys.modules.items()):
            if self._local_module(module):
                del sys.modules[name]
        self.read.clear()
        self.running = os.path.join(self.root, relative)
        name = module_name(relative)
        if name in sys.modules:  # not a project module, or it would be gone by now
            raise ImportError(f"the builder module's name '{name}' is taken by an installed module; rename the file")
        return importlib.import_module(name)

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name not in self.texts:
            return None
        file, text = self.texts[name]
        package = [os.path.dirname(file)] if os.path.basename(file) == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            name, file, loader=_TextLoader(self, text), submodule_search_locations=package
        )

    def note(self, kind: str, path: str) -> None:
        read = (kind, path)
        if path != self.running and read not in self.read and self._local(path):
            self.read.add(read)
            self.report(read)

    def _audit(self, event: str, args: tuple) -> None:
        if event not in ("open", "os.listdir", "os.scandir"):
            return
        try:  # an exception here would fail the user's open() or listdir()
            if event == "open":
                path, mode, flags = args
                writes = flags & _WRITE if isinstance(flags, int) else set("wax+") & set(mode or "")
                if isinstance(path, str) and not writes:
                    self.note("file", _source(os.path.abspath(path)))
            elif isinstance(args[0], str | None):
                # The import system lists directories to find modules; only the builder's own
                # listings (a view per file, say) are inputs.
                if not sys._getframe(1).f_code.co_filename.startswith("<frozen importlib"):
                    self.note("dir", os.path.abspath(args[0] or "."))
        except Exception:  # noqa: BLE001, S110 - a read left untracked beats a broken builder
            pass

    def _local(self, path: str) -> bool:
        """Project code or data: under the root, but not an environment or viewls itself."""
        return (
            path.startswith(self.root + os.sep)
            and not path.startswith(_VIEWLS)
            and not path.startswith(sys.prefix + os.sep)
            and "site-packages" not in path
        )

    def _local_module(self, module: object) -> bool:
        try:  # sys.modules may hold any object, lazy modules whose attributes import things included
            namespace = vars(module)
            paths = [namespace.get("__file__"), *(namespace.get("__path__") or ())]
        except Exception:  # noqa: BLE001
            return False
        return any(isinstance(path, str) and self._local(os.path.abspath(path)) for path in paths)


class _TextLoader:
    """Executes a given text as the module's source."""

    def __init__(self, project: Project, text: str) -> None:
        self.project = project
        self.text = text

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        self.project.note("file", module.__file__)
        exec(compile(self.text, module.__file__, "exec", dont_inherit=True), module.__dict__)

    def get_source(self, name: str) -> str:
        return self.text


def _source(path: str) -> str:
    """A compiled module's source: `pkg/__pycache__/mod.cpython-311.pyc` -> `pkg/mod.py`."""
    directory, name = os.path.split(path)
    if os.path.basename(directory) == "__pycache__" and name.endswith(".pyc"):
        return os.path.join(os.path.dirname(directory), name.split(".", 1)[0] + ".py")
    return path
