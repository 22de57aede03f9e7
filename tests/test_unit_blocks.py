"""Tables a department prints unit by unit (深圳's 支出总表 / 基本支出总表 / 经济分类 table, 广州's 基本支出预算表: the
department's row, then "…（本级）" and its rows, then each subordinate unit's row and its rows), over a real index of
three 2026 PDFs: every row carries its unit, checked against the test's own reading of the text layer; a unit named
("本级", "福田分局") is answered from its own rows; the department asked without one is answered unit by unit,
never with one unit's figure as the department's; a ranking of such a table is of the unit named, or none; and a
department that also prints its whole spending is answered from that, not from a unit's block."""
from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import CORPUS_2026, client_over_pdfs, require_shared

RSJ = "2026年深圳市人力资源和社会保障局部门预算.pdf"
HZCZ = "2026年湖州市财政局部门预算.pdf"     # its office's rows bear the department's name
SZJT = "2026年苏州市交通运输局部门预算.pdf"
GZWJ = "2026年广州市卫生健康委员会部门预算.pdf"   # its units are hospitals; so are some 功能分类 科目 (公立医院)
PDFS = [RSJ, "广州_司法局_2026年部门预算.pdf", "2026年深圳市水务局部门预算.pdf", HZCZ, SZJT, GZWJ]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_over_pdfs(tmp_path_factory, "unit-blocks", PDFS)


def ask(client, q: str) -> dict:
    return client.get("/api/ask", query_string={"q": q}).get_json()


def _read_by_unit(pdf_name: str, table: str, code: str) -> dict[str, str]:
    """unit -> the figure of the row coded `code` under that unit's line, read from the text layer of the
    pages of `table` (a unit's line: a name, not a code, then three figures)."""
    found, unit = {}, None
    with pdfplumber.open(require_shared(CORPUS_2026 / pdf_name)) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            if not re.search(rf"^{table}\s*$", text, re.M):
                continue
            for line in text.splitlines():
                m = re.match(r"^([^\d\s][^\s]*) [\d,.]+ [\d,.]+ [\d,.]+$", line)
                if m:
                    unit = m.group(1)
                m = re.match(rf"^{code} \S+ ([\d,.]+) ", line)
                if m and unit:
                    found[unit] = m.group(1)
    return found


def test_every_row_of_a_table_by_unit_carries_its_unit(client):
    read = _read_by_unit(RSJ, "表 ?8", "30215")
    assert len(read) >= 2 and "深圳市人力资源和社会保障局（本级）" in read, read
    rows = client.get("/api/rows", query_string={"unit": "深圳市人力资源和社会保障局", "table": "按经济分类",
                                                 "limit": 100000}).get_json()["rows"]
    got = {r["context"]: r["value_text"] for r in rows if r["row_label"] == "会议费" and r["header_path"] == "支出总计"}
    assert got == read, (got, read)


@pytest.mark.parametrize("q", ["深圳人社局会议费", "深圳市人力资源和社会保障局2026年会议费预算多少"])
def test_a_department_asked_is_answered_unit_by_unit(client, q):
    body = ask(client, q)
    answer = body["answer"]
    assert body["answer_type"] == "figure" and "按单位列出" in answer, body
    assert "深圳市人力资源和社会保障局（本级） 11.87万元" in answer and "深圳市劳动人事争议仲裁院 2.00万元" in answer, answer
    assert "相加共13.87万元" in answer, answer


@pytest.mark.parametrize("q", ["深圳人社局本级委托业务费", "深圳市人力资源和社会保障局（本级）委托业务费是多少"])
def test_its_own_office_is_the_unit_named_by_benji(client, q):
    body = ask(client, q)
    assert body["answer_type"] == "figure" and "7,164.63万元" in body["answer"], body
    assert "（本级）" in body["answer"], body["answer"]


def test_a_subordinate_unit_named_whole_is_its_own_block(client):
    # 社会保险基金管理局（本级） and its 福田分局 both have 办公费: the longer name written out is the one asked
    body = ask(client, "深圳市社会保险基金管理局福田分局办公费")
    assert body["answer_type"] == "figure" and "21.00万元" in body["answer"] and "福田分局" in body["answer"], body


def test_a_ranking_of_a_table_by_unit_is_the_named_units_or_none(client):
    body = ask(client, "深圳人社局经济分类哪项最多")
    assert body["answer_type"] == "none" and "按单位列出" in body["answer"], body
    assert "项目支出表" not in body["answer"], body["answer"]
    body = ask(client, "深圳水务局本级哪个经济科目最多")
    assert body["answer_type"] == "comparison" and "委托业务费" in body["answer"] and "132,164.00" in body["answer"], body


def test_a_department_printing_its_whole_spending_is_answered_from_it(client):
    # 广州司法局's 表11 lists 商品和服务支出 unit by unit (its 本级 1,573.97); 表6 and 表7 print the whole
    body = ask(client, "广州司法局商品和服务支出")
    assert body["answer_type"] == "figure" and "22,813.58" in body["answer"], body
    assert "1,573.97" not in body["answer"], body["answer"]


def _year_lines(pdf_name: str, unit: str) -> dict[str, str]:
    """The "三公"经费表's lines of one unit, read from the text layer: "<unit> 2025 年 a …", then "2026 年 b …"
    -> {"2025": a, "2026": b} (each line's first figure, the 总计)."""
    found: dict[str, str] = {}
    with pdfplumber.open(require_shared(CORPUS_2026 / pdf_name)) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            if "三公" not in text:
                continue
            lines = text.splitlines()
            for i, line in enumerate(lines):
                m = re.match(rf"^{re.escape(unit)} ?(20\d\d) ?年 ([\d,.]+) ", line)
                if m and i + 1 < len(lines):
                    found[m.group(1)] = m.group(2)
                    nxt = re.match(r"^(20\d\d) ?年 ([\d,.]+) ", lines[i + 1])
                    if nxt:
                        found[nxt.group(1)] = nxt.group(2)
                    return found
    return found


SWJ = "2026年深圳市水务局部门预算.pdf"


@pytest.mark.parametrize("q", ["深圳水务局本级三公经费多少", "深圳市水务局（本级）2026年三公经费预算"])
def test_the_own_office_asked_is_answered_from_its_own_line_not_the_departments(client, q):
    own = _year_lines(SWJ, "深圳市水务局（本级）")
    whole = _year_lines(SWJ, "深圳市水务局")
    assert own["2026"] != whole["2026"], (own, whole)
    body = ask(client, q)
    assert body["answer_type"] == "figure" and own["2026"] in body["answer"], body["answer"]
    assert whole["2026"] not in body["answer"] and own["2025"] not in body["answer"]


def test_a_units_year_lines_answer_with_the_documents_year(client):
    lines = _year_lines(SWJ, "深圳市水文水质中心")
    assert lines["2025"] != lines["2026"]
    answer = ask(client, "深圳水务局 水文水质中心 三公经费")["answer"]
    assert lines["2026"] in answer and lines["2025"] not in answer, answer


def test_the_own_office_of_the_department_not_a_centres(client):
    answer = ask(client, "深圳人社局本级三公经费")["answer"]
    assert "深圳市人力资源和社会保障局（本级）" in answer and "社会保险基金管理局" not in answer, answer


def test_the_own_office_asked_where_its_tables_do_not_print_the_figure_is_no_answer(client):
    """The document's 政府采购 figure is the whole department's: never given as the own office's."""
    body = ask(client, "深圳水务局本级政府采购预算")
    assert body["answer_type"] == "none" and "本级" in body["answer"], body["answer"]


@pytest.mark.parametrize("q, with_office", [
    # "部门预算包括部门本级预算和所属单位预算": the units under the department are not its own office
    ("深圳水务局哪个所属单位三公经费最多", False), ("深圳市水务局下属单位中谁的三公经费最高", False),
    # any unit the department's tables list: its own office is one
    ("深圳水务局 哪个 单位 三公经费 最多", True)])
def test_the_units_a_department_lists_are_ranked_without_its_whole(client, q, with_office):
    own = _year_lines(SWJ, "深圳市水务局（本级）")
    whole = _year_lines(SWJ, "深圳市水务局")
    body = ask(client, q)
    assert body["answer_type"] == "comparison", body["answer"]
    assert ("深圳市水务局（本级）" in body["answer"]) == with_office, body["answer"]
    assert own["2026"] in body["answer"] or not with_office, body["answer"]
    assert whole["2026"] not in body["answer"] and own["2025"] not in body["answer"]


def test_a_whole_ranked_by_its_parts_is_not_a_ranking_of_units(client):
    answer = ask(client, "深圳水务局三公经费中哪一项最多")["answer"]
    assert "公务用车" in answer and "本级" not in answer, answer


@pytest.mark.parametrize("q", ["深圳水务局本级三公经费比上年增加多少", "深圳水务局本级和深圳人社局本级三公经费哪个多"])
def test_the_wholes_figures_are_never_a_change_or_comparison_of_its_own_office(client, q):
    whole = _year_lines(SWJ, "深圳市水务局")
    body = ask(client, q)
    assert body["answer_type"] == "none" and "本级" in body["answer"], body["answer"]
    assert whole["2026"] not in body["answer"]


def test_a_citys_own_level_is_not_a_departments_own_office():
    from search.qa.unit_ops import OWN_OFFICE_ASKED

    assert OWN_OFFICE_ASKED.search("深圳水务局本级三公") and OWN_OFFICE_ASKED.search("深圳市水务局（本级）")
    assert not OWN_OFFICE_ASKED.search("深圳市本级预算准备金") and not OWN_OFFICE_ASKED.search("区本级")


def test_two_mentions_of_one_document_are_answered_once(client):
    # "深圳水务局 水务工程质量安全监督站": 水务局 and 水务 both read as 深圳市水务局's document — one unit, one line
    answer = ask(client, "深圳水务局 水务工程质量安全监督站 公务用车运行维护费")["answer"]
    assert answer.count("深圳市水务工程质量安全监督站") == 1 and "；" not in answer, answer


def _unit_lines(pdf_name: str, name: str) -> list[list[str]]:
    """The figures of each text-layer line that opens with the unit's name (after a code) or with 合计, in page
    order: [["合计", "6838.41", …], ["湖州市财政局", "6838.41", …], …]."""
    out = []
    with pdfplumber.open(require_shared(CORPUS_2026 / pdf_name)) as pdf:
        for page in pdf.pages:
            for line in (page.extract_text() or "").splitlines():
                m = re.match(rf"^(?:\d+\s*)?(合计|{name})((?:\s+[\d,]+\.\d\d)+)$", line)
                if m:
                    out.append([m.group(1), *m.group(2).split()])
    return out


def test_an_office_printed_under_the_departments_own_name_is_its_second_row(client):
    # 湖州's 收入预算总表: 合计, the department "湖州市财政局", then its units, the first of them "湖州市财政局"
    # again (its own office); the "三公" table: 合计, then "湖州市财政局" as one unit among its units
    lines = _unit_lines(HZCZ, "湖州市财政局")
    named = [ln for ln in lines if ln[0] == "湖州市财政局"]
    whole, office = named[0][1], named[1][1]
    assert whole != office, named
    body = ask(client, "湖州财政局 本级 今年 收入预算 多少万")
    assert body["answer_type"] == "figure" and office in body["answer"] and whole not in body["answer"], body["answer"]
    assert "本级" in body["answer"], body["answer"]
    sangong_total = next(ln[1] for i, ln in enumerate(lines) if ln[0] == "合计" and named[2] == lines[i + 1])
    body = ask(client, "湖州市财政局（本级）三公经费")
    assert named[2][1] in body["answer"] and sangong_total not in body["answer"], (body["answer"], named[2], sangong_total)
    # the office is one of the units ranked, by that name; the department's whole row is not — and the units
    # under the department (下属单位) are not its own office
    body = ask(client, "湖州财政局哪个单位预算最多")
    assert body["answer_type"] == "comparison" and f"湖州市财政局（本级）（{office}" in body["answer"], body["answer"]
    assert whole not in body["answer"], body["answer"]
    body = ask(client, "湖州财政局哪个下属单位预算最多")
    assert body["answer_type"] == "comparison" and "本级）（" not in body["answer"], body["answer"]
    assert whole not in body["answer"] and office not in body["answer"], body["answer"]


def test_an_office_coded_under_its_department_is_answered_with_its_own_row(client):
    lines = [ln for ln in _unit_lines(SZJT, "苏州市交通运输局") if ln[0] == "苏州市交通运输局"]
    whole, office = lines[0][1], lines[1][1]   # "123 苏州市交通运输局" then "123001 苏州市交通运输局"
    body = ask(client, "苏州交通局本级收入预算是多少")
    assert office in body["answer"] and whole not in body["answer"], body["answer"]


def test_the_own_offices_whole_budget_is_its_row_of_the_income_table(client):
    own = [ln for ln in _unit_lines("2026年深圳市水务局部门预算.pdf", r"深圳市水务局（本级）")]
    assert own, "the text layer has no line of the office"
    body = ask(client, "深圳水务局本级预算总额是多少")
    assert body["answer_type"] == "figure" and own[0][1] in body["answer"], (body["answer"], own[0])


def _income_table_funds(pdf_name: str) -> list[str]:
    """The first lines of figures of the 收入总表 (表2) page, read from the text layer: the 政府性基金预算拨款
    cell (third figure) of each line, keyed by the line's order (names wrap onto lines of their own)."""
    with pdfplumber.open(require_shared(CORPUS_2026 / pdf_name)) as pdf:
        page = next(p.extract_text() or "" for p in pdf.pages if re.search(r"表\s*2\s*收入总表", p.extract_text() or ""))
    return [m.group(1) for m in re.finditer(r"^(?:\S+ )?[\d,]+\.\d\d [\d,]+\.\d\d ([\d,]+\.\d\d)", page, re.M)]


def test_the_units_ranked_by_a_column_their_rows_print(client):
    # "哪个单位政府性基金最多": the 收入总表's 政府性基金预算拨款 column of each unit (the department's own line,
    # its first, not among them; its own office's, the second, is); "下属单位": the office's not either
    funds = _income_table_funds("2026年深圳市水务局部门预算.pdf")
    top = max(funds[1:], key=lambda v: float(v.replace(",", "")))
    body = ask(client, "深圳水务局哪个单位政府性基金最多")
    assert body["answer_type"] == "comparison" and top in body["answer"], (body["answer"], top)
    assert funds[0] not in body["answer"], (body["answer"], funds[0])
    body = ask(client, "深圳水务局哪个下属单位政府性基金最多")
    below = max(funds[2:], key=lambda v: float(v.replace(",", "")))
    assert body["answer_type"] == "comparison" and below in body["answer"], (body["answer"], below)
    assert "本级" not in body["answer"].split("（《")[0], body["answer"]


def test_a_classifications_row_is_no_unit_ranked(client):
    # 广州卫健委's 功能分类 科目 named like units (21002 公立医院, 2100201 综合医院) are printed without their codes in
    # its 表3: they are not hospitals of the department
    with pdfplumber.open(require_shared(CORPUS_2026 / GZWJ)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    subjects = set(re.findall(r"^\d{5,7} (\S+医院) ", text, re.M))
    assert {"公立医院", "综合医院"} <= subjects, subjects
    body = ask(client, "广州卫健委哪个下属单位基本支出最多")
    assert body["answer_type"] == "comparison", body
    named = set(re.findall(r"[，、为是]([^，、（）；]+?)（[\d,.]+万元", body["answer"]))
    assert named and not named & subjects, (named, subjects)
