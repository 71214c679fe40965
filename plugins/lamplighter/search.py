"""Search across the whole archive with Pagefind: one index per year, merged in the browser.

Pagefind (`pagefind[bin]` from PyPI, a binary in a wheel) reads the built pages and writes
a static index that the theme's search page loads in the browser. Only issues are indexed
(their article carries `data-pagefind-body`), so a search finds "that issue with the
ControlNet paper", not the archive's lists.

Each year's issues get their own index under `pagefind/YEAR/`; the search page loads the
newest and merges the others (Pagefind's `mergeIndex`). An edit, or this week's issue,
re-indexes one year rather than the whole archive, and a year whose pages have not
changed since the last build is not indexed again. Each year is indexed beside the rest
of the build, from when Pelican has written its last issue page, as many years at a time
as there are cores (Pagefind's binary, run directly: each holds its year's index in memory).

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
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

from .buildrecord import BuildRecord

logger = logging.getLogger(__name__)
BUNDLES = Path("pagefind")


def years(issues: list) -> dict[str, list[str]]:
    """The published issues' pages by year, newest year first: one search index each."""
    by_year = defaultdict(list)
    pages = sorted(((issue.save_as, issue.date.year) for issue in issues))  # Pelican works save_as out each time
    for page, year in pages:
        by_year[str(year)].append(page)
    return dict(sorted(by_year.items(), reverse=True))


def name_bundles(generator: object) -> None:
    """An `article_generator_finalized` receiver: tell the search page which indexes to load, newest first.

    And get ready to index each year as soon as the last of its issue pages is written.
    """
    by_year = years(generator.articles)
    generator.context["search_bundles"] = [f"{(BUNDLES / year).as_posix()}/" for year in by_year]
    settings = generator.settings
    if settings.get("SEARCH_SAVE_AS") and "search" in settings.get("DIRECT_TEMPLATES", []):
        output = Path(generator.output_path).resolve()
        _running[output] = _Indexing(output, settings, by_year)


def page_done(output: Path, page: str, made_from: str) -> None:
    """The writer wrote (or left as it was) an issue's page in `output` (resolved): index its year if that was the last.

    `made_from` is the writer's digest of what the page is made from: the same page, the same digest.
    """
    indexing = _running.get(output)  # the writer's folder, resolved once
    if indexing is not None:
        indexing.page_done(page, made_from)


def start(generator: object, writer: object) -> None:
    """An `article_writer_finalized` receiver: every issue page is written; index any year not started yet."""
    indexing = _running.get(Path(generator.output_path).resolve())
    if indexing is not None:
        for year in list(indexing.waiting):
            indexing.start(year)


def finish(pelican: object) -> None:
    """A `finalized` receiver: wait for the indexes, and say so if Pagefind failed."""
    indexing = _running.pop(Path(pelican.settings["OUTPUT_PATH"]).resolve(), None)
    if indexing is None:
        return
    failed = False
    for done in indexing.started:
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
    indexing.pool.shutdown()
    if not failed:
        indexing.record.save()


class _Indexing:
    """One build's years to index, each started once all its issue pages are written.

    Pelican writes the issues newest first, so the newest year is indexed while the older
    ones are still being written, on the core that reading's second process has left idle.
    """

    def __init__(self, output: Path, settings: dict, by_year: dict[str, list[str]]) -> None:
        self.output = output
        self.record = BuildRecord.of(settings, "search")
        self.pagefind = version("pagefind")  # once a build: importlib.metadata reads the installed packages
        self.by_year = by_year
        self.waiting = {year: set(pages) for year, pages in by_year.items()}
        self.year_of = {page: year for year, pages in by_year.items() for page in pages}
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="pagefind")  # they wait
        self.started: list[Future[subprocess.CompletedProcess]] = []
        self.made_from: dict[str, str] = {}
        self.listed: dict[str, list[str]] = {}  # folders of the output as _glob read them
        _remove_stale_bundles(output / BUNDLES, by_year)

    def page_done(self, page: str, made_from: str) -> None:
        self.made_from[page] = made_from
        year = self.year_of.get(page)
        if year in self.waiting:
            self.waiting[year].discard(page)
            if not self.waiting[year]:
                self.start(year)

    def start(self, year: str) -> None:
        """Index one year's issues with Pagefind, unless their pages are as they were when it was last indexed."""
        del self.waiting[year]
        pages = self.by_year[year]
        bundle = BUNDLES / year
        stamps = [f"{page} {self.made_from.get(page) or _digest(self.output / page)}"
                  for page in pages]  # not reading 2,000 pages of 50 kB each build, unless another writer wrote them
        if self.record.unchanged(year, [self.pagefind, *stamps], [self.output / bundle / "pagefind-entry.json"]):
            return
        shutil.rmtree(self.output / bundle, ignore_errors=True)  # no fragments left from issues that moved away
        pattern = _glob(self.output, pages, self.year_of, self.listed)
        self.started.append(self.pool.submit(
            subprocess.run, [str(pagefind_bin.get_executable()), "--site", str(self.output), "--glob", pattern,
                             "--output-subdir", bundle.as_posix(), "--silent"], capture_output=True, text=True))


def _glob(output: Path, pages: list[str], built: Collection[str] = (),
          listed: dict[str, list[str]] | None = None) -> str:
    """A glob for Pagefind that matches exactly `pages`: `issues/2026-W*/index.html` when one does
    (it walks less of the output than a list of every page: a tenth of its time), else the list.

    `built` is every page this build writes, and `listed` each folder's names as read once a
    build, so that 39 years do not read a folder of 2,000 issues 39 times.
    """
    listed_pages = "{" + ",".join(pages) + "}"
    wildcard = one_wildcard(pages)
    if wildcard is None:
        return listed_pages
    prefix, suffix = wildcard
    matched = {page for page in [*pages, *built] if _matches(page, prefix, suffix)}
    folder, _, start = prefix.rpartition("/")  # the "*" is in one name in `folder`: start*end
    end, slash, rest = suffix.partition("/")
    listed = {} if listed is None else listed
    if folder not in listed:
        listed[folder] = os.listdir(output / folder) if (output / folder).is_dir() else []
    for name in listed[folder]:  # and whatever else is there: an issue since deleted, say
        if _matches(name, start, end):
            path = (f"{folder}/{name}" if folder else name) + (f"/{rest}" if slash else "")
            if os.path.lexists(output / path):
                matched.add(path)
    return f"{prefix}*{suffix}" if matched == set(pages) else listed_pages


def one_wildcard(pages: list[str]) -> tuple[str, str] | None:
    """The prefix and suffix of the one glob `prefix*suffix` that can name `pages`, its "*" within a name; or None."""
    prefix = os.path.commonprefix(pages)
    suffix = os.path.commonprefix([page[len(prefix):][::-1] for page in pages])[::-1]
    middles = [page[len(prefix):len(page) - len(suffix)] for page in pages]
    if len(pages) < 2 or any("/" in middle for middle in middles) or any(c in prefix + suffix for c in "*?[]{}!\\"):
        return None
    return prefix, suffix


def _matches(page: str, prefix: str, suffix: str) -> bool:
    """Whether glob's `prefix*suffix` takes `page`: its "*" never spans a "/"."""
    return (len(page) >= len(prefix) + len(suffix) and page.startswith(prefix) and page.endswith(suffix)
            and "/" not in page[len(prefix):len(page) - len(suffix)])


def _digest(page: Path) -> str:
    return hashlib.blake2b(page.read_bytes()).hexdigest()


def _remove_stale_bundles(folder: Path, by_year: dict[str, list]) -> None:
    """A year with no issue left (or the single index of earlier versions) must not be searched."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name not in by_year:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


# The indexing of each build in progress, by output folder, awaited at `finalized`.
_running: dict[Path, _Indexing] = {}
