"""The drafts of each period kind (spec periods.md §3) on the hand-made county (tests/county.py):
the half-year summary (annual structure, its own title and closing section), the quarterly and
range briefs (like the month's, with 同比 and a quarter's 环比), and the term summary. The figures
quoted are those of tests/test_periods_figures.py."""

from __future__ import annotations

import datetime as dt

import pytest

from county import TERMS, county_dataset
from pipeline.periods import parse_period, resolve_term
from pipeline.render.summary import write_documents
from pipeline.stats.aggregate import build_report
from shipped import STD

TODAY = dt.date(2021, 1, 5)


@pytest.fixture(scope="module")
def dataset():
    return county_dataset()


def draft(dataset, tmp_path, text: str, as_of: dt.date | None = None) -> tuple[str, str]:
    """(file name, Markdown text) of the period's draft."""
    report = build_report(dataset, STD, resolve_term(parse_period(text, as_of), TERMS), today=TODAY)
    paths, _ = write_documents(report, tmp_path)
    md = next(p for p in paths if p.suffix == ".md")
    return md.name, md.read_text(encoding="utf-8")


def test_the_first_half_year_summary(dataset, tmp_path):
    name, text = draft(dataset, tmp_path, "2020H1")
    assert name == "青禾县委巡察办2020年上半年巡察工作总结（初稿）.md"
    assert text.startswith("# 青禾县委巡察办2020年上半年巡察工作总结\n")
    assert "\n2020年上半年，我们按照市委巡察办和县委" in text
    # January–June 2020: W2-03, W3-01, W3-02, W3-03, W3-05, W3-06, W4-01, W4-02; rectified by 06-30 four
    assert "2020年上半年巡察发现问题8个，其中立行立改2个；截至2020年6月30日，已整改4个，整改率50%" in text
    assert "## 六、下半年工作计划\n\n【待补充：下半年工作计划，由巡察办结合县委部署撰写】" in text
    assert "## 一、巡察工作开展情况" in text and "## 四、学习培训情况" in text  # the annual structure


def test_the_second_half_year_plans_the_next_year(dataset, tmp_path):
    name, text = draft(dataset, tmp_path, "2020年下半年")
    assert name == "青禾县委巡察办2020年下半年巡察工作总结（初稿）.md"
    assert "## 六、2021年工作计划" in text
    assert "纳入台账的问题" in text and "含以前发现、期初尚未完成整改的问题" in text  # the ledger from 07-01


def test_the_quarterly_brief_has_both_comparisons(dataset, tmp_path):
    name, text = draft(dataset, tmp_path, "2020Q2")
    assert name == "青禾县委巡察办2020年第二季度巡察工作情况（初稿）.md"
    assert text.startswith("# 青禾县委巡察办2020年第二季度巡察工作情况\n")
    assert "## 一、本季度巡察工作情况" in text and "## 二、本年累计情况" in text and "## 三、巡察全覆盖进度" in text
    # problems 7 (2019Q2: 3, 2020Q1: 1), clues 2 (1, 1)
    assert "与上年同期相比，发现问题增加4个，增长133.3%，问题线索增加1件，增长100%。" in text
    assert "与上季度相比，发现问题增加6个，增长600%，问题线索增加1件，增长100%。" in text
    assert "上年同月" not in text and "本月" not in text


def test_the_range_brief_has_no_year_to_date(dataset, tmp_path):
    name, text = draft(dataset, tmp_path, "2020-03-01~2020-08-31")
    assert name == "青禾县委巡察办2020年3月1日至2020年8月31日巡察工作情况（初稿）.md"
    assert "## 一、本期巡察工作情况" in text and "## 二、巡察全覆盖进度" in text and "本年累计" not in text
    # problems 8 (2019-03-01..08-31: 3), clues 3 (1)
    assert "与上年同期相比，发现问题增加5个，增长166.7%，问题线索增加2件，增长200%。" in text
    assert "与上季度相比" not in text


def test_the_term_summary(dataset, tmp_path):
    name, text = draft(dataset, tmp_path, "十四届", dt.date(2020, 12, 31))
    assert name == "青禾县委巡察办十四届县委巡察工作总结（初稿）.md"
    assert text.startswith("# 青禾县委巡察办十四届县委巡察工作总结\n\n> （2016年10月1日至2020年12月31日）\n")
    assert "共开展巡察5轮，派出巡察组7个组次，巡察党组织13个" in text
    # rounds by the year they started: R1, R2 in 2019; R3, R4 (专项), R5 in 2020
    assert "2019年开展巡察2轮（常规巡察2轮）：十四届县委第一轮、第二轮巡察；" in text
    assert "2020年开展巡察3轮（常规巡察2轮、专项巡察1轮）：十四届县委第三轮、第四轮、第五轮巡察。" in text
    assert "2019年，开展巡察2轮、3个组次，巡察党组织5个，开展个别谈话120人次，发现问题6个、问题线索2件；" in text
    assert "2016年（10月1日—12月31日）、2017年、2018年没有巡察工作记录。" in text
    # coverage as of 2020-12-31 (test_aggregate_golden): full in 乡镇（街道）2/2, 国有企业 1/1, 社区党组织 1/1
    assert "已实现全覆盖的类别：乡镇（街道）、国有企业、社区党组织。" in text
    assert "本届尚未巡察的单位3个：县人防办、县大数据中心、北岭村。" in text
    assert "另有1个已巡察单位已撤销（南坡村）" in text
    # problems 17, rectified by 2020-12-31 11 (W2-04, W3-04..06, W5-01, W5-02 not)
    assert ("本届巡察发现问题17个；截至2020年12月31日，已整改11个，整改率64.7%，"
            "其余6个尚未完成整改，巡察办将持续跟踪督促。") in text
    # overdue at 12-31: W3-04 (县供水公司, 61 days), W3-05 (西河村, 31 days): both named
    assert "逾期未整改问题2个，涉及县供水公司、西河村，巡察办将督促相关单位限期完成整改" in text
    assert "## 四、下一步工作打算\n\n" + STD.default_wording["term_closing"] + "。" in text
