"""The one period grammar (spec periods.md §1): every accepted spelling, every refused one, and
the command line's exit code 2 with one Chinese line listing the accepted forms."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.engine import period_of
from pipeline.errors import UsageError
from pipeline.launch import main
from pipeline.periods import ACCEPTED, parse_period, resolve_term

D = dt.date
TERMS = [("十三届", D(2011, 10, 1), D(2016, 9, 30)), ("十四届", D(2016, 10, 1), D(2021, 9, 30))]


@pytest.mark.parametrize("text, kind, start, end, label", [
    ("2020", "annual", D(2020, 1, 1), D(2020, 12, 31), "2020年度"),
    ("2020年", "annual", D(2020, 1, 1), D(2020, 12, 31), "2020年度"),
    ("2020年度", "annual", D(2020, 1, 1), D(2020, 12, 31), "2020年度"),
    ("2020-06", "monthly", D(2020, 6, 1), D(2020, 6, 30), "2020年06月"),
    ("2020-6", "monthly", D(2020, 6, 1), D(2020, 6, 30), "2020年06月"),
    ("2020年6月", "monthly", D(2020, 6, 1), D(2020, 6, 30), "2020年06月"),
    ("2020-02", "monthly", D(2020, 2, 1), D(2020, 2, 29), "2020年02月"),
    ("2020Q2", "quarterly", D(2020, 4, 1), D(2020, 6, 30), "2020年第二季度"),
    ("2020-Q2", "quarterly", D(2020, 4, 1), D(2020, 6, 30), "2020年第二季度"),
    ("2020q4", "quarterly", D(2020, 10, 1), D(2020, 12, 31), "2020年第四季度"),
    ("2020年第二季度", "quarterly", D(2020, 4, 1), D(2020, 6, 30), "2020年第二季度"),
    ("2020年第1季度", "quarterly", D(2020, 1, 1), D(2020, 3, 31), "2020年第一季度"),
    ("2020年三季度", "quarterly", D(2020, 7, 1), D(2020, 9, 30), "2020年第三季度"),
    ("2020H1", "half-year", D(2020, 1, 1), D(2020, 6, 30), "2020年上半年"),
    ("2020-H2", "half-year", D(2020, 7, 1), D(2020, 12, 31), "2020年下半年"),
    ("2020年上半年", "half-year", D(2020, 1, 1), D(2020, 6, 30), "2020年上半年"),
    ("2020年下半年", "half-year", D(2020, 7, 1), D(2020, 12, 31), "2020年下半年"),
    ("2020-03-01~2020-08-31", "range", D(2020, 3, 1), D(2020, 8, 31), "2020年3月1日至2020年8月31日"),
    ("2020-03-01..2020-08-31", "range", D(2020, 3, 1), D(2020, 8, 31), "2020年3月1日至2020年8月31日"),
    ("2020/3/1～2020/8/31", "range", D(2020, 3, 1), D(2020, 8, 31), "2020年3月1日至2020年8月31日"),
    ("2020年3月1日至2020年8月31日", "range", D(2020, 3, 1), D(2020, 8, 31), "2020年3月1日至2020年8月31日"),
    (" 2019-11-04 ~ 2020-01-15 ", "range", D(2019, 11, 4), D(2020, 1, 15), "2019年11月4日至2020年1月15日"),
    ("2020-06-30~2020-06-30", "range", D(2020, 6, 30), D(2020, 6, 30), "2020年6月30日至2020年6月30日"),
])
def test_accepted_spellings(text, kind, start, end, label):
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.label, period.folder) == (kind, start, end, label, label)


@pytest.mark.parametrize("text", [
    "", "20", "abc", "2020Q5", "2020Q0", "2020-Q", "2020H3", "2020年第五季度", "2020年中半年", "2020-13",
    "2020-00", "1999", "2101", "2020-02-30~2020-03-01", "2020-08-31~2020-03-01", "2020-03-01~",
    "2020-03-01~2020-08", "十四", "第十四届", "2020年13月", "2020/06",
])
def test_refused_spellings_say_the_accepted_forms(text):
    with pytest.raises(UsageError) as caught:
        parse_period(text)
    message = caught.value.message
    assert caught.value.exit_code == 2 and f"期间“{text}”不对" in message and ACCEPTED in message
    assert "\n" not in message


def test_a_term_is_resolved_against_the_registry():
    asked = parse_period("十四届", D(2020, 12, 31))
    assert (asked.kind, asked.term, asked.resolved) == ("term", "十四届", False)
    term = resolve_term(asked, TERMS)
    assert (term.start, term.end, term.label) == (D(2016, 10, 1), D(2020, 12, 31), "十四届（截至2020年12月31日）")
    # the span reaches the term's end: the label is the term alone
    whole = resolve_term(parse_period("十四届", D(2022, 3, 1)), TERMS)
    assert (whole.start, whole.end, whole.label) == (D(2016, 10, 1), D(2021, 9, 30), "十四届")
    assert resolve_term(parse_period("十四届", D(2021, 9, 30)), TERMS).label == "十四届"


@pytest.mark.parametrize("name, as_of, says", [
    ("十五届", D(2020, 12, 31), "“届次设置”中没有“十五届”（现有：十三届、十四届）"),
    ("十四届", D(2016, 9, 1), "截至日期 2016年9月1日 早于十四届的开始日期 2016年10月1日"),
])
def test_a_term_the_registry_cannot_place_is_a_usage_error(name, as_of, says):
    with pytest.raises(UsageError, match=says):
        resolve_term(parse_period(name, as_of), TERMS)


def test_as_of_only_for_a_term():
    with pytest.raises(UsageError, match="--as-of（截至日期）只用于届次"):
        parse_period("2020Q2", D(2020, 12, 31))


@pytest.mark.parametrize("kind, text, expected", [
    ("quarterly", "2020Q2", "2020年第二季度"), ("half-year", "2020年上半年", "2020年上半年"),
    ("range", "2020-03-01~2020-08-31", "2020年3月1日至2020年8月31日"), ("term", "十四届", "十四届"),
    ("export", "2020Q2", "2020年第二季度"), ("rollup", "2020H2", "2020年下半年"), ("export", "2020", "2020年度"),
    ("rollup", "2020-06", "2020年06月"), ("report", "2020-06", "2020年06月"),
])
def test_period_of_each_kind(kind, text, expected):
    assert period_of(kind, text).label == expected


@pytest.mark.parametrize("kind, text, says", [
    ("quarterly", "2020H1", "选择的是季度统计，期间“2020H1”不是这一类"),
    ("export", "十四届", "上报包和汇总不按届次做"),
    ("rollup", "20x0", "年份“20x0”不对"),  # a year or a month keeps the messages of --year/--month
    ("export", "2020-13", "月份“2020-13”不对"),
])
def test_period_of_refuses_what_the_kind_cannot_take(kind, text, says):
    with pytest.raises(UsageError, match=says):
        period_of(kind, text)


@pytest.mark.parametrize("argv", [
    ["report", "--period", "2020Q5"],
    ["report", "--period", "二零二零"],
    ["export", "--period", "2020H3"],
    ["rollup", "--period", "2020-08-31~2020-03-01"],
])
def test_a_wrong_period_exits_2_with_one_chinese_line(argv, tmp_path, capsys):
    code = main([*argv, "--inputs", str(tmp_path), "--outputs", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("错误：期间“") and "2020Q2 或 2020年第二季度" in err
    assert not (tmp_path / "out").exists()


def test_a_term_unknown_to_the_registry_exits_2(tmp_path, capsys):
    import county

    county.write_county(tmp_path / "inputs")
    code = main(["report", "--period", "十五届", "--inputs", str(tmp_path / "inputs"),
                 "--outputs", str(tmp_path / "out")])
    assert code == 2 and "“届次设置”中没有“十五届”（现有：十三届、十四届）" in capsys.readouterr().err


def test_previous_preceding_and_years():
    q1 = parse_period("2020Q1")
    assert (q1.previous_year().label, q1.preceding().label) == ("2019年第一季度", "2019年第四季度")
    assert parse_period("2020Q3").preceding().label == "2020年第二季度"
    assert parse_period("2020H2").previous_year().label == "2019年下半年"
    leap = parse_period("2020-02-29~2020-03-31").previous_year()
    assert (leap.start, leap.end) == (D(2019, 2, 28), D(2019, 3, 31))
    assert parse_period("2019-11-04~2020-01-15").previous_year() is None  # across years: no 同比
    assert parse_period("2020H1").preceding() is None
    years = resolve_term(parse_period("十四届", D(2018, 3, 31)), TERMS).years()
    assert [(y.label, y.start, y.end) for y in years] == [
        ("2016年（10月1日—12月31日）", D(2016, 10, 1), D(2016, 12, 31)),
        ("2017年", D(2017, 1, 1), D(2017, 12, 31)),
        ("2018年（1月1日—3月31日）", D(2018, 1, 1), D(2018, 3, 31))]
    assert [p.next_span().label for p in map(parse_period, ("2020", "2020H1", "2020H2"))] == \
        ["2021年度", "2020年下半年", "2021年度"]
