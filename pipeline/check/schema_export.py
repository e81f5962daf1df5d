"""The row rules of the standard as pandera YAML, so another office's tool can validate against them."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..output import write_text
from ..standard import Standard
from .schemas import schemas

SUFFIX = ".yaml"


def _header(std: Standard, sheet_id: str) -> str:
    sheet = std.sheet(sheet_id)
    return (f"# 巡察工作填报标准 v{std.version}：工作表“{sheet.name}”（{sheet.id}）的校验规则"
            "（pandera DataFrameSchema）。\n"
            "# 由 xuncha 根据填报标准（schemas/*.toml）生成，请勿手改。列名为列的 id，列的 title 是表头。\n"
            "# 读取：先 import pipeline.check.schemas（注册 date-order 等自定义检查），\n"
            "# 再 pandera.pandas.DataFrameSchema.from_yaml(本文件)。\n")


def write_schema_yaml(std: Standard, out_dir: Path) -> list[Path]:
    """Write each sheet's row rules as pandera YAML into ``out_dir``; return the paths written.

    One file per sheet of the standard, named by the sheet's id: ``<sheet id>.yaml`` (e.g.
    ``problems.yaml`` for 发现问题), in the standard's order, written atomically (an OSError
    becomes the OutputError of ``output.py``). Each is ``schema.to_yaml()`` of the schema the
    checks run (``schemas.py``), with Chinese left readable: columns by id with their header as
    ``title``, dtype, nullable, required, ``isin`` (enum-invalid) and ``greater_than_or_equal_to``
    (value-too-small) named by their finding code, and the dataframe-level checks ``date-order``,
    ``rectified-date-missing`` and ``rectified-date-unexpected`` with their parameters.
    ``pandera.io.pandas_io.from_yaml`` (``DataFrameSchema.from_yaml``) loads a file back once
    ``pipeline.check.schemas`` is imported (which registers those three checks).
    """
    out_dir = Path(out_dir)
    written = []
    for sheet_id, schema in schemas(std).items():
        # to_yaml() escapes every non-ASCII character; the same mapping dumped again keeps Chinese.
        body = yaml.safe_dump(yaml.safe_load(schema.to_yaml()), allow_unicode=True, sort_keys=False)
        written.append(write_text(out_dir / f"{sheet_id}{SUFFIX}", _header(std, sheet_id) + body))
    return written
