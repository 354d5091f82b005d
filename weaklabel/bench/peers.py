"""Peers' label models by name, run beside weaklabel's in the benchmarks.

Snorkel's ``LabelModel`` (the "snorkel" extra), crowd-kit's Dawid-Skene, one-coin, GLAD and MACE,
and HyperLM (the "anchors" extra). They are transductive (they fit on the votes they label) and take
no gold, so ``--model`` and the app do not offer them; their wrappers follow weaklabel's label-model
contract (:mod:`weaklabel.models.snorkel`, :mod:`weaklabel.models.anchors`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..models.anchors import CrowdKitModel, HyperLM
from ..models.base import BaseLabelModel
from ..models.registry import MODELS, build, make_model
from ..models.snorkel import SnorkelLabelModel

PEERS: dict[str, Callable[..., BaseLabelModel]] = {
    "snorkel": SnorkelLabelModel,  # needs the snorkel extra (torch)
    "crowdkit_ds": functools.partial(CrowdKitModel, method="DawidSkene"),
    "crowdkit_one_coin": functools.partial(CrowdKitModel, method="OneCoinDawidSkene"),
    "crowdkit_glad": functools.partial(CrowdKitModel, method="GLAD"),
    "crowdkit_mace": functools.partial(CrowdKitModel, method="MACE"),
    "hyperlm": HyperLM,
}


def factory(name: str) -> Callable[..., BaseLabelModel]:
    """Return the class (or partial) behind a model name, weaklabel's or a peer's."""
    return MODELS[name] if name in MODELS else PEERS[name]


def make_benchmark_model(name: str, *, random_state: int | None = None, **params: Any) -> BaseLabelModel:
    """Return a label model by name, weaklabel's (:func:`weaklabel.models.make_model`) or a peer's (:data:`PEERS`).

    ``random_state`` goes to the models that take one.
    """
    if name not in PEERS:
        return make_model(name, random_state=random_state, **params)
    return build(PEERS[name], random_state, params)


__all__ = ["PEERS", "factory", "make_benchmark_model"]
