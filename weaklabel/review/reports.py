"""What experts and their lead look at beside the queue.

Their own label history, the rows where experts disagree, and each expert's numbers.

Pure functions of the store's event log (``ExpertLabelStore.events()``), so the app,
scripts and tests read the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..evaluate import cohen_kappa
from ..labels import LabelSpace
from ._store_schema import labels_in_force as _in_force

MAX_GAP_SECONDS = 600.0  # a longer pause between two labels is a break, not time on an item


def labels_in_force(events: pd.DataFrame) -> pd.DataFrame:
    """Label events not undone, the latest per (row, annotator, adjudication or not)."""
    if events.empty:
        return events.assign(adjudication=pd.Series(dtype=bool))
    return _in_force(events)


def history(events: pd.DataFrame, annotator: str, labels: LabelSpace, *, texts: pd.Series | None = None,
            search: str = "", label: str | None = None, since: Any = None) -> pd.DataFrame:
    """One expert's labels in force, newest first: row_id, label, note, when, source (and text).

    Parameters
    ----------
    search : str
        Keep rows whose text (or row id) contains it, case-insensitively.
    label : str, optional
        Keep rows with this label name.
    since : date or datetime, optional
        Keep labels given on or after it.
    """
    cur = labels_in_force(events)
    mine = cur[(cur["annotator"] == annotator) & ~cur["adjudication"]] if len(cur) else cur
    out = pd.DataFrame({"row_id": mine.get("row_id", pd.Series(dtype=str)).astype(str),
                        "label": [labels.name(int(v)) for v in mine.get("label", [])],
                        "note": mine.get("note", pd.Series(dtype=str)).fillna(""),
                        "when": pd.to_datetime(mine.get("created_at", pd.Series(dtype="datetime64[ns]"))),
                        "source": mine.get("source", pd.Series(dtype=str))})
    if texts is not None:
        out["text"] = out["row_id"].map(texts.astype(str)).fillna("")
    if search:
        hay = out["row_id"] + " " + (out["text"] if "text" in out else "")
        out = out[hay.str.contains(search, case=False, regex=False)]
    if label:
        out = out[out["label"] == label]
    if since is not None:
        out = out[out["when"] >= pd.Timestamp(since)]
    return out.sort_values("when", ascending=False, kind="stable").reset_index(drop=True)


def disagreements(events: pd.DataFrame, labels: LabelSpace, *, texts: pd.Series | None = None) -> pd.DataFrame:
    """Rows where experts' labels in force differ.

    Each expert's label (and note), and the lead's ruling when there is one. Unresolved rows first.
    """
    cur = labels_in_force(events)
    if cur.empty:
        return pd.DataFrame(columns=["row_id", "experts", "resolved"])
    regular = cur[~cur["adjudication"]]
    split = regular.groupby("row_id")["label"].nunique()
    rows = split[split >= 2].index
    ruling = cur[cur["adjudication"]].sort_values("id").groupby("row_id")["label"].last()
    records = []
    for rid in rows:
        part = regular[regular["row_id"] == rid].sort_values("annotator")
        experts = "; ".join(f"{a}: {labels.name(int(v))}" + (f" ({n})" if isinstance(n, str) and n else "")
                            for a, v, n in zip(part["annotator"], part["label"], part["note"]))
        rec = {"row_id": str(rid), "experts": experts,
               "resolved": labels.name(int(ruling[rid])) if rid in ruling.index else ""}
        if texts is not None:
            rec["text"] = str(texts.get(rid, ""))
        records.append(rec)
    out = pd.DataFrame(records, columns=["row_id", "experts", "resolved"] + (["text"] if texts is not None else []))
    return out.sort_values("resolved", key=lambda s: s != "", kind="stable").reset_index(drop=True)


def annotator_stats(events: pd.DataFrame, model_preds: pd.Series | None = None) -> pd.DataFrame:
    """Per expert.

    Labels in force, median seconds per item (between their labels in the app, pauses over 10 minutes
    left out, and Label Studio's ``lead_time`` for labels that came from it), mean Cohen's kappa with
    each peer on shared rows, and agreement with the model.

    Parameters
    ----------
    model_preds : Series row_id (str) -> predicted class, optional
    """
    cur = labels_in_force(events)
    if cur.empty:
        return pd.DataFrame(columns=["labels", "median_seconds", "kappa_with_peers", "agreement_with_model"])
    regular = cur[~cur["adjudication"]]
    wide = regular.pivot(index="row_id", columns="annotator", values="label")
    lab_ev = events[(events["kind"] == "label") & (events["source"] != "adjudication")]
    out = {}
    imported = lab_ev["external_id"].notna() if "external_id" in lab_ev.columns else pd.Series(False, lab_ev.index)
    for name in wide.columns:
        mine_ev = lab_ev["annotator"] == name
        times = pd.to_datetime(lab_ev.loc[mine_ev & ~imported, "created_at"]).sort_values()
        gaps = times.diff().dt.total_seconds().dropna()
        gaps = pd.concat([gaps[gaps <= MAX_GAP_SECONDS], _lead_times(lab_ev.loc[mine_ev & imported])])
        kappas = []
        for peer in wide.columns:
            if peer == name:
                continue
            both = wide[[name, peer]].dropna()
            if len(both) >= 2:
                kappas.append(cohen_kappa(both[name].to_numpy(int), both[peer].to_numpy(int)))
        mine = wide[name].dropna()
        agree = np.nan
        if model_preds is not None and len(mine):
            pred = mine.index.map(model_preds)
            ok = ~pd.isna(pred)
            agree = float(np.mean(mine.to_numpy()[ok] == np.asarray(pred[ok], dtype=float))) if ok.any() else np.nan
        out[name] = {"labels": int(len(mine)), "median_seconds": float(gaps.median()) if len(gaps) else np.nan,
                     "kappa_with_peers": float(np.nanmean(kappas)) if kappas and not np.all(np.isnan(kappas))
                     else np.nan, "agreement_with_model": agree}
    return pd.DataFrame.from_dict(out, orient="index")


def _lead_times(events: pd.DataFrame) -> pd.Series:
    """Seconds spent per imported label, where the other tool said (``external_meta``)."""
    if "external_meta" not in events.columns:
        return pd.Series(dtype=float)
    out = []
    for raw in events["external_meta"].dropna():
        try:
            t = json.loads(raw).get("lead_time")
        except (ValueError, AttributeError):
            continue
        if isinstance(t, (int, float)) and not isinstance(t, bool) and 0 < t <= MAX_GAP_SECONDS:
            out.append(float(t))
    return pd.Series(out, dtype=float)


__all__: Sequence[str] = ["annotator_stats", "disagreements", "history", "labels_in_force"]
