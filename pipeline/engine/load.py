"""Loading a folder of workbooks: discover -> read (in chunks) -> combine -> check, into one Dataset.

Which chunks run in worker processes is the runner's decision (``runner.map_chunks``);
reading (``read.load``) and checking (``check.validate``) do not know. The checks (and pandera
with them) are imported while the pool reads, so that their import costs no time of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from importlib import import_module
from pathlib import Path

from ..check.explain import match_explanations
from ..explanations import in_order
from ..model import Dataset
from ..read.discover import discover, relative_name
from ..read.load import combine, info, load_chunk
from ..read.normalize import attach_rounds, inherit_group
from ..standard import Standard
from .cache import ReadCache
from .runner import map_chunks, stage

Progress = Callable[[int, int], None]  # (files done, files in all)
CHECKS = "pipeline.check.validate"  # imported while the pool reads (see the module's docstring)


def load_dataset(inputs: Path, std: Standard, progress: Progress | None = None, exclude: tuple[Path, ...] = (),
                 cache: ReadCache | None = None) -> Dataset:
    """Read and check every workbook under ``inputs`` (except the ``exclude`` folders); never
    raises for bad content. A ``cache`` (engine/cache.py) saves reading unchanged files again;
    ``progress(done, total)`` is told as files are read."""
    inputs = Path(inputs)
    paths, skipped, findings = discover(inputs, exclude)
    jobs = [(str(p), relative_name(p, inputs)) for p in paths]
    done = [0]

    def advance(n: int = 1) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], len(jobs))

    with stage("read and convert"):
        if cache is not None:  # the cache lives in this process: no pool
            cache.keep_only(paths)
            parts = [load_chunk(jobs, std, reader=cache.read, on_file=advance)]
        else:
            parts = map_chunks(partial(load_chunk, std=std), jobs, on_done=advance,
                               local=partial(load_chunk, std=std, on_file=advance),
                               meanwhile=partial(import_module, CHECKS))
    with stage("combine, rounds"):
        part = combine(parts)
        inherit_group(part.frames, part.blanks, std)
        attach_rounds(part.frames, std)
    with stage("check"):
        found, tables = import_module(CHECKS).check(part.frames, part.blanks, part.findings, part.reads, std)
    findings += part.findings + found
    explained, about = match_explanations(part.frames.get("explanations"), findings, std)
    findings += about
    return Dataset(tables=tables, sources=part.sources, findings=in_order(findings, explained, std),
                   skipped=skipped, info=info(part.frames), explained=explained)
