"""The default backend, all inside the generation folder: BM25F term counts ranked by the numpy core
(bm25.py), the positional whoosh index (keyword/) for exact phrases, and the numpy vectors."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .. import keyword
from ..bm25 import COUNTS_FILE, META_FILE, BM25FScorer, TermCounts
from ..limits import QueryTooExpensive, budget
from ..semantic import VectorStore
from ..tokens import QUERY_STOPWORDS, shared_tokenizer


def passage_fields(doc) -> list[tuple[str, dict[str, str]]]:
    return [(f"{doc.doc_id}-{p.ordinal:04d}", {"text": p.text, "section": p.section, "title": doc.meta.title})
            for p in doc.passages]


def token_list(text: str) -> list[str]:
    return [w for _, w in shared_tokenizer().positioned(text)]


class EmbeddedReader:
    def __init__(self, generation: Path, with_vectors: bool):
        self.keyword = keyword.KeywordSearcher(generation / "keyword")
        counts = TermCounts.load(generation, shared_tokenizer().version)
        if counts is None:
            raise FileNotFoundError(f"{generation} has no BM25 term counts; rebuild with python -m search index --rebuild")
        self.scorer = BM25FScorer(counts)
        self.doc_of_row = np.array([pid.rsplit("-", 1)[0] for pid in self.scorer.ids], dtype=object)
        self.vectors = VectorStore.load(generation) if with_vectors else None

    @property
    def has_vectors(self) -> bool:
        return self.vectors is not None

    def keyword_search(self, text: str, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        tokenizer = shared_tokenizer()
        terms = [w for _, w in tokenizer.positioned(text) if w not in QUERY_STOPWORDS]
        scores = self.scorer.scores(terms)
        mask = None
        if doc_ids is not None:
            mask = np.isin(self.doc_of_row, list(doc_ids))
        return [(self.scorer.ids[row], score) for row, score in self.scorer.top(scores, limit, mask)]

    def phrase_search(self, phrase: str, limit: int = 1000, timeout: float | None = None) -> list[str]:
        """Passages holding the exact phrase (positional whoosh index). timeout: the request's remaining
        time budget, spent at most on waiting for the shared searcher (QueryTooExpensive past it)."""
        try:
            return [pid for pid, _ in self.keyword.phrase(phrase, limit, timeout=timeout)]
        except TimeoutError:
            raise QueryTooExpensive(budget()) from None

    def vector_search(self, vector, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        if self.vectors is None:
            return []
        rows = None
        if doc_ids is not None:
            rows = self.vectors.rows_for(pid for pid in self.vectors.ids if pid.rsplit("-", 1)[0] in doc_ids)
        return self.vectors.search(vector, limit, rows)

    def close(self) -> None:
        """Release the whoosh files and the arrays (called when the generation is retired)."""
        self.keyword.close()
        self.scorer = None
        self.doc_of_row = None
        self.vectors = None


class EmbeddedBackend:
    name = "embedded"

    def apply(self, generation: Path, previous: Path | None, added: Sequence, removed_doc_ids: Sequence[str],
              full_rebuild: bool) -> None:
        version = shared_tokenizer().version
        counts = None if full_rebuild else TermCounts.load(generation, version)
        if counts is None and not full_rebuild and previous is not None:
            raise FileNotFoundError("previous generation has no BM25 counts; rebuild with --rebuild")
        counts = counts or TermCounts.empty()
        counts.remove_documents(removed_doc_ids)
        counts.add([item for doc in added for item in passage_fields(doc)], token_list)
        counts.save(generation, version)
        folder = generation / "keyword"
        ix = keyword.create(folder) if full_rebuild or not folder.exists() else keyword.open_index(folder)
        writer = ix.writer(limitmb=256)
        try:
            for doc_id in removed_doc_ids:
                writer.delete_by_term("doc_id", doc_id)
            for doc in added:
                keyword.add_passages(writer, doc)
            writer.commit(optimize=full_rebuild)
        except BaseException:
            writer.cancel()
            raise

    def open(self, generation: Path, with_vectors: bool) -> EmbeddedReader:
        return EmbeddedReader(generation, with_vectors)

    def check(self, generation: Path, passages: int) -> str | None:
        """Why the generation's keyword files cannot serve `passages` passages, or None (no arrays loaded)."""
        generation = Path(generation)
        if not keyword.exists(generation / "keyword"):
            return "the keyword index folder (keyword/) is missing or empty"
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
