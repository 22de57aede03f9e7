"""Short answers with citations. Figures questions are answered from the figures table (facts.py);
everything else falls back to the best sentence of the best passages, cited, or says nothing was found."""
from __future__ import annotations

import re
import time

from .highlight import find_spans

MAX_ANSWER_CHARS = 300
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_WANTS_NUMBER = re.compile(r"多少|几|金额|数额|比例|占比|得分|增长|减少|增加|规模|总额|是否")


def best_sentence(text: str, terms: list[str], wants_number: bool) -> tuple[str, float]:
    best, best_score = "", 0.0
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if len(sentence) < 4:
            continue
        score = 0.0
        for term in set(terms):
            if find_spans(sentence, [term]):
                score += len(term) if not term.isdigit() else 1
        if wants_number and re.search(r"\d", sentence):
            score *= 1.5
        score /= (1 + len(sentence) / 200)
        if score > best_score:
            best, best_score = sentence, score
    return best, best_score


def passage_answer(engine, question: str, k: int = 5, **filters) -> dict:
    started = time.perf_counter()
    result = engine.search(question, k=k, **filters)
    parsed = engine.parse(question)
    terms = [t for t in engine.highlight_terms(parsed) if t not in parsed.unit_mentions]
    wants_number = bool(_WANTS_NUMBER.search(question))
    best = ("", 0.0, None)
    for rank, hit in enumerate(result["results"][:3]):
        sentence, score = best_sentence(hit["text"], terms, wants_number)
        score *= 1.0 / (1 + 0.25 * rank)
        if score > best[1]:
            best = (sentence, score, hit)
    sentence, score, hit = best
    if not hit or score < 2:
        return {"question": question, "answer": "没有找到可靠的答案。", "answer_type": "none", "facts": [],
                "citations": result["results"], "took_ms": round((time.perf_counter() - started) * 1000, 2)}
    answer = sentence if len(sentence) <= 200 else sentence[:200] + "…"
    who = " ".join(x for x in (hit["unit"], f"{hit['year']}年" if hit["year"] else "", hit["kind"]) if x)
    text = f"{who}：{answer}" if who else answer
    citations = [hit] + [r for r in result["results"] if r["id"] != hit["id"]]
    return {"question": question, "answer": text[:MAX_ANSWER_CHARS], "answer_type": "passage", "facts": [],
            "citations": citations, "took_ms": round((time.perf_counter() - started) * 1000, 2)}
