"""Disclosures of other years and kinds that the 2026 folder holds under 2026 names (西安's 2022 部门综合预算 in
元, 佛山's 2019 决算), and answers that hold for every year: a real index of the samples plus four real PDFs."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS_2026, SAMPLE_CORPUS, make_app

from search.cli import build_stages
from search.indexer import build_index

PDFS = ["西安_交通运输局_2026年部门预算.pdf",            # 西安市交通运输局 2022, project table over 11 pages
        "西安_国有资产监督管理委员会_2026年部门预算.pdf",  # 2022, tables in 元
        "2026年佛山市交通运输局部门预算.pdf",             # 佛山市轨道交通局 2019 决算
        "2026年上海市退役军人事务局_部门预算.pdf",         # 上海市退役军人服务中心 2026
        "西安_宣传部_2026年部门预算.pdf",                  # 中共西安市委宣传部 2021
        "西安_工业和信息化局_2026年部门预算.pdf",          # 2022: income and expenditure changes side by side
        "2026年上海市公安局_部门预算.pdf",                 # 上海市刑事科学技术研究院: halves only in its tables
        "2026年深圳市建筑工务署部门预算.pdf",              # its units' rows in each table (预算单位 column)
        "2026年深圳市宣传部部门预算.pdf",                  # a reason in points running past a page break
        "2026年上海市政务服务和数据管理局_部门预算.pdf",    # 上海市数据局: its change stated on the appropriation
        "无锡_教育局_2026年部门预算.pdf",                   # 无锡市教育局, the department
        "2026年无锡市教育局部门预算.pdf",                   # 无锡市教育局（本级）, its own office
        "2026年无锡市统计局部门预算.pdf",                   # its table names the total 收入预算合计
        "2026年潍坊市统计局部门预算.pdf",                   # a 2024 巡视 通报 naming no unit, filed as a budget
        "2026年上海市商务局_部门预算.pdf",                  # 上海钻石宝玉石交易联合管理办公室: its own project names
        "广州_城市管理和综合执法局_2026年部门预算.pdf",     # 表8: 行政经费 by fund
        "2026年珠海市商务局部门预算.pdf",                   # 委托业务费 in its 基本支出 and 项目支出 tables
        "广州_司法局_2026年部门预算.pdf",                   # 行政运行 under 司法, 监狱 and 强制隔离戒毒
        "2026年深圳市发展和改革委员会部门预算.pdf",          # four 专项资金 rows, their sum stated in the text
        "2026年深圳市城市管理和综合执法局部门预算.pdf"]      # "计划购置车辆 2 辆、57 万元"
pytestmark = pytest.mark.skipif(not all((CORPUS_2026 / f).exists() for f in PDFS),
                                reason="../shared/corpus-2026 missing")


@pytest.fixture(scope="module")
def oclient(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("older") / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    for name in PDFS:
        shutil.copy(CORPUS_2026 / name, corpus / name)
    index = corpus.parent / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    return make_app(Path(index)).test_client()


def ask(client, q):
    return client.get("/api/ask", query_string={"q": q}).get_json()


@pytest.mark.parametrize("q, expected", [
    # the years the documents carry, whatever their file names say
    ("西安交通局22年三公经费", ["2022", "248.84"]),
    # a figure printed in 元 is also given in 万元 (and in 亿元 when asked so)
    ("西安国资委2022年部门预算收入是多少", ["2518.06万元", "较上年减少3083.36万元"]),
    ("西安国资委2022年收支预算 总额 多少亿元", ["2518.06万元", "约0.25亿元"]),
    ("中共西安市委宣传部2021年部门预算收入是多少", ["25859.6万元"]),
    # 西安 repeats the table's title without "表10" on each page: one table, the largest project on page 55
    ("西安市交通运输局2022年专项业务经费中哪个项目预算金额最大", ["甲醇", "13000.00"]),
    # 决算: 总支出 is the total; the three parts when asked where the money went
    ("佛山轨道交通局2019年决算支出多少", ["1668.14"]),
    ("佛山市轨道交通局2019年三公经费决算是多少？主要花在哪？", ["0.16", "公务接待费0.16"]),
    # the whole budget's reason, where only the appropriation's change is stated
    ("上海退役军人服务中心预算为啥减少", ["67万元", "阶段性"]),
    # a reason sentence found within the unit's own documents, not crowded out by other units'
    ("西安国资委22年预算为什么减少", ["3083.36", "公租房"]),
])
def test_older_and_other_kind_documents_are_answered(oclient, q, expected):
    body = ask(oclient, q)
    assert body["answer_type"] != "none" and all(w in body["answer"] for w in expected), body["answer"]
    assert body["citations"]


@pytest.mark.parametrize("q, held", [
    ("西安交通运输局2026年三公经费", "2022"),             # the year asked is not held: the years held are said
    ("佛山轨道交通局2020年决算", "2019"),
])
def test_a_year_not_held_is_not_answered_with_another(oclient, q, held):
    body = ask(oclient, q)
    assert body["answer_type"] == "none" and held in body["answer"], body["answer"]
    # what is held is shown: the unit's document of that year, by its title page, first in the citations and
    # in search (not another unit's document of the year asked)
    first = body["citations"][0]
    assert first["year"] == int(held) and held in first["text"] and first["line_start"] <= 3, first
    results = oclient.get("/api/search", query_string={"q": q}).get_json()["results"]
    assert results[0]["id"] == first["id"], results[0]
    assert all(r["doc_id"] == first["doc_id"] for r in results[:3]), [r["file"] for r in results[:3]]


@pytest.mark.parametrize("q, file, holds", [
    ("潍坊统计局 今年 预算 多少万", "2026年潍坊市统计局部门预算.pdf", "2024年通报"),
    ("上海市公安局2026年三公经费", "2026年上海市公安局_部门预算.pdf", "上海市刑事科学技术研究院"),
])
def test_a_unit_not_held_names_the_file_filed_under_its_name(oclient, q, file, holds):
    """A file named after the unit asked holds something else: no figure of it, but the abstention says what
    the file holds, and search finds the file by its name (its title page first)."""
    body = ask(oclient, q)
    assert body["answer_type"] == "none", body["answer"]
    assert f"文件“{file}”的内容是" in body["answer"] and holds in body["answer"], body["answer"]
    results = oclient.get("/api/search", query_string={"q": q}).get_json()["results"]
    assert results[0]["file"] == file, [r["file"] for r in results[:3]]


@pytest.mark.parametrize("q", ["钻石宝玉石产业发展专项预算多少", "上海商务 钻石宝玉石产业发展专项 今年 预算"])
def test_a_row_only_one_unit_prints_is_answered_as_that_units(oclient, q):
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and "270,000" in body["answer"], body["answer"]
    assert "只有上海钻石宝玉石交易联合管理办公室的表中列有此项" in body["answer"], body["answer"]


@pytest.mark.parametrize("q", ["行政运行 多少",            # every unit prints it
                               "钻石宝玉石产业 预算多少"])    # no row is named so: a longer name holds it
def test_a_row_name_without_a_unit_is_no_answer_unless_one_unit_prints_it_whole(oclient, q):
    assert ask(oclient, q)["answer_type"] == "none"


@pytest.mark.parametrize("q, expected", [
    ("广州市城管局行政经费一般公共预算和政府性基金各多少", ["一般公共预算2,447.88", "政府性基金163.54", "表8"]),
])
def test_two_columns_of_a_row_are_each_given(oclient, q, expected):
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and all(w in body["answer"] for w in expected), body["answer"]


@pytest.mark.parametrize("q, expected", [
    # both halves added up: the row's whole (the text states it: 2,007.93 = 16.00 + 1,991.93)
    ("珠海市商务局2026年一般公共预算委托业务费合计多少万元（基本支出加项目支出）", ["2,007.93", "16.00", "1,991.93"]),
    # each half asked: each table's row, no note that the other half is not listed
    ("珠海商务局委托业务费 基本支出和项目支出各多少", ["16.00", "1,991.93"]),
])
def test_a_rows_halves_summed_or_each(oclient, q, expected):
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and all(w in body["answer"] for w in expected), body["answer"]
    assert "未按经济分类列出" not in body["answer"], body["answer"]


@pytest.mark.parametrize("q, figure", [
    # the heading typed before the row's name as one word, the name written loosely (及 left out)
    ("广州市司法局监狱罪犯生活医疗卫生支出预算", "5,126.80"),
    ("广州司法局 戒毒行政运行", "35,657.67"),
])
def test_a_row_placed_by_its_heading_typed_before_it(oclient, q, figure):
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and figure in body["answer"], body["answer"]
    assert "其中其中" not in body["answer"], body["answer"]


@pytest.mark.parametrize("q", ["广州司法局 司法行政运行 vs 戒毒行政运行 哪个多", "广州市司法局强制隔离戒毒行政运行和司法行政运行各多少"])
def test_two_rows_of_one_name_under_two_headings_are_compared(oclient, q):
    body = ask(oclient, q)
    assert body["answer_type"] != "none", body["answer"]
    assert "11,390.00" in body["answer"] and "35,657.67" in body["answer"], body["answer"]
    assert "2040601" in body["answer"] and "2040801" in body["answer"], body["answer"]


def test_a_family_of_rows_whose_sum_the_text_states(oclient):
    # 23,600.00 + 1,040,000 + 110,000.00 + 84,092.64 = "深圳市发展改革委员会专项资金 1,257,692.64 万元"
    body = ask(oclient, "深圳发改委 专项资金 多少万")
    assert body["answer_type"] == "figure" and "1,257,692.64" in body["answer"] and "4行相加" in body["answer"], \
        body["answer"]


def test_a_purchase_plan_is_the_cars_and_the_money(oclient):
    body = ask(oclient, "深圳市城管局公务用车购置计划")
    assert body["answer_type"] == "figure" and "购置车辆为2辆" in body["answer"] and "57" in body["answer"], body["answer"]


def test_two_tables_printing_a_rows_columns_differently_are_no_one_answer(oclient):
    # 无锡市教育局's 学前教育: 支出总表 1,269.44, its 财政拨款支出表 769.44 — which is asked is not said
    body = ask(oclient, "无锡教育局 学前教育 基本支出和项目支出分别多少")
    assert body["answer_type"] == "none" and "1,269.44" in body["answer"] and "769.44" in body["answer"], body["answer"]


@pytest.mark.parametrize("q, top", [
    # the department named: its 收入总表 lists its own office and its units; 下属 / 除本级 leave the office out
    ("无锡教育局 下属单位 哪个 预算最多", "最高的是无锡学院（76,954.19万元"),
    ("无锡市教育局2026年部门预算中，除局本级外收入预算最多的所属单位是哪个？", "收入预算最高的是无锡学院"),
    ("无锡市教育局所属学校和单位里谁的收入预算最大", "收入预算最高的是无锡学院"),
    ("无锡教育局哪个单位预算最多", "最高的是无锡市教育局（本级）（131,349.60万元"),
])
def test_the_units_a_department_lists_are_ranked(oclient, q, top):
    body = ask(oclient, q)
    assert body["answer_type"] == "comparison" and top in body["answer"], body["answer"]


def test_a_project_table_continued_without_its_number_is_one_table(oclient):
    gen = oclient.application.extensions["budget_engine"].generation()
    doc = next(d for d in gen.documents.values() if d.file.startswith("西安_交通运输局"))
    tables = oclient.get("/api/tables", query_string={"doc": doc.doc_id}).get_json()["tables"]
    projects = [t for t in tables if "专项业务经费支出表" in t["title"]]
    assert len(projects) == 1 and projects[0]["kind"] == "项目支出" and len(projects[0]["pages"]) > 5


def test_a_figure_printed_in_yuan_is_also_given_in_wan():
    from search.facts import money_aside
    from search.rowsearch import quote

    assert money_aside(2585.96000179, "元") == "（约2,585.96万元）"
    assert money_aside(2585.96, "万元") == ""                       # printed in 万元: nothing added
    assert money_aside(2585.96, "万元", in_yi=True) == "（约0.26亿元）"
    # 1亿 and more: in 亿元 too, asked or not (深圳工信局 "131,400.00万元" is 13.14亿元)
    assert money_aside(131400.0, "万元") == "（约13.14亿元）"
    assert money_aside(258596000.0 / 10000, "元") == "（约25,859.60万元，约2.59亿元）"
    assert money_aside(None, "辆") == ""
    row = {"value_text": "1,606,900.00", "money_unit": "元", "value_wan": 160.69}
    assert quote(row) == "1,606,900.00元" and quote(row, aside=True) == "1,606,900.00元（约160.69万元）"


@pytest.mark.parametrize("q, term", [
    ("三公经费是指什么", "三公经费："),
    ("项目支出是什么意思", "项目支出："),
    ("什么是机关运行经费", "机关运行经费："),
])
def test_a_term_is_defined_from_a_glossary(oclient, q, term):
    body = ask(oclient, q)
    assert body["answer_type"] == "passage" and "名词解释" in body["answer"] and term in body["answer"], body["answer"]
    assert "：：" not in body["answer"] and body["citations"]


@pytest.mark.parametrize("q, right, wrong", [
    # the change of the figure asked, not a change of another figure in the same paragraph
    ("西安国资委2022年收入预算比上年减少多少", "3083.36", None),
    ("西安工信局2022年收入预算比上年增加多少", "29536.53", "29217.58"),
    ("西安工信局2022年支出预算比上年增加多少", "29217.58", "29536.53"),
])
def test_a_change_is_the_asked_figure_s_change(oclient, q, right, wrong):
    body = ask(oclient, q)
    assert body["answer_type"] != "none" and right in body["answer"], body["answer"]
    assert wrong is None or wrong not in body["answer"]


def test_a_figure_asked_of_no_unit_is_not_some_unit_s_figure(oclient):
    body = ask(oclient, "一般公共预算支出是多少")
    assert body["answer_type"] == "none" and "没有指明单位" in body["answer"], body["answer"]


@pytest.mark.parametrize("q, figure", [
    # the text states no 项目支出; the whole-expenditure table's 合计 row does, under its column
    ("上海刑科院26年项目支出多少万元", "46,568,000元（约4,656.80万元）"),
    ("上海市刑事科学技术研究院2026年基本支出", "24,148,064元"),
])
def test_a_half_of_the_budget_stated_only_in_the_whole_expenditure_table(oclient, q, figure):
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and figure in body["answer"] and "支出预算总表" in body["answer"], body["answer"]
    assert "一般公共预算" not in body["answer"]     # not the one-fund table's 42,568,000


def test_search_prefers_the_unit_the_question_names_by_its_short_form(oclient):
    # 工信局 is no alias of the documents; the answerer's gazetteer reads it as 西安市工业和信息化局, and search
    # ranks that unit's passages before the other 西安 documents' ones sharing the words
    body = oclient.get("/api/search", query_string={"q": "西安工信局22年 政府性基金 预算", "k": 5}).get_json()
    assert [r["unit"] for r in body["results"]] == ["西安市工业和信息化局"] * 5
    assert body["understood"]["units"] == ["西安市工业和信息化局"]


@pytest.mark.parametrize("q", ["上海退役军人局 服务中心 26年 三公经费", "上海退役军人局下属服务中心三公经费是多少"])
def test_a_unit_named_after_a_department_the_corpus_lacks(oclient, q):
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and "上海市退役军人服务中心" in body["answer"], body["answer"]


def test_a_subordinate_units_row_written_out_whole_is_that_row(oclient):
    body = ask(oclient, "深圳市建筑工务署工程管理中心2026年基本支出是多少？")
    assert "7,010.72" in body["answer"] and "文体和水务" not in body["answer"], body["answer"]


def test_a_reason_printed_past_the_changes_passage_is_cited(oclient):
    body = ask(oclient, "深圳宣传部今年预算为什么大涨")
    assert "45,056.67" in body["answer"] and "原因" in body["answer"]
    assert any("团专项经费纳入部门年初预算" in c["text"].replace("\n", "") for c in body["citations"][:2])


@pytest.mark.parametrize("q", ["上海市数据局2026年收入预算比2025年增加了多少", "上海数据局今年预算为啥增加"])
def test_the_whole_incomes_change_stated_on_the_appropriation_that_is_all_of_it(oclient, q):
    # "收入预算47,145万元，其中：财政拨款收入47,145万元，比2025年预算增加19,021万元"
    body = ask(oclient, q)
    assert body["answer_type"] == "figure" and "19,021" in body["answer"] and "财政拨款收入" in body["answer"]


def test_one_name_two_units_each_units_row_is_given(oclient):
    # "无锡教育局" is the department and its own office (本级): each one's 高中教育 row, never one as the only one
    body = ask(oclient, "无锡教育局今年高中教育支出")
    assert "1,248.63" in body["answer"] and "84,468.99" in body["answer"], body["answer"]
    assert "无锡市教育局（本级）" in body["answer"]


def test_the_table_repeating_a_total_is_found_for_the_answer(oclient):
    # "收入、支出预算总计 3,210.1 万元" answered from the text; the tables print the total as 3,210.10 under
    # names of their own (收入总计, 本年收入合计, 收入预算合计): found as the same figure
    from search.qa import _operate, _restating, understand_question

    engine = oclient.application.extensions["budget_engine"]
    gen = engine.generation()
    answer = _operate(engine, understand_question(engine, "无锡统计局今年预算总共多少"))
    assert answer is not None and "3,210.1万元" in answer.text
    found = [gen.passages[pid] for pid in _restating(gen, answer)]
    assert any("收入预算合计" in re.sub(r"\s", "", p.text) for p in found), [p.text[:60] for p in found]
