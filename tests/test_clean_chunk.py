"""Cleaning and section chunking on the real sample documents."""
import re

from conftest import SAMPLE_CORPUS

from search.chunk import SECTION_SEP, chunk_document, heading_level, is_table_title
from search.clean import clean_lines
from search.reader import read_file


def passages_of(name):
    raw = read_file(SAMPLE_CORPUS / name)
    lines = clean_lines(raw.text, raw.page_starts)
    return raw, lines, chunk_document(lines)


def squash(text):
    return re.sub(r"\s+", "", text)


def test_wrapped_lines_with_blank_lines_between_are_joined():
    # 000 wraps "…“三公”经费\n\n预算数为1.26万元" across lines with a blank line after each
    _, _, passages = passages_of("000_e6f0054cb91bf0b4.txt")
    assert any("“三公”经费预算数为1.26万元" in squash(p.text) for p in passages)


def test_wrapped_heading_is_one_heading_and_one_section():
    _, _, passages = passages_of("002_6e0e03e1aecf682d.txt")
    sections = {p.section.split(SECTION_SEP)[-1] for p in passages}
    assert any(s.startswith("七、关于西宁市城东区医疗保障局") and s.endswith("预算情况说明") for s in sections)


def test_page_numbers_are_dropped_and_lines_map_back_to_the_original():
    raw, lines, _ = passages_of("001_dc584abfb0b9932f.txt")
    assert not any(re.fullmatch(r"-\s*\d+\s*-", ln.text) for ln in lines)
    original = raw.text.split("\n")
    for ln in lines[:200]:
        first = original[ln.start - 1].strip().lstrip("- ")
        assert first and squash(first)[:4] in squash(ln.text)


def test_section_paths_follow_the_heading_hierarchy():
    _, _, passages = passages_of("000_e6f0054cb91bf0b4.txt")
    path = next(p.section for p in passages if "“三公”经费预算数为" in squash(p.text))
    assert path == "第三部分 部门预算情况说明" + SECTION_SEP + "七、一般公共预算“三公”经费预算情况说明"


def test_a_passage_never_spans_two_sections():
    for name in sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt")):
        _, _, passages = passages_of(name)
        for p in passages:
            if p.is_table:
                continue  # row labels such as "一、本年收入" are not headings inside a table
            lines = p.text.split("\n")
            # a passage opens with its section's heading, led by any headings before it that have no body
            # of their own (二、… directly followed by （一）…); after the first line of body text, no heading
            while len(lines) > 1 and heading_level(lines[0]) is not None:
                lines.pop(0)
            for text in lines[1:]:
                assert heading_level(text) not in (1, 2, 3), (name, p.section, text)


def test_tables_keep_title_unit_and_header_and_long_tables_repeat_the_header():
    _, _, passages = passages_of("004_0a8a22fa5a2243d7.txt")
    tables = [p for p in passages if p.is_table]
    assert tables and all(p.money_unit in ("万元", "元", "") for p in tables)
    income = [p for p in tables if p.section.endswith("收入总体情况表")]
    assert income and "单位" in income[0].text and "科目编码" in income[0].text
    if len(income) > 1:
        # every part opens with the table's title (the first part may be led by a bodiless parent heading)
        assert all(p.text.split("\n")[0] in income[0].text.split("\n")[:3] for p in income)
        assert all("科目编码" in p.text for p in income)


def test_prose_passages_are_sized_for_reading():
    sizes = [len(p.text) for name in SAMPLE_CORPUS.glob("*.txt") for p in passages_of(name.name)[2] if not p.is_table]
    assert max(sizes) <= 1200
    assert sum(1 for s in sizes if 100 <= s <= 800) / len(sizes) > 0.6


def test_heading_recognisers():
    assert heading_level("第三部分 部门预算情况说明") == 1
    assert heading_level("七、一般公共预算“三公”经费预算情况说明") == 2
    assert heading_level("（二）政府采购安排情况。") == 3
    assert heading_level("1. 社会保障和就业支出（类）") == 4
    assert heading_level("（一）组织制定并实施全区医疗保障基金监督管理相关制度，建立健全医疗保障基金安全防控机制。") is None
    assert heading_level("5. 年度预算安排： 15 万元") is None
    assert is_table_title("部门公开表7") and is_table_title("一般公共预算“三公”经费支出情况表")
    assert not is_table_title("本表反映的是财政拨款收支总表的情况。")

