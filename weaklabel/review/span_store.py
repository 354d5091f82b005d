"""Expert spans, stored durably: an append-only log of span events in the label store's database.

One event holds one expert's whole answer for one document: the list of spans
``(start, end, type)`` over its tokens (end exclusive). Accepting the model's spans, fixing a
boundary, changing a type and deleting a span all save the document's new list, so the log
reads as the history of each expert's answer, and an ``undo`` event retracts the expert's
latest answer (the previous one is in force again). Nothing is updated or deleted in place.

Each event records the document's version (a hash of its tokens, :func:`doc_version`): an
answer given to other tokens is stale, and readers that know the current tokens flag it rather
than apply its offsets to the wrong words.

The table (``span_events``) lives in the same database as the class labels (SQLite by default,
PostgreSQL by URL) and is created beside them on first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import InputError
from ..spans.evaluate import span_f1
from ..spans.tags import Span, resolve_overlaps
from .answer_log import SOURCES as SPAN_SOURCES
from .answer_log import AnswerLog, doc_version
from .answer_log import in_force as _in_force

__all__ = ["SPAN_SOURCES", "SpanStore", "doc_version", "in_force"]


def in_force(events: pd.DataFrame, kinds: Sequence[str] = ("spans",)) -> pd.DataFrame:
    """Return the events of ``kinds`` (default: answers) that no ``undo`` event retracted."""
    return _in_force(events, kinds)


class SpanStore(AnswerLog):
    """Expert span answers per document, in a SQLite or PostgreSQL database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``sqlite:///./weaklabel-labels.db`` (the class labels' file).
    project : str, default "default"
    types : sequence of str
        The entity types an expert may use.
    timeout : float, default 30
        Seconds a SQLite writer waits for another writer's lock.

    Examples
    --------
    >>> store = SpanStore("sqlite:///:memory:", types=["PER", "LOC"])
    >>> _ = store.save("doc-1", [(0, 2, "PER")], "ana", tokens=["Ada", "Lovelace", "said"])
    >>> store.current()[["doc_id", "annotator", "spans"]].to_dict("records")
    [{'doc_id': 'doc-1', 'annotator': 'ana', 'spans': [(0, 2, 'PER')]}]
    """

    TABLE = "span_events"
    ANSWER = "spans"
    WHAT = "span store"

    def __init__(self, url: str | None = None, *, project: str = "default", types: Sequence[str],
                 timeout: float = 30.0) -> None:
        self.types = tuple(str(t) for t in types)
        if not self.types or len(set(self.types)) != len(self.types) or "O" in self.types:
            raise InputError(f"types: expected distinct entity types other than 'O', got {list(types)!r}")
        self._open(url, project, timeout)

    # -- writing ----------------------------------------------------------
    def _check_answer(self, answer: Any, context: Any) -> list[Any]:
        return self._check_spans(answer, None if context is None else len(context))

    def _check_spans(self, spans: Any, n_tokens: int | None) -> list[Span]:
        if isinstance(spans, (str, bytes)) or not hasattr(spans, "__iter__"):
            raise InputError(f"spans: expected a list of (start, end, type), got {type(spans).__name__}")
        out: list[Span] = []
        for item in spans:
            if not isinstance(item, (tuple, list)) or len(item) != 3:
                raise InputError(f"spans: expected (start, end, type) triples, got {item!r}")
            s, e, t = item
            if isinstance(s, bool) or isinstance(e, bool) or not all(isinstance(v, int) or hasattr(v, "__index__")
                                                                  for v in (s, e)):
                raise InputError(f"spans: start and end must be token offsets (ints), got {item!r}")
            s, e = int(s), int(e)
            if t not in self.types:
                raise InputError(f"spans: type {t!r} of {item!r} is not one of {list(self.types)}")
            if s < 0 or e <= s or (n_tokens is not None and e > n_tokens):
                limit = f" <= {n_tokens}" if n_tokens is not None else ""
                raise InputError(f"spans: {item!r} is not a span of this document (0 <= start < end{limit}; "
                                 "end is exclusive)")
            out.append((s, e, str(t)))
        if len(resolve_overlaps(out)) != len(set(out)):
            raise InputError(f"spans: {out!r} overlap; an expert's answer tags each token at most once")
        return sorted(set(out))

    def save(self, doc_id: Any, spans: Sequence[Sequence[Any]], annotator: str, *,
             tokens: Sequence[str] | None = None, source: str = "review", note: str | None = None,
             external_id: str | None = None) -> int:
        """Append ``annotator``'s answer for a document: all its spans (an empty list: no entity).

        ``tokens`` (the document's tokens) bound the offsets and set ``doc_version``. Returns the
        event's id.
        """
        if source not in SPAN_SOURCES:   # checked before the spans: the argument a caller got wrong first
            raise InputError(f"source: expected one of {list(SPAN_SOURCES)}, got {source!r}")
        clean = self._check_spans(spans, None if tokens is None else len(tokens))
        return self._append(doc_id, clean, annotator, version=None if tokens is None else doc_version(tokens),
                            source=source, note=note, external_id=external_id)

    def import_external(self, records: Sequence[Mapping[str, Any]], *, origin: str,
                        retract_missing: bool = True) -> dict[str, int]:
        """Bring in answers made in another tool (Label Studio), idempotently: see :meth:`AnswerLog.import_external`.

        A record's optional ``tokens`` (the document's tokens) bound its offsets and set its
        ``doc_version``.
        """
        recs = [{**r, "context": r["tokens"], "doc_version": doc_version(r["tokens"])}
                if r.get("tokens") is not None else r for r in records]
        return super().import_external(recs, origin=origin, retract_missing=retract_missing)

    def resolve(self, doc_id: Any, spans: Sequence[Sequence[Any]], lead: str, *,
                tokens: Sequence[str] | None = None, note: str | None = None) -> int:
        """Return the lead's answer where experts disagree; it outranks theirs in :meth:`gold`."""
        return self.save(doc_id, spans, lead, tokens=tokens, source="adjudication", note=note)

    def skip(self, doc_id: Any, annotator: str, *, tokens: Sequence[str] | None = None,
             version: str | None = None) -> int:
        """Record that ``annotator`` passed on a document (no answer; the queue moves on)."""
        return super().skip(doc_id, annotator, version=doc_version(tokens) if tokens is not None else version)

    # -- reading ----------------------------------------------------------
    def agreement(self) -> pd.DataFrame:
        """Return span-level F1 between each pair of experts over the documents both answered.

        Spans match exactly (F1 is symmetric); the number of shared documents comes with each pair.
        """
        rows = []
        for a, b, sa_, sb_ in self.pairs():
            # both found no entity anywhere: full agreement, not F1's 0/0
            f1 = 1.0 if not any(sa_) and not any(sb_) else span_f1(sa_, sb_)
            rows.append({"annotator_a": a, "annotator_b": b, "documents": len(sa_), "span_f1": f1})
        return pd.DataFrame(rows, columns=["annotator_a", "annotator_b", "documents", "span_f1"])

    def export(self, path: str | os.PathLike[str], ids: Sequence[Any], tokens: Sequence[Sequence[str]], *,
               format: str | None = None) -> tuple[Path, int]:
        """Write the documents that have a gold answer (:meth:`gold`, current tokens only) to ``path``.

        The file is WRENCH span JSON, BIO CoNLL or a spaCy ``DocBin`` (see
        :func:`weaklabel.spans.export.write_spans`). Returns the path and the number of documents.
        """
        from ..spans.export import write_spans

        if len(ids) != len(tokens):
            raise InputError(f"tokens: expected one token list per id ({len(ids)}), got {len(tokens)}")
        gold = self.gold(ids, {str(i): doc_version(t) for i, t in zip(ids, tokens)})
        keep = [d for d, g in enumerate(gold) if g is not None]
        out = write_spans(path, [str(ids[d]) for d in keep], [list(tokens[d]) for d in keep],
                          [gold[d] or [] for d in keep], self.types, format=format)
        return out, len(keep)
