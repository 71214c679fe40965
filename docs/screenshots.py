"""Screenshots of the sample site for the README: home, an issue, the archive and search with
results, light and dark on a desktop, and light on a 360-pixel phone (real device emulation).

Run with `make screenshots`; it builds the sample issues, serves them on 127.0.0.1 and
photographs them in headless Chromium (Debian's chromium and chromium-driver).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path[:0] = [str(DOCS.parent / "tests"), str(DOCS.parent / "plugins")]

from site_under_test import served_site  # noqa: E402
from test_pages_in_browser import as_phone, chromium  # noqa: E402

PAGES = {"home": "", "issue": "issues/2026-W46/", "archive": "archive/", "search": "search/"}
LOOKS = {"light": ("light", None), "dark": ("dark", None), "phone": ("light", 360)}  # scheme, emulated width


def main() -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        with served_site(root / "site") as (base, _):
            browser = chromium(root, width=1000, height=1300)
            try:
                for look, (scheme, width) in LOOKS.items():
                    if width:
                        as_phone(browser, width, scheme)
                    else:
                        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
                            "features": [{"name": "prefers-color-scheme", "value": scheme}]})
                    for name, path in PAGES.items():
                        browser.get(f"{base}/{path}")
                        if name == "search":  # with a query typed and its results shown
                            box = WebDriverWait(browser, 15).until(lambda b: b.find_element("css selector", "#search input"))
                            box.send_keys("diffusion")
                            WebDriverWait(browser, 15).until(
                                lambda b: b.find_elements("css selector", ".pagefind-ui__result-excerpt"))
                            box.send_keys("")  # let the results settle
                            browser.execute_script("document.activeElement.blur()")
                        target = DOCS / f"{name}-{look}.png"
                        browser.save_screenshot(str(target))
                        print(f"wrote {target.relative_to(DOCS.parent)}")
            finally:
                browser.quit()


if __name__ == "__main__":
    main()
