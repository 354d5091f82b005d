"""LF suites, one module per task. Each defines ``LABELS`` (a LabelSpace) and ``LFS``."""
