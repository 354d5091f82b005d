"""The label models' names, with nothing imported.

What the command line offers for ``--model`` before any model (or numpy) loads.
:data:`weaklabel.models.MODELS` maps ``MODEL_NAMES`` to the classes, in this order;
:data:`weaklabel.bench.peers.PEERS` maps ``PEER_NAMES``.
"""

from __future__ import annotations

# weaklabel's models: what run, fit, analyze and the app's ``model`` setting accept
MODEL_NAMES = ("label_model", "majority", "weighted_majority", "dawid_skene", "dawid_skene_one_coin", "triplets")
# peers' models, run beside ours in the benchmarks only: Snorkel's (the "snorkel" extra), crowd-kit's
# and HyperLM (the "anchors" extra). They fit on the votes they label and take no gold.
PEER_NAMES = ("snorkel", "crowdkit_ds", "crowdkit_one_coin", "crowdkit_glad", "crowdkit_mace", "hyperlm")
# what `weaklabel benchmark` runs by default: ours, Snorkel, and Snorkel grid-searched on valid
BENCHMARK_MODELS = (*MODEL_NAMES, "snorkel", "snorkel_tuned")

__all__ = ["BENCHMARK_MODELS", "MODEL_NAMES", "PEER_NAMES"]
