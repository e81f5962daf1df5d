"""How a small run starts and ends (issue 13, docs/performance.md): what each process imports,
that the charts drawn by the forked children are the same pictures, the per-user compiled
templates, the hash of the standard's definitions, and the exit at the end. No timing here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from county import county_dataset
from pipeline.engine.runner import can_fork
from pipeline.launch import main
from pipeline.periods import annual, monthly
from pipeline.render import summary
from pipeline.render.charts import CHARTS, chart_data, write_charts
from pipeline.standard import SCHEMA_DIR, load_standard
from pipeline.stats.aggregate import build_report
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2021, 1, 5)


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_the_command_starts_without_pandas():
    """The engine's start is imported before the charts child is forked: it must not pull pandas
    in, or the child could start only after pandas' import."""
    done = _python("import sys, pipeline.launch, pipeline.engine.start, pipeline.engine.charts; "
                   "print('pandas' in sys.modules)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("period", [annual("2020"), monthly("2020-06")], ids=["annual", "monthly"])
def test_the_charts_child_draws_the_same_pictures_without_pandas(tmp_path, period):
    """The chart data goes to the child pickled; the child (warmed up, then forking a helper
    for one chart) never imports pandas and draws byte for byte what this process draws."""
    data = chart_data(build_report(county_dataset(), STD, period, today=TODAY))
    here = write_charts(data, tmp_path / "here")
    (tmp_path / "data.pickle").write_bytes(pickle.dumps(data))
    code = ("import pickle, sys; from pathlib import Path; from pipeline.engine import start; start._warm_charts(); "
            "from pipeline.engine.charts import charts_in_two; "
            "data = pickle.loads(Path(sys.argv[1]).read_bytes()); "
            "paths = charts_in_two(data, Path(sys.argv[2])); "
            "print('pandas' in sys.modules, *[p.name for p in paths])")
    done = _python(code, str(tmp_path / "data.pickle"), str(tmp_path / "child"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", *CHARTS]  # in CHARTS order, whichever process drew it
    for path in here:
        assert (tmp_path / "child" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_a_forked_chart_is_written_by_another_process(tmp_path, monkeypatch):
    data = chart_data(build_report(county_dataset(), STD, annual("2020"), today=TODAY))
    monkeypatch.setenv("XUNCHA_TIMINGS", "1")
    code = ("import pickle, sys; from pathlib import Path; from pipeline.engine.charts import charts_in_two; "
            "charts_in_two(pickle.loads(Path(sys.argv[1]).read_bytes()), Path(sys.argv[2]))")
    (tmp_path / "data.pickle").write_bytes(pickle.dumps(data))
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data.pickle"), str(tmp_path / "c")],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    pids = {line.split("pid ")[1].split(",")[0] for line in done.stderr.splitlines() if "charts " in line}
    assert len(pids) == 2  # 月度趋势 in the forked helper, the other two in the caller


def test_an_edited_template_is_compiled_again(tmp_path):
    """The compiled templates are kept between runs; an edit must still show at once."""
    templates = tmp_path / "wording"
    shutil.copytree(summary.TEMPLATE_DIR, templates)
    (templates / "试.md.j2").write_text("第一版{{ n }}\n", encoding="utf-8")
    assert summary.render_text("试.md.j2", {"n": 1}, templates) == "第一版1\n"
    (templates / "试.md.j2").write_text("第二版{{ n }}\n", encoding="utf-8")
    assert summary.render_text("试.md.j2", {"n": 2}, templates) == "第二版2\n"


def test_without_a_usable_cache_folder_the_templates_still_render(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise RuntimeError("unsafe folder")

    monkeypatch.setattr(jinja2, "FileSystemBytecodeCache", refused)
    assert summary.environment().bytecode_cache is None
    paths, _ = summary.write_documents(build_report(county_dataset(), STD, annual("2020"), today=TODAY),
                                       tmp_path / "out")
    assert [p.suffix for p in paths] == [".docx", ".md"]


def test_the_standards_definitions_hash_once_and_stay_equal():
    """Sheets are cache keys of the reader: equal definitions hash equal, also after a trip
    through pickle (a worker process), and a changed definition is a different key."""
    sheet = STD.sheet("problems")
    again = load_standard(SCHEMA_DIR).sheet("problems")
    assert sheet == again and hash(sheet) == hash(again)
    travelled = pickle.loads(pickle.dumps(sheet))
    assert travelled == sheet and hash(travelled) == hash(sheet)
    assert "_hash" not in sheet.__getstate__()  # not carried to another process (computed again there)
    renamed = dataclasses.replace(sheet, name="发现问题（改）")
    assert renamed != sheet and {sheet: 1}.get(renamed) is None


def test_run_py_exits_with_the_code_and_every_line_flushed(valid_inputs, tmp_path, capsys):
    """``run.py`` leaves without the interpreter's teardown: its exit code and every line it
    prints must still arrive through a pipe, the same lines as ``main()`` prints in-process."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "坏.xlsx").write_bytes(b"not a workbook")
    for inputs, code in ((valid_inputs, 0), (bad, 1)):
        args = ["validate", "--inputs", str(inputs), "--outputs", str(tmp_path / "out")]
        done = subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
        assert done.returncode == code, done.stderr.decode("utf-8", "replace")
        assert main(args) == code
        printed = capsys.readouterr()
        assert done.stdout.decode("utf-8") == printed.out
        assert done.stderr.decode("utf-8") == printed.err
        assert ("坏.xlsx" in printed.out) == (code == 1)
