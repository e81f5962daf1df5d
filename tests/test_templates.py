"""The blank templates: derived from schemas/, valid for Excel, WPS and LibreOffice, readable back."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.authoring.blank_forms import (
    DATA_ROWS,
    DATE_FORMAT,
    ERROR_MAX,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    PROMPT_MAX,
    TITLE_MAX,
    VERSION_NAME,
    choices,
    column_width,
    display_width,
    write_templates,
)
from pipeline.standard import SCHEMA_DIR, load_standard
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [(wb.id, sheet.id, col.id) for wb in STD.template_workbooks
           for sheet in wb.sheets for col in sheet.columns]


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    paths = write_templates(out, STD)
    return {wb.id: path for wb, path in zip(STD.template_workbooks, paths)}


@pytest.fixture(scope="module")
def books(templates) -> dict[str, openpyxl.Workbook]:
    return {wb_id: openpyxl.load_workbook(path) for wb_id, path in templates.items()}


def _validation_of(ws, col_index: int):
    """The data validation covering a column's cells in rows 2 and DATA_ROWS."""
    letter = openpyxl.utils.get_column_letter(col_index)
    found = [dv for dv in ws.data_validations.dataValidation
             if f"{letter}2" in dv.sqref and f"{letter}{DATA_ROWS}" in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{letter}"
    return found[0]


def _list_values(wb, formula: str) -> list[str]:
    """The values a list validation's range on the hidden sheet points to."""
    sheet, cells = formula.rsplit("!", 1)
    assert sheet.strip("'") == LISTS_SHEET
    return [row[0].value for row in wb[LISTS_SHEET][cells.replace("$", "")]]


def test_four_templates_named_by_the_standard(templates):
    assert sorted(p.name for p in templates.values()) == sorted(
        wb.file for wb in STD.template_workbooks)
    assert sorted(p.name for p in templates.values()) == [  # 文稿措辞: periods.md §4
        "巡察对象名册.xlsx", "巡察轮次填报表.xlsx", "年度综合情况.xlsx", "文稿措辞.xlsx"]


@pytest.mark.parametrize("wb_id", [wb.id for wb in STD.template_workbooks])
def test_layout_instructions_first_lists_hidden_version_recorded(books, wb_id):
    wb, spec, std = books[wb_id], STD.workbook(wb_id), STD
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, *(s.name for s in spec.sheets), LISTS_SHEET]
    assert wb.active.title == INSTRUCTIONS_SHEET
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * (len(spec.sheets) + 1) + [
        "hidden"]
    assert wb.properties.version == std.version == "1.0"
    assert wb.defined_names[VERSION_NAME].attr_text == '"1.0"'
    text = "\n".join(str(c.value) for row in wb[INSTRUCTIONS_SHEET].iter_rows() for c in row
                     if c.value is not None)
    assert "模板版本：1.0" in text
    assert spec.purpose in text
    for sheet in spec.sheets:
        assert sheet.purpose in text
        for col in sheet.columns:
            assert col.header in text and col.help in text


@pytest.mark.parametrize("wb_id,sheet_id,col_id", COLUMNS)
def test_every_column_has_its_header_and_validation(books, wb_id, sheet_id, col_id):
    std = STD
    sheet = std.sheet(sheet_id)
    col = sheet.column(col_id)
    wb = books[wb_id]
    ws = wb[sheet.name]
    index = [c.id for c in sheet.columns].index(col_id) + 1
    header = ws.cell(1, index)
    assert header.value == col.header
    assert header.font.b and header.fill.fgColor.rgb.endswith(("FCE4D6", "DDEBF7"))
    assert header.border.left.style == "thin" and header.alignment.wrap_text
    assert ws.freeze_panes == "A2"
    letter = openpyxl.utils.get_column_letter(index)
    assert ws.column_dimensions[letter].width == column_width(col)
    dv = _validation_of(ws, index)
    assert dv.showInputMessage and dv.promptTitle == col.header
    assert dv.prompt == col.help
    assert not dv.showDropDown  # True would HIDE the dropdown arrow
    expected = {"enum": "list", "count": "whole", "year": "whole", "date": "date"}
    assert dv.type == expected.get(col.type)
    if col.type == "enum":
        assert _list_values(wb, dv.formula1) == list(choices(col, std))
    if col.type == "count":
        assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
    if col.type == "year":
        assert (dv.operator, dv.formula1, dv.formula2) == ("between", "2000", "2100")
    if col.type == "date":
        # 36526 = 2000-01-01, 73415 = 2100-12-31 as Excel serials
        assert (dv.operator, dv.formula1, dv.formula2) == ("between", "36526", "73415")
        assert ws.column_dimensions[letter].number_format == DATE_FORMAT
    if dv.type:
        assert dv.showErrorMessage and dv.error


def test_problem_category_dropdown_uses_the_template_taxonomy(books):
    std = STD
    sheet = std.sheet("problems")
    index = [c.id for c in sheet.columns].index("category") + 1
    dv = _validation_of(books["round"][sheet.name], index)
    assert _list_values(books["round"], dv.formula1) == list(
        std.taxonomies[std.template_taxonomy].categories)
    assert dv.errorStyle == "warning"  # another term's taxonomy may still be typed


def test_validations_stay_within_excel_limits(books):
    """Beyond these limits Excel asks to repair the file."""
    for wb in books.values():
        assert all(len(name) <= 31 for name in wb.sheetnames)
        for ws in wb.worksheets:
            for dv in ws.data_validations.dataValidation:
                assert len(dv.prompt or "") <= PROMPT_MAX
                assert len(dv.promptTitle or "") <= TITLE_MAX
                assert len(dv.errorTitle or "") <= TITLE_MAX
                assert len(dv.error or "") <= ERROR_MAX
                assert len(dv.formula1 or "") <= 255


@pytest.mark.parametrize("text,width", [("ab", 2), ("县委", 4), ("W1-001", 6),
                                        ("受理来电来访（件次）", 20), ("", 0)])
def test_display_width_counts_chinese_as_two(text, width):
    assert display_width(text) == width


def test_libreoffice_converts_every_template(templates, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check the templates open in it")
    out = tmp_path / "converted"
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: runs beside other soffice calls
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(out),
                           *map(str, templates.values())], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    std = STD
    for wb_id, path in templates.items():
        wb = openpyxl.load_workbook(out / path.name)
        spec = std.workbook(wb_id)
        assert wb.sheetnames == [INSTRUCTIONS_SHEET, *(s.name for s in spec.sheets), LISTS_SHEET]
        assert wb[LISTS_SHEET].sheet_state == "hidden"
        for sheet in spec.sheets:
            ws = wb[sheet.name]
            assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
            lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
            assert len(lists) == sum(c.type == "enum" for c in sheet.columns)


# ------------------------------------------------------------------ round trip through the reader

D = dt.datetime
USER_ROWS = {  # what a user types, by sheet id and column id
    "terms": [{"term": "十四届", "start": D(2016, 10, 1), "end": D(2021, 9, 30)}],
    "units": [
        {"name": "县交通运输局", "category": "县直党群行政单位", "note": "含下属单位"},
        {"name": "桥头镇", "category": "乡镇（街道）", "added": D(2018, 3, 1)},
        {"name": "张家庄村党支部", "category": "村党组织", "township": "桥头镇",
         "removed": D(2020, 12, 31)},
    ],
    "basic_info": [{"item": "县名", "content": "青禾县"},
                   {"item": "编制单位", "content": "中共青禾县委巡察工作领导小组办公室"}],
    "round_info": [{"term": "十四届", "round": "6", "type": "常规巡察", "group": "第一巡察组",
                    "leader": "张三", "start": D(2020, 4, 7), "end": D(2020, 7, 3),
                    "report_leading_group": D(2020, 7, 15), "report_secretary": D(2020, 7, 25),
                    "feedback": D(2020, 8, 7), "filled_by": "李四", "filled_on": D(2020, 8, 10)}],
    "round_orgs": [
        {"group": "第一巡察组", "org": "县交通运输局", "category": "县直党群行政单位",
         "start": D(2020, 4, 7), "end": D(2020, 7, 3), "grade": "良好"},
        {"group": "第一巡察组", "org": "张家庄村党支部", "start": D(2020, 5, 6),
         "end": D(2020, 5, 26), "note": "延伸巡察"},
    ],
    "workload": [
        {"group": "第一巡察组", "date": D(2020, 4, 30), "visits_received": 12, "talks": 85,
         "briefings": 6, "documents": 320, "vouchers": 45, "questionnaires": 150,
         "field_visits": 8},
        {"group": "第一巡察组", "org": "张家庄村党支部", "date": D(2020, 5, 26),
         "visits_received": "3", "talks": "20", "briefings": "1", "documents": "40",
         "vouchers": "9", "questionnaires": "0", "field_visits": "2"},
    ],
    "problems": [
        {"problem_id": "W6-001", "group": "第一巡察组", "org": "县交通运输局",
         "category": "群众身边腐败问题和不正之风", "summary": "项目资金拨付不规范",
         "found": D(2020, 5, 12), "fixed_on_spot": "是", "status": "已整改",
         "rectified_on": D(2020, 5, 20), "deadline": D(2020, 11, 30)},
        {"problem_id": "W6-002", "group": "第一巡察组", "org": "张家庄村党支部",
         "category": "基层党组织软弱涣散、组织力欠缺", "summary": "“三会一课”制度落实不严格",
         "found": D(2020, 5, 18), "status": "整改中"},
    ],
    "clues": [{"clue_id": "X6-01", "group": "第一巡察组", "org": "县交通运输局",
               "found": D(2020, 5, 20), "cadres": "2", "others": 0,
               "transferred_to": "县纪委监委", "transferred_on": D(2020, 7, 28),
               "summary": "反映某干部违规发放补贴"}],
    "special_work": [{"item": "脱贫攻坚问题整改情况“回头看”", "type": "整改监督检查",
                      "start": D(2020, 4, 7), "end": D(2020, 6, 30), "problems": 8,
                      "rectified": "6", "clues": 0, "note": "对照问题清单逐项检查"}],
    "team": [{"year": 2020, "item": "行政编制", "count": 9},
             {"year": "2020", "item": "实有在编", "count": "7"}],
    "training": [{"date": D(2020, 4, 2), "name": "巡前业务培训", "type": "业务培训",
                  "participants": 36}],
}


REGISTRY_CATEGORY = {u["name"]: u["category"] for u in USER_ROWS["units"]}


def _fill_templates(out: Path, rows: dict[str, list[dict]], std=None) -> None:
    """Generate the templates into ``out`` and type ``rows`` under their headers, as a user."""
    std = std or STD
    for wb_spec, path in zip(std.template_workbooks, write_templates(out, std)):
        wb = openpyxl.load_workbook(path)
        for sheet in wb_spec.sheets:
            ws = wb[sheet.name]
            where = {cell.value: cell.column for cell in ws[1]}
            for r, row in enumerate(rows.get(sheet.id, []), start=2):
                for col_id, value in row.items():
                    ws.cell(r, where[sheet.header(col_id)], value)
        wb.save(path)


def _expected(col, value):
    """What the reader should give for a typed cell (see pipeline/model.py)."""
    if col.type == "date":
        return pd.NaT if value is None else pd.Timestamp(value)
    if col.type in ("count", "year"):
        return 0 if value is None else int(value)
    if value is None:
        return col.default
    return value


def _same(actual, expected) -> bool:
    if expected is pd.NaT or expected is None:
        return pd.isna(actual)
    return actual == expected


@pytest.fixture
def load_dataset():
    from pipeline.engine import load_dataset

    return load_dataset


def test_filled_templates_read_back_exactly(tmp_path, load_dataset):
    _fill_templates(tmp_path, USER_ROWS)
    ds = load_dataset(tmp_path, STD)
    assert [f for f in ds.findings if f.is_error] == []
    std = STD
    for sheet_id, rows in USER_ROWS.items():
        table = ds.tables[sheet_id].sort_values("source_row")
        assert list(table["source_row"]) == list(range(2, 2 + len(rows)))
        for (_, got), row in zip(table.iterrows(), rows):
            for col in std.sheet(sheet_id).columns:
                want = _expected(col, row.get(col.id))
                if (sheet_id, col.id) == ("round_orgs", "category") and want is None:
                    want = REGISTRY_CATEGORY[row["org"]]  # a blank 对象类别 comes from the registry
                assert _same(got[col.id], want), (sheet_id, col.id, got[col.id], want)


# ------------------------------------------------------------------ a label changed in schemas/


RELABEL = (("standard.toml", 'header = "问题摘要"', 'header = "问题简述"'),
           ("enums.toml", '"回头看"', '"巡察回头看"'))


@pytest.fixture
def relabelled_dir(tmp_path) -> Path:
    """A copy of schemas/ with the header 问题摘要 -> 问题简述 and the type 回头看 -> 巡察回头看."""
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, schemas)
    for name, old, new in RELABEL:
        path = schemas / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= 1  # 问题摘要 also heads the 整改进展表's copy of the problem
        path.write_text(text.replace(old, new), encoding="utf-8")
    return schemas


@pytest.fixture
def relabelled(relabelled_dir):
    """The relabelled standard, loaded in this process beside the shipped one."""
    return load_standard(relabelled_dir)


def test_a_relabelled_header_and_value_reach_the_template(relabelled, tmp_path):
    paths = write_templates(tmp_path / "out", relabelled)
    wb = openpyxl.load_workbook(paths[1])
    assert "问题简述" in [c.value for c in wb["发现问题"][1]]
    assert "问题摘要" not in [c.value for c in wb["发现问题"][1]]
    assert "巡察回头看" in [c.value for c in wb[LISTS_SHEET]["A"]]


def test_a_relabelled_header_and_value_reach_the_reader(relabelled, tmp_path):
    """Two standards in one process: the relabelled one reads the relabelled workbooks,
    and the shipped one, run right after, still has its own labels (no global state)."""
    rows = {k: [dict(r) for r in v] for k, v in USER_ROWS.items()}
    rows["round_info"][0]["type"] = "巡察回头看"
    _fill_templates(tmp_path / "in", rows, relabelled)
    from pipeline.engine import load_dataset as load

    ds = load(tmp_path / "in", relabelled)
    result = {"errors": [f.message for f in ds.errors],
              "summary": list(ds.tables["problems"]["summary"]),
              "type": list(ds.tables["round_info"]["type"])}
    assert result == {"errors": [], "summary": ["项目资金拨付不规范", "“三会一课”制度落实不严格"],
                      "type": ["巡察回头看"]}
    shipped = load(tmp_path / "in", STD)  # 问题简述 is not a header of the shipped standard
    assert {f.code for f in shipped.findings} >= {"column-missing", "enum-invalid"}


def test_registry_template_has_the_optional_plan_sheet(books):
    """巡察计划: after the registry's other sheets, 巡察类型 as a dropdown, dates validated, in 填表说明."""
    book, plan = books["registry"], STD.sheet("plan")
    assert book.sheetnames[-2:] == [plan.name, LISTS_SHEET]
    ws = book[plan.name]
    assert [c.value for c in ws[1]] == [c.header for c in plan.columns]
    ids = [c.id for c in plan.columns]
    kind = _validation_of(ws, ids.index("type") + 1)
    assert kind.type == "list" and _list_values(book, kind.formula1) == list(STD.enum_values("round_type"))
    for col_id in ("start", "end"):
        assert _validation_of(ws, ids.index(col_id) + 1).type == "date"
    assert _validation_of(ws, ids.index("round") + 1).type == "whole"
    notes = [r[0] for r in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if r[0]]
    assert f"工作表“{plan.name}”（可选，不用可删除）：{plan.purpose}" in notes
