"""One file in, one processed document out: read -> clean -> metadata -> passages.

Each document carries its coverage (how many of its cleaned lines are in passages, how many lines stating
an amount are not) and the lines left out with their reasons, so "no line lost" is measured on every build.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .chunk import Passage, chunk_document
from .clean import Dropped, Line, clean_lines
from .forms import with_form_table
from .metadata import DocumentMeta, extract_metadata
from .reader import SUPPORTED_SUFFIXES, PendingOcr, UnreadableFile, file_sha256, page_range, read_file
from .tables import recover_tables

MONEY_LINE = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|亿元|元)")


@dataclass
class ProcessedDocument:
    doc_id: str
    file: str
    sha256: str
    content_hash: str          # of the normalised text: the same disclosure in another encoding matches
    meta: DocumentMeta
    pages: int
    lines: list[Line]
    passages: list[Passage]
    source_format: str = "txt"
    page_starts: list[int] = field(default_factory=list)   # original line where each PDF page begins
    tables: list = field(default_factory=list)   # search.tables.Table, stored by the rows stage
    dropped: list[Dropped] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)   # 0-based pages read by OCR
    ocr_missing: int = 0      # scanned pages not yet OCR'd: the file is read again after OCR

    def pages_of(self, line_start: int, line_end: int) -> tuple[int | None, int | None]:
        return page_range(line_start, line_end, self.page_starts)


@dataclass
class Skipped:
    file: str
    reason: str
    duplicate_of: str = ""
    status: str = "skipped"   # or "pending": waiting for OCR


@dataclass
class IngestResult:
    documents: list[ProcessedDocument] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def content_hash(text: str) -> str:
    """Hash of letters, digits and CJK only: re-encoding (GBK turns a no-break space into '?'), spacing and
    punctuation differences do not make a second copy of the same disclosure look new."""
    normalised = re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "", unicodedata.normalize("NFKC", text).lower())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def doc_id_for(sha256: str) -> str:
    return sha256[:16]


def coverage_of(lines: list[Line], passages: list[Passage], dropped: list[Dropped]) -> dict:
    """Cleaned lines inside passages / all cleaned lines; lines stating an amount outside every passage;
    lines left out by reason. A cleaned line outside every passage without a recorded reason is counted as
    `unexplained` (a chunking bug: the tests require none)."""
    covered = [False] * (max((ln.end for ln in lines), default=0) + 2)
    for p in passages:
        for n in range(p.line_start, min(p.line_end, len(covered) - 1) + 1):
            covered[n] = True
    inside = [ln for ln in lines if any(covered[ln.start:ln.end + 1])]
    outside = [ln for ln in lines if not any(covered[ln.start:ln.end + 1])]
    explained = {(d.start, d.end) for d in dropped}
    return {
        "lines": len(lines),
        "lines_in_passages": len(inside),
        "share": round(len(inside) / len(lines), 4) if lines else 1.0,
        "money_lines": sum(1 for ln in lines if MONEY_LINE.search(ln.text)),
        "money_lines_outside": sum(1 for ln in outside if MONEY_LINE.search(ln.text)),
        "unexplained": sum(1 for ln in outside if (ln.start, ln.end) not in explained),
        "dropped": dict(Counter(d.reason for d in dropped)),
    }


def process_file(path: Path, ocr_lookup=None) -> ProcessedDocument:
    """ocr_lookup(sha256) -> cached OCR text of the file's scanned pages, or None (see search.ocr)."""
    raw = read_file(path, ocr_lookup)
    dropped: list[Dropped] = []
    lines = clean_lines(raw.text, raw.page_starts, dropped)
    if not lines:
        raise UnreadableFile("no text after cleaning")
    meta = extract_metadata(lines)
    passages = chunk_document(lines, dropped)
    if not passages:
        raise UnreadableFile("no passages could be formed from the text")
    for p in passages:
        # a citation names the PDF page a reader can turn to, not our line numbers
        p.page_start, p.page_end = page_range(p.line_start, p.line_end, raw.page_starts)
    if raw.ocr_pages:
        bounds = raw.page_starts + [10 ** 9]
        ocr_ranges = [(bounds[i], bounds[i + 1] - 1) for i in raw.ocr_pages]
        for p in passages:
            p.ocr = any(p.line_start <= end and start <= p.line_end for start, end in ocr_ranges)
    tables = with_form_table(recover_tables(raw), raw.text)
    dropped.sort(key=lambda d: d.start)
    return ProcessedDocument(doc_id_for(raw.sha256), raw.file, raw.sha256, content_hash(raw.text), meta,
                             raw.pages, lines, passages, raw.source_format, page_starts=raw.page_starts,
                             tables=tables, dropped=dropped, coverage=coverage_of(lines, passages, dropped),
                             ocr_pages=raw.ocr_pages, ocr_missing=raw.ocr_missing)


LINK_OUTSIDE = "skipped: link outside the corpus"


def outside_corpus(path: Path) -> bool:
    """A corpus entry that resolves outside the corpus folder (a symlink to /etc/shadow, to a secret
    elsewhere): never read, indexed or served. A broken or looping link counts as outside."""
    path = Path(path)
    try:
        return not path.resolve(strict=True).is_relative_to(path.parent.resolve(strict=True))
    except (OSError, RuntimeError):
        return True


def source_fingerprint(path: Path) -> str:
    """What tells the indexer a corpus file changed: its content hash; for a link out of the corpus the
    link target's name (its content is never read)."""
    if outside_corpus(path) or not Path(path).is_file():
        return "link:" + hashlib.sha256(os.fsencode(os.readlink(path))).hexdigest()
    return file_sha256(path)


def process_file_safely(path: Path, ocr_lookup=None) -> ProcessedDocument | Skipped:
    """Worker entry point: never raises, so one broken file cannot stop a build."""
    if outside_corpus(path):
        return Skipped(Path(path).name, LINK_OUTSIDE)
    try:
        return process_file(path, ocr_lookup)
    except PendingOcr as exc:
        return Skipped(Path(path).name, str(exc), status="pending")
    except UnreadableFile as exc:
        return Skipped(Path(path).name, str(exc))
    except Exception as exc:  # a parser bug on one odd file must not lose the rest of the corpus
        return Skipped(Path(path).name, f"could not be processed ({type(exc).__name__}: {exc})")


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The corpus's disclosures; links pointing out of the folder are listed too (and skipped when read, so
    the build report and /api/health say why they are not indexed)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR")
    return sorted(p for p in corpus_dir.iterdir()
                  if (p.is_file() or p.is_symlink()) and not p.name.startswith(".")
                  and p.suffix.lower() in SUPPORTED_SUFFIXES)


def unsupported_files(corpus_dir: Path) -> list[Skipped]:
    return [Skipped(p.name, f"unsupported file type {p.suffix or '(none)'}; expected .txt, .pdf or .docx")
            for p in sorted(Path(corpus_dir).iterdir())
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SUPPORTED_SUFFIXES]
