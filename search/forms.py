"""Project performance forms (项目支出绩效目标表) read as one table of projects and their funds.

Some cities print no 项目支出 table at all: each project has a form of its own (福州: "项目名称 … 资金总额 N";
泉州: "<code>_<unit>_<project>绩效目标表 … 资金总额： N"; 长沙: a form table "单位（项目）名称 资金总额", one
project per line). The question "X局哪个项目最大" or "<project>安排了多少" has its answer there, and nowhere
else. The forms are not tables the geometry pass can read (their cells are prose: targets, indicators), so
they are read here from the text, one row per form: the project's name as printed and its 资金总额, with
the line the figure is printed on. Read only for a document whose tables hold no project table, so that a
project is never counted twice.
"""
from __future__ import annotations

import re

from .tables import Column, Row, Table, finish
from .vocab import ORG_NAME_END

TITLE = "项目支出绩效目标表（资金总额）"
_FUNDS = re.compile(r"资金总额\s*[:：]?\s*([\d,]+(?:\.\d+)?)")
# 福州: 项目名称 <name> 主管部门 …
_NAMED = re.compile(r"项目名称\s*[:：]?\s*(.+?)\s*(?:主管部门|实施单位|项目负责人|项目单位|预算单位|$)")
# 泉州: 301007_泉州市公安局晋江国际机场分局_机场公安综合修缮改造项目绩效目标表
_TITLED = re.compile(r"([^_\s]+?)(?:项目)?绩效目标表")
# 长沙: "126001 基层及其他信访业务工作经费专项 35.78" under "单位（项目）名称 资金总额"
# (长沙职教基地: the project's 绩效目标 printed on after its funds, "201056 经常性运转经费（水电气） 270.00 保障基地正常运转"
# — only after a unit code: an indicator's line "用电量 653.99 …" is not a project)
_LISTED = re.compile(r"^(?:\d{6}\s*)?([^\d\s][^\n]*?)\s+([\d,]+\.\d{2})$"
                     r"|^\d{6}\s*([^\d\s][^\n]*?)\s+([\d,]+\.\d{2})\s+[^\d\s.,%][^\n]*$")
_LIST_HEADER = re.compile(r"单位[（(]项目[）)]名称.*资金总额")
_AMOUNT_LINE = re.compile(r"^([\d,]+\.\d{2})$")
# a project's name ending a line whose next line is its funds alone (长沙公安: an indicator's text, then
# "警务辅助人员经费（含市府机关大院30名）", then "15,470.00")
_NAME_AT_END = re.compile(r"[\u4e00-\u9fff]+(?:经费|专项|项目|资金|费|补助|补贴|支出|工程|建设)(?:[（(][^（）()]*[）)])?$")
_NOT_A_PROJECT = re.compile(r"部门整体|整体支出")
_LOOK_BACK = 1500     # characters before a 资金总额 in which its form's name is printed


def with_form_table(tables: list[Table], text: str) -> list[Table]:
    """A document's recovered tables, and its forms' table when none of them is a project table."""
    if any(t.kind == "项目支出" for t in tables):
        return tables
    try:
        forms = form_table(text)
    except Exception:   # a form we do not understand must not cost the document its tables
        import logging

        logging.getLogger(__name__).exception("project forms not read")
        return tables
    return tables + [finish(forms)] if forms is not None else tables


def form_table(text: str) -> Table | None:
    """The document's project forms as a table (None when it has none)."""
    lines = text.split("\n")
    rows = _listed_rows(lines) or _form_rows(lines)
    if not rows:
        return None
    seen: set[tuple[str, str]] = set()
    unique = []
    for r in rows:
        key = (r.label, r.values[1])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return Table(TITLE, "万元", [Column(["项目名称"], "label"), Column(["资金总额"])], unique,
                 unique[0].line_start, unique[-1].line_end, [], "form", "项目支出")


def _form_rows(lines: list[str]) -> list[Row]:
    """One row per 资金总额 whose form names its project before it."""
    rows: list[Row] = []
    starts = []
    at = 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    text = "\n".join(lines)
    for number, line in enumerate(lines, 1):
        for m in _FUNDS.finditer(line):
            end = starts[number - 1] + m.start()
            before = text[max(0, end - _LOOK_BACK):end]
            if "自评" in before[-400:]:
                continue   # a 决算's self-evaluation form: its 资金总额 row holds the budget beside the spending
            name = _name_before(before)
            if name:
                rows.append(Row(name, {1: m.group(1)}, number, number))
    return rows


def _name_before(before: str) -> str:
    """The project's name printed last before its 资金总额: "项目名称 X", else "…_X绩效目标表"."""
    before = before.replace("\n", "")     # a form's cells wrap: "项目\n名称\n市级科技创新专项（…资金\n）"
    named = list(_NAMED.finditer(before))
    titled = list(_TITLED.finditer(before))
    best = max(named + titled, key=lambda m: m.start(), default=None)
    if best is None:
        return ""
    name = re.sub(r"\s+", "", best.group(1)).strip("：:_")
    if best.re is _TITLED:
        # "301007_<unit>_<project>" (泉州); text run on from the form before ("≥90%27市行政中心保安服务")
        name = re.sub(r"^.*?(?=(?:19|20)\d{2}年|[\u4e00-\u9fff“「])", "", name.split("_")[-1], count=1)
    return name if 2 <= len(name) <= 60 and not ORG_NAME_END.search(name) and not _NOT_A_PROJECT.search(name) else ""


def _listed_rows(lines: list[str]) -> list[Row]:
    """长沙's form table: the lines after its header that are a project's name and its funds (the unit's own
    line and the 合计 are not projects)."""
    rows: list[Row] = []
    inside = False
    for number, line in enumerate(lines, 1):
        if _LIST_HEADER.search(line):
            inside = True
            continue
        if not inside:
            continue
        m = _LISTED.match(line.strip())
        alone = _AMOUNT_LINE.match(line.strip())
        if m:
            name, funds = re.sub(r"\s+", "", m.group(1) or m.group(3)), m.group(2) or m.group(4)
        elif alone and number >= 2 and (end := _NAME_AT_END.search(
                "".join(x.strip() for x in lines[max(0, number - 3):number - 1]))):   # a name wrapped onto "）"
            name, funds = end.group(), alone.group(1)
        else:
            continue
        if name.startswith("合计") or ORG_NAME_END.search(name) or len(name) < 3 or re.search(r"\d[,.]\d", name):
            continue
        rows.append(Row(name, {1: funds}, number, number))
    return rows
