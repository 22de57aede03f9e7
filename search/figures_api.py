"""Figures table: /api/facts (JSON) and /api/facts.csv (UTF-8 with BOM so Excel reads the Chinese)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify

from .api import engine
from .errors import ApiError
from .facts import FACT_COLUMNS, METRIC_NAMES
from .params import filter_params, int_param, request_params, text_param
from .qa import detect_metric
from .query import normalize_query

bp = Blueprint("figures", __name__, url_prefix="/api")
CSV_COLUMNS = ["unit", "region", "year", "kind", "basis", "metric", "value_text", "value_unit", "value_wan",
               "change_text", "change_rate", "share", "completion", "file", "line_start", "line_end",
               "passage_id", "section", "sentence", "source", "mismatch"]


def facts_data(params: dict) -> dict:
    metric_raw = text_param(params, "metric", max_chars=50)
    metric = ""
    if metric_raw:
        metric = metric_raw if metric_raw in METRIC_NAMES else detect_metric(normalize_query(metric_raw))
        if not metric:
            raise ApiError(400, "bad_parameter",
                           f"unknown metric {metric_raw!r}; known metrics: {'、'.join(METRIC_NAMES)}")
    filters = filter_params(params)
    basis = text_param(params, "basis", max_chars=10)
    if basis and basis not in ("预算", "决算"):
        raise ApiError(400, "bad_parameter", "'basis' must be 预算 or 决算")
    limit = int_param(params, "limit", 1000, 1, 100000)
    gen = engine().generation()
    unit = normalize_query(filters["unit"]) if filters["unit"] else ""
    rows = []
    for fact in (gen.facts_by_metric.get(metric, []) if metric else gen.facts):
        if unit and unit not in normalize_query(fact.unit):
            continue
        if filters["year"] and fact.year != filters["year"]:
            continue
        if filters["kind"] and fact.kind != filters["kind"]:
            continue
        if basis and fact.basis != basis:
            continue
        row = {c: getattr(fact, c) for c in FACT_COLUMNS}
        row["passage_url"] = f"/doc/{fact.doc_id}?start={fact.line_start}&end={fact.line_end}#L{fact.line_start}"
        rows.append(row)
    rows.sort(key=lambda r: (r["metric"], r["unit"], r["year"] or 0, r["basis"], r["line_start"]))
    return {"metric": metric or None, "metrics": METRIC_NAMES, "total": len(rows), "facts": rows[:limit]}


@bp.route("/facts", methods=["GET", "POST"])
def facts():
    return jsonify(facts_data(request_params()))


@bp.route("/facts.csv")
def facts_csv():
    data = facts_data(request_params())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(data["facts"])
    name = f"facts-{data['metric'] or 'all'}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
