"""CSV downloads that are safe to open in a spreadsheet: every CSV the service writes goes through here.

Why: a text cell that begins with = + - @ (or a tab / carriage return, which some spreadsheets skip before
reading a formula) is run as a formula by Excel, LibreOffice and Google Sheets when the file is opened —
and our text cells carry file names and sentences from documents anyone can drop into the corpus
(`=HYPERLINK(...)`, `@SUM(...)`). OWASP's CSV-injection advice: prefix such cells with a single quote so
they are shown as text. Numbers stay numbers: int/float values are written as they are, and a text cell
that is just a plain number ("-3.20") is left alone (a spreadsheet reads it as that number, not a formula).
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def safe_cell(value):
    """The value as a spreadsheet should see it: text that could start a formula gets a leading '."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(rows, columns: list[str]) -> str:
    """UTF-8 CSV text with a BOM (so Excel reads the Chinese), one row per mapping, cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return "\ufeff" + buffer.getvalue()


def csv_response(rows, columns: list[str], filename: str) -> Response:
    return Response(csv_text(rows, columns), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
