"""Write examples/researcher_journey.ipynb from the cells below (python tools/make_notebook.py).

The notebook is the researcher's path on the embedded breast-cancer data: LFs, the summary, a
drill-down, the label model, an end model, and a comparison. tests/test_examples.py executes it.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    ("md", "# A researcher's path with weaklabel\n\nLabeling functions on scikit-learn's breast-cancer "
           "data (embedded, no download): apply them, read the summary, drill into one LF, fit the label "
           "model, train an end model on its labels, and compare it with majority vote, all on gold the "
           "LFs never saw."),
    ("code", "import numpy as np\n\n"
             "from weaklabel import apply_lfs, load_dataset\n"
             "from weaklabel.analysis import lf_rows, lf_summary\n"
             "from weaklabel.io.suite import load_suite\n"
             "from weaklabel.models import LabelModel, MajorityVote\n\n"
             "ds = load_dataset('breast_cancer', split='all')\n"
             "suite = load_suite('weaklabel.demo')      # 10 threshold LFs (weaklabel/demo.py)\n"
             "L = apply_lfs(suite.lfs, ds.df, label_space=suite.labels)\n"
             "L                                          # a table in the notebook"),
    ("md", "## The LF summary\n\nCoverage, overlaps, conflicts, and with gold the empirical accuracy of "
           "each LF."),
    ("code", "summary = lf_summary(L, ds.y)\nsummary.round(3)"),
    ("md", "## Drill into one LF\n\nThe rows where `coarse_texture` votes against the gold: what the rule "
           "gets wrong."),
    ("code", "wrong = lf_rows(L, 'coarse_texture', 'incorrect', y=ds.y, data=ds.df[['mean texture']], limit=5)\n"
             "wrong"),
    ("md", "## The label model\n\nFitted without gold; scored on the rows it labels, beside the coverage."),
    ("code", "lm = LabelModel().fit(L)\nmv = MajorityVote().fit(L)\n"
             "scores = {name: m.score(L, ds.y, metrics=('accuracy', 'coverage')) for name, m in\n"
             "          (('label model', lm), ('majority vote', mv))}\nscores"),
    ("md", "## An end model on the probabilistic labels\n\nTrained on half of the rows (the ones an LF "
           "voted on), scored on the other half's gold."),
    ("code", "from weaklabel.learn import EndModel\n\n"
             "half = np.arange(len(ds.y)) % 2 == 0\n"
             "covered = (L.votes >= 0).any(axis=1)\n"
             "em = EndModel().fit(ds.df[half], lm.predict_proba(L)[half], covered=covered[half])\n"
             "end_accuracy = em.score(ds.df[~half], ds.y[~half])['accuracy']\n"
             "round(end_accuracy, 3)"),
    ("md", "## Compare\n\nThe end model generalises past the LFs: it labels every held-out row."),
    ("code", "held = {'label model (rows it labels)': lm.score(L.take(~half), ds.y[~half])['accuracy'],\n"
             "        'end model (every row)': end_accuracy}\n"
             "assert end_accuracy > 0.85, held\nheld"),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "examples" / "researcher_journey.ipynb"
    nbformat.write(build(), out)
    print(f"Wrote {out}")
