"""weaklabel review app: experts label the items where the LFs disagree, most
informative first; their labels go straight into the store and the label model.

Run with ``weaklabel app --project weaklabel.toml`` (or ``streamlit run
apps/review_app.py -- --project weaklabel.toml``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from weaklabel.access import AccessPolicy
from weaklabel.exceptions import WeakLabelError
from weaklabel.project import PROJECT_FILE, Project
from weaklabel.review import ReviewSession
from weaklabel.store import check_annotator



def _project_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project", default=os.environ.get("WEAKLABEL_PROJECT", PROJECT_FILE))
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.project


@st.cache_resource(show_spinner="Applying LFs and fitting the label model...")
def _session(path: str) -> tuple[ReviewSession, threading.Lock]:
    # One session per server process: the model is shared, the labels live in the store.
    return ReviewSession(Project.load(path)), threading.Lock()


def _show_content(content: dict, sess: ReviewSession) -> None:
    """Item content, always inert: text as text (never HTML), tables as tables, and images
    only from files inside the project's folder (``ReviewSession.media_path``)."""
    texts = {k: v for k, v in content.items() if isinstance(v, str)}
    for key, value in texts.items():
        image = sess.media_path(value)
        if image is not None:
            st.image(str(image), caption=key)
        else:
            st.caption(key)
            st.text(value)
    others = {k: v for k, v in content.items() if k not in texts}
    if others:
        st.dataframe(pd.DataFrame([others]).T.rename(columns={0: "value"}).astype(str))


def _label_tab(sess: ReviewSession, lock: threading.Lock, annotator: str) -> None:
    prog = sess.progress(annotator)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("labeled (all experts)", prog["labeled"])
    c2.metric("remaining in queue", prog["remaining"])
    c3.metric("your labels", prog["mine"])
    agree = prog["agreement_with_model"]
    c4.metric("your agreement with model", "-" if agree is None else f"{agree:.0%}")
    if "last_refit" in st.session_state:
        info = st.session_state["last_refit"]
        st.info(f"Refit with {info['expert_labels']} expert labels: {info['changed']} rows changed label"
                + ("" if info["accuracy_on_expert_labels"] is None else
                   f"; model accuracy on expert labels {info['accuracy_on_expert_labels']:.0%}"))
    if st.button("Refit now", key="refit", help="refit the label model with all expert labels and re-rank"):
        with lock:
            st.session_state["last_refit"] = sess.refit()
        st.session_state["item"] = None
        st.rerun()
    item = st.session_state.get("item")
    if item is None:
        with lock:
            item = sess.next_item(annotator)
        st.session_state["item"] = item
    if item is None:
        st.success("Nothing left in your queue. Thank you!")
        return
    st.subheader(f"Item {item['row_id']}")
    st.caption(f"Why this item: {item['reason']}")
    _show_content(item["content"], sess)
    left, right = st.columns(2)
    left.write("**LF votes**")
    left.dataframe(pd.DataFrame({"vote": item["votes"]}) if item["votes"] else pd.DataFrame({"vote": []}))
    right.write("**Model probabilities**")
    right.dataframe(pd.DataFrame({"probability": item["probs"]}))
    note = st.text_input("Note (optional)", key=f"note-{item['row_id']}")
    cols = st.columns(len(sess.labels) + 2)
    for i, name in enumerate(sess.labels.names):
        if cols[i].button(name, key=f"label-{i}", shortcut=str(i + 1), type="primary"):
            with lock:
                info = sess.label(item["row_id"], i, annotator, note=note or None,
                                  source="audit" if item["source"] == "audit" else "queue")
            if info is not None:
                st.session_state["last_refit"] = info
            st.session_state["item"] = None
            st.rerun()
    if cols[-2].button("Skip", key="skip", shortcut="s"):
        sess.skip(item["row_id"], annotator)
        st.session_state["item"] = None
        st.rerun()
    if cols[-1].button("Undo last", key="undo", shortcut="u"):
        undone = sess.undo(annotator)
        st.session_state["flash"] = "Undid your last label." if undone else "Nothing to undo."
        sess.store.release(item["row_id"], annotator)
        st.session_state["item"] = None
        st.rerun()


def _analysis_tab(sess: ReviewSession) -> None:
    from weaklabel.analysis import DRILL_KINDS, lf_report, lf_rows

    gold = sess.expert_gold()
    has_gold = bool((gold >= 0).any())
    report = lf_report(sess.L, gold if has_gold else None, model=sess.model)
    st.caption("Empirical accuracy is measured on the experts' labels." if has_gold else
               "No expert labels yet: accuracies are the label model's estimates.")
    st.dataframe(report.assign(Polarity=report["Polarity"].astype(str)))
    cols = [c for c in ("Coverage", "Emp. Acc.", "Est. Acc.") if c in report]
    st.bar_chart(report[cols])
    lf = st.selectbox("Drill down into an LF", list(sess.L.lf_names), key="drill-lf")
    kinds = [k for k in DRILL_KINDS if has_gold or k != "incorrect"]
    kind = st.selectbox("Rows where it", kinds, key="drill-kind",
                        help="incorrect = it disagrees with an expert's label")
    st.dataframe(lf_rows(sess.L, lf, kind, y=gold if has_gold else None, data=sess.df, limit=200).astype(str))


def _agreement_tab(sess: ReviewSession) -> None:
    ag = sess.store.agreement()
    st.metric("rows labeled by 2+ experts", ag["n_rows_multi"])
    st.metric("Krippendorff's alpha", "-" if pd.isna(ag["alpha"]) else f"{ag['alpha']:.3f}")
    if len(ag["kappa"]):
        st.write("Cohen's kappa between experts")
        st.dataframe(ag["kappa"])


def _export_tab(sess: ReviewSession) -> None:
    final = sess.final_labels()
    st.write(f"{(final['source'] == 'expert').sum()} expert labels override the model's.")
    st.dataframe(final.head(100))
    st.download_button("Download final labels (CSV)", final.to_csv(index=False), file_name="labels.csv",
                       mime="text/csv", key="download")


def main() -> None:
    st.set_page_config(page_title="weaklabel review", layout="wide")
    path = _project_path()
    try:
        policy = AccessPolicy.from_env()
    except WeakLabelError as exc:  # details go to the operator's log, not to visitors
        logging.getLogger("weaklabel.app").error("access control misconfigured: %s", exc)
        st.error("This app's access control is misconfigured, so it serves no one. The operator can see "
                 "why in the server log.")
        st.stop()
    try:
        sess, lock = _session(path)
    except WeakLabelError as exc:
        st.error(f"Cannot open the project: {exc}")
        st.stop()
    st.title(f"weaklabel review: {sess.project.name}")
    name = st.sidebar.text_input("Your name", key="annotator")
    if "flash" in st.session_state:
        st.toast(st.session_state.pop("flash"))
    if not name:
        st.info("Enter your name in the sidebar to start labeling.")
        st.stop()
    try:
        annotator = check_annotator(name)
    except WeakLabelError as exc:
        st.sidebar.error(str(exc))
        st.stop()
    if policy.required and st.session_state.get("authorized_as") != annotator:
        secret = st.sidebar.text_input("Password" if policy.users else "Access token", type="password",
                                       key="secret")
        if not secret or not policy.check(annotator, secret):
            if secret and AccessPolicy.locked_out(annotator):
                st.sidebar.error("Too many wrong attempts: this name is locked for a few minutes.")
            elif secret:
                st.sidebar.error("Wrong name or password.")
            st.info("This project needs a password (or the team's access token) to label.")
            st.stop()
        st.session_state["authorized_as"] = annotator
    label_tab, analysis_tab, agreement_tab, export_tab = st.tabs(["Label", "LF analysis", "Agreement", "Export"])
    with label_tab:
        _label_tab(sess, lock, annotator)
    with analysis_tab:
        _analysis_tab(sess)
    with agreement_tab:
        _agreement_tab(sess)
    with export_tab:
        _export_tab(sess)


main()
