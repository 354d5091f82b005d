"""LFs that write themselves.

Candidates mined from a few labeled rows and the unlabeled pool (:mod:`.mine`), ranked by evidence
that does not fool itself (:mod:`.rank`), and written as ordinary template LFs with their evidence
(:mod:`.codegen`); what experts decided about them is kept in the label store's database
(:mod:`.decisions`). Multi-label projects get per-label rules (:mod:`.multilabel`).
"""

from __future__ import annotations

from .codegen import to_python, write_suggestions
from .decisions import SuggestionLog, check_rule, rule_key
from .mine import SHAPES, Candidate, mine
from .multilabel import multilabel_suggested_lfs, suggest_multilabel_lfs, write_multilabel_suggestions
from .rank import Suggestion, suggest_lfs

__all__ = ["SHAPES", "Candidate", "Suggestion", "SuggestionLog", "check_rule", "mine", "multilabel_suggested_lfs",
           "rule_key", "suggest_lfs", "suggest_multilabel_lfs", "to_python", "write_multilabel_suggestions",
           "write_suggestions"]
