"""HTML pages; each is built from the same data function as its JSON twin under /api/."""
from __future__ import annotations

import mimetypes
import re
import stat
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, send_file

from .chart import bar_chart
from .citations import citation_line, original_url, page_label, passage_url
from .endpoints import ask_data, document_data, facts_data, search_data, service
from .errors import ApiError
from .facts import METRIC_NAMES, primary_statement_key
from .limits import QueryRejected
from .page_images import page_view
from .params import request_params
from .rowsearch import tables_for
from .tables_api import passage_table

bp = Blueprint("pages", __name__)
PAGE_SIZE = 10
for _helper in (citation_line, original_url, page_label, passage_url):
    bp.add_app_template_global(_helper)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _render(template: str, json_url: str, **context):
    html = render_template(template, json_url=json_url, health=service().health(), **context)
    response = current_app.make_response(html)
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


def _clean_params(params: dict, keep=("q", "unit", "year", "kind", "page")) -> dict:
    return {k: str(v) for k, v in params.items() if k in keep and str(v).strip()}


@bp.route("/")
def search_page():
    params = _clean_params(request_params())
    q = params.get("q", "")
    data, answer, error, status = None, None, None, 200
    if q:
        try:
            data = search_data(dict(params, k=PAGE_SIZE))
            gen = service().engine.generation()
            for r in data["results"]:
                if r.get("is_table"):
                    r["table"] = passage_table(gen, r["doc_id"], r["id"])   # shown as a table, not a run of numbers
            if params.get("page", "1") == "1":
                answer = ask_data({k: v for k, v in params.items() if k != "page"})
        except (ApiError, QueryRejected) as exc:
            error, status = exc.message, exc.status
    json_url = "/api/search?" + urlencode(params) if q else "/api/health"

    def url_with(**changes) -> str:
        merged = dict(params)
        for key, value in changes.items():
            if value in (None, ""):
                merged.pop(key, None)
            else:
                merged[key] = str(value)
        if "page" not in changes:
            merged.pop("page", None)
        return "/?" + urlencode(merged)

    pages = 0
    if data:
        pages = min(100, (data["total"] + PAGE_SIZE - 1) // PAGE_SIZE)
    response = _render("search.html", json_url, q=q, data=data, answer=answer, error=error, params=params,
                       url_with=url_with, pages=pages, page=int(params.get("page", "1") or 1)
                       if params.get("page", "1").isdigit() else 1)
    response.status_code = status
    return response


@bp.route("/doc/<doc_id>")
def document_page(doc_id: str):
    doc = document_data(doc_id)
    start = request.args.get("start", type=int)
    end = request.args.get("end", type=int) or start
    view = page_view(doc, start, end, request.args.get("page", type=int), request.args.get("mark", ""))
    tables = tables_for(service().engine.generation(), doc_id)
    return _render("document.html", f"/api/documents/{doc_id}", doc=doc, start=start, end=end, view=view,
                   tables=tables)


@bp.route("/files/<doc_id>")
def original_file(doc_id: str):
    """The original file as downloaded, looked up by id (never by a path from the request). Only a regular
    file that is inside the corpus folder once every link is resolved is served."""
    doc = document_data(doc_id)
    corpus = Path(current_app.config["CORPUS_DIR"]).resolve()
    try:
        path = (corpus / doc["file"]).resolve(strict=True)
        servable = path.is_relative_to(corpus) and stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError, ValueError):
        servable = False
    if not servable:
        abort(404, description="the original file is not in the corpus folder")
    # the name goes into Content-Disposition: control characters (a CR/LF in a file name) would break the
    # header, so they are replaced; non-ASCII names are sent RFC 5987-encoded by werkzeug
    name = _CONTROL.sub("_", doc["file"])
    return send_file(path, as_attachment=False, download_name=name, mimetype=mimetypes.guess_type(name)[0]
                     or "application/octet-stream")


@bp.route("/facts")
def facts_page():
    params = _clean_params(request_params(), keep=("metric", "unit", "year", "kind", "basis", "sort"))
    params.setdefault("metric", "三公经费")
    error, data, status = None, None, 200
    try:
        data = facts_data(params)
    except ApiError as exc:
        error, status = exc.message, exc.status
    rows = data["facts"] if data else []
    sort = params.get("sort", "value")
    if sort == "value":
        rows = sorted(rows, key=lambda r: -(r["value_wan"] if r["value_wan"] is not None else r["value"]))
    elif sort == "unit":
        rows = sorted(rows, key=lambda r: (r["unit"], r["year"] or 0))
    elif sort == "year":
        rows = sorted(rows, key=lambda r: (-(r["year"] or 0), r["unit"]))
    chart_rows, seen = [], set()
    for r in sorted(rows, key=primary_statement_key):
        # one bar per document and basis: its main statement of the metric
        key = (r["doc_id"], r["basis"])
        if key in seen:
            continue
        seen.add(key)
        chart_rows.append({"label": f'{r["unit"]} {r["year"] or ""}{r["basis"]}',
                           "value": r["value_wan"] if r["value_wan"] is not None else r["value"],
                           "text": r["value_text"], "href": r["passage_url"]})
    chart_rows.sort(key=lambda r: -r["value"])
    chart = bar_chart(chart_rows, f'{params["metric"]}（按单位）') if rows else ""
    query = urlencode(params)
    response = _render("facts.html", "/api/facts?" + query, rows=rows, params=params, metrics=METRIC_NAMES,
                       chart=chart, csv_url="/api/facts.csv?" + query, error=error,
                       sort_url=lambda key: "/facts?" + urlencode(dict(params, sort=key)))
    response.status_code = status
    return response
