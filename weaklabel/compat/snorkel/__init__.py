"""Snorkel 0.10's public API, on weaklabel's engine.

Rewrite ``from snorkel.X import Y`` to ``from weaklabel.compat.snorkel.X import Y``:

* ``labeling``: LFs, appliers (lists, numpy, pandas, Dask, Spark), ``LFAnalysis``,
  ``filter_unlabeled_dataframe``; ``labeling.model``: ``LabelModel`` (weaklabel's
  default model behind Snorkel's signature) and the baseline voters;
* ``preprocess`` (with ``nlp``), ``map``, ``slicing`` (with ``monitor``), ``analysis``,
  ``utils``, ``synthetic`` and ``types``.

Snorkel's torch classifiers (``snorkel.classification``, the slice-aware model) are not
mirrored; ``docs/from-snorkel.md`` lists every name and what replaces it.
"""

