"""A small numpy BM25F core for ranking (bm25s style): term counts stored per generation, weights
computed eagerly at load, a query is a sum of sparse columns.

Why beside whoosh: whoosh evaluates an OR of ~20 terms over three fields in pure Python, 150–350 ms per
query on the 9,000-passage 2026 corpus; this core gives the same BM25F ranking (a test compares the
scores with whoosh's; tests/whoosh_reference.py) in a few milliseconds. Exact phrases are found in the
passage text (search/textstore.py), not in a positional index. The tokenizer is passed in as a callable; the parameters are saved beside the counts and
checked on load.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from .vocab import passage_doc_id

FIELDS = ("text", "section", "title")
FIELD_BOOSTS = {"text": 1.0, "section": 0.6, "title": 0.3}
K1 = 1.2
B = 0.75
COUNTS_FILE = "bm25_counts.npz"
META_FILE = "bm25_meta.json"


class TermCounts:
    """Raw term frequencies per passage and field; rows follow `ids`. Incremental: drop rows, append rows."""

    def __init__(self, ids: list[str], vocab: list[str], rows: dict, cols: dict, tfs: dict, lengths: dict):
        self.ids, self.vocab = ids, vocab
        self.term_index = {t: i for i, t in enumerate(vocab)}
        self._rows, self._cols, self._tfs, self._lengths = rows, cols, tfs, lengths
        # add() appends a batch here; the arrays are joined once when read (a build adds thousands of
        # batches: joining on every batch would copy the whole corpus's counts each time)
        self._pending: list[dict] = []

    def _consolidate(self) -> None:
        if not self._pending:
            return
        for name, store, dtype in (("rows", self._rows, np.int32), ("cols", self._cols, np.int32),
                                   ("tfs", self._tfs, np.float32), ("lengths", self._lengths, np.float32)):
            for f in FIELDS:
                store[f] = np.concatenate([store[f]] + [np.asarray(b[f][name], dtype=dtype) for b in self._pending])
        self._pending = []

    @property
    def rows(self) -> dict:
        self._consolidate()
        return self._rows

    @property
    def cols(self) -> dict:
        self._consolidate()
        return self._cols

    @property
    def tfs(self) -> dict:
        self._consolidate()
        return self._tfs

    @property
    def lengths(self) -> dict:
        self._consolidate()
        return self._lengths

    @classmethod
    def empty(cls) -> "TermCounts":
        zeros_i = {f: np.zeros(0, dtype=np.int32) for f in FIELDS}
        return cls([], [], dict(zeros_i), dict(zeros_i), {f: np.zeros(0, dtype=np.float32) for f in FIELDS},
                   {f: np.zeros(0, dtype=np.float32) for f in FIELDS})

    @classmethod
    def load(cls, folder: Path, tokenizer_version: str) -> "TermCounts | None":
        if not (folder / COUNTS_FILE).exists():
            return None
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("tokenizer") != tokenizer_version or tuple(meta.get("fields", ())) != FIELDS:
            return None   # counted with another dictionary: must be recounted, not mixed
        # np.load of an .npz keeps the zip file open until closed: close it (a retired generation's files
        # are deleted by the next build, and must not stay open in the server)
        with np.load(folder / COUNTS_FILE) as data:
            return cls(meta["ids"], meta["vocab"], {f: data[f"{f}_rows"] for f in FIELDS},
                       {f: data[f"{f}_cols"] for f in FIELDS}, {f: data[f"{f}_tfs"] for f in FIELDS},
                       {f: data[f"{f}_len"] for f in FIELDS})

    @staticmethod
    def count(folder: Path) -> int | None:
        """How many passages the saved counts cover (None when missing or unreadable); loads no arrays."""
        try:
            if not (folder / COUNTS_FILE).is_file() or (folder / COUNTS_FILE).stat().st_size == 0:
                return None
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            return len(meta["ids"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, folder: Path, tokenizer_version: str) -> None:
        arrays = {}
        for f in FIELDS:
            arrays.update({f"{f}_rows": self.rows[f], f"{f}_cols": self.cols[f], f"{f}_tfs": self.tfs[f],
                           f"{f}_len": self.lengths[f]})
        np.savez(folder / COUNTS_FILE, **arrays)
        meta = {"tokenizer": tokenizer_version, "fields": FIELDS, "k1": K1, "b": B, "boosts": FIELD_BOOSTS,
                "ids": self.ids, "vocab": self.vocab}
        (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def remove_documents(self, doc_ids) -> None:
        doc_ids = set(doc_ids)
        if not doc_ids or not self.ids:
            return
        keep = np.array([passage_doc_id(pid) not in doc_ids for pid in self.ids], dtype=bool)
        new_row = np.cumsum(keep) - 1
        rows, cols, tfs, lengths = self.rows, self.cols, self.tfs, self.lengths
        for f in FIELDS:
            mask = keep[rows[f]]
            rows[f] = new_row[rows[f][mask]].astype(np.int32)
            cols[f] = cols[f][mask]
            tfs[f] = tfs[f][mask]
            lengths[f] = lengths[f][keep]
        self.ids = [pid for pid, k in zip(self.ids, keep) if k]

    def add(self, passages: list[tuple[str, dict[str, str]]], tokenize) -> None:
        """passages: (passage id, {field: text}); tokenize(text) -> tokens (with sub-words). Called once per
        batch of documents while a build streams them in."""
        new = {f: {"rows": [], "cols": [], "tfs": [], "lengths": []} for f in FIELDS}
        base = len(self.ids)
        term_index, vocab = self.term_index, self.vocab
        for offset, (pid, fields) in enumerate(passages):
            self.ids.append(pid)
            for f in FIELDS:
                batch = new[f]
                rows, cols, tfs = batch["rows"], batch["cols"], batch["tfs"]
                tokens = tokenize(fields.get(f, ""))
                counts: dict[str, int] = {}
                for token in tokens:
                    counts[token] = counts.get(token, 0) + 1
                for token, tf in counts.items():
                    index = term_index.get(token)
                    if index is None:
                        index = term_index[token] = len(vocab)
                        vocab.append(token)
                    rows.append(base + offset)
                    cols.append(index)
                    tfs.append(tf)
                batch["lengths"].append(len(tokens))
        # compact arrays at once: a list of Python ints costs 8-9 times the memory
        self._pending.append({f: {"rows": np.asarray(b["rows"], dtype=np.int32),
                                  "cols": np.asarray(b["cols"], dtype=np.int32),
                                  "tfs": np.asarray(b["tfs"], dtype=np.float32),
                                  "lengths": np.asarray(b["lengths"], dtype=np.float32)} for f, b in new.items()})


class BM25FScorer:
    """Passages × terms matrix of summed per-field BM25 weights (the BM25F that whoosh computes for an OR
    of per-field term queries: per-field saturation, field boosts, idf per field)."""

    def __init__(self, counts: TermCounts, boosts: dict[str, float] = FIELD_BOOSTS, k1: float = K1, b: float = B):
        self.ids = counts.ids
        self.term_index = counts.term_index
        n_docs, n_terms = len(counts.ids), len(counts.vocab)
        total = sparse.csc_matrix((n_docs, n_terms), dtype=np.float32)
        for f in FIELDS:
            rows, cols, tfs = counts.rows[f], counts.cols[f], counts.tfs[f]
            if not len(rows):
                continue
            lengths = counts.lengths[f]
            average = float(lengths.mean()) or 1.0
            df = np.bincount(cols, minlength=n_terms).astype(np.float64)
            idf = np.log(n_docs / (df + 1)) + 1   # whoosh's idf, so both engines rank alike
            norm = k1 * (1 - b + b * lengths[rows] / average)
            weights = boosts[f] * idf[cols] * tfs * (k1 + 1) / (tfs + norm)
            total = total + sparse.csc_matrix((weights.astype(np.float32), (rows, cols)), shape=(n_docs, n_terms))
        self.matrix = total.tocsc()

    def scores(self, terms: list[str]) -> np.ndarray:
        columns = [self.term_index[t] for t in dict.fromkeys(terms) if t in self.term_index]
        if not columns:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.matrix[:, columns].sum(axis=1)).ravel()

    def top(self, scores: np.ndarray, limit: int, row_mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        if row_mask is not None:
            scores = np.where(row_mask, scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        if not len(hits):
            return []
        if len(hits) > limit:
            hits = hits[np.argpartition(-scores[hits], limit - 1)[:limit]]
        order = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]

