"""Data in and out: item tables and label files (``tables``), WRENCH folders (``wrench``),
MATLAB label matrices (``matfile``), named datasets (``datasets``) and the download cache
(``fetch``), LF suites (``suite``), and Label Studio's export files (``labelstudio``) and
REST API (``ls_api``)."""

from .tables import TABLE_FORMATS, ids_as_text, labels_frame, read_table, write_labels
from .wrench import WRENCH_SPLITS, WrenchSplit, read_wrench_labels, read_wrench_split, write_wrench_split

__all__ = ["TABLE_FORMATS", "WRENCH_SPLITS", "WrenchSplit", "ids_as_text", "labels_frame", "read_table",
           "read_wrench_labels", "read_wrench_split", "write_labels", "write_wrench_split"]
