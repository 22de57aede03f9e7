"""Per-document figures behind docs/scaling.md (issue 7). Not a test; prints JSON.

    python bench/scaling_measure.py [--corpus ../shared/corpus-2026] [--out bench/out/scaling.json]
                                    [--skip-build] [--bert-sample 256]

Measures on this machine:
  build      full keyword-only build (figures stage included) of --corpus with the embedded and the milvus
             (milvus-lite) backend: seconds, documents, passages, PDF pages, and the time spent in backend.apply
  passages   passages per document, characters per passage and per embedded text
  embedding  CPU throughput (passages/s) of
               - the offline char model of the tests (sentence-transformers StaticEmbedding, 96 dims) and the
                 same kind of model at 512 dims: transformer-free proxies, a lower bound on cost;
               - a BERT with the architecture of BAAI/bge-small-zh-v1.5 (4 layers, hidden 512, 8 heads,
                 intermediate 2048, vocab 21128) with random weights: the same arithmetic as the real default
                 model, on the real passages' lengths (one token per character, as the Chinese BERT vocab
                 mostly does, capped at 512); the real model cannot be downloaded here
  vectors    brute-force top-10 over N x 512 float32 (the embedded backend's numpy search) for N = 100k, 1M
  queries    keyword search latency over the shared eval questions on both backends (in-process)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from search.backends import create_backend  # noqa: E402
from search.cli import build_stages  # noqa: E402
from search.indexer import build_index, current_generation  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the indexer's reading pool): less sensitive than
    wall time to other load on a shared machine."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def rss_mb() -> float:
    """Current resident memory (the growth while a generation loads: its passages, figures, searcher)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def measure_build(corpus: Path, work: Path) -> dict:
    out = {}
    for name in ("embedded", "milvus"):
        index_dir = work / f"{name}-index"
        opts = {"uri": str(index_dir / "milvus.db")} if name == "milvus" else {}
        backend = create_backend(name, **opts)
        applied = {"seconds": 0.0}
        original = backend.apply

        def timed(*args, _orig=original, _applied=applied, **kwargs):
            started = time.perf_counter()
            try:
                return _orig(*args, **kwargs)
            finally:
                _applied["seconds"] += time.perf_counter() - started

        backend.apply = timed
        started, cpu = time.perf_counter(), cpu_seconds()
        report = build_index(corpus, index_dir, None, extra_stages=build_stages(), backend=backend)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        gen = current_generation(index_dir)
        out[name] = {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "backend_apply_seconds": round(applied["seconds"], 1),
                     "files": report.files, "documents": report.documents, "passages": report.passages,
                     "pages": report.pages, "skipped": len(report.skipped),
                     "generation_bytes": dir_size(gen),
                     "milvus_db_bytes": dir_size(index_dir / "milvus.db") if name == "milvus" else None}
        out[name]["backend"] = backend
        out[name]["index_dir"] = index_dir
        print(f"build {name}: {out[name]['seconds']} s, {report.documents} docs, {report.passages} passages",
              file=sys.stderr)
    return out


def passage_texts(index_dir: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(str(current_generation(index_dir) / "store.sqlite"))
    rows = conn.execute("SELECT d.title, p.section, p.text FROM passages p JOIN documents d USING (doc_id)").fetchall()
    conn.close()
    return [f"{t or ''} {s or ''}\n{x}" for t, s, x in rows]


def passage_stats(index_dir: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(str(current_generation(index_dir) / "store.sqlite"))
    lengths = [n for (n,) in conn.execute("SELECT length(text) FROM passages")]
    per_doc = [n for (n,) in conn.execute("SELECT count(*) FROM passages GROUP BY doc_id")]
    conn.close()
    lengths.sort()
    return {"passages": len(lengths), "documents": len(per_doc),
            "passages_per_document_mean": round(statistics.mean(per_doc), 1),
            "passages_per_document_median": statistics.median(per_doc),
            "chars_per_passage_mean": round(statistics.mean(lengths)),
            "chars_per_passage_p50": lengths[len(lengths) // 2],
            "chars_per_passage_p95": lengths[int(len(lengths) * 0.95)]}


def measure_static(texts: list[str], dim: int, work: Path) -> dict:
    from char_model import build_char_model

    from search.semantic import load_embedder

    path = build_char_model(work / f"char-{dim}", texts, dim=dim)
    embedder, status = load_embedder(str(path))
    assert embedder is not None, status.message
    embedder.encode_passages(texts[:64])
    started, cpu = time.perf_counter(), cpu_seconds()
    embedder.encode_passages(texts)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"model": f"StaticEmbedding char model, {dim} dims", "passages": len(texts),
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "passages_per_second": round(len(texts) / seconds, 1)}


def measure_bert(texts: list[str], sample: int, batch_size: int = 32) -> dict:
    import torch
    from transformers import BertConfig, BertModel

    from search.semantic import PASSAGE_CHARS

    torch.manual_seed(0)
    config = BertConfig(vocab_size=21128, hidden_size=512, num_hidden_layers=4, num_attention_heads=8,
                        intermediate_size=2048, max_position_embeddings=512)
    model = BertModel(config).eval()
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(texts), size=min(sample, len(texts)), replace=False)
    lengths = sorted((min(len(texts[i][:PASSAGE_CHARS]) + 2, 512) for i in chosen), reverse=True)
    batches = [lengths[i:i + batch_size] for i in range(0, len(lengths), batch_size)]
    with torch.inference_mode():
        model(input_ids=torch.ones((2, 64), dtype=torch.long))   # warm-up
        started, cpu = time.perf_counter(), cpu_seconds()
        for batch in batches:
            width = batch[0]
            ids = torch.randint(100, 21000, (len(batch), width))
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, n in enumerate(batch):
                mask[row, :n] = 1
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state[:, 0]
            torch.nn.functional.normalize(hidden, dim=-1)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"model": "BERT with bge-small-zh-v1.5's shape (random weights), fp32, CPU", "torch_threads":
            torch.get_num_threads(), "passages": len(lengths), "mean_tokens": round(statistics.mean(lengths)),
            "batch_size": batch_size, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "passages_per_second": round(len(lengths) / seconds, 2)}


def measure_vectors(sizes=(100_000, 1_000_000), dim: int = 512) -> list[dict]:
    out = []
    rng = np.random.default_rng(0)
    for n in sizes:
        matrix = rng.standard_normal((n, dim), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        query = matrix[0]
        times = []
        for _ in range(5):
            started = time.perf_counter()
            scores = matrix @ query
            top = np.argpartition(-scores, 9)[:10]
            top[np.argsort(-scores[top])]
            times.append(time.perf_counter() - started)
        out.append({"rows": n, "dim": dim, "matrix_bytes": int(matrix.nbytes),
                     "numpy_top10_ms_median": round(statistics.median(times) * 1000, 1)})
        del matrix
    return out


def measure_queries(builds: dict) -> dict:
    from search.semantic import ModelStatus
    from search.webapp import create_app

    questions = [json.loads(line)["q"] for line in
                 (ROOT.parent / "shared" / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    out = {}
    for name, info in builds.items():
        app = create_app({"TESTING": True, "INDEX_DIR": str(info["index_dir"]), "EMBEDDER": None,
                          "MODEL_STATUS": ModelStatus("none", False, "keyword"), "BACKEND": info["backend"]})
        client = app.test_client()
        rss, started = rss_mb(), time.perf_counter()
        client.get("/api/search", query_string={"q": "三公经费"})   # loads the generation
        load = {"first_request_seconds": round(time.perf_counter() - started, 2),
                "rss_growth_mb": round(rss_mb() - rss)}
        times = []
        for q in questions * 3:
            started = time.perf_counter()
            client.get("/api/search", query_string={"q": q, "k": 10})
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[name] = {"queries": len(times), "p50_ms": round(times[len(times) // 2], 1),
                     "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), **load}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus-2026"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "scaling.json"))
    parser.add_argument("--bert-sample", type=int, default=256)
    args = parser.parse_args()
    result: dict = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "python": platform.python_version()}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        builds = measure_build(Path(args.corpus), work)
        result["build"] = {k: {kk: vv for kk, vv in v.items() if kk not in ("backend", "index_dir")}
                           for k, v in builds.items()}
        index_dir = builds["embedded"]["index_dir"]
        result["passages"] = passage_stats(index_dir)
        result["queries"] = measure_queries(builds)
        texts = passage_texts(index_dir)
        result["embedding_cpu"] = [measure_static(texts, 96, work), measure_static(texts, 512, work)]
        print("static done", file=sys.stderr)
        result["embedding_cpu"].append(measure_bert(texts, args.bert_sample))
        print("bert done", file=sys.stderr)
    result["vectors"] = measure_vectors()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
