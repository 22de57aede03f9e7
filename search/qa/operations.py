"""Question operations: one class per kind of question, tried in registered order.

Each operation reads the slots of an Understood question and either answers — with the figures it
quotes exactly as printed and the passages that state them — or declines (returns None) so the next
one may try. Nothing here guesses a unit, a year or a metric the question did not ask for: an operation
that cannot answer from the named scope declines, and the answerer then abstains with the reason.
Every cross-document answer states its scope ("本库收录的8个医疗保障局中…"); long lists give the count and
the first items, and `facts` carries them all.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from ..facts import WHOLE_BUDGET_METRICS, Fact, money_aside
from ..vocab import strip_quotes
from . import lexicon
from .understand import DIFFERENCE, PARTS_OF, WHOLE_OF, Understood

MAX_LIST_CHARS = 200
# "三公经费主要花在哪 / 由什么构成": its three parts, each as the document states it
_BREAKDOWN = re.compile(r"花在哪|用在哪|用于哪|用途|构成|组成|包括哪|明细|各多少|各是多少|分别")
_SANGONG_PARTS = PARTS_OF["三公经费"]
# which part is asked: "哪一项 / 哪块 / 哪部分 / 什么费" — not a project ("哪个项目")
_PART_ASKED = re.compile(r"哪一?(?:项(?!目)|块|类|种|部分|个(?!项目|单位|部门|局|委|所属|下属|二级|医院|中心|学校))|什么(?:费|支出)")
# a part stated only as its own parts: the car costs as 购置费 and 运行维护费
_PART_STAND_INS = {"公务用车购置及运行费": ("公务用车购置费", "公务用车运行维护费")}
# a whole total asked (收入总计) that a document states only as 收支总计, and this year's part of it
_TOTAL_STAND_INS = {"收入总计": "本年收入合计", "支出总计": "本年支出合计"}
_WHOLE_STAND_INS = {"收入总计": ("收支总计",), "支出总计": ("收支总计",), "收支总计": ("收入总计", "支出总计")}


@dataclass
class Answer:
    text: str
    answer_type: str                       # figure | list | comparison | passage | none
    facts: list[Fact] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)   # passage ids to cite, best first
    rows: list[dict] = field(default_factory=list)       # table rows quoted (tables)


@dataclass
class Context:
    engine: object
    gen: object
    gaz: object

    def facts_for(self, u: Understood, docs: set[str] | None, metric: str | None = None,
                  across: bool = False) -> dict[str, list[Fact]]:
        """doc_id -> the metric's facts in that document, best statement first, respecting year and basis.
        A 预算 question is never answered with a 决算 figure, nor the reverse; across documents, a question
        that names no basis compares budgets with budgets."""
        metric = metric or u.metric
        # the ranking reads the question only for its years, basis and which scope words it names: a
        # question over a whole city or archive (thousands of facts) is ranked once per generation.
        # Callers read the result and must not modify it.
        flags = tuple(w in u.normalized for w in _SCOPE_WORDS)
        key = ("ranked", metric, tuple(sorted(u.years or ())), u.basis, across, flags,
               None if docs is None else frozenset(docs))
        cache = _generation_cache(self.gen)
        found = cache.get(key)
        if found is None:
            found = self._rank_facts(u, docs, metric, across)
            ranked = [k for k in list(cache) if isinstance(k, tuple) and k[0] == "ranked"]
            if len(ranked) >= _RANKED_CACHE_SIZE:
                for stale in ranked[:len(ranked) // 2]:
                    cache.pop(stale, None)
            cache[key] = found
        return found

    def _rank_facts(self, u: Understood, docs: set[str] | None, metric: str, across: bool) -> dict[str, list[Fact]]:
        by_doc: dict[str, list[Fact]] = {}
        indexed = facts_index(self.gen, metric)
        pool = (f for d in (sorted(docs) if docs is not None else indexed) for f in indexed.get(d, ()))
        for fact in pool:
            if u.years and fact.year not in u.years:
                continue
            if not _budget_document(self.gen, fact.doc_id):
                continue
            by_doc.setdefault(fact.doc_id, []).append(fact)
        chosen = {}
        for doc_id, facts in by_doc.items():
            wanted = u.basis or ("预算" if across else facts[0].kind or "预算")
            preferred = [f for f in facts if f.basis == wanted]
            if not preferred:
                continue
            chosen[doc_id] = sorted(preferred, key=lambda f: _rank_fact(f, u))
        return chosen

    def scope_docs(self, u: Understood) -> set[str]:
        """The documents a cross-document question ranges over: named units or region, type, year."""
        docs = u.doc_ids
        pool = set(self.gen.documents) if docs is None else set(docs)
        if u.scope_type:
            pool = self.gaz.docs_of_type(u.scope_type, pool)
        if u.years:
            pool = {d for d in pool if self.gen.documents[d].year in u.years}
        return {d for d in pool if _budget_document(self.gen, d)}

    def scope_words(self, u: Understood, docs: set[str]) -> str:
        """"本库收录的8个医疗保障局中" — what a cross-document answer ranged over."""
        what = u.scope_type or "单位"
        where = u.scope_region.region if u.scope_region is not None else ""
        year = "、".join(f"{y}年" for y in u.years)
        return f"本库收录的{where}{year}{len(docs)}个{what}中"


_BY_DOC: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_RANKED_CACHE_SIZE = 512
_SCOPE_WORDS = ("一般公共预算", "财政拨款", "部门")


def _generation_cache(gen) -> dict:
    """A dict that lives as long as the generation (facts by document, ranked facts)."""
    try:
        return _BY_DOC[gen]
    except (KeyError, TypeError):
        cache: dict = {}
        try:
            _BY_DOC[gen] = cache
        except TypeError:   # an object that cannot be weakly referenced: no cache
            pass
        return cache


def facts_index(gen, metric: str) -> dict[str, list[Fact]]:
    """metric -> doc_id -> facts, built once per generation: an answer about a few named units reads their
    facts only, not every fact of the metric in the archive."""
    cache = _generation_cache(gen)
    if metric not in cache:
        grouped: dict[str, list[Fact]] = {}
        for fact in gen.facts_by_metric.get(metric, []):
            grouped.setdefault(fact.doc_id, []).append(fact)
        cache[metric] = grouped
    return cache[metric]


def _budget_document(gen, doc_id: str) -> bool:
    """Documents that are budgets or final accounts (not notices or evaluation reports)."""
    doc = gen.documents.get(doc_id)
    return doc is not None and getattr(doc, "kind", "") in ("预算", "决算")


def _rank_fact(fact: Fact, u: Understood) -> tuple:
    """A document's main statement of a metric: narrative first, the section about the metric, the
    sentence naming the scope asked (一般公共预算 / 财政拨款 / 部门), then the earliest line."""
    metric_word = fact.metric.replace("(境)", "")
    in_section = metric_word[:4] in strip_quotes(fact.section)
    scope = sum(1 for w in _SCOPE_WORDS if w in u.normalized and w in fact.sentence)
    unscoped = sum(1 for w in ("一般公共预算", "财政拨款") if w not in u.normalized and w in fact.sentence)
    return (fact.source != "text", -int(in_section), -scope, unscoped, fact.line_start)


def label(fact: Fact) -> str:
    return f"{fact.year}年{fact.basis}" if fact.year else fact.basis


def join_items(items: list[str], total: int | None = None, budget: int = MAX_LIST_CHARS) -> str:
    """"A、B、C等14个" — never a silent cut: the count is stated and `facts` holds every item."""
    total = len(items) if total is None else total
    shown: list[str] = []
    for item in items:
        if shown and sum(len(x) + 1 for x in shown) + len(item) > budget:
            return "、".join(shown) + f"等{total}个（完整列表见数据表）"
        shown.append(item)
    return "、".join(shown)


def _words_saying_none(fact: Fact) -> str:
    """The clause saying there is none, with the one before it, which often says why ("…均为事业单位，无机关运行
    经费"); the bare word ("无") when the sentence is not at hand."""
    clauses = [c for c in re.split(r"[，,。；;]", fact.sentence or "") if c.strip()]
    at = next((i for i, c in enumerate(clauses) if fact.value_text in c), None)
    if at is None:
        return fact.value_text
    quoted = "，".join(c.strip() for c in clauses[max(0, at - 1):at + 1])
    return quoted if len(quoted) <= 80 else clauses[at].strip()[:80]


def shown(fact: Fact, u: Understood) -> str:
    """The figure as printed, with 万元 (or the 亿元 asked) beside a figure printed in another money unit."""
    if not re.search(r"\d", fact.value_text):   # nothing budgeted, said in words ("本单位无机关运行经费")
        return f"零（原文：“{_words_saying_none(fact)}”）"
    if _ASKS_YUAN.search(u.normalized) and fact.value_unit in ("万元", "亿元") and fact.value_wan is not None:
        # a figure in 万元 asked in 元 ("换算成元是多少") is that many 元 exactly
        return f"{fact.value_text}（即{fact.value_wan * 10000:,.0f}元）"
    return fact.value_text + money_aside(fact.value_wan, fact.value_unit, "亿" in u.normalized)


# the question asks in 元 (not 万元 / 亿元): "多少元", "换算成元", "折合人民币多少元"
_ASKS_YUAN = re.compile(r"(?<![万亿千百])元(?!旦)")


def _first_fact(ctx: Context, u: Understood, doc_id: str, metric: str) -> Fact | None:
    """The document's main statement of a metric (in the question's year and basis), or None."""
    return next(iter(ctx.facts_for(u, {doc_id}, metric).get(doc_id, ())), None)


def _value_key(fact: Fact) -> float:
    return fact.value_wan if fact.value_wan is not None else fact.value


class Operation:
    name = ""

    def applies(self, u: Understood) -> bool:
        return u.operation == self.name

    def answer(self, ctx: Context, u: Understood) -> Answer | None:   # pragma: no cover - interface
        raise NotImplementedError


class VehicleKind(Operation):
    """"湖州交通运输局 执法执勤用车 几辆": one kind of vehicle, counted in the sentence that states the fleet
    ("共有车辆171辆，其中，…执法执勤用车60辆…") or, when buying is asked, the purchase plan — that kind's own
    figure, never the whole fleet's or the purchase's; no answer where the sentence does not count the kind."""

    def applies(self, u):
        return u.operation == "lookup" and u.metric in ("车辆", "购置车辆") and bool(u.units) \
            and lexicon.vehicle_kind_asked(u.normalized) is not None

    def answer(self, ctx, u):
        _asked, kind = lexicon.vehicle_kind_asked(u.normalized)
        count = re.compile(re.escape(kind) + r"[:：为共]?(\d+(?:\.\d+)?)(辆|台)")
        parts, used, unstated = [], [], []
        for _doc_id, facts in sorted(ctx.facts_for(u, u.doc_ids).items()):
            stated = next(((f, m) for f in facts if (m := count.search(re.sub(r"\s", "", f.sentence or "")))), None)
            if stated is None:
                unstated.append(facts[0])
                continue
            fact, m = stated
            parts.append(f"{fact.unit}{label(fact)}{kind}{m.group(1)}{m.group(2)}"
                         f"（{'计划购置车辆' if u.metric == '购置车辆' else '共有车辆'}{fact.value_text}，其中{kind}"
                         f"{m.group(1)}{m.group(2)}）")
            used.append(fact)
        if parts:
            return Answer("；".join(parts) + "。", "figure", used)
        if unstated:
            fact = unstated[0]
            return Answer(f"{fact.unit}的文件载明{fact.metric}{fact.value_text}，未分列{kind}的数量。", "none", [],
                          [fact.passage_id])
        return None


VEHICLE_KIND = VehicleKind()


class Lookup(Operation):
    """One figure of each named unit (or of the one unit a region holds)."""
    name = "lookup"

    def applies(self, u):
        return u.operation == "lookup" and bool(u.metric) and bool(u.units) and not u.item

    def answer(self, ctx, u):
        facts_by_doc = dict(ctx.facts_for(u, u.doc_ids))
        # the whole budget is stated as 收入总计, 支出总计 or "收入、支出总计" — equal by construction — and a
        # disclosure that states one answers a question asking another; this year's part (本年支出合计) is
        # quoted beside it, never instead
        for doc_id in set(u.doc_ids or ()) - set(facts_by_doc):
            for metric in _WHOLE_STAND_INS.get(u.metric, ()):
                whole = ctx.facts_for(u, {doc_id}, metric).get(doc_id)
                if whole:
                    facts_by_doc[doc_id] = whole
                    break
        if not facts_by_doc:
            return None
        used, parts = [], []
        for doc_id in sorted(facts_by_doc, key=lambda d: (ctx.gen.documents[d].unit, -(ctx.gen.documents[d].year or 0))):
            fact = facts_by_doc[doc_id][0]
            line = f"{fact.unit}{label(fact)}{fact.metric}为{shown(fact, u)}"
            if fact.kind == "决算" and not u.basis:
                # a final account states the budget beside the actual: quote both, each with its basis, and
                # the completion it states ("完成预算的96.40%")
                pair = next((f for f in facts_index(ctx.gen, fact.metric).get(doc_id, [])
                             if f.basis != fact.basis and f.passage_id == fact.passage_id), None)
                if pair is not None:
                    line += f"（{pair.basis}{pair.value_text}" + (f"，{fact.completion}" if fact.completion else "") + "）"
                    used.append(pair)
            elif fact.completion and u.basis == fact.basis == "决算":
                line += f"（{fact.completion}）"   # the actual asked: how much of the budget it is, not the budget
            if fact.metric != u.metric and u.metric in _TOTAL_STAND_INS:
                part = _first_fact(ctx, u, doc_id, _TOTAL_STAND_INS[u.metric])
                if part is not None:
                    line += f"（其中{part.metric}{part.value_text}）"
                    used.append(part)
            if fact.metric == "三公经费" and _BREAKDOWN.search(u.normalized):
                parts_of = [_first_fact(ctx, u, doc_id, m) for m in _SANGONG_PARTS]
                named = [f"{p.metric}{p.value_text}" for p in parts_of if p is not None]
                if named:
                    line += "，其中" + "、".join(named)
                    used += [p for p in parts_of if p is not None]
            if fact.change_text:
                line += f"，{fact.change_text}"
            if fact.mismatch:
                line += f"（注意：{fact.mismatch}）"
            if fact.value_unit in ("辆", "台") and "资产" in u.normalized and fact.sentence:
                # "车辆 国有资产情况": the vehicles are stated in the assets sentence; quote it whole
                line += f"（原文：{fact.sentence[:160]}）"
            parts.append(line)
            used.append(fact)
        if len(parts) > 4:
            text = f"共{len(parts)}个单位载明{u.metric}：" + join_items(parts, budget=240)
        else:
            text = "；".join(parts)
        return Answer(text + "。", "figure", used)


class Detail(Operation):
    """The change, share or completion rate a unit's text states beside the figure."""
    DETAILS = {
        "change": lambda f: "，".join(x for x in (f.change_text, f.change_rate) if x),
        "share": lambda f: f.share,
        "completion": lambda f: f.completion,
    }

    def applies(self, u):
        return u.operation in self.DETAILS and bool(u.metric) and bool(u.units) and not u.item

    def answer(self, ctx, u):
        detail = self.DETAILS[u.operation]
        used, parts, done = [], [], set()
        # the whole budget's change may be stated on any of its totals ("收入、支出预算总计…各减少…")
        metrics = [u.metric] + [m for m in WHOLE_BUDGET_METRICS if m != u.metric] \
            if u.metric in WHOLE_BUDGET_METRICS and u.operation == "change" else [u.metric]
        for metric in metrics:
            for doc_id, facts in ctx.facts_for(u, u.doc_ids, metric).items():
                candidates = sorted(facts, key=lambda f: f.basis != "决算") if u.operation == "completion" else facts
                fact = next((f for f in candidates if detail(f)), None)
                if fact is not None and doc_id not in done:
                    done.add(doc_id)
                    parts.append(f"{fact.unit}{label(fact)}{fact.metric}{fact.value_text}，{detail(fact)}")
                    used.append(fact)
        if u.operation == "change" and u.metric in ("收入总计", "收支总计"):
            for doc_id in sorted(set(u.doc_ids or ()) - done):
                whole = _first_fact(ctx, u, doc_id, u.metric) or _first_fact(ctx, u, doc_id, "收入总计")
                grant = next((f for f in ctx.facts_for(u, {doc_id}, "财政拨款收入").get(doc_id, ()) if f.change_text),
                             None)
                if whole is None or grant is None or whole.value_wan is None \
                        or abs(whole.value_wan - (grant.value_wan or -1)) > 0.005:
                    continue
                # "收入预算47,145万元，其中：财政拨款收入47,145万元，比2025年预算增加19,021万元": the whole income is
                # the appropriation, so its stated change is the whole's — said as what it is
                parts.append(f"{whole.unit}{label(whole)}{whole.metric}{whole.value_text}，全部为财政拨款收入，"
                             f"财政拨款收入{grant.change_text}")
                used += [whole, grant]
        if u.operation == "share" and u.metric == "财政拨款收入":
            for doc_id in sorted(set(u.doc_ids or ()) - done):
                found = _appropriation_share(ctx, u, doc_id)
                if found is not None:
                    parts.append(found[0])
                    used.append(found[1])
        if not parts:
            return None
        return Answer("；".join(parts) + "。", "figure", used)


# "一般公共预算拨款收入 16,474.82 万元，占 32.55%": a part of the income listed with its share
_SHARE_PART = re.compile(r"([\u4e00-\u9fff（）()]{2,20}?)(\d[\d,]*(?:\.\d+)?)万元[，,]占(\d+(?:\.\d+)?)%")
_OTHER_GRANTS = re.compile(r"政府性基金|国有资本|财政拨款")


def _appropriation_share(ctx: Context, u: Understood, doc_id: str) -> tuple[str, Fact] | None:
    """"财政拨款占比" where the text states only 一般公共预算拨款收入's share of the income: the same thing when the
    parts it lists with their shares make up the whole income (100%) and none is another fund's grant. (the
    answer, the income fact whose sentence it is) or None."""
    whole = _first_fact(ctx, u, doc_id, "收入总计")
    passage = ctx.gen.passages.get(whole.passage_id) if whole is not None else None
    if passage is None:
        return None
    text = re.sub(r"\s+", "", passage.text)
    at = text.find(re.sub(r"\s+", "", whole.sentence)[:24])
    if at < 0:
        return None
    end = text.find("。", at)
    if end > 0 and text.startswith("其中", end + 1):
        end = text.find("。", end + 1)   # "收入预算5,876.67万元，比上年…。其中：一般公共预算拨款收入…占97.9%；…"
    parts = [(name, value, float(share)) for name, value, share in _SHARE_PART.findall(text[at:end if end > 0 else None])]
    grants = [p for p in parts if "一般公共预算" in p[0]]
    if len(grants) != 1 or any(_OTHER_GRANTS.search(p[0]) for p in parts) \
            or abs(sum(p[2] for p in parts) - 100) > 0.15:
        return None
    _name, value, share = grants[0]
    listed = "、".join(f"{re.sub(r'^.*?[，,；;：:]', '', p[0]) or p[0]}占{p[2]:g}%" for p in parts)
    return (f"{whole.unit}{label(whole)}财政拨款收入即一般公共预算拨款收入{value}万元，占收入的{share:g}%（所列收入"
            f"{listed}，合计100%，其中没有政府性基金、国有资本经营预算拨款）", whole)


class Compare(Operation):
    """"A和B哪个三公经费多": each named unit's figure, and which is larger — only when every unit states it."""
    name = "compare"

    def applies(self, u):
        return u.operation == "compare" and bool(u.metric) and len(u.units) >= 2 and not u.item

    def answer(self, ctx, u):
        rows = []
        for mention in u.units:
            found = ctx.facts_for(u, mention.doc_ids, across=True)
            if len(found) != 1:
                return None   # a mention that is ambiguous or states nothing: no comparison
            rows.append(next(iter(found.values()))[0])
        if any(r.value_wan is None and r.value_unit != rows[0].value_unit for r in rows):
            return None
        ordered = sorted(rows, key=_value_key, reverse=u.direction >= 0)
        word = "多" if u.direction >= 0 else "少"
        figures = "，".join(f"{r.unit}{label(r)}{r.metric}{shown(r, u)}" for r in rows)
        if _value_key(ordered[0]) == _value_key(ordered[1]):
            return Answer(f"{figures}；两者相同。", "comparison", rows)
        gap = ""
        if len(rows) == 2 and DIFFERENCE.search(u.normalized.replace(" ", "")) and None not in (rows[0].value_wan, rows[1].value_wan):
            # "差多少": the difference of the two figures quoted, said to be computed from them
            gap = f"，相差{abs(rows[0].value_wan - rows[1].value_wan):,.2f}万元（两数相减）"
        return Answer(f"{figures}；{lexicon.as_asked(ordered[0].unit, u.question)}更{word}{gap}。", "comparison", rows)


class PartRank(Operation):
    """"北京教委三公经费中哪一项最多 / 哪块最大": one unit's figure is ranked by its parts (因公出国、公务用车、
    公务接待), each as its text or tables state it — never a ranking of the one unit among units."""

    def applies(self, u):
        return u.operation in ("max", "min", "item_max", "item_min") and u.metric in PARTS_OF and not u.item \
            and len(u.units) == 1 and not u.scope_type and u.scope_region is None and not u.on_change \
            and bool(_PART_ASKED.search(u.normalized))

    def answer(self, ctx, u):
        lines, used = [], []
        for doc_id in sorted(u.doc_ids or ()):
            parts = []
            for part in PARTS_OF[u.metric]:
                fact = _first_fact(ctx, u, doc_id, part)
                if fact is None:
                    parts += [f for f in (_first_fact(ctx, u, doc_id, m) for m in _PART_STAND_INS.get(part, ()))
                              if f is not None]
                else:
                    parts.append(fact)
            parts = [f for f in parts if f.value_wan is not None]
            if len(parts) < 2:
                continue
            ordered = sorted(parts, key=lambda f: f.value_wan, reverse=u.operation in ("max", "item_max"))
            whole = _first_fact(ctx, u, doc_id, u.metric)
            word = "最多" if u.operation in ("max", "item_max") else "最少"
            head = f"{whole.unit}{label(whole)}{u.metric}{whole.value_text}中" if whole is not None else \
                f"{ordered[0].unit}{label(ordered[0])}{u.metric}中"
            if ordered[0].value_wan == ordered[1].value_wan:
                ties = [f for f in ordered if f.value_wan == ordered[0].value_wan]
                lines.append(head + "、".join(f"{f.metric}{f.value_text}" for f in ties) + f"相同，{word}")
            else:
                lines.append(head + f"{word}的是{ordered[0].metric}（{ordered[0].value_text}）；其后为"
                             + "、".join(f"{f.metric}{f.value_text}" for f in ordered[1:]))
            used += ([whole] if whole is not None else []) + ordered
        if not lines:
            return None
        return Answer("；".join(lines) + "。", "comparison", used)


class Rank(Operation):
    """最高/最低 over a scope (all, a department type, a region, named units), by value or by change — over one
    unit named alone there is nothing to rank."""

    def applies(self, u):
        return u.operation in ("max", "min") and bool(u.metric) and not u.item \
            and not (len(u.units) == 1 and not u.scope_type and u.scope_region is None)

    def answer(self, ctx, u):
        docs = ctx.scope_docs(u)
        facts_by_doc = ctx.facts_for(u, docs, across=True)
        rows = [fs[0] for fs in facts_by_doc.values()]
        if u.on_change:
            rows = [next((f for f in fs if f.change_wan is not None), None) for fs in facts_by_doc.values()]
            rows = [r for r in rows if r is not None]
        if not rows:
            return None
        key = (lambda f: f.change_wan) if u.on_change else _value_key
        ordered = sorted(rows, key=key, reverse=u.operation == "max")
        word = {"max": "最高", "min": "最低"}[u.operation]
        what = f"{u.metric}{'变化' if u.on_change else ''}"

        def item(f):
            return f"{f.unit}（{label(f)}，{f.change_text if u.on_change else shown(f, u)}）"

        top = ordered[0]
        ties = [f for f in ordered[1:] if key(f) == key(top)]
        scope = ctx.scope_words(u, {f.doc_id for f in rows})
        if ties:
            text = f"{scope}，{what}{word}的有：{join_items([item(f) for f in [top] + ties])}。"
            return Answer(text, "comparison", [top] + ties)
        rest = "；其后为" + "、".join(item(f) for f in ordered[1:3]) if len(ordered) > 1 else ""
        return Answer(f"{scope}（载明{u.metric}的{len(rows)}个），{what}{word}的是{item(top)}{rest}。",
                      "comparison", ordered[:3])


class Threshold(Operation):
    """"超过N万元的…有哪些", on the value or, when asked ("比上年增加超过…"), on the stated change."""
    name = "threshold"

    def applies(self, u):
        return u.operation == "threshold" and bool(u.metric) and u.threshold is not None and not u.item

    def answer(self, ctx, u):
        direction, limit = u.threshold
        docs = ctx.scope_docs(u)
        hits, considered = [], 0
        for facts in ctx.facts_for(u, docs, across=True).values():
            if u.on_change:
                fact = next((f for f in facts if f.change_wan is not None), None)
                if fact is None:
                    continue
                value = fact.change_wan * (u.direction or 1)
            else:
                fact = facts[0]
                if fact.value_wan is None:
                    continue
                value = fact.value_wan
            considered += 1
            if (value > limit) if direction == "gt" else (value < limit):
                hits.append(fact)
        if not considered:
            return None
        scope = ctx.scope_words(u, docs)
        hits.sort(key=lambda f: -(f.change_wan if u.on_change else _value_key(f)))
        items = [f"{f.unit}（{label(f)}，{f.change_text if u.on_change else f.value_text}）" for f in hits]
        if not hits:
            return Answer(f"{scope}，载明{u.metric}的{considered}个单位没有满足条件的。", "list", [])
        return Answer(f"{scope}，满足条件的共{len(hits)}个：{join_items(items)}。", "list", hits)


class Zero(Operation):
    """"哪个局三公经费为零": every unit in scope whose stated figure is 0."""
    name = "zero"

    def applies(self, u):
        return u.operation == "zero" and bool(u.metric) and not u.item

    def answer(self, ctx, u):
        docs = ctx.scope_docs(u)
        # one named unit is read in its own document's kind (a 决算 states actuals); a scope compares budgets
        rows = [fs[0] for fs in ctx.facts_for(u, docs, across=len(u.units) != 1).values()]
        if not rows:
            return None
        if len(u.units) == 1 and len(rows) == 1:
            f = rows[0]
            parts = [_first_fact(ctx, u, f.doc_id, m) for m in _SANGONG_PARTS] if f.metric == "三公经费" else []
            parts = [p for p in parts if p is not None]
            if parts:
                # "三公经费中哪些项目为零": each part as stated, the zero ones named
                zero = [p for p in parts if p.value == 0]
                listed = "、".join(f"{p.metric}{p.value_text}" for p in parts)
                verdict = (f"其中为零的是{'、'.join(p.metric for p in zero)}" if zero else "三项都不为零")
                return Answer(f"{f.unit}{label(f)}{f.metric}为{shown(f, u)}：{listed}；{verdict}。", "figure",
                              [f] + parts)
            verdict = "为零" if f.value == 0 else "不为零"
            return Answer(f"{f.unit}{label(f)}{f.metric}为{shown(f, u)}，{verdict}。", "figure", rows)
        if u.also_metrics and len(u.units) != 1:
            return self._all_zero(ctx, u, docs, rows)
        hits = sorted((f for f in rows if f.value == 0), key=lambda f: f.unit)
        # a unit stating no such figure but its whole as 0 ("公务用车购置和运行维护费 0 万元"): each part is 0 too
        whole_zero = self._whole_zero(ctx, u, docs - {f.doc_id for f in rows})
        rows = rows + whole_zero
        hits = sorted(hits + whole_zero, key=lambda f: f.unit)
        scope = ctx.scope_words(u, {f.doc_id for f in rows})
        silent = [m for m in u.units if m.doc_ids and not m.doc_ids & {f.doc_id for f in rows}]
        if len(u.units) >= 2 and silent:
            # units the question lists that state no such figure: the list could be missing one of them
            found = "、".join(f.unit for f in hits) or "无"
            return Answer(f"没有找到可靠的答案：所列单位中{'、'.join(m.text for m in silent)}的文件没有载明{u.metric}，"
                          f"无法判断是否为零；载明的单位中为零的：{found}。", "none", hits)
        if not hits:
            return Answer(f"{scope}（载明{u.metric}的{len(rows)}个），没有为零的。", "list", rows[:5])
        items = [f"{f.unit}（{label(f)}，{f.value_text}）" if f.metric == u.metric
                 else f"{f.unit}（{label(f)}，{f.metric}{f.value_text}）" for f in hits]
        if sum(len(x) + 1 for x in items) > MAX_LIST_CHARS:
            # every figure is zero: a long list names the units alone, all of them (the figures are in `facts`)
            items = [f.unit for f in hits]
            listed = join_items(items, budget=3 * MAX_LIST_CHARS)
        else:
            listed = join_items(items)
        return Answer(f"{scope}（载明{u.metric}的{len(rows)}个），{u.metric}为零的共{len(hits)}个：{listed}。",
                      "list", hits)


    @staticmethod
    def _whole_zero(ctx, u, docs) -> list[Fact]:
        """The whole's fact (0) of each unit among docs that states the whole of the metric asked as 0."""
        wholes = WHOLE_OF.get(u.metric, ())
        if u.metric in ("公务用车购置费", "公务用车运行维护费"):
            wholes = ("公务用车购置及运行费", *wholes)
        found: dict[str, Fact] = {}
        for whole in wholes:
            for doc_id, fs in ctx.facts_for(u, docs - set(found), metric=whole, across=True).items():
                if fs[0].value == 0:
                    found[doc_id] = fs[0]
        return list(found.values())

    @staticmethod
    def _all_zero(ctx, u, docs, rows) -> Answer | None:
        """"哪些部门因公出国(境)费和公务接待费都是0": units stating every named figure, each of them zero."""
        metrics = [u.metric, *u.also_metrics]
        by_metric = [{d: fs[0] for d, fs in ctx.facts_for(u, docs, metric=m, across=True).items()} for m in metrics]
        stated = set(by_metric[0]).intersection(*by_metric[1:])
        if not stated:
            return None
        named = "和".join(metrics)
        hits = sorted((d for d in stated if all(found[d].value == 0 for found in by_metric)),
                      key=lambda d: by_metric[0][d].unit)
        scope = ctx.scope_words(u, stated)
        if not hits:
            return Answer(f"{scope}（载明{named}的{len(stated)}个），没有{'都' if len(metrics) > 1 else ''}为零的。",
                          "list", [by_metric[0][d] for d in sorted(stated)][:5])
        items = [f"{by_metric[0][d].unit}（{label(by_metric[0][d])}）" for d in hits]
        return Answer(f"{scope}（载明{named}的{len(stated)}个），{named}都为零的共{len(hits)}个：{join_items(items)}。",
                      "list", [found[d] for d in hits for found in by_metric])


class ChangeList(Operation):
    """"哪些单位三公经费比上年减少": units whose stated change has the asked direction."""
    name = "change_list"

    def applies(self, u):
        return u.operation == "change_list" and bool(u.metric) and u.direction != 0 and not u.item

    def answer(self, ctx, u):
        docs = ctx.scope_docs(u)
        hits, considered = [], 0
        for facts in ctx.facts_for(u, docs, across=True).values():
            fact = next((f for f in facts if f.change_wan is not None), None)
            if fact is None:
                continue
            considered += 1
            if fact.change_wan * u.direction > 0:
                hits.append(fact)
        if not considered:
            return None
        word = "增加" if u.direction > 0 else "减少"
        scope = ctx.scope_words(u, docs)
        items = [f"{f.unit}（{label(f)}{f.value_text}，{f.change_text}）" for f in hits]
        if not hits:
            return Answer(f"{scope}，载明{u.metric}变化的{considered}个单位没有比上年{word}的。", "list", [])
        return Answer(f"{scope}，{u.metric}比上年{word}的共{len(hits)}个：{join_items(items)}。", "list", hits)


class Overview(Operation):
    """A bare metric with a scope but no unit ("广州各局三公经费"): every unit's figure, highest first."""

    def applies(self, u):
        return u.operation == "lookup" and bool(u.metric) and not u.units and not u.item and (
            u.scope_region is not None or bool(u.scope_type))

    def answer(self, ctx, u):
        docs = ctx.scope_docs(u)
        rows = sorted((fs[0] for fs in ctx.facts_for(u, docs, across=True).values()), key=_value_key, reverse=True)
        if not rows:
            return None
        items = [f"{f.unit}（{label(f)}，{f.value_text}）" for f in rows]
        scope = ctx.scope_words(u, docs)
        listed = join_items(items)
        some = _SOME_UNITS.search(u.normalized)
        if some and listed != "、".join(items):
            # "苏州这三个局机关运行经费比较", the three not named: every unit is listed, by name and figure, so
            # they are among them; a city's list too long to give whole (广州's 22) may leave them out, so it is
            # no answer — the list's head is still shown
            short = [f"{f.unit}{f.value_text}" for f in rows]
            if sum(len(x) + 1 for x in short) <= MAX_LIST_CHARS + 40:
                return Answer(f"{scope}，载明{u.metric}的{len(rows)}个（从高到低）：{'、'.join(short)}。", "list", rows)
            return Answer(f"没有找到可靠的答案：问题说“{some.group()}”单位，但没有列出是哪几个；{scope}，载明"
                          f"{u.metric}的{len(rows)}个（从高到低）：{listed}。", "none", rows)
        return Answer(f"{scope}，载明{u.metric}的{len(rows)}个（从高到低）：{listed}。", "list", rows)


# "这三个局", "这几家": some units the question has in mind without naming them
_SOME_UNITS = re.compile(r"(?:这|那)(?:\d{1,2}|[一二三四五六七八九十两几]{1,3})(?:个|家)")


# tried in this order; the first that answers wins
PART_RANK = PartRank()   # (tried before the table operations: a whole's parts, not its table's rows)
OPERATIONS: list[Operation] = [Compare(), Rank(), Threshold(), Zero(), ChangeList(), Detail(), Lookup(), Overview()]
