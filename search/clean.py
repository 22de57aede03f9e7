"""Turn extracted text into logical lines: page furniture removed, PDF line wraps joined.

Every logical line remembers the range of original (1-based) line numbers it came from, so a passage
built from logical lines can be cited as "file, lines 120-134" of the text the reader produced.

Only page furniture is removed here (page numbers, running headers and footers, the rule lines of converted
tables), and every removed line is recorded with its reason (`Dropped`): coverage is reported per document,
and a line that disappears without a reason is a bug, not a cleaning choice.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .vocab import starts_like_heading


@dataclass
class Line:
    text: str
    start: int   # first original line number (1-based)
    end: int     # last original line number


@dataclass
class Dropped:
    """An original line that is in no passage, and why (shown by /api/documents/<id>, checked by tests)."""
    start: int
    end: int
    text: str
    reason: str


# the reasons a line may be left out of every passage; nothing else is dropped
DROP_PAGE_NUMBER = "page number"
DROP_RUNNING_HEADER = "running header or footer"
DROP_TABLE_RULE = "table rule line"
DROP_CONTENTS = "contents list"
DROP_REASONS = (DROP_PAGE_NUMBER, DROP_RUNNING_HEADER, DROP_TABLE_RULE, DROP_CONTENTS)
_MONEY = re.compile(r"\d\s*(?:万元|亿元|千元|元)|单位\s*[:：]")


# "- 7 -", "—24—", "第 3 页", "第3页 共20页", "3 / 20"
_PAGE_NUMBER = re.compile(
    r"^[-－—–_\s]*(\d{1,4}|[ivxlcIVXLC]{1,6})[-－—–_\s]*$"
    r"|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"
    r"|^\d{1,4}\s*/\s*\d{1,4}$"
)
_DASHED_PAGE_NUMBER = re.compile(r"^[-－—–]\s*\d{1,4}\s*[-－—–]$")
_MARKDOWN_RULE = re.compile(r"^\|?[\s|:\-]{3,}\|?$")  # "|---|---|" separators of converted tables
_BULLET = re.compile(r"^[-•·]\s+(?=\S)")
# a line that ends like this is finished; anything else may have been wrapped by the PDF layout
_SENTENCE_END = tuple("。！？；：:;!?…」』”")
_MUST_CONTINUE = tuple("，、（(“‘《和及与或的为在对从将由把按")
_HEADING_ENDINGS = ("说明", "情况", "概况", "职能", "职责", "设置", "构成", "解释", "表", "目录")
_NUMERIC_CELL = re.compile(r"^[-+]?[\d,，]*\.?\d+%?$")


# wide (W/F) characters in these documents: CJK, CJK punctuation, full-width forms
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
                   r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def visual_width(text: str) -> float:
    """Layout width (CJK = 1, ASCII = 0.5); one regex pass instead of a per-character Unicode lookup,
    which dominated cleaning time."""
    wide = len(_WIDE.findall(text))
    return wide + 0.5 * (len(text) - wide)


def looks_like_table_row(text: str) -> bool:
    """Rows of figures (several numeric cells) or tab-separated cells are never joined as prose."""
    if "\t" in text or text.count("|") >= 2:
        return True
    if any(mark in text for mark in "，。；"):
        return False  # sentences with figures in them are prose
    cells = text.split()
    numeric = sum(1 for c in cells if _NUMERIC_CELL.match(c.replace(",", "")))
    return numeric >= 2 or (len(cells) >= 1 and numeric == len(cells))


def _wrap_width(lines: list[str], widths: list[float]) -> float:
    """The layout's line width: long lines end where the page ends, so wrap detection compares to this.
    widths: visual_width of each line."""
    widths = sorted(w for t, w in zip(lines, widths) if w >= 10 and not looks_like_table_row(t))
    if len(widths) < 5:
        return 10_000.0  # too little evidence: join nothing on width alone
    return widths[int(len(widths) * 0.75)]


def _repeated_page_furniture(raw_lines: list[str], page_starts: list[int]) -> set[str]:
    """Headers/footers: the same short line at the top or bottom of many pages."""
    if len(page_starts) < 4:
        return set()
    counts: Counter[str] = Counter()
    bounds = page_starts + [len(raw_lines) + 1]
    for first, nxt in zip(bounds, bounds[1:]):
        page = [t.strip() for t in raw_lines[first - 1:nxt - 1] if t.strip()]
        for t in set(page[:2] + page[-2:]):
            if len(t) <= 40:
                counts[t] += 1
    threshold = max(3, len(page_starts) // 3)
    # a repeated amount or unit line ("单位：万元" atop every table page) is content, not furniture
    return {t for t, n in counts.items() if n >= threshold and not _NUMERIC_CELL.match(t) and not _MONEY.search(t)}


def is_heading_start(text: str) -> bool:
    return starts_like_heading(text)


def clean_lines(raw_text: str, page_starts: list[int] | None = None,
                dropped: list[Dropped] | None = None) -> list[Line]:
    """Logical lines of the text; each removed non-blank line is appended to `dropped` with its reason."""
    raw_lines = raw_text.split("\n")
    furniture = _repeated_page_furniture(raw_lines, page_starts or [])
    kept: list[Line] = []
    for number, raw in enumerate(raw_lines, 1):
        text = raw.replace("\u00a0", " ").replace("\ufeff", "").strip()
        text = _BULLET.sub("", text)
        if not text:
            continue
        reason = _furniture_reason(text, number, furniture, page_starts, raw_lines)
        if reason:
            if dropped is not None:
                dropped.append(Dropped(number, number, text, reason))
            continue
        kept.append(Line(text, number, number))
    return join_wrapped(kept)


def _furniture_reason(text: str, number: int, furniture: set[str], page_starts: list[int] | None,
                      raw_lines: list[str]) -> str:
    if _DASHED_PAGE_NUMBER.match(text):
        return DROP_PAGE_NUMBER
    if text in furniture:
        return DROP_RUNNING_HEADER
    if _MARKDOWN_RULE.match(text):
        return DROP_TABLE_RULE
    # bare numbers are page numbers only in PDFs right at a page break; in tables they are cells
    if _PAGE_NUMBER.match(text) and page_starts and _at_page_edge(number, page_starts, raw_lines):
        return DROP_PAGE_NUMBER
    if re.match(r"^第\s*\d{1,4}\s*页", text) and _PAGE_NUMBER.match(text):
        return DROP_PAGE_NUMBER
    return ""


def _at_page_edge(number: int, page_starts: list[int], raw_lines: list[str]) -> bool:
    for start in page_starts:
        if 0 <= number - start <= 1:
            return True
        if 1 <= start - number <= 2:
            return True
    return number >= len(raw_lines) - 1


def join_wrapped(lines: list[Line]) -> list[Line]:
    # each line's width is measured once; a joined line's width is the sum of its parts' (the width is
    # additive), not measured again on the growing paragraph (which made long paragraphs quadratic)
    widths = [visual_width(ln.text) for ln in lines]
    width = _wrap_width([ln.text for ln in lines], widths)
    out: list[Line] = []
    out_widths: list[float] = []
    for line, line_width in zip(lines, widths):
        if out and _continues(out[-1].text, line.text, width, out_widths[-1]):
            prev = out[-1]
            glue = " " if prev.text[-1:].isascii() and line.text[:1].isascii() and prev.text[-1:].isalnum() \
                and line.text[:1].isalnum() else ""
            out[-1] = Line(prev.text + glue + line.text, prev.start, line.end)
            out_widths[-1] += line_width + 0.5 * len(glue)
        else:
            out.append(line)
            out_widths.append(line_width)
    return out


def _continues(prev: str, nxt: str, width: float, prev_width: float) -> bool:
    if prev.endswith(_SENTENCE_END):
        return False
    if looks_like_table_row(prev) or looks_like_table_row(nxt):
        return False
    if is_heading_start(nxt):
        return False
    if is_heading_start(prev) and prev.endswith(_HEADING_ENDINGS):
        return False  # a full-width heading that ends like a heading was not wrapped
    if prev.endswith(_MUST_CONTINUE):
        return True
    # a wrapped line fills the layout width; a short line ended a paragraph, heading or cell
    return prev_width >= 0.85 * width
