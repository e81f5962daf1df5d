"""The charts as pictures: charts/问题分类.png, 全覆盖进度.png, 月度趋势.png.

matplotlib is imported only here, inside the functions (start-up time), and used
through ``Figure`` objects with the Agg canvas: no pyplot, no global state.
Chinese labels use the font chosen by :mod:`pipeline.fonts`.
"""

from __future__ import annotations

from pathlib import Path

from ..output import atomic_path
from ..stats.aggregate import Report
from .fonts import cjk_rc
from .tables import short_names, total_label

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


def _whole_numbers(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def problems_chart(report: Report, target: Path) -> Path:
    """Problems by category (本月 and 本年累计 side by side for monthly)."""
    std = report.std
    short = short_names(std)
    series = [(report.period.label, report.main)]
    if report.ytd is not None:
        series = [("本月", report.main), (f"本年累计（{report.ytd.period.label}）", report.ytd)]
    cats = [r["label"] for r in series[-1][1].category_rows]
    fig = _figure(8, 1.2 + 0.7 * len(cats) * len(series))
    ax = fig.add_subplot()
    height = 0.8 / len(series)
    for k, (name, fig_data) in enumerate(series):
        counts = [fig_data.problems_by_category.get(c, 0) for c in cats]
        ys = [i + k * height for i in range(len(cats))]
        bars = ax.barh(ys, counts, height=height, label=name, color=[BLUE, RED][k % 2])
        ax.bar_label(bars, padding=3)
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(cats))],
                  [short.get(c, c) for c in cats])
    ax.invert_yaxis()
    _whole_numbers(ax.xaxis)
    ax.set_xlabel("发现问题（个）")
    ax.set_title(f"{report.period.label}发现问题分类")
    ax.set_xlim(0, max([1] + [v for _, f in series for v in f.problems_by_category.values()]) * 1.12)
    if len(series) > 1:
        fig.legend(loc="outside lower center", ncols=len(series))
    return _save(fig, target)


def coverage_chart(report: Report, target: Path) -> Path:
    """Units to inspect and inspected, per 对象类别, with the rate."""
    cov = report.coverage
    cats = list(cov.by_category)
    fig = _figure(8, 1.5 + 0.55 * len(cats))
    ax = fig.add_subplot()
    totals = [cov.by_category[c].total for c in cats]
    done = [cov.by_category[c].inspected for c in cats]
    ax.barh(cats, totals, color=LIGHT, edgecolor=BLUE, label="应巡察")
    ax.barh(cats, done, color=BLUE, label="已巡察")
    for i, (t, d) in enumerate(zip(totals, done, strict=True)):
        text = f"{d}/{t}  {d / t:.1%}" if t else "无应巡察单位"
        ax.text(max(t, d) + 0.05 * max(totals + [1]), i, text, va="center")
    ax.set_xlim(0, max(totals + [1]) * 1.35)
    ax.invert_yaxis()
    _whole_numbers(ax.xaxis)
    ax.set_xlabel("单位（个）")
    ax.set_title(f"全覆盖进度（{cov.term}，截至{cov.as_of.year}年{cov.as_of.month}月{cov.as_of.day}日）")
    fig.legend(loc="outside lower center", ncols=2)
    return _save(fig, target)


def trend_chart(report: Report, target: Path) -> Path:
    """个别谈话 (columns) and 发现问题 (line, right axis) per month of the year."""
    std = report.std
    months = [f"{t['month']}月" for t in report.trend]
    fig = _figure(8, 4.2)
    ax = fig.add_subplot()
    bars = ax.bar(months, [t["talks"] for t in report.trend], color=BLUE, label=total_label(std, "talks"))
    ax.bar_label(bars, padding=2)
    ax.set_ylabel(total_label(std, "talks"))
    right = ax.twinx()
    right.plot(months, [t["problems"] for t in report.trend], color=RED, marker="o",
               label="发现问题（个）")
    right.set_ylabel("发现问题（个）")
    for axis in (ax.yaxis, right.yaxis):
        _whole_numbers(axis)
    ax.set_ylim(0, max([1] + [t["talks"] for t in report.trend]) * 1.15)
    right.set_ylim(0, max([1] + [t["problems"] for t in report.trend]) * 1.15)
    handles = [bars, right.get_lines()[0]]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=2)
    ax.set_title(f"{report.period.year}年各月个别谈话和发现问题")
    return _save(fig, target)


CHARTS = {"问题分类.png": problems_chart, "全覆盖进度.png": coverage_chart,
          "月度趋势.png": trend_chart}


def warm_up() -> None:
    """Do beforehand what the first chart of a process pays for (about 1 s on a small run):
    import matplotlib, choose the Chinese font, and draw a small figure with Chinese text
    into memory (loads the font file and matplotlib's lazily built classes). Nothing is
    written. Used by a child process forked at the start of a run (pipeline/jobs.py)."""
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


def write_charts(report: Report, charts_dir: Path) -> list[Path]:
    """Draw every chart into ``charts_dir``; return the paths written."""
    import matplotlib

    charts_dir = Path(charts_dir)
    with matplotlib.rc_context(cjk_rc()):
        return [draw(report, charts_dir / name) for name, draw in CHARTS.items()]
