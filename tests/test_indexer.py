"""Incremental, crash-safe index generations over a real copy of the sample corpus."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from conftest import BADFILES, ROOT, make_app, require_shared

from search.cli import build_stages
from search.indexer import build_index, current_generation, read_manifest


def build(corpus, index, embedder=None, **kw):
    return build_index(corpus, index, embedder, extra_stages=build_stages(), **kw)


def test_unchanged_corpus_builds_nothing(corpus_copy, tmp_path):
    first = build(corpus_copy, tmp_path / "ix")
    second = build(corpus_copy, tmp_path / "ix")
    assert first.changed and not second.changed
    assert second.generation == first.generation and second.passages == first.passages


def test_adding_changing_and_deleting_one_file_touches_only_that_document(corpus_copy, tmp_path):
    index = tmp_path / "ix"
    build(corpus_copy, index)
    before = make_app(index).test_client()
    docs_before = {d["file"]: d for d in before.get("/api/documents").get_json()["documents"]}

    (corpus_copy / "new.txt").write_text("某某市测试局2024年部门预算\n第一部分 部门概况\n一、主要职能\n负责独角兽草原的管理工作。",
                                         encoding="utf-8")
    report = build(corpus_copy, index)
    assert report.added == ["new.txt"] and not report.updated and not report.removed and not report.full_rebuild
    client = make_app(index).test_client()
    hits = client.get("/api/search", query_string={"q": "独角兽草原"}).get_json()["results"]
    assert hits and hits[0]["file"] == "new.txt"
    docs_after = {d["file"]: d for d in client.get("/api/documents").get_json()["documents"]}
    for name, doc in docs_before.items():
        assert docs_after[name]["doc_id"] == doc["doc_id"] and docs_after[name]["passages"] == doc["passages"]

    path = corpus_copy / "004_0a8a22fa5a2243d7.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n十七、补充说明\n本局新增麒麟养护项目。", encoding="utf-8")
    report = build(corpus_copy, index)
    assert report.updated == ["004_0a8a22fa5a2243d7.txt"] and not report.added
    assert make_app(index).test_client().get("/api/search", query_string={"q": "麒麟养护"}).get_json()["results"][0][
        "file"] == "004_0a8a22fa5a2243d7.txt"

    (corpus_copy / "new.txt").unlink()
    report = build(corpus_copy, index)
    assert report.removed == ["new.txt"]
    hits = make_app(index).test_client().get("/api/search", query_string={"q": "独角兽草原"}).get_json()["results"]
    assert all(h["file"] != "new.txt" for h in hits)


def test_bad_files_are_skipped_with_reasons_and_duplicates_indexed_once(corpus_copy, tmp_path):
    for bad in require_shared(BADFILES).iterdir():
        shutil.copy(bad, corpus_copy / bad.name)
    report = build(corpus_copy, tmp_path / "ix")
    reasons = {s["file"]: s["reason"] for s in report.skipped}
    assert set(reasons) == {"empty.pdf", "truncated.pdf", "html-saved-as.pdf", "binary-noise.txt"}
    # a scan is not skipped: it waits for OCR (run after the first generation, see test_ocr_coverage)
    assert [p["file"] for p in report.pending] == ["scanned-no-text.pdf"]
    dupes = {d["file"]: d["duplicate_of"] for d in report.duplicates}
    assert dupes == {"gbk-encoded.txt": "000_e6f0054cb91bf0b4.txt", "utf16-bom.txt": "000_e6f0054cb91bf0b4.txt"}
    assert report.documents == 5
    health = make_app(tmp_path / "ix").test_client().get("/api/health").get_json()
    assert {s["file"] for s in health["skipped"]} == set(reasons) and len(health["duplicates"]) == 2


def test_changed_model_is_detected_and_rebuilt(corpus_copy, tmp_path, embedder):
    index = tmp_path / "ix"
    build(corpus_copy, index)
    report = build(corpus_copy, index, embedder)
    assert report.full_rebuild and read_manifest(current_generation(index))["model"] == embedder.name
    assert make_app(index, embedder).test_client().get("/api/health").get_json()["mode"] == "hybrid"


def test_killed_build_leaves_the_old_index_serving(corpus_copy, tmp_path):
    index = tmp_path / "ix"
    build(corpus_copy, index)
    old_generation = current_generation(index)
    client = make_app(index).test_client()
    # a slow build: many copies of a document; kill it while it is writing
    for i in range(60):
        shutil.copy(corpus_copy / "004_0a8a22fa5a2243d7.txt", corpus_copy / f"copy{i:02d}.txt")
        with open(corpus_copy / f"copy{i:02d}.txt", "a", encoding="utf-8") as fh:
            fh.write(f"\n唯一标记{i}")
    proc = subprocess.Popen([sys.executable, "-m", "search", "index", "--corpus", str(corpus_copy), "--index",
                             str(index), "--model", "none"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".building-") for p in index.iterdir()):
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_generation(index) == old_generation
    assert client.get("/api/search", query_string={"q": "三公经费"}).status_code == 200
    report = build(corpus_copy, index)
    assert report.changed and report.documents == 65
    assert not any(p.name.startswith(".building-") for p in index.iterdir())
    assert json.loads((current_generation(index) / "manifest.json").read_text())["files"]["copy59.txt"]["status"] == "indexed"
    # the running app picks up the new generation on its next request
    assert client.get("/api/health").get_json()["documents"] == 65


def test_index_from_other_code_is_refused_on_load_with_the_command_to_run(corpus_copy, tmp_path):
    index = tmp_path / "ix"
    build(corpus_copy, index)
    manifest_path = current_generation(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["dictionary_version"] = "older-dictionary"
    manifest_path.write_text(json.dumps(manifest))
    response = make_app(index).test_client().get("/api/search", query_string={"q": "三公经费"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "index_incompatible" and "python -m search index" in error["message"]
    # and the next index run rebuilds it
    assert build(corpus_copy, index).full_rebuild


def test_index_embedded_with_another_model_serves_keyword_mode_and_says_why(corpus_copy, tmp_path, embedder):
    index = tmp_path / "ix"
    build(corpus_copy, index)   # keyword-only index
    health = make_app(index, embedder).test_client().get("/api/health").get_json()
    assert health["mode"] == "keyword" and "python -m search index --model" in health["model_status"]
