"""HTTP hardening shared by every route: response security headers and strict decoding of the query string.

Why each:
* `X-Content-Type-Options: nosniff` — an original .txt file or a JSON body is never sniffed into HTML;
* `X-Frame-Options: DENY` (and CSP `frame-ancestors 'none'`) — no page can be framed (clickjacking);
* `Content-Security-Policy` on HTML — scripts only from this origin or carrying the response's nonce (the
  two small inline scripts in the templates), no plugins, no <base> rewriting, forms post only here; styles
  may be inline (the templates use style attributes; styles cannot run code);
* a query string whose percent-escapes are not UTF-8 (`q=%ED%A0%80`, an encoded lone surrogate, or
  `%ff`) is refused with 400: werkzeug would otherwise decode it with replacement characters and the
  service would search for "���" as if the user had typed it.
"""
from __future__ import annotations

import secrets
from urllib.parse import unquote_to_bytes

from flask import g, request

from .errors import ApiError

CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def csp_nonce() -> str:
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def check_query_string() -> None:
    """400 when the raw query string does not decode as UTF-8 (werkzeug replaces bad bytes silently)."""
    raw = request.query_string
    if not raw:
        return
    for part in raw.replace(b";", b"&").split(b"&"):
        try:
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "bad_parameter", "the query string is not valid UTF-8 (a percent-encoded byte "
                                                 "sequence such as %ED%A0%80 encodes no character)") from None


def add_security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    return response


def register(app) -> None:
    app.before_request(check_query_string)
    app.after_request(add_security_headers)
    app.context_processor(lambda: {"csp_nonce": csp_nonce})
