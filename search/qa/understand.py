"""Question understanding: a question read into explicit slots, and what was left unread.

Slots: the units named (each resolved to documents or to *not held*), a type scope ("哪个医保局"), a region
scope ("广州哪个局"), the year(s), the basis (预算/决算), the metric (synonyms from search/data/metrics.tsv),
the operation, a threshold, an item (a table row or project the question names), and the unparsed rest.
Operations (search/qa/operations.py) read only these slots, so each can be unit-tested without an index.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..facts import _GROUPS, MENTION, TO_WAN, _compact
from ..query import ASKS_REASON, KIND_FINAL, normalize_query
from ..vocab import ONE_CHAR_ASIDE, ORG_NAME_END
from . import lexicon
from .gazetteer import Gazetteer, Mention, bare_name, in_order

_MAX = re.compile(r"最高|最多|最大|最贵|排名第一|排第一|居首")
_MIN = re.compile(r"最低|最少|最小|最省")
_THRESHOLD = re.compile(r"(?P<op>超过|超出|高于|大于|多于|不少于|不低于|以上|低于|少于|小于|不足|不到|以下)\s*"
                        r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|万)?")
_A_PRICE_BEFORE = re.compile(r"(?:单价|单位价值|价值)\s*(?:在|为)?\s*$")
_THRESHOLD_AFTER = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|万)\s*(?P<op>以上|以下)")
_CHANGE_WORD = re.compile(r"增加|增长|上升|提高|减少|下降|降低|增幅|降幅|增减|变化|变动|比上年|较上年|同比|多了|少了|涨了|降了|"
                          r"[比较]20[1-3]\d年|(?<![最至])[多少]多少")
_CHANGE_CONTEXT = re.compile(r"比上年|较上年|同比|与上年|比20\d\d年|增幅|降幅|增减|变化|变动|增长|增加|减少|下降")
_DOWN = re.compile(r"减少|下降|降低|降幅|压减|缩减|少了|降了")
_COMPLETION = re.compile(r"完成(?:年初)?预算|完成率|执行率|预算完成|执行进度|完成.{0,6}(?:比例|百分|%)")
_SHARE = re.compile(r"占比|比例|比重|占.{0,8}(多少|几|百分)|(?:全|都|全部)(?:是|为|用于?|花在).{1,12}吗")   # (全是接待费吗)
_LIST = re.compile(r"哪些|哪个|哪家|哪几个|哪一个|哪几家|哪|各|谁|列出|名单|有几个|多少个")
_ZERO = re.compile(r"为0|为零|是0|是零|等于0|没有安排|没安排|未安排|零预算|无预算|没有预算|为空|(?<![\d.,])0(?:\.0+)?万?元|(?<![\d.,])0(?![\d.,%])")
_COMPARE = re.compile(r"哪个|谁|哪家|哪一个|比较|相比|对比|还是|(?i:vs|pk)")
_COMPARED = re.compile(r"比较|对比|比一比|(?i:vs|pk)")
_MORE = re.compile(r"多|高|大|贵")
_DEFINITION = re.compile(r"^(?:什么是|何为|何谓)(.+?)[?？]?$|^(.+?)(?:指的是什么|是指什么|指什么|是什么意思|什么意思|是什么|的定义|的含义)[?？]?$")
_EXCLUDED = re.compile(r"[（(]?(?:不含|不包括|不计|除去|扣除)[^（）()，,。？?]{1,10}[）)]?"
                       r"|(?:基本支出|项目支出|人员经费|公用经费|三公经费|政府采购)(?:之外|以外)")
# "培训费（三公经费、会议费、培训费支出表）": where to look, in brackets; its words are not the row asked
# between a metric and the total's word that is its suffix: "三公经费财政拨款支出决算", "政府采购支出预算总额"
_FUND_BETWEEN = re.compile(r"(?:的)?(?:(?:一般公共预算)?(?:财政)?拨款(?:安排的?)?)?(?:支出)?")
_TABLE_ASIDE = re.compile(r"[（(][^（）()]{2,40}表[）)]")
# "北京市这几个委办局里（住建委、民政局…）": words announcing a list of units, between the city and the list
_LIST_INTRO = re.compile(r"(?:(?:这|以下|下列|如下)(?:几|些|\d{1,2}|[一二三四五六七八九十两]{1,3})?|的?几)(?:个|家)?(?:市级)?"
                         r"(?:委办局|委办厅局|单位|部门|机构|局|委|(?<=[个家])(?=[（(：:]))"
                         r"(?:里|中|当中|之中)?[:：]?")
_WHOLE_TOTALS = ("收入总计", "支出总计")
# a metric -> the metrics it is a part of ("基本支出中公用经费")
WHOLE_OF = {"人员经费": ("基本支出",), "公用经费": ("基本支出",), "因公出国(境)费": ("三公经费",),
             "公务接待费": ("三公经费",), "公务用车购置及运行费": ("三公经费",), "公务用车购置费": ("三公经费",),
             "公务用车运行维护费": ("三公经费",), "政府采购货物": ("政府采购",), "政府采购工程": ("政府采购",),
             "政府采购服务": ("政府采购",)}
_ASKED_BETWEEN = re.compile(r"多少|几|[？?]|是否|吗|和|与|及")
# the figures that are also rows of the 经济分类 tables ("30215 会议费"), and the columns those tables split a row
# into: "会议费 项目支出" asks the row's cell in that column, not two figures
_ROW_METRICS = ("因公出国(境)费", "公务接待费", "公务用车运行维护费", "公务用车购置费", "会议费", "培训费")
_COLUMN_METRICS = ("基本支出", "项目支出", "人员经费", "公用经费")
_WHOLE_BUDGET = re.compile(r"预算|决算")
_WHOLE_BUDGET_OPERATIONS = ("lookup", "change", "compare", "max", "min")
_TOTALS = _WHOLE_TOTALS + ("本年收入合计", "本年支出合计")
_SUFFIX_TOTALS = _WHOLE_TOTALS + ("收支总计",)   # "政府采购支出预算总额": 政府采购's total, not the budget's
# the funds a budget is drawn from: one fund's total is a row of the unit's tables, not the unit's total
FUNDS = ("政府性基金", "国有资本经营", "一般公共预算", "财政专户")
_FUND_BEFORE = re.compile(f"(?:{'|'.join(FUNDS)}|财政拨款)(?:预算)?(?:拨款)?$")
_ITEM_ASK = re.compile(r"哪个项目|哪项|哪一项|什么项目|哪些项目")
# words that carry no content once units, years, metric and operation are understood
_FILLER = re.compile(
    # a colloquial verb before the item ("广州环保局今年管噪声花多少钱", "搞防汛用了多少"): not 管理/管护 …
    r"(?:(?<=\s)|^)(?:管|搞|用于|用来|投入|投在)(?![理护网道控制线廊养])|(?<![顺服自跟遵听盲])从(?![业事而此来未前中头严速])|"
    # "在气象基础设施建设维修上花多少": the 上 of 在…上, not the item's (线上, 网上 stay)
    r"(?<![线网以之马向早晚])上(?=花|用|投入|安排|开支)|"
    r"主要(?:花|用)在哪(?:里|些方面|儿)?|(?:花|用)在哪(?:里|些方面|儿)?|主要用于哪(?:里|些(?:方面|工作|事情?|领域))?|用途|构成|组成|"
    r"(?:这个|这份|该)?文件[里中]?的?|(?:部门)?整体(?![\u4e00-\u9fff])|(?:含|包括|包含)(?:所属|下属)(?:单位)?|汇总|(?:主要)?用于(?=\s|$)|(?:是|主要)?用来(?:干|做)(?:什么|啥|嘛)?的?|(?:是)?干什么(?:用)?的?|做什么用的?|干嘛(?:用)?的?|有什么用|用于什么|"
    r"(?:换算|折合|折算)(?:成|为)?(?=\s*(?:是|有)?(?:多少)?\s*(?:元|万元|亿元))|"   # "换算成元是多少": the money unit asked, not an item
    r"是多少|有多少|多少钱|多少|是否|分别|一共|总共|合计|总计|总额|总数|共计|请问|帮我|查一下|查询|告诉我|"
    r"(?:一(?:辆|台|个|分钱?)车?)?(?:都|均|也)没有?(?!收)|实际|花了|花费|花[得的](?=最|多|少|钱)|花钱|花(?=多少|钱|几)|翻倍|涨了|降了|是|(?<![国所拥具])有|几|吗|呢|啊|呀|的|了|年度?|预算数?|决算数?|金额|数额|安排|情况|部门|单位|本级|全年|一般公共|"
    r"(?i:vs|pk)|里头|[那这]块|所列|上述|和|与|及|跟|或|还是|在|(?<![高初])中(?![心医央小学华教专级等职])(?!国(?!有))|里|其中|之中|给|为|对|比|上年|同比|较|相比|比较|对比|"
    r"哪些|哪个|哪家|哪几个|哪一个|哪|谁|各|列出|名单|最高|最多|最大|最低|最少|最小|排名|第一|更[多高少低大小]|"
    r"增减|增加|增长|减少|下降|变化|变动|增幅|降幅|幅度|[这那]么[多少大高低]|超过|高于|低于|以上|以下|不足|不到|大于|小于|万元|亿元|元|"
    r"占比|比例|比重|百分比|多大|占(?!用)|完成率|完成|执行率|执行|个|支出|经费|费用|资金|拨款|数量|规模|"
    r"[两二三四五六七八九十几]+(?:家|个单位|个部门)|当中|"   # "…三家中哪个最多": the units listed, counted
    r"这些|这几个|这|那些|所有|全部|[那这]部分|部分|[那这一][块笔]|开支|[那这]一?项(?!目)|方面|各个|目前|现在|截至|截止|底|末|月|共|当年|年初|一年|每年|给了|百分之|多了|少了|"
    r"财政拨款|财政|一般公共预算|部门预算|中共|[市区县]委(?=\s|$)|预算内|委办厅局|委办局|局委办|厅局|级|市级|市直|本部|下属|所属|下面|底下|"
    r"\d+(?:\.\d+)?%?|[?？,，。.、:：;；!！\s()（）—－]|项下")


@dataclass
class Understood:
    question: str
    normalized: str
    units: list[Mention] = field(default_factory=list)   # units named (resolved or not held)
    scope_type: str = ""             # a department type without a named unit: "哪个医保局"
    scope_region: Mention | None = None   # a region without a department: "广州哪个局"
    years: list[int] = field(default_factory=list)
    basis: str = ""                  # 预算 | 决算 | ""
    metric: str = ""
    metric_text: str = ""            # how the question wrote it
    operation: str = "lookup"
    threshold: tuple[str, float] | None = None   # (gt|lt, 万元)
    on_change: bool = False          # the threshold/order applies to the change, not the value
    direction: int = 0               # +1 increase / -1 decrease asked (change lists)
    item: str = ""                   # a table row / project named ("办公费", "信息化建设")
    tables: list[str] = field(default_factory=list)   # the table named for the row (tables.tsv: 政府性基金 …)
    item_bare: str = ""              # the item without the table's name, when it holds one
    item_phrase: str = ""            # the item with the budget words written around it (…预算拨款收入)
    items: list[str] = field(default_factory=list)   # two rows of one unit compared ("A和B哪个项目钱多")
    also_metrics: list[str] = field(default_factory=list)   # "因公出国费和公务接待费都为零": every one is asked
    defines: str = ""
    unparsed: str = ""
    not_held: str = ""               # set when a named unit or year is not in the corpus: why, and what is
    absent_year: int | None = None   # the one year asked, not held for the named unit (its next year's
                                     # document may print that year's figure in a column: 2025年预算数)
    second: str = ""                 # a second question after the first's "？" asking something else ("房屋面积多少")
    with_last_year: bool = False     # this year's figure and last year's both asked ("上年多少，今年又是多少")
    subunit: str = ""                # a unit no document is of, named as written ("强戒所"): a row of its
                                     # department's tables may still be it

    @property
    def doc_ids(self) -> set[str] | None:
        """Documents in scope: the named units' documents (None = no unit named: every document)."""
        if self.units:
            return set().union(*(m.doc_ids for m in self.units))
        if self.scope_region is not None:
            return set(self.scope_region.doc_ids)
        return None

    def summary(self, gaz: Gazetteer | None = None) -> dict:
        """The `understood` object of /api/ask, and the "理解为：…" line of the answer card."""
        units = []
        for m in self.units:
            names = gaz.units(m.doc_ids) if gaz else []
            units.append({"mention": m.text, "region": m.region or None, "type": m.dept_type or None,
                          "held": m.held, "units": names[:20]})
        parts = [u["units"][0] if len(u["units"]) == 1 else u["mention"] for u in units]
        if self.scope_region is not None:
            parts.append(self.scope_region.region + (f"·{self.scope_type}" if self.scope_type else "各单位"))
        elif self.scope_type:
            parts.append(f"各{self.scope_type}")
        parts += [f"{y}年" for y in self.years]
        parts += [x for x in (self.basis, self.metric or self.item, _OPERATION_NAMES.get(self.operation, ""))
                  if x]
        return {"units": units, "scope_type": self.scope_type or None,
                "scope_region": self.scope_region.region if self.scope_region else None,
                "years": self.years, "basis": self.basis or None, "metric": self.metric or None,
                "item": self.item or None, "tables": self.tables or None, "operation": self.operation,
                "threshold": ({"direction": self.threshold[0], "wan": self.threshold[1],
                               "on_change": self.on_change} if self.threshold else None),
                "unparsed": self.unparsed or None, "label": " · ".join(parts)}


_OPERATION_NAMES = {"lookup": "查数", "compare": "比较", "max": "最高", "min": "最低", "threshold": "条件筛选",
                    "zero": "为零名单", "change": "变化", "change_list": "变化名单", "share": "占比",
                    "completion": "完成率", "reason": "原因", "definition": "定义", "overview": "各单位一览",
                    "item_max": "项目最大", "item_min": "项目最小", "subunits": "下属单位", "duties": "职能", "item": "表格行", "item_compare": "两行比较", "passage": "原文摘句"}


def detect_metric(text: str) -> tuple[str, str]:
    """(canonical metric, the words the question used) — synonyms from the data file first, then the
    patterns the figures extractor reads documents with. The last named is asked, unless it is the whole
    of a part named before it ("公车购置及运维 三公": the part, placed in the 三公 table)."""
    found = detect_metrics(text)
    return _part_before_whole(found) or found[-1]


def _part_before_whole(found: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The part named just before the last metric when that is its whole; None otherwise."""
    if len(found) >= 2 and found[-1][0] in WHOLE_OF.get(found[-2][0], ()):
        return found[-2]
    return None


def detect_metrics(text: str) -> list[tuple[str, str]]:
    """Every metric the question names, in order, as (canonical metric, words used); the last is the one
    asked ("基本支出中公用经费": 公用经费, inside 基本支出); [("", "")] when it names none."""
    compact = _compact(text).replace(" ", "")
    # a count of vehicles: 车辆, 几辆, or the cars themselves compared ("哪个公务用车多", "公车最少")
    bought = re.search(r"(?:购置|购买|买|新购|更新)[了的]?(?:[几多少]*辆|(?:公务用?)?车辆(?:数|[几多少]*辆))", compact)
    if bought and not re.search(r"费|经费|[万亿]?元|钱", compact):
        # a count of vehicles to buy ("计划购置几辆车", "买多少辆公务车"), not the money for them — and the fleet
        # too when asked beside it ("有多少辆公务车？计划购置几辆？")
        held = re.search(r"共有|保有|现有|有[几多少]+辆|[几多少]+辆(?:公务)?车|车辆",
                         compact[:bought.start()] + " " + compact[bought.end():])
        asked = re.search(r"(?:购置|购买|买|新购|更新)[了的]?\S{0,6}?辆", compact).group()
        # "买几辆车 花多少": the money for them asked beside the count
        money = _MONEY_ASKED.search(compact[bought.end():])
        return ([("车辆", held.group())] if held else []) + [("购置车辆", asked)] \
            + ([("公务用车购置费", money.group())] if money else [])
    if re.search(r"车辆|辆|几台车|(?:公务用?车|公车)(?=保有|[最更]?[多少]|有?几|数|都?没有|为[零0])|(?<=没有)(?:公务用?车|公车)|(?<=[局委办级])车(?=[最更]?[多少]|谁|哪)", compact) \
            and not re.search(r"购置|运行|维护|运维|[车]费|经费", compact):
        asked = re.search(r"车辆数?|公务用车数量|[几多少]+辆车?|几台车|公务用?车|公车", compact)
        return [("车辆", asked.group() if asked else "车辆")]
    # leftmost-longest reading ("项目支出预算" is 项目支出, not 支出预算); of several metrics the last named is
    # the one asked ("三公经费中的公务接待费")
    found: list[tuple[str, str]] = []
    pos = ends = 0
    synonyms = lexicon.metric_synonyms()
    while pos < len(compact):
        hit = None
        for asked, metric in synonyms:
            bare = asked.startswith("=")
            word = asked[1:] if bare else asked
            if compact.startswith(word, pos) and (not bare or (
                    (pos == 0 or compact[pos - 1] in lexicon.BARE_WORD_BEFORE)
                    and compact[pos + len(word):pos + len(word) + 1] not in lexicon.BARE_WORD_NOT_AFTER)):
                hit = (word, metric)
                break
        if hit and hit[1] in _COUNTS_NOT_OF_MONEY and re.match(r"经费|费|资金|工作|项目", compact[pos + len(hit[0]):]):
            hit = None   # "采购经理指数编制经费": the 编制 of an item's name, not the staff count
            pos += 1
            continue
        if hit:
            # "三公经费支出预算": a total's word right after another metric is that metric's suffix
            # ("三公经费财政拨款支出决算": the fund between them too)
            if not (found and hit[1] in _SUFFIX_TOTALS and (ends == pos or _FUND_BETWEEN.fullmatch(compact[ends:pos]))
                    and found[-1][0] not in _SUFFIX_TOTALS):
                found.append((hit[1], hit[0]))
            pos += len(hit[0])
            ends = pos
        else:
            pos += 1
    if len(found) > 1:
        # "杭州 三公经费 最多 2026 部门预算": beside another metric, 部门预算 names the document, not its total
        found = [f for f in found if f[1] != "部门预算"] or found
    if found:
        return found
    mention = MENTION.search(compact)
    if mention:
        return [(next(_GROUPS[k] for k, v in mention.groupdict().items() if v), mention.group())]
    return [("", "")]


def _years(normalized: str) -> list[int]:
    years = []
    for m in re.finditer(r"(20[1-3]\d)\s*年", normalized):
        year = int(m.group(1))
        if re.search(r"20[1-3]\d\s*年?\s*[-—–~至到]\s*$", normalized[:m.start()]) \
                or re.match(r"\s*[-—–~]\s*20[1-3]\d\s*年", normalized[m.end():]):
            continue   # "2025-2026年度信息化整体运维服务项目": a span in a name, not the year asked
        before = normalized[max(0, m.start() - 1):m.start()]
        if before in ("比", "较") or normalized[m.end():m.end() + 2] in ("相比", "同比"):
            continue   # "比2025年增加": the year compared with, not the year asked
        if re.search(r"(截至|截止|到)$", normalized[max(0, m.start() - 2):m.start()]) or \
                re.match(r"(底|末|12月)", normalized[m.end():m.end() + 3]):
            continue   # "截至2025年底共有车辆": the date of a count, stated in the following year's budget
        if year not in years:
            years.append(year)
    return years


def _named_units(gaz: Gazetteer, compact: str, aliases) -> tuple[list[Mention], list[tuple[int, int]], list[bool]]:
    """Units named by their own name ("海东市平安区医疗保障局", "上海市中医文献馆", "中医文献馆"), longest first."""
    spans: list[tuple[int, int]] = []
    taken = [False] * len(compact)
    mentions: list[Mention] = []
    by_text: dict[tuple[int, int], set[str]] = {}
    for alias_text, doc_id in gaz.name_aliases(aliases):
        start = compact.find(alias_text)
        while start >= 0:
            end = start + len(alias_text)
            if _other_region_before(gaz, compact, start, doc_id):
                pass    # "深圳医保中心" does not name 上海市医疗保险事业管理中心
            elif not any(taken[start:end]):
                by_text.setdefault((start, end), set()).add(doc_id)
                for k in range(start, end):
                    taken[k] = True
            elif (start, end) in by_text:
                by_text[(start, end)].add(doc_id)
            start = compact.find(alias_text, start + 1)
    for (start, end), docs in sorted(by_text.items()):
        docs = _own_office_or_whole(gaz, docs, compact.startswith("本级", end))
        mentions.append(Mention(compact[start:end], doc_ids=docs, by_name=True, start=start))
        spans.append((start, end))
    return mentions, spans, taken


def _own_office_or_whole(gaz: Gazetteer, docs: set[str], own_office: bool) -> set[str]:
    """"无锡市教育局本级" names the own office's budget (无锡市教育局（本级）) where the corpus also holds the
    whole department's (无锡市教育局); the department named alone names both. Other documents stay."""
    names = {d: gaz.entries[d].unit for d in docs if d in gaz.entries}
    office = {d for d, n in names.items() if n != lexicon.without_own_office(n)
              and lexicon.without_own_office(n) in names.values()}
    whole = {d for d, n in names.items() if any(lexicon.without_own_office(names[o]) == n for o in office)}
    if not office or not whole or not own_office:
        return docs   # the department named: its whole budget and its own office's both (the files' titles agree)
    return docs - whole


def _other_region_before(gaz: Gazetteer, compact: str, start: int, doc_id: str) -> bool:
    """Whether a place the unit is not in is written right before its name (its own region is fine)."""
    _by_code, by_form = lexicon.regions()
    entry = gaz.entries.get(doc_id)
    if entry is None:
        return False
    for size in (4, 3, 2):
        form = compact[max(0, start - size):start]
        if len(form) == size and form in by_form:
            names = {r.name for r in by_form[form]}
            return not (names & set(entry.region_names)) and not any(form in n for n in entry.region_names)
    return False


def resolve_units(gaz: Gazetteer, text: str, aliases, spaced: frozenset[int] = frozenset()
                  ) -> tuple[list[Mention], str, Mention | None, list[tuple[int, int]]]:
    """Units named in text: (mentions, type scope, region scope, spans consumed). aliases: the
    generation's unit aliases (query.build_aliases), longest first. spaced: where the question had a space
    ("北京 办公厅 国资委 公安 卫健委" lists 公安 on its own)."""
    compact = text.replace(" ", "")
    mentions, spans, taken = _named_units(gaz, compact, aliases)
    pattern, forms = lexicon.type_mention_pattern()
    region_hits = [r for r in gaz.region_mentions(compact) if not any(taken[r[0]:r[1]])]
    region_ends = {r[1] for r in region_hits}
    type_hits = [(m.start(), m.end(), forms[m.group()]) for m in pattern.finditer(compact)
                 if not any(taken[m.start():m.end()])
                 and _stands_as_department(compact, m.start(), m.group(), region_ends | spaced)]
    # a short form that begins inside the region's name ("烟台市府办": 市府办 over 烟台市) is the same type's
    # form after it (府办), so the region heads it
    for k, (t0, t1, name) in enumerate(type_hits):
        after = next((e for e in region_ends if t0 < e < t1), None)
        rest = pattern.match(compact, after) if after is not None else None
        if rest is not None and rest.end() == t1 and forms[rest.group()] == name:
            type_hits[k] = (after, t1, name)
        elif after is not None and after == t0 + 1 and compact[t0] in "市区县" and t1 - after >= 2:
            # "北京市监局": the region's 市 is the short form's first character too (市监局 after 北京市)
            type_hits[k] = (after, t1, name)
    # a region inside a type word ("公安" of 公安局 is also 公安县) is part of the type word
    region_hits = [r for r in region_hits if not any(t0 <= r[0] and r[1] <= t1 for t0, t1, _ in type_hits)]
    # a unit named by its bare name plus its region elsewhere ("中医文献馆 上海"): keep the region's documents
    for m in mentions:
        if len(m.doc_ids) < 2:
            continue
        for start, end, candidates in list(region_hits):
            codes = {r.code for r in candidates}
            narrowed = m.doc_ids & gaz.docs_in_region(codes)
            if narrowed:
                m.doc_ids = narrowed
                region_hits.remove((start, end, candidates))
                spans.append((start, end))
    # region + type pairs, in order of appearance
    used_types: set[int] = set()
    region_only: list[Mention] = []
    context = {c for _, _, cands in region_hits for r in cands for c in (r.code,)}
    regions_resolved = []
    for start, end, candidates in region_hits:
        region = gaz.resolve_region(candidates, context - {r.code for r in candidates})
        regions_resolved.append((start, end, region))
    # merge "城市 + 区县" written together into the more specific region
    merged = []
    for start, end, region in regions_resolved:
        if merged and start - merged[-1][1] <= 1 and merged[-1][2].code in {a.code for a in lexicon.ancestors(region)}:
            merged[-1] = (merged[-1][0], end, region)
        else:
            merged.append((start, end, region))
    for i, (start, end, region) in enumerate(merged):
        nxt_start = merged[i + 1][0] if i + 1 < len(merged) else len(compact)
        dept = next(((j, t) for j, t in enumerate(type_hits) if t[0] >= end and t[0] < nxt_start
                     and t[0] - end <= 6 and j not in used_types), None)
        m, used_type = _unit_of_region(gaz, compact, start, end, nxt_start, region, dept)
        if used_type is not None:
            used_types.add(used_type)
        spans.append((start, m.start + len(m.text)))
        (mentions if m.dept_type or m.by_name else region_only).append(m)
    leftover_types = [t for j, t in enumerate(type_hits) if j not in used_types]
    leftover_types = _same_region_types(gaz, compact, merged, mentions, leftover_types, spans)
    _same_region_named(gaz, compact, merged, mentions, spans)
    for t0, t1, _ in leftover_types:
        spans.append((t0, t1))
    scope_type = leftover_types[0][2] if leftover_types else ""
    scope_region = None
    if region_only and not leftover_types and mentions and all(_joined_by_and(compact, m) or not _county_only(m)
                                                               for m in region_only):
        # "深圳和北京的医保局": the type word was read inside a named unit; the other regions share it (a region
        # name inside other words, 广州水务局中心城区污水…, is no second unit)
        named_types = {gaz.entries[d].dept_type for m in mentions for d in m.doc_ids if d in gaz.entries}
        if len(named_types) == 1 and "" not in named_types:
            leftover_types = [(len(compact), len(compact), named_types.pop())]
            scope_type = leftover_types[0][2]
            mentions_before = list(mentions)
            mentions = []
            region_only_typed = True
        else:
            region_only_typed = False
    else:
        region_only_typed = False
    if region_only:
        if leftover_types and not mentions:
            # "深圳和广州的人社局": one type for every region named
            for m in region_only:
                docs = gaz.docs_of_type(scope_type, m.doc_ids)
                m.dept_type, m.held = scope_type, bool(docs)
                if not docs:
                    m.reason = _not_held_reason(gaz, m.region, m.doc_ids, scope_type)
                m.doc_ids = docs
                mentions.append(m)
            scope_type = ""
            if region_only_typed:
                mentions += mentions_before
        elif len(region_only) == 1 and not mentions:
            only = region_only[0]
            if not only.held:
                mentions.append(only)      # a region the corpus does not hold at all
            elif len(only.doc_ids) == 1:
                mentions.append(only)      # the region's one document is the unit
            else:
                scope_region = only        # "广州哪个局…": every unit of the region
        else:
            # beside a named unit, a county's name inside other words (广州水务局中心城区污水…: 城区) is no unit
            mentions += [m for m in region_only if (m.held and len(m.doc_ids) == 1)
                         or (not m.held and (_joined_by_and(compact, m) or not _county_only(m)))]
    if not mentions and not region_only:
        leftover_types = _unit_without_region(gaz, compact, leftover_types, mentions, spans)
        scope_type = leftover_types[0][2] if leftover_types else ""
    mentions.sort(key=lambda m: m.start)
    return _parents_dropped(compact, mentions), scope_type, scope_region, spans


def _unit_without_region(gaz: Gazetteer, compact: str, types: list, mentions: list[Mention],
                         spans: list[tuple[int, int]]) -> list:
    """No city written and no unit found: a held unit named by its own words. Adds the mention (and its
    span) and returns the department-type words left over."""
    if not types:
        # "上科大附校交电费": a held unit's whole name abbreviated (its region's first character included)
        found = gaz.abbreviated_anywhere(compact)
        if found is not None:
            start, size, docs = found
            mentions.append(Mention(compact[start:start + size], "", set(), "", docs, True, by_name=True,
                                    start=start))
            spans.append((start, start + size))
            return types
    # a unit of the department's type named after it ("应急局执法总队": 上海市应急管理局执法总队)
    for t0, t1, dept_type in types:
        size, docs = _unit_under_missing_department(gaz, compact, t0, t1, len(compact),
                                                    gaz.docs_of_type(dept_type) - gaz.departments(dept_type))
        if docs:
            mentions.append(Mention(compact[t0:t1 + size], "", set(), "", docs, True, by_name=True, start=t0))
            spans.append((t0, t1 + size))
            return [t for t in types if t[0] != t0]
    # a held unit's name written out after its department ("市政府办公厅文印中心", "教育局下面职业教育基地综合
    # 协调办") or on its own ("文印中心")
    starts = [_UNDER.match(compact, t1).end() for _, t1, _ in types] or range(len(compact) - 3)
    found = gaz.written_out_anywhere(compact, starts)
    if found is None:
        return types
    start, size, docs = found
    head = next((t0 for t0, t1, _ in types if _UNDER.match(compact, t1).end() == start), start)
    mentions.append(Mention(compact[head:start + size], "", set(), "", docs, True, by_name=True, start=head))
    spans.append((head, start + size))
    return [t for t in types if t[0] != head]


_UNDER = re.compile(r"(?:的|下属的?|所属的?|直属的?|下设的?|属下的?|旗下的?|下面的?|底下的?|"
                    r"(?:这个|这份|那份|该)?(?:文件|预算)[里中]?的?|(?:那|这)份(?:预算|文件)?[里中]?的?)?[,，]?[（(]?")


def _parents_dropped(compact: str, mentions: list[Mention]) -> list[Mention]:
    """"上海统计局下属统计数据管理中心": a department the corpus lacks, written just before a unit it holds,
    only says whose unit that is; the held unit is the one asked."""
    out = []
    for i, m in enumerate(mentions):
        child = mentions[i + 1] if i + 1 < len(mentions) else None
        end = m.start + len(m.text)
        if not m.held and child is not None and child.held and child.start >= end \
                and _UNDER.fullmatch(compact[end:child.start]):
            continue
        if out and m.doc_ids and m.doc_ids == out[-1].doc_ids and m.start < out[-1].start + len(out[-1].text):
            continue   # "上海市卫健委下属中医文献馆" and, inside it, "中医文献馆": one unit named once
        out.append(m)
    return out


def _unit_of_region(gaz: Gazetteer, compact: str, start: int, end: int, nxt_start: int, region, dept):
    """The mention a region starts (compact[start:end]): region + department type (深圳人社局), region +
    an abbreviation of a held unit's own name (深圳口岸办, 西安强戒所), or the region alone. Returns the
    mention and the index of the type word it used (or None)."""
    codes = {region.code}
    region_docs = gaz.docs_in_region(codes)
    if dept is not None and dept[1][0] > end:
        # "深圳口岸办、卫健委": a held unit abbreviated between the city and the type word is the first unit;
        # the type word is the next one's
        gap = compact[end:dept[1][0]]
        lead = len(gap) - len(gap.lstrip("（(：:"))   # "深圳这9家（口岸办 公安局…": the list's bracket
        size, docs = gaz.abbreviated(gap[lead:], region_docs)
        if docs and size == len(gap[lead:].rstrip("、，,和与及跟")):
            return Mention(compact[start:end + lead + size], region.name, codes, "", docs, True, by_name=True,
                           start=start), None
    if dept is None or not gaz.docs_of_type(dept[1][2], region_docs):
        size, docs = gaz.abbreviated(compact[end:nxt_start], region_docs)
        if docs and dept is not None and (dept[1][0], dept[1][1]) == (end, end + size) \
                and all(gaz.entries[d].dept_type not in ("", dept[1][2]) for d in docs):
            # "佛山交通局": the type's own short form, not an abbreviation of 佛山市轨道交通局 (another type)
            docs = set()
        if docs:
            used = dept[0] if dept is not None and dept[1][0] < end + size else None
            return Mention(compact[start:end + size], region.name, codes, "", docs, True, by_name=True,
                           start=start), used
    if dept is not None:
        t0, t1, dept_type = dept[1]
        docs = gaz.departments(dept_type, region_docs, own_office=compact.startswith("本级", t1))
        if not docs:
            size, child = _unit_under_missing_department(gaz, compact, t0, t1, nxt_start, region_docs, dept_type)
            if child:
                return Mention(compact[start:t1 + size], region.name, codes, "", child, True, by_name=True,
                               start=start), dept[0]
        if not docs and "文件" in compact:
            # "上海医保局 文件 机关运行经费": the file named after the department, whose unit is another
            docs = gaz.filed_under(dept_type, region_docs)
        m = Mention(compact[start:t1], region.name, codes, dept_type, docs, bool(docs), start=start)
        if not docs:
            m.reason = _not_held_reason(gaz, region.name, region_docs, dept_type)
        return m, dept[0]
    if dept is None:
        # nothing else read after the city: the head of a held unit's name (长沙职教基地)
        size, docs = gaz.abbreviated(compact[end:nxt_start], region_docs, head=True)
        if docs:
            return Mention(compact[start:end + size], region.name, codes, "", docs, True, by_name=True,
                           start=start), None
    m = Mention(compact[start:end], region.name, codes, "", region_docs, bool(region_docs), start=start)
    if not region_docs:
        m.reason = f"本库未收录{region.name}的文件"
    return m, None


def _unit_under_missing_department(gaz: Gazetteer, compact: str, t0: int, t1: int, nxt_start: int,
                                   region_docs: set[str], dept_type: str = "") -> tuple[int, set[str]]:
    """"上海生态环境局减污降碳中心", "上海退役军人局 服务中心": a department the corpus lacks followed by the
    short name of a unit under it that the corpus holds (上海市减污降碳管理运行技术中心, 上海市退役军人服务中心).
    The short name abbreviates the held unit's name on its own, or with the department's words before it
    (退役军人 + 服务中心). Returns (characters after the department word, documents) or (0, set())."""
    after = _UNDER.match(compact, t1).end()
    size, docs = gaz.abbreviated(compact[after:nxt_start], region_docs)
    if docs:
        return after - t1 + size, docs
    stem = compact[t0:t1].rstrip("局委办厅部会署")
    if len(stem) >= 2:
        size, docs = gaz.abbreviated(stem + compact[after:nxt_start], region_docs)
        if docs and size > len(stem) + 1:
            return after - t1 + size - len(stem), docs
    # "上海民政局 福彩": the head of the name of the unit whose file is named after the department
    # (among the few units filed so, two characters of the name's head in order suffice: 福彩 for 福利彩票发行中心)
    filed = gaz.filed_under(dept_type, region_docs) if dept_type else set()
    for size in range(min(8, nxt_start - after), 1, -1):
        form = compact[after:after + size]
        fits = {d for d in filed if _heads(form, gaz.entries[d].rest)}
        if fits and len({gaz.entries[d].unit for d in fits}) == 1:
            return after - t1 + size, fits
    return 0, set()


def _heads(form: str, name: str) -> bool:
    """form's characters stand in name in order, from its first character."""
    return bool(name) and form[0] == name[0] and in_order(form, name) is not None


_ORG_END = set("局委办厅队部会室处署站所")


def _stands_as_department(text: str, start: int, word: str, region_ends: set[int]) -> bool:
    """A short form with its own organisation ending (医保局, 卫健委) always names a department; a bare
    one (医保, 人社, 公安) only right after a region or on its own, not inside a phrase (医保基金)."""
    if word[-1] in _ORG_END:
        return True
    return start == 0 or start in region_ends or text[start - 1] in " 和与及、的,，"


def _column_as_headed(compact: str) -> tuple[str, str]:
    from ..rowsearch import column_forms

    for asked, forms in column_forms().items():
        for form in sorted(forms, key=len, reverse=True):
            found = re.search(re.escape(form) + r"(?:经费)?(?:支出)?", compact)
            if found:
                return asked, found.group()
    return "", ""


def _two_rows_compared(u: Understood, compact: str, named: list[str]) -> list[str]:
    """"精准预报和精细服务哪个项目钱多": one unit, two names joined by 和/与/跟/还是, and a comparison asked."""
    if len(u.units) != 1 or len(named) < 2 or not _COMPARE.search(compact) \
            or not (_MORE.search(compact) or re.search(r"少|低|小", compact)):
        return []
    for a in named:
        for b in named:
            if a != b and re.search(re.escape(a) + r"(?:经费|项目|资金)?(?:和|与|跟|还是|、|或)" + re.escape(b), compact):
                return [a, b]
    return []


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Consumed spans merged where they overlap (a type word read inside a named unit), last first, so each
    can be cut out of the text without shifting the others."""
    out: list[list[int]] = []
    for s0, s1 in sorted(spans):
        if out and s0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], s1)
        else:
            out.append([s0, s1])
    return [(a, b) for a, b in reversed(out)]


def _joined_by_and(compact: str, m: Mention) -> bool:
    """The region mention stands in a list: a conjunction or list mark right before or after it."""
    before, after = compact[m.start - 1:m.start], compact[m.start + len(m.text):m.start + len(m.text) + 1]
    return before in _AND or after in _AND or after == "的"


def _county_only(m: Mention) -> bool:
    by_code, _ = lexicon.regions()
    return bool(m.region_codes) and all(by_code[c].level == "county" for c in m.region_codes if c in by_code)


_AND = {"和", "与", "及", "、", "跟", "同", "或", ",", "，"}
_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,60})[”\"」』》]")


def _quoted_names(q: str, compact: str) -> list[tuple[int, str]]:
    """Names the question quotes, where they stand in compact; a quoted unit name (“深圳市气象局”) is not one."""
    found = []
    for content in _QUOTED.findall(q):
        piece = normalize_query(content).replace(" ", "")
        at = compact.find(piece)
        if at >= 0 and piece and not ORG_NAME_END.search(piece):
            found.append((at, piece))
    return found


def _spaces_in(text: str) -> frozenset[int]:
    """The positions in text without its spaces that a space stood before."""
    spaced, at = set(), 0
    for ch in text:
        if ch == " ":
            spaced.add(at)
        else:
            at += 1
    return frozenset(spaced)


def _quoted_items_masked(q: str, compact: str) -> str:
    """A name the question quotes (“中心城区污水处理特许经营经费”) is the item asked, not a place to look for
    units (城区 is no region there)."""
    for at, piece in _quoted_names(q, compact):
        compact = compact[:at] + "□" * len(piece) + compact[at + len(piece):]
    return compact


def _quoted_item(q: str, compact: str) -> str:
    """The row a question names in quotes, as quoted (the filler would cut 中 off 中心城区…); not a quoted
    metric (“三公”经费, “机关运行经费”) or table (“一般公共预算支出表”)."""
    names = [piece for _at, piece in _quoted_names(q, compact) if len(piece) >= 4 and not piece.endswith("表")
             and detect_metric(piece)[1] != piece and piece not in table_names()]
    return max(names, key=len) if names else ""


def _unit_names(gaz: Gazetteer, m: Mention) -> set[str]:
    """The names of the units a mention resolved to, compact and without their bracketed notes."""
    return {re.sub(r"\s", "", normalize_query(bare_name(gaz.entries[d].unit))) for d in m.doc_ids if d in gaz.entries}


def _rest_of_names(gaz: Gazetteer, compact: str, mentions) -> list[tuple[int, int]]:
    """"上海 文旅执法总队": the words right after a mention that end the name of the one unit it resolved
    to (上海市文化和旅游局执法总队) are part of the unit's name, not the item asked (海东市医疗保障局医疗服务…:
    医疗 is inside the name, not its end)."""
    spans = []
    for m in mentions:
        names = _unit_names(gaz, m)
        if len(names) != 1:
            continue
        name, end = names.pop(), m.start + len(m.text)
        # the longest run of what follows that ends the unit's name (执法总队, 本级)
        size = next((k for k in range(min(len(name), len(compact) - end), 1, -1)
                     if name.endswith(compact[end:end + k])), 0)
        if size >= 2:
            spans.append((end, end + size))
    return spans


def _same_region_types(gaz, compact, merged, mentions, leftover_types, spans):
    """"北京水务局和交通委": a later type word without a region of its own is in the question's one region.
    Adds those mentions; returns the type words still unplaced."""
    home = _single_region(gaz, merged, mentions)
    if home is None or not mentions or not leftover_types:
        return leftover_types
    end, region = home
    region_docs = gaz.docs_in_region({region.code})
    for t0, t1, dept_type in [t for t in leftover_types if t[0] >= end]:
        if _ends_the_name(gaz, compact, mentions, t0, t1):
            spans.append((t0, t1))   # "深圳文旅体育局": the type word ends the named unit's own name
            continue
        docs = gaz.departments(dept_type, region_docs, own_office=compact.startswith("本级", t1))
        if not docs:
            # "…和商务局文件的钻石宝玉石办": the unit under a department the corpus holds no file of its own for
            nxt = min([m.start for m in mentions if m.start >= t1] + [len(compact)])
            size, child = _unit_under_missing_department(gaz, compact, t0, t1, nxt, region_docs, dept_type)
            if child:
                mentions.append(Mention(compact[t0:t1 + size], region.name, {region.code}, "", child, True,
                                        by_name=True, start=t0))
                spans.append((t0, t1 + size))
                continue
        if not docs and "文件" in compact:
            docs = gaz.filed_under(dept_type, region_docs)   # "上海市信访局、医疗保障局…这几个文件所列的单位"
        m = Mention(compact[t0:t1], region.name, {region.code}, dept_type, docs, bool(docs), start=t0)
        if not docs:
            m.reason = _not_held_reason(gaz, region.name, region_docs, dept_type)
        mentions.append(m)
        spans.append((t0, t1))
    return [t for t in leftover_types if t[0] < end]


_LISTED = re.compile(r"[、，,和与及：:]")


def _same_region_named(gaz, compact, merged, mentions, spans) -> None:
    """"无锡市水利局、应急管理综合行政执法监督局": a unit of the question's one region listed after another
    by its own name (or an abbreviation of it), without the region written again. Adds those mentions."""
    home = _single_region(gaz, merged, mentions)
    if home is None or not mentions:
        return
    end, region = home
    region_docs = gaz.docs_in_region({region.code})
    # after a list separator, or right after another unit ("无锡 水利局 住建局 应急执法监督局": spaces are gone)
    starts = sorted({sep.end() for sep in _LISTED.finditer(compact, end)}
                    | {m.start + len(m.text) for m in mentions if m.start >= end - len(m.text)}
                    | ({end + 1} if compact[end:end + 1] in ("（", "(") else set()))   # "上海（考试院 …）"
    tried: set[int] = set()
    while starts:
        start = starts.pop(0)
        if start in tried or any(a <= start < b for a, b in spans):
            continue
        tried.add(start)
        size, docs = gaz.abbreviated(compact[start:], region_docs)
        if size >= 3 and docs and not any(m.doc_ids == docs for m in mentions):
            mentions.append(Mention(compact[start:start + size], region.name, {region.code}, "", docs, True,
                                    by_name=True, start=start))
            spans.append((start, start + size))
            starts = sorted(set(starts) | {start + size})   # the next of a list written without separators


def _ends_the_name(gaz: Gazetteer, compact: str, mentions, t0: int, t1: int) -> bool:
    """A type word written right after a mention whose one unit's name ends with it."""
    word = compact[t0:t1]
    for m in mentions:
        if m.start + len(m.text) != t0 or not m.doc_ids:
            continue
        names = _unit_names(gaz, m)
        if names and all(n.endswith(word) for n in names):
            return True
    return False


def _single_region(gaz: Gazetteer, merged, mentions) -> tuple[int, lexicon.Region] | None:
    """The one region a question is about, and where its first mention ends (None when several)."""
    if len(merged) == 1:
        return merged[0][1], merged[0][2]
    if merged or not mentions:
        return None
    by_code, _ = lexicon.regions()
    shared = None
    for m in mentions:
        for d in m.doc_ids:
            codes = gaz.entries[d].regions if d in gaz.entries else []
            shared = set(codes) if shared is None else shared & set(codes)
    if not shared:
        return None
    region = max((by_code[c] for c in shared), key=lambda r: {"province": 0, "city": 1, "county": 2}[r.level])
    return mentions[0].start + len(mentions[0].text), region


# a name ending as organisations do (财政所, 监测站, 服务中心), left over once the question is read
_UNHELD_ORG = re.compile(r"(?<![哪各个本全每该此])([\u4e00-\u9fff]{1,8}?(?:研究所|所|中心|研究院|院|馆|站|队|处|室|学校|校))"
                         r"(?![\u4e00-\u9fff])")


def _not_held_reason(gaz: Gazetteer, region: str, region_docs: set[str], dept_type: str) -> str:
    same_type = gaz.units(gaz.docs_of_type(dept_type))
    reason = f"本库未收录{region}{dept_type}的文件"
    if region_docs:
        here = gaz.units(region_docs)
        reason += f"；已收录的{region}单位有：{'、'.join(here[:6])}{'等' + str(len(here)) + '个' if len(here) > 6 else ''}"
    if same_type:
        reason += f"；已收录的{dept_type}有：{'、'.join(same_type[:6])}{'等' + str(len(same_type)) + '个' if len(same_type) > 6 else ''}"
    return reason


def understand(engine, q: str) -> Understood:
    from .gazetteer import gazetteer_for

    gen = engine.generation()
    return read_question(q, gazetteer_for(gen), gen.aliases)


def read_question(q: str, gaz: Gazetteer, aliases) -> Understood:
    """The question's slots, from the gazetteer of the indexed documents and their unit aliases
    (query.build_aliases); needs no index, so every rule is unit-tested on small document lists."""
    normalized = normalize_query(q)
    u = Understood(q, normalized)
    compact = normalized.replace(" ", "")
    # "（不含基本支出）": what the question excludes is not what it asks for
    compact = _TABLE_ASIDE.sub("", _EXCLUDED.sub("", compact))
    counted = _LISTED_COUNT.search(compact)
    compact = _LIST_INTRO.sub("", compact)
    spaced = _spaces_in(normalized) if compact == normalized.replace(" ", "") else frozenset()
    u.units, u.scope_type, u.scope_region, spans = resolve_units(gaz, _quoted_items_masked(q, compact), aliases,
                                                                 spaced)
    unlisted = _check_count(u, counted, gaz)
    # "福州 科技局 福州大学…": the region named again narrows to the same unit; one unit, not two, and the
    # words are the item's (福州大学校地合作)
    again = [m for i, m in enumerate(u.units)
             if m.held and m.doc_ids and not m.by_name and m.region.startswith(m.text)
             and any(o.held and o.doc_ids == m.doc_ids for o in u.units[:i])]
    if again:
        u.units = [m for m in u.units if m not in again]
        spans = [sp for sp in spans if not any(sp == (m.start, m.start + len(m.text)) for m in again)]
    spans += [(a, b) for a, b in _rest_of_names(gaz, compact, u.units)
              if not any(a < s1 and s0 < b for s0, s1 in spans)]
    u.years = _years(compact)
    u.basis = "决算" if KIND_FINAL.search(compact) else ("预算" if "预算" in compact else "")
    u.metric, u.metric_text = detect_metric(compact)
    column = _row_and_column(compact)
    if column:
        # "深圳人社局 会议费 项目支出": the column is asked, of the row the other metric names (read as the item)
        u.metric, u.metric_text = column
    if not u.metric:
        # a column named as some tables head it ("差旅费中专项业务经费支出", 西安): the column asked
        u.metric, u.metric_text = _column_as_headed(compact)
    at = compact.find(u.metric_text)
    fund = _FUND_BEFORE.search(compact[:at]) or _FUND_BEFORE.search(compact[:at + 2]) \
        if u.metric in _TOTALS and at >= 0 else None
    if fund:
        # "国有资本经营预算支出": one fund's total, a row of the unit's tables, not the unit's whole total
        u.metric, u.metric_text = "", ""
    definition = _DEFINITION.match(compact)
    _operation(u, compact)
    if u.operation == "share" and "占" in compact:
        # "项目支出占支出预算的比例": the part is what is asked, named before 占; the whole after it
        part = detect_metric(compact[:compact.find("占")])
        if part[0] and part[0] != u.metric:
            u.metric, u.metric_text = part
    if definition and u.operation == "lookup" and not (u.units and _UNITS_OWN.search(definition.group(0))):
        # (not "X局…项目的预算和绩效目标是什么": the unit's own figures and targets, not a term's meaning)
        u.operation, u.defines = "definition", (definition.group(1) or definition.group(2))
    # what is left once everything above is read
    rest = compact
    for s0, s1 in _merged(spans):
        rest = rest[:s0] + " " + rest[s1:]
    rest = _without_metric(u, compact, rest)
    rest = _also_asked(u, compact, rest)
    while u.operation == "zero" and u.metric and len(u.also_metrics) < 3 and re.search(r"都|均|同时|全都", compact):
        # "哪些部门因公出国(境)费用和公务接待费都是0": units where each named figure is zero
        other, other_text = detect_metric(rest)
        if not other or not other_text or other in (u.metric, *u.also_metrics, *_TOTALS, "收支总计") \
                or other_text not in rest:
            break
        u.also_metrics.append(other)
        rest = rest.replace(other_text, " ", 1)
    for asked, table in lexicon.table_words():
        if asked in compact and table not in u.tables:
            u.tables.append(table)
    rest = re.sub(r"20[1-3]\d(?:年度?)?", " ", rest)
    rest = re.sub(r"公务车辆|车辆|辆|公务用车|编制|人员|名|项目|哪项|什么|怎么样|如何", " ", rest)
    if u.metric == "车辆":
        # "有几辆公务车 / 车辆 国有资产": the vehicles are the asked figure, the assets the section they are in
        rest = re.sub(r"公务车|公车|车|国有资产|固定资产|资产|占有使用|占用|使用|怎样|公务", " ", rest)
    if "购置车辆" in (u.metric, *u.also_metrics):
        rest = re.sub(r"计划|拟|准备|打算|新?购置|购买|买|更新|公务用?车|公车|车", " ", rest)
    bare = rest
    for asked, _table in lexicon.table_words():
        bare = bare.replace(asked, " ")
    org = _UNHELD_ORG.search(rest)
    rest = _FILLER.sub(" ", rest)
    chunks = _as_spaced(_chunks(rest), compact, spaced)
    if org and not u.units and u.scope_region is not None and not u.scope_type \
            and all(c in org.group(1) for c in chunks):
        # "上海 财政所 公务接待费": a name with an organisation ending that no held unit answers to, and nothing
        # else asked of it, is a unit the corpus lacks, not the whole region (a subordinate unit's item —
        # "西安市法律援助中心 法律援助业务经费" — is looked for in the region's tables)
        name = u.scope_region.region
        u.subunit = org.group(1)
        u.not_held = _not_held_reason(gaz, name, u.scope_region.doc_ids, org.group(1)).replace(
            f"本库未收录{name}{org.group(1)}的文件", f"本库未收录名为“{org.group(1)}”的{name}单位")
    u.unparsed = " ".join(chunks)
    if not u.metric and not chunks and not u.tables and u.operation in _WHOLE_BUDGET_OPERATIONS \
            and (u.units or u.scope_region is not None or u.scope_type) and _WHOLE_BUDGET.search(compact) \
            and not _SUBUNITS.search(compact):   # (not "所属预算单位有哪些")
        # "X局今年预算多少 / 预算比去年少了多少 / 谁的预算大": nothing but the budget asked is its whole total
        u.metric = "收入总计"
    # a chunk that only names a table (政府性基金) is not the item
    # (with a metric asked, a table's name alone is where the metric is read: "三公经费里的公务接待费")
    named = [c for c in chunks if c not in table_names() and not _metrics_own_word(u, c)] \
        or ([] if u.metric else chunks)
    quoted = _quoted_item(q, compact)
    if u.metric and named and not quoted:
        # "广州市民政局有多少辆车？房屋面积多少？": a second question after the first's end asks something else;
        # the metric the first asks is still answered, not replaced by the second's words as its item
        first_end = compact.find("?", compact.find(u.metric_text)) if u.metric_text in compact else -1
        later = [c for c in named if first_end >= 0 and compact.find(c) > first_end]
        if later:
            named = [c for c in named if c not in later]
            u.second = compact[first_end + 1:]
    if u.operation not in ("reason", "definition") and (named or quoted):
        # "西安市法律援助中心 法律援助业务经费": a name ending like an organisation, beside other words, is the
        # subordinate unit whose row is asked, not the row
        rows_named = [c for c in named if not ORG_NAME_END.search(c)] or named
        u.item = quoted or max(rows_named, key=len)
        u.item = lexicon.row_words().get(u.item, u.item)   # 物业 -> 物业管理费, 出差 -> 差旅费
        two = _two_rows_compared(u, compact, named)
        if two:
            u.operation, u.items = "item_compare", two
            u.direction = -1 if re.search(r"少|低|小|省", compact) and not _MORE.search(compact) else 1
        # the item without the table's name ("政府性基金城市建设" -> 城市建设), for when no row is named so
        bare_chunks = _chunks(_FILLER.sub(" ", bare))
        if quoted:
            # a quoted name is the row asked; words beside it (“信息化建设”（医疗保障管理事务）: the heading it is
            # under) are no other name for it
            bare_chunks = [c for c in bare_chunks if c in quoted]
        u.item_bare = max(bare_chunks, key=len) if bare_chunks else ""
        u.item_phrase = _as_written(compact, u.item, chunks) or _piece(normalized, compact, spans, u.item)
        if "项目支出" not in u.tables and re.search(re.escape(u.item) + r"(?:经费|资金)?项目(?!支出)", compact):
            # "应急物资储备项目预算多少": the row of the project table, not a 功能分类 row of the same name
            u.tables.append("项目支出")
    _purpose(u, compact)
    _structure(u, compact)
    _both_years(u, compact, gaz)
    _check_held(u, gaz)
    if unlisted and not u.not_held and u.operation in ("max", "min"):
        # which of the city's units is largest among "这8个" is not said when the 8 are not (a list of those at
        # zero, or above it, is still the city's list: each unit in it is one of them or not)
        u.not_held = unlisted
    return u


def _without_metric(u: Understood, compact: str, rest: str) -> str:
    """The question's rest without the asked metric's words (and what only places it: a whole named with its
    part, a metric named twice)."""
    if not u.metric_text:
        return rest
    rest = rest.replace(u.metric_text, " ", 1)
    for same, words in detect_metrics(compact):
        if same == u.metric and words and words != u.metric_text:
            rest = rest.replace(words, " ", 1)   # "买警车的钱（公务用车购置费）": one figure named twice
    if u.operation != "zero":
        # "基本支出中公用经费": the whole a part is asked of only places it; it is not an item
        at = compact.find(u.metric_text)
        named = detect_metrics(compact)
        if _part_before_whole(named) and named[-1][1] in rest:
            rest = rest.replace(named[-1][1], " ", 1)   # "… 三公": the whole after the part places it
        for whole, before in detect_metrics(compact[:at]):
            # not when it is asked too ("收入预算多少？其中财政拨款收入多少")
            if whole in WHOLE_OF.get(u.metric, ()) and before in rest \
                    and not _ASKED_BETWEEN.search(compact[compact.find(before):at]):
                rest = rest.replace(before, " ", 1)
    return rest


def _row_and_column(compact: str) -> tuple[str, str] | None:
    """(column metric, its words) when the question names one figure that is also an 经济分类 row and one column
    those tables split it into, beside each other ("会议费 项目支出", "项目支出中的培训费") — not two figures asked
    ("培训费和项目支出各多少")."""
    found = [f for f in detect_metrics(compact) if f[0]]
    if len(found) != 2:
        return None
    column = [f for f in found if f[0] in _COLUMN_METRICS]
    row = [f for f in found if f[0] in _ROW_METRICS]
    if len(column) != 1 or len(row) != 1 or _EACH.search(compact):
        return None
    lo, hi = sorted((compact.find(column[0][1]), compact.find(row[0][1])))
    return None if _JOINED.search(compact[lo:hi]) else column[0]


_EACH = re.compile(r"各|分别")
_JOINED = re.compile(r"[，,、和及与]|[？?]")


def _metrics_own_word(u: Understood, chunk: str) -> bool:
    """"不买公车 购置费0": 购置费 is the asked metric's own word (公务用车购置费, asked as 买公务用车), no item."""
    return bool(u.metric) and chunk.endswith("费") and chunk in u.metric and chunk not in u.metric_text


def _also_asked(u: Understood, compact: str, rest: str) -> str:
    """"会议费、培训费各多少", "有多少辆公务车？计划购置几辆？": every figure a lookup names is asked, each answered
    (a figure that only places the asked one — "基本支出中公务用车运行维护费", a whole of its part — is not).
    Returns the question's rest without them."""
    if not (u.operation == "lookup" and len(u.units) == 1 and u.metric
            and re.search(r"各|分别|[？?].+[？?]|[，,、和及与]|\s\S+\s", u.normalized)):
        return rest
    for other, other_text in detect_metrics(compact):
        if u.metric in _COLUMN_METRICS and other in _ROW_METRICS and _row_and_column(compact):
            continue   # "会议费 项目支出": the row whose column is asked, the item
        each = _each_asked(compact, u.metric_text, other_text)
        if other and other_text and other not in (u.metric, *u.also_metrics) \
                and (other not in (*_TOTALS, "收支总计") or each) and (not _whole_and_part(u.metric, other) or each) \
                and not re.search(re.escape(other_text) + r"(?:的|里|中|当中|之中|项下)", compact) \
                and len(u.also_metrics) < 2:
            u.also_metrics.append(other)
            rest = rest.replace(other_text, " ", 1)
    return rest


def _whole_and_part(a: str, b: str) -> bool:
    return a in WHOLE_OF.get(b, ()) or b in WHOLE_OF.get(a, ())


def _each_asked(compact: str, a: str, b: str) -> bool:
    """"三公经费多少？其中因公出国费多少": a whole and its part each asked in a clause of its own (an asking word
    after each) — not "三公经费中的出国费多少", where the whole only places the part."""
    i, j = compact.find(a), compact.find(b)
    if i < 0 or j < 0 or i == j:
        return False
    first, second = (a, b) if i < j else (b, a)
    lo, hi = min(i, j), max(i, j)
    return bool(_CLAUSE_ASKED.search(compact[lo + len(first):hi])) and bool(_CLAUSE_ASKED.search(compact[hi + len(second):]))


# the units whose figure is more than zero ("安排了", "有…预算", "不为零"), and those with none ("没有", "不买")
_NOT_ZERO = re.compile(r"不为[0零]|不是[0零]|非[0零]|不等于[0零]")
_NONZERO = re.compile(_NOT_ZERO.pattern + r"|(?<![没未不])安排了(?!多少|几)|(?<![没未不])有(?=[^多几哪]{0,10}(?:预算|经费|费)(?:的|吗|[?？]|$))")
_ZERO_ASKED = re.compile(r"没有|无(?=车|公务用车|预算|安排)|不(?:买|购置|购买|安排)|没(?:买|购置)")


def _none_of_a_metric(text: str) -> bool:
    """"哪些单位无机关运行经费": 无 right before a figure's name."""
    for m in re.finditer("无", text):
        metric, words = detect_metrics(text[m.end():m.end() + 16])[0]
        if metric and words and text.startswith(words, m.end()):
            return True
    return False


_COUNTS_NOT_OF_MONEY = ("编制",)   # a count metric's word right before 经费 / 项目 is part of an item's name
_UNITS_OWN = re.compile(r"预算|绩效|目标|金额|多少|项目|职能|职责|机构|处室|单位")
_MONEY_ASKED = re.compile(r"花(?:了|掉)?多少|多少钱|(?:多大|什么)?金额|预算多少|安排多少")
_CLAUSE_ASKED = re.compile(r"多少|几|[？?]|是什么")


def _structure(u: Understood, compact: str) -> None:
    """"深圳市信访局内设哪些处室", "有几个处室", "机构设置": the sentence listing the unit's offices;
    "下属单位有哪些", "二级预算单位": the units its budget is made of; "主要职能", "是干嘛的": its duties."""
    if not u.metric and u.operation == "lookup" and len(u.units) == 1:
        for operation, words in (("subunits", _SUBUNITS), ("duties", _DUTIES)):
            m = words.search(compact)
            if m and (not u.item or u.item in m.group() or words.search(u.item)):
                u.operation, u.item, u.item_bare, u.item_phrase = operation, "", "", ""
                return
    if not u.metric and u.operation == "lookup" and (_STRUCTURE.search(compact) or (
            len(u.units) == 1 and not u.item and _OWN_PARTS.search(compact))):
        u.operation, u.item, u.item_bare, u.item_phrase = "structure", "", "", ""


_STRUCTURE = re.compile(r"处室|科室|内设|下设|机构设置|几个处|哪些处")
_SUBUNITS = re.compile(r"(?:下属|所属|二级)(?:预算)?单位|下设(?:哪些|几个)?(?:二级)?(?:预算)?单位|预算单位(?:有|包括)")
_DUTIES = re.compile(r"职能|职责|是干(?:嘛|什么|啥)的?|是做什么的?|负责什么|管什么")
_OWN_PARTS = re.compile(r"(?:有|设了?|包括)哪些(?:部门|机构)")   # of one unit named, nothing else asked


def _purpose(u: Understood, compact: str) -> None:
    """"规划类经费是用来干什么的": what a named item is for — the sentence saying so; a question asking its
    amount too stays a lookup."""
    if (u.item or u.metric) and u.operation == "lookup" and _PURPOSE.search(compact) \
            and not re.search(r"多少|几|金额", compact):
        u.operation = "purpose"   # (of a figure too: "项目支出主要用于哪些工作")


# what a named item is for ("用来干什么", "用途", "主要用于什么"): a sentence, not its figure
_PURPOSE = re.compile(r"用途|用来(?:干|做)|干什么|做什么|干嘛|用于(?:什么|哪)|用在(?:什么|哪)|作什么用|有什么用")


ROW_WORDS = re.compile(r"预算|拨款|收入|支出|经费|资金|费用|项目")


def _as_written(compact: str, item: str, chunks: list[str]) -> str:
    """The item with the budget words, table names and other unread words the question wrote next to it,
    which the filler took apart ("收入" in "国有资本经营预算拨款收入是多少" -> 国有资本经营预算拨款收入): a row
    is often named so."""
    at = compact.find(item)
    if at < 0:
        return ""
    words = sorted({*ROW_WORDS.pattern.split("|"), *table_names(), *chunks}, key=len, reverse=True)
    start, end = at, at + len(item)
    grown = True
    while grown:
        grown = False
        for w in words:
            if compact.startswith(w, end):
                end, grown = end + len(w), True
                break
            if compact[:start].endswith(w):
                start, grown = start - len(w), True
                break
    phrase = compact[start:end]
    return phrase if phrase != item else ""


# what separates the words of a question from a row's name: its own spaces and punctuation, and the asking
_ASKING = re.compile(r"[|?？,，。.、:：;；!！()（）—－]|项下|请问|帮我|查一下|查询|告诉我|是多少|有多少|多少钱|多少|是什么|是否|"
                     r"哪个|哪些|哪项|什么|吗|呢|今年|去年|明年|本年|上年|20[1-3]\d年?|花了|安排了|安排|预算数是|预算是|"
                     r"一共|总共|分别|共计|里的|里面|里|当中|之中|其中|的是|是")


def _piece(normalized: str, compact: str, spans: list[tuple[int, int]], item: str) -> str:
    """The words around the item up to the asking and the named unit, keeping what the filler takes out of a
    row's name (行政单位医疗, 社会保障和就业支出, 职业年金缴费: 单位, 和, 职 …)."""
    spaced = set()   # positions of compact that the question separated by a space
    at = 0
    for ch in normalized:
        if ch == " ":
            spaced.add(at)
        else:
            at += 1
    marked = "".join(("|" if i in spaced else "") + ch for i, ch in enumerate(compact))
    # the unit spans, in the marked string's positions
    shift = [0] * (len(compact) + 1)
    extra = 0
    for i in range(len(compact) + 1):
        extra += i in spaced
        shift[i] = i + extra
    for s0, s1 in _merged(spans):
        marked = marked[:shift[s0]] + "|" + marked[shift[s1]:]
    marked = ONE_CHAR_ASIDE.sub("", marked)   # 办公厅（室）: a one-character aside
    pieces = [p for p in _ASKING.split(marked) if p and len(p) >= 2]
    holding = [p for p in pieces if item in p]
    phrase = max(holding, key=len) if holding else ""
    return phrase if phrase != item else ""


@functools.lru_cache(maxsize=1)
def table_names() -> frozenset[str]:
    """The table words of tables.tsv as a chunk may stand alone (政府性基金, 政府性基金预算)."""
    return frozenset({asked for asked, _t in lexicon.table_words()} | {asked + "预算" for asked, _t in lexicon.table_words()})


_LONG_RUN = 10


def _as_spaced(chunks: list[str], compact: str, spaced: frozenset[int]) -> list[str]:
    """Words the question set apart with spaces stay apart when together they would be a long run no row is
    named ("行政事业性收费 特种设备检验检测费 预计收多少": three words, not one item of nineteen characters); a short
    name typed in two ("信息化 建设") stays one."""
    if not spaced:
        return chunks
    out = []
    for chunk in chunks:
        at = compact.find(chunk)
        cuts = [k for k in range(1, len(chunk)) if at >= 0 and at + k in spaced and len(chunk) >= _LONG_RUN]
        pieces = [chunk[a:b] for a, b in zip([0] + cuts, cuts + [len(chunk)])]
        # (a unit's name among them — "生态环境监测中心站 业务用房 物业费" — is read with its row as before)
        split = cuts and not any(ORG_NAME_END.search(p) for p in pieces)
        out += [p for p in pieces if len(p) >= 2] if split else [chunk]
    return out


def _chunks(rest: str) -> list[str]:
    # single characters left between removed words are debris (局, 委, 总 …), not content
    return [c for c in re.sub(r"\s+", " ", rest).strip().split(" ") if len(c) >= 2]


def _operation(u: Understood, text: str) -> None:
    text = re.sub(r"有没有|有无", "有", text)   # "有没有安排委托业务费": whether, and how much — not a list of none
    asks_item = bool(_ITEM_ASK.search(text))
    if ASKS_REASON.search(text):
        u.operation = "reason"
        return
    threshold = _THRESHOLD.search(text) or _THRESHOLD_AFTER.search(text)
    if threshold and _A_PRICE_BEFORE.search(text[:threshold.start()]):
        threshold = None   # "单价100万元以上设备" names the assets (国有资产占用), it is no condition on a figure
    if threshold:
        op = threshold.group("op")
        unit = threshold.group("unit") or "万元"
        unit = "万元" if unit == "万" else unit
        direction = "lt" if op in ("低于", "少于", "小于", "不足", "不到", "以下") else "gt"
        u.threshold = (direction, float(threshold.group("num")) * TO_WAN[unit])
        u.on_change = bool(_CHANGE_CONTEXT.search(text[:threshold.start()] + text[threshold.end():]))
        if u.on_change:
            u.direction = -1 if _DOWN.search(text) else 1
        u.operation = "threshold"
        return
    if _MAX.search(text) or _MIN.search(text):
        smallest = bool(_MIN.search(text)) and not _MAX.search(text)
        one_unit = len(u.units) == 1 and not u.scope_type and u.scope_region is None
        if asks_item or (one_unit and re.search(r"项目|哪[一]?[项笔个]", text)):
            u.operation = "item_min" if smallest else "item_max"
        else:
            u.operation = "min" if smallest else "max"
            u.on_change = bool(re.search(r"增幅|降幅|增加|增长|减少|下降|变化", text))
            if u.on_change:
                u.direction = -1 if _DOWN.search(text) else 1
        return
    if _COMPLETION.search(text):
        u.operation = "completion"
        return
    if _SHARE.search(text):
        u.operation = "share"
        return
    if u.metric and u.metric not in (*_TOTALS, "收支总计") and ((_NOT_ZERO.search(text) and len(u.units) != 1) or (
            _LIST.search(text) and _NONZERO.search(text) and not _ZERO_ASKED.search(_NONZERO.sub(" ", text)))):
        # (a row of the tables named instead — "哪些单位安排了民航发展基金支出" — is the units holding that row)
        # "哪些单位安排了公务用车购置费 / 有买车预算 / 不为零的": the units whose figure is more than zero
        u.operation, u.threshold = "threshold", ("gt", 0.0)
        return
    if _ZERO.search(text) or (_LIST.search(text) and _ZERO_ASKED.search(text)) \
            or (_LIST.search(text) and _none_of_a_metric(text)):
        u.operation = "zero"
        return
    if _COMPARE.search(text) and (_MORE.search(text) or re.search(r"少|低|小", text)) and len(u.units) >= 2:
        u.operation = "compare"
        u.direction = -1 if re.search(r"少|低|小|省", text) and not re.search(r"多|高|大", text) else 1
        return
    if len(u.units) >= 2 and _COMPARED.search(text) and not _CHANGE_WORD.search(text):
        # "深圳 医保局 民政局 三公 比较": two units set side by side — which is more is what a comparison says
        u.operation, u.direction = "compare", 1
        return
    if _CHANGE_WORD.search(text):
        u.direction = -1 if _DOWN.search(text) and not re.search(r"增加|增长|上升", text) else (
            1 if re.search(r"增加|增长|上升|提高", text) and not _DOWN.search(text) else 0)
        u.operation = "change_list" if _LIST.search(text) and not u.units else "change"
        return
    if asks_item:
        u.operation = "item"
        return
    u.operation = "lookup"


# "这7家单位（…）", "这九个部门": the number of units a question says it lists
_LISTED_COUNT = re.compile(r"(?:这|以下|下列|如下)(\d{1,2}|[一二三四五六七八九十两]{1,3})(?:个|家)")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _check_count(u: Understood, counted, gaz: Gazetteer) -> str:
    """A list of units said to be N long of which fewer (or more) were recognised is not answered over the
    ones recognised: the one left out may be the answer. "北京这8个委办局" naming none of them: returned, the
    reason a ranking over the city's units is not its answer (unless the corpus holds just that many)."""
    if counted is None or (len(u.units) < 2 and (u.units or u.scope_region is None)):
        return ""
    text = counted.group(1)
    if text.isdigit():
        n = int(text)
    elif "十" in text:   # 十, 十二, 二十, 二十三
        tens, _sep, ones = text.partition("十")
        n = _NUMERALS.get(tens, 1) * 10 + _NUMERALS.get(ones, 0)
    else:
        n = _NUMERALS.get(text, 0)
    if n and not u.units:
        held = gaz.units(u.scope_region.doc_ids)
        return "" if n == len(held) else (
            f"问题说“这{text}个”单位，但没有列出是哪几个，无法确定比较的范围；本库收录的"
            f"{u.scope_region.region or u.scope_region.text}单位有{len(held)}个，可列出单位名称再问")
    if n and n != len(u.units):
        named = "、".join(m.text for m in u.units)
        u.not_held = f"问题说列出{n}个单位，本库只认出{len(u.units)}个（{named}），未能逐一对应，不作比较"
    return ""


def _both_years(u: Understood, compact: str, gaz: Gazetteer) -> None:
    """"深圳交通局三公经费上年预算多少，今年又是多少": two consecutive years asked of one figure, no change between
    them asked, the earlier not held for the unit — this year's figure, and last year's as this year's document
    prints it (qa._with_last_year)."""
    if u.operation == "lookup" and len(u.years) == 2 and abs(u.years[0] - u.years[1]) == 1 and u.units \
            and not _CHANGE_WORD.search(compact):
        held = gaz.years_of(u.doc_ids or set())
        if max(u.years) in held and min(u.years) not in held:
            u.years, u.with_last_year = [max(u.years)], True


def _check_held(u: Understood, gaz: Gazetteer) -> None:
    """A named unit or year the corpus does not hold is answered with what it does hold."""
    missing = [m for m in u.units if not m.held]
    if missing:
        u.not_held = "；".join(m.reason for m in missing if m.reason) or "本库未收录所问单位的文件"
        return
    if u.years:
        scope = u.doc_ids
        pool = scope if scope is not None else set(gaz.entries)
        if u.scope_type:
            pool = gaz.docs_of_type(u.scope_type, pool)
        held_years = gaz.years_of(pool)
        absent = [y for y in u.years if y not in held_years]
        if absent and pool:
            u.absent_year = absent[0] if len(u.years) == 1 and scope is not None else None
            who = "、".join(gaz.units(pool)[:3]) if scope is not None and len(gaz.units(pool)) <= 3 else "本库"
            u.not_held = (f"{who}没有{'、'.join(str(y) for y in absent)}年的文件；"
                          f"已收录的年份：{'、'.join(str(y) for y in held_years) or '无'}")
