"""The rectification loop (spec rectification.md): forms out, returns in, the latest word in the ledger.

The fixture is the hand-made county of tests/county.py (青禾县) and three returns worked by hand:

- A, 县供水公司 round 3, the tool's own form filled with openpyxl, 填报日期 2020-10-20: W3-03 已整改
  2020-07-20 and W3-04 已整改 2020-10-15 (deadline 10-31: on time), both with measures and evidence;
- B, 西河村 round 3, the tool's form, 填报日期 2021-01-10 (after 2020-12-31): W3-06 已整改 2021-01-08
  (deadline 2020-12-31: late) without evidence; its W3-05 row left blank (no word);
- C, 县委办公室 round 3, a workbook made by hand (header in row 1, any name, another folder), 填报日期
  2020-09-01: W3-01 整改中, although the round workbook has it 已整改 on 2020-06-15 (a regression).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

import county
import wb
from pipeline.cli import main
from pipeline.engine import load_dataset, rectification_forms
from pipeline.periods import annual, monthly
from pipeline.render.summary import write_documents
from pipeline.render.workbook import write_workbook
from pipeline.stats.aggregate import build_report
from pipeline.stats.ledger import build_ledger
from pipeline.stats.selection import Frames
from shipped import STD

D = dt.date
SHEET = STD.sheet("progress")
FORMS_DAY = D(2020, 9, 1)  # the day the office writes the forms
SUPPLY, XIHE, OFFICE = "县供水公司", "西河村", "县委办公室"
DONE, DOING = "已整改", "整改中"
FILLED = {  # form -> problem -> cells to fill (column ids of 整改进展)
    "A": {"W3-03": {"status": DONE, "rectified_on": D(2020, 7, 20), "measures": "修订采购制度并组织培训",
                    "evidence": "《采购管理办法》（2020年7月修订）", "filed_on": D(2020, 10, 20)},
          "W3-04": {"status": DONE, "rectified_on": D(2020, 10, 15), "measures": "追回多付款项，约谈责任人",
                    "evidence": "退款凭证；约谈记录", "filed_on": D(2020, 10, 20)}},
    "B": {"W3-06": {"status": DONE, "rectified_on": D(2021, 1, 8), "measures": "重新公示低保名单",
                    "filed_on": D(2021, 1, 10)}},
}


def _problem(pid: str) -> dict:
    """The round workbook's row of a problem (tests/county.py), as the form pre-fills it."""
    for sub in county.SUBMISSIONS:
        for i, org, cat, _found, _fx, _st, _ro, deadline in sub["problems"]:
            if i == pid:
                return {"term": county.TERM, "round": sub["info"]["round"], "org": org, "problem_id": i,
                        "category": cat, "summary": f"问题{i}", "deadline": deadline}
    raise KeyError(pid)


def fill(form: Path, target: Path, answers: dict[str, dict]) -> Path:
    """The form as an organisation returns it: the cells to fill of some rows, saved by openpyxl."""
    book = openpyxl.load_workbook(form)
    ws = book[SHEET.name]
    header = {c.value: c.column for c in ws[3]}
    for row in ws.iter_rows(min_row=4):
        for col_id, value in answers.get(row[header[SHEET.header("problem_id")] - 1].value, {}).items():
            ws.cell(row[0].row, header[SHEET.header(col_id)], value)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def by_hand(path: Path, rows: list[dict]) -> Path:
    """A return made by hand: the sheet 整改进展 with the standard's header in row 1."""
    return wb.write_workbook(path, {SHEET.name: wb.table("progress", rows)})


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """The county's inputs and the forms the tool wrote for it on FORMS_DAY."""
    root = tmp_path_factory.mktemp("forms")
    county.write_county(root / "inputs")
    run = rectification_forms(root / "inputs", root / "outputs", STD, today=FORMS_DAY)
    return root, run


def _form(run, org: str) -> Path:
    return next(p for p in run.written if p.suffix == ".xlsx" and f"_{org}_" in p.name)


@pytest.fixture(scope="module")
def looped(forms, tmp_path_factory):
    """A copy of the county's inputs with the returns A, B and C."""
    root, run = forms
    inputs = tmp_path_factory.mktemp("looped") / "inputs"
    shutil.copytree(root / "inputs", inputs)
    fill(_form(run, SUPPLY), inputs / "整改进展" / "供水公司交回.xlsx", FILLED["A"])
    fill(_form(run, XIHE), inputs / "整改进展" / "西河村.xlsx", FILLED["B"])
    by_hand(inputs / "其他" / "县委办进展（手工）.xlsx",
            [{**_problem("W3-01"), "status": DOING, "measures": "重新制定“三重一大”议事规则",
              "filed_on": D(2020, 9, 1)}])
    return inputs, load_dataset(inputs, STD)


# ------------------------------------------------------------------ out: the forms


def test_a_form_for_each_organisation_and_round_with_an_open_problem(forms):
    # open on 2020-09-01 (found by then, not 已整改 by then): W2-04 西河乡 (round 2); W3-04 县供水公司;
    # W3-05 (rectified only 2021), W3-06 西河村. 县委办公室 and 县人防办 have every problem rectified; W5 found later.
    _, run = forms
    assert [(f.term, f.round, f.org, [r["problem_id"] for r in f.rows]) for f in run.forms] == [
        (county.TERM, 2, "西河乡", ["W2-04"]), (county.TERM, 3, SUPPLY, ["W3-03", "W3-04"]),
        (county.TERM, 3, XIHE, ["W3-05", "W3-06"])]
    assert [(f.open, f.earliest) for f in run.forms] == [(1, None), (1, D(2020, 10, 31)), (2, D(2020, 11, 30))]
    assert [p.name for p in run.written] == [
        "整改进展_西河乡_十四届第2轮.xlsx", "巡察反馈问题清单_西河乡_十四届第2轮.docx",
        "整改进展_县供水公司_十四届第3轮.xlsx", "巡察反馈问题清单_县供水公司_十四届第3轮.docx",
        "整改进展_西河村_十四届第3轮.xlsx", "巡察反馈问题清单_西河村_十四届第3轮.docx"]
    with zipfile.ZipFile(run.archive) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in run.written)


def _xml_text(path: Path) -> str:
    """Every XML part of an .xlsx/.docx/.zip as one text (nested zips opened too)."""
    out = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith((".xlsx", ".docx")):
                inner = Path(path.parent / ("." + name))
                inner.write_bytes(data)
                out.append(_xml_text(inner))
                inner.unlink()
            else:
                out.append(data.decode("utf-8", "replace"))
    return "\n".join(out)


def test_each_form_holds_exactly_its_problems_and_nothing_of_the_clues(forms):
    root, run = forms
    all_ids = {i for sub in county.SUBMISSIONS for i, *_ in sub["problems"]}
    clue_ids = {i for sub in county.SUBMISSIONS for i, *_ in sub["clues"]}
    for form in run.forms:
        mine = {r["problem_id"] for r in form.rows}
        for path in (p for p in run.written if f"_{form.org}_" in p.name):  # its workbook and its list
            text = _xml_text(path)
            assert all(i in text for i in mine), path.name
            assert not any(i in text for i in all_ids - mine), path.name  # no other organisation's problem
    for path in (root / "outputs").rglob("*"):
        if path.is_file():
            text = _xml_text(path) if path.suffix in (".xlsx", ".docx", ".zip") else path.read_text("utf-8")
            assert county.CANARY not in text and not any(c in text for c in clue_ids), path.name


def test_the_form_is_protected_with_a_dropdown_and_instructions(forms):
    _, run = forms
    book = openpyxl.load_workbook(_form(run, XIHE))
    assert book.sheetnames == ["填表说明", SHEET.name, "下拉列表"]
    assert book["下拉列表"].sheet_state == "hidden" and book.active.title == SHEET.name
    ws = book[SHEET.name]
    assert "西河村" in ws["A1"].value and "2020年11月30日" in ws["A2"].value  # the earliest open deadline
    assert [c.value for c in ws[3]] == [c.header for c in SHEET.columns]
    assert ws.protection.sheet and not ws.protection.password
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2], r[3], r[5], r[6]) for r in rows] == [
        ("十四届", 3, XIHE, "W3-05", "问题W3-05", dt.datetime(2020, 11, 30)),
        ("十四届", 3, XIHE, "W3-06", "问题W3-06", dt.datetime(2020, 12, 31))]
    assert all(v is None for r in rows for v in r[7:])  # nothing of the cells to fill
    for col_no, col in enumerate(SHEET.columns, start=1):
        assert ws.cell(4, col_no).protection.locked is col.prefilled, col.header
    status = next(i for i, c in enumerate(SHEET.columns, start=1) if c.id == "status")
    letter = openpyxl.utils.get_column_letter(status)
    dv = next(v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}4"))
    assert dv.type == "list" and dv.formula1.startswith("'下拉列表'!$")
    assert "已整改" in "".join(str(c.value) for c in book["下拉列表"]["A"])


def test_the_problem_list_names_the_organisation_and_numbers_its_problems(forms):
    _, run = forms
    doc = Document(next(p for p in run.written if p.name == "巡察反馈问题清单_西河村_十四届第3轮.docx"))
    lines = [p.text for p in doc.paragraphs if p.text]
    assert lines[:3] == ["巡察反馈问题清单", "（十四届第三轮巡察）", "西河村："]
    assert "第二巡察组于2020年4月7日至2020年6月24日对你单位开展了常规巡察，并于2020年8月19日反馈了巡察意见" in lines[3]
    assert "1．问题W3-05。（问题编号：W3-05；整改时限：2020年11月30日）" in lines
    assert "2．问题W3-06。（问题编号：W3-06；整改时限：2020年12月31日）" in lines
    assert lines[-2:] == ["中共青禾县委巡察工作领导小组办公室", "2020年9月1日"]


def test_forms_narrowed_by_organisation_and_an_unknown_one_refused(forms, tmp_path, capsys):
    root, _ = forms
    assert main(["rectification-forms", "--inputs", str(root / "inputs"), "--outputs", str(tmp_path),
                 "--org", SUPPLY]) == 0
    assert sorted(p.name for p in (tmp_path / "整改进展表").iterdir()) == [
        "巡察反馈问题清单_县供水公司_十四届第3轮.docx", "整改进展_县供水公司_十四届第3轮.xlsx",
        "整改进展表（本次生成）.zip"]
    assert "已为 1 个单位（按轮次）生成整改进展表和问题清单，共 2 个文件" in capsys.readouterr().out
    assert main(["rectification-forms", "--inputs", str(root / "inputs"), "--outputs", str(tmp_path),
                 "--org", "县供水"]) == 2
    assert "没有找到被巡察党组织“县供水”的巡察反馈问题" in capsys.readouterr().err


# ------------------------------------------------------------------ in: returns read back


def test_returns_are_read_with_the_other_workbooks(looped):
    inputs, ds = looped
    assert ds.errors == []
    kinds = {s.path: s.kind for s in ds.sources}
    returns = ("整改进展/供水公司交回.xlsx", "整改进展/西河村.xlsx", "其他/县委办进展（手工）.xlsx")
    assert [kinds[p] for p in returns] == ["rectification"] * 3
    rows = ds.tables["progress"].sort_values(["source_file", "source_row"])
    # B's blank W3-05 row is no word: only the rows filled are read, with their Excel rows
    assert [(r.source_file, r.source_row, r.problem_id, r.status) for r in rows.itertuples()] == [
        ("其他/县委办进展（手工）.xlsx", 2, "W3-01", DOING), ("整改进展/供水公司交回.xlsx", 4, "W3-03", DONE),
        ("整改进展/供水公司交回.xlsx", 5, "W3-04", DONE), ("整改进展/西河村.xlsx", 5, "W3-06", DONE)]
    # the warnings these returns deserve, and no other (the pre-filled dates read back equal)
    assert sorted((f.code, f.file, f.row, f.column) for f in ds.findings) == [
        ("rectified-after-deadline", "整改进展/西河村.xlsx", 5, SHEET.header("rectified_on")),
        ("rectified-without-evidence", "整改进展/西河村.xlsx", 5, SHEET.header("evidence")),
        ("return-status-regressed", "其他/县委办进展（手工）.xlsx", 2, SHEET.header("status"))]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_form_saved_by_libreoffice_reads_back_the_same(forms, tmp_path):
    root, run = forms
    inputs = tmp_path / "inputs"
    shutil.copytree(root / "inputs", inputs)
    filled = fill(_form(run, SUPPLY), tmp_path / "filled" / "供水公司.xlsx", FILLED["A"])
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(inputs / "整改进展"),
                    str(filled)], check=True, capture_output=True, timeout=180)
    ds = load_dataset(inputs, STD)
    assert ds.findings == []
    rows = ds.tables["progress"].sort_values("source_row")
    assert [(r.source_row, r.problem_id, r.status, r.rectified_on.date(), r.evidence, r.filed_on.date(), r.deadline)
            for r in rows.itertuples()] == [
        (4, "W3-03", DONE, D(2020, 7, 20), "《采购管理办法》（2020年7月修订）", D(2020, 10, 20), None),
        (5, "W3-04", DONE, D(2020, 10, 15), "退款凭证；约谈记录", D(2020, 10, 20), "2020-10-31")]


# ------------------------------------------------------------------ every finding of the spec, pinpointed

def _row(pid: str, **cells) -> dict:
    return {**_problem(pid), **cells}


MEASURES, EVIDENCE = {"measures": "已整改到位"}, {"evidence": "整改报告"}
PLANTED = [  # Excel row 2.. of 问题.xlsx: (row, expected code, column id, value shown)
    (_row("W3-04", problem_id="W3-99", status=DOING, filed_on=D(2020, 10, 1), **MEASURES),
     "rectification-unknown-problem", "problem_id", "W3-99"),
    (_row("W3-05", org=SUPPLY, status=DOING, filed_on=D(2020, 10, 1), **MEASURES),
     "rectification-unknown-problem", "problem_id", "W3-05"),
    (_row("W3-04", status=DONE, filed_on=D(2020, 10, 1), **MEASURES, **EVIDENCE),
     "rectification-rectified-without-date", "rectified_on", ""),
    (_row("W3-03", status=DONE, rectified_on=D(2020, 7, 20), **MEASURES, **EVIDENCE),
     "rectification-date-invalid", "filed_on", ""),
    (_row("W3-06", status=DOING, filed_on="2020年13月1日", **MEASURES),
     "rectification-date-invalid", "filed_on", "2020年13月1日"),
    (_row("W3-05", status=DONE, rectified_on=D(2020, 5, 1), filed_on=D(2020, 11, 1), **MEASURES, **EVIDENCE),
     "rectification-date-invalid", "rectified_on", "2020-05-01"),  # before 发现日期 2020-05-25
    (_row("W3-01", status=DONE, rectified_on=D(2020, 12, 1), filed_on=D(2020, 11, 1), **MEASURES, **EVIDENCE),
     "rectification-date-invalid", "rectified_on", "2020-12-01"),  # after its 填报日期
    (_row("W3-02", status=DONE, rectified_on=D(2020, 6, 10), filed_on=D(2020, 11, 5), **MEASURES, **EVIDENCE),
     "rectification-duplicate", "problem_id", "W3-02"),  # also in 重复.xlsx, same 填报日期
    (_row("W4-01", status=DONE, rectified_on=D(2020, 8, 30), filed_on=D(2020, 9, 10), **MEASURES),
     "rectified-without-evidence", "evidence", ""),
    (_row("W5-02", status=DOING, filed_on=D(2020, 12, 1)), "rectified-without-measures", "measures", ""),
    (_row("W3-04", status=DONE, rectified_on=D(2020, 11, 10), filed_on=D(2020, 11, 15), **MEASURES, **EVIDENCE),
     "rectified-after-deadline", "rectified_on", "2020-11-10"),  # deadline 2020-10-31
    (_row("W4-02", status=DOING, filed_on=D(2020, 9, 10), **MEASURES), "return-status-regressed", "status", DOING),
    (_row("W2-04", summary="改过的摘要", status=DOING, filed_on=D(2020, 10, 1), **MEASURES),
     "rectification-prefill-changed", "summary", "改过的摘要"),
]


def test_every_finding_of_the_spec_once_pinpointed(tmp_path):
    inputs = tmp_path / "inputs"
    county.write_county(inputs)
    by_hand(inputs / "交回" / "问题.xlsx", [row for row, *_ in PLANTED])
    by_hand(inputs / "交回" / "重复.xlsx", [PLANTED[7][0]])
    ds = load_dataset(inputs, STD)
    got = sorted((f.code, f.file, f.sheet, f.row, f.column, f.value) for f in ds.findings)
    want = [(code, "交回/问题.xlsx", SHEET.name, k + 2, SHEET.header(col), value)
            for k, (_, code, col, value) in enumerate(PLANTED)]
    want.append(("rectification-duplicate", "交回/重复.xlsx", SHEET.name, 2, SHEET.header("problem_id"), "W3-02"))
    assert got == sorted(want)
    messages = {(f.file, f.row): f.message for f in ds.findings}
    assert "十四届第 3 轮编号为“W3-05”的问题是西河村的，不是县供水公司的" in messages[("交回/问题.xlsx", 3)]
    assert "见 交回/重复.xlsx “整改进展”第 2 行" in messages[("交回/问题.xlsx", 9)]
    assert "（问题W2-04）" not in messages[("交回/问题.xlsx", 14)] and "“问题W2-04”" in messages[("交回/问题.xlsx", 14)]
    assert all(f.is_error for f in ds.findings if f.code.startswith("rectification-")
               and f.code != "rectification-prefill-changed")


def test_a_warning_of_a_return_is_explained_like_any_other(looped, tmp_path):
    inputs, ds = looped
    target = next(f for f in ds.findings if f.code == "rectified-without-evidence")
    copy = tmp_path / "inputs"
    shutil.copytree(inputs, copy)
    wb.write_workbook(copy / "说明.xlsx", {"核实说明": wb.table("explanations", [
        {"file": target.file, "sheet": target.sheet, "row": str(target.row), "column": target.column,
         "code": target.code, "text": "佐证材料为低保公示照片，已由村里另行报送纸质件"}])})
    again = load_dataset(copy, STD)
    assert again.counts.as_dict() == {"errors": 0, "warnings": 3, "explained": 1, "unexplained": 2}


# ------------------------------------------------------------------ the ledger: the latest word


def _ledger(ds, period):
    return build_ledger(Frames.from_dataset(ds, STD), period.start, period.end)


def _states(led) -> dict[str, str]:
    return dict(zip(led.rows["problem_id"], led.rows["state"]))


def test_the_ledger_before_and_after_returns_as_of_two_dates(forms, looped):
    root, _ = forms
    before = load_dataset(root / "inputs", STD)
    _, after = looped
    # 2020-12-31 (tests/golden/README.md before): A (10-20) and C (09-01) count, B (2021-01-10) does not:
    # W3-04 overdue -> rectified (10-15, on time); W3-01 rectified -> 整改中, no deadline; W3-06 stays yellow
    year = annual("2020")
    old, new = _ledger(before, year), _ledger(after, year)
    assert old.counts == {"rectified": 7, "overdue": 2, "due_10": 1, "due_20": 0, "on_track": 0, "no_deadline": 3}
    assert new.counts == {"rectified": 7, "overdue": 1, "due_10": 1, "due_20": 0, "on_track": 0, "no_deadline": 4}
    changed = {k: (v, _states(new)[k]) for k, v in _states(old).items() if _states(new)[k] != v}
    assert changed == {"W3-04": ("overdue", "rectified"), "W3-01": ("rectified", "no_deadline")}
    assert new.loop_counts == {"rectified_late": 0, "without_evidence": 0, "returns_received": 2, "returns_missing": 1}
    # 2021-01-31 (start 2021-01-01): B counts now. In the ledger W2-04, W3-01, W5-01, W5-02 (no deadline),
    # W3-05 (round workbook: rectified only 02-01; deadline 2020-11-30: 62 days overdue), W3-06 (B: rectified
    # 01-08, after its 2020-12-31 deadline, without evidence); W3-03, W3-04 rectified in 2020 leave
    jan = _ledger(after, monthly("2021-01"))
    assert _states(jan) == {"W3-05": "overdue", "W2-04": "no_deadline", "W3-01": "no_deadline",
                            "W5-01": "no_deadline", "W5-02": "no_deadline", "W3-06": "rectified"}
    assert int(jan.rows.set_index("problem_id").loc["W3-05", "days_overdue"]) == 62
    assert jan.loop_counts == {"rectified_late": 1, "without_evidence": 1, "returns_received": 3,
                               "returns_missing": 0}
    # and before the returns, as of 2021-01-31: W3-06 was still open (overdue)
    assert _states(_ledger(before, monthly("2021-01")))["W3-06"] == "overdue"


def test_the_latest_word_is_the_period_figures_word_too(forms, looped):
    root, _ = forms
    _, after = looped
    year = annual("2020")
    old = build_report(load_dataset(root / "inputs", STD), STD, year, today=D(2021, 1, 5))
    new = build_report(after, STD, year, today=D(2021, 1, 5))

    def rectified(rep):
        probs = rep.main.problems
        return sorted(probs.loc[probs["rectified"], "problem_id"])
    assert rectified(old) == ["W2-03", "W3-01", "W3-02", "W3-03", "W4-01", "W4-02"]
    assert rectified(new) == ["W2-03", "W3-02", "W3-03", "W3-04", "W4-01", "W4-02"]
    # the same counts, other problems: 未整改 W3-06 W5-01; 整改中 W3-05 W5-02 and W3-04 -> W3-01
    assert new.metrics["problems_by_status"] == {"未整改": 2, "整改中": 3, "已整改": 6}
    assert new.metrics["totals"]["problems_rectified"] == 6
    r3 = next(r for r in new.rounds if r.round == 3)
    assert r3.rectified == 3  # W3-02, W3-03, W3-04 (W3-01 regressed; W3-05 only in 2021)
    assert new.metrics["rectification"]["returns_missing_list"] == [
        {"term": "十四届", "round": 3, "org": XIHE, "deadline": "2020-11-30"}]


def test_the_ledger_sheet_and_the_returns_table(looped, tmp_path):
    _, after = looped
    report = build_report(after, STD, annual("2020"), today=D(2021, 1, 5))
    book = openpyxl.load_workbook(write_workbook(report, tmp_path))
    ws = book["整改台账"]
    header = [c.value for c in ws[3]]
    rows = {r[header.index("问题编号")]: r for r in ws.iter_rows(min_row=4, values_only=True)
            if isinstance(r[0], int)}
    col = {name: header.index(name) for name in ("状态来源", "整改措施", "佐证材料", "逾期完成")}
    assert rows["W3-04"][col["状态来源"]] == "整改进展表 整改进展/供水公司交回.xlsx 2020-10-20"
    assert (rows["W3-04"][col["整改措施"]], rows["W3-04"][col["佐证材料"]]) == \
        ("追回多付款项，约谈责任人", "退款凭证；约谈记录")
    assert rows["W3-01"][col["状态来源"]] == "整改进展表 其他/县委办进展（手工）.xlsx 2020-09-01"
    assert rows["W3-06"][col["状态来源"]] == "巡察轮次填报表"  # B is dated after the period end
    owed = book["整改进展报送情况"]
    assert owed["A1"].value == "表17 2020年度整改进展表报送情况（截至2020年12月31日，应报送或已报送3个，未报送1个）"
    assert [list(r) for r in owed.iter_rows(min_row=4, max_row=6, values_only=True)] == [
        [1, OFFICE, "十四届", 3, 1, None, "已报送", dt.datetime(2020, 9, 1)],
        [2, SUPPLY, "十四届", 3, 0, None, "已报送", dt.datetime(2020, 10, 20)],
        [3, XIHE, "十四届", 3, 2, dt.datetime(2020, 11, 30), "未报送", None]]
    text = write_documents(report, tmp_path)[0][1].read_text(encoding="utf-8")
    assert "1个单位应交回整改进展表而未交回：西河村（十四届第三轮），巡察办将督促其限期报送。" in text


def test_evidence_is_cut_at_a_hundred_characters():
    from pipeline.render.tables_ledger import clipped

    assert clipped("证" * 100) == "证" * 100 and clipped("证" * 101) == "证" * 100 + "…" and clipped(None) == ""


def test_the_return_due_days_bring_the_deadline_forward(forms, tmp_path):
    root, _ = forms
    folder = tmp_path / "schemas"
    shutil.copytree(Path(__file__).resolve().parent.parent / "schemas", folder)
    rules = folder / "rules.toml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("return_due_days = 0", "return_due_days = 10"),
                     encoding="utf-8")
    from pipeline.standard import load_standard

    std = load_standard(folder)
    ds = load_dataset(root / "inputs", std)
    # as of 2020-10-25: W3-04 (deadline 10-31) is within 10 days -> 县供水公司 owes; 西河村 (11-30) not yet
    led = build_ledger(Frames.from_dataset(ds, std), D(2020, 10, 1), D(2020, 10, 25))
    assert [(r.org, r.owes) for r in led.returns] == [(SUPPLY, True)]
    led = build_ledger(Frames.from_dataset(ds, STD), D(2020, 10, 1), D(2020, 10, 25))
    assert led.returns == []


def test_the_zip_holds_the_files_themselves(forms):
    _, run = forms
    with zipfile.ZipFile(run.archive) as archive:
        data = archive.read("整改进展_西河村_十四届第3轮.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(data))[SHEET.name]["D4"].value == "W3-05"


# ------------------------------------------------------------------ the city


def test_the_package_carries_the_loop_and_the_roll_up_sums_it(looped, tmp_path, capsys):
    from pipeline.rollup.reader import read_package

    inputs, _ = looped
    explained = tmp_path / "inputs"
    shutil.copytree(inputs, explained)
    ds = load_dataset(explained, STD)
    wb.write_workbook(explained / "说明.xlsx", {"核实说明": wb.table("explanations", [
        {"file": f.file, "sheet": f.sheet, "row": str(f.row), "column": f.column, "code": f.code,
         "text": "已与该单位核实，情况属实，原因已记录在案"} for f in ds.warnings])})
    out = tmp_path / "out"
    assert main(["export", "--month", "2021-01", "--inputs", str(explained), "--outputs", str(out)]) == 0, \
        capsys.readouterr().out
    package = read_package(out / "2021年01月" / "上报_青禾县_2021年01月.xlsx", "p.xlsx", STD)
    # as of 2021-01-31 (test_the_ledger_before_and_after_returns_as_of_two_dates): W3-06 late and without
    # evidence; the three returns received, nobody owes one
    assert {k: package.indicators[f"rectification.{k}"] for k in
            ("rectified_late", "without_evidence", "returns_received", "returns_missing")} == \
        {"rectified_late": 1, "without_evidence": 1, "returns_received": 3, "returns_missing": 0}
    # two copies of the county under two names roll up to twice each figure
    city = tmp_path / "city"
    for name in ("青禾县", "青山县"):
        target = city / f"上报_{name}_2021年01月.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        book = openpyxl.load_workbook(out / "2021年01月" / "上报_青禾县_2021年01月.xlsx")
        info = book["上报信息"]
        next(r for r in info.iter_rows() if r[0].value == "县名")[1].value = name
        book.save(target)
    assert main(["rollup", "--month", "2021-01", "--inputs", str(city), "--outputs", str(tmp_path / "c")]) == 0
    import json

    m = json.loads((tmp_path / "c" / "汇总_2021年01月" / "metrics.json").read_text(encoding="utf-8"))
    assert {k: m["rectification"][k] for k in ("rectified_late", "without_evidence", "returns_received",
                                              "returns_missing")} == \
        {"rectified_late": 2, "without_evidence": 2, "returns_received": 6, "returns_missing": 0}


# ------------------------------------------------------------------ the workbench


def _page(response):
    import lxml.html

    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def test_the_workbench_lists_who_owes_and_writes_the_forms(tmp_path, monkeypatch):
    from workbench_kit import client, workspace

    county.write_county(tmp_path / "inputs")
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    monkeypatch.setattr(ws, "today", lambda: D(2021, 1, 5))
    c = client(ws)
    # 概况: as of 2021-01-05 县供水公司 (W3-04, deadline 2020-10-31) and 西河村 (W3-05, 2020-11-30) owe one
    owed = [" ".join(li.text_content().split()) for li in _page(c.get("/")).xpath('//*[@id="returns-missing"]/li')]
    assert owed == ["县供水公司（十四届第3轮，整改时限2020年10月31日）",
                    "西河村（十四届第3轮，整改时限2020年11月30日）"]
    # 模板: the organisations with an open problem on that day; the button writes one zip and each file
    page = _page(c.get("/templates"))
    # round 2, round 3 (registry order), round 5: 县医保中心 comes before 城关社区 in the registry
    assert page.xpath('//select[@name="org"]/option/@value') == ["", "西河乡", SUPPLY, XIHE, "县医保中心", "城关社区"]
    assert page.xpath('//form[@id="forms-form"]//button/text()') == ["生成整改进展表"]
    response = c.post("/templates/rectification", data={"org": XIHE}, follow_redirects=False)
    assert response.status_code == 303
    page = _page(c.get("/templates"))
    links = page.xpath('//*[@id="forms-files"]//a/text()')
    assert links == ["整改进展_西河村_十四届第3轮.xlsx", "巡察反馈问题清单_西河村_十四届第3轮.docx"]
    archive = c.get(page.xpath('//a[@id="forms-zip"]/@href')[0])
    assert archive.status_code == 200
    assert sorted(zipfile.ZipFile(io.BytesIO(archive.content)).namelist()) == sorted(links)
    form = c.get(page.xpath('//*[@id="forms-files"]//a/@href')[0])
    assert openpyxl.load_workbook(io.BytesIO(form.content))[SHEET.name]["D4"].value == "W3-05"
    # all of them
    assert c.post("/templates/rectification", data={"org": ""}, follow_redirects=False).status_code == 303
    assert len(_page(c.get("/templates")).xpath('//*[@id="forms-files"]//a')) == 2 * 5


def test_a_return_uploaded_on_the_workbench_is_read(forms, tmp_path, monkeypatch):
    from workbench_kit import client, workspace

    root, run = forms
    inputs = tmp_path / "inputs"
    shutil.copytree(root / "inputs", inputs)
    ws = workspace(inputs, tmp_path / "outputs")
    monkeypatch.setattr(ws, "today", lambda: D(2020, 12, 31))
    c = client(ws)
    filled = fill(_form(run, SUPPLY), tmp_path / "交回.xlsx", FILLED["A"])
    response = c.post("/upload", files={"files": ("供水公司整改进展.xlsx", filled.read_bytes())})
    assert response.status_code == 200
    assert "供水公司整改进展.xlsx" in {s.path for s in ws.dataset.sources if s.kind == "rectification"}
    # 县供水公司 has returned; 西河村 still owes
    owed = [" ".join(li.text_content().split()) for li in _page(c.get("/")).xpath('//*[@id="returns-missing"]/li')]
    assert owed == ["西河村（十四届第3轮，整改时限2020年11月30日）"]
