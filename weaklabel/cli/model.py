"""The ``weaklabel train`` and ``weaklabel issues`` commands: from weak labels to a model,
and the rows whose labels a cross-validated model doubts."""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from ._render import print_table


def _weak_labels(args: argparse.Namespace):
    from ..apply import apply_lfs
    from ..io.suite import load_suite
    from ..models import LabelModel, LabelModelWarning
    from ..pipeline import load_items

    suite = load_suite(args.lfs)
    df, gold = load_items(args.data, split=args.split, data_dir=args.data_dir, id_column=args.id_column,
                          gold_column=None, labels=suite.labels)
    L = apply_lfs(suite.lfs, df, label_space=suite.labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        lm = LabelModel().fit(L)
    text = args.text_column or ("text" if "text" in df.columns else None)
    return suite, df, gold, L, lm, text


def cmd_train(args: argparse.Namespace) -> int:
    from ..learn.endmodel import EndModel, save_model
    from ..pipeline import load_items

    suite, df, _, L, lm, text = _weak_labels(args)
    em = EndModel(text_column=text, mode=args.mode).fit(df, lm.predict_proba(L), covered=(L.votes >= 0).any(axis=1))
    print(f"end model trained on {em.n_train_rows_} covered rows of {len(df)} ({args.mode} labels)")
    if args.eval_split:
        from ..apply import apply_lfs

        ev, y = load_items(args.data, split=args.eval_split, data_dir=args.data_dir, id_column=args.id_column,
                           gold_column=None, labels=suite.labels)
        known = y >= 0
        lm_acc = lm.score(apply_lfs(suite.lfs, ev, label_space=suite.labels).take(known), y[known],
                          tie_break_policy="random")["accuracy"]
        em_acc = em.score(ev[known], y[known])["accuracy"]
        print(f"{args.eval_split} accuracy: label model {lm_acc:.4f}, end model {em_acc:.4f}")
    if args.out:
        print(f"Wrote {save_model(em, args.out)}")
    return 0


def cmd_issues(args: argparse.Namespace) -> int:
    from ..learn.quality import find_label_issues
    from ..models import probs_to_preds

    suite, df, _, L, lm, text = _weak_labels(args)
    labels = probs_to_preds(lm.predict_proba(L), tie_break_policy="random")
    labels = np.where((L.votes >= 0).any(axis=1), labels, -1)  # uncovered rows have no label to doubt
    found = find_label_issues(df, labels, n=args.n, text_column=text, label_names=suite.labels.names)
    if text:
        found[text] = df.loc[found.index, text].astype(str).str.slice(0, 80)
    print_table(found, args.format)
    return 0


def add_parsers(sub, add_data_args) -> None:
    p = sub.add_parser("train", help="train an end model on the label model's probabilistic labels")
    add_data_args(p)
    p.add_argument("--text-column", help="text feature (default: 'text' if present, else numeric columns)")
    p.add_argument("--mode", default="weighted", choices=["weighted", "hard"])
    p.add_argument("--eval-split", help="score label model and end model on this split's gold")
    p.add_argument("--out", help="save the end model here (.skops, a safe format)")
    p = sub.add_parser("issues", help="rows whose weak label a cross-validated end model doubts")
    add_data_args(p)
    p.add_argument("--text-column")
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--format", default="table", choices=["table", "json", "csv", "markdown"])
