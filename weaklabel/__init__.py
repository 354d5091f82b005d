"""weaklabel: labeling functions -> label matrix -> label model -> probabilistic labels.

``import weaklabel`` is light: each public name loads its module on first use (PEP 562), so
the command line and the review app's server start without numpy or pandas, and torch,
dask, pyspark, streamlit and spaCy load only when a feature that needs them runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _lazy

__version__ = "0.1.0"

# public name -> the module (under weaklabel) that defines it
_EXPORTS = {
    "lf_summary": "analysis", "apply_lfs": "apply",
    **dict.fromkeys(["DatasetNotFoundError", "FaultWarning", "InputError", "InputTypeError", "LFError",
                     "MissingColumnError", "NotFittedError", "OptionalDependencyError", "WeakLabelError",
                     "WeakLabelWarning"], "exceptions"),
    "Dataset": "io.datasets", "load_dataset": "io.datasets",
    "ABSTAIN": "labels", "LabelSpace": "labels",
    "LabelingFunction": "lf", "labeling_function": "lf",
    "ApplyReport": "matrix", "LabelMatrix": "matrix",
    "DawidSkene": "models", "LabelModel": "models", "MajorityVote": "models",
    "keyword_lf": "templates", "lookup_lf": "templates", "regex_lf": "templates", "threshold_lf": "templates",
    "similar_lf": "templates",
    "nlp_labeling_function": "nlp", "matcher_lf": "nlp", "phrase_lf": "nlp",
}

if TYPE_CHECKING:   # what type checkers and IDEs see; at run time the names resolve lazily
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
    from .nlp import matcher_lf, nlp_labeling_function, phrase_lf
    from .templates import keyword_lf, lookup_lf, regex_lf, similar_lf, threshold_lf

__getattr__, __dir__ = _lazy.attach(__name__, _EXPORTS)

__all__ = [
    "ABSTAIN", "ApplyReport", "Dataset", "DatasetNotFoundError", "DawidSkene", "FaultWarning",
    "InputError", "InputTypeError", "LFError", "LabelMatrix", "LabelModel", "LabelSpace",
    "LabelingFunction", "MajorityVote", "MissingColumnError", "NotFittedError",
    "OptionalDependencyError", "WeakLabelError", "WeakLabelWarning", "__version__", "apply_lfs", "keyword_lf",
    "labeling_function", "lf_summary", "load_dataset", "lookup_lf", "matcher_lf",
    "nlp_labeling_function", "phrase_lf", "regex_lf", "similar_lf", "threshold_lf",
]
