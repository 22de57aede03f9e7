"""Settings, declared once with their help text (the CLI, app.config and the docs read this table).

Each setting has a default, an environment variable that overrides it, and help text.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    env: str
    help: str


DEFAULT_MODEL = "BAAI/bge-small-zh-v1.5"

SETTINGS = [
    Setting("CORPUS_DIR", "corpus", "BUDGET_CORPUS", "Folder of disclosures (.txt, .pdf) to index."),
    Setting("INDEX_DIR", "index", "BUDGET_INDEX", "Folder holding the built index (generations + 'current' link)."),
    Setting("EMBEDDING_MODEL", DEFAULT_MODEL, "BUDGET_MODEL",
            "sentence-transformers model name or local path; 'none' disables the semantic channel."),
    Setting("SEARCH_BACKEND", "embedded", "SEARCH_BACKEND",
            "Where passages are indexed: 'embedded' (whoosh + numpy in index/) or 'milvus' (see MILVUS_URI)."),
    Setting("MILVUS_URI", "", "MILVUS_URI",
            "Milvus to use with SEARCH_BACKEND=milvus: a milvus-lite file (default INDEX_DIR/milvus.db) or "
            "http://host:19530 for a Milvus server or cluster."),
    Setting("MILVUS_TOKEN", "", "MILVUS_TOKEN", "Milvus credentials (user:password or an API token), if the server needs them."),
    Setting("MILVUS_DB", "", "MILVUS_DB", "Milvus database name (server only; default database when empty)."),
    Setting("MILVUS_COLLECTION_PREFIX", "", "MILVUS_COLLECTION_PREFIX",
            "Prefix for collection names, so several index folders can share one Milvus server."),
    Setting("MILVUS_DENSE_INDEX", "FLAT", "MILVUS_DENSE_INDEX",
            "Vector index type on Milvus: FLAT (exact, small corpora) or HNSW / IVF_SQ8 for large ones."),
    Setting("MAX_QUERY_CHARS", 500, "BUDGET_MAX_QUERY_CHARS", "Longer queries are rejected with 400."),
    Setting("MAX_K", 100, "BUDGET_MAX_K", "Largest number of results one search may ask for."),
    Setting("RRF_K", 60, "BUDGET_RRF_K", "Reciprocal-rank-fusion constant (larger = flatter fusion)."),
    Setting("SEMANTIC_WEIGHT", 0.3, "BUDGET_SEMANTIC_WEIGHT",
            "Weight of the semantic ranking in the fusion (keyword = 1); figures and names need exact words."),
]

# Query instructions recommended by model authors for short-query -> passage retrieval.
QUERY_INSTRUCTIONS = {
    "bge-small-zh": "为这个句子生成表示以用于检索相关文章：",
    "bge-base-zh": "为这个句子生成表示以用于检索相关文章：",
    "bge-large-zh": "为这个句子生成表示以用于检索相关文章：",
}


def query_instruction(model_name: str) -> str:
    lowered = (model_name or "").lower()
    for key, instruction in QUERY_INSTRUCTIONS.items():
        if key in lowered:
            return instruction
    return ""


def _coerce(default, raw: str):
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, int):
        return int(raw)
    return raw


def defaults_from_env(environ=None) -> dict:
    """Default settings, with any environment overrides applied."""
    environ = os.environ if environ is None else environ
    values = {}
    for s in SETTINGS:
        raw = environ.get(s.env)
        values[s.name] = s.default if raw in (None, "") else _coerce(s.default, raw)
    return values


def describe() -> str:
    return "\n".join(f"{s.name} (env {s.env}, default {s.default!r}): {s.help}" for s in SETTINGS)


def backend_options(config) -> dict:
    """Constructor options for the configured backend (only Milvus takes any)."""
    if str(config.get("SEARCH_BACKEND", "embedded")).lower() != "milvus":
        return {}
    uri = config.get("MILVUS_URI") or str(Path(config.get("INDEX_DIR", "index")) / "milvus.db")
    return {"uri": uri, "token": config.get("MILVUS_TOKEN", ""), "db_name": config.get("MILVUS_DB", ""),
            "prefix": config.get("MILVUS_COLLECTION_PREFIX", ""),
            "dense_index": config.get("MILVUS_DENSE_INDEX", "FLAT") or "FLAT"}
