"""Search across the whole archive with Pagefind, indexed once the build is done.

Pagefind (`pagefind[bin]` from PyPI, a binary in a wheel) reads the built pages and writes
a static index under `pagefind/`; the theme's search page loads it in the browser. Only
issues are indexed (their article carries `data-pagefind-body`), so a search finds
"that issue with the ControlNet paper", not the archive's lists. The search page is a
progressive enhancement: without JavaScript it points to the archive and the topics,
and no other page ships any script.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from .buildrecord import BuildRecord

logger = logging.getLogger(__name__)
SEARCH_PAGE = Path("search") / "index.html"


def index(pelican: object) -> None:
    """A `finalized` receiver: index the output when the theme wrote a search page to use it."""
    output = Path(pelican.settings["OUTPUT_PATH"])
    if not (output / SEARCH_PAGE).exists():
        return
    # Pagefind reads every page: skip it when no page it indexes has changed since the last build.
    record = BuildRecord(Path(pelican.settings["CACHE_PATH"]) / "lamplighter-search.json")
    texts = (path.read_text(encoding="utf-8") for path in sorted(output.rglob("*.html")))
    pages = [text for text in texts if "data-pagefind-body" in text]
    if record.unchanged("index", pages, [output / "pagefind" / "pagefind-entry.json"]):
        return
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output), "--silent"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        logger.error("Pagefind could not index the site: %s", reason[-1] if reason else f"exit {done.returncode}")
        return
    record.save()
