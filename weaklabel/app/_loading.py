"""The project's review session, built once per server process in a background thread from the first page view on.

The LFs run (or the documents load) and the model fits while the expert signs in. The model is
shared; the answers live in the store; refits run in the background.
"""

from __future__ import annotations

import os
import threading
from collections.abc import MutableMapping
from concurrent.futures import Future
from typing import Any, cast

import streamlit as st

from weaklabel.review.project import Project


def _background_priority() -> None:
    """Lower this thread's CPU priority (Linux: a thread has its own nice value).

    The first fit then yields the cores to the server thread and the browser painting the sign-in form.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):   # not Linux, or not allowed: the load just competes
        pass


def page_state(state: MutableMapping[str, Any] | None = None) -> MutableMapping[str, Any]:
    """``state``, or else Streamlit's session state (a mutable mapping at run time, not typed as one).

    The views take a plain dict in tests.
    """
    return cast("MutableMapping[str, Any]", st.session_state) if state is None else state


@st.cache_resource(show_spinner=False)
def loading(path: str) -> Future[Any]:
    """Start building the session (a class, span or label-set session, by the project's kind)."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="weaklabel-load")

    def load() -> tuple[Any, threading.Lock]:
        _background_priority()
        project = Project.load(path)
        if project.kind == "spans":
            from weaklabel.review.span_session import SpanReviewSession

            return SpanReviewSession(project, background_refits=True), threading.Lock()
        if project.kind == "multilabel":
            from weaklabel.review.label_set_session import LabelSetReviewSession

            return LabelSetReviewSession(project, background_refits=True), threading.Lock()
        from weaklabel.review.session import ReviewSession

        return ReviewSession(project, background_refits=True), threading.Lock()

    return pool.submit(load)


def session(path: str, what: str) -> tuple[Any, threading.Lock]:
    """Return the session, waiting (with ``what`` on a spinner) if it is still being built."""
    fut = loading(path)
    try:
        if not fut.done():
            with st.spinner(what):
                return cast("tuple[Any, threading.Lock]", fut.result())
        return cast("tuple[Any, threading.Lock]", fut.result())
    except Exception:
        loading.clear()   # a failed load is not kept: the next page view tries again
        raise
