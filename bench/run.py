"""Benchmark of the budget search service against a plain BM25 baseline (issue 6). Not a test: it prints a
table and writes JSON; PASS/MISS marks each figure against the project's targets.

    python bench/run.py [--corpus ../shared/corpus-2026] [--samples corpus] [--model none|PATH]
                        [--queries bench/queries.txt] [--out bench/out/results.json] [--quick]
    python bench/run.py --scale 10 [--scaled-corpus DIR]     # growth: 1× and 10× side by side (bench/scale.py)

What it measures, on the PDFs of --corpus plus the sample .txt files of --samples, gathered into one
temporary corpus folder:
  ingestion   search.reader.read_file pages/s; search.clean.clean_lines + search.chunk.chunk_document passages/s
  build       full keyword build (build_index, no embedder, figures stage) in a child process (time, peak RSS);
              embedding throughput and the full hybrid build with the model (--model PATH, or when omitted
              a small offline StaticEmbedding char model from tests/char_model.py; 'none' skips both);
              incremental update after one changed document; index size on disk
  queries     engine.search in-process; GET /api/search and /api/ask against `python app.py` over HTTP on
              127.0.0.1 at 1 and 4 concurrent clients (p50/p95/p99); the server's peak RSS (VmHWM)
  baseline    bm25s + jieba.lcut over 400-character windows of the same extracted text, in its own process
              (bench/baseline_bm25s.py): build time, per-query time, index size, peak RSS; every comparable
              figure is also shown as a ratio to it
--quick uses 20 PDFs and the first 50 queries (about a minute); its figures are not comparable to targets
that are meant for the whole corpus.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from common import BENCH, DEFAULT_CORPUS, DEFAULT_SAMPLES, QUERIES, ROOT, assemble_corpus, load_queries

QUICK_PDFS = 20
QUICK_QUERIES = 50
MIN_QUERIES = 200
TOP_K = 10
GB = 1024 ** 3
MB = 1024 ** 2
WARMUP_QUERIES = ["三公经费", "机关运行经费预算", "医疗保障局 2024年 部门预算"]   # not in queries.txt

# name -> (limit, unit); the checks are all "value <= limit"
TARGETS = {
    "keyword_build_s": (120.0, "s"),
    "incremental_s": (5.0, "s"),
    "search_p95_1": (30.0, "ms"),
    "ask_p95_1": (60.0, "ms"),
    "search_p95_4": (90.0, "ms"),     # 3x the single-client target
    "ask_p95_4": (180.0, "ms"),
    "search_vs_baseline": (2.0, "x"),
    "server_rss_bytes": (1.5 * GB, "B"),
}


# -- small helpers -------------------------------------------------------------------------------------
def latency_stats(ms: list[float]) -> dict:
    """Summary plus the raw values (in query order for sequential runs), so the JSON can be re-analysed."""
    if not ms:
        return {"n": 0}
    p50, p95, p99 = np.percentile(np.asarray(ms), [50, 95, 99])
    return {"n": len(ms), "mean": float(np.mean(ms)), "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "max": float(max(ms)), "raw_ms": [round(v, 3) for v in ms]}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())


def proc_status_kib(pid: int | str, field: str) -> int:
    """A VmRSS/VmHWM line of /proc/PID/status in KiB; 0 once the process is gone or a zombie."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """The process and its descendants (the indexer forks reader workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])   # the command name may contain spaces
        children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


class RssSampler:
    """Polls a process tree: the peak of its summed VmRSS and the largest VmHWM of any one process in it.

    Why not getrusage/wait4: on Linux a child's ru_maxrss starts from the RSS of the process that forked it
    (exec records the old address space's high-water mark), so a child of this benchmark, which has torch
    loaded by then, would report this process's memory instead of its own.
    """

    def __init__(self, pid: int, every_s: float = 0.1):
        self.pid, self.every_s = pid, every_s
        self.tree_peak_kib = self.largest_hwm_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            pids = process_tree(self.pid)
            self.tree_peak_kib = max(self.tree_peak_kib, sum(proc_status_kib(p, "VmRSS") for p in pids))
            self.largest_hwm_kib = max(self.largest_hwm_kib, *(proc_status_kib(p, "VmHWM") for p in pids))
            self._stop.wait(self.every_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_measured(cmd: list[str], log_path: Path, cwd: Path) -> dict:
    """Run a child to completion: wall time, the largest process's peak RSS and the sampled tree peak.
    The children also write their own final VmHWM, which the caller merges in (a sample can miss the end)."""
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        with RssSampler(proc.pid) as sampler:
            proc.wait()
        wall = time.perf_counter() - started
    if proc.returncode:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")
    return {"wall_s": wall, "max_rss_bytes": sampler.largest_hwm_kib * 1024,
            "tree_peak_bytes": sampler.tree_peak_kib * 1024}


def cpu_seconds() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of this process and its waited-for children)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    own = os.times()
    return busy, own.user + own.system + own.children_user + own.children_system


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- measurements -------------------------------------------------------------------------------------
def measure_ingestion(corpus: Path) -> dict:
    """Serial, one process: throughput per core (the indexer itself runs up to 4 reader workers)."""
    from search.chunk import chunk_document
    from search.clean import clean_lines
    from search.ingest import corpus_files
    from search.reader import UnreadableFile, read_file, read_pdf
    from search.tables import recover_tables

    pages = passages = pdfs = tables = 0
    extract_s = chunk_s = text_only_s = tables_s = 0.0
    unreadable = []
    for path in corpus_files(corpus):
        started = time.perf_counter()
        try:
            raw = read_file(path)
        except UnreadableFile as exc:
            unreadable.append(f"{path.name}: {exc}")
            continue
        middle = time.perf_counter()
        found = chunk_document(clean_lines(raw.text, raw.page_starts))
        ended = time.perf_counter()
        tables += len(recover_tables(raw))
        tables_s += time.perf_counter() - ended
        if raw.source_format == "pdf":
            # pages/s is a PDF figure: the .txt samples have no pages and would only dilute it
            pdfs += 1
            pages += raw.pages
            extract_s += middle - started
            # what the tables pass adds to reading: the same read without collecting word boxes
            again = time.perf_counter()
            read_pdf(path, path.read_bytes(), None)
            text_only_s += time.perf_counter() - again
        chunk_s += ended - middle
        passages += len(found)
    words_s = max(0.0, extract_s - text_only_s)
    return {"pdfs": pdfs, "pages": pages, "extract_s": extract_s, "pages_per_s": pages / extract_s,
            "tables": tables, "tables_words_s": words_s, "tables_recover_s": tables_s,
            "tables_total_s": words_s + tables_s,
            "passages": passages, "clean_chunk_s": chunk_s, "passages_per_s": passages / chunk_s,
            "unreadable": unreadable}


def measure_build(code: Path, corpus: Path, index: Path, model: str, log_path: Path) -> dict:
    """A full build (rebuild) in bench/build_child.py: build_index + figures stage, as `python -m search index`."""
    out = log_path.with_suffix(".json")
    proc = run_measured([sys.executable, str(code / "bench" / "build_child.py"), str(corpus), str(index), model,
                         str(out)], log_path, code)
    child = json.loads(out.read_text(encoding="utf-8"))
    report = child["report"]
    proc["max_rss_bytes"] = max(proc["max_rss_bytes"], child["peak_rss_kib"] * 1024)
    return {"build_s": child["build_s"], "model_load_s": child["model_load_s"], **proc,
            "first_generation_s": child.get("first_generation_s", child["build_s"]), "ocr": child.get("ocr") or {},
            "documents": report["documents"], "pages": report["pages"], "passages": report["passages"],
            "skipped": report["skipped"], "duplicates": report["duplicates"]}


def index_size(index: Path) -> dict:
    """Bytes of the current generation, and of each of its top-level entries (store.sqlite, bm25_counts.npz, …)."""
    gen = (index / "current").resolve()
    parts = {p.name: folder_bytes(p) if p.is_dir() else p.stat().st_size for p in sorted(gen.iterdir())}
    return {"total_bytes": folder_bytes(gen), "parts": parts}


def embedding_texts(index: Path) -> list[str]:
    """The passage texts as the indexer embeds them (title, section, text)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{(index / 'current').resolve() / 'store.sqlite'}?mode=ro", uri=True)
    rows = conn.execute("SELECT d.title, p.section, p.text FROM passages p JOIN documents d USING (doc_id) "
                        "ORDER BY p.doc_id, p.ordinal").fetchall()
    conn.close()
    return [f"{title} {section}\n{text}" for title, section, text in rows]


def prepare_model(code: Path, requested: str | None, texts: list[str], folder: Path) -> tuple[str | None, str]:
    """(model to load or None, description). No model given: the offline char model the tests use."""
    if requested and requested.lower() == "none":
        return None, "none (keyword only; embedding and hybrid build skipped)"
    if requested:
        return requested, requested
    import importlib.util

    spec = importlib.util.spec_from_file_location("char_model", code / "tests" / "char_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = module.build_char_model(folder / "char-static", texts)
    return str(path), ("char-static: tests/char_model.py StaticEmbedding (96-d bag of characters, built offline); "
                       "a transformer model such as BAAI/bge-small-zh-v1.5 embeds far slower on CPU")


def measure_embedding(model: str, texts: list[str]) -> dict:
    from search.semantic import load_embedder

    started = time.perf_counter()
    embedder, status = load_embedder(model)
    load_s = time.perf_counter() - started
    if embedder is None:
        raise SystemExit(f"--model {model}: {status.message}")
    embedder.encode_passages(texts[:64])   # warm-up: first batch pays lazy initialisation
    started = time.perf_counter()
    embedder.encode_passages(texts)
    seconds = time.perf_counter() - started
    return {"model": model, "dimension": embedder.dimension, "load_s": load_s, "passages": len(texts),
            "seconds": seconds, "passages_per_s": len(texts) / seconds}


def measure_incremental(corpus: Path, index: Path) -> dict:
    """Change one document, re-run build_index (in-process, tokenizer already loaded: an update's own cost),
    once for a sample .txt (a line appended) and once for the largest PDF (a PDF comment line appended).
    A run with nothing changed goes first: it times the up-to-date check every update pays (hashing every
    corpus file) and takes first-call imports out of the update figures."""
    from search.cli import build_stages
    from search.indexer import build_index
    from search.tokens import shared_tokenizer

    shared_tokenizer()
    txt = min(corpus.glob("*.txt"))
    pdf = max(corpus.glob("*.pdf"), key=lambda p: p.stat().st_size)
    copy = pdf.with_name(".copy-" + pdf.name)   # replace the symlink into ../shared by a private copy
    shutil.copyfile(pdf, copy)
    os.replace(copy, pdf)
    started = time.perf_counter()
    report = build_index(corpus, index, None, extra_stages=build_stages())
    results = {"unchanged": {"seconds": time.perf_counter() - started, "changed": report.changed}}
    for kind, path, line in (("txt", txt, "\n基准测试追加的一行：本单位无其他说明事项。\n".encode()),
                             ("pdf", pdf, b"\n%bench: appended line\n")):
        with open(path, "ab") as fh:
            fh.write(line)
        started = time.perf_counter()
        report = build_index(corpus, index, None, extra_stages=build_stages())
        seconds = time.perf_counter() - started
        if report.full_rebuild or report.updated != [path.name]:
            raise RuntimeError(f"expected an incremental update of {path.name}, got {report.summary()}")
        results[kind] = {"file": path.name, "seconds": seconds, "passages_total": report.passages}
    return results


def measure_baseline(code: Path, corpus: Path, queries_path: Path, limit: int | None, folder: Path) -> dict:
    out = folder / "baseline.json"
    proc = run_measured([sys.executable, str(code / "bench" / "baseline_bm25s.py"), str(corpus),
                         str(queries_path), str(folder / "bm25s-index"), str(out), "--limit", str(limit or 0)],
                        folder / "baseline.log", code)
    result = json.loads(out.read_text(encoding="utf-8"))
    result["latency"] = latency_stats(result.pop("query_ms"))
    proc["max_rss_bytes"] = max(proc["max_rss_bytes"], result["rss_peak_kib"] * 1024)
    return {**result, **proc}


def measure_inprocess(index: Path, queries: list[str]) -> dict:
    """engine.search called directly: the like-for-like counterpart of the baseline's per-query time. The
    same queries through the service layer (what /api/search and /api/ask do: figures channel, answers)
    are timed too."""
    from search.semantic import ModelStatus
    from search.webapp import create_app

    app = create_app({"INDEX_DIR": str(index), "EMBEDDER": None,
                      "MODEL_STATUS": ModelStatus("none", False, "bench")})
    engine = app.extensions["budget_engine"]
    service = app.extensions["budget_service"]
    steps = {
        "search": lambda q: engine.search(q, k=TOP_K),
        "search_with_figures": lambda q: service.search(q, k=TOP_K),
        "ask": lambda q: service.ask(q, k=5),
    }
    results = {}
    for name, step in steps.items():
        for q in WARMUP_QUERIES:   # the first call loads the index generation
            step(q)
        latencies = []
        for q in queries:
            started = time.perf_counter()
            step(q)
            latencies.append((time.perf_counter() - started) * 1000)
        results[name] = latency_stats(latencies)
    return results


def http_get(opener, url: str) -> tuple[float, bool, bytes]:
    started = time.perf_counter()
    try:
        with opener.open(url, timeout=60) as resp:
            body = resp.read()
            ok = resp.status == 200
    except (urllib.error.URLError, OSError) as exc:
        body, ok = str(exc).encode(), False
    return (time.perf_counter() - started) * 1000, ok, body


def run_clients(base_url: str, endpoint: str, queries: list[str], clients: int) -> dict:
    """Each query once, taken from a shared queue by `clients` threads; one new connection per request."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # 127.0.0.1 never via a proxy
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    for q in queries:
        jobs.put(q)
    latencies, server_ms, errors = [], [], []
    lock = threading.Lock()

    def client():
        while True:
            try:
                q = jobs.get_nowait()
            except queue.Empty:
                return
            ms, ok, body = http_get(opener, f"{base_url}/api/{endpoint}?{urllib.parse.urlencode({'q': q})}")
            with lock:
                if ok:
                    latencies.append(ms)
                    server_ms.append(json.loads(body).get("took_ms", 0.0))
                else:
                    errors.append(f"{q}: {body[:200].decode(errors='replace')}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "latency": latency_stats(latencies), "server_took_ms": latency_stats(server_ms),
            "requests_per_s": len(latencies) / wall, "errors": errors}


def measure_server(code: Path, corpus: Path, index: Path, queries: list[str], folder: Path) -> dict:
    """`python app.py` as users start it; latency over HTTP, then its peak RSS (VmHWM) after the load."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port),
                                 "--corpus", str(corpus), "--index", str(index), "--model", "none"],
                                cwd=code, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited ({proc.returncode}): {log_path.read_text()[-2000:]}")
            _, ok, _ = http_get(opener, base_url + "/api/health")   # answers once the generation is loaded
            if ok:
                break
            if time.perf_counter() - started > 300:
                raise RuntimeError(f"server not healthy after 300 s; see {log_path}")
            time.sleep(0.2)
        ready_s = time.perf_counter() - started
        rss_idle = proc_status_kib(proc.pid, "VmRSS") * 1024
        for endpoint in ("search", "ask"):
            for q in WARMUP_QUERIES:
                http_get(opener, f"{base_url}/api/{endpoint}?{urllib.parse.urlencode({'q': q})}")
        runs = {f"{endpoint}_{clients}": run_clients(base_url, endpoint, queries, clients)
                for endpoint in ("search", "ask") for clients in (1, 4)}
        return {"ready_s": ready_s, "rss_idle_bytes": rss_idle,
                "rss_bytes": proc_status_kib(proc.pid, "VmRSS") * 1024,
                "peak_rss_bytes": proc_status_kib(proc.pid, "VmHWM") * 1024, "runs": runs}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the table --------------------------------------------------------------------------------------------
@dataclass
class Row:
    group: str
    name: str
    value: float
    unit: str
    baseline: float | None = None   # the bm25s counterpart, same unit
    target: str = ""
    status: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def check(value: float, target_key: str, quick: bool) -> tuple[str, str]:
    limit, unit = TARGETS[target_key]
    shown = f"≤ {limit / GB:g} GB" if unit == "B" else f"≤ {limit:g}{'×' if unit == 'x' else ' ' + unit}"
    status = "PASS" if value <= limit else "MISS"
    return shown, status + (" (quick)" if quick else "")


def make_rows(r: dict, quick: bool) -> list[Row]:
    ing, kw, base, size, inc = r["ingestion"], r["keyword_build"], r["baseline"], r["index_size"], r["incremental"]
    base_lat = base["latency"]
    rows = [
        Row("ingestion", "PDF text extraction (read_file, 1 process)", ing["pages_per_s"], "pages/s",
            note=f"{ing['pages']} pages of {ing['pdfs']} PDFs in {ing['extract_s']:.1f} s"),
        Row("ingestion", "clean_lines + chunk_document (1 process)", ing["passages_per_s"], "passages/s",
            note=f"{ing['passages']} passages in {ing['clean_chunk_s']:.1f} s"),
        Row("ingestion", "tables pass: word boxes + table recovery (1 process)", ing["tables_total_s"], "s",
            note=f"{ing['tables']} tables; boxes {ing['tables_words_s']:.1f} s + recovery "
                 f"{ing['tables_recover_s']:.1f} s; ≈{ing['tables_total_s'] / 2:.1f} s of a 2-worker build"),
        Row("build", "full keyword build (build_index + figures + tables)", kw["build_s"], "s", base["build_s"],
            *check(kw["build_s"], "keyword_build_s", quick),
            note=f"baseline: tokenize+index of pre-extracted text; {kw['passages']} passages"),
        Row("build", "  same, baseline incl. its extraction", kw["build_s"], "s",
            base["build_s"] + base["extract_s"], note="both read the PDFs (ours with 2 workers, baseline serial)"),
        Row("build", "  first generation served (text layer, before OCR)", kw["first_generation_s"], "s",
            note="scanned files are listed as pending until the OCR generation"),
    ]
    if kw.get("ocr", {}).get("pages"):
        o = kw["ocr"]
        rows.append(Row("build", "OCR of scanned pages (rapidocr, 2 threads)", o["pages_per_second"], "pages/s",
                        note=f"{o['pages']} pages of {o['files']} files in {o['seconds']:.0f} s; cached for later builds"))
    if r.get("embedding"):
        emb, hyb = r["embedding"], r["hybrid_build"]
        rows += [
            Row("build", "embedding throughput (encode_passages)", emb["passages_per_s"], "passages/s",
                note=f"model: {Path(emb['model']).name}, {emb['passages']} passages, dim {emb['dimension']}"),
            Row("build", "total build (keyword + embeddings + figures)", hyb["build_s"], "s", base["build_s"],
                note=f"model load {hyb['model_load_s']:.1f} s not included"),
        ]
    else:
        rows.append(Row("build", "total build (keyword only, --model none)", kw["build_s"], "s", base["build_s"]))
    rows.append(Row("build", "up-to-date check, nothing changed", inc["unchanged"]["seconds"], "s",
                    note="hashes every corpus file; every update pays it"))
    for kind, label in (("txt", "incremental, 1 .txt changed"), ("pdf", "incremental, largest PDF changed")):
        seconds = inc[kind]["seconds"]
        target, status = check(seconds, "incremental_s", quick) if kind == "txt" else ("", "")
        rows.append(Row("build", label, seconds, "s", base["build_s"], target, status,
                        note=f"{seconds / kw['build_s']:.0%} of our full build; baseline can only rebuild"))
    rows += [
        Row("index", "index size on disk (whole generation)", size["total_bytes"] / MB, "MB",
            base["index_bytes"] / MB, note=", ".join(f"{name} {n / MB:.1f}" for name, n in sorted(
                size["parts"].items(), key=lambda item: -item[1])[:4]) + " MB"),
        Row("index", "  BM25 term counts only", size["parts"].get("bm25_counts.npz", 0) / MB, "MB",
            base["index_bytes"] / MB, note="store.sqlite holds passages, line map and figures"),
        Row("memory", "indexer peak RSS (largest process)", kw["max_rss_bytes"] / MB, "MB",
            base["max_rss_bytes"] / MB, note="baseline: one process, extract + build + query"),
        Row("memory", "indexer peak RSS (process tree, sampled)", kw["tree_peak_bytes"] / MB, "MB",
            base["max_rss_bytes"] / MB, note="main process + forked reader workers"),
    ]
    if r.get("hybrid_build"):
        rows.append(Row("memory", "hybrid indexer peak RSS (largest process)",
                        r["hybrid_build"]["max_rss_bytes"] / MB, "MB", base["max_rss_bytes"] / MB))
    server = r["server"]
    rows.append(Row("memory", "server peak RSS (VmHWM after all queries)", server["peak_rss_bytes"] / MB, "MB",
                    base["max_rss_bytes"] / MB, *check(server["peak_rss_bytes"], "server_rss_bytes", quick),
                    note=f"idle after start {server['rss_idle_bytes'] / MB:.0f} MB"))

    inproc = r["inprocess"]
    search = inproc["search"]
    rows += [
        Row("in-process", "engine.search mean per query", search["mean"], "ms", base_lat["mean"],
            *check(search["mean"] / base_lat["mean"], "search_vs_baseline", quick),
            note="target is the ratio to the bm25s baseline"),
        Row("in-process", "engine.search p50", search["p50"], "ms", base_lat["p50"]),
        Row("in-process", "engine.search p95", search["p95"], "ms", base_lat["p95"]),
        Row("in-process", "search + figures channel (/api/search work) p50",
            inproc["search_with_figures"]["p50"], "ms", base_lat["p50"]),
        Row("in-process", "search + figures channel (/api/search work) p95",
            inproc["search_with_figures"]["p95"], "ms", base_lat["p95"]),
        Row("in-process", "answer_question (/api/ask work) p50", inproc["ask"]["p50"], "ms", base_lat["p50"]),
        Row("in-process", "answer_question (/api/ask work) p95", inproc["ask"]["p95"], "ms", base_lat["p95"]),
    ]
    for endpoint in ("search", "ask"):
        for clients in (1, 4):
            run = server["runs"][f"{endpoint}_{clients}"]
            lat = run["latency"]
            errors = f", {len(run['errors'])} errors" if run["errors"] else ""
            for pct in ("p50", "p95", "p99"):
                target, status = check(lat[pct], f"{endpoint}_p95_{clients}", quick) if pct == "p95" else ("", "")
                note = (f"{run['requests_per_s']:.1f} req/s, server took_ms p50 "
                        f"{run['server_took_ms'].get('p50', 0):.1f}{errors}") if pct == "p50" else ""
                rows.append(Row("http", f"GET /api/{endpoint} {pct}, {clients} client{'s' * (clients > 1)}",
                                lat[pct], "ms", base_lat[pct], target, status, note))
    return rows


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def print_table(rows: list[Row]) -> None:
    headers = ["group", "measure", "value", "unit", "bm25s", "ratio", "target", "status", "note"]
    cells = [[r.group, r.name, fmt(r.value), r.unit, fmt(r.baseline), f"{r.ratio:.2f}×" if r.ratio else "",
              r.target, r.status, r.note] for r in rows]
    widths = [max(_width(h), *(_width(c[i]) for c in cells)) for i, h in enumerate(headers)]
    numeric = {2, 4, 5}

    def line(values):
        return "  ".join(_pad(v, w, right=i in numeric) for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print(line(c))


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


# -- main ---------------------------------------------------------------------------------------------
SNAPSHOT = ["search", "app.py", "templates", "static", "bench", "tests/char_model.py"]


def snapshot_code(dest: Path) -> tuple[Path, str]:
    """Copy the code under test, so one run measures one version of it even while the working tree is being
    edited (an index built by one version is refused by another); returns the copy and a digest of search/."""
    import hashlib

    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "out")
    for name in SNAPSHOT:
        source = ROOT / name
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=skip)
        elif source.exists():
            shutil.copy2(source, target)
    digest = hashlib.sha256()
    for path in sorted((dest / "search").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(dest).as_posix().encode() + path.read_bytes())
    return dest, digest.hexdigest()[:12]


def environment() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10,
                                  check=False).stdout.rstrip()   # porcelain lines start with a space
        except OSError:
            return ""

    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted": [line[3:] for line in git("status", "--porcelain", "search", "app.py").splitlines()],
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "loadavg_at_start": os.getloadavg()}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of PDFs (default ../shared/corpus-2026)")
    parser.add_argument("--samples", default=str(DEFAULT_SAMPLES), help="folder of sample .txt docs (default corpus)")
    parser.add_argument("--model", default=None,
                        help="'none', or a sentence-transformers model path; omitted: offline char model")
    parser.add_argument("--queries", default=str(QUERIES), help="query list (default bench/queries.txt)")
    parser.add_argument("--out", default=str(BENCH / "out" / "results.json"))
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PDFS} PDFs, {QUICK_QUERIES} queries")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (corpus, indexes, logs)")
    parser.add_argument("--scale", type=int, default=1,
                        help="N > 1: growth run (bench/scale.py): 1× and N× year-shifted text corpora from "
                             "../shared/eval/make_10x.py measured side by side, with the bm25s baseline at N×")
    parser.add_argument("--scaled-corpus", default=None,
                        help="with --scale: reuse a folder make_10x.py already wrote instead of writing it again")
    return parser.parse_args(argv)


def step(title: str):
    print(f"[bench {time.strftime('%H:%M:%S')}] {title}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.scale > 1:
        import scale

        return scale.run_scale(sys.modules[__name__], args)
    queries = load_queries(Path(args.queries), QUICK_QUERIES if args.quick else None)
    if not args.quick and len(queries) < MIN_QUERIES:
        raise SystemExit(f"{args.queries} has {len(queries)} queries; the benchmark needs at least {MIN_QUERIES}")
    tmp = Path(tempfile.mkdtemp(prefix="budget-bench-"))
    wall_start = time.perf_counter()
    busy_start, own_start = cpu_seconds()
    results: dict = {"environment": environment(), "quick": args.quick, "queries": len(queries)}
    try:
        step("snapshot of the code and assembling the corpus")
        code, results["environment"]["code_digest"] = snapshot_code(tmp / "code")
        sys.path.insert(0, str(code))   # in-process measurements import search/ from the snapshot too
        corpus, index = tmp / "corpus", tmp / "index"
        results["corpus"] = assemble_corpus(Path(args.corpus), Path(args.samples), corpus,
                                            QUICK_PDFS if args.quick else None)
        step("ingestion throughput")
        results["ingestion"] = measure_ingestion(corpus)
        step("full keyword build (child process)")
        results["keyword_build"] = measure_build(code, corpus, index, "none", tmp / "build-keyword.log")
        results["index_size"] = index_size(index)
        texts = embedding_texts(index)
        model, description = prepare_model(code, args.model, texts, tmp)
        results["model"] = description
        if model:
            step(f"embedding throughput ({Path(model).name})")
            results["embedding"] = measure_embedding(model, texts)
            step("full hybrid build (child process)")
            if (index / "ocr-cache").exists():   # OCR text is cached by file hash: the second build reuses it
                shutil.copytree(index / "ocr-cache", tmp / "index-hybrid" / "ocr-cache")
            results["hybrid_build"] = measure_build(code, corpus, tmp / "index-hybrid", model,
                                                    tmp / "build-hybrid.log")
            results["hybrid_index_size"] = index_size(tmp / "index-hybrid")
        step("incremental updates")
        results["incremental"] = measure_incremental(corpus, index)
        step("bm25s baseline (child process)")
        results["baseline"] = measure_baseline(code, corpus, Path(args.queries),
                                               QUICK_QUERIES if args.quick else None, tmp)
        step("in-process search latency")
        results["inprocess"] = measure_inprocess(index, queries)
        step("HTTP latency against python app.py")
        results["server"] = measure_server(code, corpus, index, queries, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    # other work on the machine skews every figure: CPU time used by processes not of this run says so
    busy_end, own_end = cpu_seconds()
    foreign = max(0.0, (busy_end - busy_start) - (own_end - own_start))
    results["environment"].update(wall_s=time.perf_counter() - wall_start, foreign_cpu_s=foreign)
    rows = make_rows(results, args.quick)
    print(f"\nmodel: {results['model']}")
    print(f"corpus: {results['corpus']['pdfs']} PDFs + {results['corpus']['samples']} samples, "
          f"{results['keyword_build']['documents']} documents indexed, {len(queries)} queries"
          f"{' (QUICK subset: targets are for the full corpus)' if args.quick else ''}; "
          f"{results['environment']['cpus']} CPUs")
    env = results["environment"]
    print(f"other processes used {env['foreign_cpu_s']:.0f} CPU-s during the {env['wall_s']:.0f} s run "
          f"(≈{env['foreign_cpu_s'] / env['wall_s']:.2f} cores busy with other work; ~0 means the run had the "
          "machine to itself)\n")
    print_table(rows)
    search_ratio = results["inprocess"]["search"]["mean"] / results["baseline"]["latency"]["mean"]
    print(f"\nsearch latency / bm25s baseline latency (in-process, mean per query): {search_ratio:.1f}×")
    print("ratios: value / bm25s baseline; on http rows the baseline is its in-process time (it has no server)")
    results["table"] = [dict(asdict(r), ratio=r.ratio) for r in rows]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
