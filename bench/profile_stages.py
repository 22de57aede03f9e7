"""cProfile of the slow stages bench/run.py measures: the full keyword build and a query's work.

    python bench/profile_stages.py [--corpus ../shared/corpus-2026] [--samples corpus] [--quick] [--top 25]

The build is profiled with reader workers off (os.cpu_count patched to 1 in this process only), so the
reading, cleaning and chunking that normally run in forked workers show up in the same profile as the
keyword index writer and the figures stage. Queries are profiled through engine.search (the part compared to
the bm25s baseline) and answer_question (/api/ask). For each profile it prints the share of time of the
pipeline's named stages, then the top functions by own time; .prof files go to --out for snakeviz/pstats.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from common import BENCH, DEFAULT_CORPUS, DEFAULT_SAMPLES, QUERIES, assemble_corpus, load_queries

# (label, file name suffix, function name): cumulative time of these is reported as a share of the total
BUILD_STAGES = [
    ("read PDF/txt (reader.read_file)", "search/reader.py", "read_file"),
    ("  pdfium text extraction (reader.read_pdf)", "search/reader.py", "read_pdf"),
    ("clean (clean.clean_lines)", "search/clean.py", "clean_lines"),
    ("chunk (chunk.chunk_document)", "search/chunk.py", "chunk_document"),
    ("metadata (metadata.extract_metadata)", "search/metadata.py", "extract_metadata"),
    ("content hash (ingest.content_hash)", "search/ingest.py", "content_hash"),
    ("sqlite passages (store.insert_document)", "search/store.py", "insert_document"),
    ("BM25 term counts (bm25.TermCounts.add)", "search/bm25.py", "add"),
    ("  tokenizer (BudgetTokenizer.positioned)", "search/tokens.py", "positioned"),
    ("    jieba cut", "jieba/__init__.py", "cut"),
    ("    sub-words (BudgetTokenizer.subwords)", "search/tokens.py", "subwords"),
    ("figures stage (facts.facts_stage)", "search/facts.py", "facts_stage"),
    ("copy old generation (shutil.copytree)", "shutil.py", "copytree"),
]
QUERY_STAGES = [
    ("parse_query (unit/year/kind hints)", "search/query.py", "parse_query"),
    ("keyword search (backend keyword_search)", "search/backends/embedded.py", "keyword_search"),
    ("  numpy BM25F scores", "search/bm25.py", "scores"),
    ("  numpy top-k", "search/bm25.py", "top"),
    ("exact phrases (CompactTexts.find)", "search/textstore.py", "find"),
    ("rank: fusion and boosts (Ranker.rank)", "search/ranking.py", "rank"),
    ("  statement_bonus", "search/hybrid.py", "statement_bonus"),
    ("highlight terms (Engine.highlight_terms)", "search/engine.py", "highlight_terms"),
    ("result_dict (incl. highlight)", "search/engine.py", "result_dict"),
    ("  highlight.highlight", "search/highlight.py", "highlight"),
    ("figures channel (qa.figure_passages)", "search/qa/__init__.py", "figure_passages"),
    ("tokenizer (BudgetTokenizer.positioned)", "search/tokens.py", "positioned"),
    ("jieba cut", "jieba/__init__.py", "cut"),
]


def stage_shares(stats: pstats.Stats, stages: list[tuple[str, str, str]]) -> list[tuple[str, float, float]]:
    """(label, cumulative seconds, share of the profile's total) for each named stage that ran; stages of
    code the current version does not have (or did not call) are left out."""
    total = stats.total_tt
    rows = []
    for label, suffix, name in stages:
        found = [ct for (file, _, func), (_, _, _, ct, _) in stats.stats.items()
                 if func == name and file.replace("\\", "/").endswith(suffix)]
        if found:
            rows.append((label, sum(found), sum(found) / total if total else 0.0))
    return rows


def report(title: str, profiler: cProfile.Profile, stages, top: int, out_dir: Path, wall_s: float) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = title.split()[0]
    profiler.dump_stats(str(out_dir / f"{name}.prof"))
    stats = pstats.Stats(profiler)
    lines = [f"== {title}: {wall_s:.2f} s wall, {stats.total_tt:.2f} s profiled (cProfile adds overhead)",
             "   share of time by stage (cumulative; nested stages are part of their parent):"]
    for label, seconds, share in stage_shares(stats, stages):
        lines.append(f"   {share:6.1%}  {seconds:8.2f} s  {label}")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
    body = buffer.getvalue()
    lines.append("   top functions by own time:")
    lines.append(body[body.find("   ncalls"):].rstrip())
    text = "\n".join(lines)
    (out_dir / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    return text


def profile_build(corpus: Path, index: Path, top: int, out_dir: Path) -> str:
    from search.cli import build_stages
    from search.indexer import build_index

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with mock.patch("os.cpu_count", return_value=1):   # serial: the workers' work lands in this profile
        profiler.enable()
        build_index(corpus, index, None, rebuild=True, extra_stages=build_stages())
        profiler.disable()
    return report("build (full keyword build, serial)", profiler, BUILD_STAGES, top, out_dir,
                  time.perf_counter() - started)


def profile_incremental(corpus: Path, index: Path, top: int, out_dir: Path) -> str:
    from search.cli import build_stages
    from search.indexer import build_index

    txt = min(corpus.glob("*.txt"))
    with open(txt, "a", encoding="utf-8") as fh:
        fh.write("\n基准测试追加的一行。\n")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    build_index(corpus, index, None, extra_stages=build_stages())
    profiler.disable()
    return report("incremental (one .txt changed)", profiler, BUILD_STAGES, top, out_dir,
                  time.perf_counter() - started)


def profile_queries(index: Path, queries: list[str], top: int, out_dir: Path) -> list[str]:
    from search.semantic import ModelStatus
    from search.webapp import create_app

    app = create_app({"INDEX_DIR": str(index), "EMBEDDER": None,
                      "MODEL_STATUS": ModelStatus("none", False, "bench")})
    service = app.extensions["budget_service"]
    service.search("三公经费")   # loads the generation outside the profile
    texts = []
    for title, call in (("search (service.search, k=10)", lambda q: service.search(q, k=10)),
                        ("ask (service.ask, k=5)", lambda q: service.ask(q, k=5))):
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for q in queries:
            call(q)
        profiler.disable()
        texts.append(report(title, profiler, QUERY_STAGES, top, out_dir, time.perf_counter() - started))
    return texts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--samples", default=str(DEFAULT_SAMPLES))
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--quick", action="store_true", help="20 PDFs, 50 queries")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", default=str(BENCH / "out" / "profile"))
    args = parser.parse_args(argv)
    queries = load_queries(Path(args.queries), 50 if args.quick else None)
    with tempfile.TemporaryDirectory(prefix="budget-profile-") as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        assemble_corpus(Path(args.corpus), Path(args.samples), corpus, 20 if args.quick else None)
        out_dir = Path(args.out)
        print(profile_build(corpus, index, args.top, out_dir), "\n")
        print(profile_incremental(corpus, index, args.top, out_dir), "\n")
        for text in profile_queries(index, queries, args.top, out_dir):
            print(text, "\n")
    print(f"profiles written to {args.out}/ (*.prof for pstats/snakeviz, *.txt as printed)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
