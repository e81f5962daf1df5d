"""The city's workbook 巡察工作汇总_<期间>.xlsx: counties as rows, rates recomputed, native charts.

Sheets: 总体情况, 分县区, 问题分类, 全覆盖进度, 整改台账汇总, 数据来源, then 图表. Built as
:class:`~pipeline.render.table_model.Table` objects and written by the leadership workbook's
writer (``render.workbook.write_tables_workbook``): same fonts, borders, percent formats,
frozen and repeated headers, A4 print setup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..output import rollup_workbook_name
from ..periods import Period, cn_date
from ..render.table_model import Chart, Col, Table, rate
from ..render.tables import TOTAL, short_names, total_label
from ..render.workbook import write_tables_workbook
from ..standard import Standard
from ..stats.coverage import Tally
from ..stats.figures import totals_keys
from .figures import Rollup
from .format import package_format

COUNTY = "县区"
SUMMED = "各县区上报包的数字相加；比率均由相加后的数字重新计算（不是各县区比率的平均）。"


@dataclass(frozen=True)
class Masthead:
    """What the shared writer shows above each table (the fields it reads of a county Report)."""

    period: Period
    county: str
    compiler: str
    compiled_on: dt.date
    excluded: list[str] = field(default_factory=list)
    first_sheet_notices: list[str] = field(default_factory=list)


def _tally_cells(t: Tally) -> list:
    return [t.total, t.inspected, rate(t.inspected, t.total)]


def _notes(r: Rollup) -> list[str]:
    notes = [SUMMED]
    if r.missing_counties:
        notes.append("县区名单中尚未上报（未计入）的县区：" + "、".join(r.missing_counties) + "。")
    if r.unexplained:
        notes.append("以下县区导出上报包时仍有未说明的核实性问题，数字请与其核实："
                     + "、".join(f"{c}（{n} 处）" for c, n in r.unexplained.items()) + "。")
    return notes


def _title(r: Rollup, n: int, text: str) -> str:
    return f"表{n} {r.period.label}{text}（{len(r.counties)}个县区）"


# ---------------------------------------------------------------- 表1 总体情况

def overview(r: Rollup, std: Standard) -> Table:
    """表1: every totals figure summed, then the rates recomputed from the sums."""
    monthly = r.year_to_date is not None
    cols = [Col("指标"), Col(f"本月（{r.period.label}）" if monthly else "合计")]
    if monthly:
        cols.append(Col(f"本年累计（{r.period.year_to_date().label}）"))
    blocks = [r.totals, r.year_to_date] if monthly else [r.totals]
    rows = [[total_label(std, k), *(b[k] for b in blocks)] for k in totals_keys(std)]
    rows.append(["整改率（已整改÷发现问题）", *(rate(b["problems_rectified"], b["problems"]) for b in blocks)])
    names = {fam["id"]: fam["name"] for fam in std.families()}
    for fam, tally in r.families.items():
        rows.append([f"全覆盖完成率（{names[fam]}）", rate(tally.inspected, tally.total)]
                    + [""] * (len(blocks) - 1))
    ledger = package_format().rectification
    rows.append([f"整改台账整改率（{ledger['rectified']}÷{ledger['in_ledger']}）",
                 rate(r.rectification["rectified"], r.rectification["in_ledger"])] + [""] * (len(blocks) - 1))
    return Table("总体情况", _title(r, 1, "巡察工作汇总"), cols, rows, notes=_notes(r))


# ---------------------------------------------------------------- 表2 分县区

def by_county(r: Rollup, std: Standard) -> Table:
    """表2: one row per county: work, problems, clues, coverage with rates, overdue; 合计 last."""
    names = {fam["id"]: fam["name"] for fam in std.families()}
    keys = ["rounds", "orgs_inspected", "talks", "problems", "problems_fixed_on_spot", "problems_rectified",
            "clues"]
    cols = [Col(COUNTY)] + [Col(total_label(std, k)) for k in keys]
    for fam in r.families:
        cols += [Col("应巡察（个）", names[fam]), Col("已巡察（个）", names[fam]), Col("完成率", names[fam])]
    cols.append(Col(package_format().rectification["overdue"]))

    def row(label: str, totals: dict, families: dict[str, Tally], overdue: int) -> list:
        cells = [label] + [totals[k] for k in keys]
        for fam in r.families:
            cells += _tally_cells(families[fam])
        return cells + [overdue]

    rows = [row(c.county, c.totals, c.families, c.rectification["overdue"]) for c in r.counties]
    n = len(rows)
    rows.append(row(TOTAL, r.totals, r.families, r.rectification["overdue"]))
    problems, clues = 1 + keys.index("problems"), 1 + keys.index("clues")
    charts = [Chart("column", f"{r.period.label}各县区发现问题和问题线索", 0, (problems, clues), 0, n - 1)] if n else []
    return Table("分县区", _title(r, 2, "各县区巡察工作情况"), cols, rows, total_rows=1,
                 notes=_notes(r), charts=charts)


# ---------------------------------------------------------------- 表3 问题分类

def by_category(r: Rollup, std: Standard) -> Table:
    """表3: county × 问题类别 (every category any package has), 合计 column and row."""
    cats = list(r.breakdowns["problems_by_category"])
    short = short_names(std)
    cols = [Col(COUNTY)] + [Col(short.get(c, c)) for c in cats] + [Col("合计")]

    def row(label: str, counts: dict[str, int]) -> list:
        cells = [counts.get(c, 0) for c in cats]
        return [label, *cells, sum(cells)]

    rows = [row(c.county, c.breakdowns["problems_by_category"]) for c in r.counties]
    rows.append(row(TOTAL, r.breakdowns["problems_by_category"]))
    notes = ["问题类别按名称相加；表头为简称，全称："
             + "；".join(f"{short.get(c, c)}＝{c}" for c in cats if short.get(c, c) != c) + "。"] \
        if any(short.get(c, c) != c for c in cats) else []
    return Table("问题分类", _title(r, 3, "各县区发现问题分类"), cols, rows, total_rows=1, notes=notes)


# ---------------------------------------------------------------- 表4 全覆盖进度

def coverage(r: Rollup, std: Standard) -> Table:
    """表4: county × family (应巡察, 已巡察, 完成率); the city's overall row recomputed."""
    names = {fam["id"]: fam["name"] for fam in std.families()}
    cols = [Col(COUNTY)]
    for fam in r.families:
        cols += [Col("应巡察（个）", names[fam]), Col("已巡察（个）", names[fam]), Col("完成率", names[fam])]
    rows = [[c.county] + [x for fam in r.families for x in _tally_cells(c.families[fam])] for c in r.counties]
    n = len(rows)
    rows.append([package_format().section("file")["city"]]
                + [x for fam in r.families for x in _tally_cells(r.families[fam])])
    rate_cols = tuple(3 + 3 * i for i in range(len(r.families)))
    charts = [Chart("bar", f"各县区全覆盖完成率（截至{cn_date(r.period.end)}）", 0, rate_cols, 0, n - 1,
                    percent=True)] if n else []
    notes = ["各县区按本县届次累计统计，截至期末；全市完成率＝各县区已巡察数之和÷应巡察数之和。", SUMMED]
    return Table("全覆盖进度", _title(r, 4, "各县区巡察全覆盖进度"), cols, rows, total_rows=1,
                 notes=notes, charts=charts)


# ---------------------------------------------------------------- 表5 整改台账汇总

def ledger(r: Rollup, std: Standard) -> Table:
    """表5: county × ledger state, with the ledger's rate; 合计 last."""
    labels = package_format().rectification
    keys = list(labels)
    cols = [Col(COUNTY)] + [Col(labels[k]) for k in keys] + [Col("整改率")]

    def row(label: str, counts: dict[str, int]) -> list:
        return [label, *(counts[k] for k in keys), rate(counts["rectified"], counts["in_ledger"])]

    rows = [row(c.county, c.rectification) for c in r.counties]
    n = len(rows)
    rows.append(row(TOTAL, r.rectification))
    overdue = 1 + keys.index("overdue")
    charts = [Chart("column", f"各县区{labels['overdue']}", 0, (overdue,), 0, n - 1)] if n else []
    notes = [f"整改台账为截至{cn_date(r.period.end)}发现、期初尚未整改完毕的问题，每个问题按期末状态计入一类；"
             f"整改率＝{labels['rectified']}÷{labels['in_ledger']}。"]
    return Table("整改台账汇总", _title(r, 5, "各县区整改台账情况"), cols, rows, total_rows=1,
                 notes=notes, charts=charts)


# ---------------------------------------------------------------- 表6 数据来源

def sources(r: Rollup, std: Standard) -> Table:
    """表6: every package summed: file, county, period, 生成日期, 数据指纹, 未说明核实性问题."""
    items = package_format().info_items
    cols = [Col("序号"), Col("文件", wrap=True), Col(COUNTY), Col(items["period"]), Col(items["generated"]),
            Col(items["fingerprint"]), Col(items["unexplained"])]
    ordered = sorted(r.counties, key=lambda c: c.file)
    rows = [[i, c.file, c.county, c.package.period_label, c.package.info.get("generated", ""),
             c.package.info.get("fingerprint", ""), c.package.unexplained]
            for i, c in enumerate(ordered, start=1)]
    return Table("数据来源", _title(r, 6, "汇总数据来源"), cols, rows,
                 notes=["数据指纹由县区导出上报包时所读全部填报工作簿的 SHA-256 计算而来，"
                        "可用来核对上报包对应的是哪一版数据。"])


def rollup_tables(r: Rollup, std: Standard) -> list[Table]:
    """Every table of the city workbook, in sheet order."""
    return [make(r, std) for make in (overview, by_county, by_category, coverage, ledger, sources)]


def write_rollup_workbook(r: Rollup, std: Standard, out_dir: Path) -> Path:
    """Write 巡察工作汇总_<期间>.xlsx into ``out_dir`` atomically; return its path."""
    fmt = package_format()
    tables = rollup_tables(r, std)
    head = Masthead(r.period, fmt.section("file")["city"], "", r.compiled_on)
    return write_tables_workbook(head, tables, Path(out_dir) / rollup_workbook_name(r.period.label), len(tables))
