"""The tokenizer the index needs (sequential positions, numbers kept), the numpy BM25F core against whoosh's
BM25F as the reference, and exact phrases found in the passage text."""
from whoosh import query
from whoosh.filedb.filestore import RamStorage
from whoosh_reference import KeywordSearcher, make_schema

from search.textstore import CompactTexts
from search.tokens import compact_text, normalize_number, shared_tokenizer


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


def test_positions_make_phrase_queries_work_in_the_reference_engine():
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as writer:
        writer.add_document(id="a", doc_id="d", text="公务接待费0元，比上年预算数减少5000元", section="", title="")
        writer.add_document(id="b", doc_id="d", text="公务接待费减少，0元", section="", title="")
    tok = shared_tokenizer()
    with ix.searcher() as searcher:
        hits = searcher.search(query.Phrase("text", tok("公务接待费0元")))
        assert [h["id"] for h in hits] == ["a"]
        assert {h["id"] for h in searcher.search(query.Term("text", "0"))} == {"a", "b"}


def test_numpy_bm25f_ranks_like_whoosh_bm25f(keyword_index):
    """The fast core must reproduce the reference ranking (whoosh stores lengths lossily, so compare sets)."""
    from search.backends.embedded import EmbeddedReader
    from search.indexer import current_generation

    reader = EmbeddedReader(current_generation(keyword_index), with_vectors=False)
    whoosh = KeywordSearcher(current_generation(keyword_index))
    overlaps = []
    for q in ("公务接待费", "三公经费预算", "机关运行经费", "政府采购", "离休干部医药费", "长期护理保险财政补助",
              "医疗保障基金监督管理", "绩效目标", "住房公积金", "一般公共预算基本支出"):
        ours = [pid for pid, _ in reader.keyword_search(q, 10)]
        reference = [pid for pid, _ in whoosh.search(q, limit=10)]
        assert ours and reference
        overlaps.append(len(set(ours) & set(reference)) / 10)
    assert sum(overlaps) / len(overlaps) >= 0.7, overlaps


def test_exact_phrases_are_found_in_the_text_whatever_the_segmentation(keyword_index):
    import sqlite3

    from search.generation import Generation
    from search.indexer import current_generation

    conn = sqlite3.connect(current_generation(keyword_index) / "store.sqlite")
    texts = {pid: compact_text(text) for pid, text in conn.execute("SELECT id, text FROM passages")}
    conn.close()
    from search.backends import create_backend

    gen = Generation(current_generation(keyword_index), None, create_backend("embedded"))
    try:
        for phrase in ("监督执法项目经费", "项目经费", "公务接待费", "“三公”经费"):
            hits = gen.phrase_matches(phrase, 100000)
            wanted = compact_text(phrase)
            assert hits == {pid for pid, text in texts.items() if wanted in text}, phrase
        scattered = [pid for pid, text in texts.items() if "监督执法" in text and "监督执法项目经费" not in text]
        assert scattered and not set(scattered) & gen.phrase_matches("监督执法项目经费", 100000)
        assert len(gen.phrase_matches("公务接待费", 2)) == 2
    finally:
        gen.retire()


def test_a_phrase_ending_in_a_figure_matches_the_whole_figure_only():
    store = CompactTexts([("a", "公务接待费0元"), ("b", "公务接待费0.5万元"), ("c", "公务接待费05"), ("d", "x公务接待费0"),
                          ("e", "10公务"), ("f", "公务")])
    assert store.find("公务接待费0", 10) == ["a", "d"]
    assert store.find("0公务", 10) == []
    assert store.find("公务", 10) == ["a", "b", "c", "d", "e", "f"]
    assert store.find("公务", 2) == ["a", "b"]
    assert store.find("接待费0元公务", 10) == []          # never across two passages
    assert store["b"] == "公务接待费0.5万元" and store.get("zz") == "" and len(store) == 6
    assert dict(store.items())["f"] == "公务"
