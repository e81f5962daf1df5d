"""Generate N round workbooks of realistic size, plus one registry, for the benchmark.

Each round workbook: 2-6 inspected units, 1-10 work rows, 5-40 problems,
0-6 clues; (届次, 轮次, 巡察组) distinct across files; every round dated in
2020 so that ``annual --year 2020`` counts all of them. Written with
xlsxwriter (fast); headers and enumeration values come from the standard.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from pathlib import Path

import xlsxwriter

from pipeline.render.sheet_conventions import XLSXWRITER_OPTIONS
from pipeline.standard import load_standard

GROUPS_PER_ROUND = 4
UNITS_PER_ROUND = 24  # 4 groups x at most 6 units: disjoint within a round
TERM = ("十四届", dt.date(2016, 10, 1), dt.date(2021, 9, 30))


@cache
def _std():
    """The shipped standard, loaded once for the generator."""
    return load_standard()


def _write(path: Path, sheets: dict[str, list[list]]) -> None:
    wb = xlsxwriter.Workbook(str(path), XLSXWRITER_OPTIONS)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()


def _headers(sheet_id: str) -> list[str]:
    return [c.header for c in _std().sheet(sheet_id).columns if c.required]


def _unit_names(n_rounds: int) -> list[str]:
    return [f"县第{i + 1}号直属单位" for i in range(UNITS_PER_ROUND * max(1, min(n_rounds, 80)))]


def write_registry(folder: Path, units: list[str]) -> Path:
    """The one registry: the term and the units (all county-level, one category)."""
    std = _std()
    category = std.enum_values("org_category")[0]
    units_rows = [[name, category, None, None, None, None] for name in units]
    path = folder / "巡察对象名册.xlsx"
    _write(path, {std.sheet("terms").name: [_headers("terms"), list(TERM)],
                  std.sheet("units").name: [_headers("units"), *units_rows]})
    return path


def _round_sheets(rng: random.Random, round_no: int, group: str, orgs: list[str]) -> dict:
    std = _std()
    start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
    end = start + dt.timedelta(days=rng.randrange(30, 120))
    categories = std.taxonomy_for_term(TERM[0]).categories
    statuses = std.enum_values("rectification_status")
    sheets = {
        "round_info": [[TERM[0], round_no, std.enum_values("round_type")[0], group, "组长",
                        start, end, None, None, None, "填报人", end]],
        "round_orgs": [[group, org, None, start, end, rng.choice(std.enum_values("grade")), None]
                       for org in orgs],
        "workload": [[group, rng.choice(orgs), start + dt.timedelta(days=7 * i),
                      *(rng.randrange(0, 60) for _ in range(7))]
                     for i in range(rng.randint(1, 10))],
        "problems": [],
        "clues": [],
    }
    for i in range(rng.randint(5, 40)):
        found = start + dt.timedelta(days=rng.randrange(0, (end - start).days + 1))
        status = rng.choice(statuses)
        done = found + dt.timedelta(days=20) if status == statuses[-1] else None
        sheets["problems"].append([f"W{round_no}-{group[1]}-{i + 1:03d}", group, rng.choice(orgs),
                                   rng.choice(categories), "问题摘要", found,
                                   rng.choice(std.enum_values("yes_no")), status, done])
    for i in range(rng.randint(0, 6)):
        found = start + dt.timedelta(days=rng.randrange(0, (end - start).days + 1))
        org, cadres, others = rng.choice(orgs), rng.randint(0, 3), rng.randint(0, 2)
        cadres = cadres or (0 if others else 1)  # a clue names somebody (else clue-no-people); same draws
        sheets["clues"].append([f"X{round_no}-{group[1]}-{i + 1:03d}", group, org, found, cadres, others,
                                rng.choice(std.enum_values("transfer_to")), None,
                                rng.choice(std.enum_values("disposition")), "线索摘要"])
    return {std.sheet(sid).name: [_headers(sid), *rows] for sid, rows in sheets.items()}


def generate(folder: Path, n: int, seed: int = 20201231) -> list[Path]:
    """Write the registry and ``n`` round workbooks into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_rounds = -(-n // GROUPS_PER_ROUND)
    units = _unit_names(n_rounds)
    paths = [write_registry(folder, units)]
    group_names = ["第一巡察组", "第二巡察组", "第三巡察组", "第四巡察组"]
    for k in range(n):
        round_no, g = divmod(k, GROUPS_PER_ROUND)
        block = (round_no % (len(units) // UNITS_PER_ROUND)) * UNITS_PER_ROUND + g * 6
        orgs = units[block: block + rng.randint(2, 6)]
        path = folder / f"第{round_no + 1}轮_{group_names[g]}.xlsx"
        _write(path, _round_sheets(rng, round_no + 1, group_names[g], orgs))
        paths.append(path)
    return paths
