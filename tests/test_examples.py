"""The example notebook runs from top to bottom in a fresh kernel, and is the one its generator
(tools/make_notebook.py) writes: the researcher's path, executed in CI."""

import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient", reason="the dev extra installs nbclient and ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "researcher_journey.ipynb"


def test_the_notebook_is_what_its_generator_writes():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from make_notebook import build
    finally:
        sys.path.remove(str(ROOT / "tools"))
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in stored.cells] == [c.source for c in build().cells]


def test_the_researchers_notebook_runs_top_to_bottom():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()   # raises on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o["data"] for o in outputs if o.output_type == "execute_result"]
    assert "text/html" in shown[0] and "569 rows x 10 LFs" in shown[0]["text/html"]   # the matrix, as a table
    assert "end model (every row)" in shown[-1]["text/plain"]
