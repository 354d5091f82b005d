"""Sequence label models: token votes of span LFs in, per-token tag probabilities and spans out.

Every model follows the estimator contract of the class models (``__init__`` stores keyword
parameters, ``fit`` returns ``self``, learned attributes end in ``_``) and gives

* ``predict_proba(L)``: (n_tokens, n_tags) probabilities over ``tags_`` (IO tags for the token
  models, BIO tags for the HMM);
* ``predict(L)``: one BIO id per token;
* ``predict_spans(L)``: ``(start, end, type)`` per document.

No model predicts an entity on a token no LF voted on: such tokens are ``O`` with
probability 1.

WRENCH's rule for token-level models is kept throughout: an LF's ``O`` is no vote wherever
another LF tags an entity (on such files it cannot be told from an abstention anyway).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ..exceptions import InputError, NotFittedError
from ..models._estimator import Estimator
from ..models.hard_labels import snorkel_preds
from .matrix import SpanMatrix
from .tags import Span, bio_ids_to_io_ids, bio_ids_to_spans, bio_tag_names, io_ids_to_bio_ids

TIE_BREAKS = ("random", "first")


def io_counts(L: SpanMatrix) -> np.ndarray:
    """(n_tokens, 1 + n_types) counts of IO votes per token (column 0: explicit ``O`` votes)."""
    from scipy import sparse

    io = bio_ids_to_io_ids(L.votes.data.astype(np.int64) - 1)
    rows = np.repeat(np.arange(L.n_tokens), np.diff(L.votes.indptr))
    k = 1 + len(L.types)
    return np.asarray(sparse.csr_matrix((np.ones(io.size), (rows, io)), shape=(L.n_tokens, k)).toarray())


class SeqLabelModel(Estimator):
    """Shared plumbing of the sequence label models (not used directly).

    ``get_params``, ``set_params`` and the repr come from the class models' estimator protocol.
    """

    _io_output = True   # predict_proba over IO tags (False: over BIO tags)

    def _check_input(self, L: Any, *, fitting: bool = False) -> SpanMatrix:
        if not isinstance(L, SpanMatrix):
            raise InputError(f"L: expected a SpanMatrix (weaklabel.spans), got {type(L).__name__}; build one "
                             "with SpanMatrix.from_spans / from_bio or apply_span_lfs")
        if fitting:
            return L
        if not hasattr(self, "types_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(L) first")
        if L.types != self.types_ or L.lf_names != self.lf_names_in_:
            raise InputError(f"L: fitted on types {list(self.types_)} and LFs {list(self.lf_names_in_)}, got "
                             f"{list(L.types)} and {list(L.lf_names)}; pass a matrix with the same columns")
        return L

    def _set_shape(self, L: SpanMatrix) -> None:
        self.types_ = L.types
        self.lf_names_in_ = L.lf_names
        self.tags_ = (["O", *L.types] if self._io_output else bio_tag_names(L.types))

    def fit(self, L: SpanMatrix, y: Any = None) -> SeqLabelModel:
        """Fit on the span votes ``L``; returns self."""
        raise NotImplementedError

    def predict_proba(self, L: SpanMatrix) -> np.ndarray:
        """Per token, the probability of each tag."""
        raise NotImplementedError

    def predict(self, L: SpanMatrix) -> np.ndarray:
        """One BIO id per token (``tags_``-independent: ids over ``bio_tag_names(types_)``)."""
        L = self._check_input(L)
        P = self.predict_proba(L)
        ids = self._argmax(P)
        return io_ids_to_bio_ids(ids, L.doc_offsets) if self._io_output else ids

    def _argmax(self, P: np.ndarray) -> np.ndarray:
        return cast("np.ndarray", np.argmax(P, axis=1).astype(np.int64))

    def predict_spans(self, L: SpanMatrix) -> list[list[Span]]:
        """Entity spans per document, decoded from ``predict`` (CoNLL's rules)."""
        L = self._check_input(L)
        return bio_ids_to_spans(self.predict(L), L.doc_offsets, L.types)


class TokenMajorityVote(SeqLabelModel):
    """Majority vote per token over entity types: WRENCH's rule, reproduced exactly.

    An LF's ``O`` counts only where no LF tags an entity; votes are over IO types (``B-X`` and
    ``I-X`` are both ``X``); runs of one type become one entity.

    Parameters
    ----------
    tie_break_policy : {"random", "first"}, default "random"
        ``"random"`` is Snorkel's deterministic hash of the token's position in the split
        (what WRENCH's published numbers use); ``"first"`` takes the first type in ``types``.
    """

    def __init__(self, *, tie_break_policy: str = "random") -> None:
        self.tie_break_policy = tie_break_policy

    def fit(self, L: SpanMatrix, y: Any = None) -> TokenMajorityVote:  # noqa: ARG002 - scikit-learn's fit(X, y)
        """Check the votes and learn the tag names; majority vote has nothing else to fit."""
        if self.tie_break_policy not in TIE_BREAKS:
            raise InputError(f"tie_break_policy: expected one of {TIE_BREAKS}, got {self.tie_break_policy!r}")
        self._set_shape(self._check_input(L, fitting=True))
        return self

    def predict_proba(self, L: SpanMatrix) -> np.ndarray:
        """Per token, each tag's share of the votes."""
        L = self._check_input(L)
        C = io_counts(L)
        ent = C[:, 1:].sum(axis=1) > 0
        C[ent, 0] = 0.0                 # O is no vote where an LF tags an entity
        C[~ent] = 0.0
        C[~ent, 0] = 1.0                # no entity vote: O
        return cast("np.ndarray", C / C.sum(axis=1, keepdims=True))

    def _argmax(self, P: np.ndarray) -> np.ndarray:
        # "random": Snorkel's hash of the token's position in the split, as WRENCH ran it
        return snorkel_preds(P) if self.tie_break_policy == "random" else np.argmax(P, axis=1).astype(np.int64)


class TokenDawidSkene(SeqLabelModel):
    """Dawid-Skene per token over IO tags, on WRENCH's token matrix.

    This is how WRENCH runs Snorkel and Dawid-Skene on sequences: where no LF tags an entity, every LF
    votes ``O``; where one does, the others abstain. Tokens no LF voted on stay ``O``.

    Parameters
    ----------
    confusion : {"class_conditional", "full", "one_coin"}, default "class_conditional"
        One accuracy per LF and true tag, errors spread evenly. A full confusion matrix is not
        identified here: an LF's ``O`` is never seen on entity tokens (it is dropped there), so
        EM can make a chemical dictionary "always vote Chemical on diseases" (bc5cdr: 38.4 F1
        with "full", 83.5 with "class_conditional").
    smoothing : float, default 10.0
        Pseudo-votes toward the suite's shared precision (see :class:`weaklabel.DawidSkene`).
    max_iter : int, default 100
    """

    def __init__(self, *, confusion: str = "class_conditional", smoothing: float = 10.0,
                 max_iter: int = 100) -> None:
        self.confusion = confusion
        self.smoothing = smoothing
        self.max_iter = max_iter

    @staticmethod
    def _token_votes(L: SpanMatrix) -> np.ndarray:
        """Dense (n_tokens, n_lfs) IO votes under WRENCH's rule.

        All ``O`` where no entity vote, ``O`` votes dropped where there is one.
        """
        io = L.io_ids()
        ent = np.asarray((io > 0).any(axis=1), dtype=bool)
        io[~ent] = 0
        io[ent[:, None] & (io == 0)] = -1
        return io

    def fit(self, L: SpanMatrix, y: Any = None) -> TokenDawidSkene:  # noqa: ARG002 - scikit-learn's fit(X, y)
        """Fit a Dawid-Skene model over the tokens' tags."""
        import warnings

        from ..models import DawidSkene, LabelModelWarning

        L = self._check_input(L, fitting=True)
        self._set_shape(L)
        votes = self._token_votes(L)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LabelModelWarning)
            self.model_ = DawidSkene(cardinality=1 + len(L.types), confusion=self.confusion,
                                     model_abstains=False, smoothing=self.smoothing,
                                     max_iter=self.max_iter, gold_correction=None, pattern_prior=None,
                                     temperature=None).fit(votes)
        return self

    def predict_proba(self, L: SpanMatrix) -> np.ndarray:
        """Per token, the probability of each tag."""
        L = self._check_input(L)
        votes = self._token_votes(L)
        P = self.model_.predict_proba(votes)
        silent = ~(votes > 0).any(axis=1)
        P[silent] = 0.0
        P[silent, 0] = 1.0
        return P
