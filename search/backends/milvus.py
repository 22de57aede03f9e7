"""The Milvus backend: one Milvus collection per index generation, BM25 full-text + dense vector search.

    SEARCH_BACKEND=milvus BUDGET_MILVUS_URI=index/milvus.db     -> milvus-lite (in-process, a folder on disk)
    SEARCH_BACKEND=milvus BUDGET_MILVUS_URI=http://host:19530   -> a Milvus server or cluster (same code)
(the older name MILVUS_URI is accepted too; see claim_milvus_uri)

What lives where
----------------
The generation folder still holds everything the rest of the service reads — documents, passages and
figures in store.sqlite, vectors.npy — so answers, citations, the document pages and the figures table
are identical on both backends. Only the two candidate searches (keyword and vector) go to Milvus.

Collection per generation
-------------------------
`apply()` runs inside the temporary build folder, before it is renamed; it creates the collection named
after the final generation (generation.txt, e.g. ``gen_20261122_131500_000``) and inserts *every* passage
of the generation with its document's metadata (+ its vector from vectors.npy / vector_ids.json when
present). The rows are the committed store the build started from (the previous generation's
store.sqlite) minus the removed documents plus the added ones — the indexer calls apply() before it
commits the new store, see `_passages`. It does not matter that the folder was copied from the previous
generation, and the previous collection keeps serving
until the indexer swaps ``current``: the same crash-safety as the embedded backend. An incremental
build therefore re-inserts the whole corpus into a new collection (no re-reading of files and no
re-embedding — vectors come from vectors.npy — but BM25 analysis of every passage again). `drop()`
removes a deleted generation's collection; collections left behind by a killed build are removed by the
next build when the URI is a local milvus-lite file (on a shared server we never drop what we did not
create in this index folder — see docs/scaling.md).

Fields: id (passage id, primary key), doc_id, unit, year, kind, title, section, text (analyzed, jieba),
sparse (BM25 Function output from text) and, when the generation has vectors, vector (FLOAT_VECTOR,
dimension from vectors.npy, COSINE).

How it differs from the embedded (whoosh + numpy) backend
---------------------------------------------------------
* BM25 on one field. The embedded backend scores BM25F over text, section path and title
  (boosts 1.0 / 0.6 / 0.3; its numpy core in search/bm25.py). Here BM25 runs on ``text`` only; section and title are stored but not
  scored. (Milvus can hold several BM25 functions and fuse them with hybrid_search, but its rankers
  combine *normalised ranks/scores*, not BM25F's summed field scores.) The engine's own boosts —
  named unit, year/kind hints, figure statements — still apply on top, as before.
* Phrase boost: applied by the engine to any backend's keyword hits (search.hybrid.sequence_bonus), so
  it is the same rule on both.
* Tokenization. Milvus runs its own jieba analyzer (``cut_for_search`` mode: dictionary sub-words are
  emitted too, like the embedded tokenizer's sub-words, and with jieba's HMM for unknown words, which
  the embedded tokenizer switches off). We load the project's budget dictionary
  (search/data/budget_dict.txt, NFKC-normalised, quotes dropped) into the analyzer's ``dict`` and the
  query stopwords into a ``stop`` filter. Text is normalised *before* it reaches Milvus exactly as the
  embedded tokenizer does it: NFKC, quotes removed, lower-cased (search.tokens.normalize_text), and
  numbers rewritten to one canonical token ("15,579.95" -> "15579.95", "0.00" -> "0") — so “三公”经费
  matches 三公经费 and 0.00万元 matches 0万元 on both backends. The positions/sub-word details still
  differ, so scores (not just their scale) differ.
* BM25 statistics. Milvus computes IDF/avgdl per segment (milvus-lite: per flushed segment; a server:
  per sealed segment), whoosh over the whole index. `apply()` flushes once at the end, so a
  milvus-lite collection of up to MAX_SEGMENT_ROWS passages is one segment and the statistics are global.
* BM25 parameters are set to whoosh's (k1 1.2, b 0.75) via the index params (bm25_k1, bm25_b).
* Scores: milvus-lite reports BM25 as a negative distance, a server as a positive score; the reader
  returns abs(score) so "higher is better" holds on both (the engine merges lists by score).
* Vectors: FLAT (exact) index by default, the same results as the embedded numpy dot product; pass
  ``dense_index="HNSW"`` (or IVF_FLAT, ...) for millions of passages.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..metadata import search_title
from ..tokens import DICTIONARY_PATH, QUERY_STOPWORDS, canonical_text, normalize_text

log = logging.getLogger(__name__)



def claim_milvus_uri(environ=None) -> None:
    """pymilvus reads MILVUS_URI when it is imported and refuses a milvus-lite .db path, so our setting is
    BUDGET_MILVUS_URI (search/config.py); the older name, which requirements-milvus.txt used to document, is
    moved there before pymilvus is imported (here, right before the import it protects)."""
    environ = os.environ if environ is None else environ
    legacy = environ.pop("MILVUS_URI", None)
    if legacy and not environ.get("BUDGET_MILVUS_URI"):
        environ["BUDGET_MILVUS_URI"] = legacy


claim_milvus_uri()

# without pymilvus this import fails and create_backend("milvus") explains how to install it
from pymilvus import DataType, Function, FunctionType, MilvusClient  # noqa: E402

_WORDLIKE = re.compile(r"[0-9a-z\u4e00-\u9fff]")
_NAME_SAFE = re.compile(r"[^A-Za-z0-9_]")

TEXT_MAX_BYTES = 65535        # Milvus's largest VARCHAR
SHORT_MAX_BYTES = 4096        # title, section, unit
ID_MAX_BYTES = 256
INSERT_BATCH = 500
MAX_TOPK = 16384              # Milvus's limit on limit
BM25_K1, BM25_B = 1.2, 0.75   # whoosh's BM25F defaults used by the embedded backend
VECTOR_FIELD = "vector"
SPARSE_FIELD = "sparse"


def search_text(text: str) -> str:
    """Text as the Milvus analyzer should see it: what search.tokens does before jieba, as plain text."""
    return canonical_text(text)


def dictionary_words(path: Path = DICTIONARY_PATH) -> list[str]:
    """The budget dictionary's words, normalised like the text they must match."""
    words: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts:
            word = normalize_text(parts[0])
            if word:
                words[word] = None
    return list(words)


def analyzer_params() -> dict:
    return {
        "tokenizer": {"type": "jieba", "mode": "search", "dict": dictionary_words()},
        "filter": [{"type": "stop", "stop_words": sorted(QUERY_STOPWORDS)}],
    }


def collection_name(generation: Path, prefix: str = "") -> str:
    """The collection of a generation: generation.txt (the final name, also inside the build folder),
    else the folder name; sanitised to Milvus's [A-Za-z0-9_], starting with a letter or underscore."""
    marker = Path(generation) / "generation.txt"
    name = marker.read_text(encoding="utf-8").strip() if marker.exists() else Path(generation).name
    name = _NAME_SAFE.sub("_", f"{prefix}{name}")
    if not re.match(r"[A-Za-z_]", name):
        name = "g_" + name
    return name[:255]


def _clip(value: str, limit: int) -> str:
    """Cut a string to at most `limit` UTF-8 bytes (Milvus VARCHAR lengths are bytes)."""
    value = value or ""
    raw = value.encode("utf-8")
    if len(raw) <= limit:
        return value
    return raw[:limit].decode("utf-8", errors="ignore")


def _is_local(uri: str) -> bool:
    return uri.endswith(".db") and "://" not in uri


class MilvusUnavailable(ValueError):
    """Milvus cannot be reached or the milvus-lite file is in use (a ValueError: the CLI reports it as a
    configuration error, without a traceback)."""


class _DropUnimplemented(logging.Filter):
    """milvus-lite's in-process gRPC server does not implement AllocTimestamp, which pymilvus calls and
    tolerates (ignore_unimplemented); grpc still logs each call as an ERROR with a traceback. Drop only those."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, NotImplementedError) and "Method not implemented" in str(exc))


def _quiet_grpc_unimplemented() -> None:
    logger = logging.getLogger("grpc._server")
    if not any(isinstance(f, _DropUnimplemented) for f in logger.filters):
        logger.addFilter(_DropUnimplemented())


class MilvusReader:
    """Search side for one generation's collection. Safe to share between waitress threads: calls go
    through the backend's one pymilvus client (gRPC channels are thread-safe). With milvus-lite, whose
    in-process engine documents concurrent reads as safe but concurrent writes as not (and is not hardened
    further), every call is serialised by a lock — a build in the same process never overlaps a search;
    the pure-Python engine would gain little from parallel calls under the GIL anyway."""

    def __init__(self, backend: MilvusBackend, name: str, dense: bool, with_vectors: bool):
        self._backend = backend
        self.collection = name
        self._dense = dense
        self._with_vectors = with_vectors

    @property
    def has_vectors(self) -> bool:
        return self._dense and self._with_vectors

    def _filter(self, doc_ids: set[str] | None) -> str:
        if doc_ids is None:
            return ""
        return f"doc_id in {json.dumps(sorted(doc_ids), ensure_ascii=False)}"

    def keyword_search(self, text: str, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """BM25 on the text field."""
        query = search_text(text)
        if (doc_ids is not None and not doc_ids) or not _WORDLIKE.search(query) or limit <= 0:
            return []
        hits = self._backend.search(self.collection, data=[query], anns_field=SPARSE_FIELD,
                                    limit=min(limit, MAX_TOPK), filter=self._filter(doc_ids),
                                    search_params={"metric_type": "BM25"}, output_fields=["id"])
        # milvus-lite reports -score as a distance, a Milvus server +score; both best first
        scored = [(hit["id"], abs(float(hit["distance"]))) for hit in hits]
        scored.sort(key=lambda h: -h[1])
        return scored[:limit]

    def vector_search(self, vector, limit: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        if not self.has_vectors or (doc_ids is not None and not doc_ids) or limit <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32).ravel().tolist()
        limit = min(limit, MAX_TOPK)
        hits = self._backend.search(self.collection, data=[vector], anns_field=VECTOR_FIELD, limit=limit,
                                    filter=self._filter(doc_ids), search_params=self._backend.dense_search_params(limit))
        return [(hit["id"], float(hit["distance"])) for hit in hits]

    def close(self) -> None:
        return None   # the client belongs to the backend; the collection to its generation (drop())


class MilvusBackend:
    """Milvus (milvus-lite file or server) behind the Backend protocol; see the module docstring.

    uri: ``path/to/milvus.db`` (milvus-lite, started in-process by pymilvus) or ``http://host:19530``.
    token / db_name: for a secured server or a non-default database.
    prefix: prepended to collection names, so several index folders can share one Milvus server.
    dense_index: the vector index type (FLAT = exact, like the embedded backend; HNSW for large corpora).
    """

    name = "milvus"

    def __init__(self, uri: str = "index/milvus.db", token: str = "", db_name: str = "", prefix: str = "",
                 dense_index: str = "FLAT"):
        self.uri = str(uri)
        self.token = token
        self.db_name = db_name
        self.prefix = prefix
        self.dense_index = dense_index.upper()
        self.local = _is_local(self.uri)
        self._client = None
        if self.local:
            _quiet_grpc_unimplemented()
        self._connect_lock = threading.Lock()
        # milvus-lite's engine is not hardened for concurrent use: serialise; a server handles its own
        self._call_lock: threading.Lock | None = threading.Lock() if self.local else None

    # -- client ------------------------------------------------------------------------------------
    @property
    def client(self) -> MilvusClient:
        if self._client is None:
            with self._connect_lock:
                if self._client is None:
                    if self.local:
                        Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
                    kwargs = {}
                    if self.token:
                        kwargs["token"] = self.token
                    if self.db_name:
                        kwargs["db_name"] = self.db_name
                    try:
                        self._client = MilvusClient(self.uri, **kwargs)
                    except Exception as exc:
                        raise MilvusUnavailable(self._unavailable(exc)) from exc
        return self._client

    def _unavailable(self, exc: Exception) -> str:
        if self.local:
            return (f"cannot open the milvus-lite file {self.uri} ({type(exc).__name__}: {exc}). milvus-lite lets one "
                    "process use a file at a time: stop the running service before indexing from another process, "
                    "or index and serve from a Milvus server (BUDGET_MILVUS_URI=http://host:19530; see docs/scaling.md)")
        return f"cannot connect to Milvus at {self.uri} ({type(exc).__name__}: {exc})"

    def _call(self, method: str, *args, **kwargs):
        fn = getattr(self.client, method)
        if self._call_lock is None:
            return fn(*args, **kwargs)
        with self._call_lock:
            return fn(*args, **kwargs)

    def search(self, collection: str, output_fields=("id",), **kwargs) -> list[dict]:
        result = self._call("search", collection, output_fields=list(output_fields), **kwargs)
        return list(result[0]) if result else []

    def dense_search_params(self, limit: int) -> dict:
        params: dict = {"metric_type": "COSINE"}
        if self.dense_index == "HNSW":
            params["params"] = {"ef": max(64, limit)}   # ef must be at least the number of results
        elif self.dense_index.startswith("IVF"):
            params["params"] = {"nprobe": 32}
        return params

    # -- Backend protocol ----------------------------------------------------------------------------
    def apply(self, generation: Path, previous: Path | None, added: Sequence, removed_doc_ids: Sequence[str],
              full_rebuild: bool) -> None:
        """Create the generation's collection and insert every passage of the generation's store."""
        generation = Path(generation)
        name = collection_name(generation, self.prefix)
        ids, matrix = _load_vectors(generation)
        if self.local:
            self._drop_orphans(generation.parent, keep=name)
        if self._call("has_collection", name):
            self._call("drop_collection", name)   # left by a killed build that used the same name
        self._create_collection(name, None if matrix is None else int(matrix.shape[1]))
        row_of = {pid: i for i, pid in enumerate(ids)} if matrix is not None else {}
        batch: list[dict] = []
        inserted = 0
        missing_vectors = 0
        source = None
        if not full_rebuild:
            # the rows this build kept: the previous generation's committed store (see _passages)
            source = Path(previous) / "store.sqlite" if previous and (Path(previous) / "store.sqlite").exists() \
                else generation / "store.sqlite"
        for row in _passages(source, added, removed_doc_ids):
            if matrix is not None:
                i = row_of.get(row["id"])
                if i is None:
                    missing_vectors += 1
                    row[VECTOR_FIELD] = np.zeros(matrix.shape[1], dtype=np.float32).tolist()
                else:
                    row[VECTOR_FIELD] = np.asarray(matrix[i], dtype=np.float32).tolist()
            batch.append(row)
            if len(batch) >= INSERT_BATCH:
                self._call("insert", name, batch)
                inserted += len(batch)
                batch = []
        if batch:
            self._call("insert", name, batch)
            inserted += len(batch)
        if missing_vectors:
            log.warning("%d passage(s) of %s have no vector; they get a zero vector", missing_vectors, name)
        # persist and seal: searches then use one cached segment index (and global BM25 statistics)
        self._call("flush", name)
        log.info("milvus collection %s: %d passages%s", name, inserted,
                 f", {matrix.shape[1]}-dim vectors" if matrix is not None else "")

    def open(self, generation: Path, with_vectors: bool) -> MilvusReader:
        name = collection_name(generation, self.prefix)
        if not self._call("has_collection", name):
            from ..exceptions import IncompatibleIndex

            raise IncompatibleIndex(
                f"Milvus at {self.uri} has no collection {name!r} for index generation {Path(generation).name} "
                f"(was the index built with another backend or another BUDGET_MILVUS_URI?). Rebuild it with: "
                f"SEARCH_BACKEND=milvus python -m search index --index {Path(generation).parent} --rebuild")
        fields = {f["name"] for f in self._call("describe_collection", name)["fields"]}
        self._call("load_collection", name)
        return MilvusReader(self, name, VECTOR_FIELD in fields, with_vectors)

    def drop(self, generation: Path) -> None:
        name = collection_name(generation, self.prefix)
        if self._call("has_collection", name):
            self._call("drop_collection", name)

    # -- helpers -------------------------------------------------------------------------------------
    def _create_collection(self, name: str, dimension: int | None) -> None:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_MAX_BYTES)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=ID_MAX_BYTES)
        schema.add_field("unit", DataType.VARCHAR, max_length=SHORT_MAX_BYTES)
        schema.add_field("year", DataType.INT64)
        schema.add_field("kind", DataType.VARCHAR, max_length=64)
        schema.add_field("title", DataType.VARCHAR, max_length=SHORT_MAX_BYTES)
        schema.add_field("section", DataType.VARCHAR, max_length=SHORT_MAX_BYTES)
        schema.add_field("text", DataType.VARCHAR, max_length=TEXT_MAX_BYTES, enable_analyzer=True,
                         analyzer_params=analyzer_params())
        schema.add_field(SPARSE_FIELD, DataType.SPARSE_FLOAT_VECTOR)
        if dimension:
            schema.add_field(VECTOR_FIELD, DataType.FLOAT_VECTOR, dim=dimension)
        schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                     input_field_names=["text"], output_field_names=[SPARSE_FIELD]))
        index_params = MilvusClient.prepare_index_params()
        bm25 = {"bm25_k1": BM25_K1, "bm25_b": BM25_B}
        # pymilvus sends params as flat key/values (what a server reads); milvus-lite reads only a JSON
        # "params" entry, which a server also accepts (its legacy form) — send both
        index_params.add_index(field_name=SPARSE_FIELD, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                               params=dict(bm25, params={k: str(v) for k, v in bm25.items()}))
        index_params.add_index(field_name="doc_id", index_type="INVERTED")
        if dimension:
            params = {}
            if self.dense_index == "HNSW":
                params = {"M": 16, "efConstruction": 200}
            elif self.dense_index.startswith("IVF"):
                params = {"nlist": 1024}
            index_params.add_index(field_name=VECTOR_FIELD, index_type=self.dense_index, metric_type="COSINE",
                                   params=params)
        self._call("create_collection", name, schema=schema, consistency_level="Strong")
        # a server builds indexes asynchronously: wait there; milvus-lite builds them on flush and does not
        # implement the wait's timestamp call (pymilvus then polls for 0.5 s per index for nothing)
        self._call("create_index", name, index_params, sync=not self.local)
        self._call("load_collection", name)

    def _drop_orphans(self, index_dir: Path, keep: str) -> None:
        """Drop collections of generations that no longer exist in this index folder (a killed build's).
        Only for a local milvus-lite file, which belongs to this index folder alone."""
        live = {keep}
        for path in index_dir.glob("gen-*"):
            live.add(collection_name(path, self.prefix))
        for path in index_dir.glob(".building-*"):
            if (path / "generation.txt").exists():
                live.add(collection_name(path, self.prefix))
        pattern = re.compile(re.escape(_NAME_SAFE.sub("_", self.prefix)) + r"gen_\d{8}_\d{6}_\d{3}$")
        for name in self._call("list_collections"):
            if pattern.match(name) and name not in live:
                log.info("dropping milvus collection %s (its generation no longer exists)", name)
                self._call("drop_collection", name)


def _load_vectors(generation: Path) -> tuple[list[str], np.ndarray | None]:
    if not (generation / "vectors.npy").exists() or not (generation / "vector_ids.json").exists():
        return [], None
    ids = json.loads((generation / "vector_ids.json").read_text(encoding="utf-8"))
    matrix = np.load(generation / "vectors.npy", mmap_mode="r")
    if matrix.ndim != 2 or matrix.shape[0] != len(ids) or matrix.shape[1] == 0:
        return [], None
    return ids, matrix


def _row(pid: str, doc_id: str, section: str, text: str, unit, year, kind, title) -> dict:
    text = search_text(text)
    if len(text.encode("utf-8")) > TEXT_MAX_BYTES:
        log.warning("passage %s is longer than Milvus's VARCHAR limit; its tail is not keyword-indexed", pid)
    return {"id": pid, "doc_id": doc_id, "unit": _clip(unit or "", SHORT_MAX_BYTES), "year": int(year or 0),
            "kind": _clip(kind or "", 64), "title": _clip(title or "", SHORT_MAX_BYTES),
            "section": _clip(section or "", SHORT_MAX_BYTES), "text": _clip(text, TEXT_MAX_BYTES)}


def _passages(db_path: Path | None, added: Sequence, removed_doc_ids: Sequence[str]):
    """Every passage of the generation with its document's metadata, as Milvus rows (text normalised).

    The indexer calls apply() before it commits the generation's store: its own connection still holds this
    build's deletions and insertions, and may even hold an exclusive lock on the file. So the kept rows are read
    from the previous generation's committed store (which the new one was copied from), minus the removed
    documents, plus the added documents (from `added`, i.e. what was just inserted). Reading the generation's
    own store instead (when the previous one is gone) gives the same rows: the added documents' rows are
    de-duplicated by their doc_id. A full rebuild starts from an empty store: `added` is everything."""
    from ..vocab import passage_id

    fresh = {doc.doc_id for doc in added}
    skip = set(removed_doc_ids) | fresh
    if db_path is not None and db_path.exists():
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            for r in conn.execute("SELECT p.id, p.doc_id, p.section, p.text, d.unit, d.year, d.kind, d.title, d.file "
                                  "FROM passages p JOIN documents d ON d.doc_id = p.doc_id "
                                  "ORDER BY p.doc_id, p.ordinal"):
                if r["doc_id"] not in skip:
                    yield _row(r["id"], r["doc_id"], r["section"], r["text"], r["unit"], r["year"], r["kind"],
                               search_title(r["title"], r["unit"], r["file"]))
        finally:
            conn.close()
    for doc in added:
        m = doc.meta
        for p in doc.passages:
            yield _row(passage_id(doc.doc_id, p.ordinal), doc.doc_id, p.section, p.text, m.unit, m.year, m.kind,
                       search_title(m.title, m.unit, doc.file))
