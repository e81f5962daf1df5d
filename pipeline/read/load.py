"""Loading: discover -> read -> normalise -> validate, into one :class:`Dataset`.

``load_dataset`` is what every command calls; ``drop_invalid`` implements
``--skip-invalid`` (statistics from the workbooks without errors only).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pandas as pd

from ..errors import InputErrors
from ..model import Dataset, Finding, SourceFile
from ..standard import Standard
from ..timing import stage
from .cache import ReadCache
from .discover import discover, relative_name
from .normalize import attach_rounds, inherit_group, raw_frames, typed_frames
from .workbook import FileRead, read_file

POOL_MIN_FILES = 200  # below this a process pool costs more than it saves
CHUNK_FILES = 100  # at least this many files per task of the pool (each task has a fixed cost)
TASKS_PER_WORKER = 4  # a few tasks per worker balance the load

Job = tuple[str, str]  # (path, path relative to --inputs)


@dataclasses.dataclass
class _Part:
    """What one chunk of files yields: reads (raw cells dropped), typed frames, findings,
    and the SourceFile of each recognised workbook (built in the worker, in parallel)."""

    reads: list[FileRead]
    frames: dict[str, pd.DataFrame]
    blanks: dict[str, pd.DataFrame]
    findings: list[Finding]
    sources: list[SourceFile]


@contextlib.contextmanager
def no_gc():
    """Cyclic garbage collection paused: reading makes millions of small acyclic objects,
    and each collection would walk all of them again (about 10% of the reading time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_chunk(jobs: list[Job], std: Standard, on_file=None, cache: ReadCache | None = None) -> _Part:
    """Read and normalise some files (runs in a worker process when there are many).

    With a ``cache`` (in-process only) files come from it, and their raw cells are kept there.
    """
    reads = []
    with no_gc():
        for path, rel in jobs:
            reads.append(cache.read(Path(path), rel, std) if cache else read_file(path, rel, std))
            if on_file is not None:
                on_file()
        frames, blanks, findings = typed_frames(raw_frames(reads, std), std)
    if cache is None:
        for fr in reads:
            for sheet in fr.sheets:
                sheet.columns = {}  # now in the frames; not sent back across processes
    # The checks never change the rows or 轮次信息's 届次/轮次/巡察组 that _sources reads,
    # so the sources of a chunk are final already.
    return _Part(reads, frames, blanks, [f for fr in reads for f in fr.findings] + findings,
                 _sources(reads, frames))


def _load_parts(jobs: list[Job], std: Standard, progress: bool, cache: ReadCache | None = None) -> list[_Part]:
    """Chunks of files loaded in order: a process pool for many files, else in-process
    (always with a ``cache``, which lives in this process)."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc="读取工作簿", unit="份", file=sys.stderr)
    try:
        if cache is not None or len(jobs) < POOL_MIN_FILES or (os.cpu_count() or 1) < 2:
            return [_load_chunk(jobs, std, bar.update if bar else None, cache)]
        workers = os.cpu_count() or 2
        size = max(CHUNK_FILES, -(-len(jobs) // (workers * TASKS_PER_WORKER)))
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        parts = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(partial(_load_chunk, std=std), chunks)
            for chunk, part in zip(chunks, results):
                parts.append(part)
                if bar is not None:
                    bar.update(len(chunk))
        return parts
    finally:
        if bar is not None:
            bar.close()


def _combine(parts: list[_Part]) -> _Part:
    """One part from many: one frame per sheet kind across all files."""
    if len(parts) == 1:
        return parts[0]
    frames = {sid: pd.concat([p.frames[sid] for p in parts], ignore_index=True) for sid in parts[0].frames}
    blanks = {sid: pd.concat([p.blanks[sid] for p in parts], ignore_index=True) for sid in parts[0].blanks}
    return _Part([r for p in parts for r in p.reads], frames, blanks, [f for p in parts for f in p.findings],
                 [s for p in parts for s in p.sources])


def sort_findings(findings: list[Finding], std: Standard) -> None:
    """Sort in place: file, sheet (in the standard's order), row; errors first on a row."""
    order = {sheet.name: i for i, sheet in enumerate(std.sheets.values())}
    findings.sort(key=lambda f: (f.file, order.get(f.sheet, len(order)), f.sheet, f.row or 0, not f.is_error,
                                 f.column, f.code))


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


def _info(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """基本情况: item -> content (the last row wins)."""
    basic = frames["basic_info"].dropna(subset=["item"])
    return {item: (content or "") for item, content in zip(basic["item"], basic["content"])}


def load_dataset(inputs: Path, std: Standard, progress: bool = False, exclude: tuple[Path, ...] = (),
                 cache: ReadCache | None = None) -> Dataset:
    """Read and check every workbook under ``inputs`` (except the ``exclude`` folders);
    never raises for bad content. A ``cache`` (read/cache.py) saves reading unchanged files again."""
    inputs = Path(inputs)
    paths, skipped, findings = discover(inputs, exclude)
    jobs = [(str(p), relative_name(p, inputs)) for p in paths]
    if cache is not None:
        cache.keep_only(paths)
    with stage("read and convert (pool when many)"):
        parts = _load_parts(jobs, std, progress, cache)
    with stage("combine, rounds"):
        part = _combine(parts)
        inherit_group(part.frames, part.blanks, std)
        attach_rounds(part.frames, std)
    from ..check.explain import match_explanations
    from ..check.validate import check

    found, tables = check(part.frames, part.blanks, part.findings, part.reads, std)  # timed per family
    findings += part.findings + found
    explained, about = match_explanations(part.frames.get("explanations"), findings, std)
    findings += about
    sort_findings(findings, std)
    return Dataset(tables=tables, sources=part.sources, findings=findings,
                   skipped=skipped, info=_info(part.frames), explained=explained)


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
