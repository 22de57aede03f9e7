"""Figures table: /api/facts (JSON) and /api/facts.csv (UTF-8 with BOM so Excel reads the Chinese)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .csvexport import csv_response
from .endpoints import facts_data
from .params import request_params

bp = Blueprint("figures", __name__, url_prefix="/api")
CSV_COLUMNS = ["unit", "region", "year", "kind", "basis", "metric", "value_text", "value_unit", "value_wan",
               "change_text", "change_rate", "share", "completion", "file", "page_start", "page_end", "line_start",
               "line_end", "passage_id", "section", "sentence", "source", "mismatch", "trust"]


@bp.route("/facts", methods=["GET", "POST"])
def facts():
    return jsonify(facts_data(request_params()))


@bp.route("/facts.csv")
def facts_csv():
    data = facts_data(request_params())
    # text cells that would start a spreadsheet formula are neutralised there (csvexport)
    return csv_response(data["facts"], CSV_COLUMNS, f"facts-{data['metric'] or 'all'}.csv")
