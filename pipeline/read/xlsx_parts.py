"""The zip parts of a workbook (.xlsx .xlsm .ods): a size guard, then the formula/error scan.

A zip-based workbook is refused, from the sizes its zip directory declares, before
python-calamine inflates it: a "zip bomb" of about 1 MB can unzip to gigabytes. When
this module inflates a part itself it stops one byte past the declared size, so a
lying directory cannot make it read more (calamine's zip reader stops there too).

python-calamine shows a formula without a cached value and an error cell both as
``''``, so the sheet XML is the only place to find them: ``bad_cells`` scans it with
a namespace-aware streaming parser (lxml), after a cheap byte test that skips the
sheets holding neither (most of them).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..findings import Finding, finding

MB = 1 << 20
CHUNK = 4 * MB  # inflated bytes handed to the XML parser at a time

# The SpreadsheetML namespaces: transitional (what Excel, WPS and openpyxl write) and strict.
_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
         "http://purl.oclc.org/ooxml/spreadsheetml/main")
_CELL_TAGS = tuple(f"{{{ns}}}{tag}" for ns in _MAIN for tag in ("c", "row"))
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
# Necessary for a formula (<f>, <x:f ...>, <f/>) or an error cell (t="e", t='e'): a sheet
# without any is not parsed. Searched with an overlap across chunks, as two simple tests: one
# regex with both alternatives cannot use the fast literal search these do.
_MAYBE_FORMULA = re.compile(rb"f[\s/>]")
_MAYBE_ERROR = (b'"e"', b"'e'")
_OVERLAP = 8


class Unreadable(Exception):
    """The file cannot or must not be read as a workbook: its finding code, the template
    variant and the parameters of its message (``pipeline/findings.py``)."""

    def __init__(self, code: str, variant: str = "", **params):
        super().__init__(code)
        self.code, self.variant, self.params = code, variant, params

    def finding(self, file: str) -> Finding:
        """The finding of this refusal for the file shown as ``file``."""
        return finding(self.code, file=file, variant=self.variant, **self.params)


@dataclass(frozen=True)
class ZipLimits:
    """How far a zip-based workbook may inflate (``[reading]`` of ``schemas/rules.toml``)."""

    max_bytes: int  # all parts together, unzipped; also the largest file read at all
    max_ratio: int  # unzipped / zipped size of one part ...
    ratio_from_bytes: int  # ... checked for parts at least this large unzipped

    @classmethod
    def of(cls, std) -> ZipLimits:
        """The limits of a :class:`~pipeline.standard.Standard`."""
        return cls(std.max_unzipped_mb * MB, std.max_compression_ratio, std.compression_check_from_mb * MB)


def file_too_large(size: int, limits: ZipLimits) -> Unreadable | None:
    """The refusal of a file of ``size`` bytes on disk, or None when it may be read."""
    if size <= limits.max_bytes:
        return None
    return Unreadable("file-too-large", "on-disk", size_mb=size // MB, limit_mb=limits.max_bytes // MB)


# ------------------------------------------------------------------ the zip

class ZipParts:
    """The members of an in-memory zip, from its central directory.

    Read without zipfile's per-member overhead (calamine opens the same bytes; this
    is the cheap second look). Zip64, encryption or an odd compression fall back to
    :mod:`zipfile`, whose member reader also stops at the declared size.
    """

    def __init__(self, data: bytes):
        self.data = data
        self.sizes: dict[str, tuple[int, int]] = {}  # name -> (zipped, unzipped) as declared
        self._local: dict[str, tuple[int, int]] = {}  # name -> (local header offset, method)
        self._zipfile: zipfile.ZipFile | None = None
        try:
            self._read_directory()
        except (zipfile.BadZipFile, struct.error):
            self._zipfile = zipfile.ZipFile(io.BytesIO(data))  # raises BadZipFile when broken
            self.sizes = {i.filename: (i.compress_size, i.file_size) for i in self._zipfile.infolist()}

    def _read_directory(self) -> None:
        data = self.data
        eocd = data.rfind(b"PK\x05\x06")
        if eocd < 0:
            raise zipfile.BadZipFile("no end of central directory")
        count, _, pos = struct.unpack_from("<HII", data, eocd + 10)
        for _ in range(count):
            if data[pos:pos + 4] != b"PK\x01\x02":
                raise zipfile.BadZipFile("bad central directory")
            flags, method = struct.unpack_from("<HH", data, pos + 8)
            zipped, unzipped, name_len, extra_len, comment_len = struct.unpack_from("<IIHHH", data, pos + 20)
            local = struct.unpack_from("<I", data, pos + 42)[0]
            name = data[pos + 46:pos + 46 + name_len].decode("utf-8", "replace")
            if method not in (0, 8) or flags & 1 or 0xFFFFFFFF in (zipped, unzipped, local):
                raise zipfile.BadZipFile("unsupported member")
            self.sizes[name] = (zipped, unzipped)
            self._local[name] = (local, method)
            pos += 46 + name_len + extra_len + comment_len

    def check(self, limits: ZipLimits) -> None:
        """Raise :class:`Unreadable` when the parts would inflate beyond ``limits``."""
        total = sum(unzipped for _, unzipped in self.sizes.values())
        if total > limits.max_bytes:
            raise Unreadable("file-too-large", "unzipped", size_mb=total // MB, limit_mb=limits.max_bytes // MB)
        for name, (zipped, unzipped) in self.sizes.items():
            if unzipped >= limits.ratio_from_bytes and unzipped > limits.max_ratio * max(zipped, 1):
                raise Unreadable("file-compression-suspicious", part=name, size_mb=unzipped // MB,
                                 ratio=unzipped // max(zipped, 1))

    def pieces(self, name: str) -> Iterator[bytes]:
        """The inflated bytes of member ``name`` in chunks; BadZipFile past its declared size."""
        if self._zipfile is not None:
            with self._zipfile.open(name) as fh:  # stops at the declared size, checks the CRC
                while piece := fh.read(CHUNK):
                    yield piece
            return
        local, method = self._local[name]
        zipped, unzipped = self.sizes[name]
        name_len, extra_len = struct.unpack_from("<HH", self.data, local + 26)
        start = local + 30 + name_len + extra_len
        raw = memoryview(self.data)[start:start + zipped]
        if method == 0:
            yield from (bytes(raw[i:i + CHUNK]) for i in range(0, len(raw), CHUNK))
            return
        inflate, done = zlib.decompressobj(-15), 0
        while not inflate.eof:
            piece = inflate.decompress(raw, min(CHUNK, unzipped - done + 1))
            raw = inflate.unconsumed_tail
            if not piece and not raw:
                break  # truncated member: what there is
            done += len(piece)
            if done > unzipped:
                raise zipfile.BadZipFile(f"{name} is larger than its declared size")
            yield piece

    def read(self, name: str) -> bytes:
        """The whole inflated member ``name`` (for the small parts)."""
        return b"".join(self.pieces(name))


def open_zip(data: bytes, limits: ZipLimits) -> ZipParts | None:
    """The checked parts of a zip-based workbook; None for other formats.

    Raises :class:`Unreadable` for a workbook that would inflate too far and
    ``zipfile.BadZipFile`` for a zip whose directory cannot be read.
    """
    if not data.startswith(b"PK"):
        return None
    parts = ZipParts(data)
    parts.check(limits)
    return parts


# ------------------------------------------------ formulas without a cached value

def _parser(**kwargs):
    from lxml import etree  # imported on first use: most runs never parse a sheet

    return etree.XMLPullParser(resolve_entities=False, no_network=True, load_dtd=False, **kwargs)


def _xml_error():
    from lxml import etree

    return etree.LxmlError


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@lru_cache(maxsize=256)
def _parts_of(book: bytes, rels: bytes) -> dict[str, str]:
    """{sheet name: part path} from workbook.xml and its relationships (any namespace prefix)."""
    targets = {el.get("Id"): el.get("Target", "") for el in _elements(rels) if _local(el.tag) == "Relationship"}
    out = {}
    for el in _elements(book):
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            out[el.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _elements(xml: bytes):
    parser = _parser(events=("end",))
    parser.feed(xml)
    parser.close()
    return [el for _, el in parser.read_events()]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _may_hold_bad_cells(pieces: Iterable[bytes]) -> bool:
    tail = b""
    for piece in pieces:
        for text in (tail + piece[:_OVERLAP], piece):
            if _MAYBE_FORMULA.search(text) or any(quoted in text for quoted in _MAYBE_ERROR):
                return True
        tail = piece[-_OVERLAP:]
    return False


def _bad_cells(pieces: Iterable[bytes]) -> list[tuple[int, int, str, str]]:
    """(row, col index, kind, text) of formula cells without a cached value, then of error cells.

    Streaming: each row is dropped once read, so memory stays small for any sheet size.
    A malformed part yields the cells found before the error.
    """
    formulas, errors = [], []
    parser = _parser(events=("end",), tag=_CELL_TAGS)
    try:
        for piece in pieces:
            parser.feed(piece)
            for _, el in parser.read_events():
                if _local(el.tag) == "row":
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                else:
                    _classify(el, formulas, errors)
        parser.close()
    except _xml_error():
        pass
    return formulas + errors


def _classify(cell, formulas: list, errors: list) -> None:
    ref = _CELL_REF.fullmatch(cell.get("r", ""))
    if ref is None:
        return
    ns = cell.tag[:-1]  # "{namespace}" of the cell, shared by its children
    formula, value, ctype = cell.find(ns + "f"), cell.find(ns + "v"), cell.get("t")
    row, col = int(ref.group(2)), _col_index(ref.group(1))
    if formula is not None and not (value is not None and value.text) and ctype != "str":
        formulas.append((row, col, "formula", "=" + (formula.text or "")))
    if ctype == "e":
        errors.append((row, col, "error", (value.text or "") if value is not None else "#错误"))


def bad_cells(parts: ZipParts | None, names: Iterable[str]) -> dict[str, list]:
    """{sheet name: bad cells} of the sheets ``names`` of an .xlsx/.xlsm; {} for other formats."""
    if parts is None or "xl/workbook.xml" not in parts.sizes:
        return {}
    try:
        sheet_parts = _parts_of(parts.read("xl/workbook.xml"), parts.read("xl/_rels/workbook.xml.rels"))
        out = {}
        for name in names:
            part = sheet_parts.get(name)
            if part in parts.sizes and _may_hold_bad_cells(parts.pieces(part)):
                out[name] = _bad_cells(parts.pieces(part))
        return out
    except (KeyError, zipfile.BadZipFile, zlib.error, ValueError, _xml_error()):
        return {}
