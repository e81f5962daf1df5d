"""The city's figures: the counties' packages summed, every rate recomputed from the sums.

A rate of the city is never an average of the counties' rates: coverage is
Σ inspected / Σ total, the ledger's rate Σ rectified / Σ in_ledger. Categories are
summed by name (the city's breakdown holds every category any package has).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..periods import YTD_KINDS, Period
from ..standard import Standard
from ..stats.coverage import Tally
from ..stats.figures import totals_keys
from .format import package_format
from .indicators import BY_CATEGORY, ENUM_SECTIONS, family_ids, section_of
from .reader import Package


@dataclass
class CountyFigures:
    """One county's figures, from its package."""

    county: str
    file: str
    package: Package = field(repr=False)
    totals: dict[str, int]
    year_to_date: dict[str, int] | None  # monthly, quarterly, half-year packages only
    breakdowns: dict[str, dict[str, int]]  # problems_by_category, … (ENUM_SECTIONS)
    families: dict[str, Tally]  # coverage per family (county, village)
    by_category: dict[str, Tally]  # coverage per 对象类别
    rectification: dict[str, int]  # in_ledger and each state


@dataclass
class Rollup:
    """Everything the roll-up's outputs show."""

    period: Period
    compiled_on: dt.date
    counties: list[CountyFigures]  # ordered by name
    totals: dict[str, int]
    year_to_date: dict[str, int] | None  # monthly, quarterly, half-year, when every package has it
    breakdowns: dict[str, dict[str, int]]
    families: dict[str, Tally]
    by_category: dict[str, Tally]
    rectification: dict[str, int]
    missing_counties: list[str] | None  # roster order; None without a roster
    unexplained: dict[str, int]  # county -> unexplained warnings, for those with some


def ledger_rate(ledger: dict[str, int]) -> float | None:
    """rectified / in_ledger, None when the ledger is empty."""
    return ledger["rectified"] / ledger["in_ledger"] if ledger.get("in_ledger") else None


def _tally(ind: dict[str, int], head: str) -> Tally:
    return Tally(total=ind[f"{head}.total"], inspected=ind[f"{head}.inspected"])


def county_figures(pkg: Package, std: Standard) -> CountyFigures:
    """A county's figures from its package (already checked complete)."""
    ind = pkg.indicators
    keys = totals_keys(std)
    ytd = section_of(ind, "year_to_date")
    return CountyFigures(
        county=pkg.county, file=pkg.file, package=pkg,
        totals={k: ind[f"totals.{k}"] for k in keys},
        year_to_date={k: ytd[k] for k in keys} if all(k in ytd for k in keys) else None,
        breakdowns={s: section_of(ind, s) for s in ENUM_SECTIONS},
        families={fam: _tally(ind, f"coverage.{fam}") for fam in family_ids(std)},
        by_category={cat: _tally(ind, f"coverage.{BY_CATEGORY}.{cat}") for cat in std.enum_values("org_category")},
        rectification={k: ind[f"rectification.{k}"] for k in package_format().rectification})


def add_up(dicts: list[dict[str, int]], order: list[str] = ()) -> dict[str, int]:
    """Sum dicts key by key: the keys of ``order`` first, then others in first-seen order."""
    out = dict.fromkeys(order, 0)
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def add_tallies(tallies: list[Tally]) -> Tally:
    return Tally(total=sum(t.total for t in tallies), inspected=sum(t.inspected for t in tallies))


def _category_order(std: Standard, counties: list[CountyFigures]) -> list[str]:
    """Categories of the standard's taxonomies (in their order) that some package has, then the rest."""
    seen = {c for cf in counties for c in cf.breakdowns["problems_by_category"]}
    known = [c for c in std.all_problem_categories() if c in seen]
    return known + [c for cf in counties for c in cf.breakdowns["problems_by_category"] if c not in known]


def build_rollup(packages: list[Package], std: Standard, period: Period, compiled_on: dt.date,
                 roster: list[str] | None) -> Rollup:
    """The city's figures of ``period`` from checked packages; ``roster``: county names or None."""
    counties = sorted((county_figures(p, std) for p in packages), key=lambda c: c.county)
    ytds = [c.year_to_date for c in counties]
    breakdowns = {s: add_up([c.breakdowns[s] for c in counties]) for s in ENUM_SECTIONS}
    breakdowns["problems_by_category"] = add_up([c.breakdowns["problems_by_category"] for c in counties],
                                                _category_order(std, counties))
    have = {c.county for c in counties}
    return Rollup(
        period=period, compiled_on=compiled_on, counties=counties,
        totals=add_up([c.totals for c in counties], totals_keys(std)),
        year_to_date=add_up(ytds, totals_keys(std)) if period.kind in YTD_KINDS and counties
        and all(y is not None for y in ytds) else None,
        breakdowns=breakdowns,
        families={f: add_tallies([c.families[f] for c in counties]) for f in family_ids(std)},
        by_category={k: add_tallies([c.by_category[k] for c in counties]) for k in std.enum_values("org_category")},
        rectification=add_up([c.rectification for c in counties], list(package_format().rectification)),
        missing_counties=None if roster is None else [c for c in roster if c not in have],
        unexplained={c.county: c.package.unexplained for c in counties if c.package.unexplained})
