"""The reference ranking the numpy BM25F core (search/bm25.py) is checked against: whoosh's BM25F over
the same passages, fields, boosts and tokens. Test-only since the service stopped writing a whoosh index
(exact phrases are found in the passage text, search/textstore.py); the index is built in memory from a
generation's store.sqlite.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from whoosh import query, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search.bm25 import FIELD_BOOSTS
from search.tokens import DICTIONARY_PATH, QUERY_STOPWORDS, shared_tokenizer


class WhooshBudgetTokenizer(Tokenizer):
    """whoosh adapter for BudgetTokenizer with sequential positions (sub-words share a position)."""

    def __init__(self, dictionary: str = str(DICTIONARY_PATH)):
        self.dictionary = dictionary

    def __eq__(self, other):
        return isinstance(other, WhooshBudgetTokenizer) and other.dictionary == self.dictionary

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in shared_tokenizer(self.dictionary).positioned(value):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(word)
            yield token


def make_schema() -> Schema:
    analyzer = WhooshBudgetTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        unit=ID(stored=True),
        year=NUMERIC(stored=True),
        kind=ID(stored=True),
        text=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["text"]),
        section=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["section"]),
        title=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"]),
    )


def index_generation(generation: Path):
    """A whoosh index in memory over a generation's passages (text, section path, document title)."""
    ix = RamStorage().create_index(make_schema())
    conn = sqlite3.connect(Path(generation) / "store.sqlite")
    try:
        rows = conn.execute("SELECT p.id, p.doc_id, p.text, p.section, d.title FROM passages p "
                            "JOIN documents d ON d.doc_id = p.doc_id").fetchall()
    finally:
        conn.close()
    with ix.writer() as writer:
        for pid, doc_id, text, section, title in rows:
            writer.add_document(id=pid, doc_id=doc_id, text=text, section=section or "", title=title or "")
    return ix
class KeywordSearcher:
    """Holds one open whoosh searcher for the lifetime of an index generation: BM25F over the OR of the
    query's words (the reference ranking the numpy core reproduces) and exact phrases by position."""

    def __init__(self, generation: Path):
        self._index = index_generation(generation)
        self._searcher = self._index.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        self._tokenizer = shared_tokenizer()
        # a whoosh searcher is not safe to share between server threads (it unpickles postings lazily)
        self._lock = threading.Lock()

    def close(self):
        with self._lock:
            self._searcher.close()
            self._index.close()

    def build_query(self, text: str):
        tokens = self._tokenizer.positioned(text)
        words = [w for _, w in tokens]
        terms = []
        for word in dict.fromkeys(words):
            if word in QUERY_STOPWORDS:
                continue
            for field in ("text", "section", "title"):
                terms.append(query.Term(field, word))
        if not terms:
            return None
        main = self._tokenizer(text)
        phrase_parts = [w for w in main if w not in QUERY_STOPWORDS]
        combined = query.Or(terms)
        if len(phrase_parts) >= 2:
            # exact sequences (e.g. 公务接待费 0) lift passages that state the thing asked
            combined = query.Or([combined, query.Phrase("text", phrase_parts, slop=2, boost=2.0)])
        return combined

    def search(self, text: str, limit: int = 100, doc_ids=None, filters=None) -> list[tuple[str, float]]:
        q = self.build_query(text)
        if q is None:
            return []
        restrict = []
        if doc_ids:
            restrict.append(query.Or([query.Term("doc_id", d) for d in doc_ids]))
        for field, value in (filters or {}).items():
            if value not in (None, ""):
                restrict.append(query.Term(field, value))
        filter_query = query.And(restrict) if restrict else None
        with self._lock:
            results = self._searcher.search(q, limit=limit, filter=filter_query)
            return [(hit["id"], float(hit.score)) for hit in results]
