"""Research harness: compare label models on WRENCH-format folders with honest numbers.

Protocol (WRENCH's): fit on the train matrix without gold; predict test as the
argmax of ``predict_proba`` with ties broken at random; report the mean and std
over seeds. ``use_valid_gold`` adds the valid split's gold as partial labels (and
Snorkel's class balance), the way a user with a small labeled dev set would.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..evaluate import calibration_scores, metric_scores
from ..exceptions import DatasetNotFoundError, InputError
from ..io.wrench import WrenchSplit, read_wrench_labels, read_wrench_split
from ..matrix import LabelMatrix
from ..models import BaseLabelModel, SnorkelLabelModel, probs_to_preds
from ..models.registry import MODELS, make_model
from .peers import PEERS, make_benchmark_model

SNORKEL_GRID: list[dict[str, Any]] = [dict(lr=lr, n_epochs=ep, l2=l2) for lr in (0.001, 0.01, 0.1) for ep in (100, 500)
                for l2 in (0.0, 0.1)]

def _cardinality(L: LabelMatrix) -> int:
    if L.cardinality is None:
        raise InputError("a benchmark dataset needs its class names (label.json, or the .mat classes)")
    return L.cardinality


def _factory(name: str) -> Callable[[int], BaseLabelModel]:
    return lambda seed: make_benchmark_model(name, random_state=seed)


# The registry's models (weaklabel.models.MODELS), plus Snorkel as it comes and grid-searched on valid.
MODEL_FACTORIES: dict[str, Callable[[int], BaseLabelModel]] = {name: _factory(name) for name in (*MODELS, "snorkel")}
MODEL_FACTORIES["snorkel_tuned"] = _factory("snorkel")  # tuned in run(): grid-searched on valid
DEFAULT_MODELS = tuple(MODEL_FACTORIES)
# Peers run in the same harness (the optional extra "anchors"); transductive on train + test votes.
ANCHORS: dict[str, Callable[[int], BaseLabelModel]] = {
    name: _factory(name) for name in PEERS if name != "snorkel"}
MODEL_FACTORIES.update(ANCHORS)
ANCHOR_MODELS = ("snorkel", "snorkel_tuned", *ANCHORS)
_SEEDED = {"snorkel", "snorkel_tuned"}  # the others are deterministic: fit once, vary tie breaks


def auto_metric(y: np.ndarray, k: int) -> str:
    """F1 of class 1 for binary sets whose class 1 is rare (< 30%, e.g. sms), else accuracy."""
    known = y[y >= 0]
    if k == 2 and known.size and (known == 1).mean() < 0.3:
        return "f1"
    return "accuracy"


def expand_sources(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Benchmark sources from paths: WRENCH folders, ``.mat`` files, folders of ``.mat`` files, globs.

    A folder with a ``label.json`` is a WRENCH dataset, one with a ``meta.json`` naming
    ``entity_types`` a WRENCH sequence-labeling set (:func:`is_seq_source`), one with
    ``labels.txt`` and ``train/dev/test.tsv`` a multi-label set (:func:`is_multilabel_source`); any other folder
    stands for the ``.mat`` files in it or, without any, for the datasets in its subfolders (sorted).
    Glob patterns (``*``, ``?``, ``[``) are expanded.
    """
    import glob

    from ..multilabel.data import is_multilabel_folder
    from ..spans.wrench import is_seq_folder

    out: list[Path] = []
    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text)) if any(c in text for c in "*?[") else [text]
        if not matches:
            raise DatasetNotFoundError(f"no file or folder matches {text!r}")
        for m in map(Path, matches):
            if m.is_dir() and not (m / "label.json").is_file() and not is_seq_folder(m) \
                    and not is_multilabel_folder(m):
                mats = sorted(m.glob("*.mat"))
                subsets = sorted(d for d in m.iterdir() if d.is_dir()
                                 and ((d / "label.json").is_file() or is_seq_folder(d) or is_multilabel_folder(d)))
                if not mats and not subsets:
                    raise DatasetNotFoundError(
                        f"{m} is neither a WRENCH folder (no label.json), a sequence set (no meta.json with "
                        "entity_types), a folder of .mat label matrices nor a folder of such datasets")
                out.extend(mats or subsets)
            elif m.is_dir() or m.suffix == ".mat":
                out.append(m)
            else:
                raise InputError(f"{m}: expected a WRENCH folder or a .mat label-matrix file")
    return out


def is_multilabel_source(source: Path) -> bool:
    """Whether an expanded source is a multi-label set in GoEmotions' layout (scored by ``weaklabel.multilabel``)."""
    from ..multilabel.data import is_multilabel_folder

    return is_multilabel_folder(source)


def is_seq_source(source: Path) -> bool:
    """Whether an expanded source is a sequence-labeling set (scored by ``weaklabel.spans``)."""
    from ..spans.wrench import is_seq_folder

    return source.is_dir() and is_seq_folder(source)


def _name(source: Path) -> str:
    return source.stem if source.suffix == ".mat" else source.name


def _splits(folder: Path, lfs: Any) -> dict[str, WrenchSplit]:
    """Train/valid/test splits of a source; a set without a test split is scored on train."""
    if folder.suffix == ".mat":
        if lfs is not None:
            raise InputError(f"lfs: {folder} holds label matrices only (no texts to re-apply LFs to)")
        from ..io.matfile import read_mat_splits

        out = read_mat_splits(folder)
        out.setdefault("test", out["train"])
        return out
    labels = read_wrench_labels(folder)
    out = {}
    for split in ("train", "valid", "test"):
        try:
            out[split] = read_wrench_split(folder, split, labels)
        except DatasetNotFoundError:
            if split == "test":
                raise
    if "train" not in out:  # no train.json (chemprot's public copy): fit on valid, score on test
        if "valid" not in out:
            raise DatasetNotFoundError(f"{folder}: neither train.json nor valid.json to fit on")
        out["train"] = out.pop("valid")
    if lfs is not None:  # re-apply an LF suite to the texts instead of the stored votes
        from ..apply import apply_lfs
        from ..io.suite import load_suite

        suite = load_suite(lfs) if isinstance(lfs, str) else lfs
        for s in out.values():
            s.L = apply_lfs(suite.lfs, s.df, label_space=labels)
    return out


def _fit(name: str, seed: int, splits: dict[str, WrenchSplit], use_valid_gold: bool,
         metric: str, k: int) -> BaseLabelModel:
    import warnings

    from ..models import LabelModelWarning

    train, valid = splits["train"], splits.get("valid")
    if name == "snorkel_tuned":
        if valid is None:
            raise InputError("snorkel_tuned needs a valid split with gold to tune on")
        best, best_score = None, -np.inf
        for params in SNORKEL_GRID:
            m = SnorkelLabelModel(random_state=seed, **params)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LabelModelWarning)
                try:
                    m.fit(train.L)
                except Exception:  # noqa: BLE001 - Snorkel raises on a NaN loss (too high a learning rate): skip
                    continue
            preds = probs_to_preds(m.predict_proba(valid.L), tie_break_policy="true-random",
                                   random_state=seed)
            score = metric_scores(valid.y, preds, k, [metric])[metric]
            if score > best_score:
                best, best_score = m, score
        if best is None:
            raise InputError("snorkel_tuned: every grid setting failed to fit")
        return best
    model = MODEL_FACTORIES[name](seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)  # the harness reports scores, not advice
        if use_valid_gold and valid is not None:
            from ..matrix import LabelMatrix

            L = LabelMatrix(np.vstack([train.L.votes, valid.L.votes]), train.L.lf_names,
                            label_space=train.L.label_space)
            y = np.concatenate([np.full(train.L.n_rows, -1), valid.y])
            model.fit(L, y)
        else:
            model.fit(train.L)
    return model


def run(dirs: Sequence[str | os.PathLike[str]], *, models: Sequence[str] | None = None, seeds: int = 5,
        use_valid_gold: bool = False, metric: str | None = None, lfs: Any = None, anchors: bool = False,
        progress: bool | None = None) -> pd.DataFrame:
    """Fit each model on each source's train split and score it on test.

    Parameters
    ----------
    dirs : sequence of paths
        WRENCH-format folders (``train.json``, ``test.json``, ``label.json``; ``valid.json``
        optional), ``.mat`` label-matrix files, folders of them, or glob patterns
        (see :func:`expand_sources`). A source without a test split is fitted and
        scored on its train split (crowdsourcing sets are transductive).
    models : sequence of str, optional
        Names from ``MODEL_FACTORIES``; default: weaklabel's models (plus Snorkel's
        when installed).
    seeds : int, default 5
    use_valid_gold : bool, default False
    metric : str, optional
        Default: :func:`auto_metric` per dataset.
    lfs : str or LFSuite, optional
        Re-apply this LF suite to every split's texts instead of using stored votes.
    anchors : bool, default False
        Add the peers (Snorkel default and tuned, crowd-kit's DawidSkene,
        OneCoinDawidSkene, GLAD and MACE, HyperLM); needs the ``anchors`` extra.
    progress : bool, optional
        A progress bar per (dataset, model); default: when stderr is a terminal.

    Returns
    -------
    DataFrame
        One row per (dataset, model, seed): ``metric``, ``score``, ``fit_seconds``, and the
        calibration of the test probabilities (``log_loss``, ``brier``, ``ece`` with 10 bins;
        see :func:`weaklabel.evaluate.calibration_scores`).
        ``snorkel_tuned`` is left out on sources without a valid split.
    """
    import sys

    from tqdm.auto import tqdm

    if models is None:
        models = [m for m in DEFAULT_MODELS if m not in _SEEDED or _has_snorkel()]
    models = list(models)
    if anchors:
        models += [m for m in ANCHOR_MODELS if m not in models]
    unknown = [m for m in models if m not in MODEL_FACTORIES]
    if unknown:
        raise InputError(f"models: unknown {unknown}; choose from {list(MODEL_FACTORIES)}")
    if seeds < 1:
        raise InputError(f"seeds: expected >= 1, got {seeds}")
    sources = expand_sources(dirs)
    seq = [s for s in sources if is_seq_source(s)]
    if seq:
        raise InputError(f"dirs: {seq[0]} is a sequence-labeling set; score it with "
                         "weaklabel.bench.harness_spans.run_seq (the CLI does both)")
    rows = []
    from .._progress import QUIET

    show = (sys.stderr.isatty() and not QUIET) if progress is None else progress
    bar = tqdm(total=len(sources) * len(models), disable=not show, unit="fit")
    for folder in sources:
        splits = _splits(folder, lfs)
        test, k = splits["test"], _cardinality(splits["train"].L)
        met = metric or auto_metric(test.y, k)
        for name in models:
            bar.set_description(f"{_name(folder)}: {name}")
            bar.update(1)
            if name == "snorkel_tuned" and "valid" not in splits:
                continue
            probs, fit_s, cal = None, 0.0, {}
            for seed in range(seeds):
                if probs is None or name in _SEEDED:  # deterministic models: fit and predict once
                    t0 = time.perf_counter()
                    model = _fit(name, seed, splits, use_valid_gold, met, k)
                    probs = model.predict_proba(test.L)
                    fit_s = time.perf_counter() - t0
                    cal = calibration_scores(test.y, probs)
                preds = probs_to_preds(probs, tie_break_policy="true-random", random_state=seed)
                rows.append({"dataset": _name(folder), "model": name, "seed": seed, "metric": met,
                             "score": metric_scores(test.y, preds, k, [met])[met],
                             "fit_seconds": fit_s, **cal})
    bar.close()
    return pd.DataFrame(rows)


def summarize(results: pd.DataFrame, *, show_time: bool = True) -> pd.DataFrame:
    """Tabulate ``mean ± std`` (x100) per model (rows) and dataset (columns).

    A ``mean`` column follows and, when ``majority`` was run, ``< MV-1``: on how many datasets the model
    scores more than one point below majority vote. The mean is over the datasets the model ran on
    (marked ``*`` when that is not all of them).
    """
    agg = results.groupby(["dataset", "metric", "model"], sort=False).agg(
        mean=("score", "mean"), std=("score", "std"), fit_seconds=("fit_seconds", "mean")).reset_index()
    agg["cell"] = [f"{100 * m:.1f} ± {100 * (s if s == s else 0):.1f}" + (f" ({t:.2f}s)" if show_time else "")
                   for m, s, t in zip(agg["mean"], agg["std"], agg["fit_seconds"])]
    agg["column"] = agg["dataset"] + " (" + agg["metric"] + ")"
    order = results["model"].drop_duplicates()
    table = agg.pivot(index="model", columns="column", values="cell").reindex(order)
    table = table[agg["column"].drop_duplicates()]
    means = agg.pivot(index="model", columns="column", values="mean").reindex(order)
    n_all = means.shape[1]
    table["mean"] = [f"{100 * r.mean():.1f}" + ("" if r.notna().sum() == n_all else "*")
                     for _, r in means.iterrows()]
    if "majority" in means.index:
        below = (means.lt(means.loc["majority"] - 0.01)) & means.notna()
        table["< MV-1"] = below.sum(axis=1).astype(int)
    return table.fillna("—")


def summarize_calibration(results: pd.DataFrame, measure: str = "ece") -> pd.DataFrame:
    """Tabulate one calibration measure per model (rows) and dataset (columns).

    The measure is ``log_loss``, ``brier`` or ``ece`` (x100 but for log-loss). A ``mean`` column follows
    and, when ``majority`` was run, ``<= MV``: on how many datasets the model is at least as well
    calibrated as majority vote's soft labels (its vote shares).
    """
    if measure not in ("log_loss", "brier", "ece"):
        raise InputError(f"measure: expected 'log_loss', 'brier' or 'ece', got {measure!r}")
    scale = 1.0 if measure == "log_loss" else 100.0
    values = results.groupby(["model", "dataset"], sort=False)[measure].mean().unstack()
    values = values.reindex(index=results["model"].drop_duplicates(), columns=results["dataset"].drop_duplicates())
    table = values.map(lambda v: "—" if v != v else f"{scale * v:.{3 if measure == 'log_loss' else 1}f}")
    table["mean"] = [f"{scale * r.mean():.{3 if measure == 'log_loss' else 1}f}" for _, r in values.iterrows()]
    if "majority" in values.index:
        table["<= MV"] = (values.le(values.loc["majority"] + 1e-12) & values.notna()).sum(axis=1).astype(int)
    return table


def gold_curve(folder: str | os.PathLike[str], *, sizes: Sequence[int] = (0, 25, 50, 100, 200),
               draws: int = 5, model: str = "label_model", metric: str | None = None,
               lfs: Any = None, balance: bool = False) -> pd.DataFrame:
    """Scores of a model fitted with ``n`` random train rows' gold as partial labels.

    Each fit is scored on test and on the train rows with gold that were *not* given
    (``held_out``: the distribution the gold was drawn from). Where gold lifts ``held_out``
    but lowers test, the test split differs from train (trec, breast_cancer).

    Parameters
    ----------
    balance : bool, default False
        Add a fit given the class balance of train's gold (``given="balance"``).

    Returns
    -------
    DataFrame
        One row per (given, draw): ``given`` ("none", "balance" or "<n> rows"),
        ``gold_rows``, ``draw``, ``metric``, ``score`` (test), ``held_out`` and ``ece``
        (test, 10 bins). Size 0 is the unsupervised fit.
    """
    import warnings

    from ..models import LabelModelWarning

    splits = _splits(Path(folder), lfs)
    train, test = splits["train"], splits["test"]
    k = _cardinality(train.L)
    met = metric or auto_metric(test.y, k)
    labeled = np.flatnonzero(train.y >= 0)

    def scores(m: BaseLabelModel, L: Any, y: np.ndarray) -> float:
        probs = m.predict_proba(L)
        return float(np.mean([metric_scores(y, probs_to_preds(probs, tie_break_policy="true-random",
                                                               random_state=s), k, [met])[met] for s in range(5)]))

    plan: list[tuple[str, int, int]] = []
    too_many = [size for size in sizes if size > labeled.size]
    if too_many and len(too_many) == len(sizes):
        raise InputError(f"sizes: {list(sizes)} gold rows requested but train has {labeled.size} labeled rows")
    for size in sizes:
        if size <= labeled.size:   # a small set skips the sizes it cannot give (attrs["skipped_sizes"])
            plan += [("none" if size == 0 else f"{size} rows", size, d) for d in range(draws if size else 1)]
    if balance:
        plan.insert(1 if plan and plan[0][1] == 0 else 0, ("balance", 0, 0))
    rows = []
    for given, size, draw in plan:
        y = np.full(train.L.n_rows, -1)
        pick = np.random.default_rng(draw).choice(labeled, size=size, replace=False)
        y[pick] = train.y[pick]
        params: dict[str, Any] = {}
        if given == "balance":
            counts = np.bincount(train.y[labeled], minlength=k) + 1.0
            params["class_balance"] = counts / counts.sum()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LabelModelWarning)
            m = make_model(model, random_state=0, **params).fit(train.L, y if size else None)
        rest = np.setdiff1d(labeled, pick)
        rows.append({"given": given, "gold_rows": size, "draw": draw, "metric": met,
                     "score": scores(m, test.L, test.y),
                     "held_out": scores(m, train.L.votes[rest], train.y[rest]) if rest.size else float("nan"),
                     "ece": calibration_scores(test.y, m.predict_proba(test.L))["ece"]})
    out = pd.DataFrame(rows)
    out.attrs["skipped_sizes"] = too_many
    out.attrs["labeled_rows"] = int(labeled.size)
    return out


def _has_snorkel() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("snorkel") is not None
    except (ImportError, ValueError):
        return False
