"""What the span view and the label-set view share.

The document on screen (or the empty-queue screen with its undo and look-again buttons), the
progress line, the refit status and the project's tabs. Each view keeps its page state under its own
prefix (``span_doc``, ``ml_doc``, ...), so two kinds of view never read each other's document.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import streamlit as st

from weaklabel.app._loading import session
from weaklabel.exceptions import WeakLabelError
from weaklabel.review._highlight import md_escape as _md


def _undo_when_done(sess: Any, lock: threading.Lock, annotator: str, prefix: str,
                    set_doc: Callable[[dict[str, Any] | None], None]) -> None:
    """Undo the last decision from the empty queue's button (no decision keys there): it comes back."""
    with lock:
        back = sess.undo(annotator)
    st.session_state.pop(f"{prefix}_done", None)
    set_doc(back)
    st.session_state[f"{prefix}_flash"] = ("Took back your last decision: here it is again." if back
                                           else "Nothing to undo.")


def doc_on_screen(sess: Any, lock: threading.Lock, annotator: str, prefix: str,
                  set_doc: Callable[[dict[str, Any] | None], None], noun: str) -> dict[str, Any] | None:
    """Return the document this expert is deciding (the queue's next on first view).

    It is drawn after any message the last decision left; None, with the empty-queue screen drawn, when
    the queue is done.
    """
    if f"{prefix}_flash" in st.session_state:
        st.toast(st.session_state.pop(f"{prefix}_flash"))
    if st.session_state.get(f"{prefix}_doc") is None and f"{prefix}_done" not in st.session_state:
        with lock:
            set_doc(sess.next_doc(annotator))
    doc = st.session_state.get(f"{prefix}_doc")
    if doc is not None:
        return cast("dict[str, Any] | None", doc)
    st.session_state[f"{prefix}_done"] = True
    st.success("Nothing left in your queue. Thank you!")
    progress(sess, annotator, noun)
    left, right = st.columns(2)
    left.button("Undo my last decision", key=f"{prefix}-undo-done", on_click=_undo_when_done,
                args=(sess, lock, annotator, prefix, set_doc))
    right.button(f"Look for new {noun}", key=f"{prefix}-look-again", on_click=st.session_state.pop,
                 args=(f"{prefix}_done", None), help=f"another expert's undo, or a refit, can free {noun}")
    return None


def progress(sess: Any, annotator: str, noun: str) -> None:
    p = sess.progress(annotator)
    st.caption(f"{p.remaining} remaining for you · {p.mine} answered by you · {p.answered} of "
               f"{p.total} {noun} answered by the experts")


def refit_status(sess: Any) -> None:
    if sess.refitting:
        st.caption("Refitting the model on the answers in the background; the queue updates when it is done.")
    if sess.refit_error:
        st.caption(f"The last refit failed ({_md(sess.refit_error)}); the previous model stays.")


def project_tabs(path: str, prefix: str, loading_what: str,
                 views: dict[str, Callable[[Any, threading.Lock], None]]) -> None:
    """Return the project's tabs for a signed-in expert; only the open one is built."""
    try:
        sess, lock = session(path, loading_what)
    except WeakLabelError as exc:
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    names = list(views)
    tabs = st.tabs(names, key=f"{prefix}-tab", on_change="rerun", default=names[0])
    active = st.session_state.get(f"{prefix}-tab") or names[0]
    with tabs[names.index(active)]:
        views[active](sess, lock)


def pick_dispute(sess: Any, noun: str, key: str) -> tuple[Any, Any] | None:
    """Return the disagreement picker of the Agreement tab.

    The items where experts' answers differ, one chosen, with their answers; None (and a note) when
    there are none.
    """
    dis = sess.store.disagreements()
    if dis.empty:
        st.caption("No open disagreements.")
        return None
    docs = list(dict.fromkeys(dis["doc_id"]))
    st.caption(f"{len(docs)} {noun}s where experts differ")
    doc_id = st.selectbox(noun.capitalize(), docs, key=key)
    return doc_id, dis[dis["doc_id"] == doc_id]
