"""校验报告.xlsx: columns, order, autofilter, frozen header, summary, excluded files."""

from __future__ import annotations

import openpyxl
import pytest

import wb
from pipeline.engine import load_dataset
from pipeline.findings import Level
from pipeline.model import Dataset, Finding, Skipped
from pipeline.read.load import drop_invalid
from pipeline.render.check_report import (
    NO_FINDINGS,
    SHEET_FINDINGS,
    SHEET_SUMMARY,
    display_width,
    finding_headers,
    write_check_report,
)
from shipped import STD

RND = STD.workbook("round").file
ERROR, WARNING = Level.ERROR.value, Level.WARNING.value  # as the report shows them


def _rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _planted(tmp_path):
    spec = wb.county_spec()
    spec["round"]["workload"][1]["talks"] = "12人"  # error, 工作量 row 3
    spec["round"]["workload"][0]["talks"] = "=80+5"  # error, 工作量 row 2 (formula kept as text)
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # warning, 发现问题 row 2
    spec["round"]["clues"][0]["cadres"] = "两人"  # error, 问题线索 row 2
    folder = tmp_path / "inputs"
    wb.write_county(folder, spec)
    (folder / "~$锁.xlsx").write_bytes(b"x")
    return load_dataset(folder, STD)


def test_findings_sheet(tmp_path):
    ds = _planted(tmp_path)
    path = write_check_report(ds, STD, tmp_path / "out" / "校验报告.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SHEET_FINDINGS, SHEET_SUMMARY, STD.sheet("explanations").name]
    ws = book[SHEET_FINDINGS]
    rows = _rows(ws)
    assert rows[0] == finding_headers(STD) == ["级别", "文件", "工作表", "行", "列", "值", "问题说明", "问题代码"]
    talks = STD.sheet("workload").header("talks")
    assert [r[:6] + [r[7]] for r in rows[1:]] == [
        [ERROR, RND, "工作量", 2, talks, "=80+5", "formula-no-cached-value"],
        [ERROR, RND, "工作量", 3, talks, "12人", "count-invalid"],
        [WARNING, RND, "发现问题", 2, STD.sheet("problems").header("found"), "2020-03-01", "date-outside-round"],
        [ERROR, RND, "问题线索", 2, STD.sheet("clues").header("cadres"), "两人", "count-invalid"],
    ]  # sheets in the standard's order
    assert ws["F2"].data_type == "s"  # "=80+5" written as text, not a formula
    assert ws.auto_filter.ref == "A1:H5"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["G"].width >= 40  # messages are readable


def test_summary_sheet_counts_per_file_and_skipped(tmp_path):
    ds = _planted(tmp_path)
    book = openpyxl.load_workbook(write_check_report(ds, STD, tmp_path / "r.xlsx"))
    rows = _rows(book[SHEET_SUMMARY])
    assert rows[0][0] == "读取工作簿 3 份；错误 3 处，警告 1 处（已说明 0 处，未说明 1 处）。"
    table = rows[rows.index(["文件", "工作簿类型", "错误", "警告"]) + 1:]
    assert table[:3] == [["巡察对象名册.xlsx", "巡察对象名册", 0, 0], [RND, "巡察轮次填报表", 3, 1],
                         ["年度综合情况.xlsx", "年度综合情况", 0, 0]]
    skipped = table[table.index(["跳过的文件", "原因", None, None]) + 1]
    assert skipped[0] == "~$锁.xlsx"


def test_no_findings_says_so(valid_inputs, tmp_path):
    book = openpyxl.load_workbook(write_check_report(load_dataset(valid_inputs, STD), STD, tmp_path / "r.xlsx"))
    rows = _rows(book[SHEET_FINDINGS])
    assert len(rows) == 2 and rows[1][6] == NO_FINDINGS


def test_excluded_files_at_the_top(tmp_path):
    ds = drop_invalid(_planted(tmp_path), STD)
    book = openpyxl.load_workbook(write_check_report(ds, STD, tmp_path / "r.xlsx"))
    for name in (SHEET_FINDINGS, SHEET_SUMMARY):
        first = _rows(book[name])[0][0]
        assert first.startswith("注意：以下 1 份工作簿有错误，未计入统计") and RND in first
    assert _rows(book[SHEET_FINDINGS])[2] == finding_headers(STD)
    assert book[SHEET_FINDINGS].freeze_panes == "A4"


def test_confidential_clue_summary_never_written(tmp_path):
    spec = wb.county_spec()
    secret = spec["round"]["clues"][0]["summary"]
    spec["round"]["clues"][0]["summary"] = "=CONCAT(\"机密\")"  # a formula in the confidential column
    spec["round"]["clues"][0]["others"] = "一人"
    folder = tmp_path / "inputs"
    wb.write_county(folder, spec)
    ds = load_dataset(folder, STD)
    assert {f.code for f in ds.findings} == {"formula-no-cached-value", "count-invalid"}
    book = openpyxl.load_workbook(write_check_report(ds, STD, tmp_path / "r.xlsx"))
    text = " ".join(str(v) for ws in book for row in _rows(ws) for v in row if v is not None)
    assert "机密" not in text and secret not in text


def test_written_atomically_and_values_not_converted(tmp_path):
    ds = Dataset(tables={}, sources=[], skipped=[Skipped("a.txt", "不是电子表格文件")], findings=[
        Finding(ERROR, "x-code", "说明", "f.xlsx", "表", 2, "列", "http://example.com"),
        Finding(WARNING, "y-code", "说明", "f.xlsx", "表", 1, "列", "0012"),
    ])
    out = tmp_path / "out"
    write_check_report(ds, STD, out / "校验报告.xlsx")
    assert [p.name for p in out.iterdir()] == ["校验报告.xlsx"]
    ws = openpyxl.load_workbook(out / "校验报告.xlsx")[SHEET_FINDINGS]
    assert [ws["F2"].value, ws["F3"].value] == ["0012", "http://example.com"]  # sorted by row; text kept
    assert ws["F2"].hyperlink is None and ws["F3"].hyperlink is None


@pytest.mark.parametrize("text, width", [("abc", 3), ("巡察组", 6), ("第1组", 5), ("", 0)])
def test_display_width_counts_chinese_twice(text, width):
    assert display_width(text) == width


def test_the_code_column(tmp_path):
    """问题代码 is a column of its own, headed so, holding each finding's stable code."""
    ds = _planted(tmp_path)
    rows = _rows(openpyxl.load_workbook(write_check_report(ds, STD, tmp_path / "r.xlsx"))[SHEET_FINDINGS])
    level, sheet, code = (rows[0].index(h) for h in ("级别", "工作表", "问题代码"))
    assert code == len(rows[0]) - 1  # last, after 问题说明
    by_place = {(r[sheet], r[rows[0].index("行")]): (r[level], r[code]) for r in rows[1:]}
    assert by_place[("工作量", 3)] == ("错误", "count-invalid")  # 12人
    assert by_place[("发现问题", 2)] == ("警告", "date-outside-round")  # found 2020-03-01, before the round
