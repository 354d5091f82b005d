# Ported from Snorkel's own tests: test/utils/test_data_operators.py in the snorkel 0.10.0 sdist.
# Copyright Snorkel contributors, Apache License 2.0 (see tests/compat/NOTICE).
# Only the import lines differ from the original: snorkel. -> weaklabel.compat.snorkel.
import unittest

from weaklabel.compat.snorkel.utils.data_operators import check_unique_names


class DataOperatorsTest(unittest.TestCase):
    def test_check_unique_names(self):
        check_unique_names(["alice", "bob", "chuck"])
        with self.assertRaisesRegex(ValueError, "3 operators with name c"):
            check_unique_names(["a", "a", "b", "c", "c", "c"])
