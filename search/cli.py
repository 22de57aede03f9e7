"""Command line: `python -m search index|query|serve` (and app.py, which indexes then serves)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .backends import create_backend
from .config import DEFAULT_MODEL, backend_options, defaults_from_env
from .indexer import build_index, build_with_ocr, run_pending_ocr
from .semantic import load_embedder


def add_common(parser: argparse.ArgumentParser) -> None:
    env = defaults_from_env()
    parser.add_argument("--corpus", default=env["CORPUS_DIR"], help="folder of .txt/.pdf disclosures")
    parser.add_argument("--index", default=env["INDEX_DIR"], help="folder for the built index")
    parser.add_argument("--model", default=env["EMBEDDING_MODEL"],
                        help=f"sentence-transformers model name or path (default {DEFAULT_MODEL}); 'none' = keyword only")


def build_stages():
    from .facts import facts_stage
    from .rows import rows_stage

    return [facts_stage, rows_stage]


def run_index_in_child(args, defer_ocr: bool = False) -> int:
    """Build in a child process and wait for it (app.py, which then serves): everything a build holds (the
    documents being read, the term counts, the allocator's free lists) goes back to
    the system when the child exits, so the serving process does not keep the build's memory (3.6 GB
    against 0.9 GB for the index itself, on a 2,000-document archive). With defer_ocr the child's first
    report comes back (args._first_report, args._backend) for ocr_in_background."""
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    reports = context.Queue()
    child = context.Process(target=_index_child, args=(argparse.Namespace(**vars(args)), defer_ocr, reports),
                            name="index-build")
    child.start()
    report = None
    while report is None and (child.is_alive() or not reports.empty()):
        try:
            report = reports.get(timeout=0.5)
        except queue.Empty:
            pass
    child.join()
    if report is not None:
        env = defaults_from_env()
        env["INDEX_DIR"] = args.index
        args._first_report, args._backend = report, create_backend(env["SEARCH_BACKEND"], **backend_options(env))
    return child.exitcode if child.exitcode is not None else 1


def _index_child(args, defer_ocr: bool, reports) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    code = run_index(args, defer_ocr=defer_ocr)
    if getattr(args, "_first_report", None) is not None:
        reports.put(args._first_report)
    sys.exit(code)


def run_index(args, embedder=None, status=None, defer_ocr: bool = False) -> int:
    """Index, print the summary; then OCR pending scanned pages and print the second summary.

    defer_ocr: return after the first generation (text-layer documents) is in place; the caller runs
    `ocr_in_background` while it serves (app.py)."""
    if embedder is None and status is None:
        embedder, status = load_embedder(args.model)
    print(f"mode: {'hybrid' if embedder else 'keyword'} — {status.message}", file=sys.stderr)
    env = defaults_from_env()
    env["INDEX_DIR"] = args.index
    try:
        backend = create_backend(env["SEARCH_BACKEND"], **backend_options(env))
        options = dict(rebuild=getattr(args, "rebuild", False), progress=sys.stderr.isatty() or True,
                       extra_stages=build_stages(), backend=backend)
        if defer_ocr:
            report = build_index(Path(args.corpus), Path(args.index), embedder, **options)
            print(report.summary(), file=sys.stderr)
            args._first_report, args._backend = report, backend
            return 0
        _, second = build_with_ocr(Path(args.corpus), Path(args.index), embedder,
                                   on_first=lambda r: print(r.summary(), file=sys.stderr), **options)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if second is not None:
        print("after OCR of the scanned pages:\n" + second.summary(), file=sys.stderr)
    return 0


def ocr_in_background(args, embedder):
    """Thread started by app.py after the first build: the OCR'd files arrive in a later generation."""
    import threading

    def work():
        try:
            second = run_pending_ocr(Path(args.corpus), Path(args.index), embedder, False, build_stages(),
                                     args._backend, args._first_report)
            if second is not None:
                print("after OCR of the scanned pages:\n" + second.summary(), file=sys.stderr)
        except Exception:   # the service keeps serving the first generation
            logging.getLogger(__name__).exception("OCR pass failed")

    thread = threading.Thread(target=work, name="ocr", daemon=True)
    thread.start()
    return thread


def run_query(args) -> int:
    from .webapp import create_app

    embedder, status = load_embedder(args.model)
    app = create_app({"INDEX_DIR": args.index, "EMBEDDER": embedder, "MODEL_STATUS": status})
    result = app.extensions["budget_service"].search(args.q, k=args.k)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"[{result['mode']} mode] {result['total']} results in {result['took_ms']} ms", file=sys.stderr)
    if result["mode"] == "keyword":
        print(f"note: keyword mode only — {status.message}", file=sys.stderr)
    from .citations import page_label

    for rank, r in enumerate(result["results"], 1):
        where = page_label(r.get("page_start"), r.get("page_end"))
        print(f"{rank:2d}. {r['unit'] or '?'} {r['year'] or ''} {r['kind']} | {r['file']} {where + ' ' if where else ''}"
              f"L{r['line_start']}-{r['line_end']}"
              f" | {'+'.join(r['channels'])} | {r['section']}")
        print("    " + r["text"][:160].replace("\n", " "))
    return 0


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m search", description="预算公开检索: index and query disclosures")
    sub = parser.add_subparsers(dest="command", required=True)
    p_index = sub.add_parser("index", help="index the corpus (only changed files unless --rebuild)")
    add_common(p_index)
    p_index.add_argument("--rebuild", action="store_true", help="rebuild everything from scratch")
    p_query = sub.add_parser("query", help="print the top passages for a query")
    add_common(p_query)
    p_query.add_argument("q")
    p_query.add_argument("-k", type=int, default=10)
    p_query.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "index":
        return run_index(args)
    return run_query(args)
