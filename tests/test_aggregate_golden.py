"""Golden figures of the hand-made county (tests/county.py), worked out by hand.

Row names used in the comments: R<round>G<group> is a submission of tests/county.py;
workload rows are named by their 统计日期, problems W…, clues X… by their 编号.
Problem categories: A 贯彻落实…, B 群众身边腐败…, C 软弱涣散…

Every test runs twice: on typed frames built directly (fast, reader-independent) and on
the same county written as workbooks and read back by ``load_dataset``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from county import A, B, C, read_or_built
from pipeline.periods import annual, monthly
from pipeline.stats.aggregate import build_report
from pipeline.stats.rounds import round_summaries
from shipped import STD

TODAY = dt.date(2021, 1, 5)


@pytest.fixture(scope="module", params=["frames", "workbooks"])
def dataset(request, tmp_path_factory):
    return read_or_built(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def year(dataset):
    return build_report(dataset, STD, annual("2020"), today=TODAY)


@pytest.fixture(scope="module")
def june(dataset):
    return build_report(dataset, STD, monthly("2020-06"), today=TODAY)


# The county fills no 巡察计划: each coverage tally's projection is null (office-loop.md §4).
NO_PLAN = {"planned": None, "projected_rate": None}


def test_annual_totals(year):
    assert year.metrics["totals"] == {
        # R2 (→2020-01-15), R3, R4, R5 (in progress); R1 ended 2019-06-28
        "rounds": 4,
        # R2G1 (→01-15), R3G1, R3G2, R4G3, R5G1; R2G2 ended 2019-12-27
        "groups": 5,
        # 东关村 (R2, 2020-01-06); 县委办公室, 县供水公司, 西河村 (R3);
        # 县人防办, 县财政局 (R4); 城关社区, 县医保中心 (R5): 1 + 3 + 2 + 2
        "orgs_inspected": 8,
        # 2020 workload rows: 01-15, 04-30, 05-31, 06-30, 07-10 (R3G1), 05-31, 06-24 (R3G2),
        # 06-30, 07-03 (R4), 10-31, 11-30 (R5), in that order in each sum
        "visits_received": 16,  # 2+4+2+1+0+3+1+0+0+2+1
        "talks": 137,  # 8+26+14+10+5+16+6+9+4+22+17
        "briefings": 16,  # 1+3+1+1+1+2+1+2+1+2+1
        "documents": 321,  # 12+90+45+30+10+25+8+20+6+40+35
        "vouchers": 165,  # 6+30+20+50+0+12+4+8+0+10+25
        "questionnaires": 220,  # 20+60+0+40+0+35+0+15+0+50+0
        "field_visits": 19,  # 3+2+1+2+1+3+2+1+0+3+1
        # W2-03, W3-01..06, W4-01, W4-02, W5-01, W5-02: 1 + 6 + 2 + 2
        "problems": 11,
        "problems_fixed_on_spot": 2,  # W3-02, W4-02
        # W2-03 (06-20), W3-01, W3-02, W3-03 (07-20), W4-01, W4-02; W3-05 only in 2021
        "problems_rectified": 6,
        "clues": 5,  # X2-02, X3-01, X3-02, X3-03, X5-01
        "clue_cadres": 5,  # 1+2+1+1+0
        "clue_others": 3,  # 0+0+2+0+1
    }


def test_annual_previous_year(year):
    assert year.metrics["previous_year"] == {
        "rounds": 2,  # R1, R2
        "groups": 3,  # R1G1, R2G1, R2G2
        "orgs_inspected": 5,  # 县财政局, 县教育局, 东关镇, 南坡村, 西河乡
        # 2019 rows: 04-30, 05-31, 06-28 (R1), 11-30, 12-31 (R2G1), 12-27 (R2G2)
        "visits_received": 8,  # 2+1+0+3+1+1
        "talks": 120,  # 30+25+18+20+15+12
        "briefings": 10,  # 3+1+1+2+1+2
        "documents": 355,  # 120+80+40+50+30+35
        "vouchers": 170,  # 40+60+20+10+25+15
        "questionnaires": 135,  # 50+0+30+30+0+25
        "field_visits": 8,  # 2+1+1+2+1+1
        "problems": 6,  # W1-01..03, W2-01, W2-02, W2-04
        "problems_fixed_on_spot": 2,  # W1-02, W2-02
        "problems_rectified": 4,  # W1-01, W1-02, W1-03, W2-02 (W2-01 only 2020-04-30)
        "clues": 2,  # X1-01, X2-01
        "clue_cadres": 3,  # 1+2
        "clue_others": 1,  # 0+1
    }
    assert "year_to_date" not in year.metrics


def test_annual_breakdowns(year):
    m = year.metrics
    assert m["problems_by_category"] == {
        A: 3,  # W3-01, W3-04, W4-01
        B: 4,  # W3-03, W3-05, W4-02, W5-02
        C: 4,  # W2-03, W3-02, W3-06, W5-01
    }
    # status at 2020-12-31: W3-05 (rectified 2021-02-01) still 整改中 then
    assert m["problems_by_status"] == {"未整改": 2,  # W3-06, W5-01
                                       "整改中": 3,  # W3-04, W5-02, W3-05
                                       "已整改": 6}
    assert m["clues_by_disposition"] == {"待处置": 2,  # X3-02 and X5-01 (blank = 待处置)
                                         "谈话函询": 0, "初步核实": 0,
                                         "立案审查调查": 1,  # X3-01
                                         "暂存待查": 1,  # X3-03
                                         "予以了结": 1}  # X2-02
    assert m["clues_by_transfer"] == {"县纪委监委": 2,  # X3-01, X3-02
                                      "县委组织部": 1,  # X2-02
                                      "其他单位": 1,  # X3-03
                                      "未填移交单位": 1}  # X5-01
    # grades of the 8 orgs inspected in 2020: 东关村 一般, 县委办公室 良好, 县供水公司 较差,
    # 西河村 好; the other four blank
    assert m["ecology_grades"] == {"好": 1, "良好": 1, "较好": 0, "一般": 1, "较差": 1}
    assert year.main.ungraded == 4


def test_annual_rounds(year):
    assert year.metrics["rounds"] == [
        # R2: talks 20+15+8 (G1) + 12 (G2); problems W2-01..04; clues X2-01, X2-02
        {"term": "十四届", "round": 2, "type": "常规巡察", "groups": 2, "orgs_inspected": 4,
         "start": "2019-11-04", "end": "2020-01-15", "talks": 55, "problems": 4, "clues": 2},
        # R3: talks 26+14+10+5 (G1) + 16+6 (G2); problems W3-01..06; clues X3-01..03
        {"term": "十四届", "round": 3, "type": "常规巡察", "groups": 2, "orgs_inspected": 3,
         "start": "2020-04-07", "end": "2020-07-10", "talks": 77, "problems": 6, "clues": 3},
        # R4: talks 9+4
        {"term": "十四届", "round": 4, "type": "专项巡察", "groups": 1, "orgs_inspected": 2,
         "start": "2020-06-08", "end": "2020-07-03", "talks": 13, "problems": 2, "clues": 0},
        # R5: in progress, talks 22+17
        {"term": "十四届", "round": 5, "type": "常规巡察", "groups": 1, "orgs_inspected": 2,
         "start": "2020-10-12", "end": None, "talks": 39, "problems": 2, "clues": 1},
    ]


def test_annual_coverage(year):
    cov = year.metrics["coverage"]
    assert (cov["as_of"], cov["term"]) == ("2020-12-31", "十四届")
    # county units in force: all 9 (县大数据中心 added 2020-09-01); inspected by counting
    # rounds: 县财政局, 县教育局 (R1), 东关镇, 西河乡 (R2), 县委办公室, 县供水公司 (R3),
    # 县医保中心 (R5); 县人防办 only by the 专项 R4
    assert cov["county"] == {"total": 9, "inspected": 7, "rate": 7 / 9, **NO_PLAN}
    # village: 东关村, 西河村, 北岭村, 城关社区 (南坡村 merged away 2020-05-31);
    # inspected 东关村 (R2), 西河村 (R3), 城关社区 (R5)
    assert cov["village"] == {"total": 4, "inspected": 3, "rate": 0.75, **NO_PLAN}
    assert cov["by_category"] == {
        "县直党群行政单位": {"total": 4, "inspected": 3, "rate": 0.75, **NO_PLAN},
        "乡镇（街道）": {"total": 2, "inspected": 2, "rate": 1.0, **NO_PLAN},
        "科级事业单位": {"total": 2, "inspected": 1, "rate": 0.5, **NO_PLAN},
        "国有企业": {"total": 1, "inspected": 1, "rate": 1.0, **NO_PLAN},
        "村党组织": {"total": 3, "inspected": 2, "rate": 2 / 3, **NO_PLAN},
        "社区党组织": {"total": 1, "inspected": 1, "rate": 1.0, **NO_PLAN},
    }
    assert cov["uninspected"] == ["县人防办", "县大数据中心", "北岭村"]
    assert cov["inspected_not_in_force"] == ["南坡村"]


def test_annual_trend_and_overdue(year):
    talks = [t["talks"] for t in year.metrics["monthly_trend"]]
    problems = [t["problems"] for t in year.metrics["monthly_trend"]]
    # May talks 14+16, June 10+6+9, July 5+4
    assert talks == [8, 0, 0, 26, 30, 25, 9, 0, 0, 22, 17, 0]
    assert problems == [1, 0, 0, 0, 2, 5, 1, 0, 0, 0, 2, 0]
    # deadlines passed by 2020-12-31 and not rectified then: W3-04 (10-31, 整改中),
    # W3-05 (11-30, rectified only 2021); W3-06's deadline is the period end itself
    assert list(year.overdue["problem_id"]) == ["W3-04", "W3-05"]


def test_monthly_totals(june):
    m = june.metrics
    assert m["period"] == {"kind": "monthly", "label": "2020年06月",
                           "start": "2020-06-01", "end": "2020-06-30"}
    assert m["totals"] == {
        "rounds": 2,  # R3, R4
        "groups": 3,  # R3G1, R3G2 (→06-24), R4G3
        "orgs_inspected": 2,  # 县人防办 (06-08), 县财政局 (06-15), both R4
        # June rows: 06-30 (R3G1), 06-24 (R3G2), 06-30 (R4)
        "visits_received": 2,  # 1+1+0
        "talks": 25,  # 10+6+9
        "briefings": 4,  # 1+1+2
        "documents": 58,  # 30+8+20
        "vouchers": 62,  # 50+4+8
        "questionnaires": 55,  # 40+0+15
        "field_visits": 5,  # 2+2+1
        "problems": 5,  # W3-02, W3-03, W3-06, W4-01, W4-02
        "problems_fixed_on_spot": 2,  # W3-02, W4-02
        "problems_rectified": 2,  # W3-02 (06-10), W4-02 (06-29); W3-03 07-20, W4-01 08-30
        "clues": 2,  # X3-01, X3-02
        "clue_cadres": 3,  # 2+1
        "clue_others": 2,  # 0+2
    }


def test_monthly_year_to_date(june):
    assert june.metrics["year_to_date"] == {
        "rounds": 3,  # R2 (→01-15), R3, R4
        "groups": 4,  # R2G1, R3G1, R3G2, R4G3
        "orgs_inspected": 6,  # 东关村, 县委办公室, 县供水公司, 西河村, 县人防办, 县财政局
        # rows 01-15 (R2G1), 04-30, 05-31, 06-30 (R3G1), 05-31, 06-24 (R3G2), 06-30 (R4)
        "visits_received": 13,  # 2+4+2+1+3+1+0
        "talks": 89,  # 8+26+14+10+16+6+9
        "briefings": 11,  # 1+3+1+1+2+1+2
        "documents": 230,  # 12+90+45+30+25+8+20
        "vouchers": 130,  # 6+30+20+50+12+4+8
        "questionnaires": 170,  # 20+60+0+40+35+0+15
        "field_visits": 14,  # 3+2+1+2+3+2+1
        "problems": 8,  # W2-03, W3-01, W3-05 + the 5 of June
        "problems_fixed_on_spot": 2,  # W3-02, W4-02
        "problems_rectified": 4,  # W2-03 (06-20), W3-01 (06-15), W3-02, W4-02
        "clues": 3,  # X2-02, X3-01, X3-02
        "clue_cadres": 4,  # 1+2+1
        "clue_others": 2,  # 0+0+2
    }


def test_monthly_previous_year(june):
    m = june.metrics
    assert m["previous_year"] == {  # June 2019: only R1 was running
        "rounds": 1, "groups": 1, "orgs_inspected": 0,
        # the 06-28 row of R1: (0, 18, 1, 40, 20, 30, 1)
        "visits_received": 0, "talks": 18, "briefings": 1, "documents": 40, "vouchers": 20,
        "questionnaires": 30, "field_visits": 1,
        "problems": 1,  # W1-03 (06-20)
        "problems_fixed_on_spot": 0,
        "problems_rectified": 0,  # W1-03 rectified 2019-10-15
        "clues": 1, "clue_cadres": 1, "clue_others": 0,  # X1-01
    }
    assert m["previous_year_to_date"] == {  # January–June 2019
        "rounds": 1, "groups": 1, "orgs_inspected": 2,  # 县财政局, 县教育局
        # rows 04-30, 05-31, 06-28 of R1
        "visits_received": 3,  # 2+1+0
        "talks": 73,  # 30+25+18
        "briefings": 5,  # 3+1+1
        "documents": 240,  # 120+80+40
        "vouchers": 120,  # 40+60+20
        "questionnaires": 80,  # 50+0+30
        "field_visits": 4,  # 2+1+1
        "problems": 3, "problems_fixed_on_spot": 1,  # W1-02
        "problems_rectified": 1,  # W1-02 (06-10)
        "clues": 1, "clue_cadres": 1, "clue_others": 0,
    }


def test_monthly_breakdowns(june):
    m = june.metrics
    assert m["problems_by_category"] == {A: 1,  # W4-01
                                         B: 2,  # W3-03, W4-02
                                         C: 2}  # W3-02, W3-06
    assert m["problems_by_status"] == {"未整改": 1,  # W3-06
                                       "整改中": 2,  # W3-03, W4-01 (both rectified later)
                                       "已整改": 2}
    assert m["clues_by_disposition"]["待处置"] == 1  # X3-02 (blank)
    assert m["clues_by_disposition"]["立案审查调查"] == 1  # X3-01
    assert sum(m["clues_by_disposition"].values()) == 2
    assert m["ecology_grades"] == {"好": 0, "良好": 0, "较好": 0, "一般": 0, "较差": 0}
    ytd = m["year_to_date_breakdowns"]
    assert ytd["problems_by_category"] == {A: 2,  # W3-01, W4-01
                                           B: 3,  # W3-03, W3-05, W4-02
                                           C: 3}  # W2-03, W3-02, W3-06
    assert ytd["ecology_grades"] == {"好": 1, "良好": 1, "较好": 0, "一般": 1, "较差": 1}


def test_monthly_rounds_and_coverage(june):
    m = june.metrics
    assert [(r["round"], r["end"]) for r in m["rounds"]] == [(3, "2020-07-10"), (4, "2020-07-03")]
    cov = m["coverage"]
    # county in force 2020-06-30: 8 (县大数据中心 not yet); inspected 县财政局, 县教育局,
    # 东关镇, 西河乡, 县委办公室, 县供水公司 (县医保中心 only in October)
    assert cov["county"] == {"total": 8, "inspected": 6, "rate": 0.75, **NO_PLAN}
    # village: 东关村, 西河村, 北岭村, 城关社区; inspected 东关村, 西河村
    assert cov["village"] == {"total": 4, "inspected": 2, "rate": 0.5, **NO_PLAN}
    assert cov["by_category"]["科级事业单位"] == {"total": 1, "inspected": 0, "rate": 0.0, **NO_PLAN}
    assert cov["uninspected"] == ["县人防办", "县医保中心", "北岭村", "城关社区"]
    assert june.overdue is not None and june.overdue.empty  # no deadline passed by 06-30
    assert [t["talks"] for t in m["monthly_trend"]] == [8, 0, 0, 26, 30, 25]


def test_round_summary_of_round_3(dataset):
    r3 = next(r for r in round_summaries(dataset, STD, TODAY, as_of=dt.date(2020, 12, 31))
              if r.round == 3)
    assert (r3.groups, r3.types, r3.type) == (["第一巡察组", "第二巡察组"], ["常规巡察"], "常规巡察")
    assert (r3.start, r3.end, r3.in_progress) == (dt.date(2020, 4, 7), dt.date(2020, 7, 10), False)
    assert r3.orgs == [("县委办公室", "县直党群行政单位"), ("县供水公司", "国有企业"),
                       ("西河村", "村党组织")]
    assert r3.villages_by_township == {"西河乡": ["西河村"]}
    assert r3.work == {"visits_received": 11,  # 4+2+1+0+3+1
                       "talks": 77,  # 26+14+10+5+16+6
                       "briefings": 9,  # 3+1+1+1+2+1
                       "documents": 208,  # 90+45+30+10+25+8
                       "vouchers": 116,  # 30+20+50+0+12+4
                       "questionnaires": 135,  # 60+0+40+0+35+0
                       "field_visits": 11}  # 2+1+2+1+3+2
    assert r3.problems_by_category == {A: 2, B: 2, C: 2}  # W3-01/04, W3-03/05, W3-02/06
    assert (r3.problems, r3.fixed_on_spot, r3.rectified) == (6, 1, 3)  # rectified W3-01..03
    assert (r3.clues, r3.clue_cadres, r3.clue_others) == (3, 4, 2)  # 2+1+1, 0+2+0
    assert r3.clues_by_transfer == {"县纪委监委": 2, "其他单位": 1}
    assert r3.grades == {"好": 1, "良好": 1, "较差": 1}
    assert (r3.report_leading_group, r3.report_secretary) == (dt.date(2020, 7, 20),
                                                              dt.date(2020, 8, 3))
    assert (r3.feedback_start, r3.feedback_end) == (dt.date(2020, 8, 17), dt.date(2020, 8, 19))
    assert r3.counts_toward_coverage is True


@pytest.mark.parametrize("round_no, in_progress, counts", [
    (2, False, True),  # across New Year, ended 2020-01-15
    (4, False, False),  # 专项巡察
    (5, True, True),  # blank 结束日期
])
def test_round_flags(dataset, round_no, in_progress, counts):
    summary = next(r for r in round_summaries(dataset, STD, TODAY, as_of=dt.date(2020, 12, 31))
                   if r.round == round_no)
    assert (summary.in_progress, summary.counts_toward_coverage) == (in_progress, counts)


def test_in_progress_relative_to_period_end(dataset):
    # In June 2020 report, R3 (ends 07-10) is still in progress; in the annual one it is not.
    june = build_report(dataset, STD, monthly("2020-06"), today=TODAY)
    assert [r.in_progress for r in june.rounds] == [True, True]


def test_no_previous_year_data_gives_none(dataset):
    report = build_report(dataset, STD, annual("2019"), today=TODAY)  # 2018 has no rows
    assert report.metrics["previous_year"] is None
    assert report.metrics["totals"]["problems"] == 6  # same six as previous_year above


def test_report_header_fields(year):
    assert (year.county, year.compiler, year.term) == ("青禾县", "中共青禾县委巡察工作领导小组办公室",
                                                       "十四届")
    assert year.compiled_on == TODAY
    assert year.metrics["schema_version"] == 4  # 3: rectification.md §3; 4: periods.md §2
    assert len(year.metrics["sources"]) == 8  # registry + 7 round workbooks


def test_annual_by_group(year):
    rows = {(g["round"], g["group"]): g for g in year.metrics["by_group"]}
    assert list(rows) == [(2, "第一巡察组"), (3, "第一巡察组"), (3, "第二巡察组"), (4, "第三巡察组"),
                          (5, "第一巡察组")]
    # 2020 rows only: R2G1 has the 01-15 workload row, W2-03 and X2-02
    assert (rows[2, "第一巡察组"]["talks"], rows[2, "第一巡察组"]["problems"],
            rows[2, "第一巡察组"]["clues"]) == (8, 1, 1)
    # R3G1: talks 26+14+10+5; W3-01..04; X3-01, X3-03
    assert (rows[3, "第一巡察组"]["talks"], rows[3, "第一巡察组"]["problems"],
            rows[3, "第一巡察组"]["clues"]) == (55, 4, 2)
    assert rows[5, "第一巡察组"]["end"] is None  # in progress
    assert sum(g["talks"] for g in rows.values()) == 137  # = totals.talks
