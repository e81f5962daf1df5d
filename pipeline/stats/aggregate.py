"""Aggregate stage: a :class:`Dataset` and a :class:`Period` in, a :class:`Report` out.

The report carries every figure of the period (``main``), for ``monthly``, ``quarterly`` and
``half-year`` the year-to-date (``ytd``), the previous-year twins (同比) when the previous year
has data, for a quarter the quarter before (``preceding``, 环比), for a term the figures of each
calendar year (``by_year``), whole-round summaries, coverage, the trend, and ``metrics``
(metrics.json). Every kind counts by the same rules (spec periods.md §2).

"The previous year has data" means some 巡察对象/工作量/发现问题/问题线索 row is dated
in the previous year's twin of the *year-to-date*: for ``annual`` that is the previous
year; for a month, quarter, half-year or range within a year it is January to the same
day of the previous year, and then the period and its 本年累计 get 上年同期 (a month with
nothing last year is a real 0 then, not missing data). A span across years (a term, a
long range) has no 同比. "The quarter before has data" means some row is dated on or
before its end (the office kept its workbooks by then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..explanations import CheckCounts, unexplained_notice
from ..model import Dataset, SourceFile
from ..periods import YTD_KINDS, Period
from ..standard import Standard
from .coverage import Coverage, compute_coverage
from .figures import Figures, period_figures
from .ledger import Ledger, build_ledger
from .office import OfficeRows, office_rows
from .plan import (
    NextPlan,
    PlanStatus,
    compute_plan,
    next_plan,
    planned_orgs_metrics,
    silent_groups,
    submissions_metrics,
    with_projection,
)
from .rounds import RoundSummary, summaries_from_frames
from .selection import Frames
from .wording import Wording, wording_in_force

# 2: office-loop.md §4 (checks, submissions, planned_orgs, projection, silent_groups, rectification);
# 3: rectification.md §3 (rectification: rectified_late, without_evidence, returns_received, returns_missing,
#    returns_missing_list; statuses are the latest word of the organisations' returns)
# 4: periods.md §2 (period kinds quarterly, half-year, term, range; previous, preceding, by_year)
SCHEMA_VERSION = 4
EARLIEST = dt.date(1900, 1, 1)


@dataclass
class Report:
    """Everything the renderers write for one period."""

    period: Period
    county: str
    compiler: str
    compiled_on: dt.date
    term: str
    main: Figures
    ytd: Figures | None  # monthly, quarterly, half-year: 1 January to the period end
    previous: Figures | None  # previous-year twin of ``main`` (when it has data)
    previous_ytd: Figures | None  # with ``ytd``: previous-year twin of ``ytd``
    rounds: list[RoundSummary]  # active in the period, ordered by (term, round)
    coverage: Coverage
    trend: list[dict]  # {"month", "talks", "problems"} for months 1..period end
    ledger: Ledger  # the rectification ledger (整改台账) as of the period end
    sources: list[SourceFile]
    excluded: list[str]
    office: OfficeRows  # the office's own rows of the period (summary draft only)
    std: Standard = field(repr=False)  # the standard the figures follow: labels for the renderers
    metrics: dict = field(default_factory=dict)
    checks: CheckCounts = field(default_factory=CheckCounts)  # findings of the whole run (all workbooks)
    plan: PlanStatus | None = None  # the round plan as of the period end; None: no 巡察计划 rows
    silent_groups: list[dict] | None = None  # monthly only: groups with no 工作量 row in the month
    preceding: Figures | None = None  # quarterly: the quarter before (环比), when there was data by then
    by_year: list[Figures] | None = None  # term: each calendar year of the span, clipped to it
    wording: Wording | None = None  # the drafts' phrases: defaults, or the office's 文稿措辞
    next_plan: NextPlan | None = None  # year, half-year: the plan rows of the span after (its plan section)

    @property
    def two_blocks(self) -> bool:
        """Whether the tables show the period and its year to date side by side: always for a
        month, for a quarter or half-year when the year did not begin with it."""
        return self.ytd is not None and (self.period.kind == "monthly" or self.ytd.period.start < self.period.start)

    @property
    def first_sheet_notices(self) -> list[str]:
        """Lines under the first sheet's title: the 核实性 warnings still unexplained (or none)."""
        line = unexplained_notice(self.checks, self.std.sheet("explanations").name)
        return [line] if line else []

    @property
    def overdue(self) -> pd.DataFrame | None:
        """Problems overdue at the period end (the ledger's red rows, longest overdue first);
        None when no 整改时限 was filled anywhere (v1 ``overdue_problems`` null)."""
        return self.ledger.overdue_rows if self.ledger.has_deadlines else None

    @property
    def detail(self) -> Figures:
        """The figures whose rows the detail sheets list (the year-to-date for monthly)."""
        return self.ytd or self.main


def info_item(ds: Dataset, key: str, default: str) -> str:
    """A 基本情况 item (县名 / 编制单位)."""
    value = (ds.info or {}).get(key)
    return value.strip() if isinstance(value, str) and value.strip() else default


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _trend_spans(period: Period) -> list[tuple[dict, dt.date, dt.date]]:
    """The trend's steps: the months from January (from the start for a range) to the period end;
    for a span across years (a term, a long range), its calendar years clipped to it."""
    if not period.in_one_year:
        return [({"year": y.start.year}, y.start, y.end) for y in period.years()]
    first = period.start if period.kind in ("range", "term") else dt.date(period.end.year, 1, 1)
    return [({"month": m}, max(first, dt.date(period.end.year, m, 1)), min(period.end, _month_end(period.end.year, m)))
            for m in range(first.month, period.end.month + 1)]


def _trend(frames: Frames, period: Period) -> list[dict]:
    """个别谈话 and 发现问题 per month (``month``) or, across years, per year (``year``)."""
    return [{**key, "talks": int(frames.dated("workload", start, end)["talks"].sum()),
             "problems": len(frames.dated("problems", start, end))}
            for key, start, end in _trend_spans(period)]


def _twins(frames: Frames, period: Period, term: str, today: dt.date) -> tuple:
    """Previous-year figures for the period and (with a year to date) the year-to-date, or Nones."""
    if period.previous_year() is None:
        return None, None
    prev_ytd_period = period.year_to_date().previous_year()
    if not frames.has_rows(prev_ytd_period.start, prev_ytd_period.end):
        return None, None
    previous = period_figures(frames, period.previous_year(), term, today)
    if period.kind not in YTD_KINDS:
        return previous, None
    return previous, period_figures(frames, prev_ytd_period, term, today)


def _next_plan(frames: Frames, coverage: Coverage, period: Period) -> NextPlan | None:
    """The plan of the span a summary's closing section is about (annual, half-year), or None."""
    span = period.next_span()
    return next_plan(frames, coverage, span.start, span.end) if span is not None else None


def _preceding(frames: Frames, period: Period, term: str, today: dt.date) -> Figures | None:
    """The quarter before a quarter (环比), when some row is dated on or before its end."""
    before = period.preceding()
    if before is None or not frames.has_rows(EARLIEST, before.end):
        return None
    return period_figures(frames, before, term, today)


def build_report(ds: Dataset, std: Standard, period: Period, today: dt.date | None = None,
                 frames: Frames | None = None,
                 round_summaries: Callable[[], list[RoundSummary]] | None = None) -> Report:
    """All figures of ``period``. ``today`` ends in-progress rounds (default: today).

    ``frames`` (default: made from ``ds``) and ``round_summaries`` (default: computed
    here, from the frames, as of the period end) let the caller compute the whole-round
    summaries elsewhere, e.g. in another process, while this computes the rest.
    """
    today = today or dt.date.today()
    frames = frames if frames is not None else Frames.from_dataset(ds, std)
    coverage = compute_coverage(frames, period.end)
    term = coverage.term
    main = period_figures(frames, period, term, today)
    ytd = period_figures(frames, period.year_to_date(), term, today) if period.kind in YTD_KINDS else None
    previous, previous_ytd = _twins(frames, period, term, today)
    by_year = [period_figures(frames, y, term, today) for y in period.years()] if period.kind == "term" else None
    summaries = round_summaries() if round_summaries else summaries_from_frames(frames, period.end)
    rounds = [r for r in summaries if r.active_in(period.start, period.end, today)]
    report = Report(
        period=period, county=info_item(ds, std.info_labels.county, std.default_county),
        compiler=info_item(ds, std.info_labels.compiler, ""), compiled_on=today, term=term, main=main, ytd=ytd,
        previous=previous, previous_ytd=previous_ytd, rounds=rounds, coverage=coverage,
        trend=_trend(frames, period), ledger=build_ledger(frames, period.start, period.end),
        sources=list(ds.sources), excluded=list(ds.excluded), office=office_rows(ds, period, std), std=std,
        plan=compute_plan(frames, coverage), silent_groups=silent_groups(frames, period),
        checks=ds.counts, preceding=_preceding(frames, period, term, today), by_year=by_year,
        wording=wording_in_force(ds, std), next_plan=_next_plan(frames, coverage, period))
    report.metrics = build_metrics(report)
    return report


def _period_dict(period: Period) -> dict:
    return {"kind": period.kind, "label": period.label, "start": period.start.isoformat(),
            "end": period.end.isoformat()}


def _breakdowns(fig: Figures) -> dict:
    return {"problems_by_category": dict(fig.problems_by_category),
            "problems_by_status": dict(fig.problems_by_status),
            "clues_by_disposition": dict(fig.clues_by_disposition),
            "clues_by_transfer": {r["label"]: r["clues"] for r in fig.clues_by_transfer},
            "ecology_grades": dict(fig.ecology_grades)}


def _group_entry(row: dict) -> dict:
    out = dict(row)
    for key in ("start", "end"):
        out[key] = out[key].isoformat() if out[key] else None
    return out


def build_metrics(report: Report) -> dict:
    """metrics.json as a dict: the keys of outputs.md, plus these extensions:

    ``county``, ``compiled_on``; ``previous_year`` (totals of the previous-year twin, null
    when the previous year has no data or the span is not within one year; ``previous`` is the
    same, the name of periods.md §2) and with a year to date ``previous_year_to_date``;
    ``preceding`` (quarterly: totals of the quarter before, else null); ``by_year`` (term: the
    totals of each calendar year of the span, keyed "2019", else null);
    ``problems_by_status`` (status at the period end), ``clues_by_transfer``; with a year to
    date ``year_to_date_breakdowns`` (the five breakdowns of the year to date); ``by_group``
    (table 3); ``coverage.inspected_not_in_force``; ``monthly_trend`` (per month, ``month``
    1–12; for a span across years per calendar year, ``year``); ``overdue_problems``
    (null when no 整改时限 was filled; else the ledger's ``overdue`` count); ``rectification``
    (the ledger, office-loop.md §4); ``excluded`` (workbooks left out); ``checks`` (findings
    of the run: errors, warnings, explained and unexplained warnings, office-loop.md §4).
    From office-loop.md §4 (stats/plan.py): ``submissions``, ``planned_orgs``, coverage
    ``planned``/``projected_rate``/``unplanned`` (null without a 巡察计划), ``silent_groups``
    (null unless monthly).
    Rates are fractions, null when there is nothing to divide by.
    """
    m: dict = {"schema_version": SCHEMA_VERSION, "period": _period_dict(report.period),
               "term": report.term, "county": report.county,
               "compiled_on": report.compiled_on.isoformat(), "totals": dict(report.main.totals)}
    if report.ytd is not None:
        m["year_to_date"] = dict(report.ytd.totals)
    m["previous_year"] = dict(report.previous.totals) if report.previous else None
    if report.ytd is not None:
        m["previous_year_to_date"] = \
            dict(report.previous_ytd.totals) if report.previous_ytd else None
    m["previous"] = m["previous_year"]
    m["preceding"] = dict(report.preceding.totals) if report.preceding else None
    m["by_year"] = {str(f.period.start.year): dict(f.totals) for f in report.by_year} if report.by_year else None
    m.update(_breakdowns(report.main))
    if report.ytd is not None:
        m["year_to_date_breakdowns"] = _breakdowns(report.ytd)
    m["rounds"] = [r.metrics_entry() for r in report.rounds]
    m["by_group"] = [_group_entry(g) for g in report.main.group_rows]
    m["submissions"] = submissions_metrics(report.plan)
    m["planned_orgs"] = planned_orgs_metrics(report.plan)
    m["coverage"] = with_projection(report.coverage, report.plan)
    m["silent_groups"] = report.silent_groups
    m["monthly_trend"] = [dict(t) for t in report.trend]
    m["overdue_problems"] = None if report.overdue is None else len(report.overdue)
    m["rectification"] = report.ledger.metrics()
    m["sources"] = [{"file": s.path, "sha256": s.sha256} for s in report.sources]
    m["excluded"] = list(report.excluded)
    m["checks"] = report.checks.as_dict()
    return m


__all__ = ["Report", "RoundSummary", "build_metrics", "build_report"]
