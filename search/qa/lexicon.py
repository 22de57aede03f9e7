"""The vocabularies questions are read with, loaded from data files in search/data/ (not code branches).

- departments.tsv: department types — the pattern their official names match and the short forms people
  write (卫健委, 人社局, 规自局 …);
- regions.tsv: the national table of provinces, cities and counties (from cpca, see tools/make_regions.py),
  so a question naming a city the corpus does not hold is recognised as such instead of ignored;
- metrics.tsv: how people name a figure (收支总预算, 招待费, 公车经费 …) -> the metric of the figures table.
Adding a short form or synonym is a one-line change to a data file, covered by the tests that read them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@dataclass(frozen=True)
class DepartmentType:
    name: str                 # canonical, e.g. 卫生健康委员会
    official: re.Pattern      # matched against the tail of a unit's official name
    short_forms: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def department_types() -> tuple[DepartmentType, ...]:
    types = []
    for name, pattern, forms in _rows("departments.tsv"):
        short = tuple(sorted({f.strip() for f in forms.split("、") if f.strip()} | {name}, key=len, reverse=True))
        # the type word must end the unit's name: 上海市医疗保险事业管理中心 is not a 医疗保障局
        official = re.compile(rf"(?:{pattern})(?:[\u4e00-\u9fff]{{0,6}}?(?:局|委员会|委|厅|办公室|办|支队|大队|总队|部))?$")
        types.append(DepartmentType(name, official, short))
    return tuple(types)


def type_of_unit(unit: str) -> str:
    """The department type of an official unit name ('' when it is not one of the listed types). The type
    word that starts earliest wins: 人民政府办公厅 is a 政府办公厅, not a 民政局."""
    best = None
    unit = re.sub(r"[（(]本级[）)]$", "", unit)
    for order, t in enumerate(department_types()):
        match = t.official.search(unit)
        if match and (best is None or (match.start(), -len(match.group()), order) < best[0]):
            best = ((match.start(), -len(match.group()), order), t.name)
    return best[1] if best else ""


@functools.lru_cache(maxsize=1)
def type_mention_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every short form, longest first, and the form -> type map."""
    forms: dict[str, str] = {}
    for t in department_types():
        for form in t.short_forms:
            forms.setdefault(form, t.name)
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))), forms


@dataclass(frozen=True)
class Region:
    code: str
    name: str        # official: 广州市, 临夏回族自治州, 东昌府区
    level: str       # province | city | county
    parent: str      # code of the parent region ('' for provinces)


_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|新区|省|市|州|盟|区|县|旗)$")


def short_forms(name: str) -> set[str]:
    """Ways a region is written: 广州市 -> 广州; 临夏回族自治州 -> 临夏州, 临夏; 东昌府区 -> 东昌府."""
    forms = {name}
    ethnic = re.match(r"^([\u4e00-\u9fff]{2,3}?)(?:[\u4e00-\u9fff]{1,3}族)+自治(州|县)$", name)
    if ethnic:
        forms |= {ethnic.group(1) + ethnic.group(2), ethnic.group(1)}
    stripped = _SUFFIX.sub("", name)
    if len(stripped) >= 2:
        forms.add(stripped)
    return forms


@functools.lru_cache(maxsize=1)
def regions() -> tuple[dict[str, Region], dict[str, list[Region]]]:
    """(code -> region, written form -> regions). Short forms of counties are kept only when they are at
    least two characters and not a common word, so 平安 still finds 平安区 but a question is not read
    as naming a county by accident (the caller checks a county against the cities the question names)."""
    by_code: dict[str, Region] = {}
    by_form: dict[str, list[Region]] = {}
    for code, name, level, parent in _rows("regions.tsv"):
        region = Region(code, name, level, parent)
        by_code[code] = region
        for form in short_forms(name):
            if level == "county" and form != name and len(form) < 2:
                continue
            by_form.setdefault(form, []).append(region)
    return by_code, by_form


def ancestors(region: Region) -> list[Region]:
    by_code, _ = regions()
    chain = [region]
    while chain[-1].parent and chain[-1].parent in by_code:
        chain.append(by_code[chain[-1].parent])
    return chain


@functools.lru_cache(maxsize=1)
def metric_synonyms() -> list[tuple[str, str]]:
    """(asked phrase, canonical metric), longest phrase first."""
    pairs = [(asked.strip(), metric.strip()) for asked, metric in _rows("metrics.tsv")]
    return sorted(pairs, key=lambda p: -len(p[0].lstrip("=")))


# before a bare word (=收入): what may precede it so that it stands on its own
BARE_WORD_BEFORE = set("年度局委会办厅部院心馆队站所的及和与、 ") | set("0123456789")
