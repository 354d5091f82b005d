"""Old flat module paths (``weaklabel.store``, ``weaklabel.cli_review``, ...) keep working.

The package was flat until 0.1; its modules now live in subpackages (``review/``, ``io/``,
``cli/``, ``learn/``, ``backends/``, ``analysis/``). A finder maps each old name to its new
module on first import, so nothing loads early and ``weaklabel.store is
weaklabel.review.store``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any

MOVED = {
    "queue": "review.queue", "store": "review.store", "project": "review.project",
    "access": "review.access", "review_tables": "review.tables", "_store_schema": "review._store_schema",
    "_store_leases": "review._store_leases", "_store_imports": "review._store_imports",
    "_highlight": "review._highlight", "datasets": "io.datasets", "fetch": "io.fetch",
    "matfile": "io.matfile", "suite": "io.suite", "labelstudio": "io.labelstudio", "ls_api": "io.ls_api",
    "ls_backend": "review.ls_backend", "cli_analysis": "cli.analysis", "cli_bench": "cli.bench",
    "cli_data": "cli.data", "cli_ls": "cli.ls", "cli_model": "cli.model", "cli_review": "cli.review",
    "_render": "cli._render", "endmodel": "learn.endmodel", "quality": "learn.quality",
    "model_lf": "learn.model_lfs", "compare": "analysis.compare", "outofcore": "backends.outofcore",
    "engines": "backends.engines",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, package: str) -> None:
        self.package = package
        self._specs: dict[str, importlib.machinery.ModuleSpec] = {}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        pkg, _, leaf = fullname.rpartition(".")
        if pkg != self.package or leaf not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        # The real module, under its new name: one module object, two names.
        module = importlib.import_module(f"{self.package}.{MOVED[spec.name.rpartition('.')[2]]}")
        assert module.__spec__ is not None  # set by importlib on every imported module
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # Already executed under its new name; importlib stamped the alias spec on it,
        # so give the module its own spec back (reload, pickle and tracebacks use it).
        alias = module.__spec__.name if module.__spec__ is not None else module.__name__
        module.__spec__ = self._specs[alias]


def install(package: str) -> None:
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.insert(0, _Alias(package))
