"""The demo's LF suite: threshold LFs for scikit-learn's bundled breast-cancer data.

``weaklabel demo`` runs it (``weaklabel run --data breast_cancer --lfs weaklabel.demo`` does the
same), so it ships inside the package; ``lfs/`` in the repository holds the other suites.

Each LF encodes one rule of thumb a pathologist might state about a cell-nucleus
measurement: large, irregular, concave nuclei suggest malignancy; small smooth
ones suggest a benign mass. Thresholds are round numbers near the class
boundaries of the train split; no LF is fitted.
"""

# imported as a user's suite would: the file also loads by path (--lfs weaklabel/demo.py) and
# reads as a template to copy
from weaklabel import LabelSpace, threshold_lf

LABELS = LabelSpace(["malignant", "benign"])
M, B = LABELS.malignant, LABELS.benign

LFS = [
    threshold_lf("mean radius", ">", 17.0, label=M, name="large_radius"),
    threshold_lf("mean radius", "<", 12.0, label=B, name="small_radius"),
    threshold_lf("worst area", ">", 1000.0, label=M, name="large_worst_area"),
    threshold_lf("worst area", "<", 500.0, label=B, name="small_worst_area"),
    threshold_lf("worst concave points", ">", 0.16, label=M, name="many_concave_points"),
    threshold_lf("worst concave points", "<", 0.08, label=B, name="few_concave_points"),
    threshold_lf("mean concavity", ">", 0.15, label=M, name="high_concavity"),
    threshold_lf("mean texture", ">", 23.0, label=M, name="coarse_texture"),
    threshold_lf("mean texture", "<", 15.0, label=B, name="smooth_texture"),
    threshold_lf("worst perimeter", "<", 90.0, label=B, name="small_worst_perimeter"),
]
