"""Recovered tables and their rows: /api/tables, /api/rows (JSON) and /api/rows.csv (UTF-8 with BOM).

A row's figure is given exactly as printed with its table's money unit; `flag` says when a printed figure is
not the sum of its parts (项→款→类→合计, projects→项目支出 total) — flagged, never corrected.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify

from .endpoints import service
from .errors import ApiError
from .params import filter_params, int_param, request_params, text_param
from .query import normalize_query
from .rows import ROW_COLUMNS
from .rowsearch import find_rows, tables_for

bp = Blueprint("tables", __name__, url_prefix="/api")
CSV_COLUMNS = ["unit", "year", "doc_kind", "file", "title", "kind", "money_unit", "header_path", "code", "code_level",
               "row_label", "context", "value_text", "value_wan", "line_start", "line_end", "passage_id", "flag"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _doc_fields(gen, doc_id: str) -> dict:
    d = gen.documents.get(doc_id)
    return {"unit": d.unit, "region": d.region, "year": d.year, "doc_kind": d.kind, "file": d.file} if d else {}


def tables_data(params: dict) -> dict:
    doc_id = text_param(params, "doc", max_chars=64)
    title = text_param(params, "title", max_chars=100)
    limit = int_param(params, "limit", 200, 1, 5000)
    gen = service().engine.generation()
    if doc_id and doc_id not in gen.documents:
        raise ApiError(404, "not_found", f"no document with id {doc_id!r}; see /api/documents")
    tables = tables_for(gen, doc_id or None, title)
    for t in tables:
        t["document"] = _doc_fields(gen, t["table_id"].rsplit("-t", 1)[0])   # t["unit"] is the money unit
    return {"doc": doc_id or None, "title": title or None, "total": len(tables), "tables": tables[:limit]}


def rows_data(params: dict) -> dict:
    item = text_param(params, "item", max_chars=100)
    table = text_param(params, "table", max_chars=100)
    column = text_param(params, "column", max_chars=50)
    filters = filter_params(params)
    limit = int_param(params, "limit", 1000, 1, 100000)
    if not item and not filters["unit"] and not table:
        raise ApiError(400, "missing_query", "give at least one of 'item', 'unit' or 'table'")
    gen = service().engine.generation()
    unit = normalize_query(filters["unit"]) if filters["unit"] else ""
    allowed = [d.doc_id for d in gen.documents.values()
               if (not unit or unit in normalize_query(d.unit or ""))
               and (not filters["year"] or d.year == filters["year"])
               and (not filters["kind"] or d.kind == filters["kind"])]
    if item:
        rows = find_rows(gen, allowed, item, column or None, limit=100000)
    else:
        rows = _all_rows(gen, allowed)
    if table:
        want = normalize_query(table)
        rows = [r for r in rows if want in normalize_query(r["title"]) or want == r["kind"]]
    if column and not item:
        rows = [r for r in rows if column in r["header_path"]]
    out = []
    for r in rows:
        r = dict(r)
        r.update(_doc_fields(gen, r["doc_id"]))
        r["passage_url"] = f"/doc/{r['doc_id']}?start={r['line_start']}&end={r['line_end']}#L{r['line_start']}"
        out.append(r)
    return {"item": item or None, "total": len(out), "rows": out[:limit]}


def _all_rows(gen, doc_ids: list[str]) -> list[dict]:
    if not doc_ids:
        return []
    conn = gen.connect()
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='table_rows'").fetchone():
            return []
        found = []
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start:start + 500]
            cursor = conn.execute(f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id IN "
                                  f"({','.join('?' * len(chunk))}) ORDER BY doc_id, table_id, row_index, column_index",
                                  chunk)
            found += [dict(zip(ROW_COLUMNS, r)) for r in cursor]
        return found
    finally:
        conn.close()


@bp.route("/tables", methods=["GET", "POST"])
def tables():
    return jsonify(tables_data(request_params()))


@bp.route("/rows", methods=["GET", "POST"])
def rows():
    return jsonify(rows_data(request_params()))


def csv_safe(value):
    """A text cell that a spreadsheet would run as a formula is prefixed with ' (figures stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value.replace(",", ""))
            return value
        except ValueError:
            return "'" + value
    return value


@bp.route("/rows.csv")
def rows_csv():
    data = rows_data(request_params())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for r in data["rows"]:
        writer.writerow({k: csv_safe(r.get(k)) for k in CSV_COLUMNS})
    from urllib.parse import quote

    name = f"rows-{data['item'] or 'all'}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def passage_table(gen, doc_id: str, pid: str) -> dict | None:
    """The rows of a recovered table that lie in one passage (a search result shows them as a table)."""
    for t in tables_for(gen, doc_id):
        keep = [i for i, p in enumerate(t.get("row_passages", [])) if p == pid]
        if keep:
            shown = dict(t)
            shown["rows"] = [t["rows"][i] for i in keep]
            return shown
    return None
