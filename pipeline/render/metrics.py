"""metrics.json: every figure of the report, machine-readable, stable keys (outputs.md)."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from pathlib import Path

from ..output import METRICS_NAME, write_json
from ..stats.aggregate import Report


def plain(value):
    """The value with numpy scalars and dates turned into JSON types, recursively."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if math.isnan(value) else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"metrics: {type(value).__name__} is not a JSON value")


def write_metrics(report: Report, out_dir: Path) -> Path:
    """Write ``metrics.json`` into ``out_dir`` atomically; return its path."""
    return write_json(Path(out_dir) / METRICS_NAME, plain(report.metrics))
