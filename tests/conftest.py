"""Fixtures over real indexes built from the real sample documents (flaskr style: app + client)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from char_model import build_char_model

from search.cli import build_stages
from search.indexer import build_index
from search.semantic import ModelStatus, load_embedder
from search.webapp import create_app

ROOT = Path(__file__).resolve().parent.parent

SAMPLE_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
CORPUS_2026 = SHARED / "corpus-2026"
BADFILES = SHARED / "badfiles"


def corpus_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_CORPUS.glob("*.txt"))]


@pytest.fixture(scope="session")
def char_model_path(tmp_path_factory) -> Path:
    return build_char_model(tmp_path_factory.mktemp("model") / "char-static", corpus_texts())


@pytest.fixture(scope="session")
def embedder(char_model_path):
    loaded, status = load_embedder(str(char_model_path))
    assert loaded is not None, status.message
    return loaded


def _build(tmp_path_factory, name, embedder=None) -> Path:
    index_dir = tmp_path_factory.mktemp(name) / "index"
    build_index(SAMPLE_CORPUS, index_dir, embedder, extra_stages=build_stages())
    return index_dir


@pytest.fixture(scope="session")
def keyword_index(tmp_path_factory) -> Path:
    return _build(tmp_path_factory, "keyword")


@pytest.fixture(scope="session")
def hybrid_index(tmp_path_factory, embedder) -> Path:
    return _build(tmp_path_factory, "hybrid", embedder)


def make_app(index_dir: Path, embedder=None, corpus_dir: Path | None = None):
    status = ModelStatus(embedder.name if embedder else "none", embedder is not None,
                         "test model" if embedder else "keyword mode for tests")
    config = {"TESTING": True, "INDEX_DIR": str(index_dir), "EMBEDDER": embedder, "MODEL_STATUS": status}
    if corpus_dir is not None:
        config["CORPUS_DIR"] = str(corpus_dir)   # where /files/<id> and the page images read originals
    return create_app(config)


def client_over_pdfs(tmp_path_factory, name: str, pdfs: list[str]):
    """A Flask test client over a real index (figures and tables stages included) of the named 2026 PDFs,
    copied into a corpus folder of their own."""
    from search.cli import build_stages
    from search.indexer import build_index

    corpus = tmp_path_factory.mktemp(name) / "corpus"
    corpus.mkdir()
    for pdf in pdfs:
        shutil.copyfile(require_shared(CORPUS_2026 / pdf), corpus / pdf)
    index = corpus.parent / "index"
    build_index(corpus, index, None, extra_stages=build_stages())
    return make_app(index).test_client()


def pdf_sample_corpus(tmp_path_factory, step: int, name: str) -> Path:
    """Every step-th real 2026 PDF plus the sample .txt files, copied into a corpus folder (copies: the
    indexer skips links that point out of the corpus folder)."""
    corpus = tmp_path_factory.mktemp(name)
    for pdf in sorted(require_shared(CORPUS_2026).glob("*.pdf"))[::step]:
        shutil.copyfile(pdf, corpus / pdf.name)
    for txt in sorted(SAMPLE_CORPUS.glob("*.txt"))[:1]:
        shutil.copyfile(txt, corpus / txt.name)
    return corpus


@pytest.fixture(scope="session", params=["keyword", "hybrid"])
def app(request, keyword_index):
    """The same API suite runs against both backends (txtai style)."""
    if request.param == "keyword":
        return make_app(keyword_index)
    embedder = request.getfixturevalue("embedder")
    return make_app(request.getfixturevalue("hybrid_index"), embedder)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def keyword_client(keyword_index):
    return make_app(keyword_index).test_client()


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, target)
    return target


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not available (../shared missing)")
    return path


# -- tiers (pyproject.toml declares the markers) ------------------------------------------------------------
# A test is "integration" when it needs an index or a server built from real documents, "unit" otherwise;
# `python -m pytest -m unit` runs the unit tier in seconds. Markers are derived from the fixtures a test
# uses, so a new test lands in the right tier without anyone remembering to mark it.
INDEX_FIXTURES = {"keyword_index", "hybrid_index", "app", "client", "keyword_client", "real_pdf_client", "built",
                  "keyword_server", "hybrid_server", "planted", "corpus_copy", "embedder", "char_model_path"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        module = item.module.__name__ if item.module else ""
        if module.endswith("test_browser"):
            item.add_marker(pytest.mark.browser)
        if "milvus" in item.nodeid:
            item.add_marker(pytest.mark.milvus)
        if names & INDEX_FIXTURES or item.get_closest_marker("browser") or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)
