"""Learning past the LFs.

The end model (``endmodel``), label-issue scores from out-of-fold predictions (``quality``) and LFs
made from fitted models or lexicons (``model_lfs``). scikit-learn loads on first use. The modules
are named apart from the functions: ``from weaklabel.learn import model_lf`` gives the function.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"EndModel": "endmodel", "save_model": "endmodel", "load_model": "endmodel",
         "find_label_issues": "quality", "label_issue_scores": "quality", "out_of_fold_probs": "quality",
         "model_lf": "model_lfs", "lexicon_lf": "model_lfs", "vader_lexicon": "model_lfs"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_LAZY)
