import subprocess
import sys

HEAVY = ("torch", "dask", "pyspark", "streamlit", "spacy", "snorkel")


def test_import_weaklabel_loads_no_heavy_dependency():
    code = ("import sys, weaklabel; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_names():
    import weaklabel

    for name in weaklabel.__all__:
        assert getattr(weaklabel, name) is not None
    assert weaklabel.ABSTAIN == -1


def test_lazy_nlp_names_resolve_without_loading_spacy_early():
    import weaklabel

    lf = weaklabel.matcher_lf("m", [[{"LOWER": "hi"}]], label=0)
    assert lf.name == "m"
    assert callable(weaklabel.nlp_labeling_function)


def _imported(args):
    """Top-level packages a command imports, read from `python -X importtime` (not timed here)."""
    out = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=True)
    names = set()
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


# What start-up must not pay for: scikit-learn alone cost 0.6 s of `import weaklabel`.
STARTUP_FORBIDDEN = {"sklearn", "scipy", "sqlalchemy", "matplotlib", *HEAVY}


def test_import_and_help_load_no_scientific_stack():
    assert not (_imported(["-c", "import weaklabel"]) & STARTUP_FORBIDDEN)
    assert not (_imported(["-m", "weaklabel", "--help"]) & STARTUP_FORBIDDEN)


def test_label_models_still_clone_and_refit_with_scikit_learn():
    import numpy as np
    from sklearn.base import clone

    from weaklabel.models import DawidSkene

    m = DawidSkene(max_iter=200, smoothing=2.0)
    c = clone(m)
    assert c.get_params() == m.get_params() and c is not m
    assert repr(m) == "DawidSkene(max_iter=200, smoothing=2.0)"
    m.set_params(tol=1e-3)
    assert m.tol == 1e-3
    L = np.array([[0, 0, 1], [1, 1, 1], [0, -1, 0], [1, 0, 1]])
    assert c.fit(L).predict(L).shape == (4,)


def test_cli_model_choices_are_the_registry():
    from weaklabel.cli.parser import _model_choices
    from weaklabel.models import MODELS

    assert _model_choices() == list(MODELS)
