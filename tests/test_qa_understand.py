"""Question understanding, unit by unit: no index, real gazetteer and vocabularies over small unit lists."""
from __future__ import annotations

import pytest
from unit_docs import Doc

from search.qa.gazetteer import Gazetteer
from search.qa.lexicon import department_types, metric_synonyms, regions, type_of_unit
from search.qa.understand import detect_metric, read_question
from search.query import build_aliases, normalize_years

DOCS = [Doc("bj-yb", "北京市医疗保障局"), Doc("bj-sj", "北京市审计局"), Doc("sz-rs", "深圳市人力资源和社会保障局"),
        Doc("sz-yb", "深圳市医疗保障局"), Doc("gz-ws", "广州市卫生健康委员会"), Doc("gz-sw", "广州市水务局"),
        Doc("sh-zy", "上海市中医文献馆"), Doc("sh-yb", "上海市医疗保险事业管理中心"),
        Doc("pa", "海东市平安区医疗保障局", 2024), Doc("hd", "海东市医疗保障局", 2024, "决算"),
        Doc("lx", "临夏回族自治州医疗保障局", 2024), Doc("cq-gz", "重庆市规划和自然资源局"),
        Doc("xa", "西安市公安局", 2021), Doc("xa-zr", "西安市自然资源和规划局", 2022),
        Doc("xa-aj", "西安市安全生产监督管理局", 2019), Doc("xa-mz", "西安市民政局", 2021),
        Doc("fs-gj", "佛山市轨道交通局", 2019, "决算"), Doc("sz-mz", "深圳市民政局")]


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer(DOCS)


@pytest.fixture(scope="module")
def aliases():
    return build_aliases(DOCS)


def read(q, gaz, aliases):
    return read_question(q, gaz, aliases)


def docs(u):
    return set().union(*(m.doc_ids for m in u.units)) if u.units else set()


@pytest.mark.parametrize("q, expected", [
    ("深圳人社局三公经费", {"sz-rs"}),
    ("深圳市人力资源和社会保障局2026年三公经费", {"sz-rs"}),
    ("北京医保局今年接待费", {"bj-yb"}),
    ("广州卫健委三公经费是多少", {"gz-ws"}),
    ("平安区医保局收支总预算", {"pa"}),
    ("临夏州医保局三公", {"lx"}),
    ("海东市医疗保障局三公经费", {"hd"}),          # the city's own bureau, not the district's
    ("上海市中医文献馆收入预算", {"sh-zy"}),
    ("中医文献馆收入预算", {"sh-zy"}),
    ("重庆规自局三公经费", {"cq-gz"}),
])
def test_short_forms_resolve_to_the_named_unit(gaz, aliases, q, expected):
    u = read(q, gaz, aliases)
    assert docs(u) == expected and not u.not_held, (u.units, u.not_held)


ABBREVIATED = [Doc("sz-ka", "深圳市人民政府口岸办公室"), Doc("sz-gw", "深圳市建筑工务署"),
               Doc("sz-kc", "深圳市科技创新局（本级）"), Doc("bj-jg", "北京市公安局交通管理局"), Doc("bj-ga", "北京市公安局"),
               Doc("xa-jd", "西安市强制隔离戒毒所"), Doc("xa-fy", "西安市法律援助中心"),
               Doc("cs-jd", "长沙职业教育基地综合协调办公室"), Doc("sh-jz", "上海交通职业技术学院"),
               Doc("fz-jg", "福州市公安局交通管理支队"), Doc("sz-ks", "深圳市科学技术协会"),
               Doc("sh-cz", "上海市财务会计综合管理事务中心（上海市财政科学研究所）")]


@pytest.mark.parametrize("q, expected", [
    ("深圳口岸办机关运行经费", {"sz-ka"}),
    ("深圳工务署今年预算收入", {"sz-gw"}),
    ("深圳科创局 机关运行经费", {"sz-kc"}),
    ("北京交管局今年公务车购置费", {"bj-jg"}),      # 交管局 is the traffic police, not 北京市公安局
    ("西安强戒所三公经费", {"xa-jd"}),
    ("西安市法律援助中心收入预算", {"xa-fy"}),
    ("长沙职教基地协调办 基本工资", {"cs-jd"}),
    ("上海交通职院收入预算", {"sh-jz"}),
    ("福州交警今年三公经费", {"fz-jg"}),
    ("上海 财政所 公务接待费 26年", {"sh-cz"}),       # its second name, in brackets, abbreviated
    ("上海财政科学研究所三公经费", {"sh-cz"}),
    ("长沙职教基地今年预算收入多少", {"cs-jd"}),     # the head of the name only, from its first character
])
def test_abbreviations_of_a_units_own_name_resolve_to_it(q, expected):
    gaz = Gazetteer(ABBREVIATED)
    u = read(q, gaz, build_aliases(ABBREVIATED))
    assert docs(u) == expected and not u.not_held, (u.units, u.not_held)


@pytest.mark.parametrize("q", ["深圳 三公经费最多的单位", "深圳哪个局三公经费最多", "深圳的科目三公经费"])
def test_words_after_a_region_are_not_read_as_an_abbreviation(q):
    gaz = Gazetteer(ABBREVIATED)
    u = read(q, gaz, build_aliases(ABBREVIATED))
    assert not u.units, u.units


@pytest.mark.parametrize("q", ["上海交通职院 vs 上科大附校 物业费谁高", "上科大附校和上海交通职院物业费谁高",
                               "上海交通职院 上科大附校 物业费"])
def test_a_unit_abbreviated_with_its_regions_first_character_is_found_beside_another(q):
    units = ABBREVIATED + [Doc("sh-fx", "上海科技大学附属学校")]
    u = read(q, Gazetteer(units), build_aliases(units))
    assert [sorted(m.doc_ids) for m in u.units] == ([["sh-jz"], ["sh-fx"]] if q.startswith("上海交通")
                                                     else [["sh-fx"], ["sh-jz"]]), u.units


def test_an_abbreviation_fitting_two_units_names_neither():
    docs_ = [Doc("a", "深圳市皇岗口岸办公室"), Doc("b", "深圳市文锦渡口岸办公室"), Doc("c", "深圳市口岸管理办公室")]
    gaz = Gazetteer(docs_)
    assert gaz.abbreviated("口岸办三公经费", {"a", "b"}) == (0, set())          # two equally close names
    assert gaz.abbreviated("口岸办三公经费", {"a", "c"}) == (3, {"a"})          # the closer name wins
    assert gaz.abbreviated("文锦渡口岸办三公", {"a", "b", "c"}) == (6, {"b"})


@pytest.mark.parametrize("q, says", [
    ("成都市医保局三公经费", "成都市"),          # a city the corpus does not hold
    ("广州医保局三公经费", "广州市医疗保障局"),   # a bureau type the city does not have
    ("上海市医保局三公经费", "上海市医疗保障局"),  # 医疗保险事业管理中心 is another unit
    ("北京卫健委2026年三公经费", "北京市卫生健康委员会"),
])
def test_units_not_held_are_said_so(gaz, aliases, q, says):
    u = read(q, gaz, aliases)
    assert u.not_held and says in u.not_held, u.not_held


def test_not_held_names_what_is_held(gaz, aliases):
    u = read("广州医保局三公经费", gaz, aliases)
    assert "广州市卫生健康委员会" in u.not_held and "北京市医疗保障局" in u.not_held


def test_a_year_not_held_is_said_with_the_years_held(gaz, aliases):
    u = read("临夏州医保局2023年三公经费", gaz, aliases)
    assert "2023" in u.not_held and "2024" in u.not_held
    assert not read("临夏州医保局2024年三公经费", gaz, aliases).not_held


@pytest.mark.parametrize("text, year", [("二〇二六年", "2026年"), ("26年", "2026年"), ("今年", "2026年"),
                                        ("去年", "2025年"), ("深圳 人社局 2026", "2026年"),
                                        ("西安支队一九年项目", "2019年"), ("二六年三公", "2026年")])
def test_year_expressions(text, year):
    assert year in normalize_years(text, this_year=2026)


@pytest.mark.parametrize("text, expected", [
    ("三公经费上年预算多少", "三公经费2025年预算多少"), ("上年度预算", "2025年预算"),   # the year asked
    ("比上年增加多少", "比上年增加多少"), ("较上年减少", "较上年减少"), ("与上年相比", "与上年相比"),  # compared with
    ("上年结转结余", "上年结转结余"),                                               # the carry-over
])
def test_last_year_asked_or_compared(text, expected):
    assert normalize_years(text, this_year=2026) == expected


def test_compared_year_is_not_the_asked_year(gaz, aliases):
    u = read("北京医保局三公经费比去年增加多少", gaz, aliases)
    assert u.years == [] and u.operation == "change"


@pytest.mark.parametrize("q, metric", [
    ("收支总预算", "收支总计"), ("收支预算总额", "收支总计"), ("部门预算收入", "收入总计"), ("收入预算", "收入总计"),
    ("招待费", "公务接待费"), ("出国经费", "因公出国(境)费"), ("项目支出预算是多少", "项目支出"),
    ("三公经费中公务接待费", "公务接待费"), ("有几辆车", "车辆"), ("公务用车运行维护费", "公务用车运行维护费"),
    ("哪个公务用车多", "车辆"), ("公车最少的是哪个", "车辆"), ("计划购置几辆车", "购置车辆"), ("今年买多少辆公务车", "购置车辆"),
    ("北京市财政局政府采购预算中服务类多少", "政府采购服务"), ("北京财政局 政府采购 货物类 多少", "政府采购货物"),
    ("广州市气象局占用房屋多少平方", "房屋面积"),
    ("深圳城管局 今年 买车 几辆", "购置车辆"), ("广州市科技局行政经费下降的原因", "机关运行经费"), ("买公车多少辆", "购置车辆"), ("深圳城管局有几辆车", "车辆"),
    ("公务用车购置费多少", "公务用车购置费"), ("今年买货物 政府采购 花多少", "政府采购货物"), ("北京各部门中公务用车保有量最少的是哪个", "车辆"), ("北京哪个局车最少", "车辆"),
    ("2024年决算支出多少", "支出总计"), ("决算收入", "收入总计"), ("2019年支出决算", "支出总计"),
    # a kind of vehicle counted (vehicle_kinds.tsv), held unless buying is asked; its money is no count
    ("执法执勤用车 数量", "车辆"), ("有几辆特种车", "车辆"), ("计划购置几辆执法执勤用车", "购置车辆"),
    ("执法执勤用车运行维护费多少万元", ""),
    ("人头费占多少", "人员经费"), ("占有使用的房屋面积有多少平方米", "房屋面积"), ("房子多大", "房屋面积"), ("房屋建筑物购建多少钱", ""),
])
def test_metric_synonyms(q, metric):
    assert detect_metric(q)[0] == metric


@pytest.mark.parametrize("q, op", [
    ("哪个局三公经费为零", "zero"), ("深圳人社局和深圳医保局哪个三公经费多", "compare"),
    ("哪个医保局三公经费最高", "max"), ("三公经费最少的局", "min"),
    ("三公经费超过100万元的局有哪些", "threshold"), ("北京医保局三公经费为什么增加", "reason"),
    ("北京医保局三公经费比上年增加多少", "change"), ("哪些局三公经费比上年减少", "change_list"),
    ("北京医保局项目支出占比", "share"), ("海东市医保局三公经费决算完成预算的比例", "completion"),
    ("北京医保局哪个项目支出最大", "item_max"), ("北京医保局三公经费", "lookup"),
    # a name's own 变化 / 增长 (name_terms.tsv) asks no change; a change asked beside it still does
    ("北京医保局应对气候变化管理事务的项目支出是多少", "lookup"), ("北京医保局外贸稳增长项目多少", "lookup"),
    ("北京医保局应对气候变化管理事务比上年增加多少", "change"),
    ("北京医保局培训费预算压减了多少", "change"), ("北京医保局三公经费压缩了多少", "change"),
])
def test_operations(gaz, aliases, q, op):
    assert read(q, gaz, aliases).operation == op


def test_threshold_on_the_change_is_not_on_the_total(gaz, aliases):
    u = read("三公经费比上年增加超过10万元的单位", gaz, aliases)
    assert u.operation == "threshold" and u.on_change and u.threshold == ("gt", 10.0) and u.direction == 1


def test_a_type_word_scopes_a_cross_document_question(gaz, aliases):
    u = read("哪个医保局的三公经费最高", gaz, aliases)
    assert u.scope_type == "医疗保障局" and not u.units
    u = read("广州哪个局三公经费最高", gaz, aliases)
    assert u.scope_region is not None and u.scope_region.doc_ids == {"gz-ws", "gz-sw"}


def test_two_units_for_a_comparison(gaz, aliases):
    u = read("深圳和北京的医保局哪个三公经费多", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"sz-yb"}, {"bj-yb"}] and u.operation == "compare"


def test_what_is_left_unparsed_is_an_item(gaz, aliases):
    u = read("北京医保局办公费预算多少", gaz, aliases)
    assert u.item == "办公费" and docs(u) == {"bj-yb"}
    assert read("北京医保局三公经费是多少", gaz, aliases).item == ""


def test_understood_summary_names_the_unit(gaz, aliases):
    summary = read("深圳人社局2026年三公经费", gaz, aliases).summary(Gazetteer(DOCS))
    assert "深圳市人力资源和社会保障局" in summary["label"] and "2026年" in summary["label"]


def test_vocabularies_load_from_data_files():
    assert len(department_types()) >= 30 and len(metric_synonyms()) >= 50
    by_code, by_form = regions()
    assert len(by_code) > 3000 and any(r.name == "临夏回族自治州" for r in by_form["临夏州"])
    assert type_of_unit("深圳市人力资源和社会保障局") == "人力资源和社会保障局"
    assert type_of_unit("上海市医疗保险事业管理中心") == ""
    assert type_of_unit("北京市卫生健康委员会") == "卫生健康委员会"
    from search.qa.lexicon import total_labels

    assert "收入预算合计" in total_labels()["收入总计"]   # how tables label a whole total (totals.tsv)


def test_a_subordinate_unit_cell_is_named_written_out_or_abbreviated():
    from search.qa.unit_ops import _names_unit_cell

    assert _names_unit_cell("湖州市中医院医院建设发展项目", "湖州市中医院", "湖州市", exact=True)
    assert not _names_unit_cell("湖州市中医院医院建设发展项目", "湖州市中心医院", "湖州市", exact=True)
    assert _names_unit_cell("西安强戒所公务用车", "西安市强制隔离戒毒所", "西安市")
    assert not _names_unit_cell("西安强戒所公务用车", "西安市法律援助中心", "西安市")
    assert not _names_unit_cell("湖州医院建设发展", "医院建设发展", "湖州市")   # not an organisation name


@pytest.mark.parametrize("q, item, bare, tables", [
    ("广州卫健委政府性基金 城市建设支出", "政府性基金城市建设", "城市建设", ["政府性基金"]),
    ("广州卫健委政府性基金预算里的土地开发支出是多少", "土地开发", "土地开发", ["政府性基金"]),
    ("北京审计局三公经费里的公务接待费", "", "", ["三公经费"]),
    ("广州水务局经济分类 办公费", "经济分类办公费", "办公费", ["经济分类"]),
])
def test_the_table_a_row_is_asked_from(gaz, aliases, q, item, bare, tables):
    """tables.tsv: the table named is a slot of its own; a chunk naming only a table is not the item."""
    u = read(q, gaz, aliases)
    assert u.tables == tables
    assert u.item == item and (u.item_bare == bare or not bare)


def test_the_item_as_written_keeps_the_budget_words_the_filler_takes(gaz, aliases):
    u = read("广州水务局2026年国有资本经营预算拨款收入是多少？", gaz, aliases)
    assert u.item_phrase == "国有资本经营预算拨款收入" and u.tables == ["国有资本经营"]
    assert read("北京审计局国有资产有多少", gaz, aliases).item.startswith("国有")   # 有 of 国有 is no filler


def test_what_the_question_excludes_is_not_asked(gaz, aliases):
    u = read("广州水务局差旅费里项目支出安排了多少（不含基本支出）", gaz, aliases)
    assert u.metric == "项目支出" and u.item == "差旅费"
    assert read("广州水务局行政运行花了多少钱", gaz, aliases).item == "行政运行"


def test_loose_item_abbreviations_need_the_first_character_and_the_order():
    from search.rowsearch import match_quality

    assert match_quality("棚改", "棚户区改造") == 0.6
    assert match_quality("高企认定补助", "高新技术企业认定补助") == 0.6
    assert match_quality("办公费", "办公设备购置") == 0.0      # written out: not a cost name there
    assert match_quality("会议费", "会计业务") == 0.0
    assert match_quality("棚改", "改造棚户区") == 0.0          # the first character must lead
    # of the labels inside a longer item, the longest is the better match
    assert match_quality("国有资本经营预算拨款收入", "3.国有资本经营预算拨款") > match_quality(
        "国有资本经营预算拨款收入", "国有资本经营预算") >= 0.7


@pytest.mark.parametrize("q, phrase", [
    ("广州水务局行政单位医疗是多少", "行政单位医疗"),              # 单位 is filler, not here
    ("广州水务局社会保障和就业支出是多少", "社会保障和就业支出"),    # nor 和
    ("广州水务局职业年金缴费是多少", "职业年金缴费"),
])
def test_a_rows_name_is_read_whole_up_to_the_asking(gaz, aliases, q, phrase):
    assert read(q, gaz, aliases).item_phrase == phrase


def test_one_funds_total_is_a_row_not_the_units_total(gaz, aliases):
    u = read("广州水务局国有资本经营预算支出是多少", gaz, aliases)
    assert u.metric == "" and "国有资本经营" in u.tables
    assert read("广州水务局预算支出是多少", gaz, aliases).metric == "支出总计"
    assert read("广州水务局本年收入是多少", gaz, aliases).metric == "本年收入合计"   # not 收入总计


def test_comparison_words_are_not_an_item(gaz, aliases):
    u = read("北京医保局和北京审计局谁的三公经费更高", gaz, aliases)
    assert u.operation == "compare" and not u.item and len(u.units) == 2


def test_a_reason_that_only_restates_the_change_is_none():
    from search.qa import states_a_reason

    assert not states_a_reason("1.因公出国（境）费17万元，比上年增加7万元，主要原因是因公出国（境）费用增加。")
    assert states_a_reason("主要原因是中日韩创新合作中心建设需要，出访任务增加。")


def test_a_units_bare_name_after_another_city_is_not_that_unit(gaz, aliases):
    """"深圳医保中心" must not name 上海市医疗保险事业管理中心: another unit's figure is never an answer."""
    assert "sh-yb" not in docs(read("深圳医保中心基本支出是多少", gaz, aliases))
    assert docs(read("上海医保中心基本支出是多少", gaz, aliases)) == {"sh-yb"}
    assert docs(read("医保中心基本支出是多少", gaz, aliases)) == {"sh-yb"}


@pytest.mark.parametrize("q, operation", [
    ("北京审计局今年预算多少", "lookup"),
    ("北京审计局今年预算比去年少了多少", "change"),
    ("北京医保局和北京审计局谁的预算大", "compare"),
])
def test_nothing_but_the_budget_asked_is_its_whole_total(gaz, aliases, q, operation):
    u = read(q, gaz, aliases)
    assert u.metric == "收入总计" and u.operation == operation and not u.item


def test_the_budget_with_an_item_is_the_item_not_the_total(gaz, aliases):
    u = read("北京审计局今年办公费预算多少", gaz, aliases)
    assert u.metric == "" and u.item == "办公费"


def test_spending_words_and_reason_slang_are_not_items(gaz, aliases):
    u = read("广州今年哪个单位三公经费花得最多", gaz, aliases)
    assert u.operation == "max" and not u.item and u.metric == "三公经费"
    u = read("北京审计局今年三公经费翻倍是咋回事", gaz, aliases)
    assert u.operation == "reason" and not u.item


def test_a_type_word_right_after_a_named_unit_is_a_second_unit_of_its_region(gaz, aliases):
    u = read("广州水务局 卫健委 三公经费", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"gz-sw"}, {"gz-ws"}]


def test_words_continuing_the_named_units_name_are_not_the_item():
    docs_ = DOCS + [Doc("sh-wl", "上海市文化和旅游局执法总队")]
    u = read("上海 文旅执法总队 其他交通费", Gazetteer(docs_), build_aliases(docs_))
    assert docs(u) == {"sh-wl"} and u.item == "其他交通费"


def test_words_inside_the_named_units_name_stay_the_item(gaz, aliases):
    u = read("海东市医疗保障局医疗服务和保障能力提升补助资金项目自评得分", gaz, aliases)
    assert "医疗服务" in u.unparsed.split()


@pytest.mark.parametrize("q", ["北京审计局有几辆公务车", "北京审计局 车辆 国有资产", "北京审计局 公务车辆 固定资产"])
def test_vehicle_questions_ask_the_count_whatever_words_surround_it(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert u.metric == "车辆" and not u.item and u.operation == "lookup"


def test_zero_written_as_an_amount_asks_for_the_zero_list(gaz, aliases):
    u = read("广州 因公出国费 0万元 部门", gaz, aliases)
    assert u.operation == "zero" and u.metric == "因公出国(境)费"
    assert read("广州 因公出国费 10万元以上 部门", gaz, aliases).operation == "threshold"


def test_a_quoted_name_is_the_item_not_a_place():
    docs_ = DOCS + [Doc("gz-sw2", "广州市水务局")]
    u = read("广州市水务局2026年“中心城区污水处理特许经营经费”预算多少万元？", Gazetteer(docs_), build_aliases(docs_))
    assert not u.not_held and u.item.startswith("中心城区污水处理特许经营")


def test_a_county_name_inside_other_words_beside_a_named_unit_is_no_unit(gaz, aliases):
    u = read("广州水务局中心城区污水处理特许经营花多少", gaz, aliases)
    assert not u.not_held and docs(u) == {"gz-sw"}
    # a city beside a named unit still is one ("深圳和北京的医保局")
    assert read("北京医保局和南京的三公经费", gaz, aliases).not_held


def test_a_column_named_as_some_tables_head_it(gaz, aliases):
    u = read("北京审计局差旅费中专项业务经费支出是多少", gaz, aliases)
    assert u.metric == "项目支出" and u.item == "差旅费"


def test_an_item_called_a_project_is_read_from_the_project_table(gaz, aliases):
    assert "项目支出" in read("北京审计局应急物资储备项目预算多少", gaz, aliases).tables
    assert "项目支出" not in read("北京审计局应急物资储备预算多少", gaz, aliases).tables


def test_a_type_word_read_inside_a_named_unit_cuts_nothing_else():
    docs_ = DOCS + [Doc("gz-sj", "广州市市场监督管理局")]
    u = read("广州市场监管局信息化建设科目金额", Gazetteer(docs_), build_aliases(docs_))
    assert u.item.startswith("信息化建设")


def test_document_words_beside_a_metric_and_more_ways_to_ask_for_zero(gaz, aliases):
    u = read("广州 三公经费 最多 2026 部门预算", gaz, aliases)
    assert u.metric == "三公经费" and u.operation == "max"
    assert read("广州哪几个局今年没安排出国经费", gaz, aliases).operation == "zero"
    assert read("广州 因公出国费 0 部门 2026", gaz, aliases).operation == "zero"


def test_the_city_governments_office_by_its_short_form():
    docs_ = DOCS + [Doc("gz-zf", "广州市人民政府办公厅")]
    u = read("广州市府办今年三公经费", Gazetteer(docs_), build_aliases(docs_))
    assert docs(u) == {"gz-zf"}


def test_a_row_named_in_one_word_is_read_as_its_printed_name(gaz, aliases):
    assert read("北京审计局物业花多少钱", gaz, aliases).item == "物业管理费"
    assert read("北京审计局出差费用多少", gaz, aliases).item == "差旅费"
    assert read("北京审计局物业管理费多少", gaz, aliases).item == "物业管理费"


def test_a_unit_known_by_two_names_and_named_under_its_department():
    docs_ = DOCS + [Doc("sh-tj", "上海市统计和大数据研究院（上海市统计数据管理中心）")]
    gaz_, aliases_ = Gazetteer(docs_), build_aliases(docs_)
    assert docs(read("上海市统计数据管理中心 财政拨款收入", gaz_, aliases_)) == {"sh-tj"}
    # the department the corpus lacks only says whose unit it is
    u = read("上海统计局下属统计数据管理中心今年财政拨款多少钱", gaz_, aliases_)
    assert not u.not_held and docs(u) == {"sh-tj"}
    u = read("上海医保局的医疗保险事业管理中心三公经费", gaz_, aliases_)
    assert not u.not_held and docs(u) == {"sh-yb"}


def test_a_type_word_that_ends_the_named_units_own_name_is_no_second_unit():
    docs_ = DOCS + [Doc("sz-wl", "深圳市文化广电旅游体育局（本级）")]
    u = read("深圳文旅体育局今年物业管理费", Gazetteer(docs_), build_aliases(docs_))
    assert not u.not_held and docs(u) == {"sz-wl"} and u.item == "物业管理费"


@pytest.mark.parametrize("q, doc", [
    ("西安 规资局 森林培育 22年 预算", "xa-zr"),       # 自然资源和规划局: the words of the type in either order
    ("西安安监局2019年收入", "xa-aj"),                  # the 安全生产监督管理局 before it became 应急管理局
    ("西安应急局 三公", "xa-aj"),
    ("西安民政 三公经费", "xa-mz"),                     # a type's stem without its ending
])
def test_department_short_forms_from_the_data_file(gaz, aliases, q, doc):
    assert docs(read(q, gaz, aliases)) == {doc}


@pytest.mark.parametrize("q, metric, operation", [
    ("佛山市轨道交通局2019年三公经费决算是多少？主要花在哪？", "三公经费", "lookup"),   # the follow-up is no item
    ("北京医保局三公经费构成", "三公经费", "lookup"),
    ("上海数据局今年财政拨款为什么增加", "财政拨款收入", "reason"),
])
def test_follow_up_words_are_not_the_item(gaz, aliases, q, metric, operation):
    u = read(q, gaz, aliases)
    assert (u.metric, u.operation, u.item) == (metric, operation, "")


def test_a_type_short_form_is_not_read_as_another_type_s_unit(gaz, aliases):
    # 交通局 is the short form of 交通运输局, which 佛山 lacks; 佛山市轨道交通局 is another department
    u = read("佛山交通局2019年三公经费", gaz, aliases)
    assert u.not_held and "交通运输局" in u.not_held and not docs(u)
    assert docs(read("佛山轨交局19年三公经费哪几项是0", gaz, aliases)) == {"fs-gj"}


@pytest.mark.parametrize("q, unheld", [
    ("上海 财政所 公务接待费 26年", "财政所"),     # a name ending like an organisation, no held unit
    ("上海 统计所 三公经费", "统计所"),
    ("上海各单位三公经费", ""),                      # the region's units: a list, not a missing unit
    ("上海中医文献馆三公经费", ""),
])
def test_an_organisation_the_corpus_lacks_is_not_the_whole_region(gaz, aliases, q, unheld):
    u = read(q, gaz, aliases)
    assert (unheld in u.not_held) if unheld else not u.not_held, u.not_held


SUBORDINATES = [Doc("sh-jt", "上海市减污降碳管理运行技术中心"), Doc("sh-ty", "上海市退役军人服务中心"),
                Doc("sh-zy", "上海市中医文献馆"), Doc("bj-jw", "北京市卫生健康委员会")]


@pytest.mark.parametrize("q, expected", [
    ("上海生态环境局减污降碳中心今年三公为啥少了", {"sh-jt"}),   # the unit's own short name after its parent
    ("上海退役军人局 服务中心 26年 政府采购", {"sh-ty"}),       # the parent's words + the short name
    ("上海退役军人局下属服务中心三公经费", {"sh-ty"}),
])
def test_a_unit_named_under_a_department_the_corpus_lacks(q, expected):
    u = read_question(q, Gazetteer(SUBORDINATES), build_aliases(SUBORDINATES))
    assert docs(u) == expected and not u.not_held, (u.units, u.not_held)


def test_a_department_the_corpus_lacks_without_a_held_unit_after_it_is_not_held():
    u = read_question("上海生态环境局 项目支出", Gazetteer(SUBORDINATES), build_aliases(SUBORDINATES))
    assert u.not_held and not docs(u)


@pytest.mark.parametrize("q, operation", [
    ("北京市委宣传部 收入预算 比2025年 少多少", "change"),   # an explicit year compared with is a change
    ("北京市委宣传部收入预算比2025年多多少", "change"),
    ("北京市委宣传部2026年收入预算是多少", "lookup"),
])
def test_a_change_asked_against_a_written_year(gaz, aliases, q, operation):
    assert read(q, gaz, aliases).operation == operation


def test_colloquial_words_around_the_asked_figure_are_not_the_item(gaz, aliases):
    u = read("广州卫健委今年管疾病预防花多少钱", gaz, aliases)
    assert u.item == "疾病预防"
    assert read("北京医保局 vs 北京审计局 三公经费 谁更高", gaz, aliases).operation == "compare"
    vehicles = read("北京审计局 车辆 国有资产占用 2026预算", gaz, aliases)
    assert (vehicles.metric, vehicles.item) == ("车辆", "")


def test_several_figures_asked_zero_at_once(gaz, aliases):
    u = read("北京市哪些部门2026年因公出国（境）费用和公务接待费都是0？", gaz, aliases)
    assert u.operation == "zero" and {u.metric, *u.also_metrics} == {"因公出国(境)费", "公务接待费"} and not u.item


@pytest.mark.parametrize("q, metric", [
    ("北京审计局公车经费", "公务用车购置及运行费"),          # 公车 reads 公务用车 before the synonyms are matched
    ("北京审计局 公车运维费", "公务用车运行维护费"),
    ("北京审计局今年买公务车的钱", "公务用车购置费"),
    ("北京审计局 公车购置及运维费", "公务用车购置及运行费"),
    ("北京审计局 公务车 数量", "车辆"),
])
def test_vehicle_money_and_count_however_written(gaz, aliases, q, metric):
    assert read(q, gaz, aliases).metric == metric


@pytest.mark.parametrize("q", ["海东医保局24年三公经费实际花了多少", "海东医保局2024年三公经费实际支出"])
def test_what_was_actually_spent_is_the_final_account(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert (u.basis, u.metric, u.item) == ("决算", "三公经费", "")


@pytest.mark.parametrize("q, metric", [
    ("北京审计局 政府采购 服务 预算", "政府采购服务"),      # a part of the procurement budget, not its whole
    ("北京审计局 货物类采购 多少", "政府采购货物"),
])
def test_procurement_parts_are_their_own_figures(gaz, aliases, q, metric):
    u = read(q, gaz, aliases)
    assert u.metric == metric and u.item == "", (u.metric, u.item)


@pytest.mark.parametrize("q, metric", [
    ("杭州气象局 基本支出 公用经费 多少", "公用经费"),
    ("深圳人社局2026年基本支出中人员经费是多少？", "人员经费"),
    ("杭州市气象局一般公共预算基本支出中日常公用支出是多少", "公用经费"),
])
def test_a_part_of_the_basic_spending_is_asked_and_the_whole_only_places_it(gaz, aliases, q, metric):
    u = read(q, gaz, aliases)
    assert u.metric == metric and not u.item, (u.metric, u.item)


def test_two_figures_asked_one_after_the_other_are_not_context(gaz, aliases):
    from search.qa.understand import detect_metrics

    assert [m for m, _ in detect_metrics("收入预算多少？其中财政拨款收入多少？")] == ["收入总计", "财政拨款收入"]


def test_a_region_named_again_inside_an_item_is_the_items_word():
    docs_ = [Doc("fz-kj", "福州市科学技术局（本级）"), Doc("fz-mz", "福州市民政局")]
    gaz = Gazetteer(docs_)
    u = read("福州 科技局 福州大学 校地合作 2026", gaz, build_aliases(docs_))
    assert docs(u) == {"fz-kj"} and len(u.units) == 1 and u.item == "福州大学校地合作", (u.units, u.item)


def test_the_traffic_bureau_written_out_after_the_police():
    docs_ = [Doc("bj-ga", "北京市公安局"), Doc("bj-jg", "北京市公安局交通管理局")]
    gaz = Gazetteer(docs_)
    u = read("北京 公安局 vs 公安局交通管理局 三公 2026", gaz, build_aliases(docs_))
    assert [m.doc_ids for m in u.units] == [{"bj-ga"}, {"bj-jg"}], u.units


def test_a_whole_name_abbreviated_without_its_region_written():
    docs_ = [Doc("sh-kd", "上海科技大学附属学校"), Doc("sh-jz", "上海交通职业技术学院"), Doc("sz-ka", "深圳市人民政府口岸办公室")]
    gaz = Gazetteer(docs_)
    u = read("今年上科大附校交电费的预算有多少", gaz, build_aliases(docs_))
    assert docs(u) == {"sh-kd"} and u.item == "交电费", (u.units, u.item)
    assert not read("哪个单位三公经费最多", gaz, build_aliases(docs_)).units


@pytest.mark.parametrize("q, item", [
    ("西安公安系统哪个单位今年预算最高", ""),               # the department with its units: no item
    ("西安公安局 信息系统 运维 预算", "信息系统运维"),       # a project's words
    ("西安公安局 系统 运维 预算", "系统运维"),
    ("西安公安局除局本级外收入预算最多的所属单位", ""),
])
def test_words_naming_which_units_are_no_item(gaz, aliases, q, item):
    u = read(q, gaz, aliases)
    assert u.item == item and docs(u) == {"xa"}, (u.item, u.units)


def test_a_name_without_its_region_abbreviated():
    """"减污降碳中心": the one held unit whose name after its city the words abbreviate; words that several
    units' names answer ("服务中心") name none."""
    docs_ = [Doc("sh-jw", "上海市减污降碳管理运行技术中心"), Doc("sh-tj", "上海市退役军人服务中心"),
             Doc("sz-rc", "深圳市人事人才公共服务中心"), Doc("sh-st", "上海市生态环境局")]
    gaz = Gazetteer(docs_)
    u = read("减污降碳中心应对气候变化项目支出多少万元", gaz, build_aliases(docs_))
    assert docs(u) == {"sh-jw"}, u.units
    assert not read("服务中心 三公经费", gaz, build_aliases(docs_)).units


@pytest.mark.parametrize("q, item", [
    ("今年重庆气象局在气象基础设施建设维修上花多少", "气象基础设施建设维修"),   # 在…上: not the item's
    ("深圳 线上服务花多少", "线上服务"),
])
def test_the_on_of_spending_on_an_item_is_not_the_items(gaz, aliases, q, item):
    assert read(q, gaz, aliases).item == item


# 无锡's file 无锡_城市管理和综合执法局 is the budget of 无锡市应急管理综合行政执法监督局
DEPARTMENT_AND_OTHER = [Doc("wx-yj", "无锡市应急管理局"), Doc("wx-jd", "无锡市应急管理综合行政执法监督局"),
                        Doc("wx-jy", "无锡市教育局"), Doc("wx-jyb", "无锡市教育局（本级）")]


@pytest.mark.parametrize("q, expected, held", [
    ("无锡应急局今年三公经费", {"wx-yj"}, True),     # the department itself, not a unit holding its words
    ("无锡应急执法监督局 三公", {"wx-jd"}, True),     # that unit by its own name
    ("无锡城管局今年三公多少", set(), False),         # 综合行政执法 inside another name makes no 城管局
    ("无锡教育局三公经费", {"wx-jy", "wx-jyb"}, True),  # the department and its own office (本级) both
    ("无锡市教育局三公经费", {"wx-jy", "wx-jyb"}, True),
    ("无锡教育局本级三公经费", {"wx-jyb"}, True),       # its own office, asked so
    ("无锡市教育局（本级）三公经费", {"wx-jyb"}, True),
])
def test_a_department_type_names_the_department_not_a_unit_holding_its_words(q, expected, held):
    gaz = Gazetteer(DEPARTMENT_AND_OTHER)
    u = read(q, gaz, build_aliases(DEPARTMENT_AND_OTHER))
    assert docs(u) == expected and (not u.not_held) == held, (u.units, u.not_held)


@pytest.mark.parametrize("q", ["上海市卫健委下属中医文献馆今年项目支出", "上海卫健委 中医文献馆 三公经费"])
def test_a_unit_named_with_its_department_is_one_unit(q, gaz, aliases):
    u = read(q, gaz, aliases)
    assert [docs(u)] == [{"sh-zy"}] and len(u.units) == 1, u.units


def test_a_table_named_in_brackets_is_where_to_look_not_the_row_asked(gaz, aliases):
    u = read("深圳市医疗保障局2026年一般公共预算培训费（三公经费、会议费、培训费支出表）是多少？", gaz, aliases)
    assert u.metric == "培训费" and "会议费" not in u.item, (u.metric, u.item)


CHONGQING = [Doc("cq-sl", "重庆市水利局"), Doc("cq-kj", "重庆市科学技术局（本级）"),
             Doc("cq-jx", "重庆市经济和信息化委员会")]


def test_units_listed_after_one_region_and_counted_are_the_units_compared():
    gaz = Gazetteer(CHONGQING)
    u = read("重庆市水利局、科学技术局、经济和信息化委员会三家中，2026年哪个“三公”经费最多？", gaz, build_aliases(CHONGQING))
    assert [docs(u)] == [{"cq-sl", "cq-kj", "cq-jx"}] and u.metric == "三公经费", u.units
    assert not u.item and "三家" not in u.unparsed, (u.item, u.unparsed)


@pytest.mark.parametrize("q, part", [("深圳市医疗保障局2026年项目支出占支出预算的比例是多少？", "项目支出"),
                                     ("深圳医保局 基本支出占总支出比重", "基本支出")])
def test_a_share_asks_the_part_named_before_zhan(q, part, gaz, aliases):
    u = read(q, gaz, aliases)
    assert u.operation == "share" and u.metric == part, (u.operation, u.metric)


YANTAI = [Doc("yt-zf", "烟台市人民政府办公室"), Doc("yt-cz", "烟台市财政局"), Doc("yt-sj", "烟台市审计局")]


@pytest.mark.parametrize("q, expected", [
    ("烟台市府办 财政局 审计局 接待费 谁最高", [{"yt-zf"}, {"yt-cz"}, {"yt-sj"}]),   # 市府办 over 烟台市's 市
    ("烟台市府办三公经费", [{"yt-zf"}]),
])
def test_a_short_form_beginning_inside_the_region_name_is_still_the_unit(q, expected):
    gaz = Gazetteer(YANTAI)
    u = read(q, gaz, build_aliases(YANTAI))
    assert [m.doc_ids for m in u.units] == expected, u.units


@pytest.mark.parametrize("q", ["深圳医保局 三公 比去年 增减多少", "深圳医保局三公经费增减"])
def test_zengjian_asks_the_change_and_is_no_item(q, gaz, aliases):
    u = read(q, gaz, aliases)
    assert u.operation == "change" and u.metric == "三公经费" and not u.item, (u.operation, u.item)


@pytest.mark.parametrize("q, written", [
    ("深圳医保局招待费", "医疗保障局公务接待费"),      # search/data/query_synonyms.tsv, in order
    ("深圳市信访局内设哪些处室", "机构设置"),
    ("杭州司法局 行政运行经费", "行政运行经费"),       # not 机关运行经费 after 行政
    ("深圳 运行经费", "机关运行经费"),
])
def test_query_synonyms_are_read_from_their_data_file(q, written):
    from search.query import normalize_query

    assert written in normalize_query(q)


@pytest.mark.parametrize("q, item", [("深圳医保局今年行政运行那一项，基本支出安排了多少", "行政运行"),
                                     ("深圳医保局 信息化建设这项 多少", "信息化建设")])
def test_that_item_pointed_at_is_the_item(q, item, gaz, aliases):
    assert read(q, gaz, aliases).item == item


def test_a_units_name_written_out_without_its_city_names_it():
    # no city written: the unit's own words (文印中心, 职业教育基地综合协调办) name it, after its department or
    # alone; words that other units' names hold too (服务 of 服务中心) name none
    held = [Doc("wy", "上海市人民政府办公厅文印中心"), Doc("zj", "长沙职业教育基地综合协调办公室"),
            Doc("tj", "上海市退役军人服务中心"), Doc("zw", "北京市政务服务中心"), Doc("gz-ws", "广州市卫生健康委员会")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    for q, expected in [("市政府办公厅文印中心26年项目支出有多少万元", {"wy"}), ("文印中心今年事业运行", {"wy"}),
                        ("长沙教育局下面职业教育基地综合协调办今年项目支出多少钱", {"zj"}),
                        ("服务中心的三公经费", set())]:
        assert docs(read(q, gaz, aliases)) == expected, q


def test_a_unit_listed_after_another_of_the_same_city_is_named_by_its_own_name():
    held = [Doc("sl", "无锡市水利局"), Doc("zf", "无锡市应急管理综合行政执法监督局"), Doc("yj", "无锡市应急管理局"),
            Doc("zj", "无锡市住房和城乡建设局")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    listed = read("无锡市水利局、应急管理综合行政执法监督局哪个三公多", gaz, aliases)
    assert [m.doc_ids for m in listed.units] == [{"sl"}, {"zf"}] and listed.operation == "compare"
    spaced = read("无锡 水利局 住建局 应急执法监督局 三公 为零", gaz, aliases)
    assert [m.doc_ids for m in spaced.units] == [{"sl"}, {"zj"}, {"zf"}] and not spaced.item


def test_a_file_named_after_a_department_is_named_by_it_when_the_question_says_file():
    # 上海's file 2026年上海市生态环境局_部门预算.pdf holds 上海市减污降碳管理运行技术中心's budget: "上海生态环境局"
    # alone is a department the corpus lacks; "…这个文件里（减污降碳中心）" or "…局 文件" names that file's unit
    held = [Doc("jt", "上海市减污降碳管理运行技术中心", file="2026年上海市生态环境局_部门预算.pdf"),
            Doc("bj-jw", "北京市交通委员会")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    assert docs(read("上海生态环境局这个文件里（减污降碳中心）今年政府采购预算多少", gaz, aliases)) == {"jt"}
    assert docs(read("上海生态环境局 文件 机关运行经费 2026", gaz, aliases)) == {"jt"}
    alone = read("上海生态环境局三公经费", gaz, aliases)
    assert not docs(alone) and alone.not_held
    assert docs(read("北京交委 三公 增长 多少", gaz, aliases)) == {"bj-jw"}     # 交委 is 交通委员会


@pytest.mark.parametrize("q", ["北京审计局业务经费是用来干什么的", "北京审计局业务经费 用途", "北京审计局业务经费主要用于什么"])
def test_what_an_item_is_for_asks_a_sentence(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert u.operation == "purpose" and u.item.startswith("业务"), (u.operation, u.item)


def test_not_buying_is_a_zero(gaz, aliases):
    assert read("北京哪些局今年不买公车", gaz, aliases).operation == "zero"


def test_a_unit_of_a_department_type_named_after_the_type_without_a_city():
    # "应急局执法总队": no city; of the 应急管理局 type's units, the one named 执法总队 (not 文旅局's)
    held = [Doc("yj-zd", "上海市应急管理局执法总队"), Doc("wl-zd", "上海市文化和旅游局执法总队"),
            Doc("bj-yj", "北京市应急管理局")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("应急局执法总队 今年 应急管理事务 项目支出 万元", gaz, aliases)
    assert docs(u) == {"yj-zd"} and u.item == "应急管理事务", (u.units, u.item)
    assert not docs(read("执法总队 三公经费", gaz, aliases))       # two units hold it: neither


def test_words_announcing_a_list_of_units_are_not_read_as_one():
    held = [Doc("bj-zj", "北京市住房和城乡建设委员会"), Doc("bj-mz", "北京市民政局"), Doc("bj-sj", "北京市审计局")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("北京市这几个委办局里（住建委、民政局、审计局），哪个2026年三公经费最多？", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"bj-zj"}, {"bj-mz"}, {"bj-sj"}] and u.operation == "max"


@pytest.mark.parametrize("q", ["北京审计局内设哪些处室", "北京审计局有几个处室", "北京审计局 机构设置"])
def test_the_units_offices_are_asked_as_its_structure(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert u.operation == "structure" and not u.item, (u.operation, u.item)


def test_a_unit_abbreviated_between_the_city_and_a_type_word_is_the_first_of_a_list():
    held = [Doc("ka", "深圳市人民政府口岸办公室"), Doc("wj", "深圳市卫生健康委员会"), Doc("gx", "深圳市工业和信息化局")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    for q in ("深圳 口岸办 卫健委 工信局 哪个出国经费最多", "深圳市口岸办、卫健委、工信局中，哪个因公出国费最多"):
        assert [m.doc_ids for m in read(q, gaz, aliases).units] == [{"ka"}, {"wj"}, {"gx"}], q



@pytest.mark.parametrize("q, asked", [
    ("北京审计局 会议费 培训费 各多少", {"会议费", "培训费"}),
    ("北京审计局有多少辆公务车？2026年计划购置几辆？", {"车辆", "购置车辆"}),
    ("北京审计局 车辆 多少辆 26年 买几辆", {"车辆", "购置车辆"}),
    ("北京审计局三公经费和机关运行经费", {"三公经费", "机关运行经费"}),
    ("北京审计局基本支出中公务用车运行维护费是多少", {"基本支出"}),   # the row's column (below)
    ("北京审计局三公经费中公务接待费", {"公务接待费"}),                    # a part of a whole named
])
def test_every_figure_a_lookup_names_is_asked(gaz, aliases, q, asked):
    u = read(q, gaz, aliases)
    assert {u.metric, *u.also_metrics} == asked, (u.metric, u.also_metrics)


@pytest.mark.parametrize("q", ["北京审计局 会议费 项目支出", "北京审计局项目支出中的会议费多少", "北京审计局会议费的项目支出是多少",
                               "北京审计局 项目支出 会议费"])
def test_a_figure_that_is_a_table_row_beside_a_column_is_that_rows_cell(gaz, aliases, q):
    # 会议费 is a figure of its own (the text's 三公/会议费 statement) and a row of the 经济分类 tables, which split
    # it into 基本支出 / 项目支出: named beside a column, the column of that row is asked — not the unit's whole
    # 项目支出 and its 会议费 as two figures
    u = read(q, gaz, aliases)
    assert (u.metric, u.also_metrics, u.item) == ("项目支出", [], "会议费"), (u.metric, u.also_metrics, u.item)


@pytest.mark.parametrize("q", ["北京审计局会议费和项目支出各多少", "北京审计局 会议费、项目支出"])
def test_a_figure_and_a_column_joined_are_two_figures(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert {u.metric, *u.also_metrics} == {"会议费", "项目支出"}, (u.metric, u.also_metrics)


def test_a_list_of_units_announced_after_the_city():
    held = [Doc("bj-gh", "北京市民政局"), Doc("bj-wl", "北京市文化和旅游局"), Doc("bj-sj", "北京市审计局")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("在北京市的几个委办局中（民政局、文旅局、审计局），哪个2026年财政拨款三公经费最多？", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"bj-gh"}, {"bj-wl"}, {"bj-sj"}] and u.operation == "max"


def test_a_span_of_years_in_a_name_is_not_the_year_asked(gaz, aliases):
    # "2025-2026年度信息化整体运维服务项目": a project's name, asked of this year's document
    u = read("北京审计局2025-2026年度信息化整体运维服务项目预算多少", gaz, aliases)
    assert u.years == [] and "信息化整体运维服务" in u.item, (u.years, u.item)
    assert read("北京审计局2025年三公经费", gaz, aliases).years == [2025]


@pytest.mark.parametrize("q, asked", [
    ("北京审计局今年三公经费多少，出国费多少", {"三公经费", "因公出国(境)费"}),
    ("北京审计局2026年三公经费预算是多少？其中因公出国（境）费用多少？", {"三公经费", "因公出国(境)费"}),
    ("北京审计局 买几辆车 花多少", {"公务用车购置费", "购置车辆"}),
    ("北京审计局 买车几辆 花多少钱", {"公务用车购置费", "购置车辆"}),
    ("北京审计局三公经费中的出国费多少", {"因公出国(境)费"}),   # the whole only places the part
])
def test_a_whole_and_its_part_each_asked_are_both_answered(gaz, aliases, q, asked):
    u = read(q, gaz, aliases)
    assert {u.metric, *u.also_metrics} == asked and not u.item, (u.metric, u.also_metrics, u.item)


@pytest.mark.parametrize("q, op", [
    ("北京哪些局安排了公务用车购置费", "threshold"),
    ("北京这几个部门里谁今年有买车预算", "threshold"),
    ("北京 几个局 公务用车购置费 不为零 的", "threshold"),
    ("北京哪些单位 无机关运行经费", "zero"),
    ("北京哪些单位一辆车都没有", "zero"),
    ("北京哪些单位没有公务用车", "zero"),
    ("北京哪些部门没有安排公务用车购置费", "zero"),
    ("北京审计局有没有安排委托业务费", "lookup"),          # whether, and how much: one unit's figure
])
def test_units_with_some_and_units_with_none(gaz, aliases, q, op):
    u = read(q, gaz, aliases)
    assert u.operation == op and u.item == ("委托业务费" if op == "lookup" else ""), (u.operation, u.item)
    if op == "threshold":
        assert u.threshold == ("gt", 0.0)
    if "车都没有" in q or "没有公务用车" in q:
        assert u.metric == "车辆"


@pytest.mark.parametrize("q, op", [
    ("北京审计局项目支出干什么用", "purpose"),
    ("北京审计局2026年项目支出主要用于哪些工作？", "purpose"),
    ("北京审计局有哪些部门", "structure"),
    ("北京审计局设了哪些内设机构", "structure"),
    ("北京审计局出国费怎么涨这么多", "reason"),
    ("北京审计局的主要职能有哪些？", "duties"), ("北京审计局是干嘛的", "duties"), ("北京审计局 职能", "duties"),
    ("北京审计局下设哪些二级预算单位？", "subunits"), ("北京审计局 下属单位 有哪些", "subunits"),
    ("北京审计局所属预算单位有哪些", "subunits"),
    ("北京审计局三公全是接待费吗", "share"),
])
def test_what_a_figure_is_for_the_units_offices_duties_subunits_and_why_it_moved(gaz, aliases, q, op):
    u = read(q, gaz, aliases)
    assert u.operation == op and not u.item, (u.operation, u.item)
    assert op not in ("duties", "subunits") or not u.metric, u.metric


def test_a_figure_named_twice_leaves_no_item(gaz, aliases):
    u = read("北京审计局今年买警车的钱（公务用车购置费）有多少", gaz, aliases)
    assert u.metric == "公务用车购置费" and not u.item, (u.metric, u.item)
    assert read("北京审计局 机关运行经费 下降 幅度", gaz, aliases).item == ""


def test_a_units_project_and_target_asked_is_no_definition(gaz, aliases):
    u = read("北京审计局2026年重点项目第四次全国农业普查的预算和绩效目标是什么？", gaz, aliases)
    assert u.operation == "lookup" and u.item == "第四次全国农业普查", (u.operation, u.item)
    assert read("三公经费是什么", gaz, aliases).operation == "definition"


@pytest.mark.parametrize("q, thing", [("北京审计局今年计划购置什么设备", "设备"), ("北京审计局 今年 买什么大型设备 多少钱", "大型设备"),
                                       ("北京审计局今年买哪些车", "车")])
def test_what_a_unit_buys_is_asked_as_a_thing_not_its_budget(gaz, aliases, q, thing):
    u = read(q, gaz, aliases)
    assert (u.operation, u.defines) == ("definition", thing), (u.operation, u.defines)
    # what it spends on buying, of no thing named, stays the 政府采购 figure
    assert read("北京审计局今年买什么", gaz, aliases).operation != "definition"


@pytest.mark.parametrize("q", ["北京审计局 2026年 财政拨款三公经费预算 是多少", "北京审计局 财政拨款“三公”经费 多少"])
def test_a_fund_written_before_a_figure_is_no_second_figure_when_words_are_spaced(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert (u.metric, u.also_metrics) == ("三公经费", []), (u.metric, u.also_metrics)
    # figures typed side by side are each asked
    assert read("北京审计局 会议费培训费 多少", gaz, aliases).also_metrics == ["会议费"]


def test_a_count_word_inside_an_items_name_is_no_count(gaz, aliases):
    u = read("北京审计局采购经理指数编制经费多少", gaz, aliases)
    assert u.metric == "" and u.item.startswith("采购经理指数"), (u.metric, u.item)
    assert read("北京审计局人员编制几个", gaz, aliases).metric == "编制"


def test_the_rest_of_a_metrics_own_name_is_no_item(gaz, aliases):
    u = read("北京 哪些局 26年 不买公车 购置费0", gaz, aliases)
    assert u.operation == "zero" and u.metric == "公务用车购置费" and not u.item, (u.operation, u.metric, u.item)


def test_the_head_of_the_name_of_the_unit_a_departments_file_holds_names_it():
    # 上海's file named 上海市民政局 holds 上海市福利彩票发行中心's budget: "上海民政局 福彩" is that unit; the
    # department alone stays a unit the corpus lacks
    held = [Doc("fc", "上海市福利彩票发行中心", file="2026年上海市民政局_部门预算.pdf"),
            Doc("hh", "上海市花卉良种试验场", file="2026年上海市绿化和市容管理局_部门预算.pdf")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("上海民政局 福彩 政府性基金项目支出 多少万元", gaz, aliases)
    assert docs(u) == {"fc"} and u.metric == "项目支出" and not u.item, (u.units, u.metric, u.item)
    assert not docs(read("上海民政局三公经费", gaz, aliases))
    assert not docs(read("上海民政局 花卉 三公经费", gaz, aliases))   # another department's file's unit


def test_a_total_asked_in_a_clause_of_its_own_is_asked_too(gaz, aliases):
    u = read("北京审计局2026年收入预算多少？其中财政拨款收入多少？", gaz, aliases)
    assert {u.metric, *u.also_metrics} == {"收入总计", "财政拨款收入"}, (u.metric, u.also_metrics)
    assert read("北京审计局财政拨款收入多少", gaz, aliases).also_metrics == []


def test_a_counted_list_in_brackets_names_each_unit_written_without_separators():
    held = [Doc("ks", "上海市职业能力考试院"), Doc("jd", "上海市戒毒康复中心"), Doc("zs", "上海钻石宝玉石交易联合管理办公室"),
            Doc("wl", "上海市文化和旅游局执法总队"), Doc("qq", "上海市自然资源确权登记事务中心")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("上海这5家单位（考试院 戒毒康复中心 钻石办 文旅执法总队 确权登记中心）谁三公最高", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"ks"}, {"jd"}, {"zs"}, {"wl"}, {"qq"}] and u.operation == "max" \
        and not u.item, (u.units, u.item)
    held = [Doc("ka", "深圳市人民政府口岸办公室"), Doc("ga", "深圳市公安局"), Doc("wj", "深圳市卫生健康委员会")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("深圳这3家（口岸办 公安局 卫健委）谁三公最多", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"ka"}, {"ga"}, {"wj"}] and not u.item, (u.units, u.item)


def test_a_fund_shortened_is_the_fund(gaz, aliases):
    u = read("北京审计局三公里头国资经营预算那块多少", gaz, aliases)
    assert u.metric == "三公经费" and "国有资本经营" in u.tables and not u.item, (u.metric, u.tables, u.item)


def test_departments_listed_as_files_name_the_units_their_files_hold():
    held = [Doc("xf", "上海市信访办公室", file="2026年上海市信访局_部门预算.pdf"),
            Doc("yb", "上海市医疗保险事业管理中心", file="2026年上海市医疗保障局_部门预算.pdf"),
            Doc("hh", "上海市花卉良种试验场", file="2026年上海市国有资产监督管理委员会_部门预算.pdf")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("上海市信访局、医疗保障局、国资委这几个文件所列的单位中，哪些单位2026年安排了机关运行经费？", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"xf"}, {"yb"}, {"hh"}] and u.operation == "threshold" and not u.item, \
        (u.units, u.operation, u.item)
    assert not docs(read("上海市医疗保障局三公经费", gaz, aliases))     # no 文件: the department itself, not held


def test_a_list_said_to_be_longer_than_the_units_recognised_is_not_answered_over_them():
    held = [Doc("ka", "深圳市人民政府口岸办公室"), Doc("ga", "深圳市公安局"), Doc("wj", "深圳市卫生健康委员会")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    assert not read("深圳这3家（口岸办 公安局 卫健委）谁三公最多", gaz, aliases).not_held
    u = read("深圳这十二家（口岸办 公安局 卫健委）谁三公最多", gaz, aliases)
    assert "列出12个单位" in u.not_held and "只认出3个" in u.not_held, u.not_held


BEIJING = [Doc("bj-bgt", "北京市人民政府办公厅"), Doc("bj-gzw", "北京市人民政府国有资产监督管理委员会"),
           Doc("bj-ga", "北京市公安局"), Doc("bj-wj", "北京市卫生健康委员会"), Doc("bj-sj", "北京市市场监督管理局")]


def test_a_bare_short_form_set_apart_by_spaces_is_a_unit_of_the_list():
    gaz = Gazetteer(BEIJING)
    u = read("北京 国资委 公安 卫健委 哪些 没有 公务用车", gaz, build_aliases(BEIJING))
    assert [m.doc_ids for m in u.units] == [{"bj-gzw"}, {"bj-ga"}, {"bj-wj"}] and not u.item, (u.units, u.item)
    # written together, 公安 inside other words is still no unit of its own ("医保基金", "公安三公" stays the rule)
    u = read("北京国资委公安经费", gaz, build_aliases(BEIJING))
    assert [m.doc_ids for m in u.units] == [{"bj-gzw"}], u.units


def test_a_short_form_sharing_the_regions_last_character():
    gaz = Gazetteer(BEIJING)
    u = read("北京市监局 机关运行经费 换算成元是多少", gaz, build_aliases(BEIJING))
    assert [m.doc_ids for m in u.units] == [{"bj-sj"}] and u.metric == "机关运行经费" and not u.item, (u.units, u.item)


def test_a_count_of_units_not_listed_is_not_answered_over_the_whole_city():
    gaz = Gazetteer(BEIJING)
    u = read("北京这8个委办局26年三公经费最多的是哪家", gaz, build_aliases(BEIJING))
    assert u.not_held and "没有列出" in u.not_held, u.not_held
    u = read("北京这5个单位三公经费最多的是哪家", gaz, build_aliases(BEIJING))   # the corpus holds just 5
    assert not u.not_held and u.operation == "max", u.not_held
    # a list of those at zero is still the city's list; "这些部门" without a count is the city's units (how
    # writers of several sets asked over a whole city); "哪几个局" asks which
    for q in ("北京这8个部门里哪些公车数量为0", "北京这些部门里谁的三公经费预算最多", "北京哪几个局三公经费最多"):
        u = read(q, gaz, build_aliases(BEIJING))
        assert not u.not_held, (q, u.not_held)


def test_units_set_side_by_side_for_comparison(gaz, aliases):
    u = read("深圳 医保局 人社局 三公 比较", gaz, aliases)
    assert u.operation == "compare" and len(u.units) == 2 and u.direction == 1, (u.operation, u.units)
    u = read("深圳 医保局 人社局 三公 比较 增长", gaz, aliases)   # a change asked of each: not which is more
    assert u.operation != "compare", u.operation


def test_an_assets_price_is_no_condition_on_a_figure(gaz, aliases):
    u = read("深圳医保局单价100万元以上设备有几台", gaz, aliases)
    assert u.operation != "threshold", u.operation
    u = read("深圳医保局三公经费超过100万元吗", gaz, aliases)
    assert u.operation == "threshold", u.operation


def test_an_abbreviation_ending_in_chang_names_the_unit():
    from search.qa.gazetteer import abbreviation_span

    assert abbreviation_span("花卉试验场", "花卉良种试验场") is not None     # 场, 台 end names as 局 and 中心 do
    assert abbreviation_span("减污降碳中心", "减污降碳管理运行技术中心") is not None
    assert abbreviation_span("花卉试验", "花卉良种试验场") is None          # no organisation ending


def test_a_later_unit_named_under_its_departments_file():
    held = [Doc("jd", "上海市戒毒康复中心", file="2026年上海市司法局_部门预算.pdf"),
            Doc("zs", "上海钻石宝玉石交易联合管理办公室", file="2026年上海市商务局_部门预算.pdf")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("上海司法局文件的戒毒康复中心和商务局文件的钻石宝玉石办 三公 谁多", gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"jd"}, {"zs"}] and u.operation == "compare" and not u.item, \
        (u.units, u.item)


def test_a_second_question_after_the_first_does_not_replace_its_metric(gaz, aliases):
    u = read("深圳医保局有多少辆车？房屋面积多少？", gaz, aliases)
    assert u.metric == "车辆" and not u.item, (u.metric, u.item)
    u = read("深圳医保局三公经费多少？其中出国费多少？", gaz, aliases)   # a whole and its part: both still asked
    assert {u.metric, *u.also_metrics} == {"三公经费", "因公出国(境)费"}, (u.metric, u.also_metrics)


def test_words_set_apart_by_spaces_stay_apart_in_a_long_run(gaz, aliases):
    u = read("北京 医保局 行政事业性收费 特种设备检验检测费 预计收多少", gaz, aliases)
    assert u.item == "特种设备检验检测费", u.item
    u = read("北京 医保局 信息化 建设 项目", gaz, aliases)   # a short name typed in two stays one
    assert u.item == "信息化建设", u.item


def test_last_year_and_this_year_asked_in_turn():
    held = [Doc("sz-jt", "深圳市交通运输局")]
    gaz, aliases = Gazetteer(held), build_aliases(held)
    u = read("深圳交通局三公经费上年预算多少，今年又是多少", gaz, aliases)
    assert u.years == [2026] and u.with_last_year and not u.not_held, (u.years, u.not_held)
    u = read("深圳交通局2026年三公经费比2025年增加多少", gaz, aliases)   # a change: no second figure asked
    assert not u.with_last_year


@pytest.mark.parametrize("q, unit", [("沪审计局 三公经费", "sh-sj"), ("渝 规自局 三公", "cq-gz"), ("京医保局 政府采购", "bj-yb"),
                                     ("鹏城 医保局 三公", "sz-yb")])
def test_a_citys_one_character_abbreviation_or_byname_names_it(q, unit):
    # query_synonyms.tsv: 沪 / 渝 / 京 / 鹏城 … at the start of a word are the city (not 渝中区, not 南京)
    docs_ = DOCS + [Doc("sh-sj", "上海市审计局")]
    u = read(q, Gazetteer(docs_), build_aliases(docs_))
    assert [m.doc_ids for m in u.units] == [{unit}], [m.text for m in u.units]


def test_nanjing_is_not_beijing():
    u = read("南京市医保局三公", Gazetteer(DOCS), build_aliases(DOCS))
    assert [m.held for m in u.units] == [False]


@pytest.mark.parametrize("q", ["深圳人社局 PMI编制 多少钱", "深圳人社局 采购经理指数编制经费"])
def test_bianzhi_beside_money_is_an_items_word_not_the_staff_count(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert u.metric != "编制" and "采购经理指数" in u.item_phrase + u.item, (u.metric, u.item, u.item_phrase)


@pytest.mark.parametrize("q", ["深圳人社局今年钱主要花在哪个科目，多少", "深圳人社局 大头 是哪个项目"])
def test_where_the_money_mainly_goes_is_the_largest_row(gaz, aliases, q):
    assert read(q, gaz, aliases).operation == "item_max"


def test_where_the_money_goes_in_general_is_no_ranking(gaz, aliases):
    assert read("深圳人社局钱主要花在哪些方面", gaz, aliases).operation != "item_max"


def test_units_listed_without_their_type_word_take_the_counts():
    docs_ = [Doc("yt-xf", "烟台市信访局"), Doc("yt-sj", "烟台市大数据局"), Doc("yt-jy", "烟台市教育局")]
    gaz_, aliases_ = Gazetteer(docs_), build_aliases(docs_)
    for q in ("烟台信访 大数据 教育 三个局 公务接待费比较", "烟台 信访、大数据 两个局 三公 谁多"):
        u = read(q, gaz_, aliases_)
        expected = [{"yt-xf"}, {"yt-sj"}, {"yt-jy"}][:3 if "三个" in q else 2]
        assert [m.doc_ids for m in u.units] == expected, (q, [m.text for m in u.units])


@pytest.mark.parametrize("q", ["深圳人社局 vs 医保局 三公 谁高", "深圳人社局对比医保局三公经费谁高"])
def test_a_unit_after_vs_is_the_second_of_two(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert [m.doc_ids for m in u.units] == [{"sz-rs"}, {"sz-yb"}] and u.operation == "compare"


@pytest.mark.parametrize("q", ["深圳人社局 百万元以上设备 几台", "深圳人社局单价100万元以上设备有几台"])
def test_a_price_class_of_assets_is_no_threshold(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert u.threshold is None and u.operation == "lookup", (u.operation, u.threshold)


@pytest.mark.parametrize("q, second", [("深圳人社局政府性基金预算支出多少？用于什么？", "用于什么"),
                                       ("深圳人社局项目支出多少？主要用于哪些方面？", "主要用于哪些方面")])
def test_what_a_figure_is_for_asked_after_its_amount_is_a_second_question(gaz, aliases, q, second):
    u = read(q, gaz, aliases)
    assert u.second.endswith(second + "?") and u.operation == "lookup", (u.operation, u.second)


def test_the_reason_asked_after_a_change_is_no_second_question(gaz, aliases):
    u = read("深圳人社局2026年部门预算收入比上年增加多少？原因有哪些？", gaz, aliases)
    assert u.operation == "reason" and not u.second


@pytest.mark.parametrize("q", ["深圳人社局“规划类经费”项目的绩效目标是什么？", "深圳人社局 规划类经费 绩效目标"])
def test_a_projects_performance_target_is_a_sentence_not_its_amount(gaz, aliases, q):
    assert read(q, gaz, aliases).operation == "purpose"


def test_a_year_in_two_chinese_digits_is_no_year_inside_a_number():
    assert normalize_years("十二年", this_year=2026) == "十二年"


def test_a_unit_named_data_bureau_is_of_the_data_bureau_type():
    # 上海市数据局 (the file of 上海市政务服务和数据管理局): "市数据局" in a list of 上海 units is that unit, not
    # an unheld 政务服务和数据管理局
    docs_ = [Doc("sh-ks", "上海市职业能力考试院"), Doc("sh-sj", "上海市数据局")]
    u = read("上海职业能力考试院、市数据局 公务接待费 谁多", Gazetteer(docs_), build_aliases(docs_))
    assert [m.doc_ids for m in u.units] == [{"sh-ks"}, {"sh-sj"}] and not u.not_held, u.not_held


@pytest.mark.parametrize("q, operation", [("深圳人社局跟医保局比，三公经费差多少", "compare"),
                                          ("深圳人社局比医保局三公经费多多少", "compare"),
                                          ("深圳人社局和医保局三公经费比上年多多少", "change")])
def test_the_difference_of_two_units_is_a_comparison_not_a_change(gaz, aliases, q, operation):
    assert read(q, gaz, aliases).operation == operation


def test_a_second_figure_after_a_question_mark_is_asked_without_a_final_one(gaz, aliases):
    u = read("深圳人社局有多少辆公务车？2026年计划购置几辆", gaz, aliases)
    assert {u.metric, *u.also_metrics} == {"车辆", "购置车辆"}, (u.metric, u.also_metrics)


def test_the_money_word_ending_a_question_is_not_the_items(gaz, aliases):
    # "…用了超长期特别国债钱": 钱 is how much, not part of the row's name
    u = read("深圳哪几个单位用了超长期特别国债钱", gaz, aliases)
    assert u.item == "超长期特别国债", u.item


def test_a_squad_named_right_before_its_item_is_two_words():
    # "执法监察支队专项业务" (the 的 left out) reads as "执法监察支队的专项业务": the squad, then its item
    docs_ = [Doc("xa-aj", "西安市安全生产监督管理局", 2019)]
    gaz_, aliases_ = Gazetteer(docs_), build_aliases(docs_)
    joined = read("2019年西安市安全生产执法监察支队专项业务经费支出预算是多少？", gaz_, aliases_)
    apart = read("2019年西安市安全生产执法监察支队的专项业务经费支出预算是多少？", gaz_, aliases_)
    assert (joined.item, joined.unparsed) == (apart.item, apart.unparsed), (joined.item, apart.item)


@pytest.mark.parametrize("q", ["无锡教委（本级）培训费", "无锡教育局本级培训费", "无锡市教育局(本级)培训费"])
def test_a_department_named_with_its_own_office_is_that_offices_budget(q):
    docs = [Doc("wx-jy", "无锡市教育局"), Doc("wx-jy-bj", "无锡市教育局（本级）")]
    u = read_question(q, Gazetteer(docs), build_aliases(docs))
    assert u.doc_ids == {"wx-jy-bj"}, (q, u.doc_ids)
    assert read_question("无锡教委培训费", Gazetteer(docs), build_aliases(docs)).doc_ids == {"wx-jy", "wx-jy-bj"}


@pytest.mark.parametrize("q", ["福州交警 涉案车辆停车场 项目 绩效目标", "北京审计局车辆停放管理费多少"])
def test_vehicles_inside_a_projects_name_are_no_count_of_vehicles(gaz, aliases, q):
    assert read(q, gaz, aliases).metric != "车辆"
    assert read("北京审计局车辆多少", gaz, aliases).metric == "车辆"


_LISTED = [Doc("yt-sw", "烟台市商务局"), Doc("yt-kj", "烟台市科学技术局"), Doc("yt-xf", "烟台市信访局"),
           Doc("cq-sl", "重庆市水利局"), Doc("cq-kj", "重庆市科学技术局"), Doc("cq-jx", "重庆市经济和信息化委员会"),
           Doc("bj-jw", "北京市教育委员会"), Doc("bj-cz", "北京市财政局")]


@pytest.mark.parametrize("q, expected", [
    # departments listed by their bare stems after a city: each stands for its department
    ("烟台 商务 科技 信访 三公经费比较", {"yt-sw", "yt-kj", "yt-xf"}),
    # stems beside a short form of its own (经信委) in one list
    ("重庆 水利 科技 经信委 三公 最多", {"cq-sl", "cq-kj", "cq-jx"}),
    # listed in brackets after the city and 部门
    ("这三个烟台部门（商务、科技、信访）谁的三公经费最少", {"yt-sw", "yt-kj", "yt-xf"}),
    # two cities, then one department's stem with 部门: that department of each
    ("烟台 重庆 科技部门 三公 比较", {"yt-kj", "cq-kj"}),
])
def test_departments_listed_by_their_stems_after_a_city(q, expected):
    listed = Gazetteer(_LISTED)
    u = read_question(q, listed, build_aliases(_LISTED))
    assert docs(u) == expected and len(u.units) == len(expected), [m.text for m in u.units]


@pytest.mark.parametrize("q", ["北京 财政 拨款 多少", "北京教委 财政 拨款"])
def test_a_stem_alone_is_a_word_not_a_department(q):
    # "财政" after the city or a unit is 财政拨款 typed with a space, not 北京市财政局
    listed = Gazetteer(_LISTED)
    u = read_question(q, listed, build_aliases(_LISTED))
    assert "bj-cz" not in docs(u), [m.text for m in u.units]


@pytest.mark.parametrize("q", ["广州水务局行政经费里基金预算那一列", "广州水务局 基金预算 多少"])
def test_a_fund_budget_named_short_is_the_government_fund(gaz, aliases, q):
    # "基金预算" on its own is the 政府性基金预算; "那一列" points at a column, it names no row
    u = read(q, gaz, aliases)
    assert "政府性基金" in u.tables and "列" not in (u.item or ""), (u.tables, u.item)


def test_a_fund_named_before_its_budget_stays_that_fund():
    from search.query import normalize_query

    assert "民航发展基金预算" in normalize_query("哪些部门有民航发展基金预算")
    assert "政府性政府性" not in normalize_query("政府性基金预算 多少")


@pytest.mark.parametrize("q, items, each", [
    # two rows of one unit, each one's figure asked: no winner
    ("深圳市民政局2026年民政综合业务管理和社会组织管理两个项目的预算分别是多少？", ["民政综合业务管理", "社会组织管理"], True),
    ("深圳民政局社会组织管理、民政综合业务管理各多少", ["社会组织管理", "民政综合业务管理"], True),
    # typed apart and compared: which is larger (the department's stem inside 民政综合业务管理 is the row's)
    ("深圳民政局 民政综合业务管理 社会组织管理 对比", ["民政综合业务管理", "社会组织管理"], False),
])
def test_two_rows_of_one_unit_asked_each_or_compared(gaz, aliases, q, items, each):
    u = read(q, gaz, aliases)
    assert docs(u) == {"sz-mz"} and len(u.units) == 1, u.units
    assert u.operation == "item_compare" and sorted(u.items) == sorted(items) and u.each == each, (u.operation, u.items)
    if "项目" in q:
        assert "项目支出" in u.tables   # the rows of the project table, not 功能分类 rows of the same names


@pytest.mark.parametrize("q", ["上海市中医文献馆那份预算文件里负责什么", "上海市中医文献馆是做什么的"])
def test_the_words_of_the_file_are_no_item(gaz, aliases, q):
    u = read(q, gaz, aliases)
    assert [docs(u), len(u.units), u.operation, u.item] == [{"sh-zy"}, 1, "duties", ""], (u.units, u.operation, u.item)
