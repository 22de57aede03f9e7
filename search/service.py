"""The service layer: what every entry point (JSON API, HTML pages, CLI, benchmark) asks of the engine.

Why a layer of its own: the figures channel (passages that state the figure a question asks for) and
paging used to be added inside the API blueprint, so `python -m search query` and the benchmark ranked
differently from `/api/search`. Every entry point now calls these methods and gets the same ranking.
Parameters arrive already validated (search/params.py turns request values into these arguments).
"""
from __future__ import annotations

from .citations import passage_url
from .engine import Engine


class SearchService:
    """search, ask, facts, documents, health over one Engine; stateless apart from the engine."""

    def __init__(self, engine: Engine, answerer=None):
        self.engine = engine
        if answerer is None:
            from .qa import answer_question as answerer
        self.answerer = answerer

    # -- search ----------------------------------------------------------------------------------------
    def search(self, q: str, k: int = 10, page: int = 1, unit: str = "", year: int | None = None,
               kind: str = "") -> dict:
        from .qa import answer_passages

        pinned, restating, named, mentions, each_unit = answer_passages(self.engine, q)
        result = self.engine.search(q, k=k, offset=(page - 1) * k, pinned=pinned, unit=unit, year=year,
                                    kind=kind, named=named, mentions=mentions)
        if page == 1 and pinned:
            self._answer_first(result, pinned[0])
        if page == 1 and restating:
            self._beside_the_first(result, q, restating, unit, year, kind)
        if page == 1 and each_unit:
            self._each_unit_shown(result, each_unit, lambda: self.engine.search(
                q, k=self.EACH_UNIT_DEPTH, pinned=pinned, unit=unit, year=year, kind=kind, named=named,
                mentions=mentions)["results"])
        result["page"] = page
        return result

    @staticmethod
    def _answer_first(result: dict, pid: str) -> None:
        """The passage the answer's first figure is read from (a ranking's winner, a comparison's first unit)
        leads, whatever the fusion made of it: search shows first what /api/ask answers from."""
        results = result["results"]
        at = next((i for i, r in enumerate(results) if r["id"] == pid), None)
        if at:
            results.insert(0, results.pop(at))

    EACH_UNIT_WITHIN = 5   # the first results in which each unit a question names (up to five) has a passage
    EACH_UNIT_DEPTH = 30   # how deep its best passage is looked for

    @classmethod
    def _each_unit_shown(cls, result: dict, each_unit: tuple[frozenset[str], ...], deeper) -> None:
        """"烟台信访、大数据、教育、民政四个局公务接待费比较": each unit named has its best passage among the first
        results — one unit's several passages do not push the others' out of sight. The first result stays;
        a unit's best passage (from a deeper ranking — deeper() — when the page lacks it) moves up only when
        none of its passages is among the first five, in place of another unit's second or later passage."""
        results = result["results"]
        within = cls.EACH_UNIT_WITHIN
        if len(each_unit) > within or len(results) <= 1:
            return
        size, more = len(results), None
        top, rest = results[:within], results[within:]

        def unit_of(r: dict) -> int | None:
            return next((j for j, d in enumerate(each_unit) if r["doc_id"] in d), None)

        for docs in each_unit:
            if any(r["doc_id"] in docs for r in top):
                continue
            found = next((r for r in rest if r["doc_id"] in docs), None)
            if found is None:
                more = deeper() if more is None else more
                found = next((r for r in more if r["doc_id"] in docs and r not in top), None)
            # the passage it replaces: the lowest of the first results whose unit has another above it
            counts = [sum(unit_of(o) == unit_of(r) for o in top[:i]) for i, r in enumerate(top)]
            victim = next((i for i in range(len(top) - 1, 0, -1) if counts[i] > 0 or unit_of(top[i]) is None), None)
            if found is None or victim is None:
                continue
            rest = [r for r in rest if r is not found]
            rest.insert(0, top.pop(victim))
            top.insert(victim, found)
        results[:] = top + rest
        del results[size:]

    RESTATING_SHOWN = 4   # passages repeating a quoted table row (prose, other tables), right after the first result
    RESTATING_KEPT = 2    # shown even when they push the passage of another figure of the answer out of the five

    def _beside_the_first(self, result: dict, q: str, restating: list[str], unit, year, kind) -> None:
        """The text that repeats the answer's figure ("7.综合管理 274.16 万元") goes right after the first
        result when the ranking left it out of the first five, and stays before the other repetitions it
        brings in (moved up rather than pushed out of the first five by them)."""
        results = result["results"]
        if not results:
            return
        allowed = self.engine.allowed_documents(unit, year, kind)
        gen = self.engine.generation()
        chosen = [pid for pid in restating if pid != results[0]["id"] and pid in gen.passages
                  and (allowed is None or gen.passages[pid].doc_id in allowed)][:self.RESTATING_SHOWN]
        top = {r["id"] for r in results[:5]}
        if not chosen or all(pid in top for pid in chosen):
            return
        present = {r["id"]: r for r in results}
        terms = self.engine.highlight_terms(self.engine.parse(q))
        shown = [present.get(pid) or self.engine.result_dict(gen, pid, results[0]["score"], ["figures"], terms)
                 for pid in chosen]
        # the passages of the answer's other figures (a second unit's table) stay in the first five: fewer
        # restatements rather than those pushed down
        answering = {r["id"] for r in results[1:5] if "figures" in r.get("channels", ())}
        for n in range(len(shown), min(self.RESTATING_KEPT, len(shown)) - 1, -1):
            ids = {r["id"] for r in shown[:n]}
            rest = [r for r in results[1:] if r["id"] not in ids]
            ordered = (results[:1] + shown[:n] + rest)[:len(results)]
            if answering <= {r["id"] for r in ordered[:5]} | ids:
                break
        result["results"] = ordered

    def ask(self, q: str, k: int = 5, unit: str = "", year: int | None = None, kind: str = "") -> dict:
        return self.answerer(self.engine, q, k=k, unit=unit, year=year, kind=kind)

    # -- figures ---------------------------------------------------------------------------------------
    def facts(self, metric: str = "", unit: str = "", year: int | None = None, kind: str = "",
              basis: str = "", limit: int = 1000) -> dict:
        from .facts import FACT_COLUMNS, METRIC_NAMES
        from .query import normalize_query

        gen = self.engine.generation()
        wanted_unit = normalize_query(unit) if unit else ""
        rows = []
        for fact in (gen.facts_by_metric.get(metric, []) if metric else gen.facts):
            if wanted_unit and wanted_unit not in normalize_query(fact.unit):
                continue
            if year and fact.year != year:
                continue
            if kind and fact.kind != kind:
                continue
            if basis and fact.basis != basis:
                continue
            row = {c: getattr(fact, c) for c in FACT_COLUMNS}
            # the document view of the figure's page, with the figure as printed boxed on it
            row["passage_url"] = passage_url(fact.doc_id, fact.line_start, fact.line_end, fact.page_start,
                                             fact.value_text)
            rows.append(row)
        rows.sort(key=lambda r: (r["metric"], r["unit"], r["year"] or 0, r["basis"], r["line_start"]))
        return {"metric": metric or None, "metrics": METRIC_NAMES, "total": len(rows), "facts": rows[:limit]}

    # -- documents and health --------------------------------------------------------------------------
    def documents(self) -> dict:
        docs = self.engine.documents()
        return {"total": len(docs), "documents": docs}

    def document(self, doc_id: str) -> dict | None:
        """None for an unknown id (ids are looked up, never joined into paths)."""
        if len(doc_id) > 64:
            return None
        return self.engine.document(doc_id)

    def health(self) -> dict:
        return self.engine.health()
