"""OCR for PDF pages that have no text layer (scans), with rapidocr on onnxruntime.

Why this shape:
- Only pages whose text layer is (nearly) empty AND that are mostly covered by an image are read; a blank
  page is not an OCR job and a page with text is never re-read.
- OCR is slow (seconds per page on two cores), so its text is cached by the file's sha256 in
  INDEX_DIR/ocr-cache/, outside the generations: an incremental build, a rebuild after a code change, and
  every later generation reuse it. A failure is cached too, with its reason, so a broken scan is reported
  once instead of being retried on every build.
- OCR never holds back the rest of the corpus: the indexer swaps in a generation without the pending files
  first, then calls `ocr_pending` and builds again (see indexer.build_with_ocr).
- The work is bounded: pages rendered at OCR_SCALE (2.0 = 144 dpi), onnxruntime limited to OCR_THREADS.

rapidocr (Apache-2.0) ships PP-OCR detection/recognition models (Apache-2.0, PaddleOCR) inside its wheel
and runs offline on onnxruntime (MIT); nothing is downloaded at run time.
"""
from __future__ import annotations

import json
import logging
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

CACHE_FOLDER = "ocr-cache"
MIN_TEXT_CHARS = 20        # a page with fewer characters in its text layer has no text layer
MIN_IMAGE_SHARE = 0.2      # ... and is read only when images cover at least this share of it
MIN_SCORE = 0.5            # recognised boxes below this confidence are noise


def engine_id(scale: float) -> str:
    """Part of every cache entry: OCR text from another engine or render scale is read again."""
    try:
        from importlib.metadata import version

        return f"rapidocr-{version('rapidocr')}-scale{scale:g}"
    except Exception:
        return f"rapidocr-unknown-scale{scale:g}"


@dataclass
class OcrResult:
    """OCR of one file: text per page index (0-based), or the reason a page could not be read."""
    engine: str
    pages: dict[int, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"engine": self.engine, "pages": {str(k): v for k, v in self.pages.items()},
                "errors": {str(k): v for k, v in self.errors.items()}, "seconds": round(self.seconds, 2)}

    @classmethod
    def from_json(cls, data: dict) -> OcrResult:
        return cls(data.get("engine", ""), {int(k): v for k, v in data.get("pages", {}).items()},
                   {int(k): v for k, v in data.get("errors", {}).items()}, float(data.get("seconds", 0.0)))


class OcrCache:
    """INDEX_DIR/ocr-cache/<sha256>.json; written atomically, shared by all generations."""

    def __init__(self, index_dir: Path, scale: float | None = None):
        from .config import defaults_from_env

        self.folder = Path(index_dir) / CACHE_FOLDER
        self.scale = float(scale if scale is not None else defaults_from_env()["OCR_SCALE"])
        self.engine = engine_id(self.scale)

    def get(self, sha256: str) -> OcrResult | None:
        path = self.folder / f"{sha256}.json"
        try:
            result = OcrResult.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None
        return result if result.engine == self.engine else None

    def put(self, sha256: str, result: OcrResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{sha256}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.folder / f"{sha256}.json")


def page_needs_ocr(page, text: str) -> bool:
    """No text layer, and an image covers a good part of the page (a blank page needs nothing)."""
    if len(text.strip()) >= MIN_TEXT_CHARS:
        return False
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    area = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, right - left) * max(0.0, top - bottom)
    return width * height > 0 and area / (width * height) >= MIN_IMAGE_SHARE


def file_sha256(path: Path) -> str:
    """The cache key (the same digest reader.file_sha256 gives; not imported from there: reader imports us)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pages_needing_ocr(path: Path) -> list[int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            if page_needs_ocr(page, textpage.get_text_range()):
                out.append(index)
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


_ENGINE = None
_ENGINE_LOCK = threading.Lock()


def load_engine(threads: int | None = None):
    """One rapidocr engine per process (model loading takes a moment), limited to `threads` cores."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            from .config import defaults_from_env

            threads = int(threads or defaults_from_env()["OCR_THREADS"])
            _ENGINE = RapidOCR(params={"Global.log_level": "warning",
                                       "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                                       "EngineConfig.onnxruntime.inter_op_num_threads": 1})
        return _ENGINE


def lines_from_boxes(boxes, texts, scores) -> list[str]:
    """Reading-order lines from recognised boxes: boxes whose vertical centres are within half a line
    height form one line, ordered left to right; cells far apart are separated by two spaces, so rows of
    a scanned table stay rows of cells. A page whose text runs vertically (a landscape table printed
    sideways) is read in the rotated frame."""
    items = []
    for box, text, score in zip(boxes, texts, scores):
        if not text or not text.strip() or float(score) < MIN_SCORE:
            continue
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        items.append([min(xs), max(xs), min(ys), max(ys), text.strip()])
    if not items:
        return []
    vertical = sum(1 for x0, x1, y0, y1, t in items if len(t) >= 3 and (y1 - y0) > 1.5 * (x1 - x0))
    horizontal = sum(1 for x0, x1, y0, y1, t in items if len(t) >= 3 and (x1 - x0) >= (y1 - y0))
    if vertical > horizontal:
        # rotated a quarter turn counter-clockwise: the table's top is the page's left, its rows run upwards
        items = [[-y1, -y0, x0, x1, t] for x0, x1, y0, y1, t in items]
    heights = [y1 - y0 for _, _, y0, y1, _ in items]
    tolerance = 0.5 * statistics.median(heights)
    items.sort(key=lambda it: (it[2] + it[3]) / 2)
    rows: list[list] = []
    for item in items:
        centre = (item[2] + item[3]) / 2
        if rows and abs(centre - rows[-1][0]) <= tolerance:
            rows[-1][1].append(item)
            rows[-1][0] = statistics.mean((it[2] + it[3]) / 2 for it in rows[-1][1])
        else:
            rows.append([centre, [item]])
    lines = []
    for _, row in rows:
        row.sort(key=lambda it: it[0])
        height = statistics.median(it[3] - it[2] for it in row)
        parts = [row[0][4]]
        for prev, cur in zip(row, row[1:]):
            parts.append(("  " if cur[0] - prev[1] > height else "") + cur[4])
        lines.append("".join(parts))
    return lines


def ocr_page_image(image, engine=None) -> list[str]:
    engine = engine or load_engine()
    out = engine(image)
    if out.boxes is None or out.txts is None:
        return []
    return lines_from_boxes(out.boxes, out.txts, out.scores)


def ocr_file(path: Path, pages: list[int], scale: float, engine_name: str, on_page=None) -> OcrResult:
    """OCR the given pages of one PDF; a page that fails is recorded with why, the others still count."""
    import pypdfium2 as pdfium

    started = time.perf_counter()
    result = OcrResult(engine_name)
    try:
        engine = load_engine()
    except Exception as exc:   # missing package or model: every page fails with the same reason
        result.errors = {i: f"OCR engine unavailable ({type(exc).__name__}: {exc})" for i in pages}
        return result
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:
        result.errors = {i: f"cannot open PDF for OCR ({exc})" for i in pages}
        return result
    try:
        for index in pages:
            try:
                page = pdf[index]
                image = page.render(scale=scale).to_numpy()
                page.close()
                result.pages[index] = "\n".join(ocr_page_image(image, engine))
                if not result.pages[index].strip():
                    del result.pages[index]
                    result.errors[index] = "OCR found no text on the page"
            except Exception as exc:
                result.errors[index] = f"OCR failed ({type(exc).__name__}: {exc})"
            if on_page:
                on_page()
    finally:
        pdf.close()
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class OcrRun:
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
    failed: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def ocr_pending(corpus_dir: Path, index_dir: Path, files: list[str], progress: bool = False) -> OcrRun:
    """OCR the pages still needing it in the named corpus files and cache the text; returns what was done."""
    cache = OcrCache(index_dir)
    jobs = []
    for name in files:
        path = Path(corpus_dir) / name
        try:
            sha = file_sha256(path)
            if cache.get(sha) is not None:
                continue
            jobs.append((path, sha, pages_needing_ocr(path)))
        except Exception as exc:
            log.warning("cannot prepare %s for OCR: %s", name, exc)
    run = OcrRun(files=len(jobs), pages=sum(len(p) for _, _, p in jobs))
    if not jobs:
        return run
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=run.pages, desc="OCR of scanned pages", unit="page")
    started = time.perf_counter()
    for path, sha, pages in jobs:
        result = ocr_file(path, pages, cache.scale, cache.engine, on_page=bar.update if bar else None)
        cache.put(sha, result)
        if not result.pages:
            run.failed.append(path.name)
    run.seconds = time.perf_counter() - started
    if bar:
        bar.close()
    log.info("OCR: %d page(s) of %d file(s) in %.1fs (%.2f pages/s)", run.pages, run.files, run.seconds,
             run.pages_per_second)
    return run
