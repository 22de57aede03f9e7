"""Question understanding: a question read into explicit slots, and what was left unread.

Slots: the units named (each resolved to documents or to *not held*), a type scope ("哪个医保局"), a region
scope ("广州哪个局"), the year(s), the basis (预算/决算), the metric (synonyms from search/data/metrics.tsv),
the operation, a threshold, an item (a table row or project the question names), and the unparsed rest.
Operations (search/qa/operations.py) read only these slots, so each can be unit-tested without an index.
read_question runs registered readers in order (units — units.py —, year and basis, metric, operation, the
rest, the item, …); a new slot is a new reader, not another branch of one long function.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from ..facts import _GROUPS, MENTION, TO_WAN, _compact
from ..query import ASKS_REASON, KIND_FINAL, normalize_query
from ..vocab import ONE_CHAR_ASIDE, ORG_NAME_END, strip_quotes
from . import lexicon
from .gazetteer import Gazetteer, Mention
from .units import merged_spans, not_held_reason, resolve_units, rest_of_names

_MAX = re.compile(r"最高|最多|最大|最贵|排名第一|排第一|居首|主要(?:花|用)在了?哪(?:一?个|一项)(?!方面)|大头")
_MIN = re.compile(r"最低|最少|最小|最省")
_THRESHOLD = re.compile(r"(?P<op>超过|超出|高于|大于|多于|不少于|不低于|以上|低于|少于|小于|不足|不到|以下)\s*"
                        r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|万)?")
_ASSETS_COUNTED = re.compile(r"[几多少]+(?:台|套|件)|台[（(]?套")   # "…设备有几台": the assets held, counted
_ASSETS_AFTER = re.compile(r"(?:[（(]含[）)])?(?:的)?(?:大型|专用|通用)?(?:设备|仪器|资产)")
_A_PRICE_BEFORE = re.compile(r"(?:单价|单位价值|价值)\s*(?:在|为)?\s*$")
_THRESHOLD_AFTER = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|万)\s*(?P<op>以上|以下)")
_CHANGE_WORD = re.compile(r"增加|增长|上升|提高|减少|下降|降低|压减|压缩|缩减|削减|调减|增幅|降幅|增减|变化|变动|比上年|较上年|同比|"
                          r"多了|少了|涨了|降了|"
                          r"[比较]20[1-3]\d年|(?<![最至])[多少]多少")
_CHANGE_CONTEXT = re.compile(r"比上年|较上年|同比|与上年|比20\d\d年|增幅|降幅|增减|变化|变动|增长|增加|减少|下降")
_DOWN = re.compile(r"减少|下降|降低|降幅|压减|压缩|缩减|削减|调减|少了|降了")
_COMPLETION = re.compile(r"完成(?:年初)?预算|完成率|执行率|预算完成|执行进度|完成.{0,6}(?:比例|百分|%)")
_SHARE = re.compile(r"占比|比例|比重|占(?!有|用).{0,8}(多少|几|百分)|(?:全|都|全部)(?:是|为|用于?|花在).{1,12}吗")   # (全是接待费吗)
_LIST = re.compile(r"哪些|哪个|哪家|哪几个|哪一个|哪几家|哪|各|谁|列出|名单|有几个|多少个")
_ZERO = re.compile(r"为0|为零|是0|是零|等于0|没有安排|没安排|未安排|零预算|无预算|没有预算|为空|(?<![\d.,])0(?:\.0+)?万?元|(?<![\d.,])0(?![\d.,%])")
_COMPARE = re.compile(r"哪个|谁|哪家|哪一个|比较|相比|对比|还是|(?i:vs|pk)")
_COMPARED = re.compile(r"比较|对比|比一比|(?i:vs|pk)")
_MORE = re.compile(r"多|高|大|贵")
DIFFERENCE = re.compile(r"差多少|相差|差距|差额|差了?几|[多高少低]多少|[多高少低]出多少")
_DEFINITION = re.compile(r"^(?:什么是|何为|何谓)(.+?)[?？]?$|^(.+?)(?:指的是什么|是指什么|指什么|是什么意思|什么意思|是什么|的定义|的含义)[?？]?$")
# "计划购置什么设备", "今年买哪些车": what is bought is said as the thing is (the sentence naming the buying, the thing
# and its kind: "单价100万元以上设备1台（套）…主要是排爆便携式X光机"), as a definition is — not a figure
_BOUGHT_WHAT = re.compile(r"(?:购置|购买|新购|采购|买)(?:了|的)?(?:什么|哪些|啥)(?:样的?)?((?:大型|主要|专用)?(?:设备|车辆?|装备))"
                          r"(?:[,，]?(?:花了?|需要|要|用了?)?多少(?:钱|万元|元)?)?[?？]?$")
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
# a whole's parts that together make it, for "三公经费中哪一项最多" (one unit's parts ranked)
PARTS_OF = {"三公经费": ("因公出国(境)费", "公务用车购置及运行费", "公务接待费"),
            "政府采购": ("政府采购货物", "政府采购工程", "政府采购服务"), "基本支出": ("人员经费", "公用经费")}
_ASKED_BETWEEN = re.compile(r"多少|几|[？?]|是否|吗|和|与|及")
# the figures that are also rows of the 经济分类 tables ("30215 会议费"), and the columns those tables split a row
# into: "会议费 项目支出" asks the row's cell in that column, not two figures
_ROW_METRICS = ("因公出国(境)费", "公务接待费", "公务用车运行维护费", "公务用车购置费", "会议费", "培训费")
COLUMN_METRICS = ("基本支出", "项目支出", "人员经费", "公用经费")
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
    r"(?:(?<=\s)|^)(?:管|搞|用于|用来|投入|投在)(?![理护网道控制线廊养])|"
    # "深圳人社系统哪个单位": the department with its units, written after its name (信息系统 is a project's)
    r"(?:(?<=\s)|^)全?系统(?=\s*(?:哪|各|内|里|下属|所属|\d|$))|"
    # "除局本级外…所属单位": which units are ranked (table_ops reads it), not an item
    r"除了?(?:局|委|厅|办|部门|单位)?(?=本级)|(?<=本级)以?外|平方米|平米|平方(?!公里)|(?<![顺服自跟遵听盲])从(?![业事而此来未前中头严速])|"
    # "在气象基础设施建设维修上花多少": the 上 of 在…上, not the item's (线上, 网上 stay)
    r"(?<![线网以之马向早晚])上(?=花|用|投入|安排|开支)|"
    r"主要(?:花|用)在哪(?:里|些方面|儿)?|(?:花|用)在哪(?:里|些方面|儿)?|主要用于哪(?:里|些(?:方面|工作|事情?|领域))?|用途|构成|组成|"
    r"(?:这个|这份|那个|那份|该)?(?:预算)?文件[里中]?的?|(?:部门)?整体(?![\u4e00-\u9fff])|(?:含|包括|包含)(?:所属|下属)(?:单位)?|汇总|(?:主要)?用于(?=\s|$)|(?:是|主要)?用来(?:干|做)(?:什么|啥|嘛)?的?|(?:是)?干什么(?:用)?的?|做什么用的?|干嘛(?:用)?的?|有什么用|用于什么|"
    r"(?:换算|折合|折算)(?:成|为)?(?=\s*(?:是|有)?(?:多少)?\s*(?:元|万元|亿元))|"   # "换算成元是多少": the money unit asked, not an item
    r"钱(?=\s*[?？]?\s*$)|是多少|有多少|多少钱|多少|是否|分别|一共|总共|合计|总计|总额|总数|共计|请问|帮我|查一下|查询|告诉我|"
    r"(?:一(?:辆|台|个|分钱?)车?)?(?:都|均|也)没有?(?!收)|实际|花了|花费|花[得的](?=最|多|少|钱)|花钱|花(?=多少|钱|几)|翻倍|涨了|降了|是|(?<![国所拥具])有|几|吗|呢|啊|呀|的|了|年度?|预算数?|决算数?|金额|数额|安排|情况|部门|单位|本级|全年|一般公共|"
    r"由(?=政府性基金|一般公共预算|国有资本|财政)|(?i:vs|pk)|里头|[那这]块|所列|上述|和|与|及|跟|或|还是|在|(?<![高初])中(?![心医央小学华教专级等职])(?!国(?!有))|里|其中|之中|给|为|对|比|上年|同比|较|相比|比较|对比|"
    r"哪一?(?:项(?!目)|块|类|种|部分)|哪些|哪个|哪家|哪几个|哪一个|哪|谁|各|列出|名单|最高|最多|最大|最低|最少|最小|排名|第一|更[多高少低大小]|"
    r"增减|增加|增长|减少|下降|压减|压缩|缩减|削减|调减|变化|变动|增幅|降幅|幅度|[这那]么[多少大高低]|超过|高于|低于|以上|以下|不足|不到|大于|小于|万元|亿元|元|"
    r"占比|比例|比重|百分比|多大|占(?!用)|完成率|完成|执行率|执行|个|支出|经费|费用|资金|拨款|数量|规模|"
    r"[两二三四五六七八九十几]+(?:家|个单位|个部门)|当中|"   # "…三家中哪个最多": the units listed, counted
    r"这些|这几个|[那这]一?[列栏]|这|那些|所有|全部|[那这]部分|部分|[那这一][块笔]|开支|[那这]一?项(?!目)|方面|各个|目前|现在|截至|截止|底|末|月|共|当年|年初|一年|每年|给了|百分之|多了|少了|"
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
    each: bool = False             # the two rows' figures asked, no winner ("A和B分别是多少")
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


_VEHICLES_IN_A_NAME = re.compile(r"(?:涉案|扣押|扣留|报废)车辆|车辆(?=停车|停放|管理费|租赁|保险|拍卖|扣留|处置|检测|救援)")


def detect_metrics(text: str) -> list[tuple[str, str]]:
    """Every metric the question names, in order, as (canonical metric, words used); the last is the one
    asked ("基本支出中公用经费": 公用经费, inside 基本支出); [("", "")] when it names none."""
    compact = _compact(text).replace(" ", "")
    # vehicles inside a project's name are no count of them ("涉案车辆停车场租赁建设及管理费项目")
    compact = _VEHICLES_IN_A_NAME.sub(lambda m: "□" * len(m.group()), compact)
    # a count of vehicles: 车辆, 几辆, or the cars themselves compared ("哪个公务用车多", "公车最少")
    bought = re.search(r"(?:购置|购买|买|新购|更新)[了的]?(?:[几多少]*辆|(?:(?:公务用?)?车辆?|公车)(?:数|[几多少]*辆))",
                       compact)
    if bought and not re.search(r"费|经费|[万亿]?元|钱", compact[:bought.end()]):
        # a count of vehicles to buy ("计划购置几辆车", "买多少辆公务车"), not the money for them — and the fleet
        # too when asked beside it ("有多少辆公务车？计划购置几辆？")
        held = re.search(r"共有|保有|现有|有[几多少]+辆|[几多少]+辆(?:公务)?车|车辆",
                         compact[:bought.start()] + " " + compact[bought.end():])
        asked = re.search(r"(?:购置|购买|买|新购|更新)[了的]?\S{0,6}?辆", compact).group()
        # "买几辆车 花多少": the money for them asked beside the count
        money = _MONEY_ASKED.search(compact[bought.end():])
        return ([("车辆", held.group())] if held else []) + [("购置车辆", asked)] \
            + ([("公务用车购置费", money.group())] if money else [])
    kind = lexicon.vehicle_kind_asked(compact)
    if kind and re.search(re.escape(kind[0]) + r"\S{0,3}?(?:数量|数|[几多少]+[辆台])|(?:[几多少]+[辆台]|数量)\S{0,3}?" + re.escape(kind[0]),
                          compact) and not re.search(r"费|经费|[万亿]?元|钱", compact):
        # "执法执勤用车 几辆": a count of one kind of the vehicles held, or bought when buying is asked
        bought_kind = re.search(r"购置|购买|新购|买|更新|新增|配置|配备", compact)
        return [("购置车辆" if bought_kind else "车辆", kind[0])]
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
        if hit and hit[1] in _COUNTS_NOT_OF_MONEY and re.match(r"经费|费|资金|工作|项目|多少钱|花|[万亿]?元|金额", compact[pos + len(hit[0]):]):
            hit = None   # "采购经理指数编制经费", "PMI编制多少钱": the 编制 of an item's name, not the staff count
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
    plan = re.search(r"(?:购置|购车|买车)计划|计划(?:购置|购买)", compact)
    if plan and any(m == "公务用车购置费" for m, _w in found) and not any(m == "购置车辆" for m, _w in found):
        # "公务用车购置计划": the plan is how many cars and the money for them ("计划购置车辆2辆、57万元")
        found.insert(0, ("购置车辆", plan.group()))
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
            or not (_MORE.search(compact) or re.search(r"少|低|小", compact) or _COMPARED.search(compact)):
        return []
    # (two names typed apart with a space are two names: "民政综合业务管理 社会组织管理 对比")
    return _two_joined(named, compact, r"和|与|跟|还是|、|或|(?i:vs|pk)|(?={b})")


def _two_joined(named: list[str], compact: str, joiners: str) -> list[str]:
    """The first two of the named chunks the question writes one after the other, joined by one of `joiners`
    (a pattern; {b} stands for the second name) and a 经费/项目/资金 the first may end with."""
    for a in named:
        for b in named:
            if a != b and re.search(re.escape(a) + r"(?:经费|项目|资金)?(?:" + joiners.format(b=re.escape(b)) + r")"
                                    + re.escape(b), compact):
                return [a, b]
    return []


_EACH = re.compile(r"分别|各自|各(?:是|为|有|要|花|安排|占)?(?:多少|几)")


def _two_rows_each(u: Understood, compact: str, named: list[str]) -> list[str]:
    """"民政综合业务管理和社会组织管理两个项目的预算分别是多少": one unit, two names joined by 和/与/及/、, each
    one's figure asked."""
    if len(u.units) != 1 or len(named) < 2 or not _EACH.search(compact):
        return []
    two = _two_joined(named, compact, r"和|与|跟|及|以及|、")
    # (the count after the second name is not part of it: "社会组织管理两个项目")
    return [two[0], re.sub(r"(?:这?[两二俩2]个?)$", "", two[1]) or two[1]] if two else []


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


# a name ending as organisations do (财政所, 监测站, 服务中心), left over once the question is read
_UNHELD_ORG = re.compile(r"(?<![哪各个本全每该此])([\u4e00-\u9fff]{1,8}?(?:研究所|所|中心|研究院|院|馆|站|队|处|室|学校|校))"
                         r"(?![\u4e00-\u9fff])")


def understand(engine, q: str) -> Understood:
    from .gazetteer import gazetteer_for

    gen = engine.generation()
    return read_question(q, gazetteer_for(gen), gen.aliases)


def read_question(q: str, gaz: Gazetteer, aliases) -> Understood:
    """The question's slots, from the gazetteer of the indexed documents and their unit aliases
    (query.build_aliases); needs no index, so every rule is unit-tested on small document lists.
    The registered readers run in the order they are defined below, each filling its slots of `Understood`
    and narrowing what is left unread (`Reading.rest`)."""
    r = Reading.start(q, gaz, aliases)
    for read in _READERS:
        read(r)
    return r.u


@dataclass
class Reading:
    """A question being read: its forms, what the readers have found so far (`u`) and what is left."""
    q: str
    gaz: Gazetteer
    aliases: object
    u: Understood
    normalized: str
    compact: str                     # without spaces, asides and the words announcing a list of units
    spaced: frozenset[int]           # where the question put spaces (positions in compact)
    counted: re.Match | None         # "这8个": the number of units the question says it lists
    spans: list[tuple[int, int]] = field(default_factory=list)   # what the units' names take of compact
    unlisted: str = ""               # why a ranking over the city's units is not the answer ("这8个", none named)
    definition: re.Match | None = None
    rest: str = ""                   # compact without what the readers have read
    bare: str = ""                   # rest without the tables' names
    chunks: list[str] = field(default_factory=list)   # the words left, as the question grouped them

    @classmethod
    def start(cls, q: str, gaz: Gazetteer, aliases) -> Reading:
        normalized = _shared_type_ending(_listed_stems_typed(normalize_query(q), gaz))
        compact = normalized.replace(" ", "")
        # "（不含基本支出）": what the question excludes is not what it asks for
        compact = _TABLE_ASIDE.sub("", _EXCLUDED.sub("", compact))
        counted = _LISTED_COUNT.search(compact)
        compact = _LIST_INTRO.sub("", compact)
        spaced = _spaces_in(normalized) if compact == normalized.replace(" ", "") else frozenset()
        return cls(q, gaz, aliases, Understood(q, normalized), normalized, compact, spaced, counted)


# "烟台信访 大数据 教育 民政 四个局": units listed without their type word, which the count after them gives once
_LISTED_WITHOUT_TYPE = re.compile(r"(?P<list>[\u4e00-\u9fff]{2,6}(?:(?:\s+|\s*[、，,和及与]\s*)[\u4e00-\u9fff]{2,6})+)"
                                  r"\s*(?:这|等|共)?(?P<n>[两二三四五六七八九十\d]{1,2})(?:个|家)(?P<type>局|委|办)")


_LIST_MARK = re.compile(r"( +|、|，|,)")


def _listed_stems_typed(normalized: str, gaz: Gazetteer) -> str:
    """"烟台 商务 科技 信访 三公经费比较" -> "烟台 商务局 科技局 信访局 …": departments listed by their bare stems
    (listed_stems.tsv) after a region, two or more names in a row, each a stem or a short form of its own
    (重庆 水利 科技 经信委) — the stems then stand for their departments. A stem alone is a word ("北京 财政 拨款")."""
    stems = lexicon.listed_stems()
    forms = lexicon.type_mention_pattern()[1]
    normalized = _listed_in_brackets(normalized, gaz)
    normalized = _one_type_in_each_region(normalized, gaz, stems)
    parts = _LIST_MARK.split(normalized)
    words = parts[0::2]
    i = 0
    while i < len(words):
        regions = [end for start, end, _ in gaz.region_mentions(words[i]) if start == 0]
        end = max(regions) if regions else 0
        first = words[i][end:]
        if not end or (first and first not in stems):
            i += 1
            continue
        j = i + 1
        while j < len(words) and (words[j] in stems or words[j] in forms):
            j += 1
        run = ([first] if first else []) + words[i + 1:j]
        if len(run) >= 2 and any(w in stems for w in run):
            words[i] = words[i][:end] + stems.get(first, first)
            words[i + 1:j] = [stems.get(w, w) for w in words[i + 1:j]]
        i = max(j, i + 1)
    parts[0::2] = words
    return "".join(parts)


_TYPE_AFTER_REGIONS = re.compile(r"^(?P<stem>[\u4e00-\u9fff]{2,4}?)(?:部门|系统)")


def _one_type_in_each_region(normalized: str, gaz: Gazetteer, stems: dict[str, str]) -> str:
    """"重庆 福州 商务部门 因公出国 对比" -> "重庆商务局 福州商务局 …": two or more regions listed, then one
    department's stem (listed_stems.tsv) with 部门: that department of each region."""
    words = normalized.split(" ")
    for i in range(2, len(words)):
        m = _TYPE_AFTER_REGIONS.match(words[i])
        if not m or m.group("stem") not in stems:
            continue
        regions = []
        for w in reversed(words[:i]):
            if not any(start == 0 and end == len(w) for start, end, _ in gaz.region_mentions(w)):
                break
            regions.insert(0, w)
        if len(regions) < 2:
            continue
        form = stems[m.group("stem")]
        typed = [r + form for r in regions]
        return " ".join(words[:i - len(regions)] + typed + [words[i][m.end():]] + words[i + 1:]).strip()
    return normalized


_BRACKETED_LIST = re.compile(r"(?P<before>\S*?)(?:部门|单位|委办局|局)[（(](?P<list>[^（）()]{2,60}?、[^（）()]{1,60})[）)]")


def _listed_in_brackets(normalized: str, gaz: Gazetteer) -> str:
    """"这四个广州部门（气象、发改、科技、司法）谁…" -> "这四个广州 气象、发改、科技、司法 谁…": the names listed
    in brackets after a region and 部门 are the region's departments, read as a list after the region."""
    m = _BRACKETED_LIST.search(normalized)
    if not m:
        return normalized
    before = m.group("before")
    at = next((start for start, end, _ in gaz.region_mentions(before) if end == len(before)), None)
    if at is None:
        return normalized
    return (normalized[:m.start()] + before[:at] + " " + before[at:] + " " + m.group("list") + " "
            + normalized[m.end():])


def _shared_type_ending(normalized: str) -> str:
    """"烟台信访 大数据 教育 民政 四个局" -> "烟台信访局、大数据局、教育局、民政局 四个局": each listed name takes the
    type word the count gives, when none of them ends with an organisation word of its own."""
    m = _LISTED_WITHOUT_TYPE.search(normalized)
    if not m:
        return normalized
    names = [n for n in re.split(r"\s+|\s*[、，,和及与]\s*", m.group("list")) if n]
    text = m.group("n")
    count = int(text) if text.isdigit() else _NUMERALS.get(text, 0)
    if not 2 <= count <= len(names) or any(ORG_NAME_END.search(n) for n in names):
        return normalized
    # the last `count` names are the units ("烟台 信访 大数据 两个局": 烟台 is the city before them)
    kept, typed = names[:len(names) - count], names[len(names) - count:]
    listed = " ".join(kept + ["、".join(n + m.group("type") for n in typed)])
    return normalized[:m.start()] + listed + " " + normalized[m.start("n"):]


_READERS: list = []


def _inside_a_word(compact: str, m) -> bool:
    """A mention that runs on into more of a name ("民政" of 民政综合业务管理), not one that ends where its word
    does (a space, 和/、, the question's end, or a unit's ending: 局, 委, 办)."""
    end = m.start + len(m.text)
    return end < len(compact) and re.match(r"[\u4e00-\u9fff]", compact[end]) is not None \
        and not ORG_NAME_END.search(m.text) and compact[end] not in "和与及跟、的局委办厅署"


def reader(read):
    """Register a reader of the question grammar: read(r: Reading) -> None fills slots of r.u. Readers run
    in the order they are registered (the order of this file), each seeing what the earlier ones found."""
    _READERS.append(read)
    return read


@reader
def _read_units(r: Reading) -> None:
    u = r.u
    u.units, u.scope_type, u.scope_region, r.spans = resolve_units(
        r.gaz, _quoted_items_masked(r.q, r.compact), r.aliases, r.spaced)
    r.unlisted = _check_count(u, r.counted, r.gaz)
    # "福州 科技局 福州大学…": the region named again narrows to the same unit; one unit, not two, and the
    # words are the item's (福州大学校地合作)
    # "深圳民政局 民政综合业务管理": a department's stem again inside a longer word is that word's, not the
    # department named a second time
    again = [m for i, m in enumerate(u.units)
             if m.held and m.doc_ids and not m.by_name
             and (m.region.startswith(m.text) or _inside_a_word(r.compact, m))
             and any(o.held and o.doc_ids == m.doc_ids for o in u.units[:i])]
    if again:
        u.units = [m for m in u.units if m not in again]
        r.spans = [sp for sp in r.spans if not any(sp == (m.start, m.start + len(m.text)) for m in again)]
    if len(u.units) >= 2 and all(m.held and m.doc_ids and m.doc_ids == u.units[0].doc_ids for m in u.units):
        # "上海国资委那份文件里的花卉良种试验场": every name read is of one document (the department's file
        # holds that unit's budget) — one unit, by its most specific name; the words stay consumed
        u.units = [max(u.units, key=lambda m: (m.by_name, len(m.text)))]
    r.spans += [(a, b) for a, b in rest_of_names(r.gaz, r.compact, u.units)
                if not any(a < s1 and s0 < b for s0, s1 in r.spans)]
    _own_office_named(r)


_OWN_OFFICE = re.compile(r"[（(]?本级[）)]?")


def _own_office_named(r: Reading) -> None:
    """"无锡教委（本级）", "无锡教育局本级": a department named with 本级 right after it is its own office's
    budget, not the department's whole one, where the corpus holds both."""
    for i, m in enumerate(r.u.units):
        at = r.compact.find(m.text, m.start)
        if at < 0 or not _OWN_OFFICE.match(r.compact, at + len(m.text)) or len(m.doc_ids) < 2:
            continue
        own = {d for d in m.doc_ids if d in r.gaz.entries and "本级" in r.gaz.entries[d].unit}
        if own and own != m.doc_ids:
            r.u.units[i] = replace(m, doc_ids=own)   # (a new mention: the gazetteer's may be shared)


@reader
def _read_year_and_basis(r: Reading) -> None:
    r.u.years = _years(r.compact)
    r.u.basis = "决算" if KIND_FINAL.search(r.compact) else ("预算" if "预算" in r.compact else "")


@reader
def _read_metric(r: Reading) -> None:
    u, compact = r.u, r.compact
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


@reader
def _read_operation(r: Reading) -> None:
    u, compact = r.u, r.compact
    r.definition = _DEFINITION.match(compact)
    _operation(u, compact)
    if u.operation == "share" and "占" in compact:
        # "项目支出占支出预算的比例": the part is what is asked, named before 占; the whole after it
        part = detect_metric(compact[:compact.find("占")])
        if part[0] and part[0] != u.metric:
            u.metric, u.metric_text = part
    if r.definition and u.operation == "lookup" and not (u.units and _UNITS_OWN.search(r.definition.group(0))):
        # (not "X局…项目的预算和绩效目标是什么": the unit's own figures and targets, not a term's meaning)
        u.operation, u.defines = "definition", (r.definition.group(1) or r.definition.group(2))
    bought = _BOUGHT_WHAT.search(re.sub(r"\s", "", r.q))   # (as typed: the synonyms read 买什么 as 政府采购)
    if bought and u.operation == "lookup" and u.units:
        u.operation, u.defines = "definition", bought.group(1)


@reader
def _read_rest(r: Reading) -> None:
    """What is left once units, metric and operation are read: the other figures asked beside the metric, the
    tables named, and (in r.bare) the rest without the tables' names."""
    u, compact = r.u, r.compact
    rest = compact
    for s0, s1 in merged_spans(r.spans):
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
    if u.metric == "房屋面积":
        # "占有使用的房屋面积有多少平方米": the area's unit and the assets section it is stated in
        rest = re.sub(r"平方米|平米|㎡|面积|国有资产|固定资产|资产|占有使用|占用|使用|办公", " ", rest)
    if "购置车辆" in (u.metric, *u.also_metrics):
        rest = re.sub(r"计划|拟|准备|打算|新?购置|购买|买|更新|公务用?车|公车|车", " ", rest)
    r.rest = r.bare = rest
    for asked, _table in lexicon.table_words():
        r.bare = r.bare.replace(asked, " ")


@reader
def _read_words_left(r: Reading) -> None:
    """The words left (r.chunks, u.unparsed); a name no held unit answers to among them is a unit not held."""
    u = r.u
    org = _UNHELD_ORG.search(r.rest)
    r.rest = _FILLER.sub(" ", r.rest)
    r.chunks = _as_spaced(_chunks(r.rest), r.compact, r.spaced)
    if org and not u.units and u.scope_region is not None and not u.scope_type \
            and all(c in org.group(1) for c in r.chunks):
        # "上海 财政所 公务接待费": a name with an organisation ending that no held unit answers to, and nothing
        # else asked of it, is a unit the corpus lacks, not the whole region (a subordinate unit's item —
        # "西安市法律援助中心 法律援助业务经费" — is looked for in the region's tables)
        name = u.scope_region.region
        u.subunit = org.group(1)
        u.not_held = not_held_reason(r.gaz, name, u.scope_region.doc_ids, org.group(1)).replace(
            f"本库未收录{name}{org.group(1)}的文件", f"本库未收录名为“{org.group(1)}”的{name}单位")
    u.unparsed = " ".join(r.chunks)


@reader
def _read_whole_budget(r: Reading) -> None:
    u, compact = r.u, r.compact
    if not u.metric and not r.chunks and not u.tables and u.operation in _WHOLE_BUDGET_OPERATIONS \
            and (u.units or u.scope_region is not None or u.scope_type) and _WHOLE_BUDGET.search(compact) \
            and not _SUBUNITS.search(compact):   # (not "所属预算单位有哪些")
        # "X局今年预算多少 / 预算比去年少了多少 / 谁的预算大": nothing but the budget asked is its whole total
        u.metric = "收入总计"


@reader
def _read_item(r: Reading) -> None:
    """The table row or project named (u.item), as written around (item_phrase) and without its table's name
    (item_bare); two rows compared; a second question after the first's end."""
    u, compact, chunks = r.u, r.compact, r.chunks
    # a chunk that only names a table (政府性基金) is not the item
    # (with a metric asked, a table's name alone is where the metric is read: "三公经费里的公务接待费")
    named = [c for c in chunks if c not in table_names() and not _metrics_own_word(u, c)] \
        or ([] if u.metric else chunks)
    quoted = _quoted_item(r.q, compact)
    if u.metric and named and not quoted:
        # "广州市民政局有多少辆车？房屋面积多少？": a second question after the first's end asks something else;
        # the metric the first asks is still answered, not replaced by the second's words as its item
        first_end = compact.find("?", compact.find(u.metric_text)) if u.metric_text in compact else -1
        later = [c for c in named if first_end >= 0 and compact.find(c) > first_end]
        if later and not (u.operation == "reason" and ASKS_REASON.search(compact[first_end + 1:])):
            # (not "…增加多少？原因有哪些？": the reason asked after the change is what the reason answer gives)
            named = [c for c in named if c not in later]
            u.second = compact[first_end + 1:]
    if u.operation in ("reason", "definition") or not (named or quoted):
        return
    # "西安市法律援助中心 法律援助业务经费": a name ending like an organisation, beside other words, is the
    # subordinate unit whose row is asked, not the row
    rows_named = [c for c in named if not ORG_NAME_END.search(c)] or named
    u.item = quoted or max(rows_named, key=len)
    u.item = lexicon.row_words().get(u.item, u.item)   # 物业 -> 物业管理费, 出差 -> 差旅费
    two = _two_rows_compared(u, compact, named)
    if two:
        u.operation, u.items = "item_compare", two
        u.direction = -1 if re.search(r"少|低|小|省", compact) and not _MORE.search(compact) else 1
    elif u.operation == "lookup" and (two := _two_rows_each(u, compact, named)):
        u.operation, u.items, u.each = "item_compare", two, True
    # the item without the table's name ("政府性基金城市建设" -> 城市建设), for when no row is named so
    bare_chunks = _chunks(_FILLER.sub(" ", r.bare))
    if quoted:
        # a quoted name is the row asked; words beside it (“信息化建设”（医疗保障管理事务）: the heading it is
        # under) are no other name for it
        bare_chunks = [c for c in bare_chunks if c in quoted]
    u.item_bare = max(bare_chunks, key=len) if bare_chunks else ""
    u.item_phrase = _as_written(compact, u.item, chunks) or _piece(r.normalized, compact, r.spans, u.item)
    if "项目支出" not in u.tables and (re.search(re.escape(u.item) + r"(?:经费|资金)?项目(?!支出)", compact) or (
            u.items and (re.search(r"(?:[两二2俩]个|这两|二者|两者|各)项目", compact) or any(
                re.search(re.escape(i) + r"(?:经费|资金)?项目(?!支出)", compact) for i in u.items)))):
        # "应急物资储备项目预算多少", "A和B两个项目分别多少": the rows of the project table, not 功能分类 rows of
        # the same names
        u.tables.append("项目支出")


@reader
def _read_purpose_asked_after(r: Reading) -> None:
    """"政府性基金预算支出多少？用于什么？": what the figure (or item) is for, asked after its amount — a second
    question of the same figure, answered after the first (qa._with_second)."""
    u, compact = r.u, r.compact
    named = u.metric_text or u.item_phrase or u.item
    if u.second or u.operation != "lookup" or not named or named not in compact:
        return
    # the first question ends at its "？" or, typed without one, right after its 多少 ("…支出多少 用于什么")
    asked = re.compile(r"[?]|(?:是|有)?多少(?:钱|万元?|元)?").search(compact, compact.find(named) + len(named))
    after = compact[asked.end():].lstrip("?") if asked else ""
    if after and _PURPOSE.search(after):
        u.second = named + after


@reader
def _read_sentence_operations(r: Reading) -> None:
    """What only a sentence answers: what an item is for, the unit's offices, units and duties."""
    _purpose(r.u, r.compact)
    _structure(r.u, r.compact)


@reader
def _read_held(r: Reading) -> None:
    """Whether the corpus holds what is asked: both years of one figure, units and years not held, a list of
    units said to be N long."""
    u = r.u
    _both_years(u, r.compact, r.gaz)
    _check_held(u, r.gaz)
    if r.unlisted and not u.not_held and u.operation in ("max", "min"):
        # which of the city's units is largest among "这8个" is not said when the 8 are not (a list of those at
        # zero, or above it, is still the city's list: each unit in it is one of them or not)
        u.not_held = r.unlisted


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
    whole = _SHARE_OF_THE_BUDGET.search(compact) if u.operation == "share" else None
    if whole is not None and whole.group(1) in rest:
        rest = rest.replace(whole.group(1), " ", 1)   # "财政拨款占收入多少比例": the whole the share is of
    return rest


# the budget's whole a share is asked of, after 占 ("占收入多少比例", "占部门总支出的比重")
_SHARE_OF_THE_BUDGET = re.compile(r"占(?:部门|全部)?(?:总)?((?:收入|支出)(?:预算)?(?:总额|总计)?)(?![\u4e00-\u9fff]*?(?:费|项目))")


def _row_and_column(compact: str) -> tuple[str, str] | None:
    """(column metric, its words) when the question names one figure that is also an 经济分类 row and one column
    those tables split it into, beside each other ("会议费 项目支出", "项目支出中的培训费") — not two figures asked
    ("培训费和项目支出各多少")."""
    found = [f for f in detect_metrics(compact) if f[0]]
    if len(found) != 2:
        return None
    column = [f for f in found if f[0] in COLUMN_METRICS]
    row = [f for f in found if f[0] in _ROW_METRICS]
    if len(column) != 1 or len(row) != 1 or _EACH.search(compact):
        return None
    lo, hi = sorted((compact.find(column[0][1]), compact.find(row[0][1])))
    return None if _JOINED.search(compact[lo:hi]) else column[0]


_EACH = re.compile(r"各|分别")
_A_FUND = re.compile(f"(?:{'|'.join(FUNDS)})?(?:预算)?(?:财政)?拨款|一般公共预算")   # (a fund's own words, FUNDS)
_JOINED = re.compile(r"[，,、和及与]|[？?]")


def _metrics_own_word(u: Understood, chunk: str) -> bool:
    """"不买公车 购置费0": 购置费 is the asked metric's own word (公务用车购置费, asked as 买公务用车), no item."""
    return bool(u.metric) and chunk.endswith("费") and chunk in u.metric and chunk not in u.metric_text


def _also_asked(u: Understood, compact: str, rest: str) -> str:
    """"会议费、培训费各多少", "有多少辆公务车？计划购置几辆？": every figure a lookup names is asked, each answered
    (a figure that only places the asked one — "基本支出中公务用车运行维护费", a whole of its part — is not).
    Returns the question's rest without them."""
    if not (u.operation == "lookup" and len(u.units) == 1 and u.metric
            and re.search(r"各|分别|[？?].|[，,、和及与]|\s\S+\s|(?:购置|购车|买车)计划|计划(?:购置|购买)", u.normalized)):
        return rest   # (a purchase plan: how many cars and the money, detect_metrics)
    row_of_column = u.metric in COLUMN_METRICS and _row_and_column(compact) is not None
    for other, other_text in detect_metrics(compact):
        if row_of_column and other in _ROW_METRICS:
            continue   # "会议费 项目支出": the row whose column is asked, the item
        if other_text and _A_FUND.fullmatch(other_text) and other_text + u.metric_text in strip_quotes(u.normalized) \
                and not _EACH.search(compact):
            continue   # "财政拨款三公经费": the fund written right before the figure only qualifies it (no space)
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
            and not re.search(r"多少|几|金额|(?:预算|资金)数?[和及与、](?:绩效)?目标", compact):
        u.operation = "purpose"   # (of a figure too: "项目支出主要用于哪些工作")


# what a named item is for ("用来干什么", "用途", "主要用于什么"): a sentence, not its figure
_PURPOSE = re.compile(r"用途|用来(?:干|做)|干什么|做什么|干嘛|用于(?:什么|哪)|用在(?:什么|哪)|作什么用|有什么用|(?:绩效)?目标是(?:什么|啥)|(?:绩效|年度|总体)目标")


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
    for s0, s1 in merged_spans(spans):
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
    # single characters left between removed words are debris (局, 委, 总 …), not content; a squad named right
    # before its item ("执法监察支队专项业务", the 的 left out) is two words, as "执法监察支队的专项业务" is
    rest = _SQUAD_THEN_ITEM.sub(r"\1 ", rest)
    return [c for c in re.sub(r"\s+", " ", rest).strip().split(" ") if len(c) >= 2]


_SQUAD_THEN_ITEM = re.compile(r"([\u4e00-\u9fff]{2,}?(?:支队|大队|总队))(?=[\u4e00-\u9fff]{2})")


def _operation(u: Understood, text: str) -> None:
    text = re.sub(r"有没有|有无", "有", text)   # "有没有安排委托业务费": whether, and how much — not a list of none
    for term in lexicon.name_terms():
        text = text.replace(term, "名" * len(term))   # "应对气候变化管理事务": a name's 变化 asks no change
    asks_item = bool(_ITEM_ASK.search(text))
    if ASKS_REASON.search(text):
        u.operation = "reason"
        return
    threshold = _THRESHOLD.search(text) or _THRESHOLD_AFTER.search(text)
    if threshold and (_A_PRICE_BEFORE.search(text[:threshold.start()]) or (
            _ASSETS_AFTER.match(text[threshold.end():]) and _ASSETS_COUNTED.search(text))):
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
    if len(u.units) >= 2 and DIFFERENCE.search(text) and not re.search(r"上年|去年|同比|[比较]20[1-3]\d", text):
        # "审计局跟执法总队比，机关运行经费差多少": the two figures, which is more, and by how much
        u.operation, u.direction = "compare", 1
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
