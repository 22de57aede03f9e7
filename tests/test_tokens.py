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


def test_numpy_bm25f_ranks_like_whoosh_bm25f(keyword_index):
    """The fast core must reproduce the reference ranking (whoosh stores lengths lossily, so compare sets)."""
    from search.backends.embedded import EmbeddedReader
    from search.indexer import current_generation

    reader = EmbeddedReader(current_generation(keyword_index), with_vectors=False)
    overlaps = []
    for q in ("公务接待费", "三公经费预算", "机关运行经费", "政府采购", "离休干部医药费", "长期护理保险财政补助",
              "医疗保障基金监督管理", "绩效目标", "住房公积金", "一般公共预算基本支出"):
        ours = [pid for pid, _ in reader.keyword_search(q, 10)]
        reference = [pid for pid, _ in reader.keyword.search(q, limit=10)]
        assert ours and reference
        overlaps.append(len(set(ours) & set(reference)) / 10)
    assert sum(overlaps) / len(overlaps) >= 0.7, overlaps


def test_exact_phrase_search_uses_positions(keyword_index):
    from search.backends.embedded import EmbeddedReader
    from search.indexer import current_generation

    reader = EmbeddedReader(current_generation(keyword_index), with_vectors=False)
    import sqlite3

    from search.tokens import compact_text

    conn = sqlite3.connect(current_generation(keyword_index) / "store.sqlite")
    texts = {pid: compact_text(text) for pid, text in conn.execute("SELECT id, text FROM passages")}
    conn.close()
    hits = reader.phrase_search("监督执法项目经费")
    assert hits and all("监督执法项目经费" in texts[h] for h in hits)
    scattered = [pid for pid, text in texts.items() if "监督执法" in text and "监督执法项目经费" not in text]
    assert scattered and not set(scattered) & set(hits)
