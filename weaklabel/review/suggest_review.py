"""Suggested LFs inside a review session.

Mined from the experts' labels, shown with example items, and accepted, edited or rejected by an
expert (the app's Suggestions view).

An accepted rule becomes an LF of the project at once: it is written to the project's
``suggested_lfs`` module (ordinary template code with its evidence, which ``Project.suite``
loads beside the project's own LFs, so ``weaklabel fit`` and ``analyze`` see it too), its votes
join the session's label matrix, and the model refits. Every decision, rejections included, is
kept in the label store's database (:class:`~weaklabel.suggest.decisions.SuggestionLog`), so a
decided rule is never proposed again, across restarts.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..exceptions import InputError

if TYPE_CHECKING:
    import threading

    from ..io.suite import LFSuite
    from ..labels import LabelSpace
    from ..matrix import LabelMatrix
    from ..suggest.decisions import Rule, SuggestionLog
    from .project import Project
    from .records import RefitInfo
    from .refit import RefitProcess


class SuggestionReview:
    """The suggestion calls of :class:`~weaklabel.review.session.ReviewSession`."""

    if TYPE_CHECKING:
        project: Project
        suite: LFSuite
        labels: LabelSpace
        L: LabelMatrix
        df: pd.DataFrame
        mv_probs: np.ndarray
        background_refits: bool
        history: list[RefitInfo]
        _swap: threading.RLock
        _votes_digest: Any
        _worker_process: RefitProcess | None

        def expert_gold(self) -> np.ndarray:
            """Expert gold per row; provided by the session."""

        def wait_for_refit(self, timeout: float | None = None) -> None:
            """Wait until a running refit is done; provided by the session."""

        def refit(self) -> RefitInfo:
            """Refit now; provided by the session."""

        def refit_in_background(self) -> bool:
            """Refit in the background; provided by the session."""

    @property
    def suggestion_log(self) -> SuggestionLog:
        """The experts' accept and reject decisions on suggested LFs, in the project's store."""
        log = getattr(self, "_suggestion_log", None)
        if log is None:
            from ..suggest.decisions import SuggestionLog

            log = self._suggestion_log = SuggestionLog(self.project.store_url, project=self.project.name)
        return log

    @property
    def text_column(self) -> str:
        """The column suggestions are mined from."""
        return self.project.text_column or "text"

    def suggestions(self, top: int = 10) -> pd.DataFrame:
        """Return suggested LFs from the experts' labels (see :func:`~weaklabel.suggest.suggest_lfs`).

        Every rule an expert decided on already is left out.
        """
        from ..suggest import suggest_lfs

        column = self.text_column if self.text_column in self.df.columns else None   # numbers only
        return suggest_lfs(self.df, self.expert_gold(), list(self.labels.names), existing=self.L,
                           column=column, top=top, exclude=self.suggestion_log.decided_keys())

    def examples(self, rule: dict[str, Any], n: int = 5) -> list[dict[str, Any]]:
        """Up to ``n`` items the rule fires on, expert-labeled ones first.

        ``row_id``, ``text``, the matches (``spans``, offsets into ``text``) and the expert label, if any.
        """
        from ..suggest.decisions import check_rule

        lf = _lf(check_rule(rule, list(self.labels.names)), self.labels, self.text_column, "example")
        fires = np.flatnonzero(np.asarray(lf.apply(self.df)) >= 0)
        gold = self.expert_gold()
        order = np.concatenate([fires[gold[fires] >= 0], fires[gold[fires] < 0]])[:n]
        out = []
        for i in order.tolist():
            spans: list[tuple[int, int]] = []
            if rule["kind"] == "threshold":          # the value it compared, as the text to show
                text = f"{rule['column']} = {self.df[rule['column']].iloc[i]:g}"
            else:
                text = html.unescape(str(self.df[self.text_column].iloc[i]))
                spans = list(lf.spans(text)) if getattr(lf, "spans", None) is not None else []
            out.append({"row_id": self.L.row_ids[i], "text": text, "spans": spans,
                        "expert": None if gold[i] < 0 else self.labels.name(int(gold[i]))})
        return out

    def reject_rule(self, rule: dict[str, Any], annotator: str) -> None:
        """Record that ``annotator`` rejected the rule: it is not proposed again."""
        from ..suggest.decisions import check_rule

        self.suggestion_log.decide(check_rule(rule, list(self.labels.names)), "reject", annotator)

    def accept_rule(self, rule: dict[str, Any], annotator: str, *, origin: dict[str, Any] | None = None) -> str:
        """Make ``rule`` an LF of the project and return the LF's name.

        ``origin`` is the suggestion an edit came from, which is then not proposed again either. This
        records the decision, rewrites the ``suggested_lfs`` module, adds its votes and refits (in the
        background in the app).
        """
        from ..suggest import to_python
        from ..suggest.decisions import check_rule, rule_key

        if not self.project.suggested_lfs:
            raise InputError("suggested_lfs: the project turns accepted suggestions off (suggested_lfs = \"\"); "
                             "set it to a file name in weaklabel.toml")
        clean = check_rule(rule, list(self.labels.names))
        if clean["kind"] == "threshold" and not pd.api.types.is_numeric_dtype(self.df.get(clean["column"])):
            raise InputError(f"rule: column {clean['column']!r} is not a numeric column of the project's data")
        log = self.suggestion_log
        same = [r for r in log.accepted() if rule_key(r) == rule_key(clean)]
        if same:                       # accepted already (another expert, or a second press)
            return str(same[0]["name"])
        clean["name"] = _unique_name(clean, {lf.name for lf in self.suite.lfs})
        if origin is None or rule_key(origin) == rule_key(clean):
            origin = None
        else:
            clean["evidence"] = f"edited by {annotator} from a suggestion ({origin.get('evidence') or 'no evidence'})"
        log.decide(clean, "accept", annotator, origin=origin)
        path = Path(self.project._path(self.project.suggested_lfs))
        from .._atomic import atomic_path

        with atomic_path(path) as tmp:
            Path(tmp).write_text(to_python(log.accepted(), list(self.labels.names), column=self.text_column,
                                           source=f"experts' decisions in project {self.project.name!r}"),
                                 encoding="utf-8")
        self._add_lf(_lf(clean, self.labels, self.text_column, clean["name"]))
        return str(clean["name"])

    def _add_lf(self, lf: Any) -> None:
        """Add one LF's votes to the session and refit; the refit worker restarts with them."""
        from ..matrix import LabelMatrix
        from ..models import MajorityVote

        column = np.asarray(lf.apply(self.df), dtype=np.int8)
        self.wait_for_refit()
        with self._swap:
            self.L = LabelMatrix(np.column_stack([self.L.votes, column]), [*self.L.lf_names, lf.name],
                                 row_ids=self.L.row_ids, label_space=self.L.label_space)
            self.suite = replace(self.suite, lfs=[*self.suite.lfs, lf])
            self._votes_digest = hashlib.sha256(self.L.votes.tobytes())
            self.mv_probs = MajorityVote(cardinality=self.labels.cardinality).fit(self.L).predict_proba(self.L)
            if self._worker_process is not None:      # it holds the old votes
                self._worker_process.close()
                self._worker_process = None
        if self.background_refits:
            self.refit_in_background()
        else:
            self.refit()


def _lf(rule: Rule, labels: Any, column: str, name: str) -> Any:
    from ..templates import keyword_lf, regex_lf, similar_lf, threshold_lf

    label = labels.index(rule["label"])
    if rule["kind"] == "similar":
        return similar_lf(rule["examples"], label=label, threshold=float(rule["threshold"]), column=column, name=name)
    if rule["kind"] == "keyword":
        return keyword_lf(*rule["terms"], label=label, column=column, name=name)
    if rule["kind"] == "threshold":
        return threshold_lf(rule["column"], rule["op"], float(rule["value"]), label=label, name=name)
    return regex_lf(rule["pattern"], label=label, column=column, name=name)


def _unique_name(rule: Rule, taken: set[str]) -> str:
    from ..suggest.decisions import rule_stem
    from ..templates import _slug

    name = rule.get("name") or f"suggest_{rule_stem(rule)}_{_slug(rule['label'])}"
    base, k = name, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name
