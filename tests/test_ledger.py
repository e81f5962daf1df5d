"""The rectification ledger (整改台账, office-loop.md §3 and §4): states, boundaries, order,
per-organisation summary, period starts, configuration, the workbook sheets and the documents.

The fixture is the county of tests/county.py with its 发现问题 replaced by the problems
below, each made to sit on one edge. Every expected figure is worked out by hand from them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from county import G1, G2, TERM, _typed, county_dataset
from pipeline.periods import annual, monthly
from pipeline.render.summary import write_documents
from pipeline.render.workbook import write_workbook
from pipeline.standard import SCHEMA_DIR, StandardError, load_standard
from pipeline.stats.aggregate import build_report
from pipeline.stats.ledger import STATES, build_ledger
from pipeline.stats.selection import Frames
from shipped import STD

D = dt.date
TODAY = D(2021, 1, 5)
DONE, DOING, NOT_YET = "已整改", "整改中", "未整改"
OFFICE, FINANCE, EDUCATION = "县委办公室", "县财政局", "县教育局"  # registry order 0, 1, 2
# (编号, 被巡察党组织, 发现日期, 整改状态, 整改完成日期, 整改时限, 届次, 轮次, 巡察组)
# States as of 2020-12-31 (annual 2020, start 2020-01-01); days = 整改时限 − 2020-12-31.
PROBLEMS = [
    ("D00", OFFICE, D(2020, 11, 1), DOING, None, D(2020, 12, 31), TERM, 3, G1),  # 0 days: due_10
    ("D10", FINANCE, D(2020, 11, 1), NOT_YET, None, D(2021, 1, 10), TERM, 3, G1),  # 10: due_10
    ("D11", FINANCE, D(2020, 11, 1), DOING, None, D(2021, 1, 11), TERM, 3, G1),  # 11: due_20
    ("D20", EDUCATION, D(2020, 11, 1), DOING, None, D(2021, 1, 20), TERM, 3, G1),  # 20: due_20
    ("D21", EDUCATION, D(2020, 11, 1), DOING, None, D(2021, 1, 21), TERM, 3, G1),  # 21: on_track
    ("L30", FINANCE, D(2020, 6, 1), DOING, None, D(2020, 12, 1), TERM, 3, G1),  # overdue 30
    ("A30", OFFICE, D(2020, 6, 1), DOING, None, D(2020, 12, 1), TERM, 3, G2),  # overdue 30
    ("L60", EDUCATION, D(2020, 6, 1), NOT_YET, None, D(2020, 11, 1), TERM, 3, G1),  # overdue 30+30
    # rectified only after the as-of date: judged by its deadline, 12-21 -> overdue 10
    ("LA10", OFFICE, D(2020, 6, 1), DONE, D(2021, 1, 5), D(2020, 12, 21), TERM, 3, G1),
    ("XB", OFFICE, D(2019, 6, 1), DONE, D(2019, 12, 31), None, TERM, 1, G1),  # before the start: out
    ("RS", FINANCE, D(2019, 6, 1), DONE, D(2020, 1, 1), None, TERM, 1, G1),  # on the start: rectified
    ("RI", EDUCATION, D(2020, 3, 1), DONE, D(2020, 6, 30), D(2020, 5, 1), TERM, 3, G1),  # rectified
    ("RD", OFFICE, D(2020, 10, 1), DONE, D(2020, 12, 1), None, TERM, 3, G1),  # rectified (in December)
    ("N2", OFFICE, D(2020, 8, 1), DOING, None, None, TERM, 3, G1),  # no_deadline
    ("N1", EDUCATION, D(2020, 12, 31), NOT_YET, None, None, TERM, 3, G1),  # found on the as-of day
    ("N9", FINANCE, D(2015, 6, 1), DOING, None, None, "十三届", 9, G1),  # another term, still open
    ("FUT", OFFICE, D(2021, 1, 2), DOING, None, D(2021, 3, 1), TERM, 5, G1),  # found later: out
]
COLUMNS = ("problem_id", "org", "found", "status", "rectified_on", "deadline", "term", "round", "group")


def _dataset(problems=PROBLEMS):
    """The county with these problems (one workbook each, to keep term and round per row)."""
    ds = county_dataset()
    frames = [_typed("problems", [], "2020/none.xlsx", {"term": TERM, "round": 1})]
    for row in problems:
        rec = dict(zip(COLUMNS, row, strict=True))
        term, rnd = rec.pop("term"), rec.pop("round")
        rec.update(category=STD.taxonomy_for_term(TERM).categories[0], summary="问题", fixed_on_spot="否")
        frames.append(_typed("problems", [rec], f"2020/{rec['problem_id']}.xlsx", {"term": term, "round": rnd}))
    ds.tables["problems"] = pd.concat(frames, ignore_index=True) if problems else frames[0]
    return ds


def _ledger(period, std=STD, problems=PROBLEMS):
    frames = Frames.from_dataset(_dataset(problems), std)
    return build_ledger(frames, period.start, period.end)


@pytest.fixture(scope="module")
def year():
    return _ledger(annual("2020"))


@pytest.fixture(scope="module")
def report():
    return build_report(_dataset(), STD, annual("2020"), today=TODAY)


def _state(ledger, problem_id: str) -> str:
    return ledger.rows.set_index("problem_id").loc[problem_id, "state"]


# ------------------------------------------------------------------ states

@pytest.mark.parametrize("problem_id, state", [
    ("D00", "due_10"), ("D10", "due_10"), ("D11", "due_20"), ("D20", "due_20"), ("D21", "on_track"),
    ("L30", "overdue"), ("L60", "overdue"), ("LA10", "overdue"), ("RS", "rectified"), ("RI", "rectified"),
    ("RD", "rectified"), ("N1", "no_deadline"), ("N2", "no_deadline"), ("N9", "no_deadline")])
def test_each_boundary_gets_its_state(year, problem_id, state):
    assert _state(year, problem_id) == state


def test_left_out_rectified_before_the_start_and_found_after_the_as_of_date(year):
    ids = set(year.rows["problem_id"])
    assert "XB" not in ids and "FUT" not in ids
    assert len(year.rows) == len(PROBLEMS) - 2  # 17 - XB - FUT = 15


def test_days_overdue_and_days_left(year):
    rows = year.rows.set_index("problem_id")
    assert [int(rows.loc[i, "days_overdue"]) for i in ("L60", "L30", "LA10")] == [60, 30, 10]
    assert [int(rows.loc[i, "days_left"]) for i in ("D00", "D10", "D11", "D20", "D21")] == [0, 10, 11, 20, 21]
    assert rows["days_overdue"].isna()["D00"] and rows["days_left"].isna()["RI"]


def test_counts_and_rate(year):
    # rectified RS RI RD = 3; overdue L30 A30 L60 LA10 = 4; due_10 D00 D10 = 2; due_20 D11 D20 = 2;
    # on_track D21 = 1; no_deadline N1 N2 N9 = 3; 3+4+2+2+1+3 = 15; rate 3/15
    assert year.counts == {"rectified": 3, "overdue": 4, "due_10": 2, "due_20": 2, "on_track": 1,
                           "no_deadline": 3}
    assert year.rate == pytest.approx(0.2)


def test_rows_red_first_then_by_deadline_term_round_id(year):
    # red by deadline (= longest overdue first): L60 11-01; A30, L30 12-01 (same round: by 编号); LA10 12-21;
    # yellow D00, D10; green D11, D20; on track D21; no deadline: 十三届 N9 before 十四届 N1, N2;
    # rectified: RI (has a deadline) first, then without one 第1轮 RS before 第3轮 RD
    assert list(year.rows["problem_id"]) == ["L60", "A30", "L30", "LA10", "D00", "D10", "D11", "D20", "D21",
                                             "N9", "N1", "N2", "RI", "RS", "RD"]


def test_overdue_list_by_days_then_term_round_group_id(year):
    # A30 and L30 are both 30 days late in round 3: 第一巡察组 (L30) before 第二巡察组 (A30)
    items = year.overdue_list()
    assert [(i["problem_id"], i["days_overdue"]) for i in items] == [("L60", 60), ("L30", 30), ("A30", 30),
                                                                     ("LA10", 10)]
    assert items[0] == {"term": TERM, "round": 3, "group": G1, "org": EDUCATION, "problem_id": "L60",
                        "deadline": "2020-11-01", "days_overdue": 60}


def test_per_organisation_summary(year):
    # 县委办公室: D00 A30 LA10 RD N2 -> 5, rectified RD, overdue A30 LA10, rate 1/5
    # 县财政局: D10 D11 L30 RS N9 -> 5, rectified RS, overdue L30; 县教育局: D20 D21 L60 RI N1 -> 5, 1, 1
    # most overdue first, then registry order (县财政局 before 县教育局)
    assert [(e["org"], e["in_ledger"], e["rectified"], e["overdue"], e["rate"]) for e in year.by_org] == [
        (OFFICE, 5, 1, 2, 0.2), (FINANCE, 5, 1, 1, 0.2), (EDUCATION, 5, 1, 1, 0.2)]
    assert sum(e["due_10"] + e["due_20"] for e in year.by_org) == 4


def test_a_month_starts_the_ledger_on_its_first_day():
    # December 2020: RS (01-01) and RI (06-30) were rectified before 12-01 and leave; RD (12-01) stays
    dec = _ledger(monthly("2020-12"))
    assert "RS" not in set(dec.rows["problem_id"]) and "RI" not in set(dec.rows["problem_id"])
    assert (len(dec.rows), dec.counts["rectified"], dec.counts["overdue"]) == (13, 1, 4)  # 15 - 2


def test_an_earlier_as_of_date_judges_again():
    # June 2020 (as of 06-30, start 06-01): found by then L30 A30 L60 LA10 (06-01), XB, RS, RI, N9;
    # XB and RS rectified before 06-01 leave; RI rectified 06-30 -> rectified; L30 A30 (12-01: 154 days)
    # L60 (11-01: 124) LA10 (12-21: 174) on track; N9 no deadline
    june = _ledger(monthly("2020-06"))
    assert june.counts == {"rectified": 1, "overdue": 0, "due_10": 0, "due_20": 0, "on_track": 4,
                           "no_deadline": 1}
    assert june.metrics()["overdue_list"] == []


def test_no_problem_gives_an_empty_ledger_and_a_null_rate():
    empty = _ledger(annual("2020"), problems=[])
    assert (len(empty.rows), empty.rate, empty.has_deadlines) == (0, None, False)
    assert empty.metrics() == {"as_of": "2020-12-31", "in_ledger": 0, **dict.fromkeys(STATES, 0),
                               "rate": None, "rectified_late": 0, "without_evidence": 0, "returns_received": 0,
                               "returns_missing": 0, "overdue_list": [], "returns_missing_list": []}


# ------------------------------------------------------------------ configuration

def _copied_rules(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, folder)
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def _copied_standard(tmp_path: Path, old: str, new: str):
    return load_standard(_copied_rules(tmp_path, old, new))


def test_changed_day_limits_change_the_lights(tmp_path):
    std = _copied_standard(tmp_path, "due_soon_days = 10\nwarning_days = 20",
                           "due_soon_days = 5\nwarning_days = 15")
    led = _ledger(annual("2020"), std=std)
    # 0 -> yellow; 10, 11 -> green (<= 15); 20, 21 -> on track
    assert [_state(led, i) for i in ("D00", "D10", "D11", "D20", "D21")] == \
           ["due_10", "due_20", "due_20", "on_track", "on_track"]
    assert (led.counts["due_10"], led.counts["due_20"], led.counts["on_track"]) == (1, 2, 2)  # D00; D10 D11; D20 D21


def test_changed_labels_reach_the_workbook(tmp_path):
    std = _copied_standard(tmp_path, 'overdue = "逾期未整改（红）"', 'overdue = "超期（红灯）"')
    path = write_workbook(build_report(_dataset(), std, annual("2020"), today=TODAY), tmp_path)
    ws = openpyxl.load_workbook(path)["整改台账"]
    assert ws["B4"].value == "超期（红灯）"


@pytest.mark.parametrize("old, new", [
    ("due_soon_days = 10", "due_soon_days = 30"),  # more than warning_days
    ("warning_days = 20", 'warning_days = "二十"'),
    ('on_track = "正常推进"', ""),
])
def test_wrong_rules_are_a_clear_error(tmp_path, old, new):
    folder = _copied_rules(tmp_path, old, new)  # refused when the standard is loaded, not later
    with pytest.raises(StandardError, match=r"rules\.toml 中 \[rectification"):
        load_standard(folder)


# ------------------------------------------------------------------ metrics, workbook, documents

def test_metrics_and_the_v1_overdue_count_agree(report):
    rect = report.metrics["rectification"]
    assert (rect["as_of"], rect["in_ledger"], rect["overdue"], rect["rate"]) == ("2020-12-31", 15, 4, 0.2)
    assert report.metrics["overdue_problems"] == rect["overdue"] == len(rect["overdue_list"])


def test_without_any_deadline_overdue_problems_stays_null():
    undated = [row[:5] + (None,) + row[6:] for row in PROBLEMS]
    rep = build_report(_dataset(undated), STD, annual("2020"), today=TODAY)
    assert rep.metrics["overdue_problems"] is None
    # rectified RS RI RD, the other 12 in the ledger have no deadline
    assert (rep.metrics["rectification"]["rectified"], rep.metrics["rectification"]["no_deadline"]) == (3, 12)


@pytest.fixture(scope="module")
def sheets(report, tmp_path_factory):
    book = openpyxl.load_workbook(write_workbook(report, tmp_path_factory.mktemp("book")))
    return book["整改台账"], book["整改台账汇总"]


def _data_rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]


def test_ledger_sheet_has_the_light_as_text_and_colour_red_first(sheets):
    ws = sheets[0]
    assert ws["A1"].value == ("表15 2020年度整改台账（截至2020年12月31日，共15个问题：已整改3个，"
                              "逾期未整改（红）4个，临期（黄）2个，预警（绿）2个，正常推进1个，未定整改时限3个）")
    rows = _data_rows(ws)
    lights = [r[1].value for r in rows]
    assert lights == ["逾期未整改（红）"] * 4 + ["临期（黄）"] * 2 + ["预警（绿）"] * 2 + ["正常推进"] \
        + ["未定整改时限"] * 3 + ["已整改"] * 3
    fills = [r[1].fill.fgColor.rgb for r in rows]
    assert fills[0] == fills[3] == "FFF8696B" and fills[4] == "FFFFEB84" and fills[6] == "FFA9D08E"
    assert fills[8] == "00000000"  # 正常推进: text only
    assert [r[6].value for r in rows[:4]] == ["L60", "A30", "L30", "LA10"]
    # 逾期天数, 剩余天数, source file and row of the first red row and the first yellow row
    assert (rows[0][10].value, rows[0][11].value, rows[0][18].value, rows[0][19].value) == \
           (60, None, "2020/L60.xlsx", 2)
    # 状态来源: no 整改进展表 in this county, every status is the round workbook's; 整改措施, 佐证材料,
    # 逾期完成 blank (RI, rectified 06-30 after its 05-01 deadline, is 逾期完成 是)
    assert {r[14].value for r in rows} == {"巡察轮次填报表"}
    assert [(r[6].value, r[17].value) for r in rows if r[17].value] == [("RI", "是")]
    assert all(r[15].value is None and r[16].value is None for r in rows)
    assert (rows[4][10].value, rows[4][11].value) == (None, 0)
    assert ws.freeze_panes == "A4" and ws.page_setup.orientation == "landscape"


def test_per_organisation_sheet(sheets):
    rows = [[c.value for c in r] for r in sheets[1].iter_rows(min_row=4) if r[0].value is not None]
    # 序号, 单位, 纳入台账, 已整改, 逾期, 临期, 预警, 正常推进, 未定, 整改率
    assert rows[0] == [1, OFFICE, 5, 1, 2, 1, 0, 0, 1, 0.2]  # D00 yellow, N2 no deadline
    assert rows[3] == ["合计", None, 15, 3, 4, 2, 2, 1, 3, 0.2]


def test_the_documents_state_the_overdue_count_and_name_the_organisations(report, tmp_path):
    paths, _ = write_documents(report, tmp_path)
    text = paths[1].read_text(encoding="utf-8")
    assert ("从整改台账看，截至2020年12月31日，纳入台账的问题15个（含以前年度发现、本年初尚未完成整改的问题），"
            "已整改3个，整改率20%；逾期未整改问题4个，涉及县委办公室、县财政局、县教育局，"
            "巡察办将督促相关单位限期完成整改；另有2个问题的整改时限将在10天内到期。") in text
    dec = build_report(_dataset(), STD, monthly("2020-12"), today=TODAY)
    brief = write_documents(dec, tmp_path)[0][1].read_text(encoding="utf-8")
    # periods.md §3: a brief names every organisation with overdue rectifications (not two and 等)
    assert "逾期未整改问题4个，涉及县委办公室、县财政局、县教育局。" in brief


def test_the_golden_county_documents(tmp_path):
    # tests/golden/README.md: overdue at 2020-12-31 W3-04 (县供水公司) and W3-05 (西河村); none at 06-30
    year = build_report(county_dataset(), STD, annual("2020"), today=TODAY)
    text = write_documents(year, tmp_path)[0][1].read_text(encoding="utf-8")
    assert "逾期未整改问题2个，涉及县供水公司、西河村，巡察办将督促相关单位限期完成整改" in text
    june = build_report(county_dataset(), STD, monthly("2020-06"), today=TODAY)
    brief = write_documents(june, tmp_path)[0][1].read_text(encoding="utf-8")
    assert "增长200%。无逾期未整改问题。" in brief


def test_documents_without_deadlines_say_so(tmp_path):
    undated = [row[:5] + (None,) + row[6:] for row in PROBLEMS]
    rep = build_report(_dataset(undated), STD, annual("2020"), today=TODAY)
    text = write_documents(rep, tmp_path)[0][1].read_text(encoding="utf-8")
    assert "各问题均未填写整改时限，逾期情况无法统计。" in text
    brief = write_documents(build_report(_dataset(undated), STD, monthly("2020-12"), today=TODAY),
                            tmp_path)[0][1].read_text(encoding="utf-8")
    assert "逾期未整改" not in brief


def test_a_long_ledger_moves_to_the_companion_with_its_colours(report, tmp_path, monkeypatch):
    from pipeline.render import workbook

    monkeypatch.setattr(workbook, "DETAIL_INLINE_CELLS", 100)  # 15 rows x 16 columns = 240 cells
    main, moved = workbook.plan_workbooks(report)
    assert "整改台账" in [t.sheet for t in moved]
    pointer = next(t for t in main if t.sheet == "整改台账")
    assert pointer.rows == [] and "巡察工作统计_2020年度_明细.xlsx" in pointer.empty_text
    path = workbook.write_companion(report, moved, tmp_path)[0]
    ws = openpyxl.load_workbook(path)["整改台账"]
    first = ws[3]  # row 1 title, row 2 header, then the rows
    assert (first[1].value, first[1].fill.fgColor.rgb, first[6].value) == ("逾期未整改（红）", "FFF8696B", "L60")


def test_the_round_template_says_what_the_deadline_is_for(tmp_path):
    from pipeline.authoring.blank_forms import write_templates

    path = next(p for p in write_templates(tmp_path, STD) if p.name == STD.workbook("round").file)
    sheet = STD.sheet("problems")
    ws = openpyxl.load_workbook(path)[sheet.name]
    col = [c.value for c in ws[1]].index(sheet.header("deadline")) + 1
    letter = openpyxl.utils.get_column_letter(col)
    dv = next(v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2:"))
    assert dv.type == "date" and "整改台账" in dv.prompt and "红灯" in dv.prompt
