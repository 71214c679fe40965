"""Search across the whole archive with Pagefind: one index per year, merged in the browser.

Pagefind (`pagefind[bin]` from PyPI, a binary in a wheel) reads the built pages and writes
a static index that the theme's search page loads in the browser. Only issues are indexed
(their article carries `data-pagefind-body`), so a search finds "that issue with the
ControlNet paper", not the archive's lists.

Each year's issues get their own index under `pagefind/YEAR/`; the search page loads the
newest and merges the others (Pagefind's `mergeIndex`). An edit, or this week's issue,
re-indexes one year rather than the whole archive, and a year whose pages have not
changed since the last build is not indexed again. The years are indexed beside the rest
of the build, from when Pelican has written the issues, as many at a time as there are
cores (Pagefind's binary, run directly: each process holds its year's index in memory).

The search page is a progressive enhancement: without JavaScript it points to the
archive and the topics, and no other page ships any script.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

from .buildrecord import BuildRecord

logger = logging.getLogger(__name__)
BUNDLES = Path("pagefind")


def years(issues: list) -> dict[str, list]:
    """The published issues by year, newest year first: one search index each."""
    by_year = defaultdict(list)
    for issue in sorted(issues, key=lambda issue: issue.save_as):
        by_year[str(issue.date.year)].append(issue)
    return dict(sorted(by_year.items(), reverse=True))


def name_bundles(generator: object) -> None:
    """An `article_generator_finalized` receiver: tell the search page which indexes to load, newest first."""
    generator.context["search_bundles"] = [f"{(BUNDLES / year).as_posix()}/" for year in years(generator.articles)]


def start(generator: object, writer: object) -> None:
    """An `article_writer_finalized` receiver: the issues are written, so index the years that changed, beside the build."""
    output = Path(generator.output_path)
    search_page = generator.settings.get("SEARCH_SAVE_AS")
    if not search_page or not (output / search_page).exists():
        return
    record = BuildRecord.of(generator.settings, "search")
    by_year = years(generator.articles)
    _remove_stale_bundles(output / BUNDLES, by_year)
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="pagefind")  # threads that wait
    indexing = []
    for year, issues in by_year.items():
        bundle = BUNDLES / year
        pages = [_stamp(output, issue.save_as) for issue in issues]
        if record.unchanged(year, [version("pagefind"), *pages], [output / bundle / "pagefind-entry.json"]):
            continue
        shutil.rmtree(output / bundle, ignore_errors=True)  # no fragments left from issues that moved away
        pattern = "{" + ",".join(issue.save_as for issue in issues) + "}"
        indexing.append(pool.submit(
            subprocess.run, [str(pagefind_bin.get_executable()), "--site", str(output), "--glob", pattern,
                             "--output-subdir", bundle.as_posix(), "--silent"], capture_output=True, text=True))
    pool.shutdown(wait=False)
    _running[output.resolve()] = (indexing, record)


def finish(pelican: object) -> None:
    """A `finalized` receiver: wait for the indexes, and say so if Pagefind failed."""
    indexing, record = _running.pop(Path(pelican.settings["OUTPUT_PATH"]).resolve(), ([], None))
    failed = False
    for done in indexing:
        try:
            process = done.result()
        except OSError as error:  # the binary could not start
            failed = True
            logger.error("Pagefind could not index the site: %s", error)
            continue
        if process.returncode != 0:
            failed = True
            reason = (process.stderr or process.stdout).strip().splitlines()
            logger.error("Pagefind could not index the site: %s", reason[-1] if reason else f"exit {process.returncode}")
    if record is not None and not failed:
        record.save()


def _stamp(output: Path, page: str) -> str:
    return f"{page} {hashlib.blake2b((output / page).read_bytes()).hexdigest()}"


def _remove_stale_bundles(folder: Path, by_year: dict[str, list]) -> None:
    """A year with no issue left (or the single index of earlier versions) must not be searched."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name not in by_year:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


# The indexing started by each build in progress, by output folder, awaited at `finalized`.
_running: dict[Path, tuple[list[Future[subprocess.CompletedProcess]], BuildRecord]] = {}
