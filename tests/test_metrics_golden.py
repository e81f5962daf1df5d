"""metrics.json of the hand-made county (tests/county.py) compared whole with the golden
files in tests/golden/, which pin the metrics schema. Every value in them was worked out
by hand from the fixture rows (tests/golden/README.md says how, block by block).

Each test runs on the typed frames built directly and on the county written as workbooks
and read back by ``load_dataset``; metrics.json is written by the real writer
(``pipeline.render.metrics.write_metrics``) and read back from disk.

One value is normalised before comparing: each source's ``sha256``, which for workbooks
depends on the bytes openpyxl wrote. It is first checked against the hash computed here
(of the file, or for the frames of the path as ``county.py`` does) and only then replaced
by ``<sha256>``; a wrong hash stays and shows in the diff. ``compiled_on`` needs no
normalising: the report is built with a fixed ``today``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from county import county_dataset, write_county
from pipeline.periods import annual, monthly
from pipeline.render.metrics import METRICS_NAME, write_metrics
from pipeline.stats.aggregate import build_report
from shipped import STD

TODAY = dt.date(2021, 1, 5)
GOLDEN = Path(__file__).resolve().parent / "golden"
SHA_PLACEHOLDER = "<sha256>"
PERIODS = {"青禾县_2020年度": annual("2020"), "青禾县_2020年06月": monthly("2020-06")}


def _reader_order(path: str) -> list[str]:
    """Sort key of the reader (pipeline/read/discover.py): folders walked in name order."""
    return path.split("/")


@pytest.fixture(scope="module", params=["frames", "workbooks"])
def county(request, tmp_path_factory):
    """(dataset, expected sha256 of each source file) for the county."""
    if request.param == "frames":
        ds = county_dataset()
        # county_dataset lists the registry first; the reader lists files in path order,
        # which is what a real metrics.json shows.
        ds.sources = sorted(ds.sources, key=lambda s: _reader_order(s.path))
        return ds, {s.path: hashlib.sha256(s.path.encode()).hexdigest() for s in ds.sources}
    from pipeline.engine import load_dataset

    folder = tmp_path_factory.mktemp("county")
    paths = write_county(folder)
    ds = load_dataset(folder, STD)
    assert ds.errors == [], [f.message for f in ds.errors]
    return ds, {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in paths}


def normalised(metrics: dict, expected_sha: dict[str, str]) -> dict:
    """``metrics`` with each source's sha256 replaced by a placeholder when it is right."""
    out = dict(metrics)
    out["sources"] = [{**s, "sha256": SHA_PLACEHOLDER}
                      if expected_sha.get(s.get("file")) == s.get("sha256") else s
                      for s in metrics.get("sources", [])]
    return out


def json_diff(golden, actual, path: str = "$") -> list[str]:
    """Readable differences between two JSON values, one line per differing JSON path."""
    if isinstance(golden, dict) and isinstance(actual, dict):
        lines = [f"{path}.{k}: missing (golden {golden[k]!r})" for k in golden if k not in actual]
        lines += [f"{path}.{k}: not in golden (got {actual[k]!r})" for k in actual if k not in golden]
        for k in golden:
            if k in actual:
                lines += json_diff(golden[k], actual[k], f"{path}.{k}")
        return lines
    if isinstance(golden, list) and isinstance(actual, list):
        lines = [] if len(golden) == len(actual) else \
            [f"{path}: {len(actual)} items, golden {len(golden)}"]
        for i, (g, a) in enumerate(zip(golden, actual)):
            lines += json_diff(g, a, f"{path}[{i}]")
        return lines
    # type() too: in JSON 1 and 1.0 or 1 and true are different values
    if golden != actual or type(golden) is not type(actual):
        return [f"{path}: got {actual!r}, golden {golden!r}"]
    return []


@pytest.mark.parametrize("name", list(PERIODS))
def test_metrics_json_matches_golden(county, name, tmp_path):
    ds, expected_sha = county
    report = build_report(ds, STD, PERIODS[name], today=TODAY)
    written = write_metrics(report, tmp_path)
    assert written == tmp_path / METRICS_NAME
    actual = normalised(json.loads(written.read_text(encoding="utf-8")), expected_sha)
    golden = json.loads((GOLDEN / f"{name}.metrics.json").read_text(encoding="utf-8"))
    diff = json_diff(golden, actual)
    assert not diff, f"metrics.json differs from tests/golden/{name}.metrics.json:\n" + "\n".join(diff)
    assert actual == golden


def test_json_diff_names_each_differing_path():
    golden = {"totals": {"talks": 137, "rate": 1.0}, "rounds": [{"round": 2}], "gone": 1}
    actual = {"totals": {"talks": 138, "rate": 1}, "rounds": [{"round": 2}, {"round": 3}], "new": 0}
    assert json_diff(golden, actual) == [
        "$.gone: missing (golden 1)",
        "$.new: not in golden (got 0)",
        "$.totals.talks: got 138, golden 137",
        "$.totals.rate: got 1, golden 1.0",
        "$.rounds: 2 items, golden 1",
    ]
    assert json_diff(golden, golden) == []


def test_wrong_sha256_is_not_hidden():
    metrics = {"sources": [{"file": "a.xlsx", "sha256": "00"}, {"file": "b.xlsx", "sha256": "11"}]}
    assert normalised(metrics, {"a.xlsx": "00", "b.xlsx": "22"})["sources"] == [
        {"file": "a.xlsx", "sha256": SHA_PLACEHOLDER}, {"file": "b.xlsx", "sha256": "11"}]
