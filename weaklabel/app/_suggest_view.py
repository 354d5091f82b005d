"""The review app's Suggestions tab.

LFs mined from the experts' labels, one at a time with its numbers and five example items (the
matched words highlighted), accepted (``a``), rejected (``x``; Streamlit keeps ``r`` for rerun) or
edited and accepted. An accepted rule becomes an LF of the project and the model refits; every
decision is kept in the store, so nothing decided is proposed again.
"""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import streamlit as st

from weaklabel.app._sign_in import session_live
from weaklabel.exceptions import WeakLabelError
from weaklabel.review._highlight import highlight_html
from weaklabel.review._highlight import md_escape as _md
from weaklabel.review.session import ReviewSession
from weaklabel.suggest.decisions import describe_rule

MIN_LABELS = 10   # fewer expert labels than this leave nothing to mine (suggest_lfs needs 2 per fold)


def _decide(kind: str, sess: ReviewSession, lock: threading.Lock, annotator: str, path: str,
            rule: dict[str, Any], edited: dict[str, Any] | None = None) -> None:
    """Return a button's callback (it runs before the page): accept, accept as edited, or reject."""
    if not session_live(path, annotator):
        return
    try:
        with lock:
            if kind == "reject":
                sess.reject_rule(rule, annotator)
                st.session_state["flash"] = "Rejected: it will not be suggested again."
                return
            name = sess.accept_rule(edited or rule, annotator, origin=rule if edited else None)
    except WeakLabelError as exc:
        st.session_state["flash"] = f"Not accepted: {exc}"
        return
    st.session_state["suggest_accepted"] = (name, len(sess.history))
    st.session_state["flash"] = f"Accepted {name}: it is an LF of the project now; the model refits."


def _edit_form(rule: dict[str, Any], names: list[str], key: str) -> dict[str, Any] | None:
    """Draw the edit box under a suggestion and return the edited rule once submitted, else None.

    The box holds keywords, a pattern, or a threshold's comparison and value, and the class.
    """
    with st.form(f"suggest-edit-{key}", border=True):
        if rule["kind"] == "similar":
            cosine = st.number_input("TF-IDF cosine to the nearest example, at least", min_value=0.05, max_value=1.0,
                                     value=float(rule["threshold"]), step=0.05, format="%.2f",
                                     key=f"suggest-cosine-{key}")
        elif rule["kind"] == "threshold":
            left, right = st.columns([1, 2])
            op = left.selectbox(f"{rule['column']} is", [">", ">=", "<", "<="], index=[">", ">=", "<", "<="].index(
                rule["op"]), key=f"suggest-op-{key}")
            value = right.number_input("Value", value=float(rule["value"]), format="%g", key=f"suggest-value-{key}")
        else:
            label = "Keywords, separated by commas" if rule["kind"] == "keyword" else "Regular expression"
            shown = ", ".join(rule["terms"]) if rule["kind"] == "keyword" else rule["pattern"]
            text = st.text_input(label, value=shown, key=f"suggest-text-{key}")
        cls = st.selectbox("Class it votes", names, index=names.index(rule["label"]), key=f"suggest-cls-{key}")
        if not st.form_submit_button("Accept as edited"):
            return None
    if rule["kind"] == "similar":
        return {"kind": "similar", "examples": rule["examples"], "threshold": cosine, "label": cls, "name": ""}
    if rule["kind"] == "threshold":
        return {"kind": "threshold", "column": rule["column"], "op": op, "value": value, "label": cls, "name": ""}
    if rule["kind"] == "keyword":
        return {"kind": "keyword", "terms": [t.strip() for t in text.split(",")], "label": cls, "name": ""}
    return {"kind": "regex", "pattern": text, "label": cls, "name": ""}


def _refit_done(sess: ReviewSession) -> bool:
    name, fits_before = st.session_state["suggest_accepted"]
    return not sess.refitting and len(sess.history) > fits_before


@st.fragment(run_every=1.0)
def _refit_pending(sess: ReviewSession) -> None:
    """Poll while an accepted rule's refit runs and rerun the page when it is done.

    It polls once a second, and only while that refit runs.
    """
    if _refit_done(sess):
        st.rerun()
    st.caption(f"Refitting the model with {_md(st.session_state['suggest_accepted'][0])}; the numbers update "
               "when it is done.")


def _refit_note(sess: ReviewSession) -> None:
    done = st.session_state.get("suggest_accepted")
    if done is None:
        return
    if not _refit_done(sess):
        _refit_pending(sess)
        return
    info = sess.history[-1]
    moved = ", ".join(f"{_md(r.row_id)} {_md(r.old)}→{_md(r.new)}" for r in info.changed_rows)
    st.info(f"Refit with {_md(done[0])}: {info.changed} rows without an expert label changed label"
            + (f" (e.g. {moved})" if moved else "")
            + ("" if info.accuracy_on_expert_labels is None else
               f"; model accuracy on expert labels {info.accuracy_on_expert_labels:.0%}") + ".")


def suggestions_tab(sess: ReviewSession, lock: threading.Lock, annotator: str, path: str) -> None:
    if "flash" in st.session_state:
        st.toast(st.session_state.pop("flash"))
    _refit_note(sess)
    n_labels = int((sess.expert_gold() >= 0).sum())
    if n_labels < MIN_LABELS:
        st.info(f"Suggestions are mined from the experts' labels: label at least {MIN_LABELS} items first "
                f"({n_labels} so far).")
        return
    key = (n_labels, len(sess.suggestion_log.events()), sess.L.n_lfs)
    cached = st.session_state.get("suggest_cache")
    if cached is None or cached[0] != key:
        with st.spinner("Mining LFs from the experts' labels..."):
            try:
                found = sess.suggestions(top=10).attrs["suggestions"]
            except WeakLabelError as exc:
                st.info(f"No suggestions yet: {_md(exc)}")
                return
        cached = (key, found)
        st.session_state["suggest_cache"] = cached
    found = cached[1]
    if not found:
        st.success("No suggestions left: every rule the labels support is an LF already, or was decided on.")
        return
    best = found[0]
    rule = best.rule()
    kind = {"keyword": "keywords", "regex": "pattern", "similar": "neighbourhood"}.get(rule["kind"], rule["kind"])
    # escaped markdown, not a code span: a code span would show the escapes' backslashes
    st.markdown(f"**Suggestion 1 of {len(found)}:** {kind} {_md(describe_rule(rule))} → **{_md(rule['label'])}**")
    gain = "–" if best.gain != best.gain else f"{best.gain * 100:+.1f} points"
    cols = st.columns(5)
    cols[0].metric("precision", f"{best.precision:.0%}", help=f"95% Wilson lower bound {best.lower:.0%}")
    cols[1].metric("labeled rows", best.n)
    cols[2].metric("coverage", f"{best.coverage:.1%}")
    cols[3].metric("overlap with LFs", f"{best.overlap:.0%}")
    cols[4].metric("gain", gain, help="cross-validated change in held-out accuracy when added (labeled rows only)")
    args = (sess, lock, annotator, path, rule)
    left, right = st.columns(2)
    left.button("Accept", key=f"suggest-accept-{best.name}", shortcut="a", type="primary", on_click=_decide,
                args=("accept", *args), use_container_width=True)
    right.button("Reject", key=f"suggest-reject-{best.name}", shortcut="x", on_click=_decide, args=("reject", *args),
                 use_container_width=True)
    edited = _edit_form(rule, list(sess.labels.names), best.name)
    if edited is not None:
        _decide("accept", *args, edited=edited)
        st.rerun()
    st.caption("Examples where it fires (expert-labeled first):")
    for ex in sess.examples(rule):
        spans = [(a, b, best.name, rule["label"]) for a, b in ex["spans"]]
        st.html(highlight_html(ex["text"], spans, sess.labels.names))
        st.caption(f"row {_md(ex['row_id'])} · " + ("no expert label" if ex["expert"] is None else
                                                      f"expert label: {_md(ex['expert'])}"))
    if len(found) > 1:
        st.caption("Next suggestions")
        st.dataframe(pd.DataFrame([{"rule": s.describe().split(": ", 1)[1], "precision": round(s.precision, 2),
                                    "coverage": round(s.coverage, 3), "gain": round(s.gain * 100, 1)}
                                   for s in found[1:]]), hide_index=True)
