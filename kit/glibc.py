"""Which glibc a compiled file needs: the GLIBC_x.y versions of its ELF version needs (.gnu.version_r).

Pure Python, so the kit can be checked on any build machine (no readelf, objdump or pyelftools).
The dynamic loader refuses a library whose version needs name a GLIBC_x.y newer than the system's
glibc; the largest such x.y over every ELF file of a Linux kit is the oldest glibc it runs on.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
SHT_GNU_VERNEED = 0x6FFFFFFE
PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_STRTAB, DT_VERNEED, DT_VERNEEDNUM = 0, 5, 0x6FFFFFFE, 0x6FFFFFFF
GLIBC_NAME = re.compile(r"GLIBC_(\d+(?:\.\d+)+)")

Version = tuple[int, ...]


class ElfError(ValueError):
    """The bytes are not an ELF file this reader understands (truncated, or offsets out of range)."""


def is_elf(head: bytes) -> bool:
    return head[:4] == ELF_MAGIC


def version_needs(data: bytes) -> list[str]:
    """Every version name the file needs from its shared libraries (``GLIBC_2.17``, ``GLIBCXX_3.4`` ...)."""
    elf = _Elf(data)
    return elf.needs_from_sections() if elf.shnum else elf.needs_from_dynamic()


def glibc_needed(data: bytes) -> Version | None:
    """The newest ``GLIBC_x.y`` the file needs, as a tuple (``(2, 17)``); None when it needs none."""
    found = [parse_version(m.group(1)) for name in version_needs(data) if (m := GLIBC_NAME.fullmatch(name))]
    return max(found, default=None)


def parse_version(text: str) -> Version:
    return tuple(int(part) for part in text.split("."))


def show(version: Version | None) -> str:
    return "none" if version is None else ".".join(str(p) for p in version)


def wheel_needs(path: Path) -> Iterator[tuple[str, Version | None]]:
    """(member, glibc needed) for every ELF file inside a wheel, whatever its name (.so, .so.1, programs)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir() or info.file_size < 64:
                continue
            with zf.open(info) as member:
                if not is_elf(member.read(4)):
                    continue
            try:
                yield info.filename, glibc_needed(zf.read(info))
            except ElfError as exc:
                raise ElfError(f"{path.name}: {info.filename}: {exc}") from None


class _Elf:
    """Just enough of an ELF file's headers to walk its version needs (32/64-bit, either byte order)."""

    def __init__(self, data: bytes):
        if not is_elf(data) or len(data) < 52 or data[4] not in (1, 2) or data[5] not in (1, 2):
            raise ElfError("not an ELF file")
        self.data, self.wide = data, data[4] == 2
        self.end = "<" if data[5] == 1 else ">"
        if self.wide:
            (self.phoff, self.shoff) = self._unpack("QQ", 0x20)
            (self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx) = self._unpack("HHHHH", 0x36)
        else:
            (self.phoff, self.shoff) = self._unpack("II", 0x1C)
            (self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx) = self._unpack("HHHHH", 0x2A)

    def _unpack(self, fmt: str, offset: int) -> tuple:
        fmt = self.end + fmt
        if offset < 0 or offset + struct.calcsize(fmt) > len(self.data):
            raise ElfError(f"offset {offset:#x} out of range")
        return struct.unpack_from(fmt, self.data, offset)

    def _string(self, offset: int) -> str:
        if not 0 <= offset < len(self.data):
            raise ElfError(f"string offset {offset:#x} out of range")
        end = self.data.find(b"\0", offset)
        return self.data[offset:end if end >= 0 else len(self.data)].decode("ascii", "replace")

    def _section(self, index: int) -> tuple[int, int, int, int]:
        """(type, file offset, link, info) of section ``index``."""
        base = self.shoff + index * self.shentsize
        if self.wide:
            _, kind, _, _, offset, _, link, info = self._unpack("IIQQQQII", base)
        else:
            _, kind, _, _, offset, _, link, info = self._unpack("IIIIIIII", base)
        return kind, offset, link, info

    def needs_from_sections(self) -> list[str]:
        names = []
        for index in range(self.shnum):
            kind, offset, link, count = self._section(index)
            if kind == SHT_GNU_VERNEED:
                names += self._walk(offset, count, self._section(link)[1])
        return names

    def needs_from_dynamic(self) -> list[str]:
        """Files without section headers: the same table found through the dynamic segment."""
        loads, dynamic = [], None
        for index in range(self.phnum):
            base = self.phoff + index * self.phentsize
            if self.wide:
                kind, _, offset, vaddr, _, filesz, _, _ = self._unpack("IIQQQQQQ", base)
            else:
                kind, offset, vaddr, _, filesz, _, _, _ = self._unpack("IIIIIIII", base)
            if kind == PT_LOAD:
                loads.append((vaddr, offset, filesz))
            elif kind == PT_DYNAMIC:
                dynamic = (offset, filesz)
        if dynamic is None:
            return []  # statically linked: needs no shared library at all
        tags, size = {}, 16 if self.wide else 8
        for pos in range(dynamic[0], dynamic[0] + dynamic[1], size):
            tag, value = self._unpack("qQ" if self.wide else "iI", pos)
            if tag == DT_NULL:
                break
            tags.setdefault(tag, value)
        if DT_VERNEED not in tags:
            return []

        def file_offset(vaddr: int) -> int:
            for start, offset, filesz in loads:
                if start <= vaddr < start + filesz:
                    return offset + vaddr - start
            raise ElfError(f"address {vaddr:#x} is in no loaded segment")

        return self._walk(file_offset(tags[DT_VERNEED]), tags.get(DT_VERNEEDNUM, 0), file_offset(tags[DT_STRTAB]))

    def _walk(self, offset: int, count: int, strtab: int) -> list[str]:
        """The Verneed entries at ``offset`` and the Vernaux names of each (the string table at ``strtab``)."""
        names = []
        for _ in range(count):
            _, aux_count, _, aux, following = self._unpack("HHIII", offset)
            pos = offset + aux
            for _ in range(aux_count):
                _, _, _, name, aux_next = self._unpack("IHHII", pos)
                names.append(self._string(strtab + name))
                if not aux_next:
                    break
                pos += aux_next
            if not following:
                break
            offset += following
        return names
