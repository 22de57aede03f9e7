"""Build and update the index: crash-safe generations, incremental by file hash.

Layout of the index folder:
    current -> gen-20261122-131500-1234   (symlink, swapped atomically when a build completes)
    gen-…/manifest.json  store.sqlite  bm25_counts.npz  bm25_meta.json  vectors.npy  vector_ids.json
A build copies the current generation into a temporary folder, applies only the changed files there, and
swaps `current` when everything is written. A killed build leaves `current` untouched.

Every file of the corpus folder has an entry in the manifest: indexed, duplicate (of which file), pending
(scanned pages waiting for OCR) or skipped (with the reason: unsupported type, empty, unreadable …).
Scanned pages never hold back the rest: `build_with_ocr` swaps in the text-layer documents first, then
OCRs (search/ocr.py, cached in INDEX_DIR/ocr-cache/ by file hash, outside the generations) and builds again.
"""
from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import shutil
import sqlite3
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from . import store
from .backends import Backend, create_backend
from .exceptions import CorruptIndex, IncompatibleIndex, IndexNotReady  # noqa: F401 (re-exported for callers)
from .ingest import ProcessedDocument, Skipped, corpus_files, process_file_safely, source_fingerprint, unsupported_files
from .ocr import OcrCache, OcrRun, ocr_pending
from .progress import BuildProgress
from .semantic import Embedder, VectorStore
from .tokens import dictionary_version, shared_tokenizer
from .vocab import passage_doc_id, passage_id

log = logging.getLogger(__name__)
FORMAT_VERSION = 1
CURRENT = "current"
# caches the running service writes inside a generation (rendered PDF pages): not copied into the next one
SERVICE_CACHES = ("page-images",)


@dataclass
class BuildReport:
    files: int = 0
    pages: int = 0
    documents: int = 0
    passages: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)   # waiting for OCR (whole file or some pages)
    statuses: list[dict] = field(default_factory=list)  # every file of the corpus folder with its status
    coverage: dict = field(default_factory=dict)        # corpus totals of the documents' coverage
    kinds: dict = field(default_factory=dict)           # documents per kind (预算/决算/其他)
    ocr: dict = field(default_factory=dict)             # what the OCR pass did, when it ran
    full_rebuild: bool = False
    changed: bool = False
    seconds: float = 0.0
    generation: str = ""

    def summary(self) -> str:
        head = (f"{self.files} files, {self.pages} PDF pages, {self.documents} documents, "
                f"{self.passages} passages indexed")
        change = (f"{'full rebuild' if self.full_rebuild else 'incremental'}: {len(self.added)} added, "
                  f"{len(self.updated)} updated, {len(self.removed)} removed" if self.changed else "index up to date")
        lines = [head, change + f" ({self.seconds:.1f}s)"]
        c = self.coverage
        if c.get("lines"):
            lines.append(f"coverage: {c['lines_in_passages']}/{c['lines']} cleaned lines in passages "
                         f"({c['lines_in_passages'] / c['lines']:.2%}); {c['money_lines_outside']} of "
                         f"{c['money_lines']} lines stating an amount outside every passage")
        if self.kinds:
            lines.append("documents by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items())))
        if self.ocr:
            lines.append(f"OCR: {self.ocr['pages']} page(s) of {self.ocr['files']} file(s) in {self.ocr['seconds']}s "
                         f"({self.ocr['pages_per_second']} pages/s)")
        if self.statuses:
            lines.append("files:")
            lines.extend(f"  - {s['file']}: {_status_text(s)}" for s in self.statuses)
        if self.pending:
            lines.append(f"{len(self.pending)} file(s) still being read (OCR of scanned pages):")
            lines.extend(f"  - {p['file']}: {p['reason']}" for p in self.pending)
        if self.skipped:
            lines.append(f"{len(self.skipped)} file(s) could not be read:")
            lines.extend(f"  - {s['file']}: {s['reason']}" for s in self.skipped)
        if self.duplicates:
            lines.append(f"{len(self.duplicates)} duplicate file(s) indexed once:")
            lines.extend(f"  - {d['file']} repeats {d['duplicate_of']}" for d in self.duplicates)
        return "\n".join(lines)


def _status_text(entry: dict) -> str:
    status = entry["status"]
    if status == "indexed":
        extra = " ".join(str(x) for x in (entry.get("kind"), entry.get("year")) if x)
        ocr = f", {entry['ocr_pages']} page(s) by OCR" if entry.get("ocr_pages") else ""
        return f"indexed ({extra}{ocr})" if extra or ocr else "indexed"
    if status == "duplicate":
        return f"duplicate of {entry['duplicate_of']}"
    return f"{status}: {entry.get('reason', '')}"


def file_statuses(manifest: dict) -> list[dict]:
    """Every file of the corpus folder with its status, as /api/health and the CLI list them."""
    out = []
    for name, entry in sorted(manifest.get("files", {}).items()):
        row = {"file": name, "status": entry.get("status", "")}
        for key in ("reason", "duplicate_of", "doc_id", "kind", "year", "ocr_pages"):
            if entry.get(key) not in (None, "", 0):
                row[key] = entry[key]
        if entry.get("status") == "indexed" and entry.get("ocr_missing"):
            row["pending_ocr_pages"] = entry["ocr_missing"]
        out.append(row)
    return out


def pending_files(manifest: dict) -> list[dict]:
    """Files waiting for OCR: wholly scanned ones (status pending) and indexed ones with scanned pages left."""
    out = []
    for name, e in sorted(manifest.get("files", {}).items()):
        if e.get("status") == "pending":
            out.append({"file": name, "status": "pending", "reason": e.get("reason", "waiting for OCR")})
        elif e.get("status") == "indexed" and e.get("ocr_missing"):
            out.append({"file": name, "status": "pending",
                        "reason": f"indexed from its text layer; OCR of {e['ocr_missing']} scanned page(s) to come"})
    return out


def current_generation(index_dir: Path) -> Path | None:
    link = Path(index_dir) / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def read_manifest(generation: Path) -> dict:
    return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))


def pipeline_version() -> str:
    """Changes when any code that shapes the stored passages, figures or tokens changes: an index built by
    older code is then rebuilt rather than silently mixed with new passages. The modules are found by
    following imports from the build's entry points (this module and the build stages), not from a
    hand-kept list, so a new stage or helper module cannot be forgotten; code only the query side uses
    (answers, pages) does not force a rebuild."""
    return _pipeline_digest()


PIPELINE_ROOTS = ("search.indexer", "search.cli")   # search.cli holds build_stages()


@functools.lru_cache(maxsize=1)
def _pipeline_digest() -> str:
    import hashlib

    folder = Path(__file__).parent
    digest = hashlib.sha256()
    sources = pipeline_sources(folder)
    for path in sources:
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def pipeline_sources(folder: Path) -> list[Path]:
    """The package's source files the build imports (transitively, module- and function-level imports,
    except the query side that search.cli starts: the web app), plus the data files they name."""
    import ast

    modules = {}
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    seen: set[str] = set()
    todo = list(PIPELINE_ROOTS)
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        path = modules[name]
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if name == "search.cli":   # its module-level imports and build_stages(); the rest starts the web app
            nodes = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
            nodes += [n for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "build_stages"
                      for n in ast.walk(f)]
        else:
            nodes = list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
                root = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module or ""
                todo += [root] + [f"{root}.{alias.name}" for alias in node.names]
    # search.cli's own body is argument parsing: hash what it imports for the build, not the file itself
    code = [modules[m] for m in sorted(seen) if m != "search.cli"]
    text = "".join(p.read_text(encoding="utf-8") for p in code)
    data = [p for p in sorted((folder / "data").glob("*")) if p.is_file() and p.name in text]
    return code + data


# columns the service reads; an older or damaged store.sqlite without them is reported, not crashed on
REQUIRED_COLUMNS = {
    "documents": {"doc_id", "file", "unit", "region", "year", "kind", "title", "pages", "source_format",
                  "lines_json", "page_starts_json"},
    "passages": {"id", "doc_id", "ordinal", "section", "text", "line_start", "line_end", "is_table", "money_unit",
                 "page_start", "page_end"},
}


def rebuild_command(index_dir: Path) -> str:
    return f"python -m search index --index {index_dir} --rebuild"


def check_generation(folder: Path, backend=None) -> str | None:
    """Why this generation folder cannot be served (damaged or incomplete), or None. Cheap: reads the
    manifest, the SQLite schema and counts, and asks the backend about its own files; loads no passages.
    The service runs it when it loads a generation (search/generation.py), the build before it trusts the
    current generation as its starting point."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except FileNotFoundError:
        return "manifest.json is missing"
    except (OSError, ValueError) as exc:
        return f"manifest.json cannot be read ({type(exc).__name__}: {exc})"
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return "manifest.json has no file list"
    db_path = folder / "store.sqlite"
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return "store.sqlite is missing or empty"
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            for table, wanted in REQUIRED_COLUMNS.items():
                columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
                if not columns:
                    return f"store.sqlite has no {table} table"
                if wanted - columns:
                    return f"store.sqlite table {table} lacks column(s) {', '.join(sorted(wanted - columns))}"
            documents = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"store.sqlite cannot be read ({exc})"
    indexed = [e for e in manifest["files"].values() if isinstance(e, dict) and e.get("status") == "indexed"]
    expected_passages = sum(int(e.get("passages", 0) or 0) for e in indexed)
    if documents != len(indexed):
        return f"store.sqlite holds {documents} documents, the manifest lists {len(indexed)}"
    if passages != expected_passages:
        return f"store.sqlite holds {passages} passages, the manifest lists {expected_passages}"
    checker = getattr(backend, "check", None)
    if checker is not None:
        return checker(folder, passages)
    return None


def check_compatible(manifest: dict, model_name: str | None) -> str | None:
    """Why this generation cannot be reused with the current code and model, or None."""
    if manifest.get("format") != FORMAT_VERSION:
        return f"index format {manifest.get('format')} != {FORMAT_VERSION}"
    if manifest.get("pipeline_version") != pipeline_version():
        return "the ingestion/extraction code changed since the index was built"
    if manifest.get("dictionary_version") != dictionary_version():
        return "the tokenizer dictionary changed since the index was built"
    if manifest.get("model") != model_name:
        return f"index was embedded with model {manifest.get('model')!r}, configured model is {model_name!r}"
    return None


READ_AHEAD = 8      # documents read ahead of the indexing per worker process, at most
INDEX_BATCH = 32    # documents handed to the backend and the build stages at a time
WORKER_FILES = 100  # files a reader process handles before it is replaced (bounds its caches)


def _read_and_segment(path: Path, segment: bool, ocr_lookup=None):
    """Worker: one file read, cleaned and chunked, and (segment=True) its passages' fields already
    segmented for the keyword index, so word segmentation runs on every core instead of in the process
    that writes the index."""
    result = process_file_safely(path, ocr_lookup)
    if not segment or isinstance(result, Skipped):
        return result, None
    tokenizer = shared_tokenizer()
    texts = {result.meta.title} | {p.text for p in result.passages} | {p.section for p in result.passages}
    return result, {t: tokenizer.positioned(t) for t in texts if t}


def _read_documents(paths: list[Path], bar=None, segment: bool = False, ocr_lookup=None):
    """Processed documents (or Skipped), in path order, as the worker processes finish them. Streaming
    with a bounded read-ahead: the build never holds more than a few dozen documents, however large the
    corpus (holding all of them took 3.5 GB on a 2,000-document archive). With segment=True the
    workers' segmentation is handed to the shared tokenizer (see BudgetTokenizer.remember)."""
    if not paths:
        return
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) >= 8 and workers > 1:
        tokenizer = shared_tokenizer()   # loaded before the fork: the workers inherit it
        # a worker is replaced after WORKER_FILES files: its tokenizer cache (up to 65,536 segmented texts)
        # would otherwise grow to most of a gigabyte per worker on a large archive
        with get_context("fork").Pool(workers, maxtasksperchild=WORKER_FILES) as pool:
            pending: deque = deque()
            todo = iter(paths)
            for path in itertools.islice(todo, workers * READ_AHEAD):
                pending.append(pool.apply_async(_read_and_segment, (path, segment, ocr_lookup)))
            while pending:
                result, segmented = pending.popleft().get()
                for path in itertools.islice(todo, 1):
                    pending.append(pool.apply_async(_read_and_segment, (path, segment, ocr_lookup)))
                if segmented:
                    tokenizer.remember(segmented)
                if bar is not None:
                    bar.update()
                yield result
    else:
        for path in paths:
            result = process_file_safely(path, ocr_lookup)
            if bar is not None:
                bar.update()
            yield result


def _fingerprints(files: list[Path], generation: Path | None, fingerprint) -> tuple[dict, dict]:
    """Each file's content hash, and its (size, mtime_ns) as seen before hashing. A file whose size and
    modification time equal those the current generation recorded keeps its recorded hash without being
    read: an update of a 2,000-file archive no longer hashes 100 MB to find the one file that changed."""
    recorded: dict = {}
    if generation is not None:
        try:
            recorded = read_manifest(generation).get("files", {})
        except (OSError, ValueError):
            recorded = {}
    shas, stats = {}, {}
    for path in files:
        try:
            st = path.stat()
            stats[path.name] = [st.st_size, st.st_mtime_ns]
        except OSError:
            stats[path.name] = None
        entry = recorded.get(path.name) or {}
        if stats[path.name] is not None and entry.get("stat") == stats[path.name] and entry.get("sha256"):
            shas[path.name] = entry["sha256"]
        else:
            shas[path.name] = fingerprint(path)
    return shas, stats


def _with_stats(files_state: dict, stats: dict) -> dict:
    """Record the (size, mtime_ns) each file had when it was hashed (see _fingerprints)."""
    for name, entry in files_state.items():
        if stats.get(name) is not None and entry.get("sha256"):
            entry["stat"] = stats[name]
    return files_state


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder | None = None, rebuild: bool = False,
                progress: bool = False, extra_stages=(), backend: Backend | None = None) -> BuildReport:
    """Bring index_dir up to date with corpus_dir; only changed files are processed.

    extra_stages: callables (conn, documents_added, doc_ids_removed) run inside the new generation before
    it is swapped in (the figures layer registers itself here).
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    model_name = embedder.name if embedder else None
    backend = backend or create_backend("embedded")
    report = BuildReport()
    pipeline_version()   # the code this build runs, read now: sources edited during a long build do not count

    files = corpus_files(corpus_dir)
    shas, stats = _fingerprints(files, current_generation(index_dir) if not rebuild else None, source_fingerprint)
    unsupported = {s.file: s.reason for s in unsupported_files(corpus_dir)}
    report.files = len(files) + len(unsupported)
    ocr_cache = OcrCache(index_dir)

    old_gen = current_generation(index_dir)
    old_manifest: dict = {}
    if old_gen and not rebuild:
        try:
            # a damaged generation (emptied store, missing term counts) is rebuilt, never reported "up to date"
            damage = check_generation(old_gen, backend)
            if damage:
                reason = f"the current generation {old_gen.name} is damaged: {damage}"
            else:
                old_manifest = read_manifest(old_gen)
                reason = check_compatible(old_manifest, model_name) or (
                    f"index was built for the {old_manifest.get('backend')!r} backend, configured: {backend.name!r}"
                    if old_manifest.get("backend", "embedded") != backend.name else None)
            if reason:
                log.warning("rebuilding the whole index: %s", reason)
                old_manifest = {}
        except (OSError, ValueError):
            old_manifest = {}
    report.full_rebuild = not old_manifest
    old_files: dict = old_manifest.get("files", {})

    def waiting_for_ocr(entry: dict) -> bool:
        return entry.get("status") == "pending" or bool(entry.get("ocr_missing"))

    # a file waiting for OCR is read again once its OCR text is in the cache
    changed = [p for p in files if old_files.get(p.name, {}).get("sha256") != shas[p.name]
               or (waiting_for_ocr(old_files[p.name]) and ocr_cache.get(shas[p.name]) is not None)]
    gone = [name for name in old_files if name not in shas and name not in unsupported]
    old_unsupported = {n: e.get("reason") for n, e in old_files.items() if e.get("unsupported")}
    if not report.full_rebuild and not changed and not gone and old_unsupported == unsupported:
        _fill_totals(report, old_manifest)
        report.generation = old_gen.name
        report.seconds = time.perf_counter() - started
        return report
    report.changed = True

    tmp = index_dir / f".building-{os.getpid()}-{int(time.time() * 1000)}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        if report.full_rebuild:
            tmp.mkdir()
        else:
            shutil.copytree(old_gen, tmp, symlinks=True, ignore=shutil.ignore_patterns(*SERVICE_CACHES))
        final = _new_generation_path(index_dir)
        _apply_changes(tmp, corpus_dir, changed, gone, old_files, shas, embedder, report, progress, extra_stages,
                       backend, final.name, None if report.full_rebuild else old_gen, ocr_cache, unsupported,
                       stats=stats)
        os.rename(tmp, final)
        _swap_current(index_dir, final)
        report.generation = final.name
        _remove_old_generations(index_dir, keep={final.name, old_gen.name if old_gen else ""}, backend=backend)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _apply_changes(gen: Path, corpus_dir: Path, changed: list[Path], gone: list[str], old_files: dict, shas: dict,
                   embedder: Embedder | None, report: BuildReport, progress: bool, extra_stages,
                   backend: Backend, generation_name: str, previous: Path | None, ocr_cache: OcrCache,
                   unsupported: dict[str, str], stats: dict | None = None) -> None:
    conn = store.connect(gen / "store.sqlite")
    files_state = {name: dict(entry) for name, entry in old_files.items() if not entry.get("unsupported")}
    for name, reason in unsupported.items():
        files_state[name] = {"status": "skipped", "reason": reason, "unsupported": True}
    removed_ids: list[str] = []
    for name in gone + [p.name for p in changed]:
        entry = files_state.pop(name, None)
        if entry and entry.get("status") == "indexed":
            removed_ids.append(entry["doc_id"])
            (report.removed if name in gone else report.updated).append(name)
    for doc_id in removed_ids:
        store.delete_document(conn, doc_id)
    # a duplicate whose original left or changed must be read again
    orphans = [n for n, e in files_state.items() if e.get("status") == "duplicate" and e.get("duplicate_of") not in files_state]
    for name in orphans:
        files_state.pop(name)
    to_read = sorted(set(changed) | {corpus_dir / n for n in orphans if (corpus_dir / n).exists()},
                     key=lambda p: p.name)

    known_hashes = {row["content_hash"]: row["file"] for row in conn.execute("SELECT content_hash, file FROM documents")}
    steps = BuildProgress(progress)
    feed = _Feed(gen, conn, backend, previous, removed_ids, report.full_rebuild, extra_stages, embedder,
                 generation_name, len(to_read))
    bar = steps.bar("reading, chunking, figures, keyword index", len(to_read), "file")
    for result in _read_documents(to_read, bar, segment=feed.session is not None,
                                   ocr_lookup=ocr_cache.get):
        if isinstance(result, Skipped):
            files_state[result.file] = {"sha256": shas.get(result.file, ""), "status": result.status,
                                        "reason": result.reason}
            continue
        if result.content_hash in known_hashes:
            files_state[result.file] = {"sha256": result.sha256, "status": "duplicate",
                                        "duplicate_of": known_hashes[result.content_hash]}
            continue
        known_hashes[result.content_hash] = result.file
        store.insert_document(conn, result)
        c = result.coverage
        files_state[result.file] = {"sha256": result.sha256, "status": "indexed", "doc_id": result.doc_id,
                                    "pages": result.pages, "passages": len(result.passages),
                                    "kind": result.meta.kind, "year": result.meta.year,
                                    "doc_type": result.meta.doc_type,
                                    "ocr_pages": len(result.ocr_pages), "ocr_missing": result.ocr_missing,
                                    "coverage": {k: c.get(k, 0) for k in ("lines", "lines_in_passages",
                                                                          "money_lines", "money_lines_outside")}}
        feed.add(result)
        bar.set_postfix_str(f"{feed.passages} passages", refresh=False)
        if result.file not in report.updated:
            report.added.append(result.file)
    bar.set_postfix_str(f"{feed.passages} passages")
    bar.close()
    feed.finish(steps)
    conn.close()

    manifest = {
        "format": FORMAT_VERSION,
        "dictionary_version": dictionary_version(),
        "pipeline_version": pipeline_version(),
        "backend": backend.name,
        "model": embedder.name if embedder else None,
        "dimension": embedder.dimension if embedder else None,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "files": _with_stats(files_state, stats or {}),
    }
    _fill_totals(report, manifest)
    (gen / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


class _Feed:
    """Streams processed documents into the store's later stages in batches: the backend (a streaming
    session when it has begin(), else the documents are kept for one apply() at the end), the build stages
    (figures, tables; called per batch, the first call carrying the removed documents) and the texts to
    embed. A document is dropped as soon as its batch is written."""

    def __init__(self, gen: Path, conn, backend: Backend, previous: Path | None, removed_ids: list[str],
                 full_rebuild: bool, stages, embedder: Embedder | None, generation_name: str,
                 expected_documents: int = 0):
        self.gen, self.conn, self.backend, self.previous = gen, conn, backend, previous
        self.removed_ids, self.full_rebuild, self.stages, self.embedder = removed_ids, full_rebuild, stages, embedder
        # the backend indexes under the final generation name (a Milvus collection is named after it)
        (gen / "generation.txt").write_text(generation_name, encoding="utf-8")
        begin = getattr(backend, "begin", None)
        self.session = begin(gen, previous, removed_ids, full_rebuild, expected_documents) if begin else None
        self.held: list[ProcessedDocument] = []       # for a backend without a streaming session
        self.batch: list[ProcessedDocument] = []
        self.vector_ids: list[str] = []
        self.vector_texts: list[str] = []
        self.passages = 0
        for stage in stages:
            stage(conn, [], removed_ids)

    def add(self, doc: ProcessedDocument) -> None:
        self.batch.append(doc)
        self.passages += len(doc.passages)
        if self.embedder is not None:
            for p in doc.passages:
                self.vector_ids.append(passage_id(doc.doc_id, p.ordinal))
                self.vector_texts.append(f"{doc.meta.title} {p.section}\n{p.text}")
        if len(self.batch) >= INDEX_BATCH:
            self._flush()

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            if self.session is not None:
                self.session.add(batch)
            else:
                self.held.extend(batch)
            for stage in self.stages:
                stage(self.conn, batch, [])
            shared_tokenizer().forget()
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        if self.session is not None:
            self.session.cancel()
            self.session = None

    def finish(self, steps: BuildProgress) -> None:
        self._flush()
        try:
            _update_vectors(self.gen, self.removed_ids, self.vector_ids, self.vector_texts, self.embedder,
                            steps)
            self.vector_texts = []
            self.conn.commit()   # the backend may read the finished store
            if self.session is not None:
                with steps.phase("keyword index", f"writing {self.session.passages:,} new passages"):
                    self.session.finish()
            else:
                with steps.phase(f"{self.backend.name} index", f"{len(self.held)} documents"):
                    self.backend.apply(self.gen, self.previous, self.held, self.removed_ids, self.full_rebuild)
            self.conn.commit()
        except BaseException:
            self.cancel()
            raise


def _update_vectors(gen: Path, removed_ids: list[str], new_ids: list[str], texts: list[str],
                    embedder: Embedder | None, steps: BuildProgress) -> None:
    if embedder is None:
        for name in ("vectors.npy", "vector_ids.json"):
            (gen / name).unlink(missing_ok=True)
        return
    old = VectorStore.load(gen)
    ids: list[str] = []
    matrix = np.zeros((0, embedder.dimension), dtype=np.float32)
    if old is not None:
        removed = set(removed_ids)
        keep = [i for i, pid in enumerate(old.ids) if passage_doc_id(pid) not in removed]
        ids = [old.ids[i] for i in keep]
        matrix = np.asarray(old.matrix)[keep]
    if texts:
        with steps.phase("vectors", f"embedding {len(texts):,} passages"):
            vectors = embedder.encode_passages(texts, show_progress=steps.enabled)
        matrix = np.vstack([matrix, vectors]) if len(matrix) else vectors
        ids += new_ids
    VectorStore(ids, matrix).save(gen)


def _fill_totals(report: BuildReport, manifest: dict) -> None:
    files = manifest.get("files", {})
    indexed = [e for e in files.values() if e.get("status") == "indexed"]
    report.documents = len(indexed)
    report.pages = sum(e.get("pages", 0) for e in indexed)
    report.passages = sum(e.get("passages", 0) for e in indexed)
    report.skipped = [{"file": n, "reason": e["reason"]} for n, e in sorted(files.items()) if e.get("status") == "skipped"]
    report.duplicates = [{"file": n, "duplicate_of": e["duplicate_of"]} for n, e in sorted(files.items())
                         if e.get("status") == "duplicate"]
    report.pending = pending_files(manifest)
    report.statuses = file_statuses(manifest)
    totals = {"lines": 0, "lines_in_passages": 0, "money_lines": 0, "money_lines_outside": 0}
    kinds: dict[str, int] = {}
    for e in indexed:
        for key in totals:
            totals[key] += e.get("coverage", {}).get(key, 0)
        kinds[e.get("kind") or "（未识别）"] = kinds.get(e.get("kind") or "（未识别）", 0) + 1
    report.coverage, report.kinds = totals, kinds


def build_with_ocr(corpus_dir: Path, index_dir: Path, embedder: Embedder | None = None, rebuild: bool = False,
                   progress: bool = False, extra_stages=(), backend: Backend | None = None,
                   on_first: callable = None) -> tuple[BuildReport, BuildReport | None]:
    """Build, serve-ready, without the scanned pages; then OCR them and build again.

    on_first(report) is called once the first generation is swapped in (the CLI prints it). Returns the two
    reports; the second is None when nothing needed OCR (or OCR is off)."""
    first = build_index(corpus_dir, index_dir, embedder, rebuild, progress, extra_stages, backend)
    if on_first:
        on_first(first)
    second = run_pending_ocr(corpus_dir, index_dir, embedder, progress, extra_stages, backend, first)
    return first, second


def run_pending_ocr(corpus_dir: Path, index_dir: Path, embedder: Embedder | None, progress: bool, extra_stages,
                    backend: Backend | None, report: BuildReport) -> BuildReport | None:
    """OCR what the last build left pending and build the generation that includes it."""
    from .config import defaults_from_env

    if not report.pending or str(defaults_from_env()["OCR"]).lower() == "off":
        return None
    run: OcrRun = ocr_pending(Path(corpus_dir), Path(index_dir), [p["file"] for p in report.pending], progress)
    second = build_index(corpus_dir, index_dir, embedder, False, progress, extra_stages, backend)
    second.ocr = {"files": run.files, "pages": run.pages, "seconds": round(run.seconds, 1),
                  "pages_per_second": round(run.pages_per_second, 3), "failed": run.failed}
    return second


def _new_generation_path(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    serial = 0
    while (index_dir / f"gen-{stamp}-{serial:03d}").exists():
        serial += 1
    return index_dir / f"gen-{stamp}-{serial:03d}"


def _swap_current(index_dir: Path, generation: Path) -> None:
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(generation.name, tmp_link)
    os.replace(tmp_link, index_dir / CURRENT)   # atomic: readers see the old or the new generation


def _remove_old_generations(index_dir: Path, keep: set[str], backend: Backend) -> None:
    for path in index_dir.iterdir():
        if path.name.startswith("gen-") and path.name not in keep:
            backend.drop(path)
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".building-") and not _pid_alive(path.name.split("-")[1]):
            shutil.rmtree(path, ignore_errors=True)   # left behind by a killed build


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
        return True
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True


def report_dict(report: BuildReport) -> dict:
    return asdict(report)
