"""Writing a county package 上报_<县名>_<期间>.xlsx (spec rollup.md), from plain data.

Four sheets, readable by a person and by :mod:`pipeline.rollup.reader`: 上报信息 (| 项目 | 内容 |),
指标 (| 指标代码 | 指标 | 数值 |), 分轮次 and 核实说明. Dates are written as text YYYY-MM-DD and
figures as whole numbers; nothing else of the county's data goes in (no clue, no names).
Written with xlsxwriter, values only, atomically, print-ready.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter

from .. import __version__
from ..output import atomic_path
from ..periods import Period
from ..render.sheet_conventions import XLSXWRITER_OPTIONS, print_a4_landscape, text_width
from ..standard import Standard
from .format import package_format
from .indicators import indicator_label

MAX_WIDTH = 70
ROUND_KEYS = ("term", "round", "type", "groups", "orgs_inspected", "start", "end", "talks", "problems", "clues")
ROUND_STANDARD_HEADERS = {"term": "term", "round": "round", "type": "type"}  # from the standard's 轮次信息


def fingerprint(sha256s: Iterable[str]) -> str:
    """数据指纹: SHA-256 (lowercase hex) of the sorted lowercase hex SHA-256 of every workbook
    read, each followed by a newline, as UTF-8."""
    text = "".join(f"{h}\n" for h in sorted(h.lower() for h in sha256s))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_info(*, county: str, compiler: str, period: Period, term: str, generated: dt.date,
                 sha256s: Iterable[str], unexplained: int, tool_version: str = __version__) -> dict:
    """The 上报信息 items of a package, by id (see schemas/package.toml [info.items])."""
    return {"county": county, "compiler": compiler, "period": period.label,
            "period_kind": package_format().period_kinds[period.kind],
            "start": period.start.isoformat(), "end": period.end.isoformat(), "term": term,
            "generated": generated.isoformat(), "tool_version": tool_version,
            "fingerprint": fingerprint(sha256s), "unexplained": int(unexplained)}


def round_headers(std: Standard) -> dict[str, str]:
    """分轮次 headers by key: 届次, 轮次, 巡察类型 as the standard's 轮次信息 says, then the format's."""
    own = package_format().section("rounds")["headers"]
    info = std.sheet("round_info")
    return {k: info.header(ROUND_STANDARD_HEADERS[k]) if k in ROUND_STANDARD_HEADERS else own[k]
            for k in ROUND_KEYS}


class _Sheets:
    """Cell formats and a table writer shared by the four sheets."""

    def __init__(self, book):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "border": 1}
        self.book = book
        self.head = book.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "align": "center"})
        self.text = book.add_format(base)
        self.number = book.add_format({**base, "num_format": "0"})

    def table(self, name: str, headers: list[str], rows: list[list], filter_: bool = False) -> None:
        ws = self.book.add_worksheet(name)
        ws.write_row(0, 0, headers, self.head)
        widths = [text_width(h) + 2 for h in headers]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                self._cell(ws, r, c, value)
                widths[c] = max(widths[c], text_width("" if value is None else str(value)) + 2)
        for c, width in enumerate(widths):
            ws.set_column(c, c, min(width, MAX_WIDTH))
        ws.freeze_panes(1, 0)
        if filter_ and rows:
            ws.autofilter(0, 0, len(rows), len(headers) - 1)
        print_a4_landscape(ws, 0)

    def _cell(self, ws, r: int, c: int, value) -> None:
        if value is None or value == "":
            ws.write_blank(r, c, None, self.text)
        elif isinstance(value, int) and not isinstance(value, bool):
            ws.write_number(r, c, value, self.number)
        else:
            ws.write_string(r, c, _text(value), self.text)


def _text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def write_package(path: Path, info: dict, indicators: dict[str, int], rounds: list[dict],
                  explanations: list[dict], std: Standard) -> Path:
    """Write a package at ``path`` atomically; return the path.

    ``info``: the 上报信息 items by id (:func:`package_info`); ``indicators``: {指标代码: whole
    number} in the order to write (:func:`~pipeline.rollup.indicators.indicators_from_metrics`);
    ``rounds``: metrics.json ``rounds`` entries; ``explanations``: explained warnings, dicts with
    file, sheet, row, column, code, text.
    """
    fmt = package_format()
    path = Path(path)
    sec = {name: fmt.section(name) for name in ("info", "indicators", "rounds", "explanations")}
    info_rows = [[label, info.get(key, "")] for key, label in fmt.info_items.items()]
    indicator_rows = [[code, indicator_label(code, std), int(value)] for code, value in indicators.items()]
    round_rows = [[r.get(k) for k in ROUND_KEYS] for r in rounds]
    ex_keys = list(sec["explanations"]["headers"])
    ex_rows = [[e.get(k) for k in ex_keys] for e in explanations]
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), XLSXWRITER_OPTIONS)
        book.set_properties({"title": path.stem, "author": str(info.get("compiler", "")),
                             "company": str(info.get("county", ""))})
        w = _Sheets(book)
        ind = sec["indicators"]
        w.table(sec["info"]["sheet"], [sec["info"]["item_header"], sec["info"]["content_header"]], info_rows)
        w.table(ind["sheet"], [ind["code_header"], ind["label_header"], ind["value_header"]], indicator_rows,
                filter_=True)
        w.table(sec["rounds"]["sheet"], list(round_headers(std).values()), round_rows)
        w.table(sec["explanations"]["sheet"], list(sec["explanations"]["headers"].values()), ex_rows)
        book.close()
    return path
