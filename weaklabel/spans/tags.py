"""Tag schemes for spans: BIO, IO and span lists, and the one place that converts between them.

A *span* is ``(start, end, label)`` over token offsets, ``end`` exclusive. Tags are strings
(``"B-PER"``, ``"I-PER"``, ``"O"``) or integer ids over a list of entity types:

* BIO ids: ``O = 0``, ``B-t = 2t + 1``, ``I-t = 2t + 2`` (t = 0-based type index), WRENCH's order;
* IO ids: ``O = 0``, ``t + 1``.

Edge rules (CoNLL's, which ``seqeval``'s default mode follows):

* an ``I-X`` that does not continue an ``X`` entity (after ``O``, after another type, at the
  start) begins a new entity;
* ``B-X B-X`` is two entities; so, in span lists, are adjacent spans of one type. IO cannot
  tell adjacent entities of one type apart: IO to spans merges them;
* overlapping spans cannot all be tagged on one token sequence: ``spans_to_bio`` keeps the
  longest (then the earliest) and drops the spans that overlap one it kept
  (``resolve_overlaps``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..exceptions import InputError

Span = tuple[int, int, str]


def split_tag(tag: str) -> tuple[str, str]:
    """``("B", "PER")`` from ``"B-PER"``, ``("O", "")`` from ``"O"``; a bare type ``"PER"`` is IO."""
    if tag == "O" or tag == "":
        return "O", ""
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BI":
        return tag[0], tag[2:]
    if tag[:2] in ("E-", "S-", "L-", "U-") and len(tag) > 2:
        raise InputError(f"tags: {tag!r} is a BIOES/BILOU tag; expected BIO (B-X, I-X, O) or IO tags")
    return "I", tag                       # IO: every tag continues


def bio_to_spans(tags: Sequence[str]) -> list[Span]:
    """Entity spans of one BIO (or IO) tag sequence.

    Examples
    --------
    >>> bio_to_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"])
    [(0, 2, 'PER'), (3, 4, 'LOC'), (4, 5, 'LOC'), (5, 6, 'ORG')]
    """
    spans: list[Span] = []
    start, label = -1, ""
    for i, tag in enumerate(tags):
        kind, t = split_tag(str(tag))
        if kind == "I" and start >= 0 and t == label:
            continue
        if start >= 0:
            spans.append((start, i, label))
        start, label = (i, t) if kind != "O" else (-1, "")
    if start >= 0:
        spans.append((start, len(tags), label))
    return spans


def resolve_overlaps(spans: Iterable[Sequence[Any]]) -> list[Span]:
    """Non-overlapping spans.

    The longest first (ties: the earliest), each kept unless it overlaps one already kept; returned in
    document order.
    """
    kept: list[Span] = []
    taken: set[int] = set()
    for s, e, lab in sorted(((int(a), int(b), str(c)) for a, b, c in spans), key=lambda x: (x[0] - x[1], x[0])):
        if e <= s:
            continue
        if taken.isdisjoint(range(s, e)):
            kept.append((s, e, lab))
            taken.update(range(s, e))
    return sorted(kept)


def spans_to_bio(spans: Iterable[Sequence[Any]], n_tokens: int) -> list[str]:
    """BIO tags of ``n_tokens`` tokens from spans (overlaps resolved by ``resolve_overlaps``).

    Examples
    --------
    >>> spans_to_bio([(0, 2, "PER"), (2, 3, "PER")], 4)
    ['B-PER', 'I-PER', 'B-PER', 'O']
    """
    tags = ["O"] * n_tokens
    for s, e, lab in resolve_overlaps(spans):
        if s < 0 or e > n_tokens:
            raise InputError(f"spans: ({s}, {e}, {lab!r}) lies outside a document of {n_tokens} tokens")
        tags[s] = f"B-{lab}"
        for i in range(s + 1, e):
            tags[i] = f"I-{lab}"
    return tags


def spans_to_io(spans: Iterable[Sequence[Any]], n_tokens: int) -> list[str]:
    """IO tags (the type, or ``"O"``): adjacent spans of one type become indistinguishable."""
    return [t if t == "O" else t[2:] for t in spans_to_bio(spans, n_tokens)]


def io_to_spans(tags: Sequence[str]) -> list[Span]:
    """Spans of an IO sequence: maximal runs of one type (``bio_to_spans`` reads IO too)."""
    return bio_to_spans([t if t == "O" else split_tag(t)[1] for t in tags])


# -- integer ids, vectorised over a whole split of concatenated documents -------------------------
def bio_tag_names(types: Sequence[str]) -> list[str]:
    """``["O", "B-t0", "I-t0", "B-t1", ...]``: the name of each BIO id."""
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def bio_ids_to_io_ids(bio: np.ndarray) -> np.ndarray:
    """IO ids from BIO ids (negative values, abstains, pass through)."""
    bio = np.asarray(bio, dtype=np.int64)
    return np.where(bio > 0, (bio + 1) // 2, bio)


def io_ids_to_bio_ids(io: np.ndarray, doc_offsets: np.ndarray) -> np.ndarray:
    """BIO ids from IO ids of concatenated documents.

    A token begins an entity unless the token before it, in the same document, has the same type (so
    runs of one type are one entity).
    """
    io = np.asarray(io, dtype=np.int64)
    prev = np.concatenate([[0], io[:-1]])
    starts = np.zeros(io.size, dtype=bool)
    starts[np.asarray(doc_offsets[:-1], dtype=np.int64)[np.asarray(doc_offsets[:-1]) < io.size]] = True
    begin = (io > 0) & ((prev != io) | starts)
    return np.where(io > 0, 2 * io - begin.astype(np.int64), io)


def bio_ids_to_spans(bio: np.ndarray, doc_offsets: np.ndarray, types: Sequence[str]) -> list[list[Span]]:
    """Return spans per document from BIO ids of concatenated documents.

    CoNLL's rules: an I- that does not continue an entity of its type begins one.
    """
    bio = np.asarray(bio, dtype=np.int64)
    offsets = np.asarray(doc_offsets, dtype=np.int64)
    typ = np.where(bio > 0, (bio - 1) // 2, -1)
    prev_typ = np.concatenate([[-1], typ[:-1]])
    first = np.zeros(bio.size, dtype=bool)
    first[offsets[:-1][offsets[:-1] < bio.size]] = True
    prev_typ[first] = -1
    begin = (typ >= 0) & ((bio % 2 == 1) | (prev_typ != typ))
    # an entity ends before the next token that does not continue it, or at the document's end
    starts = np.flatnonzero(begin)
    inside = typ >= 0
    cont = inside & ~begin
    # end of the entity starting at s: first position p > s with cont[p] False (or doc end)
    stop = np.ones(bio.size + 1, dtype=bool)
    stop[:-1] = ~cont
    stop_pos = np.flatnonzero(stop)
    ends = stop_pos[np.searchsorted(stop_pos, starts, side="right")]
    doc = np.searchsorted(offsets, starts, side="right") - 1
    ends = np.minimum(ends, offsets[doc + 1])
    out: list[list[Span]] = [[] for _ in range(offsets.size - 1)]
    for d, s, e, t in zip(doc.tolist(), starts.tolist(), ends.tolist(), typ[starts].tolist()):
        out[d].append((s - int(offsets[d]), e - int(offsets[d]), types[t]))
    return out


def doc_spans_to_bio_ids(spans: Sequence[Sequence[Sequence[Any]] | None], doc_offsets: np.ndarray,
                         types: Sequence[str], *, what: str = "y") -> np.ndarray:
    """BIO ids of concatenated documents from one span list per document.

    ``-1`` on every token of a document whose entry is ``None`` (not labeled). An empty list is a
    labeled document without entities. Overlaps are resolved as in :func:`spans_to_bio`.

    Examples
    --------
    >>> doc_spans_to_bio_ids([[(1, 3, "PER")], None], np.array([0, 3, 5]), ["PER"]).tolist()
    [0, 1, 2, -1, -1]
    """
    offsets = np.asarray(doc_offsets, dtype=np.int64)
    n_docs = offsets.size - 1
    if isinstance(spans, (str, bytes)) or len(spans) != n_docs:
        got = type(spans).__name__ if isinstance(spans, (str, bytes)) else f"{len(spans)} entries"
        raise InputError(f"{what}: expected one span list (or None for an unlabeled document) per document, "
                         f"{n_docs} in all; got {got}")
    index = {t: i for i, t in enumerate(types)}
    out = np.full(int(offsets[-1]), -1, dtype=np.int64)
    for d, doc in enumerate(spans):
        if doc is None:
            continue
        n = int(offsets[d + 1] - offsets[d])
        seg = np.zeros(n, dtype=np.int64)
        for s, e, lab in doc:
            if lab not in index:
                raise InputError(f"{what}[{d}]: span ({s}, {e}, {lab!r}) has a type outside {list(types)}; "
                                 "map it to one of them or drop it")
            if not 0 <= int(s) < int(e) <= n:
                raise InputError(f"{what}[{d}]: span ({s}, {e}, {lab!r}) is empty or lies outside the "
                                 f"document's {n} tokens (start < end <= {n}, end exclusive)")
        for s, e, lab in resolve_overlaps(doc):
            seg[s] = 2 * index[lab] + 1
            seg[s + 1:e] = 2 * index[lab] + 2
        out[offsets[d]:offsets[d + 1]] = seg
    return out
