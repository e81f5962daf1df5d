"""Normalisation of single columns: counts, dates, years, enums, org names, text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline.read.normalize import fmt_value, norm_org, to_counts, to_dates, to_text, to_years

D = dt.date


def _one(convert, value):
    typed, blank, errors = convert(pd.Series([value], dtype=object))
    codes = [code for code, mask in errors.items() if mask.iloc[0]]
    return typed.iloc[0], bool(blank.iloc[0]), codes


@pytest.mark.parametrize("value, expected", [
    (12, 12), (12.0, 12), ("12", 12), ("１２", 12), (" 12 ", 12), ("\u300012\u3000", 12),
    ("+3", 3), ("7.0", 7), ("1,200", 1200), (0, 0), ("0", 0),
])
def test_count_accepted(value, expected):
    assert _one(to_counts, value) == (expected, False, [])


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_count_blank_is_zero(value):
    assert _one(to_counts, value) == (0, True, [])


@pytest.mark.parametrize("value, code", [
    ("12人", "count-invalid"), ("约10", "count-invalid"), ("十二", "count-invalid"), ("1,2", "count-invalid"),
    (True, "count-invalid"), (D(2020, 1, 2), "count-invalid"),
    ("-1", "count-negative"), (-1, "count-negative"), ("－３", "count-negative"),
    ("1.5", "count-not-integer"), (1.5, "count-not-integer"), (".5", "count-not-integer"),
])
def test_count_rejected_with_zero_in_frame(value, code):
    assert _one(to_counts, value) == (0, False, [code])


@pytest.mark.parametrize("value", [
    D(2020, 6, 1), dt.datetime(2020, 6, 1, 15, 30), pd.Timestamp("2020-06-01"), 43983, 43983.0,
    "2020-06-01", "2020/6/1", "2020.6.1", "2020年6月1日", "2020年06月01日", " 2020-6-1 ", "２０２０-６-１",
    "2020-06-01 00:00:00", "2020 年 6 月 1 日",
])
def test_date_accepted(value):
    assert _one(to_dates, value) == (pd.Timestamp("2020-06-01"), False, [])


@pytest.mark.parametrize("value, code", [
    ("2020-13-01", "date-invalid"), ("2020-02-30", "date-invalid"), ("6月1日", "date-invalid"),
    ("20200601", "date-invalid"), ("去年", "date-invalid"), (2020, "date-invalid"), (True, "date-invalid"),
    (dt.time(10, 0), "date-invalid"), (D(1905, 7, 12), "date-out-of-range"),
])
def test_date_rejected_with_nat_in_frame(value, code):
    typed, blank, codes = _one(to_dates, value)
    assert (typed is pd.NaT, blank, codes) == (True, False, [code])


def test_dates_column_is_datetime64ns_with_nat_for_blank():
    typed, blank, errors = to_dates(pd.Series([None, "2020/6/1", ""], dtype=object))
    assert str(typed.dtype) == "datetime64[ns]"
    assert typed.isna().tolist() == [True, False, True]
    assert blank.tolist() == [True, False, True]
    assert not any(mask.any() for mask in errors.values())


@pytest.mark.parametrize("value, expected, codes", [
    (2020, 2020, []), ("2020", 2020, []), ("２０２０", 2020, []), ("2020年", 2020, []), ("2020年度", 2020, []),
    ("20年", 0, ["year-invalid"]), (2020.5, 0, ["year-invalid"]), (1800, 0, ["year-invalid"]),
])
def test_years(value, expected, codes):
    assert _one(to_years, value) == (expected, False, codes)


@pytest.mark.parametrize("value", ["回头看", " 回头看 ", '"回头看"', "“回头看”", "‘回头看’", "'回头看'"])
def test_enum_quotes_and_spaces_removed(value):
    typed, blank = to_text(pd.Series([value], dtype=object), "enum")
    assert (typed.iloc[0], bool(blank.iloc[0])) == ("回头看", False)


def test_enum_brackets_full_width_and_default_for_blank():
    typed, blank = to_text(pd.Series(["乡镇(街道)", None, " "], dtype=object), "enum", default="否")
    assert typed.tolist() == ["乡镇（街道）", "否", "否"]
    assert blank.tolist() == [False, True, True]


@pytest.mark.parametrize("value, expected", [
    (" 县住房和城乡建设管理局 ", "县住房和城乡建设管理局"),
    ("县住房和城乡 建设管理局", "县住房和城乡建设管理局"),
    ("城关镇党委(街道)", "城关镇党委（街道）"),
    ("县\u3000交通运输局\n", "县交通运输局"),
])
def test_org_names(value, expected):
    typed, _ = to_text(pd.Series([value], dtype=object), "org")
    assert typed.iloc[0] == expected == norm_org(value)


def test_text_keeps_inner_spaces_and_numbers_as_typed():
    typed, blank = to_text(pd.Series(["  第一 巡察组 ", 1.0, 2.5, None, D(2020, 1, 2)], dtype=object))
    assert typed.tolist() == ["第一 巡察组", "1", "2.5", None, "2020-01-02"]
    assert blank.tolist() == [False, False, False, True, False]


@pytest.mark.parametrize("value, shown", [
    (12.0, "12"), (1.5, "1.5"), (None, ""), (D(2020, 6, 1), "2020-06-01"),
    (dt.datetime(2020, 6, 1), "2020-06-01"), (dt.datetime(2020, 6, 1, 9, 5), "2020-06-01 09:05"),
    (pd.NaT, ""), (True, "TRUE"), ("12人", "12人"),
])
def test_fmt_value(value, shown):
    assert fmt_value(value) == shown
