"""SpanMatrix: the votes of span LFs on every token of a set of documents.

Documents are concatenated: token ``i`` of document ``d`` is row ``doc_offsets[d] + i``.
Each LF's vote on a token is a BIO tag id (``O = 0``, ``B-t = 2t + 1``, ``I-t = 2t + 2``)
or no vote (abstain). Most tokens get no vote from most LFs, so the votes are stored
sparse, as a CSR matrix of shape (n_tokens, n_lfs) holding ``BIO id + 1``: a stored 1 is
an explicit ``O`` (an LF that says "not an entity here"), and a token an LF left alone is
an abstain, distinct from ``O``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..exceptions import InputError
from .tags import Span, bio_ids_to_io_ids, bio_ids_to_spans, bio_tag_names, resolve_overlaps

if TYPE_CHECKING:
    from scipy import sparse

ABSTAIN = -1


@dataclass
class SpanMatrix:
    """Sparse token-by-LF votes of span labeling functions.

    Attributes
    ----------
    votes : scipy.sparse.csr_matrix of shape (n_tokens, n_lfs)
        ``BIO id + 1`` where an LF voted; no entry where it abstained.
    doc_offsets : ndarray of int64, shape (n_docs + 1,)
        Document ``d`` owns tokens ``doc_offsets[d]:doc_offsets[d + 1]``.
    types : tuple of str
        Entity types; BIO id ``2t + 1`` is ``B-types[t]``.
    lf_names : tuple of str
    """

    votes: sparse.csr_matrix
    doc_offsets: np.ndarray
    types: tuple[str, ...]
    lf_names: tuple[str, ...]

    def __post_init__(self) -> None:
        """Check the fields and bring them to their types."""
        self.types = tuple(str(t) for t in self.types)
        self.lf_names = tuple(str(n) for n in self.lf_names)
        self.doc_offsets = np.asarray(self.doc_offsets, dtype=np.int64)
        if len(set(self.types)) != len(self.types) or "O" in self.types:
            raise InputError(f"types: expected distinct entity type names other than 'O', got {list(self.types)}")
        if self.doc_offsets.ndim != 1 or self.doc_offsets.size < 1 or self.doc_offsets[0] != 0 \
                or (np.diff(self.doc_offsets) < 0).any():
            raise InputError("doc_offsets: expected a non-decreasing array starting at 0 (one entry per document + 1)")
        n_tokens, n_lfs = self.votes.shape
        if n_tokens != self.doc_offsets[-1]:
            raise InputError(f"votes: {n_tokens} token rows but doc_offsets ends at {self.doc_offsets[-1]}")
        if n_lfs != len(self.lf_names):
            raise InputError(f"lf_names: {len(self.lf_names)} names for {n_lfs} LF columns")
        if self.votes.nnz and (self.votes.data.min() < 1 or self.votes.data.max() > 2 * len(self.types) + 1):
            raise InputError(f"votes: stored values must be BIO ids + 1 in 1..{2 * len(self.types) + 1}")

    # -- shape ------------------------------------------------------------
    @property
    def n_docs(self) -> int:
        """Documents."""
        return int(self.doc_offsets.size - 1)

    @property
    def n_tokens(self) -> int:
        """Tokens over all documents."""
        return int(self.doc_offsets[-1])

    @property
    def n_lfs(self) -> int:
        """Labeling functions."""
        return len(self.lf_names)

    @property
    def tag_names(self) -> list[str]:
        """Name of each BIO id: ``["O", "B-t0", "I-t0", ...]``."""
        return bio_tag_names(self.types)

    def doc_lengths(self) -> np.ndarray:
        """Tokens per document."""
        return np.diff(self.doc_offsets)

    # -- construction -----------------------------------------------------
    @classmethod
    def from_spans(cls, spans: Sequence[Sequence[Sequence[Sequence[Any]]]], doc_lengths: Sequence[int],
                   types: Sequence[str], lf_names: Sequence[str]) -> SpanMatrix:
        """From ``spans[d][j]``: the spans ``(start, end, label)`` LF ``j`` found in document ``d``.

        A span labeled ``"O"`` is an explicit "no entity here" vote. Overlapping spans of one LF
        in one document are resolved (longest first; see ``tags.resolve_overlaps``).
        """
        from scipy import sparse

        types = tuple(types)
        index = {t: i for i, t in enumerate(types)}
        lengths = np.asarray(doc_lengths, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        m = len(lf_names)
        if len(spans) != lengths.size:
            raise InputError(f"spans: {len(spans)} documents but {lengths.size} document lengths")
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        for d, per_lf in enumerate(spans):
            if len(per_lf) != m:
                raise InputError(f"spans: document {d} has span lists for {len(per_lf)} LFs, expected {m}")
            base, n = int(offsets[d]), int(lengths[d])
            for j, lf_spans in enumerate(per_lf):
                for s, e, lab in resolve_overlaps(lf_spans):
                    if s < 0 or e > n:
                        raise InputError(f"spans: LF {lf_names[j]!r} span ({s}, {e}, {lab!r}) lies outside "
                                         f"document {d} of {n} tokens")
                    if lab == "O":
                        rows.extend(range(base + s, base + e))
                        cols.extend([j] * (e - s))
                        vals.extend([1] * (e - s))
                        continue
                    if lab not in index:
                        raise InputError(f"spans: LF {lf_names[j]!r} labels a span {lab!r}; expected one of "
                                         f"{list(types)} (or 'O'); add it to types")
                    t = index[lab]
                    rows.extend(range(base + s, base + e))
                    cols.extend([j] * (e - s))
                    vals.extend([2 * t + 2] + [2 * t + 3] * (e - s - 1))
        votes = sparse.csr_matrix((np.asarray(vals, dtype=np.int8 if 2 * len(types) + 2 < 127 else np.int32),
                                   (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
                                  shape=(int(offsets[-1]), m))
        votes.sum_duplicates()
        return cls(votes, offsets, types, tuple(lf_names))

    @classmethod
    def from_bio(cls, tags: Sequence[Sequence[Sequence[str]]], types: Sequence[str], lf_names: Sequence[str],
                 *, o_is_abstain: bool = True) -> SpanMatrix:
        """From ``tags[d][i][j]``: LF ``j``'s BIO tag on token ``i`` of document ``d`` (WRENCH's BIO layout).

        ``o_is_abstain`` (default True): an ``"O"`` is no vote, as in WRENCH's files, where an LF's
        ``O`` cannot be told apart from an abstention. ``"ABS"``/``""`` are always abstains.
        """
        from scipy import sparse

        names = bio_tag_names(types)
        lookup = {name: i for i, name in enumerate(names)}
        lengths = [len(doc) for doc in tags]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        m = len(lf_names)
        flat = [tok for doc in tags for tok in doc]
        if not flat:
            return cls(sparse.csr_matrix((0, m), dtype=np.int8), offsets, tuple(types), tuple(lf_names))
        arr = np.asarray(flat, dtype=object)
        if arr.ndim != 2 or arr.shape[1] != m:
            raise InputError(f"tags: expected one tag per LF ({m}) on every token")
        uniq, inv = np.unique(arr.astype(str), return_inverse=True)
        codes = np.empty(uniq.size, dtype=np.int64)
        for u, tag in enumerate(uniq.tolist()):
            if tag in ("", "ABS", "-1"):
                codes[u] = ABSTAIN
            elif tag == "O":
                codes[u] = ABSTAIN if o_is_abstain else 0
            elif tag in lookup:
                codes[u] = lookup[tag]
            else:
                raise InputError(f"tags: {tag!r} is not a BIO tag over types {list(types)}")
        dense = codes[inv.reshape(arr.shape)]
        r, c = np.nonzero(dense >= 0)
        votes = sparse.csr_matrix(((dense[r, c] + 1).astype(np.int8), (r, c)), shape=dense.shape)
        return cls(votes, offsets, tuple(types), tuple(lf_names))

    # -- views ------------------------------------------------------------
    def bio_ids(self) -> np.ndarray:
        """Dense (n_tokens, n_lfs) BIO ids, -1 = abstain (for small sets and tests)."""
        return cast("np.ndarray", self.votes.toarray().astype(np.int64) - 1)

    def io_ids(self) -> np.ndarray:
        """Dense (n_tokens, n_lfs) IO ids (``O = 0``, type ``t + 1``), -1 = abstain."""
        return bio_ids_to_io_ids(self.bio_ids())

    def lf_spans(self, j: int) -> list[list[Span]]:
        """LF ``j``'s entity spans per document (explicit ``O`` votes are not spans)."""
        col = self.votes[:, [j]].toarray().ravel().astype(np.int64) - 1
        return bio_ids_to_spans(np.maximum(col, 0), self.doc_offsets, self.types)

    def select_lfs(self, names: Sequence[str]) -> SpanMatrix:
        """Return the columns of the named LFs, in that order."""
        missing = [n for n in names if n not in self.lf_names]
        if missing:
            raise InputError(f"names: no LF named {missing[0]!r}; the matrix has {list(self.lf_names)}")
        idx = [self.lf_names.index(n) for n in names]
        return SpanMatrix(self.votes[:, idx].tocsr(), self.doc_offsets, self.types, tuple(names))

    def docs(self, index: Sequence[int] | np.ndarray) -> SpanMatrix:
        """Return the rows of the given documents, in that order."""
        index = np.asarray(index, dtype=np.int64)
        lengths = self.doc_lengths()[index]
        rows = np.concatenate([np.arange(self.doc_offsets[d], self.doc_offsets[d + 1]) for d in index]) \
            if index.size else np.zeros(0, np.int64)
        return SpanMatrix(self.votes[rows].tocsr(), np.concatenate([[0], np.cumsum(lengths)]), self.types,
                          self.lf_names)

    def __repr__(self) -> str:
        """Show the sizes, the entity types and the number of votes."""
        return (f"SpanMatrix({self.n_docs} docs, {self.n_tokens} tokens, {self.n_lfs} LFs, "
                f"types={list(self.types)}, {self.votes.nnz} votes)")

    def to_spans(self) -> list[list[list[Span]]]:
        """``spans[d][j]``: LF ``j``'s spans in document ``d`` (the inverse of ``from_spans``)."""
        per_lf = [self.lf_spans(j) for j in range(self.n_lfs)]
        return [[per_lf[j][d] for j in range(self.n_lfs)] for d in range(self.n_docs)]
