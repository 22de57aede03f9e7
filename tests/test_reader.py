"""Reading real files: encodings detected from the bytes, PDFs through their text layer, bad files refused."""
import pytest
from conftest import BADFILES, CORPUS_2026, SAMPLE_CORPUS, require_shared

from search.ingest import content_hash
from search.reader import UnreadableFile, read_file


@pytest.mark.parametrize("name", ["gbk-encoded.txt", "utf16-bom.txt"])
def test_other_encodings_decode_to_the_same_text_as_the_utf8_sample(name):
    original = read_file(SAMPLE_CORPUS / "000_e6f0054cb91bf0b4.txt").text
    decoded = read_file(require_shared(BADFILES) / name).text
    # the GBK copy lost its no-break spaces ('?'), otherwise the text is the same
    assert content_hash(decoded) == content_hash(original)
    assert decoded.split()[:30] == original.split()[:30]


@pytest.mark.parametrize("name, reason", [
    ("empty.pdf", "empty"),
    ("truncated.pdf", "truncated"),
    ("html-saved-as.pdf", "HTML"),
    ("scanned-no-text.pdf", "waiting for OCR"),   # pending until OCR has run (see test_ocr_coverage)
    ("binary-noise.txt", "binary"),
])
def test_bad_files_are_refused_with_a_reason(name, reason):
    with pytest.raises(UnreadableFile) as info:
        read_file(require_shared(BADFILES) / name)
    assert reason in str(info.value)


def test_pdf_text_layer_is_read_page_by_page():
    pdf = require_shared(CORPUS_2026) / "2026年北京市医疗保障局部门预算.pdf"
    doc = read_file(pdf)
    assert doc.pages > 5 and len(doc.page_starts) == doc.pages
    assert "北京市医疗保障局" in doc.text.replace(" ", "")
