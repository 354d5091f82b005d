import re

import numpy as np
import pytest

from weaklabel import LabelMatrix, LabelSpace
from weaklabel.analysis import html_report, write_html_report
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import LabelModel

pytest.importorskip("matplotlib")


def test_report_is_self_contained_with_charts_tables_and_escaped_names(tmp_path):
    L, y = sample_L(500, [0.85, 0.8, 0.7], [0.6, 0.5, 0.5], [0.5, 0.5], seed=0)
    L = np.column_stack([L, L[:, 0]])  # a copy, so the report shows a dependency warning
    Lm = LabelMatrix(L, ["a", "b", "c", "a_copy"], label_space=LabelSpace(["<b>no</b>", "yes"]))
    model = LabelModel()
    with pytest.warns(UserWarning):
        model.fit(Lm)
    path = write_html_report(tmp_path / "r.html", Lm, y=y, model=model, title="T <script>")
    text = path.read_text()
    assert text.count("data:image/png;base64,") == 4  # accuracy bars, heatmap, balance, calibration
    assert "<script>" not in text and "T &lt;script&gt;" in text
    assert not re.search(r"(src|href)=['\"]https?://", text)  # nothing fetched from the network
    assert "a and a_copy look dependent" in text and "LF summary" in text
    assert "model accuracy on gold" in text


def test_report_without_gold_or_model_still_renders():
    L, _ = sample_L(200, [0.8, 0.7, 0.7], [0.5, 0.5, 0.5], [0.5, 0.5], seed=1)
    text = html_report(L)
    assert text.count("data:image/png;base64,") == 2 and "Class balance" not in text


def test_dollar_signs_in_class_and_lf_names_are_text_not_tex(tmp_path):
    """Class names like $10_to_$50 crashed `analyze --html` (matplotlib read them as TeX)."""
    import warnings

    L, y = sample_L(300, [0.85, 0.8, 0.7], [0.6, 0.5, 0.5], [0.5, 0.5], seed=1)
    Lm = LabelMatrix(L, ["$a$", "b_$", "c"], label_space=LabelSpace(["$10_to_$50", "$50_to_$100"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LabelModel().fit(Lm)
    text = write_html_report(tmp_path / "r.html", Lm, y=y, model=model).read_text()
    assert "$10_to_$50" in text and text.count("data:image/png;base64,") == 4
