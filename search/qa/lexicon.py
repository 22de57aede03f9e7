"""The vocabularies questions are read with, loaded from data files in search/data/ (not code branches).

- departments.tsv: department types — the pattern their official names match and the short forms people
  write (卫健委, 人社局, 规自局 …);
- regions.tsv: the national table of provinces, cities and counties (from cpca, see tools/make_regions.py),
  so a question naming a city the corpus does not hold is recognised as such instead of ignored (loaded by
  search/regions.py, which the build also reads: editing the question vocabularies does not rebuild);
- metrics.tsv: how people name a figure (收支总预算, 招待费, 公车经费 …) -> the metric of the figures table;
- tables.tsv: how people name the table a row is in (政府性基金, 三公, 经济分类 …) -> a word of its title or kind.
Adding a short form or synonym is a one-line change to a data file, covered by the tests that read them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..regions import Region, ancestors, data_rows, regions, short_forms  # noqa: F401 (the vocabularies' API)


@dataclass(frozen=True)
class DepartmentType:
    name: str                 # canonical, e.g. 卫生健康委员会
    official: re.Pattern      # matched against the tail of a unit's official name
    short_forms: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def department_types() -> tuple[DepartmentType, ...]:
    types = []
    for name, pattern, forms in data_rows("departments.tsv"):
        # longest first, then by character: the same order in every process (a set's order is not)
        short = tuple(sorted({f.strip() for f in forms.split("、") if f.strip()} | {name}, key=lambda f: (-len(f), f)))
        # the type word must end the unit's name: 上海市医疗保险事业管理中心 is not a 医疗保障局
        official = re.compile(rf"(?:{pattern})(?:[\u4e00-\u9fff]{{0,8}}?(?:局|委员会|委|厅|办公室|办|支队|大队|总队|部))?$")
        types.append(DepartmentType(name, official, short))
    return tuple(types)


def without_own_office(unit: str) -> str:
    """A unit's name without the （本级） that marks a department's own office."""
    return re.sub(r"[（(]本级[）)]$", "", unit)


def is_own_office(unit: str) -> bool:
    """Whether a unit's name marks a department's own office (…（本级）)."""
    return without_own_office(unit) != unit


def type_of_unit(unit: str) -> str:
    """The department type of an official unit name ('' when it is not one of the listed types). The type
    word that starts earliest wins: 人民政府办公厅 is a 政府办公厅, not a 民政局."""
    best = None
    unit = without_own_office(unit)
    for order, t in enumerate(department_types()):
        match = t.official.search(unit)
        if match and (best is None or (match.start(), -len(match.group()), order) < best[0]):
            best = ((match.start(), -len(match.group()), order), t.name)
    return best[1] if best else ""


def as_asked(unit: str, question: str) -> str:
    """A unit named as the question named it too, when its official name does not hold that short form
    ("深圳市医疗保障局（本级）（医保局）" for "深圳医保局和民政局谁多"): the reader sees which of the units asked is
    meant, whatever the official name says."""
    kind = type_of_unit(unit)
    asked = re.sub(r"\s", "", question)
    for t in department_types():
        if t.name == kind:
            form = next((f for f in t.short_forms if f in asked), "")
            return f"{unit}（{form}）" if form and form not in unit else unit
    return unit


@functools.lru_cache(maxsize=1)
def type_mention_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every short form, longest first, and the form -> type map."""
    forms: dict[str, str] = {}
    for t in department_types():
        for form in t.short_forms:
            forms.setdefault(form, t.name)
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))), forms


@functools.lru_cache(maxsize=1)
def name_terms() -> tuple[str, ...]:
    """Words of names that hold a word of the question grammar (气候变化): name_terms.tsv."""
    return tuple(row[0].strip() for row in data_rows("name_terms.tsv") if row and row[0].strip())


@functools.lru_cache(maxsize=1)
def vehicle_kinds() -> tuple[tuple[str, str], ...]:
    """(how a question names a kind of vehicle, the kind as printed), longest first: vehicle_kinds.tsv."""
    rows = [(a.strip(), k.strip()) for a, k in data_rows("vehicle_kinds.tsv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def vehicle_kind_asked(text: str) -> tuple[str, str] | None:
    """(words used, kind) of the kind of vehicle a question names ("执法车" -> 执法执勤用车), or None."""
    compact = re.sub(r"\s", "", text)
    return next(((a, k) for a, k in vehicle_kinds() if a in compact), None)


@functools.lru_cache(maxsize=1)
def listed_stems() -> dict[str, str]:
    """A department's bare stem, as listed after a city (烟台 商务 科技 信访), -> the short form it stands for."""
    return {stem.strip(): form.strip() for stem, form in data_rows("listed_stems.tsv")}


@functools.lru_cache(maxsize=1)
def metric_synonyms() -> list[tuple[str, str]]:
    """(asked phrase, canonical metric), longest phrase first."""
    from ..query import normalize_query

    pairs = {}
    for asked, metric in data_rows("metrics.tsv"):
        asked, metric = asked.strip(), metric.strip()
        pairs.setdefault(asked, metric)
        # questions are read after the query's own synonyms (公车 -> 公务用车): the phrase as it then reads
        bare = asked.startswith("=")
        pairs.setdefault(("=" if bare else "") + normalize_query(asked.lstrip("=")).replace(" ", ""), metric)
    return sorted(pairs.items(), key=lambda p: -len(p[0].lstrip("=")))


@functools.lru_cache(maxsize=1)
def table_words() -> list[tuple[str, str]]:
    """(asked phrase, a word of the table's title or its kind), longest phrase first."""
    pairs = [(asked.strip(), table.strip()) for asked, table in data_rows("tables.tsv")]
    return sorted(pairs, key=lambda p: -len(p[0]))


@functools.lru_cache(maxsize=1)
def total_labels() -> dict[str, tuple[str, ...]]:
    """A whole total's metric -> the row labels tables print it under (totals.tsv)."""
    out: dict[str, tuple[str, ...]] = {}
    for metric, label in data_rows("totals.tsv"):
        out[metric.strip()] = out.get(metric.strip(), ()) + (label.strip(),)
    return out


@functools.lru_cache(maxsize=1)
def row_words() -> dict[str, str]:
    """A row named in a word (物业, 出差) -> the row's usual printed name (rowwords.tsv)."""
    return {asked.strip(): row.strip() for asked, row in data_rows("rowwords.tsv")}


# before a bare word (=收入): what may precede it so that it stands on its own
BARE_WORD_BEFORE = set("年度局委会办厅部院心馆队站所的及和与、 ") | set("0123456789")
# after a bare word: what makes it part of a longer name ("财政拨款支出", "收入支出" are not 财政拨款收入 / 收入)
BARE_WORD_NOT_AFTER = set("支收资经拨")
