"""CI smoke run of the benchmark (bench/bench.py): it keeps working. Not a timed test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| 20 \| [\d.]+ \| [\d.]+\*? \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \| \d+ \|$", re.MULTILINE)


def test_bench_prints_a_table_row(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench.bench", "--sizes", "20", "--repeat", "1",
                           "--work", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "| workbooks | (a) floor s |" in proc.stdout
    assert ROW.search(proc.stdout), proc.stdout
    assert (tmp_path / "n20.complete").is_file()  # generated once, checked clean
    assert len(list((tmp_path / "n20").glob("*.xlsx"))) == 21  # 20 rounds + the registry


def test_bench_validate_only_prints_its_table(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench.bench", "--validate-only", "--sizes", "20", "--repeat", "1",
                           "--work", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^\| floor \| [\d.]+ \| 1\.00 \| [\d.]+ \|$", proc.stdout, re.MULTILINE), proc.stdout
    assert re.search(r"^\| validate \(new\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \|$", proc.stdout, re.MULTILINE), proc.stdout
    assert "peak memory of validate (new): RSS" in proc.stdout
