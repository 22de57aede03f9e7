"""How a passage or figure is cited to a reader: PDF page numbers, a citation line to copy, and links.

Why: a journalist cites "<单位>2026年部门预算，第12页" — the page of the PDF a reader can turn to. Our line
numbers only mean something inside this service, so they stay in the links (to scroll the document view)
but the words a reader sees are pages. Works on search results, citations and figures rows alike: all carry
unit, year, kind, file and page_start/page_end (None for .txt files, which have no pages).
"""
from __future__ import annotations

from urllib.parse import urlencode

MAX_MARK_CHARS = 40


def page_label(page_start: int | None, page_end: int | None = None) -> str:
    """"第12页", "第12–13页", or "" for a text file."""
    if not page_start:
        return ""
    if page_end and page_end != page_start:
        return f"第{page_start}–{page_end}页"
    return f"第{page_start}页"


def citation_line(item: dict) -> str:
    """Unit, year, kind, the document as published (its file name) and the page, ready to paste."""
    kind = item.get("kind") or ""
    year = f"{item['year']}年" if item.get("year") else ""
    what = "".join(x for x in (item.get("unit") or "", year, f"部门{kind}" if kind else "") if x)
    parts = [what] if what else []
    if item.get("file"):
        parts.append(f"《{item['file'].rsplit('.', 1)[0]}》")
    where = page_label(item.get("page_start"), item.get("page_end"))
    if not where and item.get("line_start"):
        where = f"第{item['line_start']}–{item.get('line_end') or item['line_start']}行（文本文件）"
    return "，".join(x for x in ("".join(parts), where) if x)


def passage_url(doc_id: str, line_start: int, line_end: int, page: int | None = None, mark: str = "") -> str:
    """The document view of a cited passage; for a PDF it shows `page` with the passage (and `mark`, the
    figure as printed) boxed."""
    params: dict = {"start": line_start, "end": line_end}
    if page:
        params["page"] = page
    if mark:
        params["mark"] = mark[:MAX_MARK_CHARS]
    return f"/doc/{doc_id}?{urlencode(params)}#L{line_start}-L{line_end}"


def original_url(doc_id: str, page: int | None = None) -> str:
    """The original file, opened at the page by browsers' PDF viewers (#page=N)."""
    return f"/files/{doc_id}" + (f"#page={page}" if page else "")
