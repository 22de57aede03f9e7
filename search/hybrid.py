"""Reciprocal rank fusion of the keyword and semantic rankings, plus the boosts for what a query names."""
from __future__ import annotations

from dataclasses import dataclass, field

UNIT_BOOST = 1.0    # a named unit outranks everything else: its passages come first
YEAR_BOOST = 0.3
KIND_BOOST = 0.3


@dataclass
class Fused:
    passage_id: str
    score: float = 0.0
    channels: dict[str, int] = field(default_factory=dict)   # channel -> 1-based rank in that channel


def reciprocal_rank_fusion(rankings: dict[str, list[str]], k: int = 60) -> dict[str, Fused]:
    fused: dict[str, Fused] = {}
    for channel, ids in rankings.items():
        for rank, pid in enumerate(ids, 1):
            item = fused.setdefault(pid, Fused(pid))
            item.score += 1.0 / (k + rank)
            item.channels[channel] = rank
    return fused


def hint_bonus(doc, doc_scores: dict[str, float], year: int | None, kind: str) -> float:
    bonus = UNIT_BOOST * doc_scores.get(doc.doc_id, 0.0)
    if year and doc.year == year:
        bonus += YEAR_BOOST
    if kind and doc.kind == kind:
        bonus += KIND_BOOST
    return bonus
