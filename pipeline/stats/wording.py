"""The phrases the drafts use (periods.md §4): the standard's defaults, replaced by the office's
文稿措辞 workbook where its 本单位措辞 is filled.

Rows the checks reported are left out here: an unknown 编号 (``wording-unknown``) and a
phrase with braces or over the limit (``wording-invalid``, an error: the statistics do not
run, or --skip-invalid left the whole workbook out). A phrase is one paragraph's text, so the
line breaks typed in a cell (Alt+Enter) are dropped; the template puts the punctuation after a
phrase whose default ends without any, so the office's trailing 。，；、 is dropped there (no
doubled marks); for the same 编号 twice the last row wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Dataset
from ..standard import Standard

SHEET = "wording"


@dataclass
class Wording:
    """The text of every phrase, and where the office's own text came from."""

    phrases: dict[str, str]
    custom: list[str] = field(default_factory=list)  # keys whose text is the office's, in standard order
    files: list[str] = field(default_factory=list)  # the 文稿措辞 workbook(s) read

    def __getitem__(self, key: str) -> str:
        return self.phrases[key]


TRAILING = "。，；、,;"


def one_line(text: str, default: str = "") -> str:
    """The phrase as one paragraph: stripped, the typed line breaks removed, and its trailing
    punctuation dropped when the default has none (the template adds it)."""
    text = "".join(part.strip() for part in text.splitlines()).strip()
    if default and default[-1] not in TRAILING + "：:":
        text = text.rstrip(TRAILING).rstrip()
    return text


def wording_in_force(ds: Dataset, std: Standard) -> Wording:
    """The phrases of the drafts for ``ds`` (see the module docstring)."""
    defaults = std.default_wording
    frame = ds.tables.get(SHEET)
    own: dict[str, str] = {}
    if frame is not None and not frame.empty:
        for key, text in zip(frame["key"], frame["custom"], strict=True):
            text = one_line(text, defaults.get(key, "")) if isinstance(text, str) else ""
            if key in defaults and text and std.phrase_problem(text) is None:
                own[key] = text
    files = [s.path for s in ds.sources if s.kind == SHEET and s.valid and s.path not in ds.excluded]
    return Wording({**defaults, **own}, [k for k in defaults if k in own], files)
