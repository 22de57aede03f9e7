"""Question answering: understand a question into slots, answer it with one registered operation, or abstain.

    understand (understand.py: units via the gazetteer, years, basis, metric, operation, item)
      -> not held?  abstain, saying what the corpus holds           (never another unit's or year's figure)
      -> operations.py, in order: compare, rank, threshold, zero, change list, detail, lookup, overview
         (+ table rows when the tables layer is indexed)
      -> sentence_ops.py: a whole cited sentence from the named unit's documents that holds the asked thing
         (registered sentence operations: definition, reason, structure, subunits, duties, purpose)
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

from ..rowsearch import cells_stating
from ..vocab import strip_quotes
from .gazetteer import gazetteer_for
from .lexicon import metric_synonyms, total_labels
from .operations import OPERATIONS, PART_RANK, VEHICLE_KIND, Answer, Context
from .passages import MAX_ANSWER_CHARS, document_passages, fact_dict, none_answer
from .reasons import states_a_reason, with_reason
from .sentence_ops import add_reason, sentence_answer
from .table_ops import (
    HALF_OF_THE_WHOLE,
    LAST_YEAR_COLUMN,
    METRIC_TABLE_TOTAL,
    ROW_COMPARE,
    ROW_LOOKUP,
    ROWS_FIRST,
    ROWS_LAST,
    rows_asked,
)
from .understand import COLUMN_METRICS, Understood, detect_metric, detect_metrics, understand
from .unit_ops import OWN_OFFICE_ASKED, OWN_OFFICE_ROW, SUBUNIT_AS_ROW, SUBUNIT_ROW_LOOKUP, UNIT_RANK

# the operations over table rows, tried in this order (a unit printed as a row before the row looked up; a unit's
# row by name after two rows compared)
TABLE_OPERATIONS = [*ROWS_FIRST, SUBUNIT_AS_ROW, ROW_LOOKUP, ROW_COMPARE, SUBUNIT_ROW_LOOKUP, *ROWS_LAST]

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
    answer = _not_the_whole_for_its_office(engine, u, _run_one(engine, u))
    if answer is not None and answer.answer_type != "none" and u.operation == "lookup" and len(u.units) == 1 \
            and (u.with_last_year or _BOTH_YEARS.search(u.normalized)):
        both = _with_last_year(engine, u, answer)
        if both is answer and u.with_last_year:
            # the earlier year was asked on its own and nothing prints it: half the question is not its answer
            year = u.years[0] - 1 if u.years else None
            return Answer(f"只找到{u.years[0]}年的数：{answer.text.rstrip('。')}；{year}年的数本库没有载明（没有该单位{year}年的文件，"
                          f"其下一年文件也未列出）。", "none", answer.facts, answer.passages, answer.rows)
        answer = both
    if not u.also_metrics or u.operation != "lookup" or answer is None or answer.answer_type == "none":
        return answer
    # "会议费、培训费各多少": each figure named, answered in turn (one that is not stated is left out)
    more = [_run_one(engine, dataclasses.replace(u, metric=m, metric_text=m, also_metrics=[])) for m in u.also_metrics]
    asked = [u.metric] + list(u.also_metrics)
    parts = [(a, m) for a, m in zip([answer] + more, asked) if a is not None and a.answer_type != "none"]
    # (one answer giving every figure asked — a row's columns, RowColumns — is given once)
    parts = [(a, m) for i, (a, m) in enumerate(parts) if all(a.text != b.text for b, _m in parts[:i])]
    if len(parts) == 1:
        return answer
    # in the order the question names them
    named = [m for m, _w in detect_metrics(u.normalized.replace(" ", ""))]
    parts = [a for a, m in sorted(parts, key=lambda p: named.index(p[1]) if p[1] in named else len(named))]
    return Answer("；".join(a.text.rstrip("。") for a in parts) + "。", answer.answer_type,
                  [f for a in parts for f in a.facts], [p for a in parts for p in a.passages],
                  [r for a in parts for r in a.rows])


_ACROSS_UNITS = ("max", "min", "item_max", "item_min", "zero", "threshold", "change_list")


def _not_the_whole_for_its_office(engine, u: Understood, answer: Answer | None) -> Answer | None:
    """"深圳水务局本级三公经费比上年增加多少": a figure of the whole department (its document's, 469.17) is never
    given for its own office where the document's tables print the office apart (深圳市水务局（本级）) — the
    office's own line answers a lookup (OwnOfficeRow); a change, a comparison or a share of the office is
    not answered from the whole's figures."""
    if answer is None or answer.answer_type == "none" or not OWN_OFFICE_ASKED.search(u.normalized) \
            or not (answer.facts or answer.rows):
        return answer
    if u.operation in _ACROSS_UNITS or len(u.units) > 2:
        return answer   # a ranking over a city's units: its 本级 may qualify one of them ("公安局（本级）、卫健委…")
    from ..rowsearch import office_printed_apart
    from .lexicon import is_own_office, without_own_office

    gen = engine.generation()
    docs = {f.doc_id for f in answer.facts if not is_own_office(f.unit or "")} | {r["doc_id"] for r in answer.rows}
    apart = {d: office_printed_apart(gen, d, without_own_office(gen.documents[d].unit))
             for d in sorted(docs) if d in gen.documents and not is_own_office(gen.documents[d].unit or "")}
    apart = {d: found for d, found in apart.items() if found[0]}
    if not apart:
        return answer
    # a row of the office itself (OwnOfficeRow's, RowLookup's 会议费 under 本级) is its answer; a sentence or a
    # total of the department's (its 收支总表, the 三公 table's 合计) is the whole's
    office_lines = {(d, c["line_start"]) for d, (_own, cells) in apart.items() for c in cells}
    if not answer.facts and all((r["doc_id"], r.get("line_start")) in office_lines for r in answer.rows):
        return answer
    offices = list(dict.fromkeys(own for own, _cells in apart.values()))
    return Answer(f"所问是{'、'.join(offices)}的数；本库文件载明的{u.metric_text or u.metric or '该项'}是全部门（含所属单位）的，"
                  f"不是本级的，无法据此回答（本级的数见其按单位列出的表）。", "none", answer.facts, answer.passages, answer.rows)


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
    last = LAST_YEAR_COLUMN.answer(_context(engine), earlier) \
        if LAST_YEAR_COLUMN.applies(earlier) else None
    if last is None:
        return _last_year_by_its_change(answer, next(iter(years)) - 1)
    return Answer(answer.text.rstrip("。") + "；" + last.text, answer.answer_type, answer.facts,
                  answer.passages + [p for p in last.passages if p not in answer.passages], answer.rows + last.rows)


# a change stated against last year's budget (not its final accounts or what was spent)
_AGAINST_LAST_BUDGET = re.compile(r"(?:上年|上一年|去年|20\d\d年)(?:年初)?(?:预算)?(?:数)?(?:相比|对比)?(?:增加|减少|持平|下降|增长)")
_NOT_A_BUDGET = re.compile(r"决算|执行|实际|完成")


def _last_year_by_its_change(answer: Answer, year: int) -> Answer:
    """Last year's figure where only this year's is printed with its change against last year's budget
    ("培训费预算支出21.00万元，较上年减少17.60万元"): the one is the other less the change, said so."""
    facts = [f for f in answer.facts if f.value_wan is not None and f.change_wan is not None]
    if len(facts) != 1 or len(answer.facts) != 1 or not _AGAINST_LAST_BUDGET.search(facts[0].change_text or "") \
            or _NOT_A_BUDGET.search(facts[0].change_text or ""):
        return answer
    f = facts[0]
    last = round(f.value_wan - f.change_wan, 2)
    if last < 0:
        return answer
    return Answer(f"{answer.text.rstrip('。')}；{year}年为{last:,.2f}万元（由{f.value_wan:,.2f}万元与“{f.change_text}”推算）。",
                  answer.answer_type, answer.facts, answer.passages, answer.rows)


def _from_the_next_years_change(engine, u: Understood) -> Answer | None:
    """"西安市审计局上年培训费": no document of last year, nor a column of it; the next year's document states
    its figure with the change against last year's budget — last year's figure is worked out from the two."""
    if not u.absent_year or not u.units or u.operation != "lookup" or not u.metric:
        return None
    gen = engine.generation()
    if not any(gen.documents[d].year == u.absent_year + 1 for m in u.units for d in m.doc_ids if d in gen.documents):
        return None
    this = _run_one(engine, dataclasses.replace(u, years=[u.absent_year + 1], absent_year=None, not_held=""))
    if this is None or this.answer_type == "none":
        return None
    worked = _last_year_by_its_change(this, u.absent_year)
    return worked if worked is not this else None


def _context(engine) -> Context:
    gen = engine.generation()
    return Context(engine, gen, gazetteer_for(gen))


def _run_one(engine, u: Understood) -> Answer | None:
    ctx = _context(engine)
    if u.not_held:
        # no document is of the unit named, or of the year asked: a row of its department's tables may be
        # (西安强戒所), or a row under its name in a table printed unit by unit (深圳市考试院 会议费), or a
        # column of its next year's tables (2025年预算数)
        for op in (SUBUNIT_AS_ROW, SUBUNIT_ROW_LOOKUP, LAST_YEAR_COLUMN):
            if op.applies(u):
                answer = op.answer(ctx, u)
                if answer is not None:
                    return answer
        return _from_the_next_years_change(engine, u)
    answer = None
    for op in [VEHICLE_KIND, OWN_OFFICE_ROW, UNIT_RANK, PART_RANK] + TABLE_OPERATIONS + OPERATIONS:
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
        if METRIC_TABLE_TOTAL.applies(u):
            # a whole stated only as its own table's 合计 row (福州's "三公"经费支出预算表)
            total = METRIC_TABLE_TOTAL.answer(ctx, u)
            if total is not None:
                return total
        if u.metric in COLUMN_METRICS:
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
    西安 document), or None when it names none; and how the question wrote those units (西安规自局), so that
    search does not rank their passages by the unit's own name."""
    cited: list[str]
    restating: list[str]
    named: set[str] | None
    mentions: tuple[str, ...] = ()
    each_unit: tuple[frozenset[str], ...] = ()   # the documents of each unit named, when it names several


def answer_passages(engine, q: str) -> AnswerPassages:
    """(the passages the answer to q cites, the prose passages restating the table rows it quotes, the named
    units' documents): search ranks first what /api/ask answers from — the figures, the table rows, the
    sentence giving a reason — shows the text that repeats a row next to it, and prefers the named unit."""
    u = understand_question(engine, q)
    named = u.doc_ids if u.units and all(m.held and m.doc_ids for m in u.units) else None
    mentions = tuple(m.text for m in u.units) if named else ()
    each = tuple(dict.fromkeys(frozenset(m.doc_ids) for m in u.units)) if named and len(u.units) >= 2 else ()
    answer = _operate(engine, u)
    if answer is not None and u.operation in ("max", "min"):
        each = ()   # a ranking answered: the winner's passages are its evidence, not one of each unit's
    if answer is not None:
        # an ambiguous row ("有2行…相符") still names the rows the question is about
        found = list(dict.fromkeys([f.passage_id for f in answer.facts] + answer.passages))
        # search shows beside the first result the text repeating the answer's own figure (not the runners-up)
        # (both figures of a comparison: the question is about each)
        first_only = u.operation not in ("compare", "item_compare")
        return AnswerPassages(found, [p for p in _restating(engine.generation(), answer, first_only=first_only)
                                      if p not in found], named, mentions, each)
    if u.not_held:
        # every unit named is held, another year or a count is not: search still shows those units' documents
        # ("西安宣传部 今年 行政运行" — its 2021 budget is what the corpus holds), named above the rest, their
        # title pages first (where the abstention's "已收录的年份：2021" is read)
        return AnswerPassages(_held_years_titles(engine.generation(), u), [], named, mentions, each)
    reply = sentence_answer(engine, u, 5, time.perf_counter())   # what answer_question says when no operation answers
    if reply["answer_type"] == "none":
        # no answer: the rows the question names, where a reader looks next (not an answer's evidence)
        return AnswerPassages(rows_asked(_context(engine), u), [], named, mentions, each)
    cited = [c["id"] for c in reply["citations"]]
    return AnswerPassages(cited[:1] if reply["answer_type"] == "passage" else cited, [], named, mentions, each)


# what a table of a fund or of a metric is called where its total is written out in the text
_TABLE_OF_A_WHOLE = re.compile(r"政府性基金|国有资本经营|政府采购|机关运行经费")


def _restating(gen, answer: Answer, first_only: bool = False) -> list[str]:
    """Passages of the answer's documents that state the same figure again: the prose repeating a quoted
    table row ("7.综合管理 274.16 万元" in a project list), another table listing that row, the table row
    of a figure read from a sentence (政府采购支出表 "合计 25.30" for "政府采购支出预算总额25.3万元"). A
    reader checks one statement against the other; prose comes first."""
    from ..tokens import canonical_text, compact_text, normalize_number
    from ..vocab import LIST_NUMBER

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
        for pid, passage in document_passages(gen, doc_id):
            if pid in cited or name not in gen.compact_texts.get(pid, ""):
                continue
            text = canonical_text(passage.text)
            if any(figure.search(text[m.end():m.end() + reach] if reach else text) for m in named.finditer(text)):
                (tables if passage.is_table else prose).append(pid)
    # the table cells printing the figure under its name, its row or its column, in whatever money unit (the
    # 培训费 column of 西安's 三公、会议费、培训费 table in 元 for a sentence's 21.00万元)
    # (before the tables found by words near a figure: a cell is the figure under that name, not near it)
    cells = []
    for fact in answer.facts[:1 if first_only else 2]:
        word = compact_text(strip_quotes(fact.metric).replace("(境)", ""))[:4]
        if fact.value_wan and fact.metric not in _NOT_MONEY:
            cells += [pid for pid in cells_stating(gen, fact.doc_id, fact.value_wan, word, fact.year)
                      if pid not in cited and pid in gen.passages]
    tables = list(dict.fromkeys(cells + tables))
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
    number = normalize_number(compact_text(row.get("value_text") or ""))
    if not re.fullmatch(r"[\d.]+", number) or len(number.replace(".", "").lstrip("0")) < 4:
        return []
    figure = re.compile(rf"(?<![\d.,]){re.escape(number)}" + (r"0*(?![\d])" if "." in number else r"(?:\.0+)?(?![\d]|\.\d)"))
    found = []
    for pid, passage in document_passages(gen, row["doc_id"]):
        if pid not in cited and passage.is_table and figure.search(canonical_text(passage.text)):
            found.append(pid)
            if len(found) == 2:
                break
    return found


_NOT_MONEY = ("车辆", "购置车辆", "编制")   # metrics that count vehicles or posts, not money

# a figure -> a word of its own table's title
_OWN_TABLE_WORDS = {"三公经费": "三公", "因公出国": "三公", "公务接待": "三公", "公务用车": "三公", "政府采购": "采购",
                    "机关运行经费": "机关运行"}


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


HELD_YEARS_SHOWN = 3   # title pages of the years held, newest first, when the year asked is not


def _held_years_titles(gen, u: Understood) -> list[str]:
    """The first passage (cover and title: unit, year, kind) of each document of the named units when the
    question's year is not held for them ("西安宣传部 2026年" — only its 2021 budget is); for a unit not held,
    of the files named after it ("2026年潍坊市统计局部门预算.pdf", whose content is a 通报): the abstention
    says what they hold, search shows them."""
    if not u.not_held or not u.units:
        return []
    if not all(m.held and m.doc_ids for m in u.units):
        gaz = gazetteer_for(gen)
        docs = sorted({d for m in u.units if not m.held and m.region and m.dept_type
                       for d in gaz.files_named_after(m.region, m.dept_type)})
    elif u.years:
        docs = sorted((d for d in u.doc_ids or () if d in gen.documents and gen.documents[d].year not in u.years),
                      key=lambda d: -(gen.documents[d].year or 0))
    else:
        return []
    return [first[0] for d in docs[:HELD_YEARS_SHOWN] if (first := next(document_passages(gen, d), None))]


def answer_question(engine, q: str, k: int = 5, unit: str = "", year: int | None = None, kind: str = "") -> dict:
    started = time.perf_counter()
    u = understand_question(engine, q)
    gen = engine.generation()
    if u.not_held and _operate(engine, u) is None:
        closest = engine.search(q, k=k)["results"]
        titles = _held_years_titles(gen, u)
        if titles:   # the year asked is not held: the documents of the years that are, by their title pages
            terms = engine.highlight_terms(engine.parse(q))
            closest = [engine.result_dict(gen, pid, 1.0, ["held"], terms) for pid in titles] + \
                [r for r in closest if r["id"] not in titles][:max(0, k - len(titles))]
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
        reply = add_reason(engine, u, k, {
            "question": q, "answer": text, "answer_type": answer.answer_type,
            "facts": [fact_dict(f) for f in answer.facts], "rows": answer.rows,
            "citations": citations[:max(k, len(citations))]}, answer.facts)
        reply["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return _respond(engine, u, _with_second(engine, u, reply, k))
    return _respond(engine, u, _with_second(engine, u, sentence_answer(engine, u, k, started), k))


def _with_second(engine, u: Understood, reply: dict, k: int) -> dict:
    """"广州市民政局有多少辆车？房屋面积多少？": the second question, asked of the same units, answered after the
    first; when it finds nothing, the first's answer is shown but the question counts as not answered."""
    if not u.second or reply["answer_type"] == "none":
        return reply
    asked = " ".join(m.text for m in u.units) + " " + u.second
    second = answer_question(engine, asked, k)
    if second["answer_type"] == "none":
        # half the question answered is not an answer to it: said as found, the whole not claimed answered
        reply["answer"] = (f"只回答了前一问：{reply['answer'].rstrip('。')}；另问的“{u.second.rstrip('?？')}”"
                           f"未找到载明的内容。")[:MAX_ANSWER_CHARS]
        reply["answer_type"] = "none"
        return reply
    seen = {c["id"] for c in reply["citations"]}
    reply["answer"] = (reply["answer"].rstrip("。") + "；" + second["answer"])[:MAX_ANSWER_CHARS]
    reply["citations"] += [c for c in second["citations"] if c["id"] not in seen]
    reply["facts"] = reply.get("facts", []) + second.get("facts", [])
    return reply


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
