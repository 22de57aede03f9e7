"""Tokenization shared by the keyword index, the query side and the baseline: jieba + a budget dictionary.

Why not jieba's ChineseAnalyzer: it stores character offsets as token positions (so phrase queries never
match) and drops single digits such as "0". Here positions are sequential, numbers are one normalised
token ("15,579.95" -> "15579.95", "0.00" -> "0"), text is NFKC-normalised and quotes are dropped so
“三公”经费 and 三公经费 index the same. Words longer than two characters also index their dictionary
sub-words at the same position (医疗保障局 -> 医疗, 保障, 医疗保障), so a query for a part still matches.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata
from pathlib import Path

import jieba

DICTIONARY_PATH = Path(__file__).parent / "data" / "budget_dict.txt"
jieba.setLogLevel(logging.WARNING)

_QUOTES = re.compile(r"[“”‘’\"'「」『』〝〞]")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORDLIKE = re.compile(r"[0-9a-z\u4e00-\u9fff]")
_JIEBA_BLOCK = jieba.re_han_default   # how jieba's cut splits a text into independently segmented blocks
_JIEBA_SKIP = jieba.re_skip_default
QUERY_STOPWORDS = frozenset(
    "的 了 是 有 和 与 及 或 在 为 吗 呢 啊 吧 么 多少 什么 哪个 哪些 哪家 几 怎么 如何 请问 是否 一下 "
    "情况 一共 共 总共 总额 请 告诉 我 你 查询 查 看看 给 出".split())


def dictionary_version(path: Path = DICTIONARY_PATH) -> str:
    """Changes whenever the dictionary changes; stored in the index manifest and checked on load."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return _QUOTES.sub("", text).lower()


def canonical_text(text: str) -> str:
    """Text as the tokenizer sees it, still as a string: NFKC, quotes dropped, lower-case, every number in
    its canonical form ("15,579.95" -> "15579.95", "0.00" -> "0"), padded with spaces so word
    segmenters keep numbers whole."""
    return _NUMBER.sub(lambda m: f" {normalize_number(m.group())} ", normalize_text(text))


def compact_text(text: str) -> str:
    """canonical_text without any whitespace: the form exact-sequence checks compare."""
    return re.sub(r"\s+", "", canonical_text(text))


def normalize_number(token: str) -> str:
    token = token.replace(",", "")
    if "." in token:
        token = token.rstrip("0").rstrip(".") or "0"
    token = token.lstrip("0") or "0"
    return "0" + token if token.startswith(".") else token


class BudgetTokenizer:
    """Callable text -> tokens; the same instance serves indexing and queries."""

    def __init__(self, dictionary: Path = DICTIONARY_PATH):
        self.dictionary = Path(dictionary)
        self.version = dictionary_version(self.dictionary)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for line in self.dictionary.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts:
                word = normalize_text(parts[0])
                freq = int(parts[1]) if len(parts) > 1 else None
                self._jieba.add_word(word, freq)
        self._freq = self._jieba.FREQ
        self._known: dict[str, tuple[tuple[int, str], ...]] = {}

    def _words(self, text: str) -> list[str]:
        words: list[str] = []
        position = 0
        for match in _NUMBER.finditer(text):
            self._cut(text[position:match.start()], words)
            words.append(normalize_number(match.group()))
            position = match.end()
        self._cut(text[position:], words)
        return [w for w in (w.strip() for w in words) if w and _WORDLIKE.search(w)]

    def _cut(self, text: str, out: list[str]) -> None:
        """jieba's lcut(text, HMM=False), word for word, with each block of CJK/alphanumeric characters
        segmented once per process: jieba segments every such block on its own (the text between two
        punctuation marks), and budget disclosures repeat the same blocks (行政运行, 一般公共预算财政拨款,
        table headers, a bureau's name) thousands of times; segmenting them was half of a build's reading."""
        for block in _JIEBA_BLOCK.split(text):
            if not block:
                continue
            if _JIEBA_BLOCK.match(block):
                out.extend(self._block(block))
            else:   # punctuation and spaces, as jieba yields them
                for piece in _JIEBA_SKIP.split(block):
                    if _JIEBA_SKIP.match(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)

    @functools.lru_cache(maxsize=100_000)  # noqa: B019 -- one shared tokenizer per dictionary lives for the process
    def _block(self, block: str) -> tuple[str, ...]:
        return tuple(self._jieba.lcut(block, HMM=False))

    @functools.lru_cache(maxsize=100_000)  # noqa: B019 -- as above
    def subwords(self, word: str) -> tuple[str, ...]:
        if len(word) <= 2 or not re.match(r"^[\u4e00-\u9fff]+$", word):
            return ()
        found = []
        for size in (2, 3, 4):
            for i in range(len(word) - size + 1):
                part = word[i:i + size]
                if part != word and self._freq.get(part):
                    found.append(part)
        return tuple(found)

    def positioned(self, text: str) -> tuple[tuple[int, str], ...]:
        """(position, token) pairs; sub-words share their word's position."""
        known = self._known.get(text)
        return known if known is not None else self._positioned(text)

    def remember(self, tokenized: dict[str, tuple[tuple[int, str], ...]]) -> None:
        """Texts a build's worker processes tokenized already (positioned() output): the indexing process
        uses them instead of segmenting the text again, so segmentation runs on every core. forget()
        drops them once their documents are written."""
        self._known.update(tokenized)

    def forget(self) -> None:
        self._known.clear()

    @functools.lru_cache(maxsize=65536)  # noqa: B019 -- one shared tokenizer per dictionary lives for the process
    def _positioned(self, text: str) -> tuple[tuple[int, str], ...]:
        # cached: at build time the workers' segmentation is remembered (remember()), queries repeat
        out: list[tuple[int, str]] = []
        for position, word in enumerate(self._words(normalize_text(text))):
            out.append((position, word))
            out.extend((position, part) for part in self.subwords(word))
        return tuple(out)

    def __call__(self, text: str) -> list[str]:
        """Sequential words (no sub-words): what phrase matching and the baseline use."""
        return self._words(normalize_text(text))


def shared_tokenizer(dictionary: str | Path = DICTIONARY_PATH) -> BudgetTokenizer:
    """One tokenizer per dictionary and process: jieba's model takes a second to load, and the
    tokenization cache only helps if the build's stages share it."""
    return _tokenizer_for(_resolved(str(dictionary)))


@functools.lru_cache(maxsize=16)
def _resolved(dictionary: str) -> str:
    # resolving is a system call per path component; the analyzer and the query side ask per field value
    return str(Path(dictionary).resolve())


@functools.lru_cache(maxsize=4)
def _tokenizer_for(dictionary: str) -> BudgetTokenizer:
    return BudgetTokenizer(Path(dictionary))
