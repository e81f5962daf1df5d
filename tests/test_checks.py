"""One planted error per check: the finding's code, file, sheet, Excel row and column.

Each case starts from the valid county of ``wb.py`` (which validates clean),
changes one thing, and expects exactly the listed findings: no cascades.
Row numbers are Excel rows: the header is row 1, data row i (0-based) is row i + 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import wb
from pipeline.check.cross import closest_names
from pipeline.engine import load_dataset
from pipeline.model import ERROR, WARNING
from shipped import STD

D = dt.date
REG, RND, OFF = (STD.workbook(w).file for w in ("registry", "round", "office"))


def cell(wb_id: str, sid: str, i: int, cid: str, value) -> Callable[[dict], None]:
    """An edit setting one cell of the spec."""
    def edit(spec):
        spec[wb_id][sid][i][cid] = value
    return edit


def append(wb_id: str, sid: str, row: dict | int) -> Callable[[dict], None]:
    """An edit adding a row (a dict, or the index of a row to copy)."""
    def edit(spec):
        rows = spec[wb_id][sid]
        rows.append(dict(rows[row]) if isinstance(row, int) else row)
    return edit


def both(*edits) -> Callable[[dict], None]:
    def edit(spec):
        for e in edits:
            e(spec)
    return edit


@dataclass
class Plant:
    id: str
    edit: Callable[[dict], None]
    code: str
    file: str
    sheet: str | None  # sheet id
    row: int | None
    column: str | None  # column id
    level: str = ERROR


PLANTS = [
    # --- cells that cannot be converted (normalize)
    Plant("count with unit", cell("round", "workload", 0, "talks", "12人"),
          "count-invalid", RND, "workload", 2, "talks"),
    Plant("count approx", cell("round", "workload", 1, "visits_received", "约10"),
          "count-invalid", RND, "workload", 3, "visits_received"),
    Plant("count negative", cell("round", "workload", 0, "documents", "-1"),
          "count-negative", RND, "workload", 2, "documents"),
    Plant("count negative number", cell("round", "clues", 0, "cadres", -2),
          "count-negative", RND, "clues", 2, "cadres"),
    Plant("count decimal", cell("round", "workload", 0, "vouchers", "1.5"),
          "count-not-integer", RND, "workload", 2, "vouchers"),
    Plant("count decimal number", cell("office", "special_work", 0, "problems", 2.5),
          "count-not-integer", OFF, "special_work", 2, "problems"),
    Plant("bad month", cell("round", "problems", 0, "found", "2020-13-01"),
          "date-invalid", RND, "problems", 2, "found"),
    Plant("date words", cell("round", "clues", 0, "transferred_on", "七月中旬"),
          "date-invalid", RND, "clues", 2, "transferred_on"),
    Plant("year typed as date", cell("round", "round_orgs", 1, "start", 2020),
          "date-invalid", RND, "round_orgs", 3, "start"),
    Plant("date out of range", cell("registry", "units", 5, "added", D(1905, 7, 12)),
          "date-out-of-range", REG, "units", 7, "added"),
    Plant("bad year", cell("office", "team", 1, "year", "20年"),
          "year-invalid", OFF, "team", 3, "year"),
    # --- pandera: blanks, enumerations, ranges, date order in a row
    Plant("blank status", cell("round", "problems", 1, "status", None),
          "required-blank", RND, "problems", 3, "status"),
    Plant("blank round", cell("round", "round_info", 0, "round", None),
          "required-blank", RND, "round_info", 2, "round"),
    Plant("blank org", append("round", "round_orgs", {"group": wb.GROUP, "org": " \u3000", "start": D(2020, 4, 3)}),
          "required-blank", RND, "round_orgs", 4, "org"),
    Plant("round zero", cell("round", "round_info", 0, "round", 0),
          "value-too-small", RND, "round_info", 2, "round"),
    Plant("round type typo", cell("round", "round_info", 0, "type", "例行巡察"),
          "enum-invalid", RND, "round_info", 2, "type"),
    Plant("grade not in scale", cell("round", "round_orgs", 0, "grade", "优秀"),
          "enum-invalid", RND, "round_orgs", 2, "grade"),
    Plant("disposition typo", cell("round", "clues", 0, "disposition", "核实中"),
          "enum-invalid", RND, "clues", 2, "disposition"),
    Plant("org leaves before it starts", cell("round", "round_orgs", 0, "end", D(2020, 3, 1)),
          "date-order", RND, "round_orgs", 2, "end"),
    Plant("round ends before it starts", cell("round", "round_info", 0, "end", D(2020, 3, 31)),
          "date-order", RND, "round_info", 2, "end"),
    Plant("unit removed before added", cell("registry", "units", 6, "added", D(2021, 1, 1)),
          "date-order", REG, "units", 8, "removed"),
    Plant("rectified before found", cell("round", "problems", 0, "rectified_on", D(2020, 5, 1)),
          "date-order", RND, "problems", 2, "rectified_on"),
    Plant("rectified without date", cell("round", "problems", 0, "rectified_on", None),
          "rectified-date-missing", RND, "problems", 2, "rectified_on"),
    Plant("date but not rectified", cell("round", "problems", 1, "rectified_on", D(2020, 9, 1)),
          "rectified-date-unexpected", RND, "problems", 3, "rectified_on", WARNING),
    Plant("clue moved before found", cell("round", "clues", 0, "transferred_on", D(2020, 5, 1)),
          "date-order", RND, "clues", 2, "transferred_on", WARNING),
    # --- registry
    Plant("terms overlap", cell("registry", "terms", 1, "start", D(2021, 9, 1)),
          "term-overlap", REG, "terms", 3, "start"),
    Plant("term twice", append("registry", "terms", {"term": "十四届", "start": D(2026, 10, 1),
                                                     "end": D(2031, 9, 30)}),
          "term-duplicate", REG, "terms", 4, "term"),
    Plant("unit twice", append("registry", "units", {"name": "县交通运输局 ", "category": "县直党群行政单位"}),
          "unit-duplicate", REG, "units", 9, "name"),
    Plant("village without township", cell("registry", "units", 3, "township", None),
          "township-missing", REG, "units", 5, "township"),
    Plant("township not a township", cell("registry", "units", 3, "township", "城关"),
          "township-unknown", REG, "units", 5, "township"),
    # --- rounds
    Plant("unknown term", cell("round", "round_info", 0, "term", "第十四届"),
          "term-unknown", RND, "round_info", 2, "term"),
    Plant("round starts before its term", cell("round", "round_info", 0, "start", D(2016, 9, 1)),
          "round-outside-term", RND, "round_info", 2, "start"),
    Plant("round ends after its term", cell("round", "round_info", 0, "end", D(2021, 10, 8)),
          "round-outside-term", RND, "round_info", 2, "end"),
    Plant("group twice in round info", append("round", "round_info", 0),
          "round-info-duplicate", RND, "round_info", 3, "group"),
    Plant("group not in round info", cell("round", "problems", 1, "group", "第二巡察组"),
          "group-not-in-round-info", RND, "problems", 3, "group"),
    Plant("org not in registry", append("round", "round_orgs", {
        "group": wb.GROUP, "org": "县自来水厂", "start": D(2020, 4, 3)}),
          "org-not-in-registry", RND, "round_orgs", 4, "org"),
    Plant("category disagrees", cell("round", "round_orgs", 0, "category", "国有企业"),
          "category-mismatch", RND, "round_orgs", 2, "category"),
    Plant("org twice in a round", append("round", "round_orgs", 1),
          "org-duplicate-in-round", RND, "round_orgs", 4, "org"),
    Plant("problem for an org not inspected", cell("round", "problems", 0, "org", "城关镇"),
          "org-not-in-round", RND, "problems", 2, "org"),
    Plant("workload for an org not inspected", cell("round", "workload", 0, "org", "县自来水公司"),
          "org-not-in-round", RND, "workload", 2, "org"),
    Plant("problem id twice", cell("round", "problems", 1, "problem_id", "W1-001"),
          "problem-id-duplicate", RND, "problems", 3, "problem_id"),
    Plant("clue id twice", append("round", "clues", 0),
          "clue-id-duplicate", RND, "clues", 3, "clue_id"),
    Plant("category of another taxonomy", cell("round", "problems", 0, "category", "巡察整改落实"),
          "problem-category-invalid", RND, "problems", 2, "category"),
    Plant("round info empty", lambda spec: spec["round"].update(round_info=[]),
          "round-info-empty", RND, "round_info", None, None),
    Plant("team item twice", append("office", "team", 0),
          "team-item-duplicate", OFF, "team", 4, "item"),
    Plant("special work twice", append("office", "special_work", 0),
          "special-work-duplicate", OFF, "special_work", 3, "item"),
    Plant("training twice", append("office", "training", 0),
          "training-duplicate", OFF, "training", 3, "name", WARNING),
    # --- warnings: odd but possible
    Plant("problem found before the round", cell("round", "problems", 0, "found", D(2020, 3, 1)),
          "date-outside-round", RND, "problems", 2, "found", WARNING),
    Plant("workload long after the round", cell("round", "workload", 1, "date", D(2021, 3, 1)),
          "date-outside-round", RND, "workload", 3, "date", WARNING),
    Plant("org entered before its group", cell("round", "round_orgs", 1, "start", D(2020, 3, 20)),
          "date-outside-round", RND, "round_orgs", 3, "start", WARNING),
    Plant("unit inspected after removal", both(
        cell("registry", "units", 6, "removed", D(2020, 3, 1)),
        append("round", "round_orgs", {"group": wb.GROUP, "org": "城关镇北坡村", "start": D(2020, 4, 10)})),
          "unit-removed", RND, "round_orgs", 4, "start", WARNING),
    Plant("unit inspected before it was added", both(
        cell("registry", "units", 5, "added", D(2020, 5, 1)),
        append("round", "round_orgs", {"group": wb.GROUP, "org": "县自来水公司", "start": D(2020, 4, 10)})),
          "unit-not-yet-added", RND, "round_orgs", 4, "start", WARNING),
]


def _load(tmp_path, spec):
    folder = tmp_path / "inputs"
    wb.write_county(folder, spec)
    return load_dataset(folder, STD)


def test_county_is_clean(valid_inputs):
    ds = load_dataset(valid_inputs, STD)
    assert ds.findings == []


@pytest.mark.parametrize("plant", PLANTS, ids=[p.id for p in PLANTS])
def test_planted_error_is_pinpointed(tmp_path, plant):
    spec = wb.county_spec()
    plant.edit(spec)
    ds = _load(tmp_path, spec)
    assert [(f.code, f.level) for f in ds.findings] == [(plant.code, plant.level)], ds.findings
    found = ds.findings[0]
    sheet = STD.sheet(plant.sheet) if plant.sheet else None
    assert (found.file, found.sheet, found.row, found.column) == (
        plant.file, sheet.name if sheet else "", plant.row,
        sheet.header(plant.column) if plant.column else "")
    assert found.message  # Chinese, says how to fix it


def test_abbreviation_suggests_full_name():
    names = [u["name"] for u in wb.UNITS]
    assert closest_names("县住建局", names)[0] == "县住房和城乡建设管理局"
    assert closest_names("县交通局", names)[0] == "县交通运输局"
    assert closest_names("完全无关的名字", names) == []


def test_org_not_in_registry_message_names_closest(tmp_path):
    spec = wb.county_spec()
    spec["round"]["round_orgs"].append({"group": wb.GROUP, "org": "县住建局", "start": D(2020, 4, 3)})
    ds = _load(tmp_path, spec)
    [found] = ds.findings
    assert found.code == "org-not-in-registry"
    assert found.value == "县住建局"
    assert "“县住房和城乡建设管理局”" in found.message


def test_no_registry(tmp_path):
    spec = wb.county_spec()
    del spec["registry"]
    ds = _load(tmp_path, spec)
    assert [(f.code, f.file) for f in ds.findings] == [("registry-missing", "")]


def test_two_registries_name_both(tmp_path):
    folder = tmp_path / "inputs"
    wb.write_county(folder)
    wb.registry(folder / "sub" / "名册副本.xlsx")
    ds = load_dataset(folder, STD)
    assert sorted((f.code, f.file) for f in ds.findings) == [
        ("registry-duplicate", "sub/名册副本.xlsx"), ("registry-duplicate", REG)]
    assert "sub/名册副本.xlsx" in ds.findings[0].message and REG in ds.findings[0].message


def test_duplicate_submission_names_both_files(tmp_path):
    folder = tmp_path / "inputs"
    wb.write_county(folder)
    wb.round_wb(folder / "第一组再交一份.xlsx")
    ds = load_dataset(folder, STD)
    # One finding per copy; the org/problem/clue repeats it causes are not reported again.
    assert sorted((f.code, f.file, f.row) for f in ds.findings) == [
        ("submission-duplicate", RND, 2), ("submission-duplicate", "第一组再交一份.xlsx", 2)]
    by_file = {f.file: f.message for f in ds.findings}
    assert "第一组再交一份.xlsx" in by_file[RND] and RND in by_file["第一组再交一份.xlsx"]


def test_same_org_in_two_files_of_a_round(tmp_path):
    """Two groups of one round inspecting the same organisation (across files)."""
    folder = tmp_path / "inputs"
    wb.write_county(folder)
    # still at work (no 结束日期): no 工作量 or 发现问题 rows yet is then normal (no group-no-* warning)
    info = [dict(wb.ROUND_INFO[0], group="第二巡察组", end=None)]
    orgs = [dict(wb.ROUND_ORGS[1], group="第二巡察组", start=D(2020, 4, 3))]
    wb.round_wb(folder / "第二组.xlsx", info=info, orgs=orgs, workload=[], problems=[], clues=[])
    ds = load_dataset(folder, STD)
    [found] = ds.findings
    assert (found.code, found.file, found.row) == ("org-duplicate-in-round", "第二组.xlsx", 2)
    assert f"{RND} “巡察对象”第 3 行" in found.message


def test_blank_group_inherits_the_only_group(tmp_path):
    spec = wb.county_spec()
    spec["round"]["problems"][0]["group"] = None
    spec["round"]["workload"][1]["group"] = None
    ds = _load(tmp_path, spec)
    assert ds.findings == []
    assert list(ds.tables["problems"]["group"]) == [wb.GROUP, wb.GROUP]
    assert list(ds.tables["problems"]["round"]) == [5, 5]


def test_blank_group_with_two_groups_is_an_error(tmp_path):
    spec = wb.county_spec()
    spec["round"]["round_info"].append(dict(wb.ROUND_INFO[0], group="第二巡察组"))
    spec["round"]["problems"][0]["group"] = None
    ds = _load(tmp_path, spec)
    group = STD.sheet("round_info").header("group")
    # the second group (轮次信息 row 3, 结束日期 filled) has no rows of its own: two 核实性 warnings
    assert [(f.code, f.row, f.column) for f in ds.findings] == [
        ("group-no-problems", 3, group), ("group-no-work", 3, group),
        ("required-blank", 2, STD.sheet("problems").header("group"))]


def test_problem_taxonomy_follows_term(tmp_path):
    """十五届 uses 四个聚焦, which has 巡察整改落实."""
    spec = wb.county_spec()
    spec["round"]["round_info"][0].update(term="十五届", start=D(2022, 4, 1), end=D(2022, 6, 30),
                                          report_leading_group=None, report_secretary=None, feedback=None)
    for sid, col in (("round_orgs", "start"), ("round_orgs", "end"), ("workload", "date"),
                     ("problems", "found"), ("clues", "found")):
        for row in spec["round"][sid]:
            row[col] = row[col].replace(year=2022)
    for row in spec["round"]["problems"]:
        row["rectified_on"] = row.get("rectified_on") and row["rectified_on"].replace(year=2022)
    spec["round"]["clues"][0]["transferred_on"] = D(2022, 7, 15)
    spec["round"]["problems"][0]["category"] = "巡察整改落实"
    ds = _load(tmp_path, spec)
    assert ds.findings == []
    assert ds.tables["problems"]["category"][0] == "巡察整改落实"


def test_every_finding_code_is_documented():
    """Each code written in the reading/checking modules is in the catalogue, and each catalogue code is written."""
    import re
    from pathlib import Path

    from pipeline.findings import CATALOGUE

    root = Path(__file__).resolve().parent.parent / "pipeline"
    modules = ("read/discover", "read/workbook", "read/xlsx_parts", "read/normalize", "check/rows", "check/cross",
               "check/validate", "check/plan", "check/plausible", "check/explain", "check/wording", "rollup/reader",
               "rollup/load", "check/returns", "rollup/checks", "rollup/export")
    source = "".join((root / f"{m}.py").read_text(encoding="utf-8") for m in modules)
    variants = {v for e in CATALOGUE.values() for v in e.templates} - set(CATALOGUE)  # variants, not codes
    quoted = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source)) - variants
    # a kind's own count codes: -missing with a min_count, -duplicate with a max_count
    kinds = {f"{wb.id}-missing" for wb in STD.workbooks if wb.min_count} | \
        {f"{wb.id}-duplicate" for wb in STD.workbooks if wb.max_count}
    assert 'f"workbook-{problem}"' in source  # cross._kind_code: a kind of workbook without its own codes
    generic = {"workbook-missing", "workbook-duplicate"}
    assert quoted | kinds <= set(CATALOGUE)
    assert set(CATALOGUE) == quoted | kinds | generic
    assert {p.code for p in PLANTS} <= set(CATALOGUE)


def test_two_blank_cells_of_one_row_are_both_reported(tmp_path):
    # 问题清单 data row 1 (Excel row 3): 问题类别 and 整改状态 both emptied -> two findings, one per cell
    # (the pandera version listed only the first blank of a row)
    spec = wb.county_spec()
    spec["round"]["problems"][1]["status"] = None
    spec["round"]["problems"][1]["category"] = None
    ds = _load(tmp_path, spec)
    sheet = STD.sheet("problems")
    assert sorted((f.code, f.row, f.column) for f in ds.findings) == sorted([
        ("required-blank", 3, sheet.header("category")), ("required-blank", 3, sheet.header("status"))])
