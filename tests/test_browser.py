"""What a reviewer sees: `extract serve` on a database built from the fixtures, looked at with
headless Chromium (the DOM after rendering, and screenshots).

Screenshots are saved under test-artifacts/ (gitignored). To refresh docs/screenshot.png, run
this file with EXTRACTOR_UPDATE_SCREENSHOT=1. Skipped only when no Chromium binary is found.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urljoin

import pytest
from bs4 import BeautifulSoup, Tag

from extractor import store
from extractor.run import pipeline

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "screenshot.png"
FIXTURE_FILES = [
    *sorted((ROOT / "fixtures" / "pubmed_xml").glob("*.xml")),
    ROOT / "fixtures" / "constructed" / "records.xml",
]
WINDOW = (1280, 1600)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
START_TIMEOUT = 60.0
BROWSER_TIMEOUT = 90.0


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=f"no Chromium binary on PATH (looked for {', '.join(CHROMIUM_NAMES)}); "
           "install Debian's chromium package to run the browser test",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(db_path: Path, port: int) -> list[str]:
    """`extract serve ...`: the installed console script when there is one, else the same
    click command run by this interpreter."""
    args = ["serve", "--db", str(db_path), "--host", "127.0.0.1", "--port", str(port)]
    script = Path(sys.executable).parent / "extract"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from extractor.cli import cli; cli()", *args]


def wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"extract serve exited with {process.returncode}:\n"
                                 f"{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"extract serve did not answer {url} within {START_TIMEOUT:.0f} s:\n"
                         f"{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the server (its own process group) with SIGTERM, then SIGKILL; bounded waits."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def serving(db_path: Path) -> Iterator[str]:
    """`extract serve` on ``db_path`` (logging beside it); its base URL until the block ends."""
    port = free_port()
    log = db_path.parent / "serve.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(log, "wb") as out:
        process = subprocess.Popen(serve_command(db_path, port), cwd=db_path.parent, env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/-/versions.json", process, log)
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `extract serve` on extractions.db built from the fixtures."""
    db_path = tmp_path_factory.mktemp("browser") / "extractions.db"
    db = store.open_db(db_path)
    result = pipeline.run_files(db, FIXTURE_FILES, [])
    db.close()
    assert "17638731" in result.stored
    with serving(db_path) as base:
        yield base


class Browser:
    """Headless Chromium, a fresh profile per call, killed (whole group) if it overruns."""

    def __init__(self, binary: str, profiles: Path) -> None:
        self.binary = binary
        self.profiles = profiles
        self.calls = 0

    def _run(self, *args: str) -> str:
        self.calls += 1
        profile = self.profiles / f"profile-{self.calls}"
        command = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                   "--disable-dev-shm-usage",
                   f"--user-data-dir={profile}", *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=BROWSER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=10)
            raise AssertionError(f"chromium took over {BROWSER_TIMEOUT:.0f} s: {args}") from None
        assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
        return stdout.decode("utf-8", errors="replace")

    def dom(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self._run("--dump-dom", url), "html.parser")

    def screenshot(self, url: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self._run(f"--screenshot={path}", f"--window-size={WINDOW[0]},{WINDOW[1]}", url)
        return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Browser:
    assert CHROMIUM is not None
    return Browser(CHROMIUM, tmp_path_factory.mktemp("chromium"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def cell(row: Tag, column: str) -> Tag:
    found = row.select_one(f"td.col-{column}")
    assert found is not None, f"no {column} cell in {row}"
    return found


def facet_values(page: BeautifulSoup, column: str) -> list[str]:
    facet = page.select_one(f'div.facet-info[data-column="{column}"]')
    assert facet is not None, f"no {column} facet on the page"
    return [link.get_text(strip=True) for link in facet.select("ul li a")]


# --- the tests --------------------------------------------------------------------------------


def test_articles_table_lists_the_worked_example_with_search(server: str, browser: Browser) -> None:
    page = browser.dom(f"{server}/extractions/articles")
    assert page.title is not None and page.title.get_text().startswith("extractions: articles")
    rows = page.select("table.rows-and-columns tbody tr")
    pmids = [cell(row, "pmid").get_text(strip=True) for row in rows]
    assert "17638731" in pmids
    assert page.select_one('form input[name="_search"]') is not None  # the full-text search box
    assert "publication_types" in {div["data-column"] for div in page.select("div.facet-info")}
    years = [int(y) for y in (cell(row, "year").get_text(strip=True) for row in rows) if y]
    assert len(years) > 1 and years == sorted(years, reverse=True)  # newest first
    assert "PubMed / NLM" in page.get_text()  # the source, in the footer


def test_search_finds_the_worked_example_by_its_abstract(server: str, browser: Browser) -> None:
    page = browser.dom(f"{server}/extractions/articles?{urlencode({'_search': 'CD11a'})}")
    pmids = [cell(row, "pmid").get_text(strip=True)
             for row in page.select("table.rows-and-columns tbody tr")]
    assert pmids == ["17638731"]


def test_overview_drug_facet_shows_efalizumab(server: str, browser: Browser) -> None:
    page = browser.dom(f"{server}/extractions/article_overview?{urlencode({'_search': 'lupus'})}")
    assert facet_values(page, "studied_drugs") == ["Efalizumab"]
    assert "Lupus Erythematosus, Discoid" in facet_values(page, "population_conditions")
    [row] = page.select("table.rows-and-columns tbody tr")
    link = cell(row, "pubmed_url").select_one("a")
    assert link is not None and link["href"] == "https://pubmed.ncbi.nlm.nih.gov/17638731/"


def test_following_the_efalizumab_facet_lists_its_article(server: str, browser: Browser) -> None:
    url = f"{server}/extractions/article_overview?_facet_size=max"
    page = browser.dom(url)
    [facet] = [a for a in page.select('div.facet-info[data-column="studied_drugs"] ul li a')
               if a.get_text(strip=True) == "Efalizumab"]
    assert "studied_drugs__arraycontains=Efalizumab" in facet["href"]
    filtered = browser.dom(urljoin(url, str(facet["href"])))
    pmids = [cell(row, "pmid").get_text(strip=True)
             for row in filtered.select("table.rows-and-columns tbody tr")]
    assert pmids == ["17638731"]


def test_p_values_for_a_drug_shows_operator_value_and_sentence(server: str, browser: Browser) -> None:
    url = f"{server}/extractions/p_values_for_drug?{urlencode({'drug': 'efalizumab'})}"
    page = browser.dom(url)
    assert page.select_one('input[name="drug"]')["value"] == "efalizumab"  # type: ignore[index]
    [row] = page.select("table.rows-and-columns tbody tr")
    shown = f'{cell(row, "operator").get_text(strip=True)} {cell(row, "value").get_text(strip=True)}'
    assert shown == "= 0.002"
    assert cell(row, "evidence").get_text(strip=True) == "P = .002"
    assert "after therapy with efalizumab (P = .002)." in cell(row, "sentence").get_text()
    link = cell(row, "pubmed_url").select_one("a")
    assert link is not None and link["href"] == "https://pubmed.ncbi.nlm.nih.gov/17638731/"
    assert cell(row, "pmid").get_text(strip=True) == "17638731"
    assert "PubMed / NLM" in page.select_one("footer").get_text()  # type: ignore[union-attr]
    browser.screenshot(url, ARTIFACTS / "p_values_for_drug.png")


def test_home_page_links_to_the_overview_and_the_queries(server: str, browser: Browser) -> None:
    page = browser.dom(f"{server}/")
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".metadata-description a")}
    assert links["articles"] == "extractions/article_overview"
    assert links["all P values for a drug"] == "extractions/p_values_for_drug"
    assert links["findings that may be wrong"] == "extractions/possible_errors"
    licence = page.select_one('footer a[href="https://www.nlm.nih.gov/databases/download/terms_and_conditions.html"]')
    assert licence is not None


def test_screenshots_of_the_workbench(server: str, browser: Browser) -> None:
    overview = browser.screenshot(f"{server}/extractions/article_overview",
                                  ARTIFACTS / "article_overview.png")
    articles = browser.screenshot(f"{server}/extractions/articles", ARTIFACTS / "articles.png")
    home = browser.screenshot(f"{server}/extractions", ARTIFACTS / "database.png")
    for path in (overview, articles, home):
        assert png_size(path) == WINDOW
        assert path.stat().st_size > 20_000  # a rendered page, not a blank one
    if os.environ.get("EXTRACTOR_UPDATE_SCREENSHOT") == "1":
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(overview, DOCS_SCREENSHOT)


# --- hostile text stays text --------------------------------------------------------------------
#
# A title or abstract is whatever the publisher sent: it must show as text, never run. Each
# payload, should it run, marks the page (`data-pwned` on <html>) instead of calling alert(),
# which would block headless Chromium's --dump-dom until the browser timeout.

HOSTILE_PMID = "99999901"
PWN = "document.documentElement.setAttribute('data-pwned', '{}')"
SCRIPT = f"<script>{PWN.format('script')}</script>"
IMG = f'"><img src=x onerror="{PWN.format("img")}">'
SVG = f"'><svg onload={PWN.format('svg').replace(' ', '')}>"
LINK = f'<a href="javascript:{PWN.format("link")}">javascript:alert(1)</a>'
LABEL = f"javascript:{PWN.format('label')}"  # a whole cell value, as a section label
SQL = "'; DROP TABLE articles; -- \" OR 1=1 --"
TEMPLATE = "{{ 7*7 }} {% debug %}"
HOSTILE_TITLE = f"Thalidomide {SCRIPT} in discoid disease {IMG} {SVG}"
HOSTILE_TEXTS = (SCRIPT, IMG, SVG, LINK, SQL, TEMPLATE)


def hostile_efetch_xml(path: Path) -> Path:
    """The worked example's efetch record as PMID 99999901 with hostile markup as the text of
    its title, journal, abstract sections, a section label and a publication type."""
    tree = ET.parse(ROOT / "fixtures" / "pubmed_xml" / "17638731.xml")
    citation = tree.find("PubmedArticle/MedlineCitation")
    assert citation is not None
    for pmid in (citation.find("PMID"), tree.find("PubmedArticle/PubmedData/ArticleIdList/ArticleId")):
        assert pmid is not None
        pmid.text = HOSTILE_PMID
    article = citation.find("Article")
    assert article is not None
    article.find("ArticleTitle").text = HOSTILE_TITLE  # type: ignore[union-attr]
    article.find("Journal/Title").text = f"Arch Dermatol {IMG}"  # type: ignore[union-attr]
    background, observations, _ = article.findall("Abstract/AbstractText")
    background.set("Label", LABEL)
    background.text = f"Read {LINK} then {SQL} and {TEMPLATE}."
    observations.text = ("Thirteen patients received thalidomide, with responses in 12 of 13 "
                         f"patients. There was a significant reduction {SCRIPT} after therapy "
                         "with thalidomide (P = .002).")
    types = article.find("PublicationTypeList")
    assert types is not None
    ET.SubElement(types, "PublicationType", UI="D000000").text = SCRIPT
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`extract serve` on a database holding only the hostile record, stored by the pipeline
    of `extract --xml`."""
    folder = tmp_path_factory.mktemp("hostile")
    db = store.open_db(folder / "extractions.db")
    result = pipeline.run_files(db, [hostile_efetch_xml(folder / "hostile.xml")], [])
    db.close()
    assert result.stored == [HOSTILE_PMID], [failure.line() for failure in result.failures]
    with serving(folder / "extractions.db") as base:
        yield base


def scripts_that_ran(page: BeautifulSoup) -> list[str]:
    """What the payloads left in the rendered DOM: the marks of those that ran, and any element
    or link that markup in the data turned into (an <img src=x>, a javascript: link...)."""
    html = page.select_one("html")
    assert html is not None
    found = [f"ran: {html['data-pwned']}"] if html.has_attr("data-pwned") else []
    found += [f"element: {tag.name}" for tag in page.select("img[src=x], svg[onload], [onerror]")]
    found += [f"script: {tag}" for tag in page.select("script") if "data-pwned" in tag.get_text()]
    found += [f"link: {a['href']}" for a in page.select("a[href]")
              if str(a["href"]).strip().lower().startswith("javascript:")]
    return found


def test_the_hostile_page_check_sees_a_payload_that_runs(browser: Browser, tmp_path: Path) -> None:
    """The control: the same payloads pasted into a page as markup are all caught."""
    page = tmp_path / "pasted.html"
    page.write_text(f"<html><body><p>{HOSTILE_TITLE}</p><p>{LINK}</p></body></html>", encoding="utf-8")
    found = scripts_that_ran(browser.dom(page.as_uri()))
    assert found[0] in ("ran: script", "ran: img", "ran: svg")
    assert {"element: img", "element: svg", "link: javascript:" + PWN.format("link")} <= set(found)


@pytest.mark.parametrize("path, query, shown", [
    # the row page: title, journal, abstract and record_json in full
    (f"/extractions/articles/{HOSTILE_PMID}", {}, HOSTILE_TEXTS),
    # section labels and texts, and the article's title as the label of every pmid link
    ("/extractions/sections", {"pmid": HOSTILE_PMID}, (LABEL, SCRIPT, LINK, SQL, TEMPLATE)),
    # the overview with the publication-type facet, searched for a payload it echoes
    ("/extractions/article_overview", {"_search": IMG}, (SCRIPT, IMG, SVG)),
    # a stored query showing the sentence of a P value
    ("/extractions/p_values_for_drug", {"drug": "thalidomide"}, (SCRIPT,)),
], ids=["row", "sections", "overview-search", "stored-query"])
def test_hostile_titles_and_abstracts_show_as_text(hostile_server: str, browser: Browser, path: str,
                                                   query: dict[str, str], shown: tuple[str, ...]) -> None:
    page = browser.dom(f"{hostile_server}{path}?{urlencode(query)}")
    assert scripts_that_ran(page) == []
    assert page.select_one("table.rows-and-columns") is not None  # the data was shown ...
    text = page.get_text()
    assert [payload for payload in shown if payload not in text] == []  # ... as written
    assert HOSTILE_PMID in text
    for name, value in query.items():  # the parameters echoed in their boxes, as written
        box = page.select_one(f'input[name="{name}"]')
        assert box is not None and box["value"] == value
