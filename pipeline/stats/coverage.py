"""巡察全覆盖: coverage of the registry over the term containing a day.

Rules (workbook standard, "Period rules"), made precise here:

- the term is the registry 届次 whose [开始日期, 结束日期] contains ``as_of``; when none
  does, the latest term that started on or before ``as_of``;
- a registry unit is *in force* on ``as_of`` when its 纳入日期 is blank or on/before
  ``as_of`` and its 撤销日期 is blank or after ``as_of`` (a unit merged away on that very
  day no longer counts);
- a unit is *inspected* when some 巡察对象 row names it with 进驻日期 between the term
  start and ``as_of`` (inclusive) and that row's group has a 巡察类型 in
  ``std.coverage_round_types``;
- an inspected unit not in force is listed in ``inspected_not_in_force`` and counted in
  neither ``inspected`` nor ``total``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .selection import Frames, dated_between, stamp, to_date


@dataclass(frozen=True)
class Tally:
    """Units in force and how many of them were inspected."""

    total: int
    inspected: int

    @property
    def rate(self) -> float | None:
        """inspected / total as a fraction; None when there is nothing to inspect."""
        return self.inspected / self.total if self.total else None

    @property
    def remaining(self) -> int:
        return self.total - self.inspected

    def as_dict(self) -> dict:
        return {"total": self.total, "inspected": self.inspected, "rate": self.rate}


@dataclass
class Coverage:
    """Coverage as of a day, per family and per 对象类别."""

    as_of: dt.date
    term: str
    term_start: dt.date | None
    term_end: dt.date | None
    families: dict[str, Tally]
    by_category: dict[str, Tally]
    uninspected: list[str]
    inspected_not_in_force: list[str]
    units: pd.DataFrame = field(repr=False)  # one row per registry unit, see _unit_table

    def metrics(self) -> dict:
        """The ``coverage`` block of metrics.json."""
        out = {"as_of": self.as_of.isoformat(), "term": self.term}
        out.update({fam: tally.as_dict() for fam, tally in self.families.items()})
        out["by_category"] = {c: t.as_dict() for c, t in self.by_category.items()}
        out["uninspected"] = list(self.uninspected)
        out["inspected_not_in_force"] = list(self.inspected_not_in_force)
        return out


def term_containing(terms: pd.DataFrame, day: dt.date) -> tuple[str, dt.date, dt.date] | None:
    """(届次, start, end) of the term containing ``day``, else the latest begun before it."""
    when = stamp(day)
    started = terms[terms["start"] <= when].sort_values("start")
    if started.empty:
        return None
    inside = started[started["end"] >= when]
    row = (inside if not inside.empty else started).iloc[-1]
    return row["term"], to_date(row["start"]), to_date(row["end"])


def in_force(units: pd.DataFrame, day: dt.date) -> pd.Series:
    """Mask of registry units in force on ``day``."""
    when = stamp(day)
    added_ok = units["added"].isna() | (units["added"] <= when)
    removed_ok = units["removed"].isna() | (units["removed"] > when)
    return added_ok & removed_ok


def counting_visits(frames: Frames, start: dt.date | None, as_of: dt.date) -> pd.DataFrame:
    """巡察对象 rows that count toward coverage, dated from ``start`` to ``as_of``."""
    orgs = frames.round_orgs
    orgs = orgs[orgs["type"].isin(frames.std.coverage_round_types)]
    if start is None:
        return orgs.iloc[0:0]
    return dated_between(orgs, "start", start, as_of).sort_values(["start", "term", "round"])


def _unit_table(frames: Frames, visits: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Every registry unit with: in_force, inspected, and its first counting visit."""
    units = frames.units[["name", "category", "township", "added", "removed",
                          "source_file", "source_row"]].copy()
    units["in_force"] = in_force(frames.units, as_of).to_numpy()
    first = visits.drop_duplicates("org").set_index("org")
    units["inspected"] = units["name"].isin(first.index)
    for col in ("term", "round", "group", "type", "start"):
        units[f"first_{col}"] = units["name"].map(first[col]) if len(first) else None
    return units


def compute_coverage(frames: Frames, as_of: dt.date) -> Coverage:
    """Coverage of the term containing ``as_of``, cumulative up to ``as_of``."""
    found = term_containing(frames.terms, as_of)
    term, start, end = found if found else ("", None, None)
    units = _unit_table(frames, counting_visits(frames, start, as_of), as_of)
    live = units[units["in_force"]]
    categories = frames.std.enum_values("org_category")
    by_category = {c: _tally(live[live["category"] == c]) for c in categories}
    families = {fam["id"]: _tally(live[live["category"].isin(fam["members"])])
                for fam in frames.std.families()}
    return Coverage(
        as_of=as_of, term=term, term_start=start, term_end=end, families=families,
        by_category=by_category, uninspected=list(live.loc[~live["inspected"], "name"]),
        inspected_not_in_force=list(units.loc[units["inspected"] & ~units["in_force"], "name"]),
        units=units)


def _tally(units: pd.DataFrame) -> Tally:
    return Tally(total=len(units), inspected=int(units["inspected"].sum()))
