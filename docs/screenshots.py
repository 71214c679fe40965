"""Screenshots of the sample site for the README: home, an issue and the archive, light and dark.

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
from test_pages_in_browser import chromium  # noqa: E402

PAGES = {"home": "", "issue": "issues/2026-W46/", "archive": "archive/"}


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        with served_site(root / "site") as (base, _):
            browser = chromium(root, width=1000, height=1300)
            try:
                for scheme in ("light", "dark"):
                    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
                        "features": [{"name": "prefers-color-scheme", "value": scheme}]})
                    for name, path in PAGES.items():
                        browser.get(f"{base}/{path}")
                        target = DOCS / f"{name}-{scheme}.png"
                        browser.save_screenshot(str(target))
                        print(f"wrote {target.relative_to(DOCS.parent)}")
            finally:
                browser.quit()


if __name__ == "__main__":
    main()
