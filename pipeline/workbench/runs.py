"""The workbench's state: the folders, what was read (kept between checks), and the one run at a time.

One lock guards everything that touches the inputs or the outputs (a check, a run, an upload,
the templates): a run in progress is never mixed with another run or with an upload; a second
one is refused with a message (:class:`Busy`) instead of waiting behind it. Runs go through
the engine (``pipeline.engine``) exactly as the commands do; only the messages are collected for the page.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import engine
from ..errors import XunchaError
from ..explanations import Key, explanation_key
from ..model import Dataset
from ..output import METRICS_NAME, TEMPLATES_FOLDER
from ..periods import KIND_NAMES
from ..standard import Standard
from . import files

# What the 统计 page offers (periods.md §1): each kind of period, then 上报包 (export: any period but a
# term); the hint of each is the period box's placeholder.
KINDS = {**KIND_NAMES, "export": "上报包"}
HINTS = {"annual": "如 2020", "monthly": "如 2020-06", "quarterly": "如 2020Q2 或 2020年第二季度",
         "half-year": "如 2020H1 或 2020年上半年", "term": "如 十四届", "range": "如 2020-03-01~2020-08-31",
         "export": "如 2020、2020-06 或 2020Q2"}
# What the 汇总 page offers: the kinds a package can be of ("" = any: the period text decides).
ROLLUP_KINDS = {kind: name.replace("统计", "汇总") for kind, name in KIND_NAMES.items() if kind != "term"}
LOCK_WAIT_SECONDS = 120  # a check or an upload in progress is waited for, a run is not
BUSY = "正在进行统计，请等它完成后再操作（本页会自动更新）。"


GONE = ("这条警告在最新的校验中已经没有了（工作簿可能已经改正）。请看下面的最新校验结果。")


class Busy(Exception):
    """Something else holds the workbench's lock; the message says what to do."""


@dataclass
class RunState:
    """One run of the statistics, as the page shows it while it runs and after."""

    kind: str
    period_text: str
    as_of: str = ""  # a term's 截至日期, as typed
    started: float = field(default_factory=time.monotonic)
    status: str = "running"  # running | done | failed
    step: str = "正在读取和校验工作簿……"
    lines: list[str] = field(default_factory=list)  # the messages the command line would print
    message: str = ""  # why it failed (Chinese)
    result: engine.PeriodRun | None = None
    finished_at: dt.datetime | None = None

    @property
    def seconds(self) -> int:
        return int(time.monotonic() - self.started)


@dataclass
class RollupState:
    """The last roll-up run from the 汇总 page."""

    period_text: str
    folder: Path
    kind: str = ""  # the kind chosen on the page ("" = as the period text says)
    result: engine.RollupRun | None = None
    lines: list[str] = field(default_factory=list)
    message: str = ""  # why it could not run (Chinese)
    finished_at: dt.datetime = field(default_factory=dt.datetime.now)


@dataclass
class Upload:
    """What happened to one uploaded file."""

    sent: str  # the name the browser sent
    saved: str = ""  # the name it was saved under (relative to the inputs folder)
    refused: str = ""  # why it was not saved
    renamed: bool = False  # saved as 名称（2） because the name was taken


class Workspace:
    """The inputs and outputs folders of one workbench, the read cache and the current run."""

    def __init__(self, inputs: Path, outputs: Path, std: Standard):
        self.inputs, self.outputs, self.std = Path(inputs), Path(outputs), std
        self.cache = engine.ReadCache()
        self.dataset: Dataset | None = None
        self.check_report: Path | None = None
        self.check_problem = ""  # why the last check could not write its report (file open in Excel…)
        self.run: RunState | None = None  # the current or last run
        self.rollup: RollupState | None = None  # the last roll-up
        self.forms: engine.FormsRun | None = None  # the last 整改进展表 written from the 模板 page
        self._fingerprint: tuple | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.status == "running"

    def _hold(self) -> None:
        """Take the lock: refused at once while a run is in progress; else waits for a check to end."""
        if self.running or not self._lock.acquire(timeout=LOCK_WAIT_SECONDS):
            raise Busy(BUSY)

    def _inputs_fingerprint(self) -> tuple:
        """(name, size, mtime) of every file a check would read: equal means nothing to reread."""
        paths, skipped = engine.input_paths(self.inputs, self.outputs)
        out = []
        for p in paths:
            try:
                st = os.stat(p)
                out.append((str(p), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(p), -1, -1))
        return tuple(out) + tuple(skipped)

    # ------------------------------------------------------------------ check

    def check(self, force: bool = False) -> Dataset:
        """The current check of the inputs: kept when no file changed, else reread (changed files only).

        While a run is in progress the last check is returned as it is (the run makes a new one).
        """
        if self.running and self.dataset is not None:
            return self.dataset
        self._hold()
        try:
            return self._check(force)
        finally:
            self._lock.release()

    def _check(self, force: bool = False) -> Dataset:
        if not self.inputs.is_dir():
            raise XunchaError(f"找不到输入文件夹“{self.inputs}”。请关闭工作台，"
                              "用 --inputs 指定存放填报工作簿的文件夹后重新启动。")
        fingerprint = self._inputs_fingerprint()
        if force or self.dataset is None or fingerprint != self._fingerprint:
            self._loaded(engine.check_inputs(self.inputs, self.outputs, self.std, cache=self.cache), fingerprint)
        return self.dataset

    def _loaded(self, ds: Dataset, fingerprint: tuple) -> None:
        """Keep ``ds`` as the current check and write its report (as `xuncha validate` does)."""
        self.dataset, self._fingerprint = ds, fingerprint
        try:
            self.check_report, self.check_problem = engine.write_check_report(ds, self.std, self.outputs), ""
        except XunchaError as exc:  # the old report is open in Excel: the page still shows the findings
            self.check_report, self.check_problem = None, exc.message

    # ------------------------------------------------------------------ uploads

    def upload(self, sent: list[tuple[str, bytes]]) -> list[Upload]:
        """Save uploaded files into the inputs folder (never overwriting), then recheck."""
        self._hold()
        try:
            done = []
            for name, data in sent:
                item = Upload(name)
                try:
                    wanted = files.upload_name(name)
                    item.saved = files.save_upload(self.inputs, wanted, data).name
                    item.renamed = item.saved != wanted
                except files.UploadRefused as exc:
                    item.refused = str(exc)
                except OSError as exc:
                    item.refused = f"“{name}”保存失败：{exc.strerror or exc}。请检查输入文件夹后重试。"
                done.append(item)
            self._check(force=True)
            return done
        finally:
            self._lock.release()

    def today(self) -> dt.date:
        """The day 报送情况 is counted to (tests fix it)."""
        return dt.date.today()

    # ------------------------------------------------------------------ explanations

    def explain(self, key: Key, text: str, by: str = "") -> Path:
        """Write the 核实说明 of the current warning ``key`` into the workbench's explanations
        workbook in the inputs folder (pipeline.authoring.explanation_form), then recheck.

        XunchaError when no current finding has that key, or it is not an explainable warning.
        """
        self._hold()
        try:
            target = next((f for f in self._check().findings if explanation_key(f) == key), None)
            if target is None:
                raise XunchaError(GONE)
            path = engine.add_explanation(self.inputs, target, text, by, self.std, self.today())
            self._check(force=True)
            return path
        finally:
            self._lock.release()

    # ------------------------------------------------------------------ runs

    def start_run(self, kind: str, period_text: str, as_of: str = "") -> RunState:
        """Start the statistics of a period in a background thread; Busy while another runs.

        ``kind``: a kind of period (the text must be of it) or ``export``; ``as_of``: a term's 截至日期
        (blank: today). A malformed period raises the same UsageError (and message) as the command line.
        """
        if kind not in KINDS:
            raise XunchaError("请选择统计类型：" + "、".join(KINDS.values()) + "。")
        as_of = as_of.strip() if kind == "term" else ""
        period = engine.period_of(kind, period_text, as_of or None)
        self._hold()
        state = RunState(kind, period_text.strip(), as_of)
        self.run = state
        self._thread = threading.Thread(target=self._run, args=(state, period), name="xuncha-run", daemon=True)
        try:
            self._thread.start()
        except BaseException:
            self._lock.release()
            raise
        return state

    def _run(self, state: RunState, period) -> None:
        """Body of the run thread: exactly the command's steps, messages collected."""
        try:
            def checked(ds: Dataset) -> None:
                self._loaded(ds, self._inputs_fingerprint())
                state.step = "正在统计并写出结果文件……"

            common = {"notify": state.lines.append, "cache": self.cache, "on_checked": checked}
            if state.kind == "export":  # the period's run, then the package (as `xuncha export`)
                state.result = engine.export_package(period, self.inputs, self.outputs, self.std, **common).period_run
            else:
                state.result = engine.run_period(period, self.inputs, self.outputs, self.std, **common)
            state.status = "done"
        except XunchaError as exc:
            state.status, state.message = "failed", exc.message
        except Exception:  # noqa: BLE001 - as the command line: a short message and a log file
            log = engine.write_crash_log(self.outputs)
            state.status = "failed"
            state.message = f"程序内部错误，未能完成。详细信息已写入：{log}。请把该文件发给维护人员。"
        finally:
            state.finished_at = dt.datetime.now()
            state.step = ""
            self._lock.release()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the run in progress, if any (tests; and a clean stop of the server)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # ------------------------------------------------------------------ the city's roll-up

    def rollup_folder(self, text: str = "") -> Path:
        """The folder the 汇总 page reads packages from: ``text`` when given, else the inputs folder."""
        return Path(text.strip()).expanduser() if text.strip() else self.inputs

    def packages(self, folder: Path):
        """The packages (and rosters, skipped files) under ``folder``, as the roll-up reads them."""
        if not folder.is_dir():
            raise XunchaError(f"找不到文件夹“{folder}”。请填写存放各县区上报包的文件夹。")
        return engine.list_packages(folder, self.std, exclude=(self.outputs,))

    def start_rollup(self, period_text: str, folder: Path, kind: str = "") -> RollupState:
        """Roll up the packages under ``folder`` (the function of `xuncha rollup`), under the one lock.

        ``kind``: one of ROLLUP_KINDS (the text must be of it), or "" for any period the command takes.
        A malformed period raises the command's UsageError; a roll-up with errors is kept with its
        findings (and only the check report written), as the command does.
        """
        if kind and kind not in ROLLUP_KINDS:
            raise XunchaError("请选择汇总的期间类型：" + "、".join(ROLLUP_KINDS.values()) + "。")
        period = engine.period_of(kind or "rollup", period_text)
        self._hold()
        state = RollupState(period_text.strip(), folder, kind)
        try:
            state.result = engine.run_rollup(period, folder, self.outputs, self.std, notify=state.lines.append)
        except XunchaError as exc:
            state.message = exc.message
        finally:
            state.finished_at = dt.datetime.now()
            self._lock.release()
        self.rollup = state
        return state

    # ------------------------------------------------------------------ templates

    def templates(self, regenerate: bool = False) -> list[Path]:
        """The blank templates in the outputs folder, written by the template command's function."""
        folder = self.outputs / TEMPLATES_FOLDER
        existing = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
        if existing and not regenerate:
            return existing
        self._hold()
        try:
            return engine.write_templates(folder, self.std)
        finally:
            self._lock.release()

    # ------------------------------------------------------------------ the rectification forms

    def rectification_forms(self, org: str = "") -> engine.FormsRun:
        """Write the 整改进展表 and problem lists (all organisations, or ``org``) as the
        rectification-forms command does, into the outputs folder; keep the run for the page."""
        self._hold()
        try:
            self.forms = engine.rectification_forms(self.inputs, self.outputs, self.std, org=org or None,
                                                    today=self.today(), cache=self.cache)
            return self.forms
        finally:
            self._lock.release()

    # ------------------------------------------------------------------ results on disk

    def result_folders(self) -> list[tuple[str, list[Path]]]:
        """(folder name, files) of every period's results in the outputs folder, newest first."""
        if not self.outputs.is_dir():
            return []
        found = [d for d in self.outputs.iterdir() if d.is_dir() and (d / METRICS_NAME).is_file()]
        found.sort(key=lambda d: (d / METRICS_NAME).stat().st_mtime, reverse=True)
        return [(d.name, sorted(p for p in d.rglob("*") if p.is_file() and not p.name.startswith(".")))
                for d in found]
