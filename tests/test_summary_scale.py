"""The summary drafts at scale (issue 13, target 4): above ``[summary]`` of rules.toml the
rounds are grouped by 巡察类型 and only the few with most problems are named; up to it,
every round keeps its own section (annual) or sentence (monthly).

The rounds are hand-made RoundSummary values put into the report of the county fixture,
so the documents go through the real context and templates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import docx
import pytest

from county import county_dataset
from pipeline.periods import annual, monthly
from pipeline.render.summary import write_documents
from pipeline.standard import SCHEMA_DIR, StandardError, load_standard
from pipeline.stats.aggregate import build_report
from pipeline.stats.rounds import RoundSummary
from shipped import STD

TODAY = dt.date(2021, 3, 1)
RULES = STD.rules.summary
COUNTY_CATEGORY = next(c for c in STD.enum_values("org_category") if STD.family_of(c) != "village")


def hand_round(i: int) -> RoundSummary:
    """Round i of 30: 1-12 常规巡察 (2 groups, 3 own units, i problems, 1 clue),
    13-22 专项巡察 (1 group, 2 own units, 2 problems, no clue), 23-30 回头看 (1 group,
    revisits the first unit of round i-22, 1 problem and 1 clue; round 25: 10 problems
    and 3 clues); rounds 29 and 30 are still in progress."""
    if i <= 12:
        kind, groups, orgs, problems, clues = "常规巡察", ["第一巡察组", "第二巡察组"], \
            [f"单位{i}-{k}" for k in (1, 2, 3)], i, 1
    elif i <= 22:
        kind, groups, orgs, problems, clues = "专项巡察", ["第三巡察组"], [f"单位{i}-{k}" for k in (1, 2)], 2, 0
    else:
        kind, groups, orgs, problems, clues = "回头看", ["第四巡察组"], [f"单位{i - 22}-1"], 1, 1
        if i == 25:
            problems, clues = 10, 3
    in_progress = i >= 29
    start = dt.date(2020, 11, 2) if in_progress else dt.date(2020, 3, 2)
    return RoundSummary(
        term="十四届", round=i, types=[kind], type=kind, groups=groups, leaders=["张三"] * len(groups),
        start=start, end=None if in_progress else dt.date(2020, 4, 30), in_progress=in_progress,
        as_of=dt.date(2020, 12, 31), orgs=[(o, COUNTY_CATEGORY) for o in orgs],
        orgs_by_category={COUNTY_CATEGORY: orgs}, villages_by_township={}, work={"talks": 10},
        problems=problems, problems_by_category={}, fixed_on_spot=0, rectified=0, clues=clues,
        clue_cadres=clues, clue_others=0, clues_by_transfer={}, grades={}, report_leading_group=None,
        report_secretary=None, feedback_start=None, feedback_end=None,
        counts_toward_coverage=kind != "回头看")


ROUNDS = [hand_round(i) for i in range(1, 31)]


@pytest.fixture(scope="module")
def county():
    return county_dataset()


def document(ds, period, rounds, out) -> tuple[str, list]:
    """The Markdown and the paths of the period's document with these rounds."""
    report = dataclasses.replace(build_report(ds, STD, period, today=TODAY), rounds=rounds)
    paths, _ = write_documents(report, out)
    return paths[1].read_text(encoding="utf-8"), paths


def paragraphs(md: str) -> list[str]:
    return [p.lstrip("#> ") for p in md.strip().split("\n\n")]


@pytest.fixture(scope="module")
def grouped(county, tmp_path_factory):
    assert len(ROUNDS) > RULES.annual_rounds_one_by_one and RULES.largest_rounds == 5  # shipped rules
    return document(county, annual("2020"), ROUNDS, tmp_path_factory.mktemp("grouped"))


def test_many_rounds_are_grouped_by_type_with_hand_worked_counts(grouped):
    md = grouped[0]
    # groups 12*2 + 10 + 8 = 42; units 36 + 20 own ones (回头看 revisits 8 of the 36) = 56;
    # problems 78 (1+..+12) + 20 + 17 (7*1 + 10) = 115; clues 12 + 0 + 10 (7*1 + 3) = 22
    assert ("### （一）巡察轮次总体情况。2020年共开展巡察30轮（常规巡察12轮、专项巡察10轮、回头看8轮），"
            "县委派出巡察组42个组次，巡察党组织56个，发现问题115个、问题线索22件"
            "；截至2020年12月31日，有2轮仍在开展中。按巡察类型分："
            "常规巡察12轮，派出巡察组24个组次，巡察党组织36个，发现问题78个、问题线索12件；"
            "专项巡察10轮，派出巡察组10个组次，巡察党组织20个，发现问题20个、问题线索0件；"
            "回头看8轮，派出巡察组8个组次，巡察党组织8个，发现问题17个、问题线索10件。") in md
    assert "突出政治巡察，开展了巡察30轮（常规巡察12轮、专项巡察10轮、回头看8轮），" in md


def test_only_the_five_rounds_with_most_problems_are_named(grouped):
    md = grouped[0]
    # problems: R12 12, R11 11, then R25 and R10 with 10 each (R25 has more clues: 3 > 1), R9 9
    assert ("### （二）发现问题较多的轮次。发现问题最多的五轮是："
            "十四届县委第十二轮巡察（2020年3月2日至4月30日，两个巡察组，巡察党组织3个，发现问题12个、问题线索1件）；"
            "十四届县委第十一轮巡察（2020年3月2日至4月30日，两个巡察组，巡察党组织3个，发现问题11个、问题线索1件）；"
            "十四届县委第二十五轮巡察“回头看”（2020年3月2日至4月30日，第四巡察组，巡察党组织1个，发现问题10个、问题线索3件）；"
            "十四届县委第十轮巡察（2020年3月2日至4月30日，两个巡察组，巡察党组织3个，发现问题10个、问题线索1件）；"
            "十四届县委第九轮巡察（2020年3月2日至4月30日，两个巡察组，巡察党组织3个，发现问题9个、问题线索1件）。"
            "全部30轮逐轮的情况，见统计表“巡察工作统计_2020年度.xlsx”的“分轮次”表。") in md
    assert "第八轮" not in md and "第一轮" not in md  # no other round is named
    assert "### （三）巡察全覆盖任务完成情况。" in md  # the sections after it are numbered on


def test_the_word_copy_is_the_same_document(grouped):
    md, paths = grouped
    word = [p.text for p in docx.Document(str(paths[0])).paragraphs if p.text]
    assert word == paragraphs(md)


def test_up_to_the_limit_every_round_has_its_own_section(county, tmp_path):
    limit = RULES.annual_rounds_one_by_one
    md, _ = document(county, annual("2020"), ROUNDS[:limit], tmp_path)
    assert "巡察轮次总体情况" not in md and "发现问题较多的轮次" not in md
    headings = [p for p in paragraphs(md) if p.startswith("（") and "轮巡察情况。" in p]
    assert len(headings) == limit  # R1..R12, one section each
    assert headings[0].startswith("（一）十四届县委第一轮巡察情况。")
    assert headings[-1].startswith("（十二）十四届县委第十二轮巡察情况。")


def test_monthly_brief_groups_above_its_own_limit(county, tmp_path):
    limit = RULES.monthly_rounds_one_by_one
    many = ROUNDS[16:24]  # R17-R22 专项巡察 (6) and R23, R24 回头看 (2), all ended on 30 April
    assert len(many) > limit
    md, _ = document(county, monthly("2020-04"), many, tmp_path / "many")
    assert ("本月共有巡察8轮在开展（专项巡察6轮、回头看2轮），涉及巡察组8个组次，其中8轮已于本月结束；"
            "各轮次情况见统计表“巡察工作统计_2020年04月.xlsx”的“分轮次”表。") in md
    md, _ = document(county, monthly("2020-04"), many[:limit], tmp_path / "few")
    assert "本月，十四届县委第十七轮专项巡察（第三巡察组，3月2日进驻，4月30日结束）；十四届县委第十八轮" in md
    assert "在开展（" not in md


def test_summary_rules_must_be_positive_integers(tmp_path):
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, folder)
    rules = folder / "rules.toml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("largest_rounds = 5", "largest_rounds = 0"),
                     encoding="utf-8")
    with pytest.raises(StandardError, match="rules.toml 中 \\[summary\\]"):  # refused at load
        load_standard(folder)
