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

from .chunk import SECTION_SEP
from .highlight import highlight
from .facts import load_facts
from .hybrid import (FIGURES_BOOST, definition_bonus, hint_bonus, reciprocal_rank_fusion, sequence_bonus,
                     statement_bonus, statement_pattern)
from .indexer import CURRENT, IncompatibleIndex, IndexNotReady, check_compatible, read_manifest
from .query import ParsedQuery, build_aliases, normalize_query, parse_query
from .backends import create_backend
from .semantic import Embedder, ModelStatus
from .tokens import QUERY_STOPWORDS, compact_text, shared_tokenizer

log = logging.getLogger(__name__)
CANDIDATES = 200
BONUS_CANDIDATES = 60


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


class Generation:
    """Everything read from one index generation folder; immutable once loaded."""

    def __init__(self, folder: Path, embedder: Embedder | None, backend):
        self.folder = folder
        self.manifest = read_manifest(folder)
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
                                 r["line_end"], bool(r["is_table"]), r["money_unit"] or "")
            for r in conn.execute("SELECT * FROM passages ORDER BY doc_id, ordinal")}
        self.compact_texts = {pid: compact_text(p.text) for pid, p in self.passages.items()}
        self.facts = load_facts(conn)
        conn.close()
        self.facts_by_metric: dict[str, list] = {}
        for fact in self.facts:
            self.facts_by_metric.setdefault(fact.metric, []).append(fact)
        problem = check_compatible(dict(self.manifest, model=None), None)
        if problem:
            raise IncompatibleIndex(f"the index in {folder.parent} cannot be used: {problem}. "
                                    f"Rebuild it with: python -m search index --index {folder.parent} --rebuild")
        with_vectors = embedder is not None and self.manifest.get("model") == embedder.name
        self.model_notice = ""
        if embedder is not None and not with_vectors:
            self.model_notice = (f"the index was embedded with {self.manifest.get('model')!r}, not the configured "
                                 f"{embedder.name!r}: semantic search is off until you run "
                                 f"python -m search index --model {embedder.name}")
        self.search_backend = backend.open(folder, with_vectors)
        self.aliases = build_aliases(self.documents.values())
        self.years = {d.year for d in self.documents.values() if d.year}

    @functools.lru_cache(maxsize=1024)
    def parse(self, q: str) -> ParsedQuery:
        """One reading per query and generation: a page asks the search, the figures channel and the
        answer about the same question. The result is shared; callers must not modify it."""
        return parse_query(q, self.aliases, self.years)

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn


class Engine:
    def __init__(self, index_dir: Path, embedder: Embedder | None, model_status: ModelStatus, rrf_k: int = 60,
                 semantic_weight: float = 0.3, backend=None):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.model_status = model_status
        self.rrf_k = rrf_k
        self.semantic_weight = semantic_weight
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

    def rank(self, gen: Generation, parsed: ParsedQuery, allowed: set[str] | None,
             limit: int = CANDIDATES, pinned: list[str] = ()) -> list[tuple[str, float, list[str]]]:
        if allowed is not None and not allowed:
            return []
        required = self.phrase_matches(gen, parsed.phrases)
        if required is not None:
            if not required:
                return []
            # only documents holding the phrase can match; rank within them
            allowed = {gen.passages[pid].doc_id for pid in required} & (allowed if allowed is not None else
                                                                      set(gen.documents))
        keyword_hits = gen.search_backend.keyword_search(parsed.keyword_text, limit, allowed)
        named = set(parsed.doc_scores)
        if allowed is not None:
            named &= allowed
        if named:
            # make sure the named documents' best passages are candidates even if globally outranked
            extra = gen.search_backend.keyword_search(parsed.keyword_text, 50, named)
            seen = {pid for pid, _ in keyword_hits}
            keyword_hits = sorted(keyword_hits + [h for h in extra if h[0] not in seen], key=lambda h: -h[1])
        words = [w for w in shared_tokenizer()(parsed.keyword_text) if w not in QUERY_STOPWORDS]
        keyword_hits = sequence_bonus(keyword_hits, "".join(words) if len(words) >= 2 else "", gen.compact_texts)
        rankings = {"keyword": [pid for pid, _ in keyword_hits]}
        if self.embedder is not None and gen.search_backend.has_vectors:
            vector = self.embedder.encode_query(parsed.text)
            rankings["semantic"] = [pid for pid, _ in gen.search_backend.vector_search(vector, limit, allowed)]
        if required is not None:
            rankings = {channel: [pid for pid in ids if pid in required] for channel, ids in rankings.items()}
        if pinned:
            rankings["figures"] = [pid for pid in pinned
                                   if allowed is None or gen.passages[pid].doc_id in allowed]
        fused = reciprocal_rank_fusion(rankings, self.rrf_k, {"semantic": self.semantic_weight})
        for pid in (required or ()):
            if pid in fused:
                fused[pid].channels["phrase"] = 1   # shown as a channel; the filter already did the work
        statement = statement_pattern([w for w in self.highlight_terms(parsed) if w not in parsed.unit_mentions])
        # the fine-grained bonuses move passages a few places: only the leading candidates can gain from them
        leading = set(sorted(fused, key=lambda pid: -fused[pid].score)[:BONUS_CANDIDATES])
        scored = []
        for pid, item in fused.items():
            passage = gen.passages.get(pid)
            if passage is None:
                continue
            doc = gen.documents[passage.doc_id]
            score = item.score + hint_bonus(doc, parsed.doc_scores, parsed.year, parsed.kind)
            if "figures" in item.channels:
                score += FIGURES_BOOST
            if pid in leading:
                score += statement_bonus(gen.compact_texts[pid], passage.is_table, statement)
            if parsed.defines:
                score += definition_bonus(passage.section, passage.text, parsed.defines)
            scored.append((pid, score, sorted(item.channels)))
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored

    @staticmethod
    def phrase_matches(gen: Generation, phrases: list[str]) -> set[str] | None:
        """Passages containing every exact phrase (positional index when the backend has one), or None."""
        if not phrases:
            return None
        matches: set[str] | None = None
        for phrase in phrases:
            finder = getattr(gen.search_backend, "phrase_search", None)
            if finder is not None:
                found = set(finder(phrase, limit=100000))
            else:
                wanted = compact_text(phrase)
                found = {pid for pid, text in gen.compact_texts.items() if wanted in text}
            matches = found if matches is None else matches & found
        return matches

    def highlight_terms(self, parsed: ParsedQuery) -> list[str]:
        words = [w for _, w in shared_tokenizer().positioned(parsed.text)]
        return [w for w in words if w not in QUERY_STOPWORDS]

    def result_dict(self, gen: Generation, pid: str, score: float, channels: list[str], terms: list[str]) -> dict:
        p = gen.passages[pid]
        d = gen.documents[p.doc_id]
        return {
            "id": pid, "doc_id": d.doc_id, "file": d.file, "title": d.title, "unit": d.unit, "region": d.region,
            "year": d.year, "kind": d.kind, "section": p.section, "text": p.text,
            "highlight": highlight(p.text, terms), "score": round(score, 6), "channels": channels,
            "line_start": p.line_start, "line_end": p.line_end, "is_table": p.is_table,
            "money_unit": p.money_unit,
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
            row = conn.execute("SELECT lines_json FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        finally:
            conn.close()
        lines = [{"start": s, "end": e, "text": t} for s, e, t in json.loads(row["lines_json"])]
        passages = [{"id": p.id, "section": p.section, "line_start": p.line_start, "line_end": p.line_end}
                    for p in gen.passages.values() if p.doc_id == doc_id]
        headings = []
        seen = set()
        for p in passages:
            if p["section"] and p["section"] not in seen:
                seen.add(p["section"])
                headings.append({"section": p["section"], "line": p["line_start"],
                                 "depth": p["section"].count(SECTION_SEP)})
        return dict(info.as_dict(), lines=lines, passages=passages, toc=headings)

