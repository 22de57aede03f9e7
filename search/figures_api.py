"""Figures table: /api/facts (JSON) and /api/facts.csv (UTF-8 with BOM so Excel reads the Chinese)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify

from .endpoints import facts_data
from .params import request_params

bp = Blueprint("figures", __name__, url_prefix="/api")
CSV_COLUMNS = ["unit", "region", "year", "kind", "basis", "metric", "value_text", "value_unit", "value_wan",
               "change_text", "change_rate", "share", "completion", "file", "page_start", "page_end", "line_start",
               "line_end", "passage_id", "section", "sentence", "source", "mismatch"]


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
