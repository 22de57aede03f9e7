"""A whole's parts, the right table for a row and the project targets, over a real index of eight 2026 PDFs: one
unit's 三公经费 ranked by its parts (never a ranking of the one unit), a 公务用车购置 stated as "购置预算支出", a row
of the 基本支出 table before the same row of the 机关运行经费 table drawn from it (unless that table is asked), a
group of the economic classification named without its 支出, a fund's column named in short (基金预算), a
classification ranked by its rows' own totals (not a 政府采购 subtotal), a project's 年度目标 from its 绩效目标表,
a unit's duties whose list starts on the next passage, and a unit abbreviated with its region's first
character listed beside another."""
from __future__ import annotations

import re

import pytest
from conftest import client_over_pdfs

PDFS = ["2026年北京市教育委员会部门预算.pdf", "2026年苏州市交通运输局部门预算.pdf", "广州_水务局_2026年部门预算.pdf",
        "2026年深圳市财政局部门预算.pdf", "福州_公安局交通警察局_2026年部门预算.pdf", "2026年上海市政府办公厅_部门预算.pdf",
        "2026年上海市交通运输局_部门预算.pdf", "2026年上海市教育局_部门预算.pdf"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_over_pdfs(tmp_path_factory, "parts", PDFS)


def ask(client, q: str) -> dict:
    return client.get("/api/ask", query_string={"q": q}).get_json()


@pytest.mark.parametrize("q", ["北京市教育委员会2026年财政拨款“三公”经费中哪一项最多？", "北京教委三公经费 哪块最大"])
def test_one_units_three_public_costs_are_ranked_by_their_parts(client, q):
    body = ask(client, q)
    assert body["answer_type"] == "comparison" and "最多的是因公出国(境)费（1026.36万元）" in body["answer"], body
    assert "公务接待费66.61万元" in body["answer"], body["answer"]


def test_one_unit_named_alone_is_not_ranked_among_units(client):
    # "最高" of one unit with no part asked: there is nothing to rank it among — never "1个单位中…最高"
    body = ask(client, "北京教委三公经费最高")
    assert body["answer_type"] == "none" and "1个单位" not in body["answer"], body


def test_a_part_of_procurement_is_no_project(client):
    body = ask(client, "苏州交通局政府采购里哪一项最多")
    assert "项目支出表" not in body["answer"], body["answer"]


@pytest.mark.parametrize("q", ["苏州市交通运输局2026年公务用车购置预算是多少？", "苏州交通局买公务车花多少"])
def test_a_car_purchase_stated_as_its_budgeted_spending_is_read(client, q):
    # "（1）公务用车购置预算支出 154.97 万元，比上年预算增加…": 购置费 named by what it is spent on
    body = ask(client, q)
    assert body["answer_type"] == "figure" and "154.97" in body["answer"], body


def test_a_row_of_the_basic_table_before_the_same_row_of_the_office_running_table(client):
    # 302 商品和服务支出: 3,462.67 in the 基本支出 tables, 379.20 of it 机关运行经费 — the unit's is the first
    body = ask(client, "苏州交通局商品和服务支出多少")
    assert "3,462.67" in body["answer"] and "379.20" not in body["answer"], body["answer"]
    body = ask(client, "苏州交通局 商品和服务支出 哪项最多")
    assert "其他商品和服务支出" in body["answer"] and "1,407.36" in body["answer"], body["answer"]
    # asked by name, the 机关运行经费 table is the one ranked
    body = ask(client, "苏州交通局 机关运行经费 哪项最多")
    assert "130.90" in body["answer"] and "机关运行经费支出预算表" in body["answer"], body["answer"]


def test_a_group_of_the_economic_classification_named_without_its_spending(client):
    body = ask(client, "苏州交通局 工资福利里 哪项最多")
    assert body["answer_type"] == "comparison" and "工资福利支出" in body["answer"], body


@pytest.mark.parametrize("q", ["广州市水务局2026年行政经费中由政府性基金预算安排的是多少？", "广州市水务局行政经费里基金预算出了多少万"])
def test_a_funds_column_named_in_short(client, q):
    body = ask(client, q)
    assert body["answer_type"] == "figure" and "5,335.03" in body["answer"], body


def test_a_classification_is_ranked_by_its_rows_own_totals(client):
    # 深圳's 表3 prints each row's 支出总计 and, in a column group, its 政府采购项目 小计: the rows rank by the first
    body = ask(client, "深圳财政局 哪个功能科目(项)花钱最多")
    assert "一般行政管理事务" in body["answer"] and "11,732.23" in body["answer"], body["answer"]


@pytest.mark.parametrize("q", ["福州市公安局交通管理支队涉案车辆停车场租赁建设及管理费项目的年度目标是什么？",
                               "福州交警 涉案车辆停车场 项目 绩效目标"])
def test_a_projects_annual_target_is_read_from_its_target_table(client, q):
    body = ask(client, q)
    assert body["answer_type"] == "passage" and "统一存放" in body["answer"], body


def test_duties_announced_at_a_passages_end_are_quoted_from_the_next(client):
    body = ask(client, "上海市人民政府办公厅文印中心的主要职能是什么？")
    assert re.search(r"排版、校对、印刷", body["answer"]), body["answer"]


@pytest.mark.parametrize("q", ["上海交通职院 vs 上科大附校 物业费谁高", "上科大附校和上海交通职院物业费谁高"])
def test_a_unit_abbreviated_with_its_regions_first_character_is_compared(client, q):
    body = ask(client, q)
    assert "上海交通职业技术学院" in body["answer"] and "上海科技大学附属学校" in body["answer"], body["answer"]
    assert "28,414,100" in body["answer"] and "上海交通职业技术学院更多" in body["answer"], body["answer"]
