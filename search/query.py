"""Query understanding: normalisation, how-people-ask synonyms, and unit/region/year/kind hints.

Hints are matched against the metadata of the indexed documents (not a fixed list), so a query naming
临夏州 or 东昌府区 finds the document whose unit is written that way, and 海东市 alone prefers
海东市医疗保障局 over 海东市平安区医疗保障局 (longest match wins).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

_QUOTES = re.compile(r"[“”‘’\"'「」『』〝〞]")
_YEAR = re.compile(r"(20[1-3]\d)\s*年?")
_REGION_PART = re.compile(r"[\u4e00-\u9fff]+?(?:省|自治区|自治州|市|州|地区|盟|新区|区|县|旗)")
_DEFINITION = re.compile(r"^(?:什么是|何为|何谓)(.+?)[?？]?$|^(.+?)(?:是什么|指什么|是指什么|的定义|的含义|什么意思)[?？]?$")
ASKS_REASON = re.compile(r"为什么|为何|为啥|原因|怎么回事|咋回事|怎么会|(?:怎么|咋)(?:涨|增|降|减|少|多|变|翻)")   # a reason is asked: a sentence answers, not a figure
# what was actually spent is a 决算's figure ("实际花了多少", "实际支出")
KIND_FINAL = re.compile(r"决算|实际(?:支出|花|用|开支|发生)?|执行情况")


_EXACT_PHRASE = re.compile(r'"([^"]{2,})"')   # any length: the engine refuses over-long ones with a 400


def exact_phrases(raw: str) -> list[str]:
    """Phrases the user put in straight double quotes ("监督执法项目经费"): results must contain them as
    written. Curly quotes (“三公”经费) are part of how documents write terms and are not search syntax."""
    return [p.strip() for p in _EXACT_PHRASE.findall(unicodedata.normalize("NFKC", raw or "")) if p.strip()]


_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})\s*年")
_CN_SHORT_YEAR = re.compile(r"(?<![〇零○一二三四五六七八九十百千万两几\d])([一二][〇零○一二三四五六七八九])\s*年(?!\d)")   # 一九年, 二六年
_SHORT_YEAR = re.compile(r"(?<![\d.])([1-3]\d)\s*年(?!度?[\d])")
_BARE_YEAR = re.compile(r"(?<![\d.,])(20[1-3]\d)(?![\d.,%]|\s*(?:万|亿|元|年|个|人|名|辆|项))")
# relative years; "比去年/较上年" compares with the previous year and names no year of its own
_COMPARED_YEAR = re.compile(r"(比|较|与|同|跟|和)(去年|上年|上一年)")
_ASKED_LAST_YEAR = re.compile(r"(?<![比较与同跟和])上年度?(?!结转|结余|末|底|相比|同期|增|减|执行)")
_RELATIVE_YEARS = (("前年", -2), ("去年", -1), ("上一年度", -1), ("今年", 0), ("本年度", 0), ("明年", 1))


def normalize_years(text: str, this_year: int | None = None) -> str:
    """Written years -> "2026年": 二〇二六年, 二六年, 26年, 今年/去年/明年, a bare 2026 in a keyword query."""
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", text)
    text = _CN_SHORT_YEAR.sub(lambda m: "20" + "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", text)
    text = _SHORT_YEAR.sub(lambda m: f"20{m.group(1)}年", text)
    text = _COMPARED_YEAR.sub(lambda m: m.group(1) + "上年", text)
    # "三公经费上年预算多少": the year asked (not "比上年", "上年结转", the compared year or the carry-over)
    asked_last = _ASKED_LAST_YEAR.search(text)
    if asked_last:
        if this_year is None:
            from .config import current_year

            this_year = current_year()
        text = _ASKED_LAST_YEAR.sub(f"{this_year - 1}年", text)
    if any(word in text for word, _ in _RELATIVE_YEARS):
        if this_year is None:
            from .config import current_year

            this_year = current_year()
        for word, offset in _RELATIVE_YEARS:
            text = text.replace(word, f"{this_year + offset}年")
    text = _BARE_YEAR.sub(lambda m: m.group(1) + "年", text)
    return re.sub(r"(20[1-3]\d)年\s*年", r"\1年", text)


@functools.lru_cache(maxsize=1)
def synonyms() -> list[tuple[re.Pattern, str]]:
    """How people ask -> how the documents say it, in order (search/data/query_synonyms.tsv)."""
    from .regions import data_rows

    return [(re.compile(pattern), replacement) for pattern, replacement in data_rows("query_synonyms.tsv")]


def normalize_query(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _QUOTES.sub("", text)
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = normalize_years(text)
    for pattern, replacement in synonyms():
        text = pattern.sub(replacement, text)
    return text


@dataclass
class UnitAlias:
    text: str
    doc_id: str
    strength: float   # longer, more specific aliases beat region-only mentions


@dataclass
class ParsedQuery:
    raw: str
    text: str                      # normalised query
    keyword_text: str              # normalised query without the unit/year/kind mentions
    doc_scores: dict[str, float] = field(default_factory=dict)  # documents the query names
    year: int | None = None
    kind: str = ""
    unit_mentions: list[str] = field(default_factory=list)
    defines: str = ""              # "什么是三公经费" asks for the definition of 三公经费
    phrases: list[str] = field(default_factory=list)   # exact phrases the results must contain


def _short_forms(name: str) -> set[str]:
    """Ways a name is written: 临夏回族自治州 -> 临夏州; 东昌府区 -> 东昌府; 海东市 -> 海东."""
    forms = {name}
    forms.add(re.sub(r"^([\u4e00-\u9fff]{2,3}?)(?:[\u4e00-\u9fff]{1,2}族)+自治(州|县)", r"\1\2", name))
    for form in list(forms):
        stripped = re.sub(r"(市|州|区|县|省|新区)$", "", form)
        if len(stripped) >= 2:
            forms.add(stripped)
    return {f for f in forms if len(f) >= 2}


# a unit's name with its second name in brackets, the second one a name of its own (…中心, …研究所)
SECOND_NAME = re.compile(r"(.{4,}?)\s*[(（]\s*(.{4,}?(?:中心|研究所|研究院|办公室|局|委员会|馆|院|所|站|队))\s*[)）]")


def build_aliases(documents) -> list[UnitAlias]:
    """Aliases for each document from its unit and region (documents: objects with doc_id/unit/region)."""
    aliases: list[UnitAlias] = []
    for doc in documents:
        unit = normalize_query(doc.unit)
        region = normalize_query(doc.region)
        if unit:
            names = set()
            # "上海市统计和大数据研究院(上海市统计数据管理中心)": a unit known by two names is named by either
            alternative = SECOND_NAME.fullmatch(unit)
            for written in ([unit, alternative.group(1), alternative.group(2)] if alternative else [unit]):
                names.add(written)
                if not (region and written.startswith(region)):
                    continue
                rest = written[len(region):]
                parts = _REGION_PART.findall(region)
                # 海东市平安区医疗保障局 -> 平安区医疗保障局 (drop the city, keep the county — never the reverse:
                # 海东市医疗保障局 is another unit)
                for i in range(len(parts)):
                    lower = "".join(parts[i:])
                    for short in _short_forms(parts[i]):
                        names.add(short + "".join(parts[i + 1:]) + rest)
                    names.add(lower + rest)
            for name in list(names):
                for short in _short_forms(name):
                    names.add(short)
            # "深圳市医疗保障局(本级)" is also named without the qualifier (with the department, if held)
            names |= {n.removesuffix("(本级)") for n in names if n.endswith("(本级)")}
            for name in names:
                if len(name) >= 4:
                    aliases.append(UnitAlias(name, doc.doc_id, float(len(name))))
        if region:
            for part in _REGION_PART.findall(region):
                for short in _short_forms(part):
                    aliases.append(UnitAlias(short, doc.doc_id, len(short) * 0.5))
    aliases.sort(key=lambda a: -len(a.text))
    return AliasTable(aliases)


class AliasTable(list):
    """The aliases, longest first, plus each distinct written form with its (doc_id, strength) entries:
    a unit that publishes every year has the same aliases in each year's document, so reading a query
    tests each distinct form once instead of once per document (the work grew with the archive)."""

    def __init__(self, aliases):
        super().__init__(aliases)
        self.forms: dict[str, list[tuple[str, float]]] = {}
        for alias in self:
            self.forms.setdefault(alias.text, []).append((alias.doc_id, alias.strength))


def parse_query(raw: str, aliases: list[UnitAlias], known_years: set[int] | None = None) -> ParsedQuery:
    text = normalize_query(raw)
    parsed = ParsedQuery(raw=raw, text=text, keyword_text=text, phrases=exact_phrases(raw))
    compact = text.replace(" ", "")
    best: dict[str, float] = {}
    consumed = compact
    forms = getattr(aliases, "forms", None)
    if forms is None:   # a plain list of UnitAlias
        forms = {}
        for alias in aliases:
            forms.setdefault(alias.text, []).append((alias.doc_id, alias.strength))
    # forms keep the aliases' order (longest first), so mentions are consumed as they were alias by alias
    for form, entries in forms.items():
        if form in compact:
            for doc_id, strength in entries:
                if strength > best.get(doc_id, 0):
                    best[doc_id] = strength
            if form in consumed:
                parsed.unit_mentions.append(form)
                consumed = consumed.replace(form, " ")
    if best:
        top = max(best.values())
        # keep only the most specific reading: "海东市医疗保障局" names 海东市, not 海东市平安区
        parsed.doc_scores = {d: s / top for d, s in best.items() if s >= top * 0.999}
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        if known_years is None or year in known_years:
            parsed.year = year
            break
    definition = _DEFINITION.match(text.strip())
    if definition:
        parsed.defines = (definition.group(1) or definition.group(2)).strip()
    if KIND_FINAL.search(text):
        parsed.kind = "决算"
    keyword = consumed
    if parsed.year:
        keyword = re.sub(rf"{parsed.year}\s*年?度?", " ", keyword)
    keyword = re.sub(r"\s+", " ", keyword).strip()
    parsed.keyword_text = keyword if re.search(r"[\w]", keyword) else text
    return parsed


def without_mentions(keyword_text: str, mentions) -> str:
    """The words to rank by, without what is left of the units the question names. The document aliases
    consume a unit's full and regional forms, not every short form the answerer's gazetteer reads
    ("北京 退役军人局 其他收入" keeps 退役军人局): within the named unit's documents every passage holds its
    name, and ranking by it put the unit's duties above its "9.其他收入 242069.29 万元". What is left of a
    mention is the longest end of it still in the text (the department word: 退役军人局, 规自局), never a
    part from its middle (上海市财政局 does not take 财政 from 财政拨款收入)."""
    compact = keyword_text.replace(" ", "")
    for mention in mentions:
        mention = re.sub(r"\s", "", mention)
        for start in range(len(mention) - 1):
            tail = mention[start:]
            if tail in compact:
                pattern = r"\s*".join(map(re.escape, tail))
                keyword_text = re.sub(pattern, " ", keyword_text, count=1)
                compact = keyword_text.replace(" ", "")
                break
    keyword_text = re.sub(r"\s+", " ", keyword_text).strip()
    return keyword_text if re.search(r"\w", keyword_text) else ""
