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
