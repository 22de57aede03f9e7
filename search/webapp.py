"""Flask application factory (flaskr style): settings in app.config, one blueprint per feature."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from . import generation, limits, security
from .backends import create_backend
from .config import backend_options, defaults_from_env
from .engine import Engine
from .limits import QueryLimits
from .ranking import RankingConfig
from .semantic import ModelStatus, load_embedder
from .service import SearchService

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(defaults_from_env())
    app.config["JSON_AS_ASCII"] = False
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20   # a query body is a few hundred bytes; refuse megabytes
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # "/files/<id>/pages//0.png" is not a page: a 404, not a redirect to a URL the client did not ask for
    app.url_map.merge_slashes = False
    if test_config:
        app.config.update(test_config)

    embedder = app.config.get("EMBEDDER")
    if embedder is None and "MODEL_STATUS" not in app.config:
        embedder, status = load_embedder(app.config["EMBEDDING_MODEL"])
    else:
        status = app.config.get("MODEL_STATUS") or ModelStatus(getattr(embedder, "name", "none"), embedder is not None,
                                                              "embedding model supplied by the caller")
    backend = app.config.get("BACKEND") or create_backend(app.config["SEARCH_BACKEND"],
                                                          **backend_options(app.config))
    engine = Engine(Path(app.config["INDEX_DIR"]), embedder, status, ranking=RankingConfig.from_config(app.config),
                    backend=backend, query_limits=QueryLimits.from_config(app.config))
    app.extensions["budget_engine"] = engine
    app.extensions["budget_service"] = SearchService(engine, app.config.get("ANSWERER"))
    from . import api, errors, figures_api, page_images, pages, tables_api

    app.register_blueprint(api.bp)
    app.register_blueprint(figures_api.bp)
    app.register_blueprint(tables_api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(page_images.bp)
    errors.register_error_handlers(app)
    security.register(app)

    @app.before_request
    def start_request():
        # the generation a request first touches stays pinned (and open) until the request ends; the
        # query's work is bounded by the time budget
        generation.open_scope()
        limits.start(app.config["QUERY_TIME_BUDGET"])

    @app.teardown_request
    def end_request(_exc=None):
        limits.clear()
        generation.close_scope()
    logging.getLogger("search").setLevel(logging.INFO)
    return app
