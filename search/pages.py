"""HTML pages; each is built from the same data function as its JSON twin under /api/."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request

from .api import ask_data, document_data, engine, search_data
from .errors import ApiError
from .params import request_params

bp = Blueprint("pages", __name__)


def _with_alternate(html: str, json_url: str):
    response = current_app.make_response(html)
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


@bp.route("/")
def search_page():
    params = request_params()
    q = (params.get("q") or "").strip()
    data, answer, error = None, None, None
    if q:
        try:
            data = search_data(params)
            answer = ask_data(params)
        except ApiError as exc:
            error = exc.message
    health = engine().health()
    json_url = "/api/search?" + urlencode(params) if q else "/api/health"
    html = render_template("search.html", q=q, data=data, answer=answer, error=error, health=health,
                           params=params, json_url=json_url)
    return _with_alternate(html, json_url)


@bp.route("/doc/<doc_id>")
def document_page(doc_id: str):
    doc = document_data(doc_id)
    json_url = f"/api/documents/{doc_id}"
    return _with_alternate(render_template("document.html", doc=doc, json_url=json_url,
                                           start=request.args.get("start", type=int),
                                           end=request.args.get("end", type=int)), json_url)
