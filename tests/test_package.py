"""The county package (上报包): the 指标代码 list, the writer, the reader, re-saved files, findings."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

import city
from county import CANARY, county_dataset
from pipeline.periods import annual, monthly
from pipeline.read.normalize import whole_number
from pipeline.rollup.indicators import indicator_codes, indicator_label, indicators_from_metrics, split_code
from pipeline.rollup.package import fingerprint, package_info, write_package
from pipeline.rollup.reader import read_package
from pipeline.stats.aggregate import build_report
from shipped import STD

GOLDEN = Path(__file__).resolve().parent / "golden"
LEDGER = {"as_of": "2020-12-31", "in_ledger": 7, "rectified": 3, "overdue": 1, "due_10": 1, "due_20": 0,
          "on_track": 1, "no_deadline": 1, "rate": 3 / 7, "rectified_late": 1, "without_evidence": 0,
          "returns_received": 2, "returns_missing": 1, "overdue_list": [], "returns_missing_list": []}


def _metrics(name: str) -> dict:
    """A golden county metrics.json (v1) with a v2 rectification block added by hand."""
    m = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    m["rectification"] = dict(LEDGER)
    return m


# ---------------------------------------------------------------- the 指标代码

def test_codes_of_an_annual_package():
    codes = indicator_codes(STD, "annual", "十四届")
    # 16 totals (rounds, groups, orgs_inspected, 7 work counts, problems, fixed, rectified, clues, cadres,
    # others) + 3 categories (三个聚焦) + 3 statuses + 6 dispositions + 4 transfers (3 + 未填移交单位)
    # + 5 grades + 4 family figures (2 families x total/inspected) + 12 category figures (6 x 2)
    # + 7 ledger figures (in_ledger + 6 states) + 4 of the rectification loop (rectification.md §6) = 64
    assert len(codes) == len(set(codes)) == 64
    assert codes[:3] == ["totals.rounds", "totals.groups", "totals.orgs_inspected"]
    assert "clues_by_transfer.未填移交单位" in codes
    assert codes[-11:] == ["rectification.in_ledger", "rectification.rectified", "rectification.overdue",
                           "rectification.due_10", "rectification.due_20", "rectification.on_track",
                           "rectification.no_deadline", "rectification.rectified_late",
                           "rectification.without_evidence", "rectification.returns_received",
                           "rectification.returns_missing"]
    assert "coverage.by_category.乡镇（街道）.inspected" in codes and "coverage.village.total" in codes


def test_monthly_adds_the_year_to_date_and_the_term_picks_the_taxonomy():
    assert len(indicator_codes(STD, "monthly", "十四届")) == 64 + 16  # year_to_date.<16 totals keys>
    assert len(indicator_codes(STD, "annual", "十五届")) == 65  # 四个聚焦: one more category
    assert "problems_by_category.巡察整改落实" in indicator_codes(STD, "annual", "十五届")


def test_codes_split_into_metrics_paths_and_have_labels():
    assert split_code("coverage.by_category.村党组织.total") == ("coverage", "by_category", "村党组织", "total")
    assert split_code("coverage.county.inspected") == ("coverage", "county", "inspected")
    assert split_code("problems_by_status.整改中") == ("problems_by_status", "整改中")
    assert indicator_label("totals.talks", STD) == "个别谈话（人次）"
    assert indicator_label("year_to_date.problems", STD) == "本年累计：发现问题（个）"
    assert indicator_label("coverage.village.total", STD) == "全覆盖（村（社区）党组织）：应巡察（个）"
    assert indicator_label("rectification.overdue", STD) == "逾期未整改（红）（个）"


def test_indicators_from_an_annual_metrics_json():
    ind = indicators_from_metrics(_metrics("青禾县_2020年度.metrics.json"), STD)
    assert list(ind) == indicator_codes(STD, "annual", "十四届")
    # values are the golden file's, checked by hand there
    assert ind["totals.talks"] == 137 and ind["totals.problems"] == 11
    assert ind["problems_by_category.群众身边腐败问题和不正之风"] == 4
    assert ind["clues_by_transfer.未填移交单位"] == 1
    assert ind["coverage.county.total"] == 9 and ind["coverage.by_category.科级事业单位.inspected"] == 1
    assert ind["rectification.in_ledger"] == 7 and ind["rectification.no_deadline"] == 1


def test_indicators_from_a_monthly_metrics_json_carry_the_year_to_date():
    ind = indicators_from_metrics(_metrics("青禾县_2020年06月.metrics.json"), STD)
    assert len(ind) == 80
    assert (ind["totals.talks"], ind["year_to_date.talks"]) == (25, 89)  # 本月 25, 1–6 月 89 (golden)


def test_extra_categories_follow_the_taxonomy_and_missing_figures_raise():
    m = _metrics("青禾县_2020年度.metrics.json")
    m["problems_by_category"]["巡察整改落实"] = 0  # a category of another term's taxonomy
    codes = list(indicators_from_metrics(m, STD))
    assert codes.index("problems_by_category.巡察整改落实") == codes.index("problems_by_status.未整改") - 1
    m["rectification"] = None  # a v1 metrics.json has no ledger
    with pytest.raises(ValueError, match="rectification.in_ledger"):
        indicators_from_metrics(m, STD)


# ---------------------------------------------------------------- 上报信息

def test_fingerprint_of_the_sorted_lowercase_hashes():
    # printf 'abab…ab\ncdcd…cd\n' | sha256sum  (64 hex digits each)
    expected = "a84bba32fbb42c701494490a5328ad248737e9e8f63027f6311e20c6b8b958f2"
    assert fingerprint(["CD" * 32, "ab" * 32]) == fingerprint(["ab" * 32, "cd" * 32]) == expected
    assert fingerprint([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # of ''


def test_package_info_items():
    info = package_info(county="甲县", compiler="办", period=monthly("2020-06"), term="十四届",
                        generated=dt.date(2020, 7, 3), sha256s=[], unexplained=2, tool_version="9.9")
    assert info == {"county": "甲县", "compiler": "办", "period": "2020年06月", "period_kind": "月度",
                    "start": "2020-06-01", "end": "2020-06-30", "term": "十四届", "generated": "2020-07-03",
                    "tool_version": "9.9", "fingerprint": fingerprint([]), "unexplained": 2}


# ---------------------------------------------------------------- write and read back

def test_written_package_reads_back(tmp_path):
    path = city.write(tmp_path, "甲县", city.JIA)
    assert path.name == "上报_甲县_2020年度.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["上报信息", "指标", "分轮次", "核实说明"]
    assert [c.value for c in book["指标"][1]] == ["指标代码", "指标", "数值"]
    assert book["指标"].freeze_panes == "A2"
    pkg = read_package(path, path.name, STD)
    assert pkg.findings == []
    assert (pkg.county, pkg.period_label, pkg.kind, pkg.term, pkg.unexplained) == ("甲县", "2020年度", "annual",
                                                                                   "十四届", 0)
    assert pkg.indicators == city.indicators(city.JIA)
    assert pkg.info["fingerprint"] == "a84bba32fbb42c701494490a5328ad248737e9e8f63027f6311e20c6b8b958f2"
    assert pkg.rounds == city.ROUNDS
    assert pkg.explanations == [{**city.EXPLANATIONS[0], "row": "5"}]


def test_a_package_resaved_with_values_as_text_reads_the_same(tmp_path):
    """A person opens the package in Excel/WPS and saves it: numbers may become text or floats."""
    path = city.write(tmp_path, "甲县", city.JIA, unexplained=1)
    book = openpyxl.load_workbook(path)
    for row in book["指标"].iter_rows(min_row=2):
        row[2].value = str(row[2].value) if row[0].row % 2 else float(row[2].value)  # "12" and 12.0
    info = book["上报信息"]
    for row in info.iter_rows(min_row=2):
        if row[0].value in ("开始日期", "结束日期"):
            row[1].value = dt.datetime.fromisoformat(row[1].value)  # text date -> real date
        if row[0].value == "未说明核实性问题":
            row[1].value = "1"
    info.insert_rows(1)  # a title row above the header
    info["A1"] = "上报信息（已核对）"
    resaved = tmp_path / "resaved" / path.name
    resaved.parent.mkdir()
    book.save(resaved)
    pkg = read_package(resaved, path.name, STD)
    assert pkg.findings == []
    assert pkg.indicators == city.indicators(city.JIA)
    assert (pkg.info["start"], pkg.info["end"], pkg.unexplained) == ("2020-01-01", "2020-12-31", 1)


@pytest.mark.parametrize("value, number", [(12, 12), (12.0, 12), ("12", 12), (" 1,234 ", 1234), ("12.0", 12),
                                           ("０", 0)])
def test_whole_numbers_in_any_dress(value, number):
    assert whole_number(value) == number


@pytest.mark.parametrize("value", ["十二", "12人", 1.5, "-3", -1, True, None])
def test_not_whole_numbers(value):
    with pytest.raises(ValueError):
        whole_number(value)


def test_a_workbook_without_the_package_sheets_is_not_a_package(tmp_path):
    path = tmp_path / "其他.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "上报信息"  # 指标 is missing
    book.save(path)
    assert read_package(path, path.name, STD) is None


# ---------------------------------------------------------------- findings of the reader

def _edit(path: Path, sheet: str, edit) -> Path:
    book = openpyxl.load_workbook(path)
    edit(book[sheet])
    book.save(path)
    return path


def _row_of(ws, label: str) -> int:
    return next(r[0].row for r in ws.iter_rows() if r[0].value == label)


def test_unopenable_file_is_unreadable(tmp_path):
    path = tmp_path / "上报_甲县_2020年度.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    pkg = read_package(path, path.name, STD)
    [f] = pkg.findings
    assert (f.code, f.file, f.is_error) == ("package-unreadable", path.name, True)
    assert f.message.startswith("无法读取上报包：文件已损坏或不完整")


def test_a_missing_code_a_blank_value_and_a_bad_value(tmp_path):
    path = city.write(tmp_path, "甲县", city.JIA)

    def edit(ws):
        ws.cell(_row_of(ws, "totals.talks"), 3).value = None  # blank
        ws.cell(_row_of(ws, "totals.clues"), 3).value = "六"  # not a number
        ws.delete_rows(_row_of(ws, "rectification.overdue"))  # missing

    _edit(path, "指标", edit)
    pkg = read_package(path, "县/" + path.name, STD)
    got = sorted((f.code, f.row or 0, f.value, f.message) for f in pkg.findings)
    assert got == sorted([
        ("package-incomplete", 5 + 1, "",
         "指标代码“totals.talks”（个别谈话（人次））没有填数值。请该县区用本工具重新导出上报包。"),
        ("package-unreadable", 14 + 1, "六",
         "指标代码“totals.clues”的数值“六”不是大于等于 0 的整数。请与该县区核实，并请其重新导出上报包。"),
        ("package-incomplete", 0, "", "上报包缺少指标代码“rectification.overdue”（逾期未整改（红）（个））。"
                                      "请该县区用本工具重新导出上报包，不要删改“指标”表的行。"),
    ])  # talks is the 5th totals key (row 6), clues the 14th (row 15)
    assert {f.file for f in pkg.findings} == {"县/" + path.name}
    assert not pkg.usable


def test_a_code_twice_and_a_missing_county(tmp_path):
    path = city.write(tmp_path, "甲县", city.JIA)
    _edit(path, "指标", lambda ws: ws.append(["totals.talks", "再来一次", 1]))
    _edit(path, "上报信息", lambda ws: setattr(ws.cell(_row_of(ws, "县名"), 2), "value", None))
    codes = sorted((f.code, f.sheet, f.row) for f in read_package(path, path.name, STD).findings)
    assert codes == [("package-incomplete", "上报信息", 2), ("package-unreadable", "指标", 66)]  # 64 codes + header


def test_a_renamed_header_is_unreadable(tmp_path):
    path = city.write(tmp_path, "甲县", city.JIA)
    _edit(path, "指标", lambda ws: setattr(ws["C1"], "value", "数量"))
    [f] = read_package(path, path.name, STD).findings
    assert (f.code, f.sheet) == ("package-unreadable", "指标")
    assert f.message == ("上报包的“指标”表在前 10 行中找不到表头（指标代码、数值）。"
                         "请勿改动上报包的表头，或请该县区重新导出上报包。")


# ---------------------------------------------------------------- confidentiality

def test_no_clue_summary_reaches_a_package_written_from_metrics(tmp_path):
    from pipeline.render.metrics import plain

    ds = county_dataset(secret=CANARY, id_suffix="-CANARY-编号-91c4")
    report = build_report(ds, STD, annual("2020"), today=dt.date(2021, 1, 5))
    metrics = plain(report.metrics)
    metrics["rectification"] = dict(LEDGER)
    info = package_info(county=report.county, compiler=report.compiler, period=report.period, term=report.term,
                        generated=report.compiled_on, sha256s=[s.sha256 for s in report.sources], unexplained=0)
    path = write_package(tmp_path / "上报.xlsx", info, indicators_from_metrics(metrics, STD), metrics["rounds"],
                         [], STD)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            for needle in (CANARY.encode("utf-8"), b"CANARY-", "编号-91c4".encode()):
                assert needle not in data, name
    assert read_package(path, path.name, STD).indicators["totals.clues"] == 5  # counts are there (golden: 5)
