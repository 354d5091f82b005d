"""An end model for spans.

A linear-chain CRF over the tokens' own features, trained on the label model's spans, that tags any
document, including those no LF touched.

Why a CRF (CRFsuite, through ``python-crfsuite``): it is the classic NER tagger without
pretrained embeddings, trains in seconds on a CPU, is deterministic, and its wheel is 1 MB.
spaCy's NER would need a pipeline and minutes per epoch here, for a model whose input, the
label model's spans, is the same.

Features per token: the word itself, its shape, affixes, and the same for two neighbours each
side, plus, by default, each LF's tag on the token (``features="text+votes"``). LFs are code
and run wherever the model runs, so their votes are fair input; the words carry it where no
LF voted, and a document no LF touched is tagged from its words alone. ``features="text"``
leaves the votes out, for a tagger that must run without the LFs; on the four WRENCH sets it
scores 5-11 F1 below the label model (README, "Entities and spans"), since test entities are
mostly found by dictionaries the words alone cannot replace.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..exceptions import InputError, NotFittedError
from ..models._estimator import Estimator
from .matrix import SpanMatrix
from .tags import Span, bio_tag_names, bio_to_spans, spans_to_bio

FEATURES = ("text+votes", "text")

_SHAPE = [(re.compile(r"[A-Z]"), "X"), (re.compile(r"[a-z]"), "x"), (re.compile(r"[0-9]"), "d")]


def _shape(word: str) -> str:
    """Word shape with runs collapsed: "Cisplatin-2" -> "Xx-d"."""
    s = word
    for pat, ch in _SHAPE:
        s = pat.sub(ch, s)
    return re.sub(r"(.)\1+", r"\1", s)


def vote_features(L: SpanMatrix) -> list[list[dict[str, str]]]:
    """Per document and token, ``{"lf=<name>": <its BIO tag>}`` for each LF that voted on it."""
    V = L.votes.tocsr()
    names = [f"lf={n}" for n in L.lf_names]
    tags = bio_tag_names(L.types)
    rows = np.repeat(np.arange(L.n_tokens), np.diff(V.indptr))
    per_token: list[dict[str, str]] = [{} for _ in range(L.n_tokens)]
    for r, j, v in zip(rows.tolist(), V.indices.tolist(), V.data.tolist()):
        per_token[r][names[j]] = tags[v - 1]
    return [per_token[L.doc_offsets[d]:L.doc_offsets[d + 1]] for d in range(L.n_docs)]


def token_features(tokens: Sequence[str], window: int = 2) -> list[dict[str, Any]]:
    """CRFsuite features of each token.

    Word, lower case, shape, prefixes and suffixes of 2-4 characters, case flags, and the lower case,
    shape and title flag of ``window`` neighbours each side (``BOS``/``EOS`` at the document's edges).

    Examples
    --------
    >>> token_features(["Ada", "met"])[0]["shape"], token_features(["Ada", "met"])[1]["-1:lower"]
    ('Xx', 'ada')
    """
    lows = [t.lower() for t in tokens]
    shapes = [_shape(t) for t in tokens]
    out = []
    for i, tok in enumerate(tokens):
        low = lows[i]
        f: dict[str, Any] = {"bias": 1.0, "lower": low, "shape": shapes[i], "title": tok.istitle(),
                             "upper": tok.isupper(), "digit": tok.isdigit(), "len": min(len(tok), 10)}
        for n in (2, 3, 4):
            f[f"pre{n}"] = low[:n]
            f[f"suf{n}"] = low[-n:]
        for d in range(1, window + 1):
            for side, j in ((-d, i - d), (d, i + d)):
                if 0 <= j < len(tokens):
                    f[f"{side}:lower"] = lows[j]
                    f[f"{side}:shape"] = shapes[j]
                    f[f"{side}:title"] = tokens[j].istitle()
                else:
                    f[f"{side}:edge"] = "BOS" if side < 0 else "EOS"
        out.append(f)
    return out


class SpanCRF(Estimator):
    """Linear-chain CRF tagger (BIO) trained on spans, for example a label model's.

    Parameters
    ----------
    features : {"text+votes", "text"}, default "text+votes"
        The tokens' own features, with or without each LF's tag on the token.
    c1, c2 : float, default 0.01, 0.01
        L1 and L2 penalties (CRFsuite's L-BFGS): L1 drops the features the weak labels cannot
        support.
    max_iter : int, default 100
    window : int, default 2
        Neighbours each side whose features a token sees.

    Attributes
    ----------
    model_ : bytes
        The trained CRFsuite model (the estimator pickles with it).
    tags_ : list of str
        The BIO tags it learned.
    lf_names_in_ : tuple of str or None
        The LFs whose votes it reads (None with ``features="text"``).

    Examples
    --------
    >>> docs = [["Ada", "met", "Bob"], ["Bob", "left"], ["Eve", "met", "Ada"]] * 5
    >>> spans = [[(0, 1, "PER"), (2, 3, "PER")], [(0, 1, "PER")], [(0, 1, "PER"), (2, 3, "PER")]] * 5
    >>> SpanCRF(features="text").fit(docs, spans).predict_spans([["Bob", "met", "Ada"]])
    [[(0, 1, 'PER'), (2, 3, 'PER')]]
    """

    def __init__(self, *, features: str = "text+votes", c1: float = 0.01, c2: float = 0.01, max_iter: int = 100,
                 window: int = 2) -> None:
        self.features = features
        self.c1 = c1
        self.c2 = c2
        self.max_iter = max_iter
        self.window = window

    def _items(self, tokens: Sequence[Sequence[str]], L: SpanMatrix | None, *,
               fitting: bool) -> list[list[dict[str, Any]]]:
        if self.features not in FEATURES:
            raise InputError(f"features: expected one of {list(FEATURES)}, got {self.features!r}")
        docs = [token_features(list(t), self.window) for t in tokens]
        if self.features == "text":
            return docs
        if L is None:
            raise InputError("L: features='text+votes' reads the LFs' votes; pass the documents' SpanMatrix "
                             "(apply_span_lfs) or use SpanCRF(features='text')")
        if not isinstance(L, SpanMatrix):
            raise InputError(f"L: expected a SpanMatrix, got {type(L).__name__}")
        lengths = L.doc_lengths().tolist()
        if lengths != [len(t) for t in tokens]:
            raise InputError(f"L: its {L.n_docs} documents' lengths do not match the {len(tokens)} token lists; "
                             "pass the matrix built from these documents")
        if not fitting and L.lf_names != self.lf_names_in_:
            raise InputError(f"L: trained on LFs {list(self.lf_names_in_ or ())}, got {list(L.lf_names)}; "
                             "pass a matrix of the same LFs")
        for doc, votes in zip(docs, vote_features(L)):
            for f, v in zip(doc, votes):
                f.update(v)
        return docs

    def fit(self, tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
            L: SpanMatrix | None = None) -> SpanCRF:
        """Train on documents' tokens and their spans ``(start, end, type)`` (end exclusive).

        Parameters
        ----------
        tokens : sequence of token lists
        spans : sequence of span lists, one per document (for example ``model.predict_spans(L)``)
        L : SpanMatrix, optional
            The documents' LF votes; needed with ``features="text+votes"``.

        Returns
        -------
        self
        """
        import os
        import tempfile

        import pycrfsuite

        if len(tokens) != len(spans):
            raise InputError(f"spans: expected one span list per document ({len(tokens)}), got {len(spans)}")
        if not any(len(t) for t in tokens):
            raise InputError("tokens: no document has tokens to train on")
        items = self._items(tokens, L, fitting=True)
        trainer = pycrfsuite.Trainer(verbose=False)
        for toks, doc_items, doc_spans in zip(tokens, items, spans):
            if len(toks):
                trainer.append(doc_items, spans_to_bio(doc_spans, len(toks)))
        trainer.set_params({"c1": float(self.c1), "c2": float(self.c2), "max_iterations": int(self.max_iter),
                            "feature.possible_transitions": True})
        fd, path = tempfile.mkstemp(suffix=".crfsuite")
        os.close(fd)
        try:
            trainer.train(path)
            with open(path, "rb") as fh:
                self.model_ = fh.read()
        finally:
            os.unlink(path)
        self.lf_names_in_ = L.lf_names if self.features == "text+votes" and L is not None else None
        self.tags_ = sorted(self._tagger().labels())
        return self

    def _tagger(self) -> Any:
        import pycrfsuite

        if not hasattr(self, "model_"):
            raise NotFittedError("SpanCRF is not fitted yet; call fit(tokens, spans) first")
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(self.model_)
        return tagger

    def predict_bio(self, tokens: Sequence[Sequence[str]], L: SpanMatrix | None = None) -> list[list[str]]:
        """BIO tags per document (``L``: the documents' LF votes, with ``features="text+votes"``)."""
        tagger = self._tagger()
        items = self._items(tokens, L, fitting=False)
        return [tagger.tag(f) if f else [] for f in items]

    def predict_spans(self, tokens: Sequence[Sequence[str]], L: SpanMatrix | None = None) -> list[list[Span]]:
        """Spans ``(start, end, type)`` per document."""
        return [bio_to_spans(tags) for tags in self.predict_bio(tokens, L)]
