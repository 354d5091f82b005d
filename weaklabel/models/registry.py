"""The one registry of label models by name: what ``--model`` accepts everywhere (run,
fit, analyze, the app's ``model`` setting, benchmarks)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from ..exceptions import InputError
from .anchors import CrowdKitModel, HyperLM
from .base import BaseLabelModel
from .dawid_skene import DawidSkene
from .label_model import LabelModel
from .majority import MajorityVote
from .names import PEERS
from .snorkel import SnorkelLabelModel
from .triplets import TripletModel
from .weighted import WeightedMajorityVote

MODELS: dict[str, Callable[..., BaseLabelModel]] = {
    "label_model": LabelModel,
    "majority": MajorityVote,
    "weighted_majority": WeightedMajorityVote,
    "dawid_skene": DawidSkene,
    "dawid_skene_one_coin": functools.partial(DawidSkene, confusion="one_coin"),
    "triplets": TripletModel,
    "snorkel": SnorkelLabelModel,  # needs the snorkel extra (torch)
    # peers (the anchors extra), transductive
    "crowdkit_ds": functools.partial(CrowdKitModel, method="DawidSkene"),
    "crowdkit_one_coin": functools.partial(CrowdKitModel, method="OneCoinDawidSkene"),
    "crowdkit_glad": functools.partial(CrowdKitModel, method="GLAD"),
    "crowdkit_mace": functools.partial(CrowdKitModel, method="MACE"),
    "hyperlm": HyperLM,
}


def _accepts(factory: Callable[..., Any], name: str) -> bool:
    target = factory.func if isinstance(factory, functools.partial) else factory
    return name in inspect.signature(target.__init__).parameters


def make_model(name: str, *, random_state: int | None = None, **params: Any) -> BaseLabelModel:
    """A label model by name (see :data:`MODELS`); ``random_state`` is passed to the models
    that take one.

    Examples
    --------
    >>> make_model("dawid_skene", random_state=3).random_state
    3
    """
    if name not in MODELS:
        raise InputError(f"model: unknown {name!r}; choose from {list(MODELS)}")
    factory = MODELS[name]
    if random_state is not None and _accepts(factory, "random_state"):
        params["random_state"] = random_state
    return factory(**params)


__all__ = ["MODELS", "PEERS", "make_model"]
