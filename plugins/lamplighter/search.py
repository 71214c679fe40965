"""Search across the whole archive with Pagefind, indexing the issues while the rest of the build goes on.

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


def start(generator: object, writer: object) -> None:
    """An `article_writer_finalized` receiver: the issues are written, so index them while the build goes on."""
    output = Path(generator.output_path)
    if not (output / SEARCH_PAGE).exists():
        return
    # Pagefind reads every page: skip it when no page it indexes has changed since the last build.
    record = BuildRecord(Path(generator.settings["CACHE_PATH"]) / "lamplighter-search.json")
    pages = [(output / issue.save_as).read_text(encoding="utf-8")
             for issue in sorted(generator.articles, key=lambda issue: issue.save_as)]  # the pages it indexes
    if record.unchanged("index", pages, [output / "pagefind" / "pagefind-entry.json"]):
        return
    process = subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(output), "--silent"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _running[output.resolve()] = (process, record)


def finish(pelican: object) -> None:
    """A `finalized` receiver: wait for the index, and say so if Pagefind failed."""
    running = _running.pop(Path(pelican.settings["OUTPUT_PATH"]).resolve(), None)
    if running is None:
        return
    process, record = running
    out, err = process.communicate()
    if process.returncode != 0:
        reason = (err or out).strip().splitlines()
        logger.error("Pagefind could not index the site: %s", reason[-1] if reason else f"exit {process.returncode}")
        return
    record.save()


# Pagefind runs beside the rest of the build: started when the issues are written, awaited at the end.
_running: dict[Path, tuple[subprocess.Popen, BuildRecord]] = {}
