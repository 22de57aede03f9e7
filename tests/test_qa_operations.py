"""Each question operation on a handful of figures: no index, the real Fact rows and operation classes.

A small in-memory generation stands in for the loaded index: the operations only read its documents and
its figures table, and the tests check what a reader would: the right unit's figure as printed, the scope,
the count, and declining (None) rather than guessing."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from unit_docs import Doc

from search.facts import Fact
from search.qa.gazetteer import Gazetteer
from search.qa.operations import OPERATIONS, Context
from search.qa.understand import read_question
from search.query import build_aliases


@dataclass
class Gen:
    documents: dict
    facts_by_metric: dict = field(default_factory=dict)


def fact(doc: Doc, metric: str, value_text: str, basis="预算", change_text="", change_wan=None, share="",
         completion="") -> Fact:
    number = float(value_text.rstrip("万元").replace(",", ""))
    unit = "万元" if value_text.endswith("万元") else "元"
    return Fact(doc.doc_id, f"{doc.doc_id}.pdf", doc.unit, doc.region, doc.year, doc.kind, basis, metric, number,
                value_text, unit, number if unit == "万元" else number / 10000, change_text, change_wan, "", share,
                completion, "text", f"{metric}{value_text}", f"{doc.doc_id}-0001", 1, 2, "")


DOCS = [Doc("bj", "北京市医疗保障局"), Doc("sz", "深圳市医疗保障局"), Doc("gz", "广州市医疗保障局"),
        Doc("gzs", "广州市水务局"), Doc("old", "西安市医疗保障局", 2021), Doc("js", "海东市医疗保障局", 2024, "决算")]
D = {d.doc_id: d for d in DOCS}
FACTS = [fact(D["bj"], "三公经费", "120.50万元", change_text="比上年增加6.77万元", change_wan=6.77),
         fact(D["sz"], "三公经费", "299.23万元", change_text="比上年减少3.00万元", change_wan=-3.0),
         fact(D["gz"], "三公经费", "0.00万元"),
         fact(D["gzs"], "三公经费", "242.29万元", change_text="比上年增加20.00万元", change_wan=20.0),
         fact(D["old"], "三公经费", "10.20万元"),
         fact(D["js"], "三公经费", "2.50万元"), fact(D["js"], "三公经费", "2.41万元", basis="决算", completion="完成预算的96.40%"),
         fact(D["bj"], "项目支出", "23,336.75万元", share="占96.45%")]


@pytest.fixture(scope="module")
def ask():
    gen = Gen({d.doc_id: d for d in DOCS})
    for f in FACTS:
        gen.facts_by_metric.setdefault(f.metric, []).append(f)
    gaz = Gazetteer(DOCS)
    aliases = build_aliases(DOCS)
    ctx = Context(None, gen, gaz)

    def run(q):
        u = read_question(q, gaz, aliases)
        if u.not_held:
            return None
        for op in OPERATIONS:
            if op.applies(u):
                answer = op.answer(ctx, u)
                if answer is not None:
                    return answer
        return None
    return run


def test_lookup_quotes_the_named_units_figure(ask):
    a = ask("深圳医保局2026年三公经费是多少")
    assert "299.23万元" in a.text and "深圳市医疗保障局" in a.text and [f.doc_id for f in a.facts] == ["sz"]


def test_lookup_of_a_final_account_quotes_both_bases(ask):
    a = ask("海东市医保局2024年三公经费决算")
    assert "2.41万元" in a.text and "2.50" not in a.text


def test_compare_names_the_larger(ask):
    a = ask("北京医保局和深圳医保局哪个三公经费多")
    # the larger named as the question named it too: the official name does not hold 医保
    assert a.answer_type == "comparison" and "深圳市医疗保障局（医保局）更多" in a.text and "120.50万元" in a.text
    a = ask("北京市医疗保障局和深圳市医疗保障局哪个三公经费多")
    assert "；深圳市医疗保障局更多" in a.text


def test_units_set_side_by_side_are_compared(ask):
    a = ask("北京 医保局 深圳 医保局 三公 比较")
    assert a.answer_type == "comparison" and "更多" in a.text


def test_rank_within_a_type_and_year(ask):
    a = ask("2026年哪个医保局三公经费最高")
    assert "深圳市医疗保障局" in a.text.split("最高的是")[1][:12]
    assert "3个医疗保障局" in a.text          # 2026 only: the 2021 and 2024 documents are out of scope
    a = ask("广州哪个局三公经费最高")
    assert "广州市水务局" in a.text.split("最高的是")[1][:8]


def test_zero_list_states_its_count(ask):
    a = ask("2026年哪个局三公经费为零")
    assert a.answer_type == "list" and "共1个" in a.text and "广州市医疗保障局" in a.text


def test_threshold_on_value_and_on_change(ask):
    a = ask("2026年三公经费超过200万元的单位有哪些")
    assert {f.doc_id for f in a.facts} == {"sz", "gzs"}
    a = ask("2026年三公经费比上年增加超过10万元的单位")
    assert {f.doc_id for f in a.facts} == {"gzs"}     # not the totals above 10万元


def test_change_share_and_completion_are_the_stated_ones(ask):
    assert "比上年增加6.77万元" in ask("北京医保局三公经费比上年增加多少").text
    assert "占96.45%" in ask("北京医保局项目支出占比").text
    assert "完成预算的96.40%" in ask("海东市医保局2024年三公经费决算完成预算的比例").text


def test_change_list_by_direction(ask):
    a = ask("哪些单位三公经费比上年减少")
    assert [f.doc_id for f in a.facts] == ["sz"]


def test_an_operation_declines_rather_than_guess(ask):
    assert ask("深圳医保局公务接待费是多少") is None           # no such figure stated
    assert ask("北京医保局和深圳水务局哪个三公经费多") is None   # 深圳水务局 is not held
