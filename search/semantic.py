"""Semantic channel: sentence-transformers embeddings, normalised, stored as a numpy matrix.

Loading never hangs on an unreachable model hub: a name that is not a local folder is loaded from the
local cache when it is there, and from the hub only when the hub answers within seconds. When the model
cannot be loaded the service runs in keyword mode and says why and how to fix it.
"""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .config import query_instruction

log = logging.getLogger(__name__)
PASSAGE_CHARS = 512   # embedding models truncate anyway; section + opening text carries the meaning


@dataclass
class ModelStatus:
    requested: str
    loaded: bool
    message: str


class Embedder:
    def __init__(self, model, name: str):
        self.model = model
        self.name = name
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self.instruction = query_instruction(name)

    def encode_passages(self, texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        vectors = self.model.encode([t[:PASSAGE_CHARS] for t in texts], batch_size=batch_size,
                                    normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=show_progress)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_query(self, text: str) -> np.ndarray:
        vector = self.model.encode([self.instruction + text], normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vector[0], dtype=np.float32)


def _hub_reachable(timeout: float = 3.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE") in ("1", "true", "True"):
        return False
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    host = urlparse(endpoint).hostname or "huggingface.co"
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _is_cached(name: str) -> bool:
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(name, local_files_only=True)
        return True
    except Exception:
        return False


def load_embedder(name: str | None) -> tuple[Embedder | None, ModelStatus]:
    if not name or name.lower() == "none":
        return None, ModelStatus(name or "none", False, "semantic channel disabled by configuration (model 'none')")
    fix = (f"To enable hybrid search, run once with internet access so '{name}' is downloaded into the "
           "Hugging Face cache, or pass --model /path/to/a/local/sentence-transformers/model "
           "(env BUDGET_MODEL).")
    local = Path(name).expanduser()
    kwargs = {"device": "cpu"}
    if local.exists():
        target = str(local)
    elif _is_cached(name):
        target, kwargs["local_files_only"] = name, True
    elif _hub_reachable():
        target = name
    else:
        message = f"embedding model '{name}' is not cached and the model hub is unreachable. {fix}"
        log.warning("keyword mode only: %s", message)
        return None, ModelStatus(name, False, message)
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(target, **kwargs)
    except Exception as exc:
        message = f"embedding model '{name}' could not be loaded ({type(exc).__name__}: {exc}). {fix}"
        log.warning("keyword mode only: %s", message)
        return None, ModelStatus(name, False, message)
    return Embedder(model, name), ModelStatus(name, True, f"embedding model '{name}' loaded")


class VectorStore:
    """Row i of the matrix is the passage ids[i]; rows are unit length, so a dot product is cosine."""

    def __init__(self, ids: list[str], matrix: np.ndarray):
        self.ids = ids
        self.matrix = matrix
        self._row = {pid: i for i, pid in enumerate(ids)}

    @classmethod
    def load(cls, folder: Path) -> "VectorStore | None":
        if not (folder / "vectors.npy").exists():
            return None
        import json

        ids = json.loads((folder / "vector_ids.json").read_text(encoding="utf-8"))
        return cls(ids, np.load(folder / "vectors.npy", mmap_mode="r"))

    @staticmethod
    def check(folder: Path) -> str | None:
        """Why folder's vectors.npy / vector_ids.json cannot be used, or None (reads the header only)."""
        import json

        try:
            ids = json.loads((folder / "vector_ids.json").read_text(encoding="utf-8"))
            matrix = np.load(folder / "vectors.npy", mmap_mode="r")
        except (OSError, ValueError) as exc:
            return f"the vectors (vectors.npy, vector_ids.json) cannot be read ({type(exc).__name__}: {exc})"
        shape = matrix.shape
        del matrix
        if len(shape) != 2 or shape[0] != len(ids):
            return f"vectors.npy has shape {shape} for {len(ids)} vector ids"
        return None

    def save(self, folder: Path) -> None:
        import json

        np.save(folder / "vectors.npy", np.ascontiguousarray(self.matrix, dtype=np.float32))
        (folder / "vector_ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    def search(self, vector: np.ndarray, limit: int, allowed_rows: np.ndarray | None = None) -> list[tuple[str, float]]:
        if not self.ids:
            return []
        scores = np.asarray(self.matrix @ vector)
        if allowed_rows is not None:
            masked = np.full_like(scores, -np.inf)
            masked[allowed_rows] = scores[allowed_rows]
            scores = masked
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if np.isfinite(scores[i])]

    def rows_for(self, passage_ids) -> np.ndarray:
        return np.array([self._row[p] for p in passage_ids if p in self._row], dtype=np.int64)
