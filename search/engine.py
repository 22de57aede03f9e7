"""Ranking and result formatting over the current index generation (search/generation.py loads, pins and
closes generations; search/ranking.py orders the passages)."""
from __future__ import annotations

import dataclasses
import functools
import json
import logging
import time
from pathlib import Path

from .backends import create_backend
from .exceptions import IncompatibleIndex, IndexNotReady
from .generation import Generation, GenerationManager
from .highlight import highlight
from .indexer import file_statuses, pending_files
from .limits import QueryLimits, checked_phrases
from .query import ParsedQuery, normalize_query, without_mentions
from .ranking import Ranker, RankingConfig, query_terms
from .reader import page_of
from .semantic import Embedder, ModelStatus
from .vocab import SECTION_SEP

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8192)
def _normalized_unit(unit: str) -> str:
    # a unit filter compares with every document's unit: normalise each distinct name once, not per query
    return normalize_query(unit)


class Engine:
    def __init__(self, index_dir: Path, embedder: Embedder | None, model_status: ModelStatus,
                 ranking: RankingConfig | None = None, backend=None, query_limits: QueryLimits | None = None):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.model_status = model_status
        self.ranker = Ranker(ranking, query_limits)
        self.backend = backend or create_backend("embedded")
        self.generations = GenerationManager(self.index_dir, embedder, self.backend)

    @property
    def limits(self) -> QueryLimits:
        return self.ranker.limits

    @limits.setter
    def limits(self, value: QueryLimits) -> None:
        self.ranker.limits = value

    # -- loading -------------------------------------------------------------------------------------
    def generation(self) -> Generation:
        """The current generation; a newly swapped-in one is picked up on the next request (and the request
        keeps the one it first saw)."""
        return self.generations.current()

    def close(self) -> None:
        self.generations.close()

    @property
    def mode(self) -> str:
        try:
            gen = self.generation()
        except (IndexNotReady, IncompatibleIndex):   # CorruptIndex is an IncompatibleIndex too
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
            "pending": pending_files(gen.manifest),     # scanned files whose OCR text is still being read
            "files": file_statuses(gen.manifest),       # every file of the corpus folder with its status
        }

    # -- search --------------------------------------------------------------------------------------
    def parse(self, q: str) -> ParsedQuery:
        return self._parse(self.generation(), q)

    def _parse(self, gen: Generation, q: str) -> ParsedQuery:
        """The query's reading, refused (QueryRejected, a 400) when its phrases exceed the limits."""
        parsed = gen.parse(q)
        checked_phrases(parsed.phrases, self.limits)
        return parsed

    def allowed_documents(self, unit: str = "", year: int | None = None, kind: str = "") -> set[str] | None:
        if not unit and not year and not kind:
            return None
        gen = self.generation()
        wanted_unit = normalize_query(unit) if unit else ""
        allowed = set()
        for d in gen.documents.values():
            if wanted_unit and wanted_unit not in _normalized_unit(d.unit) and wanted_unit != d.doc_id:
                continue
            if year and d.year != year:
                continue
            if kind and d.kind != kind:
                continue
            allowed.add(d.doc_id)
        return allowed

    def search(self, q: str, k: int = 10, unit: str = "", year: int | None = None, kind: str = "",
               offset: int = 0, pinned: list[str] | None = None, documents: set[str] | None = None,
               named: set[str] | None = None, mentions: tuple[str, ...] = ()) -> dict:
        """pinned: passages that state the figures answering the question (the "figures" channel);
        documents: only these documents (the answerer's scope: the named unit's documents of the asked year);
        named: the documents of the units the question names as the answerer read them (its gazetteer knows
        short forms the document aliases lack: 西安规自局 names one unit, not every 西安 document); mentions: how
        the question wrote them, left out of the words ranked (see without_mentions)."""
        started = time.perf_counter()
        gen = self.generation()
        parsed = self._parse(gen, q)
        if named and (not parsed.doc_scores or len(named) <= len(parsed.doc_scores)):
            parsed = dataclasses.replace(parsed, doc_scores={d: 1.0 for d in named if d in gen.documents},
                                         keyword_text=without_mentions(parsed.keyword_text, mentions)
                                         or parsed.keyword_text)
        allowed = self.allowed_documents(unit, year, kind)
        if documents is not None:
            allowed = set(documents) if allowed is None else allowed & set(documents)
        ranked = self.rank(gen, parsed, allowed, pinned=pinned or [])
        total = len(ranked)
        facets = self.facets(gen, ranked)
        page = ranked[offset:offset + k]
        terms = self.highlight_terms(parsed)
        results = [self.result_dict(gen, pid, score, channels, terms) for pid, score, channels in page]
        # the query is not echoed back: a response must not carry text the corpus does not hold (a probe for
        # a secret token would find it in the reply); the client knows what it asked
        return {
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
            "doc_type": d.doc_type, "ocr": p.ocr,
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
            row = conn.execute("SELECT lines_json, page_starts_json, coverage_json, dropped_json FROM documents "
                               "WHERE doc_id = ?", (doc_id,)).fetchone()
        finally:
            conn.close()
        page_starts = json.loads(row["page_starts_json"])
        lines = [{"start": s, "end": e, "text": t, "page": page_of(s, page_starts)}
                 for s, e, t in json.loads(row["lines_json"])]
        passages = [{"id": p.id, "section": p.section, "line_start": p.line_start, "line_end": p.line_end,
                     "page_start": p.page_start, "page_end": p.page_end, "ocr": p.ocr}
                    for p in gen.passages.values() if p.doc_id == doc_id]
        coverage = json.loads(row["coverage_json"] or "{}")
        dropped = [{"start": s, "end": e, "text": t, "reason": r} for s, e, t, r in json.loads(row["dropped_json"] or "[]")]
        headings = []
        seen = set()
        for p in passages:
            if p["section"] and p["section"] not in seen:
                seen.add(p["section"])
                headings.append({"section": p["section"], "line": p["line_start"],
                                 "depth": p["section"].count(SECTION_SEP)})
        return dict(info.as_dict(), page_starts=page_starts, coverage=coverage, lines=lines, passages=passages,
                    dropped=dropped, toc=headings)

