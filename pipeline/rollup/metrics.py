"""The roll-up's metrics.json (spec rollup.md): ``kind: rollup``, per-county and city figures.

Rates are fractions recomputed from the summed counts, null when there is nothing to divide by.
"""

from __future__ import annotations

from pathlib import Path

from ..output import METRICS_NAME, write_json
from ..render.metrics import plain
from ..stats.aggregate import _period_dict as period_dict  # the county metrics' "period", one place
from ..stats.coverage import Tally
from .figures import Rollup, ledger_rate

ROLLUP_SCHEMA_VERSION = 2
KIND = "rollup"


def _coverage(families: dict[str, Tally]) -> dict:
    return {fam: tally.as_dict() for fam, tally in families.items()}


def _ledger(ledger: dict[str, int]) -> dict:
    return {**ledger, "rate": ledger_rate(ledger)}


def rollup_metrics(r: Rollup) -> dict:
    """metrics.json of the roll-up as a dict (JSON types only)."""
    m = {"schema_version": ROLLUP_SCHEMA_VERSION, "kind": KIND, "period": period_dict(r.period),
         "counties": [{"county": c.county, "file": c.file, "totals": dict(c.totals),
                       "coverage": _coverage(c.families), "rectification": _ledger(c.rectification)}
                      for c in r.counties],
         "totals": dict(r.totals)}
    if r.period.kind == "monthly":
        m["year_to_date"] = None if r.year_to_date is None else dict(r.year_to_date)
    m.update({"problems_by_category": dict(r.breakdowns["problems_by_category"]),
              "coverage": _coverage(r.families), "rectification": _ledger(r.rectification),
              "missing_counties": None if r.missing_counties is None else list(r.missing_counties)})
    return plain(m)


def write_rollup_metrics(r: Rollup, out_dir: Path) -> Path:
    """Write the roll-up's metrics.json into ``out_dir`` atomically; return its path."""
    return write_json(Path(out_dir) / METRICS_NAME, rollup_metrics(r))
