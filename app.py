"""Index the corpus (only what changed) and serve the search service.

    python app.py [--host 127.0.0.1] [--port 5000] [--corpus corpus] [--index index] [--model NAME_OR_PATH]

A damaged index (an emptied store.sqlite, a missing keyword folder) is rebuilt here rather than failing on
every start: the index step validates the current generation and rebuilds it when it cannot be served, and
if the freshly loaded generation still does not validate, app.py rebuilds once more from scratch.
Server limits (threads, connection limit, idle timeout) come from search/config.py; for exposure to the
internet put a reverse proxy in front (README).
"""
from __future__ import annotations

import argparse
import logging
import resource
import sys

from search.cli import add_common, ocr_in_background, run_index, run_index_in_child
from search.config import defaults_from_env, server_options
from search.exceptions import CorruptIndex, IndexNotReady
from search.semantic import load_embedder
from search.webapp import create_app

__all__ = ["create_app", "main"]


def _raise_open_files_limit(wanted: int) -> None:
    """Every connection is a file descriptor: make the soft limit cover the connection limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    env = defaults_from_env()
    parser = argparse.ArgumentParser(description="预算公开检索 search service")
    add_common(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=env["SERVER_THREADS"],
                        help="worker threads of the WSGI server (setting SERVER_THREADS)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch first")
    args = parser.parse_args(argv)

    # the build runs in a child process (its memory is not kept while serving); the text-layer documents
    # are served at once, scanned pages arrive from ocr_in_background in a later generation
    code = run_index_in_child(args, defer_ocr=True)
    embedder, status = load_embedder(args.model)
    if code:
        return code
    ocr_in_background(args, embedder)   # scanned files arrive in a later generation
    app = create_app({"INDEX_DIR": args.index, "CORPUS_DIR": args.corpus, "EMBEDDER": embedder,
                      "MODEL_STATUS": status, "SERVER_THREADS": args.threads})
    engine = app.extensions["budget_engine"]
    try:
        engine.generation()
    except CorruptIndex as exc:
        print(f"the index cannot be served ({exc}); rebuilding it from scratch", file=sys.stderr)
        args.rebuild = True
        code = run_index(args, embedder, status)
        if code:
            return code
    except IndexNotReady:
        pass   # nothing indexed (an empty corpus): the service answers 503 until an index exists
    options = server_options(app.config)
    _raise_open_files_limit(options["connection_limit"] + 64)
    from waitress import serve

    print(f"serving on http://{args.host}:{args.port}/ ({engine.mode} mode; {options['threads']} threads, "
          f"{options['connection_limit']} connections, idle timeout {options['channel_timeout']} s)",
          file=sys.stderr)
    serve(app, host=args.host, port=args.port, ident="budget-search", **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
