"""Answers that are a cited sentence, for questions no figures operation answered (qa/__init__ tries those
first): one registered operation per kind of sentence asked — a definition from a 名词解释, the reason for a change,
a unit's offices, the units its budget is made of, its duties, what a figure is used for — and, for any other
question about one unit, the sentence of its documents that states the asked thing. Each sentence is checked
(a verify predicate) to state what was asked, or the question is not answered: a sentence about something else,
with another figure, would be a confident wrong answer.

Registered like operations.py's figure operations: `@sentence_operation("duties")` adds one; `scoped=False`
marks one that may answer without a named unit (a definition is the same in every disclosure).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Callable

from ..vocab import passage_doc_id, passage_id, passage_ordinal, strip_quotes
from .gazetteer import gazetteer_for
from .lexicon import metric_synonyms
from .operations import Context, Detail
from .passages import MAX_ANSWER_CHARS, fact_dict, none_answer, passage_answer
from .reasons import (
    WHOLE_BUDGET_WORDS,
    reason_about_the_whole,
    reason_of,
    reason_passage,
    stated_reason,
    states_a_reason,
    with_reason,
)
from .understand import FUNDS, Understood

__all__ = ["SENTENCE_OPERATIONS", "add_reason", "required_words", "sentence_answer", "sentence_operation"]


@dataclass(frozen=True)
class SentenceOperation:
    answer: Callable[..., dict]   # (engine, u, k, scope, started) -> reply dict
    scoped: bool = True           # False: answers without a named unit (run before the scope checks)


SENTENCE_OPERATIONS: dict[str, SentenceOperation] = {}


def sentence_operation(name: str, scoped: bool = True):
    """Register the sentence answer of one operation of the question grammar (understand.py names it)."""
    def register(fn):
        SENTENCE_OPERATIONS[name] = SentenceOperation(fn, scoped)
        return fn
    return register


_CROSS_DOCUMENT = ("max", "min", "threshold", "zero", "change_list", "compare", "overview")


def sentence_answer(engine, u: Understood, k: int, started: float) -> dict:
    """No figures operation answered: a cited sentence when the question's scope allows one, else abstain."""
    scope = u.doc_ids
    if u.years and scope is not None:
        scope = {d for d in scope if engine.generation().documents[d].year in u.years}
    if u.basis == "决算" and scope is not None:
        # a final account asked: a budget's sentence is not one ("北京发改委 决算 三公 实际支出")
        gen = engine.generation()
        finals = {d for d in scope if gen.documents[d].kind == "决算"}
        if not finals and scope:
            held = "、".join(sorted({f"{gen.documents[d].year}年{gen.documents[d].kind}" for d in scope}))
            return none_answer(u.question, f"没有找到可靠的答案：本库没有所问单位的决算，只有其{held}。",
                               engine.search(u.question, k=k, documents=scope)["results"], started)
        scope = finals
    registered = SENTENCE_OPERATIONS.get(u.operation)
    if registered is not None and not registered.scoped:
        return registered.answer(engine, u, k, scope, started)
    cross_document = u.operation in _CROSS_DOCUMENT
    if u.operation in ("item_max", "item_min", "item_compare") or len(u.units) > 1 \
            or (not u.units and u.scope_region is not None):
        # a ranking of one unit's rows, a question about several units, or a region of many units: a single
        # sentence of one unit cannot answer it
        why = ("没有找到可靠的答案：" + ("本库没有该单位可排序的项目表" if u.operation in ("item_max", "item_min")
                                    else "所比较的两项没有各自对应表中的一行" if u.operation == "item_compare"
                                    else "所问的几个单位没有都载明所问内容" if len(u.units) > 1
                                    else "问题没有指明是该地区的哪个单位") + "。")
        return none_answer(u.question, why, engine.search(u.question, k=k)["results"], started)
    if scope is None or cross_document:
        # no unit named, or a cross-document question the figures table cannot answer: a sentence from
        # some unit would be a guess
        which = _WHICH_UNITS.search(u.normalized)
        if u.metric or u.operation != "lookup" or _ASKS_AMOUNT.search(u.normalized) or which:
            # a figure asked of no unit ("一般公共预算支出是多少") would be some unit's figure: a guess; and which
            # units hold something ("哪些单位安排了X") is never one unit's sentence
            why = "没有找到可靠的答案：" + ("本库的数据表中没有足够的已载明数字来回答这个比较或排序问题" if cross_document
                                  else "问的是哪些单位，本库的数据表中没有找到与所问相符的行" if which
                                  else "问题没有指明单位，无法确定回答哪个单位的数字") + "。"
            return none_answer(u.question, why, engine.search(u.question, k=k)["results"], started)
        return passage_answer(engine, u, k, allowed=None)
    if registered is not None:
        return registered.answer(engine, u, k, scope, started)
    return _stating_sentence(engine, u, k, scope, started)


@sentence_operation("definition", scoped=False)
def _definition(engine, u: Understood, k: int, scope, started: float) -> dict:
    """"三公经费是指什么": the 名词解释 entry, else the sentence saying it (in the named unit's documents)."""
    answer = _glossary_answer(engine, u, k, started)
    if answer is not None:
        return answer
    # "计划购置的单价100万元以上设备是什么": what is bought is said where the buying is, not the assets held
    # — and of the thing asked (设备, not the cars bought beside it)
    acted = _ACTION.search(u.normalized)
    thing = re.sub(r"\s", "", u.defines)[-2:]
    # (and of the price class named: "单价100万元以上" — the figure the question writes is in the sentence)
    named = re.findall(r"\d+(?:\.\d+)?", u.defines)

    # (and how many: a purchase plan counts what it buys — "车辆30辆", "设备1台（套）"; a sentence naming the
    # thing and buying without a count is a definition or a project's purpose, not what is bought)
    counted = re.compile(re.escape(thing) + r"[^。；;，,\d]{0,8}?\d+\s*(?:辆|台|套|件)")

    def verify(sentence: str) -> bool:
        plain = re.sub(r"\s", "", sentence)
        return bool(_ACTION.search(sentence)) and thing in plain and all(n in plain for n in named) \
            and bool(counted.search(plain)) and not _TABLE_LINE.match(sentence)   # (a sentence, not a table row)
    verify = verify if acted and u.units else None
    # (what is bought is often said in the sentence's first clause, the thing asked in a later one; and it is
    # found by the documents' words for it: "买哪些车" is 购置 车辆)
    query = f"购置 {re.sub(r'(?<!车)车$', '车辆', u.defines)}" if verify is not None else None
    return passage_answer(engine, u, k, allowed=scope if u.units else None, wants_figure=False, verify=verify,
                          whole_sentences=verify is not None, query=query)


_WHICH_UNITS = re.compile(r"哪些(?:单位|部门|局|委)|哪(?:几|一)?个(?:单位|部门|局|委)|哪几家|哪家")
_ACTION = re.compile(r"购置|购买|新购|采购|报废|处置|租用|(?<![交])买(?!卖)")
# a table's line, not a sentence: three figures in a row, or two amounts without a money unit
_TABLE_LINE = re.compile(r".*?(?:[\d,.]+\s+){2,}[\d,.]+|(?:.*?\d[\d,]*\.\d{2}(?!\d|\s*(?:[万亿千]?元|%|％))){2}")


@sentence_operation("structure")
def _structure(engine, u: Understood, k: int, scope, started: float) -> dict:
    """The unit's offices: the sentence listing them (下设办公室、…共5个处（室）), or the list under its heading."""
    reply = passage_answer(engine, u, k, allowed=scope, wants_figure=False, verify=_STATES_STRUCTURE.search,
                           query="机构设置 内设 下设 处室 科室")
    return reply if reply["answer_type"] != "none" else (
        _first_quoted(engine, u, k, scope, started, "机构设置 内设机构", _offices, None) or reply)


@sentence_operation("subunits")
def _subunits(engine, u: Understood, k: int, scope, started: float) -> dict:
    """The units the budget is made of, listed after their heading ("下设二级预算单位4个，分别是：…、…")."""
    return _first_quoted(engine, u, k, scope, started, "二级预算单位 下属单位 所属单位 预算单位 包括 本级",
                         _units_listed, "没有找到可靠的答案：所问单位的文件中没有列出其下属单位的段落。")


@sentence_operation("duties")
def _unit_duties(engine, u: Understood, k: int, scope, started: float) -> dict:
    """"上海戒毒康复中心是干嘛的": the text under the unit's duties heading, from its start (document order)."""
    return _first_quoted(engine, u, k, scope, started, "主要职能 主要职责 部门职责", _duties,
                         "没有找到可靠的答案：所问单位的文件中没有载明其职能的段落。", in_order=True)


@sentence_operation("purpose")
def _purpose(engine, u: Understood, k: int, scope, started: float) -> dict:
    """What the item is for: a sentence naming it with its use, never only its figure — or, for its targets,
    the 年度目标 its project's 绩效目标表 states."""
    if u.item and _NOT_A_NAME_WORD.search(u.item):
        # "…停车场 项目 绩效目标": the targets are asked, not a row named 绩效目标 — of the project the other
        # words name, when one project's target table does (else a sentence about the targets: "共14个项目纳入
        # 绩效目标管理")
        target = _project_target(engine, u, k, scope, started)
        if target is not None:
            return target
    named = u.item_phrase or u.item or u.metric_text
    states = _STATES_PURPOSE.search if u.item else _purpose_of(required_words(u) or [u.metric])

    def verify(sentence: str) -> bool:
        return bool(states(sentence)) and not _TABLE_LINE.match(sentence)   # a sentence, not a table's line
    reply = passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=required_words(u),
                           verify=verify, query=f"{named} 用于")
    if reply["answer_type"] == "none" and _TARGET_ASKED.search(u.normalized):
        return _project_target(engine, u, k, scope, started) or reply
    return reply


_TARGET_ASKED = re.compile(r"目标|做什么|干什么|用途")
# a 项目绩效目标表: "项目名称 X 主管部门 … 年度目标 Y 一级指标 …" (福州, 烟台, 西安 print one per project)
_TARGET_BLOCK = re.compile(r"项目名称\s*(?P<name>.+?)\s*主管部门.*?(?:年度目标|总体目标)\s*[:：]?\s*(?P<target>.+?)"
                           r"\s*(?=一级指标|绩效指标|绩效目标指标|年度绩效|年度\s*绩效|项目名称|$)", re.S)
_NOT_A_NAME_WORD = re.compile(r"^(?:绩效|年度|总体)?目标|^项目$|^绩效$")


def _project_target(engine, u: Understood, k: int, scope, started: float) -> dict | None:
    """The 年度目标 (or 总体目标) of the one project of the unit's 绩效目标表 whose name holds every word the
    question names it by; None when no one project does."""
    words = [w for w in dict.fromkeys([u.item, *u.unparsed.split()]) if w and len(w) >= 2
             and not _NOT_A_NAME_WORD.search(w)]
    if not words or sum(len(w) for w in words) < 4:
        return None
    result = engine.search(" ".join(words) + " 项目名称 年度目标", k=max(k, 20), documents=scope)
    found = {}
    for hit in result["results"]:
        for m in _TARGET_BLOCK.finditer(hit["text"]):
            name = re.sub(r"\s", "", m.group("name"))
            target = re.sub(r"\s+", " ", m.group("target")).strip()
            if all(w in name for w in words) and len(target) >= 6:
                found.setdefault(name, (hit, target))
    if len(found) != 1:
        return None   # no project, or several the words fit: which one is not said
    name, (hit, target) = next(iter(found.items()))
    return _quoted_reply(u, hit, f"《项目绩效目标表》项目“{name}”年度目标：{target[:160]}", result["results"], k,
                         started)


def _stating_sentence(engine, u: Understood, k: int, scope, started: float) -> dict:
    """Any other question about one unit: the sentence of its documents stating the asked figure or item (its
    change for a change), else one saying there is none of it."""
    wants_figure = True if (u.item or u.metric or u.operation in ("change", "share", "completion")) else None
    verify = None
    if u.metric and not u.item and u.operation == "lookup":
        verify = _states_metric(u.metric)
    elif u.item and u.operation == "lookup":
        verify = _states_item(u.item, u.normalized)
    elif u.operation == "share":
        # a share asked: the sentence must state one (a percentage), not only the amounts
        verify = _STATES_SHARE.search
    elif u.operation == "change":
        # a bare word (=收入) names the metric only on its own in a question: in a sentence, "其他收入支出
        # 0.00万元…预算支出较上年增加" does not state the income's change
        bare = {asked[1:] for asked, _ in metric_synonyms() if asked.startswith("=")}
        verify = _states_change([w for w in required_words(u) or [] if w not in bare])
    reply = passage_answer(engine, u, k, allowed=scope, wants_figure=wants_figure, required=required_words(u),
                           verify=verify)
    if reply["answer_type"] == "none" and u.operation == "lookup" and required_words(u):
        # "烟台信访局委托业务费多少": "2025年、2026年均未使用财政拨款安排委托业务费支出" says there is none
        stated = passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=required_words(u),
                                verify=_states_none_of(required_words(u)))
        if stated["answer_type"] != "none":
            return stated
    if reply["answer_type"] == "none" and u.operation == "lookup":
        return _section_named(engine, u, k, scope, started) or reply
    return reply


# what a question asking for a section's text ends with, and the numbering and year a heading begins with
_SECTION_ASKED_END = re.compile(r"(?:是什么|是啥|有哪些|包括哪些|包括什么|怎么样|如何|具体内容|内容)?[?？]?$")
_HEADING_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[（(]?[一二三四五六七八九十\d]+[)）、.．])\s*")
_A_FIGURE_ASKED = re.compile(r"多少|几|金额|数额|占比|比例|增减|增长|减少|增加|为什么|原因|哪个|哪家|谁")


def _section_named(engine, u: Understood, k: int, scope, started: float) -> dict | None:
    """"深圳市统计局2026年主要工作目标", "湖州卫健委国有资产占有使用情况": what the question asks is a heading of
    the unit's document — the text under it, from its start, quoted. Only for a question asking no figure, and
    a heading of four or more characters the question writes out (or that writes out all the question asks)."""
    from ..tokens import compact_text
    from .passages import document_passages

    if not scope or _A_FIGURE_ASKED.search(u.normalized):
        return None
    rest = compact_text(u.normalized)
    for mention in u.units:
        rest = rest.replace(compact_text(mention.text), "")
    rest = _SECTION_ASKED_END.sub("", re.sub(r"20\d\d年度?|\d\d年|今年|明年|的", "", rest))
    if len(rest) < 4:
        return None
    gen = engine.generation()
    best = None   # (length of the heading matched, passage)
    for doc_id in sorted(scope):
        for _pid, p in document_passages(gen, doc_id):
            heading = p.section.rsplit(" › ", 1)[-1] if p.section else ""
            words = compact_text(re.sub(r"20\d\d\s*年度?", "", _HEADING_NUMBER.sub("", heading)))
            if len(words) >= 4 and (words in rest or rest in words) and (best is None or len(words) > best[0]):
                best = (len(words), p)
    if best is None:
        return None
    p = best[1]
    result = engine.search(p.section.rsplit(" › ", 1)[-1], k=max(k, 20), documents={p.doc_id})
    hit = next((h for h in result["results"] if h["id"] == p.id), None)
    if hit is None:
        return None
    text = re.sub(r"\s*\n\s*", " ", _with_what_it_announces(engine, hit)).strip()
    quoted = text if len(text) <= 240 else text[:240].rsplit("。", 1)[0] + "。…"
    return _quoted_reply(u, hit, quoted, result["results"], k, started)


def _states_none_of(words: list[str]):
    """A sentence saying the named figure is not arranged at all (未安排 / 未使用…安排 / 无 … right before it)."""
    named = "|".join(re.escape(w) for w in words if w)
    pattern = re.compile(rf"(?:未使用|未安排|没有安排|无|不安排|未发生|不涉及)[^。；;，,]{{0,12}}?(?:{named})|"
                         rf"(?:{named})[^。；;，,\d]{{0,6}}?(?:为零|为0(?![\d.])|未安排|无(?!锡)|不涉及|未发生)")
    return pattern.search


_AN_ITEM = re.compile(r"^[\u4e00-\u9fff]{2,}(?:费|经费|资金|项目|专项)$")


def _reason_of_an_item(engine, u: Understood, k: int, scope, named: list[str]) -> dict:
    reply = passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=named, verify=reason_of(named))
    if reply["answer_type"] != "passage" or not re.search(r"多少|几|[少多]了|减少|增加|下降|增长|涨|降", u.normalized) \
            or re.search(r"\d[\d,.]*\s*[万亿]?元", reply["answer"]):   # (or the reason's sentence states it already)
        return reply   # (the change asked with the reason: the item's own statement of it first, as for a metric)
    stated = passage_answer(engine, u, k, allowed=scope, wants_figure=True, required=named,
                            verify=lambda sentence: not states_a_reason(sentence))
    if stated["answer_type"] == "passage":
        reply["answer"] = with_reason(stated["answer"], reply["answer"].split("：", 1)[-1], MAX_ANSWER_CHARS)
        reply["citations"] = stated["citations"][:1] + reply["citations"]
    return reply


_ASKS_WHY_NONE = re.compile(r"没有|为零|是零|为0|是0|为空|(?<![\d.])0(?![\d.])|无")
_NONE_STATED = re.compile(r"(?<!增)无(?!锡|增减)|未安排|没有|不涉及|未发生|为0(?![\d.])|为零|0万元|0元")
_WHY_NONE = re.compile(r"均为|属于|系|不属于|未设|无需|不涉及|不再|没有|未|因|由于|原因")


def _states_why_none(sentence: str) -> bool:
    """A sentence saying the figure is none and what makes it so (not only "为0万元")."""
    none = _NONE_STATED.search(sentence)
    return none is not None and (states_a_reason(sentence) or
                                 bool(_WHY_NONE.search(sentence[:none.start()] + sentence[none.end():])))


_STATES_STRUCTURE = re.compile(r"(?:下设|内设|设有|设置)[^。；]{0,12}?(?:处|科|室|部|中心|机构)|"
                               r"^\s*(?:[\u4e00-\u9fff]{2,12}(?:处|科|室|部|中心)[、，,]\s*){2,}")   # or the offices listed alone


# "（二）机构设置\n综合事务部、综合治理部、后勤服务部。": the offices listed alone under their heading
_OFFICES_UNDER_HEADING = re.compile(r"(?:机构设置|内设机构)[^\n]{0,12}\n\s*((?:[\u4e00-\u9fff]{2,12}(?:处|科|室|部|中心)[、，,]\s*){1,}"
                                    r"[\u4e00-\u9fff]{2,12}(?:处|科|室|部|中心)[。；]?)")
# the units a budget is made of, after the words introducing them: "下设二级预算单位 4 个，分别是：\n…（本级）、…中心"
_UNITS_LISTED = re.compile(r"(?:二级预算单位|下属单位|所属单位|预算单位|所属预算单位)[^。\n]{0,30}?(?:[：:]|包括|分别是|分别为)\s*"
                           r"((?:[\u4e00-\u9fff（）()]{3,40}[、，,]\s*){1,}[\u4e00-\u9fff（）()]{3,40}[。；]?)")
# a unit's duties: its heading ("…主要职能", "主要职责", "部门职责") and what follows it
_DUTIES_HEADING = re.compile(r"(?:主要职能|主要职责|部门职责|单位职责|职能职责)[^\n]{0,12}\n")


def _offices(text: str) -> str | None:
    m = _OFFICES_UNDER_HEADING.search(text)
    return f"机构设置：{m.group(1)}" if m else None


def _units_listed(text: str) -> str | None:
    """The list from its sentence's start ("市民政局所属 15 个预算单位，分别是…")."""
    m = _UNITS_LISTED.search(text)
    if m is None:
        return None
    begin = max(text.rfind(mark, 0, m.start()) for mark in "。\n") + 1
    return re.sub(r"\s*\n\s*", "", text[begin:m.end()]).strip()


def _duties(text: str) -> str | None:
    m = _DUTIES_HEADING.search(text)
    body = re.sub(r"\s*\n\s*", " ", text[m.end():]).strip() if m else ""
    if len(body) < 10:
        return None
    return "主要职能：" + (body if len(body) <= 260 else body[:260].rsplit("；", 1)[0] + "；…")


def _first_quoted(engine, u: Understood, k: int, scope, started: float, query: str, extract, why: str | None,
                  in_order: bool = False) -> dict | None:
    """The first of the scope's passages found by query (ranked, or in document order) from which extract reads
    a quotation, answered with it; else an abstention saying why (None when why is None)."""
    result = engine.search(query, k=max(k, 20), documents=scope)
    hits = sorted(result["results"], key=lambda h: h["id"]) if in_order else result["results"]
    for hit in hits:
        quoted = extract(_with_what_it_announces(engine, hit))
        if quoted:
            return _quoted_reply(u, hit, quoted, result["results"], k, started)
    return none_answer(u.question, why, result["results"][:k], started) if why else None


def _with_what_it_announces(engine, hit: dict) -> str:
    """A passage ending on the words announcing a list ("主要职能包括：") with the next passage of its document,
    where the list was cut off from it."""
    text = hit["text"]
    if not text.rstrip().endswith(("：", ":")):
        return text
    following = engine.generation().passages.get(passage_id(passage_doc_id(hit["id"]), passage_ordinal(hit["id"]) + 1))
    return text + "\n" + following.text if following is not None else text


def _quoted_reply(u: Understood, hit: dict, quoted: str, results: list[dict], k: int, started: float) -> dict:
    """A passage answer: the passage's unit, year and kind, what is quoted from it, the passage cited first."""
    who = " ".join(x for x in (hit["unit"], f"{hit['year']}年" if hit["year"] else "", hit["kind"]) if x)
    return {"question": u.question, "answer": f"{who}：{quoted}"[:MAX_ANSWER_CHARS], "answer_type": "passage",
            "facts": [], "citations": [hit] + [r for r in results if r["id"] != hit["id"]][:max(k, 1) - 1],
            "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def _purpose_of(words: list[str]):
    """A sentence saying what the figure named is used for ("项目支出9,399.23万元，主要用于…")."""
    named = re.compile(f"(?:{'|'.join(re.escape(w) for w in words if w)})[^。；;]{{0,30}}?(?:用于|具体包括|主要包括)")
    return named.search


_STATES_PURPOSE = re.compile(r"用于|用途|主要(?:是|为|包括|内容)|保障|开展|支持|购买|支付|维护|建设|实施|目标|完成|达到|确保")

_GLOSSARY_ITEM = re.compile(r"(?:^|(?<=[。；;\n]))\s*(?:[（(]?[一二三四五六七八九十\d]+[)）]?[、.．]?\s*)?"
                            r"(?P<term>[^：:。；;\n]{2,16}?)\s*(?:[:：]\s*(?:是指|指)?|是指|指的是)(?P<body>[^。\n]{4,200}。?)")


def _glossary_answer(engine, u: Understood, k: int, started: float) -> dict | None:
    """"三公经费是指什么": the entry of a disclosure's 名词解释 that defines the term ("“三公”经费：是指…"),
    quoted with its document, or None."""
    from ..tokens import compact_text

    word = compact_text(strip_quotes(u.defines or u.metric or "")).rstrip("是的")
    if len(word) < 2:
        return None
    result = engine.search(f"名词解释 {word} 是指", k=40)
    for hit in result["results"]:
        text = strip_quotes(hit["text"])
        for m in _GLOSSARY_ITEM.finditer(text):
            if compact_text(m.group("term")) == word:
                who = " ".join(x for x in (hit["unit"], f"{hit['year']}年" if hit["year"] else "", hit["kind"]) if x)
                quoted = re.sub(r"\s+", "", m.group("term")) + "：" + m.group("body").strip().lstrip("：:")
                return {"question": u.question, "answer": f"{who}（名词解释）：{quoted}"[:MAX_ANSWER_CHARS],
                        "answer_type": "passage", "facts": [],
                        "citations": [hit] + [r for r in result["results"] if r["id"] != hit["id"]][:max(k, 1) - 1],
                        "took_ms": round((time.perf_counter() - started) * 1000, 2)}
    return None


def _reason_reply(engine, u: Understood, k: int, scope) -> dict:
    """The sentence of the unit's documents that gives the reason for the asked figure (or abstains)."""
    required, verify = required_words(u), states_a_reason
    if required is None:
        # "预算为什么减少": the whole budget, not a part of it (三公经费, 机关运行经费 …)
        required, verify = list(WHOLE_BUDGET_WORDS), reason_about_the_whole
    return passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=required, verify=verify)


def add_reason(engine, u: Understood, k: int, reply: dict, facts) -> dict:
    """"X局收入预算增加了多少": the change, and the reason the document gives for it when it gives one (a
    reader asking how much a figure moved wants to know why; nothing is added when no sentence says)."""
    if u.operation != "change" or len(u.units) != 1 or reply["answer_type"] != "figure":
        return reply
    gen = engine.generation()
    stated = stated_reason(gen, facts)
    if stated is not None:
        reply["answer"] = with_reason(reply["answer"], stated[0], MAX_ANSWER_CHARS)
        _cite_reason_passage(engine, gen, u, stated, reply["citations"])
        return reply
    reason = _reason_reply(engine, replace(u, operation="reason"), k, u.doc_ids)
    if reason["answer_type"] != "passage":
        return reply
    quoted = reason["answer"].split("：", 1)[-1]
    reply["answer"] = with_reason(reply["answer"], quoted, MAX_ANSWER_CHARS)
    seen = {c["id"] for c in reply["citations"]}
    reply["citations"] += [c for c in reason["citations"][:1] if c["id"] not in seen]
    return reply


def _cite_reason_passage(engine, gen, u: Understood, stated, citations: list[dict]) -> None:
    """The passage a stated reason runs on into (past a page or section break), cited second."""
    terms = engine.highlight_terms(engine.parse(u.question))
    own = stated[1].passage_id   # the change's passage, or where the change is stated again with its reason
    if own in gen.passages and own not in {c["id"] for c in citations}:
        citations.insert(1, engine.result_dict(gen, own, 1.0, ["figures"], terms))
    more = reason_passage(gen, stated[1], stated[0])
    if more is not None and more not in {c["id"] for c in citations}:
        citations.insert(2 if own in {c["id"] for c in citations} else 1,
                         engine.result_dict(gen, more, 1.0, ["figures"], terms))


@sentence_operation("reason")
def _reason_with_change(engine, u: Understood, k: int, scope, started: float) -> dict:
    """"X局三公经费为什么增加 / 增加多少，原因是什么": the change the unit's text states (from the figures
    table) and its reason: first the one written right after that change (reasons.stated_reason), else the
    best reason sentence of the unit's documents. Without a reason the question is not answered, and the
    change is said in the abstention for the reader."""
    if len(u.units) != 1 or (u.item and not u.metric):
        return _reason_reply(engine, u, k, scope)
    asked = u.normalized.replace(" ", "")
    for mention in u.units:   # the question without the units named (无 of 无锡 asks nothing)
        asked = asked.replace(mention.text, " ")
    if u.metric and _ASKS_WHY_NONE.search(asked):
        # "为什么没有机关运行经费 / 为啥是零": the sentence saying there is none and why ("均为事业单位，无机关运行经费")
        return passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=required_words(u),
                              verify=_states_why_none)
    funds = [t for t in u.tables if t in FUNDS]
    # a cost or project named that is no metric of the figures table ("委托业务费比上年减少多少，原因？"): the
    # reason given for it, never the whole budget's — after its own figure when its amount is asked too
    named = [c for c in u.unparsed.split() if _AN_ITEM.search(c)]
    if not u.metric and not funds and named:
        return _reason_of_an_item(engine, u, k, scope, named)
    if not u.metric and funds:
        # "政府性基金预算拨款收入为什么减少": one fund's change and reason, not the whole budget's
        return passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=funds,
                              verify=states_a_reason)
    # "收支预算为什么增加": the whole budget's change is its income total's
    metric = u.metric or ("支出总计" if "支出" in u.normalized and "收入" not in u.normalized else "收入总计")
    gen = engine.generation()
    ctx = Context(engine, gen, gazetteer_for(gen))
    change = Detail().answer(ctx, replace(u, operation="change", metric=metric))
    if change is None and not u.metric:
        # "预算为啥减少" where only the appropriation's change is stated ("其中：财政拨款收入5,484万元，比2025年
        # 预算减少67万元"): that change, named as what it is
        change = Detail().answer(ctx, replace(u, operation="change", metric="财政拨款收入"))
    if change is None:
        reply = _reason_reply(engine, u, k, scope)
        if reply["answer_type"] == "passage" and re.search(r"多少|几", u.normalized):
            # "增加了多少？原因是什么？": a reason without the amount asked answers half the question
            reply["answer_type"] = "none"
            reply["answer"] = ("没有找到可靠的答案：文件没有载明所问的变化金额。文件给出的原因——"
                               + reply["answer"])[:MAX_ANSWER_CHARS]
        return reply
    terms = engine.highlight_terms(engine.parse(u.question))
    cited = [engine.result_dict(gen, f.passage_id, 1.0, ["figures"], terms) for f in change.facts
             if f.passage_id in gen.passages]
    stated = stated_reason(gen, change.facts)
    if stated is not None:
        _cite_reason_passage(engine, gen, u, stated, cited)
        return {"question": u.question, "answer": with_reason(change.text, stated[0], MAX_ANSWER_CHARS),
                "answer_type": "figure", "facts": [fact_dict(f) for f in change.facts],
                "citations": cited[:max(k, 1)],
                "took_ms": round((time.perf_counter() - started) * 1000, 2)}
    reply = _reason_reply(engine, u, k, scope)
    if reply["answer_type"] == "none":
        reply["answer"] = (reply["answer"] + "文件载明的变化：" + change.text)[:MAX_ANSWER_CHARS]
        return reply
    seen = {c["id"] for c in cited}
    reply["answer"] = with_reason(change.text, reply["answer"], MAX_ANSWER_CHARS)
    reply["answer_type"] = "figure"
    reply["facts"] = [fact_dict(f) for f in change.facts]
    reply["citations"] = cited + [c for c in reply["citations"] if c["id"] not in seen]
    return reply


# a share stated: 占 … 80%, 比重/比例/占比 … 80% (a change's rate, "下降16.2%", is none)
_STATES_SHARE = re.compile(r"占[^。；;]{0,24}?\d+(?:\.\d+)?\s*%|(?:比重|比例|占比)[^。；;]{0,10}?\d+(?:\.\d+)?\s*%|"
                           r"占[^。；;]{0,24}?百分之")
_ASKS_AMOUNT = re.compile(r"多少|几[个项辆名人台]|金额|数额|规模|总额")
_CHANGE_AFTER = re.compile(r"^.{0,24}?(?:增加|减少|增长|下降|上升|降低)了?\s*\d")


def _states_change(words: list[str]):
    """For "比上年增加多少" the sentence must state a change of the asked figure: a change and its amount
    right after one of the figure's names ("预算支出较上年增加 29217.58 万元"), not any change nearby."""
    from ..facts import _compact

    names = [_compact(w) for w in words if w]

    def verify(sentence: str) -> bool:
        text = _compact(sentence)
        return any(_CHANGE_AFTER.match(text[at + len(name):])
                   for name in names for at in [m.start() for m in re.finditer(re.escape(name), text)])
    return verify if names else None


def _states_item(item: str, question: str):
    """For an item (a project, a table row) the figure of the asked kind (money, a score, a share …) must
    follow the item's name closely: "行政运行（项）支出 2,342 万元" states it, "…行政运行等方面，共计…" does not."""
    from ..facts import _compact
    from .passages import wanted_number

    name = re.compile("|".join(re.escape(_compact(form)) for form in item_forms(item)))
    number = wanted_number(question)
    money = "万元" in number.pattern and "分" not in number.pattern

    def verify(sentence: str) -> bool:
        text = _compact(sentence)
        for match in name.finditer(text):
            found = number.search(text, match.end())
            if not found:
                continue
            gap = text[match.end():found.start()]
            # money: in the same clause, right after the name (a sentence lists several items' amounts);
            # a score or a share: within the sentence ("…项目绩效自评综述：…项目自评得分85分")
            if (len(gap) <= 12 and not re.search(r"[，,。；;:：]", gap)) if money else \
                    (len(gap) <= 40 and not re.search(r"[。；;]", gap)):
                return True
            if money and "……" in gap:
                # the project's budget line below its name (passages._candidates joined them with ……)
                before, after = gap.split("……", 1)
                if len(before) <= 12 and not re.search(r"[，,。；;:：]", before) and len(after) <= 30:
                    return True
        return False
    return verify


def _states_metric(metric: str):
    """A quoted sentence for a metric lookup must state that metric's figure (read the way the figures
    extractor reads), not a change, a share or a part."""
    from ..facts import _compact, extract_from_sentence

    def verify(sentence: str) -> bool:
        return any(f["metric"] == metric for f in extract_from_sentence(_compact(sentence), ""))
    return verify


_FUND_HALF = re.compile(r"^(.*(?:政府性基金|国有资本经营|一般公共预算|财政))(?:预算)?(?:拨款)?(收入|支出)$")


def item_forms(item: str) -> list[str]:
    """An item as documents write it too: a fund's income or spending with the budget's words between
    ("政府性基金收入" is written 政府性基金预算拨款收入, 政府性基金预算收入)."""
    m = _FUND_HALF.match(item)
    if not m:
        return [item]
    stem, end = m.groups()
    return list(dict.fromkeys([item] + [stem + middle + end for middle in ("", "预算", "拨款", "预算拨款")]))


def required_words(u: Understood) -> list[str] | None:
    """What a quoted sentence must name: the asked item as written, else the asked metric in one of its
    written forms. A sentence about something else, with another figure, is not an answer."""
    if u.item:
        return item_forms(u.item)
    if u.metric:
        return [u.metric] + [asked.lstrip("=") for asked, metric in metric_synonyms() if metric == u.metric]
    return None
