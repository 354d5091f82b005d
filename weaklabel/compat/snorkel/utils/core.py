"""``snorkel.utils.core``: where Snorkel defines its label-format helpers (the same functions as ``snorkel.utils``)."""

from . import filter_labels, preds_to_probs, probs_to_preds, to_int_label_array

__all__ = ["filter_labels", "preds_to_probs", "probs_to_preds", "to_int_label_array"]
