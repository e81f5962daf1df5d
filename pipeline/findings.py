"""Findings: the levels, the record, and the catalogue of every finding code.

The catalogue is the one place that says, for each stable code, how serious it
is and what the user reads. Every finding is made by :func:`finding`, which
takes the level and the Chinese message from the catalogue; the modules that
find problems only supply the location and the template's named parameters.

It lives at the top of the package (not under ``check/``) because both
``read/`` (discover, workbook, normalize) and ``check/`` make findings, and
``render/`` and ``app`` show them: none of them should depend on another for it.

The codes are a public contract (shown in the check report and on the
console, quoted in support conversations): never rename one; add new ones.

A template is filled with the finding's own ``file``, ``sheet``, ``row``,
``column`` (the header) and ``value`` (the cell as shown, blank for a
confidential column), plus the named parameters given to :func:`finding`.
Parts computed from many pieces (lists of sheets, closest-name hints) are
passed ready-made as one parameter.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .standard import Standard


class Level(enum.Enum):
    """How serious a finding is; ``.value`` is the Chinese text the user reads."""

    ERROR = "错误"  # 强制性: must be fixed; the workbook is not used for the statistics until it is
    WARNING = "警告"  # 核实性: must be checked; odd but possible, the data is used as it is

    def __str__(self) -> str:
        return self.value


ERROR = Level.ERROR
WARNING = Level.WARNING


@dataclass(frozen=True)
class Finding:
    """One problem found in the inputs, pointing at the cell to fix (made by :func:`finding`)."""

    level: Level
    code: str  # stable code, e.g. "count-not-integer" (see CATALOGUE)
    message: str  # Chinese, says how to fix it
    file: str = ""  # relative to --inputs
    sheet: str = ""
    row: int | None = None  # Excel row number as the user sees it
    column: str = ""  # header as in the standard (or as in the file)
    value: str = ""

    def __post_init__(self):
        if not isinstance(self.level, Level):  # the display text ("错误") is accepted too
            object.__setattr__(self, "level", Level(self.level))

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


@dataclass(frozen=True)
class Entry:
    """One code of the catalogue."""

    code: str
    level: Level
    template: str | Mapping[str, str]  # one Chinese template, or named variants of it
    meaning: str  # for maintainers: when the code is emitted
    level_varies: bool = False  # the emitting check may pass the level (documented in ``meaning``)

    @property
    def templates(self) -> dict[str, str]:
        """Every template of the code, by variant ("" when there is only one)."""
        return {"": self.template} if isinstance(self.template, str) else dict(self.template)

    def placeholders(self, variant: str = "") -> set[str]:
        """The named placeholders of a template."""
        return {name for _, name, _, _ in string.Formatter().parse(self.templates[variant]) if name}


LOCATION = ("file", "sheet", "row", "column", "value")  # filled from the finding itself

_FIX_UNREADABLE = "请用 Excel/WPS 打开后另存为 .xlsx，或向填报人重新索取。"
# Too few / too many workbooks of a kind: the registry's own codes and the generic ones say the same.
_KIND_MISSING = "输入文件夹中没有{workbook}（含工作表 {sheets} 的工作簿）。请放入{workbook}。"
_KIND_DUPLICATE = "输入中有 {count} 份{workbook}：{files}。只能有 {max_count} 份，请删除或移走多余的。"
_ENTRIES = (
    # ------------------------------------------------ files and workbooks (read/discover, read/workbook)
    Entry("file-format-unsupported", WARNING, "此文件未读取，{reason}；否则其中的数据不会计入统计。",
          "a spreadsheet format we cannot read (.et .xlsb .csv ...); file skipped"),
    Entry("file-unreadable", ERROR, {
        "locked": "无法打开文件：{reason}。请关闭占用该文件的程序后重试。",
        "empty": "文件是空的（0 字节）。请向填报人重新索取该工作簿。",
        "truncated": "文件已损坏或不完整（可能复制、下载时中断），无法读取。" + _FIX_UNREADABLE + "（{detail}）",
        "not-a-workbook": "不是有效的 Excel/WPS 工作簿（文件内容与扩展名不符），无法读取。"
                          "请用 Excel 或 WPS 打开后另存为 .xlsx，再放回输入文件夹。",
        "damaged": "文件内容有损坏，无法完整读取。" + _FIX_UNREADABLE + "（{detail}）",
    }, "the file cannot be opened: locked (OS error), empty, truncated zip, not a workbook, "
       "or the reader failed on its content"),
    Entry("file-too-large", ERROR, {
        "on-disk": "文件有 {size_mb} MB，超过 {limit_mb} MB 的上限，未读取。"
                   "填报工作簿通常只有几百 KB：请确认放入的是填报工作簿；确实很大的，请拆分成几个文件再放入。",
        "unzipped": "文件解压后约 {size_mb} MB，超过 {limit_mb} MB 的上限，"
                    "不像正常的填报工作簿（可能已损坏，或是恶意构造的压缩文件），未读取。"
                    "请用 Excel/WPS 打开后重新另存为 .xlsx 再放入；确实很大的，请拆分成几个文件。",
    }, "the file on disk, or its zip parts once unzipped, exceed [reading] max_unzipped_mb (zip bomb guard)"),
    Entry("file-compression-suspicious", ERROR,
          "文件中的“{part}”压缩比异常（解压后 {size_mb} MB，是压缩后的 {ratio} 倍），"
          "可能已损坏或不是正常的填报工作簿，未读取。请用 Excel/WPS 打开后重新另存为 .xlsx 再放入。",
          "a large zip part compresses far more than any real sheet (zip bomb); not read"),
    Entry("file-encrypted", ERROR,
          "文件设置了打开密码（已加密），无法读取。请在 Excel/WPS 中取消打开密码后另存为 .xlsx，"
          "再放回输入文件夹。",
          "the workbook has an opening password"),
    Entry("workbook-unknown", ERROR,
          "无法识别的工作簿：它的工作表是 {sheets}。填报工作簿须含以下工作表之一组：{kinds}。"
          "请检查工作表名称是否被改动，或把无关文件移出输入文件夹。",
          "no recognised set of sheets; the message lists the sheets it has"),
    Entry("sheet-missing", ERROR, "{workbook}缺少工作表“{sheet}”（现有工作表：{present}）。"
                                  "请按模板补上该工作表，或改正被改动的工作表名称。",
          "a required sheet of a recognised workbook is missing (or renamed)"),
    Entry("header-not-found", ERROR, "在前 {limit} 行中找不到表头。请保留模板的表头行（{required}）。",
          "no header row within the first rows of a sheet"),
    Entry("column-missing", ERROR,
          "缺少必需的列“{column}”（在第 {row} 行的表头中找不到）。请按模板补上该列，列名须一致。",
          "a required column is missing from the header row"),
    Entry("column-duplicate", ERROR, "列“{column}”出现了两次，只读取了第一列。请删除或合并重复的列。",
          "the same standard column appears twice"),
    Entry("column-unknown", WARNING, "“{value}”不是本表的标准列，该列数据不参与统计。如是标准列，请按模板改正列名。",
          "a column not in the standard (kept out of the statistics)"),
    Entry("formula-no-cached-value", ERROR,
          "单元格是公式，但文件中没有保存计算结果（文件由程序生成、从未在 Excel/WPS 中计算过）。"
          "请用 Excel/WPS 打开该文件、确认数字后保存，或把公式改为数值。",
          "a formula cell saved without its computed value"),
    Entry("cell-error-value", ERROR, "单元格是错误值“{error}”（公式出错）。请改正公式或直接填写数值。",
          "a cell holding an Excel error value (#DIV/0!, #REF! ...)"),
    Entry("total-row", ERROR, "这一行是合计行，未读取：程序会自动汇总各行，手工合计会重复计算。"
                              "请删除合计行；如果这行就是唯一的数据，请改填巡察组、党组织等各列。",
          "a hand-made total row (合计); left out, the pipeline adds up the rows itself"),
    # ------------------------------------------------ cells (read/normalize)
    Entry("count-invalid", ERROR, "“{value}”不是数字。请只填写整数，如 12，不要带单位或文字（如“人”“约”）。",
          "a count that is not a number (12人, 约10)"),
    Entry("count-negative", ERROR, "“{value}”是负数。请填写大于等于 0 的整数。", "a negative count"),
    Entry("count-not-integer", ERROR, "“{value}”不是整数。人次、件次等请填写整数。", "a count with decimals"),
    Entry("date-invalid", ERROR,
          "“{value}”不是有效的日期。请填写日期，如 2020-06-01、2020/6/1、2020.6.1 或 2020年6月1日。",
          "a date in no accepted form"),
    Entry("date-out-of-range", ERROR,
          "日期“{value}”超出合理范围（1950 年至 2099 年），请检查是否填错（例如把年份当成了日期）。",
          "a date before 1950 or after 2099"),
    Entry("year-invalid", ERROR, "“{value}”不是有效的年份。请填写四位数年份，如 2020。",
          "a year that is not a four-digit year"),
    # ------------------------------------------------ rows (check/rows)
    Entry("required-blank", ERROR, "“{column}”不能为空。请填写：{help}。", "a required cell is blank"),
    Entry("enum-invalid", ERROR, "“{value}”不是“{column}”的可选值。请从下拉列表中选择：{choices}。",
          "a value not in its enumeration"),
    Entry("value-too-small", ERROR, "“{column}”应为大于等于 {minimum} 的整数。", "轮次 below 1"),
    Entry("value-invalid", ERROR, "“{column}”的值“{value}”不符合要求。",
          "any other row check failing (none today: a safety net, never a traceback)"),
    Entry("date-order", ERROR, "“{column}”（{value}）早于“{earlier}”（{earlier_value}），请检查这两个日期是否填错。",
          "a later date before an earlier one in the same row: an error, or a warning for the pairs "
          "standard.toml's date_orders mark level = \"warning\" (reports and feedback dates, deadlines, transfers)",
          level_varies=True),
    Entry("rectified-date-missing", ERROR,
          "{status}为“{rectified}”，但没有填写“{column}”。请补填{column}，或改正{status}。",
          "已整改 without 整改完成日期"),
    Entry("rectified-date-unexpected", WARNING,
          "填写了“{column}”，但{status}是“{status_value}”而不是“{rectified}”。请确认{status}。",
          "整改完成日期 given but the problem is not 已整改"),
    # ------------------------------------------------ across sheets and workbooks (check/cross)
    Entry("registry-missing", ERROR, _KIND_MISSING, "no registry workbook"),
    Entry("registry-duplicate", ERROR, _KIND_DUPLICATE, "more than one registry workbook (names them all)"),
    Entry("workbook-missing", ERROR, _KIND_MISSING,
          "fewer workbooks of a kind than the standard's min_count, for a kind without its own "
          "<id>-missing code (none in the shipped standard)"),
    Entry("workbook-duplicate", ERROR, _KIND_DUPLICATE,
          "more workbooks of a kind than the standard's max_count, for a kind without its own "
          "<id>-duplicate code (none in the shipped standard)"),
    Entry("term-duplicate", ERROR, "{term_header}“{value}”重复出现。每个届次只写一行。", "a term listed twice"),
    Entry("term-overlap", ERROR, "“{term}”的{start_header}早于“{previous}”的{end_header}（{previous_end}），"
                                 "届次不得重叠。请改正起止日期。",
          "two terms overlap"),
    Entry("unit-duplicate", ERROR, "{name_header}“{value}”重复（第 {first_row} 行已有）。名册中每个单位只写一行。",
          "a registry unit listed twice"),
    Entry("township-missing", ERROR,
          "{category}须填写“{township_header}”（本名册中{township_category}的{name_header}）。",
          "a village-level unit without 所属乡镇"),
    Entry("township-unknown", ERROR, "“{value}”不是本名册中的{township_category}。{hint}"
                                     "请填写名册中{township_category}的{name_header}。",
          "所属乡镇 is not a registry unit of the township category (suggestions)"),
    Entry("term-unknown", ERROR, "{term_header}“{value}”不在{registry}的“{terms_sheet}”中（现有：{terms}）。{hint}",
          "a round's (or a 巡察计划 row's) 届次 is not a registry term"),
    Entry("round-outside-term", ERROR, {
        "start": "{start_header}不在“{term}”的起止日期（{span}）之内。请检查{start_header}或{term_header}。",
        "end": "{end_header}晚于“{term}”的{term_end_header}（{term_end}）。请检查{end_header}或{term_header}。",
    }, "a group's 进驻日期 (variant start) or 结束日期 (variant end) outside its term"),
    Entry("round-info-duplicate", ERROR, "{group_header}“{value}”在本表中出现了两次。一个巡察组只写一行。",
          "the same group twice in one workbook's 轮次信息"),
    Entry("round-info-empty", ERROR, "“{round_info}”表没有填写。请填写本巡察组的{needed}。",
          "a round workbook with an empty 轮次信息"),
    Entry("submission-duplicate", ERROR, "{term}第 {round} 轮{group}重复填报：另见 {others}。"
                                         "同一{key}只能报一份，请删除重复的工作簿，或改正{key}。",
          "the same 届次+轮次+巡察组 in two workbooks (names both)"),
    Entry("group-not-in-round-info", ERROR,
          "{group_header}“{value}”不在本工作簿的“{round_info}”表中（现有：{groups}）。"
          "请改为“{round_info}”中的名称，或在该表中补充这个组。",
          "a 巡察组 not in its workbook's 轮次信息"),
    Entry("org-not-in-registry", ERROR,
          "“{value}”不在{registry}中。{hint}请填写名册中的单位全称，或先把该单位加入名册。",
          "an inspected (or planned: 巡察计划) organisation not in the registry (closest names suggested)"),
    Entry("category-mismatch", ERROR,
          "{category_header}“{value}”与名册不一致（名册为“{registered}”）。请改为与名册一致，或留空。",
          "对象类别 disagrees with the registry"),
    Entry("org-duplicate-in-round", ERROR,
          "“{value}”在本轮巡察中出现了两次（另见 {first}）。同一轮次每个党组织只写一行。",
          "the same organisation twice in one round (across all its workbooks)"),
    Entry("org-not-in-round", ERROR, "“{value}”不在本轮（{term}第 {round} 轮）的“{round_orgs}”表中。{hint}"
                                     "请改为“{round_orgs}”表中的名称，或在该表中补充这个党组织。",
          "an organisation of 工作量/发现问题/问题线索 not in the round's 巡察对象"),
    Entry("problem-id-duplicate", ERROR, "{id_header}“{value}”在本轮中重复（另见 {first}）。请给每个问题不同的编号。",
          "问题编号 repeated within a round"),
    Entry("clue-id-duplicate", ERROR, "{id_header}“{value}”在本轮中重复（另见 {first}）。请给每条线索不同的编号。",
          "线索编号 repeated within a round"),
    Entry("problem-category-invalid", ERROR, "“{value}”不是{term}采用的“{taxonomy}”{category_header}。"
                                             "请从下拉列表中选择：{choices}。",
          "问题类别 not in the taxonomy of the round's term"),
    Entry("team-item-duplicate", ERROR, "“{value}”在同一年重复填写（另见 {first}）。每年每项只写一行。",
          "a 队伍建设 item twice in one year"),
    Entry("special-work-duplicate", ERROR, "“{value}”重复填写（另见 {first}，{start_header}相同）。"
                                           "同一事项只写一行，请删除重复的行或工作簿。",
          "a 专项工作 row twice (same item and start)"),
    Entry("training-duplicate", WARNING, "“{value}”在同一天重复填写（另见 {first}）。如确是两次活动，请在名称中区分。",
          "a 学习培训 row twice (same date and name)"),
    Entry("unit-removed", WARNING, "“{org}”在名册中的{removed_header}是 {removed}，{start_header}晚于该日期。"
                                   "请核对{start_header}或名册。",
          "a unit inspected after its 撤销日期"),
    Entry("unit-not-yet-added", WARNING, "“{org}”在名册中的{added_header}是 {added}，{start_header}早于该日期。"
                                         "请核对{start_header}或名册。",
          "a unit inspected before its 纳入日期"),
    Entry("date-outside-round", WARNING, "日期不在本巡察组的巡察期间（{start} 至 {end}）{slack}内，请核对。",
          "a row dated outside its group's round (after end + slack; slack is '' for 巡察对象)"),
    # ------------------------------------------------ round plan (check/plan)
    Entry("plan-duplicate", ERROR,
          "“{value}”在同一届次、同一轮次的计划中出现了两次（另见 {first}）。每轮每个党组织只写一行，"
          "请删除重复的行，或改正届次、轮次。",
          "the same (届次, 轮次, 被巡察党组织) twice in the 巡察计划 sheet"),
    Entry("submission-unplanned", WARNING,
          "{term}第 {round} 轮的“{plan_sheet}”中没有{group_header}“{value}”（计划中有：{groups}）。"
          "请核对{group_header}是否填错，或在{registry}的“{plan_sheet}”表中补充该组的计划。",
          "a round workbook for a (届次, 轮次) that the plan covers, from a 巡察组 the plan lacks for it "
          "(on its 轮次信息 row)"),
)

# --- explanations and 核实性 checks (check/explain, check/plausible)
_ENTRIES += (
    Entry("explanation-too-short", WARNING, {
        "short": "核实说明“{value}”只有 {length} 个字，未予采纳：请写明核实了什么、结论是什么"
                 "（至少 {min_length} 个字）。在改正之前，它所说明的警告仍计为未说明。",
        "bare": "核实说明“{value}”只是一句确认，未予采纳：请写明核实了什么、结论是什么，"
                "不能只写“核实无误”“属实”之类。在改正之前，它所说明的警告仍计为未说明。",
    }, "an explanation shorter than [explanations] min_length (variant short) or a bare confirmation "
       "(variant bare); on the explanation's own row, column 核实说明; never explainable itself"),
    Entry("explanation-unmatched", WARNING,
          "本行核实说明对应的警告（{target}）在本次校验中不存在：可能已经改正，或文件、工作表、行、列、问题代码抄错了。"
          "请照抄校验报告“核实说明”表中的这五列，或删除本行。",
          "an explanation naming no current finding; on its own row; never explainable itself"),
    Entry("explanation-for-error", WARNING,
          "本行核实说明对应的是错误（{target}），不是警告。错误必须改正，不能用说明代替；请改正该错误后删除本行。",
          "an explanation naming an error; on its own row; never explainable itself"),
    Entry("clue-no-people", WARNING,
          "“{column}”和“{others_header}”都是 0 或空白。问题线索一般涉及具体人员，请核对后补填人数；"
          "确实尚未指向具体人员的，请填写核实说明。",
          "a clue with 涉及党员干部 and 涉及其他人员 both 0 or blank (on 涉及党员干部（人）)"),
    Entry("group-no-work", WARNING,
          "{column}“{value}”已填写{end_header}（{end}），但本工作簿“{sheet_name}”表中没有该组的任何记录。"
          "请补填工作量；确有原因的，请填写核实说明。",
          "a group with 结束日期 filled and no 工作量 row in its workbook (on its 轮次信息 row, column 巡察组)"),
    Entry("group-no-problems", WARNING,
          "{column}“{value}”已填写{end_header}（{end}），但本工作簿“{sheet_name}”表中没有该组发现的任何问题。"
          "请核对是否漏填；确实未发现问题的，请填写核实说明。",
          "a group with 结束日期 filled and no 发现问题 row in its workbook (on its 轮次信息 row, column 巡察组)"),
    # --- rectification returns (check/returns, spec rectification.md §2)
    Entry("rectification-unknown-problem", ERROR, {
        "missing": "{term}第 {round} 轮没有{org}编号为“{value}”的问题。{hint}"
                   "本表的届次、轮次、被巡察党组织、问题编号由巡察办预先填好，请勿改动；请核对后改回，"
                   "或向巡察办重新索取本表。",
        "other-org": "{term}第 {round} 轮编号为“{value}”的问题是{owner}的，不是{org}的。"
                     "请核对被巡察党组织和问题编号是否被改动，或向巡察办重新索取本表。",
    }, "a returned progress row (sheet 整改进展) whose 届次/轮次/问题编号 is no problem of any round workbook (variant "
       "missing), or a problem of another organisation (other-org); on 问题编号"),
    Entry("rectification-date-invalid", ERROR, {
        "blank": "没有填写“{column}”。填写了整改情况的行都要写明填报日期，如 2020-11-02。",
        "date-invalid": "“{value}”不是有效的日期。请填写日期，如 2020-11-02、2020/11/2 或 2020年11月2日。",
        "date-out-of-range": "日期“{value}”超出合理范围（1950 年至 2099 年），请检查是否填错。",
        "before-found": "“{column}”（{value}）早于该问题的发现日期（{found}）。请检查是否填错。",
        "after-filed": "“{column}”（{value}）晚于本行的“{filed_header}”（{filed}），尚未到来的日期不能算已完成整改。"
                       "请改正{column}或{filed_header}。",
    }, "a returned row: 填报日期 blank (variant blank), a date that cannot be read (variants date-invalid, "
       "date-out-of-range, named by the standard's invalid_code), 整改完成日期 before the problem's "
       "发现日期 (before-found) or after the row's 填报日期 (after-filed)"),
    Entry("rectification-rectified-without-date", ERROR,
          "{status}为“{rectified}”，但没有填写“{column}”。请补填{column}，或改正{status}。",
          "a returned row 已整改 without 整改完成日期"),
    Entry("rectification-duplicate", ERROR,
          "{term}第 {round} 轮问题“{value}”另有一行填报日期相同（{filed}）的整改进展：见 {others}。"
          "同一天的两次填报无法判断以哪一次为准，请删除重复的一行（或一份），或改正其填报日期。",
          "the same problem in two returned rows with the same 填报日期 (on each, naming the others); "
          "with different dates the later one is the latest word"),
    Entry("rectified-without-evidence", WARNING,
          "{status}为“{rectified}”，但没有填写“{column}”。没有佐证材料的整改可能只是“报告整改”："
          "请补填佐证材料并报送；确有原因的，请填写核实说明。",
          "a returned row 已整改 with 佐证材料 blank (on 佐证材料)"),
    Entry("rectified-without-measures", WARNING,
          "{status}为“{status_value}”，但没有填写“{column}”。请写明已采取的整改措施；确有原因的，请填写核实说明。",
          "a returned row 整改中 or 已整改 with 整改措施 blank (on 整改措施)"),
    Entry("rectified-after-deadline", WARNING,
          "“{column}”（{value}）晚于该问题的整改时限（{deadline}），属逾期完成整改。请核对日期；"
          "确属逾期完成的，请填写核实说明（写明逾期原因）。",
          "a returned row whose 整改完成日期 is after the problem's 整改时限 (on 整改完成日期)"),
    Entry("return-status-regressed", WARNING,
          "{round_workbook}中该问题已是“{rectified}”，本表填报为“{value}”。统计以最新填报为准，"
          "该问题重新计为未完成整改。请与该单位核实；确需继续整改的，请填写核实说明。",
          "a returned row not 已整改 for a problem the round workbook has as 已整改 (on 整改状态)"),
    Entry("rectification-prefill-changed", WARNING,
          "“{column}”是巡察办预先填好的，被改成了“{value}”（{round_workbook}中为“{expected}”）。"
          "统计仍以{round_workbook}为准；请核实后改回，或填写核实说明。",
          "a pre-filled cell of a returned row (问题类别, 问题摘要, 整改时限) that differs from the round "
          "workbook; the round workbook's value is used"),
    # --- the 文稿措辞 workbook (check/wording, periods.md §4)
    Entry("wording-unknown", WARNING,
          "编号“{value}”不是文稿中的措辞编号，本行不会使用。请照抄本工具生成的“{workbook}”中的编号"
          "（重新生成：python run.py template），或删除本行。现有编号：{keys}。",
          "a 文稿措辞 row whose 编号 names no phrase of schemas/wording.toml (on the row's 编号)"),
    Entry("wording-invalid", ERROR, {
        "braces": "本单位措辞中有花括号（大括号）。措辞只能是文字，不能有花括号；"
                  "数字、日期和名单由程序生成，不要写进措辞。请删去花括号。",
        "long": "本单位措辞有 {length} 个字，超过 {limit} 个字的上限。"
                "请精简；数字、日期和名单由程序生成，不要写进措辞。",
    }, "a 文稿措辞 phrase with braces (variant braces) or longer than wording.toml max_chars (long); "
       "on its 本单位措辞 cell; the drafts are not written until it is fixed"),
    Entry("wording-duplicate", ERROR, _KIND_DUPLICATE,
          "more than one 文稿措辞 workbook in the inputs (names them all; the drafts could not tell which to use)"),
    # --- packages and the roll-up (rollup/)
    Entry("county-name-missing", ERROR,
          "“{sheet}”表中没有填写{item}，不能导出上报包（市委巡察办靠{item}区分各县区的上报包）。"
          "请在“{sheet}”表的“{item_header}”列填“{item}”、“{content_header}”列填本县名称，然后重新导出。",
          "export without 县名 in the registry's 基本情况 sheet: no package (two packages named 本县 "
          "could not be told apart)"),
    Entry("package-unreadable", ERROR, {
        "open": "无法读取上报包：{reason}",
        "header": "上报包的“{sheet}”表在前 {limit} 行中找不到表头（{headers}）。"
                  "请勿改动上报包的表头，或请该县区重新导出上报包。",
        "info": "“{item}”的内容“{value}”不对，应为{expected}。请该县区重新导出上报包。",
        "value": "指标代码“{indicator}”的数值“{value}”不是大于等于 0 的整数。请与该县区核实，并请其重新导出上报包。",
        "code-twice": "指标代码“{value}”出现了两次（第 {first} 行已有）。请该县区重新导出上报包，不要手工增删行。",
    }, "a package that cannot be opened (variant open), or whose 上报信息/指标 header, 期间类型 or "
       "未说明核实性问题 (info), a 数值 (value) or a repeated 指标代码 (code-twice) cannot be read"),
    Entry("package-incomplete", ERROR, {
        "item": "上报信息缺少“{item}”。请该县区用本工具重新导出上报包。",
        "code": "上报包缺少指标代码“{indicator}”（{label}）。请该县区用本工具重新导出上报包，不要删改“指标”表的行。",
        "blank": "指标代码“{indicator}”（{label}）没有填数值。请该县区用本工具重新导出上报包。",
    }, "a required 上报信息 item (县名, 期间, 期间类型) or a required 指标代码 is missing or blank"),
    Entry("package-period-mismatch", ERROR,
          "上报包的期间是“{found}”，本次汇总的是“{asked}”。请把该文件移出本期汇总的文件夹，"
          "或请该县区导出“{asked}”的上报包。",
          "a package of another period than the roll-up's (names the file and both periods)"),
    Entry("package-duplicate", ERROR,
          "“{county}”有 {count} 份{period}上报包：{files}。每个县区每期只能有一份，请删除多余的（保留最新的一份）。",
          "two or more packages of the same county for the period (names every file)"),
    Entry("package-inconsistent", ERROR, {
        "sum": "“{part}”各项合计为 {total}，而“{indicator}”为 {value}，两者应相等。"
               "该上报包的数字自相矛盾，请该县区核实后重新导出。",
        "exceeds": "“{indicator}”为 {value}，大于“{other}”的 {other_value}。"
                   "该上报包的数字自相矛盾，请该县区核实后重新导出。",
    }, "a package whose figures disagree with themselves: a breakdown not summing to its total "
       "(variant sum), or a part larger than its whole (exceeds); names the 指标代码 and both numbers"),
    Entry("package-unexplained", WARNING,
          "该县区导出上报包时还有 {count} 处核实性问题（警告）未说明。请与该县区核实这些数字。",
          "a package exported with unexplained 核实性 warnings (--allow-unexplained)"),
    Entry("county-missing", WARNING,
          "县区名单中的“{value}”没有{period}上报包。请催报，或核对县区名单。",
          "a county of the roster (县区名单) without a package; on the roster's row"),
    Entry("county-not-on-roster", WARNING,
          "上报包的县名“{value}”不在县区名单中（名单：{roster}）。请核对县名或县区名单。",
          "a package of a county that is not on the roster"),
)

CATALOGUE: dict[str, Entry] = {e.code: e for e in _ENTRIES}  # tests: no code twice


def finding(code: str, *, file: str = "", sheet: str = "", row: int | None = None, column: str = "",
            value: str = "", level: Level | None = None, variant: str = "", **params) -> Finding:
    """The finding ``code`` at a place, its level and message taken from the catalogue.

    ``params`` fill the template's named placeholders (beside the location
    fields); ``variant`` picks one of a code's templates; ``level`` is allowed
    only for a code whose entry says ``level_varies``.
    """
    entry = CATALOGUE[code]
    if level is not None and level is not entry.level and not entry.level_varies:
        raise ValueError(f"finding {code!r} is always {entry.level.name}")
    message = entry.templates[variant].format(file=file, sheet=sheet, row=row, column=column, value=value, **params)
    return Finding(level or entry.level, code, message, file, sheet, row, column, value)


# ---------------------------------------------------------------- the one order

def sort_findings(findings: Iterable[Finding], std: Standard | None = None,
                  explained: Container[Finding] = frozenset()) -> list[Finding]:
    """``findings`` in the one order every face lists them (console, check report, workbench,
    a package's 核实说明), as the check report has always sorted them: by file; by sheet, the
    sheets of the standard ``std`` in its order, then any other by name (a finding about the
    whole file comes after the standard's sheets); by Excel row (one about a whole sheet
    first); on one row the errors, then the warnings still open, then those in ``explained``;
    then by column and by code."""
    rank = {sheet.name: i for i, sheet in enumerate(std.sheets.values())} if std is not None else {}

    def key(f: Finding) -> tuple:
        state = 0 if f.is_error else 2 if f in explained else 1
        return f.file, rank.get(f.sheet, len(rank)), f.sheet, f.row or 0, state, f.column, f.code

    return sorted(findings, key=key)
