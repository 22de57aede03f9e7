"""Answers with cited figures: the figures table and /api/ask, with the trust checks a newsroom needs.

Trust: every figure in an answer appears in one of its citations (after normalising whitespace and
thousands separators); 元/万元 and 预算/决算 are never mixed up. Checked on the sample corpus and on
questions generated from real 2026 PDFs the code has not been tuned on.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import CORPUS_2026, make_app, require_shared

from search.cli import build_stages
from search.indexer import build_index
from search.qa.passages import MAX_ANSWER_CHARS

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def norm(text):
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def figures_in(answer):
    """Numbers that are figures: not years ("2024年") and not list markers."""
    compact = norm(answer)
    return [m.group() for m in NUMBER.finditer(compact)
            if not re.match(r"[年个]", compact[m.end():m.end() + 1]) and not re.fullmatch(r"20\d\d", m.group())]


CONVERTED = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>元|万元|亿元)（(?P<notes>(?:约|即)[^）]*)）")


def _without_conversions(answer: str) -> str:
    """The answer without the "（约746.79万元）" beside a printed "7467870元" (or "（即35,299,300元）" beside a
    printed "3,529.93万元" asked in 元) — each checked to be that
    figure converted, so the figures left are the printed ones, each to be found in a cited passage."""
    for m in CONVERTED.finditer(answer):
        wan = float(m.group("num").replace(",", "")) * {"元": 1e-4, "万元": 1.0, "亿元": 1e4}[m.group("unit")]
        for note in m.group("notes").split("，"):
            value, unit = re.fullmatch(r"(?:约|即)([\d,.]+)(元|万元|亿元)", note).groups()
            expected = {"元": wan * 1e4, "万元": wan, "亿元": wan / 1e4}[unit]
            assert abs(float(value.replace(",", "")) - expected) <= 0.005 + 1e-9, (answer, note)
    return CONVERTED.sub(lambda m: m.group("num") + m.group("unit"), answer)


def assert_trustworthy(body):
    """Every figure of the answer is in a cited passage; counts of units ("共3个") are ours, and must be
    the number of figures the answer lists in `facts`."""
    cited = norm("".join(c["text"] for c in body["citations"]))
    listed = re.search(r"共(\d+)个", body["answer"])
    if listed and body["answer_type"] == "list":
        assert int(listed.group(1)) == len({f["doc_id"] for f in body["facts"]}), body["answer"]
    for figure in figures_in(_without_conversions(body["answer"])):
        assert figure.replace(",", "") in cited, (body["answer"], figure)
    for fact in body.get("facts", []):
        assert fact["value_unit"] in fact["value_text"]
        if fact["source"] == "text":   # the figure is quoted with the unit the sentence printed
            assert norm(fact["value_text"]) in norm(fact["sentence"])
        else:                          # a table row prints the number; the unit comes from the table's unit line
            assert norm(fact["value_text"]).removesuffix(fact["value_unit"]) in norm(fact["sentence"])


def ask(client, q):
    response = client.get("/api/ask", query_string={"q": q})
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["answer"]) <= MAX_ANSWER_CHARS
    assert body["answer_type"] in ("figure", "list", "comparison", "passage", "none")
    return body


def test_facts_list_a_sanshi_total_for_every_sample(keyword_client):
    rows = keyword_client.get("/api/facts", query_string={"metric": "三公经费"}).get_json()["facts"]
    by_unit = {}
    for r in rows:
        by_unit.setdefault(r["unit"], []).append(r)
    assert set(by_unit) == {"海东市平安区医疗保障局", "临夏回族自治州医疗保障局", "西宁市城东区医疗保障局（本级）",
                            "海东市医疗保障局", "聊城市东昌府区医疗保障局"}
    final = by_unit["海东市医疗保障局"]
    assert {(r["basis"], r["value_text"]) for r in final} >= {("预算", "2.50万元"), ("决算", "2.41万元")}
    assert all(r["kind"] == "决算" and r["year"] == 2024 for r in final)
    linxia = by_unit["临夏回族自治州医疗保障局"][0]
    assert linxia["value_text"] == "0元" and linxia["value_unit"] == "元" and linxia["value_wan"] == 0


def test_facts_csv_opens_in_excel(keyword_client):
    response = keyword_client.get("/api/facts.csv", query_string={"metric": "机关运行经费"})
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("unit,region,year") and any("4.95万元" in ln for ln in lines)


def test_unknown_metric_is_a_400(keyword_client):
    response = keyword_client.get("/api/facts", query_string={"metric": "飞船经费"})
    assert response.status_code == 400 and "known metrics" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("q, expected", [
    ("哪个局三公经费为零", ["临夏", "东昌府"]),
    ("哪个局的收支预算规模最大", ["东昌府", "16,390.41"]),
    ("西宁市城东区医疗保障局2025年三公经费预算多少", ["0.12万元"]),
    ("海东市医疗保障局2024年三公经费是多少", ["2.41万元", "2.50万元"]),
    ("平安区医疗保障局机关运行经费比上年增长多少", ["11.15%"]),
    ("哪些局三公经费比上年减少了", ["临夏"]),
    ("三公经费超过1万元的有哪些局", ["平安区"]),
    # the sentence states the fund's half ("2024年一般公共预算基本支出7467870元"): answered though no table is
    ("临夏州医疗保障局2024年一般公共预算基本支出是多少", ["7467870"]),
    # asked in 元: the printed 万元 figure, and that many 元 beside it (checked as a conversion)
    ("海东市医疗保障局2024年三公经费换算成元是多少", ["2.41万元（即24,100元）"]),
    # one kind of the vehicles held: its own count in the assets sentence, beside the fleet's
    ("平安区医疗保障局有几辆一般公务用车", ["一般公务用车1辆", "共有车辆1辆"]),
    ("海东医保局 应急车 数量", ["应急保障用车1辆"]),
])
def test_sample_questions_are_answered_with_cited_figures(keyword_client, q, expected):
    body = ask(keyword_client, q)
    for word in expected:
        assert word in body["answer"], body["answer"]
    assert body["citations"] and body["facts"]
    assert_trustworthy(body)


def test_table_figures_are_read_and_disagreements_flagged():
    from conftest import SAMPLE_CORPUS

    from search.facts import extract_document_facts, extract_table_facts, flag_mismatches
    from search.ingest import process_file

    doc = process_file(SAMPLE_CORPUS / "001_dc584abfb0b9932f.txt")   # tables in 元, text in 万元
    text_facts = extract_document_facts(doc)
    table = extract_table_facts(doc)
    assert any(f.metric == "收支总计" and f.value_text == "7617870元" and f.value_unit == "元" for f in table)
    # 761.79万元 in the text and 7617870元 in the table agree: nothing flagged, the table row adds nothing
    assert not any(f.metric == "收支总计" for f in flag_mismatches(text_facts, table))
    wrong = [f for f in table if f.metric == "收支总计"]
    wrong[0].value_wan = 700.0
    flagged = flag_mismatches(text_facts, wrong)
    assert flagged and "不一致" in flagged[0].mismatch
    assert any(f.metric == "收支总计" and "不一致" in f.mismatch for f in text_facts)


def test_three_public_parts_of_a_columns_table_only_where_the_text_states_none():
    from search.facts import (
        extract_document_facts,
        extract_table_facts,
        flag_mismatches,
        sangong_column_facts,
    )
    from search.ingest import process_file

    def column_facts(name):
        doc = process_file(require_shared(CORPUS_2026 / name))
        text = extract_document_facts(doc)
        return text, sangong_column_facts(doc, text + flag_mismatches(text, extract_table_facts(doc)))

    # 长春信访局's 三公 table (合计 | 因公出国（境）费 | 公务用车购置及运行费 › 购置费 | …) adds up: the parts its
    # text does not state come from it, as printed
    text, added = column_facts("2026年长春市信访局部门预算.pdf")
    assert {(f.metric, f.value_text) for f in added} == {("因公出国(境)费", "0.00万元"), ("公务用车购置费", "0.00万元")}
    assert not {f.metric for f in added} & {f.metric for f in text}
    # 烟台宣传部's two-year table adds up too — to last year's 合计 (30.62; the text's 三公经费 is 27.22): even with
    # none of the parts stated in the text, none of it is taken
    from search.facts import _sangong_columns

    doc = process_file(require_shared(CORPUS_2026 / "2026年烟台市宣传部部门预算.pdf"))
    assert {total for *_, total in _sangong_columns(doc)} == {30.62}
    total_only = [f for f in extract_document_facts(doc) if f.metric == "三公经费"]
    assert total_only and sangong_column_facts(doc, total_only) == []


def test_budget_and_actual_figures_are_not_mixed(keyword_client):
    body = ask(keyword_client, "海东市医疗保障局2024年三公经费决算是多少")
    assert "2.41万元" in body["answer"] and "2.50" not in body["answer"]
    assert "完成预算的96.40%" in body["answer"]   # how much of the budget was spent, as the 决算 states it
    assert {f["basis"] for f in body["facts"]} == {"决算"}
    body = ask(keyword_client, "哪个局三公经费最高")
    assert all(f["basis"] == "预算" for f in body["facts"])


@pytest.mark.parametrize("q, expected", [
    # the 决算 states "收入、支出总计 1116.85 万元" and "本年支出合计 1112.15 万元": both are quoted, each named
    ("海东医保局2024年决算支出多少", ["1116.85", "1112.15", "本年支出合计"]),
    ("海东市医疗保障局2024年决算收入是多少", ["1116.85", "1112.92", "本年收入合计"]),
])
def test_a_total_stated_only_as_income_and_expenditure_together_answers_either(keyword_client, q, expected):
    body = ask(keyword_client, q)
    assert body["answer_type"] == "figure" and all(w in body["answer"] for w in expected), body["answer"]
    assert {f["basis"] for f in body["facts"]} == {"决算"}

def test_questions_the_figures_cannot_answer_fall_back_to_a_cited_sentence(keyword_client):
    body = ask(keyword_client, "海东市医疗保障局医疗服务和保障能力提升补助资金项目自评得分")
    assert body["answer_type"] == "passage" and "85" in body["answer"]
    assert_trustworthy(body)
    body = ask(keyword_client, "量子计算机采购合同编号")
    assert body["answer_type"] in ("none", "passage")


def test_dev_questions_answers_are_traceable(keyword_client):
    from conftest import SHARED

    questions = require_shared(SHARED / "eval" / "questions.jsonl")
    for line in questions.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["kind"] == "ask":
            assert_trustworthy(ask(keyword_client, item["q"]))


@pytest.fixture(scope="module")
def real_pdf_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("pdfs")
    pdfs = sorted(require_shared(CORPUS_2026).glob("*.pdf"))[::8]   # every 8th file: ~27 real disclosures
    for pdf in pdfs:
        shutil.copyfile(pdf, corpus / pdf.name)   # a copy: links out of the corpus folder are not indexed
    index = tmp_path_factory.mktemp("pdf-index") / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    return make_app(index).test_client()


def test_generated_questions_over_real_pdfs_are_traceable(real_pdf_client):
    rows = real_pdf_client.get("/api/facts", query_string={"metric": "三公经费", "basis": "预算"}).get_json()["facts"]
    units = {}
    for r in rows:
        if r["unit"] and r["year"]:
            units.setdefault((r["unit"], r["year"]), r)
    assert len(units) >= 10
    answered = 0
    for unit, year in sorted(units):
        for q in (f"{unit}{year}年三公经费预算是多少", f"{unit}{year}年机关运行经费是多少", f"{unit}有几辆车"):
            body = ask(real_pdf_client, q)
            assert_trustworthy(body)
            if q.endswith("三公经费预算是多少") and body["answer_type"] == "figure":
                answered += 1
                assert unit in body["answer"]
    assert answered >= len(units) * 0.8
    for q in ("哪个局三公经费最高", "哪些局三公经费为零", "哪些单位三公经费比上年减少了", "哪个局政府采购预算最多",
              "机关运行经费低于10万元的有哪些"):
        assert_trustworthy(ask(real_pdf_client, q))


@pytest.mark.parametrize("q, unit", [
    ("西宁市城东区医疗保障局编制多少", "西宁市城东区医疗保障局"),      # 002 states no staffing figure
    ("海东市平安区医疗保障局内设机构有哪些", "海东市平安区医疗保障局"),
    ("平安区医保局2024年财政拨款收入多少", "海东市平安区医疗保障局"),
])
def test_a_named_unit_is_answered_from_its_own_documents_or_not_at_all(keyword_client, q, unit):
    body = ask(keyword_client, q)
    if body["answer_type"] != "none":
        assert body["answer"].startswith(unit)
        assert all(c["unit"] == unit for c in body["citations"][:1])
    # a figure question is never answered with a sentence that holds no figure, nor another metric's figure
    if "多少" in q and body["answer_type"] == "passage":
        assert re.search(r"\d", body["answer"].split("：", 1)[1])
        assert "机关运行经费" not in body["answer"]


def test_a_metric_question_without_a_stated_figure_is_not_answered_with_a_table_header(keyword_client):
    # 003 (决算) states no 会议费 in its text; the header row "…会议费…" of a table is no answer
    body = ask(keyword_client, "海东市医疗保障局会议费")
    assert body["answer_type"] == "none" or re.search(r"\d", body["answer"])


def test_last_years_carry_over_is_not_this_years_share():
    from search.qa.passages import best_sentence

    text = ("本年政府性基金预算收入 67,808 万元，占 63.71%；上年结转结余的政府性基金预算收入 0 万元，占 0%；"
            "本年一般公共预算收入 38,624 万元，占 36.29%。")
    question = "无锡住建局今年收入里政府性基金占多少"
    sentence, _ = best_sentence(text, ["政府性基金", "收入", "占"], True, question)
    assert "67,808" in sentence
    sentence, _ = best_sentence(text, ["政府性基金", "收入", "占", "结转"], True, "无锡住建局上年结转的政府性基金占多少")
    assert "上年结转" in sentence


@pytest.mark.parametrize("sentence, expected", [
    # 佛山's 决算: "总支出" is the whole, "本年支出" this year's part
    ("佛山市轨道交通局2019年度总支出1668.14万元，其中本年支出1600.00万元。",
     [("支出总计", "1668.14万元"), ("本年支出合计", "1600.00万元")]),
    ("2019年度总收入1668.14万元，其中本年收入1668.14万元。", [("收入总计", "1668.14万元"), ("本年收入合计", "1668.14万元")]),
    ("三公经费总支出12万元。", [("三公经费", "12万元")]),              # a metric's own 总支出 is that metric
    ("一般公共预算总支出300万元。", []),                              # a part of the budget, not its total
    # nothing budgeted, said in words: a zero of that metric
    ("本部门2026年无财政拨款安排的公务用车购置和运行维护经费预算。", [("公务用车购置及运行费", "无")]),
    ("2026年未安排因公出国(境)费。", [("因公出国(境)费", "未安排")]),
    ("本单位无机关运行经费。", [("机关运行经费", "无")]),
    ("因公出国(境)费无增减变化。", []),
    # vehicles bought are not the vehicles held (深圳市民政局: "新购置车辆1辆" beside "共有车辆2辆")
    ("截至2025年10月，共有车辆2辆，2025年新购置车辆1辆。", [("车辆", "2辆"), ("购置车辆", "1辆")]),
    ("2026年计划购置车辆0辆、0万元。", [("购置车辆", "0辆")]),
    # the kind of car between 购置 and 车辆 is bought too (深圳交管局), and a fleet named by its kind is held
    ("主要是2025年更新购置警用车辆32台，运维费用相应增加。", []),
    ("本单位共有警用车辆20辆。", [("车辆", "20辆")]),
    # the fleet counted as 公务用车 and how many it holds (北京交管局), not a car bought or a cost of cars
    ("截至2025年底，北京市公安局交通管理局公务用车保有量1924 台，单位价值100万元以上的设备61台（套）。",
     [("车辆", "1924台")]),
    ("本部门公务用车保有量为2辆。", [("车辆", "2辆")]),
    ("2026年报废公务用车2辆。", []),
    # the floor area held (广州), not an area rented or maintained in a performance target
    ("截至2026年1月31日，本部门固定资产金额183,088.16万元，分布构成情况为：房屋98,681.81平方米，车辆196辆。",
     [("车辆", "196辆"), ("房屋面积", "98,681.81平方米")]),
    ("数量指标：租赁房屋面积数=2873.46平方米；房屋维护面积≥33839.15平方米。", []),
    # a part stated in brackets right after its whole (广州): a statement, not an enumeration
    ("公务用车购置及运行维护费9.73万元(公务用车购置费0万元，比上年增加0万元；",
     [("公务用车购置及运行费", "9.73万元"), ("公务用车购置费", "0万元")]),
    # the parts of the procurement budget, written 拟采购X (无锡)
    ("2026年度政府采购支出预算总额1,572.85万元，其中：拟采购货物支出356.26万元、拟采购工程支出0万元、拟采购服务支出"
     "1,216.59万元。", [("政府采购", "1,572.85万元"), ("政府采购货物", "356.26万元"), ("政府采购工程", "0万元"),
                     ("政府采购服务", "1,216.59万元")]),
])
def test_whole_totals_written_as_total_income_or_expenditure(sentence, expected):
    from search.facts import extract_from_sentence

    assert [(f["metric"], f["value_text"]) for f in extract_from_sentence(sentence, "决算")] == expected


@pytest.mark.parametrize("unit", ["深圳市人民政府口岸办公室", "上海市花卉良种试验场", "上海交通职业技术学校", "北京市气象台"])
def test_a_units_own_budget_total_after_its_name_is_its_total(unit):
    # "…口岸办公室部门预算收入55,884.67万元": the budget's total, its change stated after it
    from search.facts import extract_from_sentence

    found = extract_from_sentence(f"2026年{unit}部门预算收入55,884.67万元，较2025年年初预算增加2,757.53万元，增长5.2%。",
                                  "预算")
    assert [(f["metric"], f["value_text"], f["change_wan"]) for f in found] == [("收入总计", "55,884.67万元", 2757.53)]



@pytest.mark.parametrize("line, expected", [
    # 西安's 收支总表 names the halves 人员经费和公用经费支出 / 专项业务经费支出, mid-row in two columns
    ("2 1、财政拨款 74868.34 1、一般公共服务支出 1、人员经费和公用经费支出 19443.34 1、机关工资福利支出 2243.55",
     [("人员经费和公用经费支出", "19443.34")]),
    ("7 2、上级补助收入 6、科学技术支出 2、专项业务经费支出 55424.99 6、对事业单位资本性补助 4509.70",
     [("专项业务经费支出", "55424.99")]),
    ("一、基本支出 | 300.00", [("基本支出", "300.00")]),      # elsewhere only at the row's start
    ("其中：基本支出 300.00", []),
])
def test_the_halves_of_a_whole_budget_table(line, expected):
    from search.facts import _TABLE_HALVES, _compact

    found = [(h.group("plain") or h.group("xian"), h.group("num")) for h in _TABLE_HALVES.finditer(_compact(line))]
    assert found == expected


def test_search_and_ask_run_the_operations_once_per_question(keyword_client):
    from search.qa import _OPERATED

    gen = keyword_client.application.extensions["budget_engine"].generation()
    q = "海东市医疗保障局2024年三公经费是多少"
    keyword_client.get("/api/search", query_string={"q": q})
    cached = _OPERATED[gen][q]
    body = ask(keyword_client, q)
    assert _OPERATED[gen][q] is cached and "2.41万元" in body["answer"]


def test_the_sentence_repeating_an_answered_row_stays_in_the_first_five(keyword_client):
    # the row "信息化建设 34.33" of the 支出决算表 answers; the sentence "…信息化建设（项）。年初预算为 0 万元，
    # 支出决算为 34.33 万元" is shown right after it, before the other tables that repeat the figure
    results = keyword_client.get("/api/search", query_string={"q": "海东市医保局信息化建设支出"}).get_json()["results"]
    assert any("支出决算为34.33万元" in norm(r["text"]) for r in results[:2]), [r["text"][:40] for r in results[:5]]


@pytest.mark.parametrize("q", ["哪个局三公经费最高", "三公经费最少的局", "海东医保局和平安区医保局哪个三公经费多"])
def test_search_shows_first_the_passage_the_answer_is_read_from(keyword_client, q):
    # a ranking's winner (a comparison's first unit) leads the results, whatever the keyword ranking made of it
    cited = keyword_client.get("/api/ask", query_string={"q": q}).get_json()["citations"]
    results = keyword_client.get("/api/search", query_string={"q": q}).get_json()["results"]
    assert cited and results[0]["id"] == cited[0]["id"], (cited[0]["id"], [r["id"] for r in results[:5]])


def test_a_projects_budget_line_below_its_name_answers_for_the_project():
    from search.qa.passages import best_sentence

    text = ("（四）重点支出和重大投资项目情况说明1.学前免费政策市级财政补助（1）政策依据：为贯彻落实《意见》要求，推进学前教育"
            "普及普惠安全优质发展。（2）绩效目标：全面保障免费学前教育政策落地见效。（3）预算安排：2026 年安排市级资金预算 3 亿元。"
            "2.北京第六实验学校建设项目（1）政策依据：根据《计划》。（2）预算安排：2026 年安排资金 5,000.00 万元。")
    sentence, _ = best_sentence(text, ["学前", "免费", "政策", "市级", "财政", "补助", "资金"], True,
                                "北京市教育委员会2026年学前免费政策市级财政补助安排了多少资金")
    assert "学前免费政策市级财政补助……" in sentence and "3 亿元" in sentence and "5,000" not in sentence
    # a sentence listing several projects is no project's name: the next budget line is not its budget
    listing = "涉及2个重点项目，为学前免费政策市级财政补助、北京第六实验学校建设项目。（1）预算安排：2026 年安排 3 亿元。"
    sentence, _ = best_sentence(listing, ["北京", "第六", "实验", "学校"], True, "北京第六实验学校建设项目安排多少")
    assert "……" not in sentence


def test_a_projects_targets_line_below_its_name_answers_what_its_targets_are():
    from search.qa.passages import best_sentence

    text = ("1.学前免费政策市级财政补助（1）政策依据：为贯彻落实《意见》要求，推进学前教育普及普惠安全优质发展。"
            "（2）绩效目标：全面保障免费学前教育政策落地见效。（3）预算安排：2026 年安排市级资金预算 3 亿元。"
            "2.北京第六实验学校建设项目（1）政策依据：根据《计划》。（2）绩效目标：建成学校。（3）预算安排：安排 5,000.00 万元。")
    terms = ["学前", "免费", "政策", "市级", "财政", "补助", "绩效目标"]
    sentence, _ = best_sentence(text, terms, False, "学前免费政策市级财政补助的绩效目标是什么", ["学前免费政策市级财政补助"])
    assert sentence.startswith("1.学前免费政策市级财政补助……（2）绩效目标") and "落地见效" in sentence, sentence
    # a question not asking the targets keeps the name apart from them
    sentence, _ = best_sentence(text, terms[:-1], False, "学前免费政策市级财政补助的政策依据", ["学前免费政策市级财政补助"])
    assert "……（2）绩效目标" not in sentence, sentence


def test_answers_and_search_order_do_not_depend_on_the_hash_seed(tmp_path):
    """Two documents of one unit (a department's file and its 本级's) are read in a fixed order: the answer and
    the search order were once taken from set iteration and changed between server starts."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("无锡_教育局_2026年部门预算.pdf", "2026年无锡市教育局部门预算.pdf"):
        shutil.copyfile(require_shared(CORPUS_2026 / name), corpus / name)
    index = tmp_path / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); from conftest import make_app; "
              "c = make_app(sys.argv[2]).test_client(); q = '无锡教育局今年预算涨了多少'; "
              "print(json.dumps([c.get('/api/ask', query_string={'q': q}).get_json()['answer'], "
              "[r['id'] for r in c.get('/api/search', query_string={'q': q}).get_json()['results']]]))")
    runs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(index)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
                              cwd=Path(__file__).parent.parent, check=True)
        runs.add(done.stdout.strip().splitlines()[-1])
    assert len(runs) == 1, runs
    answer = json.loads(runs.pop())[0]
    assert "512,434.34" in answer and "131,349.6" in answer


def test_a_sentence_announcing_a_list_is_quoted_with_its_items():
    from search.qa.passages import _with_its_list

    text = ("（五）项目支出 1,531.45 万元，具体包括：1.规划类经费 6.50 万元，主要用于编制规划。2.审计管理业务 506.95 万元，"
            "主要用于审计业务经费。")
    quoted = _with_its_list("（五）项目支出 1,531.45 万元，具体包括：", text)
    assert quoted.endswith("主要用于审计业务经费。") and "规划类经费" in quoted
    assert _with_its_list("不在文中：", text) == "不在文中："


@pytest.mark.parametrize("line, is_table", [
    ("五、其他收入 77.00 八、卫生健康支出 285.83九、节能环保支出", True),
    ("30201 办公费 12.50 10.00 2.50", True),
    ("2026 年计划购置车辆 30 辆、667.10 万元，主要是一般执法执勤用车 25 辆", False),
    ("项目支出 9,399.23 万元，主要用于信息化建设 1,200.00 万元", False),
])
def test_a_table_line_is_no_sentence_to_quote(line, is_table):
    from search.qa.sentence_ops import _TABLE_LINE

    assert bool(_TABLE_LINE.match(line)) == is_table


def test_a_share_stated_of_a_classification_row_answers_its_share():
    # "湖州交通局 一般公共预算 交通运输类支出 占比": the row prints its level in brackets (交通运输（类）支出), and the
    # fund named beside the item only places it — the sentence need not repeat 一般公共预算
    from search.qa.passages import best_sentence
    from search.query import normalize_query

    text = "2.一般公共预算当年拨款结构情况。\n教育（类）支出 3797.62 万元，占 7.3%；交通运输（类）支出 41783.67 万元，占 80.0%。"
    question = normalize_query("湖州交通局 一般公共预算 交通运输类支出 占比")
    terms = ["一般公共预算", "交通运输", "支出", "占比"]
    sentence, score = best_sentence(text, terms, True, question, ["交通运输"])
    assert "80.0%" in sentence and score > 0, sentence


def test_a_kind_of_vehicle_the_sentence_does_not_count_is_not_the_fleet(keyword_client):
    # 海东市医疗保障局 "共有车辆1.00辆，其中：应急保障用车1辆": no count of 执法执勤用车 — not the fleet's 1
    body = ask(keyword_client, "海东市医疗保障局有几辆执法执勤用车")
    assert body["answer_type"] == "none" and "未分列执法执勤用车" in body["answer"], body["answer"]
