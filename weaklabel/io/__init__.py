"""Data in and out.

Item tables and label files (``tables``), WRENCH folders (``wrench``), MATLAB label matrices
(``matfile``), named datasets (``datasets``) and the download cache (``fetch``), LF suites
(``suite``), and Label Studio's export files (``labelstudio``) and REST API (``ls_api``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

# each name loads its module on first use: reading a project file needs no pandas
_EXPORTS = {**dict.fromkeys(["TABLE_FORMATS", "ids_as_text", "labels_frame", "read_table", "write_labels"], "tables"),
            **dict.fromkeys(["WRENCH_SPLITS", "WrenchSplit", "read_wrench_labels", "read_wrench_split",
                             "write_wrench_split"], "wrench")}

if TYPE_CHECKING:
    from .tables import TABLE_FORMATS, ids_as_text, labels_frame, read_table, write_labels
    from .wrench import WRENCH_SPLITS, WrenchSplit, read_wrench_labels, read_wrench_split, write_wrench_split

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = ["TABLE_FORMATS", "WRENCH_SPLITS", "WrenchSplit", "ids_as_text", "labels_frame", "read_table",
           "read_wrench_labels", "read_wrench_split", "write_labels", "write_wrench_split"]
