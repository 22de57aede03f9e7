"""The web UI in a real headless Chromium against the real server on loopback (Debian chromium +
chromium-driver, driven by selenium). Screenshots of each page are saved to artifacts/screenshots/."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_CORPUS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = ROOT / "artifacts" / "screenshots"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("Debian chromium and chromium-driver are not installed (CI installs them: see .ci/run)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, model: str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--corpus", str(SAMPLE_CORPUS),
                             "--index", str(index_dir), "--model", model], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/api/health", timeout=2)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited early") from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="module")
def keyword_server(tmp_path_factory):
    proc, base = start_server(tmp_path_factory.mktemp("browser") / "index", "none")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def hybrid_server(tmp_path_factory, char_model_path):
    proc, base = start_server(tmp_path_factory.mktemp("browser-hybrid") / "index", str(char_model_path))
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1400"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def in_viewport(driver, element) -> bool:
    return driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.bottom > 0 && r.top < window.innerHeight;", element)


def test_question_answer_citation_and_document(browser, keyword_server):
    browser.get(keyword_server + "/")
    assert browser.find_element(By.ID, "mode-notice").is_displayed()   # honest keyword-mode notice
    box = browser.find_element(By.ID, "q")
    box.send_keys("哪个局三公经费为零")
    box.send_keys(Keys.ENTER)
    answer = browser.find_element(By.ID, "answer")
    assert "临夏" in answer.text and "东昌府" in answer.text
    assert "哪个局三公经费为零" in browser.current_url or "%E5%93%AA" in browser.current_url  # permalink
    shot(browser, "search")
    citation = answer.find_elements(By.CSS_SELECTOR, "a.cite")[0]
    citation.click()
    assert "/doc/" in browser.current_url
    cited = browser.find_elements(By.CSS_SELECTOR, "tr.cited")
    assert cited, "cited lines are highlighted"
    assert in_viewport(browser, cited[0]), "cited lines are scrolled into view"
    assert any("三公" in row.text for row in cited)
    shot(browser, "document")


def test_reloading_the_url_shows_the_same_page(browser, keyword_server):
    browser.get(keyword_server + "/?q=公务接待费")
    first = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "article.result .section")]
    browser.refresh()
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "article.result .section")] == first


def test_year_facet_filters_results(browser, keyword_server):
    browser.get(keyword_server + "/?q=三公经费")
    facet = next(a for a in browser.find_elements(By.CSS_SELECTOR, "a.facet[data-facet=year]") if "2025" in a.text)
    facet.click()
    assert "year=2025" in browser.current_url
    badges = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "article.result .badge")]
    years = [b for b in badges if b.endswith("年")]
    assert years and set(years) == {"2025年"}
    shot(browser, "search-year-facet")


def test_figures_page_chart_and_csv(browser, keyword_server):
    browser.get(keyword_server + "/facts?metric=三公经费")
    assert browser.find_element(By.CSS_SELECTOR, "svg[role=img]").is_displayed()
    rows = browser.find_elements(By.CSS_SELECTOR, "#facts-table tbody tr")
    assert len(rows) >= 5
    shot(browser, "facts")
    href = browser.find_element(By.ID, "download-csv").get_attribute("href")
    with urllib.request.urlopen(href) as response:
        body = response.read().decode("utf-8")
        assert response.headers.get_content_type() == "text/csv"
    assert body.startswith("\ufeff") and "临夏回族自治州医疗保障局" in body
    link = rows[0].find_element(By.CSS_SELECTOR, "td:last-child a")
    link.click()
    assert browser.find_elements(By.CSS_SELECTOR, "tr.cited")


def test_script_in_query_is_shown_as_text(browser, keyword_server):
    browser.get(keyword_server + "/?q=" + urllib.request.quote("<script>alert(1)</script>三公经费"))
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.find_element(By.ID, "q").get_attribute("value") == "<script>alert(1)</script>三公经费"
    assert "<script>alert(1)</script>" not in browser.page_source.split("<main>")[1].split("</main>")[0]


def test_keyboard_and_phone_width(browser, keyword_server):
    browser.get(keyword_server + "/?q=机关运行经费")
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    assert browser.switch_to.active_element.get_attribute("id") == "q"
    browser.set_window_size(390, 844)
    try:
        browser.get(keyword_server + "/?q=机关运行经费")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 2
        shot(browser, "search-phone")
    finally:
        browser.set_window_size(1280, 1400)


def test_pages_work_with_the_embedding_model(browser, hybrid_server):
    browser.get(hybrid_server + "/?q=党建经费")
    assert not browser.find_elements(By.ID, "mode-notice")
    channels = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, "article.result .meta"))
    assert "semantic" in channels
    browser.get(hybrid_server + "/facts?metric=机关运行经费")
    assert browser.find_elements(By.CSS_SELECTOR, "#facts-table tbody tr")
    shot(browser, "search-hybrid")


@pytest.fixture(scope="module")
def pdf_server(tmp_path_factory):
    """The server over two real 2026 PDFs (page images need originals with a text layer)."""
    from conftest import CORPUS_2026, require_shared

    corpus = tmp_path_factory.mktemp("browser-pdfs")
    for name in ("2026年北京市医疗保障局部门预算.pdf", "2026年上海市公安局_部门预算.pdf"):
        shutil.copyfile(require_shared(CORPUS_2026) / name, corpus / name)   # links out of the corpus are skipped
    port = free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--corpus", str(corpus),
                             "--index", str(tmp_path_factory.mktemp("browser-pdf-index") / "index"),
                             "--model", "none"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/api/health", timeout=2)
            break
        except OSError:
            assert proc.poll() is None, "server exited early"
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_cited_figure_opens_the_original_page_with_boxes(browser, pdf_server):
    browser.get(pdf_server + "/?q=" + urllib.request.quote("北京市医疗保障局三公经费是多少"))
    answer = browser.find_element(By.ID, "answer")
    assert re.search(r"第\d+(–\d+)?页", answer.text), "the answer card cites a PDF page"
    assert "第" in answer.find_element(By.CSS_SELECTOR, "input.cite-line").get_attribute("value")
    link = answer.find_element(By.CSS_SELECTOR, "table.data a.cite")
    page = int(re.search(r"第(\d+)", link.text).group(1))
    link.click()
    assert f"page={page}" in browser.current_url and "mark=" in browser.current_url
    figure = browser.find_element(By.ID, "page-view")
    image = figure.find_element(By.CSS_SELECTOR, ".page-image img")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    assert f"第{page}页" in image.get_attribute("alt")
    assert image.is_displayed() and image.size["width"] > 200
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", figure)
    frame = image.rect
    for css in (".page-image .hl", ".page-image .hl-mark"):
        boxes = figure.find_elements(By.CSS_SELECTOR, css)
        assert boxes, f"{css}: the cited text is boxed on the page image"
        box = boxes[0].rect
        assert box["width"] > 2 and box["height"] > 2
        assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    # the text beside it is still the cited passage
    assert browser.find_elements(By.CSS_SELECTOR, "tr.cited")
    assert browser.find_element(By.ID, "original-link").get_attribute("href").endswith(f"#page={page}")
    shot(browser, "document-page-image")
