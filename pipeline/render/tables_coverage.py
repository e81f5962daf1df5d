"""Tables 7 and 8 of the leadership workbook: coverage of the term and the units not yet
inspected (rules in ``pipeline/coverage.py``)."""

from __future__ import annotations

from ..periods import cn_date
from ..stats.aggregate import Report
from ..stats.selection import to_date
from .table_model import Chart, Col, Table, rate
from .tables import h
from .tables_plan import (
    plan_cell,
    plan_column,
    projection_cells,
    projection_columns,
    projection_notes,
)

# ---------------------------------------------------------------- 表7 全覆盖进度

def coverage(report: Report) -> Table:
    """表7: coverage of the term as of the period end, per 对象类别 and family."""
    std = report.std
    cov = report.coverage
    cols = [Col(h(std, "units", "category")), Col("所属"), Col("应巡察（个）"), Col("已巡察（个）"), Col("完成率"),
            Col("未巡察（个）"), *projection_columns(report)]
    fam_name = {f["id"]: f["name"] for f in std.families()}
    rows = []
    for cat, tally in cov.by_category.items():
        rows.append([cat, fam_name.get(std.family_of(cat), ""), tally.total,
                     tally.inspected, rate(tally.inspected, tally.total), tally.remaining,
                     *projection_cells(report, cat)])
    for fam_id, tally in cov.families.items():
        rows.append([f"小计：{fam_name[fam_id]}", "", tally.total, tally.inspected,
                     rate(tally.inspected, tally.total), tally.remaining, *projection_cells(report, fam_id, True)])
    n_cat = len(cov.by_category)
    chart = Chart("bar", f"全覆盖进度（按对象类别，截至{cn_date(cov.as_of)}）", 0, (2, 3), 0,
                  n_cat - 1)
    term = f"{cov.term}，" if cov.term else ""
    return Table("全覆盖进度", f"表7 {report.period.label}巡察全覆盖进度（{term}截至"
                 f"{cn_date(cov.as_of)}）", cols, rows, total_rows=len(cov.families),
                 notes=_coverage_notes(report), charts=[chart])


def _coverage_notes(report: Report) -> list[str]:
    std = report.std
    cov = report.coverage
    notes = [f"按{cov.term or '本届'}县委任期（{cn_date(cov.term_start)}起）累计统计，截至"
             f"{cn_date(cov.as_of)}；应巡察数为期末在册单位（撤销日期在期末以前的不计，纳入日期在期末以后的不计）。",
             "计入全覆盖的巡察类型：" + "、".join(std.coverage_round_types) + "。"]
    if cov.inspected_not_in_force:
        notes.append("已巡察但期末已撤并、不再计入的单位：" + "、".join(cov.inspected_not_in_force) + "。")
    return notes + projection_notes(report)


# ---------------------------------------------------------------- 表8 未巡察单位

def uninspected(report: Report) -> Table:
    """表8: registry units in force not yet inspected in the term, registry order."""
    std = report.std
    units = report.coverage.units
    todo = units[units["in_force"] & ~units["inspected"]]
    reg = std.sheet("units")
    cols = [Col("序号"), Col(reg.header("name")), Col(reg.header("category")),
            Col(reg.header("township")), Col(reg.header("added")), *plan_column(report)]
    rows = [[i, r.name, r.category, _text(r.township), _day(r.added), *plan_cell(report, r.name)]
            for i, r in enumerate(todo.itertuples(index=False), start=1)]
    return Table("未巡察单位", f"表8 {report.period.label}本届尚未巡察的单位（截至"
                 f"{cn_date(report.coverage.as_of)}，共{len(rows)}个）", cols, rows,
                 empty_text="（本届巡察对象已全部巡察）")


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _day(value):
    return to_date(value) or ""
