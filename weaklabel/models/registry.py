"""The one registry of weaklabel's label models by name.

What ``--model`` accepts everywhere (run, fit, analyze, the app's ``model`` setting). Peers' models
(Snorkel, crowd-kit, HyperLM) are not here: they run beside these in the benchmarks
(:data:`weaklabel.bench.peers.PEERS`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from ..exceptions import InputError
from .base import BaseLabelModel
from .dawid_skene import DawidSkene
from .label_model import LabelModel
from .majority import MajorityVote
from .names import PEER_NAMES
from .triplets import TripletModel
from .weighted import WeightedMajorityVote

MODELS: dict[str, Callable[..., BaseLabelModel]] = {
    "label_model": LabelModel,
    "majority": MajorityVote,
    "weighted_majority": WeightedMajorityVote,
    "dawid_skene": DawidSkene,
    "dawid_skene_one_coin": functools.partial(DawidSkene, confusion="one_coin"),
    "triplets": TripletModel,
}


def _accepts(factory: Callable[..., Any], name: str) -> bool:
    target = factory.func if isinstance(factory, functools.partial) else factory
    return name in inspect.signature(target.__init__).parameters


def build(factory: Callable[..., BaseLabelModel], random_state: int | None, params: dict[str, Any]) -> BaseLabelModel:
    """``factory(**params)``, with ``random_state`` passed where the model takes one."""
    if random_state is not None and _accepts(factory, "random_state"):
        params = {**params, "random_state": random_state}
    return factory(**params)


def make_model(name: str, *, random_state: int | None = None, **params: Any) -> BaseLabelModel:
    """Return a label model by name (see :data:`MODELS`); ``random_state`` is passed to the models that take one.

    Examples
    --------
    >>> make_model("dawid_skene", random_state=3).random_state
    3
    """
    if name not in MODELS:
        if name in PEER_NAMES:
            raise InputError(f"model: {name!r} is a peer's model, run beside weaklabel's in benchmarks (weaklabel "
                             "benchmark --anchors, or weaklabel.bench.peers.make_benchmark_model); choose from "
                             f"{list(MODELS)}")
        raise InputError(f"model: unknown {name!r}; choose from {list(MODELS)}")
    return build(MODELS[name], random_state, params)


__all__ = ["MODELS", "make_model"]
