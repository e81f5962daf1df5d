"""Figures of each period kind (spec periods.md §2) on the hand-made county (tests/county.py),
worked out by hand: a quarter with 同比 and 环比, both half-years, a range, a term with by_year.

Row names as in tests/test_aggregate_golden.py: R<round>G<group> a submission, 工作量 rows by
their 统计日期 (visits, talks, briefings, documents, vouchers, questionnaires, field visits),
problems W…, clues X…. Each test runs on the typed frames and on the county written as workbooks.
"""

from __future__ import annotations

import datetime as dt

import pytest

from county import TERMS, read_or_built
from pipeline.periods import parse_period, resolve_term
from pipeline.render.table_model import Pct
from pipeline.render.tables import overview
from pipeline.stats.aggregate import build_report
from shipped import STD

TODAY = dt.date(2021, 1, 5)
KEYS = ("rounds", "groups", "orgs_inspected", "visits_received", "talks", "briefings", "documents", "vouchers",
        "questionnaires", "field_visits", "problems", "problems_fixed_on_spot", "problems_rectified", "clues",
        "clue_cadres", "clue_others")


def totals(*values: int) -> dict[str, int]:
    """A totals object written in the order of KEYS."""
    assert len(values) == len(KEYS)
    return dict(zip(KEYS, values, strict=True))


@pytest.fixture(scope="module", params=["frames", "workbooks"])
def dataset(request, tmp_path_factory):
    return read_or_built(request.param, tmp_path_factory)


def report_of(dataset, text: str, as_of: dt.date | None = None):
    period = resolve_term(parse_period(text, as_of), TERMS)
    return build_report(dataset, STD, period, today=TODAY)


# ---------------------------------------------------------------- a quarter: 2020Q2, 同比 and 环比

# 2020-04-01..06-30. Rounds R3 (04-07..07-10) and R4 (06-08..07-03); groups R3G1, R3G2, R4G3.
# 进驻 in the quarter: 县委办公室 04-07, 县供水公司 04-20, 西河村 05-11 (R3), 县人防办 06-08, 县财政局 06-15 (R4).
# 工作量: R3G1 04-30 (4,26,3,90,30,60,2), 05-31 (2,14,1,45,20,0,1), 06-30 (1,10,1,30,50,40,2);
#         R3G2 05-31 (3,16,2,25,12,35,3), 06-24 (1,6,1,8,4,0,2); R4 06-30 (0,9,2,20,8,15,1).
# Problems W3-01 05-15, W3-05 05-25, W3-02 06-05, W3-03 06-18, W3-06 06-20, W4-01 06-22, W4-02 06-28;
# 立行立改 W3-02, W4-02; rectified by 06-30: W3-01 (06-15), W3-02 (06-10), W4-02 (06-29).
# Clues X3-01 06-10 (2 cadres), X3-02 06-25 (1 cadre, 2 others).
Q2_2020 = totals(2, 3, 5,
                 4 + 2 + 1 + 3 + 1 + 0, 26 + 14 + 10 + 16 + 6 + 9, 3 + 1 + 1 + 2 + 1 + 2, 90 + 45 + 30 + 25 + 8 + 20,
                 30 + 20 + 50 + 12 + 4 + 8, 60 + 0 + 40 + 35 + 0 + 15, 2 + 1 + 2 + 3 + 2 + 1,
                 7, 2, 3, 2, 2 + 1, 0 + 2)
# 2019Q2: only R1 (04-08..06-28, one group); 县财政局 04-08, 县教育局 04-15; 工作量 04-30 (2,30,3,120,40,50,2),
# 05-31 (1,25,1,80,60,0,1), 06-28 (0,18,1,40,20,30,1); W1-01 05-20, W1-02 05-28 (立行立改, rectified
# 06-10), W1-03 06-20; X1-01 06-12 (1 cadre).
Q2_2019 = totals(1, 1, 2, 2 + 1 + 0, 30 + 25 + 18, 3 + 1 + 1, 120 + 80 + 40, 40 + 60 + 20, 50 + 0 + 30, 2 + 1 + 1,
                 3, 1, 1, 1, 1, 0)
# 2020Q1: R2 (→01-15, its G1 only: G2 ended 2019-12-27); 东关村 01-06; 工作量 01-15 (2,8,1,12,6,20,3);
# W2-03 01-10 (rectified only 06-20); X2-02 01-12 (1 cadre).
Q1_2020 = totals(1, 1, 1, 2, 8, 1, 12, 6, 20, 3, 1, 0, 0, 1, 1, 0)


def test_a_quarter_with_its_year_to_date_and_both_comparisons(dataset):
    m = report_of(dataset, "2020Q2").metrics
    assert m["period"] == {"kind": "quarterly", "label": "2020年第二季度", "start": "2020-04-01",
                           "end": "2020-06-30"}
    assert m["totals"] == Q2_2020
    assert m["previous"] == m["previous_year"] == Q2_2019  # 上年同期, 同比
    assert m["preceding"] == Q1_2020  # 上季度, 环比
    assert m["by_year"] is None
    # 本年累计 = January–June 2020, and its 上年同期 January–June 2019 (as the June report's)
    assert m["year_to_date"] == totals(3, 4, 6, 13, 89, 11, 230, 130, 170, 14, 8, 2, 4, 3, 4, 2)
    assert m["previous_year_to_date"] == Q2_2019  # January–March 2019 had no row
    assert [t["talks"] for t in m["monthly_trend"]] == [8, 0, 0, 26, 30, 25]
    assert m["schema_version"] == 4


def test_the_quarters_leadership_table_shows_both_comparisons(dataset):
    table = overview(report_of(dataset, "2020Q2"))
    assert [(c.group, c.header) for c in table.columns] == [
        ("", "指标"),
        *(("本季度（2020年第二季度）", h) for h in ("本期", "上年同期（2019年第二季度）", "同比增减", "增减幅度",
                                                   "上季度（2020年第一季度）", "环比增减", "环比幅度")),
        *(("本年累计（2020年1—6月）", h) for h in ("本期", "上年同期（2019年1—6月）", "同比增减", "增减幅度")),
    ]
    talks = next(r for r in table.rows if r[0] == "个别谈话（人次）")
    # 81 this quarter: 73 a year earlier (+8), 8 the quarter before (+73); 89 in the year, 73 a year earlier
    assert talks[1:] == [81, 73, 8, Pct(8 / 73), 8, 73, Pct(73 / 8), 89, 73, 16, Pct(16 / 73)]


def test_a_first_quarter_compares_with_the_previous_years_fourth(dataset):
    m = report_of(dataset, "2020Q1").metrics
    assert m["totals"] == Q1_2020
    # 2019Q4: R2 (11-04..) both groups; 东关镇, 南坡村, 西河乡; 工作量 11-30 (3,20,2,50,10,30,2),
    # 12-31 (1,15,1,30,25,0,1), 12-27 (1,12,2,35,15,25,1); W2-01 12-10, W2-02 12-12 (立行立改, rectified
    # 12-20), W2-04 12-20; X2-01 12-15 (2 cadres, 1 other)
    assert m["preceding"] == totals(1, 2, 3, 5, 47, 5, 115, 50, 55, 4, 3, 1, 1, 1, 2, 1)
    # 2019Q1 had no row, but 2019 before March's end is the year to date's twin: nothing -> no 同比
    assert m["previous"] is None


# ---------------------------------------------------------------- half-years

def test_the_first_half_year(dataset):
    report = report_of(dataset, "2020H1")
    m = report.metrics
    assert m["period"]["label"] == "2020年上半年"
    # January–June 2020 = the year to date of the June report (test_aggregate_golden)
    h1 = totals(3, 4, 6, 13, 89, 11, 230, 130, 170, 14, 8, 2, 4, 3, 4, 2)
    assert m["totals"] == m["year_to_date"] == h1
    assert m["previous"] == Q2_2019  # January–June 2019: only R1, all in the second quarter
    assert m["preceding"] is None and m["by_year"] is None
    assert not report.two_blocks  # the year to date is the half-year itself: one block in the tables


def test_the_second_half_year(dataset):
    report = report_of(dataset, "2020H2")
    m = report.metrics
    # 2020-07-01..12-31: rounds R3 (→07-10), R4 (→07-03), R5 (10-12, open); groups R3G1, R4G3, R5G1
    # (R3G2 ended 06-24); 进驻 城关社区 10-12, 县医保中心 10-26; 工作量 07-10 (0,5,1,10,0,0,1),
    # 07-03 (0,4,1,6,0,0,0), 10-31 (2,22,2,40,10,50,3), 11-30 (1,17,1,35,25,0,1); problems W3-04 07-08,
    # W5-01 11-10, W5-02 11-20, none rectified by 12-31; clues X3-03 07-05 (1 cadre), X5-01 12-05 (1 other)
    assert m["totals"] == totals(3, 3, 2, 0 + 0 + 2 + 1, 5 + 4 + 22 + 17, 1 + 1 + 2 + 1, 10 + 6 + 40 + 35,
                                 0 + 0 + 10 + 25, 0 + 0 + 50 + 0, 1 + 0 + 3 + 1, 3, 0, 0, 2, 1, 1)
    # 2019-07-01..12-31: R2 (11-04..), its two groups; 东关镇, 南坡村, 西河乡; the Q4 rows above
    assert m["previous"] == totals(1, 2, 3, 5, 47, 5, 115, 50, 55, 4, 3, 1, 1, 1, 2, 1)
    assert m["year_to_date"]["talks"] == 137 and report.two_blocks  # the whole year beside the half


# ---------------------------------------------------------------- a range

def test_a_range_within_a_year(dataset):
    m = report_of(dataset, "2020-03-01~2020-08-31").metrics
    assert m["period"] == {"kind": "range", "label": "2020年3月1日至2020年8月31日", "start": "2020-03-01",
                           "end": "2020-08-31"}
    # the quarter's rows plus 07-10 (R3G1: 0,5,1,10,0,0,1) and 07-03 (R4: 0,4,1,6,0,0,0); W3-04 07-08;
    # rectified by 08-31 also W3-03 (07-20) and W4-01 (08-30); X3-03 07-05 (1 cadre)
    assert m["totals"] == totals(2, 3, 5, 11, 81 + 5 + 4, 10 + 1 + 1, 218 + 10 + 6, 124, 150, 11 + 1 + 0,
                                 7 + 1, 2, 3 + 2, 3, 3 + 1, 2)
    # 2019-03-01..08-31: R1 whole (04-08..06-28); W1-01 rectified 09-30 and W1-03 10-15 count as not yet
    assert m["previous"] == Q2_2019
    assert m["preceding"] is None and m["by_year"] is None and "year_to_date" not in m
    assert [(t["month"], t["talks"], t["problems"]) for t in m["monthly_trend"]] == [
        (3, 0, 0), (4, 26, 0), (5, 30, 2), (6, 25, 5), (7, 9, 1), (8, 0, 0)]


def test_a_range_across_years_has_no_previous_year(dataset):
    m = report_of(dataset, "2019-11-04~2020-01-15").metrics
    # R2 whole: both groups, 4 organisations; its 工作量 rows (3,20,…), (1,15,…), (2,8,…), (1,12,…)
    assert m["totals"]["rounds"] == 1 and m["totals"]["orgs_inspected"] == 4
    assert m["totals"]["talks"] == 20 + 15 + 8 + 12
    assert m["previous"] is None and m["previous_year"] is None
    assert [t["year"] for t in m["monthly_trend"]] == [2019, 2020]


# ---------------------------------------------------------------- a term, by year

ZERO = totals(*[0] * 16)
Y2019 = totals(2, 3, 5, 8, 120, 10, 355, 170, 135, 8, 6, 2, 4, 2, 3, 1)  # the annual golden's previous_year
Y2020 = totals(4, 5, 8, 16, 137, 16, 321, 165, 220, 19, 11, 2, 6, 5, 5, 3)  # the annual golden's totals


def test_a_term_by_year(dataset):
    report = report_of(dataset, "十四届", dt.date(2020, 12, 31))
    m = report.metrics
    assert m["period"] == {"kind": "term", "label": "十四届（截至2020年12月31日）", "start": "2016-10-01",
                           "end": "2020-12-31"}
    # rounds R1..R5; groups R1G1, R2G1, R2G2, R3G1, R3G2, R4G3, R5G1; (round, org): R1 2, R2 4, R3 3, R4 2, R5 2;
    # work = 2019 + 2020; problems 6 + 11, 立行立改 2 + 2; rectified by 2020-12-31: W1-01..03, W2-01
    # (2020-04-30), W2-02 and the six of 2020 (W2-04 never); clues 2 + 5
    assert m["totals"] == totals(5, 7, 2 + 4 + 3 + 2 + 2, 8 + 16, 120 + 137, 10 + 16, 355 + 321, 170 + 165,
                                 135 + 220, 8 + 19, 17, 4, 5 + 6, 7, 3 + 5, 1 + 3)
    # each year counts by its own end: 2019 has W2-01 not yet rectified (4), the term total has it (11)
    assert m["by_year"] == {"2016": ZERO, "2017": ZERO, "2018": ZERO, "2019": Y2019, "2020": Y2020}
    assert [f.period.label for f in report.by_year] == [
        "2016年（10月1日—12月31日）", "2017年", "2018年", "2019年", "2020年"]
    assert m["previous"] is None and m["preceding"] is None and "year_to_date" not in m
    assert [(t["year"], t["talks"], t["problems"]) for t in m["monthly_trend"]] == [
        (2016, 0, 0), (2017, 0, 0), (2018, 0, 0), (2019, 120, 6), (2020, 137, 11)]
    assert [r["round"] for r in m["rounds"]] == [1, 2, 3, 4, 5]
    # coverage over the whole term as of the span's end: as in the annual report
    assert m["coverage"]["uninspected"] == ["县人防办", "县大数据中心", "北岭村"]
    assert m["coverage"]["county"]["inspected"] == 7


def test_the_terms_leadership_table_has_a_column_per_year(dataset):
    table = overview(report_of(dataset, "十四届", dt.date(2020, 12, 31)))
    assert [c.header for c in table.columns] == [
        "指标", "本届合计", "2016年（10月1日—12月31日）", "2017年", "2018年",
        "2019年", "2020年"]
    talks = next(r for r in table.rows if r[0] == "个别谈话（人次）")
    assert talks[1:] == [257, 0, 0, 0, 120, 137]


def test_a_term_past_its_end_is_the_whole_term(dataset):
    m = report_of(dataset, "十四届", dt.date(2022, 1, 1)).metrics
    assert (m["period"]["label"], m["period"]["end"]) == ("十四届", "2021-09-30")
    assert m["totals"]["talks"] == 257  # nothing after 2020 in the county
