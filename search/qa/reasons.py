"""Why a figure changed: the reason a disclosure gives, read where it gives it.

Disclosures state a change and its reason together: "…比上年减少25.47万元，变动原因本年度部门不单独编制…",
"…增长43.1%。…预算收支增加主要原因说明：一是…". A search for a sentence with a reason cue finds the reason of
some other change of the same unit (the 政府性基金's, a part of 三公经费's) as often as the asked one, so the
first place to read is right after the change itself: the figures table knows the line that states it.
The search for a reason sentence stays as the fallback for a change the figures table does not hold.
"""
from __future__ import annotations

import re

from ..facts import _compact
from ..vocab import passage_id
from .passages import document_passages

# what introduces a reason in the text after a stated change
_CUE_AFTER = re.compile(r"主要原因(?:说明|如下|是|为|系)?[:：]?|"
                        r"变动原因|增减原因|原因(?:是|为|系|说明)[:：]?|主要是|主要系|主要用于|是由于|由于|因为")
# a later statement of another change: the reason found after it belongs to that one
_OTHER_CHANGE = re.compile(r"(?:比|较|与)[^，。；]{0,16}?(?:增加|减少|增长|下降|持平)\s*(\d[\d,]*(?:\.\d+)?)?")
# a new numbered part begins ("2.公务接待费", "（二）项目支出", "三、"): what follows is about that part
_NEW_PART = re.compile(r"(?:^|[。；;])\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
                       r"[一二三四五六七八九十]{1,3}、)(?!\d)")
_WINDOW = 600        # characters after the change read for its reason
_MAX_QUOTE = 450     # a reason is quoted whole up to this length, else to its last whole clause

# the cue words of a reason sentence anywhere ("…，主要原因是…"): used to check a quoted sentence
REASON_CUE = re.compile(r"主要原因|主要是|主要用于|原因是|原因为|由于|因为|主要系|系因")   # not 系 of 关系
# what a reason that only restates the change is made of ("主要原因是因公出国（境）费用增加")
_RESTATED = re.compile(r"三公|经费|费用|因公出国|[（(]境[）)]|公务接待|公务用车|购置|运行维护|运行|维护|收入|支出|"
                       r"预算|增加|减少|下降|增长|上升|较上年|比上年|上年|同比|有所|略有|相应|主要|的|了|"
                       r"[，。；、,.;：:\d%]|万元|元")
WHOLE_BUDGET_WORDS = ("收支", "收入支出", "收入、支出", "收入预算", "支出预算", "预算收入", "预算支出", "部门预算", "收入总计", "支出总计")
_PART_WORDS = re.compile(r"三公|机关运行经费|政府采购|公务接待|公务用车|因公出国|会议费|培训费")


def states_a_reason(sentence: str) -> bool:
    """A reason cue followed by more than the change restated."""
    cue = REASON_CUE.search(sentence)
    return cue is not None and len(_RESTATED.sub("", sentence[cue.end():])) >= 3


def reason_of(words: list[str]):
    """A reason given for what one of words names: the word before the reason's cue ("委托业务费…减少…，主要原因是…"),
    not only inside the reason ("因公出国费增加3.2万元，主要原因是…由委托业务费调整为因公出国经费")."""
    def verify(sentence: str) -> bool:
        cue = REASON_CUE.search(sentence)
        if cue is None or not states_a_reason(sentence):
            return False
        before = re.sub(r"\s", "", sentence[:cue.start()])
        return any(re.sub(r"\s", "", w) in before for w in words if w)
    return verify


def reason_about_the_whole(sentence: str) -> bool:
    return states_a_reason(sentence) and not _PART_WORDS.search(sentence)


def _digits(text: str | None) -> str:
    return (text or "").replace(",", "")


def reason_passage(gen, fact, reason: str) -> str | None:
    """The passage the quoted reason is printed in when it is not the change's own (the reason ran on past a
    page or section break): it is cited beside the change's."""
    passage = gen.passages.get(fact.passage_id)
    start = _compact(reason)[:16]
    if passage is None or not start or start in _compact(passage.text):
        return None
    following = passage_id(passage.doc_id, passage.ordinal + 1)
    return following if following in gen.passages and start in _compact(gen.passages[following].text) else None


def _text_after(gen, fact) -> str | None:
    """The unit's text from the stated change on: its passage, and the next one when the passage ends soon
    after (a page break can fall between a change and its reason)."""
    passage = gen.passages.get(fact.passage_id)
    if passage is None:
        return None
    text = _compact(passage.text)
    anchor = _compact(fact.change_text)
    value = _digits(_compact(fact.value_text))
    # the change stated right after the fact's own figure ("三公经费…增加7万元…因公出国(境)费17万元，比上年
    # 增加7万元": the second one is 因公出国's)
    spots = [m.start() for m in re.finditer(re.escape(anchor), text)]
    at = next((s for s in spots if value and value in _digits(text[max(0, s - 40):s])), spots[0] if spots else -1)
    if at < 0:
        return None
    after = text[at + len(anchor):]
    if len(after) < _WINDOW:
        following = gen.passages.get(passage_id(passage.doc_id, passage.ordinal + 1))
        if following is not None and not following.is_table:
            after += _compact(following.text)
    return after[:_WINDOW]


# the next section's heading run into a sentence that ends without its 。 ("…基本支出和项目支出减少二、三公经费支出
# 情况2026年…": the text's line break lost)
_NEXT_HEADING = re.compile(r"(?<=[\u4e00-\u9fff])[一二三四五六七八九十]{1,2}、(?=[^，。；]{0,14}?(?:情况|说明|预算|支出|收入|经费))")


def _quote(text: str) -> str:
    """The reason from its cue to the end of its sentence (or to the next section's heading, where the sentence
    runs into it); a long one cut at its last whole clause."""
    end = text.find("。")
    sentence = text[:end + 1] if end >= 0 else text
    heading = _NEXT_HEADING.search(sentence, 10)
    if heading is not None:
        sentence = sentence[:heading.start()] + "。"
    if len(sentence) <= _MAX_QUOTE:
        return sentence
    cut = max(sentence.rfind(p, 0, _MAX_QUOTE) for p in "；;，,")
    return sentence[:cut] + "…" if cut > 0 else ""


def _names_a_part(reason: str, metric: str) -> bool:
    """"三公经费…增加7万元。主要原因是因公出国(境)费用增加": which part moved is a reason for the whole."""
    part = _PART_WORDS.search(_compact(reason))
    return part is not None and part.group() not in metric


def reason_after(after: str, change_text: str, metric: str) -> str | None:
    """The reason given in `after` (the text following a stated change) for that change: from a cue that
    comes before any other change or numbered part begins, to the end of its sentence. A statement that
    repeats the same amount ("部门预算支出…较…增加14,309.95万元") is the same change."""
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", change_text)
    amount = _digits(numbers[-1]) if numbers else ""     # the change's amount, not its year
    limit = len(after)
    for other in _OTHER_CHANGE.finditer(after):
        if not amount or _digits(other.group(1)) != amount:
            limit = other.start()
            break
    part = _NEW_PART.search(after)
    if part is not None:
        limit = min(limit, part.start() + 1)
    cue = _CUE_AFTER.search(after, 0, limit)
    if cue is None:
        return _reason_of_the_part(after, amount, metric) or _labelled_reason(after, metric) \
            or _reasons_of_the_parts(after, change_text)
    quoted = _quote(after[cue.start():])
    if quoted and (states_a_reason(quoted if REASON_CUE.search(quoted) else "主要原因是" + quoted)
                   or _names_a_part(quoted, metric)):
        return quoted
    return None


def _labelled_reason(after: str, metric: str) -> str | None:
    """"…比上年减少3,327.5万元，其中：1.收入预算减少…2.支出预算减少…3.收支预算减少的主要原因，落实…": a later
    part headed as the reason for the change of the same figure (the budget's whole for a total)."""
    words = _WHOLE_WORDS if metric in ("收入总计", "支出总计", "收支总计") else re.escape(_compact(metric))
    m = re.search(rf"(?:{words})[^。；;，,]{{0,6}}?(?:增加|减少|增长|下降|变化|变动|增减)的?(?:主要)?原因", after)
    if m is None:
        return None
    quoted = _quote(after[m.start():])
    return quoted if quoted and states_a_reason(quoted) else None


_WHOLE_WORDS = "收支|收入|支出|预算"


def _reason_of_the_part(after: str, amount: str, metric: str) -> str | None:
    """"三公经费…减少21.80万元。其中：…(二)公务用车购置及运行费9.60万元，比2025年预算减少21.80万元，主要原因是…":
    the part that moved by the whole's amount, with its reason, explains the whole."""
    if not amount:
        return None
    for other in _OTHER_CHANGE.finditer(after):
        if _digits(other.group(1)) != amount:
            continue
        start = max(after.rfind(mark, 0, other.start()) for mark in "。；;)）:：") + 1
        quoted = _quote(after[start:])
        return quoted if quoted and REASON_CUE.search(quoted) and (
            states_a_reason(quoted) or _names_a_part(quoted, metric)) else None
    return None


def _signed(change: re.Match) -> float | None:
    """The change a match of _OTHER_CHANGE states, signed (持平 is 0); None without an amount."""
    if "持平" in change.group(0):
        return 0.0
    if not change.group(1):
        return None
    value = float(change.group(1).replace(",", ""))
    return -value if re.search(r"减少|下降", change.group(0)) else value


def _reasons_of_the_parts(after: str, change_text: str) -> str | None:
    """"三公经费预算数为16.80万元，比2025年预算减少15.50万元。其中：（一）因公出国（境）费…持平。（二）公务用车
    购置及运行费…减少15.00万元，主要原因是…（三）公务接待费…减少0.50万元，主要原因是…": where the parts listed
    after the whole move by what the whole moved, together, each part that moved with its reason explains it."""
    whole = _OTHER_CHANGE.search("比" + _compact(change_text)) if change_text else None
    whole_value = _signed(whole) if whole else None
    if not whole_value:
        return None
    window = after[:_WINDOW]
    starts = [0] + [m.end() for m in _NEW_PART.finditer(window) if m.end() > 0]
    moved, total, parts = [], 0.0, 0
    for begin, end in zip(starts, starts[1:] + [len(window)]):
        segment = window[begin:end]
        change = _OTHER_CHANGE.search(segment)
        value = _signed(change) if change else None
        if value is None:
            continue
        parts += 1
        total += value
        if value:
            sentence = segment[:segment.find("。") + 1] if "。" in segment else segment
            sentence = sentence.lstrip("。；;：:其中 ")
            if not REASON_CUE.search(sentence) or not states_a_reason(sentence):
                return None
            moved.append(sentence.rstrip("。；;"))
    if parts < 2 or not moved or abs(total - whole_value) > 0.011:
        return None
    quoted = "；".join(moved) + "。"
    return quoted if len(quoted) <= _MAX_QUOTE else None


def stated_reason(gen, facts) -> tuple[str, object] | None:
    """(the reason as printed, the fact whose change it explains) for the first of `facts` whose text gives
    a reason right after its change; None when none does."""
    for fact in facts:
        if not fact.change_text:
            continue
        after = _text_after(gen, fact)
        reason = reason_after(after, fact.change_text, fact.metric) if after is not None else None
        if reason:
            return reason, fact
    for fact in facts:
        # the same change stated again with its reason: "收、支预算总计各减少178,341.83万元。其中：" gives none,
        # "一般公共预算拨款收入…减少178,341.83万元，…主要原因是…" does (苏州科技局)
        found = _reason_where_restated(gen, fact) if fact.change_text else None
        if found:
            return found
    return None


def _reason_where_restated(gen, fact) -> tuple[str, object] | None:
    """(reason, passage id) of the first prose passage of the fact's document, in order, that states the
    fact's change again (direction and amount as written) and gives a reason right after it."""
    anchor = _compact(fact.change_text)
    if not re.search(r"\d", anchor):
        return None
    for pid, passage in document_passages(gen, fact.doc_id):
        if pid == fact.passage_id or passage.is_table:
            continue
        text = _compact(passage.text)
        at = text.find(anchor)
        if at < 0:
            continue
        after = text[at + len(anchor):]
        if len(after) < _WINDOW:
            following = gen.passages.get(passage_id(fact.doc_id, passage.ordinal + 1))
            if following is not None and not following.is_table:
                after += _compact(following.text)
        reason = reason_after(after[:_WINDOW], fact.change_text, fact.metric)
        if reason:
            return reason, _Restated(pid)
    return None


class _Restated:
    """Where a restated change's reason was read: reason_passage cites it like the fact's own passage."""

    def __init__(self, passage_id: str):
        self.passage_id = passage_id


# a reason given in points: 一是…二是…, (1)…(2)…, 1.…2.… (not the 1. of a decimal)
_POINT = re.compile(r"(?=[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]{1,2}[)）]|(?<![\d.,])\d{1,2}[.、．](?=\D|20\d\d年))")
_CLAUSE = re.compile(r"(?:[^，,；;。]|(?<=\d),(?=\d))+[，,；;。]?")   # 105,041.04 is one number, not two clauses
_MONEY = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|元)")


def condensed(reason: str) -> str:
    """A reason listed in points, each kept by its opening clause and the clause with its largest amount
    ("三是补齐往年费用缺口及结算款…污水处理服务费增加178,309.00万元"): every point stays visible when the
    whole reason does not fit the answer. Words left out are marked …; nothing is reworded."""
    starts = [m.start() for m in _POINT.finditer(reason)]
    if len(starts) < 2:
        return reason
    head = reason[:starts[0]]
    points = [reason[a:b] for a, b in zip(starts, starts[1:] + [len(reason)])]
    kept = []
    for point in points:
        clauses = [c for c in _CLAUSE.findall(point) if c.strip()]
        first = clauses[0].rstrip("，,；;。")
        amounts = [(float(m.group(1).replace(",", "")) * (10000 if m.group(2) == "亿元" else 1), c)
                   for c in clauses[1:] for m in _MONEY.finditer(c)]
        if amounts and not _MONEY.search(first):
            first += "…" + max(amounts)[1].rstrip("，,；;。")
        kept.append(first)
    return (head if len(head) <= 12 else "") + "；".join(kept) + "。"


def with_reason(statement: str, reason: str, limit: int) -> str:
    """statement + "原因：" + reason in at most `limit` characters: whole when it fits, else the reason
    condensed point by point, else cut at the limit."""
    whole = statement + "原因：" + reason
    if len(whole) <= limit:
        return whole
    whole = statement + "原因：" + condensed(reason)
    return whole if len(whole) <= limit else whole[:limit - 1] + "…"
