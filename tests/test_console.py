"""What a user meets at the console: a GBK console, a closed pipe, outputs inside inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT,
                          capture_output=True, env={**os.environ, **env}, timeout=120)


def test_a_gbk_console_gets_chinese_without_a_crash(valid_inputs, tmp_path):
    done = _run(["validate", "--inputs", str(valid_inputs), "--outputs", str(tmp_path / "out")],
                PYTHONIOENCODING="gbk")
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    assert "读取工作簿" in done.stdout.decode("gbk")
    assert b"Traceback" not in done.stderr


def test_a_closed_pipe_is_not_an_internal_error(valid_inputs, tmp_path):
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "validate", "--inputs",
                             str(valid_inputs), "--outputs", str(tmp_path / "out")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader (e.g. `| head`) goes away at once
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0
    assert "内部错误" not in err and "Traceback" not in err
    assert (tmp_path / "out" / "校验报告.xlsx").exists()


def test_an_outputs_folder_inside_inputs_is_not_read(valid_inputs):
    from pipeline.launch import main

    outputs = valid_inputs / "outputs"
    assert main(["validate", "--inputs", str(valid_inputs), "--outputs", str(outputs)]) == 0
    assert (outputs / "校验报告.xlsx").exists()
    # Second run: our own report lies inside --inputs now, and must not be taken for input.
    assert main(["validate", "--inputs", str(valid_inputs), "--outputs", str(outputs)]) == 0


def test_an_internal_error_is_one_short_message_and_a_log(monkeypatch, tmp_path, capsys):
    from pipeline import engine
    from pipeline.launch import main

    def broken(*args, **kwargs):
        raise RuntimeError("boom in the pipeline")

    monkeypatch.setattr(engine, "check_inputs", broken)
    code = main(["validate", "--inputs", str(tmp_path), "--outputs", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 4
    assert "程序内部错误" in err and "Traceback" not in err
    logs = list((tmp_path / "out").glob("错误日志-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "boom in the pipeline" in text
    assert str(logs[0]) in err
