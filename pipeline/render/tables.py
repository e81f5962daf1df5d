"""The Chinese tables 1–6 and 9 of the leadership workbook (outputs.md), built from a Report.

Monthly reports (and quarters, half-years not starting in January) show the period and
本年累计 side by side (two-row headers); where the previous year has data each block also
gets 上年同期, 同比增减 and 增减幅度; a quarter's own block also gets 上季度, 环比增减 and
环比幅度 (periods.md §2); a term's 表1 has one column per calendar year after the term's total.
"""

from __future__ import annotations

from ..periods import cn_date
from ..standard import Standard
from ..stats.aggregate import Report
from ..stats.figures import BLANK_TRANSFER, Figures, group_figures, total_problem_row, totals_keys
from ..stats.selection import statuses
from .table_model import NOT_APPLICABLE, Chart, Col, Pct, Table, delta_rate, rate


def h(std: Standard, sheet_id: str, col_id: str) -> str:
    """A header of the standard, reused as a column label of the output tables."""
    return std.sheet(sheet_id).header(col_id)


TOTAL_LABELS = {
    "rounds": "巡察轮次（轮）", "groups": "巡察组（个）", "orgs_inspected": "巡察党组织（个）",
    "problems": "发现问题（个）", "problems_fixed_on_spot": "其中：立行立改（个）",
    "problems_rectified": "已整改（个，截至期末）", "clues": "问题线索（件）",
}
CLUE_PEOPLE = {"clue_cadres": "cadres", "clue_others": "others"}  # totals key -> clue column
TOTAL = "合计"
BY_ROUND_SHEET = "分轮次"  # 表2; the summary drafts point to it when they group the rounds
RECTIFY_NOTE = "整改状态为截至期末的状态：期末以后才完成整改的问题，按“{}”计。"


def yes_no(std: Standard, flag: bool) -> str:
    """是 / 否 as the standard spells them (the yes_no enumeration lists yes first)."""
    yes, no = std.enum_values("yes_no")[:2]
    return yes if flag else no


def total_label(std: Standard, key: str) -> str:
    """Chinese label of a totals key (work counts use the 工作量 headers of the standard)."""
    if key in TOTAL_LABELS:
        return TOTAL_LABELS[key]
    if key in CLUE_PEOPLE:
        return h(std, "clues", CLUE_PEOPLE[key])
    return h(std, "workload", key)


PERIOD_WORDS = {"annual": "本年度", "monthly": "本月", "quarterly": "本季度", "half-year": "本期", "term": "本届",
                "range": "本期"}


def period_word(report: Report) -> str:
    """How the tables and drafts call the period itself: 本月, 本季度, 本年度, 本届, 本期."""
    return PERIOD_WORDS.get(report.period.kind, "本期")


def blocks(report: Report) -> list[tuple[str, Figures, Figures | None]]:
    """(block name, figures, previous-year figures) per column block."""
    if not report.two_blocks:
        return [(report.period.label, report.main, report.previous)]
    return [(f"{period_word(report)}（{report.period.label}）", report.main, report.previous),
            (f"本年累计（{report.ytd.period.label}）", report.ytd, report.previous_ytd)]


def _group(report: Report, name: str) -> str:
    """Column-group name: only reports with two blocks need group headers."""
    return name if report.two_blocks else ""


# ---------------------------------------------------------------- 表1 总体情况

def _comparison_cells(now, before, is_rate: bool) -> list:
    if before is None:
        return [now]
    if is_rate:
        both = isinstance(now, Pct) and isinstance(before, Pct)
        return [now, before, Pct(now - before) if both else NOT_APPLICABLE, NOT_APPLICABLE]
    return [now, before, now - before, delta_rate(now, before)]


def _block_comparisons(report: Report, k: int, fig: Figures, prev: Figures | None) -> list[Figures | None]:
    """The figures a block is compared with: 上年同期, and for a quarter's own block 上季度."""
    return [prev] + ([report.preceding] if k == 0 and report.preceding is not None else [])


def _overview_columns(report: Report) -> list[Col]:
    cols = [Col("指标")]
    if report.by_year:
        return cols + [Col(f"{period_word(report)}合计")] + \
            [Col(f.period.label) for f in report.by_year]
    for k, (name, _fig, prev) in enumerate(blocks(report)):
        group = _group(report, name)
        cols.append(Col("本期" if group else name, group))
        if prev is not None:
            cols += [Col(f"上年同期（{prev.period.label}）", group), Col("同比增减", group),
                     Col("增减幅度", group)]
        if k == 0 and report.preceding is not None:
            cols += [Col(f"上季度（{report.preceding.period.label}）", group), Col("环比增减", group),
                     Col("环比幅度", group)]
    return cols


def _overview_cells(report: Report, value, is_rate: bool = False) -> list:
    """One row's cells after its label: ``value(figures)`` of each block and its comparisons."""
    if report.by_year:
        return [value(report.main)] + [value(f) for f in report.by_year]
    cells = []
    for k, (_, fig, prev) in enumerate(blocks(report)):
        now = value(fig)
        cells.append(now)
        for other in _block_comparisons(report, k, fig, prev):
            if other is not None:
                cells += _comparison_cells(now, value(other), is_rate)[1:]
    return cells


def _rate(fig: Figures):
    return rate(fig.totals["problems_rectified"], fig.totals["problems"])


def overview(report: Report) -> Table:
    """表1: every total of the period (and year-to-date), with 同比 (and a quarter's 环比) where
    possible; for a term, the term's total and each calendar year."""
    std = report.std
    rows = [[total_label(std, key), *_overview_cells(report, lambda f, key=key: f.totals[key])]
            for key in totals_keys(std)]
    rows.append(["整改率（已整改÷发现问题）", *_overview_cells(report, _rate, is_rate=True)])
    notes = ["统计口径：巡察轮次、巡察组为统计期内在巡（进驻至结束日期与统计期有交叉）的轮次和组；"
             "巡察党组织按进驻日期、工作量按统计日期、问题和线索按发现日期计入统计期；"
             "已整改为统计期内发现、截至期末已完成整改的问题。"]
    if report.by_year:
        notes.append("各年度列按同一口径统计该年度（届内部分）的数字：已整改为截至该年末已完成整改的问题，"
                     "巡察轮次、巡察组跨年的在各年都计入，因此各年相加可能与届内合计不同。")
    elif report.previous is None and report.period.in_one_year:
        notes.append("上年同期没有填报数据，不列同比。")
    elif report.previous is None:
        notes.append("统计期跨年度，不列同比。")
    if report.period.kind == "quarterly" and report.preceding is None:
        notes.append("上季度及以前没有填报数据，不列环比。")
    return Table("总体情况", f"表1 {report.period.label}巡察工作总体情况",
                 _overview_columns(report), rows, notes=notes)


# ---------------------------------------------------------------- 表2 分轮次

def by_round(report: Report) -> Table:
    """表2: one row per round active in the period, whole-round figures."""
    std = report.std
    cols = [Col(h(std, "round_info", "term")), Col(h(std, "round_info", "round")),
            Col(h(std, "round_info", "type")), Col("巡察组（个）"), Col(h(std, "round_info", "start")),
            Col(h(std, "round_info", "end")), Col("状态"), Col("巡察党组织（个）"), Col(total_label(std, "talks")),
            Col("发现问题（个）"), Col("立行立改（个）"), Col("已整改（个）"), Col("问题线索（件）"),
            Col(total_label(std, "clue_cadres")), Col("计入全覆盖")]
    rows = [[r.term, r.round, "、".join(r.types), len(r.groups), r.start, r.end or "",
             "进行中" if r.in_progress else "已结束", len(r.orgs), r.work.get("talks", 0),
             r.problems, r.fixed_on_spot, r.rectified, r.clues, r.clue_cadres,
             yes_no(std, r.counts_toward_coverage)] for r in report.rounds]
    notes = ["本表为各轮次的全轮数字（该轮次全部填报行，不论日期），与表1按日期计入统计期的口径不同；"
             f"状态和已整改均截至期末（{cn_date(report.period.end)}）。"]
    return Table(BY_ROUND_SHEET, f"表2 {report.period.label}巡察轮次情况", cols, rows, notes=notes)


# ---------------------------------------------------------------- 表3 分巡察组



def by_group(report: Report) -> Table:
    """表3: one row per (round, group), figures of the period (本月 for monthly)."""
    std = report.std
    cols = [Col(h(std, "round_info", c)) for c in ("term", "round", "group", "leader", "type", "start",
                                              "end")]
    cols += [Col(total_label(std, k)) for k in group_figures(std)]
    groups = report.main.group_rows
    rows = [[g["term"], g["round"], g["group"], g["leader"], g["type"], g["start"],
             g["end"] or "进行中"] + [g[k] for k in group_figures(std)] for g in groups]
    if rows:
        rows.append([TOTAL, "", "", "", "", "", ""] + [sum(g[k] for g in groups)
                                                       for k in group_figures(std)])
    scope = period_word(report)
    return Table("分巡察组", f"表3 {report.period.label}各巡察组工作情况", cols, rows,
                 total_rows=1 if rows else 0,
                 notes=[f"数字为{scope}计入的部分（口径同表1）；合计与表1一致。"])


# ---------------------------------------------------------------- 表4 问题分类

def _problem_cells(std: Standard, row: dict) -> list:
    return [row["problems"], row["fixed_on_spot"], *(row[s] for s in statuses(std)),
            Pct(row["rate"]) if row["rate"] is not None else NOT_APPLICABLE]


def problems_by_category(report: Report) -> Table:
    """表4: problems by 问题类别 with 立行立改, 整改状态 at the period end and 整改率."""
    std = report.std
    cols = [Col(h(std, "problems", "category"), wrap=True), Col("简称")]
    for name, _, _ in blocks(report):
        group = _group(report, name)
        cols += [Col("发现问题（个）", group), Col("立行立改（个）", group),
                 *(Col(f"{s}（个）", group) for s in statuses(std)), Col("整改率", group)]
    figs = [fig for _, fig, _ in blocks(report)]
    rows = []
    short = short_names(std)
    for cat_row in figs[0].category_rows:
        row = [cat_row["label"], short.get(cat_row["label"], cat_row["label"])]
        for fig in figs:
            row += _problem_cells(std, _row_for(std, fig.category_rows, cat_row["label"]))
        rows.append(row)
    rows.append([TOTAL, ""] + [c for fig in figs
                               for c in _problem_cells(std, total_problem_row(fig, TOTAL, std))])
    n = len(rows) - 1
    chart = Chart("bar", f"{report.period.label}发现问题分类（个）", 1, (2,), 0, n - 1)
    return Table("问题分类", f"表4 {report.period.label}发现问题分类及整改情况", cols, rows,
                 total_rows=1, notes=[RECTIFY_NOTE.format(statuses(std)[1])],
                 charts=[chart] if n else [])


def short_names(std: Standard) -> dict[str, str]:
    """Short name of every problem category of every taxonomy (for charts)."""
    return {cat: short for tax in std.taxonomies.values()
            for cat, short in zip(tax.categories, tax.short, strict=True)}


def _row_for(std: Standard, rows: list[dict], label: str) -> dict:
    found = [r for r in rows if r["label"] == label]
    if found:
        return found[0]
    return {"label": label, "problems": 0, "fixed_on_spot": 0, "rectified": 0, "rate": None,
            **dict.fromkeys(statuses(std), 0)}


# ---------------------------------------------------------------- 表5 问题线索

def _clue_cells(std: Standard, row: dict) -> list:
    return [row["clues"], row["cadres"], row["others"],
            *(row[d] for d in std.enum_values("disposition"))]


def clues(report: Report) -> Table:
    """表5: clue counts by 移交单位 and 处置情况, people involved. Counts only."""
    std = report.std
    cols = [Col(h(std, "clues", "transferred_to"))]
    for name, _, _ in blocks(report):
        group = _group(report, name)
        cols += [Col("线索（件）", group), Col(total_label(std, "clue_cadres"), group),
                 Col(total_label(std, "clue_others"), group),
                 *(Col(d, group) for d in std.enum_values("disposition"))]
    figs = [fig for _, fig, _ in blocks(report)]
    rows = []
    for i, base in enumerate(figs[0].clues_by_transfer):
        if base["label"] == BLANK_TRANSFER and not any(f.clues_by_transfer[i]["clues"] for f in figs):
            continue
        rows.append([base["label"]] + [c for f in figs for c in _clue_cells(std, f.clues_by_transfer[i])])
    total = [TOTAL]
    for f in figs:
        total += [sum(col) for col in zip(*(_clue_cells(std, r) for r in f.clues_by_transfer), strict=True)]
    rows.append(total)
    return Table("问题线索", f"表5 {report.period.label}问题线索移交及处置情况", cols, rows,
                 total_rows=1, notes=["本表只统计线索件数和涉及人数，不含线索内容和人员姓名。"
                                      "处置情况未填写的按“待处置”计。"])


# ---------------------------------------------------------------- 表6 政治生态评估

def ecology(report: Report) -> Table:
    """表6: distribution of 政治生态评估等次 over the organisations inspected in the period."""
    std = report.std
    cols = [Col("评估等次")]
    for name, _, _ in blocks(report):
        group = _group(report, name)
        cols += [Col("党组织（个）", group), Col("占已评估的比例", group)]
    figs = [fig for _, fig, _ in blocks(report)]
    rows = []
    for grade in std.enum_values("grade"):
        row = [grade]
        for f in figs:
            row += [f.ecology_grades[grade], rate(f.ecology_grades[grade], sum(f.ecology_grades.values()))]
        rows.append(row)
    rows.append(["未评估"] + [c for f in figs for c in (f.ungraded, NOT_APPLICABLE)])
    rows.append([TOTAL] + [c for f in figs for c in (sum(f.ecology_grades.values()) + f.ungraded, "")])
    return Table("政治生态评估", f"表6 {report.period.label}政治生态评估等次分布", cols, rows,
                 total_rows=1, notes=["按统计期内进驻的被巡察党组织统计（口径同表1巡察党组织）。"])


# ---------------------------------------------------------------- 表9 数据来源

def sources(report: Report) -> Table:
    """表9: every workbook read, with its SHA-256, rows per sheet and submissions."""
    std = report.std
    cols = [Col("序号"), Col("文件", wrap=True), Col("工作簿类型"), Col("届次/轮次/巡察组", wrap=True),
            Col("各表数据行数", wrap=True), Col("SHA-256", wrap=True), Col("状态")]
    names = {wb.id: wb.name for wb in std.workbooks}
    excluded = set(report.excluded)
    rows = []
    for i, s in enumerate(report.sources, start=1):
        subs = "；".join(f"{t}第{r}轮{g}" for t, r, g in s.submissions)
        counts = "；".join(f"{k}{v}行" for k, v in s.rows.items())
        ok = s.valid and s.path not in excluded
        rows.append([i, s.path, names.get(s.kind, s.kind), subs, counts, s.sha256,
                     "计入统计" if ok else "有错误，未计入"])
    return Table("数据来源", f"表9 {report.period.label}统计数据来源", cols, rows,
                 notes=["SHA-256 是文件内容的校验值：文件内容一改，校验值就变，可用来核对统计所用的是哪一版工作簿。"])
