"""``weaklabel benchmark`` on multi-label sets (GoEmotions' layout, with ``--lfs``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exceptions import InputError
from ._render import markdown


def multilabel_benchmark(sources: list[Path], args: argparse.Namespace) -> None:
    """One table per set.

    Micro / macro F1, Hamming loss, subset accuracy and label cardinality on test, for every multi-label
    model, the default with dev-tuned thresholds, and the end model.
    """
    from ..bench.harness_multilabel import run_multilabel

    if not args.lfs:
        raise InputError(f"{sources[0]}: a multi-label set holds gold labels only; pass the LF suite to run on "
                         "it, e.g. --lfs lfs/goemotions.py")
    for src in sources:
        def progress(what: str) -> None:
            print(f"  {what}", file=sys.stderr)

        res = run_multilabel(src, args.lfs, progress=progress)
        cov = res.attrs["coverage"]
        cols = ["model", "micro_f1", "macro_f1", "hamming_loss", "subset_accuracy", "cardinality", "seconds"]
        table = res[cols].copy()
        for c in ("micro_f1", "macro_f1", "subset_accuracy"):
            table[c] = (100 * table[c]).round(2)
        table["hamming_loss"] = (100 * table["hamming_loss"]).round(3)
        table["cardinality"] = table["cardinality"].round(3)
        table["seconds"] = table["seconds"].round(2)
        print(f"{src.name}: multi-label, test split; F1, subset accuracy and Hamming loss x100; cardinality: "
              f"labels per item (gold {res['gold_cardinality'].iloc[0]:.3f}); seconds: fit + predict on train. "
              f"LF coverage train {cov['train']:.3f}, test {cov['test']:.3f}; items no LF voted on get the "
              "default's prior only")
        print(markdown(table.set_index("model")))
        if args.json:
            base = Path(args.json)
            res.to_json(base.with_name(f"{base.stem}.{src.name}.multilabel{base.suffix}"), orient="records",
                        indent=2)
