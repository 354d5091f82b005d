"""Multi-label weak supervision.

LFs that vote on several labels of an item, a sparse (item, LF, label) matrix, label models that
return per-label marginals, and metrics.

    >>> from weaklabel.multilabel import keyword_lf, apply_multilabel_lfs, MultiLabelModel
"""

from .default import MultiLabelModel
from .endmodel import MultiLabelEndModel
from .lfs import ABSTAIN, MultiLabelLF, keyword_lf, lexicon_lf, regex_lf
from .matrix import MultiLabelMatrix, apply_multilabel_lfs
from .metrics import lf_summary, multilabel_scores, per_label_report, wilson
from .models import AnyVote, OneVsRest, OneVsRestMajority, best_thresholds, one_vs_rest

__all__ = ["ABSTAIN", "AnyVote", "MultiLabelEndModel", "MultiLabelLF", "MultiLabelMatrix", "MultiLabelModel",
           "OneVsRest", "OneVsRestMajority", "apply_multilabel_lfs", "best_thresholds", "keyword_lf", "lexicon_lf",
           "lf_summary", "multilabel_scores", "one_vs_rest", "per_label_report", "regex_lf", "wilson"]
