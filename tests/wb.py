"""Build standard workbooks for tests, from rows keyed by column id.

Headers and sheet names always come from ``schemas/`` (via the standard), so
a fixture follows the standard when a label changes. Rows are dicts keyed by
the column ids of ``schemas/standard.toml``; a missing key is a blank cell.
Row ``i`` (0-based) of a sheet written with a header lands on Excel row ``i + 2``.

Typical use::

    import wb                                 # tests/ is on sys.path (conftest.py)

    spec = wb.county_spec()                   # a small valid county (deep copy)
    spec["round"]["workload"][0]["talks"] = "12人"
    wb.write_county(tmp_path, spec)           # 巡察对象名册.xlsx, 巡察轮次填报表.xlsx, 年度综合情况.xlsx

    wb.round_wb(tmp_path / "r.xlsx", problems=[])   # one workbook; sheets not given: the county rows
    wb.write_workbook(tmp_path / "x.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})   # anything

Building blocks: ``headers(sheet_id)``, ``table(sheet_id, rows)`` (header + rows
as lists), ``write_workbook(path, {sheet name: rows})``; per kind:
``registry(...)``, ``round_wb(...)``, ``office_wb(...)``.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import openpyxl

from shipped import STD

D = dt.date

# ---------------------------------------------------------------- a valid county
# Figures worked out by hand in the tests refer to these rows.

TERMS = [
    {"term": "十四届", "start": D(2016, 10, 1), "end": D(2021, 9, 30)},
    {"term": "十五届", "start": D(2021, 10, 1), "end": D(2026, 9, 30)},
]
UNITS = [
    {"name": "县住房和城乡建设管理局", "category": "县直党群行政单位"},
    {"name": "县交通运输局", "category": "县直党群行政单位"},
    {"name": "城关镇", "category": "乡镇（街道）"},
    {"name": "城关镇东关村", "category": "村党组织", "township": "城关镇"},
    {"name": "城关镇西街社区", "category": "社区党组织", "township": "城关镇"},
    {"name": "县自来水公司", "category": "国有企业", "added": D(2019, 3, 1)},
    {"name": "城关镇北坡村", "category": "村党组织", "township": "城关镇", "removed": D(2020, 12, 31)},
]
BASIC_INFO = [{"item": "县名", "content": "示范县"},
              {"item": "编制单位", "content": "中共示范县委巡察工作领导小组办公室"}]

GROUP = "第一巡察组"
ROUND_INFO = [{"term": "十四届", "round": 5, "type": "常规巡察", "group": GROUP, "leader": "张三",
               "start": D(2020, 4, 1), "end": D(2020, 6, 30), "report_leading_group": D(2020, 7, 10),
               "report_secretary": D(2020, 7, 20), "feedback": D(2020, 8, 5), "filled_by": "李四",
               "filled_on": D(2020, 7, 1)}]
ROUND_ORGS = [
    {"group": GROUP, "org": "县住房和城乡建设管理局", "category": "县直党群行政单位",
     "start": D(2020, 4, 1), "end": D(2020, 6, 30), "grade": "良好"},
    {"group": GROUP, "org": "县交通运输局", "start": D(2020, 4, 2), "end": D(2020, 6, 30), "grade": "较好"},
]
WORKLOAD = [
    {"group": GROUP, "org": "县住房和城乡建设管理局", "date": D(2020, 4, 30), "visits_received": 12,
     "talks": 85, "briefings": 6, "documents": 320, "vouchers": 45, "questionnaires": 150, "field_visits": 8},
    {"group": GROUP, "date": D(2020, 6, 30), "visits_received": 3, "talks": 10},
]
PROBLEMS = [
    {"problem_id": "W1-001", "group": GROUP, "org": "县住房和城乡建设管理局",
     "category": "群众身边腐败问题和不正之风", "summary": "项目资金拨付不规范", "found": D(2020, 5, 12),
     "fixed_on_spot": "否", "status": "已整改", "rectified_on": D(2020, 9, 30)},
    {"problem_id": "W1-002", "group": GROUP, "org": "县交通运输局",
     "category": "贯彻落实党的路线方针政策和党中央决策部署", "summary": "重大决策部署落实不到位",
     "found": D(2020, 5, 20), "fixed_on_spot": "是", "status": "整改中"},
]
CLUES = [
    {"clue_id": "X1-001", "group": GROUP, "org": "县交通运输局", "found": D(2020, 5, 20), "cadres": 2,
     "others": 1, "transferred_to": "县纪委监委", "transferred_on": D(2020, 7, 15),
     "disposition": "初步核实", "summary": "（线索内容，涉密）"},
]
SPECIAL_WORK = [
    {"item": "脱贫攻坚问题整改情况监督检查", "type": "整改监督检查", "start": D(2020, 4, 1),
     "end": D(2020, 6, 30), "problems": 8, "rectified": 6, "clues": 0, "note": "对照问题清单逐项检查"},
]
TEAM = [{"year": 2020, "item": "行政编制", "count": 9}, {"year": 2020, "item": "实有在编", "count": 8}]
TRAINING = [{"date": D(2020, 3, 10), "name": "巡前业务培训", "type": "业务培训", "participants": 25}]

_COUNTY = {
    "registry": {"terms": TERMS, "units": UNITS, "basic_info": BASIC_INFO},
    "round": {"round_info": ROUND_INFO, "round_orgs": ROUND_ORGS, "workload": WORKLOAD,
              "problems": PROBLEMS, "clues": CLUES},
    "office": {"special_work": SPECIAL_WORK, "team": TEAM, "training": TRAINING},
}


def county_spec() -> dict[str, dict[str, list[dict]]]:
    """A deep copy of the valid county: {workbook id: {sheet id: rows}}; edit it freely."""
    return copy.deepcopy(_COUNTY)


# ---------------------------------------------------------------- building blocks

def sheet_name(sheet_id: str) -> str:
    """The sheet's name in the standard."""
    return STD.sheet(sheet_id).name


def headers(sheet_id: str, columns: list[str] | None = None) -> list[str]:
    """The standard's headers of ``sheet_id`` (all columns, or ``columns`` in that order)."""
    sheet = STD.sheet(sheet_id)
    ids = columns or [c.id for c in sheet.columns]
    return [sheet.header(cid) for cid in ids]


def table(sheet_id: str, rows: list[dict], columns: list[str] | None = None) -> list[list]:
    """Header row plus one list per row dict (values in ``columns`` order)."""
    sheet = STD.sheet(sheet_id)
    ids = columns or [c.id for c in sheet.columns]
    unknown = {k for r in rows for k in r} - {c.id for c in sheet.columns}
    if unknown:
        raise KeyError(f"{sheet_id}: unknown column ids {sorted(unknown)}")
    return [headers(sheet_id, ids)] + [[r.get(cid) for cid in ids] for r in rows]


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write an .xlsx with openpyxl: {sheet name: rows (lists; None = empty cell)}."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _kind(path: Path, wb_id: str, sheets: dict[str, list[dict] | None]) -> Path:
    """Write a workbook of kind ``wb_id``: every sheet of the kind, empty when not given.

    A sheet given as ``None`` is left out of the workbook entirely.
    """
    content = {}
    for sheet in STD.workbook(wb_id).sheets:
        rows = sheets.get(sheet.id, [])
        if rows is not None:
            content[sheet.name] = table(sheet.id, rows)
    return write_workbook(path, content)


def registry(path: Path, terms=TERMS, units=UNITS, basic_info=BASIC_INFO, plan=()) -> Path:
    """A 巡察对象名册 workbook (defaults: the valid county; its 巡察计划 sheet empty)."""
    return _kind(path, "registry", {"terms": terms, "units": units, "basic_info": basic_info,
                                    "plan": list(plan)})


def round_wb(path: Path, info=ROUND_INFO, orgs=ROUND_ORGS, workload=WORKLOAD, problems=PROBLEMS,
             clues=CLUES) -> Path:
    """A 巡察轮次填报表 workbook (defaults: the valid county's round)."""
    return _kind(path, "round", {"round_info": info, "round_orgs": orgs, "workload": workload,
                                 "problems": problems, "clues": clues})


def office_wb(path: Path, special=SPECIAL_WORK, team=TEAM, training=TRAINING) -> Path:
    """A 年度综合情况 workbook (defaults: the valid county's office workbook)."""
    return _kind(path, "office", {"special_work": special, "team": team, "training": training})


def write_county(folder: Path, spec: dict | None = None) -> dict[str, Path]:
    """Write each workbook of ``spec`` (default: the valid county) under its standard file name."""
    spec = county_spec() if spec is None else spec
    folder = Path(folder)
    return {wb_id: _kind(folder / STD.workbook(wb_id).file, wb_id, sheets)
            for wb_id, sheets in spec.items()}
