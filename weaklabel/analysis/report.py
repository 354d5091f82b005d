"""A self-contained HTML report: tables plus matplotlib charts inlined as PNG.

Needs matplotlib (``pip install 'weaklabel[report]'``); it renders offline and the
file has no external references, so it can be mailed or archived as is.
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from .._validation import check_gold, has_gold
from ..exceptions import require
from ..matrix import LabelMatrix
from .pairwise import dependent_pairs, pairwise
from .summary import lf_report

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem}
td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:right}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}.kpi{display:flex;gap:2rem}
.kpi div{background:#f6f8fa;padding:.6rem 1rem;border-radius:6px}.warn{color:#9a3412}
img{max-width:100%;height:auto}
"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _charts(L: LabelMatrix, rep: pd.DataFrame, gold: np.ndarray | None, model: Any) -> dict[str, str]:
    require("matplotlib", extra="report", feature="HTML reports")
    import matplotlib

    matplotlib.use("Agg")
    # Names are data: "$10_to_$50" is a class name, not TeX (mathtext crashed on it).
    with matplotlib.rc_context({"text.parse_math": False}):
        return _draw(L, rep, gold, model)


def _draw(L: LabelMatrix, rep: pd.DataFrame, gold: np.ndarray | None, model: Any) -> dict[str, str]:
    import matplotlib.pyplot as plt

    charts = {}
    names = list(rep.index.astype(str))
    y_pos = np.arange(len(names))
    height = max(2.5, 0.28 * len(names) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, height), sharey=True)
    axes[0].barh(y_pos, rep["Coverage"], color="#4c78a8")
    axes[0].set_xlabel("coverage")
    axes[0].set_yticks(y_pos, names, fontsize=7)
    axes[0].invert_yaxis()
    if "Emp. Acc." in rep:
        acc = rep["Emp. Acc."].to_numpy(float)
        err = np.vstack([acc - rep["Acc. lo"].to_numpy(float), rep["Acc. hi"].to_numpy(float) - acc])
        err = np.clip(np.nan_to_num(err), 0, None)  # rounding can leave -1e-16
        axes[1].barh(y_pos, np.nan_to_num(acc), xerr=err, color="#59a14f", ecolor="#333",
                     capsize=2, label="empirical (gold) with 95% Wilson interval")
    if "Est. Acc." in rep:
        axes[1].scatter(rep["Est. Acc."], y_pos, color="#e15759", zorder=3, s=14, label="label model estimate")
    axes[1].set_xlim(0, 1)
    axes[1].set_xlabel("accuracy")
    if axes[1].get_legend_handles_labels()[0]:
        axes[1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=7, ncol=2)
    else:
        axes[1].text(0.5, 0.5, "no gold and no model: accuracy unknown", ha="center", transform=axes[1].transAxes)
    charts["Coverage and accuracy per LF"] = _png(fig)

    agree = pairwise(L, "agreement").to_numpy(float)
    fig, ax = plt.subplots(figsize=(min(12, 2 + 0.22 * len(names)),) * 2)
    im = ax.imshow(agree, vmin=0, vmax=1, cmap="RdYlGn")
    ax.set_xticks(y_pos, names, rotation=90, fontsize=6)
    ax.set_yticks(y_pos, names, fontsize=6)
    fig.colorbar(im, ax=ax, shrink=0.7, label="agreement where both vote (grey: never co-vote)")
    ax.set_facecolor("#cccccc")
    charts["Pairwise agreement"] = _png(fig)

    if model is not None:
        k = model.cardinality_
        labels = list(model.label_names_)
        fig, ax = plt.subplots(figsize=(5, 3))
        x = np.arange(k)
        ax.bar(x - 0.2, model.class_balance_, width=0.4, label="label model estimate", color="#4c78a8")
        if has_gold(gold):
            g = np.bincount(gold[gold >= 0], minlength=k) / (gold >= 0).sum()
            ax.bar(x + 0.2, g, width=0.4, label="gold", color="#f28e2b")
        ax.set_xticks(x, labels)
        ax.set_ylabel("share of rows")
        ax.legend(fontsize=7)
        charts["Class balance"] = _png(fig)
        if gold is not None and (gold >= 0).sum() >= 20:
            probs = model.predict_proba(L)
            known = gold >= 0
            conf = probs[known].max(axis=1)
            right = probs[known].argmax(axis=1) == gold[known]
            bins = np.linspace(1 / k, 1, 9)
            which = np.clip(np.digitize(conf, bins) - 1, 0, len(bins) - 2)
            xs, ys, ns = [], [], []
            for b in range(len(bins) - 1):
                sel = which == b
                if sel.sum():
                    xs.append(conf[sel].mean())
                    ys.append(right[sel].mean())
                    ns.append(int(sel.sum()))
            fig, ax = plt.subplots(figsize=(4.5, 4))
            ax.plot([1 / k, 1], [1 / k, 1], "--", color="#999", label="perfect calibration")
            ax.plot(xs, ys, "o-", color="#e15759", label="label model on gold")
            for xv, yv, nv in zip(xs, ys, ns):
                ax.annotate(str(nv), (xv, yv), fontsize=6, textcoords="offset points", xytext=(3, -8))
            ax.set_xlabel("predicted confidence")
            ax.set_ylabel("accuracy on gold")
            ax.legend(fontsize=7)
            charts["Calibration on gold (points: rows per bin)"] = _png(fig)
    return charts


def html_report(L: LabelMatrix | np.ndarray, *, y: Any = None, model: Any = None,
                title: str = "weaklabel LF report", slices: dict[str, Any] | None = None) -> str:
    """Render the report as one HTML string (tables, charts, warnings).

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    y : array-like of shape (n_rows,), optional
        Gold (-1 = unknown) for empirical accuracies, class balance and calibration.
    model : fitted label model, optional
    title : str
    slices : dict of str to DataFrame, optional
        Per-slice score tables (from :func:`weaklabel.slicing.slice_scores`), one
        section each, e.g. ``{"label model": ..., "end model": ...}``.
    """
    Lm = L if isinstance(L, LabelMatrix) else LabelMatrix(L)
    gold = check_gold(y, Lm.n_rows, label_space=Lm.label_space) if y is not None else None
    rep = lf_report(Lm, gold if has_gold(gold) else None, model=model)
    votes = Lm.votes
    n_votes = (votes >= 0).sum(axis=1)
    lo = np.where(votes >= 0, votes, 127).min(axis=1)
    kpis = {"rows": f"{Lm.n_rows:,}", "LFs": str(Lm.n_lfs), "coverage": f"{(n_votes > 0).mean():.1%}",
            "overlap": f"{(n_votes > 1).mean():.1%}",
            "conflict": f"{((n_votes > 1) & (lo != votes.max(axis=1))).mean():.1%}"}
    if has_gold(gold) and model is not None:
        from ..models import probs_to_preds

        known = gold >= 0
        pred = probs_to_preds(model.predict_proba(Lm)[known], tie_break_policy="random")
        kpis["model accuracy on gold"] = f"{np.mean(pred == gold[known]):.1%} ({int(np.sum(known))} rows)"
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>",
             "<div class='kpi'>" + "".join(f"<div><b>{html.escape(k)}</b><br>{html.escape(v)}</div>"
                                          for k, v in kpis.items()) + "</div>"]
    warnings_ = list(getattr(model, "warnings_", []) or [])
    deps = dependent_pairs(Lm)
    if warnings_ or len(deps):
        parts.append("<h2>Warnings</h2><ul class='warn'>")
        parts += [f"<li>{html.escape(w)}</li>" for w in warnings_]
        parts += [f"<li>{html.escape(r.lf_a)} and {html.escape(r.lf_b)} look dependent (phi {r.phi:.2f}, "
                  f"agreement {r.agreement:.2f} on {r.overlap_rows} rows)</li>" for r in deps.itertuples()]
        parts.append("</ul>")
    for heading, img in _charts(Lm, rep, gold if has_gold(gold) else None, model).items():
        parts.append(f"<h2>{html.escape(heading)}</h2>{img}")
    table = rep.copy()
    table["Polarity"] = table["Polarity"].astype(str)
    parts.append("<h2>LF summary</h2>" + table.to_html(float_format=lambda v: f"{v:.3f}", escape=True,
                                                       na_rep="", border=0))
    for what, frame in (slices or {}).items():
        parts.append(f"<h2>Slices: {html.escape(what)}</h2>" + frame.to_html(
            float_format=lambda v: f"{v:.3f}", escape=True, na_rep="", border=0))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html_report(path: str | os.PathLike[str], L: LabelMatrix | np.ndarray, **kwargs: Any) -> Path:
    """Write :func:`html_report` to ``path`` atomically (temp file + rename)."""
    path = Path(path)
    text = html_report(L, **kwargs)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
