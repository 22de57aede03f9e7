"""No line lost, scans read by OCR, every file accounted for, document kind and year from the content.

All on real documents: the samples, real 2026 PDFs (Beijing's numbered revenue lines, Shanghai's narrative
after the contents list, notices and reports filed as budgets) and real scans read by the real rapidocr.
"""
import shutil

import pytest
from conftest import BADFILES, CORPUS_2026, SAMPLE_CORPUS, make_app, require_shared

from search.clean import DROP_REASONS
from search.cli import build_stages
from search.indexer import build_index, current_generation, read_manifest, run_pending_ocr
from search.ingest import MONEY_LINE, process_file
from search.ocr import OcrCache, lines_from_boxes, ocr_file, pages_needing_ocr

SCAN_2026 = "长沙_文化广电旅游体育局_2026年部门预算.pdf"   # 2 scanned pages, no text layer


def in_passages(doc, needle):
    ranges = [(p.line_start, p.line_end) for p in doc.passages]
    squash = needle.replace(" ", "")
    return any(squash in ln.text.replace(" ", "").replace(",", "") and
               any(s <= ln.end and ln.start <= e for s, e in ranges) for ln in doc.lines)


@pytest.mark.parametrize("name", ["2026年北京市交通委员会部门预算.pdf", "2026年上海市教育局_部门预算.pdf",
                                  "2026年深圳市生态环境局部门预算.pdf", "无锡_水务局_2026年部门预算.pdf"])
def test_every_cleaned_line_is_in_a_passage_or_dropped_with_a_reason(name):
    doc = process_file(require_shared(CORPUS_2026) / name)
    assert doc.coverage["unexplained"] == 0
    assert doc.coverage["money_lines_outside"] == 0
    assert doc.dropped and {d.reason for d in doc.dropped} <= set(DROP_REASONS)
    # nothing that states an amount is ever dropped, whatever the reason
    assert not [d.text for d in doc.dropped if MONEY_LINE.search(d.text) and d.reason != "contents list"]


def test_numbered_revenue_lines_and_narrative_after_the_contents_are_searchable():
    beijing = process_file(require_shared(CORPUS_2026) / "2026年北京市交通委员会部门预算.pdf")
    assert in_passages(beijing, "1.一般公共预算拨款收入1368602.75万元")
    assert in_passages(beijing, "9.其他收入568.17万元")
    shanghai = process_file(require_shared(CORPUS_2026) / "2026年上海市教育局_部门预算.pdf")
    assert in_passages(shanghai, "上海科技大学附属学校收入预算10806万元")
    contents = [d for d in shanghai.dropped if d.reason == "contents list"]
    assert any(d.text.startswith("目") for d in contents) and len(contents) < 25


def test_the_body_begins_at_the_first_sentence_after_the_contents_list():
    # 上海市戒毒康复中心: contents list, then "…主要职能" and "…隶属于上海市司法局，机构级别为正处级。" — a sentence no
    # contents entry ends with: the duties that follow are body text, not contents
    doc = process_file(require_shared(CORPUS_2026) / "2026年上海市司法局_部门预算.pdf")
    assert in_passages(doc, "2.实施生理、心理、社会功能康复训练；")
    assert not [d.text for d in doc.dropped if d.reason == "contents list" and d.text.rstrip().endswith(("。", "；"))]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt")))
def test_samples_lose_no_line(name):
    doc = process_file(SAMPLE_CORPUS / name)
    assert doc.coverage["unexplained"] == 0 and doc.coverage["money_lines_outside"] == 0
    assert doc.coverage["share"] > 0.9


KINDS = {
    "西安_交通运输局_2026年部门预算.pdf": ("预算", 2022, "部门预算"),
    "2026年佛山市交通运输局部门预算.pdf": ("决算", 2019, "部门决算"),
    "无锡_信访局_2026年部门预算.pdf": ("预算", 2025, "部门预算"),
    "2026年北京市人民政府国有资产监督管理委员会部门预算.pdf": ("预算", 2026, "部门预算"),
    "长沙_国有资产监督管理委员会_2026年部门预算.pdf": ("其他", 2020, "绩效评价报告"),
    "2026年长春市财政局部门预算.pdf": ("其他", 2025, "工作报告"),
    "2026年嘉兴市政府办公厅部门预算.pdf": ("其他", 2026, "通知"),
    "2026年包头市政府办公厅部门预算.pdf": ("其他", 2026, "通知"),
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_document_kind_and_year_come_from_the_content(name):
    meta = process_file(require_shared(CORPUS_2026) / name).meta
    assert (meta.kind, meta.year, meta.doc_type) == KINDS[name]


def test_ocr_reads_a_scanned_page_with_real_rapidocr(tmp_path):
    scan = require_shared(BADFILES) / "scanned-no-text.pdf"
    assert pages_needing_ocr(scan) == list(range(19))
    cache = OcrCache(tmp_path)
    result = ocr_file(scan, [0], cache.scale, cache.engine)
    assert not result.errors
    text = result.pages[0].replace(" ", "")
    assert "泉州市商务局" in text and "工作总结" in text


def test_ocr_lines_follow_reading_order():
    boxes = [[[150, 10], [250, 10], [250, 30], [150, 30]], [[10, 12], [90, 12], [90, 28], [10, 28]],
             [[10, 50], [90, 50], [90, 70], [10, 70]]]
    assert lines_from_boxes(boxes, ["右边", "左边", "第二行"], [0.9, 0.9, 0.9]) == ["左边 右边".replace(" ", "  "), "第二行"]


@pytest.fixture(scope="module")
def ocr_corpus(tmp_path_factory):
    """Samples + one real scanned 2026 PDF + files the service cannot index, first build without OCR."""
    import docx

    corpus = tmp_path_factory.mktemp("ocr") / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    shutil.copy(require_shared(CORPUS_2026) / SCAN_2026, corpus / SCAN_2026)
    shutil.copy(require_shared(BADFILES) / "empty.pdf", corpus / "empty.pdf")
    (corpus / "README").write_text("no extension", encoding="utf-8")
    (corpus / "notes.xlsx").write_bytes(b"PK\x03\x04")
    (corpus / "empty.docx").write_bytes(b"")
    word = docx.Document()
    word.add_paragraph("海东市平安区医疗保障局2025年部门预算补充说明")
    word.add_paragraph("2025年“三公”经费预算数为2.35万元，比上年增加1.09万元。")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "金额（万元）"
    table.cell(1, 0).text, table.cell(1, 1).text = "公务接待费", "0.85"
    word.save(corpus / "补充说明.docx")
    index = corpus.parent / "index"
    first = build_index(corpus, index, None, extra_stages=build_stages())
    return corpus, index, first


def test_scanned_files_are_pending_first_and_the_rest_is_served(ocr_corpus):
    corpus, index, first = ocr_corpus
    if first.ocr:
        pytest.skip("OCR already ran in this module")
    assert [p["file"] for p in first.pending] == [SCAN_2026]
    client = make_app(index).test_client()
    health = client.get("/api/health").get_json()
    assert [p["file"] for p in health["pending"]] == [SCAN_2026] and health["pending"][0]["status"] == "pending"
    assert "正在读取" in client.get("/").get_data(as_text=True)
    assert client.get("/api/search?q=三公经费").get_json()["total"] > 0


def test_every_file_is_listed_with_its_status(ocr_corpus):
    corpus, index, _ = ocr_corpus
    health = make_app(index).test_client().get("/api/health").get_json()
    status = {f["file"]: f for f in health["files"]}
    assert set(status) == {p.name for p in corpus.iterdir()}
    assert status["README"]["status"] == "skipped" and "unsupported" in status["README"]["reason"]
    assert status["notes.xlsx"]["status"] == "skipped" and "unsupported" in status["notes.xlsx"]["reason"]
    assert status["empty.pdf"]["status"] == "skipped" and "empty" in status["empty.pdf"]["reason"]
    assert status["empty.docx"]["status"] == "skipped" and "empty" in status["empty.docx"]["reason"]
    assert status["补充说明.docx"]["status"] == "indexed"
    assert status["000_e6f0054cb91bf0b4.txt"]["status"] == "indexed"
    summary = read_manifest(current_generation(index))
    assert len(summary["files"]) == len(status)


def test_docx_is_searchable_with_its_table_rows(ocr_corpus):
    _, index, _ = ocr_corpus
    hits = make_app(index).test_client().get("/api/search?q=公务接待费 补充说明").get_json()["results"]
    docx_hits = [h for h in hits if h["file"] == "补充说明.docx"]
    assert docx_hits and "公务接待费" in docx_hits[0]["text"] and "0.85" in docx_hits[0]["text"]


def test_ocr_arrives_in_a_later_generation_and_is_cached(ocr_corpus):
    corpus, index, first = ocr_corpus
    generation = current_generation(index).name
    second = run_pending_ocr(corpus, index, None, False, build_stages(), None, first)
    assert second is not None and second.ocr["pages"] == 2 and not second.pending
    assert second.ocr["pages_per_second"] > 0
    assert current_generation(index).name != generation
    client = make_app(index).test_client()
    health = client.get("/api/health").get_json()
    assert not health["pending"] and not any("OCR" in s["reason"] for s in health["skipped"])
    entry = next(f for f in health["files"] if f["file"] == SCAN_2026)
    assert entry["status"] == "indexed" and entry["ocr_pages"] == 2 and entry["kind"] == "其他"
    hits = client.get("/api/search?q=文化和旅游项目资金").get_json()["results"]
    top = [h for h in hits[:5] if h["file"] == SCAN_2026]
    assert top and top[0]["ocr"] is True and top[0]["kind"] == "其他"
    doc = client.get(f"/api/documents/{top[0]['doc_id']}").get_json()
    assert doc["ocr_pages"] == 2 and doc["doc_type"] == "通知" and doc["year"] == 2025
    assert all(p["ocr"] for p in doc["passages"])
    facts = client.get("/api/facts").get_json()["facts"]
    assert all(f["trust"] == ("ocr" if f["file"] == SCAN_2026 else "text") for f in facts)
    assert "OCR" in client.get("/?q=文化和旅游项目资金").get_data(as_text=True)
    # the OCR text is cached by file hash outside the generations: an unchanged corpus reads nothing again
    assert list((index / "ocr-cache").glob("*.json"))
    third = build_index(corpus, index, None, extra_stages=build_stages())
    assert not third.changed and not third.pending


def test_document_api_reports_coverage_and_dropped_lines(ocr_corpus):
    _, index, _ = ocr_corpus
    client = make_app(index).test_client()
    doc_id = next(d["doc_id"] for d in client.get("/api/documents").get_json()["documents"]
                  if d["file"] == "001_dc584abfb0b9932f.txt")
    doc = client.get(f"/api/documents/{doc_id}").get_json()
    c = doc["coverage"]
    assert c["lines"] == len(doc["lines"]) and 0 < c["lines_in_passages"] <= c["lines"]
    assert c["money_lines_outside"] == 0 and c["unexplained"] == 0
    assert doc["dropped"] and {d["reason"] for d in doc["dropped"]} <= set(DROP_REASONS)
    assert all({"start", "end", "text"} <= set(line) for line in doc["lines"])
    assert all({"line_start", "line_end"} <= set(p) for p in doc["passages"])
