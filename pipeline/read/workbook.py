"""Reading: one workbook file -> raw cell values of its recognised sheets.

python-calamine reads every format (.xlsx .xlsm .xls .ods) from the file's bytes,
so the file is opened once, read-only, and hashed from the same bytes. Each
recognised sheet yields its data rows column-wise (column id -> raw values)
with their Excel row numbers; ``normalize`` later builds ONE frame per sheet
kind from all files. Nothing here converts values: that is ``normalize``'s job.

Per-file problems (unreadable file, unknown workbook, missing sheet or column,
formula without cached value) come back as findings, never as exceptions.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from pathlib import Path

import python_calamine

from ..findings import Finding, finding
from ..standard import Column, Sheet, Standard, Workbook
from .xlsx_parts import Unreadable, ZipLimits, bad_cells, file_too_large, open_zip

_LABEL_DROP = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_NOT_NUMERIC = ("count", "year")  # merged cells are not filled in these: no double counting


@cache
def _total_labels(labels: tuple[str, ...]) -> frozenset[str]:
    """Total-row labels as typed: ``合计``, ``合 计``, ``合　计``, `` 合计 ``."""
    out = set()
    for label in labels:
        for sep in ("", " ", "  ", "\u3000"):
            spaced = sep.join(label)
            out |= {spaced, f" {spaced}", f"{spaced} ", f" {spaced} "}
    return frozenset(out)


@lru_cache(maxsize=16384)
def _norm_text(text: str) -> str:
    return _LABEL_DROP.sub("", text).translate(_BRACKETS)


def norm_label(value) -> str:
    """A sheet name or header for matching: no spaces or line breaks, brackets full-width."""
    return _norm_text(value if isinstance(value, str) else str(value))


def sheet_index(sheet_names) -> dict[str, str]:
    """{normalised sheet name: the name as in the file}; of two names alike, the first."""
    present: dict[str, str] = {}
    for name in sheet_names:
        present.setdefault(norm_label(name), name)
    return present


@dataclass
class SheetData:
    """The data rows of one recognised sheet of one file, column-wise."""

    sheet_id: str
    name: str  # as in the file
    header_row: int  # Excel row number of the header
    rows: list[int] = field(default_factory=list)  # Excel row number of each data row
    columns: dict[str, tuple] = field(default_factory=dict)  # column id -> raw values


@dataclass
class FileRead:
    """Everything read from one file (picklable: crosses process boundaries)."""

    path: str  # relative to --inputs, with "/"
    sha256: str
    kind: str | None = None  # workbook id, None when unreadable or unknown
    sheet_names: list[str] = field(default_factory=list)
    sheets: list[SheetData] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# ------------------------------------------------------------------ opening

def _unreadable_reason(data: bytes, detail: str) -> Unreadable:
    """Explain, from the file's first bytes, why it could not be read."""
    if not data:
        return Unreadable("file-unreadable", "empty")
    if data.startswith(_OLE_MAGIC) and _ENCRYPTED_STREAM in data:
        return Unreadable("file-encrypted")
    if data.startswith(b"PK"):
        return Unreadable("file-unreadable", "truncated", detail=detail)
    return Unreadable("file-unreadable", "not-a-workbook")


def _open(data: bytes):
    """A calamine workbook from the file's bytes (format detected from the content)."""
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise Unreadable("file-encrypted") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several types
        raise _unreadable_reason(data, str(exc)[:80]) from None


# ------------------------------------------------------------- recognition

@lru_cache(maxsize=256)
def _recognise(workbooks: tuple[Workbook, ...],
               sheet_names: tuple[str, ...]) -> tuple[Workbook | None, dict[str, str], list[str]]:
    """The workbook kind, {sheet id: sheet name in the file}, and missing required sheets."""
    present = sheet_index(sheet_names)
    scores = []
    for wb in workbooks:
        found = {sh.id: present[norm_label(sh.name)] for sh in wb.sheets
                 if norm_label(sh.name) in present}
        full = all(norm_label(r) in present for r in wb.recognise_by)
        scores.append((full, len(found), wb, found))
    full = [s for s in scores if s[0]]
    partial = sorted((s for s in scores if s[1]), key=lambda s: -s[1])
    if len(full) == 1:
        best = full[0]
    elif not full and partial and (len(partial) == 1 or partial[0][1] > partial[1][1]):
        best = partial[0]  # a recognising sheet renamed: the kind with most sheets present
    else:
        return None, {}, []
    _, _, wb, found = best
    missing = [sh.name for sh in wb.sheets if sh.required and sh.id not in found]
    return wb, found, missing


# ------------------------------------------------------------------ headers

@cache
def _labels(sheet: Sheet) -> dict[str, Column]:
    """{normalised header: column} of a sheet."""
    return {norm_label(c.header): c for c in sheet.columns}


@cache
def _ids(sheet: Sheet) -> dict[str, str]:
    """{normalised header: column id} of a sheet."""
    return {label: col.id for label, col in _labels(sheet).items()}


def match_headers(row, labels: Mapping[str, str]) -> dict[str, int]:
    """{key: cell index} of the headers found in ``row``; ``labels``: {normalised header: key}.
    Of two cells with the same header, the first."""
    mapping: dict[str, int] = {}
    for j, cell in enumerate(row):
        if cell != "":
            key = labels.get(norm_label(cell))
            if key is not None and key not in mapping:
                mapping[key] = j
    return mapping


@lru_cache(maxsize=4096)
def _match_row(sheet: Sheet, row: tuple) -> dict[str, int]:
    """{column id: cell index} of the standard headers found in ``row`` (first one wins).

    Cached: every workbook made from the template has the same header row.
    """
    return match_headers(row, _ids(sheet))


def find_header(rows: list[list], required: Collection[str], limit: int,
                match: Callable[[tuple], dict[str, int]]):
    """``(row index, mapping)`` of the header row, or ``(None, best guess)``.

    The header row is the first of the first ``limit`` rows whose ``match`` (a row ->
    {key: cell index}, e.g. :func:`match_headers`) holds every ``required`` key; the best
    guess is ``(row index, hits, mapping)`` of the row holding most of them, to say which
    are missing.
    """
    best = (-1, 0, {})
    for i, row in enumerate(rows[:limit]):
        mapping = match(tuple(row))
        hits = len(mapping.keys() & required)
        if hits == len(required):
            return i, mapping
        if hits > best[1]:
            best = (i, hits, mapping)
    return None, best


def _find_header(rows: list[list], sheet: Sheet, limit: int):
    """:func:`find_header` with the standard's headers of ``sheet``."""
    return find_header(rows, _required_ids(sheet), limit, partial(_match_row, sheet))


@cache
def _required_ids(sheet: Sheet) -> frozenset[str]:
    return frozenset(c.id for c in sheet.required_columns)


@lru_cache(maxsize=1024)
def _header_problems(sheet: Sheet, header: tuple) -> tuple[tuple[str, str, str], ...]:
    """(code, column, value) for unknown and duplicated header cells."""
    labels, mapping = _labels(sheet), _match_row(sheet, header)
    out = []
    for j, cell in enumerate(header):
        label = norm_label(cell) if cell != "" else ""
        col = labels.get(label)
        text = str(cell).strip()
        if label and col is None:
            out.append(("column-unknown", text, text))
        elif label and mapping[col.id] != j:
            out.append(("column-duplicate", col.header, text))
    return tuple(out)


def _header_findings(rel: str, sheet: Sheet, name: str, rows: list[list], h: int) -> list[Finding]:
    """Warnings for unknown header cells and errors for duplicated ones."""
    return [finding(code, file=rel, sheet=name, row=h + 1, column=column, value=value)
            for code, column, value in _header_problems(sheet, tuple(rows[h]))]


def _missing_header_findings(rel: str, sheet: Sheet, name: str, best, limit: int) -> list[Finding]:
    """Errors for a sheet whose header row could not be found."""
    row_idx, hits, mapping = best
    if hits == 0:
        return [finding("header-not-found", file=rel, sheet=name, limit=limit,
                        required="、".join(c.header for c in sheet.required_columns))]
    return [finding("column-missing", file=rel, sheet=name, row=row_idx + 1, column=c.header)
            for c in sheet.required_columns if c.id not in mapping]


# ------------------------------------------------------------------ sheets

def _fill_merged(rows: list[list], merged, first_data: int, sheet: Sheet, mapping: dict[str, int]):
    """Give every cell of a merged data area the top-left value (text and date columns only)."""
    fillable = {j for cid, j in mapping.items() if sheet.column(cid).type not in _NOT_NUMERIC}
    for (r0, c0), (r1, c1) in merged or ():
        if r0 < first_data or r0 >= len(rows):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, c1 + 1):
                if c in fillable and c < len(rows[r]):
                    rows[r][c] = value


def _sheet_data(sheet: Sheet, name: str, rows: list[list], h: int, mapping: dict[str, int],
                totals: frozenset[str]):
    """(column-wise data rows below the header, Excel rows of total rows left out).

    Fully empty rows are dropped; so are hand-made total rows (reported).
    """
    width = len(rows[h]) if rows else 0
    numbers = [i + 1 for i in range(h + 1, len(rows)) if rows[i].count("") != width]
    dropped = [n for n in numbers if not totals.isdisjoint(rows[n - 1])]
    if dropped:
        numbers = [n for n in numbers if n not in set(dropped)]
    kept = [rows[i - 1] for i in numbers]
    columns = list(zip(*kept)) if kept else []
    data = {cid: (columns[j] if columns else ()) for cid, j in mapping.items()}
    return SheetData(sheet.id, name, h + 1, numbers, data), dropped


def _read_sheet(book, rel: str, sheet: Sheet, name: str, std: Standard):
    """(SheetData or None, findings, column map) of one sheet."""
    cal_sheet = book.get_sheet_by_name(name)
    rows = cal_sheet.to_python(skip_empty_area=False)
    limit = std.header_search_rows
    found = _find_header(rows, sheet, limit)
    if found[0] is None:
        return None, _missing_header_findings(rel, sheet, name, found[1], limit), {}
    h, mapping = found
    findings = _header_findings(rel, sheet, name, rows, h)
    merged = cal_sheet.merged_cell_ranges
    if merged:
        _fill_merged(rows, merged, h + 1, sheet, mapping)
    totals_labels = _total_labels(std.rules.reading.total_row_labels)
    data, totals = _sheet_data(sheet, name, rows, h, mapping, totals_labels)
    findings += [finding("total-row", file=rel, sheet=name, row=row) for row in totals]
    return data, findings, mapping


# ------------------------------------------------ formulas without a cached value

def _cell_findings(rel: str, sheet: Sheet, data: SheetData, mapping: dict[str, int], cells) -> list[Finding]:
    """Findings for bad cells inside the data area of mapped columns."""
    if not cells:
        return []
    by_index = {j: sheet.column(cid) for cid, j in mapping.items()}
    rows = set(data.rows)
    out = []
    for row, j, kind, text in cells:
        col = by_index.get(j)
        if col is None or row not in rows:
            continue
        shown = "" if col.confidential else text
        if kind == "formula":
            out.append(finding("formula-no-cached-value", file=rel, sheet=data.name, row=row, column=col.header,
                               value=shown))
        else:
            out.append(finding("cell-error-value", file=rel, sheet=data.name, row=row, column=col.header,
                               value=shown, error=text))
    return out


# -------------------------------------------------------------------- files

def _zip_parts(data: bytes, std: Standard):
    """The checked zip parts of an .xlsx/.xlsm/.ods (None for other formats); raises Unreadable."""
    try:
        return open_zip(data, ZipLimits.of(std))
    except zipfile.BadZipFile as exc:
        raise _unreadable_reason(data, str(exc)[:80]) from None


def _read_book(data: bytes, rel: str, result: FileRead, std: Standard) -> None:
    """Fill ``result`` from the workbook bytes; raises Unreadable."""
    parts = _zip_parts(data, std)  # before calamine inflates anything
    book = _open(data)
    result.sheet_names = list(book.sheet_names)
    wb, found, missing = _recognise(std.workbooks, tuple(result.sheet_names))
    if wb is None:
        shown = "、".join(f"“{n}”" for n in result.sheet_names) or "（没有工作表）"
        kinds = "；".join(f"{w.name}（{'、'.join(w.recognise_by)}）" for w in std.workbooks)
        result.findings.append(finding("workbook-unknown", file=rel, sheets=shown, kinds=kinds))
        return
    result.kind = wb.id
    for name in missing:
        result.findings.append(finding("sheet-missing", file=rel, sheet=name, workbook=wb.name,
                                       present="、".join(result.sheet_names)))
    bad = bad_cells(parts, found.values())
    for sheet_id, name in found.items():
        sheet = wb.sheet(sheet_id)
        sheet_data, findings, mapping = _read_sheet(book, rel, sheet, name, std)
        result.findings += findings
        if sheet_data is not None:
            result.sheets.append(sheet_data)
            result.findings += _cell_findings(rel, sheet, sheet_data, mapping, bad.get(name, ()))


def read_bytes(path: Path | str, std: Standard) -> bytes:
    """The bytes of the file at ``path``; raises :class:`Unreadable` when it is too large or locked."""
    try:  # os rather than pathlib: this runs for every file, and Path() costs more than the read
        with open(path, "rb") as fh:
            too_large = file_too_large(os.fstat(fh.fileno()).st_size, ZipLimits.of(std))
            if too_large is not None:
                raise too_large
            return fh.read()
    except OSError as exc:
        raise Unreadable("file-unreadable", "locked", reason=exc.strerror or exc) from None


def file_bytes(path: Path | str, rel: str, std: Standard) -> tuple[bytes | None, FileRead | None]:
    """``(the file's bytes, None)``, or ``(None, a FileRead reporting why not)``: too large, locked."""
    try:
        return read_bytes(path, std), None
    except Unreadable as exc:
        return None, FileRead(rel, "", findings=[exc.finding(rel)])


def read_data(data: bytes, rel: str, std: Standard, sha256: str | None = None) -> FileRead:
    """Read one file from its bytes (``sha256``: their hash, when known already)."""
    result = FileRead(rel, sha256 or hashlib.sha256(data).hexdigest())
    try:
        _read_book(data, rel, result, std)
    except Unreadable as exc:
        result.kind, result.sheets = None, []
        result.findings.append(exc.finding(rel))
    except BaseException as exc:  # noqa: BLE001 - calamine may panic on broken files
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        result.kind, result.sheets = None, []
        result.findings.append(finding("file-unreadable", file=rel, variant="damaged",
                                       detail=f"{type(exc).__name__}: {str(exc)[:80]}"))
    return result


def open_workbook(data: bytes, std: Standard):
    """A python-calamine workbook of a file's bytes, after the zip-bomb guard; raises
    :class:`Unreadable` (the code, variant and parameters of its finding). For readers of
    workbooks that are not the standard's (the city's packages, ``pipeline/rollup``)."""
    _zip_parts(data, std)
    return _open(data)


def read_file(path: Path | str, rel: str, std: Standard) -> FileRead:
    """Read one file. Never raises for bad content: problems become findings."""
    data, failed = file_bytes(path, rel, std)
    return failed if failed is not None else read_data(data, rel, std)
