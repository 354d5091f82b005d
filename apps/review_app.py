"""weaklabel review app: experts label the items where the LFs disagree, most
informative first; their labels go straight into the store and the label model.

Run with ``weaklabel app --project weaklabel.toml`` (or ``streamlit run
apps/review_app.py -- --project weaklabel.toml``).
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import sys
import threading
from concurrent.futures import Future

import numpy as np
import pandas as pd
import streamlit as st

from apps._sign_in import check_host, session_live, signed_in
from weaklabel.exceptions import WeakLabelError
from weaklabel.review._highlight import display_text, highlight_html
from weaklabel.review._highlight import md_escape as _md
from weaklabel.review.access import AccessPolicy
from weaklabel.review.project import PROJECT_FILE, Project
from weaklabel.review.session import ReviewSession, StaleDecision


def _project_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project", default=os.environ.get("WEAKLABEL_PROJECT", PROJECT_FILE))
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.project


def _background_priority() -> None:
    """Lower this thread's CPU priority (Linux: a thread has its own nice value), so the first
    fit yields the cores to the server thread and the browser painting the sign-in form."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):   # not Linux, or not allowed: the load just competes
        pass


@st.cache_resource(show_spinner=False)
def _loading(path: str) -> Future:
    """The review session, built in a background thread from the first page view on: the LFs
    run and the model fits while the expert signs in. One session per server process: the
    model is shared, the labels live in the store; refits run in the background too."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="weaklabel-load")

    def load() -> tuple[ReviewSession, threading.Lock]:
        _background_priority()
        return ReviewSession(Project.load(path), background_refits=True), threading.Lock()

    return pool.submit(load)


@st.cache_resource(show_spinner=False)
def _project(path: str) -> Project:
    return Project.load(path)


def _session(path: str) -> tuple[ReviewSession, threading.Lock]:
    fut = _loading(path)
    try:
        if not fut.done():
            with st.spinner("Applying LFs and fitting the label model..."):
                return fut.result()
        return fut.result()
    except Exception:
        _loading.clear()   # a failed load is not kept: the next page view tries again
        raise


def _show_content(content: dict, sess: ReviewSession, spans: dict | None = None) -> None:
    """Item content, always inert: text as text, or with the LFs' matches highlighted in
    HTML where every character of the data is escaped; entities (&#39;) shown as the
    characters they stand for; tables as tables; images only from files inside the
    project's folder (``ReviewSession.media_path``)."""
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


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns decoded as on the Label tab (entities, line breaks), so one item reads the
    same everywhere; the dataframe shows them as text."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("string"):
            out[col] = out[col].map(lambda v: display_text(v) if isinstance(v, str) else v)
    return out


def _set_item(item: dict | None) -> None:
    """Put an item on screen. Each item shown gets a new number (``shown``): the decision
    buttons carry it, so a press is bound to the item that was on screen when it was made."""
    st.session_state["item"] = item
    st.session_state["shown"] = st.session_state.get("shown", 0) + 1


def _act(kind: str, sess: ReviewSession, lock: threading.Lock, annotator: str, label: int | None = None,
         shown: int | None = None) -> None:
    """A decision, run as the button's callback: the store is written and the next item
    is leased before the panel re-renders, so one keypress costs one run.

    ``shown`` is the number of the item the button was drawn with. A press whose item is no
    longer on screen (a double press, key repeat, a press during a re-render) is dropped: it
    was aimed at an item already decided, and must not fall on one the expert never saw."""
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
                    note = st.session_state.get(f"note-{item['row_id']}") or None
                    sess.label(item["row_id"], label, annotator, note=note,  # refits in the background
                               seen_after=item.get("seen_after"))   # the source: as the item was served
                else:
                    sess.skip(item["row_id"], annotator, seen_after=item.get("seen_after"))
            except StaleDecision:
                st.session_state["flash"] = ("You already decided that item in another tab: "
                                             "nothing recorded here. Here is your next one.")
        elif kind == "undo":
            undone = sess.undo(annotator)
            st.session_state["flash"] = ("Undid your last label: here it is again." if undone is not None
                                         else "Nothing to undo.")
            if undone is None:
                return
            sess.release(item["row_id"], annotator)
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
    _show_content(item["content"], sess, item.get("spans"))
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
    st.caption(f"row {_md(item['row_id'])} · why this item: {_md(item['reason'])}")
    st.text_input("Note (optional; saved with your label)", key=f"note-{item['row_id']}")
    _progress_line(sess, annotator)
    if sess.notice:
        st.caption(_md(sess.notice))
    if sess.refitting:
        st.caption("Refitting the label model in the background; the queue updates when it is done.")
    if sess.refit_error:
        st.caption(f"The last refit failed ({_md(sess.refit_error)}); the previous model stays.")
    if len(sess.history) > 1:   # the first fit is the one the app started with
        info = sess.history[-1]
        moved = ", ".join(f"{_md(r['row_id'])} {_md(r['from'])}→{_md(r['to'])}" for r in info.get("changed_rows", []))
        back = info.get("back", 0)
        st.info(f"Refit with {info['expert_labels']} expert labels: {info['changed']} rows without an expert "
                "label changed label" + (f" (e.g. {moved})" if moved else "")
                + (f", {back} of them back to their label before the last refit" if back else "")
                + ("" if info["accuracy_on_expert_labels"] is None else
                   f"; model accuracy on expert labels {info['accuracy_on_expert_labels']:.0%}"))
    with st.expander("LF votes and model probabilities"):
        left, right = st.columns(2)
        left.dataframe(pd.DataFrame({"vote": item["votes"]}) if item["votes"] else pd.DataFrame({"vote": []}))
        right.dataframe(pd.DataFrame({"probability": [f"{p:.0%}" for p in item["probs"].values()]},
                                     index=list(item["probs"])))
    st.button("Refit now", key="refit", help="refit the label model with all expert labels and re-rank",
              on_click=_act, args=("refit", *args))


def _progress_line(sess: ReviewSession, annotator: str) -> None:
    prog = sess.progress(annotator)
    agree = prog["agreement_with_model"]
    st.caption(f"{prog['remaining']} remaining for you · {prog['mine']} labeled by you · "
               f"{prog['labeled']} rows labeled by all experts · your agreement with the model: "
               + ("-" if agree is None else f"{agree:.0%}"))


def _analysis_tab(sess: ReviewSession) -> None:
    from weaklabel.analysis import DRILL_KINDS, lf_report, lf_rows

    gold = sess.expert_gold()
    has_gold = bool((gold >= 0).any())
    # Empirical accuracy on the rows drawn at random only: rows the queue chose are where LFs
    # disagree, so an LF's accuracy there says little about its accuracy overall.
    sampled = sess.sampled_gold(gold)
    n_random = int((sampled >= 0).sum())
    report = lf_report(sess.L, sampled if n_random else None, model=sess.model)
    if n_random:
        st.caption(f"Empirical accuracy (with its 95% interval) is measured on the {n_random} expert-labeled "
                   "rows drawn at random (audit rows), the only unbiased sample.")
    elif has_gold:
        st.caption("No expert-labeled audit rows yet (rows drawn at random): accuracies are the label model's "
                   "estimates. Raise audit_fraction in weaklabel.toml to measure LFs.")
    else:
        st.caption("No expert labels yet: accuracies are the label model's estimates.")
    names = sess.labels.names
    st.dataframe(report.assign(Polarity=report["Polarity"].map(lambda p: ", ".join(names[c] for c in p))))
    chosen = np.where((gold >= 0) & (sampled < 0), gold, -1)
    if (chosen >= 0).any():
        with st.expander(f"On the {int((chosen >= 0).sum())} rows the queue chose (biased)"):
            st.caption("The queue picks the rows where LFs disagree or the model is unsure, so accuracies here "
                       "run lower than on all rows. Use them to find what an LF gets wrong, not how often.")
            biased = lf_report(sess.L, chosen)
            st.dataframe(biased[[c for c in ("Coverage", "Correct", "Incorrect", "Emp. Acc.", "Acc. lo",
                                             "Acc. hi") if c in biased]])
    cols = [c for c in ("Coverage", "Emp. Acc.", "Est. Acc.") if c in report]
    # grouped, not stacked (each measure is a share in [0, 1]); horizontal so LF names are readable
    st.bar_chart(report[cols], stack=False, horizontal=True, height=max(240, 28 * len(report)))
    lf = st.selectbox("Drill down into an LF", list(sess.L.lf_names), key="drill-lf")
    kinds = [k for k in DRILL_KINDS if has_gold or k != "incorrect"]
    kind = st.selectbox("Rows where it", kinds, key="drill-kind",
                        help="incorrect = it disagrees with an expert's label")
    st.dataframe(lf_rows(sess.L, lf, kind, y=gold if has_gold else None, data=sess.df, limit=200).astype(str))


RESOLVE_SHOWN = 5   # open disagreements a lead sees at once; the first one has the Alt keys


def _agreement_tab(sess: ReviewSession, lock: threading.Lock, annotator: str) -> None:
    dis = sess.disagreements()
    open_rows = dis[dis["resolved"] == ""] if len(dis) else dis
    # A lead's work comes first, above the fold: several open rows at once, each with its buttons.
    if sess.is_lead(annotator) and len(open_rows):
        _resolve_panel(sess, lock, annotator, open_rows)
    elif len(open_rows):
        st.caption("Leads (leads in weaklabel.toml, or the lead role) resolve the rows where experts differ.")
    ag = sess.agreement()
    c1, c2 = st.columns(2)
    c1.metric("rows labeled by 2+ experts", ag["n_rows_multi"])
    c2.metric("Krippendorff's alpha", "-" if pd.isna(ag["alpha"]) else f"{ag['alpha']:.3f}")
    st.write("**Experts**: labels, median seconds per item, Cohen's kappa with peers, agreement with the model")
    st.dataframe(sess.annotator_stats().round(3))
    if len(ag["kappa"]):
        with st.expander("Cohen's kappa between each pair of experts"):
            st.dataframe(ag["kappa"])
    st.write(f"**Disagreements**: {len(dis)} rows where experts differ, {len(open_rows)} unresolved")
    if len(dis):
        st.dataframe(_readable(dis), hide_index=True)


def _resolve_panel(sess: ReviewSession, lock: threading.Lock, lead: str, open_rows: pd.DataFrame) -> None:
    k = len(sess.labels)
    n = len(open_rows)
    st.write(f"**{n} disagreement{'' if n == 1 else 's'} to resolve** (the first: keys Alt+1..Alt+{k})")
    for j, (_, row) in enumerate(open_rows.head(RESOLVE_SHOWN).iterrows()):
        with st.container(border=True):
            st.caption(f"row {_md(row['row_id'])} · {_md(row['experts'])}")
            text = display_text(str(row.get("text", "")))
            if len(text) > 600:   # a long text scrolls in its box: the buttons stay in view
                with st.container(height=160):
                    st.text(text)
            else:
                st.text(text)
            cols = st.columns(k)
            for i, name in enumerate(sess.labels.names):
                cols[i].button(name, key=f"adjudicate-{i}" if j == 0 else f"adjudicate-{j}-{i}",
                               shortcut=f"Alt+{i + 1}" if j == 0 else None,
                               on_click=_adjudicate, args=(sess, lock, row["row_id"], i, lead))
    if len(open_rows) > RESOLVE_SHOWN:
        st.caption(f"{len(open_rows) - RESOLVE_SHOWN} more below these, in the table.")


def _adjudicate(sess: ReviewSession, lock: threading.Lock, row_id: str, label: int, lead: str) -> None:
    if not session_live(_project_path(), lead):
        return
    with lock:
        sess.adjudicate(row_id, label, lead)
    st.session_state["flash"] = f"Resolved {_md(row_id)} as {_md(sess.labels.name(label))}."


def _history_tab(sess: ReviewSession, lock: threading.Lock, annotator: str) -> None:
    c1, c2, c3 = st.columns([3, 1, 1])
    search = c1.text_input("Search your labels (text or row id)", key="hist-search")
    label = c2.selectbox("Label", ["all", *sess.labels.names], key="hist-label")
    since = c3.date_input("Since", value=None, key="hist-since")
    hist = sess.label_history(annotator, search=search, label=None if label == "all" else label, since=since)
    st.caption(f"{len(hist)} of your labels")
    st.dataframe(_readable(hist), hide_index=True)
    if len(hist):
        c1, c2, c3 = st.columns([2, 1, 1])
        rid = c1.selectbox("Change the label of row", hist["row_id"].tolist(), key="hist-row")
        new = c2.selectbox("to", sess.labels.names, key="hist-new")
        if c3.button("Change label", key="hist-change"):
            with lock:
                sess.change_label(rid, new, annotator)
            st.session_state["flash"] = (f"Row {_md(rid)} is now {_md(new)} (a new event; the old label stays "
                                         "in the log).")
            st.rerun()


def _export_tab(sess: ReviewSession) -> None:
    final = sess.final_labels()
    st.write(f"{(final['source'] == 'expert').sum()} expert labels override the model's.")
    shown = final.copy()
    text = sess.project.text_column
    if text and text in sess.df.columns:
        shown.insert(1, text, sess.df[text].astype(str).str.slice(0, 200).to_numpy())
    shown = shown.sort_values("source", key=lambda s: s != "expert", kind="stable")  # expert labels first
    st.dataframe(_readable(shown.head(200)), hide_index=True)
    from weaklabel.io.tables import csv_safe

    st.download_button("Download final labels (CSV)", csv_safe(final).to_csv(index=False), file_name="labels.csv",
                       mime="text/csv", key="download")


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
        _loading(path)   # the LFs run and the model fits while the expert signs in
    except WeakLabelError as exc:
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    st.subheader(f"weaklabel review: {project.name}")
    try:
        annotator = signed_in(policy, project, path)
    except WeakLabelError as exc:   # the store cannot be reached
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    try:
        sess, lock = _session(path)
    except WeakLabelError as exc:
        st.error(f"Cannot open the project: {_md(exc)}")
        st.stop()
    _guidelines(sess)
    # Only the open tab is built: switching tabs reruns the app, so every tab shows fresh
    # numbers, and the label keys exist only while the Label tab is open.
    names = ["Label", "My history", "Agreement", "LF analysis", "Export"]
    tabs = st.tabs(names, key="tab", on_change="rerun", default=names[0])
    active = st.session_state.get("tab") or names[0]
    views = {"Label": lambda: _label_tab(sess, lock, annotator),
             "My history": lambda: _history_tab(sess, lock, annotator),
             "Agreement": lambda: _agreement_tab(sess, lock, annotator),
             "LF analysis": lambda: _analysis_tab(sess),
             "Export": lambda: _export_tab(sess)}
    with tabs[names.index(active)]:
        views[active]()


def _guidelines(sess: ReviewSession) -> None:
    """The project's guidelines and label descriptions in the sidebar (markdown; Streamlit
    never renders raw HTML from it)."""
    text = sess.project.guidelines_text()
    if sess.project.label_descriptions:
        st.sidebar.caption("Labels")
        for name, desc in sess.project.label_descriptions.items():
            st.sidebar.markdown(f"**{name}**: {desc}")
    if text:
        with st.sidebar.expander("Guidelines", expanded=False):
            st.markdown(text)


main()
