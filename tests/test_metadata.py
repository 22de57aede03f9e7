"""Metadata comes from the content, never the file name — checked on the samples and on real 2026 PDFs."""
import pytest
from conftest import CORPUS_2026, SAMPLE_CORPUS, require_shared

from search.ingest import process_file
from search.query import build_aliases, parse_query

SAMPLES = {
    "000_e6f0054cb91bf0b4.txt": ("海东市平安区医疗保障局", "海东市平安区", 2024, "预算"),
    "001_dc584abfb0b9932f.txt": ("临夏回族自治州医疗保障局", "临夏回族自治州", 2024, "预算"),
    "002_6e0e03e1aecf682d.txt": ("西宁市城东区医疗保障局（本级）", "西宁市城东区", 2025, "预算"),
    "003_6746d181cb8d3930.txt": ("海东市医疗保障局", "海东市", 2024, "决算"),
    "004_0a8a22fa5a2243d7.txt": ("聊城市东昌府区医疗保障局", "聊城市东昌府区", 2024, "预算"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_metadata(name):
    meta = process_file(SAMPLE_CORPUS / name).meta
    assert (meta.unit, meta.region, meta.year, meta.kind) == SAMPLES[name]


# file names that lie: the unit, year and kind must come from the text
REAL_2026 = {
    "2026年上海市发展和改革局_部门预算.pdf": ("上海市域外农场管理办公室", 2026, "预算"),
    "2026年北京市医疗保障局部门预算.pdf": ("北京市医疗保障局", 2026, "预算"),
    "2026年深圳市司法局部门预算.pdf": ("深圳市司法局（本级）", 2026, "预算"),   # its own budget, not the consolidated one
    "西安_生态环境局_2026年部门预算.pdf": ("西安市生态环境局", 2022, "预算"),
    "2026年广州市交通运输局部门预算.pdf": ("广州市交通运输局", 2026, "预算"),
    "2026年武汉市信访局部门预算.pdf": ("国家信访局", 2026, "预算"),
}


@pytest.mark.parametrize("name", sorted(REAL_2026))
def test_real_pdf_metadata_matches_what_the_document_says(name):
    doc = process_file(require_shared(CORPUS_2026) / name)
    assert (doc.meta.unit, doc.meta.year, doc.meta.kind) == REAL_2026[name]
    assert doc.pages > 0 and len(doc.passages) > 5


def test_query_names_a_unit_longest_match_wins():
    docs = [type("D", (), {"doc_id": n, "unit": SAMPLES[n][0], "region": SAMPLES[n][1]}) for n in SAMPLES]
    aliases = build_aliases(docs)
    assert set(parse_query("海东市医保局信息化建设支出", aliases).doc_scores) == {"003_6746d181cb8d3930.txt"}
    assert set(parse_query("平安区医保局招待费", aliases).doc_scores) == {"000_e6f0054cb91bf0b4.txt"}
    assert set(parse_query("临夏州医疗保障局2024年监督执法经费", aliases).doc_scores) == {"001_dc584abfb0b9932f.txt"}
    parsed = parse_query("东昌府区2024年决算", aliases, {2024, 2025})
    assert set(parsed.doc_scores) == {"004_0a8a22fa5a2243d7.txt"} and parsed.year == 2024 and parsed.kind == "决算"


def test_a_remark_closed_before_the_units_name_is_not_part_of_it():
    from search.metadata import _clean_unit

    assert _clean_unit("主动公开）浙江省卫生健康委员会办公室") == "浙江省卫生健康委员会办公室"
    # a second name in brackets after the name stays
    assert _clean_unit("上海市财务会计综合管理事务中心（上海市财政科学研究所）") == "上海市财务会计综合管理事务中心（上海市财政科学研究所）"


@pytest.mark.parametrize("title, unit, file, expected", [
    # the content names no unit or another one: the unit on the file's name is searchable too
    ("2024年 通报", "", "2026年潍坊市统计局部门预算.pdf", "2024年 通报 潍坊市统计局"),
    ("上海交通职业技术学院 2026年 部门预算", "上海交通职业技术学院", "2026年上海市交通运输局_部门预算.pdf",
     "上海交通职业技术学院 2026年 部门预算 上海市交通运输局"),
    # the file is named after the unit it holds (市 left out or not), or named by no unit: the title alone
    ("广州市统计局 2026年 部门预算", "广州市统计局", "广州_统计局_2026年部门预算.pdf", "广州市统计局 2026年 部门预算"),
    ("海东市医疗保障局 2024年 部门决算", "海东市医疗保障局", "003_6746d181cb8d3930.txt", "海东市医疗保障局 2024年 部门决算"),
])
def test_a_document_is_searched_by_the_unit_its_file_is_named_after(title, unit, file, expected):
    from search.metadata import search_title
    assert search_title(title, unit, file) == expected
