"""One engine: the workbench's run and the command line write the same statistics for the same inputs."""

from __future__ import annotations

import json
import shutil

from pipeline.launch import main
from workbench_kit import ROOT, client, wait_for_run, workspace


def _files(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_annual_2020_of_the_sample_through_the_workbench_equals_the_command(tmp_path, capsys):
    inputs = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs", inputs)
    ws = workspace(inputs, tmp_path / "workbench")
    response = client(ws, follow_redirects=False).post("/run", data={"kind": "annual", "period": "2020"})
    assert response.status_code == 303
    wait_for_run(ws)
    assert ws.run.status == "done", ws.run.message
    assert main(["annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out
    # the same messages as the command printed, collected for the page
    assert ws.run.lines == [line.replace(str(tmp_path / "cli"), str(tmp_path / "workbench"))
                            for line in out.splitlines()]
    ours, theirs = tmp_path / "workbench" / "2020年度", tmp_path / "cli" / "2020年度"
    assert _files(ours) == _files(theirs)
    m_ours, m_theirs = (json.loads((d / "metrics.json").read_text(encoding="utf-8")) for d in (ours, theirs))
    if m_ours.get("compiled_on") != m_theirs.get("compiled_on"):  # the two runs straddled midnight
        m_ours.pop("compiled_on"), m_theirs.pop("compiled_on")
    assert m_ours == m_theirs
    assert m_ours["totals"]["problems"] > 0  # a real run, not two empty ones
