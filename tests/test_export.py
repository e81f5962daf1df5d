"""``xuncha export``: the county's package (上报包, spec rollup.md) written after the period's run,
refused while a 警告 is unexplained or 县名 is missing, and the sample city (示例市) end to end."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

import wb
from county import CANARY, write_county
from pipeline.authoring.sample_city import CITY, COUNTIES, ROSTER_FILE, write_city_sample
from pipeline.launch import main
from pipeline.rollup.indicators import split_code
from pipeline.rollup.package import fingerprint
from pipeline.rollup.reader import read_package
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
ID_CANARY = "-CANARY-编号-91c4"
PACKAGE = "上报_青禾县_2020年度.xlsx"
EXPL = STD.sheet("explanations")


def _run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _lookup(metrics: dict, code: str):
    node = metrics
    for part in split_code(code):
        node = node[part]
    return node


@pytest.fixture(scope="module")
def qinghe(tmp_path_factory) -> dict:
    """青禾县 (tests/county.py, 县名 filled, no warning) exported for 2020, with the canary planted."""
    base = tmp_path_factory.mktemp("qinghe")
    inputs, out = base / "in", base / "out"
    paths = write_county(inputs, secret=CANARY, id_suffix=ID_CANARY)
    code = main(["export", "--year", "2020", "--inputs", str(inputs), "--outputs", str(out)])
    return {"code": code, "paths": paths, "folder": out / "2020年度"}


def test_export_writes_the_period_files_and_the_package(qinghe):
    assert qinghe["code"] == 0
    names = {p.name for p in qinghe["folder"].iterdir()}
    assert {PACKAGE, "metrics.json", "校验报告.xlsx", "巡察工作统计_2020年度.xlsx"} <= names


def test_every_indicator_reads_back_as_the_hand_worked_metrics(qinghe):
    package = read_package(qinghe["folder"] / PACKAGE, PACKAGE, STD)
    assert package.findings == []
    golden = json.loads((GOLDEN / "青禾县_2020年度.metrics.json").read_text(encoding="utf-8"))
    written = json.loads((qinghe["folder"] / "metrics.json").read_text(encoding="utf-8"))
    assert package.indicators  # every code: the golden file's value (worked out by hand) and the run's
    for code, value in package.indicators.items():
        assert value == _lookup(golden, code) == _lookup(written, code), code
    # a few by hand (tests/golden/README.md): 11 problems, 5 clues, 13 problems in the ledger, 7 rectified
    assert [package.indicators[c] for c in ("totals.problems", "totals.clues", "rectification.in_ledger",
                                            "rectification.rectified")] == [11, 5, 13, 7]
    assert len(package.rounds) == len(written["rounds"])


def test_package_information_names_the_county_and_the_workbooks_read(qinghe):
    info = read_package(qinghe["folder"] / PACKAGE, PACKAGE, STD).info
    shas = [hashlib.sha256(p.read_bytes()).hexdigest() for p in qinghe["paths"]]  # the 8 workbooks written
    assert (info["county"], info["compiler"], info["period"], info["period_kind"]) == (
        "青禾县", "中共青禾县委巡察工作领导小组办公室", "2020年度", "年度")
    assert (info["start"], info["end"], info["term"], info["unexplained"]) == (
        "2020-01-01", "2020-12-31", "十四届", "0")
    assert info["fingerprint"] == fingerprint(shas)


def test_the_canary_never_reaches_the_package(qinghe):
    with zipfile.ZipFile(qinghe["folder"] / PACKAGE) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            for needle in (CANARY.encode("utf-8"), ID_CANARY.encode("utf-8"), b"CANARY-"):
                assert needle not in data, name


# ---------------------------------------------------------------- refusals

def _planted(folder: Path, **basic) -> None:
    """wb's valid county (示范县) with two warnings: a problem found before the round, a clue naming nobody."""
    spec = wb.county_spec()
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # date-outside-round, 发现问题 row 2
    spec["round"]["clues"][0].update(cadres=0, others=0)  # clue-no-people, 问题线索 row 2
    spec["registry"].update(basic)
    wb.write_county(folder, spec)


def _explain(report: Path, target: Path, code: str, text: str) -> None:
    """Copy the check report into the inputs with one warning's 核实说明 filled, as a user would."""
    book = openpyxl.load_workbook(report)
    ws = book[EXPL.name]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, header.index(EXPL.header("code")) + 1).value == code:
            ws.cell(r, header.index(EXPL.header("text")) + 1, text)
    book.save(target)


def test_no_package_while_a_warning_is_unexplained(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _planted(inputs)
    code, text = _run(capsys, "export", "--year", "2020", "--inputs", inputs, "--outputs", out)
    assert code == 1
    folder = out / "2020年度"
    assert not list(folder.glob("上报_*.xlsx"))
    assert {"metrics.json", "校验报告.xlsx", "巡察工作统计_2020年度.xlsx"} <= {p.name for p in folder.iterdir()}
    assert "以下 2 处核实性问题（警告）未说明：" in text
    assert "（问题代码 date-outside-round）" in text and "（问题代码 clue-no-people）" in text
    assert "未生成上报包。还有 2 处核实性问题（警告）未说明" in text and "--allow-unexplained" in text


def test_allow_unexplained_writes_the_count_and_the_explained_ones(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _planted(inputs)
    _run(capsys, "validate", "--inputs", inputs, "--outputs", out)
    reason = "发现日期系补录巡察前的信访件，经核实属实"
    _explain(out / "校验报告.xlsx", inputs / "核实说明.xlsx", "date-outside-round", reason)
    code, text = _run(capsys, "export", "--year", "2020", "--inputs", inputs, "--outputs", out,
                      "--allow-unexplained")
    assert code == 0
    path = out / "2020年度" / "上报_示范县_2020年度.xlsx"
    assert f"已导出上报包：{path}" in text
    package = read_package(path, path.name, STD)
    assert package.info["unexplained"] == "1"  # clue-no-people still unexplained
    rows = list(openpyxl.load_workbook(path)["核实说明"].iter_rows(values_only=True))
    assert rows == [("文件", "工作表", "行", "列", "问题代码", "核实说明"),
                    (STD.workbook("round").file, "发现问题", 2, STD.sheet("problems").header("found"),
                     "date-outside-round", reason)]


def test_no_package_without_the_county_name(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    spec = wb.county_spec()
    spec["registry"]["basic_info"] = [{"item": "编制单位", "content": "中共示范县委巡察办"}]
    wb.write_county(inputs, spec)
    code, text = _run(capsys, "export", "--year", "2020", "--inputs", inputs, "--outputs", out)
    assert code == 1
    assert (out / "2020年度" / "metrics.json").is_file()
    assert not list((out / "2020年度").glob("上报_*.xlsx"))
    assert "（问题代码 county-name-missing）" in text
    assert "请在“基本情况”表的“项目”列填“县名”、“内容”列填本县名称，然后重新导出。" in text


def test_export_takes_a_month_too(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_county(inputs)
    code, _ = _run(capsys, "export", "--month", "2020-06", "--inputs", inputs, "--outputs", out)
    assert code == 0
    package = read_package(out / "2020年06月" / "上报_青禾县_2020年06月.xlsx", "p", STD)
    golden = json.loads((GOLDEN / "青禾县_2020年06月.metrics.json").read_text(encoding="utf-8"))
    assert package.info["period_kind"] == "月度"
    for code_, value in package.indicators.items():  # year_to_date.* included
        assert value == _lookup(golden, code_), code_


# ---------------------------------------------------------------- the sample city (示例市)

def test_the_committed_sample_city_is_the_generated_one(tmp_path):
    """示例市/ must be regenerated (python run.py sample --city --out 示例市) when the generator changes."""
    write_city_sample(tmp_path, STD)
    committed = ROOT / CITY
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx"))
    assert sorted(p.relative_to(committed) for p in committed.rglob("*.xlsx")) == files
    assert {f.parts[0] for f in files} == {ROSTER_FILE, *COUNTIES}
    for rel in files:
        assert (committed / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


@pytest.fixture(scope="module")
def sample_city(tmp_path_factory) -> dict:
    """The README's walk-through: each county of 示例市 exports 2020, the city rolls the
    packages up (the counties' whole outputs and the roster in one folder), twice."""
    out = tmp_path_factory.mktemp("city") / "示例市输出"
    codes = [main(["export", "--year", "2020", "--inputs", str(ROOT / CITY / c), "--outputs", str(out / c)])
             for c in COUNTIES]
    shutil.copy2(ROOT / CITY / ROSTER_FILE, out / ROSTER_FILE)
    rollup = ["rollup", "--year", "2020", "--inputs", str(out), "--outputs", str(out)]
    codes += [main(rollup), main(rollup)]  # the second run must not read the first one's outputs
    return {"codes": codes, "out": out, "rollup": out / "汇总_2020年度"}


def test_sample_city_exports_and_rolls_up(sample_city):
    assert sample_city["codes"] == [0, 0, 0, 0, 0]
    rollup = json.loads((sample_city["rollup"] / "metrics.json").read_text(encoding="utf-8"))
    assert [c["county"] for c in rollup["counties"]] == sorted(COUNTIES)
    assert [c["file"] for c in rollup["counties"]] == [f"{c}/2020年度/上报_{c}_2020年度.xlsx" for c in sorted(COUNTIES)]
    assert rollup["missing_counties"] == []


def test_sample_city_totals_are_the_sums_of_the_counties(sample_city):
    rollup = json.loads((sample_city["rollup"] / "metrics.json").read_text(encoding="utf-8"))
    counties = [json.loads((sample_city["out"] / c / "2020年度" / "metrics.json").read_text(encoding="utf-8"))
                for c in COUNTIES]
    assert rollup["totals"] == {k: sum(m["totals"][k] for m in counties) for k in counties[0]["totals"]}
    for fam in ("county", "village"):
        for measure in ("total", "inspected"):
            assert rollup["coverage"][fam][measure] == sum(m["coverage"][fam][measure] for m in counties)
    for state in ("in_ledger", "rectified", "overdue", "due_10", "due_20", "on_track", "no_deadline",
                  "rectified_late", "without_evidence", "returns_received", "returns_missing"):
        assert rollup["rectification"][state] == sum(m["rectification"][state] for m in counties)


def test_sample_city_packages_carry_the_explained_warning_only(sample_city):
    dongxi = sample_city["out"] / "东溪县" / "2020年度" / "上报_东溪县_2020年度.xlsx"
    package = read_package(dongxi, dongxi.name, STD)
    assert package.info["unexplained"] == "0"
    assert [(e["code"], e["sheet"], e["row"]) for e in package.explanations] == [("clue-no-people", "问题线索", "2")]


def test_the_roll_up_reads_no_county_output_nor_its_own(sample_city):
    book = openpyxl.load_workbook(sample_city["rollup"] / "校验报告.xlsx")
    text = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert "汇总_2020年度" in text  # skipped as our own outputs folder, not read
    assert not [t for t in text if t.startswith("package-")]


# ---------------------------------------------------------------- the workbench's 上报包 run

def test_the_workbench_exports_through_the_same_function(tmp_path):
    from workbench_kit import client, wait_for_run, workspace

    inputs = tmp_path / "in"
    write_county(inputs)
    ws = workspace(inputs, tmp_path / "out")
    page = client(ws).get("/run").text
    assert '<option value="export">上报包</option>' in page
    response = client(ws, follow_redirects=False).post("/run", data={"kind": "export", "period": "2020"})
    assert response.status_code == 303
    wait_for_run(ws)
    assert ws.run.status == "done", ws.run.message
    path = tmp_path / "out" / "2020年度" / PACKAGE
    assert f"已导出上报包：{path}" in ws.run.lines
    assert read_package(path, PACKAGE, STD).indicators["totals.problems"] == 11  # golden: 11 problems
