"""GB/T 9704-2012 document builder: rendered text in, Word document (and Markdown) out.

The summary templates render to a small text convention (Markdown-like):

- paragraphs are separated by blank lines; the lines of one paragraph are
  stripped and joined without a separator (Chinese has no spaces), so a
  template may spread one sentence over several lines;
- ``# `` title (方正小标宋简体 二号, centred); ``> `` a centred line under the
  title (楷体_GB2312 三号), e.g. the month of a brief;
- ``## `` a first-level heading (一、…, 黑体 三号);
- ``### `` a second-level heading (（一）…, 楷体_GB2312 三号), run in: its text up to
  and including the first "。" is the heading, the rest of the line is body text
  in the same paragraph (as in the reference summary);
- anything else is a body paragraph (仿宋_GB2312 三号, first line indented two
  characters, 22 lines of 28 characters a page).

``【待补充：…】`` markers may appear anywhere; they are highlighted in yellow.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from ..output import atomic_path

MARKER_RE = re.compile(r"【待补充：[^】]*】")

TITLE, SUBTITLE, HEADING1, HEADING2, BODY = "title", "subtitle", "heading1", "heading2", "body"
# Blocks of a document built in code (not parsed from a template): the addressee (主送机关: flush
# left, no indent) and the signature lines at the foot (发文机关署名, 成文日期: right, four
# characters in from the edge).
ADDRESSEE, SIGNATURE = "addressee", "signature"
_PREFIXES = (("# ", TITLE), ("> ", SUBTITLE), ("## ", HEADING1), ("### ", HEADING2))
_MD_PREFIX = {TITLE: "# ", SUBTITLE: "> ", HEADING1: "## ", HEADING2: "### ", BODY: "", ADDRESSEE: "",
              SIGNATURE: ""}
SIGNATURE_INDENT_CHARS = 4  # GB/T 9704: 成文日期右空四字

# GB/T 9704-2012: A4, 版心 156 x 225 mm, 22 lines of 28 characters.
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
FOOTER_DISTANCE_MM = 25  # puts the page number's dashes about 7 mm below the text block
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14  # 二号, 三号, 四号


@dataclass(frozen=True)
class Block:
    """One paragraph of the rendered text: its kind and its text (without prefix)."""

    kind: str
    text: str


def parse_blocks(text: str) -> list[Block]:
    """Split rendered template text into blocks (see the module docstring)."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        joined = "".join(line.strip() for line in chunk.split("\n"))
        if not joined:
            continue
        kind = BODY
        for prefix, prefix_kind in _PREFIXES:
            if joined.startswith(prefix):
                kind, joined = prefix_kind, joined[len(prefix):].strip()
                break
        blocks.append(Block(kind, joined))
    return blocks


def count_markers(blocks: list[Block]) -> int:
    """How many 【待补充：…】 markers the blocks hold."""
    return sum(len(MARKER_RE.findall(b.text)) for b in blocks)


def to_markdown(blocks: list[Block]) -> str:
    """The Markdown copy: one block a paragraph, ``#`` headings."""
    return "\n\n".join(_MD_PREFIX[b.kind] + b.text for b in blocks) + "\n"


# ------------------------------------------------------------------ low-level XML

def _set_attrs(el, **attrs: str) -> None:
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))


def _child(parent, tag: str):
    """The first child ``w:tag`` of ``parent``, created (appended) when missing."""
    el = parent.find(qn(f"w:{tag}"))
    if el is None:
        el = OxmlElement(f"w:{tag}")
        parent.append(el)
    return el


# Children of w:pPr that the schema puts after w:autoSpaceDN (Word rejects misordered XML).
_PPR_AFTER_AUTOSPACE = ("bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
                        "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
                        "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
                        "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def _insert_before(parent, el, successors: tuple[str, ...]) -> None:
    """Insert ``el`` before the first child named in ``successors`` (else append it)."""
    for child in parent:
        if child.tag in {qn(f"w:{name}") for name in successors}:
            child.addprevious(el)
            return
    parent.append(el)


def _set_rfonts(rpr, east_asia: str, latin: str) -> None:
    """Name the East Asian and Latin fonts; drop theme fonts, which would win over names."""
    fonts = rpr.get_or_add_rFonts()  # python-docx keeps the schema order of w:rPr
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    _set_attrs(fonts, ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia")


def style_run(run, east_asia: str, size_pt: float, latin: str = LATIN_FONT) -> None:
    """Set a run's fonts (East Asian and Latin) and size; 三号 text is condensed to the grid."""
    run.font.size = Pt(size_pt)
    rpr = run._element.get_or_add_rPr()
    _set_rfonts(rpr, east_asia, latin)
    if size_pt == BODY_PT:
        _set_spacing(rpr)


def _set_spacing(rpr) -> None:
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:  # schema order: after w:rFonts (and b/i...), before w:sz
        spacing = OxmlElement("w:spacing")
        size = rpr.find(qn("w:sz"))
        if size is not None:
            size.addprevious(spacing)
        else:
            rpr.append(spacing)
    _set_attrs(spacing, val=body_char_spacing_twips())


def _first_line_indent(paragraph, chars: int, size_pt: float) -> None:
    """Indent the first line by ``chars`` characters (as characters, and in twips as fallback)."""
    paragraph.paragraph_format.first_line_indent = Pt(chars * size_pt)
    ind = _child(paragraph._p.get_or_add_pPr(), "ind")
    _set_attrs(ind, firstLineChars=chars * 100)


# ------------------------------------------------------------------ document setup

def _line_pitch_twips() -> int:
    """Line pitch that puts 22 lines in the 225 mm text block (579 twips, about 28.9 pt)."""
    text_height_pt = (PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) / 25.4 * 72
    return int(text_height_pt * 20 / LINES_PER_PAGE)


def body_char_spacing_twips() -> int:
    """Character spacing that puts 28 三号 characters on a line (negative: condensed).

    A ``linesAndChars`` document grid would say the same to Word, but LibreOffice
    then gives each 16 pt character two 15.8 pt grid cells (14 characters a line);
    condensing the characters by a quarter point works in Word, WPS and LibreOffice.
    """
    text_width_pt = (PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) / 25.4 * 72
    pitch_twips = text_width_pt * 20 / CHARS_PER_LINE
    return math.floor(pitch_twips - BODY_PT * 20)


def _setup_page(section) -> None:
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.footer_distance, section.header_distance = Mm(FOOTER_DISTANCE_MM), Mm(15)
    section.start_type = WD_SECTION.NEW_PAGE
    grid = _child(section._sectPr, "docGrid")
    grid.attrib.pop(qn("w:charSpace"), None)
    _set_attrs(grid, type="lines", linePitch=_line_pitch_twips())


def _setup_doc_defaults(doc) -> None:
    """docDefaults: 仿宋_GB2312 三号, Chinese language (also for runs without properties)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr, BODY_FONT, LATIN_FONT)
    _set_attrs(_child(rpr, "lang"), val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    for tag in ("sz", "szCs"):
        _set_attrs(_child(rpr, tag), val=BODY_PT * 2)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        _set_attrs(lang, val="en-US", eastAsia="zh-CN")


def _setup_normal(doc) -> None:
    """The Normal style: 仿宋_GB2312 三号, exact line pitch, no widow control, no auto spacing."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_rfonts(normal.element.get_or_add_rPr(), BODY_FONT, LATIN_FONT)
    _set_spacing(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(_line_pitch_twips())
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False  # it would leave short pages and break the 22-line grid
    ppr = normal.element.get_or_add_pPr()
    for tag in ("autoSpaceDE", "autoSpaceDN"):  # no extra gap between Chinese and digits
        el = OxmlElement(f"w:{tag}")
        _set_attrs(el, val=0)
        _insert_before(ppr, el, _PPR_AFTER_AUTOSPACE)


def _add_field(paragraph, instruction: str, placeholder: str) -> None:
    """Append a simple field (e.g. PAGE) as begin/instrText/separate/result/end runs."""
    def fld(kind: str):
        el = OxmlElement("w:fldChar")
        _set_attrs(el, fldCharType=kind)
        return el

    for part in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        style_run(run, PAGE_NUMBER_FONT, PAGE_NUMBER_PT, PAGE_NUMBER_FONT)
        if part == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._element.append(instr)
        elif part == "result":
            run.text = placeholder
        else:
            run._element.append(fld(part))


def _page_number_footer(footer, odd: bool) -> None:
    """`— N —` in 宋体 四号: odd pages right, even pages left, one character in from the edge."""
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    fmt = para.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if odd:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    for text in ("— ", None, " —"):
        if text is None:
            _add_field(para, "PAGE", "1")
        else:
            style_run(para.add_run(text), PAGE_NUMBER_FONT, PAGE_NUMBER_PT, PAGE_NUMBER_FONT)


def new_document(title: str = ""):
    """An empty GB/T 9704 document: page, margins, grid, default fonts, page numbers."""
    doc = Document()
    _setup_doc_defaults(doc)
    _setup_normal(doc)
    section = doc.sections[0]
    _setup_page(section)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, odd=True)
    _page_number_footer(section.even_page_footer, odd=False)
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    return doc


# ------------------------------------------------------------------ paragraphs

_PLAIN_RE = re.compile(r"[\t\n\r\f\v]")  # characters python-docx turns into tab/break elements


def _style(run, east_asia: str, size_pt: float, latin: str, marker: bool) -> None:
    """``style_run``, and the yellow highlight of a 【待补充】 marker."""
    style_run(run, east_asia, size_pt, latin)
    if marker:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


@lru_cache(maxsize=32)
def _run_properties(east_asia: str, size_pt: float, latin: str, marker: bool = False):
    """The ``w:rPr`` that ``_style`` gives a new run (built once, then copied)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.text.run import Run

    run = Run(parse_xml(f"<w:r {nsdecls('w')}/>"), None)
    _style(run, east_asia, size_pt, latin, marker)
    return run._element.rPr


@lru_cache(maxsize=32)
def _run_template(east_asia: str, size_pt: float, latin: str, marker: bool = False):
    """An empty ``w:r`` holding the run properties of ``_run_properties``."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    r = parse_xml(f"<w:r {nsdecls('w')}/>")
    r.append(copy.deepcopy(_run_properties(east_asia, size_pt, latin, marker)))
    return r


def _fast_run(paragraph, text: str, east_asia: str, size_pt: float, latin: str, marker: bool = False):
    """``_style(paragraph.add_run(text), ...)`` without python-docx's per-run overhead
    (same XML: a copy of the cached styled run appended, then the text, as ``CT_R.add_t``
    writes it)."""
    from docx.oxml.ns import qn
    from lxml import etree

    r = copy.deepcopy(_run_template(east_asia, size_pt, latin, marker))
    paragraph._p.append(r)  # a paragraph's runs come last (CT_P declares no successor of w:r)
    if text:
        t = etree.SubElement(r, qn("w:t"))
        t.text = text
        if len(text.strip()) < len(text):
            t.set(qn("xml:space"), "preserve")
    return r


def _styled_run(paragraph, text: str, east_asia: str, size_pt: float, latin: str,
                marker: bool = False) -> None:
    """Add one styled run (python-docx's own path for text with tabs or line breaks)."""
    if _PLAIN_RE.search(text):
        _style(paragraph.add_run(text), east_asia, size_pt, latin, marker)
    else:
        _fast_run(paragraph, text, east_asia, size_pt, latin, marker)


def _add_runs(paragraph, text: str, east_asia: str, size_pt: float, latin: str) -> None:
    """Add ``text`` as runs; 【待补充：…】 markers get their own highlighted run."""
    pos = 0
    for match in MARKER_RE.finditer(text):
        if match.start() > pos:
            _styled_run(paragraph, text[pos:match.start()], east_asia, size_pt, latin)
        _styled_run(paragraph, match.group(), east_asia, size_pt, latin, marker=True)
        pos = match.end()
    if pos < len(text):
        _styled_run(paragraph, text[pos:], east_asia, size_pt, latin)


def _outline_level(paragraph, level: int) -> None:
    _set_attrs(_child(paragraph._p.get_or_add_pPr(), "outlineLvl"), val=level)


def _split_run_in(text: str) -> tuple[str, str]:
    """A run-in heading: (heading up to and including the first "。", rest)."""
    cut = text.find("。")
    return (text, "") if cut < 0 else (text[:cut + 1], text[cut + 1:])


def add_block(doc, block: Block) -> None:
    """Append one block to the document in its GB/T 9704 style."""
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    if block.kind == TITLE:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_runs(para, block.text, TITLE_FONT, TITLE_PT, TITLE_FONT)
        return
    if block.kind == SUBTITLE:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_runs(para, block.text, HEADING2_FONT, BODY_PT, LATIN_FONT)
        return
    if block.kind in (ADDRESSEE, SIGNATURE):  # flush left; or right, four characters in
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if block.kind == ADDRESSEE else WD_ALIGN_PARAGRAPH.RIGHT
        if block.kind == SIGNATURE:
            fmt.right_indent = Pt(SIGNATURE_INDENT_CHARS * BODY_PT)
        _add_runs(para, block.text, BODY_FONT, BODY_PT, LATIN_FONT)
        return
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _first_line_indent(para, 2, BODY_PT)
    if block.kind == HEADING1:
        _outline_level(para, 0)
        fmt.keep_with_next = True  # never a heading alone at the foot of a page
        _add_runs(para, block.text, HEADING1_FONT, BODY_PT, HEADING1_FONT)
    elif block.kind == HEADING2:
        head, rest = _split_run_in(block.text)
        _add_runs(para, head, HEADING2_FONT, BODY_PT, LATIN_FONT)
        _add_runs(para, rest, BODY_FONT, BODY_PT, LATIN_FONT)
    else:
        _add_runs(para, block.text, BODY_FONT, BODY_PT, LATIN_FONT)


def _add_blank_line(doc) -> None:
    para = doc.add_paragraph()
    style_run(para.add_run(""), BODY_FONT, BODY_PT)


def build_document(blocks: list[Block], title: str = ""):
    """The whole document; one blank line between the title lines and the body (GB/T 9704)."""
    doc = new_document(title)
    body = doc.paragraphs[0]._p if doc.paragraphs else None
    if body is not None:  # python-docx's template starts empty; keep it that way
        body.getparent().remove(body)
    previous = None
    for block in blocks:
        if previous in (TITLE, SUBTITLE) and block.kind not in (TITLE, SUBTITLE) \
                or block.kind == SIGNATURE and previous not in (SIGNATURE, None):
            _add_blank_line(doc)
        add_block(doc, block)
        previous = block.kind
    return doc


def write_docx(blocks: list[Block], target: Path, title: str = "") -> Path:
    """Build the document and save it atomically to ``target``."""
    doc = build_document(blocks, title)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return Path(target)
