"""Operations over the rows a department's tables print for its units (its own office — 本级 — and the units
under it): a unit's row asked by name ("上海应急局执法总队 行政运行"), a unit printed as a row of its parent's table
("西安交警支队 公车运行维护费"), the own office's line beside the whole department's ("深圳水务局本级三公经费"),
and the units ranked by a figure ("深圳水务局哪个所属单位三公经费最多"). Split from table_ops.py, whose row
readers they share; qa.TABLE_OPERATIONS puts the two modules' operations in one order.
"""
from __future__ import annotations

import dataclasses
import re

from ..vocab import ORG_ENDINGS, ORG_NAME_END
from . import lexicon
from .gazetteer import abbreviation_span, bare_name
from .lexicon import short_forms
from .operations import Answer, Operation
from .table_ops import (
    _FUND_TABLE,
    _UNIT_WORDS,
    _WHOLE_TABLE,
    _WHOLE_TABLE_OF,
    COLUMNS,
    ROW_LOOKUP,
    _column_words,
    _is_year_line,
    _names_the_figure,
    _norm,
    _one_figure,
    _plain,
    _row_line,
    _rows,
    _subunit_form,
    _without_code,
    _without_region,
    _year_docs,
)
from .understand import FUNDS, Understood


class SubunitRowLookup(Operation):
    """"湖州市中医院医院建设发展项目", "西安市法律援助中心法律援助业务经费": a subordinate unit whose rows are in
    its department's tables (a unit-name cell beside the project name), not a document of its own. Among
    the region's rows whose unit cell the question names (written out, or abbreviated as units are: 强戒所),
    the row whose name the question contains is the answer; several different rows is no answer."""

    def applies(self, u):
        return not u.units and u.scope_region is not None and u.operation in ("lookup", "item")

    def answer(self, ctx, u):
        rows_mod = _rows()
        compact = u.normalized.replace(" ", "")
        rows = rows_mod.rows_with_unit_cell(ctx.gen, ctx.scope_docs(u), COLUMNS.get(u.metric))
        cells = {r["context"] for r in rows}
        # a unit written out wins over one the question's words only abbreviate (中医院 vs 中心医院)
        named_cells = ({c for c in cells if _names_unit_cell(compact, c, u.scope_region.region, exact=True)}
                       or {c for c in cells if _names_unit_cell(compact, c, u.scope_region.region)})
        # of two names written out, the longer that holds the other (社会保险基金管理局福田分局, not the 社会保险
        # 基金管理局 it begins with)
        named_cells = {c for c in named_cells if not any(
            o != c and bare_name(c) in bare_name(o) and bare_name(o) != bare_name(c) for o in named_cells)}
        named = [r for r in rows if r["context"] in named_cells]
        if not named:
            return None
        asked = [r for r in named if len(r["row_label"]) >= 2 and _norm(r["row_label"]) in _norm(compact)]
        if not asked:
            return None
        longest = max(len(r["row_label"]) for r in asked)
        # (a unit's row printed in its whole spending's table and in its 基本支出 table: the whole)
        asked = rows_mod.whole_before_part([r for r in asked if len(r["row_label"]) == longest], compact)
        distinct = {(r["context"], r["row_label"], r["value_text"]) for r in asked}
        top = asked[0]
        who = f"{ctx.gen.documents[top['doc_id']].unit}（{top['context']}）"
        if len(distinct) > 1:
            listed = "；".join(f"{r['context']}“{r['row_label']}” {rows_mod.quote(r)}" for r in asked[:5])
            return Answer(f"{who}等有{len(distinct)}行与所问相符，无法确定是哪一行：{listed}。", "none", [],
                          [r["passage_id"] for r in asked[:5] if r.get("passage_id")], _plain(asked[:5]))
        return Answer(_row_line(top, rows_mod, who) + "。", "figure", [],
                      [top["passage_id"]] if top.get("passage_id") else [], _plain([top]))


class SubunitAsRow(Operation):
    """"西安强戒所公务用车购置及运行维护费", "工务署工程管理中心基本支出": a subordinate unit no document is of,
    listed as a row of its department's tables (收入总表, 基本支出总表, "三公"经费表 by unit), and a figure
    that is one of their columns. The row the question names (written out, or abbreviated: 强戒所), the
    cells whose column header names the figure, this year's column (上年 and 增减 columns only when asked),
    the fund tables (政府性基金, 国有资本经营) only when named: one figure, or no answer."""

    def applies(self, u):
        return u.operation == "lookup" and bool(_subunit_form(u) or _unheld_department(u)) \
            and bool(_column_words(u))

    def answer(self, ctx, u):
        rows_mod = _rows()
        form = _norm(_subunit_form(u))
        compact = _norm(u.normalized)
        written = compact[:compact.find(form) + len(form)] if form in compact else form
        scores: dict[str, tuple[int, int]] = {}
        department = _unheld_department(u) if not form else None

        def named(label: str) -> bool:
            if department is not None:
                # "西安交警支队": a row labelled with a unit of that type (153002西安市公安局交通管理支队)
                scores[label] = (1, 0)
                return lexicon.type_of_unit(re.sub(r"^\d+", "", bare_name(label))) == department.dept_type
            if form[-1] not in label:
                return False
            name = _norm(_without_region(ctx.gaz, bare_name(label)))
            if name == _norm(bare_name(label)):
                return False    # tables list units by their full names (深圳市…); 公立医院 alone is a row
            # of two names ending alike (工程管理中心), the one the words before agree with (工务署工程管理中心)
            scores[label] = (_subunit_score(form, name), _common_tail(written, name))
            return scores[label][0] > 0

        docs = ctx.gaz.docs_in_region(department.region_codes) if department is not None else ctx.scope_docs(u)
        rows = rows_mod.unit_labelled_rows(ctx.gen, docs, named)
        if department is not None:
            # only in its parent's tables, whose name begins the row's (西安市公安局 › 西安市公安局交通管理支队) —
            # not a department heading its unit's rows in that unit's document (长沙市教育局 over 职教基地)
            rows = [r for r in rows if lexicon.without_own_office(ctx.gen.documents[r["doc_id"]].unit)
                    in re.sub(r"^\d+", "", r["row_label"])]
        if not rows:
            return None
        best = max(scores[r["row_label"]] for r in rows)
        rows = [r for r in rows if scores[r["row_label"]] == best]
        # (a department type names its unit however each table writes it — 西安市公安局交通管理支队,
        # 153002西安市公安局交通警察支队 — within one document; the figure must still be one)
        if len({(r["doc_id"], "" if department is not None else r["row_label"]) for r in rows}) != 1:
            return None     # several units (or one in several documents) answer to the name: no answer
        words = _column_words(u)
        fund_ok = [r for r in rows if not _FUND_TABLE.search(r["title"] or "") or _FUND_TABLE.search(compact)]
        cells = [r for r in fund_ok if any(w in _norm(r["header_path"]) for w in words)]
        if not cells:
            # no column headed so: the total column of a table titled so ("深圳市考试院 12,966.72" in the 项目支出 table)
            cells = [r for r in fund_ok if any(w in _norm(r["title"] or "") for w in words if len(w) >= 4)
                     and re.fullmatch(r"(?:合\s*计|总\s*计|小\s*计|金额|预算数?)?", (r["header_path"] or "").rsplit(" › ", 1)[-1])]
        last_year = bool(re.search(r"上年|去年", compact))
        cells = [r for r in cells if rows_mod.earlier_year_column(r["header_path"], ctx.gen.documents[r["doc_id"]].year) == last_year
                 and not rows_mod.CHANGE_HEADER.search(r["header_path"])]
        # a fund named ("土地储备中心 政府性基金预算收入"): its column among the row's cells (收入总表)
        funds = [f for f in FUNDS if f in compact]
        in_fund = [r for r in cells if any(f in _norm(r["header_path"]) for f in funds)]
        cells = in_fund or cells
        if len({rows_mod.parse_value(r["value_text"]) for r in cells}) > 1:
            # the unit's whole (or its whole of the fund named), as its department's 支出总表 / 收入总表 prints it —
            # not one fund's part, nor what its 政府采购 table draws from that fund
            cells = [r for r in cells if _WHOLE_TABLE.search(r["title"] or "")] or cells
        values = {rows_mod.parse_value(r["value_text"]) for r in cells}
        if not cells or len(values) != 1 or None in values:
            return None
        top = min(cells, key=lambda r: (len(r["header_path"]), r["line_start"]))
        who = f"{ctx.gen.documents[top['doc_id']].unit}的表中，“{top['row_label']}”"
        text = (f"{who}{top['header_path'].replace(' › ', '·')}为{rows_mod.quote(top, aside=True)}"
                f"（《{top['title']}》，单位：{top['money_unit'] or '未注明单位'}）。")
        passages = list(dict.fromkeys(r["passage_id"] for r in cells if r.get("passage_id")))
        return Answer(text, "figure", [], passages[:3], _plain([top]))


# a department's own office asked ("水务局本级", "（本级）"), not a city's own level (市本级, 区本级)
OWN_OFFICE_ASKED = re.compile(r"(?<![市区县省])本级")


class OwnOfficeRow(Operation):
    """"深圳水务局本级三公经费": a department whose document prints the whole department's figures and its own
    office's beside them (深圳: "深圳市水务局（本级）" as a row of the 收入总表 / 支出总表, or heading its year
    lines in the "三公"经费表). The whole's figure is not the office's: the office's row, in this year's line
    and column, with the figure's name in the column or the table's title; one figure, else no answer —
    never the department's."""

    def applies(self, u):
        # (a row asked with a column — "本级 委托业务费中项目支出" — is RowLookup's)
        return u.operation == "lookup" and len(u.units) == 1 and bool(OWN_OFFICE_ASKED.search(u.normalized)) \
            and bool(u.metric) \
            and not u.item and bool(u.units[0].doc_ids)

    def answer(self, ctx, u):
        rows_mod = _rows()
        docs = sorted(_year_docs(ctx, u, set(u.units[0].doc_ids)))
        if not docs or any(lexicon.is_own_office(ctx.gen.documents[d].unit) for d in docs):
            return None     # the office's own budget is a document of its own (无锡市教育局（本级）)
        words = _column_words(u)
        asked_change = bool(re.search(r"增减|增加|减少|变化|比上年", u.normalized))
        found, offices = [], []
        for doc_id in docs:
            department = lexicon.without_own_office(ctx.gen.documents[doc_id].unit)
            # (湖州: the office's row bears the department's name, after the department's own, the sum of its units)
            own, cells = rows_mod.office_printed_apart(ctx.gen, doc_id, department)
            if not own:
                continue
            offices.append(own)
            year = ctx.gen.documents[doc_id].year
            for r in cells:
                label = _norm(r["row_label"])
                if r["row_label"] not in (own, department) and not _is_year_line(label, year):
                    continue   # an item of the office's (its 会议费 row: RowLookup's, below), not the office's figure
                if not (_names_the_figure(r, words, label) or _the_whole_of_its_row(r, u.metric)) \
                        or rows_mod.earlier_year_column(r["header_path"], year) \
                        or bool(rows_mod.CHANGE_HEADER.search(r["header_path"] or "")) != asked_change:
                    continue
                found.append(r)
        if not offices:
            return None
        found = _one_figure(found, lambda r: rows_mod.parse_value(r["value_text"]))
        values = {rows_mod.parse_value(r["value_text"]) for r in found}
        if not found:
            # a cost that is a row of the office's in a table printed unit by unit (会议费 under 本级)
            for item in dict.fromkeys((u.metric_text, u.metric)):
                as_row = ROW_LOOKUP.answer(ctx, dataclasses.replace(u, item=item, item_bare=""))
                if as_row is not None and as_row.answer_type != "none" and as_row.rows \
                        and all(own in (r.get("context"), r.get("row_label")) for r in as_row.rows for own in offices[:1]):
                    return as_row
        if len(values) != 1 or None in values:
            what = u.metric_text or u.metric
            return Answer(f"所问是{offices[0]}的{what}。本库{ctx.gen.documents[docs[0]].unit}的文件所载的{what}是全部门"
                          f"（含所属单位）的数，不是本级的；表中{'按单位列出的数不止一个' if found else '没有找到本级的这一项'}，"
                          f"无法给出本级的{what}。", "none", [],
                          list(dict.fromkeys(r["passage_id"] for r in found[:5] if r.get("passage_id"))), _plain(found[:5]))
        top = min(found, key=lambda r: (len(r["header_path"]), r["line_start"]))
        line = "" if top["row_label"] == offices[0] else f"“{top['row_label']}”行"
        if top["row_label"] != offices[0] and not top["context"] and not _is_year_line(_norm(top["row_label"]), year):
            line = f"（表中所属单位的第一行，亦名“{top['row_label']}”）"
        text = (f"{offices[0]}{line}{top['header_path'].replace(' › ', '·')}为{rows_mod.quote(top, aside=True)}"
                f"（《{top['title']}》，单位：{top['money_unit'] or '未注明单位'}；本级的数，不含所属单位）。")
        passages = list(dict.fromkeys(r["passage_id"] for r in found if r.get("passage_id")))
        return Answer(text, "figure", [], passages[:3], _plain([top]))


# a whole budget asked of one unit's row: its total column of the 收入总表 / 支出总表 (深圳水务局（本级） 收入总计)
_WHOLE_OF = {"收支总计": "收入|支出|收支", "收入总计": "收入|收支", "支出总计": "支出|收支"}


_WHOLE_HEADER = re.compile(r"(?:部门预算›)?(?:本年)?(?:收入|支出)?(?:合计|总计)")


def _the_whole_of_its_row(r: dict, metric: str) -> bool:
    side = _WHOLE_OF.get(metric)
    return bool(side) and bool(re.search(_WHOLE_TABLE_OF.format(side=side), _norm(r["title"] or ""))) \
        and _WHOLE_HEADER.fullmatch(_norm(r["header_path"] or "")) is not None


_WHOLE_NAMES = {"收支总计": "预算总额", "收入总计": "收入预算", "支出总计": "支出预算"}


def _whole_asked(u: Understood) -> str:
    """"哪个所属单位预算最多" (no figure named): a unit's whole budget — its 收入总计 / 支出总计 when the item is
    收入 / 支出, else either (收入总表 and 支出总表 print the same total)."""
    if u.metric or u.item not in ("", "收入", "支出", "预算", "经费", "资金", *_UNIT_WORDS):
        return ""
    return {"收入": "收入总计", "支出": "支出总计"}.get(u.item, "收支总计")


def _column_asked(u: Understood) -> str:
    """"哪个下属单位事业收入最多": the item, when no figure is named, as the column the units' rows are read
    in (a word of its header; the ranking finds no unit where no column is so headed)."""
    if u.metric or _whole_asked(u) or not u.item or u.item in _UNIT_WORDS or len(u.item) < 3:
        return ""
    return _norm(u.item)


_UNITS_ASKED = re.compile(r"所属单位|下属单位|二级单位|预算单位|所属|下属|哪(?:个|家|些)\s*(?:单位|医院|中心|学校)")


# the units under the department, its own office (本级) not among them
_SUBORDINATES_ASKED = re.compile(r"下属|所属|二级单位|除\S{0,3}本级")


class UnitRank(Operation):
    """"深圳水务局哪个所属单位三公经费最多", "广州卫健委下面哪个医院基本支出最多": the units a department's tables
    list (a unit's row of its 收入总表 / 支出总表 / 基本支出表, its line of this year in the "三公"经费表), ranked
    by the figure asked — the department's own whole row is not one of them. One figure per unit (its whole
    table's where several), at least two units, else no answer."""

    def applies(self, u):
        # (the item read may be the units' word itself: "哪个医院")
        return u.operation in ("max", "min", "item_max", "item_min") and len(u.units) == 1 \
            and (bool(u.metric) and (not u.item or u.item in _UNIT_WORDS) or bool(_whole_asked(u))
                 or bool(_column_asked(u))) \
            and bool(_UNITS_ASKED.search(u.normalized)) and bool(u.units[0].doc_ids)

    def answer(self, ctx, u):
        rows_mod = _rows()
        docs = sorted(_year_docs(ctx, u, set(u.units[0].doc_ids)))
        if len(docs) == 2:
            # "无锡教育局" names the department and its own office (无锡市教育局（本级）): the units it lists are
            # the department's
            docs = [d for d in docs if not lexicon.is_own_office(ctx.gen.documents[d].unit)] or docs
        if len(docs) != 1:
            return None
        doc_id = docs[0]
        doc = ctx.gen.documents[doc_id]
        department = lexicon.without_own_office(doc.unit)
        # (a whole named — 收入预算 — is the units' whole row too)
        whole = u.metric if u.metric in _WHOLE_NAMES else "" if u.metric else _whole_asked(u)
        # (no figure named: the column the item names, "事业收入" of the 收入总表, where it heads one)
        words = set() if whole else _column_words(u) if u.metric else {_column_asked(u)} - {""}
        # the office under the department's own name (湖州, 苏州: its second row) is one of the units
        own, office_cells = rows_mod.office_printed_apart(ctx.gen, doc_id, department)
        subordinate = bool(_SUBORDINATES_ASKED.search(u.normalized))
        office_lines = {c["line_start"] for c in office_cells}
        by_unit: dict[str, list[dict]] = {}
        cells = rows_mod.table_cells(ctx.gen, doc_id)
        # a classification's row is no unit, wherever its code was not read (广州卫健委's 表3 "公立医院", "综合医院":
        # 21002 and 2100201 of its 功能分类 table)
        classified = {r["row_label"] for r in cells if r["code"] and r["code_level"]}
        for r in cells:
            label = _without_code(r["row_label"] or "")
            if _is_year_line(_norm(r["row_label"]), doc.year) and r["context"]:
                unit = r["context"]
            elif not r["is_total"] and ORG_NAME_END.search(bare_name(label)) and not r["context"] \
                    and r["row_label"] not in classified:
                unit = label
            else:
                continue
            if bare_name(unit) == bare_name(department) and not lexicon.is_own_office(unit):
                if r["line_start"] not in office_lines:
                    continue   # the department's whole row
                unit = own
            if subordinate and bare_name(unit) == bare_name(department):
                continue   # "下属单位", "除本级外": the department's own office is not one
            if (_names_the_figure(r, words) or (whole and _the_whole_of_its_row(r, whole))) \
                    and not rows_mod.earlier_year_column(r["header_path"], doc.year) \
                    and not rows_mod.CHANGE_HEADER.search(r["header_path"] or "") and r["value_wan"] is not None:
                by_unit.setdefault(unit, []).append(r)
        ranked = []
        for cells in by_unit.values():
            cells = _one_figure(cells, lambda c: c["value_wan"])
            if cells and len({c["value_wan"] for c in cells}) == 1:
                ranked.append(min(cells, key=lambda c: (len(c["header_path"]), c["line_start"])))
        if len(ranked) < 2 or len({r["title"] for r in ranked}) > 2:
            return None
        most = u.operation in ("max", "item_max")
        ranked.sort(key=lambda r: r["value_wan"], reverse=most)
        def who(r: dict) -> str:
            if r["line_start"] in office_lines and not r["context"]:
                return own
            return r["context"] if _is_year_line(_norm(r["row_label"]), doc.year) else _without_code(r["row_label"])
        word = "最高" if most else "最低"
        what = u.metric_text or u.metric or _WHOLE_NAMES.get(whole) or _column_asked(u)
        top = ranked[0]
        tied = [r for r in ranked if r["value_wan"] == top["value_wan"]]
        rest = ranked[len(tied):len(tied) + 3]
        if len(tied) > 1:   # several units share the top figure: all of them, none picked
            text = (f"{department}的表中按单位列出的{len(ranked)}个单位里，{what}{word}的有{len(tied)}个，"
                    f"均为{rows_mod.quote(top, aside=True)}：" + "、".join(who(r) for r in tied[:10]))
        else:
            text = (f"{department}的表中按单位列出的{len(ranked)}个单位里，{what}{word}的是{who(top)}"
                    f"（{rows_mod.quote(top, aside=True)}）")
        if rest:
            text += "；其后为" + "、".join(f"{who(r)}（{rows_mod.quote(r, aside=True)}）" for r in rest)
        text += f"（《{top['title']}》，单位：{top['money_unit'] or '未注明单位'}；不含部门合计{'和本级' if subordinate else ''}）。"
        passages = list(dict.fromkeys(r["passage_id"] for r in ranked[:4] if r.get("passage_id")))
        return Answer(text, "comparison", [], passages, _plain(ranked[:4]))


def _unheld_department(u: Understood):
    """The one unit asked when it is a department type the corpus holds no document of in its region
    ("西安交警支队"): it may be a row of its parent department's tables."""
    if len(u.units) == 1 and not u.units[0].held and u.units[0].dept_type and u.units[0].region_codes:
        return u.units[0]
    return None


def _common_tail(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _subunit_score(form: str, name: str) -> int:
    """3 the name as written; 2 its tail written out (工务署工程管理中心) or the name inside the words
    (安全生产执法监察支队 for 执法监察支队); 1 an abbreviation of it (强戒所); 0 not this unit."""
    if len(name) < 3:
        return 0
    if form == name:
        return 3
    if (len(form) >= 4 and name.endswith(form)) or (len(name) >= 4 and form.endswith(name)):
        return 2
    return 1 if abbreviation_span(form, name) is not None else 0


def _names_unit_cell(question: str, cell: str, region: str, exact: bool = False) -> bool:
    """Whether the question names the unit of a unit cell: its name without the region (中医院 for
    湖州市中医院), or an abbreviation of it ending on an organisation word (强戒所)."""
    name = bare_name(cell)
    if not ORG_NAME_END.search(name):
        return False
    for form in sorted(short_forms(region), key=len, reverse=True):
        if name.startswith(form):
            name = name[len(form):]
            break
    if len(name) >= 3 and name in question:
        return True
    if exact:
        return False
    for end in range(len(question)):
        if question[end] not in _ORG_LAST:
            continue
        for size in range(3, 9):
            if end + 1 - size >= 0 and abbreviation_span(question[end + 1 - size:end + 1], name) is not None:
                return True
    return False


_ORG_LAST = {e[-1] for e in ORG_ENDINGS}   # an abbreviation ends where its organisation word does


SUBUNIT_AS_ROW = SubunitAsRow()
SUBUNIT_ROW_LOOKUP = SubunitRowLookup()
OWN_OFFICE_ROW = OwnOfficeRow()
UNIT_RANK = UnitRank()
