"""Trend and detail tables of the leadership workbook: the rows behind the totals.

For ``monthly`` the detail sheets list the year-to-date rows with a column saying
which of them count in the month, so both columns of 表1 can be traced.
Clues never get a detail sheet: they reach the workbook only as counts (表3, 表5).
"""

from __future__ import annotations

from ..periods import cn_date
from ..stats.aggregate import Report
from ..stats.selection import cell_list, to_date, work_keys
from .table_model import Chart, Col, Table
from .tables import TOTAL, h, period_word, total_label, yes_no

SOURCE, ROW = "来源文件", "行号"
GROUP_LEVEL = "（巡察组整体）"


def or_blank(values: list) -> list:
    """A column with its missing values (None) shown as blank cells."""
    return [v if v is not None else "" for v in values]


def _month_flags(report: Report, days: list) -> list[list]:
    """The 计入本月 (本季度, 本期) column (as a list of columns: none with one block)."""
    std = report.std
    if not report.two_blocks:
        return []
    return [[yes_no(std, report.period.contains(d)) for d in days]]


def _month_col(report: Report) -> list[Col]:
    return [Col(f"计入{period_word(report)}")] if report.two_blocks else []


def _scope(report: Report, frame, date_col: str, unit: str) -> str:
    """（2020年1—6月，共8个，其中本月5个） for monthly; （共11个） for annual."""
    total = f"共{len(frame)}{unit}"
    if not report.two_blocks:
        return f"（{total}）"
    month = sum(report.period.contains(to_date(d)) for d in frame[date_col])
    return f"（{report.detail.period.label}，{total}，其中{period_word(report)}{month}{unit}）"


# ---------------------------------------------------------------- 表10 月度趋势

def trend_label(step: dict) -> str:
    """A step of the trend: 6月, or across years 2019年."""
    return f"{step['year']}年" if "year" in step else f"{step['month']}月"


def trend_span(report: Report) -> str:
    """What the trend covers: 2020年1—6月; 2020年3—8月 (a range); 2016—2020年 (across years)."""
    period, steps = report.period, report.trend
    if steps and "year" in steps[0]:
        return f"{steps[0]['year']}—{steps[-1]['year']}年"
    first = steps[0]["month"] if steps else 1
    return f"{period.end.year}年{first}—{period.end.month}月"


def trend(report: Report) -> Table:
    """表10: 个别谈话 and 发现问题 per month of the year, to the period end (per year across years)."""
    std = report.std
    by_year = bool(report.trend) and "year" in report.trend[0]
    cols = [Col("年份" if by_year else "月份"), Col(total_label(std, "talks")), Col("发现问题（个）")]
    rows = [[trend_label(t), t["talks"], t["problems"]] for t in report.trend]
    steps = "各年度" if by_year else "各月"
    title = f"{trend_span(report) if by_year else f'{report.period.end.year}年'}{steps}个别谈话和发现问题"
    chart = Chart("trend", title, 0, (1, 2), 0, len(rows) - 1)
    return Table("月度趋势", f"表10 {report.period.label}{steps}个别谈话和发现问题（{trend_span(report)}）",
                 cols, rows, notes=[
                     f"个别谈话按工作量的统计日期、发现问题按发现日期计入{'年度' if by_year else '月份'}。"],
                 charts=[chart])


# ---------------------------------------------------------------- 表11 问题明细

def problems(report: Report) -> Table:
    """表11: every problem counted, with where it came from."""
    std = report.std
    df = report.detail.problems.sort_values(["found", "term", "round", "problem_id"], kind="stable")
    has_deadline = "deadline" in df and df["deadline"].notna().any()
    cols = [Col("序号"), Col(h(std, "problems", "problem_id")), Col(h(std, "round_info", "term")),
            Col(h(std, "round_info", "round")), Col(h(std, "problems", "group")), Col(h(std, "problems", "org")),
            Col(h(std, "problems", "category"), wrap=True), Col(h(std, "problems", "found")),
            Col(h(std, "problems", "fixed_on_spot")), Col("整改状态（填报）"),
            Col(h(std, "problems", "rectified_on")), Col("期末整改状态")]
    cols += [Col(h(std, "problems", "deadline"))] if has_deadline else []
    cols += [Col(SOURCE, wrap=True), Col(ROW)] + _month_col(report)
    c = {k: cell_list(df[k]) for k in ("problem_id", "term", "round", "group", "org", "category", "found",
                                       "fixed_on_spot", "status", "rectified_on", "status_at_end",
                                       "source_file", "source_row")}
    columns = [range(1, len(df) + 1), c["problem_id"], c["term"], c["round"], c["group"], c["org"],
               c["category"], c["found"], c["fixed_on_spot"], c["status"], or_blank(c["rectified_on"]),
               c["status_at_end"]]
    columns += [or_blank(cell_list(df["deadline"]))] if has_deadline else []
    columns += [c["source_file"], c["source_row"]] + _month_flags(report, c["found"])
    rows = [list(row) for row in zip(*columns)]
    return Table("问题明细", f"表11 {report.period.label}发现问题明细{_scope(report, df, 'found', '个')}",
                 cols, rows,
                 notes=["期末整改状态：截至期末已完成整改的为已整改；期末以后才完成整改的按整改中计。"
                        "来源文件和行号指向填报工作簿中的原始行。"])


# ---------------------------------------------------------------- 表12 巡察对象明细

def orgs(report: Report) -> Table:
    """表12: every (round, organisation) counted in 巡察党组织."""
    std = report.std
    df = report.detail.orgs.sort_values(["start", "term", "round", "group"], kind="stable")
    category = dict(zip(report.coverage.units["name"], report.coverage.units["category"],
                        strict=True))
    counting = set(std.coverage_round_types)
    cols = [Col("序号"), Col(h(std, "round_info", "term")), Col(h(std, "round_info", "round")),
            Col(h(std, "round_orgs", "group")), Col(h(std, "round_info", "type")),
            Col(h(std, "round_orgs", "org")), Col(h(std, "round_orgs", "category")),
            Col(h(std, "round_orgs", "start")), Col(h(std, "round_orgs", "end")),
            Col(h(std, "round_orgs", "grade")), Col("计入全覆盖"), Col(SOURCE, wrap=True),
            Col(ROW)] + _month_col(report)
    c = {k: cell_list(df[k]) for k in ("term", "round", "group", "type", "org", "start", "end", "grade",
                                       "source_file", "source_row")}
    columns = [range(1, len(df) + 1), c["term"], c["round"], c["group"], c["type"], c["org"],
               [category.get(o, "") for o in c["org"]], c["start"], or_blank(c["end"]),
               [g if isinstance(g, str) else "" for g in c["grade"]],
               [yes_no(std, t in counting) for t in c["type"]], c["source_file"], c["source_row"]]
    rows = [list(row) for row in zip(*columns, *_month_flags(report, c["start"]))]
    return Table("巡察对象明细", f"表12 {report.period.label}巡察党组织明细"
                 f"{_scope(report, df, 'start', '个')}", cols, rows)


# ---------------------------------------------------------------- 表13 工作量明细

def workload(report: Report) -> Table:
    """表13: every 工作量 row counted, and their sum."""
    std = report.std
    df = report.detail.work.sort_values(["date", "term", "round", "group"], kind="stable")
    keys = work_keys(std)
    cols = [Col("序号"), Col(h(std, "round_info", "term")), Col(h(std, "round_info", "round")),
            Col(h(std, "workload", "group")),
            Col(h(std, "workload", "org")), Col(h(std, "workload", "date"))]
    cols += [Col(h(std, "workload", k)) for k in keys] + [Col(SOURCE, wrap=True), Col(ROW)]
    cols += _month_col(report)
    c = {k: cell_list(df[k]) for k in ("term", "round", "group", "org", "date", "source_file", "source_row")}
    columns = [range(1, len(df) + 1), c["term"], c["round"], c["group"],
               [o if isinstance(o, str) and o else GROUP_LEVEL for o in c["org"]], c["date"],
               *(cell_list(df[k]) for k in keys), c["source_file"], c["source_row"]]
    rows = [list(row) for row in zip(*columns, *_month_flags(report, c["date"]))]
    if rows:
        rows.append([TOTAL, "", "", "", "", ""] + [int(df[k].sum()) for k in keys] + ["", ""]
                    + ([""] if report.two_blocks else []))
    return Table("工作量明细", f"表13 {report.period.label}工作量明细{_scope(report, df, 'date', '行')}",
                 cols, rows,
                 total_rows=1 if rows else 0)


# ---------------------------------------------------------------- 表14 全覆盖明细

def coverage_units(report: Report) -> Table:
    """表14: every registry unit: in force at the period end, inspected in the term, first visit."""
    std = report.std
    cov = report.coverage
    reg = std.sheet("units")
    cols = [Col("序号"), Col(reg.header("name")), Col(reg.header("category")),
            Col(reg.header("township")), Col(reg.header("added")), Col(reg.header("removed")),
            Col("期末在册"), Col("本届已巡察"), Col("首次巡察"), Col(h(std, "round_orgs", "start"))]
    rows = []
    for i, u in enumerate(cov.units.itertuples(index=False), start=1):
        first = (f"{u.first_term}第{int(u.first_round)}轮 {u.first_group}" if u.inspected else "")
        rows.append([i, u.name, u.category, u.township if isinstance(u.township, str) else "",
                     to_date(u.added) or "", to_date(u.removed) or "", yes_no(std, u.in_force),
                     yes_no(std, u.inspected), first, (to_date(u.first_start) or "") if u.inspected else ""])
    term = f"{cov.term}，" if cov.term else ""
    return Table("全覆盖明细", f"表14 {report.period.label}巡察对象名册覆盖明细（{term}截至"
                 f"{cn_date(cov.as_of)}）",
                 cols, rows, notes=["本届已巡察：本届开始至期末，被计入全覆盖的巡察类型进驻过。"])


def detail_tables(report: Report) -> list[Table]:
    """Tables 10–14 (表15 and 表16, the rectification ledger, are in tables_ledger)."""
    return [trend(report), problems(report), orgs(report), workload(report), coverage_units(report)]

