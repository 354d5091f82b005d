"""Snorkel's ``LabelModel`` signature over weaklabel's default label model.

Snorkel fits its model by gradient descent on a matrix-completion loss; weaklabel
fits a Dawid-Skene model by EM whose structure is chosen from ``L`` (see
:class:`weaklabel.models.LabelModel`). EM needs no learning rate, optimizer or
schedule: those options are checked as Snorkel checks them, so code written for
Snorkel runs and typos still fail, and then have no effect. ``n_epochs`` does not cap
EM, which runs to convergence in milliseconds.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple, cast

import numpy as np

from weaklabel.models.label_model import LabelModel as _WeakLabelModel

from ...utils import probs_to_preds
from .base_labeler import BaseLabeler

_OPTIMIZERS = ("sgd", "adam", "adamax")
_SCHEDULERS = ("constant", "linear", "exponential", "step")


class TrainConfig(NamedTuple):
    """Snorkel's training options for ``LabelModel.fit`` (see the module docstring)."""

    n_epochs: int = 100
    lr: float = 0.01
    l2: Any = 0.0
    optimizer: str = "sgd"
    optimizer_config: Any = None
    lr_scheduler: str = "constant"
    lr_scheduler_config: Any = None
    prec_init: Any = 0.7
    seed: int | None = None
    log_freq: int = 10
    mu_eps: float | None = None


_TRAIN_DEFAULTS: dict[str, Any] = TrainConfig()._asdict()
# weaklabel's own options, reachable through the compat constructor (the rest are set by fit)
_NATIVE = frozenset(_WeakLabelModel().get_params()) - {"cardinality", "class_balance", "random_state"}


class LabelModel(BaseLabeler):
    """A label model with Snorkel's API.

    ``fit(L_train, ...)``, ``predict_proba``, ``predict``, ``score``, ``get_weights``,
    ``get_conditional_probs``, ``save``/``load``.

    Parameters
    ----------
    cardinality : int, default 2
    verbose : bool, default True
        Log a line per fit.
    device : str, default "cpu"
        Accepted for compatibility; the model runs in NumPy.
    **native
        weaklabel's own options of :class:`weaklabel.models.LabelModel` (``confusion``,
        ``smoothing``, ``max_iter``, ``tol``, ``gold_correction``, ``gold_weight``,
        ``pattern_prior``, ``temperature``, ``model_abstains``), passed through.

    Examples
    --------
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 0, 1]])
    >>> LabelModel(cardinality=2, verbose=False).fit(L, seed=123).predict(L).tolist()
    [0, 1, 0, 1]
    """

    def __init__(self, cardinality: int = 2, **kwargs: Any) -> None:
        super().__init__(cardinality)
        self.verbose = bool(kwargs.pop("verbose", True))
        self.device = kwargs.pop("device", "cpu")
        self.native_params = {k: kwargs.pop(k) for k in list(kwargs) if k in _NATIVE}
        if kwargs:
            raise ValueError(f"Unknown LabelModel option(s) {sorted(kwargs)}; it takes cardinality, verbose, device "
                             f"and weaklabel's own {sorted(_NATIVE)}")

    # -- Snorkel's set-up helpers --------------------------------------------
    def _set_constants(self, L: np.ndarray) -> None:
        self.n, self.m = np.asarray(L).shape
        self.t = 1

    def _set_class_balance(self, class_balance: Any, Y_dev: Any) -> None:
        k = self.cardinality
        if class_balance is not None:
            p = np.array(class_balance, dtype=float)
            if len(p) != k:
                raise ValueError(f"class_balance has {len(p)} entries. Does not match LabelModel cardinality {k}.")
        elif Y_dev is not None:
            y = np.asarray(Y_dev).astype(np.int64)
            y = y[y >= 0]
            present = np.unique(y)
            if len(present) != k:
                raise ValueError(f"Y_dev has {len(present)} class(es). Does not match LabelModel cardinality {k}.")
            p = np.bincount(y, minlength=k) / len(y)
        else:
            p = np.full(k, 1.0 / k)
        if np.any(p == 0):
            raise ValueError(f"Class balance prior is 0 for class(es) {np.flatnonzero(p == 0).tolist()}.")
        self.p = p
        self.P = np.diag(p)
        self._fixed_balance = class_balance is not None or Y_dev is not None

    def _check_train_config(self, config: dict[str, Any], m: int) -> None:
        unknown = sorted(set(config) - set(_TRAIN_DEFAULTS))
        if unknown:
            raise ValueError(f"Unknown fit option(s) {unknown}; LabelModel.fit takes {sorted(_TRAIN_DEFAULTS)}")
        if config["optimizer"] not in _OPTIMIZERS:
            raise ValueError(f"Unrecognized optimizer option '{config['optimizer']}'; choose from {_OPTIMIZERS}")
        if config["lr_scheduler"] not in _SCHEDULERS:
            raise ValueError(f"Unrecognized lr scheduler option '{config['lr_scheduler']}'; "
                             f"choose from {_SCHEDULERS}")
        prec = config["prec_init"]
        if isinstance(prec, (list, np.ndarray)):
            if np.asarray(prec).shape != (m,):
                raise ValueError(f"prec_init must have shape {m}.")
        elif not isinstance(prec, (int, float)) or isinstance(prec, bool):
            raise TypeError(f"prec_init is of type {type(prec)} which is not supported currently.")
        warm = dict(config["lr_scheduler_config"] or {})
        self.warmup_steps = 0
        if warm.get("warmup_percentage"):
            self.warmup_steps = int(warm["warmup_percentage"] * config["n_epochs"])
        elif warm.get("warmup_steps"):
            if warm.get("warmup_unit", "epochs") != "epochs":
                raise ValueError("LabelModel does not support any warmup_unit other than 'epochs'.")
            self.warmup_steps = int(warm["warmup_steps"])

    # -- fitting ----------------------------------------------------------------
    def fit(self, L_train: np.ndarray, Y_dev: Any = None, class_balance: Any = None,
            progress_bar: bool = True,  # noqa: ARG002 - Snorkel's signature; the fit is too quick for a bar
            gold: Any = None, **kwargs: Any) -> LabelModel:
        """Learn LF accuracies from ``L_train`` without gold.

        Parameters
        ----------
        L_train : ndarray of shape (n, m), -1 = abstain
        Y_dev : array-like, optional
            Gold labels of some set: their class balance becomes the fixed prior.
        class_balance : array-like of shape (cardinality,), optional
            A fixed prior (else it is estimated, unlike Snorkel's uniform default).
        progress_bar : bool
            Accepted for compatibility (EM takes milliseconds).
        gold : array-like of shape (n,), optional
            weaklabel's partial labels: the known class of some rows of ``L_train`` (-1
            elsewhere), which the gold layers learn from (not in Snorkel).
        **kwargs
            Snorkel's training options (n_epochs, lr, l2, optimizer, lr_scheduler,
            lr_scheduler_config, prec_init, seed, log_freq, mu_eps); checked as Snorkel
            does. ``seed`` seeds random tie-breaks; ``mu_eps`` floors the conditional
            probabilities; the rest do not apply to EM.
        """
        from ..apply.core import lf_names_of

        names = lf_names_of(L_train)        # an applier's matrix: warnings name its LFs
        L = np.asarray(L_train)
        if L.ndim != 2:
            raise ValueError(f"L_train: expected a 2-D label matrix, got shape {L.shape}")
        L = L.astype(np.int64)
        self._set_constants(L)
        if self.m < 3:
            raise ValueError("L_train should have at least 3 labeling functions")
        if L.size and L.max() + 1 > self.cardinality:
            raise ValueError(f"L_train has cardinality {int(L.max()) + 1}, "
                             f"cardinality={self.cardinality} passed in.")
        config = {**_TRAIN_DEFAULTS, **kwargs}
        self._check_train_config(config, self.m)
        self.train_config = TrainConfig(**config)
        self._set_class_balance(class_balance, Y_dev)
        seed = config["seed"] if config["seed"] is not None else int(np.random.randint(1_000_000))
        self.seed = seed
        self._tie_rng = np.random.default_rng(seed)   # "true-random" ties: the same seed, the same labels
        model = _WeakLabelModel(cardinality=self.cardinality, class_balance=self.p if self._fixed_balance else None,
                                random_state=seed, **self.native_params)
        from weaklabel.matrix import LabelMatrix

        # its guardrail warnings (LabelModelWarning) reach the user, naming the LFs where known
        self._model = model.fit(LabelMatrix(L, lf_names=names) if names else L, gold)
        if not self._fixed_balance:
            self.p = model.class_balance_
            self.P = np.diag(self.p)
        self.coverage = (L >= 0).mean(axis=0)
        self._cprobs = self._posterior_conditionals(L, model.predict_proba(L), config["mu_eps"])
        if self.verbose:
            logging.getLogger(__name__).info("LabelModel fitted by EM in %d iterations (%s)", model.n_iter_,
                                             model.structure_.regime)
        return self

    def _posterior_conditionals(self, L: np.ndarray, post: np.ndarray, mu_eps: float | None) -> np.ndarray:
        """P(LF output | y) weighted by the model's posteriors.

        Class rows clamped to [mu_eps, 1 - mu_eps] and the abstain row the remainder, as Snorkel reports
        them.
        """
        k, (n, m) = self.cardinality, L.shape
        mass = post.sum(axis=0)
        cprobs = np.zeros((m, k + 1, k))
        for v in range(-1, k):
            hit = (L == v).astype(float)
            cprobs[:, v + 1, :] = (hit.T @ post) / np.where(mass > 0, mass, 1.0)[None, :]
        eps = mu_eps if mu_eps is not None else min(0.01, 1 / 10 ** np.ceil(np.log10(max(n, 1))))
        cprobs[:, 1:, :] = np.clip(cprobs[:, 1:, :], eps, 1 - eps)
        cprobs[:, 0, :] = 1 - cprobs[:, 1:, :].sum(axis=1)
        return cprobs

    # -- results ------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "_model"):
            raise ValueError("This LabelModel is not fitted yet: call fit(L_train) first")

    def _check_L(self, L: Any) -> np.ndarray:
        L = np.asarray(L)
        if L.ndim != 2 or L.shape[1] != self.m:
            raise ValueError(f"L: expected shape (n, {self.m}) like L_train, got {L.shape}")
        if L.size and L.max() + 1 > self.cardinality:
            raise ValueError(f"L has cardinality {int(L.max()) + 1}, cardinality={self.cardinality} passed in.")
        return cast("np.ndarray", L.astype(np.int64))

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        """P(y | votes) per row; a row without votes gets the class balance."""
        self._check_fitted()
        return self._model.predict_proba(self._check_L(L))

    def predict(self, L: np.ndarray, return_probs: bool = False,
                tie_break_policy: str = "abstain") -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Hard labels; under "abstain", ties and rows without votes are -1."""
        self._check_fitted()
        L = self._check_L(L)
        probs = self._model.predict_proba(L)
        preds = probs_to_preds(probs, tie_break_policy=tie_break_policy, random_state=self._tie_seed(tie_break_policy))
        if tie_break_policy == "abstain":  # no vote, no label: the prior is not evidence
            preds[~(L >= 0).any(axis=1)] = -1
        return (preds, probs) if return_probs else preds

    def get_conditional_probs(self) -> np.ndarray:
        """P(LF j outputs v | Y = y), shape (m, cardinality + 1, cardinality); index 0 of the middle axis is abstain."""
        self._check_fitted()
        return self._cprobs.copy()

    def get_weights(self) -> np.ndarray:
        """Each LF's estimated accuracy on the rows it votes on."""
        self._check_fitted()
        cp = self._cprobs
        joint = np.array([np.diag(cp[j, 1:, :]) @ self.p for j in range(self.m)])
        with np.errstate(invalid="ignore", divide="ignore"):
            return cast("np.ndarray", np.clip(np.nan_to_num(joint / self.coverage), 1e-6, 1.0))

    @property
    def weaklabel_model(self) -> _WeakLabelModel:
        """The fitted :class:`weaklabel.models.LabelModel` underneath."""
        self._check_fitted()
        return self._model


__all__ = ["LabelModel", "TrainConfig"]
