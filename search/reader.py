"""Read one corpus file into text: .txt in any of the encodings real downloads come in, .pdf via its text layer
(scanned pages via cached OCR text, see search.ocr), .docx via python-docx (paragraphs and table rows in
document order).

A file that cannot be read raises UnreadableFile with a one-line reason a reporter can act on.
"""
from __future__ import annotations

import bisect
import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import PendingOcr, UnreadableFile
from .tables import looks_tabular, page_words

SUPPORTED_SUFFIXES = {".txt", ".pdf", ".docx"}


@dataclass
class RawDocument:
    file: str                 # file name inside the corpus folder (what citations show)
    text: str                 # extracted text, pages joined with "\n"
    sha256: str
    pages: int = 0            # 0 for text files
    page_starts: list[int] = field(default_factory=list)  # 1-based line where each PDF page begins
    source_format: str = "txt"
    # PDF pages that look like tables: (page number, page width, [search.tables.Word]) for table recovery
    page_words: list = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)    # 0-based pages whose text came from OCR
    ocr_missing: int = 0      # scanned pages whose OCR has not run yet (read again once it has)


def page_of(line: int, page_starts: list[int]) -> int | None:
    """1-based PDF page holding original line `line` (None for text files, which have no pages)."""
    if not page_starts or line < 1:
        return None
    return max(1, bisect.bisect_right(page_starts, line))


def page_range(line_start: int, line_end: int, page_starts: list[int]) -> tuple[int | None, int | None]:
    """First and last PDF page of an original line range: what a citation says instead of line numbers."""
    return page_of(line_start, page_starts), page_of(max(line_start, line_end), page_starts)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_PLAUSIBLE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2000-\u206f\s\x20-\x7e\u00b7\u2160-\u217f]")


def looks_like_text(text: str) -> bool:
    """Real disclosures are mostly CJK, ASCII and punctuation; decoded noise is not."""
    if not text.strip():
        return False
    sample = text[:20000]
    plausible = len(_PLAUSIBLE.findall(sample)) / len(sample)
    return plausible > 0.9 and "\x00" not in sample


def decode_text(data: bytes) -> str:
    """Decode by evidence (BOM, strict decoders, then a detector), never by the file extension."""
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(enc, errors="strict"), enc)
    # UTF-16 without BOM: every other byte of ASCII/CJK text is zero-heavy.
    if data[:2000].count(b"\x00") > len(data[:2000]) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                return _checked(data.decode(enc), enc)
            except (UnicodeDecodeError, UnreadableFile):
                continue
    for enc in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(enc, errors="strict"), enc)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return _checked(str(best), best.encoding)
    raise UnreadableFile("not text in any known encoding (binary data?)")


def _checked(text: str, encoding: str) -> str:
    if not looks_like_text(text):
        raise UnreadableFile(f"decodes as {encoding} but is not readable text (binary data?)")
    return text


def read_pdf(path: Path, data: bytes, words: list | None = None, ocr=None) -> tuple[str, int, list[int], list[int], int]:
    """(text, pages, page_starts, OCR'd page indices, pages still waiting for OCR).

    When `words` is a list, the positioned words of table-looking pages are appended to it (collected here,
    while each page's text layer is open, so tables cost no second parse). ocr: the cached OcrResult of this
    file (search.ocr), or None; pages without a text layer take its text.
    """
    head = data[:1024].lstrip()
    if not data:
        raise UnreadableFile("empty file")
    if not head.startswith(b"%PDF"):
        if re.match(rb"(?i)(<!doctype|<html|<\?xml|<head|<meta)", head):
            raise UnreadableFile("an HTML page saved with a .pdf name, not a PDF")
        raise UnreadableFile("not a PDF (no %PDF header)")
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium reports damage with its own error type and codes
        raise UnreadableFile(f"damaged or truncated PDF ({exc})") from None
    from .ocr import page_needs_ocr

    texts: list[str] = []
    scanned: list[int] = []
    try:
        line = 1
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            page_text = textpage.get_text_range()
            text = page_text.replace("\r\n", "\n").replace("\r", "\n")
            if page_needs_ocr(page, text):
                scanned.append(index)
            texts.append(text)
            if words is not None and looks_tabular(page_text):
                width, height = page.get_size()
                words.append((index + 1, width, page_words(textpage, page_text, line, height, page.get_rotation(),
                                                           width)))
            line += texts[-1].count("\n") + 1
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not texts:
        raise UnreadableFile("PDF has no pages")
    ocr_pages = [i for i in scanned if ocr is not None and i in ocr.pages]
    missing = [i for i in scanned if ocr is None]
    for i in ocr_pages:
        texts[i] = ocr.pages[i]
    if sum(len(t.strip()) for t in texts) < 20 * max(1, len(texts) // 10):
        if missing:
            raise PendingOcr(len(missing))
        if scanned and ocr is not None:
            reasons = sorted(set(ocr.errors.values())) or ["no text recognised"]
            raise UnreadableFile(f"needs OCR: OCR of {len(scanned)} scanned page(s) failed: {'; '.join(reasons)}")
        raise UnreadableFile(f"{len(texts)} page(s) but no text layer and no scanned images (blank PDF?)")
    lines, page_starts = [], []
    for t in texts:
        page_starts.append(len(lines) + 1)
        lines.extend(t.split("\n"))
    return "\n".join(lines), len(texts), page_starts, ocr_pages, len(missing)


def read_docx(data: bytes) -> str:
    """Paragraphs and table rows (cells joined by tabs, so they stay table rows) in document order."""
    import io
    import zipfile

    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:
        raise UnreadableFile("unsupported file type .docx (python-docx is not installed)") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"damaged .docx ({type(exc).__name__}: {exc})") from None
    out: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if not cells or text != cells[-1]:   # merged cells repeat their text
                        cells.append(text)
                out.append("\t".join(cells))
    text = "\n".join(out)
    if not text.strip():
        raise UnreadableFile("empty .docx (no text)")
    return text


def read_file(path: Path, ocr_lookup=None) -> RawDocument:
    """ocr_lookup(sha256) -> cached OcrResult or None (PDFs with scanned pages only)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(none)'}; expected .txt, .pdf or .docx")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror}") from None
    sha = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf":
        words: list = []
        text, pages, page_starts, ocr_pages, missing = read_pdf(path, data, words,
                                                                ocr_lookup(sha) if ocr_lookup else None)
        return RawDocument(path.name, text, sha, pages, page_starts, "pdf", page_words=words, ocr_pages=ocr_pages,
                           ocr_missing=missing)
    if suffix == ".docx":
        if not data:
            raise UnreadableFile("empty file")
        return RawDocument(path.name, read_docx(data), sha, source_format="docx")
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    return RawDocument(path.name, text, sha)
