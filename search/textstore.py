"""Every passage's compact text (tokens.compact_text: canonical, no whitespace) in one string, for the two
things that need the passage text itself rather than its terms: exact phrases ("监督执法项目经费" in straight
quotes) and the words-in-sequence bonus.

Why one string instead of a positional index: the positional whoosh index was the most expensive part of a
build (on a 2,000-document archive, 9 of 10 minutes of CPU, in pure Python) for a feature only quoted
phrases use. A phrase is now found by `str.find` over this string (C speed, about 10–30 ms over 96k
passages), which also matches what a reader sees: the characters in sequence, whatever the word
segmentation made of them (the positional index missed "项目经费" inside "监督执法项目经费" when jieba cut
"执法项目"). Results are cached per generation (search/generation.py), and a phrase asked of one backend
finds the same passages on every backend. One string also costs less memory than 96k small ones.
"""
from __future__ import annotations

import bisect
from typing import Iterable, Iterator

SEPARATOR = "\x00"   # between passages: a phrase never spans two of them (stripped from phrases)


class CompactTexts:
    """Read-only mapping passage id -> compact text, plus `find(phrase)`."""

    def __init__(self, items: Iterable[tuple[str, str]]):
        ids: list[str] = []
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for pid, text in items:
            text = text.replace(SEPARATOR, "")
            ids.append(pid)
            starts.append(offset)
            parts.append(text)
            offset += len(text) + 1
        self._ids = ids
        self._starts = starts
        self._row = {pid: i for i, pid in enumerate(ids)}
        self._text = SEPARATOR.join(parts) + SEPARATOR

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, pid) -> bool:
        return pid in self._row

    def __getitem__(self, pid: str) -> str:
        row = self._row[pid]
        end = self._starts[row + 1] - 1 if row + 1 < len(self._starts) else len(self._text) - 1
        return self._text[self._starts[row]:end]

    def get(self, pid: str, default: str = "") -> str:
        return self[pid] if pid in self._row else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def items(self) -> Iterator[tuple[str, str]]:
        for pid in self._ids:
            yield pid, self[pid]

    def find(self, wanted: str, limit: int) -> list[str]:
        """Passages whose compact text contains `wanted` (already in compact form), in passage order, at
        most `limit`. A figure is matched whole: "公务接待费0" does not match "公务接待费0.5" or "…费05"."""
        wanted = wanted.replace(SEPARATOR, "")
        if not wanted or limit <= 0:
            return []
        text, starts, ids = self._text, self._starts, self._ids
        digit_start, digit_end = wanted[0].isdigit(), wanted[-1].isdigit()
        found: list[str] = []
        at = text.find(wanted)
        while at >= 0:
            row = bisect.bisect_right(starts, at) - 1
            end = at + len(wanted)
            if _whole_number(text, at, end, digit_start, digit_end):
                found.append(ids[row])
                if len(found) >= limit:
                    break
                # one hit per passage: go on from the next passage
                at = text.find(wanted, starts[row + 1]) if row + 1 < len(starts) else -1
            else:
                at = text.find(wanted, at + 1)
        return found


def _whole_number(text: str, start: int, end: int, digit_start: bool, digit_end: bool) -> bool:
    """A phrase starting or ending with a digit must not cut a number: no digit (or decimal point between
    digits) right before its first or right after its last character."""
    if digit_start and start > 0:
        before = text[start - 1]
        if before.isdigit() or (before == "." and start > 1 and text[start - 2].isdigit()):
            return False
    if digit_end and end < len(text):
        after = text[end]
        if after.isdigit() or (after == "." and end + 1 < len(text) and text[end + 1].isdigit()):
            return False
    return True
