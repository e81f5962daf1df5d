"""Explanations (核实说明) of warnings, and the 核实性 checks (office-loop.md §2).

Matching is tested on small explanation frames (the typed frame ``load_dataset`` makes:
text cells stripped, blank = None); the round trip runs the real CLI: write the check
report, fill its 核实说明 sheet, copy it into the inputs, run again.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import wb
from pipeline.authoring.explanation_form import WORKBENCH_FILE, add_explanation
from pipeline.check.explain import match_explanations, whole_row
from pipeline.engine import load_dataset
from pipeline.errors import XunchaError
from pipeline.explanations import CheckCounts, explanation_key
from pipeline.findings import finding
from pipeline.launch import main
from shipped import STD

RND = STD.workbook("round").file
EXPL = STD.sheet("explanations")
TEXT_HEADER = EXPL.header("text")
FOUND = STD.sheet("problems").header("found")
CADRES = STD.sheet("clues").header("cadres")
GROUP = STD.sheet("round_info").header("group")

# a warning and an error of a round workbook
WARN = finding("date-outside-round", file=RND, sheet="发现问题", row=2, column=FOUND, value="2020-03-01",
               start="2020-04-01", end="2020-06-30", slack="")
ERR = finding("count-invalid", file=RND, sheet="工作量", row=3, column="个别谈话（人次）", value="12人")
KEY = (RND, "发现问题", 2, FOUND, "date-outside-round")
GOOD = "发现日期系补录巡察前的信访件，经核实属实"  # 20 characters


def _frame(*rows: dict, file: str = "核实说明.xlsx") -> pd.DataFrame:
    """Explanation rows as load_dataset types them (Excel rows 2, 3, ...)."""
    data = []
    for i, row in enumerate(rows):
        full = {c.id: None for c in EXPL.columns}
        full.update(row)
        data.append({**full, "source_file": row.get("source_file", file), "source_sheet": EXPL.name,
                     "source_row": i + 2})
    return pd.DataFrame(data)


def _explain(key=KEY, text=GOOD, **more) -> dict:
    file, sheet, row, column, code = key
    return {"file": file, "sheet": sheet, "row": row, "column": column, "code": code, "text": text, **more}


def _match(*rows, findings=(WARN, ERR)):
    return match_explanations(_frame(*rows), list(findings), STD)


# ---------------------------------------------------------------- matching

def test_an_explanation_with_the_same_key_explains_the_warning():
    explained, found = _match(_explain(text=f"  {GOOD} "))
    assert explained == {KEY: GOOD}  # stripped
    assert found == []
    assert explanation_key(WARN) == KEY


@pytest.mark.parametrize("row", ["2", 2.0, " 2 ", "2.0", 2])
def test_the_row_is_read_as_a_whole_number(row):
    explained, found = _match(_explain(key=(RND, "发现问题", row, FOUND, "date-outside-round")))
    assert list(explained) == [KEY] and found == []


def test_whole_row():
    assert [whole_row(v) for v in ("12", " 12 ", "12.0", 12.0, 12, None, "", "第12行", "12.5")] == [
        12, 12, 12, 12, 12, None, None, "第12行", "12.5"]


def test_key_cells_are_stripped():
    explained, _ = _match(_explain(key=(f" {RND} ", " 发现问题", "2", f"{FOUND} ", " date-outside-round ")))
    assert list(explained) == [KEY]


def test_five_characters_are_too_short_six_are_accepted():
    explained, found = _match(_explain(text="核实过了的"), _explain(text="  已与本人核实 "))
    assert explained == {KEY: "已与本人核实"}  # 已 与 本 人 核 实: 6 characters after stripping
    [short] = found
    assert (short.code, short.file, short.sheet, short.row, short.column, short.value) == (
        "explanation-too-short", "核实说明.xlsx", EXPL.name, 2, TEXT_HEADER, "核实过了的")
    assert "只有 5 个字" in short.message and "至少 6 个字" in short.message
    assert not short.is_error


@pytest.mark.parametrize("text", ["经 核实，无误。", "情况属实！！！", "  核实无误 ;  ", "经核实无误……"])
def test_a_bare_confirmation_is_not_accepted_whatever_its_spaces_and_punctuation(text):
    explained, found = _match(_explain(text=text))
    assert explained == {}
    assert [(f.code, f.row) for f in found] == [("explanation-too-short", 2)]


def test_an_explanation_of_no_current_finding_is_unmatched():
    explained, found = _match(_explain(key=(RND, "发现问题", 99, FOUND, "date-outside-round")))
    assert explained == {}
    [f] = found
    assert (f.code, f.file, f.row, f.column, f.value) == ("explanation-unmatched", "核实说明.xlsx", 2, TEXT_HEADER,
                                                           GOOD)
    assert f"{RND}，发现问题，第99行，{FOUND}，date-outside-round" in f.message


def test_an_explanation_of_an_error_is_reported():
    explained, found = _match(_explain(key=(RND, "工作量", 3, "个别谈话（人次）", "count-invalid")))
    assert explained == {}
    assert [(f.code, f.row) for f in found] == [("explanation-for-error", 2)]
    assert "错误必须改正" in found[0].message


def test_blank_text_is_no_explanation():
    explained, found = _match(_explain(text=None), _explain(key=(RND, "x", 1, "y", "z"), text=None))
    assert (explained, found) == ({}, [])


def test_one_rejected_and_one_accepted_explanation():
    explained, found = _match(_explain(text="属实"), _explain(text=GOOD))
    assert explained == {KEY: GOOD}
    assert [(f.code, f.row) for f in found] == [("explanation-too-short", 2)]


def test_two_accepted_explanations_are_joined_in_file_order():
    later = "第二份说明：信访件转办日期早于进驻日期"
    rows = [_explain(text=GOOD, source_file="a.xlsx"), _explain(text=later, source_file="b.xlsx")]
    explained, found = _match(*rows)
    assert explained == {KEY: f"{GOOD}\n{later}"} and found == []


def test_an_explanation_of_an_unexplainable_warning_is_ignored():
    about = finding("explanation-unmatched", file="核实说明.xlsx", sheet=EXPL.name, row=5, column=TEXT_HEADER,
                    value="x", target="y")
    key = explanation_key(about)
    explained, found = _match(_explain(key=key), findings=(WARN, about))
    assert (explained, found) == ({}, [])


def test_counts():
    about = finding("explanation-too-short", file="核实说明.xlsx", sheet=EXPL.name, row=2, column=TEXT_HEADER,
                    value="属实", variant="bare")
    other = finding("clue-no-people", file=RND, sheet="问题线索", row=2, column=CADRES, value="0",
                    others_header="涉及其他人员（人）")
    # 1 error; 3 warnings: WARN explained, other unexplained, about never explainable -> 1 + 2
    counts = CheckCounts.of([WARN, ERR, about, other], {KEY: GOOD, explanation_key(ERR): "x"})
    assert counts == CheckCounts(errors=1, warnings=3, explained=1, unexplained=2)
    assert counts.line() == "错误 1 处，警告 3 处（已说明 1 处，未说明 2 处）"
    assert counts.as_dict() == {"errors": 1, "warnings": 3, "explained": 1, "unexplained": 2}


# ---------------------------------------------------------------- 核实性 checks

def _codes(tmp_path, spec) -> list[tuple]:
    wb.write_county(tmp_path / "in", spec)
    ds = load_dataset(tmp_path / "in", STD)
    return [(f.code, f.file, f.sheet, f.row, f.column, f.value) for f in ds.findings]


def test_clue_naming_nobody(tmp_path):
    spec = wb.county_spec()
    spec["round"]["clues"][0].update(cadres=0, others=None)  # 0 and blank
    assert _codes(tmp_path, spec) == [("clue-no-people", RND, "问题线索", 2, CADRES, "0")]


def test_clue_with_an_unreadable_count_gets_only_the_error(tmp_path):
    spec = wb.county_spec()
    spec["round"]["clues"][0].update(cadres="两人", others=0)
    assert [c[0] for c in _codes(tmp_path, spec)] == ["count-invalid"]


@pytest.mark.parametrize("sheet_id, code", [("workload", "group-no-work"), ("problems", "group-no-problems")])
def test_finished_group_without_rows(tmp_path, sheet_id, code):
    spec = wb.county_spec()
    spec["round"][sheet_id] = []
    assert _codes(tmp_path, spec) == [(code, RND, "轮次信息", 2, GROUP, wb.GROUP)]


def test_group_still_at_work_may_have_no_rows_yet(tmp_path):
    spec = wb.county_spec()
    spec["round"]["round_info"][0]["end"] = None
    spec["round"]["workload"] = []
    spec["round"]["problems"] = []
    assert _codes(tmp_path, spec) == []


# ---------------------------------------------------------------- the round trip

def _run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def _planted(folder: Path) -> None:
    """The valid county with two warnings: a problem found before the round, a clue naming nobody."""
    spec = wb.county_spec()
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # date-outside-round, 发现问题 row 2
    spec["round"]["clues"][0].update(cadres=0, others=0)  # clue-no-people, 问题线索 row 2
    wb.write_county(folder, spec)


def _fill(report: Path, target: Path, texts: dict[str, str]) -> None:
    """Copy the check report to ``target`` with 核实说明 filled by 问题代码, as a user would."""
    book = openpyxl.load_workbook(report)
    ws = book[EXPL.name]
    header = [c.value for c in ws[1]]
    code_col, text_col = header.index(EXPL.header("code")) + 1, header.index(TEXT_HEADER) + 1
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, code_col).value
        if code in texts:
            ws.cell(r, text_col, texts[code])
    book.save(target)


def _explanation_rows(report: Path) -> list[dict]:
    ws = openpyxl.load_workbook(report)[EXPL.name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_round_trip_through_the_check_report(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _planted(inputs)
    code, text = _run(capsys, "validate", "--inputs", inputs, "--outputs", out)
    assert code == 0
    assert "读取工作簿 3 份；错误 0 处，警告 2 处（已说明 0 处，未说明 2 处）。" in text
    report = out / "校验报告.xlsx"
    book = openpyxl.load_workbook(report)
    ws = book[EXPL.name]
    assert [c.value for c in ws[1]] == ["文件", "工作表", "行", "列", "问题代码", "核实说明", "值", "问题说明", "状态"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I3"
    assert [(r["工作表"], r["行"], r["问题代码"], r["核实说明"], r["状态"]) for r in _explanation_rows(report)] == [
        ("发现问题", 2, "date-outside-round", None, "未说明"), ("问题线索", 2, "clue-no-people", None, "未说明")]

    _fill(report, inputs / "校验报告.xlsx", {"date-outside-round": GOOD, "clue-no-people": "属实"})
    code, text = _run(capsys, "validate", "--inputs", inputs, "--outputs", out)
    # 2 warnings of the data (1 explained) + explanation-too-short for "属实" (never explainable)
    assert "读取工作簿 4 份；错误 0 处，警告 3 处（已说明 1 处，未说明 2 处）。" in text
    ds = load_dataset(inputs, STD)
    assert [s.kind for s in ds.sources if s.path == "校验报告.xlsx"] == ["explanations"]
    assert [(f.code, f.file, f.row) for f in ds.findings] == [
        ("date-outside-round", RND, 2), ("clue-no-people", RND, 2), ("explanation-too-short", "校验报告.xlsx", 3)]
    rows = _explanation_rows(report)
    assert [(r["文件"], r["问题代码"], r["核实说明"], r["状态"]) for r in rows] == [
        (RND, "date-outside-round", GOOD, "已说明"), (RND, "clue-no-people", None, "未说明"),
        ("校验报告.xlsx", "explanation-too-short", None, "不可说明")]
    summary = openpyxl.load_workbook(report)["汇总"]["A1"].value
    assert summary == "读取工作簿 4 份；错误 0 处，警告 3 处（已说明 1 处，未说明 2 处）。"

    code, _ = _run(capsys, "annual", "--year", "2020", "--inputs", inputs, "--outputs", out)
    assert code == 0
    metrics = json.loads((out / "2020年度" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["checks"] == {"errors": 0, "warnings": 3, "explained": 1, "unexplained": 2}
    notice = "注意：还有 2 处核实性问题（警告）未说明，请核实后改正或填写核实说明（见校验报告“核实说明”表）。"
    leaders = openpyxl.load_workbook(out / "2020年度" / "巡察工作统计_2020年度.xlsx")
    assert leaders.worksheets[0]["A3"].value == notice
    assert notice not in [c.value for c in leaders.worksheets[1]["A"]]  # the first sheet only
    draft = next((out / "2020年度").glob("*.md")).read_text(encoding="utf-8")
    assert "【待补充：还有 2 处核实性问题（警告）未说明，请核实后改正，或在校验报告“核实说明”表中填写核实说明" in draft


def test_monthly_brief_says_so_too_and_nothing_when_all_are_explained(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _planted(inputs)
    _run(capsys, "validate", "--inputs", inputs, "--outputs", out)
    _fill(out / "校验报告.xlsx", inputs / "校验报告.xlsx", {"date-outside-round": GOOD})
    assert _run(capsys, "monthly", "--month", "2020-06", "--inputs", inputs, "--outputs", out)[0] == 0
    brief = next((out / "2020年06月").glob("*.md")).read_text(encoding="utf-8")
    assert "还有 1 处核实性问题（警告）未说明" in brief
    _fill(out / "2020年06月" / "校验报告.xlsx", inputs / "校验报告.xlsx",
          {"clue-no-people": "该线索反映集体决策问题，尚未指向具体个人"})
    assert _run(capsys, "monthly", "--month", "2020-06", "--inputs", inputs, "--outputs", out)[0] == 0
    metrics = json.loads((out / "2020年06月" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["checks"] == {"errors": 0, "warnings": 2, "explained": 2, "unexplained": 0}
    assert "核实性问题" not in next((out / "2020年06月").glob("*.md")).read_text(encoding="utf-8")
    leaders = openpyxl.load_workbook(out / "2020年06月" / "巡察工作统计_2020年06月.xlsx")
    assert "核实性问题" not in str(leaders.worksheets[0]["A3"].value)


# ---------------------------------------------------------------- the workbench's file

def test_add_explanation_writes_replaces_and_removes(tmp_path):
    inputs = tmp_path / "in"
    _planted(inputs)
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    warning = next(f for f in load_dataset(inputs, STD).findings if f.code == "clue-no-people")
    path = add_explanation(inputs, warning, "  该线索反映集体决策问题，尚未指向具体个人 ", by="王五")
    assert path == inputs / WORKBENCH_FILE
    ds = load_dataset(inputs, STD)
    assert ds.explained == {explanation_key(warning): "该线索反映集体决策问题，尚未指向具体个人"}
    assert ds.counts == CheckCounts(errors=0, warnings=2, explained=1, unexplained=1)

    add_explanation(inputs, warning, "已移交县纪委监委核实涉及人员", by="王五")  # replaces
    rows = list(openpyxl.load_workbook(path)[EXPL.name].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "已移交县纪委监委核实涉及人员" and rows[1][9] == "王五"
    assert load_dataset(inputs, STD).explained == {explanation_key(warning): "已移交县纪委监委核实涉及人员"}

    add_explanation(inputs, warning, "  ")  # blank: removed
    assert load_dataset(inputs, STD).counts.explained == 0
    assert {p.name: p.read_bytes() for p in inputs.iterdir() if p.name != WORKBENCH_FILE} == before


def test_add_explanation_refuses_an_error(tmp_path):
    with pytest.raises(XunchaError, match="只能改正"):
        add_explanation(tmp_path, ERR, GOOD)
    assert not (tmp_path / WORKBENCH_FILE).exists()


def test_the_sample_shows_explained_and_unexplained_warnings():
    root = Path(__file__).resolve().parent.parent / "inputs"
    counts = load_dataset(root, STD).counts
    # 3 planted in the round workbooks (2 explained) and 5 drawn by the returned 整改进展表, explained
    # (pipeline/authoring/sample_county.py RETURNS)
    assert counts == CheckCounts(errors=0, warnings=8, explained=7, unexplained=1)
    assert (root / "核实说明" / "核实说明_2020.xlsx").is_file()
