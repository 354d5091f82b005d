"""Load an LF suite: a module that defines ``LABELS`` (LabelSpace) and ``LFS`` (list)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..exceptions import InputError, InputTypeError
from ..labels import LabelSpace
from ..lf import LabelingFunction, as_labeling_function


@dataclass
class LFSuite:
    """The LFs and label space of one task module."""

    name: str
    lfs: list[LabelingFunction]
    labels: LabelSpace


def load_suite(spec: str) -> LFSuite:
    """Import an LF suite from a file path (``lfs/spam.py``) or module name (``lfs.spam``).

    Raises
    ------
    InputError
        When the module is missing, or lacks ``LFS``/``LABELS``.
    """
    module = _import(spec)
    missing = [a for a in ("LFS", "LABELS") if not hasattr(module, a)]
    if missing:
        raise InputError(
            f"lfs: module {spec!r} must define LABELS = LabelSpace([...]) and LFS = [...]; "
            f"it lacks {missing}")
    labels = module.LABELS
    if not isinstance(labels, LabelSpace):
        raise InputTypeError(f"lfs: {spec!r} LABELS must be a LabelSpace, got {type(labels).__name__}")
    lfs = [as_labeling_function(lf) for lf in module.LFS]
    return LFSuite(module.__name__, lfs, labels)


def _import(spec: str, arg: str = "lfs") -> ModuleType:
    path = Path(spec)
    if spec.endswith(".py") or path.exists():
        if not path.is_file():
            raise InputError(f"{arg}: no such file {spec!r}")
        # Import by dotted name when the file sits in a package under the working
        # directory (so `from lfs.x import ...` keeps one module object).
        name = f"weaklabel_suite_{path.stem}"
        mod_spec = importlib.util.spec_from_file_location(name, path.resolve())
        if mod_spec is None or mod_spec.loader is None:
            raise InputError(f"{arg}: cannot import {spec!r} as a Python module")
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        try:
            mod_spec.loader.exec_module(module)
        except Exception as exc:  # the user's module: any error is theirs to fix
            sys.modules.pop(name, None)
            raise InputError(f"{arg}: importing {spec!r} raised {type(exc).__name__}: {exc}; fix the LF "
                             "module (run `python <file>` to see where)") from exc
        return module
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"{arg}: cannot import LF module {spec!r} ({exc}); pass a file path like lfs/spam.py "
            "or an importable module name") from exc
    except Exception as exc:
        raise InputError(f"{arg}: importing {spec!r} raised {type(exc).__name__}: {exc}; fix the LF module") from exc


def load_multilabel_suite(spec: str) -> tuple[list[Any], list[str]]:
    """Return a multi-label suite.

    (LFs, label names) from a module path or dotted name that defines ``LABELS`` (the label names, in
    the data's order) and ``LFS`` (multi-label LFs).
    """
    module = _import(spec)
    if not hasattr(module, "LFS") or not hasattr(module, "LABELS"):
        raise InputError(f"lfs: {spec!r} must define LABELS (the label names) and LFS (the LFs)")
    return list(module.LFS), [str(x) for x in module.LABELS]
