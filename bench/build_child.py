"""One full index build in its own process, so bench/run.py can read the indexer's peak RSS (wait4 rusage).

    python bench/build_child.py CORPUS INDEX MODEL OUT_JSON      (MODEL: 'none' or a sentence-transformers path)

It calls exactly what `python -m search index --rebuild` calls (build_with_ocr: a first generation of the
text-layer documents, then OCR of scanned pages and a second generation) and writes the build reports and
timings as JSON; model loading is timed apart from the build.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import common  # puts the repository on sys.path

from search.cli import build_stages
from search.indexer import build_with_ocr, report_dict
from search.semantic import load_embedder


def main(argv: list[str]) -> int:
    corpus, index, model, out = argv
    started = time.perf_counter()
    embedder, status = load_embedder(model)
    load_seconds = time.perf_counter() - started
    if model.lower() != "none" and embedder is None:
        print(f"model could not be loaded: {status.message}", file=sys.stderr)
        return 3
    started = time.perf_counter()
    first, second = build_with_ocr(Path(corpus), Path(index), embedder, rebuild=True, progress=False,
                                   extra_stages=build_stages())
    build_seconds = time.perf_counter() - started
    report = second or first
    result = {"model": model, "model_load_s": load_seconds, "build_s": build_seconds,
              "first_generation_s": first.seconds, "ocr": report.ocr,
              "peak_rss_kib": common.own_peak_rss_kib(), "report": report_dict(report)}
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
