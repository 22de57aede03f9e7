"""JSON API blueprint: /api/search, /api/ask, /api/health, /api/documents[/<id>]."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .errors import ApiError
from .params import filter_params, int_param, k_param, query_param, request_params

bp = Blueprint("api", __name__, url_prefix="/api")


def engine():
    return current_app.extensions["budget_engine"]


def search_data(params: dict) -> dict:
    """Shared by /api/search and the search page."""
    q = query_param(params)
    k = k_param(params)
    filters = filter_params(params)
    page = int_param(params, "page", 1, 1, 1000)
    from .qa import figure_passages

    result = engine().search(q, k=k, offset=(page - 1) * k, pinned=figure_passages(engine(), q), **filters)
    result["page"] = page
    return result


def ask_data(params: dict) -> dict:
    from .answer import passage_answer

    q = query_param(params)
    k = k_param(params, default=5)
    filters = filter_params(params)
    answerer = current_app.extensions.get("budget_answerer", passage_answer)
    return answerer(engine(), q, k=k, **filters)


def document_data(doc_id: str) -> dict:
    if len(doc_id) > 64:
        raise ApiError(404, "not_found", "no such document")
    doc = engine().document(doc_id)
    if doc is None:
        raise ApiError(404, "not_found", f"no document with id {doc_id!r}; see /api/documents")
    return doc


@bp.route("/search", methods=["GET", "POST"])
def search():
    return jsonify(search_data(request_params()))


@bp.route("/ask", methods=["GET", "POST"])
def ask():
    return jsonify(ask_data(request_params()))


@bp.route("/health")
def health():
    return jsonify(engine().health())


@bp.route("/documents")
def documents():
    docs = engine().documents()
    return jsonify({"total": len(docs), "documents": docs})


@bp.route("/documents/<doc_id>")
def document(doc_id: str):
    return jsonify(document_data(doc_id))
