"""Why the Snorkel spam tutorial's end model scores lower on our labels than on Snorkel's.

Runs examples/snorkel_spam_tutorial.py (weaklabel.compat.snorkel), then, on its L_train,
compares the train labels of our LabelModel, majority vote, Snorkel's LabelModel (when
snorkel is installed) and the gold: accuracy on the covered train rows, share called spam,
and the tutorial's end model (CountVectorizer 1-5 grams, LogisticRegression C=1e3) trained
on each. It also prints the log-likelihood per row of our model's unsupervised fit against
the same model at the parameters fitted on the train gold.

Run: python tools/tutorial_labels.py   (README, "Coming from Snorkel")
"""

from __future__ import annotations

import contextlib
import io
import runpy
import warnings
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from weaklabel.io.datasets import load_dataset
from weaklabel.models import LabelModel, MajorityVote, probs_to_preds
from weaklabel.models._patterns import _one_hot
from weaklabel.models.base import _log_normalize

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ns = runpy.run_path(str(ROOT / "examples" / "snorkel_spam_tutorial.py"))
    L = np.asarray(ns["L_train"])
    texts, test_texts, y_test = ns["df_train"].text, ns["df_test"].text.tolist(), ns["Y_test"]
    y = load_dataset("youtube", split="train", data_dir=ns["DATA"]).y
    covered = (L >= 0).any(axis=1)
    vec = CountVectorizer(ngram_range=(1, 5))
    X, X_test = vec.fit_transform(texts[covered].tolist()), None
    X_test = vec.transform(test_texts)

    labels = {"gold": y}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = LabelModel().fit(L)
        labels["weaklabel LabelModel"] = probs_to_preds(ours.predict_proba(L), tie_break_policy="random")
        labels["majority vote"] = probs_to_preds(MajorityVote().fit(L).predict_proba(L), tie_break_policy="random")
        try:
            from snorkel.labeling.model import LabelModel as SnorkelLabelModel
        except ImportError:
            print("snorkel is not installed: its row is left out (pip install 'weaklabel[snorkel]')")
        else:
            sn = SnorkelLabelModel(cardinality=2, verbose=False)
            sn.fit(L_train=L, n_epochs=500, log_freq=100, seed=123)
            labels["Snorkel LabelModel"] = probs_to_preds(sn.predict_proba(L), tie_break_policy="random")
        at_gold = LabelModel(gold_correction=None, pattern_prior=None).fit(L, y)

    print(f"{'train labels':22} {'accuracy':>9} {'spam share':>11} {'end model':>10}   ({covered.sum()} covered rows)")
    for name, pred in labels.items():
        end = LogisticRegression(C=1e3, solver="liblinear").fit(X, pred[covered]).score(X_test, y_test)
        print(f"{name:22} {np.mean(pred[covered] == y[covered]):9.3f} {np.mean(pred[covered] == 1):11.3f} "
              f"{end:10.3f}")

    def log_lik(model: LabelModel) -> float:
        log_cb, log_emission = model._log_params(corrected=False)
        norm, _ = _log_normalize(model._log_joint(_one_hot(L, 2), log_cb, log_emission))
        return float(norm.mean())

    names = ns["lfs"]
    print("\nLF accuracy, unsupervised fit vs fitted on the train gold:")
    for j, lf in enumerate(names):
        print(f"  {lf.name:24} {ours.lf_accuracy_[j]:.3f}  {at_gold.lf_accuracy_[j]:.3f}")
    print(f"log-likelihood per row: unsupervised fit {log_lik(ours):.3f}, at the gold-fitted parameters "
          f"{log_lik(at_gold):.3f}")


if __name__ == "__main__":
    main()
