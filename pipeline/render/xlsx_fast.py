"""A minimal, fast .xlsx writer for very long plain tables (the detail companion workbook).

xlsxwriter's work per cell adds up over a province's detail sheets, which hold
millions of cells. This writer builds the sheet XML column by column, formatting
each DISTINCT value once (dates, names, file names and categories repeat a lot),
with shared strings, a title row, a bold header row, frozen panes, column widths
and an A4 landscape print setup. Values only: numbers, dates, text; never formulas.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from ..output import atomic_path
from .table_model import FILLS, Filled, Table, display_width

_EPOCH = dt.datetime(1899, 12, 30)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WIDTH_SAMPLE = 2000  # rows looked at for column widths
MIN_WIDTH, MAX_WIDTH = 6, 50
DATE, BOLD, TITLE, CELL = 1, 2, 3, 4  # cell style ids (index into cellXfs)
FILL_STYLE = {name: CELL + 1 + k for k, name in enumerate(FILLS)}  # then one per fill (Filled cells)
_INT_CELL = "<c><v>{}</v></c>"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '{sheets}</Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="宋体"/><family val="2"/></font></fonts>'
    '<fills count="{n_fills}"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>{fills}</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="{n_xfs}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>{fill_xfs}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>').format(
    n_fills=2 + len(FILLS), n_xfs=CELL + 1 + len(FILLS),
    fills="".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c.lstrip("#")}"/></patternFill></fill>'
                  for c in FILLS.values()),
    fill_xfs="".join(f'<xf numFmtId="0" fontId="0" fillId="{2 + k}" borderId="0" xfId="0" applyFill="1"/>'
                     for k in range(len(FILLS))))


class _Strings:
    """The shared-string table: each distinct text stored once."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def cell(self, text: str, style: int = 0) -> str:
        """A ``<c>`` element for ``text`` (added to the table when new)."""
        i = self.index.setdefault(text, len(self.index))
        attr = f' s="{style}"' if style else ""
        return f'<c t="s"{attr}><v>{i}</v></c>'

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{_clean(s)}</t></si>' for s in self.index)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>')


def _clean(text: str) -> str:
    return escape(_ILLEGAL.sub("", text))


def _cell(value, strings: _Strings) -> str:
    """One value as a ``<c>`` element: number, date (serial + date style), text, or empty."""
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return strings.cell("是" if value else "否")
    if isinstance(value, float) and value != value:
        return "<c/>"
    if isinstance(value, (int, float)):
        return f"<c><v>{value!r}</v></c>" if isinstance(value, float) else f"<c><v>{value}</v></c>"
    if isinstance(value, dt.date):
        day = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        serial = (day - _EPOCH).total_seconds() / 86400
        return f'<c s="{DATE}"><v>{serial:g}</v></c>'
    if isinstance(value, Filled):
        return strings.cell(str(value), FILL_STYLE[value.fill])
    return strings.cell(str(value))


def _column_cells(values, strings: _Strings) -> list[str]:
    """The ``<c>`` elements of one column, each distinct value formatted once
    (pandas.factorize, then a numpy take: no per-cell Python)."""
    if not values:
        return []
    types = set(map(type, values))
    if types == {int}:  # 序号, 行号, counts: no distinct-value step needed
        return list(map(_INT_CELL.format, values))
    if bool in types:  # factorize would merge True with 1
        return [_cell(v, strings) for v in values]
    codes, uniques = pd.factorize(np.array(values, dtype=object), use_na_sentinel=True)
    frags = np.array([_cell(u, strings) for u in uniques] + ["<c/>"], dtype=object)
    return frags[codes].tolist()


def _widths(table: Table) -> list[float]:
    """Column widths from the header and the first rows (a CJK character counts as two)."""
    sample = table.rows[:WIDTH_SAMPLE]
    widths = []
    for i, col in enumerate(table.columns):
        data = max((display_width(row[i]) for row in sample), default=0)
        widths.append(min(max(MIN_WIDTH, display_width(col.header) // 2 + 1, data) + 2, MAX_WIDTH))
    return widths


def _sheet_xml(table: Table, strings: _Strings) -> str:
    """The worksheet XML of one table: title, header, then the rows; notes below."""
    n_cols = len(table.columns)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(_widths(table), start=1))
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>',
             '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="2" topLeftCell="A3" '
             'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
             f"<cols>{cols}</cols><sheetData>",
             f'<row r="1" ht="22" customHeight="1">{strings.cell(table.title, TITLE)}</row>',
             ('<row r="2">' + "".join(strings.cell(c.header, BOLD) for c in table.columns) + "</row>")]
    columns = list(zip(*table.rows)) if table.rows else [()] * n_cols
    cells = [_column_cells(col, strings) for col in columns]
    parts += [f'<row r="{r}">{"".join(row)}</row>' for r, row in enumerate(zip(*cells), start=3)]
    row = 3 + len(table.rows) + 1
    for note in table.notes:
        parts.append(f'<row r="{row}">{strings.cell(note)}</row>')
        row += 1
    parts.append('</sheetData><pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" '
                 'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
                 'fitToHeight="0"/><headerFooter><oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>'
                 '</headerFooter></worksheet>')
    return "".join(parts)


def _workbook_xml(tables: list[Table]) -> tuple[str, str]:
    sheets = "".join(f'<sheet name="{_clean(t.sheet)}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, t in enumerate(tables, start=1))
    titles = "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
                     f"'{_clean(t.sheet)}'!$1:$2</definedName>" for n, t in enumerate(tables))
    book = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}>'
            f"<sheets>{sheets}</sheets><definedNames>{titles}</definedNames></workbook>")
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = "".join(f'<Relationship Id="rId{n}" Type="{rel}worksheet" Target="worksheets/sheet{n}.xml"/>'
                   for n in range(1, len(tables) + 1))
    k = len(tables)
    rels += (f'<Relationship Id="rId{k + 1}" Type="{rel}styles" Target="styles.xml"/>'
             f'<Relationship Id="rId{k + 2}" Type="{rel}sharedStrings" Target="sharedStrings.xml"/>')
    return book, ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  f"{rels}</Relationships>")


def write_plain_workbook(tables: list[Table], target: Path) -> Path:
    """Write ``tables`` one per sheet into ``target`` (atomically); return its path."""
    target = Path(target)
    strings = _Strings()
    sheets = [_sheet_xml(t, strings) for t in tables]
    book, rels = _workbook_xml(tables)
    types = _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(tables) + 1)))
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/styles.xml", _STYLES)
        for n, xml in enumerate(sheets, start=1):
            zf.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        zf.writestr("xl/sharedStrings.xml", strings.xml())
    return target
