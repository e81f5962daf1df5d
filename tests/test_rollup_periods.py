"""The city side of the period kinds (spec periods.md §5): packages of a quarter, a half-year and a
range (期间类型 季度/半年/自定义), ``rollup --period``, and the period check comparing kind, start
and end. The counties are tests/city.py's 甲县 and 乙县 (figures chosen by hand) and the hand-made
county of tests/county.py exported for real."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

import city
import county
from city import JIA, YI
from pipeline.launch import main
from pipeline.periods import parse_period

Q2 = parse_period("2020Q2")


def _rollup(inputs: Path, out: Path, period: str) -> int:
    return main(["rollup", "--period", period, "--inputs", str(inputs), "--outputs", str(out)])


def _findings(path: Path) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)["校验结果"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if r[7]]


def _info(path: Path) -> dict[str, str]:
    return {r[0]: r[1] for r in openpyxl.load_workbook(path)["上报信息"].iter_rows(min_row=2, values_only=True)}


def test_a_quarter_rolls_up_with_its_year_to_date(tmp_path):
    inputs = tmp_path / "in"
    jia_ytd = {k: 2 * v for k, v in JIA["totals"].items()}  # 1–6 月: twice the quarter's figures
    yi_ytd = {k: 3 * v for k, v in YI["totals"].items()}
    jia = city.write(inputs, "甲县", JIA, Q2, ytd=jia_ytd)
    city.write(inputs, "乙县", YI, Q2, ytd=yi_ytd)
    assert jia.name == "上报_甲县_2020年第二季度.xlsx"
    assert _info(jia)["期间类型"] == "季度" and (_info(jia)["开始日期"], _info(jia)["结束日期"]) == (
        "2020-04-01", "2020-06-30")
    assert _rollup(inputs, tmp_path / "out", "2020年第二季度") == 0
    folder = tmp_path / "out" / "汇总_2020年第二季度"
    m = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert m["period"] == {"kind": "quarterly", "label": "2020年第二季度", "start": "2020-04-01", "end": "2020-06-30"}
    assert m["totals"]["talks"] == 200  # 120 + 80
    assert m["year_to_date"]["talks"] == 480  # 2*120 + 3*80
    assert m["year_to_date"]["problems"] == 120  # 2*30 + 3*20
    sheet = openpyxl.load_workbook(folder / "巡察工作汇总_2020年第二季度.xlsx")["总体情况"]
    header = [str(c.value).replace("\n", "") for c in next(r for r in sheet.iter_rows() if r[0].value == "指标")]
    assert header[:3] == ["指标", "本季度（2020年第二季度）", "本年累计（2020年1—6月）"]


@pytest.mark.parametrize("text, kind_word", [("2020H1", "半年"), ("2020-03-01~2020-08-31", "自定义")])
def test_a_half_year_and_a_range_roll_up(tmp_path, text, kind_word):
    period = parse_period(text)
    inputs = tmp_path / "in"
    ytd = dict(JIA["totals"]) if period.kind == "half-year" else None  # H1: the year to date is the half
    path = city.write(inputs, "甲县", JIA, period, ytd=ytd)
    city.write(inputs, "乙县", YI, period, ytd=dict(YI["totals"]) if ytd else None)
    assert _info(path)["期间类型"] == kind_word
    assert _rollup(inputs, tmp_path / "out", text) == 0
    m = json.loads((tmp_path / "out" / f"汇总_{period.label}" / "metrics.json").read_text(encoding="utf-8"))
    assert (m["period"]["kind"], m["totals"]["problems"]) == (period.kind, 50)  # 30 + 20


def test_the_period_check_compares_kind_start_and_end(tmp_path, capsys):
    inputs = tmp_path / "in"
    city.write(inputs, "甲县", JIA, Q2, ytd=dict(JIA["totals"]))
    # the same three months as a range: another kind (and label)
    city.write(inputs, "乙县", YI, parse_period("2020-04-01~2020-06-30"))
    # labelled 2020年第二季度 but ending a month early: only kind, start and end tell
    cut = dataclasses.replace(Q2, end=dt.date(2020, 5, 31))
    city.write(inputs, "丙县", YI, cut, name="上报_丙县_改过的.xlsx", ytd=dict(YI["totals"]))
    assert _rollup(inputs, tmp_path / "out", "2020Q2") == 1
    found = {f["文件"]: f for f in _findings(tmp_path / "out" / "校验报告.xlsx")}
    assert set(found) == {"上报_乙县_2020年4月1日至2020年6月30日.xlsx", "上报_丙县_改过的.xlsx"}
    assert {f["问题代码"] for f in found.values()} == {"package-period-mismatch"}
    assert found["上报_乙县_2020年4月1日至2020年6月30日.xlsx"]["问题说明"].startswith(
        "上报包的期间是“2020年4月1日至2020年6月30日”，本次汇总的是“2020年第二季度”。")
    assert found["上报_丙县_改过的.xlsx"]["问题说明"].startswith(
        "上报包的期间是“2020年第二季度（季度，2020-04-01至2020-05-31）”，"
        "本次汇总的是“2020年第二季度（季度，2020-04-01至2020-06-30）”。")
    assert "错误：上报包有错误，未生成汇总结果。" in capsys.readouterr().err


def test_no_roll_up_or_package_of_a_term(tmp_path, capsys):
    assert _rollup(tmp_path, tmp_path / "out", "十四届") == 2
    assert "上报包和汇总不按届次做" in capsys.readouterr().err


def test_a_county_exports_a_quarter_and_the_city_rolls_it_up(tmp_path, capsys):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    county.write_county(inputs)
    assert main(["export", "--period", "2020Q2", "--inputs", str(inputs), "--outputs", str(out)]) == 0
    package = out / "2020年第二季度" / "上报_青禾县_2020年第二季度.xlsx"
    assert package.is_file() and _info(package)["期间类型"] == "季度"
    codes = {r[0]: r[2] for r in openpyxl.load_workbook(package)["指标"].iter_rows(min_row=2, values_only=True)}
    # tests/test_periods_figures.py: 81 talks in the quarter, 89 from January
    assert (codes["totals.talks"], codes["year_to_date.talks"], codes["totals.problems"]) == (81, 89, 7)
    assert _rollup(out / "2020年第二季度", tmp_path / "city", "2020-Q2") == 0
    m = json.loads((tmp_path / "city" / "汇总_2020年第二季度" / "metrics.json").read_text(encoding="utf-8"))
    assert [c["county"] for c in m["counties"]] == ["青禾县"]
    assert (m["totals"]["talks"], m["year_to_date"]["talks"]) == (81, 89)
    capsys.readouterr()
