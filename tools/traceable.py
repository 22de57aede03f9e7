"""Figures an answer gives that no passage it cites holds: each question of an evaluation file is asked through
/api/ask and every decimal figure of a confident answer is looked for in the text of the passages it cites (both
without spaces and thousands separators). A figure the answer says it worked out (推算, 相加, 相减, 计算, 约) is not
looked for. A figure we cannot trace to a passage is a bug: it is printed with the question and the answer. No gold
is read (blind halves can be checked without looking at them: only ids are printed with --ids-only).

    python tools/traceable.py --corpus DIR --index DIR tests/eval/dev19.jsonl [more.jsonl …] [--ids-only]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.webapp import create_app  # noqa: E402

_FIGURE = re.compile(r"\d+\.\d+")
# a clause whose figure the answer says it worked out, not printed
_WORKED_OUT = re.compile(r"[^；。]*(?:推算|相加|相减|计算|约)[^；。]*")


def _flat(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def untraced(answer: dict) -> list[str]:
    """The decimal figures of an answer that none of its cited passages holds."""
    cited = _flat(" ".join(c.get("text") or "" for c in answer.get("citations") or []))
    told = _WORKED_OUT.sub("", _flat(answer.get("answer")))
    return [f for f in dict.fromkeys(_FIGURE.findall(told))
            if f not in cited and f.rstrip("0").rstrip(".") not in cited]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--ids-only", action="store_true")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    client = create_app({"CORPUS_DIR": args.corpus, "INDEX_DIR": args.index, "EMBEDDING_MODEL": "none"}).test_client()
    answered = found = 0
    for name in args.files:
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("kind", "ask") != "ask":
                continue
            answer = client.get("/api/ask", query_string={"q": item["q"]}).get_json()
            if answer.get("answer_type") == "none":
                continue
            answered += 1
            missing = untraced(answer)
            if missing:
                found += 1
                print(item["id"], len(missing) if args.ids_only else f"{item['q']} | {missing} | {answer['answer'][:200]}")
    print(f"{found} of {answered} answers give a figure no cited passage holds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
