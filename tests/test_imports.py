import subprocess
import sys

import pytest

from weaklabel import InputError

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


# The package and the command line start without numpy or pandas: each public name loads its
# module on first use, and `weaklabel app` reads its project before the server starts.
NO_ARRAYS = {"numpy", "pandas", "pyarrow"}


def test_import_help_and_reading_a_project_load_no_numpy_or_pandas(tmp_path):
    assert not (_imported(["-c", "import weaklabel"]) & NO_ARRAYS)
    assert not (_imported(["-m", "weaklabel", "--help"]) & NO_ARRAYS)
    assert not (_imported(["-m", "weaklabel", "app", "--help"]) & NO_ARRAYS)
    code = ("from weaklabel.review.project import Project; from weaklabel.review.access import AccessPolicy; "
            "Project.load('demo.toml'); AccessPolicy.from_env()")
    (tmp_path / "demo.toml").write_text('[project]\nname = "demo"\ndata = "youtube"\nlfs = "lfs.youtube"\n'
                                        'store = "labels.db"\n')
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert not ({line.rsplit("|", 1)[1].strip().split(".")[0] for line in out.stderr.splitlines()
                 if line.startswith("import time:") and "|" in line} & NO_ARRAYS)


def test_lazy_names_resolve_once_list_in_dir_and_refuse_unknown_ones():
    import weaklabel
    import weaklabel.io
    import weaklabel.models
    from weaklabel.models.label_model import LabelModel

    assert weaklabel.LabelModel is LabelModel is weaklabel.models.LabelModel
    assert "LabelModel" in vars(weaklabel)   # cached: the second lookup does not import again
    assert set(weaklabel.__all__) <= set(dir(weaklabel))
    assert set(weaklabel.models.__all__) <= set(dir(weaklabel.models))
    assert set(weaklabel.io.__all__) <= set(dir(weaklabel.io))
    for package in (weaklabel, weaklabel.models, weaklabel.io):
        for name in package.__all__:
            assert getattr(package, name) is not None
    from weaklabel.exceptions import ConvergenceWarning
    from weaklabel.models import ConvergenceWarning as Same

    assert Same is ConvergenceWarning
    try:
        weaklabel.NoSuchName  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchName" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


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
    from weaklabel.bench.harness import DEFAULT_MODELS
    from weaklabel.bench.peers import PEERS
    from weaklabel.cli._args import model_choices as _model_choices
    from weaklabel.cli._args import model_names as _model_names
    from weaklabel.models import MODELS, names

    assert _model_choices() == list(MODELS) == list(names.MODEL_NAMES)
    assert _model_names() == list(DEFAULT_MODELS)
    assert tuple(PEERS) == names.PEER_NAMES and not set(PEERS) & set(MODELS)


def test_a_peer_is_not_a_product_model_and_the_error_says_where_it_runs():
    from weaklabel.bench.peers import make_benchmark_model
    from weaklabel.models import make_model

    with pytest.raises(InputError, match="'hyperlm' is a peer's model, run beside weaklabel's in benchmarks"):
        make_model("hyperlm")
    assert type(make_benchmark_model("crowdkit_glad")).__name__ == "CrowdKitModel"
    assert type(make_benchmark_model("triplets", random_state=1)).__name__ == "TripletModel"
