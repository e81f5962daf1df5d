"""The city roll-up (汇总): sums and recomputed rates, the roster, every check, the CLI.

The counties are tests/city.py's 甲县 and 乙县, figures chosen by hand; each expected
city figure below is the sum written in its comment.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

import city
from city import C1, C2, C3, C4, JIA, YI
from pipeline.authoring.sample_city import roster_workbook, write_roster
from pipeline.launch import main
from pipeline.periods import annual, monthly
from pipeline.rollup.checks import check_city
from pipeline.rollup.load import load_city
from shipped import STD

JIA_FILE, YI_FILE = "上报_甲县_2020年度.xlsx", "上报_乙县_2020年度.xlsx"


def _run(inputs: Path, out: Path, *when: str) -> int:
    return main(["rollup", *(when or ("--year", "2020")), "--inputs", str(inputs), "--outputs", str(out)])


def _roster(folder: Path, counties: tuple[str, ...]) -> Path:
    path = folder / "县区名单.xlsx"
    roster_workbook(counties).save(path)
    return path


def _findings(path: Path) -> list[dict]:
    """The rows of a check report's 校验结果 sheet, as dicts by header."""
    rows = list(openpyxl.load_workbook(path)["校验结果"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if r[7]]


@pytest.fixture
def two(tmp_path) -> Path:
    inputs = tmp_path / "上报包"
    city.write(inputs, "甲县", JIA)
    city.write(inputs / "乙县", "乙县", YI)  # packages are found in sub-folders too
    return inputs


# ---------------------------------------------------------------- the sums

def test_two_counties_roll_up(two, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(two, out) == 0
    folder = out / "汇总_2020年度"
    assert sorted(p.name for p in folder.iterdir()) == ["metrics.json", "巡察工作汇总_2020年度.xlsx", "校验报告.xlsx"]
    m = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert (m["schema_version"], m["kind"]) == (2, "rollup")
    assert m["period"] == {"kind": "annual", "label": "2020年度", "start": "2020-01-01", "end": "2020-12-31"}
    assert [(c["county"], c["file"]) for c in m["counties"]] == [("乙县", "乙县/" + YI_FILE), ("甲县", JIA_FILE)]
    assert m["totals"] == {
        "rounds": 3, "groups": 6, "orgs_inspected": 16,  # 2+1, 4+2, 10+6
        "visits_received": 0, "talks": 200, "briefings": 0, "documents": 0, "vouchers": 0,  # talks 120+80
        "questionnaires": 0, "field_visits": 0,
        "problems": 50, "problems_fixed_on_spot": 8, "problems_rectified": 27,  # 30+20, 5+3, 18+9
        "clues": 10, "clue_cadres": 11, "clue_others": 3}  # 6+4, 7+4, 2+1
    # summed by name; 巡察整改落实 only in 乙县 (十五届)
    assert m["problems_by_category"] == {C1: 15, C2: 19, C3: 14, C4: 2}  # 10+5, 12+7, 8+6, 0+2
    assert m["coverage"] == {
        "county": {"total": 84, "inspected": 59, "rate": 59 / 84},  # 54+30, 43+16: 70.2 %, not (79.6+53.3)/2
        "village": {"total": 152, "inspected": 91, "rate": 91 / 152}}  # 110+42, 65+26
    assert m["rectification"] == {"in_ledger": 60, "rectified": 34, "overdue": 7, "due_10": 2,  # 40+20, 25+9, 3+4
                                  "due_20": 3, "on_track": 9, "no_deadline": 5,  # 2+0, 1+2, 6+3, 3+2
                                  "rectified_late": 5, "without_evidence": 2,  # 4+1, 2+0
                                  "returns_received": 8, "returns_missing": 3,  # 5+3, 2+1 (rectification.md §6)
                                  "rate": 34 / 60}
    jia = m["counties"][1]
    assert jia["coverage"] == {"county": {"total": 54, "inspected": 43, "rate": 43 / 54},
                               "village": {"total": 110, "inspected": 65, "rate": 65 / 110}}
    assert jia["rectification"]["rate"] == 25 / 40 and jia["totals"]["talks"] == 120
    assert m["missing_counties"] is None  # no roster
    assert "year_to_date" not in m
    stdout = capsys.readouterr().out
    assert "读取上报包 2 份；错误 0 处，警告 0 处（已说明 0 处，未说明 0 处）。" in stdout
    assert f"2020年度汇总完成（2 个县区），共写出 3 个文件，位于：{folder}" in stdout


def _sheet_rows(path: Path, sheet: str) -> dict[str, list]:
    """Data rows of a sheet of the city workbook, by first cell."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {r[0].value: r for r in ws.iter_rows() if r[0].value in ("甲县", "乙县", "合计", "全市")}


def test_the_city_workbook(two, tmp_path):
    assert _run(two, tmp_path / "out") == 0
    path = tmp_path / "out" / "汇总_2020年度" / "巡察工作汇总_2020年度.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["总体情况", "分县区", "问题分类", "全覆盖进度", "整改台账汇总", "数据来源", "图表"]
    over = {r[0].value: r[1].value for r in book["总体情况"].iter_rows() if r[0].value}
    assert over["个别谈话（人次）"] == 200 and over["发现问题（个）"] == 50  # 120+80, 30+20
    assert over["整改率（已整改÷发现问题）"] == 27 / 50  # 18+9 of 30+20
    assert over["全覆盖完成率（县级巡察对象）"] == 59 / 84
    by_county = _sheet_rows(path, "分县区")
    # 县区, rounds, orgs, talks, problems, fixed, rectified, clues, county (3), village (3), overdue
    assert [c.value for c in by_county["甲县"]] == [
        "甲县", 2, 10, 120, 30, 5, 18, 6, 54, 43, 43 / 54, 110, 65, 65 / 110, 3]
    assert [c.value for c in by_county["合计"]][1:8] == [3, 16, 200, 50, 8, 27, 10]
    assert by_county["合计"][10].value == 59 / 84 and by_county["合计"][10].number_format == "0.0%"
    cats = _sheet_rows(path, "问题分类")
    assert [c.value for c in cats["乙县"]] == ["乙县", 5, 7, 6, 2, 20]
    assert [c.value for c in cats["合计"]] == ["合计", 15, 19, 14, 2, 50]
    cover = _sheet_rows(path, "全覆盖进度")
    assert [c.value for c in cover["全市"]] == ["全市", 84, 59, 59 / 84, 152, 91, 91 / 152]
    ledger = _sheet_rows(path, "整改台账汇总")
    assert [c.value for c in ledger["合计"]] == ["合计", 60, 34, 7, 2, 3, 9, 5, 5, 2, 8, 3, 34 / 60]
    sources = [r for r in book["数据来源"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[1:5] for r in sources] == [(JIA_FILE, "甲县", "2020年度", "2021-01-05"),
                                         ("乙县/" + YI_FILE, "乙县", "2020年度", "2021-01-05")]
    assert sources[0][5] == "a84bba32fbb42c701494490a5328ad248737e9e8f63027f6311e20c6b8b958f2"
    assert book["分县区"].freeze_panes == "A5"  # title, info, two header rows
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # problems and clues, coverage rates, overdue
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"  # values, never formulas


def test_monthly_sums_the_month_and_the_year_to_date(tmp_path):
    inputs, june = tmp_path / "in", monthly("2020-06")
    jia_ytd = {k: 2 * v for k, v in JIA["totals"].items()}  # 1–6 月: twice June's figures
    yi_ytd = {k: 3 * v for k, v in YI["totals"].items()}
    city.write(inputs, "甲县", JIA, june, ytd=jia_ytd)
    city.write(inputs, "乙县", YI, june, ytd=yi_ytd)
    assert _run(inputs, tmp_path / "out", "--month", "2020-06") == 0
    m = json.loads((tmp_path / "out" / "汇总_2020年06月" / "metrics.json").read_text(encoding="utf-8"))
    assert m["period"]["label"] == "2020年06月"
    assert m["totals"]["talks"] == 200  # 120+80
    assert m["year_to_date"]["talks"] == 480  # 2*120 + 3*80
    assert m["year_to_date"]["problems"] == 120  # 2*30 + 3*20


# ---------------------------------------------------------------- the roster

def test_roster_lists_the_missing_counties_in_its_order(two, tmp_path, capsys):
    _roster(two, ("丙县", "甲县", "丁县", "乙县"))
    assert _run(two, tmp_path / "out") == 0
    folder = tmp_path / "out" / "汇总_2020年度"
    m = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert m["missing_counties"] == ["丙县", "丁县"]
    found = [(f["问题代码"], f["文件"], f["行"], f["问题说明"]) for f in _findings(folder / "校验报告.xlsx")]
    text = "县区名单中的“{}”没有2020年度上报包。请催报，或核对县区名单。"
    assert found == [("county-missing", "县区名单.xlsx", 2, text.format("丙县")),  # roster rows 2 and 4
                     ("county-missing", "县区名单.xlsx", 4, text.format("丁县"))]
    assert "注意：县区名单中有 2 个县区未上报：丙县、丁县" in capsys.readouterr().out


def test_a_county_not_on_the_roster_is_a_warning(two, tmp_path):
    _roster(two, ("甲县",))
    assert _run(two, tmp_path / "out") == 0
    folder = tmp_path / "out" / "汇总_2020年度"
    [f] = _findings(folder / "校验报告.xlsx")
    assert (f["级别"], f["问题代码"], f["文件"], f["工作表"]) == ("警告", "county-not-on-roster", "乙县/" + YI_FILE,
                                                           "上报信息")
    assert f["问题说明"] == "上报包的县名“乙县”不在县区名单中（名单：甲县）。请核对县名或县区名单。"
    assert json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["missing_counties"] == []


def test_sample_city_roster(tmp_path, capsys):
    assert main(["sample", "--city", "--out", str(tmp_path)]) == 0
    path = write_roster(tmp_path / "again")
    assert path.read_bytes() == (tmp_path / "县区名单.xlsx").read_bytes()  # reproducible
    assert [r[0] for r in openpyxl.load_workbook(path)["县区名单"].iter_rows(values_only=True)] == [
        "县区", "东溪县", "南岭县", "西坪县"]
    assert "已生成示例市县区名单" in capsys.readouterr().out


# ---------------------------------------------------------------- bad packages

def _errors_only(inputs: Path, out: Path, capsys) -> tuple[list[dict], str]:
    """Run; expect exit 1, only outputs/校验报告.xlsx; return its findings and stderr."""
    assert _run(inputs, out) == 1
    assert [p.name for p in out.iterdir()] == ["校验报告.xlsx"]
    err = capsys.readouterr().err
    assert "错误：上报包有错误，未生成汇总结果。" in err
    return _findings(out / "校验报告.xlsx"), err


def test_period_mismatch(two, tmp_path, capsys):
    city.write(two, "丙县", JIA, annual("2019"))
    [f], _ = _errors_only(two, tmp_path / "out", capsys)
    assert (f["问题代码"], f["文件"], f["工作表"], f["值"]) == ("package-period-mismatch", "上报_丙县_2019年度.xlsx",
                                                          "上报信息", "2019年度")
    assert f["问题说明"] == ("上报包的期间是“2019年度”，本次汇总的是“2020年度”。请把该文件移出本期汇总的文件夹，"
                          "或请该县区导出“2020年度”的上报包。")


def test_duplicate_county(two, tmp_path, capsys):
    city.write(two / "补报", "甲县", JIA)
    [f], _ = _errors_only(two, tmp_path / "out", capsys)
    assert (f["问题代码"], f["文件"]) == ("package-duplicate", "补报/" + JIA_FILE)
    assert f["问题说明"] == (f"“甲县”有 2 份2020年度上报包：{JIA_FILE}、补报/{JIA_FILE}。"
                          "每个县区每期只能有一份，请删除多余的（保留最新的一份）。")


def test_inconsistent_figures_name_the_file_the_code_and_both_numbers(two, tmp_path, capsys):
    bad = city.figures(JIA, problems_by_category={C1: 11, C2: 12, C3: 8})  # 31, but 30 problems
    bad["coverage"] = {**JIA["coverage"], "国有企业": (4, 5)}  # 5 inspected of 4
    bad["totals"] = {**JIA["totals"], "problems_rectified": 31}  # more rectified than found
    city.write(two, "甲县", bad)
    found, _ = _errors_only(two, tmp_path / "out", capsys)
    got = {(f["问题代码"], f["文件"], f["工作表"], f["值"], f["问题说明"]) for f in found}
    again = "该上报包的数字自相矛盾，请该县区核实后重新导出。"
    assert got == {
        ("package-inconsistent", JIA_FILE, "指标", "30",
         "“problems_by_category.*”各项合计为 31，而“totals.problems”为 30，两者应相等。" + again),
        ("package-inconsistent", JIA_FILE, "指标", "5",
         "“coverage.by_category.国有企业.inspected”为 5，大于“coverage.by_category.国有企业.total”的 4。" + again),
        ("package-inconsistent", JIA_FILE, "指标", "31",
         "“totals.problems_rectified”为 31，大于“totals.problems”的 30。" + again),
    }


def test_unreadable_and_incomplete_packages(two, tmp_path, capsys):
    (two / "上报_丙县_2020年度.xlsx").write_bytes(b"")
    path = city.write(two, "丁县", JIA)
    book = openpyxl.load_workbook(path)
    ws = book["指标"]
    ws.delete_rows(next(r[0].row for r in ws.iter_rows() if r[0].value == "ecology_grades.好"))
    book.save(path)
    found, _ = _errors_only(two, tmp_path / "out", capsys)
    assert [(f["问题代码"], f["文件"], f["问题说明"]) for f in found] == [  # by file: 丁 (U+4E01) before 丙
        ("package-incomplete", "上报_丁县_2020年度.xlsx",
         "上报包缺少指标代码“ecology_grades.好”（政治生态评估等次（个）：好）。"
         "请该县区用本工具重新导出上报包，不要删改“指标”表的行。"),
        ("package-unreadable", "上报_丙县_2020年度.xlsx",
         "无法读取上报包：文件是空的（0 字节）。请向填报人重新索取该工作簿。"),
    ]


def test_unexplained_warnings_are_a_warning_only(two, tmp_path, capsys):
    city.write(two, "甲县", JIA, unexplained=3)
    assert _run(two, tmp_path / "out") == 0
    folder = tmp_path / "out" / "汇总_2020年度"
    [f] = _findings(folder / "校验报告.xlsx")
    assert (f["级别"], f["问题代码"], f["文件"], f["值"]) == ("警告", "package-unexplained", JIA_FILE, "3")
    assert f["问题说明"] == "该县区导出上报包时还有 3 处核实性问题（警告）未说明。请与该县区核实这些数字。"
    notes = [r[0] for r in openpyxl.load_workbook(folder / "巡察工作汇总_2020年度.xlsx")["总体情况"].iter_rows(
        values_only=True)]
    assert "以下县区导出上报包时仍有未说明的核实性问题，数字请与其核实：甲县（3 处）。" in notes
    assert "警告 1 处" in capsys.readouterr().out


def test_other_files_are_skipped_and_listed(two, tmp_path):
    other = openpyxl.Workbook()
    other.active.title = "随便"
    other.save(two / "说明.xlsx")
    (two / "readme.txt").write_text("x", encoding="utf-8")
    city_inputs = load_city(two, STD)
    assert [(s.path, s.reason) for s in city_inputs.skipped] == [
        ("readme.txt", "不是电子表格文件（只读取 .xlsx、.xlsm、.xls、.ods）"),
        ("说明.xlsx", "不是上报包或县区名单（没有“上报信息”和“指标”工作表）")]
    assert check_city(city_inputs, annual("2020"), STD) == []
    assert _run(two, tmp_path / "out") == 0
    summary = openpyxl.load_workbook(tmp_path / "out" / "汇总_2020年度" / "校验报告.xlsx")["汇总"]
    assert "说明.xlsx" in [r[0] for r in summary.iter_rows(values_only=True)]


# ---------------------------------------------------------------- the command line

def test_no_package_at_all(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert _run(tmp_path / "in", tmp_path / "out") == 1
    assert "中没有找到上报包（含“上报信息”和“指标”工作表的工作簿）" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["rollup"], ["rollup", "--year", "2020", "--month", "2020-06"]])
def test_year_or_month_exactly_once(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--inputs", str(tmp_path)])
    assert exc.value.code == 2
    assert "用法错误" in capsys.readouterr().err


def test_missing_inputs_folder(tmp_path, capsys):
    assert _run(tmp_path / "没有", tmp_path / "out") == 2
    assert "找不到输入文件夹" in capsys.readouterr().err


def test_outputs_inside_inputs_are_not_read_again(two, capsys):
    assert _run(two, two / "outputs") == 0
    assert _run(two, two / "outputs") == 0  # the first run's workbook and check report are not packages
    assert "读取上报包 2 份；错误 0 处，警告 0 处（已说明 0 处，未说明 0 处）。" in capsys.readouterr().out
