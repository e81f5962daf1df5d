"""The round plan in the leadership workbook: the 报送情况 table, and the projection columns
and notes that 全覆盖进度 and 未巡察单位 add when a 巡察计划 was filled (rules in
``pipeline/stats/plan.py``). Without plan rows each says 未填报巡察计划."""

from __future__ import annotations

from ..periods import cn_date
from ..stats.aggregate import Report
from .table_model import Col, Table, rate
from .tables import h

NO_PLAN = "未填报巡察计划"
SUBMITTED, NOT_SUBMITTED = "已报送", "未报送"


def no_plan_text(report: Report, what: str) -> str:
    """``未填报巡察计划（…）``: why a plan figure is missing, naming the sheet to fill."""
    std = report.std
    return (f"{NO_PLAN}（{std.workbook('registry').name}中没有“{std.sheet('plan').name}”表或该表没有填写），"
            f"{what}。")


# ---------------------------------------------------------------- 全覆盖进度: projection

PROJECTION_COLUMNS = [Col("计划巡察（个）"), Col("预计覆盖率")]


def projection_columns(report: Report) -> list[Col]:
    """The columns 全覆盖进度 adds with a plan (none without)."""
    return list(PROJECTION_COLUMNS) if report.plan else []


def projection_cells(report: Report, key: str, family: bool = False) -> list:
    """计划巡察 and 预计覆盖率 of a 对象类别 (or a family id), or nothing without a plan."""
    if report.plan is None:
        return []
    proj = (report.plan.families if family else report.plan.by_category)[key]
    return [proj.planned, rate(proj.inspected + proj.planned, proj.total)]


def projection_notes(report: Report) -> list[str]:
    """How the projection is counted and which units are in no plan."""
    plan = report.plan
    if plan is None:
        return [no_plan_text(report, "不能计算预计覆盖率")]
    notes = [f"计划巡察：尚未巡察、已列入{plan.term or '本届'}巡察计划（且计划的巡察类型计入全覆盖）的单位；"
             "预计覆盖率 =（已巡察 + 计划巡察）÷ 应巡察。"]
    if plan.unplanned:
        notes.append(f"尚未列入巡察计划的单位（{len(plan.unplanned)}个）：" + "、".join(plan.unplanned) + "。")
    else:
        notes.append("尚未巡察的单位均已列入巡察计划。")
    return notes


# ---------------------------------------------------------------- 未巡察单位: in the plan or not

def plan_column(report: Report) -> list[Col]:
    return [Col("巡察计划", wrap=True)] if report.plan else []


def planned_start_text(start) -> str:
    """（计划<date>进驻）: how a planned group's start is written everywhere."""
    return f"（计划{cn_date(start)}进驻）"


def missing_text(s) -> str:
    """A planned group that has not submitted (a stats.plan submission), as one phrase."""
    return f"{s.term}第{s.round}轮{s.group}{planned_start_text(s.planned_start)}"


def plan_cell(report: Report, name: str) -> list:
    """Where a uninspected unit is planned (earliest counting plan row), or 未列入计划."""
    if report.plan is None:
        return []
    found = report.plan.planned_in.get(name)
    if found is None:
        return ["未列入计划"]
    rnd, group, start = found
    return [f"第{rnd}轮 {group}{planned_start_text(start)}"]


# ---------------------------------------------------------------- 表8-2 报送情况

def silent_notes(report: Report) -> list[str]:
    """Monthly: the groups at work in the month with no 工作量 row dated in it."""
    if not report.silent_groups:
        return []
    work = report.std.sheet("workload").name
    return [f"本月在巡察期间、但“{work}”表中没有本月记录的巡察组：" + "；".join(
        f"{g['term']}第{g['round']}轮{g['group']}" for g in report.silent_groups) + "。"]


def submissions(report: Report) -> Table:
    """表8-2: each planned group due by the period end, submitted or not, with its planned
    organisations not yet inspected."""
    std, plan = report.std, report.plan
    cols = [Col(h(std, "plan", "term")), Col(h(std, "plan", "round")), Col(h(std, "plan", "group")),
            Col(h(std, "plan", "start")), Col("报送情况"), Col("计划巡察党组织（个）"), Col("已巡察（个）"),
            Col("尚未巡察的计划对象", wrap=True)]
    as_of = cn_date(report.coverage.as_of)
    if plan is None:
        return Table("报送情况", f"表8-2 {report.period.label}巡察组报送情况（截至{as_of}）", cols, [],
                     empty_text=no_plan_text(report, "不能统计报送情况"), notes=silent_notes(report))
    rows = []
    for sub in plan.submissions:
        orgs = [o for o in plan.orgs if (o.term, o.round, o.group) == (sub.term, sub.round, sub.group)]
        todo = [o.org for o in orgs if not o.inspected]
        rows.append([sub.term, sub.round, sub.group, sub.planned_start, SUBMITTED if sub.received else NOT_SUBMITTED,
                     len(orgs), len(orgs) - len(todo), "、".join(todo)])
    n, missing = len(plan.submissions), len(plan.missing)
    inspected = sum(o.inspected for o in plan.orgs)
    if rows:
        rows.append(["合计", "", f"{n}个组次", "", f"{NOT_SUBMITTED}{missing}份", len(plan.orgs), inspected,
                     f"{len(plan.orgs) - inspected}个"])
    title = (f"表8-2 {report.period.label}巡察组报送情况（{plan.term}，截至{as_of}：应报送{n}份，"
             f"已报送{n - missing}份，未报送{missing}份）")
    notes = [f"应报送：{plan.term}巡察计划中计划进驻日期（同一组取最早的一天）在{as_of}以前的巡察组，"
             f"每组每轮应交回一份“{std.workbook('round').name}”；已报送：输入中有该届次、轮次、巡察组的填报表。",
             "计划巡察党组织：计划进驻日期在期末以前的计划对象；已巡察：该轮任一巡察组的“"
             f"{std.sheet('round_orgs').name}”表中有该党组织。"]
    if plan.missing:
        notes.insert(0, "未报送：" + "；".join(map(missing_text, plan.missing)) + "。")
    return Table("报送情况", title, cols, rows, total_rows=1 if rows else 0, notes=notes + silent_notes(report),
                 empty_text=f"（截至{as_of}，巡察计划中没有应报送的巡察组）")
