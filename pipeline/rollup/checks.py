"""The checks of the roll-up (spec rollup.md): period, duplicates, consistency, explanations, roster.

Errors (``package-period-mismatch``, ``package-duplicate``, ``package-inconsistent``, and the
reading's ``package-unreadable`` / ``package-incomplete``) stop the roll-up; warnings
(``package-unexplained``, ``county-missing``, ``county-not-on-roster``) are reported with it.
Only packages read completely (``Package.usable``) are checked further.
"""

from __future__ import annotations

from ..findings import Finding, finding
from ..periods import YTD_KINDS, Period
from ..standard import Standard
from .format import package_format
from .indicators import MEASURES, family_ids, section_of
from .load import CityInputs
from .reader import Package

# (breakdown, the total it must sum to)
SUMS = (("problems_by_category", "totals.problems"), ("problems_by_status", "totals.problems"),
        ("clues_by_disposition", "totals.clues"), ("clues_by_transfer", "totals.clues"))
PARTS = ("problems_fixed_on_spot", "problems_rectified")  # each at most the period's problems


def _info_place(pkg: Package, key: str) -> dict:
    sec = package_format().section("info")
    return {"file": pkg.file, "sheet": sec["sheet"], "row": pkg.info_rows.get(key), "column": sec["content_header"]}


def _code_place(pkg: Package, code: str) -> dict:
    sec = package_format().section("indicators")
    return {"file": pkg.file, "sheet": sec["sheet"], "row": pkg.code_rows.get(code), "column": sec["value_header"]}


def of_period(pkg: Package, period: Period) -> bool:
    """Whether a package is of ``period``: the same kind, start and end (periods.md §5; the label
    alone could not tell a quarter from the range of its three months)."""
    return (pkg.kind, pkg.info.get("start", ""), pkg.info.get("end", "")) == \
        (period.kind, period.start.isoformat(), period.end.isoformat())


def period_mismatches(packages: list[Package], period: Period) -> list[Finding]:
    """``package-period-mismatch`` for every package of another period. The message names both
    periods by their labels, and with kind and dates when the labels alone look the same."""
    out = []
    for p in packages:
        if of_period(p, period):
            continue
        found, asked = p.period_label, period.label
        if found == asked:
            kinds = package_format().period_kinds
            found = f"{found}（{p.info.get('period_kind', '')}，{p.info.get('start', '')}至{p.info.get('end', '')}）"
            asked = f"{asked}（{kinds.get(period.kind, '')}，{period.start.isoformat()}至{period.end.isoformat()}）"
        out.append(finding("package-period-mismatch", **_info_place(p, "period"), value=p.period_label,
                           found=found, asked=asked))
    return out


def duplicates(packages: list[Package], period: Period) -> list[Finding]:
    """``package-duplicate`` once per county with more than one package, on each file after the first."""
    by_county: dict[str, list[Package]] = {}
    for p in packages:
        by_county.setdefault(p.county, []).append(p)
    out = []
    for county, same in by_county.items():
        if len(same) < 2:
            continue
        files = "、".join(p.file for p in same)
        out += [finding("package-duplicate", **_info_place(p, "county"), value=county, county=county,
                        count=len(same), period=period.label, files=files) for p in same[1:]]
    return out


def _sum_check(pkg: Package, section: str, code: str) -> list[Finding]:
    total = sum(section_of(pkg.indicators, section).values())
    value = pkg.indicators[code]
    if total == value:
        return []
    return [finding("package-inconsistent", variant="sum", **_code_place(pkg, code), value=str(value),
                    part=f"{section}.*", total=total, indicator=code)]


def _at_most(pkg: Package, code: str, other: str) -> list[Finding]:
    value, limit = pkg.indicators[code], pkg.indicators[other]
    if value <= limit:
        return []
    return [finding("package-inconsistent", variant="exceeds", **_code_place(pkg, code), value=str(value),
                    indicator=code, other=other, other_value=limit)]


def _family_checks(pkg: Package, std: Standard) -> list[Finding]:
    """Each family's figures are the sums of its categories'; inspected <= total everywhere."""
    out = []
    members = {fam["id"]: fam["members"] for fam in std.families()}
    for fam in family_ids(std):
        for m in MEASURES:
            code = f"coverage.{fam}.{m}"
            total = sum(pkg.indicators[f"coverage.by_category.{cat}.{m}"] for cat in members[fam])
            if total != pkg.indicators[code]:
                part = "、".join(f"coverage.by_category.{cat}.{m}" for cat in members[fam])
                out.append(finding("package-inconsistent", variant="sum", **_code_place(pkg, code),
                                   value=str(pkg.indicators[code]), part=part, total=total, indicator=code))
    heads = [f"coverage.{fam}" for fam in family_ids(std)]
    heads += [f"coverage.by_category.{cat}" for cat in std.enum_values("org_category")]
    for head in heads:
        out += _at_most(pkg, f"{head}.inspected", f"{head}.total")
    return out


def inconsistencies(pkg: Package, std: Standard) -> list[Finding]:
    """``package-inconsistent`` for every figure of a package that disagrees with another."""
    out = []
    for section, code in SUMS:
        out += _sum_check(pkg, section, code)
    out += _family_checks(pkg, std)
    blocks = ["totals", "year_to_date"] if pkg.kind in YTD_KINDS else ["totals"]
    for block in blocks:
        for part in PARTS:
            out += _at_most(pkg, f"{block}.{part}", f"{block}.problems")
    return out + _ledger_sum(pkg) + [f for part in ("rectified_late", "without_evidence")
                                     for f in _at_most(pkg, f"rectification.{part}", "rectification.rectified")]


def _ledger_sum(pkg: Package) -> list[Finding]:
    """rectification states summing to in_ledger (each problem has exactly one state)."""
    states = package_format().ledger_states
    total = sum(pkg.indicators[f"rectification.{s}"] for s in states)
    if total == pkg.indicators["rectification.in_ledger"]:
        return []
    return [finding("package-inconsistent", variant="sum", **_code_place(pkg, "rectification.in_ledger"),
                    value=str(pkg.indicators["rectification.in_ledger"]),
                    part="、".join(f"rectification.{s}" for s in states), total=total,
                    indicator="rectification.in_ledger")]


def roster_findings(city: CityInputs, packages: list[Package], period: Period) -> list[Finding]:
    """``county-missing`` per roster county without a package, ``county-not-on-roster`` per
    package of a county not on it; none without a roster."""
    roster = city.roster
    if roster is None:
        return []
    names = [c for c, _, _ in roster]
    have = {p.county for p in packages}
    sheet = package_format().section("roster")
    out = [finding("county-missing", file=file, sheet=sheet["sheet"], row=row, column=sheet["header"], value=county,
                   period=period.label) for county, file, row in roster if county not in have]
    shown = "、".join(names) or "（空）"
    out += [finding("county-not-on-roster", **_info_place(p, "county"), value=p.county, roster=shown)
            for p in packages if p.county and p.county not in names]
    return out


def check_city(city: CityInputs, period: Period, std: Standard) -> list[Finding]:
    """Every finding of the roll-up: the files', each package's reading, and the checks above."""
    out = list(city.findings)
    for pkg in city.packages:
        out += pkg.findings
    usable = [p for p in city.packages if p.usable]
    out += period_mismatches(usable, period)
    in_period = [p for p in usable if of_period(p, period)]
    out += duplicates(in_period, period)
    for pkg in usable:
        out += inconsistencies(pkg, std)
        if pkg.unexplained:
            out.append(finding("package-unexplained", **_info_place(pkg, "unexplained"), value=str(pkg.unexplained),
                               count=pkg.unexplained))
    out += roster_findings(city, [p for p in city.packages if of_period(p, period)], period)
    return out
