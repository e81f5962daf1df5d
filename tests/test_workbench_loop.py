"""The workbench over the office's loop and the city side, in-process: explaining a warning on the
校验 page, 已说明/未说明 and 报送情况 on 概况, the 统计 results' projection and ledger lights,
and the 汇总 page (packages found, the roll-up, its findings)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import openpyxl
import pytest

import city
import county
import wb
from city import JIA, YI
from pipeline.authoring.explanation_form import WORKBENCH_FILE
from pipeline.explanations import CheckCounts
from pipeline.launch import main
from pipeline.periods import annual
from shipped import STD
from workbench_kit import client, wait_for_run, workspace

RND = STD.workbook("round").file
EXPL = STD.sheet("explanations")
PROBLEMS = STD.sheet("problems")
FOUND = PROBLEMS.header("found")
TALKS = STD.sheet("workload").header("talks")
DOWNLOADS = '//a[contains(concat(" ", @class, " "), " download ")]'
D = dt.date


def _doc(response):
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _rows(doc) -> dict[tuple, lxml.html.HtmlElement]:
    """The check table's rows by (level, code, file, row, column)."""
    return {(tr.get("data-level"), tr.get("data-code"), tr.get("data-file"), tr.get("data-row"),
             tr.get("data-column")): tr for tr in doc.xpath('//table[@id="findings"]//tr[@data-level]')}


@pytest.fixture
def planted(tmp_path):
    """The valid county of tests/wb.py with one error (工作量 row 2, 个别谈话 "12人") and one warning
    (发现问题 row 2 found on 2020-03-01, before the round's start: date-outside-round)."""
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "12人"
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)
    wb.write_county(tmp_path / "inputs", spec)
    return workspace(tmp_path / "inputs", tmp_path / "outputs")


WARNING = ("警告", "date-outside-round", RND, "2", FOUND)
ERROR = ("错误", "count-invalid", RND, "2", TALKS)


def _form_data(tr, text: str, by: str = "") -> dict:
    """What the browser sends for the explanation form of row ``tr``."""
    form = tr.xpath('.//form[@class="explain no-print"]')[0]
    data = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']")}
    return {**data, "text": text, "by": by}


# ---------------------------------------------------------------- 校验: explanations

def test_rows_show_their_state_and_only_unexplained_warnings_have_a_form(planted):
    rows = _rows(_doc(client(planted).get("/check")))
    assert rows[WARNING].get("data-status") == "未说明" and rows[ERROR].get("data-status") == "须改正"
    form = rows[WARNING].xpath('.//form[contains(@class, "explain")]')
    assert len(form) == 1 and form[0].get("action") == "/check/explain" and form[0].get("method") == "post"
    assert form[0].xpath('.//textarea[@name="text"]') and form[0].xpath('.//input[@name="by"]')
    assert not rows[ERROR].xpath(".//form")  # errors are fixed, never explained


def test_explain_a_warning_writes_the_workbench_file_and_the_recheck_counts_it(planted):
    c = client(planted, follow_redirects=False)
    others = {p: p.read_bytes() for p in planted.inputs.iterdir()}
    text = "该问题系巡察进驻前信访转来，经核对信访件，发现日期无误"
    response = c.post("/check/explain", data=_form_data(_rows(_doc(c.get("/check")))[WARNING], text, "张三"))
    assert response.status_code == 303 and response.headers["location"].startswith("/check#f-")
    # the explanation is in 核实说明（工作台）.xlsx in the inputs folder, keyed as office-loop.md §2 says
    path = planted.inputs / WORKBENCH_FILE
    sheet = openpyxl.load_workbook(path)[EXPL.name]
    rows = list(sheet.iter_rows(values_only=True))
    header = {h: i for i, h in enumerate(rows[0])}
    assert len(rows) == 2
    got = {cid: rows[1][header[EXPL.header(cid)]] for cid in ("file", "sheet", "row", "column", "code", "text", "by")}
    assert got == {"file": RND, "sheet": PROBLEMS.name, "row": 2, "column": FOUND, "code": "date-outside-round",
                   "text": text, "by": "张三"}
    assert {p: p.read_bytes() for p in others} == others  # no other workbook touched
    # the recheck: 1 error, 1 warning, now explained
    assert planted.dataset.counts == CheckCounts(errors=1, warnings=1, explained=1, unexplained=0)
    doc = _doc(c.get("/check"))
    row = _rows(doc)[WARNING]
    assert row.get("data-status") == "已说明" and not row.xpath(".//form")
    assert _text(row.xpath('.//*[@class="explained"]')[0]) == f"已说明：{text}"
    assert "警告 1 处（已说明 1 处，未说明 0 处）" in _text(doc)
    # the explanations workbook is read like any other: no finding about it
    assert not [f for f in planted.dataset.findings if f.file == WORKBENCH_FILE]


@pytest.mark.parametrize("text, says", [
    ("无误", "核实说明“无误”只有 2 个字，未予采纳"),  # shorter than 6
    ("经核实，无误。", "核实说明“经核实，无误。”只是一句确认，未予采纳"),  # bare 经核实无误
])
def test_a_rejected_explanation_stays_unexplained_and_says_why(planted, text, says):
    c = client(planted)
    doc = _doc(c.post("/check/explain", data=_form_data(_rows(_doc(c.get("/check")))[WARNING], text)))
    rows = _rows(doc)
    row = rows[WARNING]
    assert row.get("data-status") == "未说明" and row.xpath('.//form[contains(@class, "explain")]')
    assert says in _text(row.xpath('.//*[@class="rejected"]')[0])  # beside the warning it was meant for
    # the finding about the explanation (its own file and row), which can never be explained itself
    about = rows[("警告", "explanation-too-short", WORKBENCH_FILE, "2", EXPL.header("text"))]
    assert about.get("data-status") == "不可说明" and not about.xpath(".//form")
    # 1 error; warnings: date-outside-round and explanation-too-short, neither explained
    assert planted.dataset.counts == CheckCounts(errors=1, warnings=2, explained=0, unexplained=2)


def test_an_empty_explanation_or_one_for_an_error_is_refused(planted):
    c = client(planted)
    rows = _rows(_doc(c.get("/check")))
    empty = c.post("/check/explain", data=_form_data(rows[WARNING], "   "))
    assert empty.status_code == 400 and "没有填写核实说明" in empty.text
    fields = dict(_form_data(rows[WARNING], "个别谈话人数填写有误，已核实为12人"), code="count-invalid", column=TALKS,
                  sheet=STD.sheet("workload").name)  # the error's key, sent by hand
    refused = c.post("/check/explain", data=fields)
    assert refused.status_code == 400 and "是错误，只能改正" in refused.text
    assert not (planted.inputs / WORKBENCH_FILE).exists()


def test_a_post_from_another_site_cannot_explain(planted):
    c = client(planted)
    data = _form_data(_rows(_doc(c.get("/check")))[WARNING], "该问题系巡察进驻前信访转来，日期无误")
    response = c.post("/check/explain", data=data, headers={"Origin": "http://attacker.example"})
    assert response.status_code == 403 and not (planted.inputs / WORKBENCH_FILE).exists()


# ---------------------------------------------------------------- 概况

PLAN = [  # 十四届, registry units of tests/wb.py
    {"term": "十四届", "round": 5, "type": "常规巡察", "group": "第一巡察组", "org": "县住房和城乡建设管理局",
     "start": D(2020, 4, 1), "end": D(2020, 6, 30)},  # submitted: the round workbook of tests/wb.py
    {"term": "十四届", "round": 5, "type": "常规巡察", "group": "第二巡察组", "org": "城关镇",
     "start": D(2020, 5, 10), "end": D(2020, 7, 10)},  # not submitted
    {"term": "十四届", "round": 6, "type": "常规巡察", "group": "第三巡察组", "org": "县自来水公司",
     "start": D(2020, 9, 1), "end": D(2020, 10, 30)},  # not submitted
    {"term": "十四届", "round": 7, "type": "机动巡察", "group": "第一巡察组", "org": "县交通运输局",
     "start": D(2021, 3, 1), "end": D(2021, 4, 30)},  # not yet due on 2020-12-31
]


def test_overview_lists_the_planned_groups_not_submitted(tmp_path):
    spec = wb.county_spec()
    spec["registry"]["plan"] = [dict(r) for r in PLAN]
    wb.write_county(tmp_path / "inputs", spec)
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    ws.today = lambda: D(2020, 12, 31)
    doc = _doc(client(ws).get("/"))
    section = doc.xpath('//*[@id="submissions"]')[0]
    # due by 2020-12-31: (5, 第一), (5, 第二), (6, 第三) = 3; received: (5, 第一) = 1
    assert "应报送 3 份填报表， 已报送 1 份，还有 2 个巡察组未报送" in _text(section)
    assert [_text(li) for li in section.xpath('.//ul[@class="missing"]/li')] == [
        "十四届第5轮第二巡察组（计划2020年5月10日进驻）", "十四届第6轮第三巡察组（计划2020年9月1日进驻）"]


def test_overview_without_a_plan_and_with_an_unexplained_warning(planted):
    doc = _doc(client(planted).get("/"))
    assert "未填报巡察计划" in _text(doc.xpath('//*[@id="submissions"]')[0])
    assert _text(doc.xpath('//*[@id="warning-split"]')[0]) == "已说明 0 处，未说明 1 处"
    now = doc.xpath('//ol[@class="steps"]/li[@class="now"]')
    assert len(now) == 1 and "改正错误" in _text(now[0])  # errors first


def test_overview_after_the_errors_says_explain_the_warnings(tmp_path):
    spec = wb.county_spec()
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # the warning only
    wb.write_county(tmp_path / "inputs", spec)
    doc = _doc(client(workspace(tmp_path / "inputs", tmp_path / "outputs")).get("/"))
    now = doc.xpath('//ol[@class="steps"]/li[@class="now"]')
    assert len(now) == 1 and "还有 1 处警告未说明" in _text(now[0])


# ---------------------------------------------------------------- 统计 results

def test_results_show_projection_submissions_and_the_ledger_lights(tmp_path):
    county.write_county(tmp_path / "inputs")
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    c = client(ws)
    c.post("/run", data={"kind": "annual", "period": "2020"})
    wait_for_run(ws)
    assert ws.run.status == "done", ws.run.message
    doc = _doc(c.get("/run"))
    labels = STD.rules.rectification.labels
    lights = {_text(tr[0]): (tr[0].get("class") or "", _text(tr[1]))
              for tr in doc.xpath('//*[@id="lights"]//tbody/tr')}
    # every state with its count, the light as colour (class) and as text; the counts are those of the
    # hand-checked tests/golden/青禾县_2020年度.metrics.json: 7 + 2 + 1 + 0 + 0 + 3 = 13 in the ledger
    assert lights == {labels["overdue"]: ("lit lit-red", "2"), labels["due_10"]: ("lit lit-yellow", "1"),
                      labels["due_20"]: ("lit lit-green", "0"), labels["on_track"]: ("", "0"),
                      labels["no_deadline"]: ("", "3"), labels["rectified"]: ("", "7"), "纳入台账合计": ("", "13")}
    overdue = [[_text(td) for td in tr.xpath("./*")] for tr in doc.xpath('//*[@id="overdue"]//tbody/tr')]
    assert [(r[3], r[4], r[6]) for r in overdue] == [("县供水公司", "W3-04", "61"), ("西河村", "W3-05", "31")]
    assert doc.xpath('//*[@id="submissions"]//figcaption') and doc.xpath('//*[@id="coverage"]//tbody/tr')
    assert not doc.xpath('//*[@id="unexplained-notice"]')  # the county fixture has no warning


def test_results_say_how_many_warnings_are_unexplained(tmp_path):
    spec = wb.county_spec()
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # one warning (date-outside-round), no error
    wb.write_county(tmp_path / "inputs", spec)
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    c = client(ws)
    c.post("/run", data={"kind": "annual", "period": "2020"})
    wait_for_run(ws)
    assert ws.run.status == "done", ws.run.message
    notice = _doc(c.get("/run")).xpath('//*[@id="unexplained-notice"]')
    assert len(notice) == 1 and "还有 1 处核实性问题（警告）未说明" in _text(notice[0])


# ---------------------------------------------------------------- 汇总

@pytest.fixture
def two(tmp_path):
    """甲县 and 乙县 (tests/city.py) in the workbench's inputs folder (乙县 in a sub-folder)."""
    inputs = tmp_path / "inputs"
    city.write(inputs, "甲县", JIA)
    city.write(inputs / "乙县", "乙县", YI)
    return workspace(inputs, tmp_path / "outputs")


def test_rollup_page_lists_the_packages_found(two):
    doc = _doc(client(two).get("/rollup"))
    assert doc.xpath('//form[@id="rollup-form"]//input[@name="period"]')
    rows = [[_text(td) for td in tr.xpath("./td")] for tr in doc.xpath('//table[@id="packages"]/tbody/tr')]
    assert rows == [["上报_甲县_2020年度.xlsx", "甲县", "2020年度", "2021-01-05", "0"],
                    ["乙县/上报_乙县_2020年度.xlsx", "乙县", "2020年度", "2021-01-05", "0"]]


def test_rollup_from_the_page_writes_the_commands_files(two, tmp_path):
    c = client(two, follow_redirects=False)
    response = c.post("/rollup", data={"period": "2020", "folder": ""})
    assert response.status_code == 303
    doc = _doc(c.get("/rollup"))
    over = {_text(tr[0]): _text(tr[1]) for tr in doc.xpath('//*[@id="rollup-overview"]//tbody/tr')}
    assert over["个别谈话（人次）"] == "200" and over["发现问题（个）"] == "50"  # 120+80, 30+20
    counties = [_text(tr[0]) for tr in doc.xpath('//*[@id="rollup-counties"]//tbody/tr')]
    assert counties == ["乙县", "甲县", "合计"]  # by name, as Python sorts strings (rollup.md)
    folder = two.outputs / "汇总_2020年度"
    links = [unquote(a.get("href").removeprefix("/download/")) for a in doc.xpath(DOWNLOADS)]
    assert sorted(links) == sorted(p.relative_to(two.outputs).as_posix() for p in folder.iterdir())
    for rel in links:
        assert c.get("/download/" + rel).content == (two.outputs / rel).read_bytes()
    # the same files as `xuncha rollup` (metrics.json equal; the workbook carries the same figures)
    assert main(["rollup", "--year", "2020", "--inputs", str(two.inputs), "--outputs", str(tmp_path / "cli")]) == 0
    cli = json.loads((tmp_path / "cli" / "汇总_2020年度" / "metrics.json").read_text(encoding="utf-8"))
    assert json.loads((folder / "metrics.json").read_text(encoding="utf-8")) == cli


def test_rollup_with_bad_packages_shows_their_findings(two):
    city.write(two.inputs, "丙县", JIA, annual("2019"), name="上报_丙县_2019年度.xlsx")  # another period
    (two.inputs / "上报_丁县_2020年度.xlsx").write_bytes(b"not a workbook")  # cannot be opened
    c = client(two)
    listed = _doc(c.get("/rollup"))
    bad = listed.xpath('//table[@id="packages"]/tbody/tr[@data-file="上报_丁县_2020年度.xlsx"]')[0]
    assert bad.xpath('.//*[@class="rejected"]')  # its reading error, beside the file
    doc = _doc(c.post("/rollup", data={"period": "2020"}, follow_redirects=True))
    found = {(tr.get("data-code"), tr.get("data-file")) for tr in doc.xpath('//table[@id="findings"]//tr[@data-level]')}
    assert ("package-period-mismatch", "上报_丙县_2019年度.xlsx") in found
    assert ("package-unreadable", "上报_丁县_2020年度.xlsx") in found
    assert "未能汇总" in _text(doc.xpath('//*[@id="rollup-result"]')[0])
    assert not (two.outputs / "汇总_2020年度").exists()  # errors: no roll-up, only the check report
    links = [a.get("href") for a in doc.xpath(DOWNLOADS)]
    assert links == ["/download/%E6%A0%A1%E9%AA%8C%E6%8A%A5%E5%91%8A.xlsx"]  # 校验报告.xlsx


def test_rollup_with_a_bad_period_or_folder_says_so(two):
    c = client(two)
    response = c.post("/rollup", data={"period": "20x0"})
    assert response.status_code == 400 and "年份“20x0”不对" in response.text
    missing = c.post("/rollup", data={"period": "2020", "folder": str(Path(two.inputs) / "没有这个文件夹")})
    assert missing.status_code == 400 and "找不到文件夹" in missing.text
    assert two.rollup is None
