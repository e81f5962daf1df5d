"""Reading one county package back: a file → :class:`Package` with its findings.

A package is recognised by its sheets 上报信息 and 指标 (names compared as the standard's
sheet names are: spaces and bracket widths ignored). It may have been opened and saved
again in Excel or WPS, so numbers may come back as floats (12.0) or text ("12"), and
dates as dates or text; all of these read the same. Problems are findings, never
exceptions: ``package-unreadable`` (the file, a sheet's header, a value) and
``package-incomplete`` (a required 项目 or 指标代码 missing or blank).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from ..findings import Finding, finding
from ..read.normalize import cell_text, whole_number
from ..read.workbook import find_header, match_headers, norm_label, open_workbook, read_bytes, sheet_index
from ..read.xlsx_parts import Unreadable
from ..standard import Standard
from .format import package_format
from .indicators import indicator_codes, indicator_label
from .package import round_headers

REQUIRED_ITEMS = ("county", "period", "period_kind")  # without these a package cannot be placed
COUNT_ITEMS = ("unexplained",)


@dataclass
class Package:
    """One county's package as read (``file`` relative to the roll-up's inputs)."""

    file: str
    sha256: str = ""
    info: dict[str, str] = field(default_factory=dict)  # 上报信息 item id -> content as text
    info_rows: dict[str, int] = field(default_factory=dict)  # item id -> Excel row
    indicators: dict[str, int] = field(default_factory=dict)  # 指标代码 -> value, in file order
    code_rows: dict[str, int] = field(default_factory=dict)  # 指标代码 -> Excel row
    rounds: list[dict] = field(default_factory=list)
    explanations: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def county(self) -> str:
        return self.info.get("county", "")

    @property
    def period_label(self) -> str:
        return self.info.get("period", "")

    @property
    def kind(self) -> str | None:
        """annual / monthly from 期间类型, None when it is neither."""
        by_label = {v: k for k, v in package_format().period_kinds.items()}
        return by_label.get(self.info.get("period_kind", ""))

    @property
    def term(self) -> str:
        return self.info.get("term", "")

    @property
    def unexplained(self) -> int:
        """未说明核实性问题 (0 when blank)."""
        return int(self.info.get("unexplained") or 0)

    @property
    def usable(self) -> bool:
        """Read completely: no error while reading (its figures can be checked and summed)."""
        return not any(f.is_error for f in self.findings)


# ---------------------------------------------------------------- sheets

def is_package(names: dict[str, str]) -> bool:
    """``names`` (:func:`~pipeline.read.workbook.sheet_index` of a workbook) hold 上报信息 and 指标."""
    fmt = package_format()
    return all(norm_label(fmt.section(s)["sheet"]) in names for s in ("info", "indicators"))


def header_of(rows: list[list], headers: dict[str, str], required: tuple[str, ...], limit: int):
    """(Excel row of the header, {key: column index}) of the first of ``limit`` rows holding
    every required header (``headers``: {key: header}), or None."""
    labels = {norm_label(h): k for k, h in headers.items()}
    found, mapping = find_header(rows, required, limit, lambda row: match_headers(row, labels))
    return None if found is None else (found + 1, mapping)


def data_rows(rows: list[list], header: int, columns: dict[str, int]):
    """(Excel row, {key: raw cell}) of every row below the header with some value."""
    for n, row in enumerate(rows[header:], start=header + 1):
        cells = {k: row[j] if j < len(row) else None for k, j in columns.items()}
        if any(cell_text(v) for v in cells.values()):
            yield n, cells


def sheet_rows(book, name: str) -> list[list]:
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


class _Reading:
    """The reading of one package's sheets, collecting findings on ``pkg``."""

    def __init__(self, book, names: dict[str, str], pkg: Package, std: Standard):
        self.book, self.names, self.pkg, self.std = book, names, pkg, std
        self.fmt = package_format()
        self.limit = std.header_search_rows

    def sheet(self, section: str) -> str | None:
        return self.names.get(norm_label(self.fmt.section(section)["sheet"]))

    def table(self, section: str, headers: dict[str, str], required: tuple[str, ...]):
        """(sheet name, Excel rows and cells) of a sheet, or None (a finding when required)."""
        name = self.sheet(section)
        if name is None:
            return None
        rows = sheet_rows(self.book, name)
        found = header_of(rows, headers, required, self.limit)
        if found is None:
            if required:
                self.add("package-unreadable", variant="header", sheet=name, limit=self.limit,
                         headers="、".join(headers[k] for k in required))
            return None
        return name, list(data_rows(rows, *found))

    def add(self, which: str, /, **kwargs) -> None:
        """The finding ``which`` on this package."""
        self.pkg.findings.append(finding(which, file=self.pkg.file, **kwargs))

    def info(self) -> None:
        sec = self.fmt.section("info")
        got = self.table("info", {"item": sec["item_header"], "content": sec["content_header"]},
                         ("item", "content"))
        if got is None:
            return
        name, rows = got
        by_label = {norm_label(label): key for key, label in self.fmt.info_items.items()}
        for n, cells in rows:
            key = by_label.get(norm_label(cell_text(cells["item"])))
            if key is not None and key not in self.pkg.info:
                self.pkg.info[key], self.pkg.info_rows[key] = cell_text(cells["content"]), n
        self._check_info(name, sec["content_header"])

    def _check_info(self, sheet: str, column: str) -> None:
        items, info = self.fmt.info_items, self.pkg.info
        for key in REQUIRED_ITEMS:
            if not info.get(key):
                self.add("package-incomplete", variant="item", sheet=sheet, row=self.pkg.info_rows.get(key),
                         column=column, item=items[key])
        kind = info.get("period_kind")
        if kind and self.pkg.kind is None:
            self.add("package-unreadable", variant="info", sheet=sheet, row=self.pkg.info_rows["period_kind"],
                     column=column, value=kind, item=items["period_kind"],
                     expected="、".join(f"“{v}”" for v in self.fmt.period_kinds.values()))
        for key in COUNT_ITEMS:
            if not info.get(key):
                continue
            try:
                info[key] = str(whole_number(info[key]))
            except ValueError:
                self.add("package-unreadable", variant="info", sheet=sheet, row=self.pkg.info_rows[key],
                         column=column, value=info[key], item=items[key], expected="大于等于 0 的整数")
                info[key] = "0"

    def indicators(self) -> None:
        sec = self.fmt.section("indicators")
        got = self.table("indicators", {"code": sec["code_header"], "value": sec["value_header"]},
                         ("code", "value"))
        if got is None:
            return
        name, rows = got
        column = sec["value_header"]
        blank = []
        for n, cells in rows:
            code = cell_text(cells["code"])
            if not code:
                continue
            if code in self.pkg.code_rows:
                self.add("package-unreadable", variant="code-twice", sheet=name, row=n, column=sec["code_header"],
                         value=code, first=self.pkg.code_rows[code])
                continue
            self.pkg.code_rows[code] = n
            if not cell_text(cells["value"]):
                blank.append(code)
                continue
            try:
                self.pkg.indicators[code] = whole_number(cells["value"])
            except ValueError:
                self.add("package-unreadable", variant="value", sheet=name, row=n, column=column,
                         value=cell_text(cells["value"]), indicator=code)
        self._required(name, column, blank)

    def _required(self, sheet: str, column: str, blank: list[str]) -> None:
        kind = self.pkg.kind
        if kind is None:
            return  # the 期间类型 finding says why the codes cannot be checked
        for code in indicator_codes(self.std, kind, self.pkg.term or None):
            if code in blank:
                self.add("package-incomplete", variant="blank", sheet=sheet, row=self.pkg.code_rows[code],
                         column=column, indicator=code, label=indicator_label(code, self.std))
            elif code not in self.pkg.code_rows:
                self.add("package-incomplete", variant="code", sheet=sheet, indicator=code,
                         label=indicator_label(code, self.std))

    def extra_sheets(self) -> None:
        """分轮次 and 核实说明: listed for people, read as found (no findings)."""
        headers = round_headers(self.std)
        got = self.table("rounds", headers, ())
        for _, cells in got[1] if got else ():
            self.pkg.rounds.append({k: _maybe_number(v) for k, v in cells.items()})
        ex_headers = dict(self.fmt.section("explanations")["headers"])
        got = self.table("explanations", ex_headers, ())
        for _, cells in got[1] if got else ():
            self.pkg.explanations.append({k: cell_text(v) for k, v in cells.items()})


def _maybe_number(value):
    try:
        return whole_number(value)
    except ValueError:
        return cell_text(value) or None


# ---------------------------------------------------------------- files

def open_book(path: Path, rel: str, std: Standard):
    """(calamine workbook, sha256) of a file; raises :class:`Unreadable` with a Chinese reason."""
    data = read_bytes(path, std)
    return open_workbook(data, std), hashlib.sha256(data).hexdigest()


def unreadable(rel: str, exc: Unreadable) -> Finding:
    """``package-unreadable`` for a file that cannot be opened, the reason as the file check says it."""
    return finding("package-unreadable", file=rel, variant="open", reason=exc.finding(rel).message)


def read_book(book, names: dict[str, str], rel: str, sha256: str, std: Standard) -> Package:
    """A package from an open workbook already known to have the package's sheets."""
    pkg = Package(rel, sha256)
    reading = _Reading(book, names, pkg, std)
    try:
        reading.info()
        reading.indicators()
        reading.extra_sheets()
    except BaseException as exc:  # calamine fails (or panics) on a damaged sheet; our own bugs still raise
        if not isinstance(exc, python_calamine.CalamineError) and type(exc).__name__ != "PanicException":
            raise
        pkg.findings.append(finding("package-unreadable", file=rel, variant="open",
                                    reason=f"文件内容有损坏（{type(exc).__name__}: {str(exc)[:80]}）"))
    return pkg


def read_package(path: Path, rel: str, std: Standard) -> Package | None:
    """Read the package at ``path`` (shown as ``rel``); None when the file opens but is not a
    package (no 上报信息 and 指标 sheets). A file that cannot be opened is a package with
    the finding ``package-unreadable``."""
    try:
        book, sha = open_book(path, rel, std)
        names = sheet_index(book.sheet_names)
    except Unreadable as exc:
        return Package(rel, findings=[unreadable(rel, exc)])
    if not is_package(names):
        return None
    return read_book(book, names, rel, sha, std)
