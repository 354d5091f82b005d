"""Every parameter of every registered model is declared, and a bad value of each is
refused at fit with a message naming it (scikit-learn's parameter-validation contract)."""

import inspect

import numpy as np
import pytest

from weaklabel.exceptions import InputError
from weaklabel.models import MODELS
from weaklabel.models._params import Interval, Options, all_constraints

L = np.array([[0, 0, 1], [1, 1, 1], [0, -1, 0], [1, 0, 1], [0, 0, -1]])


def _cls(factory):
    return factory.func if hasattr(factory, "func") else factory


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_init_parameter_has_a_constraint(name):
    cls = _cls(MODELS[name])
    params = {p for p in inspect.signature(cls.__init__).parameters if p != "self"}
    assert params == set(all_constraints(cls)), name


CASES = []
for _name, _factory in sorted(MODELS.items()):
    for _param, _allowed in all_constraints(_cls(_factory)).items():
        _checks = [c for c in _allowed if isinstance(c, (Interval, Options))]
        if _checks:
            CASES.append((_name, _param, _checks[-1].bad_value()))
        if None not in _allowed:
            CASES.append((_name, _param, None))


@pytest.mark.parametrize("name, param, bad", CASES)
def test_a_bad_value_is_refused_at_fit_naming_the_parameter(name, param, bad):
    model = MODELS[name]()
    model.set_params(**{param: bad})
    with pytest.raises(InputError, match=rf"^{param}: expected "):
        model.fit(L)


@pytest.mark.parametrize("model, msg", [
    (MODELS["dawid_skene"](gold_weight=-3), r"gold_weight: expected a number >= 0, got -3"),
    (MODELS["dawid_skene"](tol=-1), r"tol: expected a number >= 0, got -1"),
    (MODELS["weighted_majority"](smoothing=-5), r"smoothing: expected a number >= 0, got -5"),
    (MODELS["label_model"](max_iter=True), r"max_iter: expected an int >= 1, got True"),
    (MODELS["label_model"](smoothing=float("nan")), r"smoothing: expected None or a number >= 0, got nan"),
])
def test_the_values_the_issue_found_accepted(model, msg):
    with pytest.raises(InputError, match=msg):
        model.fit(L)
    with pytest.raises(InputError, match=msg):
        model.fit_patterns(L, np.ones(len(L), dtype=int)) if model._supports_patterns else model.fit(L)
