"""The JSON API contract, run against both backends (keyword and hybrid) over real sample indexes."""
import json
import re

import pytest

RESULT_KEYS = {"id", "file", "title", "unit", "region", "year", "kind", "section", "text", "highlight", "score",
               "channels", "line_start", "line_end"}


def test_health_reports_mode_honestly(client, app):
    body = client.get("/api/health").get_json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["passages"] > 100
    expected = "hybrid" if app.extensions["budget_engine"].embedder else "keyword"
    assert body["mode"] == expected


def test_search_shape_and_channels(client, app):
    body = client.get("/api/search", query_string={"q": "公务接待费", "k": 5}).get_json()
    assert "query" not in body and len(body["results"]) == 5 and body["total"] >= 5
    for r in body["results"]:
        assert RESULT_KEYS <= set(r)
        assert r["line_start"] <= r["line_end"]
        assert set(r["channels"]) <= {"keyword", "semantic", "figures", "phrase"} and r["channels"]
    if body["mode"] == "hybrid":
        assert any("semantic" in r["channels"] for r in body["results"])


def test_named_unit_ranks_its_document_first(client):
    body = client.get("/api/search", query_string={"q": "东昌府区医疗保障局政府采购"}).get_json()
    assert body["results"][0]["unit"] == "聊城市东昌府区医疗保障局"


def test_filters_restrict_results(client):
    body = client.get("/api/search", query_string={"q": "三公经费", "kind": "决算", "k": 20}).get_json()
    assert body["results"] and {r["kind"] for r in body["results"]} == {"决算"}
    body = client.get("/api/search", query_string={"q": "三公经费", "year": 2025, "k": 20}).get_json()
    assert {r["year"] for r in body["results"]} == {2025}
    body = client.get("/api/search", query_string={"q": "三公经费", "unit": "临夏", "k": 20}).get_json()
    assert {r["unit"] for r in body["results"]} == {"临夏回族自治州医疗保障局"}


def test_post_with_json_body(client):
    body = client.post("/api/search", json={"q": "机关运行经费", "k": 3}).get_json()
    assert len(body["results"]) == 3


def test_highlight_is_escaped_html_with_marks(client):
    body = client.get("/api/search", query_string={"q": "<script>alert(1)</script> 三公经费"}).get_json()
    for r in body["results"]:
        assert "<script" not in r["highlight"]
        assert re.sub(r"</?mark>", "", r["highlight"]).count("<") == 0
    assert any("<mark>" in r["highlight"] for r in body["results"])


@pytest.mark.parametrize("params, code", [
    ({}, "missing_query"),
    ({"q": "   "}, "missing_query"),
    ({"q": "x" * 501}, "query_too_long"),
    ({"q": "三公", "k": 0}, "bad_parameter"),
    ({"q": "三公", "k": 101}, "bad_parameter"),
    ({"q": "三公", "k": "ten"}, "bad_parameter"),
    ({"q": "三公", "year": "二〇二四"}, "bad_parameter"),
    ({"q": "三公", "kind": "草稿"}, "bad_parameter"),
])
def test_bad_requests_get_400_with_the_standard_shape(client, params, code):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["message"]
    response = client.get("/api/ask", query_string=params)
    assert response.status_code == 400 and set(response.get_json()) == {"error"}


def test_bad_json_body_is_400(client):
    response = client.post("/api/search", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_json"


def test_unknown_ids_are_404_and_cannot_escape_the_index(client):
    for path in ("/api/documents/nope", "/api/documents/..%2F..%2Fetc%2Fpasswd", "/api/documents/" + "a" * 80):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_documents_and_document_view(client):
    docs = client.get("/api/documents").get_json()["documents"]
    assert {d["file"] for d in docs} == {f"00{i}_{h}.txt" for i, h in enumerate(
        ["e6f0054cb91bf0b4", "dc584abfb0b9932f", "6e0e03e1aecf682d", "6746d181cb8d3930", "0a8a22fa5a2243d7"])}
    doc = client.get(f"/api/documents/{docs[0]['doc_id']}").get_json()
    assert doc["lines"] and doc["toc"] and all({"start", "end", "text"} <= set(ln) for ln in doc["lines"])


def test_cited_lines_point_at_the_passage_text(client):
    r = client.get("/api/search", query_string={"q": "城东区医疗保障局机关运行经费"}).get_json()["results"][0]
    doc = client.get(f"/api/documents/{r['doc_id']}").get_json()
    inside = "".join(ln["text"] for ln in doc["lines"] if ln["start"] >= r["line_start"] and ln["end"] <= r["line_end"])
    assert re.sub(r"\s", "", r["text"])[:40] in re.sub(r"\s", "", inside)


def test_ask_has_question_answer_and_citations(client):
    body = client.get("/api/ask", query_string={"q": "平安区医疗保障局有几辆车"}).get_json()
    assert body["question"] == "平安区医疗保障局有几辆车"
    assert "1辆" in body["answer"].replace(" ", "") and body["citations"]
    assert len(body["answer"]) <= 300


def test_no_index_yet_is_503(tmp_path):
    from conftest import make_app

    client = make_app(tmp_path / "empty-index").test_client()
    response = client.get("/api/search", query_string={"q": "三公"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "index_not_ready"


def test_straight_quotes_ask_for_an_exact_phrase(client):
    body = client.get("/api/search", query_string={"q": '"监督执法项目经费"'}).get_json()
    assert body["results"] and all("监督执法项目经费" in r["text"].replace(" ", "") for r in body["results"])
    assert all("phrase" in r["channels"] for r in body["results"])
    loose = client.get("/api/search", query_string={"q": "监督执法项目经费"}).get_json()
    assert loose["total"] > body["total"]
    none = client.get("/api/search", query_string={"q": '"这个短语不在任何文件里"'}).get_json()
    assert none["total"] == 0 and none["results"] == []


def test_cli_query_ranks_like_the_api(keyword_index, keyword_client, capsys):
    """Every entry point goes through the service layer: the CLI's top 5 is the API's top 5."""
    from search.cli import main

    for q in ("三公经费", "东昌府区医疗保障局项目支出", "临夏州医保局公务接待费", "哪个局三公经费为零", "政府采购"):
        assert main(["query", q, "--index", str(keyword_index), "--model", "none", "--json", "-k", "5"]) == 0
        cli_ids = [r["id"] for r in json.loads(capsys.readouterr().out)["results"]]
        api_ids = [r["id"] for r in keyword_client.get("/api/search", query_string={"q": q, "k": 5}).get_json()["results"]]
        assert cli_ids == api_ids and len(cli_ids) == 5, q
