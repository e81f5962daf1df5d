"""The charts as pictures: charts/问题分类.png, 全覆盖进度.png, 月度趋势.png.

matplotlib is imported only here, inside the functions (start-up time), and used
through ``Figure`` objects with the Agg canvas: no pyplot, no global state.
Chinese labels use the font chosen by :mod:`pipeline.fonts`.

The charts draw a :class:`ChartData`, the few plain values taken from the report by
``chart_data``: the child process that draws them on a small run (``app._period``) gets
it pickled and never needs pandas (this module imports neither pandas nor the statistics).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..output import COVERAGE_CHART_NAME, PROBLEMS_CHART_NAME, TREND_CHART_NAME, atomic_path
from .fonts import cjk_rc

DPI = 150
BLUE, LIGHT, RED = "#4472C4", "#D9E1F2", "#C0504D"


def _save(fig, target: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI, bbox_inches="tight",
                    metadata={"Software": None})
    return target


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


@dataclass(frozen=True)
class ChartData:
    """What the three charts show, as plain values."""

    period_label: str  # 2020年度, 2020年6月
    year: int
    categories: tuple[str, ...]  # problem categories in the order of the tables
    short: dict[str, str]  # category -> short name
    series: tuple[tuple[str, dict[str, int]], ...]  # (legend, problems by category): the period (and 本年累计)
    coverage_term: str
    coverage_as_of: dt.date
    coverage: tuple[tuple[str, int, int], ...]  # (对象类别, to inspect, inspected)
    talks_label: str  # 个别谈话（人次）
    trend: tuple[tuple[int, int, int], ...]  # (month, talks, problems) of each month of the year


def chart_data(report) -> ChartData:
    """The values of ``report`` (a stats.aggregate.Report) that the charts draw."""
    from .tables import short_names, total_label

    series = [(report.period.label, report.main)]
    if report.ytd is not None:
        series = [("本月", report.main), (f"本年累计（{report.ytd.period.label}）", report.ytd)]
    cov = report.coverage
    return ChartData(
        period_label=report.period.label, year=report.period.year,
        categories=tuple(r["label"] for r in series[-1][1].category_rows),
        short=short_names(report.std),
        series=tuple((name, dict(figures.problems_by_category)) for name, figures in series),
        coverage_term=cov.term, coverage_as_of=cov.as_of,
        coverage=tuple((c, cov.by_category[c].total, cov.by_category[c].inspected) for c in cov.by_category),
        talks_label=total_label(report.std, "talks"),
        trend=tuple((t["month"], t["talks"], t["problems"]) for t in report.trend))


def _whole_numbers(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def problems_chart(data: ChartData, target: Path) -> Path:
    """Problems by category (本月 and 本年累计 side by side for monthly)."""
    cats, series = list(data.categories), data.series
    fig = _figure(8, 1.2 + 0.7 * len(cats) * len(series))
    ax = fig.add_subplot()
    height = 0.8 / len(series)
    for k, (name, by_category) in enumerate(series):
        counts = [by_category.get(c, 0) for c in cats]
        ys = [i + k * height for i in range(len(cats))]
        bars = ax.barh(ys, counts, height=height, label=name, color=[BLUE, RED][k % 2])
        ax.bar_label(bars, padding=3)
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(cats))],
                  [data.short.get(c, c) for c in cats])
    ax.invert_yaxis()
    _whole_numbers(ax.xaxis)
    ax.set_xlabel("发现问题（个）")
    ax.set_title(f"{data.period_label}发现问题分类")
    ax.set_xlim(0, max([1] + [v for _, by_category in series for v in by_category.values()]) * 1.12)
    if len(series) > 1:
        fig.legend(loc="outside lower center", ncols=len(series))
    return _save(fig, target)


def coverage_chart(data: ChartData, target: Path) -> Path:
    """Units to inspect and inspected, per 对象类别, with the rate."""
    cats = [c for c, _, _ in data.coverage]
    fig = _figure(8, 1.5 + 0.55 * len(cats))
    ax = fig.add_subplot()
    totals = [t for _, t, _ in data.coverage]
    done = [d for _, _, d in data.coverage]
    ax.barh(cats, totals, color=LIGHT, edgecolor=BLUE, label="应巡察")
    ax.barh(cats, done, color=BLUE, label="已巡察")
    for i, (t, d) in enumerate(zip(totals, done, strict=True)):
        text = f"{d}/{t}  {d / t:.1%}" if t else "无应巡察单位"
        ax.text(max(t, d) + 0.05 * max(totals + [1]), i, text, va="center")
    ax.set_xlim(0, max(totals + [1]) * 1.35)
    ax.invert_yaxis()
    _whole_numbers(ax.xaxis)
    ax.set_xlabel("单位（个）")
    as_of = data.coverage_as_of
    ax.set_title(f"全覆盖进度（{data.coverage_term}，截至{as_of.year}年{as_of.month}月{as_of.day}日）")
    fig.legend(loc="outside lower center", ncols=2)
    return _save(fig, target)


def trend_chart(data: ChartData, target: Path) -> Path:
    """个别谈话 (columns) and 发现问题 (line, right axis) per month of the year."""
    months = [f"{month}月" for month, _, _ in data.trend]
    talks = [t for _, t, _ in data.trend]
    problems = [p for _, _, p in data.trend]
    fig = _figure(8, 4.2)
    ax = fig.add_subplot()
    bars = ax.bar(months, talks, color=BLUE, label=data.talks_label)
    ax.bar_label(bars, padding=2)
    ax.set_ylabel(data.talks_label)
    right = ax.twinx()
    right.plot(months, problems, color=RED, marker="o", label="发现问题（个）")
    right.set_ylabel("发现问题（个）")
    for axis in (ax.yaxis, right.yaxis):
        _whole_numbers(axis)
    ax.set_ylim(0, max([1] + talks) * 1.15)
    right.set_ylim(0, max([1] + problems) * 1.15)
    handles = [bars, right.get_lines()[0]]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=2)
    ax.set_title(f"{data.year}年各月个别谈话和发现问题")
    return _save(fig, target)


CHARTS = {PROBLEMS_CHART_NAME: problems_chart, COVERAGE_CHART_NAME: coverage_chart, TREND_CHART_NAME: trend_chart}


def warm_up() -> None:
    """Do beforehand what the first chart of a process pays for, so that the charts start as
    soon as their data arrives: import matplotlib, choose the Chinese font, and draw a small
    figure with Chinese text into memory (loads the font file and matplotlib's lazily built
    classes). Nothing is written. A child forked at the start of a run calls it (engine/start.py)."""
    import io

    import matplotlib

    with matplotlib.rc_context(cjk_rc()):
        fig = _figure(2, 1)
        ax = fig.add_subplot()
        bars = ax.barh([0, 1], [1, 2], label="巡察")
        ax.bar_label(bars)
        ax.twinx().plot([0, 1], [1, 0], marker="o")
        _whole_numbers(ax.xaxis)
        ax.set_title("巡察")
        fig.legend(loc="outside lower center", ncols=2)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        fig.savefig(io.BytesIO(), format="png", dpi=20, bbox_inches="tight")


def write_charts(data: ChartData, charts_dir: Path, names: tuple[str, ...] | None = None) -> list[Path]:
    """Draw the charts ``names`` (default: all of ``CHARTS``) of ``data`` (``chart_data(report)``)
    into ``charts_dir``; return the paths written, in ``CHARTS`` order."""
    import matplotlib

    charts_dir = Path(charts_dir)
    with matplotlib.rc_context(cjk_rc()):
        return [CHARTS[name](data, charts_dir / name) for name in CHARTS if names is None or name in names]
