"""Escaped snippets with <mark>: document and query text are never rendered as HTML."""
from __future__ import annotations

import functools
import html
import re

SNIPPET_CHARS = 240


def _term_pattern(term: str) -> str:
    if re.fullmatch(r"\d+(?:\.\d+)?", term):
        # a number token matches whole numbers only ("0" marks 0 and 0.00, not the 0 inside 2024)
        whole, _, frac = term.partition(".")
        digits = r"[,，]?".join(re.escape(d) for d in whole)
        tail = rf"\.{re.escape(frac)}0*" if frac else r"(?:\.0+)?"
        return rf"(?<![\d.,，]){digits}{tail}(?![\d.])"
    return r"\s*".join(re.escape(ch) for ch in term)


@functools.lru_cache(maxsize=4096)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """Compiled once per distinct term set (a query highlights ten results with the same terms)."""
    wanted = sorted({t for t in terms if len(t) >= 2 or t.isdigit()}, key=len, reverse=True)
    if not wanted:
        return None
    return re.compile("|".join(_term_pattern(t) for t in wanted), re.IGNORECASE)


def find_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    pattern = _terms_pattern(tuple(terms))
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def highlight(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    spans = find_spans(text, terms)
    start, end = 0, min(len(text), width)
    if spans and len(text) > width:
        # the window holding the most matches
        best, best_count, right = spans[0][0], 0, 0
        for left, (s, _) in enumerate(spans):   # spans are in order: a sliding window counts matches
            while right < len(spans) and spans[right][0] < s + width:
                right += 1
            if right - left > best_count:
                best, best_count = s, right - left
        start = max(0, best - width // 6)
        end = min(len(text), start + width)
    out, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end or s < cursor:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append("<mark>" + html.escape(text[s:min(e, end)]) + "</mark>")
        cursor = min(e, end)
    out.append(html.escape(text[cursor:end]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")
