"""The default backend, all inside the generation folder: BM25F term counts ranked by the numpy core
(bm25.py), the positional whoosh index (keyword/) for exact phrases, and the numpy vectors."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .. import keyword
from ..bm25 import BM25FScorer, TermCounts
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

    def phrase_search(self, phrase: str, limit: int = 1000) -> list[str]:
        """Passages holding the exact phrase (positional whoosh index)."""
        return [pid for pid, _ in self.keyword.phrase(phrase, limit)]

    def vector_search(self, vector, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        if self.vectors is None:
            return []
        rows = None
        if doc_ids is not None:
            rows = self.vectors.rows_for(pid for pid in self.vectors.ids if pid.rsplit("-", 1)[0] in doc_ids)
        return self.vectors.search(vector, limit, rows)

    def close(self) -> None:
        self.keyword.close()


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

    def drop(self, generation: Path) -> None:
        return None   # everything lives in the generation folder, which the indexer deletes
