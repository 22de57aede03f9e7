"""Split a document's logical lines into passages that follow its section structure.

Headings in this genre: 第一部分 … (level 1), 一、 (2), （一） (3), 1. (4) and table titles (5: 部门公开表N,
附表N, 公开0N表, lines ending in …情况表/…总表). A passage never spans two sections; prose is packed to
roughly 100–800 characters at sentence ends; a table stays whole with its title, unit line and header,
and a long table is split by rows with the header repeated.

No line is lost: a heading with no body of its own (二、… directly followed by （一）…) opens the next
passage, a numbered line that states an amount ("1.一般公共预算拨款收入 110387.98 万元。") is body text, not
a heading, and the only lines left out are those of the contents list, recorded with that reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import DROP_CONTENTS, Dropped, Line, looks_like_table_row, visual_width
from .vocab import (
    CN_NUM,
    LEVEL_PATTERNS,
    MONEY_UNIT_LINE,
    SECTION_SEP,
    TABLE_LABEL,
    TABLE_NAME,
    TOC,
)

_STATES_AMOUNT = re.compile(r"\d\s*(?:万元|亿元|千元|元)")
MAX_HEADING_WIDTH = 60
PROSE_TARGET = 500
PROSE_MIN = 100
TABLE_MAX = 1500


def is_table_title(text: str) -> bool:
    if visual_width(text) > MAX_HEADING_WIDTH or text.endswith(("。", "；", "，")):
        return False
    # "一般公共预算支出表（按功能分类）": a table name may end in a short qualifier in brackets
    name = re.sub(r"[（(][^（）()]{1,12}[）)]$", "", text.rstrip(" 0123456789"))
    return bool(TABLE_LABEL.match(text)) or bool(TABLE_NAME.search(name))


def heading_level(text: str) -> int | None:
    """Level of a heading line, or None for body text (a long '（一）…' line is a list item, not a heading)."""
    if visual_width(text) > MAX_HEADING_WIDTH:
        return None
    body = text.rstrip("。 ")
    if any(mark in body for mark in "。，；,;") or text.count("|") >= 2:
        return None
    if _STATES_AMOUNT.search(text):
        return None   # "（一）本年财政拨款收入1378967.75万元": an item of a list of figures, not a title
    for level, pattern in LEVEL_PATTERNS:
        if pattern.match(text):
            # "5. 年度预算安排： 15 万元" is a key: value line, not a heading
            if (level >= 3 and re.search(r"[:：]\s*\S", text)) or re.search(r"[:：]\s*\S{6,}", text):
                return None
            return level
    return None


@dataclass
class Passage:
    ordinal: int
    section: str
    text: str
    line_start: int
    line_end: int
    is_table: bool = False
    money_unit: str = ""          # 元 / 万元 when a unit line governs this passage
    page_start: int | None = None  # PDF pages of line_start and line_end (set by ingest; None for .txt)
    page_end: int | None = None
    ocr: bool = False             # some of its lines were read by OCR from a scanned page (lower trust)


@dataclass
class _Section:
    path: list[str]
    heading: Line | None
    is_table: bool
    money_unit: str = ""
    lines: list[Line] = field(default_factory=list)


def split_sections(lines: list[Line]) -> list[_Section]:
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []
    current = _Section([], None, False)
    sections.append(current)
    toc_first: str | None = None
    in_toc = False
    pending_unit = ""
    pending_unit_age = 99

    def open_section(level: int, line: Line, table: bool) -> _Section:
        nonlocal stack
        stack = [(lv, t) for lv, t in stack if lv < level]
        stack.append((level, line.text))
        sec = _Section([t for _, t in stack], line, table)
        sections.append(sec)
        return sec

    for i, line in enumerate(lines):
        text = line.text
        unit_match = MONEY_UNIT_LINE.search(text)
        if unit_match:
            pending_unit, pending_unit_age = unit_match.group(1), 0
            if current.is_table and not current.money_unit:
                current.money_unit = pending_unit
        else:
            pending_unit_age += 1

        if TOC.match(text):
            in_toc, toc_first = True, None
            current = open_section(1, line, False)
            continue
        level = heading_level(text)
        if in_toc:
            if level is not None and toc_first is None:
                toc_first = _heading_marker(text)
                current.lines.append(line)
                continue
            # the body starts where the first TOC entry's marker (第一部分 / 一、) appears again,
            # or at the first line of prose (a TOC has none)
            if level is not None and _heading_marker(text) == toc_first:
                in_toc = False
            elif (level is None and visual_width(text) >= 30 or re.search(r"[。；;]\s*$", text)) \
                    and not is_table_title(text):
                # (a contents entry never ends a sentence: "…隶属于上海市司法局，机构级别为正处级。" is body)
                # the body began without a numbered heading ("XX学校主要职能" then prose): the short line
                # before the prose is that section's title; nothing after the contents list joins it
                in_toc = False
                title = current.lines[-1] if current.lines else None
                if title is not None and heading_level(title.text) is None and not is_table_title(title.text) \
                        and visual_width(title.text) <= 30 and not re.search(r"\d\s*$", title.text):
                    current.lines.pop()
                    current = open_section(2, title, False)
                else:
                    stack = []
                    current = _Section([], None, False)
                    sections.append(current)
            else:
                current.lines.append(line)
                continue
        if level == 1:
            current = open_section(level, line, False)
            continue
        if is_table_title(text) and not (current.is_table and not current.lines and current.heading
                                         and TABLE_LABEL.match(current.heading.text)):
            current = open_section(5, line, True)
            if pending_unit_age <= 3:
                current.money_unit = pending_unit
            continue
        if is_table_title(text):
            # "部门公开表1" followed by its name "收支总表": one title
            current.path[-1] = current.path[-1] + " " + text
            stack[-1] = (stack[-1][0], current.path[-1])
            current.heading = Line(current.heading.text + " " + text, current.heading.start, line.end)
            continue
        if level is not None and not (current.is_table and level > 1 and not _prose_follows(lines, i)):
            current = open_section(level, line, False)
            continue
        current.lines.append(line)
    return sections


def _prose_follows(lines: list[Line], i: int) -> bool:
    """Inside a table, '一、本年收入 199.54' is a row label; a heading ends the table only when prose follows."""
    if looks_like_table_row(lines[i].text):
        return False
    for nxt in lines[i + 1:i + 3]:
        if looks_like_table_row(nxt.text):
            return False
        if heading_level(nxt.text) is None and visual_width(nxt.text) >= 20:
            return True
    return False


def _heading_marker(text: str) -> str:
    m = re.match(rf"^(第[{CN_NUM}\d]+部分|[{CN_NUM}]+\s*[、.．]|[（(]\s*[{CN_NUM}]+\s*[）)]|\d{{1,2}}\s*[.．、])", text)
    return re.sub(r"\s+", "", m.group(1)) if m else text


def merge_bare_part_headings(lines: list[Line]) -> list[Line]:
    """'第一部分' alone on a line followed by its name '部门概况': one heading."""
    out: list[Line] = []
    for line in lines:
        if out and re.fullmatch(rf"第[{CN_NUM}\d]+部分", out[-1].text) and visual_width(line.text) <= 24 \
                and heading_level(line.text) is None:
            out[-1] = Line(out[-1].text + " " + line.text, out[-1].start, line.end)
        else:
            out.append(line)
    return out


def _split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。！？；;!?])", text)
    return [p for p in parts if p]


def _prose_chunks(lines: list[Line]) -> list[list[tuple[str, Line]]]:
    """Pack (sentence, source line) pieces into chunks of at most PROSE_TARGET characters."""
    pieces: list[tuple[str, Line]] = []
    for ln in lines:
        if len(ln.text) > PROSE_TARGET:
            pieces.extend((s, ln) for s in _split_sentences(ln.text))
        else:
            pieces.append((ln.text, ln))
    chunks: list[list[tuple[str, Line]]] = [[]]
    size = 0
    for piece in pieces:
        if chunks[-1] and size + len(piece[0]) > PROSE_TARGET:
            chunks.append([])
            size = 0
        chunks[-1].append(piece)
        size += len(piece[0])
    if len(chunks) > 1 and sum(len(p[0]) for p in chunks[-1]) < PROSE_MIN:
        tail = chunks.pop()
        chunks[-1].extend(tail)
    return [c for c in chunks if c]


def _join_pieces(pieces: list[tuple[str, Line]]) -> str:
    out: list[str] = []
    last_line = None
    for text, ln in pieces:
        if last_line is not None and ln is not last_line:
            out.append("\n")
        out.append(text)
        last_line = ln
    return "".join(out)


_CELL_SPLIT = re.compile(r"[|\t]|\s{2,}| ")
_NUMBER_CELL = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")


def _is_data_row(text: str) -> bool:
    """A row holding figures (as opposed to the header rows above it)."""
    return any(_NUMBER_CELL.match(cell.strip()) for cell in _CELL_SPLIT.split(text) if cell.strip())


def _table_chunks(lines: list[Line]) -> list[tuple[list[Line], list[Line]]]:
    """(header lines, row lines) per chunk; header = lines before the first row of figures."""
    header: list[Line] = []
    for ln in lines:
        if _is_data_row(ln.text) or len(header) >= 8:
            break
        header.append(ln)
    rows = lines[len(header):]
    if sum(len(ln.text) + 1 for ln in lines) <= TABLE_MAX or not rows:
        return [([], lines)]
    budget = max(300, TABLE_MAX - sum(len(h.text) + 1 for h in header))
    chunks: list[tuple[list[Line], list[Line]]] = []
    current: list[Line] = []
    size = 0
    for row in rows:
        if current and size + len(row.text) + 1 > budget:
            chunks.append((header, current))
            current, size = [], 0
        current.append(row)
        size += len(row.text) + 1
    if current:
        chunks.append((header, current))
    chunks[0] = ([], header + chunks[0][1])
    return chunks


def chunk_document(lines: list[Line], dropped: list[Dropped] | None = None) -> list[Passage]:
    """Passages of a document; the lines of its contents list are appended to `dropped` with the reason."""
    passages: list[Passage] = []
    carried: list[Line] = []   # headings with no body of their own: they open the next passage
    for sec in split_sections(merge_bare_part_headings(lines)):
        section = SECTION_SEP.join(sec.path)
        if sec.heading and TOC.match(sec.heading.text):
            # a table of contents repeats every heading and answers nothing
            if dropped is not None:
                dropped.extend(Dropped(ln.start, ln.end, ln.text, DROP_CONTENTS) for ln in [sec.heading] + sec.lines)
            continue
        heading = carried + ([sec.heading] if sec.heading else [])
        if not sec.lines:
            carried = heading
            continue
        carried = []
        if sec.is_table or sum(looks_like_table_row(ln.text) for ln in sec.lines) > len(sec.lines) / 2:
            for index, (header, rows) in enumerate(_table_chunks(sec.lines)):
                shown = (heading if index == 0 else heading[-1:]) + header + rows
                passages.append(Passage(len(passages), section, "\n".join(ln.text for ln in shown),
                                        (shown[0] if index == 0 else rows[0]).start, rows[-1].end, True,
                                        sec.money_unit))
            continue
        for index, pieces in enumerate(_prose_chunks(sec.lines)):
            body = _join_pieces(pieces)
            first = pieces[0][1]
            if index == 0 and heading:
                body = "\n".join(ln.text for ln in heading) + "\n" + body
                first = heading[0]
            passages.append(Passage(len(passages), section, body, first.start, pieces[-1][1].end,
                                    False, sec.money_unit))
    if carried:   # headings at the very end with nothing under them are still text of the document
        passages.append(Passage(len(passages), SECTION_SEP.join(x.text for x in carried),
                                "\n".join(ln.text for ln in carried), carried[0].start, carried[-1].end))
    return passages
