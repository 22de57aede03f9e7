"""Search backends: where passages are indexed for keyword (BM25) and vector search.

Two implementations behind one interface, chosen by configuration (SEARCH_BACKEND):
  embedded — numpy BM25F + vectors inside each index generation folder (default; one newsroom's corpus);
  milvus   — a Milvus collection per generation (milvus-lite file in tests, a Milvus server/cluster in
             production: only BUDGET_MILVUS_URI changes).
Everything else — documents, passages, figures (SQLite), vectors.npy — stays in the generation folder,
so answers, citations and the figures table work the same on either backend.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence

BACKENDS = ("embedded", "milvus")


class BackendReader(Protocol):
    """Search side of a backend, opened for one index generation."""

    def keyword_search(self, text: str, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """(passage id, score), best first; doc_ids restricts to those documents."""

    def vector_search(self, vector, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """(passage id, cosine), best first; [] when the generation has no vectors."""

    @property
    def has_vectors(self) -> bool: ...

    def close(self) -> None: ...


class Backend(Protocol):
    name: str

    def apply(self, generation: Path, previous: Path | None, added: Sequence, removed_doc_ids: Sequence[str],
              full_rebuild: bool) -> None:
        """Bring the generation's search index in line with its store: drop removed documents' passages,
        add the added documents' passages (with their vectors from generation/vectors.npy if present)."""

    def open(self, generation: Path, with_vectors: bool) -> BackendReader: ...

    def drop(self, generation: Path) -> None:
        """Release what a deleted generation held outside its folder (e.g. a Milvus collection)."""


def create_backend(name: str = "embedded", **options) -> Backend:
    name = (name or "embedded").lower()
    if name == "embedded":
        from .embedded import EmbeddedBackend

        return EmbeddedBackend()
    if name == "milvus":
        try:
            from .milvus import MilvusBackend
        except ImportError as exc:
            raise ValueError(f"SEARCH_BACKEND=milvus needs pymilvus and milvus-lite ({exc}); "
                             "install them with: pip install -r requirements-milvus.txt") from None
        return MilvusBackend(**options)
    raise ValueError(f"unknown search backend {name!r}; choose one of: {', '.join(BACKENDS)}")
