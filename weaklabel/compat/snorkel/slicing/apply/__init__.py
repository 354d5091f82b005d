"""``snorkel.slicing.apply``."""
