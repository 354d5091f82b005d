"""weaklabel review app.

Experts label the items where the LFs disagree, most informative first; their labels go straight
into the store and the label model.

Run with ``weaklabel app --project weaklabel.toml`` (or ``streamlit run
weaklabel/app/review_app.py -- --project weaklabel.toml``).
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import sys
import threading
from typing import Any, cast

import pandas as pd
import streamlit as st

from weaklabel.app._loading import loading, session
from weaklabel.app._sign_in import check_host, session_live, signed_in
from weaklabel.app._suggest_view import suggestions_tab
from weaklabel.app._tabs import agreement_tab, analysis_tab, export_tab, history_tab
from weaklabel.exceptions import WeakLabelError
from weaklabel.review._highlight import display_text, highlight_html
from weaklabel.review._highlight import md_escape as _md
from weaklabel.review.access import AccessPolicy
from weaklabel.review.project import PROJECT_FILE, Project
from weaklabel.review.records import ReviewItem
from weaklabel.review.session import ReviewSession, StaleDecision


def _project_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project", default=os.environ.get("WEAKLABEL_PROJECT", PROJECT_FILE))
    args, _ = parser.parse_known_args(sys.argv[1:])
    return cast("str", args.project)


@st.cache_resource(show_spinner=False)
def _project(path: str) -> Project:
    return Project.load(path)


def _session(path: str) -> tuple[ReviewSession, threading.Lock]:
    return session(path, "Applying LFs and fitting the label model...")


def _show_content(content: dict[str, Any], sess: ReviewSession, spans: dict[str, Any] | None = None) -> None:
    """Item content, always inert.

    Text as text, or with the LFs' matches highlighted in HTML where every character of the data is
    escaped; entities (&#39;) shown as the characters they stand for; tables as tables; images only from
    files inside the project's folder (``ReviewSession.media_path``).
    """
    texts = {k: v for k, v in content.items() if isinstance(v, str)}
    for key, value in texts.items():
        image = sess.media_path(value)
        if image is not None:
            st.image(str(image), caption=key)
            continue
        st.caption(key)
        shown = html.unescape(value)
        if spans and spans.get(key):
            st.html(highlight_html(shown, spans[key], sess.labels.names))
        else:
            if len(shown) > 1500:   # a long text scrolls in its box: the buttons stay in view
                with st.container(height=360):
                    st.text(display_text(value))
            else:
                st.text(display_text(value))
    others = {k: v for k, v in content.items() if k not in texts}
    if others:
        st.dataframe(pd.DataFrame([others]).T.rename(columns={0: "value"}).astype(str))


def _set_item(item: ReviewItem | None) -> None:
    """Put an item on screen.

    Each item shown gets a new number (``shown``): the decision buttons carry it, so a press is bound to
    the item that was on screen when it was made.
    """
    st.session_state["item"] = item
    st.session_state["shown"] = st.session_state.get("shown", 0) + 1


def _act(kind: str, sess: ReviewSession, lock: threading.Lock, annotator: str, label: int | None = None,
         shown: int | None = None) -> None:
    """Carry out a decision, run as the button's callback.

    The store is written and the next item is leased before the panel re-renders, so one keypress costs
    one run.

    ``shown`` is the number of the item the button was drawn with. A press whose item is no
    longer on screen (a double press, key repeat, a press during a re-render) is dropped: it
    was aimed at an item already decided, and must not fall on one the expert never saw.
    """
    if kind != "refit" and shown != st.session_state.get("shown"):
        st.session_state["flash"] = "Ignored a second press: the item it was meant for is already done."
        return
    if not session_live(_project_path(), annotator):
        return
    item = st.session_state.get("item")
    nxt = None
    with lock:
        if kind == "refit":
            started = sess.refit_in_background()
            st.session_state["flash"] = ("Refitting in the background: keep labeling." if started
                                         else "A refit is already running.")
            if item is not None:
                return  # the expert has not decided yet: the same item stays on screen
        elif item is None:
            return
        elif kind in ("label", "skip"):
            try:
                if kind == "label":
                    note = st.session_state.get(f"note-{item.row_id}") or None
                    sess.label(item.row_id, label, annotator, note=note,  # refits in the background
                               seen_after=item.seen_after)   # the source: as the item was served
                else:
                    sess.skip(item.row_id, annotator, seen_after=item.seen_after)
            except StaleDecision:
                st.session_state["flash"] = ("You already decided that item in another tab: "
                                             "nothing recorded here. Here is your next one.")
        elif kind == "undo":
            undone = sess.undo(annotator)
            st.session_state["flash"] = ("Undid your last label: here it is again." if undone is not None
                                         else "Nothing to undo.")
            if undone is None:
                return
            sess.release(item.row_id, annotator)
            nxt = sess.item_for(undone, annotator)  # the undone item comes back on screen
        if nxt is None:
            nxt = sess.next_item(annotator)
    _set_item(nxt)


@st.fragment
def _label_tab(sess: ReviewSession, lock: threading.Lock, annotator: str) -> None:
    # A fragment: a decision re-renders this panel only, not the analysis and export tabs.
    if "flash" in st.session_state:
        st.toast(st.session_state.pop("flash"))
    if "item" not in st.session_state or st.session_state["item"] is None:
        with lock:
            _set_item(sess.next_item(annotator))
    item = st.session_state["item"]
    shown = st.session_state["shown"]
    if item is None:
        st.success("Nothing left in your queue. Thank you!")
        _progress_line(sess, annotator)
        return
    # content first, then the decision buttons: both above the fold
    _show_content(item.content, sess, item.spans)
    cols = st.columns(len(sess.labels) + 2)
    args = (sess, lock, annotator)
    # Keys carry the item's number: a press on buttons drawn for an earlier item is stale.
    for i, name in enumerate(sess.labels.names):
        cols[i].button(name, key=f"label-{i}-{shown}", shortcut=str(i + 1), type="primary",
                       help=sess.project.label_descriptions.get(name),
                       on_click=_act, args=("label", *args, i, shown), use_container_width=True)
    cols[-2].button("Skip", key=f"skip-{shown}", shortcut="s", on_click=_act, args=("skip", *args, None, shown),
                    use_container_width=True)
    cols[-1].button("Undo", key=f"undo-{shown}", shortcut="u", on_click=_act, args=("undo", *args, None, shown),
                    use_container_width=True)
    st.caption(f"row {_md(item.row_id)} · why this item: {_md(item.reason)}")
    st.text_input("Note (optional; saved with your label)", key=f"note-{item.row_id}")
    _progress_line(sess, annotator)
    if sess.notice:
        st.caption(_md(sess.notice))
    if sess.refitting:
        st.caption("Refitting the label model in the background; the queue updates when it is done.")
    if sess.refit_error:
        st.caption(f"The last refit failed ({_md(sess.refit_error)}); the previous model stays.")
    if len(sess.history) > 1:   # the first fit is the one the app started with
        info = sess.history[-1]
        moved = ", ".join(f"{_md(r.row_id)} {_md(r.old)}→{_md(r.new)}" for r in info.changed_rows)
        back = info.back
        st.info(f"Refit with {info.expert_labels} expert labels: {info.changed} rows without an expert "
                "label changed label" + (f" (e.g. {moved})" if moved else "")
                + (f", {back} of them back to their label before the last refit" if back else "")
                + ("" if info.accuracy_on_expert_labels is None else
                   f"; model accuracy on expert labels {info.accuracy_on_expert_labels:.0%}"))
    with st.expander("LF votes and model probabilities"):
        left, right = st.columns(2)
        left.dataframe(pd.DataFrame({"vote": item.votes}) if item.votes else pd.DataFrame({"vote": []}))
        right.dataframe(pd.DataFrame({"probability": [f"{p:.0%}" for p in item.probs.values()]},
                                     index=list(item.probs)))
    st.button("Refit now", key="refit", help="refit the label model with all expert labels and re-rank",
              on_click=_act, args=("refit", *args))


def _progress_line(sess: ReviewSession, annotator: str) -> None:
    prog = sess.progress(annotator)
    agree = prog.agreement_with_model
    st.caption(f"{prog.remaining} remaining for you · {prog.mine} labeled by you · "
               f"{prog.answered} rows labeled by all experts · your agreement with the model: "
               + ("-" if agree is None else f"{agree:.0%}"))


# Our own fixed script, no data in it. Enter saves the note and Escape leaves the box: either
# way the focus goes back to the page, so the next key is a label key again, not a letter of
# the note. (Streamlit commits a text box's value on Enter and on blur.)
_NOTE_KEYS = """<script>
(() => {
  const page = window.parent;
  if (page.__weaklabelNoteKeys) return;
  page.__weaklabelNoteKeys = true;
  page.document.addEventListener("keydown", (e) => {
    const box = e.target;
    if (box.tagName !== "INPUT" || !(box.getAttribute("aria-label") || "").startsWith(NOTE)) return;
    if (e.key === "Escape") box.blur();
    else if (e.key === "Enter") setTimeout(() => box.blur(), 0);
  }, true);
})();
</script>""".replace("NOTE", '"Note (optional"')


def main() -> None:
    """Render the review app's page for the signed-in expert (Streamlit runs it on every interaction)."""
    st.set_page_config(page_title="weaklabel review", layout="wide")
    # our own fixed CSS, no data in it: the running indicator's Stop button would flicker at
    # every keypress (decisions are quick reruns)
    st.html("<style>[data-testid='stStatusWidget']{visibility:hidden}</style>")
    st.html(_NOTE_KEYS, unsafe_allow_javascript=True)
    check_host()
    path = _project_path()
    try:
        policy = AccessPolicy.from_env()
    except WeakLabelError as exc:  # details go to the operator's log, not to visitors
        logging.getLogger("weaklabel.app").error("access control misconfigured: %s", exc)
        st.error("This app's access control is misconfigured, so it serves no one. The operator can see "
                 "why in the server log.")
        st.stop()
    try:
        project = _project(path)
    except WeakLabelError as exc:
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    st.subheader(f"weaklabel review: {project.name}")
    if project.kind in ("spans", "multilabel"):
        # entities in documents: the span editor (_span_view.py); label sets: _label_set_view.py
        try:
            annotator = signed_in(policy, project, path)
        except WeakLabelError as exc:
            st.error(f"Cannot open the project: {_md(exc)}")
            st.stop()
        finally:
            loading(path)           # the documents load and the model fits while the expert signs in
        if project.kind == "spans":
            from weaklabel.app._span_view import span_main

            span_main(path, annotator)
        else:
            from weaklabel.app._label_set_view import label_set_main

            label_set_main(path, annotator)
        return
    try:
        annotator = signed_in(policy, project, path)
    except WeakLabelError as exc:   # the store cannot be reached
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    finally:
        # the LFs run and the model fits while the expert signs in; started once the form is
        # drawn, so the first paint does not share the interpreter with the load
        loading(path)
    try:
        sess, lock = _session(path)
    except WeakLabelError as exc:
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    _guidelines(sess)
    # Only the open tab is built: switching tabs reruns the app, so every tab shows fresh
    # numbers, and the label keys exist only while the Label tab is open.
    names = ["Label", "My history", "Agreement", "LF analysis", "Suggestions", "Export"]
    tabs = st.tabs(names, key="tab", on_change="rerun", default=names[0])
    active = st.session_state.get("tab") or names[0]
    views = {"Label": lambda: _label_tab(sess, lock, annotator),
             "My history": lambda: history_tab(sess, lock, annotator),
             "Agreement": lambda: agreement_tab(sess, lock, annotator, path),
             "LF analysis": lambda: analysis_tab(sess),
             "Suggestions": lambda: suggestions_tab(sess, lock, annotator, path),
             "Export": lambda: export_tab(sess)}
    with tabs[names.index(active)]:
        views[active]()


def _guidelines(sess: ReviewSession) -> None:
    """Show the project's guidelines and label descriptions in the sidebar.

    They are markdown; Streamlit never renders raw HTML from it.
    """
    text = sess.project.guidelines_text()
    if sess.project.label_descriptions:
        st.sidebar.caption("Labels")
        for name, desc in sess.project.label_descriptions.items():
            st.sidebar.markdown(f"**{name}**: {desc}")
    if text:
        with st.sidebar.expander("Guidelines", expanded=False):
            st.markdown(text)


if __name__ == "__main__":   # `streamlit run` runs the file as __main__; apps/review_app.py calls main()
    main()
