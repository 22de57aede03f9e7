"""Growth (issue 16): a streamed build, the size+mtime shortcut, progress per
phase, the build in a child process, and query work that does not grow with the documents a query names.
Every test builds a real index from the real sample documents (and a few real 2026 PDFs)."""
from __future__ import annotations

import os
import sqlite3

import numpy as np
import pytest
from conftest import SAMPLE_CORPUS, make_app, pdf_sample_corpus

from search import indexer
from search.backends.embedded import EmbeddedReader
from search.cli import build_stages
from search.indexer import build_index, current_generation, read_manifest
from search.query import build_aliases, parse_query
from search.tokens import compact_text


def build(corpus, index, **kw):
    return build_index(corpus, index, None, extra_stages=build_stages(), **kw)


@pytest.fixture(scope="module")
def growth_corpus(tmp_path_factory):
    """Every 40th real 2026 PDF plus a sample: enough documents for the read-ahead workers (≥ 8 files)."""
    corpus = pdf_sample_corpus(tmp_path_factory, 40, "growth-corpus")
    for txt in sorted(SAMPLE_CORPUS.glob("*.txt")):
        if not (corpus / txt.name).exists():
            (corpus / txt.name).write_bytes(txt.read_bytes())   # copies: links out of the corpus are skipped
    return corpus


def _texts(index):
    conn = sqlite3.connect(current_generation(index) / "store.sqlite")
    try:
        return {pid: compact_text(text) for pid, text in conn.execute("SELECT id, text FROM passages")}
    finally:
        conn.close()


def test_every_phase_reports_progress(growth_corpus, tmp_path, capsys):
    build(growth_corpus, tmp_path / "ix", progress=True)
    err = capsys.readouterr().err
    assert "reading, chunking, figures, keyword index" in err and "file" in err
    assert "keyword index: writing" in err and "keyword index: done in" in err


def test_unchanged_files_are_not_hashed_again_and_same_size_edits_are_seen(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for txt in sorted(SAMPLE_CORPUS.glob("*.txt")):
        (corpus / txt.name).write_bytes(txt.read_bytes())
    index = tmp_path / "ix"
    build(corpus, index)
    entries = read_manifest(current_generation(index))["files"]
    assert all(e["stat"][0] == (corpus / name).stat().st_size for name, e in entries.items())

    hashed = []
    real = indexer.source_fingerprint
    monkeypatch.setattr(indexer, "source_fingerprint", lambda p: hashed.append(p.name) or real(p))
    (corpus / "new.txt").write_text("某某市测试局2024年部门预算\n第一部分 部门概况\n一、主要职能\n负责独角兽草原的管理工作。",
                                    encoding="utf-8")
    report = build(corpus, index)
    assert report.added == ["new.txt"] and hashed == ["new.txt"]

    # same size, new content, new modification time: hashed and re-indexed
    target = sorted(corpus.glob("0*.txt"))[0]
    data = target.read_bytes()
    edited = data.replace("预算".encode(), "决算".encode(), 1)
    assert edited != data and len(edited) == len(data)
    stat = target.stat()
    target.write_bytes(edited)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    hashed.clear()
    report = build(corpus, index)
    assert hashed == [target.name] and report.updated == [target.name]

    # touched, same content: hashed once, nothing re-indexed, and the new time is remembered
    os.utime(corpus / "new.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000))
    hashed.clear()
    assert not build(corpus, index).changed and hashed == ["new.txt"]


def test_restricting_to_named_documents_matches_filtering_the_whole_ranking(keyword_index):
    reader = EmbeddedReader(current_generation(keyword_index), with_vectors=False)
    try:
        docs = sorted({pid.rsplit("-", 1)[0] for pid in reader.scorer.ids})
        everything = reader.keyword_search("三公经费 公务接待费", 100000)
        for named in ({docs[0]}, set(docs[1:3]), set()):
            restricted = reader.keyword_search("三公经费 公务接待费", 100000, named)
            assert restricted == [(pid, s) for pid, s in everything if pid.rsplit("-", 1)[0] in named]
        assert reader.keyword_search("三公经费", 10, {"no-such-document", "../../etc"}) == []
        mask = reader.row_mask(reader.doc_of_row, {docs[0]})
        assert mask.dtype == np.bool_ and mask.sum() == sum(pid.startswith(docs[0]) for pid in reader.scorer.ids)
    finally:
        reader.close()


def test_vector_restriction_keeps_only_named_documents(hybrid_index, embedder):
    reader = EmbeddedReader(current_generation(hybrid_index), with_vectors=True)
    try:
        doc = reader.vectors.ids[0].rsplit("-", 1)[0]
        hits = reader.vector_search(embedder.encode_query("三公经费"), 50, {doc})
        assert hits and all(pid.rsplit("-", 1)[0] == doc for pid, _ in hits)
        assert reader.vector_search(embedder.encode_query("三公经费"), 50, set()) == []
    finally:
        reader.close()


def test_unit_mentions_read_once_per_written_form_as_alias_by_alias(keyword_index):
    gen = make_app(keyword_index).extensions["budget_engine"].generation()
    table = build_aliases(gen.documents.values())
    assert len(table.forms) <= len(table)
    for q in ("海东市平安区医疗保障局2024年收支总预算是多少", "海东市医保局公务接待费", "临夏州和东昌府区的三公经费",
              "平安区医疗保障局有几辆车", "什么是三公经费", "西宁市城东区医疗保障局2025年三公经费预算多少"):
        assert parse_query(q, table, gen.years) == parse_query(q, list(table), gen.years)


def test_app_builds_in_a_child_process(tmp_path):
    """python app.py's build runs in a child: the serving process only loads the finished generation."""
    import argparse

    from search.cli import run_index_in_child

    args = argparse.Namespace(corpus=str(SAMPLE_CORPUS), index=str(tmp_path / "ix"), model="none", rebuild=False)
    assert run_index_in_child(args) == 0
    assert current_generation(tmp_path / "ix") is not None
    assert run_index_in_child(argparse.Namespace(corpus=str(tmp_path / "missing"), index=str(tmp_path / "ix2"),
                                                 model="none", rebuild=False)) == 2
