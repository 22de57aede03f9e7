"""Operations over the rows of the recovered tables (search/tables.py, search/rows.py, read through search/rowsearch.py).

"X局<item>多少" -> the row's total (or the column asked: 基本支出 / 项目支出 / 财政拨款), quoted as printed with
its money unit and its table; "X局哪个项目最大/最小" -> that unit's 项目支出 rows ranked; "A和B的<item>" ->
the row of each. Item names match loosely (培训经费 finds 干部教育培训经费) but the answer quotes the row
exactly, and a loose match that is ambiguous within a unit lists the candidates instead of picking one.
"""
from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

from ..forms import TITLE as FORMS_TITLE
from ..vocab import ORG_NAME_END
from . import lexicon
from .gazetteer import Mention, bare_name
from .operations import Answer, Operation
from .passages import document_passages
from .understand import COLUMN_METRICS, FUNDS, ROW_WORDS, Understood

# a column the question may ask for, as the metric it reads as -> the header word of the table
COLUMNS = {"基本支出": "基本支出", "项目支出": "项目支出", "财政拨款收入": "财政拨款", "人员经费": "人员经费",
           "公用经费": "公用经费"}
MIN_QUALITY = 0.6


def _rows():
    from .. import rowsearch  # the tables layer; imported here so the question grammar does not depend on it

    return rowsearch


def _single_docs(u: Understood) -> list[set[str]]:
    """Each unit's documents, once: two mentions of one unit ("深圳水务局 水务工程质量安全监督站", both read as
    深圳市水务局's document) are one unit, answered once."""
    seen: dict[frozenset, set[str]] = {}
    for m in u.units:
        if m.doc_ids:
            seen.setdefault(frozenset(m.doc_ids), m.doc_ids)
    return list(seen.values())


def _year_docs(ctx, u: Understood, docs: set[str]) -> set[str]:
    if not u.years:
        return docs
    return {d for d in docs if ctx.gen.documents[d].year in u.years}


ROWS_SHOWN = 3   # rows of the item a question names, shown by search when the answer abstains


def rows_asked(ctx, u: Understood) -> list[str]:
    """The passages of the rows that best match the item a question names, in the named unit's documents of
    the year asked: what search shows when no answer could be given ("有2行相符", a column not printed) — the
    rows are where a reader looks next. Only for one unit named and an item of three or more characters."""
    docs = _year_docs(ctx, u, set(u.doc_ids or ()))
    item = u.item if len(_norm(u.item or "")) >= 3 else ""
    if len(_single_docs(u)) != 1 or not docs or len(docs) > 2 or not item:
        return []
    found = [r for r in _rows().find_rows(ctx.gen, docs, item, tables=tuple(u.tables), question=u.normalized)
             if r["quality"] >= MIN_QUALITY and r.get("passage_id")]
    return list(dict.fromkeys(r["passage_id"] for r in found))[:ROWS_SHOWN]


def _the_document(ctx, u: Understood) -> str | None:
    """The one document of the units asked (in the year asked), or None when there are none or several."""
    docs = _year_docs(ctx, u, u.doc_ids or set())
    return next(iter(docs)) if len(docs) == 1 else None


_WRAPPED_HEADER_ENDS = ("预算拨款", "算拨款", "拨款", "预算", "资金", "收入", "支出")


def _column_name(row: dict) -> str:
    parts = (row.get("header_path") or "").split(" › ")
    # a header wrapped in its cell ("一般公共 / 预算拨款") is named whole
    name = parts[-2] + parts[-1] if len(parts) >= 2 and parts[-1] in _WRAPPED_HEADER_ENDS else parts[-1]
    return re.sub(r"^其中[:：]\s*", "", name)   # ("其中：基本支出" follows the answer's own "其中")


def _row_line(row: dict, rows_mod, who: str = "") -> str:
    unit = row["money_unit"] or "未注明单位"
    return (f"{who}“{row['row_label']}”{_column_name(row)}为{rows_mod.quote(row, aside=True)}"
            f"（《{row['title']}》，单位：{unit}）")


_SUM_WORD = re.compile(r"(?:基本支出|项目支出)(?:加上?|\+|＋)|合计|之和|总和|一共|共计|加起来|合起来|总共")


def _halves_summed(compact: str) -> bool:
    """"委托业务费合计多少（基本支出加项目支出）": both halves named and added up — the row's whole, no column."""
    return "基本支出" in compact and "项目支出" in compact and bool(_SUM_WORD.search(compact))


class RowLookup(Operation):
    """One named unit (or several) and an item: the matching row's figure."""

    def applies(self, u):
        return bool(u.item) and bool(u.units) and (u.operation in ("lookup", "compare", "item") or (
            u.operation in ("max", "min") and len(u.units) >= 2))   # (a row ranked over the units named)

    def answer(self, ctx, u):
        rows_mod = _rows()
        # "委托业务费合计多少（基本支出加项目支出）": both halves added up are the row's whole, no column
        column = None if _halves_summed(u.normalized.replace(" ", "")) else COLUMNS.get(u.metric)
        parts, used, passages = [], [], []
        found_values, leads = [], []   # each unit's figure (None: not one clear figure) and the row it is read from
        for docs in _single_docs(u):
            docs = _year_docs(ctx, u, docs)
            if not docs:
                return None
            candidates = _unit_blocks(ctx, u, _candidates(ctx, rows_mod, docs, u, column))
            if not candidates:
                return None
            best = candidates[0]
            who = ctx.gen.documents[best["doc_id"]].unit if best.get("by_unit") else _whose(ctx, best)
            others = _other_units_rows(ctx, candidates, best)
            if best.get("by_unit"):
                # the department's tables print the item unit by unit, no department row of it (深圳人社局's
                # 表8: 本级, then each centre): each unit's row, and what they add up to — unless the text states
                # the department's figure, which the sentence then gives
                if len(u.units) > 1 or _stated_in_text(ctx, best["doc_id"], best["row_label"], ""):
                    return None
                line, shown, total = _by_unit_line(best["by_unit"], rows_mod, who)
                parts.append(line)
                used += shown
                found_values.append(total)
                leads.append(best)
            elif others:
                # one name, two units ("无锡教育局": the department 无锡市教育局 and 无锡市教育局（本级）), each with
                # the row: each unit's figure, the department first, never one of them as if the only one
                for row in sorted([best] + others, key=lambda r: (ctx.gen.documents[r["doc_id"]].unit.endswith("）"),
                                                                  ctx.gen.documents[r["doc_id"]].unit)):
                    unit = ctx.gen.documents[row["doc_id"]].unit
                    if row.get("ambiguous"):
                        text, same = _rows_matching_alike(candidates, row, rows_mod, u.item, with_tables=True)
                        parts.append(f"{unit}有{text}")
                        used += same
                        found_values.append(None)
                        leads.append(row)
                    else:
                        parts.append(_row_line(row, rows_mod, unit))
                        used.append(row)
                        found_values.append(row.get("value_wan") if u.operation != "compare" else None)
                        leads.append(row)
            elif best.get("ambiguous") and (halves := _two_halves(candidates, best)):
                # the item printed once in the 基本支出 table and once in the 项目支出 table (广州's 表6 / 表7):
                # the unit's spending on it is the two together, each quoted as printed
                total = sum(r["value_wan"] for r in halves)
                each = "，".join(f"{half}{rows_mod.quote(r)}（《{r['title']}》）"
                                 for half, r in zip(("基本支出", "项目支出"), halves))
                stated = _stated_total(ctx, best["doc_id"], best["row_label"], total)
                if stated is not None:
                    # the text states the whole (51,311.33万元 beside the tables' 118.65 + 51,192.67 = 51,311.32):
                    # its figure, as printed, the two halves beside it
                    printed, pid = stated
                    parts.append(f"{who}“{best['row_label']}”{printed}万元（文中所述；两表：{each}）")
                    passages.append(pid)
                    total = float(printed.replace(",", ""))
                else:
                    parts.append(f"{who}“{best['row_label']}”共{total:,.2f}万元（两表相加）：{each}")
                used += halves
                found_values.append(total)
                leads.append(dict(best, value_text=f"{total:,.2f}", money_unit="万元", value_wan=total, summed=True))
            elif best.get("ambiguous") and (family := _family_stated(ctx, candidates, best, u.item)):
                # "深圳发改委 专项资金": four rows named 深圳市发展和改革委员会专项资金-… and the text stating
                # "深圳市发展改革委员会专项资金 1,257,692.64 万元", their sum: the text's figure, the rows beside it
                printed, pid, rows, shared = family
                each = "；".join(f"“{r['row_label']}” {rows_mod.quote(r)}" for r in rows[:4])
                parts.append(f"{who}“{shared}”{printed}万元（文中所述；表中{len(rows)}行相加：{each}"
                             f"{'等' if len(rows) > 4 else ''}）")
                passages.append(pid)
                used += rows
                total = float(printed.replace(",", ""))
                found_values.append(total)
                leads.append(dict(best, value_text=printed, money_unit="万元", value_wan=total, summed=True))
            elif best.get("ambiguous"):
                text, same = _rows_matching_alike(candidates, best, rows_mod, u.item)
                parts.append(f"{who}有{text.replace('相符：', '相符，无法确定是哪一行：', 1)}")
                used += same
                found_values.append(None)
                leads.append(best)
            elif len(u.units) == 1 and _text_states_more(ctx, u, best, column):
                # the 基本支出 table's row is part of the unit's spending on the item, and the text states the
                # whole: the sentence answers, or nothing does (the part is not given as the whole)
                return None
            elif _only_its_basic_part(best, u, column) and rows_mod.has_whole_economic_table(ctx.gen, best["doc_id"]):
                # only the 基本支出 table lists the item, though the document also prints its whole spending by
                # economic classification: that table was not read right, and the basic row is not the unit's
                # whole spending on it (项目支出 may hold more), so the row is shown, not given as the answer
                parts.append(f"{who}只在《{best['title']}》中列有“{best['row_label']}”（基本支出"
                             f"{rows_mod.quote(best)}），项目支出中的同类支出表中未见，无法给出全部金额")
                used.append(best)
                found_values.append(None)
                leads.append(best)
            else:
                # (a column asked is read from its own table: no note on the other half)
                basic = "基本支出" in (best.get("title") or "") and "基本支出" not in best["header_path"] \
                    and column is None
                halves = rows_mod.halves_of(ctx.gen, best) if not column and len(u.units) == 1 else []
                parts.append(_row_line(best, rows_mod, who) + ("（基本支出；文件未按经济分类列出项目支出的同类明细）"
                                                            if basic and not _basic_by_nature(best) else "")
                             + ("，其中" + "、".join(f"{_column_name(h)}{rows_mod.quote(h)}" for h in halves)
                                if halves else ""))
                used.append(best)
                found_values.append(best.get("value_wan"))
                leads.append(best)
            passages += [r["passage_id"] for r in used if r.get("passage_id")]
        text = "；".join(parts)
        if u.operation in ("max", "min"):
            if None in found_values or len(found_values) != len(u.units) or any(r.get("summed") for r in leads):
                return None   # a unit without one printed figure (or only two tables' sum): no ranking
            order = sorted(zip(found_values, leads), key=lambda x: x[0], reverse=u.operation == "max")
            top = order[0][1]
            text = (f"所列{len(u.units)}个单位中，“{u.item}”{'最高' if u.operation == 'max' else '最低'}的是"
                    f"{ctx.gen.documents[top['doc_id']].unit}（{rows_mod.quote(top)}）；各单位：{text}")
        if u.operation == "compare" and len(found_values) >= 2 and None not in found_values:
            order = sorted(zip(found_values, leads), key=lambda x: x[0], reverse=u.direction >= 0)
            winner = lexicon.as_asked(ctx.gen.documents[order[0][1]['doc_id']].unit, u.question)
            text += f"；{winner}更{'多' if u.direction >= 0 else '少'}"
        # several rows match equally: say so and list them, but do not present one as the answer
        answer_type = "none" if any(v is None for v in found_values) else "figure"
        return Answer(text + "。", answer_type, [], list(dict.fromkeys(passages)), _plain(used))


def _in_block(row: dict) -> bool:
    """A row of a table a department prints unit by unit (tables.py gives it its unit as `context`)."""
    return bool(row.get("context")) and row["kind"] in _rows().UNIT_BLOCK_KINDS and "category" not in row


def _whose(ctx, row: dict) -> str:
    """The unit a row is of: its document's, or, in a table printed unit by unit, its block's
    (深圳市人力资源和社会保障局（本级）)."""
    return row["context"] if _in_block(row) else ctx.gen.documents[row["doc_id"]].unit


def _unit_blocks(ctx, u: Understood, candidates: list[dict]) -> list[dict]:
    """Rows of a table printed unit by unit (the department's row, 本级 and its rows, each centre and its rows):
    the unit the question names ("本级", "人社局 考试院") is the one whose row answers; a department asked
    without one is answered from a table of its own rows where one has the item, else unit by unit (the
    first row then carries `by_unit`: one row per unit). Other rows pass as they are."""
    if not any(_in_block(r) for r in candidates):
        return candidates
    compact = _norm(u.normalized)
    out: list[dict] = []
    for doc_id in dict.fromkeys(r["doc_id"] for r in candidates):
        rows = [r for r in candidates if r["doc_id"] == doc_id]
        blocks = [r for r in rows if _in_block(r)]
        if not blocks:
            out += rows
            continue
        named = _cells_named(ctx, compact, doc_id, {r["context"] for r in blocks})
        if named:
            rows = [r for r in blocks if r["context"] in named]
        elif any(not _in_block(r) and r["quality"] >= max(b["quality"] for b in blocks) for r in rows):
            rows = [r for r in rows if not _in_block(r)]
        top = max(r["quality"] for r in rows)
        tops = [r for r in rows if r["quality"] == top]
        distinct = {(_norm(r["row_label"]), round(r["value_wan"] or 0, 2), r["context"] if not named else "")
                    for r in tops}
        for r in rows:
            r["ambiguous"] = r["quality"] == top and len(distinct) > 1
        tables = {}
        for r in tops:
            tables.setdefault(r["table_id"], []).append(r)
        # one row of the item per unit in a table (the first such table: 支出总表 before 一般公共预算支出表)
        each = [t for t in tables.values() if len({r["context"] for r in t}) == len(t) >= 2]
        if not named and each and all(_in_block(r) for r in tops) and len({_norm(r["row_label"]) for r in tops}) == 1:
            table = min(each, key=lambda t: min(r["line_start"] for r in t))
            first = dict(table[0], ambiguous=False, by_unit=table)
            rows = [first] + [r for r in rows if r is not table[0]]
        out += sorted(rows, key=lambda r: -r["quality"])
    return sorted(out, key=lambda r: -r["quality"])


def _cells_named(ctx, compact: str, doc_id: str, cells: set[str]) -> set[str]:
    """The unit cells of a table printed unit by unit that the question names: "本级" the department's own
    office (not a centre's own 本级: 社会保险基金管理局（本级）), else any 本级; else a unit written out (人社局
    考试院) — the department's name is not its own office's."""
    unit = _norm(_without_region(ctx.gaz, bare_name(ctx.gen.documents[doc_id].unit)))

    def name(cell: str) -> str:
        return _norm(_without_region(ctx.gaz, bare_name(cell)))
    if "本级" in compact:
        own = {c for c in cells if lexicon.is_own_office(c)}
        return {c for c in own if name(c) == unit} or own
    named = {c for c in cells if len(name(c)) >= 3 and name(c) != unit and name(c) in compact}
    # (of two names written out, the longer that holds the other: 社会保险基金管理局福田分局)
    return {c for c in named if not any(o != c and name(c) in name(o) for o in named)}


def _by_unit_line(rows: list[dict], rows_mod, who: str) -> tuple[str, list[dict], float | None]:
    """"深圳市人力资源和社会保障局的《表8 …》按单位列出“会议费”，未列部门合计：本级 11.87万元；… 各单位相加共
    N万元" — 本级 first, then the largest; (the text, the rows quoted, the sum in 万元 or None)."""
    ordered = sorted(rows, key=lambda r: (not lexicon.is_own_office(r["context"]), -(r["value_wan"] or 0)))
    shown = ordered[:8]
    listed = "；".join(f"{r['context']} {rows_mod.quote(r)}" for r in shown)
    more = f"；另有{len(ordered) - len(shown)}个单位" if len(ordered) > len(shown) else ""
    values = [r["value_wan"] for r in rows]
    total = None if None in values else round(sum(values), 2)
    added = f"；{len(rows)}个单位相加共{total:,.2f}万元" if total is not None else ""
    head = rows[0]
    return (f"{who}的《{head['title']}》按单位列出“{head['row_label']}”{_column_name(head)}，未列部门合计："
            f"{listed}{more}{added}（单位：{head['money_unit'] or '未注明单位'}）", shown, total)


def _two_halves(candidates: list[dict], row: dict) -> list[dict]:
    """[the 基本支出 row, the 项目支出 row] when the rows of row's document matching as well as it are one
    economic item printed in a table of each half (and nowhere else); else []."""
    same = [r for r in candidates if r["doc_id"] == row["doc_id"] and r["quality"] == row["quality"]]
    if len(same) != 2 or same[0]["row_label"] != same[1]["row_label"] or any(
            r["kind"] != "经济分类" or r["value_wan"] is None for r in same):
        return []
    halves = [next((r for r in same if h in r["title"] and o not in r["title"]), None)
              for h, o in (("基本支出", "项目支出"), ("项目支出", "基本支出"))]
    return halves if None not in halves and halves[0] is not halves[1] else []


def _rows_matching_alike(candidates: list[dict], row: dict, rows_mod, item: str, with_tables: bool = False):
    """("N行与“item”相符：…", the rows listed) for the rows of row's document matching as well as it."""
    same = [r for r in candidates if r["doc_id"] == row["doc_id"] and r["quality"] == row["quality"]]
    shown = same[:3 if with_tables else 5]
    listed = "；".join(f"“{r['row_label']}”" + (f"（《{r['title']}》）" if with_tables else " ") + rows_mod.quote(r)
                      for r in shown)
    return f"{len(same)}行与“{item}”相符：{listed}", shown


def _other_units_rows(ctx, candidates: list[dict], best: dict) -> list[dict]:
    """The best row of each other unit among the candidates that matches as well as `best` (its first, when
    several rows of that unit match); [] when only one unit has the row."""
    units = {ctx.gen.documents[best["doc_id"]].unit}
    out = []
    for r in candidates:
        unit = ctx.gen.documents[r["doc_id"]].unit
        if unit not in units and r["quality"] == best["quality"]:
            units.add(unit)
            out.append(r)
    return out


class _Match(NamedTuple):
    """The rows one reading of the item finds, and how they rank against the other readings."""
    one_row: bool      # names a single row (not "ambiguous")
    quality: float     # of its best row
    written_at: int    # where the reading stands in the question (later = more specific)
    order: int         # minus its place in the order tried (phrase, item, bare item, other words)
    rows: list
    item: str


def _candidates(ctx, rows_mod, docs, u: Understood, column) -> list[dict]:
    """Rows named by the item as asked ("国有资本经营预算拨款收入"), else by the item without the table's name
    ("政府性基金 城市建设支出" -> 城市建设支出, read from the 政府性基金 table when it has the row), else by
    another of the question's unread words ("行政运行里日常公用": 行政运行, its column named 日常公用)."""
    others = sorted((c for c in u.unparsed.split() if c not in (u.item, u.item_bare)), key=len, reverse=True)
    compact = u.normalized.replace(" ", "")
    tried: list[_Match] = []
    for order, item in enumerate(dict.fromkeys(x for x in (u.item_phrase, u.item, u.item_bare, *others) if x)):
        found = [r for r in rows_mod.find_rows(ctx.gen, docs, item, column=column, tables=tuple(u.tables),
                                                      question=u.normalized)
                 if r["quality"] >= MIN_QUALITY]
        if item == u.item_phrase:   # a label inside the phrase must name more than budget words (项目支出)
            found = [r for r in found if r["quality"] >= 0.8 or _names_something(r["row_label"])]
        if found:
            tried.append(_Match(not found[0].get("ambiguous"), found[0]["quality"], compact.rfind(item), -order,
                                found, item))
    # "监狱行政运行" typed as one word: several rows of one label the item ends with (行政运行) — the words
    # before it are a reading of their own, that may place it (below)
    for t in list(tried):
        labels = {_norm(r["row_label"]) for r in t.rows if r["quality"] >= t.quality}
        item = _norm(t.item)
        if t.one_row or len(labels) != 1 or not item.endswith(next(iter(labels))):
            continue
        label = next(iter(labels))
        prefix = item[:-len(label)]
        if len(prefix) < 2 or any(_norm(x.item) in (prefix, label) for x in tried):
            continue
        for word in (prefix, label):
            found = [r for r in rows_mod.find_rows(ctx.gen, docs, word, column=column, tables=tuple(u.tables),
                                                   question=u.normalized) if r["quality"] >= MIN_QUALITY]
            if found:
                at = compact.rfind(word) if word in compact else compact.rfind(t.item) + (len(t.item) if word == label else 0)
                tried.append(_Match(not found[0].get("ambiguous"), found[0]["quality"], at, t.order - 1, found, word))
    # "<款> <项>": a row named after the row it is printed under (by code) is asked; the first only places it
    # ("杭州司法局 监狱的行政运行": of the unit's several 行政运行 rows, the one under 监狱)
    # (the nearest row named before it places it: "公共安全支出—监狱—行政运行" is 监狱's 行政运行)
    for parent in sorted(tried, key=lambda t: -t.written_at):
        for sub in tried:
            if sub.written_at <= parent.written_at or any(
                    parent.written_at < t.written_at < sub.written_at for t in tried):
                continue
            # the rows each names best: a loose match of either is no placing
            under = [low for low in sub.rows if low["quality"] >= sub.quality and any(
                top["quality"] >= parent.quality and rows_mod.is_sub_row(low, top) for top in parent.rows)]
            if not under and parent.quality >= 1.0 and sub.quality >= 1.0:
                # a table without codes lists 类, 款, 项 in order: the first such row after the parent's
                under = _first_after(parent.rows, [r for r in sub.rows if r["quality"] >= 1.0])
            if under and len({(_norm(r["row_label"]), r["value_text"]) for r in under}) == 1:
                return [dict(under[0], ambiguous=False)] + [r for r in sub.rows if r is not under[0]]
    # "A项下B", "A—B": B is asked; A only places it, and is no answer when B is not found
    child = re.split(r"项下|下属的|下的|—|－", compact)
    if len(child) > 1:
        tried = [t for t in tried if _norm(t.item) in _norm(child[-1])]
    elif tried:
        # the question's other words compete with the item only when they name a row far more exactly
        # ("劳务费" exactly, against a loose 专项业务 -> 专项统计业务)
        primary = [t for t in tried if t.item in (u.item_phrase, u.item, u.item_bare)]
        if primary:
            floor = max(t.quality for t in primary) + 0.2
            tried = primary + [t for t in tried if t not in primary and t.quality >= floor]
    if not tried:
        return _heading_typed_before(ctx, rows_mod, docs, u, column)
    # of the matches about as close as the closest, one that names a single row wins, then the name written
    # later (the more specific: "医疗保障管理事务—事业运行")
    best = max(t.quality for t in tried)
    return max((t for t in tried if t.quality >= best - 0.05),
               key=lambda t: (t.one_row, t.written_at, t.order)).rows


def _heading_typed_before(ctx, rows_mod, docs, u: Understood, column) -> list[dict]:
    """"监狱罪犯生活医疗卫生": a row named with the row it is printed under typed before it as one word, and no
    row named by the whole — the heading exactly a row's name (监狱, 20407), the rest naming rows under it
    (罪犯生活及医疗卫生, 2040704) by code; the rows under it, or [] when the split names none."""
    item = _norm(u.item or "")
    for cut in range(2, len(item) - 3):
        head, rest = item[:cut], item[cut:]
        parents = [r for r in rows_mod.find_rows(ctx.gen, docs, head, column=column, question=u.normalized)
                   if r["quality"] >= 1.0 and r.get("code")]
        if not parents:
            continue
        under = [r for r in rows_mod.find_rows(ctx.gen, docs, rest, column=column, tables=tuple(u.tables),
                                               question=u.normalized)
                 if r["quality"] >= MIN_QUALITY and any(rows_mod.is_sub_row(r, p) for p in parents)]
        if under and len({(_norm(r["row_label"]), r["value_text"]) for r in under}) == 1:
            return [dict(r, ambiguous=False) for r in under]
    return []


def _first_after(parents: list[dict], rows: list[dict]) -> list[dict]:
    """For each table holding an exactly named parent row without a code, the first of rows printed after
    it in that table."""
    out = []
    for top in parents:
        if top["quality"] < 1.0 or top.get("code"):
            continue
        after = [r for r in rows if r["table_id"] == top["table_id"] and r["row_index"] > top["row_index"]
                 and not r.get("code")]
        if after:
            out.append(min(after, key=lambda r: r["row_index"]))
    return out


_BUDGET_WORDS = re.compile(ROW_WORDS.pattern + r"|合计|总计|小计|本年|上年|一般公共|财政|基本|[\d.、]")


def _names_something(label: str) -> bool:
    return len(_BUDGET_WORDS.sub("", _norm(label))) >= 2


# 工资福利支出 (301), 对个人和家庭的补助 (303) and the funds drawn from pay (工会经费, 福利费) are basic spending
# by their nature: a 基本支出 table's row of them is the unit's whole spending on them
_BASIC_NATURE = re.compile(r"工资|津贴|补贴|奖金|绩效|社会保障缴费|保险缴费|年金|公积金|工会经费|福利费|离休|退休|抚恤|"
                           r"生活补助|医疗费")


def _text_states_more(ctx, u: Understood, row: dict, column) -> bool:
    """The text states the asked thing with an amount of its own, where the row found is not all of it: a
    基本支出 table's row of what project spending holds too (委托业务费 35.00) beside "2026年委托业务费涉及财拨
    资金17,804.62万元". (Not for an item matching several rows: the text's figure is then often one fund's part
    — "信访业务（项）支出724.5万元" of the 一般公共预算 beside the 支出总表's 868.50.)"""
    return not row.get("ambiguous") and _only_its_basic_part(row, u, column) \
        and _stated_in_text(ctx, row["doc_id"], row["row_label"], row.get("value_text") or "")


def _only_its_basic_part(row: dict, u: Understood, column) -> bool:
    """A 基本支出 table's row of an item that project spending may hold too, basic spending not asked."""
    return "基本支出" in (row.get("title") or "") and "基本" not in u.normalized and not column \
        and not _basic_by_nature(row)


def _amounts_stated(ctx, doc_id: str, label: str, money: str = r"万元|元"):
    """(the figure as written, without separators; its passage) for each amount a sentence of the document (not
    a table) states for the row's name: the name, then within a few characters of the same clause, a figure in
    one of the `money` units."""
    name = _norm(re.sub(r"^\d+\s*", "", label))
    if len(name) < 3:
        return
    stated = re.compile(re.escape(name) + rf"[^，,。；;：:\d]{{0,12}}?(\d[\d,]*(?:\.\d+)?)\s*(?:{money})")
    for pid, passage in document_passages(ctx.gen, doc_id):
        if passage.is_table or name not in ctx.gen.compact_texts.get(pid, ""):
            continue
        for m in stated.finditer(_norm(passage.text)):
            yield m.group(1).replace(",", ""), pid


def _stated_in_text(ctx, doc_id: str, label: str, printed: str) -> bool:
    """A sentence of the document states an amount for the row's name in 万元 or 元 — another amount than the
    row's."""
    own = _norm(printed).replace(",", "")
    return any(figure != own for figure, _pid in _amounts_stated(ctx, doc_id, label))


def _stated_total(ctx, doc_id: str, label: str, total_wan: float) -> tuple[str, str] | None:
    """(the figure as printed, its passage) where a sentence of the document states an amount in 万元 for the
    row's name that is the two tables' sum but for the rounding of each (at most 0.01 apart per half)."""
    for figure, pid in _amounts_stated(ctx, doc_id, label, money="万元"):
        if abs(float(figure) - total_wan) <= 0.02:
            whole, _dot, decimals = figure.partition(".")
            return f"{int(whole):,}" + (f".{decimals}" if decimals else ""), pid
    return None


def _family_stated(ctx, candidates: list[dict], best: dict, item: str):
    """(the figure as printed, its passage, the rows, the name they share) where the rows of best's document matching the item as well
    as it are one family (each a different name holding the item) and a sentence states an amount in 万元 for the
    item that is their sum but for each row's rounding; else None."""
    rows, seen = [], set()
    for r in candidates:
        key = (_norm(r["row_label"]), round(r["value_wan"] or 0, 2))
        if r["doc_id"] == best["doc_id"] and r["quality"] == best["quality"] and key not in seen:
            seen.add(key)
            rows.append(r)
    labels = {_norm(r["row_label"]) for r in rows}
    if len(rows) < 2 or len(labels) != len(rows) or any(r["value_wan"] is None for r in rows):
        return None
    total = sum(r["value_wan"] for r in rows)
    shared = _shared_name(sorted(labels, key=len), _norm(item))
    for figure, pid in _amounts_stated(ctx, best["doc_id"], shared, money="万元"):
        if abs(float(figure) - total) <= 0.01 * len(rows):
            whole, _dot, decimals = figure.partition(".")
            return f"{int(whole):,}" + (f".{decimals}" if decimals else ""), pid, rows, shared
    return None


def _shared_name(names: list[str], item: str) -> str:
    """The longest run of the shortest name, holding the item, that every name holds (专项资金 of
    "…专项资金-物资储备领域" and the rest) — how the text names the family; the item where none is longer."""
    first = names[0]
    for size in range(len(first), 2, -1):
        for i in range(len(first) - size + 1):
            run = first[i:i + size]
            if item in run and all(run in n for n in names):
                return run
    return item


def _basic_by_nature(row: dict) -> bool:
    return (row.get("code") or "").startswith(("301", "303")) or bool(_BASIC_NATURE.search(row["row_label"]))


_UNIT_WORDS = ("单位", "医院", "中心", "学校", "所属单位", "下属单位")


def _without_code(label: str) -> str:
    """"154002西安市法律援助中心" -> 西安市法律援助中心 (a unit's code before its name; a year is no code)."""
    return re.sub(r"^\d{3,}\s*(?![\d年])", "", label)


def _is_year_line(label: str, year: int | None) -> bool:
    """A line of a unit's figures for one year ("2026年") — the document's year only."""
    m = _rows().year_line(label)
    return m is not None and m.group(1) is not None and year is not None and int(m.group(1)) == year


_TOTAL_HEADER = re.compile(r"(?:合计|总计|小计|金额|预算数?)")


def _names_the_figure(r: dict, words: set[str], label: str = "") -> bool:
    """Whether a cell holds the figure asked: its column (or row label) names it (公务接待费 › 一般公共预算), or
    its table's title does and the column is a total (《"三公"经费支出表》 总计 › 一般公共预算)."""
    header, title = _norm(r["header_path"]), _norm(r["title"] or "")
    return any(w in header or (label and w in label) for w in words) or (
        any(w in title for w in words if len(w) >= 4) and _TOTAL_HEADER.match(header) is not None)


def _one_figure(cells: list[dict], value) -> list[dict]:
    """Cells of one unit's figure read in several places, narrowed to one figure where the tables allow: its
    whole table's (收入总表 / 支出总表), then the one fund not empty (总计 › 一般公共预算 146.77 beside
    › 政府性基金预算 0.00). value(cell) is the figure compared."""
    if len({value(c) for c in cells}) > 1:
        cells = [c for c in cells if _WHOLE_TABLE.search(c["title"] or "")] or cells
    figures = {value(c) for c in cells}
    if len(figures) > 1 and len(figures - {0.0}) == 1:
        cells = [c for c in cells if value(c) != 0.0]
    return cells


class LastYearColumn(Operation):
    """"重庆政府办公厅 行政运行 2025年预算数": no document of that year for the unit, but its next year's
    tables print that year's figure in a column of its own (2025年预算数, 上年预算数). The row the item names,
    the cell under that year's column (never a change column): one figure, said to be read from the next
    year's document, or no answer."""

    def applies(self, u):
        # a next year's budget prints that year's budget, never its final accounts (决算)
        return bool(u.absent_year) and (bool(u.item) or u.metric in _SANGONG_LEAVES) and len(u.units) == 1 \
            and u.operation == "lookup" and u.basis != "决算"

    def answer(self, ctx, u):
        rows_mod = _rows()
        year = u.absent_year
        docs = {d for d in u.units[0].doc_ids if ctx.gen.documents[d].year == year + 1}
        if len(docs) != 1:
            return None
        if not u.item:
            doc_id = next(iter(docs))
            return self._year_row(ctx, rows_mod, doc_id, year, u.metric) \
                or self._year_half(ctx, rows_mod, doc_id, year, u.metric)
        found = [r for r in rows_mod.find_rows(ctx.gen, docs, u.item, tables=tuple(u.tables), question=u.normalized)
                 if r["quality"] >= 0.8 and not r.get("ambiguous")]
        if not found:
            return None
        labels = {_norm(r["row_label"]) for r in found}
        # the row as every table of the document prints it: the year's column may be in any of them
        cells = [c for c in rows_mod.cells_labelled(ctx.gen, found[0]["doc_id"], found[0]["row_label"])
                 if re.search(rf"{year}年|上年", c["header_path"] or "") and not rows_mod.CHANGE_HEADER.search(c["header_path"] or "")
                 and rows_mod.parse_value(c["value_text"] or "") is not None]
        if len(labels) != 1 or not cells or len({rows_mod.parse_value(c["value_text"]) for c in cells}) != 1:
            return None
        top = cells[0]
        who = ctx.gen.documents[top["doc_id"]].unit
        text = (f"本库没有{who}{year}年的文件；其{year + 1}年文件的表中列有{year}年的数："
                f"“{top['row_label']}”{top['header_path'].replace(' › ', '·')}为{rows_mod.quote(top, aside=True)}"
                f"（《{top['title']}》，单位：{top['money_unit'] or '未注明单位'}）。")
        return Answer(text, "figure", [], [top["passage_id"]] if top.get("passage_id") else [], _plain([top]))

    @staticmethod
    def _year_half(ctx, rows_mod, doc_id: str, year: int, metric: str) -> Answer | None:
        """The 三公 table printing two years side by side: the cell of the part asked in that year's half."""
        half = rows_mod.year_half(ctx.gen, doc_id, "三公经费", year)
        leaf = re.compile(_SANGONG_LEAVES[metric]) if _SANGONG_LEAVES[metric] else rows_mod.TOTAL_LABEL
        cells = [c for c in half if leaf.fullmatch((c["header_path"] or "").rsplit(" › ", 1)[-1])
                 and rows_mod.parse_value(c["value_text"] or "") is not None]
        if metric == "三公经费":
            cells = cells[:1]   # the half's first total
        if len(cells) != 1:
            return None
        top = cells[0]
        who = ctx.gen.documents[doc_id].unit
        text = (f"本库没有{who}{year}年的文件；其{year + 1}年文件的《{top['title']}》列有{year}年的数："
                f"{metric}为{rows_mod.quote(top, aside=True)}（单位：{top['money_unit'] or '未注明单位'}）。")
        return Answer(text, "figure", [], [top["passage_id"]] if top.get("passage_id") else [], _plain([top]))

    @staticmethod
    def _year_row(ctx, rows_mod, doc_id: str, year: int, metric: str) -> Answer | None:
        """深圳's "三公"经费表 prints a row per year ("2025年 37.77 …") and a column per part and fund (总计 /
        因公出国(境)费 / … › 一般公共预算 / 政府性基金预算 / 国有资本经营预算): the part's 一般公共预算 cell of that
        year's row when the other funds' cells are zero (else no answer)."""
        cells = [c for c in rows_mod.cells_labelled(ctx.gen, doc_id, f"{year}年")
                 if c["kind"] == "三公经费" and rows_mod.parse_value(c["value_text"] or "") is not None]
        part = re.compile(_SANGONG_LEAVES[metric]) if _SANGONG_LEAVES[metric] else rows_mod.TOTAL_LABEL

        def group(c) -> list[str]:
            return [p.replace(" ", "") for p in (c["header_path"] or "").split(" › ")][:-1]

        picked = [c for c in cells if group(c) and part.fullmatch(group(c)[0 if metric == "三公经费" else -1])]
        by_fund: dict[str, list[dict]] = {}
        for c in picked:
            by_fund.setdefault((c["header_path"] or "").rsplit(" › ", 1)[-1], []).append(c)
        general = by_fund.get("一般公共预算", [])
        others = [c for fund, cs in by_fund.items() if fund != "一般公共预算" for c in cs]
        if len(general) != 1 or any(rows_mod.parse_value(c["value_text"]) != 0 for c in others):
            return None
        top = general[0]
        who = ctx.gen.documents[doc_id].unit
        text = (f"本库没有{who}{year}年的文件；其{year + 1}年文件的《{top['title']}》列有{year}年的数："
                f"{metric}为{rows_mod.quote(top, aside=True)}（{top['header_path'].replace(' › ', '·')}，"
                f"单位：{top['money_unit'] or '未注明单位'}）。")
        return Answer(text, "figure", [], [top["passage_id"]] if top.get("passage_id") else [], _plain([top]))


# a 三公 part -> the header of its column (the last level) in a 三公 table ("": the table's total label)
_SANGONG_LEAVES = {"三公经费": "", "因公出国(境)费": r"因公出国.*", "公务接待费": r"公务接待费?",
                   "公务用车购置及运行维护费": r"小\s*计", "公务用车购置及运行费": r"小\s*计",
                   "公务用车购置费": r"公务用车购置费?",
                   "公务用车运行维护费": r"公务用车运行(?:维护)?费?"}
_FUND_TABLE = re.compile(r"政府性基金|国有资本")


def _subunit_form(u: Understood) -> str:
    """How the question writes a unit no document is of: the name read as not held (强戒所), or the
    longest unread word that ends like an organisation (工务署工程管理中心)."""
    if u.subunit:
        return u.subunit
    # (the item without the table's name too: "土储中心政府性基金" is 土储中心's row of the fund's table)
    named = [c for c in (*u.unparsed.split(), u.item_bare) if len(c) >= 3 and ORG_NAME_END.search(c)]
    return max(named, key=len) if named else ""


def _column_words(u: Understood) -> set[str]:
    """The words a column header of the subunit's row must hold: the figure asked (公务用车购置及运行维护费,
    基本支出) or the item beside the unit's name (专项业务 for 专项业务经费支出)."""
    form = _subunit_form(u)
    words = {_norm(u.metric_text), _norm(u.metric), COLUMNS.get(u.metric, "")}
    words |= {_norm(w) for w in (u.item, u.item_phrase) if w and form not in w and w not in form}
    # a fund named as the table asked ("土储中心 政府性基金"): its column of the unit's row
    words |= {t for t in u.tables if t in FUNDS}
    return {w for w in words if len(w) >= 2}


def _without_region(gaz, name: str) -> str:
    """A unit name without the regions it begins with (深圳市建筑工务署工程管理中心 -> 建筑工务署工程管理中心)."""
    at = 0
    for start, end, _ in gaz.region_mentions(name):
        if start != at:
            break
        at = end
    return name[at:]


def _norm(text: str) -> str:
    return re.sub(r"[\s“”\"'（）()、，,：:]", "", text or "")


_NOT_PROJECTS = ("三公经费", "政府采购", "基本支出", "人员经费", "公用经费", "机关运行经费", "因公出国(境)费",
                 "公务用车购置及运行费", "公务接待费", "会议费", "培训费")


class RowRank(Operation):
    """"X局哪个项目支出最多": rank that unit's 项目支出 rows."""

    def applies(self, u):
        # (not of another figure's parts: "政府采购里哪一项最多" is no project)
        return u.operation in ("item_max", "item_min") and len(u.units) == 1 and u.metric not in _NOT_PROJECTS

    def answer(self, ctx, u):
        rows_mod = _rows()
        docs = _year_docs(ctx, u, u.units[0].doc_ids)
        if len(docs) != 1:
            return None
        doc_id = next(iter(docs))
        ranked = rows_mod.largest_rows(ctx.gen, doc_id, "项目支出", n=500, smallest=u.operation == "item_min")
        own = [r for r in ranked if re.search(r"[（(]本级[）)]$", r.get("context") or "")]
        own_only = "本级" in u.normalized and bool(own)
        if own_only:
            ranked = own       # "深圳水务局本级": the projects of the department's own office, not its units'
        word = _kind_of_project(u)
        if word and ranked:
            # "哪个培训花钱最多", "哪个审计项目最多": the projects whose names hold the word, not all of them
            among = [r for r in ranked if word in _norm(r["row_label"])]
            who = ctx.gen.documents[doc_id].unit
            if len(among) < 2:
                return Answer(f"{who}项目支出表中名称含“{word}”的项目" + (
                    f"只有一个（“{among[0]['row_label']}”{rows_mod.quote(among[0])}），无从比较，不作回答。"
                    if among else "没有，不作回答。"), "none", [],
                    [r["passage_id"] for r in among if r.get("passage_id")], _plain(among))
            ranked = among
        ranked = ranked[:4]
        if not ranked:
            return None
        top = ranked[0]
        if ORG_NAME_END.search(top["row_label"]) and _without_region(ctx.gaz, top["row_label"]) != top["row_label"]:
            # a unit's name where the project's should be ("长春市信访局" 312.00: the name was read apart from
            # its row): which project it is cannot be said
            return None
        word = "最大" if u.operation == "item_max" else "最小"
        who = ctx.gen.documents[doc_id].unit
        if own_only:
            who = top["context"]
        # projects of several units (a department's table lists its units' projects): each with its unit
        units = len({r.get("context") for r in ranked}) > 1

        def name(r: dict) -> str:
            return f"“{r['row_label']}”" + (f"（{r['context']}）" if units and r.get("context") else "")
        rest = "；".join(f"{name(r)} {rows_mod.quote(r)}" for r in ranked[1:4])
        where = "项目支出表中金额" if top["title"] != FORMS_TITLE else "各项目绩效目标表中资金总额"
        text = (f"{who}{where}{word}的是{name(top)}，{rows_mod.quote(top, aside=True)}"
                f"（《{top['title']}》，单位：{top['money_unit'] or '未注明'}）" + (f"；其后：{rest}" if rest else "") + "。")
        passages = [r["passage_id"] for r in ranked if r.get("passage_id")]
        return Answer(text, "comparison", [], list(dict.fromkeys(passages)), _plain(ranked))


# an item_max question's item that names no kind of project ("哪个项目", "专项经费哪个最多")
_ANY_PROJECT = {"项目", "支出", "经费", "资金", "专项", "专项经费", "费用", "钱", "科目", "项目支出", "业务", "业务经费"}


def _kind_of_project(u: Understood) -> str:
    """The word the projects ranked must hold ("培训" of 哪个培训, "审计" of 哪个审计项目), or ""."""
    word = re.sub(r"(?:经费|费用|费|项目|资金|支出)+$", "", _norm(u.item or ""))
    if len(word) < 2 or word in _ANY_PROJECT or u.item in _ANY_PROJECT or u.item in _UNIT_WORDS \
            or re.search(r"最|贵|便宜|[多少大小高低]|表|公开|具体|预算|金额", word):
        return ""   # (what is left of the question's other words is no kind: 总表, 最贵, 具体)
    # the kind is asked where the projects are: "哪个培训", "审计类项目", "信息化方面的项目"
    compact = _norm(u.normalized)
    asked = re.search(rf"(?:哪个|哪项|哪一个|哪一项|哪些|什么){re.escape(word)}|{re.escape(word)}(?:类|方面|相关)?的?项目", compact)
    return word if asked else ""


_FUNCTION_WORDS = re.compile(r"功能(?:分类|科目)|(?<!经济)(?<!经济分类)科目")
_ECONOMIC_WORDS = re.compile(r"经济(?:分类|科目)|公用经费|机关运行经费")


class ClassRank(Operation):
    """"X局商品和服务支出哪一项最多" / "X局哪个功能科目支出最多": the rows of a classification table ranked —
    under the group row named (by code: 302 › 30201 …), else the table's lowest rows. Before RowRank: a
    question naming a classification is not about projects."""

    def applies(self, u):
        return u.operation in ("item_max", "item_min", "max", "min") and len(u.units) == 1 \
            and not u.scope_type and u.scope_region is None

    def answer(self, ctx, u):
        # the unit's documents that print such a table (广州生态环境局 is filed twice, one without tables) must
        # rank alike
        docs = sorted(_year_docs(ctx, u, u.units[0].doc_ids))
        found = [(ctx.gen.documents[doc_id].unit, f) for doc_id in docs
                 if (f := self._ranked(ctx, u, doc_id)) is not None]
        if not found:
            return None
        if len({f.text for _, f in found}) == 1:
            return found[0][1]
        if len({who for who, _ in found}) < len(found):
            return None
        # a department and its own office (无锡市教育局, 无锡市教育局（本级）): each ranked in its own document
        # (each without its runners-up, to stay short)
        return Answer("；".join(re.sub(r"；其后：.*$", "", f.text.rstrip("。")) for _, f in found) + "。",
                      found[0][1].answer_type, [],
                      [p for _, f in found for p in f.passages], [r for _, f in found for r in f.rows])

    @staticmethod
    def _ranked(ctx, u, doc_id: str) -> Answer | None:
        rows_mod = _rows()
        # the metric as read ("日常公用开支" is 公用经费) beside the words as written
        text = u.normalized + (f" {u.metric}" if u.metric else "")
        groups = rows_mod.group_rows_named(ctx.gen, doc_id, "经济分类", text)
        if groups:
            kind, group = "经济分类", max(groups, key=len)
        elif _ECONOMIC_WORDS.search(text):
            kind, group = "经济分类", ""
        elif _FUNCTION_WORDS.search(text):
            kind, group = "功能分类", ""
        else:
            return None
        smallest = u.operation in ("item_min", "min")
        column = next((c for c in ("人员经费", "公用经费", "基本支出", "项目支出") if c in text), None)
        # a table printed unit by unit ranks the rows of the unit named (本级, 考试院); the department's own
        # ranking is not printed there
        by_unit = rows_mod.unit_cells(ctx.gen, doc_id, kind)
        cells = _cells_named(ctx, _norm(u.normalized), doc_id, by_unit)
        unit_cell = next(iter(cells)) if len(cells) == 1 else ""
        parent, ranked = rows_mod.classified_rows(ctx.gen, doc_id, kind, group, text, column, smallest, unit_cell)
        if not ranked and column:
            # the column is not printed: 公用经费 are the 商品和服务支出 of the 基本支出 table
            if column == "公用经费" and not group:
                group = next(iter(rows_mod.group_rows_named(ctx.gen, doc_id, kind, "商品和服务支出")), "")
            parent, ranked = rows_mod.classified_rows(ctx.gen, doc_id, kind, group, text, None, smallest,
                                                      unit_cell) if group or column != "公用经费" else (None, [])
        if not ranked and by_unit and not unit_cell:
            # not another table's ranking (the projects') either: what the document prints, and how to ask
            own = sorted(c for c in by_unit if lexicon.is_own_office(c))
            return Answer(f"没有找到可靠的答案：{ctx.gen.documents[doc_id].unit}的{kind}表按单位列出（{len(by_unit)}个单位"
                          f"{'，如' + own[0] if own else ''}），未列部门合计，无法给出部门的排序；可指明单位（如“本级”）再问。",
                          "none", [], [], [])
        if not ranked:
            return None
        top, rest = ranked[0], ranked[1:4]
        if len(ranked) > 1 and ranked[1]["value_wan"] == top["value_wan"]:
            return None   # two rows of one figure: which is "the" largest cannot be said
        who = unit_cell or ctx.gen.documents[doc_id].unit
        word = "最大" if not smallest else "最小"
        scope = f"“{parent['row_label']}”（{parent['code']}）下" if parent else ("功能科目中" if kind == "功能分类" else "经济科目中")
        following = "；".join(f"“{r['row_label']}” {rows_mod.quote(r)}" for r in rest)
        answer = (f"{who}{scope}金额{word}的是“{top['row_label']}”（{top['code']}），{_column_name(top)}"
                  f"{rows_mod.quote(top, aside=True)}（《{top['title']}》，单位：{top['money_unit'] or '未注明单位'}）"
                  + (f"；其后：{following}" if following else "") + "。")
        passages = [r["passage_id"] for r in [top] + rest if r.get("passage_id")]
        return Answer(answer, "comparison", [], list(dict.fromkeys(passages)), _plain([top] + rest))


class UnitsWithItem(Operation):
    """"哪些单位有<item>": every unit with a matching row (no unit named)."""

    def applies(self, u):
        return bool(u.item) and not u.units and u.operation in ("lookup", "item") and bool(
            re.search(r"哪些|哪个|哪几|哪家", u.normalized))

    def answer(self, ctx, u):
        rows_mod = _rows()
        scope = ctx.scope_docs(u)
        from .understand import table_names

        # a table's name (国有资本经营, 政府性基金) places rows, it is not one
        words = [c for c in u.unparsed.split() if len(c) >= 4 and c not in table_names()
                 and not any(c in t for t in table_names())]
        # "农村社会事业支出 国有土地使用权出让收入 哪个部门": the sub-row printed under the other row
        found = [r for r in rows_mod.units_with_sub_row(ctx.gen, words) if r["doc_id"] in scope] \
            if len(words) == 2 else []
        if not found:
            words = []
            found = [r for r in rows_mod.units_with_item(ctx.gen, u.item) if r["doc_id"] in scope]
            # a loose match counts only when every unit prints the same row name (财政对城乡居民基本养老保险基金的
            # 补助 for 城乡居民基本养老保险基金补助): loose matches of different rows are not one item
            if len({rows_mod.norm(r["row_label"]) for r in found if r["quality"] < 0.8}) > 1 \
                    or any(r["quality"] < 0.8 for r in found) and any(r["quality"] >= 0.8 for r in found):
                found = [r for r in found if r["quality"] >= 0.8]
        if not found:
            return None
        items = [f"{ctx.gen.documents[r['doc_id']].unit}（“{r['row_label']}” {rows_mod.quote(r)}）" for r in found]
        from .operations import join_items

        named = "”“".join(words) if len(words) >= 2 else u.item
        text = f"{ctx.scope_words(u, scope)}，表格中有“{named}”的共{len(found)}个：{join_items(items)}。"
        return Answer(text, "list", [], [r["passage_id"] for r in found if r.get("passage_id")], _plain(found))


class RowColumns(Operation):
    """"广州城管局行政经费一般公共预算和政府性基金各多少", "行政运行 基本支出和项目支出分别多少": two or more
    columns of one row asked — each cell as printed, from the one table that prints them all. A row without
    one of them, or several rows matching, is left to the other operations."""

    # the columns a row's table may split it into: its halves and their parts (COLUMN_METRICS), its funds
    # (FUNDS and 财政拨款), its income's sources
    HEADS = (*COLUMN_METRICS, *FUNDS, "财政拨款", "事业收入", "其他收入")

    def _asked(self, u: Understood) -> list[str]:
        compact = u.normalized.replace(" ", "")
        found = sorted((compact.find(w), w) for w in self.HEADS if w in compact)
        return [w for _at, w in found]

    def applies(self, u):
        name = u.item or u.metric_text
        return u.operation == "lookup" and len(u.units) == 1 and len(self._asked(u)) >= 2 and bool(name) \
            and name not in self.HEADS

    def answer(self, ctx, u):
        rows_mod = _rows()
        asked = self._asked(u)
        docs = _year_docs(ctx, u, set(u.doc_ids or ()))
        named = u if u.item else dataclasses.replace(u, item=u.metric_text)
        # one name, two units ("无锡教育局": the department and its own office): each unit's row, the department first
        parts, cells_used, passages = [], [], []
        for doc_id in sorted(docs, key=lambda d: (ctx.gen.documents[d].unit.endswith("）"), ctx.gen.documents[d].unit)):
            found = [r for r in _candidates(ctx, rows_mod, {doc_id}, named, None) if r["quality"] >= 0.8]
            year = ctx.gen.documents[doc_id].year
            # the best-named rows whose table prints every column asked; tables printing them with different
            # figures (支出总表 and 财政拨款支出表: 项目支出 26,148.23 against 25,873.23) are no one answer
            printing = {}
            # (a row the question places — 监狱's 行政运行 of three — is that row alone)
            best = [r for r in found if r["quality"] >= found[0]["quality"]]
            if best and not best[0].get("ambiguous"):
                best = [r for r in best if (_norm(r["row_label"]), r["table_id"], r["row_index"]) ==
                        (_norm(best[0]["row_label"]), best[0]["table_id"], best[0]["row_index"])] + \
                    [r for r in best if _norm(r["row_label"]) == _norm(best[0]["row_label"])
                     and r["value_text"] == best[0]["value_text"] and r["table_id"] != best[0]["table_id"]]
            for row in best:
                picked = [rows_mod.cell_under(rows_mod.row_cells(ctx.gen, row), w, year) for w in asked]
                if None not in picked:
                    printing.setdefault(tuple(c["value_text"] for c in picked), (row, picked))
            if len(printing) != 1:
                return None
            row, picked = next(iter(printing.values()))
            each = "，".join(f"{w}{rows_mod.quote(c)}" for w, c in zip(asked, picked))
            parts.append(f"{_whose(ctx, row)}“{row['row_label']}”{each}（《{row['title']}》，单位："
                         f"{row['money_unit'] or '未注明'}）")
            cells_used += picked
            passages += [row["passage_id"]] if row.get("passage_id") else []
        if not parts:
            return None
        return Answer("；".join(parts) + "。", "figure", [], passages, _plain(cells_used))


class ItemOfOneUnit(Operation):
    """"广州 牛路水库 预算多少": no unit named, but the tables of one unit alone (in the region and year asked)
    print a row of that name: the row is that unit's, and the answer says whose it is and why. A name several
    units print (行政运行, 办公费) or a loose match names no unit: no answer."""

    MIN_NAME = 4   # characters: shorter names (物业费) are every unit's

    def applies(self, u):
        return bool(u.item) and not u.units and not u.scope_type and u.operation == "lookup" \
            and not u.metric and not re.search(r"哪些|哪个|哪几|哪家|谁", u.normalized)

    def answer(self, ctx, u):
        if len(_norm(u.item)) < self.MIN_NAME:
            return None
        scope = ctx.scope_docs(u)
        # the name printed as asked: a row holding it in a longer name ("牛路水库" in 牛路水库水利工程维修养护) may
        # be one of several projects so named, the others in text the tables do not hold
        found = [r for r in _rows().units_with_item(ctx.gen, u.item, min_quality=1.0) if r["doc_id"] in scope]
        units = {ctx.gen.documents[r["doc_id"]].unit for r in found}
        if len(units) != 1 or not next(iter(units)):
            return None
        unit = next(iter(units))
        docs = {r["doc_id"] for r in found}
        named = dataclasses.replace(u, units=[Mention(unit, doc_ids=docs, by_name=True)], scope_region=None)
        answer = ROW_LOOKUP.answer(ctx, named)
        if answer is None or answer.answer_type == "none":
            return None
        answer.text = f"问题未写单位；本库{'该地区' if u.scope_region is not None else ''}只有{unit}的表中列有此项：" \
            + answer.text
        return answer


def _plain(rows: list[dict]) -> list[dict]:
    """Rows as facts-like dicts for the answer's `facts` (the page's table and the JSON)."""
    keep = ("doc_id", "title", "row_label", "code", "header_path", "value_text", "value_wan", "money_unit",
            "line_start", "line_end", "passage_id", "flag")
    return [dict({k: r.get(k) for k in keep}, source="table_row") for r in rows]


class RowCompare(Operation):
    """"X局A和B哪个项目钱多": the two rows of one unit, and which is larger — only when each names one row."""

    def applies(self, u):
        return u.operation == "item_compare" and len(u.items) == 2 and len(u.units) == 1

    def answer(self, ctx, u):
        rows_mod = _rows()
        docs = _year_docs(ctx, u, u.units[0].doc_ids)
        best = []
        for item in u.items:
            # each name read as a lookup reads it: its heading typed before it places it ("司法行政运行",
            # "强制隔离戒毒行政运行": two 行政运行 rows under two headings)
            found = [r for r in _candidates(ctx, rows_mod, docs, dataclasses.replace(
                u, item=item, item_bare="", item_phrase="", unparsed=item), COLUMNS.get(u.metric))
                if r["quality"] >= MIN_QUALITY]
            if not found or found[0].get("ambiguous") or found[0].get("value_wan") is None:
                return None     # one of the two is not one row: no comparison, the answer abstains
            best.append(found[0])
        if (best[0]["table_id"], best[0]["row_index"]) == (best[1]["table_id"], best[1]["row_index"]) \
                or best[0]["row_label"] == best[1]["row_label"] and best[0]["code"] == best[1]["code"]:
            return None
        same = best[0]["row_label"] == best[1]["row_label"]
        who = ctx.gen.documents[best[0]["doc_id"]].unit
        larger = max(best, key=lambda r: r["value_wan"]) if u.direction >= 0 else min(best, key=lambda r: r["value_wan"])

        def named(r: dict) -> str:   # two rows of one name are told apart by the words asked and their codes
            return f"{r['row_label']}”（{u.items[best.index(r)]}，{r['code'] or '无编码'}）" if same else f"{r['row_label']}”"
        text = "；".join(_row_line(r, rows_mod, who if i == 0 else "").replace(f"{r['row_label']}”", named(r), 1)
                         for i, r in enumerate(best))
        text += "。" if u.each else f"；“{named(larger)}更{'多' if u.direction >= 0 else '少'}。"
        return Answer(text, "figure" if u.each else "comparison", [], list(dict.fromkeys(r["passage_id"] for r in best if r.get("passage_id"))),
                      _plain(best))


class RowHalfShare(Operation):
    """"深圳人社局本级委托业务费一共多少 项目支出占多少": a row's 基本支出 or 项目支出 half and its share of the row's
    total, both printed in the row; the share worked out from them and said to be."""

    def applies(self, u):
        return u.operation == "share" and u.metric in ("基本支出", "项目支出") and bool(u.item) and len(u.units) == 1

    def answer(self, ctx, u):
        rows_mod = _rows()
        compact = _norm(u.normalized)
        if compact.rfind(u.metric) < compact.find(_norm(u.item)):
            return None   # "项目支出中委托业务费占多少": the item's share of the half, not the half of the item
        docs = _year_docs(ctx, u, u.units[0].doc_ids)
        candidates = _unit_blocks(ctx, u, _candidates(ctx, rows_mod, docs, u, None)) if docs else []
        if not candidates or candidates[0].get("ambiguous") or candidates[0].get("by_unit"):
            return None
        split = rows_mod.row_split(ctx.gen, candidates[0])
        if split is None:
            return None
        total, half = split[0], split[1 if u.metric == "基本支出" else 2]
        if not total.get("value_wan") or half.get("value_wan") is None:
            return None
        who = _whose(ctx, total)
        share = half["value_wan"] / total["value_wan"] * 100
        return Answer(_row_line(total, rows_mod, who) + f"，其中{u.metric}{rows_mod.quote(half)}，占{share:.2f}%"
                      "（按表中数字计算）。", "figure", [], [total["passage_id"]] if total.get("passage_id") else [],
                      _plain([total, half]))


class HalfOfTheWhole(Operation):
    """"X项目支出多少" where the text states none: the 合计 row of the unit's whole-expenditure table, under
    the column asked (基本支出 / 项目支出), or of its 基本支出 table (人员经费 / 公用经费, 日常公用支出) — one
    document, one cell, or no answer."""

    def applies(self, u):
        return u.metric in COLUMN_METRICS and bool(u.units) \
            and u.operation == "lookup" and not u.item

    def answer(self, ctx, u):
        doc_id = _the_document(ctx, u)
        if doc_id is None:
            return None
        if u.metric in ("人员经费", "公用经费"):
            # the two parts of the basic spending: the 合计 row of the 基本支出 tables
            cells = _rows().basic_expenditure_parts(ctx.gen, doc_id, u.metric)
        else:
            # a fund named ("一般公共预算 项目支出", "财政拨款安排的项目支出"): that fund's table, never the whole's
            cells = [c for c in [_rows().whole_expenditure_half(ctx.gen, doc_id, u.metric, _fund_named(u))]
                     if c is not None]
        if not cells:
            return None
        who = ctx.gen.documents[doc_id].unit
        text = "；".join(_row_line(c, _rows(), who if i == 0 else "") + (f"（{c['aside']}）" if c.get("aside") else "")
                        for i, c in enumerate(cells))
        if len(cells) > 1:
            text += f"（文件的{len(cells)}张表所列不一致，均照录）"
        return Answer(text + "。", "figure", [], [c["passage_id"] for c in cells if c.get("passage_id")],
                      _plain(cells))


# funds a whole may be divided into, besides the 一般公共预算 most of it is from
# a table of the whole budget: 收入总表 / 支出总表, 广州's 收入总体情况表, 湖州's 收入预算总表 (not 基本支出总表)
_WHOLE_TABLE_OF = r"(?<!基本)(?<!项目)(?:{side})(?:预算)?总(?:体情况)?表"
_WHOLE_TABLE = re.compile(_WHOLE_TABLE_OF.format(side="收入|支出|收支"))
_OTHER_FUNDS = ("政府性基金", "国有资本经营")
_FUNDS = ("一般公共预算", "财政拨款", *_OTHER_FUNDS)
# metrics printed as a table of their own, whose total row divides them by fund
_TABLE_OF_METRIC = {"政府采购": "政府采购", "三公经费": "三公经费"}
# metrics printed as a row of such a table (广州's 表8 行政经费及“三公”经费: one column per fund)
_ROW_OF_A_FUND_TABLE = ("公务用车运行维护费", "公务用车购置费", "公务用车购置及运行费", "公务接待费", "因公出国(境)费",
                        "机关运行经费", "行政经费")


class FundOfTheWhole(Operation):
    """"X局政府采购中政府性基金安排的多少": the fund's cell of the total row of the metric's own table — never
    the whole figure, which is not what was asked. No such cell: no answer, saying what the file holds."""

    def applies(self, u):
        fund = next((f for f in _OTHER_FUNDS if f in u.tables), "")
        # nothing else asked than the fund ("用政府性基金" leaves one character around it)
        return bool(fund) and (u.metric in _TABLE_OF_METRIC or u.metric in _ROW_OF_A_FUND_TABLE) \
            and bool(u.units) and u.operation == "lookup" and len(u.item.replace(fund, "")) <= 1

    def answer(self, ctx, u):
        fund = next(f for f in _OTHER_FUNDS if f in u.tables)
        doc_id = _the_document(ctx, u)
        if doc_id is None:
            return None
        who = ctx.gen.documents[doc_id].unit
        if u.metric in _ROW_OF_A_FUND_TABLE:
            return self._row_of(ctx, u, doc_id, who, fund)
        cells = _rows().total_cells_of(ctx.gen, doc_id, _TABLE_OF_METRIC[u.metric], fund)
        if len(cells) != 1:
            return Answer(f"没有找到可靠的答案：{who}的文件中未见{u.metric}按{fund}列出的合计数（或所列不一致），"
                          f"问的是其中{fund}安排的部分，不以{u.metric}总额作答。", "none", [], [], _plain(cells))
        cell = cells[0]
        unit = cell["money_unit"] or "未注明单位"
        text = (f"{who}《{cell['title']}》合计行中“{_column_name(cell)}”为{_rows().quote(cell, aside=True)}"
                f"（单位：{unit}）。")
        return Answer(text, "figure", [], [cell["passage_id"]] if cell.get("passage_id") else [], _plain(cells))


    @staticmethod
    def _row_of(ctx, u, doc_id: str, who: str, fund: str) -> Answer:
        """"广州国资委 公车运行维护费 国有资本经营预算": the metric's row, its cell in the fund's column."""
        rows_mod = _rows()
        found = rows_mod.find_rows(ctx.gen, {doc_id}, u.metric_text or u.metric, question=u.normalized)
        cells = rows_mod.one_per_figure([r for r in found if r["quality"] >= MIN_QUALITY and r.get("asked_column")
                                          and fund in _norm(r["header_path"])])
        if len(cells) != 1:
            return Answer(f"没有找到可靠的答案：{who}的文件中未见{u.metric}按{fund}列出的数（或所列不一致），"
                          f"问的是其中{fund}安排的部分，不以{u.metric}总额作答。", "none", [], [], _plain(cells))
        return Answer(_row_line(cells[0], rows_mod, who) + "。", "figure", [],
                      [cells[0]["passage_id"]] if cells[0].get("passage_id") else [], _plain(cells))


class FundTableTotal(Operation):
    """"湖州交通局 政府性基金 多少": a fund's own table named alone is its total — the 合计 row of the unit's
    政府性基金预算支出表 — not every row whose name holds the fund's name."""

    def applies(self, u):
        return bool(u.units) and u.operation == "lookup" and not u.metric and u.item in _OTHER_FUNDS \
            and not re.search(r"收入|结转|结余", u.normalized)

    def answer(self, ctx, u):
        doc_id = _the_document(ctx, u)
        if doc_id is None:
            return None
        who = ctx.gen.documents[doc_id].unit
        cells = _rows().table_totals(ctx.gen, doc_id, (u.item, "支出")) \
            or _rows().own_row_totals(ctx.gen, doc_id, (u.item, "支出"), who)
        if len(cells) != 1:
            return None
        return Answer(_row_line(cells[0], _rows(), who) + "。", "figure", [],
                      [cells[0]["passage_id"]] if cells[0].get("passage_id") else [], _plain(cells))


class MetricTableTotal(Operation):
    """"福州商务局三公经费多少" where the text states only the parts (因公出国 70.00, 公务接待 6.10 …): the 合计 row of
    the unit's table of that figure ("三公"经费支出预算表 合计 84.10). Tried only when no sentence states the figure
    (qa/__init__); one printed total, or no answer."""

    def applies(self, u):
        return u.operation == "lookup" and len(u.units) == 1 and not u.item and bool(self._kind(u))

    @staticmethod
    def _kind(u: Understood) -> str:
        return next((table for asked, table in lexicon.table_words() if asked == u.metric and table == u.metric), "")

    def answer(self, ctx, u):
        doc_id = _the_document(ctx, u)
        if doc_id is None:
            return None
        cells = _rows().kind_totals(ctx.gen, doc_id, self._kind(u))
        if len(cells) != 1:
            return None
        who = ctx.gen.documents[doc_id].unit
        return Answer(_row_line(cells[0], _rows(), who) + "。", "figure", [],
                      [cells[0]["passage_id"]] if cells[0].get("passage_id") else [], _plain(cells))


def _fund_named(u: Understood) -> str:
    return next((f for f in _FUNDS if f in u.normalized), "")


class HalfOfOneFund(HalfOfTheWhole):
    """"X局一般公共预算项目支出": the half of one fund's spending, from that fund's table — before the figures,
    which mostly state the whole's halves. No such table: the figures answer only when a sentence states the
    fund's half ("2024年一般公共预算基本支出7467870元"); else no answer (never the whole's figure)."""

    def applies(self, u):
        return u.metric in ("基本支出", "项目支出") and super().applies(u) and bool(_fund_named(u))

    def answer(self, ctx, u):
        found = super().answer(ctx, u)
        if found is not None:
            return found
        stated = _fund_named(u) + u.metric
        docs = _year_docs(ctx, u, u.doc_ids or set())
        if any(f.doc_id in docs and stated in re.sub(r"\s", "", f.sentence or "")
               for f in ctx.gen.facts_by_metric.get(u.metric, ())):
            return None
        return Answer(f"没有找到可靠的答案：文件的表中未见{_fund_named(u)}的{u.metric}合计，不以全部{u.metric}作答。",
                      "none", [], [], [])


ROW_LOOKUP = RowLookup()
HALF_OF_THE_WHOLE = HalfOfTheWhole()
LAST_YEAR_COLUMN = LastYearColumn()
METRIC_TABLE_TOTAL = MetricTableTotal()
ROW_COMPARE = RowCompare()
# tried in this order, around the unit-row operations of unit_ops.py (qa.TABLE_OPERATIONS puts them together)
ROWS_FIRST = [RowColumns(), ClassRank(), RowRank(), RowHalfShare(), FundOfTheWhole(), FundTableTotal(), HalfOfOneFund()]
ROWS_LAST = [UnitsWithItem(), ItemOfOneUnit()]
