"""A per-file cache of what was read, for a program that reads the same folder again and again.

The workbench keeps one :class:`ReadCache` and hands it to ``load_dataset``: a recheck then
parses only the workbooks that changed. A file counts as unchanged when its size and
modification time are those of the cached read; when either differs, its bytes are hashed and
a file whose SHA-256 is still the cached one (saved again without changes, copied back) is not
parsed again either. Files that could not be read (locked by Excel/WPS, too large) are never
cached, so the next recheck tries them again. Normalising and checking always run over every
file: only the reading (the slow part) is saved.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..read.workbook import FileRead, file_bytes, read_data
from ..standard import Standard


@dataclass
class _Entry:
    stat: tuple[int, int]  # (size, modification time in ns)
    read: FileRead


class ReadCache:
    """Reads of files by (path, name shown), reused while (size, mtime, SHA-256) say unchanged."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._std: Standard | None = None
        self._lock = threading.Lock()
        self.parsed = 0  # files parsed since the cache was made (tests and the benchmark count them)

    def read(self, path: Path, rel: str, std: Standard) -> FileRead:
        """The FileRead of ``path`` (shown as ``rel``): the cached one when the file is unchanged.

        The returned FileRead is shared with the cache: callers must not change it.
        """
        with self._lock:
            if std is not self._std:  # another standard reads the same bytes differently
                self._entries.clear()
                self._std = std
        key = (str(path), rel)
        try:
            st = os.stat(path)
            stat = (st.st_size, st.st_mtime_ns)
        except OSError:
            stat = None
        entry = self._entries.get(key)
        if entry is not None and entry.stat == stat:
            return entry.read
        data, failed = file_bytes(path, rel, std)
        if failed is not None:
            self._entries.pop(key, None)
            return failed
        sha = hashlib.sha256(data).hexdigest()
        if entry is not None and entry.read.sha256 == sha:
            entry.stat = stat
            return entry.read
        result = read_data(data, rel, std, sha)
        with self._lock:
            self.parsed += 1
            self._entries[key] = _Entry(stat, result)
        return result

    def keep_only(self, paths: list[Path]) -> None:
        """Forget files no longer present (deleted, renamed)."""
        present = {str(p) for p in paths}
        with self._lock:
            for key in [k for k in self._entries if k[0] not in present]:
                del self._entries[key]
