"""The multi-label end model: it fits soft targets, labels text no LF touched, and checks its input."""

import numpy as np
import pytest

from weaklabel.exceptions import InputError, NotFittedError
from weaklabel.multilabel import MultiLabelEndModel

TEXTS = ["thanks so much", "thank you friend", "so sad today", "sad news again", "thanks, sad though", "ok then"] * 5
Q = np.array([[0.9, 0.1], [0.8, 0.0], [0.1, 0.9], [0.0, 0.8], [0.9, 0.9], [0.05, 0.05]] * 5)


def test_it_learns_the_soft_targets_and_labels_new_text():
    m = MultiLabelEndModel().fit(TEXTS, Q)
    P = m.predict_proba(TEXTS[:6])
    assert P.shape == (6, 2) and ((P >= 0) & (P <= 1)).all()
    assert np.corrcoef(P.ravel(), Q[:6].ravel())[0, 1] > 0.9            # it follows the label model
    assert m.predict(["many thanks", "very sad", "fine"]).tolist() == [[1, 0], [0, 1], [0, 0]]


def test_a_label_no_item_has_is_never_predicted_and_thresholds_apply():
    Q0 = np.c_[Q, np.zeros(len(Q))]
    m = MultiLabelEndModel(thresholds=[0.5, 0.99, 0.5]).fit(TEXTS, Q0)
    assert m.predict_proba(["thanks, sad"])[0, 2] < 1e-6
    assert m.predict(["sad news"])[0].tolist() == [0, 0, 0]              # sadness needs 0.99 here


@pytest.mark.parametrize("q, words", [(Q[:5], "one row per text"), (Q * 2, "in \\[0, 1\\]"),
                                      (Q[:, 0], "one row per text")])
def test_bad_targets_name_the_argument(q, words):
    with pytest.raises(InputError, match=f"Q: .*{words}"):
        MultiLabelEndModel().fit(TEXTS, q)


def test_errors_before_fit_and_for_a_single_string():
    with pytest.raises(NotFittedError):
        MultiLabelEndModel().predict(["x"])
    with pytest.raises(InputError, match="texts"):
        MultiLabelEndModel().fit("thanks", Q[:1])
    with pytest.raises(InputError, match="C:"):
        MultiLabelEndModel(C=0).fit(TEXTS, Q)
