"""The charts of a small run, drawn by the prepared child (runner.prepared) with a forked helper.

Light to import on purpose: the job is sent to the child pickled, and unpickling it imports
this module there; the child must never import pandas or the statistics.
"""

from __future__ import annotations

from pathlib import Path

from ..output import TREND_CHART_NAME
from ..render.charts import CHARTS, ChartData, write_charts
from . import runner

FORKED = (TREND_CHART_NAME,)  # drawn by the helper: about half the work


def _draw(data: ChartData, charts_dir: Path, names: tuple[str, ...]) -> list[Path]:
    with runner.stage("charts " + "、".join(names)):
        return write_charts(data, charts_dir, names)


def charts_in_two(data: ChartData, charts_dir: Path) -> list[Path]:
    """Every chart of ``data`` into ``charts_dir``, ``FORKED`` drawn by a forked helper of this
    (warmed-up) process while it draws the others; the paths in ``CHARTS`` order."""
    rest = tuple(name for name in CHARTS if name not in FORKED)
    drawn = runner.halves(_draw, (data, Path(charts_dir), rest), (data, Path(charts_dir), FORKED))
    return sorted(drawn, key=lambda path: list(CHARTS).index(path.name))
