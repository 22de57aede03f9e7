"""Reciprocal rank fusion of the keyword and semantic rankings, plus the boosts for what a query names.

The weights come from search/ranking.RankingConfig (fed from config.py); these are the pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocab import strip_quotes

GLOSSARY = ("名词解释", "名词说明", "释义", "术语")


@dataclass
class Fused:
    passage_id: str
    score: float = 0.0
    channels: dict[str, int] = field(default_factory=dict)   # channel -> 1-based rank in that channel


def reciprocal_rank_fusion(rankings: dict[str, list[str]], k: int = 60,
                           weights: dict[str, float] | None = None) -> dict[str, Fused]:
    fused: dict[str, Fused] = {}
    for channel, ids in rankings.items():
        weight = (weights or {}).get(channel, 1.0)
        for rank, pid in enumerate(ids, 1):
            item = fused.setdefault(pid, Fused(pid))
            item.score += weight / (k + rank)
            item.channels[channel] = rank
    return fused


def hint_bonus(doc, doc_scores: dict[str, float], year: int | None, kind: str, weights) -> float:
    bonus = weights.unit_boost * doc_scores.get(doc.doc_id, 0.0)
    if year and doc.year == year:
        bonus += weights.year_boost
    if kind and doc.kind == kind:
        bonus += weights.kind_boost
    return bonus


def definition_bonus(section: str, text: str, term: str, boost: float) -> float:
    """For "什么是X": the glossary entry that defines X, wherever the glossary is."""
    if not term:
        return 0.0
    compact = strip_quotes(text).replace(" ", "")
    defines = re.search(re.escape(term) + r"(?:支出)?\s*[:：]\s*(?:是指|指|是)", compact)
    if defines:
        return boost + (0.2 if any(g in section for g in GLOSSARY) else 0.0)
    return 0.0


def statement_pattern(terms: list[str]) -> re.Pattern | None:
    """One pattern per query: an asked term followed closely by a figure."""
    terms = sorted((t for t in set(terms) if len(t) >= 3 and not t.isdigit()), key=len, reverse=True)
    if not terms:
        return None
    return re.compile("(?:" + "|".join(map(re.escape, terms)) + r")[^\d。；，,]{0,8}?\d")


def statement_bonus(compact_text: str, is_table: bool, pattern: re.Pattern | None, boost: float) -> float:
    """A prose sentence that states a figure for the asked metric ("项目支出15,579.95万元") beats a
    passage that merely mentions the metric, e.g. a table's title. compact_text: without spaces/quotes."""
    if is_table or pattern is None:
        return 0.0
    return boost if pattern.search(compact_text) else 0.0


def sequence_bonus(hits: list[tuple[str, float]], phrase: str, compact_texts: dict[str, str], factor: float,
                   window: int) -> list[tuple[str, float]]:
    """Re-rank a backend's keyword hits: the same rule whichever backend produced them. phrase and
    compact_texts are in tokens.compact_text form."""
    if not phrase:
        return hits
    head, tail = hits[:window], hits[window:]
    head = [(pid, score * factor if phrase in compact_texts.get(pid, "") else score) for pid, score in head]
    head.sort(key=lambda h: -h[1])
    return head + tail
