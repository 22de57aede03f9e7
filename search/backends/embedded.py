"""The default backend, all inside the generation folder: BM25F term counts ranked by the numpy core
(bm25.py) and the numpy vectors. Exact phrases are found in the passages' text by the generation
(search/textstore.py), on every backend alike; there is no positional index to write."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from ..bm25 import COUNTS_FILE, META_FILE, BM25FScorer, TermCounts
from ..metadata import search_title
from ..semantic import VectorStore
from ..tokens import QUERY_STOPWORDS, shared_tokenizer
from ..vocab import passage_doc_id


def passage_fields(doc) -> list[tuple[str, dict[str, str]]]:
    title = search_title(doc.meta.title, doc.meta.unit, doc.file)
    return [(f"{doc.doc_id}-{p.ordinal:04d}", {"text": p.text, "section": p.section, "title": title})
            for p in doc.passages]


def token_list(text: str) -> list[str]:
    return [w for _, w in shared_tokenizer().positioned(text)]


class EmbeddedReader:
    def __init__(self, generation: Path, with_vectors: bool):
        counts = TermCounts.load(generation, shared_tokenizer().version)
        if counts is None:
            raise FileNotFoundError(f"{generation} has no BM25 term counts; rebuild with python -m search index --rebuild")
        self.scorer = BM25FScorer(counts)
        # restricting to documents is a boolean mask over rows, built from small integer arrays once per
        # generation (comparing passage-id strings per query grew with the corpus: ~100 ms at 96k passages)
        self.doc_number: dict[str, int] = {}
        self.doc_of_row = self._doc_numbers(self.scorer.ids)
        self.vectors = VectorStore.load(generation) if with_vectors else None
        self.doc_of_vector = self._doc_numbers(self.vectors.ids) if self.vectors is not None else None

    def _doc_numbers(self, passage_ids) -> np.ndarray:
        numbers = self.doc_number
        return np.fromiter((numbers.setdefault(passage_doc_id(pid), len(numbers)) for pid in passage_ids),
                           dtype=np.int32, count=len(passage_ids))

    def row_mask(self, doc_of_row: np.ndarray, doc_ids) -> np.ndarray:
        """Rows (passages) belonging to doc_ids: work in the number of named documents, then one gather."""
        wanted = np.zeros(len(self.doc_number) + 1, dtype=bool)
        wanted[[self.doc_number[d] for d in doc_ids if d in self.doc_number]] = True
        return wanted[doc_of_row]

    @property
    def has_vectors(self) -> bool:
        return self.vectors is not None

    def keyword_search(self, text: str, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        tokenizer = shared_tokenizer()
        terms = [w for _, w in tokenizer.positioned(text) if w not in QUERY_STOPWORDS]
        scores = self.scorer.scores(terms)
        mask = None if doc_ids is None else self.row_mask(self.doc_of_row, doc_ids)
        return [(self.scorer.ids[row], score) for row, score in self.scorer.top(scores, limit, mask)]

    def vector_search(self, vector, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        if self.vectors is None:
            return []
        rows = None if doc_ids is None else np.flatnonzero(self.row_mask(self.doc_of_vector, doc_ids))
        return self.vectors.search(vector, limit, rows)

    def close(self) -> None:
        """Release the arrays (called when the generation is retired)."""
        self.scorer = None
        self.doc_of_row = None
        self.vectors = None


class EmbeddedSession:
    """One generation's keyword side being written: the BM25 term counts (saved once, at finish)."""

    def __init__(self, generation: Path, previous: Path | None, removed_doc_ids: Sequence[str], full_rebuild: bool,
                 expected_documents: int = 0):
        self.generation = generation
        self.version = shared_tokenizer().version
        counts = None if full_rebuild else TermCounts.load(generation, self.version)
        if counts is None and not full_rebuild and previous is not None:
            raise FileNotFoundError("previous generation has no BM25 counts; rebuild with --rebuild")
        self.counts = counts or TermCounts.empty()
        self.counts.remove_documents(removed_doc_ids)
        self.passages = 0

    def add(self, documents: Sequence) -> None:
        self.counts.add([item for doc in documents for item in passage_fields(doc)], token_list)
        self.passages += sum(len(doc.passages) for doc in documents)

    def finish(self) -> None:
        self.counts.save(self.generation, self.version)
        self.counts = None

    def cancel(self) -> None:
        self.counts = None


class EmbeddedBackend:
    name = "embedded"

    def apply(self, generation: Path, previous: Path | None, added: Sequence, removed_doc_ids: Sequence[str],
              full_rebuild: bool) -> None:
        session = self.begin(generation, previous, removed_doc_ids, full_rebuild)
        try:
            session.add(added)
            session.finish()
        except BaseException:
            session.cancel()
            raise

    def begin(self, generation: Path, previous: Path | None, removed_doc_ids: Sequence[str],
              full_rebuild: bool, expected_documents: int = 0) -> "EmbeddedSession":
        """A streaming build: documents are added in batches as they are read, so the build never holds
        the whole corpus (the indexer feeds every backend that has begin(); others get apply())."""
        return EmbeddedSession(generation, previous, removed_doc_ids, full_rebuild, expected_documents)

    def open(self, generation: Path, with_vectors: bool) -> EmbeddedReader:
        return EmbeddedReader(generation, with_vectors)

    def check(self, generation: Path, passages: int) -> str | None:
        """Why the generation's keyword files cannot serve `passages` passages, or None (no arrays loaded)."""
        generation = Path(generation)
        counted = TermCounts.count(generation)
        if counted is None:
            return f"the BM25 term counts ({COUNTS_FILE}, {META_FILE}) are missing or unreadable"
        if counted != passages:
            return f"the BM25 term counts cover {counted} passages, store.sqlite holds {passages}"
        vectors = generation / "vectors.npy"
        if vectors.exists():
            problem = VectorStore.check(generation)
            if problem:
                return problem
        return None

    def drop(self, generation: Path) -> None:
        return None   # everything lives in the generation folder, which the indexer deletes
