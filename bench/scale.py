"""Growth benchmark (`python bench/run.py --scale 10`): the same measurements at 1× and at N×, side by side.

Why: a newsroom keeps years of disclosures. ../shared/eval/make_10x.py writes N year-shifted text copies
of every document of ../shared/corpus and ../shared/corpus-2026 (N=10: 2,180 files, ~96k passages); the
1× corpus is the same text with one copy, so the two differ only in size. For each scale this measures
the first build (child process, wall time and peak RSS), the index size, an incremental build that adds
one new file, `python app.py` (build-then-serve: its RSS while serving, /api/search and /api/ask latency
at 1 and 4 clients) and the bm25s baseline over the same corpus; the table shows N×/1× ratios and the
N× figure against the baseline, so growth is read in one run.

    python bench/run.py --scale 10 [--scaled-corpus DIR] [--queries FILE] [--keep]

--scaled-corpus reuses a folder make_10x.py already wrote (generating it takes a few minutes).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, load_queries

SHARED = ROOT.parent / "shared"
MAKE = SHARED / "eval" / "make_10x.py"
SOURCES = [SHARED / "corpus", SHARED / "corpus-2026"]
# the targets at 10× (the 1× figures must not get worse)
TARGETS_10X = {"build_s": 300.0, "build_rss_bytes": 2 * 1024 ** 3, "incremental_s": 5.0,
               "server_rss_bytes": 1.5 * 1024 ** 3, "p95_ms": 50.0, "max_ms": 300.0}


def make_corpus(copies: int, dest: Path) -> Path:
    subprocess.run([sys.executable, str(MAKE), str(dest), *map(str, SOURCES), "--copies", str(copies)],
                   check=True, stdout=subprocess.DEVNULL)
    return dest


def incremental_add(corpus: Path, index: Path) -> dict:
    """Add one new file (a document with an extra line, under a new name) and update the index in-process
    (tokenizer loaded: the update's own cost, as bench/run.py measures incremental updates)."""
    from search.cli import build_stages
    from search.indexer import build_index
    from search.tokens import shared_tokenizer

    shared_tokenizer()
    source = min(corpus.glob("*.txt"))
    added = corpus / "zz-bench-added.txt"
    added.write_text(source.read_text(encoding="utf-8") + "\n基准测试新增的一行：本单位无其他说明事项。\n",
                     encoding="utf-8")
    try:
        started = time.perf_counter()
        report = build_index(corpus, index, None, extra_stages=build_stages())
        seconds = time.perf_counter() - started
        if report.full_rebuild or report.added != [added.name]:
            raise RuntimeError(f"expected {added.name} added incrementally, got {report.summary()}")
    finally:
        added.unlink()
    started = time.perf_counter()
    build_index(corpus, index, None, extra_stages=build_stages())   # and removed again
    return {"seconds": seconds, "remove_seconds": time.perf_counter() - started}


def measure_scale(run, code: Path, corpus: Path, folder: Path, queries: list[str], queries_path: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index"
    out: dict = {"files": sum(1 for _ in corpus.iterdir())}
    run.step(f"{corpus.name}: full keyword build (child process)")
    out["build"] = run.measure_build(code, corpus, index, "none", folder / "build.log")
    out["index_size"] = run.index_size(index)
    run.step(f"{corpus.name}: incremental build adding one file")
    out["incremental"] = incremental_add(corpus, index)
    run.step(f"{corpus.name}: bm25s baseline (child process)")
    out["baseline"] = run.measure_baseline(code, corpus, queries_path, None, folder)
    run.step(f"{corpus.name}: python app.py (build, then serve) over HTTP")
    out["server"] = run.measure_server(code, corpus, index, queries, folder)
    return out


def figures(m: dict) -> dict:
    """The compared figures of one scale: name -> (value, unit, bm25s counterpart or None)."""
    runs, base = m["server"]["runs"], m["baseline"]
    rows = {
        "documents indexed": (m["build"]["documents"], "", None),
        "passages": (m["build"]["passages"], "", None),
        "first build": (m["build"]["build_s"], "s", base["build_s"]),
        "build peak RSS (largest process)": (m["build"]["max_rss_bytes"] / 2 ** 20, "MiB", base["max_rss_bytes"] / 2 ** 20),
        "index size": (m["index_size"]["total_bytes"] / 2 ** 20, "MiB", base.get("index_bytes", 0) / 2 ** 20 or None),
        "incremental: one file added": (m["incremental"]["seconds"], "s", None),
        "app.py serving RSS (after the load)": (m["server"]["rss_bytes"] / 2 ** 20, "MiB", None),
    }
    for endpoint in ("search", "ask"):
        for clients in (1, 4):
            lat = runs[f"{endpoint}_{clients}"]["latency"]
            for stat in ("p50", "p95", "max"):
                rows[f"/api/{endpoint} {clients} client{'s' if clients > 1 else ''} {stat}"] = (
                    lat[stat], "ms", base["latency"][stat] if clients == 1 and endpoint == "search" else None)
    return rows


def print_growth(one: dict, many: dict, scale: int) -> None:
    a, b = figures(one), figures(many)
    head = ["", "1×", f"{scale}×", f"{scale}×/1×", f"bm25s {scale}×", "vs bm25s"]
    lines = [head]
    for name, (value, unit, _) in a.items():
        big, _, base = b[name]
        lines.append([name, f"{value:,.1f} {unit}".strip(), f"{big:,.1f} {unit}".strip(),
                      f"{big / value:.2f}" if value else "",
                      f"{base:,.1f} {unit}".strip() if base else "", f"{big / base:.2f}×" if base else ""])
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    for row in lines:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


def check_targets(many: dict) -> list[str]:
    runs = many["server"]["runs"]
    worst_p95 = max(runs[k]["latency"]["p95"] for k in runs if k.endswith("_1"))
    worst = max(runs[k]["latency"]["max"] for k in runs if k.endswith("_1"))
    checks = [("first build", many["build"]["build_s"], TARGETS_10X["build_s"], "s"),
              ("build peak RSS", many["build"]["max_rss_bytes"] / 2 ** 30, TARGETS_10X["build_rss_bytes"] / 2 ** 30, "GiB"),
              ("incremental add", many["incremental"]["seconds"], TARGETS_10X["incremental_s"], "s"),
              ("serving RSS", many["server"]["rss_bytes"] / 2 ** 30, TARGETS_10X["server_rss_bytes"] / 2 ** 30, "GiB"),
              ("search/ask p95, 1 client", worst_p95, TARGETS_10X["p95_ms"], "ms"),
              ("search/ask worst, 1 client", worst, TARGETS_10X["max_ms"], "ms")]
    return [f"{'PASS' if value <= limit else 'MISS'} {name}: {value:,.2f} {unit} (target ≤ {limit:g} {unit})"
            for name, value, limit, unit in checks]


def run_scale(run, args) -> int:
    """run: the bench/run.py module (its measurement functions); args: its parsed arguments."""
    scale = int(args.scale)
    queries = load_queries(Path(args.queries))
    tmp = Path(tempfile.mkdtemp(prefix="budget-scale-"))
    results: dict = {"environment": run.environment(), "scale": scale, "queries": len(queries)}
    busy_start, own_start = run.cpu_seconds()
    started = time.perf_counter()
    try:
        run.step("snapshot of the code")
        code, results["environment"]["code_digest"] = run.snapshot_code(tmp / "code")
        sys.path.insert(0, str(code))
        run.step("1× and scaled corpora (make_10x.py)")
        one = make_corpus(1, tmp / "corpus-1x")
        if args.scaled_corpus:
            many = tmp / f"corpus-{scale}x"
            shutil.copytree(args.scaled_corpus, many)   # a private copy: the incremental step adds a file
        else:
            many = make_corpus(scale, tmp / f"corpus-{scale}x")
        results["1x"] = measure_scale(run, code, one, tmp / "run-1x", queries, Path(args.queries))
        results[f"{scale}x"] = measure_scale(run, code, many, tmp / f"run-{scale}x", queries, Path(args.queries))
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    busy_end, own_end = run.cpu_seconds()
    wall = time.perf_counter() - started
    foreign = max(0.0, (busy_end - busy_start) - (own_end - own_start))
    results["environment"].update(wall_s=wall, foreign_cpu_s=foreign)
    print(f"\ngrowth {scale}×: {results['1x']['files']} → {results[f'{scale}x']['files']} files, "
          f"{len(queries)} queries; {results['environment']['cpus']} CPUs; other processes used "
          f"{foreign:.0f} CPU-s during the {wall:.0f} s run (≈{foreign / wall:.2f} cores busy with other work)\n")
    print_growth(results["1x"], results[f"{scale}x"], scale)
    print()
    for line in check_targets(results[f"{scale}x"]):
        print(line)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"results written to {out}")
    return 0
