"""The label models' names, with nothing imported: what the command line offers for
``--model`` before any model (or numpy) loads. :data:`weaklabel.models.MODELS` maps these
same names to the classes, in this order."""

from __future__ import annotations

MODEL_NAMES = ("label_model", "majority", "weighted_majority", "dawid_skene", "dawid_skene_one_coin",
               "triplets", "snorkel", "crowdkit_ds", "crowdkit_one_coin", "crowdkit_glad", "crowdkit_mace",
               "hyperlm")
# peers, run as anchors in benchmarks (the "anchors" extra; Snorkel needs the "snorkel" extra)
PEERS = ("snorkel", "crowdkit_ds", "crowdkit_one_coin", "crowdkit_glad", "crowdkit_mace", "hyperlm")
# what `weaklabel benchmark` runs by default: ours, Snorkel, and Snorkel grid-searched on valid
BENCHMARK_MODELS = (*(n for n in MODEL_NAMES if n not in PEERS or n == "snorkel"), "snorkel_tuned")

__all__ = ["BENCHMARK_MODELS", "MODEL_NAMES", "PEERS"]
