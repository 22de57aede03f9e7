"""Document metadata read from the content (never the file name): unit, region, year, kind.

Crawled file names are often wrong (a file named after one bureau holds another's budget; a "2026" file
holds a 2022 budget or is not a budget at all but a notice, a 绩效评价 report or a work report), so every
field comes from the title zone or the body. A field that cannot be found stays empty.

kind is 预算, 决算 or 其他 (anything that is not a budget or final-accounts disclosure); doc_type names what
the document is (部门预算, 部门决算, 通知, 绩效评价报告, 工作报告 …) and year is the year it is about: the
budget year of a budget, the year in the title of anything else (else the year of its document number).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .clean import Line

_ORG_SUFFIX = (r"(?:委员会|办公室|办公厅|管理局|事务局|支队|总队|大队|中心|学院|大学|学校|医院|研究院|研究所|"
               r"执法局|局|厅|委|院|所|部|会|队|站|馆|处|署|办|社|团|室)")
_UNIT = rf"(?:中共)?[\u4e00-\u9fff（）()]{{2,40}}?{_ORG_SUFFIX}"
# after an explicit label the name runs to the next label, whatever its last character (…良种试验场)
_LABELLED_UNIT = re.compile(r"(?:预算单位|部门名称|单位名称|部门\(单位\)|部门（单位）)\s*[:：]\s*"
                            r"((?:(?!金额单位|单位[:：]|部门名称|预算单位)[\u4e00-\u9fff（）()·]){2,40})")
_YEAR = r"(20[1-3]\d)年度?"
_TITLE_PATTERNS = [
    # 2024年临夏州医疗保障局部门（单位）预算 / 2026年深圳市司法局（本级）部门预算 / 2026年度福州市商务局部门预算
    re.compile(rf"{_YEAR}({_UNIT})(?:[（(](?:本级|汇总|单位)[）)])?(?:部门|单位)?(?:[（(]单位[）)])?(?:综合)?(预算|决算)"),
    # 北京市医疗保障局2026年度部门预算 / 西安市司法局（汇总）2026年部门预算公开说明
    re.compile(rf"({_UNIT})(?:部门)?(?:[（(](?:本级|汇总)[）)])?{_YEAR}(?:部门|单位)?(?:综合)?(预算|决算)"),
]
_BODY_UNIT_YEAR = re.compile(rf"({_UNIT}){_YEAR}")
_REGION = re.compile(
    r"^(?:中共)?(?P<prov>[\u4e00-\u9fff]{2,3}?(?:省|自治区))?"
    r"(?P<city>[\u4e00-\u9fff]{1,4}?(?:市|自治州|州|地区|盟))?"
    r"(?P<county>[\u4e00-\u9fff]{1,4}?(?:新区|区|县|旗))?"
)
_CITY_MENTION = re.compile(r"([\u4e00-\u9fff]{2,4}市)")


def _known_city(text: str) -> str:
    """The city a "…市" run ends with, if it is one ("年度长沙市" -> 长沙市; "城市" -> "")."""
    from .regions import regions

    by_form = regions()[1]
    for size in (4, 3):
        name = text[-size:]
        if len(name) == size and any(r.name == name and r.level in ("city", "province") for r in by_form.get(name, [])):
            return name
    return ""
_GENERIC_TAILS = ("部门", "单位", "本级", "市级", "区级", "县级")


@dataclass
class DocumentMeta:
    unit: str = ""
    region: str = ""
    year: int | None = None
    kind: str = ""       # 预算, 决算 or 其他
    title: str = ""
    doc_type: str = ""   # 部门预算 / 部门决算 / 通知 / 绩效评价报告 / 工作报告 / …


KIND_OTHER = "其他"
# a budget title in the opening lines: "2025年度无锡市信访局部门预算公开", "西安市交通运输局2022年部门综合预算"
_BUDGET_TITLE = re.compile(r"(20[1-3]\d)\s*年?度?[^\n]{0,40}?(?:部门|单位)[^\n]{0,8}?(?:综合)?(预算|决算)"
                           r"|(?:部门|单位)[^\n]{0,6}?(20[1-3]\d)年度?(?:部门|单位)?(?:综合)?(预算|决算)")
# what a document that is not a budget says it is, in its title (most specific first)
_OTHER_TYPES = [
    ("绩效评价报告", re.compile(r"绩效(?:评价|自评|评估)(?:报告|结果|情况)")),
    ("通知", re.compile(r"的通知|通知$")),
    ("通报", re.compile(r"的通报|通报$")),
    ("通告", re.compile(r"通告")),
    ("工作报告", re.compile(r"(?:工作|建设|履职|执行情况)(?:报告|总结)|工作总结|年度报告")),
    ("政务公开材料", re.compile(r"信息公开(?:申请表|流程图|指南)|咨询(?:热线|电话)")),
    ("统计数据", re.compile(r"主要指标|统计(?:公报|数据|月报)")),
    ("政策文件", re.compile(r"(?:实施|管理)?(?:办法|细则|意见|规划|方案)(?:》|$)")),
]
_DOC_NUMBER_YEAR = re.compile(r"〔(20[1-3]\d)〕|\[(20[1-3]\d)\]")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _clean_unit(unit: str) -> str:
    unit = re.sub(r"^(?:关于|印发|公开|\d+|日(?!照))", "", unit)   # "…27日泉州市商务局": a date ends before the name
    unit = re.sub(r"^[^（(]*[）)]", "", unit)   # "（此件主动公开）浙江省…": a remark closed before the name
    unit = re.sub(r"[（(](?:本级|汇总|单位)[）)]$", "", unit)
    for tail in _GENERIC_TAILS:
        if unit.endswith(tail) and len(unit) > len(tail) + 2:
            unit = unit[: -len(tail)]
    return unit


def region_of(unit: str) -> str:
    unit = re.sub(r"^中国共产党", "", unit or "")
    match = _REGION.match(unit)
    if not match:
        return ""
    region = "".join(g for g in (match.group("prov"), match.group("city")) if g)
    if region.endswith("州") and unit[len(region):len(region) + 1] == "市":
        region += "市"  # 广州市, not 广州 + 市…
        county = _REGION.match("x市" + unit[len(region):]).group("county")
    else:
        county = match.group("county")
    region += county or ""
    return region if region != unit else ""


def extract_metadata(lines: list[Line]) -> DocumentMeta:
    meta = DocumentMeta()
    head_lines = [ln.text for ln in lines[:14]]
    head = "\n".join(_squash(t) for t in head_lines)
    flat_head = head.replace("\n", "")
    body = _squash("\n".join(ln.text for ln in lines[:4000]))

    for pattern in _TITLE_PATTERNS:
        match = pattern.search(flat_head)
        if match:
            groups = match.groups()
            if pattern is _TITLE_PATTERNS[0]:
                year, unit, kind = groups
            else:
                unit, year, kind = groups
            meta.year, meta.unit, meta.kind = int(year), _clean_unit(unit), kind
            break

    # labels are matched on the unsquashed lines: a space ends the name ("单位名称：XX局 保密审查情况")
    raw_head = "\n".join(head_lines)
    raw_body = "\n".join(ln.text for ln in lines[:600])
    labelled = _LABELLED_UNIT.search(raw_head) or _LABELLED_UNIT.search(raw_body)
    if labelled:
        meta.unit = _clean_unit(labelled.group(1))  # "预算单位：X" names the unit exactly

    if not meta.unit:
        # unit on its own line above "2024年部门预算" (the common cover page)
        for i, text in enumerate(head_lines[:-1]):
            nxt = _squash(head_lines[i + 1])
            if re.fullmatch(_UNIT, _squash(text)) and re.match(r"(20[1-3]\d)年?度?(?:部门|单位)?(?:综合)?(预算|决算)", nxt):
                meta.unit = _clean_unit(_squash(text))
                break
    if not meta.unit:
        counts = Counter(u for u in (_clean_unit(m.group(1)) for m in _BODY_UNIT_YEAR.finditer(body))
                         if len(u) <= 20 and not u.startswith(("年", "度")))
        if counts:
            meta.unit = counts.most_common(1)[0][0]

    if meta.year is None:
        match = re.search(rf"{_YEAR}(?:[^\n]{{0,12}}?)(预算|决算)", flat_head)
        if match:
            meta.year = int(match.group(1))
            meta.kind = meta.kind or match.group(2)
    if meta.year is None:
        years = Counter(int(m.group(1)) for m in re.finditer(rf"{_YEAR}(?:部门|单位)?(?:综合)?(?:预算|决算)", body))
        if years:
            meta.year = years.most_common(1)[0][0]
    if not meta.kind:
        # the title says which: the first of the two words in the opening lines
        title_zone = "".join(_squash(t) for t in head_lines[:4])
        first = re.search(r"决算|预算", title_zone) or re.search(r"决算|预算", flat_head)
        if first:
            meta.kind = first.group()
        else:
            final = body.count("决算")
            meta.kind = "决算" if final > body.count("预算") else ("预算" if "预算" in body else "")

    if meta.unit and re.search(re.escape(_squash(meta.unit)) + r"[（(]本级[）)]", flat_head):
        # "无锡市教育局（本级）" is the bureau's own budget, not the department's consolidated one: another unit
        meta.unit += "（本级）"
    _classify(meta, head_lines, lines, body)
    meta.region = region_of(meta.unit)
    if not meta.region:
        match = re.search(r"([\u4e00-\u9fff]{2,3}?(?:省|市|自治区))20\d\d年", flat_head)
        if match:
            meta.region = match.group(1)
    if not meta.region:
        # notices, reports and OCR'd scans often name no unit in a title we can read: the city the text
        # keeps naming is where it is from ("长沙市…" twenty times), so a question naming the city finds it
        cities = Counter(c for c in (_known_city(m.group(1)) for m in _CITY_MENTION.finditer(body)) if c)
        if cities and cities.most_common(1)[0][1] >= 2:
            meta.region = cities.most_common(1)[0][0]
            if meta.unit and re.search(r"[对的为在和与]", meta.unit):
                # "项目效益五个方面对市交警支队" (a sentence read as a name): keep the name after the last
                # function word, placed in the city ("长沙市交警支队")
                tail = re.split(r"[对的为在和与]", meta.unit)[-1]
                meta.unit = meta.region + tail[1:] if tail.startswith("市") and len(tail) >= 4 else meta.unit
            elif meta.unit.startswith("市") and len(meta.unit) >= 4:
                meta.unit = meta.region + meta.unit[1:]   # "市文旅广电局" in a city's own notice
    if meta.kind == KIND_OTHER:
        meta.title = " ".join(x for x in (meta.unit, f"{meta.year}年" if meta.year else "", meta.doc_type) if x)
    else:
        meta.title = " ".join(x for x in (meta.unit, f"{meta.year}年" if meta.year else "",
                                          f"部门{meta.kind}" if meta.kind else "") if x)
    return meta


def _classify(meta: DocumentMeta, head_lines: list[str], lines: list[Line], body: str) -> None:
    """预算/决算 only when the opening lines carry a budget title (or, with no title at all, the body is
    made of budget tables); anything else is 其他 with the type its title names, and its year is the year
    its title speaks of."""
    title_zone = unicodedata.normalize("NFKC", "".join(_squash(t) for t in head_lines[:8]))
    budget = _BUDGET_TITLE.search(title_zone)
    # title lines are short; a long line is body text that may cite another document's title
    title_lines = [unicodedata.normalize("NFKC", _squash(t)) for t in head_lines[:8] if len(_squash(t)) <= 40]
    other_type = ""
    for name, pattern in _OTHER_TYPES:
        if any(pattern.search(t) for t in title_lines):
            other_type = name
            break
    if budget and (not other_type or budget.start() <= _first_position(title_zone, other_type)):
        meta.kind = budget.group(2) or budget.group(4)
        meta.doc_type = f"部门{meta.kind}"
        return
    budget_tables = len(re.findall(r"(?:预算|决算)(?:表|数)|财政拨款|项目支出|基本支出", body[:20000]))
    if not other_type and meta.kind and budget_tables >= 5:
        meta.doc_type = f"部门{meta.kind}"
        return
    meta.kind = KIND_OTHER
    meta.doc_type = other_type or KIND_OTHER
    # "2025年度…报告", "关于下达2025年…的通知"; a range ("2025—2035年" of a plan) is not the year
    title_years = [int(y) for y in re.findall(r"(?<![\d—\-－~至])(20[1-3]\d)年(?!\d)", title_zone)]
    numbers = _DOC_NUMBER_YEAR.search(title_zone)
    if title_years:
        meta.year = title_years[0]
    elif numbers:
        meta.year = int(numbers.group(1) or numbers.group(2))
    else:
        years = Counter(int(y) for y in re.findall(r"(20[1-3]\d)年", body[:5000]))
        meta.year = years.most_common(1)[0][0] if years else None


def _first_position(title_zone: str, other_type: str) -> int:
    pattern = dict(_OTHER_TYPES)[other_type]
    match = pattern.search(title_zone)
    return match.start() if match else len(title_zone)



def unit_in_file_name(file: str) -> str:
    """"2026年上海市医疗保障局_部门预算.pdf" -> 上海市医疗保障局; "广州_民政局_2026年部门预算.pdf" -> 广州民政局."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", unicodedata.normalize("NFKC", file).rsplit("/", 1)[-1])
    return re.sub(r"20\d\d年?(?:度)?|部门(?:预算|决算)|单位(?:预算|决算)|[_\-\s]", "", stem)


def search_title(title: str, unit: str | None, file: str) -> str:
    """The words a document's title field is searched by: its title as read from the content, plus the unit its
    file is named after when the content names another one or none ("2026年潍坊市统计局部门预算.pdf" holding a
    2024 通报; "2026年上海市交通运输局_部门预算.pdf" holding 上海交通职业技术学院's budget). A journalist asks by the
    name on the file, so search should find the file by it, weighted as a title word; who the figures belong to
    still comes from the content alone."""
    named = unit_in_file_name(file)
    if len(re.findall(r"[\u4e00-\u9fff]", named)) < 3 or (unit and named.replace("市", "") in unit.replace("市", "")):
        return title
    return f"{title} {named}"
