"""Request parameter parsing shared by the JSON API and the HTML pages (same rules, same errors)."""
from __future__ import annotations

import re

from flask import current_app, request

from .errors import ApiError
from .vocab import KINDS

_SURROGATE = re.compile("[\ud800-\udfff]")


def request_params() -> dict:
    """Query-string parameters, or a JSON object body for POST."""
    if request.method == "POST":
        try:
            body = request.get_json(silent=True)
        except RecursionError:   # silent=True only covers ValueError; absurdly nested JSON is still bad JSON
            body = None
        if body is None and request.form:
            return request.form.to_dict()
        if not isinstance(body, dict):
            raise ApiError(400, "bad_json", "POST body must be a JSON object, e.g. {\"q\": \"三公经费\"}")
        return body
    return request.args.to_dict()


def text_param(params: dict, name: str, required: bool = False, max_chars: int = 200) -> str:
    value = params.get(name)
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ApiError(400, "bad_parameter", f"'{name}' must be a string")
    value = str(value).strip()
    if _SURROGATE.search(value):
        raise ApiError(400, "bad_parameter", f"'{name}' contains invalid Unicode (a lone surrogate)")
    if required and not value:
        raise ApiError(400, "missing_query", f"'{name}' is required and must not be empty")
    if len(value) > max_chars:
        raise ApiError(400, "query_too_long", f"'{name}' is {len(value)} characters; the limit is {max_chars}")
    return value


def query_param(params: dict) -> str:
    return text_param(params, "q", required=True, max_chars=current_app.config["MAX_QUERY_CHARS"])


def int_param(params: dict, name: str, default: int | None, low: int, high: int) -> int | None:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ApiError(400, "bad_parameter", f"'{name}' must be an integer from {low} to {high}")
    return number


def filter_params(params: dict) -> dict:
    kind = text_param(params, "kind", max_chars=10)
    if kind and kind not in KINDS:
        raise ApiError(400, "bad_parameter", "'kind' must be 预算, 决算 or 其他")
    return {"unit": text_param(params, "unit", max_chars=100),
            "year": int_param(params, "year", None, 1990, 2100),
            "kind": kind}


def k_param(params: dict, default: int = 10) -> int:
    return int_param(params, "k", default, 1, current_app.config["MAX_K"])
