"""The bad-input catalogue as a whole (docs/bad-inputs.md): every case with its exact error.

Each group module builds its cases' bad inputs and asserts the exception type and message; the
docs table lists the same case ids (checked here), so the two cannot drift apart.
"""

import re
from pathlib import Path

from . import (
    test_cli,
    test_files,
    test_label_studio,
    test_lfs_and_apply,
    test_models_and_analysis,
    test_store_and_app,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-inputs.md"
GROUPS = (test_lfs_and_apply, test_models_and_analysis, test_files, test_store_and_app, test_cli, test_label_studio)


def test_the_catalogue_has_at_least_100_cases_and_docs_list_them_all():
    ids = [case for group in GROUPS for case in group.CASES]
    assert len(ids) == len(set(ids)) >= 100          # one id, one case, in one group
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", DOC.read_text(), re.M))
    assert documented == set(ids)
