"""``weaklabel suggest``: LFs mined from a project's expert labels and its unlabeled items."""

from __future__ import annotations

import argparse
from typing import Any

from ..exceptions import InputError


def cmd_suggest(args: argparse.Namespace) -> int:
    """``weaklabel suggest``: LFs mined from the labeled rows, ranked, optionally written as code."""
    from ..apply import apply_lfs
    from ..review.project import Project
    from ..suggest import SuggestionLog, suggest_lfs, write_suggestions
    from ._render import print_table

    proj = Project.load(args.project)
    if proj.kind == "multilabel":
        return _suggest_label_sets(proj, args)
    if proj.kind != "classes":
        raise InputError(f"project: suggest mines class and multi-label LFs; {proj.name!r} is a {proj.kind!r} "
                         "project")
    suite = proj.suite()
    df, _ = proj.items()
    text = proj.text_column or "text"
    column = text if text in df.columns else None       # no text: thresholds on the numeric columns
    y = proj.open_store().gold_array(df.index)
    existing = apply_lfs(suite.lfs, df, label_space=suite.labels)
    # rules an expert accepted or rejected in the app's Suggestions view are not proposed again
    decided = SuggestionLog(proj.store_url, project=proj.name).decided_keys()
    table = suggest_lfs(df, y, list(suite.labels.names), existing=existing, column=column, top=args.top,
                        exclude=decided)
    print(f"{len(table)} suggestions from {int((y >= 0).sum())} expert-labeled rows of {len(df)} "
          f"(precision on the labeled rows with its 95% Wilson lower bound; gain: cross-validated change in "
          "held-out accuracy when added to the project's LFs)")
    if len(table):
        shown = table.drop(columns=["merged"]).copy()
        for col in ("precision", "lower", "coverage", "overlap", "gain"):
            shown[col] = shown[col].round(3)
        print_table(shown)
    if args.out and len(table):
        path = write_suggestions(args.out, table.attrs["suggestions"], list(suite.labels.names), column=text,
                                 source=f"{int((y >= 0).sum())} expert labels of project {proj.name!r}")
        print(f"Wrote {len(table)} LFs to {path}: read them, keep the ones you agree with, add them to LFS")
    return 0


def _suggest_label_sets(proj: Any, args: argparse.Namespace) -> int:
    """Return a multi-label project: per-label rules from the experts' agreed label sets."""
    from ..multilabel import apply_multilabel_lfs
    from ..review.label_set_session import load_items
    from ..review.label_set_store import LabelSetStore, text_version
    from ..suggest import suggest_multilabel_lfs, write_multilabel_suggestions
    from ._render import print_table

    df, ids, texts, lfs, labels = load_items(proj)
    column = proj.text_column if proj.text_column in df.columns else "text"    # a GoEmotions folder: "text"
    store = LabelSetStore(proj.store_url, project=proj.name, labels=labels)
    Y = store.matrix(ids, {d: text_version(t) for d, t in zip(ids, texts)})
    found = suggest_multilabel_lfs(df, Y, labels, column=column, existing=apply_multilabel_lfs(lfs, df, labels))
    table = found.head(args.top)                       # best lower bound first
    table.attrs["suggestions"] = found.attrs["suggestions"][:args.top]
    n = int((Y >= 0).all(axis=1).sum())
    print(f"{len(table)} suggestions from {n} items with an agreed label set, of {len(df)} (precision on those "
          "items with its 95% Wilson lower bound; rules the project's LFs already make are left out)")
    if len(table):
        shown = table.drop(columns=["merged"]).copy()
        for col in ("precision", "lower", "coverage"):
            shown[col] = shown[col].round(3)
        print_table(shown)
    if args.out and len(table):
        path = write_multilabel_suggestions(args.out, table.attrs["suggestions"], labels, column=column,
                                            source=f"{n} expert label sets of project {proj.name!r}")
        print(f"Wrote {len(table)} LFs to {path}: read them, keep the ones you agree with, add them to LFS")
    return 0


def add_parser(sub: Any) -> None:
    """Register ``suggest``."""
    p = sub.add_parser("suggest", help="suggest LFs from the project's expert labels (keywords, shapes), with "
                                       "their evidence; --out writes them as Python")
    p.set_defaults(handler=cmd_suggest)
    p.add_argument("--project", default="weaklabel.toml")
    p.add_argument("--top", type=int, default=20, help="suggestions to keep (taken in turn from each class)")
    p.add_argument("--out", help="write the suggestions here as an LF module (template LFs with comments)")
