"""Page numbers in citations and the original page image, over real 2026 PDFs (issue 15).

The page a citation names is checked against the test's own reading of the PDF with pypdfium2: the page
whose text layer holds the passage's first line (and, for a figure, the figure as printed). The page-image
route is checked for the size the server fixes, its disk cache, and its answers to pages and ids that do
not exist.
"""
from __future__ import annotations

import csv
import functools
import io
import math
import random
import re
import shutil
import sqlite3
import time
import unicodedata

import pypdfium2 as pdfium
import pytest
from conftest import make_app, pdf_sample_corpus
from PIL import Image

from search.cli import build_stages
from search.indexer import build_index, current_generation

SAMPLE_SIZE = 60


def compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory):
    corpus = pdf_sample_corpus(tmp_path_factory, 18, "page-corpus")     # 13 real PDFs + one .txt
    index = tmp_path_factory.mktemp("page-index") / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    return corpus, index


@pytest.fixture(scope="module")
def pdf_client(pdf_index):
    corpus, index = pdf_index
    return make_app(index, corpus_dir=corpus).test_client()


_readings: dict[str, list[tuple[int, str]]] = {}


def own_lines(path) -> list[tuple[int, str]]:
    """The test's own reading of a PDF: (page, text) of every text-layer line, pages in order."""
    key = str(path)
    if key not in _readings:
        pdf = pdfium.PdfDocument(key)
        try:
            lines = []
            for number in range(1, len(pdf) + 1):
                textpage = pdf[number - 1].get_textpage()
                lines += [(number, t) for t in re.split(r"\r\n|\r|\n", textpage.get_text_range())]
                textpage.close()
            _readings[key] = lines
        finally:
            pdf.close()
    return _readings[key]


@functools.lru_cache(maxsize=64)
def page_texts(path) -> list[str]:
    lines = own_lines(path)
    pages = [""] * max(n for n, _ in lines)
    for number, text in lines:
        pages[number - 1] += compact(text)
    return pages


def documents(client) -> list[dict]:
    return client.get("/api/documents").get_json()["documents"]


def test_passage_pages_are_the_pages_holding_their_first_line(pdf_index, pdf_client):
    corpus, _ = pdf_index
    sample = []
    for doc in documents(pdf_client):
        if doc["source_format"] != "pdf":
            continue
        full = pdf_client.get(f"/api/documents/{doc['doc_id']}").get_json()
        first_lines = {ln["start"]: ln["text"] for ln in full["lines"]}
        for p in full["passages"]:
            sample.append((doc, p, first_lines[p["line_start"]]))
    rng = random.Random(15)
    picked = rng.sample(sample, min(SAMPLE_SIZE, len(sample)))
    assert len(picked) >= 50 and len({doc["doc_id"] for doc, _, _ in picked}) >= 10
    correct, unique, wrong = 0, 0, []
    for doc, p, first_line in picked:
        lines = own_lines(corpus / doc["file"])
        assert 1 <= p["page_start"] <= p["page_end"] <= doc["pages"] == lines[-1][0]
        # the passage's first original line, as this test reads it, and the page it is on
        page, raw = lines[p["line_start"] - 1]
        assert compact(raw) and compact(raw).lstrip("-•·") in compact(first_line), (doc["file"], p["id"])
        unique += sum(compact(raw) in text for text in page_texts(corpus / doc["file"])) == 1
        if page == p["page_start"] and compact(raw) in page_texts(corpus / doc["file"])[p["page_start"] - 1]:
            correct += 1
        else:
            wrong.append((doc["file"], p["id"], p["page_start"], page, raw))
    print(f"\npage accuracy: {correct} of {len(picked)} sampled passages cite the page holding their first line "
          f"({unique} first lines occur on one page only) across "
          f"{len({doc['doc_id'] for doc, _, _ in picked})} documents")
    assert correct == len(picked), wrong


def test_figure_pages_hold_the_figure(pdf_index, pdf_client):
    corpus, _ = pdf_index
    rows = pdf_client.get("/api/facts", query_string={"limit": 100000}).get_json()["facts"]
    rows = [r for r in rows if r["file"].endswith(".pdf")]
    picked = random.Random(15).sample(rows, min(80, len(rows)))
    assert len(picked) >= 50
    misses = []
    for r in picked:
        pages = page_texts(corpus / r["file"])
        # a figure, or the word a zero is printed as ("本单位无机关运行经费": 无)
        printed = re.match(r"[\d,.]+", compact(r["value_text"]))
        number = printed.group() if printed else compact(r["value_text"])
        shown = pages[r["page_start"] - 1:r["page_end"]]
        if not any(number in text for text in shown):
            misses.append((r["file"], r["metric"], r["value_text"], r["page_start"], r["page_end"]))
    print(f"\nfigure pages: {len(picked) - len(misses)} of {len(picked)} sampled figures are printed on their page")
    assert not misses


def test_pages_reach_every_output(pdf_client):
    body = pdf_client.get("/api/search", query_string={"q": "三公经费预算", "k": 20}).get_json()
    pdf_results = [r for r in body["results"] if r["file"].endswith(".pdf")]
    assert pdf_results and all(isinstance(r["page_start"], int) and r["page_end"] >= r["page_start"]
                               for r in pdf_results)
    assert all(r["page_start"] is None and r["page_end"] is None
               for r in body["results"] if r["file"].endswith(".txt"))

    unit = pdf_results[0]["unit"]
    ask = pdf_client.get("/api/ask", query_string={"q": f"{unit}三公经费是多少"}).get_json()
    assert ask["citations"] and all("page_start" in c and "page_end" in c for c in ask["citations"])
    assert ask["facts"] and all(isinstance(f["page_start"], int) for f in ask["facts"])

    doc = pdf_client.get(f"/api/documents/{pdf_results[0]['doc_id']}").get_json()
    assert all(isinstance(p["page_start"], int) for p in doc["passages"])
    assert all(ln["page"] for ln in doc["lines"]) and len(doc["page_starts"]) == doc["pages"]

    text = pdf_client.get("/api/facts.csv", query_string={"metric": "三公经费"}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and {"page_start", "page_end"} <= set(rows[0])
    assert all(r["page_start"].isdigit() for r in rows if r["file"].endswith(".pdf"))


def test_result_and_answer_cards_cite_pages(pdf_client):
    html = pdf_client.get("/", query_string={"q": "三公经费预算"}).get_data(as_text=True)
    assert re.search(r"第\d+(–\d+)?页", html)
    assert re.search(r'href="/files/[0-9a-f]{16}#page=\d+"', html)
    lines = re.findall(r'class="cite-line" readonly value="([^"]+)"', html)
    assert any(re.search(r"20\d\d年部门(预算|决算)《.+》，第\d+(–\d+)?页$", line) for line in lines), lines
    assert all(line.endswith(("页", "行（文本文件）")) for line in lines), lines


def test_page_image_size_cache_and_speed(pdf_index, pdf_client):
    corpus, index = pdf_index
    doc = next(d for d in documents(pdf_client) if d["source_format"] == "pdf")
    pdf = pdfium.PdfDocument(str(corpus / doc["file"]))
    width, height = pdf[1].get_size()
    pdf.close()
    url = f"/files/{doc['doc_id']}/pages/2.png"
    started = time.perf_counter()
    first = pdf_client.get(url)
    uncached = time.perf_counter() - started
    assert first.status_code == 200 and first.mimetype == "image/png"
    image = Image.open(io.BytesIO(first.data))
    scale = (1600 - 0.5) / max(width, height)
    assert image.size == (math.ceil(width * scale), math.ceil(height * scale))
    assert max(image.size) == 1600
    assert (current_generation(index) / "page-images" / doc["doc_id"] / "2-1600.png").is_file()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        again = pdf_client.get(url)
        timings.append(time.perf_counter() - started)
        assert again.status_code == 200 and again.data == first.data
    cached = sorted(timings)[2]
    print(f"\npage image route: uncached {uncached * 1000:.1f} ms, cached {cached * 1000:.1f} ms (median of 5)")
    assert cached < 0.25
    # a scale or size cannot be asked for: parameters are ignored
    assert pdf_client.get(url + "?scale=50&width=100000").data == first.data


def test_page_image_rejects_pages_and_ids_that_do_not_exist(pdf_client):
    docs = documents(pdf_client)
    pdf = next(d for d in docs if d["source_format"] == "pdf")
    txt = next(d for d in docs if d["source_format"] != "pdf")
    for page in ("0", str(pdf["pages"] + 1), "-1", "abc", "1.5", "9" * 30, "%2e%2e", "１", "1e3", " 1"):
        response = pdf_client.get(f"/files/{pdf['doc_id']}/pages/{page}.png")
        assert response.status_code == 404, page
    for doc_id in ("0" * 16, "x" * 500, "..", txt["doc_id"]):
        assert pdf_client.get(f"/files/{doc_id}/pages/1.png").status_code == 404, doc_id
    assert pdf_client.get(f"/files/{pdf['doc_id']}/pages/{pdf['pages']}.png").status_code == 200


def test_a_changed_or_missing_original_is_404_not_a_wrong_page(tmp_path):
    from conftest import CORPUS_2026, require_shared

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = sorted(require_shared(CORPUS_2026).glob("*.pdf"))[3]
    target = corpus / source.name
    target.write_bytes(source.read_bytes())
    build_index(corpus, tmp_path / "index", None, extra_stages=build_stages())
    client = make_app(tmp_path / "index", corpus_dir=corpus).test_client()
    doc_id = documents(client)[0]["doc_id"]
    assert client.get(f"/files/{doc_id}/pages/1.png").status_code == 200
    target.write_bytes(source.read_bytes() + b"\n%changed\n")
    assert client.get(f"/files/{doc_id}/pages/2.png").status_code == 404
    target.unlink()
    assert client.get(f"/files/{doc_id}/pages/3.png").status_code == 404
    assert client.get(f"/doc/{doc_id}?start=5&end=9").status_code == 200   # the text still shows


def test_document_view_shows_the_cited_page_with_boxes(pdf_index, pdf_client):
    _, index = pdf_index
    conn = sqlite3.connect(current_generation(index) / "store.sqlite")
    doc_id, line_start, line_end, page, value_text = conn.execute(
        "SELECT doc_id, line_start, line_end, page_start, value_text FROM facts WHERE source = 'text' "
        "AND file LIKE '%.pdf' ORDER BY doc_id, line_start LIMIT 1").fetchone()
    conn.close()
    html = pdf_client.get(f"/doc/{doc_id}", query_string={"start": line_start, "end": line_end, "page": page,
                                                           "mark": value_text}).get_data(as_text=True)
    assert f'src="/files/{doc_id}/pages/{page}.png"' in html
    assert re.search(rf'<img [^>]*alt="原文第{page}页', html)
    assert html.count('class="hl"') >= 1 and html.count('class="hl-mark"') >= 1
    assert f'href="/files/{doc_id}#page={page}"' in html
    for box in re.findall(r'class="hl(?:-mark)?" style="([^"]+)"', html):
        values = [float(v) for v in re.findall(r"(-?[\d.]+)%", box)]
        assert len(values) == 4 and all(0 <= v <= 100 for v in values) and values[2] > 0 and values[3] > 0
    # a text document has no page view
    txt = next(d for d in documents(pdf_client) if d["source_format"] != "pdf")
    assert 'id="page-view"' not in pdf_client.get(f"/doc/{txt['doc_id']}?start=3&end=5").get_data(as_text=True)


def test_page_cache_belongs_to_one_generation(tmp_path):
    from conftest import CORPUS_2026, require_shared

    pdfs = sorted(require_shared(CORPUS_2026).glob("*.pdf"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(pdfs[5], corpus / pdfs[5].name)   # copies: links out of the corpus are skipped
    index = tmp_path / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    client = make_app(index, corpus_dir=corpus).test_client()
    doc_id = documents(client)[0]["doc_id"]
    assert client.get(f"/files/{doc_id}/pages/1.png").status_code == 200
    first = current_generation(index)
    assert (first / "page-images").is_dir()
    shutil.copyfile(pdfs[6], corpus / pdfs[6].name)
    build_index(corpus, index, None, extra_stages=build_stages())   # incremental: copies the generation
    second = current_generation(index)
    assert second != first and not (second / "page-images").exists()
    assert client.get(f"/files/{doc_id}/pages/1.png").status_code == 200
    assert (second / "page-images" / doc_id / "1-1600.png").is_file()
