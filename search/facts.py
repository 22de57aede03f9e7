"""Figures layer: key numbers extracted from every disclosure, each with the sentence that states it.

Extraction reads the narrative sentences of the genre ("…“三公”经费预算数为1.26万元，比上年增加1.26万元，
其中：因公出国（境）费0.00万元…"): a metric mention followed closely by an amount with its money unit.
Patterns are of the genre, not of any one document. The original text of each figure is kept exactly as
printed (value_text), so an answer can quote it and a reader can find it in the cited passage; value_wan
(normalised to 万元) is only used to compare and sort.
"""
from __future__ import annotations

import bisect
import re
import sqlite3
from dataclasses import astuple, dataclass, fields

from .vocab import passage_id

# canonical metric -> patterns as written in disclosures (longest first within the combined regex)
METRICS: list[tuple[str, list[str]]] = [
    ("三公经费", [r"三公经费", r"三公经费(?:财政拨款)?(?:预算|支出)?"]),
    ("因公出国(境)费", [r"因公出国\(境\)经?费用?", r"出国\(境\)经?费用?", r"因公出国经?费用?"]),
    ("公务用车购置及运行费", [r"公务用车购置(?:及|和)运行(?:维护)?经?费"]),
    # (and named by what it is spent on, the figure right after: "（1）公务用车购置预算支出154.97万元")
    ("公务用车购置费", [r"公务用车购置费", r"公务用车购置(?:预算|决算)?支出(?=[\d,.]+万?元)"]),
    ("公务用车运行维护费", [r"公务用车运行(?:维护)?经?费", r"公务用车运行(?:维护)?(?:预算|决算)?支出(?=[\d,.]+万?元)"]),
    ("公务接待费", [r"公务接待费", r"公务接待(?:预算|决算)?支出(?=[\d,.]+万?元)"]),
    ("会议费", [r"会议费"]),
    ("培训费", [r"培训费"]),
    ("机关运行经费", [r"机关运行经费"]),
    ("政府采购", [r"政府采购(?!项目|合同|授予|的|中小|小微|货物|工程|服务)(?:预算|支出)?(?:总额|合计|总计)?",
              r"政府采购项目(?=共有|共计|合计|总额|预算总额)"]),
    # "政府采购支出预算总额…，其中：拟采购货物支出356.26万元、拟采购工程支出0万元…": the parts, an amount right after
    ("政府采购货物", [r"政府采购货物(?:预算|支出)?", r"拟采购货物(?:预算|支出)?(?=[\d,.]+万?元)"]),
    ("政府采购工程", [r"政府采购工程(?:预算|支出)?", r"拟采购工程(?:预算|支出)?(?=[\d,.]+万?元)"]),
    ("政府采购服务", [r"政府采购服务(?:预算|支出)?", r"拟采购服务(?:预算|支出)?(?=[\d,.]+万?元)"]),
    # totals are named kind-neutrally: a 预算 document states the budget, a 决算 document the actual
    ("收支总计", [r"收支总预算", r"收支预算总额", r"收支预算", r"收入支出预算总额", r"收支总额", r"收入、?支出总计", r"收入、?支出预算总计",
              r"收入支出决算总计", r"收支决算总额", r"收支总决算"]),
    ("收入总计", [r"收入预算(?:总额)?", r"收入总计", r"(?:部门)?预算收入", r"总收入"]),   # includes last year's carry-over
    ("支出总计", [r"支出预算(?:总额)?", r"支出总计", r"(?:部门)?预算支出", r"总支出"]),
    ("本年收入合计", [r"本年收入合计", r"本年收入"]),              # this year's income only
    ("本年支出合计", [r"本年支出合计", r"本年支出"]),
    ("财政拨款收入", [r"财政拨款收入"]),
    ("基本支出", [r"基本支出"]),
    ("项目支出", [r"项目支出"]),
    ("人员经费", [r"人员经费"]),
    ("公用经费", [r"公用经费"]),
]
COUNT_METRICS = [
    # vehicles held, not bought or retired ("新购置车辆1辆", "计划购置车辆0辆" are no count of the fleet)
    # ("更新购置警用车辆32台": the kind of car between 购置 and 车辆 is bought too — a match may not start after 用)
    ("车辆", re.compile(r"(?<!购置)(?<!购买)(?<!新购)(?<!更新)(?<!报废)(?<!处置)(?<!租用)(?<!购)(?<!用)"
                      r"(?<!公务)(?<!警)(?<!执法)(?<!执勤)(?<!业务)(?<!专)"
                      r"(?:共有|现有|实有|拥有|配备)?(?:公务|警|执法|执勤|业务|专)?(?:用)?"
                      # ("公务用车保有量1924 台": the fleet counted as 公务用车 and how many it holds)
                      r"(?:车辆(?:保有量|保有数|总数)?|(?<=用)车(?:保有量|保有数|总数))(?:共|合计|为)?\s*"
                      r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>辆|台)")),
    # vehicles to be bought this year ("2026年计划购置车辆0辆", "安排购置车辆3辆")
    ("购置车辆", re.compile(r"(?:购置|购买|新购置?)(?:公务)?(?:用)?车辆\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>辆|台)")),
    # the floor area of the buildings held (广州: "资产分布构成情况为：房屋89,813.94平方米，车辆3辆"), not a
    # rented or maintained area of a performance target ("租赁房屋面积数=2873.46平方米", "房屋维护面积≥…")
    ("房屋面积", re.compile(r"(?<![租赁维修护])房屋(?:建筑)?(?:面积)?(?:共|合计|为)?\s*"
                        r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>平方米|㎡)")),
    ("编制", re.compile(r"(?:行政|事业|机关行政|机关事业)?编制(?:数)?(?:为|共)?\s*(?P<num>\d+)\s*(?P<unit>名|人)")),
]
METRIC_NAMES = [m for m, _ in METRICS] + [m for m, _ in COUNT_METRICS]

def _literal_length(pattern: str) -> int:
    """Length of what a pattern always matches: specific names must be tried before their prefixes."""
    return len(re.sub(r"\(\?[:!][^)]*\)\??|\\.|[?*+]", "", pattern))


_alternatives = sorted(((p, m) for m, ps in METRICS for p in ps), key=lambda x: -_literal_length(x[0]))
_GROUPS = {f"m{i}": m for i, (_, m) in enumerate(_alternatives)}
# "三公经费支出预算数为…", "基本支出决算…": the qualifiers belong to the mention, not to the next metric
_QUALIFIERS = r"(?:财政拨款)?(?:总?支出)?(?:预算|决算)?(?:数)?"
MENTION = re.compile("|".join(f"(?P<m{i}>(?:{p}){_QUALIFIERS})" for i, (p, _) in enumerate(_alternatives)))
AMOUNT = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|千元|元)")
_DECREASE = re.compile(r"(减少|下降|降低|减)")
# a numbered heading with no amount and no sentence end ("六、一般公共预算“三公”经费支出情况")
_HEADING_LINE = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
                           r"[^。；;，,\d]{2,30}(?:情况|说明|情况说明|预算|决算)$")
# "(一)收入预算:2026年年初预算数244,895.02万元": a label, a colon, then the year's figure
_LABEL_GAP = re.compile(r"^[:：]\s*(?:20\d\d年度?)?(?:年初)?(?:预算|决算)?数?(?:为|是)?\s*$")
# a mention inside a comparison ("比2025年财政拨款三公经费年初预算增加…") names last year's figure, not a new one
_COMPARED = re.compile(r"(?:比|较|与)\s*(?:上年|上一年|20\d\d\s*年)[^，,。；;]{0,10}$")
# a zero stated without a money unit ("预算数为0，"): only 0, only right after the mention
_BARE_ZERO = re.compile(r"(?P<gap>\s*(?:预算|决算)?(?:数)?\s*(?:为|是)?\s*)(?P<num>0(?:\.0+)?|零)(?=\s*(?:[,，。；;、]|$))")
# nothing budgeted, said in words before the name ("本部门2026年无财政拨款安排的公务用车购置和运行维护经费预算",
# "未安排因公出国(境)费"): a zero, quoted as the sentence says it; nothing but budget words may follow the name
_NONE_BEFORE = re.compile(r"(?:(?<![\u4e00-\u9fff])|(?<=本部门)|(?<=本单位)|(?<=年))(?P<word>无|未安排|没有安排|不安排|未列支|没有)"
                          r"(?:财政拨款)?(?:安排)?的?$")
_NONE_AFTER = re.compile(r"^\s*(?:预算|支出|经费|安排)*(?:数)?\s*(?:[。；;，,]|$)")
_CHANGE = re.compile(r"(比上年|较上年|同比|与上年相比|比20\d\d年)?.{0,6}?(增加|增长|上升|提高|减少|下降|降低)")
_STANDALONE_CHANGE = re.compile(r"\s*(?:比|较)\s*上年\s*(?:预算)?(?:数)?\s*(?P<dir>增加|增长|减少|下降)\s*"
                                r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|千元|元)")
_STATED_AT_ONCE = re.compile(r"\s*(?:为|是)?\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|千元|元)")
_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]?")
WHOLE_BUDGET_METRICS = ("收入总计", "支出总计", "收支总计")   # one figure in nearly every disclosure
_UNIT_ENDINGS = set("年度门位局委会心院办厅所队站馆处署部府本室场校台")   # "本部门预算收入", "…办公室部门预算收入": the unit's own
TO_WAN = {"元": 1 / 10000, "千元": 1 / 10, "万元": 1.0, "亿元": 10000.0}


def money_aside(value_wan: float | None, unit: str, in_yi: bool = False) -> str:
    """"（约25,859.60万元）" beside a figure printed in 元, "（约2.59亿元）" when the question asks in 亿: most
    disclosures and most readers count in 万元. The printed figure stays first and is the one cited."""
    if value_wan is None or unit not in TO_WAN:
        return ""
    notes = []
    if unit in ("元", "千元") and abs(value_wan) >= 0.01:
        notes.append(f"{value_wan:,.2f}万元")
    if unit != "亿元" and (in_yi and abs(value_wan) >= 100 or abs(value_wan) >= 10000):   # 亿元 asked, or 1亿 and more
        notes.append(f"{value_wan / 10000:,.2f}亿元")
    return "（约" + "，约".join(notes) + "）" if notes else ""


@dataclass
class Fact:
    doc_id: str
    file: str
    unit: str
    region: str
    year: int | None
    kind: str               # the document's kind: 预算 or 决算
    basis: str              # what the figure is: 预算 (budgeted) or 决算 (actual) — 决算 documents state both
    metric: str
    value: float            # in value_unit as printed
    value_text: str         # exactly as printed, e.g. "15,579.95万元"
    value_unit: str         # 元 / 万元 / 辆 / 名
    value_wan: float | None  # money normalised to 万元 (None for counts)
    change_text: str        # "比上年增加1.26万元" when stated
    change_wan: float | None
    change_rate: str        # "增长11.15%" when stated
    share: str              # "占92.66%" when stated
    completion: str         # "完成预算的96.40%" when stated (决算)
    source: str             # "text" (narrative sentence) or "table"
    sentence: str
    passage_id: str
    line_start: int
    line_end: int
    section: str
    mismatch: str = ""      # set when text and table disagree
    page_start: int | None = None   # PDF page(s) of the line printing the figure; None for .txt
    page_end: int | None = None
    ocr: bool = False       # read from OCR text of a scanned page
    trust: str = "text"     # "ocr" for figures read by OCR (a digit may be misread): answers say so


FACT_COLUMNS = [f.name for f in fields(Fact)]
_SQL_TYPES = {"value": "REAL", "value_wan": "REAL", "change_wan": "REAL", "year": "INTEGER", "ocr": "INTEGER",
              "line_start": "INTEGER", "line_end": "INTEGER", "page_start": "INTEGER", "page_end": "INTEGER"}
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS facts ({", ".join(f"{c} {_SQL_TYPES.get(c, 'TEXT')}" for c in FACT_COLUMNS)});
CREATE INDEX IF NOT EXISTS facts_metric ON facts(metric);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id);
"""


def _parse_number(text: str) -> float:
    return float(text.replace(",", ""))


_LOOSE_SPACE = re.compile(r"(?<=[^\d\s])\s+|\s+(?=[^\d\s])")
# a letter-spaced number of a text layer ("收入预算 6 6 , 3 0 7 . 9 8万元", "2 0 2 6年"): single characters one
# space apart; joined only when it holds a separator or an amount's or year's word follows, so a table row
# of one-digit cells ("0 0 0 0") stays four numbers
_SPACED_NUMBER = re.compile(r"(?<![\d,.])\d(?: [\d,.]){3,}(?![\d,.])")


def _join_spaced(match: re.Match) -> str:
    run = match.group()
    follows = match.string[match.end():match.end() + 2].lstrip()
    if re.search(r"[,.]", run) or follows[:1] in ("年", "万", "元", "亿", "%"):
        return run.replace(" ", "")
    return run


def _compact(text: str) -> str:
    """Join wrapped lines and drop quotes so “三公”经费 reads 三公经费; NFKC-style parentheses; spaces
    dropped except between two digits ("因公出国 (境)费用" reads as one name, "12 15" stays two numbers)."""
    text = text.replace("\n", "").replace("“", "").replace("”", "").replace('"', "")
    text = _LOOSE_SPACE.sub("", _SPACED_NUMBER.sub(_join_spaced, text))
    return text.replace("（", "(").replace("）", ")").replace("：", ":")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(_compact(text)) if s.strip()]


def joined_label_sentences(parts: list[str]) -> list[str]:
    """"（二）公务接待费。2026年预算数2.85万元，…": a label and its amount split by a full stop are one
    statement; the label sentence (a metric, no amount) is joined to the next when that one names no
    metric of its own."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if i + 1 < len(parts) and len(part) <= 24 and MENTION.search(part) and not AMOUNT.search(part) \
                and AMOUNT.search(parts[i + 1]) and not MENTION.search(parts[i + 1][:12]):
            out.append(part + parts[i + 1])   # verbatim: the full stop stays
            i += 2
            continue
        out.append(part)
        i += 1
    return out


def _basis(before: str, gap: str, doc_kind: str) -> str:
    """预算 or 决算: the words right before the figure say which; names of budget types do not count."""
    prefix = re.sub(r"一般公共预算|政府性基金预算|国有资本经营预算|部门预算", "", before)[-10:] + gap
    if "决算" in prefix:
        return "决算"
    if "预算" in prefix:
        return "预算"
    return doc_kind or "预算"


def extract_from_sentence(sentence: str, doc_kind: str) -> list[dict]:
    """Figures stated in one sentence: [{metric, value_text, value, unit, basis, change_*, share}]."""
    mentions = [(m.start(), m.end(), next(_GROUPS[k] for k, v in m.groupdict().items() if v))
                for m in MENTION.finditer(sentence) if not _COMPARED.search(sentence[:m.start()])]
    found: list[dict] = []
    for i, (start, end, metric) in enumerate(mentions):
        nxt = mentions[i + 1][0] if i + 1 < len(mentions) else len(sentence)
        if sentence[end:end + 1] in ("、", ")", "和", "及") or (sentence[start - 1:start] == "(" and not
                                                               _STATED_AT_ONCE.match(sentence, end)):
            # part of an enumeration ("公务接待费（因公出国（境）费、…）"), not a statement — unless its figure
            # follows at once ("…维护费9.73万元(公务用车购置费0万元，…")
            continue
        before = sentence[start - 1:start]
        if metric in WHOLE_BUDGET_METRICS and (before == "、" or (re.search(r"[\u4e00-\u9fff]", before)
                                                                  and before not in _UNIT_ENDINGS)):
            continue  # "转移支付支出预算", "基金收入预算": a part of the budget, not its total
        window = sentence[end:nxt]
        amounts = list(AMOUNT.finditer(window))
        none = _NONE_BEFORE.search(sentence[max(0, start - 14):start]) if not amounts else None
        if none and _NONE_AFTER.match(window):
            # the printed word is the value ("无"): a zero, never a 0 the document did not print
            found.append({"metric": metric, "value_text": none.group("word"), "value": 0.0, "unit": "",
                          "basis": _basis(sentence[max(0, start - 16):end], "", doc_kind), "change_text": "",
                          "change_wan": None, "change_rate": "", "share": "", "completion": ""})
            continue
        if not amounts:
            zero = _BARE_ZERO.match(window)
            if zero:   # "“三公”经费预算数为0，与上年持平": nothing is budgeted, whatever the money unit
                found.append({"metric": metric, "value_text": zero.group("num"), "value": 0.0, "unit": "",
                              "basis": _basis(sentence[max(0, start - 16):end], zero.group("gap"), doc_kind),
                              "change_text": "", "change_wan": None, "change_rate": "", "share": "",
                              "completion": ""})
            continue
        first = amounts[0]
        gap = window[:first.start()]
        if len(gap) > 24 or _CHANGE.search(gap) or "上年" in gap or "%" in gap or "％" in gap:
            # the first number is not this metric's value (a change, last year's figure, a share); a change
            # stated on its own ("…预算收入2518.06万元，…，本部门预算收入较上年减少3083.36万元") is the change
            # of the figure this sentence already gave
            change = _STANDALONE_CHANGE.match(window)
            earlier = next((f for f in reversed(found) if f["metric"] == metric), None)
            if change and earlier is not None and not earlier["change_text"]:
                sign = -1 if _DECREASE.match(change.group("dir")) else 1
                earlier["change_text"] = re.sub(r"\s+", "", change.group())
                earlier["change_wan"] = sign * _parse_number(change.group("num")) * TO_WAN[change.group("unit")]
            continue
        if re.search(r"[,，:](?!.*(为|是|共|合计|总额))", gap) and len(gap) > 8 and not _LABEL_GAP.match(gap):
            continue
        fact = {"metric": metric, "value_text": first.group().replace(" ", ""),
                "value": _parse_number(first.group("num")), "unit": first.group("unit"),
                "basis": _basis(sentence[max(0, start - 16):end], gap, doc_kind),
                "change_text": "", "change_wan": None, "change_rate": "", "share": "", "completion": ""}
        rest = window[first.end():]
        tail = rest[:60]
        share = re.match(r"\s*[,，]?\s*占.{0,12}?(?P<num>\d+(?:\.\d+)?)\s*[%％]", tail)
        if share:
            fact["share"] = f"占{share.group('num')}%"
        change = re.search(r"(?:(?:比|较)\s*(?:上年|20\d\d\s*年)[^,，。；]{0,14}?|同比|与上年相比)?"
                           r"(?P<dir>增加|增长|上升|提高|减少|下降|降低)\s*"
                           r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|千元|元)", tail)
        if change:
            sign = -1 if _DECREASE.match(change.group("dir")) else 1
            fact["change_text"] = re.sub(r"\s+", "", change.group())
            fact["change_wan"] = sign * _parse_number(change.group("num")) * TO_WAN[change.group("unit")]
        completion = re.search(r"完成(?:年初)?预算的?\s*(?P<num>\d+(?:\.\d+)?)\s*[%％]", tail)
        if completion:
            fact["completion"] = f"完成预算的{completion.group('num')}%"
        rate = re.search(r"(?P<dir>增长|下降|增加|减少|上升|降低)\s*(?P<num>-?\d+(?:\.\d+)?)\s*[%％]", tail)
        if rate:
            fact["change_rate"] = re.sub(r"\s+", "", rate.group())
        elif re.search(r"(无增减变化|持平|零增长|没有变化|无变化)", tail[:30]):
            fact["change_text"], fact["change_wan"] = "与上年持平", 0.0
        found.append(fact)
        # 决算 documents: "预算为 2.50 万元，支出决算为 2.41 万元" — the actual follows the budget
        if fact["basis"] == "预算" and doc_kind == "决算":
            actual = re.search(r"决算(?:数)?(?:为|是)?\s*(?P<amount>\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|千元|元))",
                               rest[:30])
            if actual:
                amount = AMOUNT.match(actual.group("amount"))
                found.append(dict(fact, value_text=amount.group().replace(" ", ""),
                                  value=_parse_number(amount.group("num")), unit=amount.group("unit"),
                                  basis="决算", change_text="", change_wan=None, change_rate="", share=""))
                found[-1]["completion"] = fact["completion"]
    for metric, pattern in COUNT_METRICS:
        for m in pattern.finditer(sentence):
            found.append({"metric": metric, "value_text": m.group("num") + m.group("unit"),
                          "value": _parse_number(m.group("num")), "unit": m.group("unit"),
                          "basis": doc_kind or "预算", "change_text": "", "change_wan": None,
                          "change_rate": "", "share": "", "completion": ""})
            break
    return found


def extract_document_facts(doc) -> list[Fact]:
    facts: list[Fact] = []
    seen = set()
    m = doc.meta
    for p in doc.passages:
        if p.is_table:
            continue
        body = p.text
        heading = p.section.rsplit(" › ", 1)[-1] if p.section else ""
        if heading and body.startswith(heading):
            body = heading + "。\n" + body[len(heading):].lstrip("\n")   # a heading is not part of the sentence
        # a heading line kept inside a passage ("六、一般公共预算三公经费支出情况") ends before the next line
        body = "\n".join(line + "。" if _HEADING_LINE.match(line.strip()) else line for line in body.split("\n"))
        for sentence in joined_label_sentences(sentences(body)):
            for f in extract_from_sentence(sentence, m.kind):
                key = (f["metric"], f["basis"], f["value_text"], sentence)
                if key in seen:
                    continue
                seen.add(key)
                money = f["unit"] in TO_WAN
                wan = f["value"] * TO_WAN[f["unit"]] if money else (0.0 if f["unit"] == "" else None)
                facts.append(Fact(
                    doc.doc_id, doc.file, m.unit, m.region, m.year, m.kind, f["basis"], f["metric"], f["value"],
                    f["value_text"], f["unit"], wan,
                    f["change_text"], f["change_wan"], f["change_rate"], f["share"], f["completion"], "text", sentence,
                    passage_id(doc.doc_id, p.ordinal), p.line_start, p.line_end, p.section))
                facts[-1].page_start, facts[-1].page_end = figure_pages(doc, p, sentence, f["value_text"])
    return facts


def _spaced(text: str) -> re.Pattern:
    """text as printed, allowing the spaces a PDF text layer puts between characters."""
    return re.compile(r"\s*".join(re.escape(ch) for ch in text if not ch.isspace()))


def _passage_lines(lines, start: int, end: int) -> list:
    """The logical lines within original lines start..end. Lines are in document order, so a binary search
    finds the first one (a scan of every line per figure cost a 2,000-document build a minute)."""
    first = bisect.bisect_left(lines, start, key=lambda ln: ln.start)
    out = []
    for ln in lines[first:]:
        if ln.start > end:
            break
        if ln.end <= end:
            out.append(ln)
    return out


def figure_pages(doc, p, statement: str, value_text: str) -> tuple[int | None, int | None]:
    """PDF page(s) of the line that prints a figure: a passage may span pages, the figure is on one of them.

    Reads the passage's own logical lines (compacted the way sentences are) to find the figure: inside the
    whole statement when the text has it as one run, else by the figure with the words just before it (a
    statement may join a heading or a label sentence to its figure). Falls back to the passage's pages."""
    fallback = (getattr(p, "page_start", None), getattr(p, "page_end", None))
    page_starts = getattr(doc, "page_starts", None)
    if not page_starts:
        return fallback
    lines = _passage_lines(doc.lines, p.line_start, p.line_end)
    joined, owners = "", []
    for ln in lines:
        piece = _compact(ln.text)
        joined += piece
        owners.extend([ln] * len(piece))
    statement, value_text = _compact(statement).strip(), _compact(value_text).strip()
    position = None
    where = _spaced(statement).search(joined) if statement else None
    if where is not None:
        figure = _spaced(value_text).search(joined, where.start(), where.end()) if value_text else None
        position = (figure or where).start()
    elif value_text:
        at = statement.find(value_text)
        for before in ((16, 8, 4, 0) if at >= 0 else (0,)):
            found = _spaced(statement[max(0, at - before):at] + value_text).search(joined)
            if found:
                position = found.end() - 1   # the figure itself, not the words before it, decides the line
                break
    if position is None:
        return fallback
    owner = owners[position]
    return doc.pages_of(owner.start, owner.end)


# Table rows read for figures: only labels whose meaning does not depend on the table's column layout.
# a small integer before the figure is the 行次 (row number) column: skip it
_TABLE_TOTALS = re.compile(r"(?P<label>本年收入合计|本年支出合计|收入总计|支出总计)[\s|:：]*(?:\d{1,3}[\s|]+(?=\d))?"
                           r"(?P<num>\d[\d,]*(?:\.\d+)?)")
_TABLE_SANGONG_PARTS = re.compile(
    r"^(?:[\d一二三四五六七八九十]+[、.．)）]\s*|[(（][一二三四五六七八九十]+[)）]\s*)?"
    r"(?P<label>因公出国\(境\)费用?|公务用车购置费|公务用车运行(?:维护)?费|公务接待费)(?:支出)?[\s|]+(?:\d{1,3}[\s|]+(?=\d))?(?P<num>\d[\d,]*(?:\.\d+)?)")
_TABLE_LABEL_METRIC = {"本年收入合计": "本年收入合计", "本年支出合计": "本年支出合计"}
# the two halves of the expenditure in a 收支总表: 基本支出 / 项目支出 at a row's start, or as 西安 names them
# (人员经费和公用经费支出 / 专项业务经费支出) anywhere in its two-column rows
_TABLE_HALVES = re.compile(r"(?:^(?:[\d一二三四五六七八九十]+[、.．]\s*)?(?P<plain>基本支出|项目支出)|"
                           r"(?:[\d一二三四五六七八九十]+[、.．])?(?P<xian>人员经费和公用经费支出|专项业务经费支出))"
                           r"[\s|]*(?P<num>\d[\d,]*(?:\.\d+)?)(?![\d,.])")
_HALF_METRIC = {"基本支出": "基本支出", "项目支出": "项目支出", "人员经费和公用经费支出": "基本支出", "专项业务经费支出": "项目支出"}


# a table of one fund or one half (财政拨款, 一般公共预算, 基本支出 …): its totals are not the unit's whole
ONE_FUND_TITLE = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|基本支出|项目支出")


def _table_rows(doc):
    for p in doc.passages:
        if p.is_table and p.money_unit in TO_WAN:
            yield p, [line for line in p.text.split("\n")]


_SANGONG_PARTS = ("因公出国(境)费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
_EARLIER_COLUMN = re.compile(r"上年|去年|20\d\d")


def _sangong_columns(doc):
    """(metric, value as printed, table, row) of the 三公 parts in a recovered 三公 table printed as columns
    (headers over one row of figures: 苏州's "合计 | 因公出国（境）费 | 公务用车购置及运行维护费 › 公务用车购置费 | …"),
    which its text lines cannot give (the figures' line has no labels). Only the table's one row (or its total
    row), not a column of another year, and only when the parts add up to the table's 合计 — a layout read
    with shifted columns (西安's) adds up to nothing and gives no figure. Yields the 合计 too."""
    for table in getattr(doc, "tables", None) or []:
        if table.kind != "三公经费" or table.unit not in TO_WAN:
            continue
        totals = [r for r in table.rows if r.is_total]
        rows = totals if totals else table.rows
        if len(rows) != 1:
            continue
        row, found, total = rows[0], {}, None
        for col, text in row.values.items():
            if col >= len(table.columns) or _EARLIER_COLUMN.search(table.columns[col].name) \
                    or not re.fullmatch(r"\d[\d,]*(?:\.\d+)?", text.strip()):
                continue
            path = [_compact(x).replace("（", "(").replace("）", ")") for x in table.columns[col].path]
            if re.fullmatch(r"(?:三公经费)?合计|三公经费(?:合计|总计)?", path[-1]) and len(path) == 1:
                total = _parse_number(text)
                continue
            m = MENTION.fullmatch(path[-1])
            metric = next((_GROUPS[k] for k, v in m.groupdict().items() if v), "") if m else ""
            if metric in _SANGONG_PARTS and metric not in found:
                found[metric] = text.strip()
        if total is None or len(found) < 2:
            continue
        parts = sum(_parse_number(v) for v in found.values())
        if abs(parts - total) > 0.011 * len(found):
            continue
        for metric, text in found.items():
            yield metric, text, table, row, total


def extract_table_facts(doc) -> list[Fact]:
    """Totals (收入总计/支出总计, 本年收入/支出合计) from any table and the parts of 三公经费 from the 三公
    table, converted with the table's own unit line. Used when the text states no figure, and to flag
    disagreements with the text."""
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for p, lines in _table_rows(doc):
        unit = p.money_unit
        title = p.section.rsplit(" › ", 1)[-1].replace("“", "").replace("”", "")
        in_sangong_table = "三公" in title
        # 财政拨款/一般公共预算 tables total a subset of the funds: their totals are another concept
        whole_budget_table = not ONE_FUND_TITLE.search(title)
        for line in lines:
            compact_line = _compact(line)
            found: list[tuple[str, str]] = []
            totals = {x.group("label"): x.group("num") for x in _TABLE_TOTALS.finditer(compact_line)} \
                if whole_budget_table else {}
            if totals.get("收入总计") and totals.get("收入总计") == totals.get("支出总计"):
                found.append(("收支总计", totals["收入总计"]))
            found += [(_TABLE_LABEL_METRIC.get(label, label), num) for label, num in totals.items()]
            if whole_budget_table and "收支总表" in title:
                found += [(_HALF_METRIC[h.group("plain") or h.group("xian")], h.group("num"))
                          for h in _TABLE_HALVES.finditer(compact_line)]
            if in_sangong_table:
                part = _TABLE_SANGONG_PARTS.match(re.sub(r"^[|\s]+", "", compact_line))
                if part:
                    metric = next(_GROUPS[k] for k, v in MENTION.match(part.group("label")).groupdict().items() if v)
                    found.append((metric, part.group("num")))
            for metric, num in found:
                if (metric, num) in seen:
                    continue   # the same total printed in several tables
                seen.add((metric, num))
                facts.append(_table_fact(doc, p, metric, num, unit, line.strip()))
    return facts


def sangong_column_facts(doc, text_facts: list[Fact]) -> list[Fact]:
    """The 三公 parts a columns-layout 三公 table gives (_sangong_columns) that the text does not state — never
    beside or against the text's own figure: a two-year table whose year headers were not read (烟台's) adds up
    too, to last year's 合计, so the table's 合计 must also be the text's 三公经费 where the text states one."""
    stated = {f.metric for f in text_facts}
    totals = {round(f.value_wan, 2) for f in text_facts if f.metric == "三公经费" and f.value_wan is not None}
    facts: list[Fact] = []
    for metric, num, table, row, total in _sangong_columns(doc):
        if metric in stated or any(f.metric == metric for f in facts) \
                or (totals and round(total * TO_WAN[table.unit], 2) not in totals):
            continue
        p = next((q for q in doc.passages if q.is_table and q.line_start <= row.line_start <= q.line_end), None)
        if p is None:
            continue
        statement = next((line for line in p.text.split("\n") if num in line), num).strip()
        facts.append(_table_fact(doc, p, metric, num, table.unit, statement))
    return facts


def _table_fact(doc, p, metric: str, num: str, unit: str, statement: str) -> Fact:
    """A figure read from a table of passage p, as printed with the table's money unit, its page found."""
    m = doc.meta
    value = _parse_number(num)
    fact = Fact(doc.doc_id, doc.file, m.unit, m.region, m.year, m.kind, m.kind if m.kind in ("预算", "决算") else "预算",
                metric, value, f"{num}{unit}", unit, value * TO_WAN[unit], "", None, "", "", "", "table", statement,
                passage_id(doc.doc_id, p.ordinal), p.line_start, p.line_end, p.section)
    fact.page_start, fact.page_end = figure_pages(doc, p, statement, num)
    return fact


def flag_mismatches(text_facts: list[Fact], table_facts: list[Fact]) -> list[Fact]:
    """Keep table figures that add something: a metric the text does not state, or one that disagrees with
    the text (both rows flagged). Table figures that repeat the text are dropped as redundant."""
    kept: list[Fact] = []
    for t in table_facts:
        same = [f for f in text_facts if f.metric == t.metric and f.basis == t.basis and f.value_wan is not None]
        if not same:
            kept.append(t)
            continue
        if any(abs(f.value_wan - t.value_wan) <= 0.006 + 1e-4 * abs(f.value_wan) for f in same):
            continue
        primary = min(same, key=primary_statement_key)
        note = f"正文{primary.value_text}与表格{t.value_text}不一致"
        primary.mismatch = primary.mismatch or note
        t.mismatch = note
        kept.append(t)
    return kept


def facts_stage(conn: sqlite3.Connection, added, removed_ids) -> None:
    """Index build stage: keep the figures table in step with the passages of the same generation."""
    conn.executescript(SCHEMA)
    for doc_id in removed_ids:
        conn.execute("DELETE FROM facts WHERE doc_id = ?", (doc_id,))
    rows = []
    for doc in added:
        text_facts = extract_document_facts(doc)
        table_facts = flag_mismatches(text_facts, extract_table_facts(doc))
        table_facts += sangong_column_facts(doc, text_facts + table_facts)
        scanned = {passage_id(doc.doc_id, p.ordinal) for p in doc.passages if getattr(p, "ocr", False)}
        for f in text_facts + table_facts:
            if f.passage_id in scanned:
                f.ocr, f.trust = True, "ocr"
        rows += [astuple(f) for f in text_facts + table_facts]
    placeholders = ",".join("?" * len(FACT_COLUMNS))
    conn.executemany(f"INSERT INTO facts ({','.join(FACT_COLUMNS)}) VALUES ({placeholders})", rows)


def load_facts(conn: sqlite3.Connection) -> list[Fact]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='facts'").fetchone()
    if not exists:
        return []
    cursor = conn.execute(f"SELECT {','.join(FACT_COLUMNS)} FROM facts")
    out = []
    for row in cursor:
        values = list(row)
        year_index = FACT_COLUMNS.index("year")
        values[year_index] = int(values[year_index]) if values[year_index] not in (None, "") else None
        for name in ("line_start", "line_end"):
            idx = FACT_COLUMNS.index(name)
            values[idx] = int(values[idx])
        values[FACT_COLUMNS.index("ocr")] = bool(values[FACT_COLUMNS.index("ocr")])
        out.append(Fact(*values))
    return out


def primary_statement_key(fact) -> tuple:
    """Order for picking a document's main statement of a metric: the section about the metric first,
    then the earliest line."""
    word = fact["metric"] if isinstance(fact, dict) else fact.metric
    section = fact["section"] if isinstance(fact, dict) else fact.section
    line = fact["line_start"] if isinstance(fact, dict) else fact.line_start
    in_section = word.replace("(境)", "")[:4] in section.replace("“", "").replace("”", "")
    return (not in_section, line)
