"""Ranking: candidates -> fusion -> a list of named bonuses, with every weight in one RankingConfig.

Why separate from the engine: the engine loads generations and formats results; how passages are
ordered is a policy with its own tunable weights. The weights used to be module constants in two
modules while config.py declared the rest; RankingConfig is fed from app.config (search/config.py
declares the settings with their help text), so a deployment can retune without editing code.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from . import limits
from .hybrid import (
    definition_bonus,
    hint_bonus,
    reciprocal_rank_fusion,
    sequence_bonus,
    statement_bonus,
    statement_pattern,
)
from .limits import QueryLimits
from .tokens import QUERY_STOPWORDS, shared_tokenizer


@dataclass(frozen=True)
class RankingConfig:
    rrf_k: int = 60                 # reciprocal-rank-fusion constant (larger = flatter fusion)
    semantic_weight: float = 0.3    # weight of the semantic ranking (keyword = 1)
    candidates: int = 200           # keyword/semantic hits taken into the fusion
    named_candidates: int = 50      # extra hits from the documents a query names
    bonus_candidates: int = 60      # fine-grained bonuses only for the leading candidates
    unit_boost: float = 1.0         # a named unit outranks everything else
    year_boost: float = 0.3
    kind_boost: float = 0.3
    definition_boost: float = 0.5   # "什么是X": the glossary entry defining X
    figures_boost: float = 2.0      # passages stating the figures that answer the question come first
    statement_boost: float = 0.006  # a sentence stating a figure for the asked term: about five RRF ranks
    sequence_factor: float = 1.5    # the query's words in sequence beat scattered words
    sequence_window: int = 100      # only the leading keyword hits can move by sequence

    @classmethod
    def from_config(cls, config) -> "RankingConfig":
        """app.config keys are the upper-case field names (RRF_K, SEMANTIC_WEIGHT, FIGURES_BOOST …)."""
        values = {}
        for f in fields(cls):
            raw = config.get(f.name.upper())
            if raw not in (None, ""):
                values[f.name] = type(f.default)(raw)
        return cls(**values)


def _bonus_named_unit(ctx, pid, passage, doc, item) -> float:
    return hint_bonus(doc, ctx.parsed.doc_scores, ctx.parsed.year, ctx.parsed.kind, ctx.config)


def _bonus_figures(ctx, pid, passage, doc, item) -> float:
    return ctx.config.figures_boost if "figures" in item.channels else 0.0


def _bonus_statement(ctx, pid, passage, doc, item) -> float:
    if pid not in ctx.leading:
        return 0.0
    return statement_bonus(ctx.gen.compact_texts[pid], passage.is_table, ctx.statement, ctx.config.statement_boost)


def _bonus_definition(ctx, pid, passage, doc, item) -> float:
    if not ctx.parsed.defines:
        return 0.0
    return definition_bonus(passage.section, passage.text, ctx.parsed.defines, ctx.config.definition_boost)


# applied in order to every fused candidate; a new rule is a function added here
BONUSES = [("named_unit", _bonus_named_unit), ("figures", _bonus_figures), ("statement", _bonus_statement),
           ("definition", _bonus_definition)]


@dataclass
class _Context:
    gen: object
    parsed: object
    config: RankingConfig
    statement: object
    leading: set


def query_terms(parsed) -> list[str]:
    """The query's words in order, without stop words (for highlighting and the statement bonus)."""
    words = [w for _, w in shared_tokenizer().positioned(parsed.text)]
    return [w for w in words if w not in QUERY_STOPWORDS]


class Ranker:
    def __init__(self, config: RankingConfig | None = None, query_limits: QueryLimits | None = None):
        self.config = config or RankingConfig()
        self.limits = query_limits or QueryLimits()

    def rank(self, gen, parsed, allowed: set[str] | None, embedder=None, pinned=(),
             limit: int | None = None) -> list[tuple[str, float, list[str]]]:
        cfg = self.config
        limit = limit or cfg.candidates
        if allowed is not None and not allowed:
            return []
        required = phrase_matches(gen, parsed.phrases, self.limits)
        limits.check()
        if required is not None:
            if not required:
                return []
            # only documents holding the phrase can match; rank within them
            allowed = {gen.passages[pid].doc_id for pid in required} & (allowed if allowed is not None else
                                                                      set(gen.documents))
        rankings = self.candidates(gen, parsed, allowed, embedder, limit)
        limits.check()
        if required is not None:
            rankings = {channel: [pid for pid in ids if pid in required] for channel, ids in rankings.items()}
        if pinned:
            rankings["figures"] = [pid for pid in pinned
                                   if pid in gen.passages and (allowed is None or gen.passages[pid].doc_id in allowed)]
        fused = reciprocal_rank_fusion(rankings, cfg.rrf_k, {"semantic": cfg.semantic_weight})
        for pid in (required or ()):
            if pid in fused:
                fused[pid].channels["phrase"] = 1   # shown as a channel; the filter already did the work
        statement = statement_pattern([w for w in query_terms(parsed) if w not in parsed.unit_mentions])
        leading = set(sorted(fused, key=lambda pid: -fused[pid].score)[:cfg.bonus_candidates])
        ctx = _Context(gen, parsed, cfg, statement, leading)
        scored = []
        for pid, item in fused.items():
            passage = gen.passages.get(pid)
            if passage is None:
                continue
            doc = gen.documents[passage.doc_id]
            score = item.score + sum(bonus(ctx, pid, passage, doc, item) for _, bonus in BONUSES)
            scored.append((pid, score, sorted(item.channels)))
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored

    def candidates(self, gen, parsed, allowed, embedder, limit) -> dict[str, list[str]]:
        """Each channel's ranked passage ids: keyword (BM25F + words-in-sequence) and semantic."""
        cfg = self.config
        keyword_hits = gen.search_backend.keyword_search(parsed.keyword_text, limit, allowed)
        named = set(parsed.doc_scores)
        if allowed is not None:
            named &= allowed
        if named:
            # make sure the named documents' best passages are candidates even if globally outranked
            extra = gen.search_backend.keyword_search(parsed.keyword_text, cfg.named_candidates, named)
            seen = {pid for pid, _ in keyword_hits}
            keyword_hits = sorted(keyword_hits + [h for h in extra if h[0] not in seen], key=lambda h: -h[1])
        words = [w for w in shared_tokenizer()(parsed.keyword_text) if w not in QUERY_STOPWORDS]
        keyword_hits = sequence_bonus(keyword_hits, "".join(words) if len(words) >= 2 else "", gen.compact_texts,
                                      cfg.sequence_factor, cfg.sequence_window)
        rankings = {"keyword": [pid for pid, _ in keyword_hits]}
        if embedder is not None and gen.search_backend.has_vectors:
            vector = embedder.encode_query(parsed.text)
            rankings["semantic"] = [pid for pid, _ in gen.search_backend.vector_search(vector, limit, allowed)]
        return rankings


def phrase_matches(gen, phrases: list[str], bounds: QueryLimits | None = None) -> set[str] | None:
    """Passages containing every exact phrase (positional index when the backend has one), or None.
    Each distinct phrase is matched once (and cached per generation, search/generation.py); at most
    MAX_PHRASE_MATCHES passages per phrase; the request's time budget is checked between phrases."""
    if not phrases:
        return None
    bounds = bounds or QueryLimits()
    matches: set[str] | None = None
    for phrase in limits.checked_phrases(phrases, bounds):
        limits.check()
        found = gen.phrase_matches(phrase, bounds.max_phrase_matches)
        matches = set(found) if matches is None else matches & found
        if not matches:
            break   # no passage holds them all: the remaining phrases cannot change that
    return matches
