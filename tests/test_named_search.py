"""Search and answers over the documents of a unit the question names (a real index of five 2026 PDFs):
within them the unit's own name ranks nothing, a fund's total is its table's first row where the table is by
unit, row words people use (维修维护费, 政府性基金收入) find the printed rows, and a comparison's second figure
is shown with the text restating it."""
from __future__ import annotations

import re
import shutil

import pytest
from conftest import CORPUS_2026, make_app, require_shared

from search.cli import build_stages
from search.indexer import build_index
from search.query import without_mentions

PDFS = ["2026年北京市退役军人事务局部门预算.pdf", "2026年深圳市水务局部门预算.pdf", "2026年上海市生态环境局_部门预算.pdf",
        "2026年北京市宣传部部门预算.pdf", "2026年深圳市气象局部门预算.pdf"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("named") / "corpus"
    corpus.mkdir()
    for name in PDFS:
        shutil.copyfile(require_shared(CORPUS_2026 / name), corpus / name)
    index = corpus.parent / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    return make_app(index).test_client()


def _plain(text: str) -> str:
    return re.sub(r"[\s,]", "", text)


@pytest.mark.parametrize("keyword, mentions, expected", [
    ("退役军人局其他收入", ["北京退役军人局"], "其他收入"),     # what the aliases left of the mention
    ("规自局 培训费", ["西安规自局"], "培训费"),
    ("北京 退役军人局 其他收入", ["北京退役军人局"], "其他收入"),   # written with a space inside
    ("财政拨款收入", ["上海市财政局"], "财政拨款收入"),           # 财政 from the middle of the name is not taken
    ("政府性基金预算支出总计是多少?", ["深圳市水务局"], "政府性基金预算支出总计是多少?"),
    ("医保局", ["海东医保局"], ""),                             # nothing else asked
])
def test_the_words_ranked_leave_out_the_named_unit(keyword, mentions, expected):
    assert without_mentions(keyword, mentions) == expected


def test_a_named_units_passage_is_ranked_by_what_is_asked_not_by_its_name(client):
    q = "北京 退役军人局 其他收入"
    first = client.get("/api/search", query_string={"q": q}).get_json()["results"][0]
    assert "9.其他收入 242069.29 万元" in first["text"]
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "passage" and "242069.29" in body["answer"]


@pytest.mark.parametrize("q", ["深圳水务局 政府性基金 支出 2026年", "深圳市水务局2026年政府性基金预算支出总计是多少？",
                               "深圳市水务局政府性基金预算多少"])
def test_a_funds_total_is_the_first_row_of_its_table_by_unit(client, q):
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "figure" and "134,022.00" in body["answer"] and "政府性基金预算支出表" in body["answer"]
    # (not one of the five projects "污水处理服务费（政府性基金）" that hold the fund's name)
    assert "35,927.64" not in body["answer"]


@pytest.mark.parametrize("q, figure", [("上海减污降碳中心今年维修维护费安排了多少", "306500"),
                                       ("北京市委宣传部 政府性基金 收入 26年", "6389")])
def test_row_words_people_use_find_the_printed_row(client, q, figure):
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] != "none" and figure in _plain(body["answer"])


def test_a_comparisons_second_figure_is_shown_with_the_text_restating_it(client):
    q = "今年深圳气象局精准预报和精细服务哪个项目钱多"
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert "1,365.35" in body["answer"] and "更多" in body["answer"]
    top = client.get("/api/search", query_string={"q": q}).get_json()["results"][:5]
    assert any("精细服务 1,365.35 万元" in r["text"] for r in top)
