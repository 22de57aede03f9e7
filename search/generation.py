"""One loaded index generation and its lifecycle: validated when loaded, shared by the requests that use it,
closed when it has been replaced and the last of those requests is done.

Why a lifecycle at all: the indexer swaps `current` to a new generation folder while the service runs and
deletes the generation before last. A loaded generation holds ~100 MB of passages on the 2026 corpus, an
the BM25 arrays and possibly a memory-mapped vector matrix. Keeping
every generation alive (as a cache keyed on the generation did) grows the server by that much per re-index
and keeps deleted index files open. Here:

* a request that touches the index pins the generation it first sees (`request_scope`), so everything it
  computes — search, figures, answer — comes from one generation, and that generation is not closed under it;
* when `current` points elsewhere, the next request loads the new generation and the old one is *retired*:
  closed at once if no request holds it, else by the last request that releases it;
* loading validates the generation (manifest readable, SQLite schema, document and passage counts against
  the manifest, the backend's own files) and raises CorruptIndex with the reason and the command that fixes
  it, instead of failing later on every request with a 500.

Caches (the parsed questions, the passages matching an exact phrase) are per instance, so they die with
their generation.
"""
from __future__ import annotations

import contextvars
import ctypes
import functools
import gc
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .exceptions import CorruptIndex, IncompatibleIndex, IndexNotReady
from .facts import load_facts
from .indexer import CURRENT, check_compatible, check_generation, read_manifest, rebuild_command
from .query import ParsedQuery, build_aliases, parse_query
from .semantic import Embedder
from .textstore import CompactTexts
from .tokens import compact_text

log = logging.getLogger(__name__)
PARSE_CACHE_SIZE = 1024
PHRASE_CACHE_SIZE = 256

@dataclass
class DocumentInfo:
    doc_id: str
    file: str
    unit: str
    region: str
    year: int | None
    kind: str
    title: str
    pages: int
    source_format: str
    doc_type: str = ""      # 部门预算 / 部门决算 / 通知 / 绩效评价报告 … (kind is 预算, 决算 or 其他)
    ocr_pages: int = 0      # pages whose text was read by OCR

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class PassageInfo:
    id: str
    doc_id: str
    ordinal: int
    section: str
    text: str
    line_start: int
    line_end: int
    is_table: bool
    money_unit: str
    page_start: int | None = None   # PDF pages (1-based) of line_start and line_end; None for .txt
    page_end: int | None = None
    ocr: bool = False       # read by OCR from a scanned page: figures in it are of lower trust


class _LRU:
    """A small thread-safe least-recently-used map (one per generation, so entries die with it)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Generation:
    """Everything read from one index generation folder; immutable once loaded, closed once retired."""

    def __init__(self, folder: Path, embedder: Embedder | None, backend):
        self.folder = Path(folder)
        self._state = threading.Lock()
        self._users = 0
        self._retired = False
        self.closed = False
        self.search_backend = None
        try:
            manifest = read_manifest(self.folder)
        except (OSError, ValueError):
            manifest = None   # check_generation says what is wrong with it
        # built by older code first: such an index may lack columns this code reads, and is not "damaged"
        problem = check_compatible(dict(manifest, model=None), None) if isinstance(manifest, dict) else None
        if problem:
            raise IncompatibleIndex(f"the index in {self.folder.parent} cannot be used: {problem}. "
                                    f"Rebuild it with: {rebuild_command(self.folder.parent)}")
        problem = check_generation(self.folder, backend)
        if problem:
            raise CorruptIndex(f"the index generation {self.folder.name} in {self.folder.parent} is damaged: "
                               f"{problem}. Rebuild it with: {rebuild_command(self.folder.parent)}")
        self.manifest = manifest
        self.db_path = self.folder / "store.sqlite"
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            self.documents = {
                r["doc_id"]: DocumentInfo(r["doc_id"], r["file"], r["unit"] or "", r["region"] or "", r["year"],
                                          r["kind"] or "", r["title"] or "", r["pages"] or 0,
                                          r["source_format"] or "", r["doc_type"] or "", r["ocr_pages"] or 0)
                for r in conn.execute("SELECT doc_id, file, unit, region, year, kind, title, pages, source_format, "
                                      "doc_type, ocr_pages FROM documents ORDER BY file")}
            self.passages = {
                r["id"]: PassageInfo(r["id"], r["doc_id"], r["ordinal"], r["section"] or "", r["text"],
                                     r["line_start"], r["line_end"], bool(r["is_table"]), r["money_unit"] or "",
                                     r["page_start"], r["page_end"], bool(r["ocr"]))
                for r in conn.execute("SELECT * FROM passages ORDER BY doc_id, ordinal")}
            self.facts = load_facts(conn)
        except sqlite3.DatabaseError as exc:
            raise CorruptIndex(f"the index generation {self.folder.name} is damaged: store.sqlite cannot be read "
                               f"({exc}). Rebuild it with: {rebuild_command(self.folder.parent)}") from None
        finally:
            conn.close()
        self.compact_texts = CompactTexts((pid, compact_text(p.text)) for pid, p in self.passages.items())
        self.facts_by_metric: dict[str, list] = {}
        for fact in self.facts:
            self.facts_by_metric.setdefault(fact.metric, []).append(fact)
        with_vectors = embedder is not None and self.manifest.get("model") == embedder.name
        self.model_notice = ""
        if embedder is not None and not with_vectors:
            self.model_notice = (f"the index was embedded with {self.manifest.get('model')!r}, not the configured "
                                 f"{embedder.name!r}: semantic search is off until you run "
                                 f"python -m search index --model {embedder.name}")
        try:
            self.search_backend = backend.open(self.folder, with_vectors)
        except (IncompatibleIndex, IndexNotReady):
            raise
        except Exception as exc:   # missing or unreadable BM25 counts or vectors
            raise CorruptIndex(f"the index generation {self.folder.name} is damaged: its search index cannot be "
                               f"opened ({type(exc).__name__}: {exc}). Rebuild it with: "
                               f"{rebuild_command(self.folder.parent)}") from None
        self.aliases = build_aliases(self.documents.values())
        self.years = {d.year for d in self.documents.values() if d.year}
        self._parsed = _LRU(PARSE_CACHE_SIZE)
        self._phrases = _LRU(PHRASE_CACHE_SIZE)

    # -- queries -------------------------------------------------------------------------------------
    def parse(self, q: str) -> ParsedQuery:
        """One reading per query and generation: a page asks the search, the figures channel and the
        answer about the same question. The result is shared; callers must not modify it."""
        parsed = self._parsed.get(q)
        if parsed is None:
            parsed = parse_query(q, self.aliases, self.years)
            self._parsed.put(q, parsed)
        return parsed

    def phrase_matches(self, phrase: str, limit: int) -> frozenset[str]:
        """Passages containing the exact phrase, at most `limit` of them (search/textstore.py); cached, so a
        phrase repeated in a query, or asked again by the answer on the same page, costs one scan."""
        key = (phrase, limit)
        found = self._phrases.get(key)
        if found is None:
            found = frozenset(self.compact_texts.find(compact_text(phrase), limit))
            self._phrases.put(key, found)
        return found

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    # -- lifecycle -----------------------------------------------------------------------------------
    def acquire(self) -> bool:
        """Count one more user; False when the generation is already closed (load the current one again)."""
        with self._state:
            if self.closed:
                return False
            self._users += 1
            return True

    def release(self) -> None:
        with self._state:
            self._users -= 1
            close = self._retired and self._users <= 0 and not self.closed
        if close:
            self.close()

    def retire(self) -> None:
        """No new user will get this generation: close it now, or when its last user releases it."""
        with self._state:
            self._retired = True
            close = self._users <= 0 and not self.closed
        if close:
            self.close()

    @property
    def users(self) -> int:
        return self._users

    def close(self) -> None:
        """Close the backend's readers (file handles), drop the caches and the loaded data."""
        with self._state:
            if self.closed:
                return
            self.closed = True
        reader, self.search_backend = self.search_backend, None
        if reader is not None:
            try:
                reader.close()
            except Exception:   # closing must not fail a request; the generation is gone either way
                log.exception("closing the search backend of %s", self.folder.name)
        for cache in (getattr(self, "_parsed", None), getattr(self, "_phrases", None)):
            if cache is not None:
                cache.clear()
        self.documents, self.passages, self.compact_texts = {}, {}, CompactTexts(())
        self.facts, self.facts_by_metric, self.aliases = [], {}, []
        gc.collect()            # the generation's objects reference each other: free them now
        _return_free_memory()
        log.info("closed index generation %s", self.folder.name)


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:   # not glibc (macOS, musl): nothing to trim
        return None


def _return_free_memory() -> None:
    """Ask glibc to give freed heap pages back to the system (malloc_trim), so RSS follows the live data."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


# -- the generation a request uses -------------------------------------------------------------------------

# per request (a waitress thread runs one request at a time; contextvars keep them apart): manager -> generation
_SCOPE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("budget_generation_scope", default=None)


def open_scope() -> None:
    """Start a request: generations it loads stay pinned until close_scope()."""
    _SCOPE.set({})


def close_scope() -> None:
    pinned = _SCOPE.get()
    _SCOPE.set(None)
    for gen in (pinned or {}).values():
        gen.release()


# one thread of the process loads every generation (see GenerationManager._latest)
_LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generation-loader")


class GenerationManager:
    """Follows the index folder's `current` link: loads a new generation when it moves, retires the old."""

    def __init__(self, index_dir: Path, embedder: Embedder | None, backend):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.backend = backend
        self._current: Generation | None = None
        self._name = ""
        self._failed: tuple[str, Exception] | None = None   # the generation that did not load, and why
        self._load_lock = threading.Lock()
        self._state = threading.Lock()

    def current(self) -> Generation:
        """The generation to use; inside a request scope the first one seen stays pinned for the request."""
        pinned = _SCOPE.get()
        if pinned is not None and self in pinned:
            return pinned[self]
        while True:
            gen = self._latest()
            if pinned is None:
                return gen
            if gen.acquire():
                pinned[self] = gen
                return gen
            # closed between lookup and acquire (retired by a newer load): look again

    def _latest(self) -> Generation:
        link = self.index_dir / CURRENT
        try:
            name = os.readlink(link)
        except OSError:
            raise IndexNotReady("no index has been built yet; run `python -m search index`") from None
        gen = self._current
        if name == self._name and gen is not None:
            return gen
        with self._load_lock:
            if name == self._name and self._current is not None:
                return self._current
            if self._failed is not None and self._failed[0] == name:
                failed = self._failed[1]
                raise type(failed)(str(failed))   # a fresh one: re-raising one instance grows its traceback
            started = time.perf_counter()
            try:
                # always built on the same thread: glibc gives each thread its own malloc arena, and memory a
                # closed generation freed in one thread's arena is not reused by a load on another — loads
                # on the request threads grew the server by a generation per re-index
                gen = _LOADER.submit(Generation, self.index_dir / name, self.embedder, self.backend).result()
            except (CorruptIndex, IncompatibleIndex) as exc:
                log.error("cannot serve index generation %s: %s", name, exc)
                self._failed = (name, exc)
                self._swap(None, "")
                raise
            except FileNotFoundError:   # swapped again (or deleted) while loading: the next request retries
                raise IndexNotReady(f"index generation {name} disappeared while loading; retry") from None
            self._failed = None
            self._swap(gen, name)
            # loading is not the request's own work: it does not count against the query time budget
            limits.extend(time.perf_counter() - started)
            log.info("loaded index generation %s", name)
            return gen

    def _swap(self, gen: Generation | None, name: str) -> None:
        with self._state:
            old, self._current, self._name = self._current, gen, name
        if old is not None:
            old.retire()

    def close(self) -> None:
        self._swap(None, "")
