"""Answer questions from the figures table; fall back to the best cited sentence.

Understands which unit(s), year, kind and metric a question is about and which operation it asks for:
lookup (多少), zero (为零/没有), max/min (最高/最低), threshold (超过 X万元), change (比上年增加/减少),
share (占比). Every figure in an answer is quoted exactly as the cited passage prints it; the only
arithmetic is a share computed from two stated figures, with its inputs named.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

from .answer import MAX_ANSWER_CHARS, passage_answer
from .facts import MENTION, TO_WAN, Fact, _GROUPS, _compact
from .query import ASKS_REASON, normalize_query

_ZERO = re.compile(r"为0|为零|是0|没有安排|未安排|没有|无")
_MAX = re.compile(r"最高|最多|最大")
_MIN = re.compile(r"最低|最少|最小")
_THRESHOLD = re.compile(r"(?P<op>超过|高于|大于|多于|不少于|低于|少于|小于|不足|不到)\s*(?P<num>\d+(?:\.\d+)?)\s*"
                        r"(?P<unit>万元|亿元|元)")
_CHANGE_UP = re.compile(r"(比上年|较上年|同比)?.{0,4}(增加|增长|上升|提高)")
_CHANGE_DOWN = re.compile(r"(比上年|较上年|同比)?.{0,4}(减少|下降|降低)")
_CHANGE_ASK = re.compile(r"(比上年|较上年|同比|变化|增减)")
_COMPLETION = re.compile(r"完成预算|完成率|执行率|预算完成|执行进度")
_SHARE = re.compile(r"占比|比例|比重|占.{0,6}(多少|几)")
_LIST = re.compile(r"哪些|哪个|哪家|哪几个|各")
_VEHICLE = re.compile(r"车辆|辆|几台车|多少车")
_STAFF = re.compile(r"编制")
# words that carry no content once unit, year and metric are understood
_FILLER = re.compile(r"是多少|多少|是|有|几|吗|呢|的|年度?|预算|决算|总额|合计|数|金额|安排|情况|部门|单位|请问|一共|共|"
                     r"支出|经费|费用|财政拨款|一般公共|为|了|呀|\?|？|,|，|。|\s")


@dataclass
class Question:
    text: str
    metric: str
    op: str                  # lookup | zero | max | min | threshold | change_up | change_down | change | share
    doc_ids: set[str]
    year: int | None
    kind: str
    basis: str
    threshold: tuple[str, float] | None = None


def detect_metric(normalized: str) -> str:
    if _VEHICLE.search(normalized) and "公务用车购置" not in normalized and "运行" not in normalized:
        return "车辆"
    if _STAFF.search(normalized):
        return "编制"
    mention = MENTION.search(_compact(normalized))
    if mention:
        return next(_GROUPS[k] for k, v in mention.groupdict().items() if v)
    return ""


def understand(engine, q: str) -> Question | None:
    parsed = engine.parse(q)
    normalized = normalize_query(q)
    metric = detect_metric(normalized)
    if not metric or ASKS_REASON.search(normalized):
        return None   # no figure asked for, or a reason is asked for: the cited sentence answers that
    if _MAX.search(normalized):
        op = "max"
    elif _MIN.search(normalized):
        op = "min"
    elif _THRESHOLD.search(normalized):
        op = "threshold"
    elif _COMPLETION.search(normalized):
        op = "completion"
    elif _SHARE.search(normalized):
        op = "share"
    elif _CHANGE_DOWN.search(normalized) and _LIST.search(normalized):
        op = "change_down"
    elif _CHANGE_UP.search(normalized) and _LIST.search(normalized):
        op = "change_up"
    elif _CHANGE_ASK.search(normalized) or re.search(r"增长|增加|减少|下降", normalized):
        op = "change"
    elif _ZERO.search(normalized) and (_LIST.search(normalized) or not parsed.doc_scores):
        op = "zero"
    else:
        op = "lookup"
    basis = "决算" if "决算" in normalized else ("预算" if "预算" in normalized else "")
    threshold = None
    if op == "threshold":
        m = _THRESHOLD.search(normalized)
        limit = float(m.group("num")) * TO_WAN[m.group("unit")]
        threshold = ("gt" if m.group("op") in ("超过", "高于", "大于", "多于", "不少于") else "lt", limit)
    question = Question(q, metric, op, set(parsed.doc_scores), parsed.year, parsed.kind, basis, threshold)
    if op == "lookup":
        leftover = normalized
        for mention in parsed.unit_mentions:
            leftover = leftover.replace(mention, "")
        leftover = MENTION.sub("", _compact(leftover))
        leftover = re.sub(r"20\d\d", "", leftover)
        leftover = re.sub(r"车辆|辆|公务用车|编制|人员|名", "", leftover)
        leftover = _FILLER.sub("", leftover)
        if len(leftover) >= 2:
            return None   # the question asks something more specific than the figure itself
        if not question.doc_ids:
            question.op = "overview"   # a bare metric ("机关运行经费"): the figure for every unit
    return question


def _label(fact: Fact) -> str:
    return f"{fact.year}年{fact.basis}" if fact.year else fact.basis


def _rank_fact(fact: Fact, question: Question) -> tuple:
    """Best statement of a metric in a document: the section about it, the sentence naming the scope asked."""
    metric_word = fact.metric.replace("(境)", "")
    in_section = metric_word[:4] in fact.section.replace("“", "").replace("”", "")
    scope = sum(1 for w in ("一般公共预算", "财政拨款", "部门") if w in question.text and w in fact.sentence)
    return (fact.source != "text", -int(in_section), -scope, fact.line_start)


def choose_facts(engine, question: Question) -> dict[str, list[Fact]]:
    """doc_id -> facts of the metric, best first, respecting year/kind/basis."""
    gen = engine.generation()
    by_doc: dict[str, list[Fact]] = {}
    for fact in gen.facts_by_metric.get(question.metric, []):
        if question.doc_ids and fact.doc_id not in question.doc_ids:
            continue
        if question.year and fact.year != question.year:
            continue
        if question.kind and fact.kind != question.kind:
            continue
        by_doc.setdefault(fact.doc_id, []).append(fact)
    for doc_id, facts in by_doc.items():
        wanted = question.basis or facts[0].kind or "预算"
        preferred = [f for f in facts if f.basis == wanted] or facts
        if question.basis and not [f for f in facts if f.basis == question.basis]:
            if facts[0].kind != question.basis and question.op != "lookup":
                preferred = []   # a 预算 question is not answered with 决算 figures, nor the reverse
        by_doc[doc_id] = sorted(preferred, key=lambda f: _rank_fact(f, question))
    return {d: fs for d, fs in by_doc.items() if fs}


def _join(items, budget: int = 220) -> str:
    """Join list items, stopping before the answer grows past what a reader takes in; the citations and
    /api/facts carry the full list."""
    items = list(items)
    shown: list[str] = []
    for item in items:
        if shown and sum(len(x) + 1 for x in shown) + len(item) > budget:
            return "、".join(shown) + "等（完整列表见数据表）"
        shown.append(item)
    return "、".join(shown)


def compose(engine, question: Question) -> tuple[str, str, list[Fact]] | None:
    facts_by_doc = choose_facts(engine, question)
    if not facts_by_doc:
        return None
    metric = question.metric
    best = {d: fs[0] for d, fs in facts_by_doc.items()}
    year = f"{question.year}年" if question.year else ""

    if question.op == "lookup":
        used = []
        parts = []
        for doc_id, fact in best.items():
            line = f"{fact.unit}{_label(fact)}{metric}为{fact.value_text}"
            if fact.kind == "决算" and not question.basis:
                pair = [f for f in (engine.generation().facts_by_metric.get(metric, []))
                        if f.doc_id == doc_id and f.basis != fact.basis and f.passage_id == fact.passage_id]
                if pair:
                    line += f"（{pair[0].basis}{pair[0].value_text}）"
                    used.append(pair[0])
            if fact.change_text:
                line += f"，{fact.change_text}"
            if fact.mismatch:
                line += f"（注意：{fact.mismatch}）"
                used.extend(f for f in facts_by_doc[doc_id] if f.source == "table" and f.mismatch)
            parts.append(line)
            used.append(fact)
        return "；".join(parts) + "。", "figure", used

    # one stated detail per document: the change, the completion rate or the share the text gives
    detail_ops = {
        "change": (lambda f: bool(f.change_text or f.change_rate),
                   lambda f: "，".join(x for x in (f.change_text, f.change_rate) if x)),
        "completion": (lambda f: bool(f.completion), lambda f: f.completion),
        "share": (lambda f: bool(f.share), lambda f: f.share),
    }
    if question.op in detail_ops:
        has_detail, detail = detail_ops[question.op]
        used, parts = [], []
        for facts in facts_by_doc.values():
            # for completion rates the actual (决算) row is the one to quote
            candidates = sorted(facts, key=lambda f: f.basis != "决算") if question.op == "completion" else facts
            fact = next((f for f in candidates if has_detail(f)), None)
            if fact is not None:
                parts.append(f"{fact.unit}{_label(fact)}{metric}{fact.value_text}，{detail(fact)}")
                used.append(fact)
        if not parts:
            return None
        return "；".join(parts) + "。", "figure", used

    rows = list(best.values())
    if not question.basis:
        # compare like with like: budgets with budgets unless the question asks for actuals
        budgets = [f for f in rows if f.basis == "预算"]
        rows = budgets or rows
    rows.sort(key=lambda f: (f.value_wan if f.value_wan is not None else f.value))
    def item(f: Fact) -> str:
        return f"{f.unit}（{_label(f)}，{f.value_text}）"

    if question.op == "zero":
        hits = [f for f in rows if f.value == 0]
        if not hits:
            return f"已载明{year}{metric}的单位中，没有为零的。", "list", rows[:5]
        return f"{year}{metric}为零的有：{_join(item(f) for f in hits)}。", "list", hits
    if question.op == "overview":
        ordered = rows[::-1]
        return f"各单位{year}{metric}（从高到低）：{_join(item(f) for f in ordered)}。", "list", ordered
    if question.op in ("max", "min"):
        ordered = rows[::-1] if question.op == "max" else rows
        word = "最高" if question.op == "max" else "最低"
        top = ordered[0]
        rest = "；其后为" + _join(item(f) for f in ordered[1:3]) if len(ordered) > 1 else ""
        return (f"已载明{year}{metric}的单位中，{word}的是{item(top)}{rest}。", "comparison", ordered[:3])
    if question.op == "threshold":
        direction, limit = question.threshold
        hits = [f for f in rows if f.value_wan is not None and (f.value_wan > limit if direction == "gt" else
                                                                f.value_wan < limit)]
        if not hits:
            return f"已载明{year}{metric}的单位中，没有满足条件的。", "list", rows[:5]
        return f"{year}{metric}满足条件的有：{_join(item(f) for f in hits)}。", "list", hits
    if question.op in ("change_up", "change_down"):
        sign = 1 if question.op == "change_up" else -1
        hits = []
        for facts in facts_by_doc.values():
            fact = next((f for f in facts if f.change_wan is not None and f.change_wan * sign > 0), None)
            if fact:
                hits.append(fact)
        word = "增加" if sign > 0 else "减少"
        if not hits:
            return f"已载明{metric}的单位中，没有比上年{word}的。", "list", []
        return (f"{metric}比上年{word}的有：{_join(f'{f.unit}（{_label(f)}{f.value_text}，{f.change_text}）' for f in hits)}。",
                "list", hits)
    return None


def figure_passages(engine, q: str) -> list[str]:
    """Passages stating the figures that answer q (empty when the figures table cannot answer it)."""
    question = understand(engine, q)
    composed = compose(engine, question) if question else None
    if composed is None:
        return []
    return list(dict.fromkeys(f.passage_id for f in composed[2]))


def answer_question(engine, q: str, k: int = 5, **filters) -> dict:
    started = time.perf_counter()
    question = understand(engine, q)
    composed = compose(engine, question) if question else None
    if composed is None:
        return passage_answer(engine, q, k=k, **filters)
    text, answer_type, used = composed
    gen = engine.generation()
    parsed = engine.parse(q)
    terms = engine.highlight_terms(parsed)
    citations, seen = [], set()
    for fact in used:
        if fact.passage_id in seen or fact.passage_id not in gen.passages:
            continue
        seen.add(fact.passage_id)
        citations.append(engine.result_dict(gen, fact.passage_id, 1.0, ["figures"], terms))
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS - 1] + "…"
    facts = [fact_dict(f) for f in used]
    return {"question": q, "answer": text, "answer_type": answer_type, "facts": facts,
            "citations": citations[:max(k, len(citations))],
            "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def fact_dict(fact: Fact) -> dict:
    return dict(fact.__dict__)

