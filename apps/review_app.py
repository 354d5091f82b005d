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

from weaklabel.access import AccessPolicy, session_key, sign_identity, verify_identity
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
    if sess.notice:
        st.caption(sess.notice)
    if "last_refit" in st.session_state:
        info = st.session_state["last_refit"]
        moved = ", ".join(f"{r['row_id']} {r['from']}→{r['to']}" for r in info.get("changed_rows", []))
        st.info(f"Refit with {info['expert_labels']} expert labels: {info['changed']} rows changed label"
                + (f" (e.g. {moved})" if moved else "")
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
    _show_content(item["content"], sess)
    st.caption(f"row {item['row_id']} · why this item: {item['reason']}")
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
        with lock:
            undone = sess.undo(annotator)
            if undone is not None:  # the undone item comes back on screen
                sess.store.release(item["row_id"], annotator)
                st.session_state["item"] = sess.item_for(undone, annotator)
        st.session_state["flash"] = "Undid your last label: here it is again." if undone else "Nothing to undo."
        st.rerun()


def _analysis_tab(sess: ReviewSession) -> None:
    from weaklabel.analysis import DRILL_KINDS, lf_report, lf_rows

    gold = sess.expert_gold()
    has_gold = bool((gold >= 0).any())
    report = lf_report(sess.L, gold if has_gold else None, model=sess.model)
    st.caption("Empirical accuracy is measured on the experts' labels." if has_gold else
               "No expert labels yet: accuracies are the label model's estimates.")
    names = sess.labels.names
    st.dataframe(report.assign(Polarity=report["Polarity"].map(lambda p: ", ".join(names[c] for c in p))))
    cols = [c for c in ("Coverage", "Emp. Acc.", "Est. Acc.") if c in report]
    # grouped, not stacked (each measure is a share in [0, 1]); horizontal so LF names are readable
    st.bar_chart(report[cols], stack=False, horizontal=True, height=max(240, 28 * len(report)))
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
    shown = final.copy()
    text = sess.project.text_column
    if text and text in sess.df.columns:
        shown.insert(1, text, sess.df[text].astype(str).str.slice(0, 200).to_numpy())
    shown = shown.sort_values("source", key=lambda s: s != "expert", kind="stable")  # expert labels first
    st.dataframe(shown.head(200), hide_index=True)
    st.download_button("Download final labels (CSV)", final.to_csv(index=False), file_name="labels.csv",
                       mime="text/csv", key="download")


def _sign_out() -> None:
    st.session_state.pop("identity", None)
    st.session_state.pop("item", None)
    st.query_params.pop("s", None)


def _signed_in(policy: AccessPolicy, sess: ReviewSession) -> str:
    """The signed-in expert. Identity is fixed at sign-in, never read from a text box
    afterwards; a signed token in the URL keeps it across reloads."""
    key = session_key(sess.project.root)
    ident = st.session_state.get("identity")
    if ident is None and "s" in st.query_params:
        ident = verify_identity(st.query_params["s"], key)
        if ident is None:
            st.query_params.pop("s", None)
        else:
            st.session_state["identity"] = ident
    if ident is not None:
        st.sidebar.caption("Signed in as")
        st.sidebar.text(ident)  # as text: a name is never rendered as markdown
        st.sidebar.button("Sign out", key="sign-out", on_click=_sign_out)
        return ident
    with st.form("sign-in"):
        st.write("Sign in to start labeling.")
        name = st.text_input("Your name", key="sign-in-name")
        secret = st.text_input("Password" if policy.users else "Access token", type="password",
                               key="sign-in-secret") if policy.required else ""
        submitted = st.form_submit_button("Sign in", type="primary", key="sign-in-submit")
    if submitted:
        try:
            annotator = check_annotator(name)
        except WeakLabelError as exc:
            st.error(str(exc))
            st.stop()
        if policy.required and not policy.check(annotator, secret):
            st.error("Too many wrong attempts: this name is locked for a few minutes."
                     if AccessPolicy.locked_out(annotator) else "Wrong name or password.")
            st.stop()
        st.session_state["identity"] = annotator
        st.query_params["s"] = sign_identity(annotator, key)
        st.rerun()
    st.stop()


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
    if "flash" in st.session_state:
        st.toast(st.session_state.pop("flash"))
    annotator = _signed_in(policy, sess)
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
