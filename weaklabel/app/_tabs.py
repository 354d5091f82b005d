"""The review app's tabs besides Label: LF analysis, Agreement (with the lead's resolve panel), My history and Export.

Every value from the data is shown as text or escaped markdown.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import streamlit as st

from weaklabel.app._sign_in import session_live
from weaklabel.review._highlight import display_text
from weaklabel.review._highlight import md_escape as _md
from weaklabel.review.session import ReviewSession


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns decoded as on the Label tab (entities, line breaks), so one item reads the same everywhere.

    The dataframe shows them as text.
    """
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("string"):
            out[col] = out[col].map(lambda v: display_text(v) if isinstance(v, str) else v)
    return out


def analysis_tab(sess: ReviewSession) -> None:
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


def agreement_tab(sess: ReviewSession, lock: threading.Lock, annotator: str, path: str) -> None:
    dis = sess.disagreements()
    open_rows = dis[dis["resolved"] == ""] if len(dis) else dis
    # A lead's work comes first, above the fold: several open rows at once, each with its buttons.
    if sess.is_lead(annotator) and len(open_rows):
        _resolve_panel(sess, lock, annotator, open_rows, path)
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


def _resolve_panel(sess: ReviewSession, lock: threading.Lock, lead: str, open_rows: pd.DataFrame,
                   path: str) -> None:
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
                               on_click=_adjudicate, args=(sess, lock, row["row_id"], i, lead, path))
    if len(open_rows) > RESOLVE_SHOWN:
        st.caption(f"{len(open_rows) - RESOLVE_SHOWN} more below these, in the table.")


def _adjudicate(sess: ReviewSession, lock: threading.Lock, row_id: str, label: int, lead: str, path: str) -> None:
    if not session_live(path, lead):
        return
    with lock:
        sess.adjudicate(row_id, label, lead)
    st.session_state["flash"] = f"Resolved {_md(row_id)} as {_md(sess.labels.name(label))}."


def history_tab(sess: ReviewSession, lock: threading.Lock, annotator: str) -> None:
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


def export_tab(sess: ReviewSession) -> None:
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
