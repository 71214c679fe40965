"""Running every configured source at once, each isolated from the others' failures.

Sources run in a bounded pool of threads; each fetches and parses as soon as its own
answer arrives, so parsing never waits for the slowest server (the fetcher keeps the
per-host limits). Every source ends in one status with a one-line reason:

- `ok`: gathered;
- `not_modified`: the server answered 304, and the items stored last time are used;
- `stale`: gathered, but its newest item is older than its `max_age_days` (default 30, or
  its type's `MAX_AGE_DAYS`: releases and people's activity come less often than posts):
  a bridge or feed that silently stopped updating looks exactly like this;
- `error`: nothing gathered, with the reason; the run goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from .errors import SourceError
from .fetch import Fetcher, Response
from .items import Item, is_web_link, owned_by
from .settings import Settings, SourceConfig
from .sources import SOURCE_TYPES, arxiv
from .store import ItemStore, Stored
from .weeks import Window

DEFAULT_MAX_AGE_DAYS = 30


@dataclass
class SourceReport:
    name: str
    type: str
    status: str = "ok"  # ok | not_modified | stale | error
    items: int = 0  # items in the window
    error: str | None = None  # the one-line reason for any status but ok
    seconds: float = 0.0
    dated_when_first_seen: int = 0  # entries without a date, dated by when a gather first saw them
    without_link: int = 0  # entries skipped because they have no web link to give a reader
    out_of_window: int = 0  # dated entries from before (or after) the week

    @property
    def note(self) -> str:
        """What the counts say, in words, for the table."""
        said = [f"{count} {what}" for count, what in (
            (self.dated_when_first_seen, "undated, dated when first seen"),
            (self.without_link, "without a link, skipped"),
            (self.out_of_window, "outside the week"),
        ) if count]
        return "; ".join(said)


@dataclass
class Gathering:
    reports: list[SourceReport] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what went wrong outside any one source, for the editor


class _Unchanged(Exception):
    """The source's answer was a 304 and its items from last time are at hand."""


class SourceFetcher:
    """The shared fetcher as one source sees it, with what else a source may need.

    A source's requests skip the HTTP cache: the item store keeps what was read from them,
    with the validators (ETag, Last-Modified) of their answers, and the next request is
    conditional on those. A 304 ends the source early, with its items from last time.
    `window` is the span being gathered, `now` the moment of the gather (the date of a
    trending list), and `cache_dir` the folder where a source may keep state between runs
    (git mirrors).
    """

    def __init__(self, fetcher: Fetcher, *, can_skip: bool, window: Window, now: datetime,
                 cache_dir: Path, validators: dict[str, dict[str, str]] | None = None) -> None:
        self.fetcher, self.can_skip = fetcher, can_skip
        self.window, self.now, self.cache_dir = window, now, cache_dir
        self.validators = validators or {}  # by address: those of the answers the stored items came from
        self.learned: dict[str, dict[str, str]] = {}  # those of this gather's answers

    def get(self, url: str) -> Response:
        response = self.fetcher.get(url, validators=self.validators.get(url, {}) if self.can_skip else {})
        found = {name: response.headers[name] for name in ("etag", "last-modified") if response.headers.get(name)}
        if found:
            self.learned[url] = found
        if response.not_modified and self.can_skip:
            raise _Unchanged
        return response

    def detail(self, url: str) -> Response:
        """A further page about one item (a repository's README): unchanged, it says nothing of the source's list."""
        return self.fetcher.get(url)


def gather(settings: Settings, window: Window, *, on_done: Callable[[SourceReport], None] | None = None,
           now: datetime | None = None) -> Gathering:
    fetcher = Fetcher(timeout=settings.timeout, max_bytes=settings.max_bytes, cache_dir=settings.cache_dir)
    store = ItemStore(settings.cache_dir / "items")
    now = now or datetime.now(timezone.utc)

    def run(source: SourceConfig) -> tuple[SourceReport, list[Item]]:
        result = _gather_one(source, fetcher, store, window, now, settings.cache_dir)
        if on_done:
            on_done(result[0])
        return result

    order = _interleaved_by_host(settings.sources)
    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(settings.sources)))) as pool:
        results = dict(zip(order, pool.map(lambda index: run(settings.sources[index]), order)))
    ordered = [results[index] for index in range(len(settings.sources))]
    gathering = Gathering([report for report, _ in ordered], [item for _, items in ordered for item in items],
                          fetcher.notes + store.notes)
    try:
        gathering.items = arxiv.describe_cited(gathering.items, fetcher, settings.arxiv_base_url)
    except Exception as error:  # SourceError, or a format we did not foresee: the papers keep their ids
        reason = str(error) if isinstance(error, SourceError) else f"unexpected {type(error).__name__}: {error}"
        gathering.notes.append(f"Papers only a commit cites keep their arXiv ids as titles: {reason}")
    return gathering


def _interleaved_by_host(sources: tuple[SourceConfig, ...]) -> list[int]:
    """Source indices, one host after another in turn, so workers do not all wait on one host's limit."""
    by_host: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        module = SOURCE_TYPES[source.type]
        address = source.options.get("base_url") or source.options.get("url") or getattr(module, "ENDPOINT", "")
        by_host.setdefault(urlsplit(str(address)).netloc.lower(), []).append(index)
    return [index for turn in zip_longest(*by_host.values()) for index in turn if index is not None]


def _gather_one(source: SourceConfig, fetcher: Fetcher, store: ItemStore, window: Window,
                now: datetime, cache_dir: Path) -> tuple[SourceReport, list[Item]]:
    report = SourceReport(source.name, source.type)
    started = time.monotonic()
    stored = store.load(source)
    fresh = False
    try:
        own = SourceFetcher(fetcher, can_skip=stored.items is not None, window=window, now=now, cache_dir=cache_dir,
                            validators=stored.validators)
        offered, fresh = SOURCE_TYPES[source.type].gather(source, own), True
    except _Unchanged:
        offered = stored.items or []
        fresh = {**stored.validators, **own.learned} != stored.validators  # learned validators are worth keeping
        report.status, report.error = "not_modified", "unchanged since the last gather (HTTP 304)"
    except SourceError as error:
        report.status, report.error, offered = "error", str(error), []
    except Exception as error:  # a bug or a format we did not foresee: report it, keep the others
        report.status, report.error, offered = "error", f"unexpected {type(error).__name__}: {error}", []
    report.seconds = round(time.monotonic() - started, 3)
    # Whatever a source module does, only web links go further; an entry without a date is
    # dated by when it was first seen, as feed readers do, so it comes once, in that week.
    linked = [item for item in offered if is_web_link(item.url)]
    report.without_link = len(offered) - len(linked)
    # Only the site that owns a link (arXiv for a paper, GitHub for a repository) gives its title when merging.
    site_page = SOURCE_TYPES[source.type].links(source.options)[1]
    linked = [replace(item, from_owner=True) if owned_by(item.url, site_page) else item for item in linked]
    first_seen = {item.key: stored.first_seen.get(item.key, now) for item in linked if item.published is None}
    if fresh:  # a cache: if it cannot be written, the items are still good
        store.save(source, Stored(offered, first_seen, {**stored.validators, **own.learned}))
    report.dated_when_first_seen = len(first_seen)
    dated = [item if item.published else replace(item, published=first_seen[item.key]) for item in linked]
    _check_freshness(report, dated, source, now)
    in_window = [item for item in dated if item.published in window]
    report.items, report.out_of_window = len(in_window), len(dated) - len(in_window)
    return report, in_window


def _check_freshness(report: SourceReport, items: list[Item], source: SourceConfig, now: datetime) -> None:
    dates = [item.published for item in items if item.published]
    if report.status == "error" or not dates:
        return
    default = getattr(SOURCE_TYPES[source.type], "MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS)
    max_age = source.options.get("max_age_days", default)
    age = now - max(dates)
    if age > timedelta(days=max_age):
        report.status = "stale"
        report.error = f"newest item is {age.days} days old (max_age_days is {max_age:g})"
