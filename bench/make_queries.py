"""Generate bench/queries.txt once from the documents' own headings and figures.

    python bench/make_queries.py [--index IDX | --corpus ../shared/corpus-2026 --samples corpus] [-n 240]

The list is committed so every benchmark run (and every run on another machine) times the same queries;
re-running this script is only needed when the benchmark corpus itself changes. Queries come from an index
of the benchmark corpus (built into a temporary folder when --index is not given): section headings as
users type them, figure questions ("<unit><year>年三公经费是多少", "<unit>机关运行经费"), cross-document
questions (最高 / 为零 / 超过) and quoted amounts, shuffled with a fixed seed.
"""
from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

from common import DEFAULT_CORPUS, DEFAULT_SAMPLES, QUERIES, assemble_corpus

SEED = 2026
CN = "一二三四五六七八九十百零〇"
# heading markers and numbering that users do not type
_MARKERS = re.compile(rf"^(第[{CN}\d]+部分[:：\s]*|[{CN}]+\s*[、.．]|[（(]\s*[{CN}\d]+\s*[）)]|\d{{1,2}}\s*[.．、]|"
                      rf"(部门公开表|附表|预算公开表|公开\s*\d+\s*表|表)\s*[\d{CN}\-－]*\s*)+")
_GENERIC = {"目录", "目 录", "部门概况", "名词解释", "附件", "其他"}

# figure questions per metric; {unit} {year} {metric} are filled from the figures table
_FIGURE_TEMPLATES = {
    "三公经费": ["{unit}{year}年三公经费是多少", "{unit}“三公”经费预算"],
    "机关运行经费": ["{unit}机关运行经费", "{unit}{year}年机关运行经费是多少"],
    "车辆": ["{unit}有几辆公务用车", "{unit}车辆保有量"],
    "编制": ["{unit}编制多少人"],
}
_DEFAULT_TEMPLATES = ["{unit}{year}年{metric}是多少", "{unit}{metric}", "{unit}{metric}预算数"]
_CROSS_TEMPLATES = ["{year}年{metric}最高的单位", "哪些单位{metric}为零", "{metric}超过100万元的单位有哪些",
                    "{metric}最低的单位", "{year}年{metric}比上年减少的单位"]
_CHANGE_TEMPLATES = ["{unit}{metric}比上年增加还是减少", "{unit}{metric}占支出合计的比例"]


def clean_heading(section: str) -> str:
    last = section.split("›")[-1].strip()
    text = _MARKERS.sub("", last).strip(" 。：:；;，,")
    return re.sub(r"\s+", "", text)


def heading_queries(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[str]:
    rows = conn.execute("SELECT DISTINCT d.unit, p.section FROM passages p JOIN documents d USING (doc_id) "
                        "WHERE p.section != '' ORDER BY d.unit, p.section").fetchall()
    pairs = []
    for unit, section in rows:
        heading = clean_heading(section)
        if 4 <= len(heading) <= 24 and heading not in _GENERIC and re.search(r"[\u4e00-\u9fff]{3}", heading):
            pairs.append((unit or "", heading))
    rng.shuffle(pairs)
    out, seen = [], set()
    for unit, heading in pairs:
        # half as typed alone (a topic across documents), half scoped to the document's unit
        query = f"{unit} {heading}" if unit and len(out) % 2 else heading
        if heading not in seen:
            seen.add(heading)
            out.append(query)
        if len(out) >= count:
            break
    return out


def figure_queries(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[str]:
    rows = conn.execute("SELECT DISTINCT unit, year, metric FROM facts WHERE unit != '' AND year IS NOT NULL "
                        "ORDER BY metric, unit, year").fetchall()
    by_metric: dict[str, list] = {}
    for unit, year, metric in rows:
        by_metric.setdefault(metric, []).append((unit, year))
    for items in by_metric.values():
        rng.shuffle(items)
    # round-robin over metrics so rare metrics (会议费, 编制) are asked too, not only 项目支出
    out: list[str] = []
    metrics = sorted(by_metric)
    turn = 0
    while len(out) < count and any(by_metric.values()):
        metric = metrics[turn % len(metrics)]
        turn += 1
        if not by_metric[metric]:
            continue
        unit, year = by_metric[metric].pop()
        templates = _FIGURE_TEMPLATES.get(metric, _DEFAULT_TEMPLATES)
        out.append(rng.choice(templates).format(unit=unit, year=year, metric=metric.replace("(境)", "（境）")))
    return out


def cross_queries(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[str]:
    metrics = [m for (m,) in conn.execute("SELECT metric FROM facts GROUP BY metric HAVING count(*) >= 20 "
                                          "ORDER BY metric")]
    years = [y for (y,) in conn.execute("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY year")]
    units = [u for (u,) in conn.execute("SELECT DISTINCT unit FROM facts WHERE unit != '' ORDER BY unit")]
    out = []
    for _ in range(count):
        metric = rng.choice(metrics)
        template = rng.choice(_CROSS_TEMPLATES + _CHANGE_TEMPLATES)
        out.append(template.format(year=rng.choice(years), metric=metric, unit=rng.choice(units)))
    return out


def amount_queries(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[str]:
    rows = conn.execute("SELECT metric, value_text FROM facts WHERE value_text != '' AND value_wan > 0 "
                        "ORDER BY doc_id, line_start").fetchall()
    picked = rng.sample(rows, min(count, len(rows)))
    return [f"{metric} {value_text}" for metric, value_text in picked]


def generate(store_path: Path, total: int) -> list[str]:
    conn = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    rng = random.Random(SEED)
    shares = {"headings": 0.35, "figures": 0.40, "cross": 0.15, "amounts": 0.10}
    makers = {"headings": heading_queries, "figures": figure_queries, "cross": cross_queries,
              "amounts": amount_queries}
    queries: list[str] = []
    for name, share in shares.items():
        queries += makers[name](conn, rng, round(total * share))
    conn.close()
    queries = list(dict.fromkeys(q.strip() for q in queries if q.strip()))
    rng.shuffle(queries)   # a --quick run takes the first N: shuffled, they are a fair sample of every kind
    return queries


def store_of(index_dir: Path) -> Path:
    current = Path(index_dir) / "current"
    return (current if current.exists() else Path(index_dir)).resolve() / "store.sqlite"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", help="an index of the benchmark corpus (built into a temp folder if omitted)")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--samples", default=str(DEFAULT_SAMPLES))
    parser.add_argument("-n", type=int, default=240, help="about how many queries (at least 200 for run.py)")
    parser.add_argument("--out", default=str(QUERIES))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        index = Path(args.index) if args.index else None
        if index is None:
            from search.cli import build_stages
            from search.indexer import build_index

            corpus = Path(tmp) / "corpus"
            assemble_corpus(Path(args.corpus), Path(args.samples), corpus)
            index = Path(tmp) / "index"
            print(build_index(corpus, index, None, extra_stages=build_stages()).summary(), file=sys.stderr)
        queries = generate(store_of(index), args.n)
    header = (f"# {len(queries)} benchmark queries generated by bench/make_queries.py (seed {SEED}) from the headings "
              "and figures of ../shared/corpus-2026 + corpus/; one per line, '#' lines are comments\n")
    Path(args.out).write_text(header + "\n".join(queries) + "\n", encoding="utf-8")
    print(f"wrote {len(queries)} queries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
