"""The built site in headless Chromium: it works, it searches, it is accessible (axe-core), light and dark."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from site_under_test import LAST_YEAR, served_site

pytestmark = pytest.mark.browser
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["", "issues/2026-W47/", "archive/", "topics/", "topics/controlnet/", "sources/", "about/", "search/",
         "404.html"]
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


def _missing() -> str | None:
    for tool in ("chromium", "chromedriver"):
        if not shutil.which(tool):
            return f"{tool} is not installed (make test installs Debian's chromium and chromium-driver as root)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


if _missing():
    pytest.skip(_missing(), allow_module_level=True)


def chromium(tmp_path: Path, *, javascript: bool = True, width: int = 1280, height: int = 900):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager look for a browser online
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_site(tmp_path_factory.mktemp("site"), LAST_YEAR) as served:
        yield served


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def axe_violations(browser) -> list:
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        "  .then(r => done(r.violations.map(v => [v.id, v.help, v.nodes.map(n => n.target.join(' '))])))"
        "  .catch(e => done([['axe failed', String(e), []]]));")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_without_errors(site, browser, path):
    base, _ = site
    browser.get(f"{base}/{path}")

    assert browser.title
    assert browser.find_element("css selector", "main").text.strip()
    errors = [entry["message"] for entry in browser.get_log("browser")
              if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]
    assert errors == []


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make test runs npm ci)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_accessibility_violation(site, browser, path, scheme):
    base, _ = site
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                                         "value": scheme}]})
    browser.get(f"{base}/{path}")

    assert axe_violations(browser) == []


def test_search_finds_the_issue_with_the_controlnet_paper(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    browser.get(f"{base}/search/?q=ControlNet")

    links = WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements("css selector", ".pagefind-ui__result-link"))
    assert any(link.get_attribute("href").endswith("/issues/2026-W46/") for link in links)


def test_search_finds_issues_of_every_year_through_the_merged_indexes(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    browser.get(f"{base}/search/?q=distillation")

    links = WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements("css selector", ".pagefind-ui__result-link"))
    found = {link.get_attribute("href").rsplit("/issues/", 1)[-1] for link in links}
    assert {"2025-W46/", "2026-W47/"} <= found  # last year's index and this year's


def test_without_javascript_every_page_still_works(site, tmp_path):
    base, _ = site
    driver = chromium(tmp_path, javascript=False)
    try:
        driver.get(f"{base}/search/")
        assert "needs JavaScript" in driver.find_element("css selector", "main").text
        driver.get(f"{base}/issues/2026-W46/")
        assert "ControlNet" in driver.find_element("css selector", "main").text
    finally:
        driver.quit()


@pytest.mark.parametrize("path, width", [("issues/2026-W47/email.html", 600), ("issues/2026-W47/", 360), ("", 360)])
def test_pages_fit_narrow_screens_and_the_email_fits_600_pixels(site, tmp_path, path, width):
    base, _ = site
    driver = chromium(tmp_path, width=width, height=800)
    try:
        driver.get(f"{base}/{path}")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
    finally:
        driver.quit()
