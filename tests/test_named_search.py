"""Search and answers over the documents of a unit the question names (a real index of fourteen 2026 PDFs):
within them the unit's own name ranks nothing, a fund's total is its table's first row where the table is by
unit, a whole stated only by its own table is that table's 合计, row words people use (维修维护费, 维修费) find
the printed rows, a comparison's second figure is shown with the text restating it, and the answers that
would quote the wrong thing (a basic-spending row for the whole, a change's rate for a share, the assets held
for what is bought) give the text's statement or nothing."""
from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import CORPUS_2026, client_over_pdfs, require_shared

from search.query import without_mentions

PDFS = ["2026年北京市退役军人事务局部门预算.pdf", "2026年深圳市水务局部门预算.pdf", "2026年上海市生态环境局_部门预算.pdf",
        "2026年深圳市气象局部门预算.pdf", "2026年福州市商务局部门预算.pdf", "2026年重庆市委宣传部部门预算.pdf",
        "2026年湖州市交通运输局部门预算.pdf", "2026年烟台市科技创新局部门预算.pdf", "2026年北京市市场监督管理局部门预算.pdf",
        "2026年深圳市公安局部门预算.pdf", "2026年深圳市医疗保障局部门预算.pdf", "2026年深圳市民政局部门预算.pdf",
        "2026年苏州市自然资源和规划局部门预算.pdf", "2026年上海市政务服务和数据管理局_部门预算.pdf",
        "2026年上海市国有资产监督管理委员会_部门预算.pdf"]   # the budget of 上海市花卉良种试验场


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_over_pdfs(tmp_path_factory, "named", PDFS)


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
                                       ("上海减污降碳中心 维修费", "306500")])
def test_row_words_people_use_find_the_printed_row(client, q, figure):
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] != "none" and figure in _plain(body["answer"])


def test_a_comparisons_second_figure_is_shown_with_the_text_restating_it(client):
    q = "今年深圳气象局精准预报和精细服务哪个项目钱多"
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert "1,365.35" in body["answer"] and "更多" in body["answer"]
    top = client.get("/api/search", query_string={"q": q}).get_json()["results"][:5]
    assert any("精细服务 1,365.35 万元" in r["text"] for r in top)


def test_a_whole_stated_only_by_its_own_table_is_that_tables_total(client):
    # 福州: the text states 因公出国 70.00, 公务接待 6.10, 公务用车 8.00, and no total; the table's 合计 is 84.10
    body = client.get("/api/ask", query_string={"q": "福州商务局26年三公经费一共多少钱"}).get_json()
    assert body["answer_type"] == "figure" and "84.10" in body["answer"] and "三公" in body["answer"], body["answer"]


def test_a_basic_spending_row_is_not_the_whole_the_text_states(client):
    # the 基本支出 table prints 委托业务费 35.00; the text: "2026年委托业务费涉及财拨资金17,804.62万元"
    body = client.get("/api/ask", query_string={"q": "重庆市委宣传部委托业务费多少万元"}).get_json()
    assert "17,804.62" in body["answer"] and "35.00" not in body["answer"], body["answer"]


def test_a_share_is_answered_only_by_a_share(client):
    body = client.get("/api/ask", query_string={"q": "湖州交通局 一般公共预算 交通运输支出 占比"}).get_json()
    assert body["answer_type"] == "none" or "%" in body["answer"] and "下降" not in body["answer"], body["answer"]


def test_none_said_in_words_is_quoted_with_its_reason(client):
    body = client.get("/api/ask", query_string={"q": "烟台科技局机关运行经费多少钱"}).get_json()
    assert "均为事业单位，无机关运行经费" in body["answer"], body["answer"]


def test_a_figure_asked_in_yuan(client):
    body = client.get("/api/ask", query_string={"q": "北京市监局 机关运行经费 换算成元是多少"}).get_json()
    assert "3,529.93万元（即35,299,300元）" in body["answer"], body["answer"]


def test_what_is_bought_is_not_answered_with_what_is_held(client):
    body = client.get("/api/ask", query_string={"q": "深圳市公安局单价100万元以上设备有几台"}).get_json()
    assert "411" in body["answer"], body["answer"]
    body = client.get("/api/ask", query_string={"q": "深圳市公安局2026年计划购置的单价100万元以上设备是什么？"}).get_json()
    assert "411" not in body["answer"], body["answer"]


@pytest.mark.parametrize("q", ["深圳市公安局2026年计划购置的单价100万元以上设备是什么？", "深圳公安局今年计划购置什么设备",
                               "深圳公安局 今年 买什么大型设备 多少钱"])
def test_what_is_bought_is_the_sentence_counting_it_with_its_buying_clause(client, q):
    # "2026年计划购置车辆30辆…；单价100万元以上设备1台（套）、165.00万元，主要是排爆便携式X光机": the buying is said
    # in the first clause, the equipment in the second — quoted as one sentence
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "passage" and "X 光机" in body["answer"] and "165.00" in body["answer"], body


def test_a_count_asked_with_spaces_is_still_a_count(client):
    # "几 台": a count of equipment, as "几台" is (the space once left the quantity asked unread)
    body = client.get("/api/ask", query_string={"q": "深圳市公安局 单价100万元以上设备 有几 台"}).get_json()
    assert "411" in body["answer"], body["answer"]


def test_what_is_bought_needs_a_count(client):
    # the vehicles bought are counted ("购置车辆7辆"); a sentence naming 购置 and 车 without a count is not them
    body = client.get("/api/ask", query_string={"q": "深圳水务局今年买哪些车"}).get_json()
    assert body["answer_type"] == "passage" and "7 辆" in body["answer"], body
    body = client.get("/api/ask", query_string={"q": "福州市商务局今年计划购置什么车"}).get_json()
    assert body["answer_type"] == "none" or re.search(r"\d+\s*辆", body["answer"]), body


def test_the_larger_is_named_as_the_question_named_it(client):
    body = client.get("/api/ask", query_string={"q": "深圳 医保局 民政局 三公 比较"}).get_json()
    assert body["answer_type"] == "comparison" and "（医保局）更多" in body["answer"], body["answer"]


def test_a_second_question_is_answered_after_the_first(client):
    body = client.get("/api/ask", query_string={"q": "深圳市公安局有多少辆车？单价100万元以上设备有多少台？"}).get_json()
    assert "411" in body["answer"] and "辆" in body["answer"], body["answer"]


@pytest.mark.parametrize("q", ["苏州土储中心 政府性基金 多少万", "苏州土地储备中心 政府性基金 多少万"])
def test_a_subordinate_units_fund_is_its_row_of_the_departments_income_table(client, q):
    # 苏州市土地储备中心 is a row of 苏州市自然资源和规划局's 收入总表 (政府性基金预算 65,163.58) and of its 政府采购
    # table (what procurement draws from the fund, 4,754.00): the unit's fund is the income table's cell
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "figure" and "65,163.58" in body["answer"] and "收入总表" in body["answer"], body


def test_a_row_printed_in_a_table_without_its_money_unit_is_the_same_row(client):
    # 上海's 收入预算总表 prints no money unit; the same digits in the 支出预算总表 (元) are one row, not two
    body = client.get("/api/ask", query_string={"q": "沪数据局今年一般行政管理事务有多少钱"}).get_json()
    assert body["answer_type"] == "figure" and "285,039,000元" in body["answer"], body


@pytest.mark.parametrize("q", ["深圳 医保局 民政局 公安局 气象局 三公 谁多", "深圳医保局、民政局、公安局、水务局的会议费比较"])
def test_each_unit_a_question_names_has_a_passage_among_the_first_five(client, q):
    # one unit's several passages do not push the others' out of sight (the first result stays where it was)
    results = client.get("/api/search", query_string={"q": q, "k": 10}).get_json()["results"]
    units = {r["unit"].replace("（本级）", "") for r in results[:5]}
    expected = {"深圳市" + n for n in re.findall(r"医保局|民政局|公安局|气象局|水务局", q)}
    expected = {e.replace("医保局", "医疗保障局") for e in expected}
    assert expected <= units, units


@pytest.mark.parametrize("q", ["深圳医保局比民政局三公经费多多少", "深圳 医保局 民政局 三公经费 差 多少"])
def test_how_much_one_unit_exceeds_another_is_the_difference_of_the_two_figures_quoted(client, q):
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "comparison", body
    assert "66.04万元" in body["answer"] and "66.00万元" in body["answer"] and "相差0.04万元" in body["answer"]


def test_which_units_hold_a_row_no_table_has_is_not_answered_with_some_units_sentence(client):
    body = client.get("/api/ask", query_string={"q": "2026年哪些单位预算里安排了“月球基地建设专项资金安排支出”？"}).get_json()
    assert body["answer_type"] == "none" and "哪些单位" in body["answer"], body


def _figures(text: str) -> list[str]:
    return sorted(set(re.findall(r"\d[\d,]*\.\d+|\d{2,}", text.replace(",", ""))))


@pytest.mark.parametrize("q", ["深圳市水务局2026年政府性基金预算支出总计是多少？", "北京市退役军人事务局2026年的其他收入是多少？",
                               "深圳市医疗保障局2026年的三公经费是多少？", "苏州市土地储备中心的政府性基金是多少？",
                               "深圳市民政局2026年的公务接待费是多少？"])
def test_an_answer_does_not_hang_on_how_the_question_is_typed(client, q):
    # the same question without 的, with 今年 or 26年 for 2026年, without its question mark, with 多少 for 是多少:
    # the same kind of answer with the same figures (a metamorphic check: no gold needed, and it fails on any form
    # that reads differently)
    def ask(text):
        return client.get("/api/ask", query_string={"q": text}).get_json()
    base = ask(q)
    assert base["answer_type"] != "none", base
    forms = [q.replace("的", ""), q.replace("2026年", "今年"), q.replace("2026年", "26年"), q.rstrip("？"),
             q.replace("是多少", "多少")]
    for form in {f for f in forms if f != q}:
        got = ask(form)
        assert (got["answer_type"], _figures(got["answer"])) == (base["answer_type"], _figures(base["answer"])), form


@pytest.mark.parametrize("q, heading, words", [
    ("深圳市气象局2026年主要工作目标", "主要工作目标", "主要工作目标包括"),
    ("湖州市交通运输局国有资产占有使用情况", "国有资产占有使用情况", "共有车辆 171 辆"),
    ("深圳市民政局机构编制", "机构编制", "下设办公室"),
])
def test_a_heading_of_the_units_document_asked_is_answered_with_the_text_under_it(client, q, heading, words):
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "passage" and heading in body["answer"] and words in body["answer"], body



def test_a_count_asked_of_a_heading_is_not_answered_with_its_text(client):
    body = client.get("/api/ask", query_string={"q": "深圳市气象局2026年主要工作目标有几个"}).get_json()
    assert "主要工作目标包括" not in body["answer"], body["answer"]


def test_two_projects_asked_each_are_both_answered_from_the_project_table(client):
    # 深圳民政局: 社会组织管理 is a 功能分类 科目 (2080206, 567.04) and a project of 表5 (569.04)
    with pdfplumber.open(require_shared(CORPUS_2026 / "2026年深圳市民政局部门预算.pdf")) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    projects = dict(re.findall(r"^(民政综合业务管理|社会组织管理) ([\d,.]+) [\d,.]+", text, re.M))
    subject = re.search(r"^2080206 社会组织管理 ([\d,.]+)", text, re.M).group(1)
    assert len(projects) == 2 and projects["社会组织管理"] != subject, (projects, subject)
    body = client.get("/api/ask", query_string={"q": "深圳市民政局民政综合业务管理和社会组织管理两个项目的预算分别是多少"}).get_json()
    assert body["answer_type"] == "figure" and all(v in body["answer"] for v in projects.values()), body["answer"]
    assert subject not in body["answer"] and "更多" not in body["answer"], body["answer"]


def test_an_abstention_on_a_named_row_shows_its_rows_first(client):
    # 社会组织管理 is two rows (a 功能分类 科目 and a project): no answer picks one, and search leads with the rows
    q = "深圳民政局社会组织管理和民政综合业务管理各多少"
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] == "none", body["answer"]
    first = client.get("/api/search", query_string={"q": q}).get_json()["results"][0]
    assert re.search(r"社会组织管理\s+[\d,]+\.\d\d", first["text"]), first["text"][:300]
    assert "figures" in first["channels"], first["channels"]   # put first as the row asked, not by chance


def test_a_department_and_the_unit_its_file_holds_are_one_unit(client):
    # "上海国资委那份文件里的花卉良种试验场": both names are of one document — its duties, not "几个单位"
    body = client.get("/api/ask", query_string={"q": "上海国资委那份预算文件里的花卉良种试验场负责什么"}).get_json()
    assert body["answer_type"] != "none" and "花卉新品种" in body["answer"], body["answer"]


@pytest.mark.parametrize("q, written", [("北京退役军人局 政府性基金 收入", "政府性基金预算拨款收入"),
                                        ("北京市场监管局 国有资本经营 收入 今年", "国有资本经营预算拨款收入")])
def test_a_funds_income_asked_in_short_is_its_sentence_as_written(client, q, written):
    # "政府性基金 收入": the text writes "2.政府性基金预算拨款收入 0 万元"
    body = client.get("/api/ask", query_string={"q": q}).get_json()
    assert body["answer_type"] != "none" and written in body["answer"], body["answer"]


def test_a_funds_written_forms():
    from search.qa.sentence_ops import item_forms

    assert "政府性基金预算拨款收入" in item_forms("政府性基金收入") and item_forms("培训费") == ["培训费"]
