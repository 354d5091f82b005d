"""Benchmark of the multi-label models on a GoEmotions-layout set (``weaklabel benchmark DIR --lfs``).

The LF suite (a module with ``LABELS``, a list of label names in ``labels.txt``'s order, and
``LFS``) runs on every split. Each model is fitted on train's votes and scored on test; the
default is scored twice, at its 0.5 thresholds and with per-label thresholds tuned on dev's
gold. The end model (TF-IDF, one logistic regression per label, trained on the default's
marginals over train items some LF voted on) is scored beside them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..io.suite import load_multilabel_suite
from ..multilabel.data import read_multilabel_split


def _models() -> dict[str, Callable[[], Any]]:
    from ..multilabel.default import MultiLabelModel
    from ..multilabel.models import AnyVote, OneVsRest, OneVsRestMajority
    from .peers import PEERS

    return {"default": MultiLabelModel, "any_vote": AnyVote, "ovr_majority": OneVsRestMajority,
            "ovr_label_model": lambda: OneVsRest(model="label_model"),
            "ovr_snorkel (Argilla)": lambda: OneVsRest(model=PEERS["snorkel"])}


def end_model_marginals(texts_train: Any, Q: np.ndarray, texts_test: Any, *, seed: int = 0) -> np.ndarray:
    """Test marginals of :class:`~weaklabel.multilabel.endmodel.MultiLabelEndModel` fitted to ``Q``."""
    from ..multilabel.endmodel import MultiLabelEndModel

    return MultiLabelEndModel(random_state=seed).fit(texts_train, Q).predict_proba(texts_test)


def run_multilabel(folder: str | os.PathLike[str], lfs: str, *, models: list[str] | None = None,
                   end_model: bool = True, progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """One row per model.

    Micro / macro F1, Hamming loss, subset accuracy, cardinality and seconds (fit and predict on train)
    on the test split.
    """
    from ..multilabel.matrix import apply_multilabel_lfs
    from ..multilabel.metrics import multilabel_scores
    from ..multilabel.models import best_thresholds

    folder = Path(folder)
    suite, names = load_multilabel_suite(lfs)
    splits = {s: read_multilabel_split(folder, s) for s in ("train", "dev", "test")}
    if splits["train"][2] != names:
        raise InputError(f"lfs: the suite's LABELS {names[:5]}... are not {folder}/labels.txt's labels in order")
    L = {s: apply_multilabel_lfs(suite, df, names) for s, (df, _, _) in splits.items()}
    registry = _models()
    todo = models or list(registry)
    unknown = [m for m in todo if m not in registry]
    if unknown:
        raise InputError(f"models: unknown multi-label model {unknown[0]!r}; expected some of {list(registry)}")
    rows = []
    Y_test, Y_dev = splits["test"][1], splits["dev"][1]
    fitted: dict[str, Any] = {}
    for name in todo:
        if progress:
            progress(f"{folder.name}: {name}")
        t0 = time.perf_counter()
        model = registry[name]().fit(L["train"])
        model.predict_proba(L["train"])
        seconds = time.perf_counter() - t0
        fitted[name] = model
        rows.append({"model": name, **multilabel_scores(Y_test, model.predict(L["test"])), "seconds": seconds})
        if name == "default":
            t = best_thresholds(model.predict_proba(L["dev"]), Y_dev)
            pred = (model.predict_proba(L["test"]) >= t[None, :]).astype(int)
            rows.append({"model": "default, thresholds tuned on dev", **multilabel_scores(Y_test, pred),
                         "seconds": np.nan})
    if end_model and "default" in fitted:
        if progress:
            progress(f"{folder.name}: end model")
        cov = L["train"].covered()
        t0 = time.perf_counter()
        Q = fitted["default"].predict_proba(L["train"])[cov]
        texts = splits["train"][0]["text"].to_numpy()[cov]
        P = end_model_marginals(texts, Q, splits["test"][0]["text"].tolist())
        rows.append({"model": "end model (TF-IDF + logistic, on the default's marginals)",
                     **multilabel_scores(Y_test, (P >= 0.5).astype(int)), "seconds": time.perf_counter() - t0})
    out = pd.DataFrame(rows)
    out.attrs["coverage"] = {s: float(Lm.covered().mean()) for s, Lm in L.items()}
    return out
