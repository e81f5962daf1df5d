"""Every package and the optional roster (县区名单) under the roll-up's inputs folder.

Files are found as the county's workbooks are (``read.discover``: recursive, sorted, lock
files and non-spreadsheets skipped and listed). A spreadsheet with the sheets 上报信息 and
指标 is a package; one with the sheet 县区名单 is a roster; any other is skipped and listed.
A spreadsheet that cannot be opened might be a package: it is the error ``package-unreadable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, finding
from ..model import Skipped
from ..read.discover import discover, relative_name
from ..read.normalize import cell_text
from ..read.workbook import norm_label, sheet_index
from ..read.xlsx_parts import Unreadable
from ..standard import Standard
from .format import package_format
from .reader import Package, data_rows, header_of, is_package, open_book, read_book, sheet_rows, unreadable


@dataclass
class Roster:
    """The city's list of counties (县区名单), in file order, with each one's Excel row."""

    file: str
    counties: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class CityInputs:
    """What the roll-up read: packages (in file order), rosters, skipped files, findings
    of the files themselves (the packages' own findings stay on each package)."""

    packages: list[Package]
    rosters: list[Roster]
    skipped: list[Skipped]
    findings: list[Finding]
    sha256: dict[str, str] = field(default_factory=dict)  # file -> sha256 of every file read

    @property
    def roster(self) -> list[tuple[str, str, int]] | None:
        """(county, roster file, row) of every roster, first mention kept; None without a roster."""
        if not self.rosters:
            return None
        seen: dict[str, tuple[str, str, int]] = {}
        for r in self.rosters:
            for county, row in r.counties:
                seen.setdefault(county, (county, r.file, row))
        return list(seen.values())


def read_roster(book, names: dict[str, str], rel: str, std: Standard) -> tuple[Roster, list[Finding]]:
    """The counties of a roster workbook (blank cells skipped, names stripped)."""
    sec = package_format().section("roster")
    name = names[norm_label(sec["sheet"])]
    rows = sheet_rows(book, name)
    found = header_of(rows, {"county": sec["header"]}, ("county",), std.header_search_rows)
    if found is None:
        return Roster(rel), [finding("header-not-found", file=rel, sheet=name, limit=std.header_search_rows,
                                     required=sec["header"])]
    return Roster(rel, [(cell_text(c["county"]), n) for n, c in data_rows(rows, *found)]), []


def load_city(inputs: Path, std: Standard, exclude: tuple[Path, ...] = ()) -> CityInputs:
    """Read every package and roster under ``inputs`` (``exclude``: our own outputs folder)."""
    inputs = Path(inputs)
    kinds = package_format().section("kinds")
    roster_sheet = norm_label(package_format().section("roster")["sheet"])
    paths, skipped, findings = discover(inputs, exclude)
    city = CityInputs([], [], list(skipped), list(findings))
    for path in paths:
        rel = relative_name(path, inputs)
        try:
            book, sha = open_book(path, rel, std)
            names = sheet_index(book.sheet_names)
        except Unreadable as exc:
            city.packages.append(Package(rel, findings=[unreadable(rel, exc)]))
            continue
        if is_package(names):
            city.packages.append(read_book(book, names, rel, sha, std))
        elif roster_sheet in names:
            roster, problems = read_roster(book, names, rel, std)
            city.rosters.append(roster)
            city.findings += problems
        else:
            city.skipped.append(Skipped(rel, kinds["not_a_package"]))
            continue
        city.sha256[rel] = sha
    return city
