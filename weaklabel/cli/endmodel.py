"""The ``weaklabel train`` and ``weaklabel issues`` commands.

From weak labels to a model, and the rows whose labels a cross-validated model doubts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI starts without the scientific stack
    import pandas as pd

import argparse
import warnings
from typing import Any

from .._progress import Steps
from ._render import print_table


def _weak_labels(args: argparse.Namespace, steps: Steps) -> tuple[Any, pd.DataFrame, Any, Any, Any, str | None]:
    from ..apply import apply_lfs
    from ..io.suite import load_suite
    from ..learn.endmodel import pick_text_column
    from ..models import LabelModel, LabelModelWarning
    from ..pipeline import load_items

    steps.step("loading")
    suite = load_suite(args.lfs)
    df, gold = load_items(args.data, split=args.split, data_dir=args.data_dir, id_column=args.id_column,
                          gold_column=None, labels=suite.labels)
    steps.step("applying LFs")
    L = apply_lfs(suite.lfs, df, label_space=suite.labels)
    steps.step("fitting the label model")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        from ._args import class_balance

        lm = LabelModel(class_balance=class_balance(getattr(args, "class_balance", None), suite.labels.names)).fit(L)
    return suite, df, gold, L, lm, pick_text_column(df, args.text_column)


def cmd_train(args: argparse.Namespace) -> int:
    """``weaklabel train``: an end model on a run's probabilistic labels."""
    from ..learn.endmodel import EndModel, save_model
    from ..pipeline import load_eval_items

    steps = Steps(4 + bool(args.eval_split), desc="train")
    suite, df, _, L, lm, text = _weak_labels(args, steps)
    steps.step("training the end model")
    em = EndModel(text_column=text, mode=args.mode).fit(df, lm.predict_proba(L), covered=(L.votes >= 0).any(axis=1))
    if not args.eval_split:
        steps.close()
    print(f"end model trained on {em.n_train_rows_} covered rows of {len(df)} ({args.mode} labels)")
    if args.eval_split:
        from ..apply import apply_lfs

        steps.step(f"scoring on {args.eval_split}")
        ev, y, name = load_eval_items(args.data, args.eval_split, data_dir=args.data_dir, id_column=args.id_column,
                                      gold_column=None, labels=suite.labels)
        known = y >= 0
        lm_acc = lm.score(apply_lfs(suite.lfs, ev, label_space=suite.labels).take(known), y[known],
                          tie_break_policy="random")["accuracy"]
        em_acc = em.score(ev[known], y[known])["accuracy"]
        steps.close()
        print(f"{name} accuracy: label model {lm_acc:.4f}, end model {em_acc:.4f}")
    if args.out:
        print(f"Wrote {save_model(em, args.out)}")
    return 0


def cmd_issues(args: argparse.Namespace) -> int:
    """``weaklabel issues``: the rows whose label a text model doubts most."""
    import numpy as np

    from ..learn.quality import find_label_issues
    from ..models import probs_to_preds

    steps = Steps(4, desc="issues")
    suite, df, _, L, lm, text = _weak_labels(args, steps)
    steps.step("cross-fitting the end model")
    labels = probs_to_preds(lm.predict_proba(L), tie_break_policy="random")
    labels = np.where((L.votes >= 0).any(axis=1), labels, -1)  # uncovered rows have no label to doubt
    found = find_label_issues(df, labels, n=args.n, text_column=text, label_names=suite.labels.names)
    steps.close()
    if text:
        found[text] = df.loc[found.index, text].astype(str).str.slice(0, 80)
    print_table(found, args.format)
    return 0


def add_parser(sub: Any) -> None:
    """Register train and issues."""
    from ._args import FORMATS, add_data_args

    p = sub.add_parser("train", help="train an end model on the label model's probabilistic labels")
    p.set_defaults(handler=cmd_train)
    add_data_args(p)
    p.add_argument("--text-column", help="text feature (default: 'text' if present, else numeric columns)")
    p.add_argument("--mode", default="weighted", choices=["weighted", "hard"])
    p.add_argument("--eval-split", help="score label model and end model on held-out gold: a split of a dataset "
                                        "(e.g. test), or a file in the layout of --data")
    p.add_argument("--class-balance", help="the class balance, known from elsewhere: SPAM=0.3,HAM=0.7 or 0.7,0.3")
    p.add_argument("--out", help="save the end model here (.skops, a safe format)")
    p = sub.add_parser("issues", help="rows whose weak label a cross-validated end model doubts")
    p.set_defaults(handler=cmd_issues)
    add_data_args(p)
    p.add_argument("--text-column")
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--format", default="table", choices=FORMATS)
