# Ported from Snorkel's own tests: test/labeling/preprocess/test_nlp.py in the snorkel 0.10.0 sdist.
# Copyright Snorkel contributors, Apache License 2.0 (see tests/compat/NOTICE).
# Only the import lines differ from the original: snorkel. -> weaklabel.compat.snorkel.
import unittest
from types import SimpleNamespace

from weaklabel.compat.snorkel.preprocess.nlp import SpacyPreprocessor


class TestSpacyPreprocessor(unittest.TestCase):
    def test_spacy_preprocessor(self) -> None:
        x = SimpleNamespace(text="Jane plays soccer.")
        preprocessor = SpacyPreprocessor("text", "doc")
        x_preprocessed = preprocessor(x)
        assert x_preprocessed is not None
        self.assertEqual(len(x_preprocessed.doc), 4)
        token = x_preprocessed.doc[0]
        self.assertEqual(token.text, "Jane")
        self.assertEqual(token.pos_, "PROPN")
