"""One PDF page as a reader sees it: a PNG of bounded size, and where the cited characters sit on it.

Why: a reporter checks a figure against the original page before publishing. The reader (reader.py) took
each page's text from pdfium's text layer and split it at line breaks, so original line k of page n is line
k of pdfium's text for that page, and pdfium knows the box of every character of that text. The boxes are
returned as fractions of the page (left, top, width, height in 0..1), so a page can show them as positioned
elements over the image at any display size, without JavaScript and without a second rendering per highlight.

The rendering size is fixed by the server (longest side at most `max_px`, scale at most MAX_SCALE): a
request cannot ask for a size that costs the server. pdfium is not thread-safe, so every call into it here
goes through one lock.
"""
from __future__ import annotations

import ctypes
import io
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_SCALE = 3.0          # points -> pixels; small pages are not blown up past this
_PDFIUM = threading.Lock()
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class PageError(Exception):
    """The page cannot be shown (no such page, damaged file); str(exc) says why."""


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    def css(self) -> str:
        return (f"left:{self.left * 100:.3f}%;top:{self.top * 100:.3f}%;"
                f"width:{self.width * 100:.3f}%;height:{self.height * 100:.3f}%")


@dataclass
class PageBoxes:
    width: float               # page size in points as displayed (rotation applied)
    height: float
    lines: list[Box]           # the cited lines
    marks: list[Box]           # the cited figure inside them


def _open(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:   # damaged, truncated or encrypted
        raise PageError(f"the PDF cannot be opened ({exc})") from None


def page_count(path: Path) -> int:
    with _PDFIUM:
        pdf = _open(path)
        try:
            return len(pdf)
        finally:
            pdf.close()


def render_size(width: float, height: float, max_px: int) -> float:
    """Scale for a page of width x height points: longest side at most max_px pixels."""
    longest = max(width, height)
    if longest <= 0:
        raise PageError("the page has no area")
    return min(MAX_SCALE, (max_px - 0.5) / longest)


def render_png(path: Path, number: int, max_px: int) -> tuple[bytes, int, int]:
    """PNG bytes, width and height of page `number` (1-based), grayscale: the text and tables are what a
    reader checks, and grey pages are a third the size of colour ones."""
    with _PDFIUM:
        pdf = _open(path)
        try:
            if not 1 <= number <= len(pdf):
                raise PageError(f"the document has {len(pdf)} page(s); there is no page {number}")
            page = pdf[number - 1]
            try:
                scale = render_size(*page.get_size(), max_px)
                image = page.render(scale=scale, grayscale=True, may_draw_forms=False).to_pil()
            finally:
                page.close()
        finally:
            pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), image.width, image.height


def line_char_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) character indices of each line of pdfium's page text (the reader's original lines)."""
    ranges, start = [], 0
    for brk in _LINE_BREAK.finditer(text):
        ranges.append((start, brk.start()))
        start = brk.end()
    ranges.append((start, len(text)))
    return ranges


def _normal(ch: str) -> str:
    """Compare characters as text: full-width forms and ASCII alike, spaces and quotes ignored."""
    return "".join(c for c in unicodedata.normalize("NFKC", ch) if not c.isspace() and c not in "\"“”")


def find_mark(chars: list[tuple[int, str]], mark: str) -> list[list[int]]:
    """Character indices of each occurrence of `mark` among (index, char) pairs, ignoring spacing."""
    wanted = _normal(mark)
    if not wanted:
        return []
    flat, owner = [], []
    for index, ch in chars:
        for c in _normal(ch):
            flat.append(c)
            owner.append(index)
    haystack = "".join(flat)
    found, at = [], haystack.find(wanted)
    while at >= 0:
        found.append(sorted(set(owner[at:at + len(wanted)])))
        at = haystack.find(wanted, at + len(wanted))
    return found


def _merge(rects: list[tuple[float, float, float, float]]) -> list[Box]:
    """Character rectangles (left, top, right, bottom), in reading order, merged into runs along a line."""
    runs: list[list[float]] = []
    for left, top, right, bottom in rects:
        if runs:
            run = runs[-1]
            height = max(bottom - top, run[3] - run[1], 1e-6)
            overlap = min(bottom, run[3]) - max(top, run[1])
            if overlap >= 0.5 * min(bottom - top, run[3] - run[1]) and -height < left - run[2] < 1.5 * height:
                run[0], run[1] = min(run[0], left), min(run[1], top)
                run[2], run[3] = max(run[2], right), max(run[3], bottom)
                continue
        runs.append([left, top, right, bottom])
    pad = 0.0015
    return [Box(max(0.0, x0 - pad), max(0.0, y0 - pad), min(1.0, x1 + pad) - max(0.0, x0 - pad),
                min(1.0, y1 + pad) - max(0.0, y0 - pad)) for x0, y0, x1, y1 in runs]


def char_boxes(path: Path, number: int, lines: set[int], mark: str = "") -> PageBoxes:
    """Boxes of the characters on original lines `lines` (0-based within the page) of page `number`, and of
    `mark` (a figure as printed) among them — or anywhere on the page when the cited lines do not hold it."""
    import pypdfium2.raw as pdfium_c

    with _PDFIUM:
        pdf = _open(path)
        try:
            if not 1 <= number <= len(pdf):
                raise PageError(f"the document has {len(pdf)} page(s); there is no page {number}")
            page = pdf[number - 1]
            textpage = page.get_textpage()
            try:
                width, height = page.get_size()
                size_x, size_y = max(1, round(width * 100)), max(1, round(height * 100))
                count = textpage.count_chars()
                text = textpage.get_text_range() if count else ""
                if len(text) != count:   # pdfium's text and its character list disagree: no boxes
                    return PageBoxes(width, height, [], [])
                dx, dy = ctypes.c_int(), ctypes.c_int()

                def to_page(x: float, y: float) -> tuple[float, float]:
                    # pdfium maps page space to the displayed page (crop box, /Rotate) exactly as it renders
                    pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, size_x, size_y, 0, x, y, dx, dy)
                    return dx.value / size_x, dy.value / size_y

                def rect(index: int):
                    left, bottom, right, top = textpage.get_charbox(index)
                    if right <= left or top <= bottom:
                        return None
                    (x0, y0), (x1, y1) = to_page(left, top), to_page(right, bottom)
                    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

                ranges = line_char_ranges(text)
                cited = [(i, text[i]) for k in sorted(lines) if 0 <= k < len(ranges)
                         for i in range(*ranges[k]) if not text[i].isspace()]
                line_rects = [r for r in (rect(i) for i, _ in cited) if r]
                marks = find_mark(cited, mark) if mark else []
                if mark and not marks:
                    marks = find_mark([(i, ch) for i, ch in enumerate(text) if not ch.isspace()], mark)
                mark_boxes = [box for occurrence in marks
                              for box in _merge([r for r in (rect(i) for i in occurrence) if r])]
                return PageBoxes(width, height, _merge(line_rects), mark_boxes)
            finally:
                textpage.close()
                page.close()
        finally:
            pdf.close()

