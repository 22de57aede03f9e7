"""Question answering: understand a question into slots, answer it with one registered operation, or abstain.

    understand (understand.py: units via the gazetteer, years, basis, metric, operation, item)
      -> not held?  abstain, saying what the corpus holds           (never another unit's or year's figure)
      -> operations.py, in order: compare, rank, threshold, zero, change list, detail, lookup, overview
         (+ table rows when the tables layer is indexed)
      -> a whole cited sentence from the named unit's documents that holds the asked thing
      -> abstain with the reason and the closest passages as citations

Every figure is quoted exactly as printed, with the passage that states it. The answer carries an
`understood` object, so a reader sees what was answered ("理解为：…").
"""
from __future__ import annotations

import dataclasses
import re
import time
import weakref
from typing import NamedTuple

from ..vocab import strip_quotes
from .gazetteer import gazetteer_for
from .lexicon import metric_synonyms, total_labels
from .operations import OPERATIONS, Answer, Context, Detail
from .passages import MAX_ANSWER_CHARS, none_answer, passage_answer
from .reasons import (
    WHOLE_BUDGET_WORDS,
    reason_about_the_whole,
    reason_passage,
    stated_reason,
    states_a_reason,
    with_reason,
)
from .table_ops import HALF_OF_THE_WHOLE, LAST_YEAR_COLUMN, ROW_LOOKUP, SUBUNIT_AS_ROW, TABLE_OPERATIONS
from .understand import FUNDS, Understood, detect_metric, detect_metrics, understand

__all__ = ["answer_question", "answer_passages", "AnswerPassages", "figure_passages", "detect_metric_name", "understand_question", "Understood",
           "states_a_reason"]

_UNDERSTOOD: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _per_generation(store: "weakref.WeakKeyDictionary", gen, key: str, compute):
    """compute() once per key and index generation (at most 2048 kept): a page asks the search, the figures
    channel and the answer about the same question. Results are shared; callers must not modify them."""
    cache = store.setdefault(gen, {})
    if key not in cache:
        if len(cache) > 2048:
            cache.clear()
        cache[key] = compute()
    return cache[key]


def understand_question(engine, q: str) -> Understood:
    """One reading per question and index generation."""
    return _per_generation(_UNDERSTOOD, engine.generation(), q, lambda: understand(engine, q))


def detect_metric_name(text: str) -> str:
    return detect_metric(text)[0]


_OPERATED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _operate(engine, u: Understood) -> Answer | None:
    """The operations' answer, once per question and index generation (search's figures channel and
    /api/ask both need it), for the question's shared reading only."""
    if u is not understand_question(engine, u.question):
        return _run_operations(engine, u)
    return _per_generation(_OPERATED, engine.generation(), u.question, lambda: _run_operations(engine, u))


def _run_operations(engine, u: Understood) -> Answer | None:
    answer = _run_one(engine, u)
    if answer is not None and answer.answer_type != "none" and u.operation == "lookup" and len(u.units) == 1 \
            and _BOTH_YEARS.search(u.normalized):
        answer = _with_last_year(engine, u, answer)
    if not u.also_metrics or u.operation != "lookup" or answer is None or answer.answer_type == "none":
        return answer
    # "会议费、培训费各多少": each figure named, answered in turn (one that is not stated is left out)
    more = [_run_one(engine, dataclasses.replace(u, metric=m, metric_text=m, also_metrics=[])) for m in u.also_metrics]
    asked = [u.metric] + list(u.also_metrics)
    parts = [(a, m) for a, m in zip([answer] + more, asked) if a is not None and a.answer_type != "none"]
    if len(parts) == 1:
        return answer
    # in the order the question names them
    named = [m for m, _w in detect_metrics(u.normalized.replace(" ", ""))]
    parts = [a for a, m in sorted(parts, key=lambda p: named.index(p[1]) if p[1] in named else len(named))]
    return Answer("；".join(a.text.rstrip("。") for a in parts) + "。", answer.answer_type,
                  [f for a in parts for f in a.facts], [p for a in parts for p in a.passages],
                  [r for a in parts for r in a.rows])


# "今年和去年各多少", "两年分别多少": this year's figure and last year's as this year's document prints it
_BOTH_YEARS = re.compile(r"(?:今年|本年|20[1-3]\d年?)\s*(?:和|与|及|、|跟)\s*(?:去年|上年)|(?:去年|上年)\s*(?:和|与|及|、|跟)\s*"
                         r"(?:今年|本年)|两年")


def _with_last_year(engine, u: Understood, answer: Answer) -> Answer:
    gen = engine.generation()
    years = {gen.documents[f.doc_id].year for f in answer.facts if f.doc_id in gen.documents} | {
        gen.documents[r["doc_id"]].year for r in answer.rows if r.get("doc_id") in gen.documents}
    if len(years) != 1 or None in years:
        return answer
    earlier = dataclasses.replace(u, years=[next(iter(years)) - 1], absent_year=next(iter(years)) - 1)
    if not LAST_YEAR_COLUMN.applies(earlier):
        return answer
    last = LAST_YEAR_COLUMN.answer(Context(engine, gen, gazetteer_for(gen)), earlier)
    if last is None:
        return answer
    return Answer(answer.text.rstrip("。") + "；" + last.text, answer.answer_type, answer.facts,
                  answer.passages + [p for p in last.passages if p not in answer.passages], answer.rows + last.rows)


def _run_one(engine, u: Understood) -> Answer | None:
    ctx = Context(engine, engine.generation(), gazetteer_for(engine.generation()))
    if u.not_held:
        # no document is of the unit named, or of the year asked: a row of its department's tables may be
        # (西安强戒所), or a column of its next year's tables (2025年预算数)
        for op in (SUBUNIT_AS_ROW, LAST_YEAR_COLUMN):
            if op.applies(u):
                answer = op.answer(ctx, u)
                if answer is not None:
                    return answer
        return None
    answer = None
    for op in TABLE_OPERATIONS + OPERATIONS:
        if op.applies(u):
            answer = op.answer(ctx, u)
            if answer is not None:
                break
    if (answer is None or answer.answer_type == "none") and not u.item and u.metric_text and u.units \
            and u.operation == "lookup":
        # a cost the figures do not state (会议费, 印刷费) may still be a row of the unit's tables
        for item in dict.fromkeys((u.metric_text, u.metric)):
            as_row = ROW_LOOKUP.answer(ctx, dataclasses.replace(u, item=item, item_bare=""))
            if as_row is not None and as_row.answer_type != "none":
                return as_row
        if u.metric in ("基本支出", "项目支出", "人员经费", "公用经费"):
            # stated only as a column of the whole-expenditure table (上海: 支出预算总表 合计 / 基本支出 / 项目支出)
            half = HALF_OF_THE_WHOLE.answer(ctx, u)
            if half is not None:
                return half
    return answer


def figure_passages(engine, q: str) -> list[str]:
    """Passages the answer to q cites (the "figures" channel of search; empty when it abstains)."""
    return answer_passages(engine, q)[0]


class AnswerPassages(NamedTuple):
    """What search takes from the answerer: the passages the answer cites (the "figures" channel), the
    prose restating the rows it quotes, and the documents of the units the question names as the answerer
    read them (short forms and abbreviations included: 西安规自局 is 西安市自然资源和规划局, not every
    西安 document), or None when it names none."""
    cited: list[str]
    restating: list[str]
    named: set[str] | None


def answer_passages(engine, q: str) -> AnswerPassages:
    """(the passages the answer to q cites, the prose passages restating the table rows it quotes, the named
    units' documents): search ranks first what /api/ask answers from — the figures, the table rows, the
    sentence giving a reason — shows the text that repeats a row next to it, and prefers the named unit."""
    u = understand_question(engine, q)
    named = u.doc_ids if u.units and all(m.held and m.doc_ids for m in u.units) else None
    answer = _operate(engine, u)
    if answer is not None:
        # an ambiguous row ("有2行…相符") still names the rows the question is about
        found = list(dict.fromkeys([f.passage_id for f in answer.facts] + answer.passages))
        # search shows beside the first result the text repeating the answer's own figure (not the runners-up)
        return AnswerPassages(found, [p for p in _restating(engine.generation(), answer, first_only=True)
                                      if p not in found], named)
    if u.not_held:
        return AnswerPassages([], [], None)
    reply = _fallback(engine, u, 5, time.perf_counter())   # what answer_question says when no operation answers
    if reply["answer_type"] == "none":
        return AnswerPassages([], [], named)
    cited = [c["id"] for c in reply["citations"]]
    return AnswerPassages(cited[:1] if reply["answer_type"] == "passage" else cited, [], named)


# what a table of a fund or of a metric is called where its total is written out in the text
_TABLE_OF_A_WHOLE = re.compile(r"政府性基金|国有资本经营|政府采购|机关运行经费")


def _restating(gen, answer: Answer, first_only: bool = False) -> list[str]:
    """Passages of the answer's documents that state the same figure again: the prose repeating a quoted
    table row ("7.综合管理 274.16 万元" in a project list), another table listing that row, the table row
    of a figure read from a sentence (政府采购支出表 "合计 25.30" for "政府采购支出预算总额25.3万元"). A
    reader checks one statement against the other; prose comes first."""
    from ..tokens import canonical_text, compact_text, normalize_number
    from ..vocab import LIST_NUMBER, passage_id

    targets = []   # (document, words the passage must state, the figure, how far after the words)
    for row in answer.rows[:1 if first_only else 3]:
        # the row's name without its list number ("二、政府性基金预算拨款收入" is restated without "二、")
        name = LIST_NUMBER.sub("", compact_text(row.get("row_label") or ""))
        if name in ("合计", "总计") and (whole := _TABLE_OF_A_WHOLE.search(row.get("title") or "")):
            name = whole.group()   # a table's total is restated by the table's name ("政府性基金预算拨款收入 …")
        targets.append((row["doc_id"], name[:6], row.get("value_text") or "", 40))
        if row.get("money_unit") == "元" and row.get("value_wan"):
            # a table in 元, its text in 万元 (西安, 上海): 3031779608.00元 is restated as 303177.96万元
            targets.append((row["doc_id"], name[:6], f"{row['value_wan']:.2f}", 40))
    for fact in answer.facts[:1 if first_only else 2]:
        word = compact_text(strip_quotes(fact.metric).replace("(境)", ""))[:4]
        printed = re.sub(r"[^\d.,]", "", fact.value_text or "")
        targets.append((fact.doc_id, word, printed, None))
        # the metric as documents write it ("收入预算合计 3,210.10" repeats "收入总计3,210.1万元")
        for written in total_labels().get(fact.metric, ()):
            targets.append((fact.doc_id, written, printed, 30))
        forms = {w.lstrip("=") for w, m in metric_synonyms() if m == fact.metric} if fact.value_wan else set()
        if fact.value_unit == "万元" and fact.value_wan:
            # a text in 万元 (23.09万元), its table in 元 (西安, 上海: "30215 会议费 … 230,900.00")
            for written in {w for w in forms if len(w) >= 2} | {word}:
                targets.append((fact.doc_id, written, str(round(fact.value_wan * 10000)), 60))
        if fact.value_unit == "元" and fact.value_wan and fact.value_wan >= 100:
            # a table in 元 (7,233,086), its text in 万元 as written there ("收入预算723万元"): right after the words
            for written in {w for w in forms if len(w) >= 4}:
                targets += [(fact.doc_id, written, f"{fact.value_wan:.2f}", 12),
                            (fact.doc_id, written, str(round(fact.value_wan)), 12)]
    cited = {f.passage_id for f in answer.facts} | set(answer.passages) | {r.get("passage_id") for r in answer.rows}
    prose, tables = [], []
    # the table of the figure's own kind first ("三公"经费表 for 因公出国(境)费, not the 基本支出总表 listing it too)
    own = next((title for metric, title in _OWN_TABLE_WORDS.items()
                if answer.facts and metric in answer.facts[0].metric), None)
    for doc_id, name, value_text, reach in targets:
        value = compact_text(value_text)   # the passages' form: 131,400.00 → 131400
        if len(name) < 2 or not re.fullmatch(r"[\d.]+", value) or normalize_number(value) == "0":
            continue
        # the spaces between a table's cells are kept: "合计 25.3 25.3" is two figures, not "25.325.3"
        named = re.compile(r"\s*".join(map(re.escape, name)))
        number = normalize_number(value)   # 3210.1 is 3,210.10 in a table: trailing zeros are the same figure
        figure = re.compile(rf"(?<![\d.]){re.escape(number)}" + (r"0*(?!\d)" if "." in number else r"(?:\.0+)?(?![\d]|\.\d)"))
        ordinal = 0
        while (pid := passage_id(doc_id, ordinal)) in gen.passages:
            ordinal += 1
            if pid in cited or name not in gen.compact_texts.get(pid, ""):
                continue
            text = canonical_text(gen.passages[pid].text)
            if any(figure.search(text[m.end():m.end() + reach] if reach else text) for m in named.finditer(text)):
                (tables if gen.passages[pid].is_table else prose).append(pid)
    if own:
        tables.sort(key=lambda pid: own not in compact_text(gen.passages[pid].text[:60]))
    if not prose and not tables and answer.rows:
        tables = _same_figure_elsewhere(gen, answer.rows[0], cited)
    return list(dict.fromkeys(prose + tables))


def _same_figure_elsewhere(gen, row: dict, cited: set) -> list[str]:
    """Nothing restates the quoted row by its name: the other tables of its document printing the same figure
    (a project's 148.90 is its 功能分类 row "2110303 噪声 148.90" too) — a figure of four or more digits only,
    which two different rows of one document seldom share; at most two."""
    from ..tokens import canonical_text, compact_text, normalize_number
    from ..vocab import passage_id

    number = normalize_number(compact_text(row.get("value_text") or ""))
    if not re.fullmatch(r"[\d.]+", number) or len(number.replace(".", "").lstrip("0")) < 4:
        return []
    figure = re.compile(rf"(?<![\d.,]){re.escape(number)}" + (r"0*(?![\d])" if "." in number else r"(?:\.0+)?(?![\d]|\.\d)"))
    found, ordinal = [], 0
    while (pid := passage_id(row["doc_id"], ordinal)) in gen.passages and len(found) < 2:
        ordinal += 1
        if pid not in cited and gen.passages[pid].is_table and figure.search(canonical_text(gen.passages[pid].text)):
            found.append(pid)
    return found


# a figure -> a word of its own table's title
_OWN_TABLE_WORDS = {"三公经费": "三公", "因公出国": "三公", "公务接待": "三公", "公务用车": "三公", "政府采购": "采购",
                    "机关运行经费": "机关运行"}


def _fact_dict(fact) -> dict:
    return dict(fact.__dict__)


def _respond(engine, u: Understood, answer: dict) -> dict:
    answer["understood"] = u.summary(gazetteer_for(engine.generation()))
    return answer


MAX_CITATIONS = 30   # passages rendered as citations; every fact still carries its own passage id and lines


def _cited_passages(answer, text: str) -> list[str]:
    """The passages an answer cites: those of its first MAX_CITATIONS facts, of any later fact whose figure
    the (shortened) answer text still quotes, and the passages it quotes. A list over a whole archive has
    thousands of facts: each keeps its passage id in `facts`, but rendering all of them as citations cost
    more than the answer (0.3 s on a 2,000-document archive)."""
    compact = text.replace(" ", "")
    out, figures = [], set()
    for i, fact in enumerate(answer.facts):
        figure = (fact.value_text or "").replace(" ", "")
        if i < MAX_CITATIONS or (figure and figure not in figures and figure in compact):
            out.append(fact.passage_id)
            figures.add(figure)
    return out + list(answer.passages)[:MAX_CITATIONS]


def answer_question(engine, q: str, k: int = 5, unit: str = "", year: int | None = None, kind: str = "") -> dict:
    started = time.perf_counter()
    u = understand_question(engine, q)
    gen = engine.generation()
    if u.not_held and _operate(engine, u) is None:
        closest = engine.search(q, k=k)["results"]
        return _respond(engine, u, none_answer(q, f"{u.not_held}。", closest, started))
    answer = _operate(engine, u)
    if answer is not None:
        terms = engine.highlight_terms(engine.parse(q))
        text = _other_year_notice(gen, u, answer) + answer.text
        if "原因：" in text:   # a quoted reason too long to keep whole is condensed point by point
            text = with_reason(*text.split("原因：", 1), MAX_ANSWER_CHARS)
        text = text if len(text) <= MAX_ANSWER_CHARS else text[:MAX_ANSWER_CHARS - 1] + "…"
        citations, seen = [], set()
        for pid in _cited_passages(answer, text) + _restating(gen, answer):
            if pid in seen or pid not in gen.passages:
                continue
            seen.add(pid)
            citations.append(engine.result_dict(gen, pid, 1.0, ["figures"], terms))
        reply = _add_reason(engine, u, k, {
            "question": q, "answer": text, "answer_type": answer.answer_type,
            "facts": [_fact_dict(f) for f in answer.facts], "rows": answer.rows,
            "citations": citations[:max(k, len(citations))]}, answer.facts)
        reply["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return _respond(engine, u, reply)
    return _respond(engine, u, _fallback(engine, u, k, started))


def _other_year_notice(gen, u: Understood, answer: Answer) -> str:
    """A one-unit answer from a document of another year than the current one, to a question that named no
    year, says so first ("本库只有该单位2022年的预算："): a reporter must not take it for this year's."""
    from ..config import current_year

    if u.years or len(u.units) != 1:
        return ""
    docs = {f.doc_id for f in answer.facts} | {r["doc_id"] for r in answer.rows if r.get("doc_id")}
    years = sorted({gen.documents[d].year for d in docs if d in gen.documents and gen.documents[d].year})
    kinds = sorted({gen.documents[d].kind for d in docs if d in gen.documents})
    this_year = current_year()
    if not years or this_year in years or max(years) >= this_year:
        return ""
    return f"本库只有该单位{'、'.join(str(y) for y in years)}年的{'、'.join(kinds) or '文件'}："


def _fallback(engine, u: Understood, k: int, started: float) -> dict:
    """No operation answered: a cited sentence when the question's scope allows one, else abstain."""
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
    if u.operation == "definition":
        answer = _glossary_answer(engine, u, k, started)
        if answer is not None:
            return answer
        return passage_answer(engine, u, k, allowed=scope if u.units else None, wants_figure=False)
    cross_document = u.operation in ("max", "min", "threshold", "zero", "change_list", "compare", "overview")
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
        if u.metric or u.operation != "lookup" or _ASKS_AMOUNT.search(u.normalized):
            # a figure asked of no unit ("一般公共预算支出是多少") would be some unit's figure: a guess
            why = "没有找到可靠的答案：" + ("本库的数据表中没有足够的已载明数字来回答这个比较或排序问题" if cross_document
                                  else "问题没有指明单位，无法确定回答哪个单位的数字") + "。"
            return none_answer(u.question, why, engine.search(u.question, k=k)["results"], started)
        return passage_answer(engine, u, k, allowed=None)
    if u.operation == "reason":
        return _reason_with_change(engine, u, k, scope, started)
    if u.operation == "structure":
        # the unit's offices: the sentence listing them (下设办公室、…共5个处（室）)
        reply = passage_answer(engine, u, k, allowed=scope, wants_figure=False, verify=_STATES_STRUCTURE.search,
                               query="机构设置 内设 下设 处室 科室")
        return reply if reply["answer_type"] != "none" else (
            _first_quoted(engine, u, k, scope, started, "机构设置 内设机构", _offices, None) or reply)
    if u.operation == "subunits":
        # the units the budget is made of, listed after their heading ("下设二级预算单位4个，分别是：…、…")
        return _first_quoted(engine, u, k, scope, started, "二级预算单位 下属单位 所属单位 预算单位 包括 本级",
                             _units_listed, "没有找到可靠的答案：所问单位的文件中没有列出其下属单位的段落。")
    if u.operation == "duties":
        # "上海戒毒康复中心是干嘛的": the text under the unit's duties heading, from its start (document order)
        return _first_quoted(engine, u, k, scope, started, "主要职能 主要职责 部门职责", _duties,
                             "没有找到可靠的答案：所问单位的文件中没有载明其职能的段落。", in_order=True)
    if u.operation == "purpose":
        # what the item is for: a sentence naming it with its use, never only its figure
        named = u.item_phrase or u.item or u.metric_text
        verify = _STATES_PURPOSE.search if u.item else _purpose_of(required_words(u) or [u.metric])
        return passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=required_words(u),
                              verify=verify, query=f"{named} 用于")
    wants_figure = True if (u.item or u.metric or u.operation in ("change", "share", "completion")) else None
    verify = None
    if u.metric and not u.item and u.operation == "lookup":
        verify = _states_metric(u.metric)
    elif u.item and u.operation == "lookup":
        verify = _states_item(u.item, u.normalized)
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
        return stated if stated["answer_type"] != "none" else reply
    return reply


def _states_none_of(words: list[str]):
    """A sentence saying the named figure is not arranged at all (未安排 / 未使用…安排 / 无 … right before it)."""
    named = "|".join(re.escape(w) for w in words if w)
    pattern = re.compile(rf"(?:未使用|未安排|没有安排|无|不安排|未发生|不涉及)[^。；;，,]{{0,12}}?(?:{named})|"
                         rf"(?:{named})[^。；;，,\d]{{0,6}}?(?:为零|为0(?![\d.])|未安排|无(?!锡)|不涉及|未发生)")
    return pattern.search


_AN_ITEM = re.compile(r"^[\u4e00-\u9fff]{2,}(?:费|经费|资金|项目|专项)$")


def _reason_of_an_item(engine, u: Understood, k: int, scope, named: list[str]) -> dict:
    reply = passage_answer(engine, u, k, allowed=scope, wants_figure=False, required=named, verify=states_a_reason)
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
        quoted = extract(hit["text"])
        if quoted:
            return _quoted_reply(u, hit, quoted, result["results"], k, started)
    return none_answer(u.question, why, result["results"][:k], started) if why else None


def _quoted_reply(u: Understood, hit: dict, quoted: str, results: list[dict], k: int, started: float) -> dict:
    """A passage answer: the passage's unit, year and kind, what is quoted from it, the passage cited first."""
    who = " ".join(x for x in (hit["unit"], f"{hit['year']}年" if hit["year"] else "", hit["kind"]) if x)
    return {"question": u.question, "answer": f"{who}：{quoted}"[:MAX_ANSWER_CHARS], "answer_type": "passage",
            "facts": [], "citations": [hit] + [r for r in results if r["id"] != hit["id"]][:max(k, 1) - 1],
            "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def _purpose_of(words: list[str]):
    """A sentence saying what the figure named is used for ("项目支出9,399.23万元，主要用于…")."""
    named = re.compile(f"(?:{'|'.join(re.escape(w) for w in words if w)})[^。；;]{{0,30}}?用于")
    return named.search


_STATES_PURPOSE = re.compile(r"用于|用途|主要(?:是|为|包括|内容)|保障|开展|支持|购买|支付|维护|建设|实施")

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


def _add_reason(engine, u: Understood, k: int, reply: dict, facts) -> dict:
    """"X局收入预算增加了多少": the change, and the reason the document gives for it when it gives one (a
    reader asking how much a figure moved wants to know why; nothing is added when no sentence says)."""
    if u.operation != "change" or len(u.units) != 1 or reply["answer_type"] != "figure":
        return reply
    from dataclasses import replace

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
    from dataclasses import replace

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
                "answer_type": "figure", "facts": [_fact_dict(f) for f in change.facts],
                "citations": cited[:max(k, 1)],
                "took_ms": round((time.perf_counter() - started) * 1000, 2)}
    reply = _reason_reply(engine, u, k, scope)
    if reply["answer_type"] == "none":
        reply["answer"] = (reply["answer"] + "文件载明的变化：" + change.text)[:MAX_ANSWER_CHARS]
        return reply
    seen = {c["id"] for c in cited}
    reply["answer"] = with_reason(change.text, reply["answer"], MAX_ANSWER_CHARS)
    reply["answer_type"] = "figure"
    reply["facts"] = [_fact_dict(f) for f in change.facts]
    reply["citations"] = cited + [c for c in reply["citations"] if c["id"] not in seen]
    return reply


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

    name = re.compile(re.escape(_compact(item)))
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


def required_words(u: Understood) -> list[str] | None:
    """What a quoted sentence must name: the asked item as written, else the asked metric in one of its
    written forms. A sentence about something else, with another figure, is not an answer."""
    if u.item:
        return [u.item]
    if u.metric:
        return [u.metric] + [asked.lstrip("=") for asked, metric in metric_synonyms() if metric == u.metric]
    return None
