"""Conventions shared by every spreadsheet we write: text width, writer options, printing.

One place for each fact: a CJK character is two Excel width units; xlsxwriter never
turns a string into a formula, link or number; tables print on A4 landscape, one page wide.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Values are written as values: a cell typed "=1+1" or "http://…" stays text.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                      "strings_to_numbers": False}
A4 = 9  # xlsxwriter paper code


@lru_cache(maxsize=65536)
def text_width(text: str) -> int:
    """Width of ``text`` in Excel character units: a CJK (wide) character counts two.

    Cached: cells repeat (names, files, categories) across thousands of rows.
    """
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def print_a4_landscape(ws, repeat_first: int | None = None, repeat_last: int | None = None) -> None:
    """A4 landscape, one page wide; the rows ``repeat_first..repeat_last`` on every page."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if repeat_first is not None:
        ws.repeat_rows(repeat_first, repeat_first if repeat_last is None else repeat_last)
