"""The review loop's choices by name, with nothing imported.

What the command line offers for ``--strategy`` and ``--policy`` before numpy loads.
:func:`weaklabel.review.queue.rank` ranks by the strategies;
:meth:`weaklabel.review.store.ExpertLabelStore.gold` resolves by the policies.
"""

from __future__ import annotations

STRATEGIES = ("conflict", "entropy", "margin", "disagreement", "uncovered", "label_issues", "random")
# how several experts' labels on a row become one gold label
GOLD_POLICIES = ("majority", "latest", "adjudicated")

__all__ = ["GOLD_POLICIES", "STRATEGIES"]
