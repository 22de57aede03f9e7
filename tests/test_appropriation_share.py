"""The share of the income that is appropriation (财政拨款), asked where the text states only the 一般公共预算拨款收入's
share, over a real index of two 2026 PDFs: the same figure when the parts listed with their shares make up the
whole income and none is another fund's grant — said so — and no answer where they do not add up."""
from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import CORPUS_2026, client_over_pdfs, require_shared

XFJ = "2026年武汉市信访局部门预算.pdf"    # the budget of 国家信访局
QXJ = "2026年杭州市气象局部门预算.pdf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_over_pdfs(tmp_path_factory, "appropriation-share", [XFJ, QXJ])


def _shares(pdf_name: str) -> list[float]:
    """The shares the income sentence lists, read by the test from the text layer."""
    with pdfplumber.open(require_shared(CORPUS_2026 / pdf_name)) as pdf:
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))
    sentence = re.search(r"一般公共预算拨款收入[\d,.]+万元，占[^。]*", text).group()
    return [float(s) for s in re.findall(r"占(\d+(?:\.\d+)?)%", sentence)]


@pytest.mark.parametrize("q, pdf", [("国家信访局 财政拨款收入 占比", XFJ), ("国家信访局今年财政拨款占收入多少比例", XFJ),
                                    ("杭州气象局 财政拨款 占比", QXJ)])
def test_the_appropriation_share_is_the_general_budget_grants_when_the_parts_make_the_whole(client, q, pdf):
    shares = _shares(pdf)
    assert abs(sum(shares) - 100) < 0.15, shares
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "figure", body
    assert "财政拨款收入即一般公共预算拨款收入" in body["answer"] and f"占收入的{shares[0]:g}%" in body["answer"], body
    assert "合计100%" in body["answer"], body
