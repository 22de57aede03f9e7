"""Table rows in the index and the questions they answer.

The rows stage stores every recovered table (search.tables) in the generation's SQLite: `doc_tables` keeps a
table whole (for the document page and /api/tables), `table_rows` has one line per printed cell (table,
document, title, money unit, header path, row label, 科目编码, column, value as printed, value in 万元, original
lines, passage id) for questions over rows (search/rowsearch.py reads them). A row whose printed figure
disagrees with the sum of its parts carries the flag; nothing is corrected.

This module is the build side only (the index is rebuilt when it changes); the questions' side is
search/rowsearch.py, which can change without a rebuild.
"""
from __future__ import annotations

import json
import sqlite3

from .store import passage_id
from .tables import Table, parse_value
from .vocab import TO_WAN

ROW_COLUMNS = ["table_id", "doc_id", "row_index", "title", "kind", "money_unit", "header_path", "row_label",
               "code", "code_level", "context", "column_index", "value_text", "value_wan", "line_start",
               "line_end", "passage_id", "is_total", "flag"]
SCHEMA = """
CREATE TABLE IF NOT EXISTS doc_tables (
    table_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, title TEXT, kind TEXT, money_unit TEXT,
    line_start INTEGER, line_end INTEGER, n_rows INTEGER, checked INTEGER, failed INTEGER, data_json TEXT
);
CREATE TABLE IF NOT EXISTS table_rows (
    table_id TEXT NOT NULL, doc_id TEXT NOT NULL, row_index INTEGER, title TEXT, kind TEXT, money_unit TEXT,
    header_path TEXT, row_label TEXT, code TEXT, code_level TEXT, context TEXT, column_index INTEGER,
    value_text TEXT, value_wan REAL, line_start INTEGER, line_end INTEGER, passage_id TEXT, is_total INTEGER,
    flag TEXT
);
CREATE INDEX IF NOT EXISTS doc_tables_doc ON doc_tables(doc_id);
CREATE INDEX IF NOT EXISTS table_rows_doc ON table_rows(doc_id);
CREATE INDEX IF NOT EXISTS table_rows_label ON table_rows(row_label);
"""


def _passage_for(passages, line: int) -> tuple[str, str]:
    """(passage ordinal, money unit) of the passage holding an original line; table passages first."""
    best = None
    for p in passages:
        if p.line_start <= line <= p.line_end:
            if p.is_table:
                return p.ordinal, p.money_unit
            best = best or p
    if best is None:
        near = min(passages, key=lambda p: min(abs(p.line_start - line), abs(p.line_end - line)), default=None)
        return (near.ordinal, near.money_unit) if near else (None, "")
    return best.ordinal, best.money_unit


def row_flags(table: Table) -> dict[tuple[str, str], str]:
    """(row label, column name) -> the mismatch note for a printed figure that is not the sum of its parts."""
    flags: dict[tuple[str, str], str] = {}
    for issue in table.checks.get("issues", []):
        flags[(issue["row"], issue["column"])] = f"{issue['rule']}不符：印刷{issue['printed']}，分项合计{_fmt(issue['sum'])}"
    return flags


def _fmt(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def table_records(doc, table: Table, ordinal: int) -> tuple[tuple, list[tuple]]:
    table_id = f"{doc.doc_id}-t{ordinal:03d}"
    flags = row_flags(table)
    records = []
    fallback_unit = ""
    for index, row in enumerate(table.rows):
        pord, punit = _passage_for(doc.passages, row.line_start)
        unit = table.unit or punit or fallback_unit
        fallback_unit = fallback_unit or unit
        pid = passage_id(doc.doc_id, pord) if pord is not None else ""
        for col, text in sorted(row.values.items()):
            column = table.columns[col] if col < len(table.columns) else None
            header = column.name if column else str(col)
            value = parse_value(text)
            wan = value * TO_WAN[unit] if value is not None and unit in TO_WAN else None
            records.append((table_id, doc.doc_id, index, table.title, table.kind, unit, header, row.label, row.code,
                            row.level, row.context, col, text, wan, row.line_start, row.line_end, pid,
                            int(row.is_total), flags.get((row.label, header), "")))
    data = table.to_dict()
    data["table_id"] = table_id
    data["row_passages"] = [passage_id(doc.doc_id, o) if o is not None else ""
                            for o in (_passage_for(doc.passages, r.line_start)[0] for r in table.rows)]
    head = (table_id, doc.doc_id, ordinal, table.title, table.kind, table.unit, table.line_start, table.line_end,
            len(table.rows), table.checks.get("checked", 0), table.checks.get("failed", 0),
            json.dumps(data, ensure_ascii=False))
    return head, records


def rows_stage(conn: sqlite3.Connection, added, removed_ids) -> None:
    """Index build stage: keep the tables and their rows in step with the documents of the generation."""
    conn.executescript(SCHEMA)
    for doc_id in removed_ids:
        conn.execute("DELETE FROM doc_tables WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM table_rows WHERE doc_id = ?", (doc_id,))
    heads, rows = [], []
    for doc in added:
        conn.execute("DELETE FROM doc_tables WHERE doc_id = ?", (doc.doc_id,))
        conn.execute("DELETE FROM table_rows WHERE doc_id = ?", (doc.doc_id,))
        for ordinal, table in enumerate(getattr(doc, "tables", []) or []):
            head, records = table_records(doc, table, ordinal)
            heads.append(head)
            rows += records
    conn.executemany(f"INSERT INTO doc_tables VALUES ({','.join('?' * 12)})", heads)
    conn.executemany(f"INSERT INTO table_rows ({','.join(ROW_COLUMNS)}) VALUES ({','.join('?' * len(ROW_COLUMNS))})",
                     rows)
