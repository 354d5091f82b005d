"""Benchmarks, run with ``weaklabel bench ...``.

They measure weaklabel and Snorkel side by side in one run and report ratios; they are not tests.
"""
