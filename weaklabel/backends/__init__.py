"""Distributed engines (Dask, Spark). Never imported by ``import weaklabel``."""

ENGINES = ("local", "dask", "spark")  # where `weaklabel run` computes
