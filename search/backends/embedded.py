"""The default backend: a whoosh index (keyword/) and the numpy vectors inside the generation folder."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .. import keyword
from ..semantic import VectorStore


class EmbeddedReader:
    def __init__(self, generation: Path, with_vectors: bool):
        self.keyword = keyword.KeywordSearcher(generation / "keyword")
        self.vectors = VectorStore.load(generation) if with_vectors else None

    @property
    def has_vectors(self) -> bool:
        return self.vectors is not None

    def keyword_search(self, text: str, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        return self.keyword.search(text, limit=limit, doc_ids=doc_ids)

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
