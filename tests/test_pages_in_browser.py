"""The built site in headless Chromium: it works, it searches, it is accessible (axe-core), light and dark."""

from __future__ import annotations

import os
import re
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


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make test runs npm ci)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_with_results_shown_is_readable_in_both_schemes(site, browser, scheme):
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                                         "value": scheme}]})
    browser.get(f"{base}/search/")
    box = WebDriverWait(browser, 15).until(lambda driver: driver.find_element("css selector", "#search input"))
    box.send_keys("diffusion")
    WebDriverWait(browser, 15).until(lambda driver: len(driver.find_elements(
        "css selector", ".pagefind-ui__result-excerpt")) >= 2)

    assert axe_violations(browser) == []
    # The box is the page's colour, not a white rectangle on a dark page.
    colours = browser.execute_script("return [getComputedStyle(arguments[0]).backgroundColor, "
                                     "getComputedStyle(document.body).backgroundColor || "
                                     "getComputedStyle(document.documentElement).backgroundColor]", box)
    page = browser.execute_script("return getComputedStyle(document.documentElement).backgroundColor")
    assert colours[0] == page


def test_search_finds_the_issue_with_the_controlnet_paper(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    browser.get(f"{base}/search/?q=ControlNet")

    links = WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements("css selector", ".pagefind-ui__result-link"))
    assert any(link.get_attribute("href").endswith("/issues/2026-W46/") for link in links)


def test_search_finds_an_issue_by_its_own_words_not_by_what_every_issue_page_shows(site, browser):
    """The links to the neighbouring issues (their titles) and to the email versions are not the issue's words."""
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site

    def found(query: str) -> list[str]:
        browser.get(f"{base}/search/?q={query}")

        def results(driver) -> tuple[list[str]] | None:  # once every result the count announces has loaded
            message = driver.find_elements("css selector", ".pagefind-ui__message")
            count = re.match(r"(\d+|No) results?", message[0].text) if message else None
            links = driver.find_elements("css selector", ".pagefind-ui__result-link")  # pages, then their sections
            if count is None or len(links) < (0 if count[1] == "No" else int(count[1])):
                return None
            return ([link.get_attribute("href").rsplit("/issues/", 1)[-1] for link in links],)

        return WebDriverWait(browser, 15).until(results)[0]

    assert found("personalisation") == ["2026-W46/"]  # only in the title of Issue 2, which its neighbours link to
    assert found("email") == []  # every issue page offers "For email: HTML · plain text"; no issue says it


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


def test_the_email_fits_600_pixels(site, tmp_path):
    base, _ = site
    driver = chromium(tmp_path, width=600, height=800)
    try:
        driver.get(f"{base}/issues/2026-W47/email.html")
        assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        driver.quit()


def as_phone(browser, width: int, scheme: str) -> None:
    """Real device emulation: a headless window is never narrower than 500 pixels, a phone is."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 800, "deviceScaleFactor": 2, "mobile": width < 600})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                                         "value": scheme}]})


@pytest.fixture
def phone(browser):
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 390, 768])
def test_every_page_fits_a_phone_without_scrolling_sideways(site, phone, width, scheme):
    base, _ = site
    as_phone(phone, width, scheme)
    wider = {}
    for path in [*PAGES, "drafts/2026-W48/", "issues/2026-W47/email.html"]:
        phone.get(f"{base}/{path}")
        # A mobile browser widens its layout to the widest content (and zooms out): measure against the device.
        overflow = phone.execute_script("return Math.max(window.innerWidth, document.documentElement.scrollWidth)")
        if overflow > width:  # name what sticks out
            wider[path] = (overflow, phone.execute_script(
                f"return [...document.querySelectorAll('body *')]"
                f".filter(e => e.getBoundingClientRect().right > {width} + 0.5)"
                ".map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30)).slice(0, 5)"))
    assert wider == {}
