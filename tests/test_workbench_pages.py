"""The workbench's pages in-process: overview, check (table, filters), upload, run, templates, downloads."""

from __future__ import annotations

import threading
from pathlib import Path

import lxml.html
import openpyxl
import pytest

import county
import wb
from pipeline import engine
from pipeline.read import workbook
from pipeline.workbench import files
from shipped import STD
from workbench_kit import client, wait_for_run, workspace

RND = STD.workbook("round").file
TALKS = STD.sheet("workload").header("talks")
FOUND = STD.sheet("problems").header("found")
DOWNLOADS = '//a[contains(concat(" ", @class, " "), " download ")]'


def _doc(response):
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def _findings(doc) -> list[tuple]:
    return [(tr.get("data-level"), tr.get("data-code"), tr.get("data-file"), tr.get("data-row"),
             tr.get("data-column")) for tr in doc.xpath('//table[@id="findings"]//tr[@data-level]')]


@pytest.fixture
def planted(tmp_path):
    """The valid county of tests/wb.py with one error and one warning planted."""
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "12人"  # error: 工作量 row 2
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # warning: before the round's start, 发现问题 row 2
    wb.write_county(tmp_path / "inputs", spec)
    return workspace(tmp_path / "inputs", tmp_path / "outputs")


def test_overview_counts_of_a_valid_county(tmp_path):
    wb.write_county(tmp_path / "inputs")  # registry, one round workbook (十四届 round 5), office workbook
    doc = _doc(client(workspace(tmp_path / "inputs", tmp_path / "outputs")).get("/"))
    cards = [li.text_content().split() for li in doc.xpath('//ul[@class="cards"]/li')]
    assert [c[:2] for c in cards] == [["3", "份工作簿"], ["1", "个巡察轮次"], ["0", "处错误"], ["0", "处警告"]]
    assert "没有错误，可以统计了" in doc.text_content()
    assert str((tmp_path / "inputs").resolve()) in doc.text_content()
    assert doc.xpath('//nav//a[@aria-current="page"]')[0].text == "概况"


def test_overview_of_an_empty_folder_says_upload(tmp_path):
    (tmp_path / "inputs").mkdir()
    text = _doc(client(workspace(tmp_path / "inputs", tmp_path / "outputs")).get("/")).text_content()
    assert "还没有填报工作簿" in text


def test_check_lists_every_finding_with_its_cell(planted):
    c = client(planted)
    doc = _doc(c.get("/check"))
    assert _findings(doc) == [("错误", "count-invalid", RND, "2", TALKS),
                              ("警告", "date-outside-round", RND, "2", FOUND)]
    assert "错误 2" not in doc.text_content() and "错误 1 处" in " ".join(doc.text_content().split())
    # the check report of the same check is downloadable
    link = doc.xpath(DOWNLOADS)[0].get("href")
    assert link == "/download/%E6%A0%A1%E9%AA%8C%E6%8A%A5%E5%91%8A.xlsx"  # 校验报告.xlsx
    assert c.get(link).content == (planted.outputs / engine.CHECK_REPORT_NAME).read_bytes()


def test_check_filters_by_level_and_file(planted):
    c = client(planted)
    assert [f[0] for f in _findings(_doc(c.get("/check", params={"level": "警告"})))] == ["警告"]
    assert [f[0] for f in _findings(_doc(c.get("/check", params={"level": "错误"})))] == ["错误"]
    assert len(_findings(_doc(c.get("/check", params={"file": RND})))) == 2
    doc = _doc(c.get("/check", params={"file": "没有这个文件.xlsx"}))
    assert _findings(doc) == [] and "没有符合筛选条件的问题" in doc.text_content()
    options = [o.get("value") for o in doc.xpath('//select[@id="file"]/option')]
    assert options == ["", RND]


def test_a_locked_workbook_is_a_finding_not_a_failure(planted, monkeypatch):
    def locked(path, *args, **kwargs):
        if Path(path).name == RND:
            raise PermissionError(13, "Permission denied")
        return open(path, *args, **kwargs)

    monkeypatch.setattr(workbook, "open", locked, raising=False)  # the reader's open() only
    doc = _doc(client(planted).get("/check"))
    assert ("错误", "file-unreadable", RND, "", "") in _findings(doc)


def test_upload_saves_renames_refuses_and_rechecks(planted, monkeypatch):
    c = client(planted)
    c.get("/check")
    bad = wb.county_spec()
    bad["round"]["clues"][0]["cadres"] = "两人"  # error in the uploaded workbook: 问题线索 row 2
    upload = planted.inputs / "上传用.xlsx"
    wb.round_wb(upload, clues=bad["round"]["clues"])
    data = upload.read_bytes()
    upload.unlink()
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", len(data))  # one byte more is too large
    response = c.post("/upload", files=[
        ("files", (f"C:\\文件\\{RND}", data, "application/octet-stream")),  # name taken: saved as （2）
        ("files", ("新的/轮次.xlsx", data, "application/octet-stream")),
        ("files", ("说明.docx", b"doc", "application/octet-stream")),
        ("files", ("大.xlsx", data + b"x", "application/octet-stream")),
    ])
    doc = _doc(response)
    saved = [li.text_content() for li in doc.xpath('//ul[@class="uploads"]/li[@class="saved"]')]
    refused = [li.text_content() for li in doc.xpath('//ul[@class="uploads"]/li[@class="refused"]')]
    renamed = RND.replace(".xlsx", "（2）.xlsx")
    assert saved == [f"已保存：{renamed}（输入文件夹中已有同名文件，原文件未动，新文件另存为此名）",
                     "已保存：轮次.xlsx"]
    assert "不是电子表格文件" in refused[0] and "上限" in refused[1]
    assert sorted(p.name for p in planted.inputs.iterdir()) == sorted(
        [RND, renamed, "轮次.xlsx", STD.workbook("registry").file, STD.workbook("office").file])
    assert (planted.inputs / renamed).read_bytes() == data
    # the check ran again: the uploaded workbook's error names its cell
    cadres = STD.sheet("clues").header("cadres")
    found = _findings(_doc(c.get("/check", params={"file": renamed})))
    assert ("错误", "count-invalid", renamed, "2", cadres) in found


def test_upload_without_files_says_so(planted):
    response = client(planted).post("/upload", files=[("files", ("", b"", "application/octet-stream"))])
    assert response.status_code == 400 and "没有选择文件" in response.text


def test_run_writes_the_commands_files_and_shows_the_results(tmp_path):
    county.write_county(tmp_path / "inputs")
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    c = client(ws, follow_redirects=False)
    response = c.post("/run", data={"kind": "annual", "period": "2020"})
    assert (response.status_code, response.headers["location"]) == (303, "/run")
    wait_for_run(ws)
    assert ws.run.status == "done", ws.run.message
    doc = _doc(c.get("/run"))
    overview = {tr[0].text_content(): tr[1].text_content() for tr in doc.xpath('//*[@id="overview"]//tbody/tr')}
    # the golden figures of tests/test_aggregate_golden.py (worked out by hand there)
    assert (overview["巡察党组织（个）"], overview["发现问题（个）"], overview["问题线索（件）"]) == ("8", "11", "5")
    assert doc.xpath('//*[@id="coverage"]//tbody/tr')
    folder = tmp_path / "outputs" / "2020年度"
    written = sorted(p.relative_to(tmp_path / "outputs").as_posix() for p in folder.rglob("*") if p.is_file())
    links = [a.get("href") for a in doc.xpath(DOWNLOADS)]
    from urllib.parse import unquote
    assert sorted(unquote(h.removeprefix("/download/")) for h in links) == written
    for href in links:
        got = c.get(href)
        assert got.status_code == 200
        assert got.content == (tmp_path / "outputs" / unquote(href.removeprefix("/download/"))).read_bytes()
        assert got.headers["content-disposition"].startswith("attachment;")
    assert len(doc.xpath('//div[@class="charts"]/img')) == 3
    assert "统计完成" in doc.xpath('//*[@id="progress"]')[0].text_content()


def test_run_with_errors_fails_with_the_commands_message(planted):
    c = client(planted)
    c.post("/run", data={"kind": "monthly", "period": "2020-06"})
    wait_for_run(planted)
    assert planted.run.status == "failed"
    text = c.get("/run").text
    assert "填报工作簿有错误，未生成统计结果" in text
    assert "读取工作簿 3 份；错误 1 处，警告 1 处（已说明 0 处，未说明 1 处）。" in text
    assert not (planted.outputs / "2020年06月").exists()


@pytest.mark.parametrize("kind, period, says", [("annual", "20x0", "年份“20x0”不对"),
                                                ("monthly", "2020-13", "月份“2020-13”不对"),
                                                ("weekly", "2020", "请选择统计类型")])
def test_a_bad_period_is_refused_with_the_commands_message(planted, kind, period, says):
    response = client(planted).post("/run", data={"kind": kind, "period": period})
    assert response.status_code == 400 and says in response.text
    assert planted.run is None


def test_a_second_run_or_an_upload_while_one_runs_is_refused(tmp_path, monkeypatch):
    wb.write_county(tmp_path / "inputs")
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    started, release = threading.Event(), threading.Event()
    real = engine.run_period

    def slow(*args, **kwargs):
        started.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "run_period", slow)
    c = client(ws)
    c.post("/run", data={"kind": "annual", "period": "2020"})
    try:
        assert started.wait(60)
        second = c.post("/run", data={"kind": "annual", "period": "2019"})
        assert second.status_code == 409 and "正在进行统计" in second.text
        up = c.post("/upload", files=[("files", ("新.xlsx", b"x", "application/octet-stream"))])
        assert up.status_code == 409 and not (tmp_path / "inputs" / "新.xlsx").exists()
        assert c.get("/run/status").json()["status"] == "running"
        assert c.get("/check").status_code == 200  # the last check is still shown
    finally:
        release.set()
        wait_for_run(ws)
    assert ws.run.status == "done" and ws.run.period_text == "2020"
    assert not (tmp_path / "outputs" / "2019年度").exists()


def test_templates_are_generated_into_outputs_and_downloadable(tmp_path):
    (tmp_path / "inputs").mkdir()
    ws = workspace(tmp_path / "inputs", tmp_path / "outputs")
    c = client(ws)
    doc = _doc(c.get("/templates"))
    names = sorted(a.text_content() for a in doc.xpath(DOWNLOADS))
    assert names == sorted(w.file for w in STD.template_workbooks)
    for a in doc.xpath(DOWNLOADS):
        got = c.get(a.get("href"))
        assert got.status_code == 200 and got.content[:2] == b"PK"
    book = openpyxl.load_workbook(tmp_path / "outputs" / "templates" / STD.workbook("round").file)
    assert STD.sheet("workload").name in book.sheetnames


def test_unknown_page_and_missing_download_are_chinese_404(tmp_path):
    (tmp_path / "inputs").mkdir()
    c = client(workspace(tmp_path / "inputs", tmp_path / "outputs"))
    assert c.get("/没有这页").status_code == 404 and "没有这个页面" in c.get("/没有这页").text
    response = c.get("/download/..%2F..%2Fetc%2Fpasswd")
    assert response.status_code == 404 and "找不到这个文件" in response.text
