"""Writing outputs: every system error is exit 3 with a Chinese reason; Ctrl+C is exit 130, no half file."""

from __future__ import annotations

import errno
import os
import pathlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import INTERRUPTED
from pipeline.engine import runner
from pipeline.engine.runner import Background, can_fork, waiting
from pipeline.errors import EXIT_INTERRUPTED, EXIT_WRITE_FAILED
from pipeline.launch import main
from pipeline.output import atomic_path
from pipeline.render import workbook as rw

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}


def _annual(inputs: Path, outputs: Path) -> list[str]:
    return ["annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(outputs)]


# ------------------------------------------------------------ system errors while writing

def test_outputs_under_a_regular_file_exit_3(valid_inputs, tmp_path):
    blocker = tmp_path / "结果"
    blocker.write_text("这是一个文件，不是文件夹")
    done = subprocess.run([sys.executable, "run.py", *_annual(valid_inputs, blocker / "out")],
                          check=False, capture_output=True, cwd=ROOT, env=ENV, timeout=300)
    err = done.stderr.decode("utf-8")
    assert done.returncode == EXIT_WRITE_FAILED, err
    assert err == (f"错误：无法创建输出文件夹“{blocker / 'out' / '2020年度'}”：路径中有同名的文件（不是文件夹）。"
                   "请删除或改名该文件，或用 --outputs 指定其他文件夹。\n")


def test_a_full_disk_exit_3(valid_inputs, tmp_path, monkeypatch, capsys):
    real = pathlib.Path.write_bytes

    def full_disk(self, data):
        if self.name.startswith(".~tmp-"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_disk)
    out = tmp_path / "out"
    assert main(_annual(valid_inputs, out)) == EXIT_WRITE_FAILED
    err = capsys.readouterr().err
    # the check report (xlsxwriter) is written first; metrics.json is the first file written with write_bytes
    assert err == (f"错误：无法写入文件“{out / '2020年度' / 'metrics.json'}”：磁盘已满。"
                   "请清理磁盘空间后重新运行，或用 --outputs 指定其他磁盘上的文件夹。\n")
    assert not list(out.rglob(".~tmp-*"))
    assert not (out / "2020年度" / "metrics.json").exists()


# ------------------------------------------------------------------------- Ctrl+C

@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=pytest.mark.skipif(
    not can_fork(), reason="fork needs Linux and two cores"))])
def test_ctrl_c_while_writing_exit_130_and_no_temporary_file(valid_inputs, tmp_path, monkeypatch, capsys, parallel):
    out = tmp_path / "out"
    seen = []

    def interrupted(*args):
        seen.extend(p.name for p in out.glob(".~new-2020年度-*/.~tmp-*"))  # the workbook's, in the staging folder
        raise KeyboardInterrupt

    monkeypatch.setattr(rw, "_write_table", interrupted)
    if parallel:  # the leadership workbook is then written by a forked child
        monkeypatch.setattr(runner, "PARALLEL_RENDER_FILES", 0)
    assert main(_annual(valid_inputs, out)) == EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert err == INTERRUPTED + "\n"
    assert parallel or len(seen) == 1  # (a child's list is its own)
    assert not list(out.rglob(".~*"))  # neither temporary files nor the staging folder
    assert not (out / "2020年度").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_sigint_to_a_real_annual_run(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "run.py", *_annual(ROOT / "inputs", out)], cwd=ROOT,
                            env={**ENV, "XUNCHA_TIMINGS": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    for line in proc.stderr:  # the inputs are read; the figures and files are being made
        lines.append(line.decode("utf-8"))
        if "load_dataset" in lines[-1]:
            break
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=120)
    lines += rest.decode("utf-8").splitlines(keepends=True)
    assert proc.returncode == EXIT_INTERRUPTED, "".join(lines)
    assert [line for line in lines if not line.startswith("[timing]")] == [INTERRUPTED + "\n"]
    assert not list(out.rglob(".~*"))  # neither temporary files nor the staging folder
    assert not (out / "2020年度").exists()


def _slow_write(target: Path) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        time.sleep(60)


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_ctrl_c_in_the_parent_stops_a_writing_child_and_its_temporary_file_goes(tmp_path):
    job = Background(_slow_write, tmp_path / "a.bin")
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".~tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(tmp_path.glob(".~tmp-*"))  # the child is writing
    with pytest.raises(KeyboardInterrupt), waiting(job):
        raise KeyboardInterrupt
    assert job.proc.exitcode is not None  # stopped and waited for, well before its 60 s
    assert list(tmp_path.iterdir()) == []
