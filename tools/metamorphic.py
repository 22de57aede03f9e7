"""Answers that hang on how a question is typed: each question of an evaluation file asked again without 的, with
今年 / 26年 for 2026年, without its question mark, with 多少 for 是多少, typed as words with spaces between them (the
way journalists type into a search box), and with the department's short form from departments.tsv and without the
city's 市 ("北京医保局"); every form whose answer type or figures differ from the original's is printed. No gold is read (blind halves can be checked without looking at them: only
the ids and the forms are printed with --ids-only).

    python tools/metamorphic.py --corpus DIR --index DIR tests/eval/dev17.jsonl [more.jsonl …] [--ids-only]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.qa.lexicon import data_rows  # noqa: E402
from search.webapp import create_app  # noqa: E402


def _short_forms() -> list[tuple[str, str]]:
    """(official department word, the first short form people write for it), longest official word first."""
    pairs = []
    for name, _pattern, forms in data_rows("departments.tsv"):
        first = next((f.strip() for f in forms.split("、") if f.strip() and f.strip() != name), "")
        if first and len(first) < len(name):
            pairs.append((name, first))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def shortened(q: str) -> str:
    """The department's short form for its official word, the two-character city before it without its 市
    ("北京市医疗保障局" -> "北京医保局"; 北京市监局 keeps its 市)."""
    for name, short in _short_forms():
        if name in q:
            return re.sub(rf"^([\u4e00-\u9fff]{{2}})市{re.escape(short)}", rf"\1{short}", q.replace(name, short, 1))
    return q


def spaced(q: str) -> str:
    """Typed the way a search box is: the year and the question word set apart by spaces, no 的 or question
    mark ("北京市医疗保障局 2026年 政府采购预算 是多少")."""
    q = re.sub(r"(\d{2,4}年)", r" \1 ", q.rstrip("？?").replace("的", ""))
    q = re.sub(r"((?:是|有)?多少(?:钱|万元)?|哪(?:几|一)?[个些家]|(?<!哪)几[个辆项台]?)", r" \1 ", q)
    return " ".join(q.split())


def figures(text: str) -> list[str]:
    return sorted(set(re.findall(r"\d[\d,]*\.\d+|\d{2,}", text.replace(",", ""))))


def forms(q: str) -> list[tuple[str, str]]:
    out = [("no的", q.replace("的", "")), ("今年", q.replace("2026年", "今年")), ("26年", q.replace("2026年", "26年")),
           ("no?", q.rstrip("？?")), ("多少", q.replace("是多少", "多少")),
           ("spaced", spaced(q)), ("short", shortened(q))]
    return [(kind, f) for kind, f in out if f != q]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--forms", default="", help="comma-separated form kinds to ask (default: all)")
    parser.add_argument("--ids-only", action="store_true", help="print ids and form kinds only (for blind halves)")
    args = parser.parse_args()
    client = create_app({"CORPUS_DIR": args.corpus, "INDEX_DIR": args.index, "EMBEDDING_MODEL": "none"}).test_client()
    differing = asked = 0
    for path in args.files:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            question = json.loads(line)
            if question.get("kind") != "ask":
                continue
            base = client.get("/api/ask", query_string={"q": question["q"]}).get_json()
            for kind, form in forms(question["q"]):
                if args.forms and kind not in args.forms.split(","):
                    continue
                asked += 1
                got = client.get("/api/ask", query_string={"q": form}).get_json()
                if (got["answer_type"], figures(got["answer"])) != (base["answer_type"], figures(base["answer"])):
                    differing += 1
                    print(question["id"], kind, "" if args.ids_only else f"{form} | {base['answer_type']} -> "
                          f"{got['answer_type']}: {got['answer'][:120]}")
    print(f"{differing} of {asked} forms answered differently")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
