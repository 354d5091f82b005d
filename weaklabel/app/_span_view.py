"""The review app for span projects (``kind = "spans"``).

The span editor on the queue's next document, the LFs' and the model's spans beside it, agreement
between experts with the lead's resolution, and export.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from weaklabel.app._answer_view import doc_on_screen, pick_dispute, progress, project_tabs, refit_status
from weaklabel.app._loading import page_state
from weaklabel.app._sign_in import session_live
from weaklabel.app._span_editor import span_editor
from weaklabel.exceptions import WeakLabelError
from weaklabel.review._highlight import md_escape as _md
from weaklabel.review.span_session import SpanReviewSession


def _set_doc(doc: dict[str, Any] | None, state: MutableMapping[str, Any] | None = None) -> None:
    state = page_state(state)
    state["span_doc"] = doc
    state["span_shown"] = state.get("span_shown", 0) + 1


def _key(doc: dict[str, Any] | None, state: MutableMapping[str, Any] | None = None) -> str:
    state = page_state(state)
    return "" if doc is None else f"{doc['doc_id']}#{state.get('span_shown', 0)}"


def apply_action(sess: SpanReviewSession, lock: threading.Lock, annotator: str, action: Mapping[str, Any] | None,
                 state: MutableMapping[str, Any]) -> None:
    """Carry out one decision from the editor (``{"kind", "key", "spans"}``) on ``state`` (the page's session state).

    Store it and put the next document on screen. A decision whose ``key`` is not the document on screen
    (a key pressed twice, or during a re-render) is dropped: it was meant for a document already
    decided.
    """
    doc = state.get("span_doc")
    if not action or doc is None:
        return
    if action.get("key") != _key(doc, state):
        state["span_flash"] = "Ignored a second key press: its document is already done."
        return
    nxt = None
    with lock:
        kind = action.get("kind")
        try:
            if kind == "save":
                sess.save(doc["doc_id"], action.get("spans") or [], annotator)
            elif kind == "skip":
                sess.skip(doc["doc_id"], annotator)
            elif kind == "undo":
                nxt = sess.undo(annotator)
                state["span_flash"] = ("Took back your last decision: here it is again." if nxt
                                       else "Nothing to undo.")
                if nxt is None:
                    _set_doc(doc, state)      # a fresh key: the editor takes keys again
                    return
            else:
                return
        except WeakLabelError as exc:
            state["span_flash"] = f"Not saved: {exc}"
            _set_doc(doc, state)
            return
        if nxt is None:
            nxt = sess.next_doc(annotator)
    _set_doc(nxt, state)


def _on_action(sess: SpanReviewSession, lock: threading.Lock, annotator: str, path: str) -> None:
    """Return the editor's callback: it runs before the page re-renders, so one key press costs one run."""
    if not session_live(path, annotator):   # signed out elsewhere: the press is dropped
        return
    apply_action(sess, lock, annotator, st.session_state["span-editor"].action, page_state())


@st.fragment
def _label_tab(sess: SpanReviewSession, lock: threading.Lock, annotator: str, path: str) -> None:
    doc = doc_on_screen(sess, lock, annotator, "span", _set_doc, "documents")
    if doc is None:
        return
    st.caption(f"document {_md(doc['doc_id'])} · why this one: {_md(doc['reason'])}"
               + (" · your earlier answer is pre-filled" if doc.get("answered") else
                  " · the model's spans are pre-filled: Enter accepts them"))
    span_editor(doc["tokens"], doc["spans"], sess.types, key=_key(doc),
                on_action=lambda: _on_action(sess, lock, annotator, path))
    progress(sess, annotator, "documents")
    refit_status(sess)
    info = sess.last_refit
    if info is not None:
        changed = info["changed_docs"]
        st.info(f"Refit with {info['answers']} answered documents "
                + {"observed paths": "(used as observed tags",
                   "pattern layer": "(their tags correct tokens with the same LF votes",
                   "set aside": "(set aside: held out, they did not improve the model"}[info["how"]]
                + f"): the spans of {len(changed)} other documents changed"
                + (f", e.g. {', '.join(_md(d) for d in changed[:5])}" if changed else "") + ".")
    with st.expander("What the LFs and the model found here"):
        toks = doc["tokens"]
        rows = [{"source": "model", "text": " ".join(toks[s:e]), "type": t, "tokens": f"{s}-{e}"}
                for s, e, t in doc["model_spans"]]
        rows += [{"source": lf, "text": " ".join(toks[s:e]), "type": t, "tokens": f"{s}-{e}"}
                 for lf, spans in doc["lf_spans"].items() for s, e, t in spans]
        st.dataframe(pd.DataFrame(rows, columns=["source", "text", "type", "tokens"]), hide_index=True)


def _agreement_tab(sess: SpanReviewSession, annotator: str) -> None:
    agree = sess.store.agreement()
    st.caption("Span F1 between experts on the documents both answered (exact start, end and type)")
    st.dataframe(agree, hide_index=True)
    picked = pick_dispute(sess, "document", "dispute-doc")
    if picked is None:
        return
    doc_id, answers = picked
    tokens = sess.split.tokens[sess.ids.index(doc_id)]
    for _, row in answers.iterrows():
        shown = "; ".join(f"{' '.join(tokens[s:e])} [{t}]" for s, e, t in row["spans"]) or "(no entity)"
        st.text(f"{row['annotator']}: {shown}")
        if annotator in sess.project.leads:
            if st.button(f"Resolve with {row['annotator']}'s answer", key=f"resolve-{doc_id}-{row['annotator']}"):
                sess.store.resolve(doc_id, row["spans"], annotator, tokens=tokens)
                st.rerun()
    if annotator not in sess.project.leads:
        st.caption("A lead (leads in weaklabel.toml) resolves these.")


def _export_tab(sess: SpanReviewSession) -> None:
    fmt = st.radio("Format", ["WRENCH JSON", "BIO CoNLL", "spaCy DocBin"], horizontal=True, key="span-export-fmt")
    suffix = {"WRENCH JSON": ".json", "BIO CoNLL": ".conll", "spaCy DocBin": ".spacy"}[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        path, n = sess.store.export(Path(tmp) / f"{sess.project.name}{suffix}", sess.ids, sess.split.tokens)
        data = path.read_bytes()
    st.caption(f"{n} documents with an agreed or resolved answer")
    st.download_button(f"Download {fmt}", data, file_name=f"{sess.project.name}-spans{suffix}", key="span-export")


def span_main(path: str, annotator: str) -> None:
    """Return the span project's tabs, for a signed-in expert."""
    project_tabs(path, "span", "Loading the documents and fitting the sequence model...",
                 {"Label": lambda sess, lock: _label_tab(sess, lock, annotator, path),
                  "Agreement": lambda sess, lock: _agreement_tab(sess, annotator),
                  "Export": lambda sess, lock: _export_tab(sess)})
