"""The workbench in a real browser (selenium + Debian's chromium and chromedriver), over the real server.

The server runs in a child process on a free port with a temporary copy of the sample county. The
tests run in file order and share one browser: log in with the printed address, explain the sample's
one unexplained warning and see it counted, run annual 2020 and download the workbook, upload a bad
workbook and find its finding, roll up two county packages on the 汇总 page, the guards, keyboard
labels, print CSS, and no page wider than a 1093 px window (1366x768 at 125%).

Screenshots of every page go to a temporary folder; with XUNCHA_WORKBENCH_SCREENSHOTS=1 they are
also saved as docs/workbench/<page>.png (how the README's pictures are made; the tests never change
the checkout otherwise).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

import city
import wb
from shipped import STD
from workbench_kit import ROOT, Server

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
WIDTH, HEIGHT = 1093, 800
DOCS = ROOT / "docs" / "workbench"
RND = STD.workbook("round").file

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e \".[test]\")")
if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip("chromium or chromedriver missing (Debian: apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    shutil.copytree(ROOT / "inputs", base / "inputs")
    for name in ("downloads", "shots", "profile"):
        (base / name).mkdir()
    return base


@pytest.fixture(scope="module")
def server(folders):
    s = Server(folders / "inputs", folders / "outputs")
    s.wait_port()
    yield s
    code, _, err = s.stop()
    assert code in (0, 130) and "Traceback" not in err


def _driver(folders: Path, profile: str):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                f"--user-data-dir={folders / 'profile' / profile}", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(folders / "downloads"),
                                              "download.prompt_for_download": False,
                                              "intl.accept_languages": "zh-CN"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(WIDTH, HEIGHT)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                        "downloadPath": str(folders / "downloads")})
    return driver


@pytest.fixture(scope="module")
def browser(folders):
    driver = _driver(folders, "main")
    yield driver
    driver.quit()


def _wait(driver, seconds: float, condition, message: str):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.25).until(condition)
    except TimeoutException:
        raise AssertionError(f"{message}; page: {driver.current_url}\n{driver.page_source[:3000]}") from None


def _no_sideways_scroll(driver) -> None:
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{driver.current_url} is {width} px wide"


def _shot(driver, folders: Path, page: str) -> Path:
    """A screenshot of the whole page, 1093 px wide (Chrome's DevTools protocol, beyond the window)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": WIDTH, "height": min(size["height"], 5000), "scale": 1}})
    target = folders / "shots" / f"{page}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    if os.environ.get("XUNCHA_WORKBENCH_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / target.name)
    return target


def _csp_violations(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_the_printed_address_logs_in_and_drops_the_token(browser, server, folders):
    browser.get(server.url)
    assert browser.current_url == f"{server.base}/"
    assert "token" not in browser.current_url
    cards = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.cards li")]
    # the sample: 1 registry, 23 rounds, 1 office, 1 explanations workbook (inputs/核实说明), 5 returned
    # 整改进展表 (inputs/整改进展)
    assert cards[0].startswith("31 份工作簿") and cards[2] == "0 处错误"
    _no_sideways_scroll(browser)
    _shot(browser, folders, "overview")
    assert _csp_violations(browser) == []  # the page's own CSS and JS pass the policy


def _split(driver) -> str:
    return driver.find_element(By.ID, "warning-split").text


def test_explain_a_warning_and_see_it_counted(browser, server, folders):
    """The sample has 8 warnings, 7 explained in inputs/核实说明: explaining the last makes 未说明 0."""
    browser.get(f"{server.base}/")
    assert _split(browser) == "已说明 7 处，未说明 1 处"
    browser.get(f"{server.base}/check")
    rows = browser.find_elements(By.CSS_SELECTOR, "table#findings tr[data-status='未说明']")
    assert len(rows) == 1
    code, anchor = rows[0].get_attribute("data-code"), rows[0].get_attribute("id")
    rows[0].find_element(By.CSS_SELECTOR, "form.explain textarea[name=text]").send_keys(
        "该线索为群众反映的单位层面问题，尚未指向具体人员，经与巡察组核实，人数暂填0")
    rows[0].find_element(By.CSS_SELECTOR, "form.explain input[name=by]").send_keys("王五")
    _no_sideways_scroll(browser)
    _shot(browser, folders, "explain")
    rows[0].find_element(By.CSS_SELECTOR, "form.explain button[type=submit]").click()
    row = _wait(browser, 60, lambda d: d.find_elements(By.CSS_SELECTOR, f"tr#{anchor}[data-status='已说明']"),
                "the warning was not shown as explained")[0]
    assert row.get_attribute("data-code") == code and "人数暂填0" in row.find_element(By.CLASS_NAME, "explained").text
    assert (folders / "inputs" / "核实说明（工作台）.xlsx").is_file()
    browser.get(f"{server.base}/")
    assert _split(browser) == "已说明 8 处，未说明 0 处"
    assert _csp_violations(browser) == []


def test_run_annual_2020_and_download_the_workbook(browser, server, folders):
    browser.get(f"{server.base}/run")
    browser.find_element(By.CSS_SELECTOR, "#run-form select[name=kind] option[value=annual]").click()
    field = browser.find_element(By.CSS_SELECTOR, "#run-form input[name=period]")
    field.clear()
    field.send_keys("2020")
    browser.find_element(By.CSS_SELECTOR, "#run-form button[type=submit]").click()
    _wait(browser, 10, lambda d: d.find_elements(By.ID, "progress"), "no progress line")
    _wait(browser, 300, lambda d: d.find_elements(By.ID, "results"), "the results never appeared")
    assert "统计完成" in browser.find_element(By.ID, "progress").text
    rows = {r.find_element(By.TAG_NAME, "th").text: r.find_elements(By.TAG_NAME, "td")[0].text
            for r in browser.find_elements(By.CSS_SELECTOR, "#overview tbody tr")}
    metrics = json.loads((folders / "outputs" / "2020年度" / "metrics.json").read_text(encoding="utf-8"))
    assert rows["发现问题（个）"] == str(metrics["totals"]["problems"])  # the page shows the files' figures
    images = browser.find_elements(By.CSS_SELECTOR, ".charts img")
    assert len(images) == 3 and all(browser.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images)
    _no_sideways_scroll(browser)
    _shot(browser, folders, "run")
    name = "巡察工作统计_2020年度.xlsx"
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "a.download") if a.text == name)
    link.click()
    target = folders / "downloads" / name
    _wait(browser, 60, lambda d: target.is_file() and not list(target.parent.glob("*.crdownload")),
          "the workbook was not downloaded")
    assert target.read_bytes() == (folders / "outputs" / "2020年度" / name).read_bytes()
    assert "总体情况" in openpyxl.load_workbook(target, read_only=True).sheetnames
    assert _csp_violations(browser) == []


def test_run_a_quarter_with_the_kind_select(browser, server, folders):
    """periods.md §1: the 统计 page offers each kind; the period box shows the kind's example, the
    截至日期 box only for a term; a quarter runs and its 总体情况 has the 同比 and 环比 columns."""
    browser.get(f"{server.base}/run")
    field = browser.find_element(By.CSS_SELECTOR, "#run-form input[name=period]")
    as_of = browser.find_element(By.CSS_SELECTOR, "#run-form .as-of")
    options = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#run-form select option")]
    assert options == ["annual", "monthly", "quarterly", "half-year", "term", "range", "export"]
    browser.find_element(By.CSS_SELECTOR, "#run-form select option[value=term]").click()
    assert as_of.is_displayed() and field.get_attribute("placeholder") == "如 十四届"
    browser.find_element(By.CSS_SELECTOR, "#run-form select option[value=quarterly]").click()
    assert not as_of.is_displayed() and field.get_attribute("placeholder") == "如 2020Q2 或 2020年第二季度"
    field.clear()
    field.send_keys("2020Q2")
    browser.find_element(By.CSS_SELECTOR, "#run-form button[type=submit]").click()
    # the annual results of the test before are on the page until the quarter's replace them
    shown = "var h = document.getElementById('h-results'); return h ? h.textContent : '';"  # atomic: no stale element
    _wait(browser, 300, lambda d: d.execute_script(shown) == "2020年第二季度统计结果",
          "the quarter's results never appeared")
    headers = [th.text.replace("\n", "") for th in browser.find_elements(By.CSS_SELECTOR, "#overview thead th")]
    assert any(h.startswith("上季度（2020年第一季度）") for h in headers) and "环比增减" in headers
    metrics = json.loads((folders / "outputs" / "2020年第二季度" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["period"]["kind"] == "quarterly" and metrics["preceding"] is not None
    rows = {r.find_element(By.TAG_NAME, "th").text: r.find_elements(By.TAG_NAME, "td")[0].text
            for r in browser.find_elements(By.CSS_SELECTOR, "#overview tbody tr")}
    assert rows["发现问题（个）"] == str(metrics["totals"]["problems"])
    _no_sideways_scroll(browser)
    assert _csp_violations(browser) == []


def test_generate_the_rectification_forms_and_download_them(browser, server, folders):
    """模板 page: 生成整改进展表 for one organisation, then for all; one zip, and each file (rectification.md §5)."""
    browser.get(f"{server.base}/templates")
    org = "中共示例县委党校"  # still owes its return in the sample (README)
    browser.find_element(By.CSS_SELECTOR, f"#forms-form select[name=org] option[value='{org}']").click()
    browser.find_element(By.CSS_SELECTOR, "#forms-form button[type=submit]").click()
    links = _wait(browser, 120, lambda d: d.find_elements(By.CSS_SELECTOR, "#forms-files a.download"),
                  "the forms were not listed")
    assert [a.text for a in links] == [f"整改进展_{org}_十四届第6轮.xlsx", f"巡察反馈问题清单_{org}_十四届第6轮.docx"]
    browser.find_element(By.ID, "forms-zip").click()
    target = folders / "downloads" / "整改进展表（本次生成）.zip"
    _wait(browser, 60, lambda d: target.is_file() and not list(target.parent.glob("*.crdownload")),
          "the zip was not downloaded")
    assert sorted(zipfile.ZipFile(target).namelist()) == sorted(a.text for a in links)
    target.unlink()
    _no_sideways_scroll(browser)
    _shot(browser, folders, "rectification-forms")
    assert _csp_violations(browser) == []


def test_print_hides_the_menu_and_forms(browser, server):
    browser.get(f"{server.base}/run")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script("return ['header.top', '#run-form', '#results']"
                                       ".map(s => getComputedStyle(document.querySelector(s)).display)")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown[:2] == ["none", "none"] and shown[2] != "none"


def test_upload_a_bad_workbook_and_see_its_finding(browser, server, folders):
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "12人"  # 工作量 row 2
    bad = wb.round_wb(folders / "有错误的填报表.xlsx", workload=spec["round"]["workload"])
    browser.get(f"{server.base}/upload")
    _shot(browser, folders, "upload")
    browser.find_element(By.CSS_SELECTOR, "#upload-form input[type=file][name=files]").send_keys(str(bad))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
    saved = _wait(browser, 120, lambda d: d.find_elements(By.CSS_SELECTOR, "ul.uploads li.saved"), "not saved")
    assert saved[0].text == "已保存：有错误的填报表.xlsx"
    assert (folders / "inputs" / "有错误的填报表.xlsx").read_bytes() == bad.read_bytes()
    _shot(browser, folders, "upload-done")
    browser.find_element(By.LINK_TEXT, "查看全部问题 →").click()
    rows = browser.find_elements(By.CSS_SELECTOR,
                                 "table#findings tr[data-file='有错误的填报表.xlsx'][data-level='错误']")
    talks = STD.sheet("workload").header("talks")
    assert ("count-invalid", "2", talks) in [(r.get_attribute("data-code"), r.get_attribute("data-row"),
                                             r.get_attribute("data-column")) for r in rows]
    _no_sideways_scroll(browser)
    _shot(browser, folders, "check")
    # the filters work with the keyboard alone: choose the level, then Enter on the button
    level = browser.find_element(By.ID, "level")
    level.find_element(By.CSS_SELECTOR, "option[value='警告']").click()
    browser.find_element(By.CSS_SELECTOR, "#filter-form button").send_keys("\n")
    _wait(browser, 10, lambda d: "level=" in d.current_url, "the filter did not apply")
    assert not browser.find_elements(By.CSS_SELECTOR, "table#findings tr[data-level='错误']")


def test_templates_page(browser, server, folders):
    browser.get(f"{server.base}/templates")
    names = sorted(a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.big a.download"))  # the blank ones
    assert names == sorted(w.file for w in STD.template_workbooks)
    _no_sideways_scroll(browser)
    _shot(browser, folders, "templates")


def test_roll_up_two_county_packages(browser, server, folders):
    packages = folders / "packages"
    city.write(packages, "甲县", city.JIA)
    city.write(packages, "乙县", city.YI)
    browser.get(f"{server.base}/rollup")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("汇总")
    folder = browser.find_element(By.CSS_SELECTOR, "#rollup-form input[name=folder]")
    folder.send_keys(str(packages))
    period = browser.find_element(By.CSS_SELECTOR, "#rollup-form input[name=period]")
    period.clear()
    period.send_keys("2020")
    browser.find_element(By.CSS_SELECTOR, "#rollup-form button[type=submit]").click()
    _wait(browser, 120, lambda d: d.find_elements(By.ID, "rollup-overview"), "the roll-up never appeared")
    listed = [r.find_elements(By.TAG_NAME, "td")[1].text for r in browser.find_elements(By.CSS_SELECTOR,
                                                                                       "#packages tbody tr")]
    assert listed == ["乙县", "甲县"]
    rows = {r.find_element(By.TAG_NAME, "th").text: r.find_elements(By.TAG_NAME, "td")[0].text
            for r in browser.find_elements(By.CSS_SELECTOR, "#rollup-overview tbody tr")}
    assert rows["发现问题（个）"] == "50"  # 30 + 20 (tests/city.py)
    names = sorted(a.text for a in browser.find_elements(By.CSS_SELECTOR, "#rollup-result a.download"))
    assert names == sorted(["巡察工作汇总_2020年度.xlsx", "metrics.json", "校验报告.xlsx"])
    _no_sideways_scroll(browser)
    _shot(browser, folders, "rollup")
    assert _csp_violations(browser) == []


def test_every_control_has_a_label_and_a_visible_focus(browser, server):
    for path in ("/upload", "/check", "/run", "/rollup"):
        browser.get(server.base + path)
        unlabelled = browser.execute_script(
            "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
            ".filter(e => e.labels.length === 0).map(e => e.name)")
        assert unlabelled == [], (path, unlabelled)
    browser.find_element(By.TAG_NAME, "body").send_keys("\t")  # the first Tab: the skip link appears
    focused = browser.switch_to.active_element
    assert focused.text == "跳到正文"
    assert browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused) != "none"


def test_guards_in_a_browser_without_the_token(server, folders):
    driver = _driver(folders, "stranger")
    try:
        driver.get(f"{server.base}/")
        assert "请使用启动时显示的网址" in driver.find_element(By.TAG_NAME, "h1").text
        _shot(driver, folders, "forbidden")
        driver.get(f"http://localhost:{server.port}/?token=wrong")
        assert "请使用启动时显示的网址" in driver.page_source
        driver.get(f"http://localhost:{server.port}/?token={server.token}")  # localhost works too
        assert driver.current_url == f"http://localhost:{server.port}/"
        assert driver.find_element(By.TAG_NAME, "h1").text == "概况"
        assert driver.get_cookies()[0]["httpOnly"] is True
        assert driver.execute_script("return document.cookie") == ""  # HttpOnly: no script can read it
        driver.get(f"{server.base}/download/%2e%2e/%2e%2e/etc/passwd")
        assert "root:" not in driver.page_source
    finally:
        driver.quit()


def test_wait_for_the_run_status_settles(server):
    """The status endpoint after the run (a last look: nothing still running when the module ends)."""
    import http.client

    deadline = time.monotonic() + 30
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/run/status?token={server.token}")
    assert conn.getresponse().status == 303  # the token redirect; the guards hold for JSON too
    conn.close()
    assert time.monotonic() < deadline
