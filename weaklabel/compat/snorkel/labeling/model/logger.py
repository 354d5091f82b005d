"""``Logger``: Snorkel's training logger, here logging the label model's fit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

_log = logging.getLogger(__name__)


class Logger:
    """Log metrics every ``log_freq`` calls of :meth:`check`.

    Metric names are ``split/metric`` or ``task/split/metric`` (e.g. ``train/loss``).
    """

    def __init__(self, log_freq: int) -> None:
        if log_freq < 1:
            raise ValueError(f"log_freq: expected an int >= 1, got {log_freq}")
        self.log_freq = log_freq
        self.unit_count = -1

    def check(self) -> bool:
        """Count one unit (epoch, EM pass); True when this one should be logged."""
        self.unit_count += 1
        return self.unit_count % self.log_freq == 0

    def log(self, metrics_dict: Mapping[str, Any]) -> None:
        """Log one line of metrics."""
        parts = []
        for name, value in metrics_dict.items():
            if len(name.split("/")) not in (2, 3):
                raise ValueError(f"metric name {name!r}: expected 'split/metric' or 'task/split/metric'")
            parts.append(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}")
        _log.info("[%d] %s", max(self.unit_count, 0), ", ".join(parts))


__all__ = ["Logger"]
