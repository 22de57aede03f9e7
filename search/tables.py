"""Tables as data: the standard tables of a disclosure recovered with their structure.

Most of a budget disclosure is its standard tables (收支总表, 一般公共预算支出表 with 科目编码 类/款/项,
经济分类 基本支出表, 项目支出表, "三公"经费表 …), and questions about their rows ("X局的行政运行支出",
"X局哪个项目最大") need the row, the column and the money unit — not the n-th number in a line of text.

PDFs: the text layer's line order follows the content stream, not the page (a header may come after the
rows), and empty cells leave no trace in a line of text. So the reader collects, for table-looking pages,
the position of every word (pypdfium2 character boxes of a word's first and last character — C++, two
calls per word) together with the original line number the word is on; here words are grouped into visual
rows by their vertical centre and into columns by x-position: a value column is the union of the
overlapping x-ranges of the numbers printed in it (numbers are right-aligned, so a column reaches left to
the previous column's edge), and header cells are matched to columns by position, a header cell spanning
several columns being their parent ("支出预算 › 合计"). Text (.txt) tables are tab-separated or markdown
grids whose columns are given.

Each recovered row keeps the original lines it came from (to link to the passage that holds it), its
科目编码 split into 类/款/项 (a bare "99" in the 款 column inherits the 类 above it), its label and one value
per column exactly as printed. Tables continued across pages become one table. Consistency checks (项 rows
sum to their 款, 款 to 类, 类 to the total; project rows to the 项目支出 total) flag mismatches; nothing is
ever corrected.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .chunk import is_table_title
from .vocab import MONEY_UNIT_LINE as MONEY_UNIT
from .vocab import ORG_NAME_END

# -- words on a PDF page ----------------------------------------------------------------------------------
NUMBER = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?%?$")   # grouping as printed, even when irregular
_EMPTY_MARK = {"-", "—", "－", "--", "——", "/", "／"}
_WORD = re.compile(r"\S+")
_SMALL_INT = re.compile(r"^\d{1,2}$")
_BARE_LABEL = re.compile(r"^(部门公开表|附表|公开|预算公开表|决算公开表|表)\s*[\d一二三四五六七八九十-]+(表)?$")


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float       # distance from the top of the page
    bottom: float
    line: int        # original 1-based line number of the document text

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def looks_tabular(page_text: str) -> bool:
    """Only pages with several bare numbers are worth the geometry pass (prose pages are skipped)."""
    count = 0
    for token in _WORD.findall(page_text):
        if NUMBER.match(token.replace("，", ",")):
            count += 1
            if count >= 4:
                return True
    return False


def page_words(textpage, page_text: str, first_line: int, page_height: float, rotation: int = 0,
               page_width: float = 0.0) -> list[Word]:
    """Words of one page with their boxes. page_text is the textpage's get_text_range() before any newline
    normalisation: its character i is the textpage's character i, which is how a word finds its box.
    page_height/page_width: the page as displayed; rotation: the page's /Rotate (a landscape table is often
    a portrait page turned by 90°, its character boxes in the unturned page), so boxes are turned to match
    what a reader sees."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDFText_CountChars(textpage.raw) != len(page_text):
        return []   # characters outside the BMP shift the indices: no geometry rather than wrong geometry
    breaks = [m.start() for m in re.finditer(r"\r\n|\r|\n", page_text)]
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    handle = textpage.raw
    words: list[Word] = []
    # the unturned page's size: a page turned by 90° or 270° is displayed with width and height swapped
    width, height = (page_height, page_width) if rotation in (90, 270) else (page_width, page_height)
    for m in _WORD.finditer(page_text):
        start, end = m.start(), m.end() - 1
        if not pdfium_c.FPDFText_GetLooseCharBox(handle, start, box):
            continue
        first = (rect.left, rect.bottom, rect.right, rect.top)
        if end != start:
            pdfium_c.FPDFText_GetLooseCharBox(handle, end, box)
        last = (rect.left, rect.bottom, rect.right, rect.top)
        x0, x1, top, bottom = _displayed(first, last, rotation, width, height)
        words.append(Word(m.group(), x0, max(x1, x0), top, bottom, first_line + bisect.bisect_right(breaks, start)))
    return _without_page_numbers(words)


_PAGE_NUMBER_LINE = re.compile(r"[-—–－]\d{1,4}[-—–－]|第\d{1,4}页(?:共\d{1,4}页)?")


def _without_page_numbers(words: list[Word]) -> list[Word]:
    """The page's number ("- 23 -", "第 3 页") is no cell: a number standing apart on a page with no header
    above it became a value column of its own and split the labels from their rows (无锡 政府采购支出表)."""
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    dropped = {line for line, ws in by_line.items() if _PAGE_NUMBER_LINE.fullmatch("".join(w.text for w in ws))}
    return [w for w in words if w.line not in dropped] if dropped else words


def _displayed(first, last, rotation: int, width: float, height: float) -> tuple[float, float, float, float]:
    """(x0, x1, top, bottom) on the page as displayed, from the (left, bottom, right, top) boxes of a word's
    first and last characters in the page's own coordinates (origin bottom left)."""
    if rotation == 90:       # turned clockwise: the page's left edge is the top, its bottom edge the left
        return first[1], last[3], min(first[0], last[0]), max(first[2], last[2])
    if rotation == 270:      # turned anticlockwise: its top edge is the left, its right edge the top
        return height - first[3], height - last[1], width - max(first[2], last[2]), width - min(first[0], last[0])
    if rotation == 180:
        return width - first[2], width - last[0], first[1], first[3]
    return first[0], last[2], height - first[3], height - first[1]


# -- the common shape of a recovered table ------------------------------------------------------------------
@dataclass
class Column:
    path: list[str]          # header path, outermost first: ["支出预算", "合计"]
    kind: str = "value"      # value | label

    @property
    def name(self) -> str:
        return " › ".join(self.path)


@dataclass
class Row:
    label: str
    values: dict[int, str]           # column index -> value as printed
    line_start: int
    line_end: int
    code: str = ""                   # 科目编码 digits, e.g. 2014001
    level: str = ""                  # 类 / 款 / 项 when coded
    context: str = ""                # other text cells of the row (e.g. 单位名称 of a project row)
    is_total: bool = False
    block: int = 0                   # side-by-side tables (收入 | 支出): which half


@dataclass
class Table:
    title: str
    unit: str                        # 元 / 万元 / 千元 / 亿元, or "" when the table states none
    columns: list[Column]
    rows: list[Row]
    line_start: int
    line_end: int
    pages: list[int] = field(default_factory=list)
    source: str = "pdf"
    kind: str = ""                   # 功能分类 / 经济分类 / 项目支出 / 三公经费 / 收支总表 / …
    checks: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        for row in data["rows"]:
            row["values"] = {str(k): v for k, v in row["values"].items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        data = dict(data)
        data["columns"] = [Column(**c) for c in data["columns"]]
        data["rows"] = [Row(**{**r, "values": {int(k): v for k, v in r["values"].items()}}) for r in data["rows"]]
        return cls(**data)


def table_kind(title: str, rows: list[Row]) -> str:
    t = title.replace("“", "").replace("”", "").replace('"', "")
    if "三公" in t:
        return "三公经费"
    codes = [r.code for r in rows if r.code]
    # a project table's serial numbers (西安's 序号 116, 130 …) may read as codes; classification codes start
    # with 2 (function), 3 or 5 (economic)
    if re.search(r"项目支出|专项业务经费", t) and sum(c.startswith(("2", "3", "5")) for c in codes) <= len(codes) / 2:
        return "项目支出"
    if codes and sum(c.startswith(("3", "5")) for c in codes) > len(codes) / 2:
        return "经济分类"
    if codes or "功能分类" in t:
        return "功能分类"
    if "政府采购" in t:
        return "政府采购"
    if "收支" in t and "总表" in t:
        return "收支总表"
    if "收入" in t:
        return "收入"
    if "支出" in t:
        return "支出"
    return "其他"


# -- codes and labels ---------------------------------------------------------------------------------------
_CODE_CELL = re.compile(r"^\d{2,3}$|^\d{5}$|^\d{7}$")
_CODE_IN_LABEL = re.compile(r"^[\[【(（]?(\d{3}(?:\s?\d{2}){0,2})[\]】)）]?\s*(?=[\u4e00-\u9fff])")
_TOTAL = re.compile(r"^(合\s*计|总\s*计|小\s*计|本年(?:收入|支出)?合计|收入总计|支出总计|收支总计)$")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


_PROSE = re.compile(r"。|主要原因|比上年|与上年相比|较上年")
# a project's class printed between its name and its figures (特定目标类, 其他运转类, 一般性项目类)
_PROJECT_CLASS = re.compile(r"[\u4e00-\u9fff]{2,6}类")


def is_narrative(text: str) -> bool:
    """Prose in a table cell (a project's description), not a name: a sentence mark, or too long for a name."""
    return bool(re.search(r"[，。；]", text)) or len(text) > 40


def tidy(text: str) -> str:
    return _CJK_SPACE.sub("", " ".join(text.split()))


class CodeContext:
    """Carries 类 and 款 down the rows: a row printing only "99" in the 款 column belongs to the 类 above."""

    def __init__(self):
        self.lei = ""
        self.kuan = ""

    def resolve(self, parts: list[str]) -> tuple[str, str]:
        parts = [p for p in parts if p]
        if not parts:
            return "", ""
        digits = "".join(parts)
        if len(parts) == 1 and len(digits) in (3, 5, 7) and not (len(digits) == 3 and self.lei and len(parts[0]) == 2):
            code = digits
        elif len(parts) == 1 and len(digits) == 2:
            # a 款 or 项 printed alone: which one depends on the column, unknown here; the caller passes
            # positional parts ("", "99", "") as [lei, kuan, xiang] through resolve_positional
            code = (self.kuan or self.lei) + digits
        elif len(parts) >= 2 and len(parts[0]) == 3 and all(len(p) == 2 for p in parts[1:]):
            code = digits
        else:
            return "", ""
        return self._set(code)

    def resolve_positional(self, lei: str, kuan: str, xiang: str) -> tuple[str, str]:
        if lei and not kuan and not xiang and len(lei) in (3, 5, 7):
            return self._set(lei)
        if lei and len(lei) == 3:
            self.lei = lei
        if kuan:
            if not lei and len(kuan) == 2:
                if not self.lei:
                    return "", ""
                return self._set(self.lei + kuan + (xiang if len(xiang) == 2 else ""))
            if len(kuan) == 2:
                return self._set(self.lei + kuan + (xiang if len(xiang) == 2 else ""))
        if xiang and len(xiang) == 2 and self.kuan:
            return self._set(self.kuan + xiang)
        return "", ""

    def _set(self, code: str) -> tuple[str, str]:
        if len(code) == 3:
            self.lei, self.kuan = code, ""
            return code, "类"
        if len(code) == 5:
            self.lei, self.kuan = code[:3], code
            return code, "款"
        if len(code) == 7:
            self.lei, self.kuan = code[:3], code[:5]
            return code, "项"
        return "", ""


@lru_cache(maxsize=65536)
def _is_value(text: str) -> bool:
    t = text.replace("，", ",").replace(" ", "")
    return bool(NUMBER.match(t)) or t in _EMPTY_MARK


def parse_value(text: str) -> float | None:
    t = text.replace("，", ",").replace(" ", "").replace("−", "-")
    if not NUMBER.match(t) or t.endswith("%"):
        return None
    return float(t.replace(",", ""))


# -- PDF: pages of words into tables ------------------------------------------------------------------------
@dataclass
class _Cell:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    lines: list[int]
    parts: list = field(default_factory=list)   # the words joined into it: [(x0, x1, text)]

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2


def _visual_rows(words: list[Word]) -> list[list[_Cell]]:
    """Words grouped into rows by vertical centre, then into cells (adjacent words with a small gap)."""
    if not words:
        return []
    heights = sorted(w.height for w in words if w.height > 0)
    h = heights[len(heights) // 2] if heights else 10.0
    tol = max(1.5, 0.35 * h)
    ordered = sorted(words, key=lambda w: w.mid)
    rows: list[list[Word]] = [[ordered[0]]]
    centre = ordered[0].mid
    for w in ordered[1:]:
        if abs(w.mid - centre) <= tol:
            rows[-1].append(w)
            centre = sum(x.mid for x in rows[-1]) / len(rows[-1])
        else:
            rows.append([w])
            centre = w.mid
    out: list[list[_Cell]] = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        cells: list[_Cell] = []
        for w in row:
            gap_limit = 0.45 * max(w.height, 1.0)
            prev = cells[-1] if cells else None
            joinable = prev is not None and w.x0 - prev.x1 <= gap_limit and (
                (not _is_value(prev.text) and not _is_value(w.text))
                # "2025 年"; a name that begins with its year, set close ("2026驻京经费", 长春)
                or (re.fullmatch(r"(19|20)\d\d", prev.text) is not None and re.match(r"[\u4e00-\u9fff]", w.text) is not None
                    and (w.text.startswith("年") or w.x0 - prev.x1 <= 2.0)))
            if joinable:
                glue = "" if re.search(r"[\u4e00-\u9fff）)]$", prev.text) or re.match(r"^[\u4e00-\u9fff（(]", w.text) else " "
                if not prev.parts:
                    prev.parts.append((prev.x0, prev.x1, prev.text))
                prev.parts.append((w.x0, w.x1, w.text))
                prev.text += glue + w.text
                prev.x1 = max(prev.x1, w.x1)
                prev.top, prev.bottom = min(prev.top, w.top), max(prev.bottom, w.bottom)
                prev.lines.append(w.line)
            else:
                cells.append(_Cell(w.text, w.x0, w.x1, w.top, w.bottom, [w.line]))
        out.append(cells)
    return out


def _row_text(cells: list[_Cell]) -> str:
    return "".join(c.text for c in cells)


def _is_prose(cells: list[_Cell], page_width: float) -> bool:
    text = _row_text(cells)
    if re.match(r"^(注|说明|备注)\s*[:：0-9１-９一]", text):
        return True
    if len(cells) == 1 and re.search(r"[，。；]", text) and len(text) >= 25:
        return True
    return False


def _is_title(cells: list[_Cell]) -> bool:
    text = _row_text(cells)
    if len(cells) <= 3 and re.fullmatch(r"(部门公开表|公开表|附表|预算公开表|表)\d{1,2}", text):
        return True      # "表 7" set as two words: the table's number on a line of its own
    if "表" not in text or len(cells) > 3 or any(_is_value(c.text) for c in cells) or "单位" in text[:3]:
        return False
    return is_table_title(text) and not text.endswith(("：", ":")) and "目录" not in text


def _is_column_number_row(cells: list[_Cell]) -> bool:
    """The 栏次 row "1 2 3 4" (or "** ** 1 2") under a header."""
    texts = [c.text for c in cells]
    if any(t in ("栏次", "行次") for t in texts):
        return True
    nums = [t for t in texts if _SMALL_INT.match(t)]
    rest = [t for t in texts if not _SMALL_INT.match(t)]
    return len(nums) >= 3 and all(t.strip("*") == "" or t in ("栏次", "行次", "甲", "乙", "丙") for t in rest) \
        and [int(t) for t in nums] == sorted(int(t) for t in nums)


def _is_data_row(cells: list[_Cell]) -> bool:
    return any(NUMBER.match(c.text.replace("，", ",")) and not _CODE_CELL.match(c.text) for c in cells) \
        or sum(_is_value(c.text) for c in cells) >= 2


@dataclass
class _Segment:
    """Rows of one table on one page."""
    title: str
    title_lines: list[int]
    unit: str
    header: list[list[_Cell]]
    body: list[list[_Cell]]
    page: int
    continued: bool = False


def _page_segments(words: list[Word], page: int, page_width: float) -> list[_Segment]:
    segments: list[_Segment] = []
    current: _Segment | None = None
    for cells in _visual_rows(words):
        text = _row_text(cells)
        if _is_title(cells):
            if current and not current.body and not current.header and current.title and len(text) < 40:
                current.title += text if not re.match(r"^(表|附表|部门公开表)\s*\d+$", current.title) else " " + text
                current.title_lines += [ln for c in cells for ln in c.lines]
                continue
            current = _Segment(text, [ln for c in cells for ln in c.lines], "", [], [], page)
            segments.append(current)
            continue
        if current and current.title and not current.header and not current.body and _BARE_LABEL.match(current.title) \
                and len(cells) <= 3 and not any(_is_value(c.text) for c in cells) and not MONEY_UNIT.search(text) \
                and re.search(r"表|情况|明细", text) and len(text) <= 60:
            current.title += " " + text     # "表5" on one line, its name on the next
            current.title_lines += [ln for c in cells for ln in c.lines]
            continue
        unit = MONEY_UNIT.search(text.replace(" ", ""))
        if unit:
            if current is None:
                current = _Segment("", [], "", [], [], page, continued=True)
                segments.append(current)
            if not current.body:
                current.unit = unit.group(1)
            continue
        if current is None:
            if not _is_data_row(cells):
                # header rows repeated at the top of a continuation page
                current = _Segment("", [], "", [], [], page, continued=True)
                segments.append(current)
            else:
                current = _Segment("", [], "", [], [], page, continued=True)
                segments.append(current)
        if _is_prose(cells, page_width):
            if current.body:
                current = None   # the table ended; prose follows
            continue
        if re.match(r"^(编制单位|单位名称|部门名称|填报单位|预算单位)\s*[:：]", text):
            continue
        if _is_column_number_row(cells):
            continue
        if _is_data_row(cells):
            current.body.append(cells)
        elif current.body:
            current.body.append(cells)   # a wrapped label line, or a text-only row
        else:
            current.header.append(cells)
    return [s for s in segments if s.body or s.header]


def _merge_intervals(spans: list[tuple[float, float]], pad: float = 0.0) -> list[list[float]]:
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + pad:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass
class _Layout:
    """Column geometry of a table: value columns (x-ranges) and label regions (blocks)."""
    value_spans: list[tuple[float, float]]     # column extents (prev column's right edge, own right edge]
    value_paths: list[list[str]]
    block_of: list[int]                        # value column -> block
    label_paths: list[list[str]]               # block -> header of its label column
    label_left: list[float]                    # block -> left edge of its label region
    label_columns: list[int] = field(default_factory=list)  # block -> label columns its header names (0: unknown)


def _is_code_cell(cell: _Cell) -> bool:
    return bool(_CODE_CELL.match(cell.text))


def _split_body(body: list[list[_Cell]]) -> tuple[list[_Cell], list[_Cell]]:
    """(numbers, texts) of the body; leading code cells (201 / 40 / 01) followed by text count as text."""
    numbers: list[_Cell] = []
    texts: list[_Cell] = []
    for cells in body:
        leading = True
        for i, c in enumerate(cells):
            if leading and _is_code_cell(c) and any(not _is_value(d.text) for d in cells[i + 1:]):
                texts.append(c)
                continue
            if _second_code(cells, i):
                texts.append(c)    # a second code column before its name (政府经济科目 50201 / 501 01 办公经费)
                continue
            leading = False
            (numbers if _is_value(c.text) else texts).append(c)
    return numbers, texts


def _second_code(cells: list[_Cell], i: int) -> bool:
    """cells[i] is a code of a second classification printed after the row's name and before its own name
    (西安 "30228 工会经费 50201 办公经费", 烟台 "301 01 基本工资 501 01 工资奖金津补贴"): a code, not a figure."""
    if not (re.fullmatch(r"\d{5}", cells[i].text) or (_is_code_cell(cells[i]) and i and not _is_value(cells[i - 1].text)
                                                      and not _is_code_cell(cells[i - 1]) or
                                                      i and _is_code_cell(cells[i - 1]) and _second_code(cells, i - 1))):
        return False
    j = i + 1
    while j < len(cells) and _is_code_cell(cells[j]) and j - i < 3:
        j += 1
    return j < len(cells) and not _is_value(cells[j].text)


def _levels(fragments: list[_Cell], h: float) -> list[tuple[float, float, str]]:
    """A column's header fragments top-down, lines of one wrapped cell joined: [(top, bottom, text)]."""
    out: list[list] = []
    for c in sorted(fragments, key=lambda c: c.top):
        short_tail = out and len(c.text) <= 3 and c.x1 - c.x0 < out[-1][3] and c.top - out[-1][1] < 0.9 * h
        if out and (c.top - out[-1][1] < 0.5 * h or short_tail):   # "一般公共预" + "算": one wrapped cell
            out[-1][1] = max(out[-1][1], c.bottom)
            out[-1][2] += c.text
        else:
            out.append([c.top, c.bottom, c.text, c.x1 - c.x0])
    return [(a, b, tidy(t)) for a, b, t, _ in out]


def _without_grand_total(covered: list[int], levels: list, block_of: list[int]) -> list[int]:
    """A parent over some of a block's columns (深圳's 项目支出总表: 财政拨款 over 一般公共预算拨款, 政府性基金
    预算拨款 …) does not head the block's first column when that is 总计 / 合计 alone: its header is centred
    in a cell as tall as the header, level with the parent's children, which is not what makes it one. A
    parent over every column (收入预算 › 合计 …) heads it."""
    block = [k for k in range(len(block_of)) if block_of[k] == block_of[covered[0]]]
    first = block[0]
    if first in covered and block[-1] not in covered and len(levels[first]) == 1 \
            and re.sub(r"\s", "", levels[first][0][2]) == "总计":
        return [k for k in covered if k != first]
    return covered


def _blocks(spans: list[tuple[float, float]], texts: list[_Cell]) -> tuple[list[int], list[float]]:
    """Text cells between two value columns start a new block (收入 | 支出 side by side): the block of each
    value column and the left edge of each block's label region."""
    block_of: list[int] = []
    label_left: list[float] = [min((t.x0 for t in texts), default=0.0)]
    block = 0
    for i, (a, _b) in enumerate(spans):
        if i:
            prev_right = spans[i - 1][1]
            between = [t for t in texts if t.x0 >= prev_right - 1 and t.x1 <= a + 1 and not _is_code_cell(t)]
            if len(between) >= 2:
                block += 1
                label_left.append(min(t.x0 for t in between))
        block_of.append(block)
    return block_of, label_left


def _layout(header: list[list[_Cell]], body: list[list[_Cell]]) -> _Layout | None:
    numbers, texts = _split_body(body)
    tight = _merge_intervals([(c.x0, c.x1) for c in numbers if c.text not in _EMPTY_MARK])
    if not tight:
        return None
    hcells = [c for row in header for c in row]
    heights = sorted(c.bottom - c.top for c in hcells + numbers if c.bottom > c.top)
    h = heights[len(heights) // 2] if heights else 10.0
    first_left = tight[0][0]
    label_right = max((t.x1 for t in texts if t.x1 <= first_left + 1), default=-1.0)
    # pass 1: header fragments over the numbers of a column; over two or more columns: a spanning parent
    own: dict[int, list[_Cell]] = {}
    parents: list[tuple[_Cell, list[int]]] = []
    rest: list[_Cell] = []
    for c in _split_over_columns(hcells, tight):
        hit = [i for i, (a, b) in enumerate(tight) if _overlap(c.x0, c.x1, a, b) > 0]
        if len(hit) == 1:
            own.setdefault(hit[0], []).append(c)
        elif len(hit) > 1:
            parents.append((c, hit))
        else:
            rest.append(c)
    # pass 2: a fragment between columns belongs to the column on its right (numbers are right-aligned)
    # unless another fragment at its height is nearer that column's edge; the others head empty columns
    empty: list[_Cell] = []
    claims: dict[int, list[_Cell]] = {}
    for c in rest:
        centre = (c.x0 + c.x1) / 2
        if (texts and c.x1 <= label_right + 2) or any(
                _overlap(c.x0, c.x1, t.x0, t.x1) > 0.5 * min(c.x1 - c.x0, t.x1 - t.x0) for t in texts):
            continue   # heads a label column
        target = next((i for i, (a, b) in enumerate(tight) if centre <= b + 2), None)
        if target is not None and (target == 0 or centre > tight[target - 1][1]) and not any(
                abs(d.top - c.top) < h for d in own.get(target, [])):
            claims.setdefault(target, []).append(c)
        else:
            empty.append(c)
    for target, cands in claims.items():
        for c in cands:
            same_height = [d for d in cands if abs(d.top - c.top) < h]
            if c is max(same_height, key=lambda d: d.x1):
                own.setdefault(target, []).append(c)
            else:
                empty.append(c)
    spans: list[tuple[float, float]] = [(a, b) for a, b in tight]
    stacks: list[list[_Cell]] = [own.get(i, []) for i in range(len(tight))]
    for a, b in _merge_intervals([(c.x0, c.x1) for c in empty]):
        members = [c for c in empty if c.x0 >= a - 0.1 and c.x1 <= b + 0.1]
        if len(members) > 1 and _merge_intervals([(c.x0, c.x1) for c in members if c.bottom < max(m.top for m in members)]) \
                and len(_merge_intervals([(c.x0, c.x1) for c in members if c.top >= max(m.top for m in members) - 1])) >= 2:
            pass
        spans.append((a, b))
        stacks.append(members)
    order = sorted(range(len(spans)), key=lambda i: spans[i][1])
    spans = [spans[i] for i in order]
    stacks = [stacks[i] for i in order]
    remap = {old: new for new, old in enumerate(order)}
    parents = [(c, [remap[i] for i in hit]) for c, hit in parents]
    levels = [_levels(st, h) for st in stacks]
    block_of, label_left = _blocks(spans, texts)
    block = block_of[-1]
    # upper levels of a column with two or more levels are parents: they also head the neighbouring
    # columns of the same block whose own header starts below them
    paths: list[list[tuple[float, str]]] = [[] for _ in spans]
    for i, lv in enumerate(levels):
        if lv:
            paths[i].append((lv[-1][0], lv[-1][2]))
        for n, (top, bottom, text) in enumerate(lv[:-1]):
            child_top = lv[n + 1][0]
            covered = [i]
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(spans) and block_of[j] == block_of[i] and levels[j] and \
                        levels[j][0][0] >= bottom + 0.3 * h and abs(levels[j][0][0] - child_top) <= 1.2 * h:
                    covered.append(j)
                    j += step
            covered = _without_grand_total(covered, levels, block_of)
            for j in covered:
                paths[j].append((top, text))
    for c, hit in parents:
        for j in range(min(hit), max(hit) + 1):
            paths[j].append((c.top, tidy(c.text)))
    value_paths = [[t for _, t in sorted(p)] for p in paths]
    extents: list[tuple[float, float]] = []
    for i, (a, b) in enumerate(spans):
        left = spans[i - 1][1] if i and block_of[i - 1] == block_of[i] else a - 0.5 * (b - a)
        extents.append((min(a, left), b))
    label_paths: list[list[str]] = []
    label_columns: list[int] = []
    for k in range(block + 1):
        region_left = label_left[k]
        region_right = next(extents[i][0] for i in range(len(extents)) if block_of[i] == k)
        frags = [c for c in hcells if c.x0 >= region_left - 8 and c.x1 <= region_right + 2
                 and not re.fullmatch(r"[类款项]|.*编码|.*代码", tidy(c.text))]
        right = max((c.x0 for c in frags), default=None)
        column = [c for c in frags if right is not None and c.x1 > right]
        lv = _levels(column, h)
        label_paths.append([lv[-1][2]] if lv else ["项目"])
        label_columns.append(len(_merge_intervals([(c.x0, c.x1) for c in frags], pad=2.0)))
    return _Layout(extents, value_paths, block_of, label_paths, label_left, label_columns)


def _split_over_columns(hcells: list[_Cell], tight: list[tuple[float, float]]) -> list[_Cell]:
    """Header words set close enough to be joined into one cell ("一般公共预" "政府性基", 3 pt apart, 苏州's
    收入总表) that each stand over a column of their own are two headers, not one spanning both columns."""
    out: list[_Cell] = []
    for c in hcells:
        cols = [[i for i, (a, b) in enumerate(tight) if _overlap(x0, x1, a, b) > 0] for x0, x1, _t in c.parts]
        if len(c.parts) >= 2 and all(len(h) == 1 for h in cols) and len({h[0] for h in cols}) == len(cols) \
                and all(re.match(r"[\u4e00-\u9fff]{2}", t) for _a, _b, t in c.parts):   # ("2026" "年政府采购项目": one)
            out += [_Cell(t, x0, x1, c.top, c.bottom, list(c.lines)) for x0, x1, t in c.parts]
        else:
            out.append(c)
    return out


def _wrapped_lines_joined(body: list[list[_Cell]]) -> list[list[_Cell]]:
    """Lines much closer together than the table's rows are one row whose cells wrap (深圳's project tables:
    "工信产业发展专项资 / 金——转型升级领域" beside "131,400.0 / 0"): joined, so the name and the figure are whole."""
    mids = [sum(c.mid for c in cells) / len(cells) for cells in body if cells]
    gaps = sorted(b - a for a, b in zip(mids, mids[1:]) if b - a > 0)
    if len(gaps) < 4 or len(mids) != len(body):
        return body
    typical = gaps[len(gaps) // 2]
    height = sorted(c.bottom - c.top for cells in body for c in cells)[len(mids) // 2]
    joined = [list(body[0])]
    for i, (previous, mid, cells) in enumerate(zip(mids, mids[1:], body[1:])):
        close = 0 < mid - previous <= 1.3 * height
        if close and mid - previous < 0.6 * typical:
            joined[-1].extend(cells)
        elif close and _completes(body[i], cells):
            # the row's code cells (201 / 40 / 01) still lead it when a figure's first part was printed above
            lead = list(itertools.takewhile(_is_code_cell, cells))
            joined[-1] = lead + joined[-1] + cells[len(lead):]
        else:
            joined.append(list(cells))
    return joined


def _completes(above: list[_Cell], below: list[_Cell]) -> bool:
    """Whether one of two adjacent lines holds figures a full row lacks: a figure too wide for its cell wraps
    above and below the row's line (深圳's 项目支出总表: "811,669.9" / the row / "7"), so the row's line has
    nothing in that column. One line with one or two figures, the other with three or more, none of them in
    the same column."""
    figures = [[c for c in line if _is_value(c.text) and not _is_code_cell(c)] for line in (above, below)]
    few, full = sorted(figures, key=len)
    if not 1 <= len(few) <= 2 or len(full) < 3:
        return False
    return not any(_overlap(a.x0, a.x1, b.x0, b.x1) > 0 for a in few for b in full)


def _value_joined(before: str, text: str) -> str:
    """A figure wrapped in its cell ("131,400.0" then "0") is one figure; two figures stay two."""
    if re.fullmatch(r"[\d,]*\.\d", before) and re.fullmatch(r"\d", text):
        return before + text
    if re.fullmatch(r"[\d,]+", before) and re.fullmatch(r"\d{0,2}\.\d{1,2}|,\d{3}(?:\.\d+)?", text):
        return before + text
    return before + " " + text


_ITEM_START = re.compile(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、．](?!\d))")


def _rows_from_body(body: list[list[_Cell]], layout: _Layout) -> list[Row]:
    """Body rows into Rows; text-only rows (wrapped labels) join the nearest row that holds figures."""
    data: list[tuple[float, dict, dict[int, list[_Cell]], list[str], list[int]]] = []
    orphans: list[tuple[float, dict[int, list[_Cell]], list[int], list[str]]] = []
    nblocks = len(layout.label_paths)
    # a text column right of a block's last figures (绩效目标, 项目简介, 备注) names nothing: not a label
    ends = {layout.block_of[i]: b for i, (_a, b) in enumerate(layout.value_spans)}
    for cells in _wrapped_lines_joined(body):
        values: dict[int, str] = {}
        labels: dict[int, list[_Cell]] = {}
        codes: list[str] = []
        lines: list[int] = []
        leading = True
        for i, c in enumerate(cells):
            if leading and _is_code_cell(c) and any(not _is_value(d.text) for d in cells[i + 1:]):
                codes.append(c.text)
                lines += c.lines
                continue
            leading = False
            col = _column_for(c, layout) if _is_value(c.text) and not _second_code(cells, i) else None
            if col is not None:
                values[col] = _value_joined(values[col], c.text) if col in values else c.text
                lines += c.lines
            else:
                blk = _block_for(c, layout, nblocks)
                if blk in ends and c.x0 > ends[blk] - 1:
                    continue
                labels.setdefault(blk, []).append(c)
                lines += c.lines
        # a row stands where its figures do (a wrapped name's lines above and below them do not move it)
        placed = [c for c in cells if _is_value(c.text)] or cells
        mid = sum(c.mid for c in placed) / len(placed)
        if values:
            data.append((mid, values, labels, codes, lines))
        elif labels:
            orphans.append((mid, labels, lines, codes))
    mids = sorted(d[0] for d in data)
    gaps = sorted(b - a for a, b in zip(mids, mids[1:]) if b - a > 0)
    pitch = gaps[len(gaps) // 2] if gaps else 20.0
    for mid, labels, lines, codes in orphans:
        if not data:
            break
        best = min(range(len(data)), key=lambda i: (abs(data[i][0] - mid), -data[i][0] + mid > 0))
        numbered = any(_ITEM_START.match(cells[0].text) for cells in labels.values() if cells)
        own_code = _codes_alike(codes, data[best][3])
        if abs(data[best][0] - mid) > 0.75 * pitch or numbered or own_code:
            # far from every row with figures, a numbered item of its own ("三、国有资本经营预算拨款收入" with
            # empty cells, 福州's 收支预算总表), or a code of its own beside a row that has one ("30240 税金及附加
            # 费用" under "30239 其他交通费用 35.00" in a 经济分类 table listing every code): a row whose cells are
            # all empty, not a wrapped label (西安's "一般行政管理" / "2013302 事务" wraps around a line of
            # figures without a code: that line's name and code)
            data.append((mid, {}, labels, codes if own_code else [], lines))
            continue
        for blk, cells in labels.items():
            data[best][2].setdefault(blk, []).extend(cells)
        data[best][4].extend(lines)
    rows: list[Row] = []
    for _mid, values, labels, codes, lines in sorted(data, key=lambda d: d[0]):
        by_block: dict[int, dict[int, str]] = {}
        for col, v in values.items():
            by_block.setdefault(layout.block_of[col], {})[col] = v
        for blk in sorted(set(by_block) | set(labels)):
            cells = sorted(labels.get(blk, []), key=lambda c: (round(c.x0 / 4), c.top))
            # the label is the rightmost text column next to the figures; cells further left are context
            groups: list[list[_Cell]] = []
            # under a header naming one label column, the lines of a name left of the figures are one name
            first = min((a for i, (a, _b) in enumerate(layout.value_spans) if layout.block_of[i] == blk), default=0.0)
            # (or names none that could be read: 广州's continued pages, whose header lines are 绩效目标 prose)
            one_column = blk < len(layout.label_columns) and layout.label_columns[blk] <= 1
            for c in sorted(cells, key=lambda c: c.x0):
                if groups and (c.x0 <= max(d.x1 for d in groups[-1]) + 4
                               or one_column and c.x0 < first and _stacked(c, groups[-1])):
                    groups[-1].append(c)
                else:
                    groups.append([c])
            texts = [tidy("".join(c.text for c in sorted(g, key=lambda c: c.top))) for g in groups]
            # a column of prose (a project's 绩效目标, 项目简介) is neither the row's name nor its unit
            names = [t for t in texts if not is_narrative(t)]
            if names and len(names) < len(texts):
                texts = names
            # 西安: the department's item, then the government's economic code and name (30228 工会经费 50201 办公经费):
            # the row is the department's item; the government's pair is a cross-reference, not a name
            second = next((k for k in range(1, len(texts) - 1) if re.fullmatch(r"\d{2,5}", texts[k])), None)
            if second is not None and all(re.fullmatch(r"\d{2,5}", t) for t in texts[second:-1]):
                texts = texts[:second]   # (烟台: 501 / 01 as separate cells)
            elif len(texts) >= 2 and (paired := re.fullmatch(r"(.+?)\s*\d{5}", texts[-2])):
                texts = texts[:-2] + [paired.group(1)]
            if len(texts) >= 2 and _PROJECT_CLASS.fullmatch(texts[-1]):
                # 烟台: 项目名称 | 项目类别 (特定目标类) | figures — the project is the row, its class context
                texts = texts[:-2] + [texts[-1], texts[-2]]
            label = texts[-1] if texts else ""
            if _PROSE.search(label):
                continue   # a sentence of the text below a table's last page ("…增长67.4%。主要原因是…"), no row
            context = " ".join(texts[:-1])
            row_lines = lines
            # codes stay space-separated ("201 40 01") until finish() resolves them in row order
            rows.append(Row(label, by_block.get(blk, {}), min(row_lines), max(row_lines),
                            code=" ".join(codes) if blk == 0 else "", context=context, block=blk))
    return rows


def _codes_alike(codes: list[str], others: list[str]) -> bool:
    """Whether two lines each lead with a classification code of one kind (30240 and 30239; 2010602 and
    2010601): two rows. A row number (西安's "13") or no code beside a code is not."""
    return bool(codes and others) and all(re.fullmatch(r"\d{3,}", c[0]) for c in (codes, others)) \
        and codes[0][0] == others[0][0]


def _stacked(cell: _Cell, group: list[_Cell]) -> bool:
    """Whether cell is another line of the text in group, under a header that names one label column: a
    wrapped name whose lines do not line up ("市属企业科技创新支持" indented, "资金" below it at the left edge;
    "水务行业业务管" / "理") — not a second column, which would stand beside it on the same line."""
    return all(cell.bottom <= d.top + 1 or cell.top >= d.bottom - 1 for d in group)


def _column_for(cell: _Cell, layout: _Layout) -> int | None:
    best, score = None, 0.0
    for i, (a, b) in enumerate(layout.value_spans):
        ov = _overlap(cell.x0, cell.x1, a, b)
        if ov > score:
            best, score = i, ov
    return best if score > 0.3 * max(cell.x1 - cell.x0, 1.0) else None


def _block_for(cell: _Cell, layout: _Layout, nblocks: int) -> int:
    blk = 0
    for k in range(nblocks):
        if cell.x0 >= layout.label_left[k] - 4:
            blk = k
    return blk


def _label_start_into_body(seg: _Segment) -> None:
    """The first line of a wrapped name just above its row's figures is the row's, not the header's: a page
    that continues a table can begin with "广州市气象台2026年信" (then the figures, then "息化运维项目").
    Moved when that line holds no figure, nothing above the figures' columns, and lies closer to the first
    row than the body's rows lie to each other (within a line's height where the page has one row)."""
    if not seg.header or not seg.body:
        return
    numbers = [c for cells in seg.body for c in cells if _is_value(c.text)]
    if not numbers:
        return
    left, right = min(c.x0 for c in numbers), max(c.x1 for c in numbers)
    mids = [sum(c.mid for c in cells) / len(cells) for cells in seg.body if any(_is_value(c.text) for c in cells)]
    gaps = sorted(b - a for a, b in zip(mids, mids[1:]) if b - a > 0)
    # one row of figures on the page (深圳's one-project 项目支出总表, the last row of 广州's 项目支出表 alone under
    # its page's header): no spacing of rows to compare with, the line's own height decides
    pitch = gaps[len(gaps) // 2] if gaps else float("inf")
    line = seg.header[-1]
    first = seg.body[0]
    height = max(c.bottom - c.top for c in first)
    gap = sum(c.mid for c in first) / len(first) - sum(c.mid for c in line) / len(line)
    if any(_is_value(c.text) for c in line) or any(c.x1 > left - 2 and c.x0 < right + 2 for c in line) \
            or not any(c.x1 <= left for c in line) or not 0 < gap <= min(1.3 * height, 0.6 * pitch):
        return
    seg.body[0] = seg.header.pop() + first   # one row: the body's spacing, which finds wrapped lines, is unchanged


def _title_core(title: str) -> str:
    """A title without its number: 西安 repeats "2022年部门综合预算专项业务经费支出表" on each page of 表10."""
    return re.sub(r"^(?:附表|部门公开表|表)\s*\d+(?:[-－—]\d+)?\s*", "", tidy(title))


def tables_from_pdf_pages(pages: list[tuple[int, float, list[Word]]]) -> list[Table]:
    """pages: (page number, page width, words). Segments without a title continue the previous table."""
    tables: list[Table] = []
    last_layout: _Layout | None = None
    last: Table | None = None
    for page, width, words in pages:
        for seg in _page_segments(words, page, width):
            _label_start_into_body(seg)
            same_title = last is not None and seg.title and _title_core(seg.title) == _title_core(last.title) \
                and last.pages[-1] == page - 1
            if (seg.continued or same_title) and last is not None and last.pages[-1] >= page - 1:
                layout = _layout(seg.header, seg.body) if seg.header else None
                layout = layout if layout and len(layout.value_spans) == len(last.columns) - len(
                    [c for c in last.columns if c.kind == "label"]) else last_layout
                if layout is None or not seg.body:
                    continue
                rows = _rows_from_body(seg.body, layout)
                _append_rows(last, rows)
                if page not in last.pages:
                    last.pages.append(page)
                continue
            if seg.continued or not seg.title:
                continue
            layout = _layout(seg.header, seg.body)
            if layout is None:
                last, last_layout = None, None
                continue
            rows = _rows_from_body(seg.body, layout)
            columns = [Column(p, "label") for p in layout.label_paths] + [Column(p) for p in layout.value_paths]
            shift = len(layout.label_paths)
            for r in rows:
                r.values = {k + shift: v for k, v in r.values.items()}
            header_lines = seg.title_lines + [ln for row in seg.header for c in row for ln in c.lines]
            table = Table(tidy(seg.title), seg.unit, columns, [], min(header_lines or [rows[0].line_start if rows else 0]),
                          0, [page])
            table._shift = shift   # type: ignore[attr-defined]
            table.rows = rows
            _finish_lines(table)
            tables.append(table)
            last, last_layout = table, layout
    return [t for t in tables if t.rows]


def _append_rows(table: Table, rows: list[Row]) -> None:
    shift = getattr(table, "_shift", 0)
    for r in rows:
        r.values = {k + shift: v for k, v in r.values.items()}
    table.rows.extend(rows)
    _finish_lines(table)


def _finish_lines(table: Table) -> None:
    if table.rows:
        table.line_end = max(r.line_end for r in table.rows)
        table.line_start = min(table.line_start or table.rows[0].line_start, min(r.line_start for r in table.rows))


# -- text files: tab-separated and markdown grids -----------------------------------------------------------
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}")


def _grid_cells(line: str) -> list[str] | None:
    s = line.rstrip("\n")
    if s.lstrip().startswith("|") and s.count("|") >= 3:
        if _MD_RULE.match(s.strip()) and not re.search(r"[\w\u4e00-\u9fff]", s):
            return []
        inner = s.strip()
        inner = inner[1:] if inner.startswith("|") else inner
        inner = inner[:-1] if inner.endswith("|") else inner
        return [c.strip() for c in inner.split("|")]
    if "\t" in s:
        return [c.strip() for c in s.split("\t")]
    return None


def tables_from_text(text: str) -> list[Table]:
    lines = text.split("\n")
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        cells = _grid_cells(lines[i])
        if cells is None:
            i += 1
            continue
        start = i
        grid: list[tuple[int, list[str]]] = []
        while i < len(lines):
            cells = _grid_cells(lines[i])
            if cells is None:
                if not lines[i].strip() and i + 1 < len(lines) and _grid_cells(lines[i + 1]) is not None:
                    i += 1
                    continue
                break
            if cells:
                grid.append((i + 1, cells))
            i += 1
        table = _grid_table(lines, start, grid)
        if table is not None:
            tables.append(table)
    return _merge_text_continuations(tables)


def _grid_table(lines: list[str], start: int, grid: list[tuple[int, list[str]]]) -> Table | None:
    if len(grid) < 2:
        return None
    title, unit, title_line = "", "", start + 1
    for j in range(start - 1, max(-1, start - 12), -1):
        t = lines[j].strip()
        if not t:
            continue
        m = MONEY_UNIT.search(t.replace(" ", ""))
        if m and not unit:
            unit = m.group(1)
            continue
        if is_table_title(t) and not title:
            title, title_line = t, j + 1
            break
        if _grid_cells(lines[j]) is not None:
            break
    width = max(len(c) for _, c in grid)
    grid = [(n, c + [""] * (width - len(c))) for n, c in grid]
    first_data = next((k for k, (_, c) in enumerate(grid) if _grid_is_data(c)), None)
    if first_data is None:
        return None
    header = [c for _, c in grid[:first_data] if not _grid_column_numbers(c)]
    body = [(n, c) for n, c in grid[first_data:] if not _grid_column_numbers(c)]
    # column kinds from the body
    kinds: list[str] = []
    for j in range(width):
        vals = [c[j] for _, c in body if c[j]]
        head = "".join(h[j] for h in header)
        code_shaped = bool(vals) and all(re.fullmatch(r"\d{2,3}|\d{5}|\d{7}", v) for v in vals)
        if re.fullmatch(r"(科目编码|功能分类科目编码|经济分类科目编码)?[类款项]", head) or (
                code_shaped and (j < 3 or re.search(r"[类款项]$|编码|代码", head))
                and not re.search(r"合计|金额|预算|支出|收入", head)):
            kinds.append("code")
        elif head in ("行次", "栏次"):
            kinds.append("skip")
        elif vals and sum(_is_value(v) for v in vals) >= 0.6 * len(vals):
            kinds.append("value")
        elif vals or head:
            kinds.append("label" if vals else ("value" if j and kinds and kinds[-1] in ("value", "skip") else "label"))
        else:
            kinds.append("empty")
    paths = _grid_header_paths(header, width)
    columns: list[Column] = []
    index: dict[int, int] = {}
    block_of: dict[int, int] = {}
    block = 0
    seen_value = False
    label_cols: dict[int, list[int]] = {}
    for j, kind in enumerate(kinds):
        if kind == "label":
            if seen_value:
                block += 1
                seen_value = False
            label_cols.setdefault(block, []).append(j)
        elif kind == "value":
            seen_value = True
            index[j] = len(columns)
            block_of[j] = block
            columns.append(Column(paths[j] or [f"列{j + 1}"]))
    if not index:
        return None
    label_columns = [Column([next((paths[j][-1] for j in reversed(cols) if paths[j]), "项目")], "label")
                     for _, cols in sorted(label_cols.items())] or [Column(["项目"], "label")]
    shift = len(label_columns)
    code_cols = [j for j, k in enumerate(kinds) if k == "code"]
    rows: list[Row] = []
    ctx = CodeContext()
    for n, c in body:
        blocks = sorted({block_of[j] for j in index if c[j]} | {b for b, cols in label_cols.items() if any(c[j] for j in cols)})
        code, level = "", ""
        if code_cols:
            parts = [c[j] for j in code_cols][:3] + [""] * (3 - len(code_cols[:3]))
            code, level = ctx.resolve_positional(*parts) if len(code_cols) >= 2 else ctx.resolve([parts[0]])
        for b in blocks or [0]:
            texts = [tidy(c[j]) for j in label_cols.get(b, []) if c[j]]
            label = texts[-1] if texts else ""
            if b == 0 and not code:
                m = _CODE_IN_LABEL.match(label)
                if m:
                    code, level = ctx.resolve(m.group(1).split())
                    label = label[m.end():].strip()
            values = {index[j] + shift: c[j] for j in index if block_of[j] == b and c[j]}
            if not label and not values:
                continue
            rows.append(Row(label, values, n, n, code if b == 0 else "", level if b == 0 else "",
                            " ".join(texts[:-1]), bool(_TOTAL.match(label)), b))
    if not rows:
        return None
    table = Table(tidy(title) or "表格", unit, label_columns + columns, rows, title_line, grid[-1][0], [], "txt")
    return table


def _grid_is_data(cells: list[str]) -> bool:
    return any(NUMBER.match(c.replace("，", ",")) and not _SMALL_INT.match(c) and not re.fullmatch(r"\d{3}", c)
               for c in cells)


def _grid_column_numbers(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and (filled[0] in ("栏次", "行次") or all(_SMALL_INT.match(c) or c in ("栏次", "甲", "乙")
                                                                for c in filled) and len(filled) >= 3)


def _grid_header_paths(header: list[list[str]], width: int) -> list[list[str]]:
    """A header cell followed by empty cells spans them when a lower header row fills them."""
    paths: list[list[str]] = [[] for _ in range(width)]
    for r, row in enumerate(header):
        lower = header[r + 1:]
        j = 0
        while j < width:
            text = tidy(row[j])
            if not text:
                j += 1
                continue
            k = j + 1
            while k < width and not row[k] and any(h[k] for h in lower):
                k += 1
            for m in range(j, k):
                paths[m].append(text)
            j = k
    return paths


def _merge_text_continuations(tables: list[Table]) -> list[Table]:
    out: list[Table] = []
    for t in tables:
        if out and t.title == "表格" and [c.name for c in t.columns] == [c.name for c in out[-1].columns]:
            out[-1].rows.extend(t.rows)
            out[-1].line_end = t.line_end
        else:
            out.append(t)
    return out


# -- after recovery: codes, totals, kind, sums ----------------------------------------------------------------
def finish(table: Table) -> Table:
    ctx = CodeContext()
    for r in table.rows:
        if table.source == "pdf" and r.block == 0:
            raw = r.code.split()
            code, level = ctx.resolve(raw) if raw else ("", "")
            if not code:
                m = _CODE_IN_LABEL.match(r.label)
                if m:
                    code, level = ctx.resolve(m.group(1).split())
                    r.label = r.label[m.end():].strip()
            r.code, r.level = code, level
        r.is_total = bool(_TOTAL.match(r.label))
    table.kind = table_kind(table.title, table.rows)
    if table.kind == "经济分类":
        for r in table.rows:
            # 西安's tables print the government economic code (50201) beside the department's (30228): a code,
            # not a figure, whatever column its position falls in
            if r.code.startswith("3"):
                r.values = {col: v for col, v in r.values.items() if not re.fullmatch(r"5\d{4}", v)}
    if table.kind == "项目支出":
        _units_as_context(table)
    elif table.kind in UNIT_BLOCK_KINDS:
        _unit_blocks_as_context(table)
    if table.kind == "三公经费":
        _fund_cycle_headers(table)
    _year_lines_context(table)
    table.checks = check_sums(table)
    return table


_FUND_LEAVES = (("一般公共预算", re.compile(r"一般公共")), ("政府性基金预算", re.compile(r"政府性基金")),
                ("国有资本经营预算", re.compile(r"国有资本|经营预算")))


def _fund_of(path: list[str]) -> str | None:
    last = path[-1].replace(" ", "") if path else ""
    return next((name for name, pattern in _FUND_LEAVES if pattern.search(last)), None)


def _fund_cycle_headers(table: Table) -> None:
    """深圳's "三公"经费表: six groups (总计, 因公出国(境)费, 公务接待费, 公务用车购置及运行维护费 小计 / 购置费 /
    运行维护费) of one column per fund, under spanning headers the page centres over the wrong columns — the
    leaves cycle through the funds, so each run of them is one group, in the national template's order.
    Only where every value column is a fund leaf, in a cycle, six groups of it, and the header names every part."""
    values = [c for c in table.columns if c.kind == "value"]
    funds = [_fund_of(c.path) for c in values]
    if not values or None in funds:
        return
    size = next((k for k in (3, 2) if len(values) == 6 * k and len(set(funds[:k])) == k
                 and all(f == funds[j % k] for j, f in enumerate(funds))), None)
    words = [w.replace(" ", "") for c in values for w in c.path[:-1]]
    abroad = next((w for w in words if "因公出国" in w), "")
    hosting = next((w for w in words if "公务接待" in w), "")
    car = next((w for w in words if "公务用车购置及运行" in w or "公务用车购置和运行" in w), "")
    buying = next((w for w in words if re.fullmatch(r"公务用车购置费?", w)), "")
    running = next((w for w in words if "运行维护费" in w and "购置" not in w), "")
    if size is None or not all((abroad, hosting, car, buying, running)):
        return
    total = "总计" if "总计" in words else "合计"
    groups = [[total], [abroad], [hosting], [car, "小计"], [car, buying], [car, running]]
    for j, column in enumerate(values):
        column.path = groups[j // size] + [funds[j]]


_UNIT_ROW = re.compile(r"^[\u4e00-\u9fff（）()]{4,30}$")
# the kinds of table a department may print unit by unit (its row, then 本级's rows, then each unit's)
UNIT_BLOCK_KINDS = ("功能分类", "经济分类", "支出")


def _units_as_context(table: Table) -> None:
    """A project table that lists projects under a row naming their unit (西安市法律援助中心, then its
    projects): the unit becomes the projects' unit cell (`context`), as in tables with a 单位名称 column."""
    unit = ""
    for r in table.rows:
        if r.context or r.is_total:
            unit = "" if r.is_total else unit
            continue
        head = _unit_head(r.label)
        if _UNIT_ROW.match(r.label) and ORG_NAME_END.search(head) and any(place in head for place in "市县区省"):
            unit = r.label
        elif unit:
            r.context = unit


# a line of a unit's figures for one year ("2026 年", "2025年预算数") or of their change ("增减变化金额")
YEAR_LINE = re.compile(r"((?:19|20)\d{2})\s*年(?:度|预算数?|决算数?)?|(增减变化(?:金额|情况)?|增减(?:额|数)?|变化(?:金额|情况))")


def year_line(label: str) -> re.Match | None:
    """The label read as a year line (group 1: its year; group 2: a change line), or None."""
    return YEAR_LINE.fullmatch(re.sub(r"\s+", "", label or ""))


def _year_lines_context(table: Table) -> None:
    """A unit's figures printed over several year lines, the unit cell on the first only (深圳's "三公"经费表:
    "深圳市水务局（本级） 2025 年 39.87 …", then "2026 年 146.77 …", then "增减变化金额 106.90 …"): the lines
    after the first carry the unit too, so that 2026's figure is the unit's and not a line of no one."""
    unit = ""
    for r in table.rows:
        if not year_line(r.label):
            unit = ""
        elif r.context:
            unit = r.context
        elif unit:
            r.context = unit


def _unit_head(label: str) -> str:
    """"广州市生态与农业气象中心（广州市气候变化中心）" -> 广州市生态与农业气象中心: a unit without its second name."""
    return re.sub(r"[（(][^（）()]*[）)]$", "", label)


def _is_unit_header(r: Row) -> bool:
    head = _unit_head(r.label)
    # (a prison is a unit: 广东省广州花都监狱 heads its rows in 广州司法局's 基本支出 table; 监狱 alone is a row)
    return not r.code and not r.is_total and bool(r.values) and bool(_UNIT_ROW.match(r.label)) \
        and (bool(ORG_NAME_END.search(head)) or len(head) > 4 and head.endswith("监狱"))


def _unit_blocks_as_context(table: Table) -> None:
    """A table printed unit by unit (深圳's 支出总表, 基本支出总表, 经济分类 table: the department's row, then
    "深圳市人力资源和社会保障局（本级）" and its rows, then each subordinate unit's row and its rows): every row
    under a unit's row gets that unit as its unit cell (`context`), so that 会议费 of 深圳市考试院 is not taken
    for the department's. Only where the table opens with a unit's row (after its 合计) and at least two units
    head rows of their own; a unit named without its city (深圳鹏城技师学院) is one too, the layout vouching
    for it."""
    rows = [r for r in table.rows if r.block == 0 and not r.is_total]
    if not rows or not _is_unit_header(rows[0]):
        return
    heads = [i for i, r in enumerate(rows) if _is_unit_header(r)]
    heading = [i for i in heads[1:] if i + 1 < len(rows) and not _is_unit_header(rows[i + 1])]
    if len(heading) < 2:
        return
    unit = ""
    for i, r in enumerate(rows):
        if i in heads:
            unit = r.label
        elif unit and not r.context:
            r.context = unit


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def check_sums(table: Table) -> dict:
    """项 rows sum to their 款, 款 to 类, 类 to the total (coded tables); project rows to the total (项目支出).
    Rounding of printed figures is allowed for: each addend may be off by half its last printed digit."""
    issues: list[dict] = []
    checked = 0
    rows = [r for r in table.rows if r.block == 0]
    value_cols = sorted({c for r in rows for c in r.values})

    def compare(parent: Row, children: list[Row], what: str) -> None:
        nonlocal checked
        for col in value_cols:
            printed = parent.values.get(col, "")
            pv = parse_value(printed) if printed else 0.0
            if printed and pv is None:
                continue
            vals = [parse_value(ch.values[col]) for ch in children if ch.values.get(col)]
            if any(v is None for v in vals) or (not vals and not printed):
                continue
            total = sum(vals)
            decimals = max([_decimals(parent.values.get(col, ""))] + [_decimals(ch.values[col]) for ch in children
                                                                      if ch.values.get(col)])
            tolerance = 0.5 * 10 ** -decimals * (len(vals) + 1) + 1e-9
            checked += 1
            if abs(total - pv) > tolerance:
                issues.append({"row": parent.label, "code": parent.code, "column": table.columns[col].name
                               if col < len(table.columns) else str(col), "rule": what,
                               "printed": printed or "(空)", "sum": round(total, 6)})

    coded = [r for r in rows if r.code]
    if coded and len({r.code for r in coded}) > 1:
        repeated = len({r.code for r in coded if r.level == "类"}) < len([r for r in coded if r.level == "类"])
        for i, parent in enumerate(coded):
            if parent.level not in ("类", "款"):
                continue
            child = "款" if parent.level == "类" else "项"
            under = coded
            if repeated:
                # a code printed again under another heading (烟台: 301 工资福利支出 under 501 and again under 505):
                # a parent's rows are those after it, up to the next row of its level
                end = next((j for j in range(i + 1, len(coded)) if coded[j].level in ("类", parent.level)), len(coded))
                under = coded[i + 1:end]
            kids = [r for r in under if r.level == child and r.code.startswith(parent.code)]
            if kids:
                compare(parent, kids, f"{child}之和={parent.level}")
        totals = [r for r in rows if r.is_total and not r.code]
        tops = [r for r in coded if r.level == "类"]
        if totals and tops and len(table.pages) <= 20:
            compare(totals[0], tops, "类之和=合计")
    elif table.kind == "项目支出":
        totals = [r for r in rows if r.is_total and r.label != "小计"]
        items = [r for r in rows if not r.is_total and r.values]
        if len(totals) == 1 and items and not any(r.label == "小计" for r in rows):
            compare(totals[0], items, "项目之和=合计")
    return {"checked": checked, "failed": len(issues), "issues": issues[:50]}


# -- entry point ------------------------------------------------------------------------------------------------
def recover_tables(raw) -> list[Table]:
    """Tables of one read document (search.reader.RawDocument); never raises."""
    try:
        if raw.source_format == "pdf":
            found = tables_from_pdf_pages(raw.page_words or [])
        else:
            found = tables_from_text(raw.text)
        # 绩效目标表 are text forms (indicators, targets), not tables of figures (search.forms reads their
        # projects where a document prints no project table)
        return [finish(t) for t in found if "绩效" not in t.title]
    except Exception:   # a layout we do not understand must not cost the document its text index
        import logging

        logging.getLogger(__name__).exception("table recovery failed for %s", raw.file)
        return []
