"""The leadership workbook: sheets, titles, figures, formats, print setup, charts, no formulas.

Figures are those of tests/test_aggregate_golden.py (the hand-made county), read back
from the written file with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from county import county_dataset
from pipeline.periods import annual, monthly
from pipeline.render.table_model import display_width
from pipeline.render.workbook import header_lines, write_workbook
from pipeline.stats.aggregate import build_report
from shipped import STD

TODAY = dt.date(2021, 1, 5)
MAIN_SHEETS = ["总体情况", "分轮次", "分巡察组", "问题分类", "问题线索", "政治生态评估", "全覆盖进度",
               "未巡察单位", "报送情况", "数据来源"]
DETAIL_SHEETS = ["月度趋势", "问题明细", "巡察对象明细", "工作量明细", "全覆盖明细", "整改台账", "整改台账汇总",
                 "整改进展报送情况"]


def _write(tmp_path: Path, period, **changes) -> Path:
    ds = county_dataset()
    for key, value in changes.items():
        setattr(ds, key, value)
    return write_workbook(build_report(ds, STD, period, today=TODAY), tmp_path)


@pytest.fixture(scope="module")
def annual_path(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("annual"), annual("2020"))


@pytest.fixture(scope="module")
def monthly_path(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("monthly"), monthly("2020-06"))


@pytest.fixture(scope="module")
def book(annual_path):
    return openpyxl.load_workbook(annual_path)


def _find_row(ws, label: str) -> tuple:
    """The values of the first row whose column A is ``label``."""
    for row in ws.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"{ws.title}: no row {label!r}")


def test_file_name_and_sheets(annual_path, book):
    assert annual_path.name == "巡察工作统计_2020年度.xlsx"
    assert book.sheetnames == MAIN_SHEETS + ["图表"] + DETAIL_SHEETS


@pytest.mark.parametrize("sheet, title", [
    ("总体情况", "表1 2020年度巡察工作总体情况"),
    ("分轮次", "表2 2020年度巡察轮次情况"),
    ("全覆盖进度", "表7 2020年度巡察全覆盖进度（十四届，截至2020年12月31日）"),
    ("未巡察单位", "表8 2020年度本届尚未巡察的单位（截至2020年12月31日，共3个）"),
    ("数据来源", "表9 2020年度统计数据来源"),
    ("问题明细", "表11 2020年度发现问题明细（共11个）"),
])
def test_titles_and_compiling_line(book, sheet, title):
    ws = book[sheet]
    assert ws["A1"].value == title
    assert ws["A2"].value.startswith("编制单位：中共青禾县委巡察工作领导小组办公室　　编制日期：2021年1月5日")


def test_overview_figures_with_previous_year(book):
    ws = book["总体情况"]
    headers = [c.value.replace("\n", "") for c in ws[3]]  # long headers are broken into lines
    assert headers == ["指标", "2020年度", "上年同期（2019年度）", "同比增减", "增减幅度"]
    talks = _find_row(ws, "个别谈话（人次）")
    assert talks[1:4] == (137, 120, 17)  # 137 - 120
    assert talks[4] == pytest.approx(17 / 120)
    assert _find_row(ws, "发现问题（个）")[1:4] == (11, 6, 5)
    row = next(r for r in ws.iter_rows() if r[0].value == "整改率（已整改÷发现问题）")
    assert row[1].value == pytest.approx(6 / 11) and row[2].value == pytest.approx(4 / 6)
    assert row[1].number_format == "0.0%"


def test_group_totals_match_overview(book):
    total = _find_row(book["分巡察组"], "合计")
    # columns: 届次 轮次 巡察组 组长 类型 进驻 结束 | 巡察党组织 来电来访 谈话 ...
    assert total[7:10] == (8, 16, 137)


def test_problem_category_table(book):
    ws = book["问题分类"]
    from county import A, B, C
    # 问题类别 简称 | 发现问题 立行立改 未整改 整改中 已整改 整改率
    assert _find_row(ws, A)[2:7] == (3, 0, 0, 1, 2)  # W3-04 整改中; W3-01, W4-01 已整改
    assert _find_row(ws, B)[2:7] == (4, 1, 0, 2, 2)  # W3-05, W5-02 整改中; W3-03, W4-02
    assert _find_row(ws, C)[2:7] == (4, 1, 2, 0, 2)  # W3-06, W5-01 未整改; W2-03, W3-02
    total = _find_row(ws, "合计")
    assert total[2:7] == (11, 2, 2, 3, 6) and total[7] == pytest.approx(6 / 11)


def test_coverage_and_uninspected(book):
    ws = book["全覆盖进度"]
    assert _find_row(ws, "科级事业单位")[2:6] == (2, 1, 0.5, 1)
    assert _find_row(ws, "小计：村（社区）党组织")[2:6] == (4, 3, 0.75, 1)
    notes = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("已巡察但")]
    assert notes == ["已巡察但期末已撤并、不再计入的单位：南坡村。"]
    names = [r[1] for r in book["未巡察单位"].iter_rows(min_row=4, values_only=True)]
    assert names == ["县人防办", "县大数据中心", "北岭村"]


def test_problem_detail_lists_every_counted_problem(book):
    ws = book["问题明细"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    ids = [r[1] for r in rows if isinstance(r[0], int)]
    assert sorted(ids) == ["W2-03", "W3-01", "W3-02", "W3-03", "W3-04", "W3-05", "W3-06",
                           "W4-01", "W4-02", "W5-01", "W5-02"]
    w305 = next(r for r in rows if r[1] == "W3-05")
    # recorded 已整改 on 2021-02-01, so 整改中 at the period end; traced to its file and row
    assert (w305[9], w305[11], w305[-2], w305[-1]) == ("已整改", "整改中",
                                                      "2020/第3轮_第二巡察组.xlsx", 2)


def test_overdue_problems_lead_the_ledger(book):
    # overdue at 2020-12-31 (the ledger's red rows, longest overdue first): W3-04 (10-31),
    # W3-05 (11-30); the full ledger sheet is checked in tests/test_ledger.py
    rows = [r for r in book["整改台账"].iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [r[6] for r in rows if r[1] == "逾期未整改（红）"] == ["W3-04", "W3-05"]
    assert [r[1] for r in rows[:2]] == ["逾期未整改（红）"] * 2


def test_monthly_two_blocks_and_detail_flags(monthly_path):
    wb = openpyxl.load_workbook(monthly_path)
    ws = wb["总体情况"]
    assert ws["B3"].value == "本月（2020年06月）" and ws["F3"].value == "本年累计（2020年1—6月）"
    assert "B3:E3" in {str(r) for r in ws.merged_cells.ranges}
    talks = _find_row(ws, "个别谈话（人次）")
    assert talks[1:4] == (25, 18, 7) and talks[5:8] == (89, 73, 16)  # 25-18, 89-73
    detail = wb["问题明细"]
    flags = [r[-1] for r in detail.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert (len(flags), flags.count("是")) == (8, 5)  # year to date 8, of which June 5


def test_print_setup_and_frozen_headers(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页", ws.title
    ws = book["总体情况"]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"


def test_widths_count_chinese_as_two(book):
    assert display_width("巡察ab") == 6
    assert header_lines("受理来电来访（件次）", 8) == ["受理来电", "来访", "（件次）"]
    ws = book["未巡察单位"]
    assert ws.column_dimensions["C"].width >= display_width("县直党群行政单位")


def test_no_formulas_anywhere(annual_path, book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    with zipfile.ZipFile(annual_path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", zf.read(name)), name


def test_strings_stay_strings(tmp_path):
    ds = county_dataset()
    problems = ds.tables["problems"]
    problems.loc[problems["problem_id"] == "W3-01", "problem_id"] = "=1+1"
    path = write_workbook(build_report(ds, STD, annual("2020"), today=TODAY), tmp_path)
    ws = openpyxl.load_workbook(path)["问题明细"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"


def test_native_charts(annual_path):
    with zipfile.ZipFile(annual_path) as zf:
        charts = [n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        xml = b"".join(zf.read(n) for n in charts).decode("utf-8")
    assert len(charts) == 3  # 问题分类, 全覆盖进度, 月度趋势
    assert "问题分类!$B$4:$B$6" in xml  # categories: the 简称 of the three categories
    assert "全覆盖进度!$A$4:$A$9" in xml and "月度趋势!$A$4:$A$15" in xml


def test_excluded_named_on_every_sheet(tmp_path):
    path = _write(tmp_path, annual("2020"), excluded=["2020/坏文件.xlsx"])
    for ws in openpyxl.load_workbook(path).worksheets:
        assert "2020/坏文件.xlsx" in ws["A3"].value, ws.title


def test_empty_inputs_still_write_every_sheet(tmp_path):
    from pipeline.model import Dataset

    path = write_workbook(build_report(Dataset({}, [], []), STD, annual("2020"), today=TODAY), tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb["未巡察单位"]["A4"].value == "（本届巡察对象已全部巡察）"
    assert wb["问题明细"]["A4"].value == "（无）"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_opens_in_libreoffice(annual_path, tmp_path):
    result = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir",
                             str(tmp_path), str(annual_path)], capture_output=True, timeout=120)
    pdf = tmp_path / annual_path.with_suffix(".pdf").name
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 10_000
