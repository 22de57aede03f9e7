"""Short answers with citations. Figures questions are answered from the figures table (facts.py);
everything else falls back to the best sentence of the best passages, cited, or says nothing was found."""
from __future__ import annotations

import re
import time

from ..chunk import heading_level, is_table_title
from ..facts import MENTION, _compact
from ..highlight import find_spans
from ..query import ASKS_REASON, without_mentions
from ..tokens import QUERY_STOPWORDS, shared_tokenizer
from ..vocab import passage_id, strip_quotes

MAX_ANSWER_CHARS = 300
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_WANTS_NUMBER = re.compile(r"多少|几|金额|数额|比例|占比|得分|增长|减少|增加|规模|总额|是否")


_REASON = re.compile(r"主要(?:原因)?(?:是|为|系)|原因(?:是|为|:|：)|由于|因为")
_STATED_NUMBER = re.compile(r"\d[\d,.]*\s*(?:万元|亿元|元|%|辆|名|人|个|分|项|次|户)")
# what kind of number the question wants, so "项目1个" does not answer "经费是多少"
_WANTED_NUMBER = [
    (re.compile(r"经费|费用?|资金|支出|收入|预算|决算|金额|钱|拨款"), re.compile(r"\d[\d,.]*\s*(?:万元|亿元|元)")),
    (re.compile(r"辆|车"), re.compile(r"\d+(?:\.\d+)?\s*辆")),
    (re.compile(r"得分|分数|评分"), re.compile(r"\d+(?:\.\d+)?\s*分")),
    (re.compile(r"比例|占比|比重|百分"), re.compile(r"\d+(?:\.\d+)?\s*%")),
    (re.compile(r"人数|多少人|编制"), re.compile(r"\d+\s*(?:人|名)")),
    (re.compile(r"[几多少]+(?:台|套|件)|台[（(]?套"), re.compile(r"\d+\s*(?:台|套|件)")),   # assets held (设备20台（套）)
]


def wanted_number(question: str) -> re.Pattern:
    """The asked-for quantity is named last: "…补助资金项目自评得分" wants a score, not money (spaces aside:
    "几 台" asks a count of 台)."""
    question = re.sub(r"\s", "", question)
    best, best_position = _STATED_NUMBER, -1
    for asks, pattern in _WANTED_NUMBER:
        for match in asks.finditer(question):
            if match.start() > best_position:
                best, best_position = pattern, match.start()
    return best


def _longest_common_run(a: str, b: str) -> int:
    """Length of the longest common substring: the sentence repeating the question's own wording wins."""
    best = 0
    previous = [0] * (len(b) + 1)
    for ca in a:
        current = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _states_for_term(sentence: str, terms: list[str], number: re.Pattern) -> bool:
    compact = re.sub(r"\s", "", sentence)
    for term in terms:
        if len(term) >= 2 and not term.isdigit():
            for match in re.finditer(re.escape(term), compact):
                window = compact[match.end():match.end() + 12]
                if number.search(window) and not re.search(r"[。；]", window[:number.search(window).start()]):
                    return True
    return False


# words every disclosure uses; a sentence sharing only these with the question does not answer it
QUESTION_WORDS = frozenset("为什么 为何 怎么 怎么样 是多少 有多少 哪些 哪个 什么 多少钱 有没有 有无 是不是 是否 干什么 做什么 干嘛 用来 用途".split())
# (and a money unit with 以上/以下: "100万元以上设备" is printed "100万元（含）以上设备")
GENERIC_TERMS = frozenset("经费 支出 预算 决算 情况 资金 费用 项目 收入 财政 拨款 部门 单位 年度 合计 金额 其中 主要 安排 "
                          "万元以上 万元以下 亿元以上 元以上 元以下".split())


_FUND_WORDS = frozenset(("一般公共预算", "政府性基金", "国有资本经营"))


def _plain(text: str) -> str:
    # (a classification level printed in brackets is no part of the name: "交通运输（类）支出" is 交通运输支出)
    plain = re.sub(r"\s", "", strip_quotes(text)).replace("（", "(").replace("）", ")")
    return re.sub(r"\([类款项]\)", "", plain)


_REASON_START = re.compile(r"^(?:主要原因|原因|主要是|这主要是|增加的原因|减少的原因|变动原因|增减变化原因)")


# a project's budget stated on a line of its own below the project's name (重点支出项目: "1.学前免费政策市级财政补助
# (1)政策依据…(3)预算安排：2026年安排市级资金预算3亿元。", "四环主路维修专项工程：…。本项目计划安排年初预算21384.60万元")
_BUDGET_LINE = re.compile(r"^(?:[（(]?\d{1,2}[)）.、．]\s*)?(?:预算安排|资金安排|安排资金|资金规模|预算金额|年初预算安排|"
                          r"本项目(?:计划)?(?:年初)?(?:预算)?安排)")
_TARGET_LINE = re.compile(r"^(?:[（(]?\d{1,2}[)）.、．]\s*)?(?:绩效目标|项目目标|年度目标|实施内容|主要内容)[：:]")
ASKS_TARGET = re.compile(r"绩效目标|目标是|做什么|干什么|干嘛|用途|用于(?:什么|哪)|内容")
_MONEY_CLAUSE = re.compile(r"^[^，,；;。]*?\d[\d,.]*\s*(?:万元|亿元|元)")
_FOLLOWING = 5   # sentences below the name read for its budget line


_FULL_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


def _candidates(text: str, asks_reason: bool, whole: bool = False, asks_target: bool = False):
    """Whole sentences; for a reason question also a sentence with the next one when that one gives the
    reason ("…比上年减少64.79万元。主要原因是…"); a sentence naming a project with the budget line below it
    (quoted as printed, the words between left out and marked ……). With whole, also a sentence of clauses
    (；) as one: "2026年计划购置车辆30辆…；单价100万元以上设备1台（套）…" says in its first clause what the
    second one's 设备 are (bought, not held). With asks_target, a project's name with its targets' line below it."""
    parts = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    if whole:
        yield from (m.group().strip() for m in _FULL_SENTENCE.finditer(text) if re.search(r"[；;]", m.group()))
    for i, part in enumerate(parts):
        yield part
        if asks_reason and i + 1 < len(parts) and _REASON_START.match(parts[i + 1]):
            yield part + parts[i + 1]
        name = re.split(r"[：:]|[（(]1[)）]", part)[0].rstrip("，,。")
        if not asks_reason and not _MONEY_CLAUSE.search(part) and "、" not in name:   # one project, not a list
            for following in parts[i + 1:i + 1 + _FOLLOWING]:
                if _BUDGET_LINE.match(following):
                    amount = _MONEY_CLAUSE.search(following)
                    if amount:
                        yield name + "……" + amount.group() + "。"
                    break
            if asks_target:
                # its targets on their own line below it ("（2）绩效目标：…"), for a question asking them
                target = next((f for f in parts[i + 1:i + 1 + _FOLLOWING] if _TARGET_LINE.match(f)), None)
                if target:
                    yield name + "……" + target


_CARRIED_OVER = re.compile(r"上年结转|结转结余|年初结转|结转和结余")
_CARRIED_OVER_ASKED = re.compile(r"结转|结余|上年|去年")


def _key_found(sentence: str, key: str, terms: list[str]) -> bool:
    """The question's main word is in the sentence, as a whole or as the shorter words the tokenizer also
    read it as, each found ("工程预算": 工程 … 预算) — only for a project's name joined to its budget line
    (looser for every sentence, it let sentences answer that share only parts of the word)."""
    if find_spans(sentence, [key]):
        return True
    covered = set()
    for term in terms:
        if term != key and len(term) >= 2 and term in key and find_spans(sentence, [term]):
            at = key.find(term)
            covered.update(range(at, at + len(term)))
    return len(covered) == len(key)


def best_sentence(text: str, terms: list[str], wants_number: bool, question: str = "",
                  required: list[str] | None = None, verify=None, whole: bool = False) -> tuple[str, float]:
    """required: the sentence must hold one of these (the asked item or metric, in any written form); whole:
    a sentence of several clauses is also a candidate as one (see _candidates)."""
    best, best_score = "", 0.0
    specific = [t for t in terms if t not in GENERIC_TERMS and t not in QUESTION_WORDS and len(t) >= 2]
    # the question's main content word ("财政拨款收入", "内设机构") must be in the answering sentence:
    # "机关运行经费财政拨款预算6.08万元" does not answer a question about 财政拨款收入
    # (a fund named beside the item only places it: "一般公共预算 交通运输支出 占比" asks of 交通运输)
    key = max((t for t in specific if len(t) >= 3 and not t.isdigit()
               and not (t in _FUND_WORDS and required and not any(t in _plain(r) for r in required))),
              key=len, default="")
    question = re.sub(r"\s", "", question)
    number = wanted_number(question)
    asks_reason = bool(ASKS_REASON.search(question))
    for sentence in _candidates(text, asks_reason, whole, bool(ASKS_TARGET.search(question))):
        if len(sentence) < 4 or heading_level(sentence) is not None or is_table_title(sentence) \
                or re.sub(r"[\W_]", "", sentence) in question:
            continue   # a heading or table title names a topic, the question's own words say nothing: no answer
        if specific and not find_spans(sentence, specific) and not any(t in _plain(sentence) for t in specific):
            continue
        if required and not any(_plain(r) in _plain(sentence) for r in required):
            continue
        if verify is not None and not verify(sentence):
            continue
        if key and not asks_reason and not (find_spans(sentence, [key]) or key in _plain(sentence)
                                            or ("……" in sentence and _key_found(sentence, key, terms))):
            continue
        if wants_number and not asks_reason and not number.search(sentence):
            continue   # "多少" is not answered by a sentence without the figure
        score = 0.0
        for term in set(terms):
            if find_spans(sentence, [term]):
                score += len(term) if not term.isdigit() else 1
        if score and question:
            score += 2.0 * _longest_common_run(question, re.sub(r"\s", "", sentence))
        if asks_reason:
            score *= 2.0 if _REASON.search(sentence) else 0.7
        elif wants_number:
            score *= 2.0 if number.search(sentence) else 0.5
            if _states_for_term(sentence, terms, number):
                score *= 1.5   # the figure belongs to the asked thing, not to some total mentioned beside it
        if _CARRIED_OVER.search(sentence) and not _CARRIED_OVER_ASKED.search(question):
            score *= 0.3   # last year's carry-over is not this year's figure unless the question asks for it
        score /= (1 + len(sentence) / 200)
        if score > best_score:
            best, best_score = sentence, score
    return best, best_score


def _joined(text: str, is_table: bool) -> str:
    """Prose passages keep the PDF's line wraps; a sentence runs across them, so join before splitting."""
    if is_table:
        return text
    return re.sub(r"(?<=[^。！？；：:\n])\n(?=\S)", "", text)


def whole_clause(sentence: str, terms: list[str], limit: int = 200) -> str:
    """A sentence short enough to quote, else the clause(s) holding the asked terms — never a cut word."""
    if len(sentence) <= limit:
        return sentence
    clauses = re.findall(r"[^，,]+[，,]?", sentence)
    scored = [(sum(len(t) for t in terms if t in c), i) for i, c in enumerate(clauses)]
    best = max(scored)[1] if scored else 0
    start, end = best, best + 1
    while end < len(clauses) and len("".join(clauses[start:end + 1])) <= limit:
        end += 1
    return "".join(clauses[start:end]).rstrip("，,") + "。" if len("".join(clauses[start:end])) <= limit else ""


def _with_its_list(sentence: str, text: str, limit: int = 200) -> str:
    """"（五）项目支出 1,531.45 万元，具体包括：": what it announces follows it — its items, to the last whole
    one within the limit (the sentence alone when it is not found in the passage)."""
    at = text.find(sentence.rstrip())
    if at < 0:
        return sentence
    following = text[at + len(sentence.rstrip()):][:limit]
    ends = [m.end() for m in re.finditer(r"[。；;]", following)]
    return sentence.rstrip() + following[:ends[-1]].strip() if ends else sentence


def passage_answer(engine, u, k: int = 5, allowed: set[str] | None = None, wants_figure: bool | None = None,
                   required: list[str] | None = None, verify=None, query: str | None = None,
                   whole_sentences: bool = False) -> dict:
    """The best whole sentence of the best passages from the allowed documents, or an abstention.

    u: the understood question (search.qa.understand.Understood). The sentence must hold the question's
    specific words and, when a figure is asked, a figure of the asked kind (money, %, 辆 …)."""
    started = time.perf_counter()
    question = u.question
    # ranked within the scope: a unit's passages are not crowded out by other units' passages that share
    # the question's words; and within it the unit's own name says nothing about which passage answers
    if query is None and allowed is not None and u.units:
        query = without_mentions(u.normalized, [mention.text for mention in u.units]) or question
    query = query or question
    result = engine.search(query, k=max(k, 20), documents=allowed)
    parsed = engine.parse(query)
    terms = [w for _, w in shared_tokenizer().positioned(parsed.keyword_text) if w not in QUERY_STOPWORDS]
    if wants_figure is None:
        wants_figure = bool(_WANTS_NUMBER.search(question) or MENTION.search(_compact(parsed.text)))
    hits = result["results"]
    best = ("", 0.0, None)
    for rank, hit in enumerate(hits[:6]):
        text = _joined(hit["text"], hit.get("is_table", False))
        sentence, score = best_sentence(text, terms, wants_figure, parsed.keyword_text, required, verify,
                                        whole_sentences)
        score *= 1.0 - 0.05 * rank   # the sentence's own match matters more than its passage's rank
        if score > best[1]:
            best = (sentence, score, hit)
    sentence, score, hit = best
    quoted = whole_clause(sentence, terms) if hit else ""
    if quoted.rstrip().endswith(("：", ":")):
        quoted = _with_its_list(quoted, _joined(hit["text"], hit.get("is_table", False)))
    if not hit or score < 2 or not quoted:
        return none_answer(question, "没有找到可靠的答案：所问单位和年份的文件中没有陈述所问内容的句子。",
                           result["results"][:k], started)
    who = " ".join(x for x in (hit["unit"], f"{hit['year']}年" if hit["year"] else "", hit["kind"]) if x)
    text = f"{who}：{quoted}" if who else quoted
    citations = [hit] + [r for r in result["results"] if r["id"] != hit["id"]]
    return {"question": question, "answer": text[:MAX_ANSWER_CHARS], "answer_type": "passage", "facts": [],
            "citations": citations[:max(k, 1)], "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def document_passages(gen, doc_id: str):
    """(passage id, passage) of one document, in document order (a passage's id is its ordinal)."""
    ordinal = 0
    while (pid := passage_id(doc_id, ordinal)) in gen.passages:
        yield pid, gen.passages[pid]
        ordinal += 1


def fact_dict(fact) -> dict:
    """A fact as the JSON of an answer's `facts`."""
    return dict(fact.__dict__)


def none_answer(question: str, reason: str, citations: list[dict], started: float) -> dict:
    """An abstention: why, and the closest passages the corpus does hold, as citations."""
    return {"question": question, "answer": reason[:MAX_ANSWER_CHARS], "answer_type": "none", "facts": [],
            "citations": citations, "took_ms": round((time.perf_counter() - started) * 1000, 2)}
