"""tests/compat holds Snorkel 0.10's own test files unchanged but for their import lines, and
leaves none out without a reason.

``UPSTREAM`` pins each original file by its SHA-256: the files of the snorkel 0.10.0 sdist's
``test/`` (labeling, slicing, map, synthetic, utils), and ``labeling/lf/``, which the sdist lacks,
from the snorkel-team/snorkel repository of that release. A ported file, its three-line header
dropped and ``weaklabel.compat.snorkel`` turned back into ``snorkel``, must hash to its original.
"""

import hashlib
from pathlib import Path

from tests.compat.conftest import LEFT_OUT

HERE = Path(__file__).resolve().parent
HEADER = ("# Ported from Snorkel's own tests: ", "# Copyright Snorkel contributors, Apache License 2.0",
          "# Only the import lines differ from the original: snorkel. -> weaklabel.compat.snorkel.")

UPSTREAM = {
    "labeling/apply/lf_applier_spark_test_script.py":
        "56c63a9edc3d96335702ba1fed02e461ab3c6a74037f34ced67d977a5e76bae5",
    "labeling/apply/test_lf_applier.py":
        "4a3b48396f8264fe52eb4dd6a6848523fba96e7efea5fd6d8e9cd23873d098be",
    "labeling/apply/test_spark.py":
        "e7d83caca712ad4735653951b3c5c84764128e0433646291846aef44d2f8456e",
    "labeling/lf/test_core.py":
        "e2e4ab1038c5483dbdb77f9a532d295adc4b6e7507605f4cbd53a0b5b873b658",
    "labeling/lf/test_nlp.py":
        "1b7fc554b552a990fcd87bc8ccec287d4bfa90ab5e6ca1dc3319b69b81524148",
    "labeling/lf/test_nlp_spark.py":
        "72d3672ac7ae35f57a508bab656b1617f5337992f954ecd1b4d3105abc67bf84",
    "labeling/model/test_baseline.py":
        "b6ea6ffc625a480c44dd7271e0eb79ac676ce6c6a1a39f325739ae12d4c343bb",
    "labeling/model/test_label_model.py":
        "5138ccd1d9cacbc556dec12fb80518533c5231d70a19a160ee00f49e56082c63",
    "labeling/model/test_logger.py":
        "1468e852bac638fdfe287615fe4bebd26cd02f1d30cab8f3fe5b605ffd3ab3a7",
    "labeling/preprocess/test_nlp.py":
        "cd3a5c74929446c83a679e41c2b2f0598c59dc3ceb4919281e30e437ab250fc9",
    "labeling/test_analysis.py":
        "482781c07e33b7f7060e7fce983dca94d6801b13c63ec7b2118803baa2219834",
    "labeling/test_convergence.py":
        "4cfe3eb23fe28b85f4c21f7291bb955c57140ba062dc9ad10fe1cc4cf31fd1c2",
    "labeling/test_utils.py":
        "8e506cc6a448a5754efdbc9c1b437f02ec4d7c522e97e8802f4b5cecfaba9c13",
    "map/test_core.py":
        "015a12b14eea55f1a44ac6e0b92af21f97a972c91904fda476e4ba01ca95129f",
    "map/test_spark.py":
        "6cf800e394662cefd0fe5319847b62eef85e471972dd9060f95451a5a2584460",
    "slicing/apply/test_sf_applier.py":
        "a77e27b048683567471db484719029818f4f30e3f0600f866aa8991997af657c",
    "slicing/sf/test_core.py":
        "a2c17336d60ed83a718ddafcb14bd7f2dcc432b4a2dbf076c3a10ac583702bd5",
    "slicing/sf/test_nlp.py":
        "75c576dcb6df3d6de819a4317c1433e8a02a8ae687e1fef4c02466584f8c314c",
    "slicing/test_monitor.py":
        "fe1b77cc8dc194906439c0bd6fd8f2488fafa03706e063019957a5ccbae8488b",
    "slicing/test_slice_combiner.py":
        "2c2872dd705729db1655e09ff21ae010c7cc43e8f86f22e8e9ac13c12aa6aac6",
    "slicing/test_utils.py":
        "3f7e64e18073ecf4e46fce0c6f9e1f9075a967307951736af272d3f31b5b8e01",
    "synthetic/test_synthetic_data.py":
        "82047cd9edc6bf412dca815066b1098847f35f365433cceee5129fa44c44e4a4",
    "utils/test_config_utils.py":
        "022fa5f9f393bf037c6ad9d89acb259f2ba1d49d575241902903af7673cc78eb",
    "utils/test_core.py":
        "4ef6c4bcbaae4a984aa82598fdf5180253070e522919648d3a1ecd0a62c6aca2",
    "utils/test_data_operators.py":
        "a8860a04c8af341d72bcfa43e982fe5a787234f70ff682eb02f8e8c5c83c7edd",
}


def _ported() -> dict[str, Path]:
    return {p.relative_to(HERE).as_posix(): p for d in ("labeling", "slicing", "map", "synthetic", "utils")
            for p in (HERE / d).rglob("*.py") if p.name != "__init__.py"}


def test_every_ported_file_is_snorkels_own_with_only_its_imports_changed():
    changed = []
    for rel, path in _ported().items():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert [line.startswith(h) for line, h in zip(lines, HEADER)] == [True] * 3, f"{rel}: no port header"
        original = "".join(lines[3:]).replace("weaklabel.compat.snorkel", "snorkel")
        if hashlib.sha256(original.encode("utf-8")).hexdigest() != UPSTREAM.get(rel):
            changed.append(rel)
    assert changed == [], f"these differ from Snorkel's files beyond their imports (or are not Snorkel's): {changed}"


def test_every_snorkel_test_file_is_ported_or_left_out_with_a_reason():
    ported = set(_ported())
    assert set(UPSTREAM) == ported | set(LEFT_OUT), (
        f"not accounted for: {sorted(set(UPSTREAM) - ported - set(LEFT_OUT))}; "
        f"unknown: {sorted((ported | set(LEFT_OUT)) - set(UPSTREAM))}")
    assert not ported & set(LEFT_OUT)
    assert all(len(reason) > 40 for reason in LEFT_OUT.values())
