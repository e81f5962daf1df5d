"""The engine's functions that write forms, samples and rules (engine/api.py's neighbour).

Kept apart from ``api`` so that a period's run never imports what only forms need (openpyxl,
the sample generators, the YAML writer): a command imports what it uses.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..authoring.blank_forms import write_templates as _write_templates
from ..authoring.explanation_form import add_explanation as _add_explanation
from ..authoring.rectification_forms import Form, forms_due, unknown_org, write_forms
from ..authoring.sample import write_sample as _write_sample
from ..authoring.sample_city import CITY
from ..authoring.sample_city import write_city_sample as _write_city_sample
from ..check.schema_export import write_schema_yaml
from ..findings import Finding
from ..model import Dataset
from ..output import RECTIFICATION_FOLDER, RECTIFICATION_ZIP_NAME, final_path, staged_folder, write_bytes
from ..standard import Standard
from ..stats.aggregate import info_item
from ..stats.returns import ReturnDue, return_status
from ..stats.selection import Frames
from .api import check_inputs, refuse_errors
from .cache import ReadCache
from .messages import Notify, quiet

# ---------------------------------------------------------------- the rectification loop

FORMS_ERRORS = ("填报工作簿有错误，未生成{form}。请按校验报告逐条改正后重新运行"
                "（{form}中的问题取自各巡察组的填报表，有错误时不能保证问题清单准确）。")


@dataclass
class FormsRun:
    """What ``rectification_forms`` wrote: the forms (one per organisation and round), their files, the zip."""

    forms: list[Form]
    folder: Path
    written: list[Path]  # each form's workbook, then its problem list
    archive: Path | None  # every written file in one zip (None when nothing was written)


def rectification_forms(inputs: Path, outputs: Path, std: Standard, *, term: str | None = None,
                        rnd: int | None = None, org: str | None = None, notify: Notify = quiet,
                        today: dt.date | None = None, cache: ReadCache | None = None) -> FormsRun:
    """Read and check ``inputs``, then write into ``outputs/整改进展表/`` the 整改进展表 and the
    巡察反馈问题清单 of every organisation and round with a problem not yet 已整改 today (by the
    latest word), narrowed to ``term``, ``rnd``, ``org`` when given (spec rectification.md §1).
    The folder is replaced as a whole: it holds this run's files (and their zip) only.

    With errors only the check report is written and InputErrors raised; an ``org`` with no
    problem at all is a UsageError."""
    today = today or dt.date.today()
    ds = check_inputs(inputs, outputs, std, cache=cache)
    refuse_errors(ds, std, outputs, notify, FORMS_ERRORS.format(form=std.workbook("rectification").name))
    frames = Frames.from_dataset(ds, std)
    if org and not (frames.problems["org"] == org).any():
        raise unknown_org(frames, org)
    forms = forms_due(frames, today, term, rnd, org)
    folder = Path(outputs) / RECTIFICATION_FOLDER
    if not forms:
        notify(f"截至{today.isoformat()}，没有需要填报{std.workbook('rectification').name}的单位"
               "（所选单位、轮次的问题均已整改）。")
        return FormsRun([], folder, [], None)
    with staged_folder(folder) as stage:  # all or nothing; the folder holds this run's files only
        staged = write_forms(forms, std, stage, info_item(ds, std.info_labels.county, std.default_county),
                             info_item(ds, std.info_labels.compiler, ""), today)
        staged.append(write_bytes(stage / RECTIFICATION_ZIP_NAME, _zipped(staged)))
    written = [final_path(p, stage, folder) for p in staged]
    archive = written.pop()
    notify(f"已为 {len(forms)} 个单位（按轮次）生成{std.workbook('rectification').name}和问题清单，"
           f"共 {len(written)} 个文件，位于：{folder}")
    notify(f"全部文件另打包为：{archive}")
    return FormsRun(forms, folder, written, archive)


def _zipped(paths: list[Path]) -> bytes:
    """The files in one zip (names as they are: Chinese names kept, UTF-8 flagged)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return buffer.getvalue()


def forms_available(ds: Dataset, std: Standard, as_of: dt.date) -> list[Form]:
    """The organisations and rounds ``rectification_forms`` would write for as of ``as_of`` (the workbench's list)."""
    return forms_due(Frames.from_dataset(ds, std), as_of)


def returns_owed(ds: Dataset, std: Standard, as_of: dt.date) -> list[ReturnDue]:
    """整改进展报送情况 as of ``as_of`` (rectification.md §4): who owes a return, who sent one."""
    return return_status(Frames.from_dataset(ds, std), as_of, std.rules.rectification.return_due_days)


# ---------------------------------------------------------------- forms, samples, explanations

def write_templates(out: Path, std: Standard) -> list[Path]:
    """Write the blank templates into ``out``; return their paths."""
    return _write_templates(Path(out), std)


def write_sample(out: Path, std: Standard) -> list[Path]:
    """Write the sample county's (示例县) workbooks into ``out``; return their paths."""
    return _write_sample(Path(out), std)


def write_city_sample(out: Path, std: Standard) -> tuple[str, list[Path]]:
    """Write the sample city: (its name, [县区名单, then each county's folder])."""
    return CITY, _write_city_sample(Path(out), std)


def write_schema(out: Path, std: Standard) -> list[Path]:
    """Write each sheet's row rules as pandera YAML (``<sheet id>.yaml``) into ``out``, so that
    another office's tool can validate against the same standard; return the paths."""
    return write_schema_yaml(std, Path(out))


def add_explanation(inputs: Path, finding: Finding, text: str, by: str, std: Standard, today: dt.date) -> Path:
    """Write the 核实说明 of warning ``finding`` into the workbench's explanations workbook in ``inputs``."""
    return _add_explanation(Path(inputs), finding, text, by, std=std, today=today)
