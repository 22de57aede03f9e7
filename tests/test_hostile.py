"""Hostile and odd inputs (issue 5): every request gets a normal 200 or a 400/404 in the standard shape
{"error": {"code", "message"}} — never a 500, never a traceback — and no document or query text is ever
rendered as HTML. Runs the real app over real indexes built from the sample corpus (see conftest.py).

The property tests run HOSTILE_EXAMPLES examples (default 1500) per endpoint and backend.
"""
from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from conftest import SAMPLE_CORPUS, make_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.cli import build_stages
from search.indexer import build_index

SEARCH_KEYS = {"mode", "took_ms", "total", "results"}
ASK_KEYS = {"question", "answer", "answer_type", "facts", "citations", "took_ms"}
RESULT_KEYS = {"id", "file", "title", "unit", "region", "year", "kind", "section", "text", "highlight", "score",
               "channels", "line_start", "line_end"}
MAX_ANSWER_CHARS = 300

# -- the odd inputs ------------------------------------------------------------------------------------

WHOOSH_SYNTAX = [
    "AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE", "AND OR NOT", "AND AND AND", "OR ( NOT", "三公 AND 经费",
    "三公 OR", "NOT 三公经费", "三公经费 NOT", "title:三公", "text:*", "*:*", ":", "a:b:c", "field:", "*", "?", "**",
    "三公*", "经?费", "*经费", '"', '""', '"""', '"三公经费', '三公经费"', '"三公 经费"~3', "(", ")", "((三公", "三公))",
    "()", "[", "]", "[2020 TO 2025]", "[TO]", "{", "}", "{三公 TO 经费}", "{}", "^", "三公^5", "三公^", "^^^", "~",
    "三公~2", "~~", "/", "//", "/三公/", "\\", "\\\\", "三公\\", "\\\"", "-三公 +经费", "!三公", "三公 && 经费 || 费",
    " ".join('AND OR NOT : * ? " ( ) [ ] { } ^ ~ / \\'.split()), 'AND OR NOT : * ? " ( ) [ ] { } ^ ~ / \\',
    "<", ">", "<=", "=", "'", "`", "三公经费 AND (公务接待费 OR 机关运行经费) NOT 决算",
]
CONTROL = [
    "\x00", "三公\x00经费", "\x00" * 50, "\x1b[31m三公经费\x1b[0m", "\x1b", "\u202e三公经费", "\u202e", "\u202d\u202c",
    "\u200b", "三\u200b公\u200b经\u200b费", "\ufeff三公经费", "\r\n三公\r\n", "\t三公经费\t", "\x7f", "\x08\x08\x08",
    "\u2028\u2029", "\x0b\x0c", "\ufffd", "\uffff", "\U0010ffff", "\x85", "三公经费\x00' OR 1=1",
]
SCRIPTS = [
    "💰💸", "三公经费🤔", "👨\u200d👩\u200d👧\u200d👦", "🇨🇳🇺🇸", "💩" * 100, "Санкции 三公 경비 العربية 経費 ΑΒΓ",
    "ｔｅｓｔ　三公", "（三公经费）", "２０２４年三公经费", "٢٠٢٤ 三公经费", "२०२४", "㈠㈡㈢", "é́́́́", "ﷺ" * 100, "㍻",
    "\u0301" * 20, "Ⅻ年三公经费", "三公経費", "三公經費", "שלום 三公", "ภาษาไทย", "𠀀𠀁𠀂", "ⓐⓑⓒ", "⁰¹²³",
]
MARKUP_AND_INJECTION = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>", "</textarea><script>",
    "&lt;&amp;&#x27;", "<!--", "]]>", "{{7*7}}", "{% raw %}", "${jndi:ldap://127.0.0.1/x}", "%s%s%n", "{0}", "{q}",
    "'; DROP TABLE facts; --", "1' OR '1'='1", "\" OR 1=1 --", "三公经费' UNION SELECT * FROM documents --",
    "'); DELETE FROM passages; --", "%", "%%", "_", "../../etc/passwd", "C:\\Windows\\win.ini", "file:///etc/passwd",
    ".*", "(a+)+$", "[[:alpha:]]", "\\d+", "(?P<x>", "\\", "$1",
]
NUMBERS_AND_QUESTIONS = [
    "超过99999999999999999999999万元的单位", "超过1e309万元", "超过" + "9" * 400 + "万元", "低于0.0000001元",
    "2099年三公经费", "0000年", "2024年2025年2026年三公经费", "哪个局三公经费为零", "哪个局三公经费最高",
    "机关运行经费比上年增长多少", "什么是", "是什么", "什么是？", "？", "多少", "几辆车", "编制",
    "东昌府区医疗保障局项目支出", "海东市平安区医疗保障局2024年部门预算三公经费是多少", "占比", "完成率",
    "1", "0", "-1", "3.14159", "1,234,567.89万元", "NaN", "Infinity", "null", "true", "[]", "{}",
]
LONG = ["x" * 10_000, "三公经费" * 2_500, "经" * 500, "经" * 501, "三公经费是多少" * 71, "a " * 5_000]
EMPTY = ["", " ", "   ", "\t\n", "\u3000", "\u3000\u3000 \t", "\n" * 100]
ODD_QUERIES = WHOOSH_SYNTAX + CONTROL + SCRIPTS + MARKUP_AND_INJECTION + NUMBERS_AND_QUESTIONS + LONG + EMPTY

ODD_K = ["abc", "-1", "-99999", "0", "1e3", "9" * 30, "9" * 5_000, "1.5", " 5 ", "0x10", "５", "١٠", "", " ",
         "None", "null", "NaN", "inf", "-inf", "\x00", "5\x00", "<script>", "'; DROP TABLE facts; --", "+5", "1_0",
         "10" * 1000, "-0", "100", "101"]
ODD_K_JSON = [-1, 0, 1, 100, 101, 10 ** 30, -10 ** 30, 1.5, 5.0, True, False, None, "5", "abc", [], [5], {},
              {"$gt": 1}, 1e308]


def _ids(values):
    return [repr(v)[:40] for v in values]


# -- shape checks ------------------------------------------------------------------------------------------


def describe(response) -> str:
    return f"{response.request.method} {response.request.url} -> {response.status_code}: " \
           f"{response.get_data(as_text=True)[:500]}"


def assert_no_traceback(response):
    text = response.get_data(as_text=True)
    assert "Traceback (most recent call last)" not in text, describe(response)
    assert "internal_error" not in text, describe(response)


def assert_error_shape(body, response=None):
    where = describe(response) if response is not None else repr(body)
    assert isinstance(body, dict) and set(body) == {"error"}, where
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message"}, where
    assert isinstance(error["code"], str) and error["code"], where
    assert isinstance(error["message"], str) and error["message"], where


def assert_safe_highlight(result: dict):
    """Highlights are escaped text plus <mark>…</mark>, nothing else that a browser would parse as markup."""
    assert isinstance(result["highlight"], str)
    assert "<" not in re.sub(r"</?mark>", "", result["highlight"]), result["highlight"]


def assert_result(result: dict):
    assert RESULT_KEYS <= set(result), sorted(result)
    assert isinstance(result["line_start"], int) and isinstance(result["line_end"], int)
    assert result["line_start"] <= result["line_end"]
    assert_safe_highlight(result)


def check_api(response, endpoint: str, allowed=(200, 400), k=None):
    """200 with the endpoint's shape, or an allowed error status with the standard error shape."""
    assert response.status_code in allowed, describe(response)
    assert response.mimetype == "application/json", describe(response)
    assert_no_traceback(response)
    body = response.get_json()
    if response.status_code != 200:
        assert_error_shape(body, response)
        return body
    if endpoint.endswith("/search"):
        assert SEARCH_KEYS <= set(body), describe(response)
        assert isinstance(body["results"], list) and isinstance(body["total"], int)
        assert body["total"] >= len(body["results"])
        if k is not None:
            assert len(body["results"]) <= k
        for result in body["results"]:
            assert_result(result)
    elif endpoint.endswith("/ask"):
        assert ASK_KEYS <= set(body), describe(response)
        assert isinstance(body["answer"], str) and len(body["answer"]) <= MAX_ANSWER_CHARS
        assert isinstance(body["facts"], list) and isinstance(body["citations"], list)
        for result in body["citations"]:
            assert_result(result)
    return body


def check_page(response, allowed=(200, 400, 404)):
    assert response.status_code in allowed, describe(response)
    assert_no_traceback(response)
    if response.status_code != 200 and response.mimetype == "application/json":
        assert_error_shape(response.get_json(), response)
    return response.get_data(as_text=True)


def _valid_k(k) -> int | None:
    try:
        value = int(str(k).strip())
    except ValueError:
        return None
    return value if 1 <= value <= 100 else None


# -- odd queries on /api/search and /api/ask, both backends ----------------------------------------------


@pytest.mark.parametrize("q", ODD_QUERIES, ids=_ids(ODD_QUERIES))
def test_odd_queries_are_200_or_400(client, q):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(client.get(endpoint, query_string={"q": q}), endpoint)
        check_api(client.post(endpoint, json={"q": q}), endpoint)


@pytest.mark.parametrize("q", ["x" * 10_000, "三公经费" * 2_500, "经" * 501])
def test_overlong_query_is_400_query_too_long(keyword_client, q):
    for endpoint in ("/api/search", "/api/ask"):
        body = check_api(keyword_client.get(endpoint, query_string={"q": q}), endpoint, allowed=(400,))
        assert body["error"]["code"] == "query_too_long"


@pytest.mark.parametrize("q", EMPTY, ids=_ids(EMPTY))
def test_empty_and_whitespace_queries_are_400_missing_query(keyword_client, q):
    for endpoint in ("/api/search", "/api/ask"):
        body = check_api(keyword_client.get(endpoint, query_string={"q": q}), endpoint, allowed=(400,))
        assert body["error"]["code"] == "missing_query"
        body = check_api(keyword_client.post(endpoint, json={"q": q}), endpoint, allowed=(400,))
        assert body["error"]["code"] == "missing_query"


def test_whoosh_syntax_is_just_text(keyword_client):
    """Operators are not parsed: a query wrapped in syntax finds what the bare words find."""
    plain = keyword_client.get("/api/search", query_string={"q": "公务接待费"}).get_json()
    for q in ('"公务接待费', "(公务接待费", "公务接待费*", "text:公务接待费", "公务接待费^", "NOT 公务接待费"):
        body = check_api(keyword_client.get("/api/search", query_string={"q": q}), "/api/search")
        assert body["results"], q
        assert body["results"][0]["id"] in {r["id"] for r in plain["results"]}, q


@pytest.mark.parametrize("k", ODD_K, ids=_ids(ODD_K))
def test_odd_k_in_query_string(keyword_client, k):
    for endpoint in ("/api/search", "/api/ask"):
        body = check_api(keyword_client.get(endpoint, query_string={"q": "三公经费", "k": k}), endpoint,
                         k=_valid_k(k))
        if str(k).strip() and _valid_k(k) is None:
            assert "error" in body and body["error"]["code"] == "bad_parameter", (endpoint, k, body)


@pytest.mark.parametrize("k", ODD_K_JSON, ids=_ids(ODD_K_JSON))
def test_odd_k_in_json_body(keyword_client, k):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(keyword_client.post(endpoint, json={"q": "三公经费", "k": k}), endpoint)


@pytest.mark.parametrize("raw", ['{"q": "三公经费", "k": NaN}', '{"q": "三公经费", "k": Infinity}',
                                 '{"q": "三公经费", "k": -Infinity}', '{"q": "三公经费", "k": 1e400}',
                                 '{"q": NaN}', '{"q": 1e400}', '{"q": "三公经费", "k": 5, "k": "abc"}',
                                 '{"q": "三公经费", "q": ""}'])
def test_non_standard_json_numbers_and_duplicate_keys(keyword_client, raw):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(keyword_client.post(endpoint, data=raw, content_type="application/json"), endpoint)


@pytest.mark.parametrize("params", [
    {"q": "三公经费", "foo": "bar"},
    {"q": "三公经费", "__proto__": "x", "constructor": "y", "callback": "alert"},
    {"q": "三公经费", "page": "abc"},
    {"q": "三公经费", "page": "-1"},
    {"q": "三公经费", "page": "9" * 50},
    {"q": "三公经费", "page": "1000"},
    {"q": "三公经费", "offset": "-5", "limit": "-5", "format": "xml"},
    {"q": "三公经费", "unit": "<script>alert(1)</script>"},
    {"q": "三公经费", "unit": "'; DROP TABLE facts; --"},
    {"q": "三公经费", "unit": "\x00"},
    {"q": "三公经费", "unit": "x" * 10_000},
    {"q": "三公经费", "year": "abc"},
    {"q": "三公经费", "year": "-2024"},
    {"q": "三公经费", "year": "9" * 5_000},
    {"q": "三公经费", "year": "２０２４"},
    {"q": "三公经费", "year": "1989"},
    {"q": "三公经费", "kind": "其他"},
    {"q": "三公经费", "kind": "决算\x00"},
    {"q": "三公经费", "kind": "x" * 1000},
    {"q": "三公经费", "kind": "预算", "year": "2024", "unit": "医疗保障局", "k": "3"},
    {"q": "三公经费", "x" * 1000: "y" * 1000},
    {"q": "三公经费", "": ""},
], ids=lambda p: _ids([p])[0])
def test_unknown_and_odd_parameters(client, params):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(client.get(endpoint, query_string=params), endpoint)
        check_api(client.post(endpoint, json=params), endpoint)


@pytest.mark.parametrize("query_string", [
    "q=三公经费&q=公务接待费",
    "q=三公经费&q=<script>alert(1)</script>",
    "q=&q=三公经费",
    "q=三公经费&k=5&k=abc",
    "q=三公经费&k=abc&k=5",
    "q=三公经费&k=5&k=5&k=5&unit=a&unit=b&year=2024&year=x",
    "q=%E4%B8%89%E5%85%AC&q",
    "q",
    "q=",
    "=",
    "&&&",
    "q=%ff%fe%00",
    "q=%E4%B8",
    "q=%ED%A0%80",
    "q=%ED%A0%80%ED%B0%80",
    "q=%zz%",
    "q=%2522%2527",
    "q=a+AND+b&k=%2B5",
    "q[]=三公&q[]=经费",
    "q[q]=1",
    "q=三公经费&" + "&".join(f"p{i}={i}" for i in range(500)),
    "q=三公经费;k=3",
])
def test_repeated_and_malformed_query_strings(client, query_string):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(client.get(f"{endpoint}?{query_string}"), endpoint)


JSON_BODIES = [
    ["q", "三公经费"], "三公经费", 5, None, True, {"q": 5}, {"q": 0}, {"q": -1.5}, {"q": None}, {"q": {}},
    {"q": {"q": "三公经费"}}, {"q": []}, {"q": ["三公经费"]}, {"q": True}, {"q": False}, {"q": 10 ** 40}, {},
    {"q": "三公经费", "unit": {"$ne": 1}}, {"q": "三公经费", "unit": ["a"]}, {"q": "三公经费", "year": [2024]},
    {"q": "三公经费", "kind": None}, {"q": "三公经费", "year": True}, {"q": "三公经费", "year": 2024.0},
    {"q": "三公经费", "page": {}}, [{"q": "三公经费"}],
]


@pytest.mark.parametrize("body", JSON_BODIES, ids=_ids(JSON_BODIES))
def test_json_bodies_of_every_type(client, body):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(client.post(endpoint, data=json.dumps(body), content_type="application/json"), endpoint)


def test_json_body_type_errors_say_why(keyword_client):
    for body, code in ((["q"], "bad_json"), ("三公经费", "bad_json"), (5, "bad_json"), ({"q": {}}, "bad_parameter"),
                       ({"q": None}, "missing_query"), ({"q": ["三公"]}, "bad_parameter")):
        response = keyword_client.post("/api/search", json=body)
        assert check_api(response, "/api/search", allowed=(400,))["error"]["code"] == code, body
    assert check_api(keyword_client.post("/api/search", json={"q": 2024}), "/api/search", allowed=(200,))


@pytest.mark.parametrize("data, content_type", [
    (b"{not json", "application/json"),
    (b"", "application/json"),
    (b"null", "application/json"),
    (b'{"q": "\xff\xfe"}', "application/json"),
    ('{"q": "三公经费"}'.encode("utf-16"), "application/json"),
    ('{"q": "三公经费"}'.encode("gb18030"), "application/json; charset=gb18030"),
    (b'{"q": "\\u0000"}', "application/json"),
    (b'{"q": "three"}' * 1000, "application/json"),
    (b'{"q": "\xe4\xb8\x89\xe5\x85\xac"}', "text/plain"),
    (b"q=%E4%B8%89%E5%85%AC", "application/x-www-form-urlencoded"),
    (b"q=&k=abc", "application/x-www-form-urlencoded"),
    (b"\x00\x01\x02", "application/octet-stream"),
    ("<?xml version='1.0'?><q>三公</q>".encode(), "application/xml"),
    (b"--x\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n\xe4\xb8\x89\xe5\x85\xac\r\n--x--\r\n",
     "multipart/form-data; boundary=x"),
    (json.dumps({"q": "三公经费", "pad": "x" * 1_000_000}).encode(), "application/json"),
])
def test_odd_post_bodies(client, data, content_type):
    for endpoint in ("/api/search", "/api/ask"):
        check_api(client.post(endpoint, data=data, content_type=content_type), endpoint)


@pytest.mark.parametrize("depth", [100, 100_000])
@pytest.mark.parametrize("shape", ["list", "q_list", "object"])
@pytest.mark.parametrize("endpoint", ["/api/search", "/api/ask", "/api/facts"])
def test_deeply_nested_json_body_is_not_500(keyword_client, endpoint, shape, depth):
    """A body nested deeper than Python's recursion limit (RecursionError in json.loads) must be a 400."""
    data = {"list": "[" * depth + "]" * depth,
            "q_list": '{"q": ' + "[" * depth + "]" * depth + "}",
            "object": '{"a":' * depth + "1" + "}" * depth}[shape]
    check_api(keyword_client.post(endpoint, data=data, content_type="application/json"), endpoint)


SURROGATE_BODIES = ['{"q": "\\ud800"}', '{"q": "三公\\udfff经费"}', '{"q": "\\udc00\\ud800"}',
                    '{"q": "三公经费", "unit": "\\ud800"}', '{"q": "三公经费", "k": "\\ud800"}',
                    '{"metric": "\\ud800"}', '{"metric": "三公经费", "unit": "\\ud800"}']


@pytest.mark.parametrize("raw", SURROGATE_BODIES)
@pytest.mark.parametrize("endpoint", ["/api/search", "/api/ask", "/api/facts"])
def test_lone_surrogates_in_json_strings_are_not_500(client, endpoint, raw):
    """JSON allows \\ud800 escapes that are not valid Unicode; they must be a 400 (or be replaced), not a 500."""
    check_api(client.post(endpoint, data=raw, content_type="application/json"), endpoint)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_the_standard_shape(keyword_client, method):
    for path in ("/api/search", "/api/ask", "/api/facts", "/api/health", "/api/documents"):
        response = keyword_client.open(path, method=method, json={"q": "三公经费"})
        assert response.status_code == 405, describe(response)
        assert_error_shape(response.get_json(), response)


def test_unknown_api_paths_get_the_standard_shape(keyword_client):
    for path in ("/api/nope", "/api/", "/api/search/extra", "/api/documents/", "/api/%00", "/api/" + "x" * 5000):
        response = keyword_client.get(path)
        assert response.status_code == 404, describe(response)
        assert_error_shape(response.get_json(), response)


# -- /api/facts -------------------------------------------------------------------------------------------

FACTS_PARAMS = [
    {}, {"metric": ""}, {"metric": "三公经费"}, {"metric": "三公"}, {"metric": "unknown"}, {"metric": "AND OR NOT"},
    {"metric": "<script>alert(1)</script>"}, {"metric": "'; DROP TABLE facts; --"}, {"metric": "\x00"},
    {"metric": "x" * 10_000}, {"metric": "💰"}, {"metric": "*"}, {"metric": "%"}, {"metric": "\u202e三公经费"},
    {"metric": "公务接待费", "unit": "东昌府"}, {"unit": "'; DROP TABLE facts; --"}, {"unit": "x" * 10_000},
    {"unit": "\x00"}, {"unit": "%"}, {"year": "abc"}, {"year": "-1"}, {"year": "99999"}, {"year": "2024"},
    {"year": "9" * 5_000}, {"year": "２０２４"}, {"kind": "预算"}, {"kind": "其他"}, {"kind": "<b>"},
    {"basis": "决算"}, {"basis": "x"}, {"basis": "预算 "}, {"basis": "x" * 1000}, {"limit": "0"}, {"limit": "-1"},
    {"limit": "abc"}, {"limit": "1"}, {"limit": "100000"}, {"limit": "100001"}, {"limit": "9" * 40},
    {"limit": "1e3"}, {"limit": ""}, {"metric": "三公经费", "unit": "医疗保障局", "year": "2024", "kind": "预算",
                                       "basis": "预算", "limit": "3"},
    {"metric": "三公经费", "foo": "bar", "sort": "'; DROP"},
]


@pytest.mark.parametrize("params", FACTS_PARAMS, ids=lambda p: _ids([p])[0])
def test_facts_odd_parameters(client, params):
    check_api(client.get("/api/facts", query_string=params), "/api/facts")
    check_api(client.post("/api/facts", json=params), "/api/facts")
    response = client.get("/api/facts.csv", query_string=params)
    assert response.status_code in (200, 400), describe(response)
    assert_no_traceback(response)
    if response.status_code == 400:
        assert_error_shape(response.get_json(), response)


@pytest.mark.parametrize("body", [["metric"], "三公经费", 5, None, {"metric": 5}, {"metric": None},
                                  {"metric": {}}, {"metric": ["三公经费"]}, {"limit": [1]}, {"limit": 1.5},
                                  {"limit": True}, {"year": {"$gt": 2000}}, {"basis": 0}, {"kind": []}],
                         ids=lambda b: _ids([b])[0])
def test_facts_json_bodies_of_every_type(keyword_client, body):
    check_api(keyword_client.post("/api/facts", json=body), "/api/facts")


def test_facts_bad_values_are_400_bad_parameter(keyword_client):
    for params in ({"metric": "unknown"}, {"year": "abc"}, {"kind": "草稿"}, {"basis": "x"}, {"limit": "0"},
                   {"limit": "abc"}, {"limit": "9" * 40}):
        body = check_api(keyword_client.get("/api/facts", query_string=params), "/api/facts", allowed=(400,))
        assert body["error"]["code"] == "bad_parameter", params


# -- documents: ids never reach files ------------------------------------------------------------------

TRAVERSAL_IDS = [
    "nope", "..", ".", "...", "..%2F", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "%252e%252e%252fetc%252fpasswd", "..%5C..%5Cwindows%5Cwin.ini",
    "..%255c..%255c", "%c0%ae%c0%ae%c0%af", "%C0%AE%C0%AE/etc/passwd", "....%2F%2F....%2F%2Fetc%2Fpasswd",
    "%2Fetc%2Fpasswd", "%2F%2Fetc%2Fpasswd", "C:%5CWindows%5Cwin.ini", "C:", "%00", "nope%00.txt", "nope%00",
    "%2e", "%2e%2e", "store.sqlite", "manifest.json", "current", "keyword", "vectors.npy", "index",
    "000_e6f0054cb91bf0b4.txt", "000_e6f0054cb91bf0b4", "a" * 64, "a" * 65, "a" * 80, "a" * 10_000,
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "'%20OR%201=1%20--", "%27%3B%20DROP%20TABLE%20documents%3B%20--",
    "*", "%2A", "%3F", "%25", "%E4%B8%89%E5%85%AC", "%F0%9F%92%B0", "%ff%fe", "~root", "%7E",
]
TRAVERSAL_PATHS = ["../../etc/passwd", "..//..//etc/passwd", "/etc/passwd", "//etc/passwd", "./", "../", "a/b",
                   "%2e%2e/%2e%2e/etc/passwd", "..;/..;/etc/passwd"]


def _real_doc_ids(client) -> list[str]:
    return [d["doc_id"] for d in client.get("/api/documents").get_json()["documents"]]


@pytest.mark.parametrize("doc_id", TRAVERSAL_IDS, ids=_ids(TRAVERSAL_IDS))
def test_document_ids_cannot_escape_the_index(client, doc_id):
    response = client.get(f"/api/documents/{doc_id}")
    assert response.status_code == 404, describe(response)
    assert response.mimetype == "application/json"
    assert_error_shape(response.get_json(), response)
    assert response.get_json()["error"]["code"] == "not_found"
    assert "root:" not in response.get_data(as_text=True)
    for page in (f"/doc/{doc_id}", f"/files/{doc_id}"):
        response = client.get(page)
        assert response.status_code == 404, describe(response)
        assert_no_traceback(response)
        assert "root:" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", TRAVERSAL_PATHS, ids=_ids(TRAVERSAL_PATHS))
def test_document_paths_with_slashes_are_404(keyword_client, path):
    real = _real_doc_ids(keyword_client)[0]
    for prefix in ("/api/documents/", f"/api/documents/{real}/", "/doc/", f"/doc/{real}/", "/files/"):
        response = keyword_client.get(prefix + path)
        assert response.status_code == 404, describe(response)
        assert_no_traceback(response)
        assert "root:" not in response.get_data(as_text=True)
        if prefix.startswith("/api/"):
            assert_error_shape(response.get_json(), response)


def test_real_document_ids_still_work_and_odd_line_params_are_harmless(keyword_client):
    for doc_id in _real_doc_ids(keyword_client):
        assert keyword_client.get(f"/api/documents/{doc_id}").status_code == 200
        for query in ("", "?start=abc", "?start=-1&end=-5", "?start=5&end=1", "?start=" + "9" * 40,
                      "?start=1&end=" + "9" * 5000, "?start=%00", "?start=1&start=2", "?start=<script>"):
            check_page(keyword_client.get(f"/doc/{doc_id}{query}"), allowed=(200,))


# -- HTML pages -------------------------------------------------------------------------------------------

PAGE_QUERIES = [q for q in ODD_QUERIES if len(q) <= 600] + ["x" * 10_000]


@pytest.mark.parametrize("q", PAGE_QUERIES, ids=_ids(PAGE_QUERIES))
def test_search_page_never_500(keyword_client, q):
    html = check_page(keyword_client.get("/", query_string={"q": q}), allowed=(200, 400))
    if "alert(" in q or "<script" in q or "</textarea" in q:
        assert q not in html


@pytest.mark.parametrize("params", [
    {"q": "三公经费", "k": "abc"}, {"q": "三公经费", "page": "abc"}, {"q": "三公经费", "page": "-1"},
    {"q": "三公经费", "page": "9" * 50}, {"q": "三公经费", "page": "1000"}, {"q": "三公经费", "year": "abc"},
    {"q": "三公经费", "year": "9" * 5_000}, {"q": "三公经费", "kind": "其他"}, {"q": "三公经费", "unit": "\x00"},
    {"q": "三公经费", "unit": "<script>alert(1)</script>"}, {"q": "", "year": "abc"}, {"foo": "bar"},
    {"q": "\x00"}, {"q": "三公经费", "page": "2"}, {"q": "三公经费", "page": "１"},
], ids=lambda p: _ids([p])[0])
def test_search_page_odd_parameters(keyword_client, params):
    html = check_page(keyword_client.get("/", query_string=params), allowed=(200, 400))
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("query_string", ["q=三公经费&q=<script>alert(1)</script>", "q=%ff%fe", "q[]=1", "q=%zz",
                                          "q=三公经费&page=2&page=x"])
def test_search_page_malformed_query_strings(keyword_client, query_string):
    check_page(keyword_client.get(f"/?{query_string}"), allowed=(200, 400))


@pytest.mark.parametrize("params", FACTS_PARAMS[:20], ids=lambda p: _ids([p])[0])
def test_facts_page_never_500(keyword_client, params):
    html = check_page(keyword_client.get("/facts", query_string=params))
    assert "<script>alert(1)" not in html


# -- nothing from a document or a query is rendered as HTML -------------------------------------------

PLANTED_SCRIPT = "<script>alert(1)</script>"
PLANTED_IMG = "<img src=x onerror=alert(1)>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"
PLANTED_PARAGRAPH = (f"\n\n七、转义检验说明\n\n本单位转义检验段落：{PLANTED_SCRIPT}与{PLANTED_IMG}"
                     "均为转义检验文字，不得作为网页代码执行。\n")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """An index over the sample corpus with markup planted in one document: (client, doc_id)."""
    root = tmp_path_factory.mktemp("planted")
    corpus = root / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    target = sorted(corpus.glob("*.txt"))[0]
    with target.open("a", encoding="utf-8") as handle:
        handle.write(PLANTED_PARAGRAPH)
    build_index(corpus, root / "index", None, extra_stages=build_stages())
    app = make_app(root / "index")
    app.config["CORPUS_DIR"] = str(corpus)
    client = app.test_client()
    doc_id = next(d["doc_id"] for d in client.get("/api/documents").get_json()["documents"]
                  if d["file"] == target.name)
    return client, doc_id


def assert_html_escaped(html: str, expect_escaped: bool = True):
    assert PLANTED_SCRIPT not in html and "<script>alert" not in html
    assert PLANTED_IMG not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
    if expect_escaped:
        assert ESCAPED_SCRIPT in html and ESCAPED_IMG in html


def test_planted_markup_is_indexed_as_text(planted):
    client, doc_id = planted
    doc = client.get(f"/api/documents/{doc_id}").get_json()
    text = "".join(line["text"] for line in doc["lines"])
    assert PLANTED_SCRIPT in text and PLANTED_IMG in text


def test_planted_markup_is_escaped_in_json_highlights(planted):
    client, _ = planted
    for q in ("转义检验", "转义检验 alert onerror script img"):
        body = check_api(client.get("/api/search", query_string={"q": q}), "/api/search")
        hits = [r for r in body["results"] if PLANTED_SCRIPT in r["text"]]
        assert hits, [r["text"][:80] for r in body["results"]]
        for r in body["results"]:
            assert_safe_highlight(r)
        unmarked = [re.sub(r"</?mark>", "", r["highlight"]) for r in hits]
        assert any(ESCAPED_SCRIPT in h and ESCAPED_IMG in h for h in unmarked), unmarked
        assert any("<mark>" in r["highlight"] for r in hits)
    body = check_api(client.get("/api/ask", query_string={"q": "转义检验段落是什么"}), "/api/ask")
    for citation in body["citations"]:
        assert_safe_highlight(citation)


def test_query_markup_is_escaped_in_json_highlights(planted):
    client, _ = planted
    q = f"{PLANTED_SCRIPT} {PLANTED_IMG} 转义检验"
    for endpoint, key in (("/api/search", "results"), ("/api/ask", "citations")):
        body = check_api(client.get(endpoint, query_string={"q": q}), endpoint)
        assert body[key]
        for r in body[key]:
            assert_safe_highlight(r)


def test_planted_markup_is_escaped_on_the_pages(planted):
    client, doc_id = planted
    html = check_page(client.get("/", query_string={"q": "转义检验"}), allowed=(200,))
    assert_html_escaped(html)
    html = check_page(client.get(f"/doc/{doc_id}"), allowed=(200,))
    assert_html_escaped(html)
    html = check_page(client.get(f"/doc/{doc_id}?start=1&end=9999"), allowed=(200,))
    assert_html_escaped(html)


def test_query_markup_is_escaped_on_the_search_page(planted):
    client, _ = planted
    for q in (f"{PLANTED_SCRIPT} {PLANTED_IMG} 转义检验", f"{PLANTED_SCRIPT}{PLANTED_IMG}",
              f'"><script>alert(1)</script>{PLANTED_IMG}', "x" * 600 + PLANTED_SCRIPT):
        response = client.get("/", query_string={"q": q})
        html = check_page(response, allowed=(200, 400))
        assert_html_escaped(html, expect_escaped=response.status_code == 200 and len(q) <= 500)
        assert "<svg onload" not in html and '"><script' not in html
        assert "<script>" not in response.headers.get("Link", "")


# -- property tests: arbitrary text and k --------------------------------------------------------------

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "1500"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))

OPERATOR_TOKENS = ["AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE", ":", "*", "?", '"', "(", ")", "[", "]", "{", "}",
                   "^", "~", "/", "\\", "'", "-", "+", "!", "&&", "||", "*:*", "text:", "title:", "~2", "^3"]
BUDGET_WORDS = ["三公经费", "公务接待费", "因公出国(境)费", "公务用车购置及运行费", "机关运行经费", "政府采购",
                "项目支出", "基本支出", "医疗保障局", "医保局", "东昌府区", "临夏州", "海东市", "平安区", "北京市",
                "哪个局", "哪些单位", "为零", "最高", "最低", "超过", "低于", "万元", "亿元", "元", "比上年", "增长",
                "减少", "占比", "完成率", "决算", "预算", "2024年", "2025", "2026年", "年", "多少", "是什么",
                "什么是", "几辆车", "编制", "收支预算规模", "一般公共预算", "财政拨款", "？", "。"]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
DIGITS = st.sampled_from("0123456789０１２３４５６７８９٠١٢.,，%-")
PUNCT = st.sampled_from(list("，。、；：？！“”‘’（）《》【】—…·!?.,;:()[]{}<>\"'`~@#$%^&*_+=|\\/ \t\n\u3000\x00\x1b"
                             "\u202e\u200b"))
TOKEN = st.one_of(
    st.sampled_from(BUDGET_WORDS), st.sampled_from(OPERATOR_TOKENS), st.text(CJK, min_size=1, max_size=6),
    st.text(DIGITS, min_size=1, max_size=12), st.text(PUNCT, min_size=1, max_size=3),
    st.integers(-10 ** 12, 10 ** 12).map(str), st.just(" "),
)
MIXED = st.tuples(st.lists(TOKEN, max_size=16), st.sampled_from(["", " ", "\u3000"])).map(lambda t: t[1].join(t[0]))
QUERIES = st.one_of(
    st.text(),
    MIXED,
    st.text(st.one_of(CJK, DIGITS, PUNCT), max_size=60),
)
LONG_QUERIES = st.text(st.one_of(CJK, DIGITS, PUNCT), min_size=480, max_size=520)
ODD_K_VALUES = st.one_of(
    st.integers(-2 ** 70, 2 ** 70), st.integers(-5, 120), st.text(max_size=12), st.floats(), st.booleans(),
    st.sampled_from(ODD_K), st.lists(st.integers(), max_size=2),
)
# about two thirds of the examples pass parameter validation, so the query text reaches the engine
K_VALUES = st.integers(0, 9).flatmap(
    lambda n: st.none() if n < 3 else st.integers(1, 100) if n < 7 else ODD_K_VALUES)
EXTRA = st.one_of(
    st.just({}),
    st.fixed_dictionaries({}, optional={"unit": st.sampled_from(["医疗保障局", "东昌府", "临夏", "x", ""]),
                                        "year": st.sampled_from(["2024", "2025", "2026", ""]),
                                        "kind": st.sampled_from(["预算", "决算", ""]), "foo": st.text(max_size=8)}),
    st.dictionaries(st.sampled_from(["unit", "year", "kind", "page", "foo", "callback", "k2"]),
                    st.one_of(st.text(max_size=20), st.integers(-5000, 5000)), max_size=3),
)


def _as_query_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize("endpoint", ["/api/search", "/api/ask"])
def test_property_arbitrary_text_and_k(app, endpoint):
    client = app.test_client()

    @FUZZ
    @given(q=QUERIES, k=K_VALUES, extra=EXTRA, post=st.booleans())
    def run(q, k, extra, post):
        params = dict(extra, q=q)
        if k is not None:
            params["k"] = k
        if post:
            response = client.post(endpoint, data=json.dumps(params), content_type="application/json")
        else:
            response = client.get(endpoint, query_string={name: _as_query_value(v) for name, v in params.items()})
        check_api(response, endpoint, k=_valid_k(k) if isinstance(k, (str, int)) and not isinstance(k, bool)
                  else None)

    run()


@pytest.mark.parametrize("endpoint", ["/api/search", "/api/ask"])
def test_property_queries_around_the_length_limit(keyword_index, endpoint):
    """Queries of 480–520 characters (the limit is 500; NFKC may lengthen them) are slower, so fewer examples."""
    client = make_app(keyword_index).test_client()

    @settings(FUZZ, max_examples=max(10, EXAMPLES // 30))
    @given(q=LONG_QUERIES, post=st.booleans())
    def run(q, post):
        response = client.post(endpoint, json={"q": q}) if post else client.get(endpoint, query_string={"q": q})
        body = check_api(response, endpoint)
        if len(q.strip()) > 500:
            assert body["error"]["code"] == "query_too_long"

    run()


# -- the page-image route and the page view of a real PDF (issue 15) ------------------------------------

ODD_PAGES = ["0", "-1", "00", "1.5", "1e3", "0x1", "abc", "9" * 7, "9" * 400, "１", "١", "Ⅻ", "%00", "%0a1", "1%20",
             "%20", "..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "1;rm", "<script>", "NaN", "inf", "-0", "+1",
             "1_0", "%F0%9F%92%B0", "%ff"]
ODD_PAGE_VIEWS = [
    {"start": "1", "page": "0"}, {"start": "1", "page": "-5"}, {"start": "1", "page": "9" * 40},
    {"start": "1", "page": "abc"}, {"start": "1", "end": "999999", "page": "2"}, {"start": "999999"},
    {"start": "-3", "end": "-1"}, {"start": "5", "end": "1"}, {"start": "1", "mark": "x" * 10_000},
    {"start": "1", "mark": "\x00\x1b\u202e"}, {"start": "1", "mark": "💰" * 50}, {"start": "1", "mark": ""},
    {"page": "2"}, {"mark": "三公经费"}, {"start": "1", "page": "2", "mark": "%"},
]


@pytest.fixture(scope="module")
def real_pdf(tmp_path_factory):
    """An index over one real 2026 PDF and the sample .txt files: (client, pdf doc, txt doc)."""
    from conftest import pdf_sample_corpus

    corpus = pdf_sample_corpus(tmp_path_factory, 100, "hostile-pdf")   # 3 PDFs + one .txt
    index = tmp_path_factory.mktemp("hostile-pdf-index") / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    client = make_app(index, corpus_dir=corpus).test_client()
    docs = client.get("/api/documents").get_json()["documents"]
    return (client, next(d for d in docs if d["source_format"] == "pdf"),
            next(d for d in docs if d["source_format"] != "pdf"))


@pytest.mark.parametrize("page", ODD_PAGES, ids=_ids(ODD_PAGES))
def test_page_image_odd_page_numbers_are_404(real_pdf, page):
    client, pdf, _ = real_pdf
    response = client.get(f"/files/{pdf['doc_id']}/pages/{page}.png")
    assert response.status_code == 404, describe(response)
    assert_no_traceback(response)
    assert response.mimetype != "image/png"


@pytest.mark.parametrize("doc_id", TRAVERSAL_IDS, ids=_ids(TRAVERSAL_IDS))
def test_page_image_ids_cannot_escape_the_index(real_pdf, doc_id):
    client, _, txt = real_pdf
    for url in (f"/files/{doc_id}/pages/1.png", f"/files/{txt['doc_id']}/pages/1.png"):
        response = client.get(url, follow_redirects=True)   # werkzeug redirects "//" to "/" first
        assert response.status_code == 404, describe(response)
        assert_no_traceback(response)
        assert "root:" not in response.get_data(as_text=True)


def test_page_image_wants_json_gets_the_standard_shape(real_pdf):
    client, pdf, _ = real_pdf
    response = client.get(f"/files/{pdf['doc_id']}/pages/0.png", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert_error_shape(response.get_json(), response)
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(f"/files/{pdf['doc_id']}/pages/1.png").status_code == 405


@pytest.mark.parametrize("params", ODD_PAGE_VIEWS, ids=_ids(ODD_PAGE_VIEWS))
def test_page_view_odd_parameters(real_pdf, params):
    client, pdf, txt = real_pdf
    for doc in (pdf, txt):
        check_page(client.get(f"/doc/{doc['doc_id']}", query_string=params), allowed=(200,))


def test_page_view_mark_is_text_not_markup(real_pdf):
    client, pdf, _ = real_pdf
    for mark in (PLANTED_SCRIPT, PLANTED_IMG, '" onload="alert(1)', "</figure><script>x</script>"):
        html = check_page(client.get(f"/doc/{pdf['doc_id']}", query_string={"start": 1, "page": 1, "mark": mark}),
                          allowed=(200,))
        assert PLANTED_SCRIPT not in html and "<img src=x" not in html and 'onload="alert' not in html
        assert "<script>x</script>" not in html


def test_property_page_segments_and_marks(real_pdf):
    client, pdf, _ = real_pdf

    @settings(FUZZ, max_examples=max(20, EXAMPLES // 10))
    @given(page=st.one_of(st.text(max_size=12), st.integers(-10 ** 9, 10 ** 9).map(str)),
           mark=st.text(max_size=60), start=st.one_of(st.integers(-5, 10 ** 6).map(str), st.text(max_size=5)))
    def run(page, mark, start):
        from urllib.parse import quote

        response = client.get(f"/files/{pdf['doc_id']}/pages/{quote(page, safe='')}.png")
        assert response.status_code in (200, 404), describe(response)
        if response.status_code != 200:   # a 200 is the PNG (not text): a valid page number such as '1'
            assert_no_traceback(response)
        check_page(client.get(f"/doc/{pdf['doc_id']}", query_string={"start": start, "page": page, "mark": mark}),
                   allowed=(200,))

    run()
