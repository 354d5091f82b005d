"""The review app for multi-label projects (``kind = "multilabel"``).

The queue's next item with the model's labels switched on, one key per label to switch it, Enter to
submit the set; agreement between experts with the lead's resolution; and export.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st

from weaklabel.app._answer_view import doc_on_screen, pick_dispute, progress, project_tabs, refit_status
from weaklabel.app._loading import page_state
from weaklabel.app._sign_in import session_live
from weaklabel.exceptions import WeakLabelError
from weaklabel.review._highlight import display_text
from weaklabel.review._highlight import md_escape as _md
from weaklabel.review.label_set_session import LabelSetReviewSession

# One key per label, in label order: digits first, then letters. Streamlit keeps c and r for
# itself (clear cache, rerun); s skips and u undoes. Labels past the 32nd get no key (a button only).
LABEL_KEYS = [*"1234567890", *"abdefghijklmnopqtvwxyz"]


def _set_item(item: dict[str, Any] | None, state: MutableMapping[str, Any] | None = None) -> None:
    """Put an item on screen with its pre-selected labels.

    Each item shown gets a new number: the buttons carry it, so a press is bound to the item that was on
    screen when it was made.
    """
    state = page_state(state)
    state["ml_doc"] = item
    state["ml_selected"] = [] if item is None else list(item["labels"])
    state["ml_shown"] = state.get("ml_shown", 0) + 1


def act(sess: LabelSetReviewSession, lock: threading.Lock, annotator: str, kind: str, shown: int,
        state: MutableMapping[str, Any], label: str | None = None) -> None:
    """One key press, run as the button's callback (before the panel re-renders).

    ``toggle`` a label, ``submit`` the selected set, ``skip`` or ``undo``. A press drawn for an item no
    longer on screen (a double press, key repeat) is dropped: it was meant for an item already decided.
    """
    item = state.get("ml_doc")
    if item is None or shown != state.get("ml_shown"):
        state["ml_flash"] = "Ignored a second press: the item it was meant for is already done."
        return
    if kind == "toggle":
        chosen = list(state.get("ml_selected", []))
        state["ml_selected"] = [x for x in chosen if x != label] if label in chosen else [*chosen, label]
        return
    nxt = None
    with lock:
        try:
            if kind == "submit":
                picked = set(state.get("ml_selected", []))
                sess.save(item["doc_id"], [x for x in sess.labels if x in picked], annotator)
            elif kind == "skip":
                sess.skip(item["doc_id"], annotator)
            elif kind == "undo":
                nxt = sess.undo(annotator)
                state["ml_flash"] = "Took back your last decision: here it is again." if nxt else "Nothing to undo."
                if nxt is None:
                    return
            else:
                return
        except WeakLabelError as exc:
            state["ml_flash"] = f"Not saved: {exc}"
            return
        if nxt is None:
            nxt = sess.next_doc(annotator)
    _set_item(nxt, state)


def _press(path: str, sess: LabelSetReviewSession, lock: threading.Lock, annotator: str, *rest: Any) -> None:
    """Return a button's callback: :func:`act`, unless the session ended (signed out elsewhere)."""
    if session_live(path, annotator):
        act(sess, lock, annotator, *rest)


@st.fragment
def _label_tab(sess: LabelSetReviewSession, lock: threading.Lock, annotator: str, path: str) -> None:
    # A fragment: a key press re-renders this panel only.
    item = doc_on_screen(sess, lock, annotator, "ml", _set_item, "items")
    if item is None:
        return
    shown = st.session_state["ml_shown"]
    text = display_text(item["text"])
    if len(text) > 1500:   # a long text scrolls in its box: the buttons stay in view
        with st.container(height=300):
            st.text(text)
    else:
        st.text(text)
    selected = set(st.session_state.get("ml_selected", []))
    st.caption("Switch labels with their keys, then Enter submits the set (none switched on: no label applies). "
               + ("Your earlier answer is switched on." if item.get("answered") else
                  "The model's labels are switched on."))
    per_row = 5
    args = (path, sess, lock, annotator)
    descriptions = sess.project.label_descriptions
    for start in range(0, len(sess.labels), per_row):
        cols = st.columns(per_row)
        for j, name in enumerate(sess.labels[start:start + per_row]):
            i = start + j
            key = LABEL_KEYS[i] if i < len(LABEL_KEYS) else None
            on = name in selected
            cols[j].button(("✓ " if on else "") + name, key=f"ml-toggle-{i}-{shown}", shortcut=key,
                           type="primary" if on else "secondary", help=descriptions.get(name),
                           on_click=_press, args=(*args, "toggle", shown, st.session_state, name),
                           use_container_width=True)
    left, mid, right = st.columns(3)
    left.button("Submit", key=f"ml-submit-{shown}", shortcut="Enter", type="primary", use_container_width=True,
                on_click=_press, args=(*args, "submit", shown, page_state()))
    mid.button("Skip", key=f"ml-skip-{shown}", shortcut="s", use_container_width=True,
               on_click=_press, args=(*args, "skip", shown, page_state()))
    right.button("Undo", key=f"ml-undo-{shown}", shortcut="u", use_container_width=True,
                 on_click=_press, args=(*args, "undo", shown, page_state()))
    chosen = [x for x in sess.labels if x in selected]
    st.caption(f"item {_md(item['doc_id'])} · why this item: {_md(item['reason'])} · selected: "
               + (_md(", ".join(chosen)) if chosen else "none"))
    progress(sess, annotator, "items")
    refit_status(sess)
    info = sess.last_refit
    if info is not None:
        changed = info["changed_items"]
        st.info(f"Refit with {info['answers']} answered items"
                + (f" ({info['taught']} audit answers tuned the thresholds)" if info["taught"] else
                   " (answers fix their own items; thresholds are tuned once 50 audit items are answered)")
                + f": the labels of {len(changed)} other items changed"
                + (f", e.g. {', '.join(_md(d) for d in changed[:5])}" if changed else "") + ".")
    with st.expander("LF votes and model probabilities"):
        # plain text, not tables: this panel re-renders at every key press
        lcol, rcol = st.columns(2)
        lcol.text("\n".join(f"{lf}: {', '.join(v)}" for lf, v in item["lf_votes"].items()) or "no LF voted")
        rcol.text("\n".join(f"{lab}: {p:.0%}" for lab, p in sorted(item["probs"].items(), key=lambda kv: -kv[1])))


def _agreement_tab(sess: LabelSetReviewSession, annotator: str) -> None:
    st.caption("Between experts, on the items both answered: same set, mean Jaccard of the sets, and Cohen's "
               "kappa per label averaged over the labels either used")
    st.dataframe(sess.store.agreement(), hide_index=True)
    picked = pick_dispute(sess, "item", "ml-dispute-doc")
    if picked is None:
        return
    doc_id, answers = picked
    st.text(display_text(sess.texts[sess.ids.index(doc_id)]))
    for _, row in answers.iterrows():
        st.text(f"{row['annotator']}: {', '.join(row['labels']) or '(no label)'}")
        if annotator in sess.project.leads:
            if st.button(f"Resolve with {row['annotator']}'s set", key=f"ml-resolve-{doc_id}-{row['annotator']}"):
                sess.store.resolve(doc_id, list(row["labels"]), annotator, text=sess.texts[sess.ids.index(doc_id)])
                st.rerun()
    if annotator not in sess.project.leads:
        st.caption("A lead (leads in weaklabel.toml) resolves these.")


def _export_tab(sess: LabelSetReviewSession) -> None:
    shape = st.radio("Labels as", ["a list column", "one 0/1 column per label"], horizontal=True, key="ml-export-as")
    fmt = "list" if shape == "a list column" else "onehot"
    which = st.radio("Items", ["every item (experts' sets, else the model's)", "answered items only"],
                     horizontal=True, key="ml-export-which")
    if which.startswith("every"):
        df = sess.labeled_frame(fmt)
        if fmt == "list":
            df["labels"] = df["labels"].map("|".join)
        data = df.to_csv(index=False).encode()
        st.caption(f"{int((df['source'] == 'expert').sum())} of {len(df)} items carry the experts' set")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path, n = sess.store.export(Path(tmp) / "labels.csv", sess.ids, sess.texts, format=fmt)
            data = path.read_bytes()
        st.caption(f"{n} items with an agreed or resolved set")
    st.download_button("Download CSV", data, file_name=f"{sess.project.name}-labels.csv", key="ml-export")


def label_set_main(path: str, annotator: str) -> None:
    """Return the multi-label project's tabs, for a signed-in expert."""
    project_tabs(path, "ml", "Applying the LFs and fitting the multi-label model...",
                 {"Label": lambda sess, lock: _label_tab(sess, lock, annotator, path),
                  "Agreement": lambda sess, lock: _agreement_tab(sess, annotator),
                  "Export": lambda sess, lock: _export_tab(sess)})
