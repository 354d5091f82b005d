"""``snorkel.labeling.apply``: appliers for lists, arrays, pandas, Dask and Spark."""
