"""Entities and spans.

Span labeling functions, the span label matrix, sequence label models, entity scores and WRENCH's
sequence formats.

Pipeline: documents (:class:`SpanDoc`) -> span LFs (:mod:`.lfs`) -> :class:`SpanMatrix`
(:mod:`.matrix`) -> a sequence label model (:mod:`.models`, :mod:`.hmm`; the default is
:class:`SeqLabelModelDefault`) -> spans per document -> :func:`span_scores` (:mod:`.evaluate`).
Experts fix documents in :mod:`.review`'s order (their answers live in
``weaklabel.review.span_store``); :class:`SpanCRF` (:mod:`.endmodel`) learns from the spans, and
:func:`write_spans` (:mod:`.export`) writes WRENCH JSON, BIO CoNLL or a spaCy ``DocBin``.
"""

from __future__ import annotations

from .default import SeqLabelModelDefault
from .endmodel import SpanCRF
from .evaluate import span_f1, span_scores
from .export import write_spans
from .hmm import HMM
from .lfs import (
    SpanDoc,
    SpanLF,
    apply_span_lfs,
    followed_by_lf,
    gazetteer_lf,
    matcher_span_lf,
    regex_span_lf,
    spacy_ner_lf,
    span_lf,
)
from .matrix import SpanMatrix
from .models import TokenDawidSkene, TokenMajorityVote
from .review import rank_documents
from .summary import span_lf_summary
from .tags import bio_to_spans, io_to_spans, spans_to_bio, spans_to_io
from .wrench import SeqSplit, read_seq_split, read_seq_splits, write_seq_split

__all__ = [
    "HMM", "SeqLabelModelDefault", "SeqSplit", "SpanCRF", "SpanDoc", "SpanLF", "SpanMatrix", "TokenDawidSkene",
    "TokenMajorityVote", "apply_span_lfs", "bio_to_spans", "followed_by_lf", "gazetteer_lf", "io_to_spans",
    "matcher_span_lf", "rank_documents", "read_seq_split", "read_seq_splits", "regex_span_lf", "spacy_ner_lf",
    "span_f1", "span_lf", "span_lf_summary", "span_scores", "spans_to_bio", "spans_to_io", "write_seq_split",
    "write_spans",
]
