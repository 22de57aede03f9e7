"""The baseline bench/run.py compares against: plain BM25 (bm25s) + jieba over fixed 400-character windows.

    python bench/baseline_bm25s.py CORPUS QUERIES SAVE_DIR OUT_JSON [--limit N]

No sections, metadata, figures, sub-words or phrase boosts: the text search.reader.read_file extracts, cut
into windows, tokenized with jieba.lcut and indexed with bm25s. It runs in its own process so its peak RSS
is measured the same way as the indexer's and the server's. Query time is per query, one at a time,
in-process, jieba tokenization included: the same unit engine.search is timed in.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import time
from pathlib import Path

import common  # also puts the repository on sys.path

from search.ingest import corpus_files
from search.reader import UnreadableFile, read_file

WINDOW = 400
TOP_K = 10


def windows(text: str, size: int = WINDOW) -> list[str]:
    return [w for w in (text[i:i + size] for i in range(0, len(text), size)) if w.strip()]


def tokenize(jieba, text: str) -> list[str]:
    return [t for t in jieba.lcut(text) if t.strip()]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run(corpus: Path, queries: list[str], save_dir: Path) -> dict:
    import bm25s
    import jieba

    jieba.setLogLevel(logging.WARNING)
    started = time.perf_counter()
    texts, pages = [], 0
    for path in corpus_files(corpus):
        try:
            raw = read_file(path)
        except UnreadableFile:
            continue   # the same files our indexer skips (scanned PDFs) are skipped here
        texts.append(raw.text)
        pages += raw.pages
    extract_s = time.perf_counter() - started

    started = time.perf_counter()
    jieba.initialize()   # dictionary load (~1 s) is a one-off per process, as our tokenizer's is
    init_s = time.perf_counter() - started

    started = time.perf_counter()
    chunks = [w for text in texts for w in windows(text)]
    tokens = [tokenize(jieba, w) for w in chunks]
    tokenize_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    index_s = time.perf_counter() - started
    rss_after_build = common.own_peak_rss_kib()
    retriever.save(str(save_dir), show_progress=False)
    stats = {"documents": len(texts), "pages": pages, "windows": len(chunks), "window_chars": WINDOW,
             "tokens": sum(len(t) for t in tokens), "vocabulary": len(retriever.vocab_dict)}
    # a service holds only the index: millions of live token strings would make every garbage collection
    # slow and show up as multi-millisecond outliers in the per-query times
    del texts, chunks, tokens
    gc.collect()

    k = min(TOP_K, stats["windows"])
    for q in queries[:5]:   # warm-up: first-call allocations are not per-query cost
        retriever.retrieve([tokenize(jieba, q) or [""]], k=k, show_progress=False)
    latencies = []
    for q in queries:
        t0 = time.perf_counter()
        retriever.retrieve([tokenize(jieba, q) or [""]], k=k, show_progress=False)
        latencies.append((time.perf_counter() - t0) * 1000)
    return {
        **stats, "extract_s": extract_s, "jieba_init_s": init_s, "tokenize_s": tokenize_s, "index_s": index_s,
        "build_s": tokenize_s + index_s, "index_bytes": folder_bytes(save_dir),
        "query_ms": latencies, "rss_after_build_kib": rss_after_build, "rss_peak_kib": common.own_peak_rss_kib(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("queries")
    parser.add_argument("save_dir")
    parser.add_argument("out")
    parser.add_argument("--limit", type=int, default=0, help="use the first N queries only")
    args = parser.parse_args(argv)
    queries = common.load_queries(Path(args.queries), args.limit)
    result = run(Path(args.corpus), queries, Path(args.save_dir))
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
