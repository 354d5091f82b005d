"""The class review queue's strategies by name, with nothing imported: what the command line
offers for ``--strategy`` before numpy loads. :func:`weaklabel.review.queue.rank` ranks by them."""

from __future__ import annotations

STRATEGIES = ("conflict", "entropy", "margin", "disagreement", "uncovered", "label_issues", "random")

__all__ = ["STRATEGIES"]
