"""The engine's entry points that must not wait for pandas: the standard, the periods, and the
start of a period's run, which forks the charts child before the statistics are imported.

On a small run the child warms matplotlib up on the other core while this process imports
pandas and the stages, reads and checks (runner.prepared); the statistics modules (``api``)
are imported only once the child is on its way.
"""

from __future__ import annotations

from pathlib import Path

from ..periods import Period, annual, monthly
from ..standard import Standard, standard_at
from . import runner


def standard(schemas: Path | None = None) -> Standard:
    """The standard in the folder ``schemas`` (None: the one shipped with the tool); UsageError if unusable."""
    return standard_at(schemas)


def period_of(kind: str, text: str) -> Period:
    """The Period of an ``annual`` year or ``monthly`` month given as text; UsageError if malformed.

    ``export`` and ``rollup`` take either (one box): a month when the text has a ``-``."""
    if kind in ("export", "rollup"):
        kind = "monthly" if "-" in text.strip() else "annual"
    return annual(text.strip()) if kind == "annual" else monthly(text.strip())


def _warm_charts() -> None:
    """What the charts child does before its data arrives; it never imports pandas."""
    from ..render.charts import warm_up

    with runner.stage("warm-up of the charts child"):
        warm_up()


def run_period(period: Period, inputs: Path, outputs: Path, std: Standard, **options):
    """Read and check ``inputs``, then write the statistics of ``period`` (``api.run_period``)."""
    with runner.prepared(_warm_charts, parallel=runner.few_workbooks(inputs, outputs)) as charts:
        from .api import run_period as run

        return run(period, inputs, outputs, std, charts=charts, **options)


def export_package(period: Period, inputs: Path, outputs: Path, std: Standard, **options):
    """The period's run, then the county's package (``api.export_package``)."""
    with runner.prepared(_warm_charts, parallel=runner.few_workbooks(inputs, outputs)) as charts:
        from .api import export_package as export

        return export(period, inputs, outputs, std, charts=charts, **options)
