"""The search engine over one loaded index generation, reloaded when a new generation is swapped in."""
from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .backends import create_backend
from .exceptions import IncompatibleIndex, IndexNotReady
from .facts import load_facts
from .highlight import highlight
from .indexer import CURRENT, check_compatible, read_manifest
from .query import ParsedQuery, build_aliases, normalize_query, parse_query
from .ranking import Ranker, RankingConfig, query_terms
from .reader import page_of
from .semantic import Embedder, ModelStatus
from .tokens import compact_text
from .vocab import SECTION_SEP

log = logging.getLogger(__name__)


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


class Generation:
    """Everything read from one index generation folder; immutable once loaded."""

    def __init__(self, folder: Path, embedder: Embedder | None, backend):
        self.folder = folder
        self.manifest = read_manifest(folder)
        # checked before reading: an index built by older code may lack columns this code reads
        problem = check_compatible(dict(self.manifest, model=None), None)
        if problem:
            raise IncompatibleIndex(f"the index in {folder.parent} cannot be used: {problem}. "
                                    f"Rebuild it with: python -m search index --index {folder.parent} --rebuild")
        self.db_path = folder / "store.sqlite"
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        self.documents = {
            r["doc_id"]: DocumentInfo(r["doc_id"], r["file"], r["unit"] or "", r["region"] or "", r["year"],
                                      r["kind"] or "", r["title"] or "", r["pages"] or 0, r["source_format"] or "")
            for r in conn.execute("SELECT doc_id, file, unit, region, year, kind, title, pages, source_format "
                                  "FROM documents ORDER BY file")}
        self.passages = {
            r["id"]: PassageInfo(r["id"], r["doc_id"], r["ordinal"], r["section"] or "", r["text"], r["line_start"],
                                 r["line_end"], bool(r["is_table"]), r["money_unit"] or "", r["page_start"],
                                 r["page_end"])
            for r in conn.execute("SELECT * FROM passages ORDER BY doc_id, ordinal")}
        self.compact_texts = {pid: compact_text(p.text) for pid, p in self.passages.items()}
        self.facts = load_facts(conn)
        conn.close()
        self.facts_by_metric: dict[str, list] = {}
        for fact in self.facts:
            self.facts_by_metric.setdefault(fact.metric, []).append(fact)
        with_vectors = embedder is not None and self.manifest.get("model") == embedder.name
        self.model_notice = ""
        if embedder is not None and not with_vectors:
            self.model_notice = (f"the index was embedded with {self.manifest.get('model')!r}, not the configured "
                                 f"{embedder.name!r}: semantic search is off until you run "
                                 f"python -m search index --model {embedder.name}")
        self.search_backend = backend.open(folder, with_vectors)
        self.aliases = build_aliases(self.documents.values())
        self.years = {d.year for d in self.documents.values() if d.year}

    @functools.lru_cache(maxsize=1024)  # noqa: B019 -- generation-scoped; replaced by a per-instance cache
    def parse(self, q: str) -> ParsedQuery:
        """One reading per query and generation: a page asks the search, the figures channel and the
        answer about the same question. The result is shared; callers must not modify it."""
        return parse_query(q, self.aliases, self.years)

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn


class Engine:
    def __init__(self, index_dir: Path, embedder: Embedder | None, model_status: ModelStatus,
                 ranking: RankingConfig | None = None, backend=None):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.model_status = model_status
        self.ranker = Ranker(ranking)
        self.backend = backend or create_backend("embedded")
        self._generation: Generation | None = None
        self._generation_name = ""
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------------------
    def generation(self) -> Generation:
        """The current generation; a newly swapped-in one is picked up on the next request."""
        link = self.index_dir / CURRENT
        try:
            name = os.readlink(link)
        except OSError:
            raise IndexNotReady("no index has been built yet; run `python -m search index`") from None
        if name != self._generation_name:
            with self._lock:
                if name != self._generation_name:
                    self._generation = Generation(self.index_dir / name, self.embedder, self.backend)
                    self._generation_name = name
                    log.info("loaded index generation %s", name)
        return self._generation

    @property
    def mode(self) -> str:
        try:
            gen = self.generation()
        except IndexNotReady:
            return "keyword"
        return "hybrid" if self.embedder is not None and gen.search_backend.has_vectors else "keyword"

    def health(self) -> dict:
        gen = self.generation()
        files = gen.manifest.get("files", {})
        return {
            "status": "ok",
            "documents": len(gen.documents),
            "passages": len(gen.passages),
            "mode": self.mode,
            "model": self.embedder.name if self.embedder else None,
            "model_status": gen.model_notice or self.model_status.message,
            "backend": self.backend.name,
            "index_generation": gen.folder.name,
            "built_at": gen.manifest.get("built_at"),
            "skipped": [{"file": n, "reason": e["reason"]} for n, e in sorted(files.items())
                        if e.get("status") == "skipped"],
            "duplicates": [{"file": n, "duplicate_of": e["duplicate_of"]} for n, e in sorted(files.items())
                           if e.get("status") == "duplicate"],
        }

    # -- search --------------------------------------------------------------------------------------
    def parse(self, q: str) -> ParsedQuery:
        return self.generation().parse(q)

    def allowed_documents(self, unit: str = "", year: int | None = None, kind: str = "") -> set[str] | None:
        if not unit and not year and not kind:
            return None
        gen = self.generation()
        wanted_unit = normalize_query(unit) if unit else ""
        allowed = set()
        for d in gen.documents.values():
            if wanted_unit and wanted_unit not in normalize_query(d.unit) and wanted_unit != d.doc_id:
                continue
            if year and d.year != year:
                continue
            if kind and d.kind != kind:
                continue
            allowed.add(d.doc_id)
        return allowed

    def search(self, q: str, k: int = 10, unit: str = "", year: int | None = None, kind: str = "",
               offset: int = 0, pinned: list[str] | None = None) -> dict:
        """pinned: passages that state the figures answering the question (the "figures" channel)."""
        started = time.perf_counter()
        gen = self.generation()
        parsed = gen.parse(q)
        allowed = self.allowed_documents(unit, year, kind)
        ranked = self.rank(gen, parsed, allowed, pinned=pinned or [])
        total = len(ranked)
        facets = self.facets(gen, ranked)
        page = ranked[offset:offset + k]
        terms = self.highlight_terms(parsed)
        results = [self.result_dict(gen, pid, score, channels, terms) for pid, score, channels in page]
        return {
            "query": q,
            "mode": self.mode,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "total": total,
            "understood": {"units": sorted({gen.documents[d].unit for d in parsed.doc_scores}),
                           "year": parsed.year, "kind": parsed.kind or None},
            "offset": offset,
            "facets": facets,
            "results": results,
        }

    @staticmethod
    def facets(gen: Generation, ranked) -> dict:
        """Counts of matching passages by unit, year and kind (over all matches, not just this page)."""
        counts: dict[str, dict] = {"unit": {}, "year": {}, "kind": {}}
        for pid, _, _ in ranked:
            doc = gen.documents[gen.passages[pid].doc_id]
            for name, value in (("unit", doc.unit or "（未识别）"), ("year", doc.year or "（未识别）"),
                                ("kind", doc.kind or "（未识别）")):
                counts[name][value] = counts[name].get(value, 0) + 1
        return {name: [{"value": v, "count": c} for v, c in sorted(values.items(), key=lambda x: (-x[1], str(x[0])))]
                for name, values in counts.items()}

    def highlight_terms(self, parsed: ParsedQuery) -> list[str]:
        return query_terms(parsed)

    def rank(self, gen: Generation, parsed: ParsedQuery, allowed: set[str] | None, limit: int | None = None,
             pinned=()) -> list[tuple[str, float, list[str]]]:
        return self.ranker.rank(gen, parsed, allowed, self.embedder, pinned=pinned, limit=limit)

    def result_dict(self, gen: Generation, pid: str, score: float, channels: list[str], terms: list[str]) -> dict:
        p = gen.passages[pid]
        d = gen.documents[p.doc_id]
        return {
            "id": pid, "doc_id": d.doc_id, "file": d.file, "title": d.title, "unit": d.unit, "region": d.region,
            "year": d.year, "kind": d.kind, "section": p.section, "text": p.text,
            "highlight": highlight(p.text, terms), "score": round(score, 6), "channels": channels,
            "line_start": p.line_start, "line_end": p.line_end, "is_table": p.is_table,
            "money_unit": p.money_unit, "page_start": p.page_start, "page_end": p.page_end,
        }

    # -- documents -----------------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        gen = self.generation()
        counts: dict[str, int] = {}
        for p in gen.passages.values():
            counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
        return [dict(d.as_dict(), passages=counts.get(d.doc_id, 0)) for d in gen.documents.values()]

    def document(self, doc_id: str) -> dict | None:
        gen = self.generation()
        info = gen.documents.get(doc_id)   # ids are looked up, never joined into paths
        if info is None:
            return None
        conn = gen.connect()
        try:
            row = conn.execute("SELECT lines_json, page_starts_json FROM documents WHERE doc_id = ?",
                               (doc_id,)).fetchone()
        finally:
            conn.close()
        page_starts = json.loads(row["page_starts_json"])
        lines = [{"start": s, "end": e, "text": t, "page": page_of(s, page_starts)}
                 for s, e, t in json.loads(row["lines_json"])]
        passages = [{"id": p.id, "section": p.section, "line_start": p.line_start, "line_end": p.line_end,
                     "page_start": p.page_start, "page_end": p.page_end}
                    for p in gen.passages.values() if p.doc_id == doc_id]
        headings = []
        seen = set()
        for p in passages:
            if p["section"] and p["section"] not in seen:
                seen.add(p["section"])
                headings.append({"section": p["section"], "line": p["line_start"],
                                 "depth": p["section"].count(SECTION_SEP)})
        return dict(info.as_dict(), page_starts=page_starts, lines=lines, passages=passages, toc=headings)

