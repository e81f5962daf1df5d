"""Normalisation: raw cell values -> typed frames, one per sheet kind, column-wise.

Each column is converted by its type in the standard (vectorised; per-cell
Python only for the rare odd value). Cells that cannot be converted become
findings naming the cell, and NaT/0/None in the typed frame.

- count: numbers, ``12``, ``１２``, `` 12 `` (blank = 0); not ``12人``, ``-1``, ``1.5``;
- date: Excel dates/serials, ``2020-06-01``, ``2020/6/1``, ``2020.6.1``, ``2020年6月1日``;
- year: ``2020`` (number or text, ``2020年`` too);
- enum: stripped, surrounding quotes removed, brackets full-width, blank = default;
- org: every space removed, brackets full-width (the standard's ``（）``);
- text: stripped; blank = None.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..findings import Finding, Level, finding
from ..standard import Column, Sheet, Standard
from .workbook import FileRead

PROVENANCE = ("source_file", "source_sheet", "source_row")
DATE_DTYPE = "datetime64[ns]"
DATE_MIN, DATE_MAX = pd.Timestamp("1950-01-01"), pd.Timestamp("2099-12-31")
YEAR_MIN, YEAR_MAX = 1950, 2099
# Excel serial numbers of DATE_MIN and DATE_MAX: a bare number outside is not a date.
SERIAL_MIN, SERIAL_MAX = 18264, 73050
_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel serial dates (1900 system)
_DAY_MIN, _DAY_MAX = DATE_MIN.to_pydatetime(), DATE_MAX.to_pydatetime()

_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_QUOTES = "\"'“”‘’「」『』"
_QUOTES_RE = re.compile(f"^[{_QUOTES}]+|[{_QUOTES}]+$")
_SPACES_RE = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")
_ZERO_WIDTH = "\ufeff\u200b"
_COUNT_RE = re.compile(r"\+?\d+(?:\.0*)?|\d{1,3}(?:,\d{3})+")
_NUMBER_RE = re.compile(r"[+-]?\s*(?:\d+(?:\.\d*)?|\.\d+)")
_DATE_RE = re.compile(r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
                      r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_YEAR_RE = re.compile(r"(\d{4})(?:年度?)?")

_NUMBER_TYPES = (int, float, np.integer, np.floating)
_DATE_TYPES = (dt.date, dt.datetime, pd.Timestamp)


# ------------------------------------------------------------- formatting

def fmt_value(value) -> str:
    """A raw or typed cell value as the user would recognise it."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d") if value == value.replace(hour=0, minute=0, second=0, microsecond=0) \
            else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cell_findings(frame: pd.DataFrame, mask, sheet: Sheet, col_id: str | None, code: str,
                  params: dict | Callable[[pd.Series], dict] | None = None, level: Level | None = None,
                  values: pd.Series | None = None) -> list[Finding]:
    """One finding ``code`` per row of ``frame`` where ``mask`` holds, pointing at column ``col_id``.

    ``params`` fill the catalogue's template: a dict, or a function of the row
    giving one; ``level`` only for a code whose level varies; ``values``
    (default: the column itself) gives the value shown. Confidential columns
    show no value.
    """
    rows = frame.loc[mask] if mask is not None else frame
    if rows.empty:
        return []
    col = sheet.column(col_id) if col_id else None
    header = col.header if col else ""
    shown = values if values is not None else (frame[col_id] if col_id else None)
    out = []
    for idx, row in rows.iterrows():
        value = "" if (col is not None and col.confidential) or shown is None else fmt_value(shown.loc[idx])
        more = params(row) if callable(params) else params or {}
        out.append(finding(code, file=row["source_file"], sheet=row["source_sheet"], row=int(row["source_row"]),
                           column=header, value=value, level=level, **more))
    return out


# ------------------------------------------------------------ raw frames

def raw_frames(reads: list[FileRead], std: Standard) -> dict[str, pd.DataFrame]:
    """One object-dtype frame per sheet id of the standard, from every file read."""
    cols: dict[str, dict[str, list]] = {
        sid: {c: [] for c in (*PROVENANCE, *(col.id for col in sh.columns))}
        for sid, sh in std.sheets.items()}
    for fr in reads:
        for sd in fr.sheets:
            target, n = cols[sd.sheet_id], len(sd.rows)
            target["source_file"].extend([fr.path] * n)
            target["source_sheet"].extend([sd.name] * n)
            target["source_row"].extend(sd.rows)
            for col in std.sheet(sd.sheet_id).columns:
                target[col.id].extend(sd.columns.get(col.id, (None,) * n))
    return {sid: pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
            for sid, data in cols.items()}


# ----------------------------------------------------------- conversions
# Each converter works on the column's DISTINCT values (pd.factorize, then a
# numpy take): cells repeat a lot (dates, counts, names, enumerations), so the
# per-value Python runs far fewer times than there are cells.

def _per_unique(raw: pd.Series, convert: Callable, numeric: bool = False) -> list[np.ndarray]:
    """Apply ``convert`` (value -> tuple) to each distinct value; arrays aligned with ``raw``.

    ``numeric``: the column compares numbers, where True == 1 would merge a
    boolean with a number in factorize, so a column holding booleans is
    converted cell by cell.
    """
    values = raw.to_numpy(dtype=object)
    if numeric and raw.map(type).eq(bool).any():
        return [np.asarray(part, dtype=object) for part in zip(*map(convert, values))] if len(values) \
            else [np.empty(0, dtype=object) for _ in convert(None)]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [convert(u) for u in uniques] + [convert(None)]  # code -1 (missing) takes the last
    columns = zip(*results)
    return [np.asarray(col, dtype=object)[codes] for col in columns]


def _is_missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


def _clean_str(value: str) -> str:
    """Full-width digits and letters folded (NFKC), spaces stripped."""
    return unicodedata.normalize("NFKC", value).strip()


def count_value(value) -> tuple[int, bool, str | None]:
    """(count, blank, error code) of one cell: ``１２`` -> 12; ``12人`` -> count-invalid."""
    if _is_missing(value):
        return 0, True, None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, *_NUMBER_TYPES)):
        return 0, False, "count-invalid"
    if isinstance(value, str):
        text = _clean_str(value)
        if not text:
            return 0, True, None
        if _COUNT_RE.fullmatch(text):
            text = text.replace(",", "")
        elif not _NUMBER_RE.fullmatch(text):
            return 0, False, "count-invalid"
        value = float(text.replace(" ", ""))
    number = float(value)
    if number < 0:
        return 0, False, "count-negative"
    if not number.is_integer():
        return 0, False, "count-not-integer"
    return int(number), False, None


def whole_number(value) -> int:
    """One cell holding a count, read as the count columns read it (:func:`count_value`);
    raises ValueError for a blank cell and for anything that is not a whole number >= 0."""
    number, blank, error = count_value(value)
    if blank or error:
        raise ValueError(value)
    return number


def _date_of_text(text: str) -> dt.datetime | None:
    match = _DATE_RE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.datetime(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _midnight(value) -> dt.datetime:
    if isinstance(value, pd.Timestamp):
        return value.normalize().to_pydatetime()
    return dt.datetime(value.year, value.month, value.day)


def date_value(value) -> tuple[dt.datetime | None, bool, str | None]:
    """(datetime at midnight or None, blank, error code) of one cell, in every accepted form."""
    if _is_missing(value):
        return None, True, None
    day = None
    if isinstance(value, _DATE_TYPES):
        day = _midnight(value)
    elif isinstance(value, str):
        text = _clean_str(value)
        if not text:
            return None, True, None
        day = _date_of_text(text)
    elif isinstance(value, _NUMBER_TYPES) and not isinstance(value, (bool, np.bool_)) \
            and SERIAL_MIN <= value <= SERIAL_MAX:
        day = _EPOCH + dt.timedelta(days=int(value))
    if day is None:
        return None, False, "date-invalid"
    if not _DAY_MIN <= day <= _DAY_MAX:
        return None, False, "date-out-of-range"
    return day, False, None


def year_value(value) -> tuple[int, bool, str | None]:
    """(year, blank, error code) of one cell: 2020, ``2020``, ``2020年``."""
    if _is_missing(value):
        return 0, True, None
    number = None
    if isinstance(value, str):
        text = _clean_str(value)
        if not text:
            return 0, True, None
        match = _YEAR_RE.fullmatch(text)
        number = float(match[1]) if match else None
    elif isinstance(value, _NUMBER_TYPES) and not isinstance(value, (bool, np.bool_)):
        number = float(value)
    if number is None or not number.is_integer() or not YEAR_MIN <= number <= YEAR_MAX:
        return 0, False, "year-invalid"
    return int(number), False, None


def _split(parts: list[np.ndarray], index: pd.Index, dtype) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    values, blank, codes = parts
    errors = {code: pd.Series(codes == code, index=index) for code in set(codes) - {None}}
    return (pd.Series(values, index=index).astype(dtype), pd.Series(blank.astype(bool), index=index), errors)


def to_counts(raw: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    """(int64 values, blank mask, {error code: mask}) of a count column; bad cells are 0."""
    return _split(_per_unique(raw, count_value, numeric=True), raw.index, "int64")


def to_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    """(datetime64 values, blank mask, {error code: mask}) of a date column; bad cells are NaT."""
    return _split(_per_unique(raw, date_value, numeric=True), raw.index, DATE_DTYPE)


def to_years(raw: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    """(int64 years, blank mask, {error code: mask}) of a year column; bad cells are 0."""
    return _split(_per_unique(raw, year_value, numeric=True), raw.index, "int64")


def _text_of(value) -> str:
    """A non-string cell in a text column as the user typed it."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return fmt_value(value)


def text_value(value, kind: str = "text", default: str | None = None) -> tuple[str | None, bool]:
    """(text or None, blank) of one cell of a text, org or enum column."""
    if kind == "text" and isinstance(value, str):  # the common case, fast
        text = value.strip()
        if text and text[0] not in _ZERO_WIDTH and text[-1] not in _ZERO_WIDTH:
            return text, False
    text = "" if _is_missing(value) else value if isinstance(value, str) else _text_of(value)
    if kind == "org":
        text = _SPACES_RE.sub("", text).translate(_BRACKETS)
    else:
        text = text.strip().strip(_ZERO_WIDTH).strip()
    if kind == "enum":
        text = _QUOTES_RE.sub("", text).strip().translate(_BRACKETS)
    return (text, False) if text else (default, True)


def cell_text(value) -> str:
    """One cell as text, read as the text columns read it (:func:`text_value`); blank is ''."""
    return text_value(value)[0] or ""


def to_text(raw: pd.Series, kind: str = "text", default: str | None = None) -> tuple[pd.Series, pd.Series]:
    """(object values: str or None, blank mask) of a text, org or enum column."""
    values, blank = _per_unique(raw, lambda v: text_value(v, kind, default))
    return pd.Series(values, index=raw.index, dtype=object), pd.Series(blank.astype(bool), index=raw.index)


def norm_org(name: str) -> str:
    """One org name normalised like the org columns (for names outside frames)."""
    return text_value(name, "org")[0] or ""


# ------------------------------------------------------------ typed frames

def _convert_column(frame: pd.DataFrame, sheet: Sheet, col: Column) -> tuple[pd.Series, pd.Series, list]:
    """(typed column, blank mask, findings) of one column of a raw frame."""
    raw = frame[col.id]
    if col.type in ("count", "date", "year"):
        convert = {"count": to_counts, "date": to_dates, "year": to_years}[col.type]
        typed, blank, errors = convert(raw)
        findings = []
        for code, mask in errors.items():
            if mask.any():  # the message shows the value
                more = {"variant": code} if col.invalid_code else None  # the column's own code, by variant
                findings += cell_findings(frame, mask, sheet, col.id, col.invalid_code or code, more)
        return typed, blank, findings
    typed, blank = to_text(raw, col.type, col.default if col.type == "enum" else None)
    return typed, blank, []


def typed_frame(raw: pd.DataFrame, sheet: Sheet) -> tuple[pd.DataFrame, pd.DataFrame, list[Finding]]:
    """(typed frame, blank-cell mask frame, conversion findings); blank rows dropped.

    A row is blank when every cell it is filled in by hand is (``Sheet.to_fill``: all of them,
    but in a form the tool pre-filled, only those left for the user): a returned form's row the
    organisation did not fill is no word on that problem, and its cells are not reported."""
    out = {c: raw[c] for c in PROVENANCE}
    blanks, findings = {}, []
    for col in sheet.columns:
        out[col.id], blanks[col.id], found = _convert_column(raw, sheet, col)
        findings += found
    frame = pd.DataFrame(out, index=raw.index)
    frame["source_row"] = frame["source_row"].astype("int64")
    blank = pd.DataFrame(blanks, index=raw.index)
    filled = blank if len(sheet.to_fill) == len(sheet.columns) else blank[list(sheet.to_fill)]
    keep = ~filled.all(axis=1) if len(filled.columns) else pd.Series(True, index=raw.index)
    if findings and not keep.all():
        kept = set(zip(frame.loc[keep, "source_file"], frame.loc[keep, "source_row"]))
        findings = [f for f in findings if (f.file, f.row) in kept]
    frame, blank = frame[keep].reset_index(drop=True), blank[keep].reset_index(drop=True)
    return frame, blank, findings


def typed_frames(raw: dict[str, pd.DataFrame],
                 std: Standard) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[Finding]]:
    """Typed frames and blank masks for every sheet id, with conversion findings."""
    frames, blanks, findings = {}, {}, []
    for sid, frame in raw.items():
        frames[sid], blanks[sid], found = typed_frame(frame, std.sheet(sid))
        findings += found
    return frames, blanks, findings


# --------------------------------------------------- rounds: group, term, round

def inherit_group(frames: dict[str, pd.DataFrame], blanks: dict[str, pd.DataFrame], std: Standard) -> None:
    """A blank 巡察组 of a round sheet takes the group of its file's only 轮次信息 row (in place)."""
    info = frames["round_info"].dropna(subset=["group"])
    counts = info.groupby("source_file")["group"].agg(["count", "first"])
    sole = counts.loc[counts["count"] == 1, "first"]
    for sid in std.round_sheets:
        frame = frames[sid]
        fill = frame["group"].isna() & frame["source_file"].isin(sole.index)
        if fill.any():
            frame.loc[fill, "group"] = frame.loc[fill, "source_file"].map(sole)
            blanks[sid].loc[fill, "group"] = False


def attach_rounds(frames: dict[str, pd.DataFrame], std: Standard) -> None:
    """Add ``term`` and ``round`` to the round sheets from 轮次信息 (same file and group)."""
    keys = (frames["round_info"].dropna(subset=["group"])
            .drop_duplicates(["source_file", "group"])[["source_file", "group", "term", "round"]])
    for sid in std.round_sheets:
        frame = frames[sid]
        merged = frame[["source_file", "group"]].merge(keys, how="left", on=["source_file", "group"])
        terms = merged["term"].to_numpy(dtype=object)
        frame["term"] = pd.Series(terms, index=frame.index, dtype=object).where(merged["term"].notna().to_numpy(), None)
        frame["round"] = merged["round"].fillna(0).astype("int64").to_numpy()
