"""Label Studio's NER round trip.

Documents out as tasks with the model's spans as predictions (``labels`` results in character
offsets), annotated spans back as token spans.

Label Studio works in characters, weaklabel in tokens. A task's text is the document's text
when there is one, else its tokens joined by spaces, and ``token_offsets`` says where each token
lies in it; the tokens travel in the task's data (``weaklabel_tokens``), so a pull maps an
annotator's character range back to the tokens it touches without the original files. A
character range that touches no token (only spaces) is dropped, and one that cuts a token keeps
the whole token: the expert meant that word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ..exceptions import InputError
from ..spans.tags import Span, resolve_overlaps
from .labelstudio import _Resolver

TOKENS_FIELD = "weaklabel_tokens"
DOC_FIELD = "row_id"          # as class tasks: Label Studio's data key for weaklabel's id


def ner_labeling_config(types: Sequence[str], *, text_name: str = "text", from_name: str = "label") -> str:
    """Return a Label Studio config for span labeling: a ``Labels`` control over a ``Text`` object."""
    labels = "".join(f'<Label value="{escape(t, quote=True)}"/>' for t in types)
    return (f'<View><Labels name="{escape(from_name, quote=True)}" toName="{escape(text_name, quote=True)}">'
            f'{labels}</Labels><Text name="{escape(text_name, quote=True)}" value="${escape(text_name)}"/></View>')


def token_offsets(tokens: Sequence[str], text: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    """(text, each token's ``(start, end)`` characters in it).

    Without ``text`` the tokens are joined by single spaces; with it, each token is found in order
    (tokens must appear in it).

    Examples
    --------
    >>> token_offsets(["Ada", "met", "Bob"])
    ('Ada met Bob', [(0, 3), (4, 7), (8, 11)])
    """
    if text is None:
        text = " ".join(tokens)
    out: list[tuple[int, int]] = []
    at = 0
    for i, tok in enumerate(tokens):
        start = text.find(tok, at)
        if start < 0:
            raise InputError(f"tokens: token {i} ({tok!r}) is not in the text after character {at}; pass the text "
                             "the tokens were cut from, or no text (the tokens are then joined by spaces)")
        out.append((start, start + len(tok)))
        at = start + len(tok)
    return text, out


def char_span_to_tokens(start: int, end: int, offsets: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """Return the tokens a character range ``[start, end)`` touches, as ``(first, last + 1)``.

    None if it touches none.
    """
    hit = [i for i, (s, e) in enumerate(offsets) if s < end and start < e]
    return (hit[0], hit[-1] + 1) if hit else None


def span_tasks(ids: Sequence[Any], tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]] | None = None,
               *, texts: Sequence[str] | None = None, model_version: str = "weaklabel", from_name: str = "label",
               to_name: str = "text") -> list[dict[str, Any]]:
    """Label Studio tasks for documents, with ``spans`` (e.g. the label model's) as predictions.

    Each task's ``data`` has the text (``to_name``), ``row_id`` (the document's id) and
    ``weaklabel_tokens``; each predicted span is a ``labels`` result with its character offsets.
    """
    if len(ids) != len(tokens) or (spans is not None and len(spans) != len(ids)) \
            or (texts is not None and len(texts) != len(ids)):
        raise InputError("tokens: expected one token list (and one span list, one text) per id")
    out = []
    for d, (doc_id, toks) in enumerate(zip(ids, tokens)):
        text, offsets = token_offsets(list(toks), None if texts is None else texts[d])
        task: dict[str, Any] = {"data": {to_name: text, DOC_FIELD: str(doc_id), TOKENS_FIELD: list(toks)}}
        if spans is not None:
            result = []
            for k, (s, e, label) in enumerate(resolve_overlaps(spans[d])):
                if not 0 <= s < e <= len(toks):
                    raise InputError(f"spans: ({s}, {e}, {label!r}) lies outside document {doc_id!r}")
                cs, ce = offsets[s][0], offsets[e - 1][1]
                result.append({"id": f"wl{d}-{k}", "from_name": from_name, "to_name": to_name, "type": "labels",
                               "value": {"start": cs, "end": ce, "text": text[cs:ce], "labels": [label]}})
            task["predictions"] = [{"model_version": model_version, "result": result}]
        out.append(task)
    return out


def parse_span_export(exported: Sequence[Mapping[str, Any]], types: Sequence[str], *, project: Any,
                      users: Mapping[Any, str] | None = None, from_name: str | None = None,
                      text_name: str = "text") -> list[dict[str, Any]]:
    """Annotated spans from Label Studio's JSON export, as :meth:`SpanStore.import_external` records.

    Tasks without ``row_id`` and tokens (made in Label Studio, not pushed by weaklabel) are
    skipped; cancelled annotations count as absent. Labels outside ``types`` are an error that
    names the task.
    """
    # the same resolver the choice exports use: emails, known user ids, ids an export names once
    res = _Resolver(list(types), None, {str(k): str(v) for k, v in (users or {}).items()})
    for task in exported:
        for ann in task.get("annotations") or []:
            res.learn(ann.get("completed_by"))
    allowed = set(types)
    out = []
    for task in exported:
        data = task.get("data") or {}
        toks, doc_id = data.get(TOKENS_FIELD), data.get(DOC_FIELD)
        if not isinstance(toks, list) or doc_id is None:
            continue
        _, offsets = token_offsets([str(t) for t in toks], data.get(text_name))
        for ann in task.get("annotations") or []:
            if ann.get("was_cancelled"):
                continue
            found: list[Span] = []
            for r in ann.get("result") or []:
                if r.get("type") != "labels" or (from_name is not None and r.get("from_name") != from_name):
                    continue
                value = r.get("value") or {}
                for label in value.get("labels") or []:
                    if label not in allowed:
                        raise InputError(f"task {task.get('id')}: label {label!r} is not one of {list(types)}; add it "
                                         "to the types or rename it in Label Studio")
                    hit = char_span_to_tokens(int(value["start"]), int(value["end"]), offsets)
                    if hit is not None:
                        found.append((hit[0], hit[1], str(label)))
            out.append({"doc_id": str(doc_id), "spans": resolve_overlaps(found), "tokens": [str(t) for t in toks],
                        "annotator": res.annotator(ann.get("completed_by"), f"task {task.get('id')}"),
                        "external_id": f"ls:{project}:{ann.get('id')}",
                        "version": str(ann.get("updated_at") or ann.get("created_at") or "")})
    return out
