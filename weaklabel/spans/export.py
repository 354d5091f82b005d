"""Write labeled documents for the tools people train NER models with.

Three formats, chosen by ``format`` or by the file's suffix:

* ``"wrench"`` (``.json``): WRENCH's span layout, ``{id: {"data": {"text": tokens},
  "label": [[start, end, type], ...], "weak_labels": []}}``, which ``read_seq_split`` reads back;
* ``"conll"`` (``.conll``, ``.bio``, ``.txt``): one ``token<TAB>BIO tag`` line per token, a blank
  line between documents (tabs and newlines inside a token become spaces);
* ``"docbin"`` (``.spacy``): a spaCy ``DocBin`` with the spans as ``doc.ents``, what
  ``spacy train`` reads (needs spaCy: ``pip install 'weaklabel[nlp]'``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from .._atomic import atomic_path
from ..exceptions import InputError, OptionalDependencyError
from .tags import Span, resolve_overlaps, spans_to_bio

FORMATS = {".json": "wrench", ".conll": "conll", ".bio": "conll", ".txt": "conll", ".spacy": "docbin"}


def write_spans(path: str | os.PathLike[str], ids: Sequence[str], tokens: Sequence[Sequence[str]],
                spans: Sequence[Sequence[Span]], types: Sequence[str], *, format: str | None = None) -> Path:
    """Write documents and their spans to ``path`` (atomically: a reader never sees half a file).

    Parameters
    ----------
    path : path
    ids, tokens, spans : sequences, one entry per document
    types : sequence of str
        The entity types (spaCy needs none declared; the others check spans against them).
    format : {"wrench", "conll", "docbin"}, optional
        Default: from the suffix of ``path``.

    Returns
    -------
    Path
    """
    target = Path(path)
    fmt = format or FORMATS.get(target.suffix.lower())
    if fmt not in ("wrench", "conll", "docbin"):
        raise InputError(f"format: expected 'wrench', 'conll' or 'docbin' (or a path ending in "
                         f"{', '.join(FORMATS)}), got {format!r} for {target.name!r}")
    if not len(ids) == len(tokens) == len(spans):
        raise InputError(f"spans: expected as many ids, token lists and span lists, got {len(ids)}, "
                         f"{len(tokens)} and {len(spans)}")
    known = set(types)
    for i, doc in zip(ids, spans):
        bad = [s for s in doc if s[2] not in known]
        if bad:
            raise InputError(f"spans: document {i!r} has {bad[0]!r}, whose type is not one of {list(types)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docbin":
        data = _docbin(tokens, spans)
        with atomic_path(target) as tmp:
            Path(tmp).write_bytes(data)
        return target
    if fmt == "wrench":
        out = {str(i): {"data": {"text": list(t)}, "label": [[s, e, lab] for s, e, lab in resolve_overlaps(sp)],
                        "weak_labels": []} for i, t, sp in zip(ids, tokens, spans)}
        text = json.dumps(out)
    else:
        blocks = []
        for t, sp in zip(tokens, spans):
            clean = [" ".join(str(w).split()) or "_" for w in t]
            blocks.append("\n".join(f"{w}\t{tag}" for w, tag in zip(clean, spans_to_bio(sp, len(t)))))
        text = "\n\n".join(blocks) + "\n"
    with atomic_path(target) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return target


def _docbin(tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]]) -> bytes:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
        from spacy.tokens import Span as SpacySpan
    except ImportError as e:
        raise OptionalDependencyError("format 'docbin' writes spaCy files: pip install 'weaklabel[nlp]'") from e
    vocab = spacy.blank("en").vocab
    db = DocBin()
    for t, sp in zip(tokens, spans):
        doc = Doc(vocab, words=[str(w) if str(w) else "_" for w in t])
        doc.ents = [SpacySpan(doc, s, e, label=lab) for s, e, lab in resolve_overlaps(sp)]
        db.add(doc)
    return db.to_bytes()
