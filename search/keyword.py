"""Keyword channel: a whoosh index over passages, BM25F across text, section path and title.

Queries are built from tokens directly (never parsed as whoosh syntax), so user text such as
`AND ( " *` is just text. Terms are OR-ed (a passage need not contain every sub-word) and BM25F ranks.
"""
from __future__ import annotations

import pickle
import threading
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema

from .tokens import DICTIONARY_PATH, QUERY_STOPWORDS, shared_tokenizer
from .vocab import passage_id

FIELD_BOOSTS = {"text": 1.0, "section": 0.6, "title": 0.3}


class WhooshBudgetTokenizer(Tokenizer):
    """whoosh adapter for BudgetTokenizer with sequential positions (sub-words share a position)."""

    def __init__(self, dictionary: str = str(DICTIONARY_PATH)):
        self.dictionary = dictionary

    def __eq__(self, other):
        return isinstance(other, WhooshBudgetTokenizer) and other.dictionary == self.dictionary

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pairs = getattr(value, "positioned", None)   # segmented already (a build's worker did it)
        if pairs is None:
            pairs = shared_tokenizer(self.dictionary).positioned(value)
        for position, word in pairs:
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


def create(path: Path):
    path.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(path), make_schema())


def open_index(path: Path):
    return whoosh_index.open_dir(str(path))


def exists(path: Path) -> bool:
    """Whether path holds a whoosh index (its table of contents), without opening it."""
    return Path(path).is_dir() and whoosh_index.exists_in(str(path))
class Segmented(str):
    """A field value that carries its segmentation (BudgetTokenizer.positioned output). Pickled with it,
    so whoosh's writer processes index it without segmenting the text again."""

    positioned: tuple = ()

    def __new__(cls, text: str, positioned):
        value = super().__new__(cls, text)
        value.positioned = positioned
        return value

    def __reduce__(self):
        return Segmented, (str(self), self.positioned)


def add_passages(writer, document) -> None:
    tokenizer = shared_tokenizer()
    title = document.meta.title
    title = Segmented(title, tokenizer.positioned(title))
    for p in document.passages:
        writer.add_document(id=passage_id(document.doc_id, p.ordinal), doc_id=document.doc_id,
                            unit=document.meta.unit or "", year=document.meta.year or 0,
                            kind=document.meta.kind or "", text=Segmented(p.text, tokenizer.positioned(p.text)),
                            section=Segmented(p.section, tokenizer.positioned(p.section)), title=title)


class KeywordSearcher:
    """Holds one open whoosh searcher for the lifetime of an index generation: BM25F over the OR of the
    query's words (the reference ranking the numpy core reproduces) and exact phrases by position."""

    def __init__(self, path: Path):
        self._index = open_index(path)
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


    def phrase(self, text: str, limit: int = 1000, timeout: float | None = None) -> list[tuple[str, float]]:
        """timeout: how long to wait for the searcher (shared by all threads); TimeoutError when exceeded."""
        words = [w for w in self._tokenizer(text)]
        if not words:
            return []
        q = query.Phrase("text", words) if len(words) > 1 else query.Term("text", words[0])
        if not self._lock.acquire(timeout=-1 if timeout is None else max(timeout, 0.0)):
            raise TimeoutError("the phrase searcher stayed busy")
        try:
            return [(hit["id"], float(hit.score)) for hit in self._searcher.search(q, limit=limit)]
        finally:
            self._lock.release()


# Bulk loading (a first build writes ~100k passages). whoosh's writing is pure Python and was 8 of the 10
# minutes of a first build of a 2,000-document archive, all on one core. A build with at least
# BULK_DOCUMENTS new documents uses whoosh's multi-process writer: BULK_PROCS processes each index a share of
# the passages (segmentation travels with the text, see Segmented) and each writes its own segment, in
# parallel, at the one commit. Each process's posting pool may hold BULK_LIMIT_MB before it spills a
# sorted run to disk. Smaller (incremental) builds use one plain writer: a process start costs more than
# it saves there.
BULK_PROCS = 2
BULK_LIMIT_MB = 128
BULK_DOCUMENTS = 200


def writer(ix, bulk: bool = False):
    """A writer for one build: all passages go through it and it commits once."""
    if bulk and BULK_PROCS > 1:
        return _CheckedMpWriter(ix, procs=BULK_PROCS, batchsize=256, multisegment=True, limitmb=BULK_LIMIT_MB)
    return ix.writer(limitmb=BULK_LIMIT_MB)


def commit(writer, full: bool) -> None:
    # an incremental build merges only small segments (whoosh's default policy), so adding one file does
    # not rewrite the whole index; a bulk build leaves one segment per writer process
    writer.commit()
    failed = [t.name for t in getattr(writer, "tasks", ()) if t.exitcode != 0]
    if failed:   # whoosh would commit without the failed process's segment: fail the build instead
        raise RuntimeError(f"keyword index writer process(es) {', '.join(failed)} failed; the build is incomplete")


def cancel(writer) -> None:
    if not writer.is_closed:   # a failed commit has closed it already
        writer.cancel()
    for task in getattr(writer, "tasks", ()):
        task.terminate()   # whoosh's cancel only flags its own copy of the process object


try:
    from whoosh.multiproc import MpWriter
except ImportError:   # pragma: no cover - whoosh without multiprocessing support
    MpWriter = None


if MpWriter is not None:
    class _CheckedMpWriter(MpWriter):
        """whoosh's multi-process writer, failing instead of hanging when a writer process dies (whoosh
        blocks forever on the full job queue)."""

        def _enqueue(self):
            import queue as queue_module

            from whoosh.util import random_name

            filename = "%s.doclist" % random_name()
            with self.temp_storage().create_file(filename).raw_file() as f:
                for item in self.docbuffer:
                    pickle.dump(item, f, 2)
            if len(self.tasks) < self.procs:
                self._new_task()
            job = (filename, len(self.docbuffer))
            self.docbuffer = []
            while True:
                try:
                    self.jobqueue.put(job, timeout=2)
                    return
                except queue_module.Full:
                    dead = [t.name for t in self.tasks if not t.is_alive()]
                    if dead:
                        raise RuntimeError(f"keyword index writer process(es) {', '.join(dead)} died") from None
