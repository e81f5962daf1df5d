"""The sample county (示例县): deterministic, as rich as promised, valid, and committed as generated."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from pipeline.authoring.sample import SAMPLE_END, write_sample
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, STD)
    return out


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def sheet_rows(path: Path, sheet_id: str) -> list[dict]:
    """The data rows of a sheet, keyed by the standard's column ids."""
    sheet = STD.sheet(sheet_id)
    ws = openpyxl.load_workbook(path, read_only=True)[sheet.name]
    ids = {c.header: c.id for c in sheet.columns}
    rows = ws.iter_rows(values_only=True)
    header = [ids[h] for h in next(rows)]
    return [{k: _day(v) for k, v in zip(header, row)} for row in rows
            if any(v is not None for v in row)]


def _round_files(sample: Path) -> list[Path]:
    return sorted(p for p in sample.rglob("*.xlsx")
                  if STD.sheet("round_info").name in openpyxl.load_workbook(
                      p, read_only=True).sheetnames)


@pytest.fixture(scope="module")
def rounds(sample) -> dict[Path, dict]:
    """Every round workbook: its sheets' rows by sheet id."""
    ids = [s.id for s in STD.workbook("round").sheets]
    return {p: {sid: sheet_rows(p, sid) for sid in ids} for p in _round_files(sample)}


@pytest.fixture(scope="module")
def registry(sample) -> dict[str, list[dict]]:
    path = sample / STD.workbook("registry").file
    return {s.id: sheet_rows(path, s.id) for s in STD.workbook("registry").sheets}


def test_two_runs_write_identical_files(sample, tmp_path):
    write_sample(tmp_path, STD)
    first = sorted(p.relative_to(sample) for p in sample.rglob("*.xlsx"))
    assert first == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx"))
    for rel in first:
        assert (sample / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_the_committed_inputs_are_the_generated_sample(sample):
    """inputs/ must be regenerated (python run.py sample --out inputs) when the generator changes."""
    committed = ROOT / "inputs"
    files = sorted(p.relative_to(sample) for p in sample.rglob("*.xlsx"))
    assert sorted(p.relative_to(committed) for p in committed.rglob("*.xlsx")) == files
    for rel in files:
        assert (committed / rel).read_bytes() == (sample / rel).read_bytes(), rel


def test_registry_has_forty_units_in_every_category_and_a_merge_and_an_addition(registry):
    units = registry["units"]
    categories = Counter(u["category"] for u in units)
    assert len(units) >= 40
    assert set(categories) == set(STD.enum_values("org_category"))
    assert any(u["removed"] for u in units) and any(u["added"] for u in units)
    townships = {u["name"] for u in units if u["category"] == "乡镇（街道）"}
    villages = [u for u in units if STD.family_of(u["category"]) == "village"]
    assert villages and all(v["township"] in townships for v in villages)
    assert [(t["term"], t["start"], t["end"]) for t in registry["terms"]] == [
        ("十四届", dt.date(2016, 10, 1), dt.date(2021, 9, 30)),
        ("十五届", dt.date(2021, 10, 1), dt.date(2026, 9, 30))]
    assert {r["item"]: r["content"] for r in registry["basic_info"]} == {
        "县名": "示例县", "编制单位": "中共示例县委巡察工作领导小组办公室"}


def test_rounds_cover_the_promised_cases(rounds):
    infos = [s["round_info"][0] for s in rounds.values()]
    assert len({(i["term"], i["round"]) for i in infos}) >= 7
    assert len({i["group"] for i in infos}) >= 4
    types = {i["type"] for i in infos}
    assert {"专项巡察", "回头看"} <= types
    assert any(i["end"] and i["start"].year < i["end"].year for i in infos)  # across New Year
    assert any(i["end"] is None for i in infos)  # still in progress
    assert all(p.name == f"{i['term']}第{i['round']}轮_{i['group']}.xlsx"
               and p.parent.name == f"{i['start'].year}年" for p, i in
               ((p, s["round_info"][0]) for p, s in rounds.items()))


def test_every_group_reports_problems_in_every_category_and_plausible_clues(rounds):
    std = STD
    dispositions, transfers = Counter(), Counter()
    for sheets in rounds.values():
        info, problems, clues = sheets["round_info"][0], sheets["problems"], sheets["clues"]
        assert 5 <= len(problems) <= 40
        assert {p["category"] for p in problems} == set(std.taxonomy_for_term(info["term"]).categories)
        assert 0 <= len(clues) <= 6
        assert all(c["summary"] for c in clues)  # confidential text is present in the inputs
        dispositions.update(c["disposition"] or "待处置" for c in clues)
        transfers.update(c["transferred_to"] for c in clues if c["transferred_to"])
        assert len(sheets["workload"]) >= 2
    assert len(dispositions) >= 4 and len(transfers) >= 2


def test_rows_agree_with_their_round_and_the_registry(rounds, registry):
    """The rules the validator enforces, checked on the generated rows."""
    units = {u["name"]: u for u in registry["units"]}
    terms = {t["term"]: (t["start"], t["end"]) for t in registry["terms"]}
    seen_orgs, seen_ids = Counter(), Counter()
    for sheets in rounds.values():
        info = sheets["round_info"][0]
        first, last = info["start"], info["end"] or SAMPLE_END
        assert terms[info["term"]][0] <= first <= last <= terms[info["term"]][1]
        orgs = {o["org"] for o in sheets["round_orgs"]}
        for o in sheets["round_orgs"]:
            unit = units[o["org"]]
            assert o["category"] in (None, unit["category"])
            assert first <= o["start"] <= last
            assert (unit["added"] or first) <= o["start"] <= (unit["removed"] or last)
            seen_orgs[(info["term"], info["round"], o["org"])] += 1
        for sid, date_col in (("workload", "date"), ("problems", "found"), ("clues", "found")):
            for row in sheets[sid]:
                assert row["org"] is None or row["org"] in orgs
                assert first <= row[date_col] <= last
        for p in sheets["problems"]:
            seen_ids[(info["term"], info["round"], p["problem_id"])] += 1
            if p["status"] == "已整改":
                assert p["found"] <= p["rectified_on"] <= SAMPLE_END
    assert max(seen_orgs.values()) == 1 and max(seen_ids.values()) == 1


def test_coverage_is_partial_at_the_end_of_2020(rounds, registry):
    std = STD
    inspected = {o["org"] for s in rounds.values() for o in s["round_orgs"]
                 if s["round_info"][0]["term"] == "十四届"
                 and s["round_info"][0]["type"] in std.coverage_round_types
                 and o["start"] <= dt.date(2020, 12, 31)}
    in_force = {u["name"] for u in registry["units"]
                if (u["removed"] or dt.date.max) > dt.date(2020, 12, 31)}
    assert 0 < len(inspected & in_force) < len(in_force)


def test_office_workbook_has_every_kind_of_row(sample):
    std = STD
    path = next(sample.rglob(f"{std.workbook('office').name}*.xlsx"))
    special = sheet_rows(path, "special_work")
    assert {r["type"] for r in special} == set(std.enum_values("special_work_type"))
    checks = [r for r in special if r["type"] == "整改监督检查"]
    assert all(r["problems"] >= r["rectified"] > 0 for r in checks)
    team = {r["item"]: r["count"] for r in sheet_rows(path, "team")}
    assert set(team) == {"行政编制", "实有在编", "主任", "副主任", "正科级巡察专员",
                         "副科级巡察专员", "组长库人数", "专职组长", "专业人员库人数",
                         "工作人员库人数"}
    training = sheet_rows(path, "training")
    assert {r["type"] for r in training} == set(std.enum_values("training_type"))
    assert all(r["date"].year == 2020 for r in training)
    assert all(r["start"].year == 2020 for r in special)


def test_the_reader_finds_no_error_in_the_sample(sample):
    from pipeline.engine import load_dataset

    ds = load_dataset(sample, STD)
    assert [f for f in ds.findings if f.is_error] == []
    assert len(ds.sources) == len(list(sample.rglob("*.xlsx")))


@pytest.mark.parametrize("period", ["annual 2020", "monthly 2021-06"])
def test_every_light_of_the_ledger_shows_in_the_sample(sample, period):
    """The sample's long-term items (sample_county.LONG_TERM) light yellow and green."""
    from pipeline.engine import load_dataset
    from pipeline.periods import annual, monthly
    from pipeline.stats.ledger import STATES, build_ledger
    from pipeline.stats.selection import Frames

    kind, when = period.split()
    span = annual(when) if kind == "annual" else monthly(when)
    ledger = build_ledger(Frames.from_dataset(load_dataset(sample, STD), STD), span.start, span.end)
    assert all(ledger.counts[s] >= 1 for s in STATES), ledger.counts
def test_the_plan_covers_every_round_and_one_group_never_submits(rounds, registry):
    """巡察计划: every submitted group is planned; 十四届第9轮第四巡察组 is due in 2021 but has no
    workbook (missing in monthly --month 2021-06); 县林业局 is in no plan."""
    plan = registry["plan"]
    planned = {(r["term"], r["round"], r["group"]) for r in plan}
    submitted = {(i["term"], i["round"], i["group"]) for i in (s["round_info"][0] for s in rounds.values())}
    assert submitted <= planned
    unsubmitted = {k: min(r["start"] for r in plan if (r["term"], r["round"], r["group"]) == k)
                   for k in planned - submitted}
    assert unsubmitted[("十四届", 9, "第四巡察组")] < dt.date(2021, 6, 30)
    assert all(r["end"] >= r["start"] for r in plan)
    assert "县林业局" in {u["name"] for u in registry["units"]} - {r["org"] for r in plan}
