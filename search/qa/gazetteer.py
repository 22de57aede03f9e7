"""Which units, regions and years the indexed documents hold, and what a question's unit mention resolves to.

Built once per index generation from the documents' metadata: each document's unit is placed in the
national region table (province -> city -> county) and given a department type from the data files. A
mention in a question ("深圳人社局", "广州市", "卫健委", "上海市中医文献馆") resolves to a set of documents,
or to *not held* with a sentence that says what the corpus does hold — never to another unit.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from ..metadata import unit_in_file_name
from ..query import SECOND_NAME, normalize_query
from ..vocab import ORG_ENDINGS
from . import lexicon

_ORG_TAIL = re.compile(r"(?:局|委员会|委|厅|办公室|办|中心|馆|院|所|队|站|部|处|会|社|署)")
# what may follow the last character of an abbreviation in the official name: 办 (办公室), 委 (委员会)
_NAME_ENDING = re.compile(r"(?:中心|办公室|办公厅|委员会|[局委厅办馆院所队站部处会社署室校])$")
_ABBREVIATED_TAILS = ("", "公室", "公厅", "员会")
# the last character of an organisation's name (局, 中心, 试验场, 气象台 …): where an abbreviation of it ends
_FORM_ENDINGS = {ending[-1] for ending in ORG_ENDINGS}


def bare_name(name: str) -> str:
    """A unit name without its bracketed notes: 福州市科学技术局（本级） -> 福州市科学技术局."""
    return re.sub(r"[（(][^）)]*[）)]", "", name)


_HEAD_ONLY = 100   # added to the span of a form that abbreviates only the head of a name (职教基地)


def in_order(form: str, name: str) -> int | None:
    """Where in name the last of form's characters stands, each found after the one before; None if not."""
    at = 0
    for ch in form:
        at = name.find(ch, at)
        if at < 0:
            return None
        at += 1
    return at


def abbreviation_span(form: str, name: str, head: bool = False) -> int | None:
    """How spread out form's characters are in name (smaller is closer), or None when form does not
    abbreviate name: written out in it (3+ characters), or its characters in order with its last one
    the name's organisation ending. With head, also a form of 4+ characters abbreviating the name's
    head from its first character ("职教基地" for 职业教育基地综合协调办公室), ranked after every other."""
    if len(form) < 3:
        return None
    if form in name and (form[-1] in _FORM_ENDINGS or name.endswith(form)):
        return len(form)
    if form[-1] not in _FORM_ENDINGS:
        if not head or len(form) < 4 or not name.startswith(form[0]):
            return None
        end = in_order(form, name)
        return None if end is None else _HEAD_ONLY + end
    positions, at = [], 0
    for ch in form:
        at = name.find(ch, at)
        if at < 0:
            return None
        positions.append(at)
        at += 1
    if name[positions[-1] + 1:] not in _ABBREVIATED_TAILS:
        return None
    return positions[-1] - positions[0] + 1


def _whole_form_at(text: str, names: dict[str, set[str]]) -> tuple[int, str] | None:
    """(size, name) for the longest start of text (4–12 characters, ending on an organisation word) that
    abbreviates a whole name of names beginning with its first character — name "" when several tie — or None."""
    for size in range(min(len(text), 12), 3, -1):
        form = text[:size]
        if form[-1] not in _FORM_ENDINGS:
            continue
        found, chosen = _closest(form, {n: d for n, d in names.items() if n[0] == form[0]}, False)
        if found:
            return size, chosen
    return None


def _first_form_anywhere(compact: str, names: dict[str, set[str]]) -> tuple[int, int, set[str]] | None:
    """(start, length, documents) for the first run of the question (from its left) that abbreviates one of
    names (_whole_form_at); a run several names answer equally names none: None."""
    firsts = {n[0] for n in names}
    for start in range(len(compact) - 3):
        if compact[start] not in firsts:
            continue
        found = _whole_form_at(compact[start:], names)
        if found:
            return (start, found[0], names[found[1]]) if found[1] else None
    return None


def _closest(form: str, names, head: bool) -> tuple[bool, str]:
    """(whether form abbreviates any of names, the one it abbreviates most closely — "" when several tie)."""
    scored = [(span, name) for name in names if (span := abbreviation_span(form, name, head=head)) is not None]
    if not scored:
        return False, ""
    best = min(span for span, _ in scored)
    chosen = [name for span, name in scored if span == best]
    return True, chosen[0] if len(chosen) == 1 else ""


@dataclass
class UnitEntry:
    doc_id: str
    unit: str
    regions: list[str]        # region codes, most specific first (county, city, province)
    region_names: list[str]
    dept_type: str
    year: int | None
    kind: str
    rest: str                 # the unit name after its region prefix: 中医文献馆, 医疗保障局
    filed_type: str = ""      # the department type the file's name names (2026年上海市医疗保障局_部门预算.pdf)
    file: str = ""
    file_unit: str = ""       # the unit the file's name names (上海市医疗保障局)
    title: str = ""           # as read from the content: unit, year, kind (2024年 通报)


@dataclass
class Mention:
    """One unit (or scope) a question names, and what it resolved to."""
    text: str                            # as found in the question
    region: str = ""                     # official region name, e.g. 深圳市
    region_codes: set[str] = field(default_factory=set)
    dept_type: str = ""
    doc_ids: set[str] = field(default_factory=set)
    held: bool = True
    reason: str = ""                     # why not held, in Chinese, for the answer
    by_name: bool = False                # resolved from the unit's own name, not region + type
    start: int = 0


def _locate_regions(unit: str) -> list[lexicon.Region]:
    """Regions a unit's name begins with: 海东市平安区医疗保障局 -> [平安区, 海东市, 青海省]."""
    _, by_form = lexicon.regions()
    found: list[lexicon.Region] = []
    pos = 0
    name = re.sub(r"^(?:中共|中国共产党)", "", unit)
    while pos < len(name):
        match = None
        for size in range(min(12, len(name) - pos), 1, -1):
            form = name[pos:pos + size]
            candidates = by_form.get(form)
            if not candidates:
                continue
            if found:   # below what was found already
                codes = {r.code for r in lexicon.ancestors(found[0])}
                candidates = [c for c in candidates if c.parent in codes] or []
            elif len(candidates) > 1:
                candidates = [c for c in candidates if c.level != "county"] or candidates
            if candidates:
                match = (size, candidates[0])
                break
        if not match:
            break
        found.insert(0, match[1])
        pos += match[0]
    if not found:
        return []
    return lexicon.ancestors(found[0])


class Gazetteer:
    def __init__(self, documents):
        self.entries: dict[str, UnitEntry] = {}
        for doc in documents:
            chain = _locate_regions(doc.unit) if doc.unit else []
            prefix_len = 0
            for r in reversed(chain):
                for form in sorted(lexicon.short_forms(r.name), key=len, reverse=True):
                    if doc.unit[prefix_len:].startswith(form):
                        prefix_len += len(form)
                        break
            file = getattr(doc, "file", "") or ""
            file_unit = unit_in_file_name(file)
            self.entries[doc.doc_id] = UnitEntry(
                doc.doc_id, doc.unit, [r.code for r in chain], [r.name for r in chain],
                lexicon.type_of_unit(doc.unit), doc.year, doc.kind, doc.unit[prefix_len:],
                lexicon.type_of_unit(file_unit), file, file_unit, getattr(doc, "title", "") or "")
        self.held_regions: set[str] = {c for e in self.entries.values() for c in e.regions}
        self._name_aliases: list[tuple[str, str]] | None = None
        self._whole_names: dict[str, set[str]] | None = None   # whole unit names -> documents

    # -- what the corpus holds -----------------------------------------------------------------------
    def docs_in_region(self, codes: set[str]) -> set[str]:
        return {d for d, e in self.entries.items() if codes & set(e.regions)}

    def docs_of_type(self, dept_type: str, docs: set[str] | None = None) -> set[str]:
        pool = self.entries if docs is None else {d: self.entries[d] for d in docs if d in self.entries}
        return {d for d, e in pool.items() if e.dept_type == dept_type}

    def departments(self, dept_type: str, docs: set[str] | None = None, own_office: bool = False) -> set[str]:
        """The documents a department type names in docs ("无锡应急局"): the units whose name after the
        region is a name of the type itself (应急管理局, with or without 本级) when there are such, not a unit
        whose name only holds the type's words (无锡市应急管理综合行政执法监督局, named by its own name)."""
        typed = self.docs_of_type(dept_type, docs)
        forms = next((set(t.short_forms) for t in lexicon.department_types() if t.name == dept_type), set())
        itself = {d for d in typed if lexicon.without_own_office(self.entries[d].rest) in forms}
        if own_office and itself:
            # a department printing its own office's budget (无锡市教育局（本级）) beside the whole department's
            # (无锡市教育局): "…本级" asks the office's; the department named alone names both
            office = {d for d in itself if self.entries[d].unit != lexicon.without_own_office(self.entries[d].unit)}
            itself = office or itself
        return itself or typed

    def filed_under(self, dept_type: str, docs: set[str]) -> set[str]:
        """The documents among docs whose file is named after a department of the type while holding
        another unit's budget (上海's files named 上海市医疗保障局 hold 上海市医疗保险事业管理中心's)."""
        return {d for d in docs if d in self.entries and self.entries[d].filed_type == dept_type
                and self.entries[d].dept_type != dept_type}

    def files_named_after(self, region: str, dept_type: str) -> set[str]:
        """The documents whose file is named after the region's department of the type while the content is
        not that department's ("2026年潍坊市统计局部门预算.pdf" holds a 2024 巡视 通报 naming no unit): what a
        journalist asking for that department finds under its name."""
        forms = tuple(lexicon.short_forms(region)) or (region,)
        return {d for d, e in self.entries.items()
                if e.filed_type == dept_type and e.file_unit.startswith(forms)
                and not (e.dept_type == dept_type and region in e.region_names)}

    def units(self, docs) -> list[str]:
        return sorted({self.entries[d].unit for d in docs if d in self.entries and self.entries[d].unit})

    def years_of(self, docs) -> list[int]:
        return sorted({self.entries[d].year for d in docs if d in self.entries and self.entries[d].year})

    def name_aliases(self, aliases) -> list[tuple[str, str]]:
        """(written form, doc_id) for units named by their own name, longest first: the generation's
        unit aliases (full names, names without the city) plus a unit's bare name when it is not just a
        department type ("中医文献馆" alone names 上海市中医文献馆; "医疗保障局" alone names no unit)."""
        if self._name_aliases is None:
            pairs = {(a.text.replace(" ", ""), a.doc_id) for a in aliases if a.strength >= 4}
            for e in self.entries.values():
                # 上海市统计和大数据研究院(上海市统计数据管理中心): 统计数据管理中心 alone names it too
                rests = [normalize_query(e.rest).replace(" ", ""), *self._second_names(e)]
                for rest in rests:
                    if len(rest) >= 4 and not e.dept_type and not lexicon.type_of_unit(rest):
                        pairs.add((rest, e.doc_id))
            # a department-type word alone is a type, not a unit ("公安局", "医疗保障局")
            pattern, forms = lexicon.type_mention_pattern()
            pairs = {(t, d) for t, d in pairs if not (pattern.fullmatch(t) or t in forms)}
            self._name_aliases = sorted(pairs, key=lambda p: (-len(p[0]), p))
        return self._name_aliases

    def abbreviated(self, text: str, docs: set[str], head: bool = False) -> tuple[int, set[str]]:
        """(characters of text used, documents) for the held unit among docs whose name the start of text
        abbreviates, or (0, set()). People shorten a unit's name by keeping some of its characters in order
        and its organisation ending: 口岸办 (人民政府口岸办公室), 工务署 (建筑工务署), 科创局 (科技创新局),
        交管局 (公安局交通管理局), 强戒所 (强制隔离戒毒所), 职教基地 (职业教育基地综合协调办公室). A form counts
        when its characters occur in that order in the name, its first character is a name's first or
        follows the region prefix's end of a word, and it ends on an organisation word (局, 办, 所, 中心 …) or
        is written out in the name (法律援助中心). With head, also the head of a name from its first character
        (职教基地), for when nothing else names a unit. Several different units matching equally is no
        match: the question then names no unit rather than the wrong one."""
        names: dict[str, set[str]] = {}
        for d in docs:
            e = self.entries.get(d)
            if e is not None and e.rest:
                names.setdefault(bare_name(e.rest), set()).add(d)
                for other in self._second_names(e):
                    names.setdefault(other, set()).add(d)
        for size in range(min(len(text), 16), 1, -1):
            form = text[:size]
            if not re.search(r"[\u4e00-\u9fff]{2}", form):
                continue
            found, chosen = _closest(form, names, head)
            if not found:
                continue
            return (size, names[chosen]) if chosen else (0, set())   # the longest form fits several: ambiguous
        return 0, set()

    @staticmethod
    def _second_names(e: UnitEntry) -> list[str]:
        """The unit's other name in brackets, without its region (上海市财务会计综合管理事务中心（上海市财政科学
        研究所）is also 财政科学研究所: 财政所 abbreviates it); a note (本级) is no name."""
        second = SECOND_NAME.fullmatch(normalize_query(e.unit).replace(" ", ""))
        if not second:
            return []
        other = second.group(2)
        for region in sorted(e.region_names, key=len, reverse=True):
            other = other.removeprefix(normalize_query(region))
        return [other] if len(other) >= 3 else []

    def _whole_names_held(self) -> dict[str, set[str]]:
        """Each held budget's whole unit name (中共 dropped, notes in brackets too) -> its documents."""
        if self._whole_names is None:
            self._whole_names = {}
            for d, e in self.entries.items():
                if e.unit and e.kind in ("预算", "决算"):
                    self._whole_names.setdefault(bare_name(re.sub(r"^(?:中共|中国共产党)", "", e.unit)), set()).add(d)
        return self._whole_names

    def abbreviated_whole(self, text: str, docs: set[str]) -> tuple[int, set[str]]:
        """(characters used, documents) for the one held unit among docs whose whole name (its region's first
        character included) the start of text abbreviates, four or more characters ending on an organisation
        word ("上科大附校" listed after another 上海 unit), or (0, set())."""
        names = {n: ds & docs for n, ds in self._whole_names_held().items() if ds & docs}
        found = _whole_form_at(text, names)
        return (found[0], names[found[1]]) if found and found[1] else (0, set())

    def abbreviated_anywhere(self, compact: str) -> tuple[int, int, set[str]] | None:
        """(start, length, documents) for a held unit whose whole name (its region's first character
        included: 上科大附校 for 上海科技大学附属学校) a run of four or more characters of the question
        abbreviates, ending on an organisation word; the only such unit, or None."""
        return _first_form_anywhere(compact, self._whole_names_held())

    def abbreviated_rest_anywhere(self, compact: str) -> tuple[int, int, set[str]] | None:
        """(start, length, documents) for the one held unit of no department type whose name without its region
        a run of four or more characters of the question abbreviates, ending on an organisation word
        ("减污降碳中心" for 上海市减污降碳管理运行技术中心, no city written); several units answering: None."""
        return _first_form_anywhere(compact, self._rest_names_held())

    def _rest_names_held(self) -> dict[str, set[str]]:
        """Each held budget's unit name without its region, for the units of no department type -> documents."""
        names: dict[str, set[str]] = {}
        for d, e in self.entries.items():
            if e.rest and not e.dept_type and e.kind in ("预算", "决算"):
                names.setdefault(bare_name(e.rest), set()).add(d)
        return names

    def written_out_anywhere(self, compact: str, starts) -> tuple[int, int, set[str]] | None:
        """(start, length, documents) for the one held unit of no department type whose name, without its
        city, holds a run of four or more of the question's characters written out and ending on an
        organisation word ("市政府办公厅文印中心" for 上海市人民政府办公厅文印中心, "职业教育基地综合协调办" for
        长沙职业教育基地综合协调办公室): the longest run at the first of starts that names one; several
        units holding the run name none ("服务中心")."""
        names = self._rest_names_held()
        for start in starts:
            for size in range(min(len(compact) - start, 14), 3, -1):
                form = compact[start:start + size]
                if form[-1] not in _FORM_ENDINGS:
                    continue
                holders = [n for n in names if abbreviation_span(form, n) == len(form)]
                if holders:
                    docs = set().union(*(names[n] for n in holders))
                    head = _NAME_ENDING.sub("", form)
                    # the words before the organisation word name no other unit (文印; not 服务 of 服务中心)
                    others = {bare_name(e.unit) for e in self.entries.values() if head in (e.unit or "")}
                    if len({bare_name(self.entries[d].unit) for d in docs}) == 1 and len(others) == 1:
                        return start, size, docs
                    break
        return None

    # -- reading a question ----------------------------------------------------------------------------
    def region_mentions(self, text: str) -> list[tuple[int, int, list[lexicon.Region]]]:
        """(start, end, candidate regions) for each region named in text, longest first, no overlaps.
        Full official names of any region count; short forms count for provinces and cities, and for
        counties only when the corpus holds one (a 2-character county name is too often a word)."""
        _, by_form = lexicon.regions()
        spans: list[tuple[int, int, list[lexicon.Region]]] = []
        taken = [False] * len(text)
        for size in range(min(12, len(text)), 1, -1):
            for start in range(0, len(text) - size + 1):
                if any(taken[start:start + size]):
                    continue
                form = text[start:start + size]
                candidates = by_form.get(form)
                if not candidates:
                    continue
                usable = [r for r in candidates
                          if r.name == form or r.level != "county" or r.code in self.held_regions]
                if not usable:
                    continue
                spans.append((start, start + size, usable))
                for i in range(start, start + size):
                    taken[i] = True
        return sorted(spans)

    def resolve_region(self, candidates: list[lexicon.Region], context: set[str]) -> lexicon.Region:
        """Pick among same-named regions: one below a region named alongside, else one the corpus holds."""
        for r in candidates:
            if context & {a.code for a in lexicon.ancestors(r)[1:]}:
                return r
        held = [r for r in candidates if r.code in self.held_regions]
        ranked = sorted(held or candidates, key=lambda r: {"province": 0, "city": 1, "county": 2}[r.level])
        return ranked[0]


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def gazetteer_for(gen) -> Gazetteer:
    """One gazetteer per index generation (dropped with it)."""
    try:
        return _CACHE[gen]
    except KeyError:
        gaz = Gazetteer(gen.documents.values())
        _CACHE[gen] = gaz
        return gaz
