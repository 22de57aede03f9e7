"""Index the corpus (only what changed) and serve the search service.

    python app.py [--host 127.0.0.1] [--port 5000] [--corpus corpus] [--index index] [--model NAME_OR_PATH]
"""
from __future__ import annotations

import argparse
import logging
import sys

from search.cli import add_common, run_index
from search.semantic import load_embedder
from search.webapp import create_app

__all__ = ["create_app", "main"]


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description="预算公开检索 search service")
    add_common(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8, help="worker threads of the WSGI server")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch first")
    args = parser.parse_args(argv)

    embedder, status = load_embedder(args.model)
    code = run_index(args, embedder, status)
    if code:
        return code
    app = create_app({"INDEX_DIR": args.index, "CORPUS_DIR": args.corpus, "EMBEDDER": embedder,
                      "MODEL_STATUS": status})
    from waitress import serve

    print(f"serving on http://{args.host}:{args.port}/ ({app.extensions['budget_engine'].mode} mode)",
          file=sys.stderr)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="budget-search")
    return 0


if __name__ == "__main__":
    sys.exit(main())
