"""What an answer adds to the figure asked, over a real index of two 2026 PDFs, checked against the test's own
reading of their text layer: a row answered with its total also gives its 基本支出 and 项目支出 cells, and last
year's figure asked beside this year's, where no table prints it, is this year's less the change the text states
against last year's budget — said to be worked out, never given as printed; and a whole's change whose own sentence
gives no reason is explained by its parts listed after it, when what they moved adds up to what it moved."""
from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import CORPUS_2026, client_over_pdfs, require_shared

WJW = "2026年深圳市卫生健康委员会部门预算.pdf"
SJJ = "2026年西安市审计局部门预算.pdf"
SWJ = "2026年上海市水务局_部门预算.pdf"   # the budget of 上海市海洋监测预报中心


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_over_pdfs(tmp_path_factory, "row-details", [WJW, SJJ, SWJ])


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


@pytest.mark.parametrize("q", ["上海市海洋监测预报中心2026年三公经费比上年减少多少？为什么？", "上海海洋监测预报中心三公为啥减少"])
def test_a_wholes_change_is_explained_by_its_parts_changes(client, q):
    text = _text(SWJ).replace("\n", "")
    whole = re.search(r"“三公”经费预算数为[\d.]+万元，比2025年预算减少([\d.]+)万元", text).group(1)
    parts = re.findall(r"比2025年预算减少([\d.]+)万元，主要原因是([^。；，]+)", text)
    body = ask(client, q)
    assert body["answer_type"] == "figure" and f"减少{whole}万元" in body["answer"], body
    # the two parts that moved (公务用车 15.00, 公务接待 0.50), each with its reason, not the 购置费 under the first
    assert "无新购公务用车" in body["answer"] and "按年度公务接待实际情况测算" in body["answer"], body
    assert "减少公务用车购置" not in body["answer"] and len(parts) == 3, (body, parts)


def test_a_rows_half_and_its_share_of_the_row(client):
    total, basic, _project = re.search(r"^30216 培训费 ([\d,.]+) ([\d,.]+) ([\d,.]+)$", _text(WJW), re.M).groups()
    share = float(basic.replace(",", "")) / float(total.replace(",", "")) * 100
    body = ask(client, "深圳卫健委培训费里基本支出占多少")
    assert body["answer_type"] == "figure", body
    assert f"其中基本支出{basic}万元，占{share:.2f}%（按表中数字计算）" in body["answer"], body
    # the item's share of a half is another question: not answered as the half of the item
    body = ask(client, "深圳卫健委项目支出中培训费占多少")
    assert f"占{share:.2f}%" not in body["answer"] and f"占{100 - share:.2f}%" not in body["answer"], body


@pytest.mark.parametrize("q", ["深圳卫健委培训费多少钱", "西安审计局培训费上年多少，今年多少", "上海海洋监测预报中心三公为啥减少",
                               "深圳卫健委培训费里基本支出占多少"])
def test_every_figure_printed_is_in_a_cited_passage(client, q):
    # what tools/traceable.py checks over whole evaluation files: a figure is printed from a passage the answer
    # cites, or the answer says it worked it out
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("traceable", Path(__file__).parent.parent / "tools" / "traceable.py")
    traceable = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(traceable)
    body = ask(client, q)
    assert body["answer_type"] != "none" and traceable.untraced(body) == [], body


def test_a_ranking_of_one_kind_of_project_ranks_only_those(client):
    # 西安审计局 表10: one project names 培训 (审计培训); 审计 is in four of them
    projects = re.findall(r"^(\S*培训\S*) ([\d,]+\.\d\d)$", _text(SJJ), re.M)
    body = ask(client, "西安审计局 今年 哪个培训 花钱最多")
    assert body["answer_type"] == "none" and "无从比较" in body["answer"], (body["answer"], projects)
    body = ask(client, "西安审计局哪个审计项目预算最多")
    assert body["answer_type"] == "comparison", body
    named = re.findall(r"“([^”]+)”", body["answer"])
    assert len(named) >= 2 and all("审计" in n for n in named), named
    # no kind asked: all the projects
    body = ask(client, "西安审计局哪个项目最多")
    assert body["answer_type"] == "comparison", body
