"""LF analysis for researchers and LF authors.

* :func:`lf_summary` (Snorkel's columns) and :func:`lf_report` (plus intervals,
  per-class precision/recall, a model's estimates);
* :func:`lf_rows`: drill down to the rows an LF fires on, gets wrong, conflicts on;
* :func:`explain`: each LF's additive contribution to one item's label;
* :func:`pairwise`: agreement/overlap/conflict/kappa/phi matrices and dependency warnings;
* :func:`contribution`: leave-one-LF-out changes in coverage and score.
"""

from .contribution import contribution
from .drilldown import DRILL_KINDS, lf_rows
from .explain import explain
from .pairwise import PAIRWISE_KINDS, dependent_pairs, pairwise
from .report import html_report, write_html_report
from .summary import coverage, label_counts, lf_report, lf_summary, wilson_interval

__all__ = ["DRILL_KINDS", "PAIRWISE_KINDS", "contribution", "coverage", "dependent_pairs", "explain",
           "html_report", "label_counts", "lf_report", "lf_rows", "lf_summary", "pairwise", "wilson_interval",
           "write_html_report"]
