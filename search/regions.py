"""The national region table (provinces, cities, counties; search/data/regions.tsv, from cpca via
tools/make_regions.py) and the ways a region is written. The build reads it (a document's city from its
text, search/metadata.py) and so do questions (search/qa/lexicon.py re-exports it); it is a module of its
own so that the build's fingerprint does not take in the question vocabularies (the department types
and metric synonyms): adding a short form must not rebuild a 2,000-document archive.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def data_rows(name: str) -> list[list[str]]:
    """The tab-separated rows of a data file in search/data/ (comments and blank lines skipped)."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


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
    for code, name, level, parent in data_rows("regions.tsv"):
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
