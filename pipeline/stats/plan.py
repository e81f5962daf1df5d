"""The round plan (巡察计划) as of a day: submissions, planned organisations, the coverage
projection; and the groups silent in a month (office-loop spec §1 and §4).

Over the plan rows of the coverage term (the term containing ``as_of``, see coverage.py):

- expected submissions: distinct planned (届次, 轮次, 巡察组) whose earliest 计划进驻日期
  (``planned_start``) is on or before ``as_of``; received when some 轮次信息 row holds that
  key, else missing;
- planned organisations: planned (届次, 轮次, 被巡察党组织) with 计划进驻日期 on or before
  ``as_of``; inspected when that round's 巡察对象 (any group, any date) names it;
- projection: among the units in force at ``as_of`` (exactly those of the coverage), a unit
  not inspected is *planned* when a plan row of the term whose own 巡察类型 counts toward
  coverage names it (any planned date), else *unplanned*;
  projected_rate = (inspected + planned) / total.

The plan is optional: with no plan row at all (an empty or absent sheet) there is no
:class:`PlanStatus` and the outputs say so. Silent groups do not depend on the plan.

The plan of the next span (:func:`next_plan`, periods.md §3): the plan rows whose 计划进驻日期
falls in the span a summary's closing section is about (the next year; the second half-year),
as rounds (轮次, 巡察类型, organisations by 对象类别), and what remains for 全覆盖 of the coverage
term after them: units in force at the period end, not inspected, and not named by a plan row
of the span whose own 巡察类型 counts toward coverage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..periods import Period
from .coverage import Coverage, Tally, compute_coverage
from .rounds import span_overlaps
from .selection import Frames, dated_between, stamp, to_date


@dataclass(frozen=True)
class Submission:
    """A planned (届次, 轮次, 巡察组) expected by ``as_of``."""

    term: str
    round: int
    group: str
    planned_start: dt.date
    received: bool

    def metrics_entry(self) -> dict:
        return {"term": self.term, "round": self.round, "group": self.group,
                "planned_start": self.planned_start.isoformat()}


@dataclass(frozen=True)
class PlannedOrg:
    """A planned (届次, 轮次, 被巡察党组织) due by ``as_of`` (its planned group and start)."""

    term: str
    round: int
    group: str
    org: str
    planned_start: dt.date
    inspected: bool


@dataclass(frozen=True)
class Projection(Tally):
    """A coverage tally with the units planned (not inspected, in a counting plan row)."""

    planned: int = 0

    @property
    def projected_rate(self) -> float | None:
        """(inspected + planned) / total; None when there is nothing to inspect."""
        return (self.inspected + self.planned) / self.total if self.total else None

    @property
    def unplanned(self) -> int:
        return self.total - self.inspected - self.planned


@dataclass
class PlanStatus:
    """The plan of the coverage term as of ``as_of`` (see the module docstring)."""

    as_of: dt.date
    term: str
    submissions: list[Submission]  # expected, ordered by term, round, group
    orgs: list[PlannedOrg]  # due, ordered by term, round, group, registry order
    families: dict[str, Projection]
    by_category: dict[str, Projection]
    unplanned: list[str]  # units in force neither inspected nor planned, registry order
    planned_in: dict[str, tuple[int, str, dt.date]]  # unit -> (轮次, 巡察组, 计划进驻日期) of its
    #                                                 earliest plan row of the term that counts

    @property
    def missing(self) -> list[Submission]:
        return [s for s in self.submissions if not s.received]

    @property
    def received(self) -> int:
        return sum(s.received for s in self.submissions)

    @property
    def not_inspected(self) -> list[PlannedOrg]:
        return [o for o in self.orgs if not o.inspected]


@dataclass(frozen=True)
class PlannedRound:
    """A round of the plan in the next span: its groups, types, dates and organisations."""

    term: str
    round: int
    types: list[str]  # 巡察类型 of its rows, distinct, in the standard's order
    groups: list[str]
    start: dt.date  # earliest 计划进驻日期
    end: dt.date | None  # latest 计划结束日期
    orgs_by_category: dict[str, list[str]]  # 对象类别 (standard order) -> names (registry order)

    @property
    def org_count(self) -> int:
        return sum(len(names) for names in self.orgs_by_category.values())


@dataclass
class NextPlan:
    """The plan rows of the next span, and 全覆盖 of the coverage term after them."""

    start: dt.date
    end: dt.date
    rounds: list[PlannedRound]  # ordered by term, round
    families: dict[str, Projection]  # family -> total, inspected by the period end, planned in the span
    remaining: list[str]  # units in force neither inspected nor planned in the span, registry order


# ---------------------------------------------------------------- computing


def _term_plan(frames: Frames, term: str) -> pd.DataFrame:
    plan = frames.plan
    return plan[(plan["term"] == term) & plan["org"].notna() & plan["group"].notna() & (plan["round"] > 0)]


def _submissions(frames: Frames, plan: pd.DataFrame, as_of: dt.date) -> list[Submission]:
    first = plan.dropna(subset=["start"]).groupby(["term", "round", "group"])["start"].min()
    due = first[first <= stamp(as_of)]
    info = frames.round_info
    received = set(zip(info["term"], info["round"], info["group"]))
    subs = [Submission(t, int(r), g, to_date(start), (t, r, g) in received) for (t, r, g), start in due.items()]
    return sorted(subs, key=lambda s: frames.group_rank(s.term, s.round, s.group))


def _planned_orgs(frames: Frames, plan: pd.DataFrame, as_of: dt.date) -> list[PlannedOrg]:
    due = plan[plan["start"] <= stamp(as_of)].sort_values("start", kind="stable")
    due = due.drop_duplicates(["term", "round", "org"])  # a duplicate is an error: never here
    orgs = frames.round_orgs
    named = set(zip(orgs["term"], orgs["round"], orgs["org"]))
    order = frames.registry_order
    out = [PlannedOrg(t, int(r), g, o, to_date(s), (t, r, o) in named)
           for t, r, g, o, s in zip(due["term"], due["round"], due["group"], due["org"], due["start"])]
    return sorted(out, key=lambda p: (*frames.group_rank(p.term, p.round, p.group), order.get(p.org, len(order))))


def _projection(units: pd.DataFrame) -> Projection:
    return Projection(total=len(units), inspected=int(units["inspected"].sum()), planned=int(units["planned"].sum()))


def compute_plan(frames: Frames, coverage: Coverage) -> PlanStatus | None:
    """The plan status as of the coverage day, or None when the plan sheet has no row."""
    if frames.plan.empty:
        return None
    as_of, term = coverage.as_of, coverage.term
    plan = _term_plan(frames, term)
    first = plan[plan["type"].isin(frames.std.coverage_round_types)].sort_values(["start", "round"], kind="stable")
    first = first.drop_duplicates("org")
    planned_in = {o: (int(r), g, to_date(d)) for o, r, g, d in zip(first["org"], first["round"], first["group"],
                                                                    first["start"])}
    counting = set(planned_in)
    units = coverage.units[coverage.units["in_force"]].copy()
    units["planned"] = ~units["inspected"] & units["name"].isin(counting)
    families = {fam["id"]: _projection(units[units["category"].isin(fam["members"])])
                for fam in frames.std.families()}
    by_category = {c: _projection(units[units["category"] == c]) for c in frames.std.enum_values("org_category")}
    return PlanStatus(as_of=as_of, term=term, submissions=_submissions(frames, plan, as_of),
                      orgs=_planned_orgs(frames, plan, as_of), families=families, by_category=by_category,
                      unplanned=list(units.loc[~units["inspected"] & ~units["planned"], "name"]),
                      planned_in=planned_in)


def _planned_round(frames: Frames, rows: pd.DataFrame) -> PlannedRound:
    std, order = frames.std, frames.registry_order
    type_rank = {t: i for i, t in enumerate(std.enum_values("round_type"))}
    by_category: dict[str, list[str]] = {c: [] for c in std.enum_values("org_category")}
    for org in sorted(set(rows["org"]), key=lambda o: order.get(o, len(order))):
        by_category.setdefault(frames.registry_category.get(org) or "", []).append(org)
    ends = rows["end"].dropna()
    return PlannedRound(
        term=rows["term"].iloc[0], round=int(rows["round"].iloc[0]),
        types=sorted(set(rows["type"].dropna()), key=lambda t: type_rank.get(t, len(type_rank))),
        groups=sorted(set(rows["group"]), key=lambda g: frames.group_rank(rows["term"].iloc[0],
                                                                          int(rows["round"].iloc[0]), g)),
        start=to_date(rows["start"].min()), end=to_date(ends.max()) if len(ends) else None,
        orgs_by_category={c: names for c, names in by_category.items() if names})


def next_plan(frames: Frames, coverage: Coverage, start: dt.date, end: dt.date) -> NextPlan | None:
    """The plan of the span [start, end] (see the module docstring); None without plan rows in it."""
    plan = frames.plan
    rows = dated_between(plan[plan["org"].notna() & plan["group"].notna() & (plan["round"] > 0)], "start", start, end)
    if rows.empty:
        return None
    term_order = frames.term_order
    keys = sorted({(t, int(r)) for t, r in zip(rows["term"], rows["round"])},
                  key=lambda k: (term_order.get(k[0], len(term_order)), k[1]))
    rounds = [_planned_round(frames, rows[(rows["term"] == t) & (rows["round"] == r)]) for t, r in keys]
    counting = set(rows.loc[rows["type"].isin(frames.std.coverage_round_types), "org"])
    units = coverage.units[coverage.units["in_force"]].copy()
    units["planned"] = ~units["inspected"] & units["name"].isin(counting)
    families = {fam["id"]: _projection(units[units["category"].isin(fam["members"])])
                for fam in frames.std.families()}
    return NextPlan(start, end, rounds, families,
                    list(units.loc[~units["inspected"] & ~units["planned"], "name"]))


def plan_status(frames: Frames, as_of: dt.date) -> PlanStatus | None:
    """The plan status as of any day (the workbench's 报送情况 as of today): the coverage of
    that day, then :func:`compute_plan`; None without plan rows."""
    if frames.plan.empty:
        return None
    return compute_plan(frames, compute_coverage(frames, as_of))


def silent_groups(frames: Frames, period: Period) -> list[dict] | None:
    """Monthly only: (届次, 轮次, 巡察组) active in the month (own dates overlap it) with no
    工作量 row dated in it, ordered by term, round, group; None for other periods."""
    if period.kind != "monthly":
        return None
    work = dated_between(frames.workload, "date", period.start, period.end)
    logged = set(zip(work["term"], work["round"], work["group"]))
    info = frames.round_info
    out = [{"term": t, "round": int(r), "group": g}
           for t, r, g, start, end in zip(info["term"], info["round"], info["group"], info["start"], info["end"])
           if span_overlaps(to_date(start), to_date(end), period.start, period.end, period.end)
           and (t, r, g) not in logged]
    return sorted(out, key=lambda k: frames.group_rank(k["term"], k["round"], k["group"]))


# ---------------------------------------------------------------- metrics.json


def submissions_metrics(status: PlanStatus | None) -> dict | None:
    """``submissions``: expected, received and the missing groups (null without a plan)."""
    if status is None:
        return None
    return {"expected": len(status.submissions), "received": status.received,
            "missing": [s.metrics_entry() for s in status.missing]}


def planned_orgs_metrics(status: PlanStatus | None) -> dict | None:
    """``planned_orgs``: planned by as_of, inspected, and the names not yet inspected."""
    if status is None:
        return None
    return {"planned": len(status.orgs), "inspected": sum(o.inspected for o in status.orgs),
            "not_inspected": [o.org for o in status.not_inspected]}


def with_projection(coverage: Coverage, status: PlanStatus | None) -> dict:
    """The ``coverage`` block of metrics.json with ``planned``/``projected_rate`` for each family
    and 对象类别 and the ``unplanned`` names (all null without a plan)."""
    out = coverage.metrics()

    def add(entry: dict, proj: Projection | None) -> dict:
        return {**entry, "planned": proj.planned if proj else None,
                "projected_rate": proj.projected_rate if proj else None}
    for fam in coverage.families:
        out[fam] = add(out[fam], status.families.get(fam) if status else None)
    out["by_category"] = {c: add(t, status.by_category.get(c) if status else None)
                          for c, t in out["by_category"].items()}
    out["unplanned"] = list(status.unplanned) if status else None
    return out
