"""weaklabel: labeling functions -> label matrix -> label model -> probabilistic labels.

``import weaklabel`` stays light: torch, dask, pyspark, streamlit and spaCy load only
when a feature that needs them runs.
"""

from __future__ import annotations

from typing import Any

from .analysis import lf_summary
from .apply import apply_lfs
from .exceptions import (
    DatasetNotFoundError,
    FaultWarning,
    InputError,
    InputTypeError,
    LFError,
    MissingColumnError,
    NotFittedError,
    OptionalDependencyError,
    WeakLabelError,
    WeakLabelWarning,
)
from .io.datasets import Dataset, load_dataset
from .labels import ABSTAIN, LabelSpace
from .lf import LabelingFunction, labeling_function
from .matrix import ApplyReport, LabelMatrix
from .models import DawidSkene, LabelModel, MajorityVote
from .templates import keyword_lf, lookup_lf, regex_lf, threshold_lf

__version__ = "0.1.0"

from . import _moved  # noqa: E402 - old flat module paths resolve to the subpackages

_moved.install(__name__)

_LAZY = {"nlp_labeling_function": "nlp", "matcher_lf": "nlp", "phrase_lf": "nlp"}


def __getattr__(name: str) -> Any:
    # spaCy helpers resolve on first use so the import stays light.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'weaklabel' has no attribute {name!r}")


__all__ = [
    "ABSTAIN", "ApplyReport", "Dataset", "DatasetNotFoundError", "DawidSkene", "FaultWarning",
    "InputError", "InputTypeError", "LFError", "LabelMatrix", "LabelModel", "LabelSpace",
    "LabelingFunction", "MajorityVote", "MissingColumnError", "NotFittedError",
    "OptionalDependencyError", "WeakLabelError", "WeakLabelWarning", "__version__", "apply_lfs", "keyword_lf",
    "labeling_function", "lf_summary", "load_dataset", "lookup_lf", "matcher_lf",
    "nlp_labeling_function", "phrase_lf", "regex_lf", "threshold_lf",
]
