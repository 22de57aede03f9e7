"""The data behind every page and its JSON twin: validate request parameters, call the service layer.

The JSON blueprints (api, figures_api) and the HTML pages are siblings that all call these functions, so a
page and its /api/ twin are built from the same data and fail with the same 400 for the same input.
"""
from __future__ import annotations

from flask import current_app

from .errors import ApiError
from .facts import METRIC_NAMES
from .params import filter_params, int_param, k_param, query_param, text_param
from .qa import detect_metric_name as detect_metric
from .query import normalize_query
from .service import SearchService
from .vocab import BASES


def service() -> SearchService:
    return current_app.extensions["budget_service"]


def search_data(params: dict) -> dict:
    """Shared by /api/search and the search page."""
    return service().search(query_param(params), k=k_param(params), page=int_param(params, "page", 1, 1, 1000),
                            **filter_params(params))


def ask_data(params: dict) -> dict:
    return service().ask(query_param(params), k=k_param(params, default=5), **filter_params(params))


def document_data(doc_id: str) -> dict:
    doc = service().document(doc_id)
    if doc is None:
        raise ApiError(404, "not_found", f"no document with id {doc_id[:64]!r}; see /api/documents")
    return doc


def facts_data(params: dict) -> dict:
    metric_raw = text_param(params, "metric", max_chars=50)
    metric = ""
    if metric_raw:
        metric = metric_raw if metric_raw in METRIC_NAMES else detect_metric(normalize_query(metric_raw))
        if not metric:
            raise ApiError(400, "bad_parameter",
                           f"unknown metric {metric_raw!r}; known metrics: {'、'.join(METRIC_NAMES)}")
    basis = text_param(params, "basis", max_chars=10)
    if basis and basis not in BASES:
        raise ApiError(400, "bad_parameter", f"'basis' must be {' or '.join(BASES)}")
    limit = int_param(params, "limit", 1000, 1, 100000)
    return service().facts(metric, basis=basis, limit=limit, **filter_params(params))
