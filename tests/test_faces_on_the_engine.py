"""Both faces are thin: each command and each workbench action calls the engine's API, with the
arguments the user gave, and shows what it returns (engine.md §2). The engine is replaced by
stubs that record their calls; nothing is read or written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline import engine
from pipeline.errors import InputErrors
from pipeline.launch import main
from pipeline.model import Dataset
from pipeline.periods import annual, monthly
from shipped import STD
from workbench_kit import workspace


class Recorder:
    """Stubs for the engine's functions: each call is kept as (name, args, kwargs)."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[str, tuple, dict]] = []
        self.monkeypatch = monkeypatch
        monkeypatch.setattr(engine, "standard", lambda schemas=None: STD)

    def stub(self, name: str, result=None, notify_lines: tuple[str, ...] = ()):
        def fake(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            for line in notify_lines:
                kwargs["notify"](line)
            return result(*args, **kwargs) if callable(result) else result

        self.monkeypatch.setattr(engine, name, fake)

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]


def empty_dataset(**kwargs) -> Dataset:
    return Dataset(tables={}, sources=[], findings=[], skipped=[], **kwargs)


@pytest.fixture
def rec(monkeypatch):
    return Recorder(monkeypatch)


def test_cli_annual_calls_run_period_and_prints_its_lines(rec, tmp_path, capsys):
    rec.stub("run_period", notify_lines=("统计完成（桩）",))
    code = main(["annual", "--year", "2020", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out"),
                 "--skip-invalid"])
    assert code == 0
    (name, args, kwargs), = rec.calls
    assert name == "run_period"
    assert args[:4] == (annual("2020"), tmp_path / "in", tmp_path / "out", STD)
    assert kwargs["skip_invalid"] is True
    assert capsys.readouterr().out == "统计完成（桩）\n"


def test_cli_monthly_and_export_and_rollup(rec, tmp_path):
    rec.stub("run_period")
    rec.stub("export_package")
    rec.stub("run_rollup", SimpleNamespace(failed=False))
    common = ["--inputs", str(tmp_path), "--outputs", str(tmp_path / "o")]
    assert main(["monthly", "--month", "2020-06", *common]) == 0
    assert main(["export", "--month", "2020-06", "--allow-unexplained", *common]) == 0
    assert main(["rollup", "--year", "2020", *common]) == 0
    assert rec.names() == ["run_period", "export_package", "run_rollup"]
    assert [c[1][0] for c in rec.calls] == [monthly("2020-06"), monthly("2020-06"), annual("2020")]
    assert rec.calls[1][2]["allow_unexplained"] is True


def test_cli_rollup_with_errors_is_exit_1(rec, tmp_path, capsys):
    rec.stub("run_rollup", SimpleNamespace(failed=True))
    assert main(["rollup", "--year", "2020", "--inputs", str(tmp_path)]) == 1
    assert engine.ROLLUP_ERRORS in capsys.readouterr().err


def test_cli_validate_checks_then_writes_the_report(rec, tmp_path, capsys):
    rec.stub("check_inputs", empty_dataset())
    rec.stub("write_check_report", tmp_path / "校验报告.xlsx")
    assert main(["validate", "--inputs", str(tmp_path)]) == 0
    assert rec.names() == ["check_inputs", "write_check_report"]
    out = capsys.readouterr().out
    assert out.startswith("读取工作簿 0 份；错误 0 处，警告 0 处") and "校验报告.xlsx" in out


def test_cli_template_and_sample(rec, tmp_path, capsys):
    rec.stub("write_templates", [tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    rec.stub("write_sample", [tmp_path / "x.xlsx"])
    assert main(["template", "--out", str(tmp_path)]) == 0
    assert main(["sample", "--out", str(tmp_path)]) == 0
    assert rec.names() == ["write_templates", "write_sample"]
    out = capsys.readouterr().out
    assert "已生成 2 份空白模板" in out and "已生成示例县填报数据 1 份" in out


def test_cli_speaks_the_engines_error(rec, tmp_path, capsys):
    def refuse(*args, **kwargs):
        raise InputErrors("填报工作簿有错误（桩）")

    rec.stub("run_period", refuse)
    assert main(["annual", "--year", "2020", "--inputs", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "错误：填报工作簿有错误（桩）\n"


def test_workbench_actions_call_the_engine(rec, tmp_path):
    (tmp_path / "in").mkdir()
    ws = workspace(tmp_path / "in", tmp_path / "out")
    ds = empty_dataset()
    rec.stub("input_paths", ([], []))
    rec.stub("check_inputs", ds)
    rec.stub("write_check_report", tmp_path / "out" / "校验报告.xlsx")
    rec.stub("write_templates", [tmp_path / "t.xlsx"])
    rec.stub("run_rollup", SimpleNamespace(failed=True))
    rec.stub("run_period", notify_lines=("完成（桩）",))

    assert ws.check() is ds
    assert ws.templates(regenerate=True) == [tmp_path / "t.xlsx"]
    ws.start_rollup("2020-06", tmp_path / "in")
    state = ws.start_run("annual", "2020")
    ws.wait(60)
    assert state.status == "done" and state.lines == ["完成（桩）"]
    assert [n for n in rec.names() if n != "input_paths"] == [
        "check_inputs", "write_check_report", "write_templates", "run_rollup", "run_period"]
    run = next(c for c in rec.calls if c[0] == "run_period")
    assert run[1] == (annual("2020"), tmp_path / "in", tmp_path / "out", STD)
    assert run[2]["cache"] is ws.cache  # the workbench's read cache, kept between runs
    rollup = next(c for c in rec.calls if c[0] == "run_rollup")
    assert rollup[1][0] == monthly("2020-06")


def test_workbench_export_calls_export_package(rec, tmp_path):
    (tmp_path / "in").mkdir()
    ws = workspace(tmp_path / "in", tmp_path / "out")
    rec.stub("export_package", SimpleNamespace(period_run="运行结果"))
    state = ws.start_run("export", "2020")
    ws.wait(60)
    assert state.status == "done" and state.result == "运行结果"
    assert rec.names() == ["export_package"] and rec.calls[0][1][0] == annual("2020")


def test_the_workbench_submissions_come_from_the_engine(rec, tmp_path):
    from pipeline.workbench import views

    rec.stub("submissions", None)
    got = views.submissions(empty_dataset(), STD, dt.date(2020, 6, 1))
    assert not got.planned and rec.names() == ["submissions"]
    assert Path(STD.workbook("registry").file).suffix == ".xlsx" and STD.workbook("registry").file in got.sheet


def test_cli_schema_calls_write_schema(rec, tmp_path, capsys):
    rec.stub("write_schema", [tmp_path / "problems.yaml", tmp_path / "clues.yaml"])
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert rec.calls == [("write_schema", (tmp_path, STD), {})]
    assert capsys.readouterr().out == f"已把 2 张工作表的校验规则写成 pandera YAML，位于：{tmp_path}\n"
