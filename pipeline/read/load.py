"""Reading a chunk of files into typed frames, and putting chunks together.

``load_chunk`` reads and normalises some files (the engine's runner decides whether chunks
run in worker processes), ``combine`` makes one frame per sheet kind of many chunks, and
``drop_invalid`` implements ``--skip-invalid`` (statistics from the workbooks without errors
only). The checks come after, in the engine (``engine/load.py``): reading never checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import InputErrors
from ..model import Dataset, Finding, SourceFile
from ..standard import Standard
from .normalize import raw_frames, typed_frames
from .workbook import FileRead, read_file

Job = tuple[str, str]  # (path, path relative to --inputs)
Reader = Callable[[Path, str, Standard], FileRead]  # read_file, or a cache's read


@dataclasses.dataclass
class Part:
    """What one chunk of files yields: reads (raw cells dropped), typed frames, findings,
    and the SourceFile of each recognised workbook (built in the worker, in parallel)."""

    reads: list[FileRead]
    frames: dict[str, pd.DataFrame]
    blanks: dict[str, pd.DataFrame]
    findings: list[Finding]
    sources: list[SourceFile]


def load_chunk(jobs: list[Job], std: Standard, reader: Reader | None = None,
               on_file: Callable[[], None] | None = None) -> Part:
    """Read and normalise some files. With a ``reader`` (a cache's: it keeps the raw cells)
    files come from it; else they are read afresh and their raw cells dropped once they are
    in the frames (so that a worker process does not send them back)."""
    reads = []
    for path, rel in jobs:
        reads.append(reader(Path(path), rel, std) if reader else read_file(path, rel, std))
        if on_file is not None:
            on_file()
    frames, blanks, findings = typed_frames(raw_frames(reads, std), std)
    if reader is None:
        for fr in reads:
            for sheet in fr.sheets:
                sheet.columns = {}
    # The checks never change the rows or 轮次信息's 届次/轮次/巡察组 that _sources reads,
    # so the sources of a chunk are final already.
    return Part(reads, frames, blanks, [f for fr in reads for f in fr.findings] + findings,
                _sources(reads, frames))


def combine(parts: list[Part]) -> Part:
    """One part from many: one frame per sheet kind across all files."""
    if len(parts) == 1:
        return parts[0]
    frames = {sid: pd.concat([p.frames[sid] for p in parts], ignore_index=True) for sid in parts[0].frames}
    blanks = {sid: pd.concat([p.blanks[sid] for p in parts], ignore_index=True) for sid in parts[0].blanks}
    return Part([r for p in parts for r in p.reads], frames, blanks, [f for p in parts for f in p.findings],
                 [s for p in parts for s in p.sources])


def _sources(reads: list[FileRead], frames: dict[str, pd.DataFrame]) -> list[SourceFile]:
    """A SourceFile per recognised workbook: hash, data rows per sheet, submissions."""
    rows: dict[str, dict[str, int]] = {}
    for frame in frames.values():
        counts = frame.groupby(["source_file", "source_sheet"], sort=False).size().reset_index(name="n")
        for path, sheet, n in zip(counts["source_file"].tolist(), counts["source_sheet"].tolist(),
                                  counts["n"].tolist()):
            rows.setdefault(path, {})[sheet] = n
    info = frames["round_info"].dropna(subset=["term", "group"])
    subs: dict[str, list] = {}
    for path, term, rnd, group in zip(info["source_file"].tolist(), info["term"].tolist(),
                                      info["round"].tolist(), info["group"].tolist()):
        subs.setdefault(path, []).append((term, int(rnd), group))
    return [SourceFile(r.path, r.kind, r.sha256,
                       {s.name: rows.get(r.path, {}).get(s.name, 0) for s in r.sheets},
                       subs.get(r.path, []))
            for r in reads if r.kind is not None]


def info(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """基本情况: item -> content (the last row wins)."""
    basic = frames["basic_info"].dropna(subset=["item"])
    return {item: (content or "") for item, content in zip(basic["item"], basic["content"])}


def _registry_files(ds: Dataset) -> set[str]:
    return {s.path for s in ds.sources if s.kind == "registry"}


def drop_invalid(ds: Dataset, std: Standard) -> Dataset:
    """Leave out every workbook with an error (``--skip-invalid``).

    Errors of the registry, or errors not tied to one workbook (no registry),
    cannot be skipped: raises InputErrors.
    """
    bad = {f.file for f in ds.errors}
    blocking = [f for f in ds.errors if not f.file or f.file in _registry_files(ds)]
    if blocking:
        name = std.workbook("registry").name
        where = "；".join(f"{f.file or name}：{f.message}" for f in blocking[:3])
        raise InputErrors(f"{name}有错误，不能用 --skip-invalid 跳过（统计离不开名册）。"
                          f"请先按校验报告改正名册后重新运行。{where}")
    tables = {sid: frame[~frame["source_file"].isin(bad)].reset_index(drop=True)
              for sid, frame in ds.tables.items()}
    sources = [dataclasses.replace(s, valid=s.path not in bad) for s in ds.sources]
    return dataclasses.replace(ds, tables=tables, sources=sources, excluded=sorted(bad))
