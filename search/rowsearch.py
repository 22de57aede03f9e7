"""Questions over the table rows the rows stage stored (search/rows.py):

    find_rows(gen, doc_ids, "培训经费")            loose item match; `ambiguous` when one unit has several rows
    largest_rows(gen, doc_id, "项目支出", n=5)     the unit's largest (or smallest) projects
    units_with_item(gen, "信息化建设")              which units have such a row
    answer_from_rows(candidates)                   the answer as printed, with unit, table and citations
    tables_for(gen, doc_id, title)                 whole tables, for the document page and /api/tables

`gen` is an engine Generation, an sqlite3 connection or the path of a generation folder. Values are quoted
exactly as printed with the table's money unit; value_wan is only for comparing and sorting. Query side
only: changing it does not rebuild the index.
"""
from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from .regions import data_rows
from .rows import ROW_COLUMNS
from .tables import UNIT_BLOCK_KINDS, is_narrative, parse_value, year_line
from .vocab import LIST_NUMBER, ONE_CHAR_ASIDE, ORG_ENDINGS, ORG_NAME_END, strip_quotes

# columns that hold a row's total, in order of preference, when the question names none (总计 over 合计: a
# table with both prints its funds' subtotal as 财政拨款 › 合计 beside the row's 总计)
_TOTAL_COLUMNS = ("总计", "合计", "小计", "金额", "预算数", "本年预算", "预算金额", "年初预算数", "决算数", "项目金额")


# -- reading ----------------------------------------------------------------------------------------------------
def _connect(gen_or_conn) -> tuple[sqlite3.Connection, bool]:
    if isinstance(gen_or_conn, sqlite3.Connection):
        return gen_or_conn, False
    if hasattr(gen_or_conn, "connect"):
        return gen_or_conn.connect(), True
    path = Path(gen_or_conn)
    path = path / "store.sqlite" if path.is_dir() else path
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn, True


def _query(gen_or_conn, sql: str, args=(), table: str = "table_rows") -> list[dict]:
    """Rows of sql as dicts; [] when the index has no such table (built before the tables stage)."""
    conn, close = _connect(gen_or_conn)
    try:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
        if not exists:
            return []
        cursor = conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]
    finally:
        if close:
            conn.close()


def tables_for(gen_or_conn, doc_id: str | None = None, title: str = "") -> list[dict]:
    """Whole tables (title, unit, columns, rows with lines and passages, checks)."""
    sql, args = "SELECT data_json FROM doc_tables WHERE 1=1", []
    if doc_id:
        sql += " AND doc_id = ?"
        args.append(doc_id)
    out = []
    for r in _query_tables(gen_or_conn, sql + " ORDER BY doc_id, ordinal", args):
        data = json.loads(r["data_json"])
        if title and _norm(title) not in _norm(data["title"]):
            continue
        out.append(data)
    return out


def _query_tables(gen_or_conn, sql, args):
    return _query(gen_or_conn, sql, args, table="doc_tables")


def table_summary(gen_or_conn) -> dict:
    rows = _query_tables(gen_or_conn, "SELECT COUNT(*) AS n, SUM(checked > 0) AS checked, "
                                      "SUM(checked > 0 AND failed = 0) AS passed, SUM(n_rows) AS rows FROM doc_tables", ())
    r = rows[0] if rows else {}
    return {"tables": r.get("n") or 0, "rows": r.get("rows") or 0, "checked": r.get("checked") or 0,
            "passed": r.get("passed") or 0}


# -- loose item matching ----------------------------------------------------------------------------------------
_PUNCT = re.compile(r"[\s“”\"'‘’（）()【】\[\]、，,：:·—\-]+")
_SUFFIXES = ("项目经费", "专项经费", "工作经费", "经费", "费用", "支出", "项目", "资金", "费", "类")


def _norm(text: str) -> str:
    """A name compared: no punctuation or spaces, no list number in front ("3.国有资本经营预算拨款")."""
    text = LIST_NUMBER.sub("", (text or "").strip())
    text = ONE_CHAR_ASIDE.sub("", text)    # 维修（护）费 is 维修费, 因公出国（境）费 is 因公出国费
    # (污水处理费安排的支出 is asked as 污水处理费安排支出: 的 names nothing)
    return _PUNCT.sub("", text).replace("（", "(").replace("）", ")").replace("的", "")


def _core(item: str) -> str:
    core = _norm(item)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
                changed = True
    return core


def match_quality(item: str, label: str) -> float:
    """1.0 the same name; 0.8 the label contains the item (培训经费 in 干部教育培训经费); 0.7 the item contains
    the label; 0.6 the item's core (without 经费/项目/支出) is in the label (信息化建设 in 信息化建设项目经费)."""
    return _quality(_norm(item), _core(item), _norm(label), _core(label))


def _quality(a: str, core: str, b: str, label_core: str) -> float:
    """match_quality on normalised names and cores (computed once per label and generation)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b and len(a) >= 3:   # two characters (收入, 办公) inside a longer name name something else
        # a unit's row (苏州市土地储备中心 in a 收入总表) does not state a cost named inside its name (土地储备)
        return 0.0 if b[b.find(a) + len(a):] in ORG_ENDINGS else 0.8
    if b in a and len(b) >= 3:
        return 0.7 + round(0.09 * len(b) / len(a), 3)   # of the labels inside the item, the longest
    if len(core) >= 2 and (core == label_core or _core_as_word(core, b) or _abbreviates(core, label_core)
                           or _drops_a_word(a, b) or _pieces_in_order(core, b) or _words_swapped(core, b)):
        return 0.6
    return 0.0


def _words_swapped(a: str, b: str) -> bool:
    """人才引进 for 引进人才费用: the item's two words, each of two or more characters, stand in the label in
    the other order, in a label at most three times as long."""
    if not 4 <= len(a) <= 10 or len(b) > 3 * len(a):
        return False
    for i in range(2, len(a) - 1):
        first, second = a[:i], a[i:]
        at = b.find(second)
        if at >= 0 and b.find(first, at + len(second)) >= 0:
            return True
    return False


def _pieces_in_order(a: str, b: str, pieces: int = 3) -> bool:
    """基础设施建设维修 for 气象基础设施建设与维修, 绿色创新专项 for 工程建设领域绿色创新发展专项资金: the item is at
    most three runs of two or more characters that stand in the label in order (a question writes the words
    of a long name, not every word), in a label at most three times as long."""
    if len(a) < 4 or len(b) > 3 * len(a):
        return False

    def fits(i: int, at: int, left: int) -> bool:
        if i == len(a):
            return True
        if left == 0:
            return False
        for j in range(len(a), i + 1, -1):       # the longest run first
            found = b.find(a[i:j], at)
            if found >= 0 and (j == len(a) or len(a) - j >= 2) and fits(j, found + j - i, left - 1):
                return True
        return False
    return fits(0, 0, pieces)


def _drops_a_word(a: str, b: str) -> bool:
    """物业费 for 物业管理费: the label with one run of at most two characters left out (never a two-character
    item: 电费 is not 电子设备费)."""
    gap = len(b) - len(a)
    if len(a) < 3 or not 1 <= gap <= 2:
        return False
    return any(b[:i] + b[i + gap:] == a for i in range(1, len(a)))


def _abbreviates(core: str, label_core: str) -> bool:
    """棚改 for 棚户区改造, 高企认定补助 for 高新技术企业认定补助: the label's first character, then the rest of
    the item's characters in order, in a label at most three times as long. Loose on purpose, so quality 0.6
    only: a unit with several such rows is answered "ambiguous", not with one of them."""
    if not label_core or core[0] != label_core[0] or len(label_core) > 3 * len(core) or len(core) >= len(label_core):
        return False
    if core in label_core:
        return False     # written out, not abbreviated: _core_as_word decides (办公 in 办公设备购置 is not 办公费)
    at = 1
    for ch in core[1:]:
        at = label_core.find(ch, at)
        if at < 0:
            return False
        at += 1
    return len(label_core) - at <= 2     # the abbreviation reaches (nearly) the end of the name


def _core_as_word(core: str, label: str) -> bool:
    """The item's core stands in the label as the name of a cost, not as part of another word: followed by
    the label's end or a cost word (信息化建设 in 信息化建设项目经费; 办公 is not in 其他政府办公厅…事务支出)."""
    at = label.find(core)
    while at >= 0:
        tail = label[at + len(core):]
        if not tail or tail.startswith(_SUFFIXES):
            return True
        at = label.find(core, at + 1)
    return False


# generation -> its distinct row labels with their normalised forms: an item is matched against each
# distinct label once, and only the matching labels' rows are read (reading and matching every row of a
# corpus per question cost 0.2–0.4 s on a large archive; labels such as 行政运行 repeat in every unit)
_LABELS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LABELS_LOCK = threading.Lock()
_MATCHES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # generation -> item -> matches
_MATCH_CACHE_SIZE = 256


_NAME_COLUMNS = ("row_label", "context")
_UNIT_NAME = re.compile(r"^(?:中共)?[\u4e00-\u9fff]{1,4}[省市区县].*(?:" + "|".join(ORG_ENDINGS) + r")(?:[（(]本级[）)])?$")
_CATEGORY = re.compile(r"^[\u4e00-\u9fff]{1,6}类$")   # 特定目标类, 其他运转类, 一般性项目类   # a row is named by its label, or by the text cell beside it


def _distinct_labels(gen_or_conn) -> dict[str, list[tuple[str, str, str]]]:
    """column -> its distinct names with their normalised forms. `context` is the row's other text cell:
    a project table's 项目名称 when the label column is its category (特定目标类, 其他运转类)."""
    cacheable = hasattr(gen_or_conn, "connect")   # a Generation (immutable): once per generation
    if cacheable:
        with _LABELS_LOCK:
            found = _LABELS.get(gen_or_conn)
        if found is not None:
            return found
    labels = {column: [(r["name"], _norm(r["name"]), _core(r["name"]))
                       for r in _query(gen_or_conn, f"SELECT DISTINCT {column} AS name FROM table_rows "
                                                    f"WHERE {column} != ''")]
              for column in _NAME_COLUMNS}
    if cacheable:
        with _LABELS_LOCK:
            _LABELS[gen_or_conn] = labels
    return labels


def _matching_labels(gen_or_conn, item: str) -> dict[str, dict[str, float]]:
    """column -> {name: match quality} for the names that match item (remembered per generation: the
    search page and the answer ask about the same item)."""
    cache = _MATCHES.get(gen_or_conn) if hasattr(gen_or_conn, "connect") else None
    if cache is not None and item in cache:
        return cache[item]
    found = _match_names(gen_or_conn, item)
    if hasattr(gen_or_conn, "connect"):
        with _LABELS_LOCK:
            cache = _MATCHES.setdefault(gen_or_conn, OrderedDict())
            cache[item] = found
            while len(cache) > _MATCH_CACHE_SIZE:
                cache.popitem(last=False)
    return found


def _match_names(gen_or_conn, item: str) -> dict[str, dict[str, float]]:
    a, core = _norm(item), _core(item)
    chars = set(a)
    out: dict[str, dict[str, float]] = {}
    for column, names in _distinct_labels(gen_or_conn).items():
        found = out.setdefault(column, {})
        for name, b, name_core in names:
            if len(chars.intersection(b)) < 2:
                continue   # every rule of _quality needs two of the item's characters in the label
            quality = _quality(a, core, b, name_core)
            if quality > 0:
                found[name] = quality
    return out


_SHORT_COLUMNS = {"公用", "人员"}   # two-character column words (日常公用 → 公用经费); others name too much (管理)
_NOT_ASKED = {"合计", "小计", "总计", "金额", "预算数", "项目", "科目名称", "单位名称", "名称", "预算", "其中"}


def _header_names(path: str) -> tuple[str, ...]:
    """What a question may call a column: its header's last line, that line with the one above it (a header
    wrapped in its cell: "一般公共 › 预算拨款" is 一般公共预算拨款), and each without 拨款 (一般公共预算)."""
    parts = [_norm(p) for p in path.split(" › ")]
    names = [parts[-1], _core(parts[-1])]
    if len(parts) >= 2:
        names.append(parts[-2] + parts[-1])
    names += [n[:-2] for n in names if n.endswith("拨款")]
    # a fund's column is asked by the fund's name (政府性基金 for 政府性基金预算)
    names += [n[:-2] for n in names if n.endswith("预算") and n[:-2] in _FUND_NAMES]
    # (and in short: "基金预算出了多少" is the 政府性基金预算 column)
    names += ["基金预算"] if any(n.startswith("政府性基金") for n in names) else []
    return tuple(dict.fromkeys(names))


_FUND_NAMES = ("政府性基金", "国有资本经营")


def _asked_header(cells: list[dict], words: str) -> dict | None:
    """The cell whose column the question names by its header ("…事业收入多少", "…日常公用", "…一般公共预算
    多少"), the longest header word written in the question; None when it names none."""
    best, size = None, 0
    for c in cells:
        for name in _header_names(c["header_path"]):
            if (len(name) >= 3 or name in _SHORT_COLUMNS) and name not in _NOT_ASKED and name in words \
                    and len(name) > size:
                best, size = c, len(name)
                c["asked_name"] = name
    return best


# a header over every figure of the table ("2026年预算", "本年预算数"): naming it names no column
_WHOLE_TABLE_HEADER = re.compile(r"\d{4}年|本年|当年|上年|预算数$|预算$")


def _asked_parent(cells: list[dict], words: str) -> tuple[dict | None, bool]:
    """A column group the question names by the header over it ("…财政拨款部分": 财政拨款 over 一般公共预算拨款,
    政府性基金预算拨款 …): (its 合计 / 小计 cell, or its one cell that is not zero; True) — (None, True) when
    it names a group whose figure no one cell gives; (None, False) when it names none."""
    for c in cells:
        parts = [_norm(p) for p in c["header_path"].split(" › ")[:-1]]
        named = next((p for p in parts if len(p) >= 3 and p not in _NOT_ASKED and not _WHOLE_TABLE_HEADER.search(p)
                      and p in words), None)
        if named is None:
            continue
        group = [d for d in cells if named in [_norm(p) for p in d["header_path"].split(" › ")[:-1]]]
        total = next((d for d in group if _norm(d["header_path"].rsplit(" › ", 1)[-1]) in ("合计", "小计")), None)
        if total is not None:
            return total, True
        filled = [d for d in group if parse_value(d["value_text"] or "") not in (None, 0.0)]
        return (filled[0] if len(filled) == 1 else None), True
    return None, False


def _preferred_column(rows: list[dict], column: str | None, words: str = "", own_total: bool = False) -> list[dict]:
    """One cell per row: the column asked (its header names it, or the whole table is of that column:
    a 基本支出表's total is the row's 基本支出), a column whose header the question's words name, else the
    row's total."""
    if column:
        want = _norm(column)
        heads = (want,) + column_forms().get(want, ())
        picked = [r for r in rows if any(h in _norm(r["header_path"]) for h in heads)]
        named = {(r["table_id"], r["row_index"]) for r in picked}
        whole = [r for r in rows if (r["table_id"], r["row_index"]) not in named and want in _norm(r["title"])
                 and not any(w in _norm(r["title"]) for w in _COLUMN_WORDS if w != want)]
        return picked + _preferred_column(whole, None, words) if whole else picked
    by_row: dict[tuple, list[dict]] = {}
    for r in rows:
        by_row.setdefault((r["table_id"], r["row_index"]), []).append(r)
    out = []
    for cells in by_row.values():
        # a column of names or codes holds no amount, whatever a broken page put there (长春信访局's
        # 项目名称 column read "2026" off "2026驻京经费")
        cells = [c for c in cells if not _NAME_HEADER.search(c["header_path"] or "")]
        if not cells:
            continue
        cells.sort(key=lambda r: r["column_index"])
        # the row's own name is not a column asked ("事业收入" the row vs 事业收入 the column)
        asked = words.replace(_norm(cells[0]["row_label"]), " ") if words else ""
        chosen = _asked_header(cells, asked) if asked else None
        if chosen is None and asked:
            chosen, named = _asked_parent(cells, asked)
            if named and chosen is None:
                continue   # a column asked that no one cell of this row gives: not the row's total instead
        named_column = chosen is not None
        if chosen is not None:
            chosen["asked_column"] = True
        for name in _TOTAL_COLUMNS if chosen is None else ():
            chosen = next((c for c in cells if c["header_path"].rsplit(" › ", 1)[-1].startswith(name)), None)
            if chosen:
                break
        if own_total and chosen is not None and " › " in chosen["header_path"] and not named_column \
                and chosen["header_path"].endswith("小计"):
            # ranked by their totals: a group's subtotal ("2026年政府采购项目 › 小计") is not the row's where the
            # table prints its own ("支出总计", 深圳's 表3)
            chosen = next((c for c in cells if " › " not in c["header_path"] and c["header_path"].endswith("总计")),
                          chosen)
        out.append(chosen or cells[0])
    return out


_COLUMN_WORDS = ("基本支出", "项目支出")


@functools.lru_cache(maxsize=1)
def column_forms() -> dict[str, tuple[str, ...]]:
    """Asked column word -> the other headers of that column (search/data/columns.tsv)."""
    forms: dict[str, tuple[str, ...]] = {}
    for asked, header in data_rows("columns.tsv"):
        forms[asked.strip()] = forms.get(asked.strip(), ()) + (header.strip(),)
    return forms
_CODE_HEADER = re.compile(r"(?:编码|代码|编号|序号)$")
_NAME_HEADER = re.compile(r"名称|项目单位|编码|代码|编号|序号")
_SQL_BATCH = 500   # labels per query (SQLite's limit on bound parameters is 999 in older builds)
_KIND_ORDER = {"项目支出": 0, "功能分类": 1, "经济分类": 2, "三公经费": 3, "支出": 4, "收支总表": 5}


def find_rows(gen_or_conn, doc_ids, item_text: str, column: str | None = None, limit: int = 50,
              tables: tuple[str, ...] = (), question: str = "") -> list[dict]:
    """Rows of the given documents whose label matches item_text loosely, best first. Each candidate has the
    row's cell in `column` (a header name such as 基本支出 / 项目支出 / 财政拨款) or its total column, `quality`,
    and `ambiguous` = several different rows of one document match equally well (the answer must say so
    rather than pick one). The same row printed in several tables is one row, its first table first.
    tables: words of the table the question names (政府性基金, 三公经费): rows of a table whose title or kind
    holds one are kept when there are any. question: the question's words, for a column it names by its
    header (事业收入, 公用经费) when `column` is not given."""
    if not item_text or not item_text.strip():
        return []
    if doc_ids is not None:
        doc_ids = set(doc_ids)
        if not doc_ids:
            return []
    matching = _matching_labels(gen_or_conn, item_text)
    by_key: dict[tuple, dict] = {}
    for name_column in _NAME_COLUMNS:
        names = sorted(matching.get(name_column, {}))
        for start in range(0, len(names), _SQL_BATCH):
            batch = names[start:start + _SQL_BATCH]
            sql = (f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows "
                   f"WHERE {name_column} IN ({','.join('?' * len(batch))})")
            args = list(batch)
            if doc_ids is not None and len(doc_ids) <= _SQL_BATCH:
                # the named units' rows only (a loose item can match labels in every unit of the corpus)
                sql += f" AND doc_id IN ({','.join('?' * len(doc_ids))})"
                args += sorted(doc_ids)
            rows = _query(gen_or_conn, sql, args)
            for r in rows:
                if doc_ids is not None and r["doc_id"] not in doc_ids:
                    continue
                key = (r["table_id"], r["row_index"], r["column_index"])
                quality = matching[name_column][r[name_column]]
                if key in by_key and by_key[key]["quality"] >= quality:
                    continue
                if name_column == "context":   # named by its project name: quote that, keep the category
                    r["category"], r["row_label"] = r["row_label"], r["context"]
                r["quality"] = quality
                by_key[key] = r
    # a column of codes (政府经济科目编码 50201) holds no figures
    scored = [r for r in by_key.values() if not _CODE_HEADER.search(r["header_path"] or "")]
    words = _norm(question) if question else ""
    item = _norm(item_text)
    for r in scored:
        # a label holding the item that the question writes out whole, with the unit's name it begins with
        # ("深圳市建筑工务署工程管理中心"), is the row asked, not the longer labels holding the item (…文体和水务
        # 工程管理中心)
        label = _norm(r["row_label"] or "")
        if len(label) >= 6 and item and item in label and label in words and r["quality"] < 1.0:
            r["quality"] = 1.0
        elif r["quality"] == 0.8 and _only_generic_around(item, label):
            # "第四次全国农业普查": 广州市第四次全国农业普查经费 (the city and 经费 around it), not …农业普查宣传经费
            r["quality"] = 0.85
    _with_its_heading(gen_or_conn, scored, item)
    picked = _preferred_column(scored, column, words)
    # a column the question names by its header: the rows of tables that have it — unless a table without
    # that column names the item better ("一般公共预算中地震监测支出": the 功能分类 row 地震监测, not a project
    # whose name holds it in a table with a 一般公共预算 column)
    with_column = [r for r in picked if r.get("asked_column")]
    if with_column and max(r["quality"] for r in with_column) >= max(r["quality"] for r in picked):
        # a table named by the same word holds it whole ("一般公共预算劳务费": the 一般公共预算 table's row)
        names = {r["asked_name"] for r in with_column if r.get("asked_name")}
        picked = with_column + [r for r in picked if not r.get("asked_column")
                                and any(n in _norm(r["title"] or "") for n in names)]
    named = [r for r in picked if any(w in r["title"] or w == r["kind"] for w in tables)]
    picked = named or picked
    # one row printed in several tables (支出总表, 一般公共预算支出表 …): keep its best table — also where one of
    # those tables prints no money unit (上海's 收入预算总表) and the same digits stand in a table that does
    printed_with_unit = {(r["doc_id"], _norm(r["row_label"]), r["value_text"]) for r in picked
                         if r["value_wan"] is not None}
    picked = [r for r in picked if r["value_wan"] is not None
              or (r["doc_id"], _norm(r["row_label"]), r["value_text"]) not in printed_with_unit]
    picked = _this_years_line(gen_or_conn, picked, words)
    seen: dict[tuple, dict] = {}
    for r in sorted(picked, key=lambda r: (-r["quality"], _KIND_ORDER.get(r["kind"], 9), r["line_start"])):
        # (two units of a table printed unit by unit may print the same figure: each is its own row)
        key = (r["doc_id"], _norm(r["row_label"]), round(r["value_wan"] or 0, 2) if r["value_wan"] is not None
               else r["value_text"], r["context"] if r["kind"] in UNIT_BLOCK_KINDS else "")
        if key not in seen:
            seen[key] = r
    out = whole_before_part(list(seen.values()), words) if not column else list(seen.values())
    best: dict[str, float] = {}
    distinct: dict[str, set] = {}
    for r in out:
        best[r["doc_id"]] = max(best.get(r["doc_id"], 0), r["quality"])
    for r in out:
        if r["quality"] == best[r["doc_id"]]:
            distinct.setdefault(r["doc_id"], set()).add((_norm(r["row_label"]), round(r["value_wan"] or 0, 2)))
    for r in out:
        r["ambiguous"] = r["quality"] == best[r["doc_id"]] and len(distinct[r["doc_id"]]) > 1
        r["citation"] = r["passage_id"]
    out.sort(key=lambda r: (-r["quality"], _KIND_ORDER.get(r["kind"], 9), r["doc_id"], r["line_start"]))
    return out[:limit]


_ASKS_ANOTHER_YEAR = re.compile(r"上年|去年|增减|增加|减少|变化|比上年|较上年|(?:19|20)\d{2}")


def _this_years_line(gen_or_conn, rows: list[dict], words: str) -> list[dict]:
    """A unit named by its cell over several year lines (深圳's "三公"经费表: 深圳市水文水质中心 2025 年 / 2026 年 /
    增减变化金额): its line of the document's year — the others only when the question asks another year or
    the change."""
    if _ASKS_ANOTHER_YEAR.search(words):
        return rows
    kept = []
    for r in rows:
        m = year_line(r.get("category") or "")
        if m and (m.group(2) or int(m.group(1)) != document_year(gen_or_conn, r["doc_id"])):
            continue
        kept.append(r)
    return kept


def _with_its_heading(gen_or_conn, rows: list[dict], item: str) -> None:
    """"监狱行政运行", "公安行政运行": a 项 named with the 款 it is under written before it (20404 监狱 ›
    2040401 行政运行) is that row, not one of the unit's other 行政运行 rows: its match becomes whole."""
    headings: dict[str, dict[str, str]] = {}
    for r in rows:
        label = _norm(r["row_label"] or "")
        code = re.sub(r"\D", "", r.get("code") or "")
        if r["quality"] >= 1.0 or not label or len(item) < len(label) + 2 or not item.endswith(label) \
                or len(code) not in (5, 7):
            continue
        if r["table_id"] not in headings:
            coded = _query(gen_or_conn, "SELECT code, row_label FROM table_rows WHERE table_id = ? AND code != ''",
                           (r["table_id"],))
            headings[r["table_id"]] = {re.sub(r"\D", "", c["code"]): _norm(c["row_label"]) for c in coded}
        parent = headings[r["table_id"]].get(code[:-2], "")
        if parent and parent.startswith(item[:-len(label)]):
            r["quality"] = 1.0


_GENERIC_BEFORE = re.compile(r"(?:[\u4e00-\u9fff]{1,4}[省市区县])?(?:20[1-3]\d年度?)?")
_GENERIC_AFTER = re.compile(r"(?:工作|专项|项目)?(?:经费|资金|费用?|支出)?|项目")


def _only_generic_around(item: str, label: str) -> bool:
    """The label is the item with only a place, a year and a money word around it (广州市 … 经费)."""
    at = label.find(item)
    return at >= 0 and len(item) >= 4 and bool(_GENERIC_BEFORE.fullmatch(label[:at])) \
        and bool(_GENERIC_AFTER.fullmatch(label[at + len(item):])) and label != item


def _of_a_part(title: str) -> bool:
    """A table of one part of the spending (基本支出 or 项目支出 alone), not of the whole."""
    return any(w in title for w in _COLUMN_WORDS)


# tables of a share of one part: the 机关运行经费 (行政经费) is part of the 基本支出's 公用经费
_SHARE_OF_A_PART = ("机关运行经费", "行政经费")


def _breadth(title: str) -> int:
    """0: a table of the unit's whole spending; 1: of one part (基本支出 …); 2: of a share of one part."""
    return 2 if any(w in (title or "") for w in _SHARE_OF_A_PART) else 1 if _of_a_part(title) else 0


def whole_before_part(rows: list[dict], words: str = "") -> list[dict]:
    """A label printed both in a table of the unit's whole spending (支出表 按经济分类: 劳务费 662.28) and in a
    table of one part of it (基本支出总表: 劳务费 2.88): asked without a part, the whole is the answer — and a
    part's table before one of the 机关运行经费 drawn from it (商品和服务支出 3,462.67 in the 基本支出表, 379.20 of
    it 机关运行经费)."""
    # (the share asked by name — "机关运行经费中的办公费" — is its own table's row)
    asked = [w for w in _SHARE_OF_A_PART if w in words]

    def breadth(title: str) -> int:
        return -1 if asked and any(w in (title or "") for w in asked) else _breadth(title)
    widest: dict[tuple, int] = {}
    for r in rows:
        key = (r["doc_id"], _norm(r["row_label"]))
        widest[key] = min(widest.get(key, 3), breadth(r["title"]))
    return [r for r in rows if breadth(r["title"]) == widest[(r["doc_id"], _norm(r["row_label"]))]]


def has_whole_economic_table(gen_or_conn, doc_id: str) -> bool:
    """Whether the document prints its whole spending by economic classification (a 经济分类 table not of a
    part): an item found only in its 基本支出 table then means a table misread."""
    titles = _query(gen_or_conn, "SELECT DISTINCT title FROM table_rows WHERE doc_id = ? AND kind = '经济分类'",
                    (doc_id,))
    return any(_breadth(r["title"] or "") == 0 for r in titles)


# the label of a table's total row
TOTAL_LABEL = re.compile(r"合\s*计|总\s*计")


def _total_rows(gen_or_conn, doc_id: str) -> list[dict]:
    return _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ? AND is_total = 1",
                  (doc_id,))


def _totals(rows: list[dict]) -> list[dict]:
    """Total rows -> each row's total cell, in document order, one per figure printed."""
    return one_per_figure(sorted(_preferred_column(rows, None), key=lambda r: r["line_start"]))


def one_per_figure(cells: list[dict]) -> list[dict]:
    """The first cell (in the order given) of each figure printed: tables that agree are quoted once, tables
    that disagree each."""
    by_value: dict[float, dict] = {}
    for r in cells:
        value = parse_value(r["value_text"] or "")
        if value is not None:
            by_value.setdefault(value, r)
    return list(by_value.values())


def total_cells_of(gen_or_conn, doc_id: str, table_word: str, fund: str) -> list[dict]:
    """The cells of the 合计 / 总计 rows of the document's tables titled (or of the kind) table_word whose
    header names the fund ("政府采购支出表" 合计 › 资金来源 › 政府性基金), one per figure printed."""
    rows = _total_rows(gen_or_conn, doc_id)
    want = _norm(fund)
    cells = [r for r in rows if (table_word in (r["title"] or "") or r["kind"] == table_word)
             and want in _norm(r["header_path"]) and parse_value(r["value_text"] or "") is not None]
    return one_per_figure(sorted(cells, key=lambda r: r["line_start"]))


def table_totals(gen_or_conn, doc_id: str, title_words: tuple[str, ...]) -> list[dict]:
    """The total of each of the document's tables whose title holds every one of title_words (政府性基金,
    支出): its 合计 / 总计 row, in the row's total column; one per figure printed."""
    rows = _total_rows(gen_or_conn, doc_id)
    rows = [r for r in rows if all(w in _norm(r["title"]) for w in title_words)
            and TOTAL_LABEL.fullmatch(r["row_label"] or "")]
    return _totals(rows)


# a table column of the change between years (增减, 变化): not this year's figure (here for a table's total;
# qa/table_ops for a row's cells)
CHANGE_HEADER = re.compile(r"增减|变化|比上年|增长")
_HEADER_YEAR = re.compile(r"(20\d\d)\s*年")


def earlier_year_column(header: str, year: int | None) -> bool:
    """Whether a column headed so holds an earlier year's figure than the document's own year (上年预算数, or
    "2025年预算数" in a 2026 budget — "2026年预算数" in a 2027 one). A document of unknown year: any year
    named before a later one in its own header is none of this."""
    if "上年" in (header or ""):
        return True
    named = [int(y) for y in _HEADER_YEAR.findall(header or "")]
    return bool(named) and year is not None and max(named) < year


def document_year(gen_or_conn, doc_id: str) -> int | None:
    found = _query(gen_or_conn, "SELECT year FROM documents WHERE doc_id = ?", (doc_id,), table="documents")
    return found[0]["year"] if found else None


def kind_totals(gen_or_conn, doc_id: str, kind: str) -> list[dict]:
    """The 合计 / 总计 row of each of the document's tables of one kind (search/tables.table_kind: 三公经费 …),
    in the row's total column, this year's (a column headed 上年 or an earlier year is not); one per figure."""
    year = document_year(gen_or_conn, doc_id)
    rows = [r for r in _total_rows(gen_or_conn, doc_id) if r["kind"] == kind and TOTAL_LABEL.fullmatch(r["row_label"] or "")
            and not earlier_year_column(r["header_path"], year) and not CHANGE_HEADER.search(r["header_path"] or "")]
    return _totals(rows)



def own_row_totals(gen_or_conn, doc_id: str, title_words: tuple[str, ...], unit: str) -> list[dict]:
    """Where a table by unit has no 合计 row, its first row is the document's own unit (深圳's 政府性基金预算支出表:
    "深圳市水务局 134,022.00" over its 本级 and centres): that row's total, for tables whose title holds every one
    of title_words; one per figure printed."""
    rows = [r for r in cells_labelled(gen_or_conn, doc_id, unit) if all(w in _norm(r["title"]) for w in title_words)]
    return _totals(rows)


def rows_with_unit_cell(gen_or_conn, doc_ids, column: str | None = None) -> list[dict]:
    """The rows of doc_ids that carry a second name cell (`context`: the unit a project belongs to, in a
    department's tables that list its subordinate units), one cell per row: the column asked, else the
    row's total."""
    doc_ids = sorted(doc_ids)
    if not doc_ids:
        return []
    rows: list[dict] = []
    for start in range(0, len(doc_ids), _SQL_BATCH):
        batch = doc_ids[start:start + _SQL_BATCH]
        rows += _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE context != '' "
                                    f"AND doc_id IN ({','.join('?' * len(batch))})", batch)
    return _preferred_column(rows, column)


def row_cells(gen_or_conn, row: dict) -> list[dict]:
    """Every cell of the row a cell of `row` is in, left to right."""
    return _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE table_id = ? AND row_index = ? "
                  "ORDER BY column_index", (row["table_id"], row["row_index"]))


def cell_under(cells: list[dict], word: str, year: int | None) -> dict | None:
    """The one cell of a row under the column headed `word` (基本支出, 政府性基金 …) — this year's, not a
    change's; where the heading spans several (基本支出 › 小计 / 人员经费 / 公用经费), its 小计 or 合计; None when
    the row prints no such column or several."""
    forms = (word, *column_forms().get(word, ()))   # (西安 heads 项目支出 专项业务经费: columns.tsv)
    under = [c for c in cells if any(f in (c["header_path"] or "") for f in forms)
             and parse_value(c["value_text"] or "") is not None
             and not earlier_year_column(c["header_path"], year) and not CHANGE_HEADER.search(c["header_path"] or "")]
    if len(under) > 1:
        under = [c for c in under if re.search(r"(?:小|合|总)\s*计$", c["header_path"] or "")
                 or (c["header_path"] or "").rsplit(" › ", 1)[-1] in forms]
    return under[0] if len(under) == 1 else None


def row_split(gen_or_conn, row: dict) -> tuple[dict, dict, dict] | None:
    """(total, 基本支出, 项目支出) cells of the row a cell of `row` is in (a 支出表's 会议费: 支出总计 11.87 —
    基本支出 10.00, 项目支出 1.87); None unless the row prints all three."""
    cells = _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE table_id = ? AND row_index = ?",
                   (row["table_id"], row["row_index"]))

    def leaf(cell: dict) -> str:
        return (cell["header_path"] or "").rsplit(" › ", 1)[-1].replace("其中：", "")
    found = [[c for c in cells if test(leaf(c)) and parse_value(c["value_text"] or "") is not None]
             for test in (lambda h: bool(re.fullmatch(r"(?:支出)?(?:合\s*计|总\s*计|小\s*计)", h)),
                          lambda h: h == "基本支出", lambda h: h == "项目支出")]
    return tuple(f[0] for f in found) if all(len(f) == 1 for f in found) else None


def halves_of(gen_or_conn, row: dict) -> list[dict]:
    """The 基本支出 and 项目支出 cells beside the total cell `row` is, in that order; [] when `row` is not the
    row's total or the row does not print both halves."""
    split = row_split(gen_or_conn, row)
    if split is None or (split[0]["column_index"], split[0]["table_id"]) != (row["column_index"], row["table_id"]):
        return []
    return [split[1], split[2]]


def cells_labelled(gen_or_conn, doc_id: str, label: str) -> list[dict]:
    """Every cell of every row of the document labelled `label`, in all its tables."""
    return _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ? AND row_label = ?",
                  (doc_id, label))


def cells_stating(gen_or_conn, doc_id: str, value_wan: float, word: str, year: int | None = None) -> list[str]:
    """Passages of the document whose table prints `value_wan` (in any money unit: 210,000.00 元 is 21.00 万元)
    in a cell whose row or column is named `word` — the 培训费 column of a 三公、会议费、培训费 table, the
    培训费 row of an economic table — not counting columns of last year, of another year than `year` or of the
    change (wider than earlier_year_column and CHANGE_HEADER, which decide what a column answers). In document
    order."""
    rows = _query(gen_or_conn, "SELECT header_path, row_label, passage_id FROM table_rows WHERE doc_id = ? AND "
                  "value_wan BETWEEN ? AND ?", (doc_id, value_wan - 0.0051, value_wan + 0.0051))
    found = []
    for r in rows:
        header, label = (strip_quotes(r[k] or "").replace("（境）", "").replace("(境)", "").replace(" ", "")
                         for k in ("header_path", "row_label"))
        if _LAST_YEAR_OR_CHANGE.search(header) or any(int(y) != year for y in _HEADER_YEAR.findall(header) if year):
            continue   # (any other year's column: a figure of another year equal to this one's is no restatement)
        if word in header or word in label:
            found.append(r["passage_id"])
    return sorted(set(found), key=lambda pid: (len(pid), pid))


_LAST_YEAR_OR_CHANGE = re.compile(r"上年|上一年|增减|变动|比上年|增长|减少")


def year_half(gen_or_conn, doc_id: str, kind: str, year: int) -> list[dict]:
    """One year's cells of a row printed for two years side by side (烟台's 三公 table: 2025年预算数 over five
    columns, then 2026年预算数 over the same five). Which column is which year is read from where the columns
    start repeating (the second 合计), not from the nesting of the headers, which the two-year header defeats;
    the half whose headers name the year is that year's. [] unless exactly one row of the kind reads so."""
    rows = _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ? AND kind = ?",
                  (doc_id, kind))
    by_row: dict[tuple, list[dict]] = {}
    for r in rows:
        by_row.setdefault((r["table_id"], r["row_index"]), []).append(r)
    found = []
    for cells in by_row.values():
        cells.sort(key=lambda c: c["column_index"])
        leaves = [(c["header_path"] or "").rsplit(" › ", 1)[-1] for c in cells]
        # (the second year's half may print fewer cells: empty ones are not stored)
        split = next((j for j in range(1, len(cells)) if leaves[j] == leaves[0]), None)
        if split is None or len(cells) > 2 * split:
            continue
        first, second = cells[:split], cells[split:]

        def names(half: list[dict], y: int) -> bool:
            return any(f"{y}年" in (c["header_path"] or "") for c in half)
        if names(first, year) and names(second, year + 1) and not names(first, year + 1):
            found.append(first)
        elif names(second, year) and names(first, year + 1) and not names(second, year + 1):
            found.append(second)
    return found[0] if len(found) == 1 else []


def unit_labelled_rows(gen_or_conn, doc_ids, named) -> list[dict]:
    """Every cell of the rows of doc_ids whose label is a unit's name that named(label) accepts (a
    department's tables list its subordinate units as rows: 收入总表, 基本支出总表, "三公"经费表 by unit)."""
    labels = sorted({name for name, _, _ in _distinct_labels(gen_or_conn)["row_label"]
                     if ORG_NAME_END.search(name) and named(name)})
    doc_ids = sorted(doc_ids)
    if not labels or not doc_ids:
        return []
    rows: list[dict] = []
    for start in range(0, len(doc_ids), _SQL_BATCH):
        batch = doc_ids[start:start + _SQL_BATCH]
        rows += _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE row_label IN "
                                    f"({','.join('?' * len(labels))}) AND doc_id IN ({','.join('?' * len(batch))})",
                       [*labels, *batch])
    return rows


def table_cells(gen_or_conn, doc_id: str) -> list[dict]:
    """Every cell of every table of the document."""
    return _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ?", (doc_id,))


def own_office_name(gen_or_conn, doc_id: str, department: str) -> str:
    """The name the document's tables give the department's own office ("深圳市水务局（本级）"), where they
    print it beside the whole department's rows; "" where none does (a centre's own 本级 — 深圳市社会保险基金
    管理局（本级） in 人社局's tables — is not the department's)."""
    rows = _query(gen_or_conn, "SELECT DISTINCT row_label, context FROM table_rows WHERE doc_id = ? AND "
                               "(row_label LIKE '%本级_' OR context LIKE '%本级_')", (doc_id,))
    names = {n for r in rows for n in (r["row_label"], r["context"])
             if re.fullmatch(re.escape(department) + r"\s*[（(]本级[）)]", n or "")}
    return min(names, key=len) if names else ""


def office_rows_under_its_department_name(gen_or_conn, doc_id: str, department: str) -> list[dict]:
    """湖州's unit tables print "湖州市财政局 6,838.41" (the department), then each of its units, the first of them
    "湖州市财政局 4,467.55": its own office, named as the department is; its "三公"经费表 prints 合计 9.30, then
    "湖州市财政局 7.50" and the other units. The cells of the office's row, in each column where the whole's
    figure (the first row of the name, else the table's 合计) is the sum of the unit rows after it, the office's
    included — the arithmetic that tells the whole from its office; nothing where it does not hold."""
    cells = rows_of_unit(gen_or_conn, doc_id, department)
    by_column: dict[tuple, list[dict]] = {}
    for c in cells:
        if c["row_label"] == department and not c["context"] and c["value_wan"] is not None:
            by_column.setdefault((c["table_id"], c["column_index"]), []).append(c)
    found, tables = [], {}
    for (table_id, column), named in by_column.items():
        if table_id not in tables:
            tables[table_id] = _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE table_id = ? "
                                                   "AND value_wan IS NOT NULL", (table_id,))
        column_cells = [c for c in tables[table_id] if c["column_index"] == column]
        rows = {c["row_index"]: c for c in named}
        if len(rows) == 2:
            whole, office = sorted(rows.values(), key=lambda c: c["row_index"])
        elif len(rows) == 1:
            office = next(iter(rows.values()))
            totals = [c for c in column_cells if c["is_total"] and c["row_index"] < office["row_index"]
                      and re.fullmatch(r"[合总]计", (c["row_label"] or "").replace(" ", ""))]
            if not totals:
                continue
            whole = max(totals, key=lambda c: c["row_index"])
        else:
            continue
        after = [c for c in column_cells if c["row_index"] > whole["row_index"] and not c["is_total"]
                 and _UNIT_NAME.match(c["row_label"] or "") and not c["context"]]
        if not any(c["row_index"] == office["row_index"] for c in after) or len(after) < 2:
            continue
        if abs(sum(c["value_wan"] for c in after) - whole["value_wan"]) <= 0.011 * len(after) \
                and office["value_wan"] < whole["value_wan"]:
            found.append(office)
    return found


def office_printed_apart(gen_or_conn, doc_id: str, department: str) -> tuple[str, list[dict]]:
    """(the name of the department's own office, the cells of its rows) where the document's tables print the
    office apart from the whole department — "深圳市水务局（本级）", or 湖州's second "湖州市财政局" row, named here
    "湖州市财政局（本级）"; ("", []) where they do not."""
    own = own_office_name(gen_or_conn, doc_id, department)
    if own:
        return own, rows_of_unit(gen_or_conn, doc_id, own)
    cells = office_rows_under_its_department_name(gen_or_conn, doc_id, department)
    return (f"{department}（本级）", cells) if cells else ("", [])


def rows_of_unit(gen_or_conn, doc_id: str, unit: str) -> list[dict]:
    """Every cell of the document's rows that are the unit's: labelled with its name, or under it (its name
    the row's unit cell)."""
    return _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ? AND "
                               "(row_label = ? OR context = ?)", (doc_id, unit, unit))


def largest_rows(gen_or_conn, doc_id: str, table_kind: str = "项目支出", n: int = 5,
                 smallest: bool = False) -> list[dict]:
    """The unit's rows of its table_kind tables by their total column (totals and 小计 rows excluded)."""
    rows = _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ? AND kind = ? "
                               "AND is_total = 0", (doc_id, table_kind))
    picked = [r for r in _without_groups(_preferred_column(rows, None))
              if r["value_wan"] is not None and r["row_label"] and not is_narrative(r["row_label"])
              and " " not in r["value_text"].strip()]
    # a label that is a project category (特定目标类, 其他运转类) is not the project's name: the text cell
    # beside it is (a label repeated with other cells beside it may be a project of several units: kept)
    for r in picked:
        if r["context"] and (_CATEGORY.match(r["row_label"]) or _UNIT_NAME.match(r["row_label"])):
            # a label that is the project's unit (长春: 项目名称 | 项目单位 | figures) is not its name either
            r["category"], r["row_label"] = r["row_label"], r["context"]
    # a unit's own row (深圳水务局's 项目支出总表 opens with the department's total, then each unit's) is no
    # project, whether or not its figure is found to be the sum of the rows below it
    picked = [r for r in picked if (r["context"] or not _UNIT_NAME.match(r["row_label"]))
              and re.search(r"[\u4e00-\u9fff]", r["row_label"])]   # ".38", a figure's wrapped end, names nothing
    seen: dict[tuple, dict] = {}
    for r in picked:
        seen.setdefault((r["row_label"], r["value_text"], r["context"]), r)
    ranked = sorted(seen.values(), key=lambda r: (-r["value_wan"] if not smallest else r["value_wan"], r["line_start"]))
    return ranked[:n]


# the tables a question names by a word of their titles: a table so named is preferred; one naming a fund
# or half the question does not ask is not (a 基本支出 table for "哪个功能科目最多" gives a part only)
_TITLE_WORDS = ("基本支出", "项目支出", "一般公共预算", "财政拨款", "政府性基金")


def unit_cells(gen_or_conn, doc_id: str, kind: str) -> set[str]:
    """The units of the document's tables of kind printed unit by unit (their rows' `context`)."""
    return {r["context"] for r in _query(gen_or_conn, "SELECT DISTINCT context FROM table_rows WHERE doc_id = ? "
                                                      "AND kind = ? AND context != ''", (doc_id, kind))}


def classified_rows(gen_or_conn, doc_id: str, kind: str, group: str = "", words: str = "",
                    column: str | None = None, smallest: bool = False,
                    unit_cell: str = "") -> tuple[dict | None, list[dict]]:
    """(the group row, the rows under it ranked) in one classification table of the document: kind is
    功能分类 or 经济分类; group a row's name ("商品和服务支出") whose coded rows are ranked, else the table's
    lowest-level rows (项, or 款 where a table stops there); words the question, choosing the table by the
    words of its title it names. Only coded tables: which rows are under which is read from the codes. A
    table printed unit by unit gives the rows of unit_cell only (none when it is ""): its rows of several
    units are no one unit's ranking."""
    rows = [r for r in _query(gen_or_conn, f"SELECT {','.join(ROW_COLUMNS)} FROM table_rows WHERE doc_id = ? "
                                           "AND kind = ? AND is_total = 0 AND code != ''", (doc_id, kind))
            if r["context"] == unit_cell or not r["context"]]
    by_table: dict[str, list[dict]] = {}
    for r in rows:
        by_table.setdefault(r["table_id"], []).append(r)
    asked = _norm(words)

    def fit(table_id: str) -> tuple:
        title = _norm(by_table[table_id][0]["title"])
        named = sum(w in asked for w in _TITLE_WORDS if w in title)
        unasked = sum(w not in asked for w in _TITLE_WORDS if w in title)
        # (the 机关运行经费 drawn from the 公用经费 only when asked: its table is a share of the spending)
        share = _breadth(title) == 2 and not any(w in asked for w in _SHARE_OF_A_PART)
        return (-named, share, unasked, table_id)

    for table_id in sorted(by_table, key=fit):
        cells = by_table[table_id]
        codes = {r["code"] for r in cells}
        parent = None
        if group:
            want = _norm(group).replace("和", "")
            parent = next((r for r in sorted(cells, key=lambda r: len(r["code"]))
                           if _norm(r["row_label"]).replace("和", "") == want), None)
            if parent is None:
                continue
            under = [r for r in cells if r["code"] != parent["code"] and r["code"].startswith(parent["code"])]
        else:
            under = cells
        # the lowest rows: no other row's code continues theirs
        leaves = [r for r in under if not any(c != r["code"] and c.startswith(r["code"]) for c in codes)]
        picked = [r for r in _preferred_column(leaves, column, words, own_total=True)
                  if r["value_wan"] is not None and r["value_wan"] > 0]
        if not picked:
            continue
        picked.sort(key=lambda r: (r["value_wan"] if smallest else -r["value_wan"], r["row_index"]))
        return parent, picked
    return None, []


def group_rows_named(gen_or_conn, doc_id: str, kind: str, words: str) -> list[str]:
    """Names of the document's top-level coded rows of kind (商品和服务支出, 工资福利支出) the words name,
    written with or without 和 ("商品服务支出") or 支出 ("工资福利")."""
    asked = _norm(words).replace("和", "")
    rows = _query(gen_or_conn, "SELECT DISTINCT row_label, code FROM table_rows WHERE doc_id = ? AND kind = ? "
                               "AND length(code) = 3", (doc_id, kind))
    # (and without the 支出 they end with: "工资福利里哪项最多")
    return [r["row_label"] for r in rows if len(_norm(r["row_label"])) >= 4
            and re.sub(r"支出$", "", _norm(r["row_label"]).replace("和", "")) in asked]


def _without_groups(rows: list[dict]) -> list[dict]:
    """Rows that are not the sum of the rows below them: a project table may list a unit (西安市司法局) or a
    category (通用项目, 大型活动) with the total of the projects under it; those are not projects to rank."""
    by_table: dict[str, list[dict]] = {}
    for r in rows:
        by_table.setdefault(r["table_id"], []).append(r)
    out = []
    for cells in by_table.values():
        cells.sort(key=lambda r: r["row_index"])
        # a row without a label (a unit code on a line of its own) or without a value adds nothing
        values = [parse_value(r["value_text"] or "") if r["row_label"] else None for r in cells]
        units = {r["context"] for r in cells if r["context"]}
        group = [False] * len(cells)
        # from the bottom up, so that a category inside a category (通用项目 › 大型活动) is known as one, and
        # only the projects under it are summed for the outer one
        for i in range(len(cells) - 1, -1, -1):
            v = values[i]
            total, added, j = 0.0, 0, i + 1
            while v is not None and v > 0 and j < len(cells) and total < v - 0.011:
                if values[j] is not None and not group[j]:
                    total += values[j]
                    added += 1
                j += 1
            group[i] = v is not None and added > 0 and abs(total - v) <= 0.011
        out += [r for i, r in enumerate(cells) if not group[i] and r["row_label"] not in units]
    return out


def units_with_item(gen_or_conn, item: str, min_quality: float = 0.6) -> list[dict]:
    """Documents (units) with a row matching the item, each with its best row."""
    found = [r for r in find_rows(gen_or_conn, None, item, limit=100000) if r["quality"] >= min_quality]
    by_doc: dict[str, dict] = {}
    for r in found:
        by_doc.setdefault(r["doc_id"], r)
    return sorted(by_doc.values(), key=lambda r: (-r["quality"], -(r["value_wan"] or 0)))


def units_with_sub_row(gen_or_conn, words: list[str], min_quality: float = 0.6) -> list[dict]:
    """Documents (units) with a row matching one of words printed under a row matching another (by code:
    21208 国有土地使用权出让收入安排的支出 › 2120816 农村社会事业支出), each with that sub-row."""
    matched = {w: [r for r in find_rows(gen_or_conn, None, w, limit=100000) if r["quality"] >= min_quality
                   and r.get("code")] for w in dict.fromkeys(words)}
    by_doc: dict[str, dict] = {}
    for upper, parents in matched.items():
        by_table: dict[str, list[dict]] = {}
        for p in parents:
            by_table.setdefault(p["table_id"], []).append(p)
        for lower, rows in matched.items():
            if lower == upper:
                continue
            for r in rows:
                if any(is_sub_row(r, p) for p in by_table.get(r["table_id"], ())):
                    by_doc.setdefault(r["doc_id"], r)
    return sorted(by_doc.values(), key=lambda r: (-r["quality"], -(r["value_wan"] or 0)))


def is_sub_row(row: dict, parent: dict) -> bool:
    """Whether row is printed under parent in the same table, by code (21208 › 2120816)."""
    return bool(row.get("code")) and bool(parent.get("code")) and row["table_id"] == parent["table_id"] \
        and row["code"] != parent["code"] and row["code"].startswith(parent["code"])


def norm(text: str) -> str:
    """A row name as rows are compared (no punctuation, spaces or list number)."""
    return _norm(text)


# a table of the whole expenditure (支出预算总表, 支出总表, 部门支出总体情况表) — not of one fund (一般公共预算,
# 财政拨款, 政府性基金) — whose 合计 row's 基本支出 / 项目支出 columns are the unit's two halves
_WHOLE_EXPENDITURE = re.compile(r"支出(?:预算)?总表|本年支出总体情况表|部门支出总体情况表|支出预算总体情况表")


def whole_expenditure_half(gen_or_conn, doc_id: str, half: str, fund: str = "") -> dict | None:
    """The 合计 row's cell under the column headed half (基本支出 / 项目支出) of the document's whole-expenditure
    table — or, with fund (一般公共预算, 财政拨款 …), of its expenditure table of that fund — or None (no such
    table, or several that disagree)."""
    rows = _total_rows(gen_or_conn, doc_id)
    from .facts import ONE_FUND_TITLE

    def of_it(title: str) -> bool:
        if fund:
            return fund in title and "支出" in title and "基本支出" not in title
        return bool(_WHOLE_EXPENDITURE.search(title)) and not ONE_FUND_TITLE.search(title)

    def totals_under(column: str) -> list[dict]:
        return [r for r in rows if of_it(r["title"] or "")
                and TOTAL_LABEL.fullmatch(r["row_label"] or "")
                and (r["header_path"] or "").rsplit(" › ", 1)[-1].replace(" ", "") == column
                and parse_value(r["value_text"] or "") is not None]

    cells = totals_under(half)
    if not cells and fund == "财政拨款":
        # no 财政拨款 expenditure table (上海's units print none): the 一般公共预算 one is the answer when the
        # whole 财政拨款 is 一般公共预算 — the document's 财政拨款 total equals that table's 合计
        fund = "一般公共预算"
        whole = {parse_value(r["value_text"] or "") for r in totals_under("合计")}
        granted = {parse_value(r["value_text"] or "") for r in rows
                   if (r["header_path"] or "").rsplit(" › ", 1)[-1].replace(" ", "") in ("财政拨款收入", "财政拨款")}
        if len(whole) == 1 and whole == granted - {None}:
            cells = [dict(r, aside=GRANTS_ARE_GENERAL) for r in totals_under(half)]
    if not cells or len({r["value_text"] for r in cells}) > 1:
        return None
    return cells[0]


GRANTS_ARE_GENERAL = "文件未列财政拨款支出表；其财政拨款收入与一般公共预算支出合计相等，财政拨款全部为一般公共预算"


_BASIC_PARTS = {"人员经费": ("人员经费", "人员经费支出", "人员支出"),
                "公用经费": ("公用经费", "公用经费支出", "日常公用经费", "日常公用支出", "公用支出")}


def basic_expenditure_parts(gen_or_conn, doc_id: str, part: str) -> list[dict]:
    """The 合计 row's cells under the column headed part (人员经费 / 公用经费, 日常公用支出 …) of the document's
    基本支出 tables, or of a table whose 基本支出 columns are divided so (重庆's 一般公共预算支出情况表: 基本支出 ›
    人员经费 / 公用经费): one cell per figure printed, so that tables which disagree are all shown."""
    forms = _BASIC_PARTS.get(part, ())
    rows = _total_rows(gen_or_conn, doc_id)
    cells = [r for r in rows if ("基本支出" in (r["title"] or "") or "基本支出" in (r["header_path"] or ""))
             and TOTAL_LABEL.fullmatch(r["row_label"] or "")
             and (r["header_path"] or "").rsplit(" › ", 1)[-1].replace(" ", "") in forms
             and parse_value(r["value_text"] or "") is not None]
    return one_per_figure(sorted(cells, key=lambda r: ("基本支出" not in (r["title"] or ""), r["line_start"])))


def quote(row: dict, aside: bool = False) -> str:
    """A figure as printed with its money unit: "39,590,540元" — with aside, "（约3,959.05万元）" after it."""
    from .facts import money_aside

    text = row["value_text"]
    if parse_value(text) is None or not row["money_unit"]:
        return text
    return text + row["money_unit"] + (money_aside(row.get("value_wan"), row["money_unit"]) if aside else "")


def answer_from_rows(candidates: list[dict], unit_name: str = "", item: str = "", ranking: str = "") -> dict:
    """An answer from find_rows / largest_rows output: {answer, answer_type, rows, citations}.

    ranking: "largest" / "smallest" when candidates come from largest_rows. An ambiguous loose match lists
    the rows instead of picking one; no candidate → answer_type "none" (the caller falls back)."""
    who = unit_name or ""
    if not candidates:
        return {"answer": "", "answer_type": "none", "rows": [], "citations": []}
    if ranking:
        top = candidates[0]
        word = "最大" if ranking == "largest" else "最小"
        others = "；".join(f"{r['row_label']} {quote(r)}" for r in candidates[1:5])
        answer = (f"{who}{top['title']}中金额{word}的是“{top['row_label']}”，{top['header_path']} {quote(top)}"
                  f"（《{top['title']}》，单位：{top['money_unit'] or '未注明'}）。" + (f"其后：{others}。" if others else ""))
        return {"answer": answer, "answer_type": "table_rank", "rows": candidates,
                "citations": _citations(candidates[:5])}
    top = candidates[0]
    if top.get("ambiguous"):
        same = [r for r in candidates if r["doc_id"] == top["doc_id"] and r["quality"] == top["quality"]]
        listed = "；".join(f"“{r['row_label']}” {quote(r)}" for r in same[:6])
        answer = f"{who}有多个项目与“{item or top['row_label']}”相符，无法确定是哪一个：{listed}（《{top['title']}》）。"
        return {"answer": answer, "answer_type": "table_ambiguous", "rows": same, "citations": _citations(same[:6])}
    flag = f"（注意：{top['flag']}）" if top.get("flag") else ""
    answer = (f"{who}“{top['row_label']}”{top['header_path']}为{quote(top)}（《{top['title']}》，"
              f"单位：{top['money_unit'] or '未注明'}）。{flag}")
    return {"answer": answer, "answer_type": "table_row", "rows": [top], "citations": _citations([top])}


def _citations(rows: list[dict]) -> list[dict]:
    out, seen = [], set()
    for r in rows:
        if r["passage_id"] and r["passage_id"] not in seen:
            seen.add(r["passage_id"])
            out.append({"passage_id": r["passage_id"], "doc_id": r["doc_id"], "line_start": r["line_start"],
                        "line_end": r["line_end"], "table": r["title"]})
    return out
