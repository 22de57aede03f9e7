"""The same suite against both search backends (embedded whoosh+numpy, and Milvus through milvus-lite).

Each backend builds its own index of the sample corpus with the real indexer (and the figures stage) and is
served through the real Flask app (create_app with a "BACKEND" object). The Milvus tests are skipped only
when pymilvus / milvus-lite cannot be imported.
"""
from __future__ import annotations

import json
import os
import re
import threading
import unicodedata
from pathlib import Path

import pytest
from conftest import SAMPLE_CORPUS, SHARED

from search.backends import create_backend
from search.cli import build_stages
from search.indexer import build_index, current_generation
from search.semantic import ModelStatus
from search.webapp import create_app

QUESTIONS = SHARED / "eval" / "questions.jsonl"
RESULT_KEYS = {"id", "file", "title", "unit", "region", "year", "kind", "section", "text", "highlight", "score",
               "channels", "line_start", "line_end"}


def _milvus_missing() -> str | None:
    try:
        import milvus_lite  # noqa: F401
        import pymilvus  # noqa: F401
    except ImportError as exc:
        return f"milvus backend not tested: pymilvus/milvus-lite cannot be imported ({exc}); " \
               "pip install -r requirements-milvus.txt"
    return None


def make_backend(name: str, index_dir: Path):
    if name == "milvus":
        return create_backend("milvus", uri=str(Path(index_dir) / "milvus.db"))
    return create_backend(name)


def build(name: str, corpus: Path, index_dir: Path, embedder=None, backend=None):
    backend = backend or make_backend(name, index_dir)
    report = build_index(corpus, index_dir, embedder, extra_stages=build_stages(), backend=backend)
    return backend, report


def serve(index_dir: Path, backend, embedder=None):
    status = ModelStatus(embedder.name if embedder else "none", embedder is not None,
                         "test model" if embedder else "keyword mode for tests")
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "EMBEDDER": embedder, "MODEL_STATUS": status,
                       "BACKEND": backend})


@pytest.fixture(scope="session", params=["embedded", "milvus"])
def backend_name(request) -> str:
    if request.param == "milvus" and _milvus_missing():
        pytest.skip(_milvus_missing())
    return request.param


class Built:
    """Indexes built once per session, per (backend, keyword|hybrid)."""

    def __init__(self, factory):
        self.factory = factory
        self.cache: dict = {}

    def get(self, name: str, embedder=None):
        key = (name, embedder is not None)
        if key not in self.cache:
            index_dir = self.factory.mktemp(f"{name}-{'hybrid' if embedder else 'keyword'}") / "index"
            backend, _ = build(name, SAMPLE_CORPUS, index_dir, embedder)
            self.cache[key] = (index_dir, backend, serve(index_dir, backend, embedder))
        return self.cache[key]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    return Built(tmp_path_factory)


@pytest.fixture()
def client(built, backend_name):
    return built.get(backend_name)[2].test_client()


# -- the API over either backend ------------------------------------------------------------------------------
def test_health_names_the_backend(client, backend_name):
    body = client.get("/api/health").get_json()
    assert body["status"] == "ok" and body["backend"] == backend_name
    assert body["documents"] == 5 and body["passages"] > 100 and body["mode"] == "keyword"


def test_search_results_shape(client):
    body = client.get("/api/search", query_string={"q": "公务接待费", "k": 5}).get_json()
    assert "query" not in body and body["mode"] == "keyword"
    assert len(body["results"]) == 5 and body["total"] >= 5
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    for r in body["results"]:
        assert RESULT_KEYS <= set(r)
        assert r["line_start"] <= r["line_end"] and r["text"]
        assert set(r["channels"]) <= {"keyword", "figures"} and r["channels"]
    assert any("keyword" in r["channels"] for r in body["results"])


def test_named_unit_ranked_first(client):
    body = client.get("/api/search", query_string={"q": "东昌府区医疗保障局政府采购"}).get_json()
    assert body["results"][0]["unit"] == "聊城市东昌府区医疗保障局"


def test_filters_kind_and_year(client):
    body = client.get("/api/search", query_string={"q": "三公经费", "kind": "决算", "k": 20}).get_json()
    assert body["results"] and {r["kind"] for r in body["results"]} == {"决算"}
    body = client.get("/api/search", query_string={"q": "三公经费", "year": 2025, "k": 20}).get_json()
    assert body["results"] and {r["year"] for r in body["results"]} == {2025}
    body = client.get("/api/search", query_string={"q": "三公经费", "unit": "临夏", "k": 20}).get_json()
    assert {r["unit"] for r in body["results"]} == {"临夏回族自治州医疗保障局"}


def test_quotes_and_fullwidth_forms_match_the_same_passages(client):
    """“三公”经费 and 三公经费 index and query the same (NFKC + quotes dropped on both backends)."""
    def ids(q):
        return [r["id"] for r in client.get("/api/search", query_string={"q": q, "k": 10}).get_json()["results"]]

    assert ids("“三公”经费") == ids("三公经费") and ids("三公经费")


def test_keyword_channel_of_the_backend_directly(built, backend_name):
    """The reader itself: (passage id, score) best first; doc_ids restricts; unknown words find nothing."""
    index_dir, backend, _ = built.get(backend_name)
    reader = backend.open(current_generation(index_dir), with_vectors=False)
    try:
        hits = reader.keyword_search("公务接待费", 10)
        assert hits and all(isinstance(pid, str) and score > 0 for pid, score in hits)
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
        doc = hits[0][0].rsplit("-", 1)[0]
        only = reader.keyword_search("公务接待费", 10, {doc})
        assert only and {pid.rsplit("-", 1)[0] for pid, _ in only} == {doc}
        assert reader.keyword_search("独角兽草原麒麟", 10) == []
        assert not reader.has_vectors and reader.vector_search([0.0] * 8, 10) == []
    finally:
        reader.close()


def test_concurrent_searches_agree_with_serial_ones(built, backend_name):
    """waitress serves from several threads: concurrent searches must not interfere."""
    app = built.get(backend_name)[2]
    queries = ["三公经费", "公务接待费", "机关运行经费", "政府采购", "项目支出", "东昌府区医疗保障局", "离休干部医药费",
               "长期护理保险财政补助"]

    def top(q):
        return [r["id"] for r in app.test_client().get("/api/search", query_string={"q": q, "k": 10}).get_json()["results"]]

    expected = {q: top(q) for q in queries}
    got: dict = {}
    errors: list = []

    def worker(q):
        try:
            for _ in range(3):
                got.setdefault(q, []).append(top(q))
        except Exception as exc:  # noqa: BLE001 - any failure is reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(q,)) for q in queries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert all(runs == [expected[q]] * 3 for q, runs in got.items()) and len(got) == len(queries)


def test_incremental_add_and_delete_of_one_file(backend_name, corpus_copy, tmp_path):
    index_dir = tmp_path / "ix"
    backend, first = build(backend_name, corpus_copy, index_dir)
    assert first.full_rebuild and first.documents == 5
    app = serve(index_dir, backend)
    before = {d["file"]: d["passages"] for d in app.test_client().get("/api/documents").get_json()["documents"]}

    (corpus_copy / "new.txt").write_text("某某市测试局2024年部门预算\n第一部分 部门概况\n一、主要职能\n负责独角兽草原的管理工作。",
                                         encoding="utf-8")
    _, report = build(backend_name, corpus_copy, index_dir, backend=backend)
    assert report.added == ["new.txt"] and not report.full_rebuild and not report.removed
    client = app.test_client()   # the engine picks up the swapped-in generation on the next request
    hits = client.get("/api/search", query_string={"q": "独角兽草原"}).get_json()["results"]
    assert hits and hits[0]["file"] == "new.txt"
    after = {d["file"]: d["passages"] for d in client.get("/api/documents").get_json()["documents"]}
    assert {k: v for k, v in after.items() if k != "new.txt"} == before
    # the unchanged documents are still searchable in the new generation (copied, not only the added file)
    assert client.get("/api/search", query_string={"q": "东昌府区医疗保障局政府采购"}).get_json()["results"][0][
        "unit"] == "聊城市东昌府区医疗保障局"

    (corpus_copy / "new.txt").unlink()
    _, report = build(backend_name, corpus_copy, index_dir, backend=backend)
    assert report.removed == ["new.txt"]
    hits = client.get("/api/search", query_string={"q": "独角兽草原"}).get_json()["results"]
    assert all(h["file"] != "new.txt" for h in hits)
    assert client.get("/api/health").get_json()["documents"] == 5

    if backend_name == "milvus":
        from search.backends.milvus import collection_name

        generations = {collection_name(p) for p in index_dir.glob("gen-*")}
        assert set(backend.client.list_collections()) == generations   # deleted generations' collections dropped


def test_hybrid_mode_returns_semantic_channels(built, backend_name, embedder):
    index_dir, backend, app = built.get(backend_name, embedder)
    client = app.test_client()
    assert client.get("/api/health").get_json()["mode"] == "hybrid"
    body = client.get("/api/search", query_string={"q": "公务接待费", "k": 10}).get_json()
    assert body["mode"] == "hybrid"
    assert any("semantic" in r["channels"] for r in body["results"])
    reader = backend.open(current_generation(index_dir), with_vectors=True)
    import numpy as np

    vector = embedder.encode_query("公务接待费")
    hits = reader.vector_search(vector, 5)
    assert reader.has_vectors and len(hits) == 5
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True) and -1.0001 <= hits[-1][1] <= 1.0001
    doc = hits[0][0].rsplit("-", 1)[0]
    assert {p.rsplit("-", 1)[0] for p, _ in reader.vector_search(vector, 5, {doc})} == {doc}
    # the backend returns the same nearest passages as an exact numpy search over vectors.npy
    from search.semantic import VectorStore

    exact = VectorStore.load(current_generation(index_dir)).search(np.asarray(vector), 5)
    assert [p for p, _ in hits] == [p for p, _ in exact]


# -- evaluation over the shared question set -------------------------------------------------------------------
def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = re.sub(r"\s+", "", s)
    return re.sub(r"(?<=\d),(?=\d{3})", "", s)


def evaluate(client) -> tuple[float, float]:
    """hit@5 and MRR@10 as /work/shared/eval/evaluate.py computes them, through the Flask test client."""
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    hit5 = mrr = 0.0
    for q in questions:
        results = client.get("/api/search", query_string={"q": q["q"], "k": 10}).get_json()["results"]
        rank = next((i for i, p in enumerate(results[:10], 1)
                     if any(os.path.basename(p["file"]) == g["file"] and _norm(g["contains"]) in _norm(p["text"])
                            for g in q["gold"])), None)
        if rank:
            mrr += 1 / rank
            hit5 += rank <= 5
    return hit5 / len(questions), mrr / len(questions)


_scores: dict = {}


def scores_for(built, name):
    if name not in _scores:
        _scores[name] = evaluate(built.get(name)[2].test_client())
    return _scores[name]


def test_evaluation_thresholds(built, backend_name):
    if not QUESTIONS.exists():
        pytest.skip(f"{QUESTIONS} not available (../shared missing)")
    hit5, mrr = scores_for(built, backend_name)
    print(f"{backend_name}: hit@5={hit5:.3f} MRR@10={mrr:.3f}")
    assert hit5 >= 0.90 and mrr >= 0.75
    if backend_name != "embedded":
        base_hit5, base_mrr = scores_for(built, "embedded")
        assert abs(hit5 - base_hit5) <= 0.05, (hit5, base_hit5)
        assert abs(mrr - base_mrr) <= 0.05, (mrr, base_mrr)


# -- Milvus specifics -------------------------------------------------------------------------------------------
@pytest.fixture()
def milvus_only():
    if _milvus_missing():
        pytest.skip(_milvus_missing())


def test_milvus_collection_per_generation_named_from_generation_txt(milvus_only, built, tmp_path):
    from search.backends.milvus import collection_name, search_text

    index_dir, backend, _ = built.get("milvus")
    gen = current_generation(index_dir)
    name = collection_name(gen)
    assert re.fullmatch(r"[A-Za-z0-9_]+", name) and name == gen.name.replace("-", "_")
    assert backend.client.has_collection(name)
    fields = {f["name"] for f in backend.client.describe_collection(name)["fields"]}
    assert {"id", "doc_id", "unit", "year", "kind", "title", "section", "text", "sparse"} <= fields
    assert "vector" not in fields   # a keyword-only generation has no dense field
    odd = tmp_path / "x"
    odd.mkdir()
    (odd / "generation.txt").write_text("9 gen-ä.b", encoding="utf-8")
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", collection_name(odd))
    assert search_text("“三公”经费１５,579.950万元") == "三公经费 15579.95 万元"


def test_milvus_missing_collection_is_a_clear_503(milvus_only, tmp_path):
    index_dir = tmp_path / "ix"
    build("embedded", SAMPLE_CORPUS, index_dir)   # built for the other backend
    backend = make_backend("milvus", index_dir)
    body = serve(index_dir, backend).test_client().get("/api/search", query_string={"q": "三公经费"})
    assert body.status_code == 503
    assert "SEARCH_BACKEND=milvus" in body.get_json()["error"]["message"]


def test_milvus_drop_and_orphan_cleanup(milvus_only, tmp_path):
    """drop() removes a generation's collection; a collection left by a killed build is removed next build."""
    index_dir = tmp_path / "ix"
    backend, _ = build("milvus", SAMPLE_CORPUS, index_dir)
    gen = current_generation(index_dir)
    from search.backends.milvus import collection_name

    backend.client.create_collection("gen_20000101_000000_000", dimension=4)   # as if from a killed build
    backend.drop(gen)
    assert not backend.client.has_collection(collection_name(gen))
    build_index(SAMPLE_CORPUS, index_dir, None, rebuild=True, extra_stages=build_stages(), backend=backend)
    new = current_generation(index_dir)
    assert new != gen and backend.client.has_collection(collection_name(new))
    assert not backend.client.has_collection("gen_20000101_000000_000")
    assert set(backend.client.list_collections()) <= {collection_name(p) for p in index_dir.glob("gen-*")}
