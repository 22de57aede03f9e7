"""Document metadata read from the content (never the file name): unit, region, year, kind.

Crawled file names are often wrong (a file named after one bureau holds another's budget; a "2026" file
holds a 2022 budget), so every field comes from the title zone or the body. A field that cannot be found
stays empty.
"""
from __future__ import annotations

import re
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
_GENERIC_TAILS = ("部门", "单位", "本级", "市级", "区级", "县级")


@dataclass
class DocumentMeta:
    unit: str = ""
    region: str = ""
    year: int | None = None
    kind: str = ""       # 预算 or 决算
    title: str = ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _clean_unit(unit: str) -> str:
    unit = re.sub(r"^(?:关于|印发|公开|\d+)", "", unit)
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
    meta.region = region_of(meta.unit)
    if not meta.region:
        match = re.search(r"([\u4e00-\u9fff]{2,3}?(?:省|市|自治区))20\d\d年", flat_head)
        if match:
            meta.region = match.group(1)
    meta.title = " ".join(x for x in (meta.unit, f"{meta.year}年" if meta.year else "",
                                      f"部门{meta.kind}" if meta.kind else "") if x)
    return meta
