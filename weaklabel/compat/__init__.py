"""Compatibility layers for users coming from other weak-supervision tools.

:mod:`weaklabel.compat.snorkel` mirrors Snorkel 0.10's module paths and names on
weaklabel's engine: rewrite ``snorkel.`` to ``weaklabel.compat.snorkel.`` in the
import lines and the rest of the code runs unchanged. It never imports Snorkel or
torch.
"""
