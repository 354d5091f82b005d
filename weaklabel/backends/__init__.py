"""Distributed engines (Dask, Spark). Never imported by ``import weaklabel``."""
