"""Benchmark of the sequence label models on WRENCH sequence sets (``weaklabel benchmark``).

Each set is fitted on ``train`` (or ``valid`` when there is no train split) and scored on
``test`` by exact-match entity F1, with the LFs WRENCH scores with (``meta["lf_rec"]``).
``anchors=True`` adds skweak's HMM, run side by side on the same votes. ``end_model_crf`` (with
``python-crfsuite``, the ``endmodel`` extra) is the default's spans taught to a CRF end model.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import InputError, OptionalDependencyError
from ..spans.evaluate import span_scores
from ..spans.matrix import SpanMatrix
from ..spans.tags import Span
from ..spans.wrench import read_seq_splits

# WRENCH's final tables (entity F1 on test; SOURCES.md): printed beside the measured rows.
PUBLISHED = {
    "majority vote (WRENCH)": {"wikigold": 52.24, "bc5cdr": 83.46, "ncbi-disease": 78.44, "laptopreview": 73.27},
    "Snorkel token-level (WRENCH)": {"wikigold": 54.81, "bc5cdr": 83.50, "ncbi-disease": 78.44,
                                     "laptopreview": 73.27},
    "HMM (WRENCH)": {"wikigold": 56.36, "bc5cdr": 71.57, "ncbi-disease": 66.80, "laptopreview": 73.63},
    "CHMM, BERT embeddings (WRENCH)": {"wikigold": 58.89, "bc5cdr": 83.66, "ncbi-disease": 78.74,
                                       "laptopreview": 73.26},
}


def _models() -> dict[str, Callable[[], Any]]:
    from ..spans.default import SeqLabelModelDefault
    from ..spans.hmm import HMM
    from ..spans.models import TokenDawidSkene, TokenMajorityVote

    return {"seq_default": SeqLabelModelDefault, "token_majority": TokenMajorityVote,
            "token_dawid_skene": TokenDawidSkene, "hmm": HMM, "end_model_crf": DefaultThenCRF}


def _has_crfsuite() -> bool:
    import importlib.util

    return importlib.util.find_spec("pycrfsuite") is not None


SEQ_MODELS = ("seq_default", "token_majority", "token_dawid_skene", "hmm",
              *(("end_model_crf",) if _has_crfsuite() else ()))


class DefaultThenCRF:
    """The end model's row.

    :class:`SeqLabelModelDefault` fitted on the votes, then a :class:`~weaklabel.spans.endmodel.SpanCRF`
    trained on its spans of the fit split (words and LF votes as features); test documents are tagged by
    the CRF alone.
    """

    needs_tokens = True

    def fit(self, L: SpanMatrix, tokens: Sequence[Sequence[str]]) -> DefaultThenCRF:
        """Fit the default sequence model on the votes, then the CRF on its spans."""
        from ..spans.default import SeqLabelModelDefault
        from ..spans.endmodel import SpanCRF

        label_model = SeqLabelModelDefault().fit(L)
        self.crf_ = SpanCRF().fit(tokens, label_model.predict_spans(L), L)
        return self

    def predict_spans(self, L: SpanMatrix, tokens: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Return the CRF's spans per document."""
        return self.crf_.predict_spans(tokens, L)


class SkweakHMM:
    """Run skweak's HMM (``skweak.generative.HMM``) behind the same fit / predict_spans calls.

    The benchmark thus runs it on the same votes. Needs ``pip install 'weaklabel[anchors]'``.
    """

    needs_tokens = True

    def fit(self, L: SpanMatrix, tokens: Sequence[Sequence[str]]) -> SkweakHMM:
        """Fit skweak's HMM on the LFs' spans."""
        try:
            from skweak.generative import HMM as _SkHMM
        except ImportError as e:
            raise OptionalDependencyError("skweak's HMM needs skweak: pip install 'weaklabel[anchors]'") from e
        import contextlib
        import io

        self.types_ = L.types
        self.model_ = _SkHMM("hmm", list(L.types))
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):  # skweak prints each EM pass
            self.model_.fit(self._docs(L, tokens))
        return self

    @staticmethod
    def _docs(L: SpanMatrix, tokens: Sequence[Sequence[str]]) -> list[Any]:
        import spacy
        from spacy.tokens import Doc
        from spacy.tokens import Span as SpacySpan

        vocab = spacy.blank("en").vocab
        per_doc = L.to_spans()
        docs = []
        for toks, lfs in zip(tokens, per_doc):
            doc = Doc(vocab, words=[t if t else "_" for t in toks])
            for name, spans in zip(L.lf_names, lfs):
                doc.spans[name] = [SpacySpan(doc, s, e, label=t) for s, e, t in spans]
            docs.append(doc)
        return docs

    def predict_spans(self, L: SpanMatrix, tokens: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Return the spans of skweak's HMM, per document."""
        return [[(s.start, s.end, s.label_) for s in self.model_(doc).spans["hmm"]]
                for doc in self._docs(L, tokens)]


def run_seq(sources: Sequence[str | os.PathLike[str]], *, models: Sequence[str] | None = None,
            anchors: bool = False, progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Entity precision, recall and F1 (micro, x1) of each model on each sequence set.

    Returns
    -------
    DataFrame with one row per (dataset, model): ``precision``, ``recall``, ``f1``,
    ``seconds`` (fit, and predict on the fit split) and ``fit_split``.
    """
    registry = _models()
    names = list(models) if models else list(SEQ_MODELS)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise InputError(f"models: unknown sequence model {unknown[0]!r}; expected some of {list(registry)}")
    rows = []
    for src in map(Path, sources):
        splits = read_seq_splits(src)
        fit_split = "train" if "train" in splits else "valid" if "valid" in splits else None
        if fit_split is None:
            raise InputError(f"{src}: neither train.json nor valid.json to fit on")
        train, test = splits[fit_split], splits["test"]
        if test.gold is None:
            raise InputError(f"{src}/test.json has no gold labels to score against")
        todo: list[tuple[str, Any]] = [(n, registry[n]()) for n in names]
        if anchors:
            todo.append(("skweak_hmm", SkweakHMM()))
        for name, model in todo:
            if progress:
                progress(f"{src.name}: {name}")
            # timed: fit and predict on the fit split (what a user labeling their own data waits for)
            t0 = time.perf_counter()
            if getattr(model, "needs_tokens", False):
                model.fit(train.L, train.tokens)
                model.predict_spans(train.L, train.tokens)
                seconds = time.perf_counter() - t0
                pred = model.predict_spans(test.L, test.tokens)
            else:
                model.fit(train.L)
                model.predict_spans(train.L)
                seconds = time.perf_counter() - t0
                pred = model.predict_spans(test.L)
            micro = span_scores(test.gold, pred).loc["micro"]
            rows.append({"dataset": src.name, "model": name, "precision": float(micro["precision"]),
                         "recall": float(micro["recall"]), "f1": float(micro["f1"]), "seconds": seconds,
                         "fit_split": fit_split})
    return pd.DataFrame(rows)


def summarize_seq(results: pd.DataFrame, *, published: bool = False) -> pd.DataFrame:
    """Tabulate entity F1 x100 per model (rows) and set (columns).

    A mean follows, and the sets where the model is more than 1 F1 below token majority vote;
    ``published`` adds WRENCH's rows for the sets it reports.
    """
    table = 100 * results.pivot_table(index="model", columns="dataset", values="f1", sort=False)
    cols = list(dict.fromkeys(results["dataset"]))
    table = table[cols]
    table["mean"] = table.mean(axis=1)
    out = table.map(lambda v: f"{v:.2f}")
    if "token_majority" in table.index:
        gap = table[cols].sub(table.loc["token_majority", cols], axis=1)
        out["< MV-1"] = (gap < -1).sum(axis=1).astype(str)
    if published:
        for name, scores in PUBLISHED.items():
            if any(c in scores for c in cols):
                vals = [scores.get(c) for c in cols]
                row = ["—" if v is None else f"{v:.2f}" for v in vals]
                known = [v for v in vals if v is not None]
                row.append(f"{sum(known) / len(known):.2f}" if len(known) == len(cols) else "—")
                out.loc[name] = row + (["—"] if "< MV-1" in out.columns else [])
    return out
