"""Refits of the review loop: fit the label model to the expert labels and rank the queue.

:func:`fit_and_rank` is a pure function of its inputs, so it runs in the server process
(``ReviewSession.refit``) or in a worker process (:class:`RefitProcess`, with
``ReviewSession(background_refits=True)``: the app's way, so no keypress waits for a fit or
competes with one for the GIL).

The worker is this module, started as ``python -m weaklabel.review.refit`` (a plain subprocess,
not ``multiprocessing``: a spawned child re-imports the parent's main module, and under Streamlit
that is the app script itself). Protocol over the pipes, pickled: the fit's fixed inputs once,
then ``"fit"`` per refit: the worker reads the expert labels from the project's store (the
server process spends no time on them) and answers ``(True, snapshot)`` or ``(False, error)``.
It exits when its stdin closes (the server stopped or died).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..models import LabelModelWarning, probs_to_preds
from ..models.registry import make_model
from .queue import conflict_weights, rank
from .records import LabelMove, RefitInfo

if TYPE_CHECKING:
    from ..labels import LabelSpace
    from ..matrix import LabelMatrix
    from ..models import BaseLabelModel
    from .project import Project
    from .store import ExpertLabelStore


def issue_scores(df: pd.DataFrame, text_column: str | None, probs: np.ndarray,
                  y: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """Return a text model's doubt about each row's label under ``probs``, or None and why not.

    Expert labels are used where known.
    """
    from ..learn.quality import label_issue_scores

    weak = np.where(y >= 0, y, probs_to_preds(probs, tie_break_policy="random"))
    try:
        if not text_column:
            raise InputError("it needs text_column in weaklabel.toml")
        return label_issue_scores(df, weak, text_column=text_column), None
    except InputError as exc:  # e.g. too few rows of some class for cross-validation
        return None, str(exc)


def store_labels(store: ExpertLabelStore, row_ids: Any, strategy: str,
                 y: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return what a refit reads from the store.

    (each row's expert gold, adjudicated policy, -1 none; the gold the model fits to, -1 elsewhere;
    whether those rows were all drawn at random). See :func:`weaklabel.review.queue.fit_gold`: under a
    strategy that ranks by the votes, queue rows count too; under ``label_issues`` only audit rows do.
    """
    from .queue import fit_gold, label_sources

    y = store.gold_array(row_ids, policy="adjudicated") if y is None else y
    y_fit, random_sample = fit_gold(label_sources(store.current_labels(), row_ids), strategy, y)
    return y, y_fit, random_sample


def fit_to_expert_labels(name: str, L: Any, y_fit: np.ndarray, random_sample: bool,
                         **params: Any) -> BaseLabelModel:
    """Return the label model ``name`` fitted to the votes and the expert labels ``y_fit`` (-1: none).

    Rows drawn at random (``random_sample``: audit rows, the random strategy) feed every gold
    layer. Rows a votes-only queue chose are a random sample of their vote pattern only
    (missing at random given the votes, :func:`weaklabel.review.queue.fit_gold`), so:

    * they enter EM as observed labels: with selection on the votes alone, the likelihood of
      the votes and those labels is still the right objective;
    * they set the class balance through :func:`~weaklabel.review.queue.stratified_balance`
      (a second fit, the balance fixed), never through their own class shares;
    * the layers that compare predictions with gold across patterns (the per-LF correction,
      the temperature) and the balance read off raw gold shares stay off: fitted to conflict
      rows, the correction cost semeval 66 points.

    In the weighted-vote regime (many-class LFs; see :class:`weaklabel.LabelModel`) they teach
    through the per-pattern layer and the prior of rows without votes only. There EM fits one
    shared accuracy per LF, which rows chosen for their conflicts pull away from the rest
    (semeval, 50 entropy-queue labels: -2.1 points in EM, +0.5 out of it), and the balance
    stays as the model has it: the unlabeled patterns' posteriors that the estimate leans on
    are votes alone (even the true balance lowered trec's queue study).
    """
    from ..models.registry import MODELS, _accepts
    from .queue import stratified_balance

    def fit(**extra: Any) -> BaseLabelModel:
        kw = {k: v for k, v in {**params, **extra}.items() if _accepts(MODELS[name], k)}
        model = make_model(name, **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LabelModelWarning)
            return model.fit(L, y_fit if (y_fit >= 0).any() else None)

    if random_sample or not (y_fit >= 0).any():
        return fit()
    queue = {"gold_correction": None, "temperature": None}
    model = fit(**queue, gold_weight=1.0)
    if getattr(getattr(model, "structure_", None), "regime", None) == "weighted_vote":
        return fit(**queue, gold_weight=0.0)
    if not _accepts(MODELS[name], "class_balance") or "class_balance" in params:
        return model
    votes = L.votes if hasattr(L, "votes") else np.asarray(L)
    return fit(**queue, gold_weight=1.0,
               class_balance=stratified_balance(votes, model.predict_proba(L), y_fit))


def fit_and_rank(state: dict[str, Any], y: np.ndarray, y_fit: np.ndarray, random_sample: bool) -> dict[str, Any]:
    """Fit the project's model to the labels and rank the queue: a pure function of its inputs."""
    L = state["L"]
    model = fit_to_expert_labels(state["model"], L, y_fit, random_sample)
    probs = model.predict_proba(L)
    scores, error = None, None
    strategy = state["strategy"]
    if strategy == "label_issues":
        scores, error = issue_scores(state["df"], state["text_column"], probs, y)
        if scores is None:
            strategy = "conflict"   # the fallback the app's notice names
    ranked = rank(L, strategy, probs=probs, mv_probs=state["mv_probs"], weights=conflict_weights(model, state["k"]),
                  scores=scores, overlap=state["overlap"], audit_fraction=0.0)
    return {"model": model, "probs": probs, "ranked": ranked, "issue_scores": scores, "issue_error": error}


def label_moves(old: np.ndarray, new: np.ndarray, probs: np.ndarray, known: np.ndarray, *,
                before: np.ndarray | None, row_ids: Any, names: list[str],
                examples: int = 5) -> tuple[int, int, tuple[LabelMove, ...]]:
    """How a refit moved the labels the export gives, for the app's banner.

    Rows an expert labeled are left out: their label is the expert's whatever the model says.
    ``back`` counts the moved rows that return to their label before the previous refit (a
    row near the boundary can go back and forth as labels come in; the banner says how many
    did, rather than count them as news). The examples are the most decided moves: the
    largest gain of the new label over the old one in the new probabilities.

    Returns
    -------
    changed : int
        Rows moved.
    back : int
        Of them, rows back to their label before the previous refit.
    examples : tuple of LabelMove
    """
    moved = np.flatnonzero((new != old) & ~known)
    back = int(np.sum(new[moved] == before[moved])) if before is not None else 0
    gain = probs[moved, new[moved]] - probs[moved, old[moved]]
    shown = moved[np.argsort(-gain, kind="stable")[:examples]]
    return int(moved.size), back, tuple(LabelMove(str(row_ids[i]), names[int(old[i])], names[int(new[i])])
                                        for i in shown.tolist())


class Refits:
    """The refit half of :class:`~weaklabel.review.session.ReviewSession` (a mixin).

    Fit now or in the background, swap the result in, and name the fit (``model_version``).
    """

    if TYPE_CHECKING:  # provided by ReviewSession
        project: Project
        L: LabelMatrix
        df: pd.DataFrame
        mv_probs: np.ndarray
        labels: LabelSpace
        model: BaseLabelModel
        probs: np.ndarray
        history: list[RefitInfo]
        since_refit: int
        background_refits: bool
        refit_error: str | None
        _swap: threading.RLock
        _preds_before: np.ndarray | None
        store: ExpertLabelStore
        _worker: threading.Thread | None
        _worker_process: RefitProcess | None
        _votes_digest: Any
        _model_version: str
        _ranked: pd.DataFrame | None
        _issue_scores: np.ndarray | None
        _issue_error: str | None

        def expert_gold(self) -> np.ndarray:
            """Expert gold per row (-1 where none); provided by the session."""

        def fit_labels(self, y: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
            """Return the labels the model fits to; provided by the session."""

    def refit(self) -> RefitInfo:
        """Refit the label model and re-rank, now (see :meth:`_fit_snapshot` for what trains it).

        Returns how the labels moved: rows whose label changed, expert labels, the
        labels fitted on, and the model's accuracy on the expert-labeled rows.
        """
        return self._install(self._fit_snapshot())

    def refit_in_background(self) -> bool:
        """Start a refit in a background thread unless one is running; True if one started.

        The fit reads a snapshot of the store and swaps the model and the queue in when done;
        decisions made meanwhile go on against the current queue and count toward the next
        refit. A failure is kept in :attr:`refit_error` (the current model stays).
        """
        with self._swap:
            if self._worker is not None and self._worker.is_alive():
                return False
            self.since_refit = 0   # labels from now on count toward the next refit

            def work() -> None:
                try:
                    self._install(self._fit_snapshot())
                    self.refit_error = None
                except Exception as exc:  # noqa: BLE001 - a failed refit must not take the app down
                    self.refit_error = f"{type(exc).__name__}: {exc}"

            self._worker = threading.Thread(target=work, name="weaklabel-refit", daemon=True)
            self._worker.start()
            return True

    @property
    def refitting(self) -> bool:
        """Whether a background refit is running."""
        return self._worker is not None and self._worker.is_alive()

    def close(self) -> None:
        """Stop the refit worker process, if one was started (the session stays usable)."""
        self.wait_for_refit()
        if self._worker_process is not None:
            self._worker_process.close()
            self._worker_process = None

    def wait_for_refit(self, timeout: float | None = None) -> None:
        """Block until the background refit (if any) is done (tests, scripts, shutdown)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _fit_snapshot(self) -> dict[str, Any]:
        """Fit the label model on the store as it is now and rank the queue.

        The session's state is not touched, so it can run beside keypresses. With ``background_refits`` the
        fit runs in the worker process (:class:`~weaklabel.review.refit.RefitProcess`), so it takes no time
        from the server process that answers keypresses.

        Every expert label overrides its row's output (:meth:`final_labels`), and the
        labels of :meth:`fit_labels` train the model: rows drawn at random fully; rows a
        votes-only strategy picked as a fair sample of their vote pattern, in EM and through a
        stratified class balance (:func:`fit_to_expert_labels`). Rows ``label_issues``
        picked (by a text model's doubt) do not train it: in ``weaklabel bench review`` 150
        of them on sms took train accuracy from 0.93 to 0.46.
        """
        if self.background_refits:   # the worker reads the store too: no GIL time taken from keypresses
            return self._refit_process().run()
        y, y_fit, random_sample = store_labels(self.store, self.L.row_ids, self.project.strategy)
        return {**fit_and_rank(self._fit_state(), y, y_fit, random_sample), "y": y, "y_fit": y_fit}

    def _fit_state(self) -> dict[str, Any]:
        """Return what a fit needs besides the labels (sent to the worker process once).

        The worker reads the labels from the project's store itself.
        """
        p = self.project
        return {"L": self.L, "df": self.df if p.strategy == "label_issues" else None, "mv_probs": self.mv_probs,
                "model": p.model, "strategy": p.strategy, "overlap": p.overlap, "text_column": p.text_column,
                "k": self.labels.cardinality, "project": p}

    def _refit_process(self) -> RefitProcess:
        """Return the session's refit worker process, started on first use (and again if it died)."""
        if self._worker_process is None or not self._worker_process.alive:
            self._worker_process = RefitProcess(self._fit_state())
        return self._worker_process

    def _install(self, snap: dict[str, Any]) -> RefitInfo:
        """Swap a fitted snapshot in, in one step; returns how the labels moved."""
        probs, y = snap["probs"], snap["y"]
        new = probs_to_preds(probs, tie_break_policy="random")
        with self._swap:
            previous = getattr(self, "probs", None)  # None before the first fit
            old = probs_to_preds(previous, tie_break_policy="random") if previous is not None else new
            known = y >= 0
            changed, back, examples = label_moves(old, new, probs, known, before=self._preds_before,
                                                  row_ids=self.L.row_ids, names=list(self.labels.names))
            info = RefitInfo(expert_labels=int(known.sum()), fitted_on=int((snap["y_fit"] >= 0).sum()),
                             accuracy_on_expert_labels=float(np.mean(new[known] == y[known])) if known.any() else None,
                             changed=changed, back=back, changed_rows=examples)
            self._preds_before = old
            self.model, self.probs = snap["model"], probs
            if not self.background_refits:
                self.since_refit = 0
            self._ranked: pd.DataFrame | None = snap["ranked"]   # the review order of this fit
            self._issue_scores: np.ndarray | None = snap["issue_scores"]
            self._issue_error: str | None = snap["issue_error"]
            self.history.append(info)
            h = self._votes_digest.copy()       # the votes never change: hashed once, in __init__
            h.update(repr(sorted(self.model.get_params().items())).encode())
            # and the labels it was fitted on: another session on other labels is another fit
            h.update(np.ascontiguousarray(snap["y_fit"], dtype=np.int64).tobytes())
            self._model_version = f"{self.project.model}-{h.hexdigest()[:10]}-fit{len(self.history)}"
        return info

    def _issue_scores_for(self, probs: np.ndarray, y: np.ndarray) -> tuple[np.ndarray | None, str | None]:
        """Return a text model's doubt about each row's label under ``probs``, or None and why not."""
        return issue_scores(self.df, self.project.text_column, probs, y)

    @property
    def model_version(self) -> str:
        """Names the current fit.

        The model, a digest of the votes, its parameters and the labels it was fitted on, and the number of
        fits so far (it changes at every refit). Computed once per fit: every label event carries it.
        """
        return self._model_version

    def issue_scores(self) -> np.ndarray | None:
        """Return a text model's doubt about each row's current label (for ``label_issues``).

        None while that cannot be computed yet; :attr:`notice` then says why.
        """
        if self._issue_scores is not None or self._issue_error is not None:
            return self._issue_scores
        self._issue_scores, self._issue_error = self._issue_scores_for(self.probs, self.expert_gold())
        return self._issue_scores


class RefitProcess:
    """The refit worker process of a session.

    ``module`` is run as ``python -m``: this one for class projects, :mod:`~weaklabel.review.span_refit`
    for span projects. The fit's inputs besides the labels are sent once, at start; it exits when the
    server closes its stdin, and never holds up the server's exit.
    """

    def __init__(self, state: dict[str, Any], module: str = "weaklabel.review.refit") -> None:
        self._proc = subprocess.Popen([sys.executable, "-m", module],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._stdin, self._stdout = self._proc.stdin, self._proc.stdout
        pickle.dump(state, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._stdin.flush()
        # stopped when the session goes away or the server exits, even mid-fit
        self._finalizer = weakref.finalize(self, _stop_process, self._proc)

    @property
    def alive(self) -> bool:
        """Whether the worker process still runs."""
        return self._proc.poll() is None

    def run(self) -> dict[str, Any]:
        """Fit on the store as it is now, in the worker; returns the snapshot with ``y`` and ``y_fit``."""
        try:
            pickle.dump("fit", self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._stdin.flush()
            ok, payload = pickle.load(self._stdout)
        except (EOFError, OSError) as exc:
            raise RuntimeError("the refit worker process died") from exc
        if not ok:
            raise RuntimeError(payload)
        return cast("dict[str, Any]", payload)

    def close(self) -> None:
        """Stop the worker process."""
        self._finalizer()


def _stop_process(proc: Any) -> None:
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()
    proc.kill()
    proc.wait(5)


def serve(fit: Callable[[dict[str, Any], dict[str, Any]], object]) -> None:
    """Return the worker side of :class:`RefitProcess`.

    Read the state once, then answer each "fit" with ``fit(state, cache)`` (``cache``: kept between
    fits, such as the store) or with the error.
    """
    # Fits yield the cores to the server answering keypresses and to the experts' browsers:
    # a refit that takes a little longer is never felt, a keypress that waits is.
    try:
        os.nice(10)
    except OSError:
        pass
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    state = pickle.load(inp)
    cache: dict[str, Any] = {}
    while True:
        try:
            pickle.load(inp)   # "fit"
        except EOFError:
            return
        reply: tuple[bool, object]
        try:
            reply = (True, fit(state, cache))
        except Exception as exc:  # noqa: BLE001 - reported to the server, which keeps its model
            reply = (False, f"{type(exc).__name__}: {exc}")
        pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def _fit_classes(state: dict[str, Any], cache: dict[str, Any]) -> dict[str, Any]:
    if "store" not in cache:
        cache["store"] = state["project"].open_store()
    y, y_fit, random_sample = store_labels(cache["store"], state["L"].row_ids, state["strategy"])
    return {**fit_and_rank(state, y, y_fit, random_sample), "y": y, "y_fit": y_fit}


def main() -> None:
    """Run the refit worker process's loop (``python -m``): fit what the session sends, send back the result."""
    serve(_fit_classes)


if __name__ == "__main__":
    main()
