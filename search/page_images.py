"""The original page beside the text: GET /files/<id>/pages/<n>.png and the page view of a cited passage.

Why: a reporter checks a cited figure against the printed page, as in DocumentCloud or Aleph. The image is
rendered by pdfium at a size the server fixes (PAGE_IMAGE_MAX_PX) and cached on disk inside the index
generation (page-images/), so a cached page is a file read and a new generation starts with a fresh cache.
Highlights are not drawn into the image: the document view places the cited characters' boxes (pdfpage.py)
as positioned elements over it, so one cached PNG serves every citation on that page, without JavaScript.

Ids are looked up in the index, never joined into paths from the request; a page number that is not a page
of that document, a text document, or an original that left or changed since indexing is a 404.
"""
from __future__ import annotations

import logging
import math
import os
import sqlite3
import threading
from pathlib import Path

from flask import Blueprint, current_app, send_file

from .citations import MAX_MARK_CHARS, original_url, page_label, passage_url
from .endpoints import service
from .errors import ApiError
from .indexer import SERVICE_CACHES
from .pdfpage import PageBoxes, PageError, char_boxes, render_png, render_size
from .reader import file_sha256, page_of

log = logging.getLogger(__name__)
bp = Blueprint("page_images", __name__)
CACHE_FOLDER = SERVICE_CACHES[0]
_verified: dict[tuple, bool] = {}
_verified_lock = threading.Lock()


def max_px() -> int:
    return min(4000, max(200, int(current_app.config.get("PAGE_IMAGE_MAX_PX", 1600))))


def _indexed_sha(gen, doc_id: str) -> str:
    conn = sqlite3.connect(f"file:{gen.db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT sha256 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    finally:
        conn.close()
    return row[0] if row else ""


def original_pdf(doc_id: str):
    """(generation, document info, path) of an indexed PDF whose original is still the file that was indexed."""
    gen = service().engine.generation()
    info = gen.documents.get(doc_id) if len(doc_id) <= 64 else None
    if info is None:
        raise ApiError(404, "not_found", f"no document with id {doc_id[:64]!r}; see /api/documents")
    if info.source_format != "pdf" or not info.pages:
        raise ApiError(404, "not_found", "this document is a text file; it has no pages")
    path = Path(current_app.config["CORPUS_DIR"]).resolve() / info.file
    try:
        stat = path.stat()
    except OSError:
        raise ApiError(404, "not_found", "the original file is no longer in the corpus folder") from None
    key = (gen.folder.name, doc_id, stat.st_size, stat.st_mtime_ns)
    with _verified_lock:
        known = _verified.get(key)
    if known is None:
        # pages of a file that changed since indexing would not match the cited lines
        known = file_sha256(path) == _indexed_sha(gen, doc_id)
        with _verified_lock:
            if len(_verified) > 4096:
                _verified.clear()
            _verified[key] = known
    if not known:
        raise ApiError(404, "not_found", "the original file changed since it was indexed; rebuild the index")
    return gen, info, path


def parse_page_number(raw: str, pages: int) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or not 1 <= int(raw) <= pages:
        raise ApiError(404, "not_found", f"no page {raw[:20]!r}: the document has pages 1 to {pages}")
    return int(raw)


def cached_png(gen, doc_id: str, path: Path, number: int) -> Path | bytes:
    """Path of the cached rendering (written atomically), or the bytes when the cache cannot be written."""
    size = max_px()
    target = gen.folder / CACHE_FOLDER / doc_id / f"{number}-{size}.png"
    if target.is_file():
        return target
    try:
        data, _, _ = render_png(path, number, size)
    except PageError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("page image cache not writable (%s); serving uncached", exc)
        return data
    return target


@bp.route("/files/<doc_id>/pages/<page>.png")
def page_image(doc_id: str, page: str):
    gen, info, path = original_pdf(doc_id)
    number = parse_page_number(page, info.pages)
    found = cached_png(gen, doc_id, path, number)
    if isinstance(found, bytes):
        response = current_app.response_class(found, mimetype="image/png")
    else:
        response = send_file(found, mimetype="image/png", conditional=True, max_age=3600)
    return response


# -- the page view beside the document text ---------------------------------------------------------------

def page_view(doc: dict, start: int | None, end: int | None, page: int | None, mark: str) -> dict | None:
    """What the document view shows beside the text for a cited passage of a PDF: the page (the one asked
    for, else the page of the first cited line), its size, and the boxes of the cited lines and figure."""
    if doc.get("source_format") != "pdf" or not doc.get("pages") or not start:
        return None
    page_starts = doc.get("page_starts") or []
    end = end if end and end >= start else start
    cited = [ln for ln in doc["lines"] if ln["end"] >= start and ln["start"] <= end]
    number = page if page and 1 <= page <= doc["pages"] else (
        cited[0]["page"] if cited and cited[0].get("page") else page_of(start, page_starts))
    if not number or not 1 <= number <= doc["pages"]:
        return None
    first = page_starts[number - 1] if number - 1 < len(page_starts) else 0
    raw_lines = {raw - first for ln in cited for raw in range(ln["start"], ln["end"] + 1)
                 if page_of(raw, page_starts) == number}
    mark = (mark or "").strip()[:MAX_MARK_CHARS]
    cited_pages = [page_of(ln[key], page_starts) for ln in cited for key in ("start", "end")]
    view = {"number": number, "pages": doc["pages"], "mark": mark, "error": "",
            "page_start": min(cited_pages, default=None), "page_end": max(cited_pages, default=None),
            "label": page_label(min(cited_pages), max(cited_pages)) if cited_pages else "",
            "src": f"/files/{doc['doc_id']}/pages/{number}.png", "pdf_url": original_url(doc["doc_id"], number),
            "alt": f"原文第{number}页（共{doc['pages']}页）：{doc['file']}", "width": 0, "height": 0,
            "lines": [], "marks": [], "cited_here": bool(raw_lines),
            "prev_url": passage_url(doc["doc_id"], start, end, number - 1, mark) if number > 1 else "",
            "next_url": passage_url(doc["doc_id"], start, end, number + 1, mark) if number < doc["pages"] else ""}
    try:
        _, _, path = original_pdf(doc["doc_id"])
        boxes: PageBoxes = char_boxes(path, number, raw_lines, mark)
    except (ApiError, PageError, OSError) as exc:
        view["error"] = getattr(exc, "message", None) or str(exc)
        return view
    scale = render_size(boxes.width, boxes.height, max_px())
    view.update(width=math.ceil(boxes.width * scale), height=math.ceil(boxes.height * scale),
                lines=[b.css() for b in boxes.lines], marks=[b.css() for b in boxes.marks])
    return view

