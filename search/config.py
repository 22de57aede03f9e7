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
            "Where passages are indexed: 'embedded' (numpy BM25F + vectors in index/) or 'milvus' (see MILVUS_URI)."),
    Setting("MILVUS_URI", "", "BUDGET_MILVUS_URI",
            "Milvus to use with SEARCH_BACKEND=milvus: a milvus-lite file (default INDEX_DIR/milvus.db) or "
            "http://host:19530 for a Milvus server or cluster. The older name MILVUS_URI is still read (and "
            "then removed from the environment: pymilvus reads MILVUS_URI itself and rejects a .db path)."),
    Setting("MILVUS_TOKEN", "", "MILVUS_TOKEN", "Milvus credentials (user:password or an API token), if the server needs them."),
    Setting("MILVUS_DB", "", "MILVUS_DB", "Milvus database name (server only; default database when empty)."),
    Setting("MILVUS_COLLECTION_PREFIX", "", "MILVUS_COLLECTION_PREFIX",
            "Prefix for collection names, so several index folders can share one Milvus server."),
    Setting("MILVUS_DENSE_INDEX", "FLAT", "MILVUS_DENSE_INDEX",
            "Vector index type on Milvus: FLAT (exact, small corpora) or HNSW / IVF_SQ8 for large ones."),
    Setting("OCR", "on", "BUDGET_OCR",
            "'on': scanned PDF pages (no text layer) are read with rapidocr after the text-layer documents are "
            "served; 'off': they are listed as pending and never read."),
    Setting("OCR_SCALE", 2.0, "BUDGET_OCR_SCALE",
            "Render scale for OCR (1.0 = 72 dpi); higher reads small print better and costs time quadratically."),
    Setting("OCR_THREADS", 2, "BUDGET_OCR_THREADS", "CPU threads onnxruntime may use for OCR."),
    Setting("MAX_QUERY_CHARS", 500, "BUDGET_MAX_QUERY_CHARS", "Longer queries are rejected with 400."),
    Setting("MAX_K", 100, "BUDGET_MAX_K", "Largest number of results one search may ask for."),
    Setting("CURRENT_YEAR", 0, "BUDGET_CURRENT_YEAR",
            "The year a question's 今年 means (去年 = one before, 明年 = one after); 0 = the clock's year."),
    Setting("ANSWERER", None, "", "Python callable answering /api/ask (tests and embedders); default search.qa."),
    Setting("PAGE_IMAGE_MAX_PX", 1600, "BUDGET_PAGE_IMAGE_MAX_PX",
            "Longest side in pixels of a rendered PDF page (/files/<id>/pages/<n>.png); the server fixes the "
            "size, a request cannot choose it. Clamped to 200-4000."),
    Setting("MAX_PHRASES", 4, "BUDGET_MAX_PHRASES",
            "Most quoted \"exact phrases\" in one query (more: 400); a phrase repeated is matched once."),
    Setting("MAX_PHRASE_CHARS", 40, "BUDGET_MAX_PHRASE_CHARS",
            "Longest quoted phrase in characters (longer: 400); long phrases of common tokens are costly."),
    Setting("MAX_PHRASE_MATCHES", 5000, "BUDGET_MAX_PHRASE_MATCHES",
            "Most passages one quoted phrase contributes as candidates (caps the work of later stages)."),
    Setting("QUERY_TIME_BUDGET", 5.0, "BUDGET_QUERY_TIME_BUDGET",
            "Seconds of work one request may cause; past it the query is answered with 400 "
            "(query_too_expensive). 0 = no limit."),
    Setting("SERVER_THREADS", 8, "BUDGET_SERVER_THREADS",
            "Worker threads of the WSGI server (waitress): requests computed at the same time."),
    Setting("SERVER_CONNECTION_LIMIT", 1000, "BUDGET_SERVER_CONNECTION_LIMIT",
            "Open connections waitress accepts (idle ones included) before it stops accepting; keep it above "
            "the clients you expect, and put a reverse proxy in front for the internet (README)."),
    Setting("SERVER_CHANNEL_TIMEOUT", 30, "BUDGET_SERVER_CHANNEL_TIMEOUT",
            "Seconds an idle or stalled connection is kept before waitress closes it."),
    Setting("SERVER_BACKLOG", 2048, "BUDGET_SERVER_BACKLOG",
            "Listen backlog: connections the kernel queues while all accepted ones are busy."),
    Setting("SERVER_MAX_BODY", 1 << 20, "BUDGET_SERVER_MAX_BODY",
            "Largest request body in bytes waitress reads (a query body is a few hundred bytes)."),
]

# Ranking weights: their defaults live on search.ranking.RankingConfig; each is a setting too, so a
# deployment can retune (env BUDGET_<NAME>, e.g. BUDGET_SEMANTIC_WEIGHT=0.6 with bge-small-zh).
RANKING_HELP = {
    "rrf_k": "Reciprocal-rank-fusion constant (larger = flatter fusion).",
    "semantic_weight": "Weight of the semantic ranking in the fusion (keyword = 1); figures and names need exact "
                       "words, so a weak model must not outvote them.",
    "candidates": "Keyword and semantic hits taken into the fusion per query.",
    "named_candidates": "Extra keyword hits taken from the documents a query names.",
    "bonus_candidates": "Only this many leading candidates get the fine-grained statement bonus.",
    "unit_boost": "Score added to passages of a unit the query names.",
    "year_boost": "Score added to passages of the year the query names.",
    "kind_boost": "Score added to passages of the kind (预算/决算) the query names.",
    "definition_boost": "Score added to the glossary entry defining the term of a 什么是 question.",
    "figures_boost": "Score added to passages stating the figure that answers the question.",
    "statement_boost": "Score added to a prose sentence stating a figure for the asked term.",
    "sequence_factor": "Keyword-score factor for passages holding the query words in sequence.",
    "sequence_window": "Only this many leading keyword hits can move by the sequence factor.",
}


def _ranking_settings() -> list[Setting]:
    from dataclasses import fields

    from .ranking import RankingConfig

    return [Setting(f.name.upper(), f.default, f"BUDGET_{f.name.upper()}", RANKING_HELP[f.name])
            for f in fields(RankingConfig)]


SETTINGS += _ranking_settings()

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


# settings whose environment variable was renamed: new name -> old name, still read
LEGACY_ENV = {"BUDGET_MILVUS_URI": "MILVUS_URI"}


def defaults_from_env(environ=None) -> dict:
    """Default settings, with any environment overrides applied."""
    environ = os.environ if environ is None else environ
    values = {}
    for s in SETTINGS:
        raw = environ.get(s.env) if s.env else None
        if raw in (None, "") and s.env in LEGACY_ENV:
            raw = environ.get(LEGACY_ENV[s.env])
        values[s.name] = s.default if raw in (None, "") else _coerce(s.default, raw)
    return values


def current_year(environ=None) -> int:
    """What 今年 means in a question: BUDGET_CURRENT_YEAR, else the calendar year."""
    import datetime

    configured = defaults_from_env(environ)["CURRENT_YEAR"]
    return int(configured) or datetime.date.today().year


def server_options(config) -> dict:
    """waitress settings, chosen deliberately (see the README section on a reverse proxy)."""
    return {"threads": int(config["SERVER_THREADS"]), "connection_limit": int(config["SERVER_CONNECTION_LIMIT"]),
            "channel_timeout": int(config["SERVER_CHANNEL_TIMEOUT"]), "backlog": int(config["SERVER_BACKLOG"]),
            "max_request_body_size": int(config["SERVER_MAX_BODY"]),
            # poll() instead of select(): select() cannot watch descriptors above 1024
            "asyncore_use_poll": True, "cleanup_interval": max(1, min(30, int(config["SERVER_CHANNEL_TIMEOUT"])))}


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
