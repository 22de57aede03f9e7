"""The shared vocabulary of the genre and of our index, in one place.

Every module that needs a passage id, a document kind, a money unit, the quote characters or the
heading markers of a disclosure takes them from here, so they cannot drift apart (they used to be
repeated in three to four modules), and modules that share them no longer import each other (the
chunk <-> clean cycle). Vocabularies that grow with the corpus — department short forms, regions,
metric synonyms — are data files in search/data/, not constants here.
"""
from __future__ import annotations

import re

# -- documents -----------------------------------------------------------------------------------------
KINDS = ("预算", "决算", "其他")  # what a document is: a budget, a final account, or something else
BASES = ("预算", "决算")          # what a figure is: budgeted or actual (决算 documents state both)

# -- passage ids: "<doc_id>-<ordinal:04d>" ---------------------------------------------------------------


def passage_id(doc_id: str, ordinal: int) -> str:
    return f"{doc_id}-{ordinal:04d}"


def passage_doc_id(pid: str) -> str:
    """The document id a passage id belongs to."""
    return pid.rsplit("-", 1)[0]


def passage_ordinal(pid: str) -> int:
    return int(pid.rsplit("-", 1)[1])


# -- money -----------------------------------------------------------------------------------------------
MONEY_UNITS = ("亿元", "万元", "千元", "元")          # longest first: 万元 must not read as 元
TO_WAN = {"元": 1 / 10000, "千元": 1 / 10, "万元": 1.0, "亿元": 10000.0}
MONEY_UNIT_ALT = "|".join(MONEY_UNITS)
NUMBER = r"\d[\d,]*(?:\.\d+)?"
AMOUNT = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>{MONEY_UNIT_ALT})")
# a table's money unit line: "单位：万元", "金额单位：元"
MONEY_UNIT_LINE = re.compile(rf"(?:金额)?单位\s*[:：]\s*({MONEY_UNIT_ALT})")

# -- quotes ----------------------------------------------------------------------------------------------
QUOTES = "“”\"「」"
_QUOTE_TABLE = str.maketrans("", "", QUOTES)


def strip_quotes(text: str) -> str:
    """“三公”经费 -> 三公经费: quotes around a term are typography, not content."""
    return text.translate(_QUOTE_TABLE)


# -- headings of the genre: 第一部分 (1), 一、 (2), （一） (3), 1. (4), table titles (5) ------------------
# how the name of an organisation ends (a unit, a subordinate centre, a team): the single source for the
# build (a unit named as a row of a project table) and the questions (a unit cell a question names)
ORG_ENDINGS = ("委员会", "办公室", "中心", "局", "委", "办", "厅", "队", "部", "会", "室", "处", "署", "站", "所",
               "院", "馆", "校", "社", "厂", "场", "气象台", "电视台")
ORG_NAME_END = re.compile(f"(?:{'|'.join(ORG_ENDINGS)})$")
# a list number in front of a name ("二、", "（3）", "3.", not "3.5"): not part of the name
LIST_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d))")

# a one-character aside in a name is optional: 维修（护）费 is 维修费, 其他政府办公厅（室） is 其他政府办公厅
ONE_CHAR_ASIDE = re.compile(r"[（(][\u4e00-\u9fff][）)]")

CN_NUM = "一二三四五六七八九十百零〇"
LEVEL_PATTERNS = [
    (1, re.compile(rf"^第[{CN_NUM}\d]+部分")),
    (2, re.compile(rf"^[{CN_NUM}]+\s*[、.．]")),
    (3, re.compile(rf"^[（(]\s*[{CN_NUM}]+\s*[）)]")),
    (4, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
]
TABLE_LABEL = re.compile(rf"^(部门公开表|附表|公开\s*\d+\s*表|预算公开表|决算公开表|表)\s*[\d{CN_NUM}]+")
TABLE_NAME = re.compile(r"(情况表|总表|明细表|预算表|决算表|支出表|收入表|一览表|汇总表|变动表|目标表)$")
TOC = re.compile(r"^目\s*录$")
SECTION_SEP = " › "


def starts_like_heading(text: str) -> bool:
    """A heading marker at the line start (the line may still be a long list item, see chunk.heading_level)."""
    return any(p.match(text) for _, p in LEVEL_PATTERNS) or bool(TABLE_LABEL.match(text)) or bool(TOC.match(text))
