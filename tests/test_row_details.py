"""What an answer adds to the figure asked, over a real index of two 2026 PDFs, checked against the test's own
reading of their text layer: a row answered with its total also gives its 基本支出 and 项目支出 cells, and last
year's figure asked beside this year's, where no table prints it, is this year's less the change the text states
against last year's budget — said to be worked out, never given as printed."""
from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import CORPUS_2026, client_over_pdfs, require_shared

WJW = "2026年深圳市卫生健康委员会部门预算.pdf"
SJJ = "2026年西安市审计局部门预算.pdf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_over_pdfs(tmp_path_factory, "row-details", [WJW, SJJ])


def ask(client, q: str) -> dict:
    return client.get("/api/ask", query_string={"q": q}).get_json()


def _text(pdf_name: str) -> str:
    with pdfplumber.open(require_shared(CORPUS_2026 / pdf_name)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_a_rows_total_comes_with_its_basic_and_project_cells(client):
    total, basic, project = re.search(r"^30216 培训费 ([\d,.]+) ([\d,.]+) ([\d,.]+)$", _text(WJW), re.M).groups()
    body = ask(client, "深圳卫健委培训费多少钱")
    assert body["answer_type"] == "figure", body
    assert f"{total}万元" in body["answer"] and f"其中基本支出{basic}万元、项目支出{project}万元" in body["answer"], body


def test_a_column_asked_is_given_alone(client):
    body = ask(client, "深圳卫健委培训费项目支出多少")
    assert body["answer_type"] == "figure" and "其中基本支出" not in body["answer"], body


@pytest.mark.parametrize("q", ["西安审计局培训费上年多少，今年多少", "西安市审计局今年和去年的培训费"])
def test_last_year_is_worked_out_from_the_change_stated(client, q):
    now, less = re.search(r"培训费预算支出\s*([\d.]+)\s*万元，较上年减少\s*([\d.]+)\s*万元", _text(SJJ).replace("\n", "")).groups()
    body = ask(client, q)
    assert body["answer_type"] == "figure", body
    assert f"2025年为{float(now) + float(less):,.2f}万元" in body["answer"] and "推算" in body["answer"], body

