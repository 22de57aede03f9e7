"""JSON API blueprint: /api/search, /api/ask, /api/health, /api/documents[/<id>].

Each route returns the data function of search/endpoints.py that the matching HTML page renders, so a
page and its JSON twin never disagree.
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from .endpoints import ask_data, document_data, search_data, service
from .params import request_params

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/search", methods=["GET", "POST"])
def search():
    return jsonify(search_data(request_params()))


@bp.route("/ask", methods=["GET", "POST"])
def ask():
    return jsonify(ask_data(request_params()))


@bp.route("/health")
def health():
    return jsonify(service().health())


@bp.route("/documents")
def documents():
    return jsonify(service().documents())


@bp.route("/documents/<doc_id>")
def document(doc_id: str):
    return jsonify(document_data(doc_id))
