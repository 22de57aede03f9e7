"""SQLite store of documents and passages inside an index generation (the figures table lives here too)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .vocab import passage_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, content_hash TEXT NOT NULL,
    unit TEXT, region TEXT, year INTEGER, kind TEXT, title TEXT, pages INTEGER, source_format TEXT,
    lines_json TEXT NOT NULL,
    page_starts_json TEXT NOT NULL DEFAULT '[]',  -- original line where each PDF page begins ([] for .txt)
    doc_type TEXT, coverage_json TEXT, dropped_json TEXT, ocr_pages INTEGER
);
CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id), ordinal INTEGER NOT NULL,
    section TEXT, text TEXT NOT NULL, line_start INTEGER, line_end INTEGER, is_table INTEGER,
    money_unit TEXT,
    page_start INTEGER, page_end INTEGER,  -- 1-based PDF pages of line_start/line_end; NULL for .txt
    ocr INTEGER
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
"""


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.executescript(SCHEMA)
    return conn


def insert_document(conn: sqlite3.Connection, doc) -> None:
    m = doc.meta
    conn.execute(
        "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (doc.doc_id, doc.file, doc.sha256, doc.content_hash, m.unit, m.region, m.year, m.kind, m.title,
         doc.pages, doc.source_format,
         json.dumps([[ln.start, ln.end, ln.text] for ln in doc.lines], ensure_ascii=False),
         json.dumps(doc.page_starts),
         getattr(m, "doc_type", ""), json.dumps(doc.coverage, ensure_ascii=False),
         json.dumps([[d.start, d.end, d.text, d.reason] for d in doc.dropped], ensure_ascii=False),
         len(doc.ocr_pages)))
    conn.executemany(
        "INSERT OR REPLACE INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(passage_id(doc.doc_id, p.ordinal), doc.doc_id, p.ordinal, p.section, p.text, p.line_start,
          p.line_end, int(p.is_table), p.money_unit, p.page_start, p.page_end, int(p.ocr)) for p in doc.passages])


def delete_document(conn: sqlite3.Connection, doc_id: str) -> None:
    # later stages (the figures table) clean up their own rows for removed documents
    for table in ("passages", "documents"):
        conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
