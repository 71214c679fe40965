"""Running every configured source, each isolated from the others' failures.

A source that fails ends as `error` with its one-line reason and the run goes on; the
items of the others are kept if they fall in the week's window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import SourceError
from .fetch import Fetcher
from .items import Item
from .settings import Settings, SourceConfig
from .sources import SOURCE_TYPES
from .weeks import Window


@dataclass
class SourceReport:
    name: str
    type: str
    status: str = "ok"  # ok | error
    items: int = 0  # items in the window
    error: str | None = None
    note: str = ""
    seconds: float = 0.0


@dataclass
class Gathering:
    reports: list[SourceReport] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def gather(settings: Settings, window: Window, *, on_done: Callable[[SourceReport], None] | None = None) -> Gathering:
    fetcher = Fetcher(timeout=settings.timeout, max_bytes=settings.max_bytes)
    gathering = Gathering()
    for source in settings.sources:
        report, items = _gather_one(source, fetcher, window)
        gathering.reports.append(report)
        gathering.items.extend(items)
        if on_done:
            on_done(report)
    return gathering


def _gather_one(source: SourceConfig, fetcher: Fetcher, window: Window) -> tuple[SourceReport, list[Item]]:
    report = SourceReport(source.name, source.type)
    started = time.monotonic()
    try:
        offered = SOURCE_TYPES[source.type].gather(source, fetcher)
    except SourceError as error:
        report.status, report.error, offered = "error", str(error), []
    except Exception as error:  # a bug or a format we did not foresee: report it, keep the others
        report.status, report.error, offered = "error", f"unexpected {type(error).__name__}: {error}", []
    report.seconds = round(time.monotonic() - started, 3)
    undated = sum(1 for item in offered if item.published is None)
    in_window = [item for item in offered if item.published and item.published in window]
    report.items = len(in_window)
    if undated:
        report.note = f"{undated} undated entr{'y' if undated == 1 else 'ies'} skipped"
    return report, in_window
