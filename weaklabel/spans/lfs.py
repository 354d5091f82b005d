"""Span labeling functions.

An LF reads a document and returns spans ``(start, end, label)`` over its tokens (``end``
exclusive), or nothing where it abstains.

Documents come pre-tokenized (:meth:`SpanDoc.from_tokens`, the WRENCH sets) or as text tokenized
once with spaCy (:meth:`SpanDoc.from_text`). Each keeps its tokens' character offsets, so an LF
may find matches in the text (regexes) and report them in tokens (:meth:`SpanDoc.char_span`).

Templates: :func:`gazetteer_lf` (a token trie, longest match), :func:`regex_span_lf`,
:func:`matcher_span_lf` (spaCy ``Matcher`` token patterns), :func:`spacy_ner_lf` (a spaCy model's
entities mapped to your types), :func:`followed_by_lf` (spans built from two other LFs' spans) and
:func:`span_lf` for any function. :func:`apply_span_lfs` runs them into a :class:`SpanMatrix`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..exceptions import InputError, InputTypeError, LFError
from .matrix import SpanMatrix
from .tags import Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass
class SpanDoc:
    """A tokenized document: ``tokens``, the ``text`` and each token's character ``starts``/``ends``."""

    tokens: list[str]
    text: str
    starts: np.ndarray
    ends: np.ndarray
    _spacy: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_tokens(cls, tokens: Sequence[str]) -> SpanDoc:
        """Return a document from its tokens; the text is the tokens joined by single spaces."""
        tokens = [str(t) for t in tokens]
        lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64) if tokens \
            else np.zeros(0, np.int64)
        return cls(tokens, " ".join(tokens), starts, starts + lengths)

    @classmethod
    def from_text(cls, text: str, nlp: Language | None = None) -> SpanDoc:
        """Return a document tokenized once by spaCy (``nlp``; default: blank English's tokenizer)."""
        if not isinstance(text, str):
            raise InputTypeError(f"text: expected str, got {type(text).__name__}")
        if nlp is None:
            from ..nlp import get_pipeline

            nlp = get_pipeline("blank:en")
        doc = nlp.make_doc(text)
        starts = np.array([t.idx for t in doc], dtype=np.int64)
        return cls([t.text for t in doc], text, starts, starts + np.array([len(t) for t in doc], dtype=np.int64))

    def __len__(self) -> int:
        """Return the number of tokens."""
        return len(self.tokens)

    def char_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Token offsets ``(first, last + 1)`` of the tokens that characters ``start:end`` touch.

        None when they touch no token (only whitespace).
        """
        first = int(np.searchsorted(self.ends, start, side="right"))
        stop = int(np.searchsorted(self.starts, end, side="left"))
        return (first, stop) if stop > first else None

    def token_chars(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens ``start:end``."""
        if not 0 <= start < end <= len(self.tokens):
            raise InputError(f"tokens {start}:{end}: outside a document of {len(self.tokens)} tokens")
        return int(self.starts[start]), int(self.ends[end - 1])

    def spacy(self, nlp: Language) -> Doc:
        """Return the document as a spaCy ``Doc`` over *these* tokens, run through ``nlp``'s pipeline once."""
        key = id(nlp)
        if key not in self._spacy:
            from spacy.tokens import Doc

            spaces = [bool(self.starts[i + 1] > self.ends[i]) for i in range(len(self.tokens) - 1)] + [False]
            doc = Doc(nlp.vocab, words=self.tokens or [""], spaces=spaces if self.tokens else [False])
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            self._spacy[key] = doc
        return cast("Doc", self._spacy[key])


class SpanLF:
    """A span labeling function: ``fn(doc) -> iterable of (start, end, label)`` over ``doc``'s tokens.

    ``labels`` declares the types it may return (used to build the matrix's types).
    """

    def __init__(self, name: str, fn: Callable[[SpanDoc], Iterable[Sequence[Any]]], labels: Sequence[str]) -> None:
        if not isinstance(name, str) or not name:
            raise InputError(f"name: expected a non-empty string, got {name!r}")
        self.name = name
        self.fn = fn
        self.labels = tuple(labels)

    def __call__(self, doc: SpanDoc) -> list[Span]:
        """Return the LF's spans in ``doc``."""
        out = []
        for item in self.fn(doc) or ():
            try:
                s, e, lab = item
            except (TypeError, ValueError) as exc:
                raise LFError(f"LF {self.name!r} returned {item!r}; expected (start, end, label)",
                              lf_name=self.name) from exc
            s, e = int(s), int(e)
            if not 0 <= s < e <= len(doc):
                raise LFError(f"LF {self.name!r} returned span ({s}, {e}) outside a document of {len(doc)} "
                              "tokens", lf_name=self.name)
            out.append((s, e, str(lab)))
        return out

    def __repr__(self) -> str:
        """Show the LF's name and the entity types it tags."""
        return f"SpanLF({self.name!r}, labels={list(self.labels)})"


def span_lf(name: str | None = None, *, labels: Sequence[str]) -> Callable[[Callable[..., Any]], SpanLF]:
    """Turn a function ``doc -> spans`` into a :class:`SpanLF` (a decorator).

    The LF is named after the function by default.
    """
    def wrap(fn: Callable[[SpanDoc], Iterable[Sequence[Any]]]) -> SpanLF:
        return SpanLF(name or fn.__name__, fn, labels)
    return wrap


# -- templates -------------------------------------------------------------------------------
def _entry_tokens(entry: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(entry))


def gazetteer_lf(name: str, entries: Mapping[str, str] | Iterable[str], *, label: str | None = None,
                 case_sensitive: bool = True) -> SpanLF:
    """Spans that match a list of (multi-token) entries, longest match first, left to right.

    Parameters
    ----------
    entries : mapping entry -> label, or iterable of entries (then ``label`` names their type)
        Entries are split into tokens (words and punctuation) and stored in a token trie, so
        matching costs one dict lookup per token and trie step, whatever the number of entries.
    case_sensitive : bool, default True

    Examples
    --------
    >>> lf = gazetteer_lf("cities", ["New York", "York"], label="LOC")
    >>> lf(SpanDoc.from_tokens("I left New York for York".split()))
    [(2, 4, 'LOC'), (5, 6, 'LOC')]
    """
    if isinstance(entries, Mapping):
        items = [(str(k), str(v)) for k, v in entries.items()]
    else:
        if label is None:
            raise InputError("label: a list of entries needs label='TYPE' (or pass a mapping entry -> type)")
        items = [(str(k), label) for k in entries]
    fold = (lambda s: s) if case_sensitive else str.lower
    trie: dict[str | None, Any] = {}   # token -> subtree; None -> the entry's type
    for entry, lab in items:
        toks = _entry_tokens(fold(entry))
        if not toks:
            continue
        node = trie
        for t in toks:
            node = node.setdefault(t, {})
        node[None] = lab            # end of an entry
    labels = sorted({lab for _, lab in items})

    def find(doc: SpanDoc) -> list[Span]:
        toks = [fold(t) for t in doc.tokens]
        out, i, n = [], 0, len(toks)
        while i < n:
            node, j, best = trie, i, None
            while j < n and toks[j] in node:
                node = node[toks[j]]
                j += 1
                if None in node:
                    best = (j, node[None])
            if best is None:
                i += 1
                continue
            out.append((i, best[0], best[1]))
            i = best[0]
        return out

    return SpanLF(name, find, labels)


def regex_span_lf(name: str, pattern: str | re.Pattern[str], *, label: str, group: int | str = 0,
                  flags: int = 0) -> SpanLF:
    r"""Spans of the tokens each regex match (or its ``group``) touches in the document's text.

    Examples
    --------
    >>> lf = regex_span_lf("money", r"\$\d+(?:\.\d+)?", label="MONEY")
    >>> lf(SpanDoc.from_tokens(["costs", "$", "3.50", "now"]))    # "$ 3.50" does not match: no space
    []
    >>> lf(SpanDoc.from_text("It costs $3.50 now"))              # spaCy's tokens: $ and 3.50
    [(2, 4, 'MONEY')]
    """
    rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern

    def find(doc: SpanDoc) -> list[Span]:
        out = []
        for m in rx.finditer(doc.text):
            s, e = m.span(group)
            tok = doc.char_span(s, e) if e > s else None
            if tok is not None:
                out.append((tok[0], tok[1], label))
        return out

    return SpanLF(name, find, [label])


def matcher_span_lf(name: str, patterns: Sequence[Sequence[Mapping[str, Any]]], *, label: str,
                    nlp: Language | None = None, greedy: str = "LONGEST") -> SpanLF:
    """Spans matched by spaCy ``Matcher`` token patterns (``[{"IS_TITLE": True}, {"LOWER": "inc"}]``).

    ``nlp`` (default: blank English) runs once per document; patterns on POS or entity types need a
    trained pipeline. Overlapping matches keep the longest (``greedy``).
    """
    from ..exceptions import require

    require("spacy", extra="nlp", feature="spaCy span labeling functions")
    from spacy.matcher import Matcher

    if nlp is None:
        from ..nlp import get_pipeline

        nlp = get_pipeline("blank:en")
    matcher = Matcher(nlp.vocab)
    try:
        matcher.add(name, [[dict(t) for t in p] for p in patterns], greedy=greedy)
    except Exception as exc:  # spaCy raises its own errors on bad patterns; name the argument
        raise InputError(f"patterns: spaCy refused the Matcher patterns of LF {name!r}: {exc}") from exc

    def find(doc: SpanDoc) -> list[Span]:
        if not doc.tokens:
            return []
        return [(s, e, label) for _, s, e in matcher(doc.spacy(nlp))]

    return SpanLF(name, find, [label])


def spacy_ner_lf(name: str, nlp: Language, mapping: Mapping[str, str]) -> SpanLF:
    """Return a spaCy NER model as an LF: its entities of the types in ``mapping`` (spaCy label -> your type).

    Examples
    --------
    ``spacy_ner_lf("spacy_people", spacy.load("en_core_web_sm"), {"PERSON": "PER", "GPE": "LOC"})``
    """
    if not mapping:
        raise InputError("mapping: expected at least one spaCy entity label -> type pair")

    def find(doc: SpanDoc) -> list[Span]:
        if not doc.tokens:
            return []
        return [(e.start, e.end, mapping[e.label_]) for e in doc.spacy(nlp).ents if e.label_ in mapping]

    return SpanLF(name, find, sorted(set(mapping.values())))


def followed_by_lf(name: str, first: SpanLF, second: SpanLF, *, label: str, max_gap: int = 0,
                   keep: str = "both") -> SpanLF:
    r"""Spans built from two LFs' spans.

    A span of ``first`` followed, within ``max_gap`` tokens, by a span of ``second`` (say, a title
    followed by a capitalised name).

    ``keep``: ``"both"`` labels the whole stretch, ``"second"`` only the second span.

    Examples
    --------
    >>> title = gazetteer_lf("title", ["Dr", "Prof"], label="TITLE")
    >>> caps = regex_span_lf("caps", r"\b[A-Z][a-z]+\b", label="NAME")
    >>> doctor = followed_by_lf("doctor", title, caps, label="PER", keep="second")
    >>> doctor(SpanDoc.from_tokens("ask Dr Who today".split()))
    [(2, 3, 'PER')]
    """
    if keep not in ("both", "second"):
        raise InputError(f"keep: expected 'both' or 'second', got {keep!r}")

    def find(doc: SpanDoc) -> list[Span]:
        seconds = second(doc)
        out = {(s2 if keep == "second" else s1, e2, label)
               for s1, e1, _ in first(doc) for s2, e2, _ in seconds if e1 <= s2 <= e1 + max_gap}
        return sorted(out)

    return SpanLF(name, find, [label])


def apply_span_lfs(lfs: Sequence[SpanLF], docs: Sequence[SpanDoc | Sequence[str] | str], *,
                   types: Sequence[str] | None = None, nlp: Language | None = None) -> SpanMatrix:
    """Run span LFs over documents into a :class:`SpanMatrix`.

    Parameters
    ----------
    docs : SpanDoc, token lists or texts (texts are tokenized once with spaCy, ``nlp``)
    types : entity types, optional
        Default: every label the LFs declare, in order of first declaration (``"O"`` is an
        explicit no-entity vote, not a type).
    """
    if not lfs:
        raise InputError("lfs: expected at least one span LF")
    bad = [lf for lf in lfs if not isinstance(lf, SpanLF)]
    if bad:
        raise InputTypeError(f"lfs: expected SpanLF objects (gazetteer_lf, regex_span_lf, span_lf, ...), got "
                             f"{type(bad[0]).__name__}")
    names = [lf.name for lf in lfs]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(f"lfs: two LFs are named {dup!r}; names must be unique")
    prepared = [d if isinstance(d, SpanDoc) else SpanDoc.from_text(d, nlp) if isinstance(d, str)
                else SpanDoc.from_tokens(d) for d in docs]
    if types is None:
        types = list(dict.fromkeys(lab for lf in lfs for lab in lf.labels if lab != "O"))
    spans = []
    for i, doc in enumerate(prepared):
        row = []
        for lf in lfs:
            try:
                row.append(lf(doc))
            except LFError:
                raise
            except Exception as exc:
                raise LFError(f"LF {lf.name!r} failed on document {i}: {type(exc).__name__}: {exc}",
                              lf_name=lf.name, row_id=i) from exc
        spans.append(row)
    return SpanMatrix.from_spans(spans, [len(d) for d in prepared], types, names)
