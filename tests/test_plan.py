"""The round plan (巡察计划): its checks, 报送情况, planned organisations, the coverage projection,
silent groups, and what the workbook and the summary drafts say (office-loop.md §1 and §4).

The fixture is the valid county of ``tests/wb.py`` with one more registry unit (县审计局) and a
plan; every figure below is worked out by hand from these rows.

Registry (十四届 2016-10-01..2021-09-30): 县住房和城乡建设管理局, 县交通运输局, 城关镇,
城关镇东关村 (村), 城关镇西街社区 (社区), 县自来水公司 (纳入 2019-03-01), 城关镇北坡村
(村, 撤销 2020-12-31), 县审计局. One round workbook: 十四届第5轮 第一巡察组 (常规巡察,
2020-04-01..06-30) inspecting 住建局 (04-01) and 交通局 (04-02); 工作量 rows 04-30, 06-30.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

import wb
from pipeline.engine import load_dataset
from pipeline.model import ERROR, WARNING
from pipeline.periods import annual, monthly
from pipeline.render.summary import write_documents
from pipeline.render.workbook import write_workbook
from pipeline.stats.aggregate import build_report
from shipped import STD

D = dt.date
TODAY = D(2021, 1, 5)
T14, T15 = "十四届", "十五届"
REG, RND = STD.workbook("registry").file, STD.workbook("round").file
G1, G2, G3 = "第一巡察组", "第二巡察组", "第三巡察组"
ZJ, JT, CGZ, DGC, XJ, ZLS, BPC, SJ = ("县住房和城乡建设管理局", "县交通运输局", "城关镇", "城关镇东关村",
                                      "城关镇西街社区", "县自来水公司", "城关镇北坡村", "县审计局")


def _row(term, rnd, rtype, group, org, start, end) -> dict:
    return {"term": term, "round": rnd, "type": rtype, "group": group, "org": org, "start": start, "end": end}


# Excel rows 2..9 of the 巡察计划 sheet.
PLAN = [
    _row(T14, 5, "常规巡察", G1, ZJ, D(2020, 4, 1), D(2020, 6, 30)),    # P1 inspected
    _row(T14, 5, "常规巡察", G1, JT, D(2020, 4, 1), D(2020, 6, 30)),    # P2 inspected
    _row(T14, 5, "常规巡察", G2, CGZ, D(2020, 5, 10), D(2020, 7, 10)),  # P3 G2 never submits
    _row(T14, 5, "常规巡察", G2, DGC, D(2020, 7, 15), D(2020, 8, 30)),  # P4
    _row(T14, 6, "常规巡察", G3, ZLS, D(2020, 9, 1), D(2020, 10, 30)),  # P5
    _row(T14, 6, "专项巡察", G2, XJ, D(2020, 9, 15), D(2020, 10, 30)),  # P6 专项: not toward coverage
    _row(T14, 7, "机动巡察", G1, SJ, D(2021, 3, 1), D(2021, 4, 30)),    # P7 after 2020, counts
    _row(T15, 1, "常规巡察", G1, JT, D(2021, 10, 15), D(2021, 12, 15)),  # P8 another term: ignored
]


def plan_spec(plan=PLAN) -> dict:
    spec = wb.county_spec()
    spec["registry"]["units"].append({"name": SJ, "category": "县直党群行政单位"})
    spec["registry"]["plan"] = [dict(r) for r in plan]
    return spec


def _load(folder, spec):
    wb.write_county(folder, spec)
    return load_dataset(folder, STD)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    ds = _load(tmp_path_factory.mktemp("plan") / "inputs", plan_spec())
    assert ds.findings == [], ds.findings
    return ds


@pytest.fixture(scope="module")
def no_plan(tmp_path_factory):
    ds = _load(tmp_path_factory.mktemp("noplan") / "inputs", wb.county_spec())
    assert ds.findings == []
    return ds


def report(ds, period):
    return build_report(ds, STD, period, today=TODAY)


# ------------------------------------------------------------------ checks

def _plan_cell(i: int, cid: str, value):
    def edit(spec):
        spec["registry"]["plan"][i][cid] = value
    return edit


CHECKS = [
    # (id, edit, code, level, file, sheet id, Excel row, column id)
    ("term not in registry", _plan_cell(2, "term", "十四"), "term-unknown", ERROR, REG, "plan", 4, "term"),
    ("round zero", _plan_cell(0, "round", 0), "value-too-small", ERROR, REG, "plan", 2, "round"),
    ("round type typo", _plan_cell(4, "type", "例行巡察"), "enum-invalid", ERROR, REG, "plan", 6, "type"),
    ("org abbreviated", _plan_cell(3, "org", "东关村"), "org-not-in-registry", ERROR, REG, "plan", 5, "org"),
    ("end before start", _plan_cell(4, "end", D(2020, 8, 1)), "date-order", ERROR, REG, "plan", 6, "end"),
    ("end blank", _plan_cell(6, "end", None), "required-blank", ERROR, REG, "plan", 8, "end"),
    ("start blank", _plan_cell(6, "start", None), "required-blank", ERROR, REG, "plan", 8, "start"),
    ("same org twice in a round", lambda s: s["registry"]["plan"].append(dict(PLAN[2], group=G3)),
     "plan-duplicate", ERROR, REG, "plan", 10, "org"),
    # round 5 planned for 第二巡察组 only: the 第一巡察组 workbook is unplanned
    ("submission from an unplanned group", lambda s: [r.update(group=G2) for r in s["registry"]["plan"][:2]],
     "submission-unplanned", WARNING, RND, "round_info", 2, "group"),
]


@pytest.mark.parametrize("case", CHECKS, ids=[c[0] for c in CHECKS])
def test_each_plan_check_pinpoints_its_cell(tmp_path, case):
    _, edit, code, level, file, sheet_id, row, col_id = case
    spec = plan_spec()
    edit(spec)
    ds = _load(tmp_path / "inputs", spec)
    assert [(f.code, f.level, f.file, f.sheet, f.row, f.column) for f in ds.findings] == [
        (code, level, file, STD.sheet(sheet_id).name, row, STD.sheet(sheet_id).header(col_id))]


def test_plan_messages_name_what_is_expected(tmp_path):
    spec = plan_spec()
    spec["registry"]["plan"][3]["org"] = "县住建局"
    [found] = _load(tmp_path / "a", spec).findings
    assert "“县住房和城乡建设管理局”" in found.message  # the closest registry name
    spec = plan_spec()
    for r in spec["registry"]["plan"][:2]:
        r["group"] = G2
    [found] = _load(tmp_path / "b", spec).findings
    assert found.value == G1 and "计划中有：第二巡察组" in found.message
    spec = plan_spec()
    spec["registry"]["plan"].append(dict(PLAN[2], group=G3))
    [found] = _load(tmp_path / "c", spec).findings
    assert f"{REG} “巡察计划”第 4 行" in found.message  # where the first one is


def test_no_plan_sheet_at_all_is_no_finding(tmp_path):
    spec = wb.county_spec()
    folder = tmp_path / "inputs"
    wb.write_county(folder, spec)
    wb.write_workbook(folder / REG, {wb.sheet_name(s): wb.table(s, spec["registry"][s])
                                     for s in ("terms", "units", "basic_info")})
    assert load_dataset(folder, STD).findings == []


# ------------------------------------------------------------------ statistics

def test_annual_submissions_in_term_round_group_order(dataset):
    m = report(dataset, annual("2020")).metrics
    # due by 2020-12-31 (earliest planned start per group): R5G1 04-01, R5G2 05-10, R6G2 09-15,
    # R6G3 09-01; R7G1 starts 2021-03-01, 十五届 is another term. Received: R5G1 only.
    # 第二 before 第三 by number (as text 三 U+4E09 sorts before 二 U+4E8C).
    assert m["submissions"] == {"expected": 4, "received": 1, "missing": [
        {"term": T14, "round": 5, "group": G2, "planned_start": "2020-05-10"},
        {"term": T14, "round": 6, "group": G2, "planned_start": "2020-09-15"},
        {"term": T14, "round": 6, "group": G3, "planned_start": "2020-09-01"}]}


def test_annual_planned_orgs(dataset):
    m = report(dataset, annual("2020")).metrics
    # P1..P6 start by 2020-12-31; round 5's 巡察对象 names 住建局 and 交通局 (P1, P2).
    # Not inspected by term, round, group: R5G2 城关镇, 东关村; R6G2 西街社区; R6G3 自来水公司.
    assert m["planned_orgs"] == {"planned": 6, "inspected": 2, "not_inspected": [CGZ, DGC, XJ, ZLS]}


def test_annual_projection(dataset):
    cov = report(dataset, annual("2020")).metrics["coverage"]
    # In force at 2020-12-31: county 住建局 交通局 审计局 城关镇 自来水公司 = 5 (北坡村 removed
    # that day); villages 东关村 西街社区 = 2. Inspected: 住建局, 交通局.
    # Planned (counting plan rows, any date): 城关镇 P3, 东关村 P4, 自来水公司 P5, 审计局 P7;
    # 西街社区 only in P6 (专项巡察): unplanned.
    assert cov["county"] == {"total": 5, "inspected": 2, "rate": 2 / 5, "planned": 3, "projected_rate": 1.0}
    assert cov["village"] == {"total": 2, "inspected": 0, "rate": 0.0, "planned": 1, "projected_rate": 1 / 2}
    cats = cov["by_category"]
    assert (cats["县直党群行政单位"]["planned"], cats["县直党群行政单位"]["projected_rate"]) == (1, 1.0)  # (2+1)/3
    assert (cats["乡镇（街道）"]["planned"], cats["乡镇（街道）"]["projected_rate"]) == (1, 1.0)
    assert (cats["科级事业单位"]["planned"], cats["科级事业单位"]["projected_rate"]) == (0, None)  # none in force
    assert (cats["社区党组织"]["planned"], cats["社区党组织"]["projected_rate"]) == (0, 0.0)
    assert cov["unplanned"] == [XJ]
    assert report(dataset, annual("2020")).metrics["silent_groups"] is None  # annual


def test_monthly_june(dataset):
    m = report(dataset, monthly("2020-06")).metrics
    # due by 06-30: R5G1 04-01 (received), R5G2 05-10 (missing); planned orgs P1 P2 P3.
    assert m["submissions"] == {"expected": 2, "received": 1, "missing": [
        {"term": T14, "round": 5, "group": G2, "planned_start": "2020-05-10"}]}
    assert m["planned_orgs"] == {"planned": 3, "inspected": 2, "not_inspected": [CGZ]}
    cov = m["coverage"]
    # 北坡村 still in force on 06-30: villages 东关村 (P4) 西街社区 北坡村 = 3, 1 planned.
    assert (cov["county"]["planned"], cov["county"]["projected_rate"]) == (3, 1.0)  # (2+3)/5
    assert (cov["village"]["planned"], cov["village"]["projected_rate"]) == (1, 1 / 3)
    assert cov["unplanned"] == [XJ, BPC]  # registry order
    # R5G1 (04-01..06-30) is active in June and has the 06-30 工作量 row.
    assert m["silent_groups"] == []


def test_a_group_without_work_in_its_month_is_silent(dataset):
    # May: R5G1 is active but its 工作量 rows are dated 04-30 and 06-30.
    assert report(dataset, monthly("2020-05")).metrics["silent_groups"] == [
        {"term": T14, "round": 5, "group": G1}]
    # July: R5G1 ended 06-30, no group is active.
    assert report(dataset, monthly("2020-07")).metrics["silent_groups"] == []


def test_without_a_plan_every_plan_key_is_null(no_plan):
    m = report(no_plan, monthly("2020-06")).metrics
    assert m["submissions"] is None and m["planned_orgs"] is None
    cov = m["coverage"]
    assert cov["unplanned"] is None
    for tally in (cov["county"], cov["village"], *cov["by_category"].values()):
        assert tally["planned"] is None and tally["projected_rate"] is None
    assert m["silent_groups"] == []  # silent groups do not need the plan


# ------------------------------------------------------------------ workbook

def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _labelled(ws, label) -> tuple:
    return next(r for r in ws.iter_rows(values_only=True) if r[0] == label)


def test_workbook_submission_table_and_projection_columns(dataset, tmp_path):
    book = openpyxl.load_workbook(write_workbook(report(dataset, annual("2020")), tmp_path))
    names = book.sheetnames
    assert names.index("报送情况") == names.index("未巡察单位") + 1
    ws = book["报送情况"]
    assert ws["A1"].value.endswith("（十四届，截至2020年12月31日：应报送4份，已报送1份，未报送3份）")
    data = [r for r in _rows(ws)[3:] if r[0] == T14]
    assert [(r[1], r[2], r[4], r[5], r[6], r[7]) for r in data] == [
        (5, G1, "已报送", 2, 2, None), (5, G2, "未报送", 2, 0, f"{CGZ}、{DGC}"),
        (6, G2, "未报送", 1, 0, XJ), (6, G3, "未报送", 1, 0, ZLS)]
    assert data[1][3] == dt.datetime(2020, 5, 10)
    assert _labelled(ws, "合计")[5:7] == (6, 2)
    cov = book["全覆盖进度"]
    header = [c.replace("\n", "") for c in _rows(cov)[2] if c]
    assert header[-2:] == ["计划巡察（个）", "预计覆盖率"]
    assert _labelled(cov, "小计：村（社区）党组织")[2:] == (2, 0, 0, 2, 1, 0.5)
    assert any(r[0] == f"尚未列入巡察计划的单位（1个）：{XJ}。" for r in _rows(cov))
    todo = {r[1]: r[5] for r in _rows(book["未巡察单位"])[3:] if r[1]}
    assert todo[XJ] == "未列入计划"
    assert todo[SJ] == "第7轮 第一巡察组（计划2021年3月1日进驻）"


def test_workbook_without_a_plan_says_so(no_plan, tmp_path):
    book = openpyxl.load_workbook(write_workbook(report(no_plan, annual("2020")), tmp_path))
    assert book["报送情况"]["A4"].value.startswith("未填报巡察计划")
    cov = book["全覆盖进度"]
    assert len(_rows(cov)[2]) == 6  # no projection columns
    assert any(str(r[0]).startswith("未填报巡察计划") for r in _rows(cov))


# ------------------------------------------------------------------ summary drafts

def _text(rep, tmp_path) -> str:
    paths, _ = write_documents(rep, tmp_path)
    return next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")


def test_annual_summary_projection_sentence(dataset, tmp_path):
    text = _text(report(dataset, annual("2020")), tmp_path)
    assert ("按照巡察计划，县级巡察对象已巡察2个、已列入巡察计划3个，按计划预计覆盖率100%，"
            "其余单位均已列入巡察计划；村（社区）党组织已巡察0个、已列入巡察计划1个，按计划预计覆盖率50%，"
            f"尚有1个未列入巡察计划（{XJ}）。") in text


def test_annual_summary_without_a_plan_has_a_marker(no_plan, tmp_path):
    assert "【待补充：未填报巡察计划" in _text(report(no_plan, annual("2020")), tmp_path)


def test_monthly_brief_missing_submissions_and_silent_groups(dataset, tmp_path):
    text = _text(report(dataset, monthly("2020-05")), tmp_path)
    assert "十四届第五轮第一巡察组本月在巡察期间，但没有填报工作量；" in text
    # as of 05-31: county 5 in force, 2 inspected, 3 planned; villages 3 (北坡村 too), 1 planned
    assert "尚余3个（已列入巡察计划3个，按计划预计覆盖率100%）" in text
    assert "尚余3个（已列入巡察计划1个，按计划预计覆盖率33.3%）" in text
    assert f"尚未列入巡察计划：{XJ}、{BPC}。" in text
    assert "应报送巡察轮次填报表2份，已报送1份，未报送：十四届第五轮第二巡察组（计划5月10日进驻）。" in text
