"""Why a figure changed: the reason read right after the change the document states (search/qa/reasons.py).

The text tests use sentences as printed in the 2026 PDFs; the answer tests build a real index of those
PDFs and ask through /api/ask."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS_2026, make_app, require_shared

from search.cli import build_stages
from search.indexer import build_index
from search.qa.reasons import reason_after

PDFS = ["福州_公安局交通警察局_2026年部门预算.pdf", "无锡_人力资源和社会保障局_2026年部门预算.pdf",
        "2026年深圳市财政局部门预算.pdf", "2026年烟台市科技创新局部门预算.pdf", "2026年珠海市商务局部门预算.pdf",
        "2026年苏州市自然资源和规划局部门预算.pdf", "2026年苏州市科技创新局部门预算.pdf"]


# -- the text right after a change ---------------------------------------------------------------------
def test_the_reason_right_after_the_change_is_read():
    after = "，增长100%。主要原因是:本年有因公出国(境)计划。(二)公务接待费2026年预算安排14.09万元，与上年持平。"
    assert reason_after(after, "比上年增加5.38万元", "因公出国(境)费") == "主要原因是:本年有因公出国(境)计划。"


def test_a_reason_stops_at_the_next_sections_heading():
    # 烟台市司法局: the sentence runs into "二、三公经费支出情况" (its line break lost) — the 三公 figures after it are
    # not part of the reason
    after = ("。收支预算减少的主要原因，烟台监狱上划导致基本支出和项目支出减少二、三公经费支出情况2026年通过一般公共预算"
             "财政拨款安排的三公经费预算共42.26万元，比上年减少64.79万元，下降60.52％。")
    reason = reason_after(after, "比上年减少18,435.5万元", "收支总计")
    assert reason.endswith("烟台监狱上划导致基本支出和项目支出减少。") and "42.26" not in reason, reason
    # an enumeration inside the reason is not a heading
    after = "，主要原因是人员经费增加，一、二级调研员职级晋升所致。"
    assert "职级晋升" in reason_after(after, "比上年增加5万元", "基本支出")


def test_a_reason_in_the_same_sentence_is_read():
    after = "，变动原因本年度部门不单独编制因公出国(境)费，由财政部门统一编制。其中，因公出国(境)费支出0万元"
    assert reason_after(after, "比上年预算减少25.47万元", "三公经费").startswith("变动原因本年度部门不单独编制")


def test_a_repeated_statement_of_the_same_change_does_not_hide_the_reason():
    after = ("，下降30.8%。2026年深圳市财政局(本级)部门预算支出37,385.88万元，较2025年年初预算减少16,640.31万元，"
             "下降30.8%。预算收支减少主要原因说明:一是2025年依据有关文件安排了深圳市中小微企业融资担保基金注资。")
    assert "融资担保基金" in reason_after(after, "较2025年年初预算减少16,640.31万元", "收入总计")


def test_the_reason_of_another_change_is_not_taken():
    # the reason after the second change is the 购置费's, not the 运行维护费's
    after = "，下降2.62%；公务用车购置费221.04万元，比上年增加221.04万元，增长100%。主要原因是：本年有公务用车购置计划。"
    assert reason_after(after, "比上年减少30.00万元", "公务用车运行维护费") is None


def test_the_reason_of_the_next_numbered_part_is_not_taken():
    after = "。1.因公出国（境）费用。2026年预算数77.20万元，主要是根据因公出国（境）计划安排。"
    assert reason_after(after, "较2025年年初预算减少17.20万元", "三公经费") is None


def test_a_later_part_headed_as_the_reason_for_the_same_change_is_read():
    # 烟台市委宣传部: the change, its parts in numbered points, then a point headed as the change's reason
    after = ("，其中：1.收入预算减少3,327.5万元，其中一般公共预算收入减少3,327.5万元。2.支出预算减少3,327.5万元，其中基本支出"
             "增加161.1万元，项目支出减少3,488.6万元。3.收支预算减少的主要原因，落实“习惯过紧日子”有关要求，严控一般性支出。")
    assert "过紧日子" in reason_after(after, "比上年减少3,327.5万元", "收支总计")
    assert reason_after(after, "比上年减少3,327.5万元", "三公经费") is None   # a point headed for another figure


def test_a_reason_that_only_restates_the_change_is_not_a_reason_but_a_moved_part_is():
    restated = "，增长70％，主要原因是因公出国(境)费用增加。"
    assert reason_after(restated, "比上年增加7万元", "因公出国(境)费") is None
    assert reason_after(restated, "比上年增加7万元", "三公经费") == "主要原因是因公出国(境)费用增加。"


# -- answers over the real PDFs ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rclient(tmp_path_factory) -> Path:
    require_shared(CORPUS_2026)
    corpus = tmp_path_factory.mktemp("reasons") / "corpus"
    corpus.mkdir()
    for name in PDFS:
        shutil.copy(CORPUS_2026 / name, corpus / name)
    index = corpus.parent / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    return make_app(index).test_client()


def _ask(client, q: str) -> dict:
    return client.get("/api/ask", query_string={"q": q}).get_json()


@pytest.mark.parametrize("q, change, reason", [
    ("福州交警支队今年出国经费增加的原因", "5.38", "因公出国(境)计划"),
    ("无锡人社局三公经费为啥比去年少了", "25.47", "不单独编制"),
    ("深圳财政局今年预算为啥少了一万六千多万", "16,640.31", "融资担保基金"),
    ("烟台 科技局 因公出国 增加原因", "7万元", "中日韩创新合作中心"),
    ("烟台科技局三公经费为什么增加", "20.68", "因公出国(境)费用增加"),
    ("珠海商务局今年收入预算为什么增加", "12,616.73", "港珠澳大桥"),
    # the total's change has no reason after it ("各减少178,341.83万元。其中："); the same change stated for the
    # appropriation gives it, and is cited
    ("苏州 科技局 预算 减少 原因", "178,341.83", "苏州实验室未安排预算"),
])
def test_a_reason_question_gets_the_change_and_the_reason_written_after_it(rclient, q, change, reason):
    body = _ask(rclient, q)
    assert body["answer_type"] == "figure", body["answer"]
    answer = body["answer"].replace("（", "(").replace("）", ")")
    assert change in answer and reason in answer
    assert answer.index(change) < answer.index("原因：")
    # the change is cited with the passage that states it (the reason follows it there)
    assert body["citations"] and body["facts"]
    assert body["citations"][0]["id"] == body["facts"][0]["passage_id"]


def test_a_change_question_gets_its_reason_too(rclient):
    body = _ask(rclient, "深圳市财政局2026年预算收入比上年减少了多少")
    assert "16,640.31" in body["answer"] and "融资担保基金" in body["answer"]


def test_a_letter_spaced_figure_is_read(rclient):
    # "2 0 2 6年本部门收入预算 6 6 , 3 0 7 . 9 8万元" in the text layer
    body = _ask(rclient, "珠海市商务局2026年收入预算是多少")
    assert body["answer_type"] == "figure" and "66,307.98" in body["answer"]


def test_search_ranks_first_the_passage_the_reason_answer_cites(rclient):
    q = "福州交警支队今年出国经费增加的原因"
    cited = _ask(rclient, q)["citations"][0]["id"]
    results = rclient.get("/api/search", query_string={"q": q}).get_json()["results"]
    assert results[0]["id"] == cited and "figures" in results[0]["channels"]


def test_the_part_that_moved_by_the_whole_amount_gives_the_reason():
    after = ("。其中:(一)因公出国(境)费6.00万元，与2025年预算持平。(二)公务用车购置及运行费9.60万元，比2025年预算"
             "减少21.80万元，主要原因是减少了公务用车购置费预算。")
    reason = reason_after(after, "比2025年预算减少21.80万元", "三公经费")
    assert reason.startswith("公务用车购置及运行费9.60万元") and "减少了公务用车购置费预算" in reason


def test_a_definition_is_not_a_reason():
    from search.qa.reasons import states_a_reason

    # 系 of 关系 is no cue
    assert not states_a_reason("“三公”经费：是与市级财政有经费领拨关系的部门及其下属预算单位使用市级财政拨款安排的支出")



def test_one_funds_change_is_explained_by_its_own_reason(rclient):
    body = _ask(rclient, "苏州市自然资源和规划局政府性基金预算拨款收入为什么减少？")
    assert "13,569.42" in body["answer"] and "土地储备" in body["answer"]
    assert "18,401.57" not in body["answer"]    # the whole budget's change is not the fund's


def test_a_reason_in_points_too_long_to_quote_keeps_every_point():
    from search.qa.reasons import condensed, with_reason

    reason = ("主要原因说明:一是补足原水费、电费、水资源税、河湖设施运行电费等刚性支出缺口约105,041.04万元；支付历史合同结算"
              "尾款4,980.53万元；保障新接管设施正常运行以及落实上级专项工作任务等，新增经费2,461.86万元，合计履职类项目预算"
              "增加111,912.44万元；二是由于存量水务发展资金项目陆续完工，以及新申报水务发展资金项目减少，水务发展资金预算支出"
              "规模减少2,846.11万元；三是补齐往年费用缺口及结算款，并考虑污水处理量变化情况，污水处理服务费增加178,309.00万元。")
    short = condensed(reason)
    assert "105,041.04万元" in short and "2,846.11万元" in short and "污水处理服务费增加178,309.00万元" in short
    assert all(part in reason for part in short.rstrip("。").replace("…", "；").split("；"))   # quoted, never reworded
    statement = "深圳市水务局2026年预算收入总计857,808.76万元，较2025年年初预算增加289,001.08万元，增长50.8%。"
    answer = with_reason(statement, reason, 300)
    assert len(answer) <= 300 and "178,309.00" in answer
    assert with_reason("X。", "主要原因是人员增加。", 300) == "X。原因：主要原因是人员增加。"


def test_a_reason_is_of_the_item_named_before_it_not_of_one_named_inside_it():
    from search.qa.reasons import reason_of

    verify = reason_of(["委托业务费"])
    # 广州规划和自然资源局: 委托业务费 is named inside the reason given for 因公出国（境）费's increase
    assert not verify("其中：因公出国（境）费86.47万元，比上年增加3.2万元，增长3.8%，主要原因是调整了因公出国（境）经费的"
                      "经济分类，将国内服务费3.2万元由委托业务费调整为因公出国（境）经费；")
    assert verify("2026年本部门一般公共预算安排委托业务费8,262.04万元，比上年减少4,073.85万元，下降33%，主要原因是落实零基"
                  "预算改革及过“紧日子”要求。")
