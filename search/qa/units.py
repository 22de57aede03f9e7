"""The units a question names, read with the gazetteer of the indexed documents.

A unit is named by its own name or an alias of its document ("海东市平安区医疗保障局", "上海市中医文献馆"), by a
region and a department type ("北京 医保局", "深圳市市监局"), by a type alone within a region named earlier
("深圳市卫健委和医保局"), or not held (the reason says what the corpus holds instead). This is the largest slot of
the question grammar, and the only one that needs the gazetteer, so it lives apart from the other readers of
understand.py; every rule is unit-tested on small document lists (tests/test_qa_understand.py).
"""
from __future__ import annotations

import re

from ..query import normalize_query
from . import lexicon
from .gazetteer import Gazetteer, Mention, bare_name, in_order


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
                    m.reason = not_held_reason(gaz, m.region, m.doc_ids, scope_type)
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
        # "减污降碳中心…": a held unit's name without its region abbreviated
        found = gaz.abbreviated_anywhere(compact) or gaz.abbreviated_rest_anywhere(compact)
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
            m.reason = not_held_reason(gaz, region.name, region_docs, dept_type)
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


def merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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


def _unit_names(gaz: Gazetteer, m: Mention) -> set[str]:
    """The names of the units a mention resolved to, compact and without their bracketed notes."""
    return {re.sub(r"\s", "", normalize_query(bare_name(gaz.entries[d].unit))) for d in m.doc_ids if d in gaz.entries}


def rest_of_names(gaz: Gazetteer, compact: str, mentions) -> list[tuple[int, int]]:
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
            m.reason = not_held_reason(gaz, region.name, region_docs, dept_type)
        mentions.append(m)
        spans.append((t0, t1))
    return [t for t in leftover_types if t[0] < end]


_LISTED = re.compile(r"[、，,和与及：:跟同]|(?i:vs|pk)|对比|相比|还是|比")   # (also "A vs B", "A比B"…)


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
                    | ({end + 1} if compact[end:end + 1] in ("（", "(") else set())   # "上海（考试院 …）"
                    | ({0} if compact[:1] == region.name[:1] else set()))   # "上科大附校和上海交通职院…"
    tried: set[int] = set()
    while starts:
        start = starts.pop(0)
        if start in tried or any(a <= start < b for a, b in spans):
            continue
        tried.add(start)
        size, docs = gaz.abbreviated(compact[start:], region_docs)
        if size < 3 or not docs:
            # (or its whole name, the region's first character kept: "上科大附校")
            size, docs = gaz.abbreviated_whole(compact[start:], region_docs)
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


def not_held_reason(gaz: Gazetteer, region: str, region_docs: set[str], dept_type: str) -> str:
    same_type = gaz.units(gaz.docs_of_type(dept_type))
    reason = f"本库未收录{region}{dept_type}的文件"
    if region_docs:
        here = gaz.units(region_docs)
        reason += f"；已收录的{region}单位有：{'、'.join(here[:6])}{'等' + str(len(here)) + '个' if len(here) > 6 else ''}"
    if same_type:
        reason += f"；已收录的{dept_type}有：{'、'.join(same_type[:6])}{'等' + str(len(same_type)) + '个' if len(same_type) > 6 else ''}"
    for d in sorted(gaz.files_named_after(region, dept_type))[:2]:
        e = gaz.entries[d]
        reason += f"；文件“{e.file}”的内容是{e.title.replace(' ', '') or '其他材料'}，不是{region}{dept_type}的预算"
    return reason
