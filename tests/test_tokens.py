"""The tokenizer the index needs: sequential positions, numbers kept, phrase queries that work in whoosh."""
from whoosh import query
from whoosh.filedb.filestore import RamStorage

from search.keyword import make_schema
from search.tokens import normalize_number, shared_tokenizer


def test_numbers_are_single_normalised_tokens_and_zero_is_kept():
    tokens = shared_tokenizer()("项目支出15,579.95万元，三公经费0元，占0.00%")
    assert "15579.95" in tokens and tokens.count("0") == 2
    assert normalize_number("199.540") == "199.54" and normalize_number("0.00") == "0"


def test_quotes_and_width_are_normalised():
    tok = shared_tokenizer()
    assert tok("“三公”经费") == tok("三公经费") == ["三公经费"]
    assert tok("２０２４年") == tok("2024年")


def test_budget_dictionary_words_stay_whole():
    tokens = shared_tokenizer()("公务用车购置及运行维护费和机关运行经费")
    assert "公务用车购置及运行维护费" in tokens and "机关运行经费" in tokens


def test_positions_are_sequential_with_subwords_sharing_a_position():
    positioned = shared_tokenizer().positioned("医疗保障局机关运行经费4.95万元")
    positions = sorted({p for p, _ in positioned})
    assert positions == list(range(len(positions)))
    assert (0, "医疗保障局") in positioned and (0, "医疗") in positioned


def test_phrase_queries_match_in_whoosh():
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as writer:
        writer.add_document(id="a", doc_id="d", text="公务接待费0元，比上年预算数减少5000元", section="", title="")
        writer.add_document(id="b", doc_id="d", text="公务接待费减少，0元", section="", title="")
    tok = shared_tokenizer()
    with ix.searcher() as searcher:
        hits = searcher.search(query.Phrase("text", tok("公务接待费0元")))
        assert [h["id"] for h in hits] == ["a"]
        assert {h["id"] for h in searcher.search(query.Term("text", "0"))} == {"a", "b"}
