"""Hand-made county packages for the roll-up tests (spec rollup.md).

Two counties with figures chosen by hand, each consistent with itself; the expected
city figures are worked out in the tests' comments. 甲县 is of 十四届 (三个聚焦, three
problem categories), 乙县 of 十五届 (四个聚焦: also 巡察整改落实).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from pipeline.periods import Period, annual
from pipeline.rollup.indicators import indicator_codes
from pipeline.rollup.package import package_info, write_package
from shipped import STD

C1, C2, C3, C4 = STD.taxonomy_for_term("十五届").categories  # 三个聚焦 is C1..C3
UNDONE, DOING, DONE = STD.enum_values("rectification_status")
WAITING, TALK, VERIFY, CASE, _, _ = STD.enum_values("disposition")
DISCIPLINE, ORGANISATION, OTHER = STD.enum_values("transfer_to")
PARTY_GOV, TOWNSHIP, INSTITUTION, SOE, VILLAGE, COMMUNITY = STD.enum_values("org_category")

JIA = {  # 甲县
    "term": "十四届",
    "totals": {"rounds": 2, "groups": 4, "orgs_inspected": 10, "talks": 120, "problems": 30,
               "problems_fixed_on_spot": 5, "problems_rectified": 18, "clues": 6, "clue_cadres": 7,
               "clue_others": 2},
    "problems_by_category": {C1: 10, C2: 12, C3: 8},  # 30
    "problems_by_status": {UNDONE: 4, DOING: 8, DONE: 18},  # 30
    "clues_by_disposition": {WAITING: 1, TALK: 2, VERIFY: 3},  # 6
    "clues_by_transfer": {DISCIPLINE: 5, ORGANISATION: 1},  # 6
    "ecology_grades": {"好": 2, "良好": 5, "较好": 3},
    # county family: 30+12+8+4 = 54 total, 25+10+6+2 = 43 inspected; village: 100+10 = 110, 60+5 = 65
    "coverage": {PARTY_GOV: (30, 25), TOWNSHIP: (12, 10), INSTITUTION: (8, 6), SOE: (4, 2),
                 VILLAGE: (100, 60), COMMUNITY: (10, 5)},
    # 25 + 3 + 2 + 1 + 6 + 3 = 40; of the 25 rectified, 4 late and 2 on a return without evidence;
    # 5 (organisation, round) pairs returned their 整改进展表, 2 still owe one
    "rectification": {"in_ledger": 40, "rectified": 25, "overdue": 3, "due_10": 2, "due_20": 1, "on_track": 6,
                      "no_deadline": 3, "rectified_late": 4, "without_evidence": 2, "returns_received": 5,
                      "returns_missing": 2},
}

YI = {  # 乙县
    "term": "十五届",
    "totals": {"rounds": 1, "groups": 2, "orgs_inspected": 6, "talks": 80, "problems": 20,
               "problems_fixed_on_spot": 3, "problems_rectified": 9, "clues": 4, "clue_cadres": 4,
               "clue_others": 1},
    "problems_by_category": {C1: 5, C2: 7, C3: 6, C4: 2},  # 20
    "problems_by_status": {UNDONE: 5, DOING: 6, DONE: 9},  # 20
    "clues_by_disposition": {WAITING: 2, CASE: 2},  # 4
    "clues_by_transfer": {DISCIPLINE: 3, "未填移交单位": 1},  # 4
    "ecology_grades": {"良好": 4, "一般": 2},
    # county family: 20+8+0+2 = 30 total, 8+8+0+0 = 16 inspected; village: 40+2 = 42, 26+0 = 26
    "coverage": {PARTY_GOV: (20, 8), TOWNSHIP: (8, 8), INSTITUTION: (0, 0), SOE: (2, 0),
                 VILLAGE: (40, 26), COMMUNITY: (2, 0)},
    # 9 + 4 + 0 + 2 + 3 + 2 = 20; of the 9 rectified, 1 late, none without evidence; 3 returned, 1 owes
    "rectification": {"in_ledger": 20, "rectified": 9, "overdue": 4, "due_10": 0, "due_20": 2, "on_track": 3,
                      "no_deadline": 2, "rectified_late": 1, "without_evidence": 0, "returns_received": 3,
                      "returns_missing": 1},
}

ROUNDS = [{"term": "十四届", "round": 3, "type": "常规巡察", "groups": 2, "orgs_inspected": 6, "start": "2020-04-07",
           "end": None, "talks": 70, "problems": 18, "clues": 4}]
EXPLANATIONS = [{"file": "2020/第3轮.xlsx", "sheet": "发现问题", "row": 5, "column": "发现日期",
                 "code": "date-outside-round", "text": "反馈后补充发现的问题，经核实无误"}]


def figures(base: dict, **changes) -> dict:
    """A deep copy of a county's figures with some blocks replaced."""
    out = copy.deepcopy(base)
    out.update(changes)
    return out


def indicators(fig: dict, kind: str = "annual", ytd: dict | None = None) -> dict[str, int]:
    """Every required 指标代码 of the county: zeros, then the figures of ``fig``."""
    ind = dict.fromkeys(indicator_codes(STD, kind, fig["term"]), 0)
    for section in ("totals", "problems_by_category", "problems_by_status", "clues_by_disposition",
                    "clues_by_transfer", "ecology_grades", "rectification"):
        ind.update({f"{section}.{k}": v for k, v in fig[section].items()})
    for k, v in (ytd or {}).items():
        ind[f"year_to_date.{k}"] = v
    families = {fam["id"]: fam["members"] for fam in STD.families()}
    for cat, (total, inspected) in fig["coverage"].items():
        ind[f"coverage.by_category.{cat}.total"] = total
        ind[f"coverage.by_category.{cat}.inspected"] = inspected
    for fam, members in families.items():
        ind[f"coverage.{fam}.total"] = sum(fig["coverage"][c][0] for c in members)
        ind[f"coverage.{fam}.inspected"] = sum(fig["coverage"][c][1] for c in members)
    return ind


def write(folder: Path, county: str, fig: dict, period: Period | None = None, *, name: str | None = None,
          unexplained: int = 0, ind: dict | None = None, ytd: dict | None = None) -> Path:
    """Write a county's package into ``folder``; return its path."""
    period = period or annual("2020")
    info = package_info(county=county, compiler=f"中共{county}委巡察工作领导小组办公室", period=period,
                        term=fig["term"], generated=dt.date(2021, 1, 5), sha256s=["ab" * 32, "CD" * 32],
                        unexplained=unexplained)
    ind = ind if ind is not None else indicators(fig, period.kind, ytd)
    path = Path(folder) / (name or f"上报_{county}_{period.label}.xlsx")
    return write_package(path, info, ind, ROUNDS, EXPLANATIONS, STD)
